/*
 * blkback's request handling (toolstack/blkback/blkif_serve.c) on a ring
 * in memory, a disk image in a temporary file and fake grants (refs
 * 100..163 are pages of a fake frontend, domain 7; others fail to map):
 * good reads, writes and flushes, and every hostile request a frontend
 * can make answered with an error, the disk untouched, every mapping
 * undone.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blkif_serve.h"

#define NR_SECTORS 64
#define FIRST_REF 100
#define NR_PAGES 64

static uint8_t pages[NR_PAGES][4096];
static int live_maps, total_maps;

struct fake_area {
    grant_ref_t refs[BLKIF_MAX_SEGMENTS_PER_REQUEST];
    unsigned int n;
    bool readonly;
    uint8_t data[];
};

static void *fake_map(void *ctx, uint16_t domid, const grant_ref_t *refs, unsigned int n,
                      bool readonly)
{
    struct fake_area *a;

    (void)ctx;
    if (domid != 7 || n == 0 || n > BLKIF_MAX_SEGMENTS_PER_REQUEST)
        return NULL;
    for (unsigned int i = 0; i < n; i++)
        if (refs[i] < FIRST_REF || refs[i] >= FIRST_REF + NR_PAGES)
            return NULL;
    a = malloc(sizeof(*a) + n * 4096);
    a->n = n;
    a->readonly = readonly;
    for (unsigned int i = 0; i < n; i++) {
        a->refs[i] = refs[i];
        memcpy(a->data + i * 4096, pages[refs[i] - FIRST_REF], 4096);
    }
    live_maps++;
    total_maps++;
    return a->data;
}

static void fake_unmap(void *ctx, void *area, unsigned int n)
{
    struct fake_area *a = (struct fake_area *)((uint8_t *)area - offsetof(struct fake_area, data));

    (void)ctx;
    ck_assert_uint_eq(n, a->n);
    for (unsigned int i = 0; i < n && !a->readonly; i++)
        memcpy(pages[a->refs[i] - FIRST_REF], a->data + i * 4096, 4096);
    free(a);
    live_maps--;
}

static union {
    blkif_sring_t s;
    uint8_t page[4096];
} shared;
static blkif_front_ring_t front;
static struct blkif_backend back;
static char image[] = "/tmp/test_blkif_serve.XXXXXX";

static void setup(void)
{
    uint8_t zero[512] = { 0 };
    int fd = mkstemp(image);

    ck_assert_int_ge(fd, 0);
    for (int i = 0; i < NR_SECTORS; i++)
        ck_assert_int_eq(write(fd, zero, 512), 512);
    memset(&shared, 0, sizeof(shared));
    SHARED_RING_INIT(&shared.s);
    FRONT_RING_INIT(&front, &shared.s, 4096);
    memset(&back, 0, sizeof(back));
    BACK_RING_INIT(&back.ring, &shared.s, 4096);
    back.domid = 7;
    back.fd = fd;
    back.nr_sectors = NR_SECTORS;
    back.ops = (struct blkif_grant_ops){ fake_map, fake_unmap, NULL };
    live_maps = total_maps = 0;
    for (int i = 0; i < NR_PAGES; i++)
        memset(pages[i], 0x40 + i, 4096);
}

static void teardown(void)
{
    close(back.fd);
    unlink(image);
    strcpy(image, "/tmp/test_blkif_serve.XXXXXX");
    ck_assert_int_eq(live_maps, 0);
}

static struct blkif_request *next_req(uint8_t op, uint64_t sector, unsigned int nseg)
{
    struct blkif_request *rq = RING_GET_REQUEST(&front, front.req_prod_pvt);

    memset(rq, 0, sizeof(*rq));
    rq->operation = op;
    rq->id = 1000 + front.req_prod_pvt;
    rq->sector_number = sector;
    rq->nr_segments = (uint8_t)nseg;
    for (unsigned int i = 0; i < nseg && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
        rq->seg[i] = (struct blkif_request_segment){ FIRST_REF + i, 0, 7 };
    front.req_prod_pvt++;
    return rq;
}

/* Pushes, serves, returns the status of each response in order. */
static int serve(int16_t *status, int max)
{
    int n = 0, notify;

    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
    (void)notify;
    blkif_serve(&back);
    while (front.rsp_cons != front.sring->rsp_prod && n < max) {
        struct blkif_response *r = RING_GET_RESPONSE(&front, front.rsp_cons);

        ck_assert_uint_eq(r->id, 1000 + front.rsp_cons);
        status[n++] = r->status;
        front.rsp_cons++;
    }
    return n;
}

static void disk_sector(uint64_t s, uint8_t *buf)
{
    ck_assert_int_eq(pread(back.fd, buf, 512, (off_t)s * 512), 512);
}

START_TEST(write_read_flush)
{
    int16_t st[4];
    uint8_t buf[512];

    /* Two pages (16 sectors) from sector 8, then read back into pages 2..3. */
    next_req(BLKIF_OP_WRITE, 8, 2);
    next_req(BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
    ck_assert_int_eq(serve(st, 4), 2);
    ck_assert_int_eq(st[0], BLKIF_RSP_OKAY);
    ck_assert_int_eq(st[1], BLKIF_RSP_OKAY);
    disk_sector(8, buf);
    ck_assert_uint_eq(buf[0], 0x40);
    disk_sector(23, buf);
    ck_assert_uint_eq(buf[511], 0x41);
    disk_sector(24, buf);
    ck_assert_uint_eq(buf[0], 0);

    struct blkif_request *rq = next_req(BLKIF_OP_READ, 12, 1);
    rq->seg[0] = (struct blkif_request_segment){ FIRST_REF + 5, 2, 5 };
    ck_assert_int_eq(serve(st, 4), 1);
    ck_assert_int_eq(st[0], BLKIF_RSP_OKAY);
    /* Sectors 12..15 (page 0's second half) land in page 5's sectors 2..5. */
    ck_assert_uint_eq(pages[5][2 * 512], 0x40);
    ck_assert_uint_eq(pages[5][6 * 512 - 1], 0x40);
    ck_assert_uint_eq(pages[5][2 * 512 - 1], 0x45);
    ck_assert_uint_eq(pages[5][6 * 512], 0x45);
    ck_assert_uint_eq(back.done, 3);
    ck_assert_uint_eq(back.errors, 0);
}
END_TEST

START_TEST(hostile_requests)
{
    int16_t st[16];
    struct blkif_request *rq;
    uint8_t buf[512];

    next_req(BLKIF_OP_WRITE, NR_SECTORS - 7, 1);           /* 8 sectors, one past the end */
    next_req(BLKIF_OP_WRITE, NR_SECTORS, 1);               /* starts at the end */
    next_req(BLKIF_OP_READ, ~0ull - 3, 1);                 /* wraps around */
    next_req(BLKIF_OP_WRITE, 0, 0);                        /* no segments */
    next_req(BLKIF_OP_WRITE, 0, 12);                       /* too many segments */
    rq = next_req(BLKIF_OP_WRITE, 0, 1);
    rq->seg[0].first_sect = 5, rq->seg[0].last_sect = 4;   /* first > last */
    rq = next_req(BLKIF_OP_WRITE, 0, 1);
    rq->seg[0].last_sect = 8;                              /* past the page */
    rq = next_req(BLKIF_OP_WRITE, 0, 2);
    rq->seg[1].gref = 7;                                   /* not a grant of ours */
    next_req(77, 0, 1);                                    /* no such operation */
    next_req(BLKIF_OP_DISCARD, 0, 0);                      /* not offered */
    next_req(BLKIF_OP_INDIRECT, 0, 0);
    ck_assert_int_eq(serve(st, 16), 11);
    for (int i = 0; i < 8; i++)
        ck_assert_msg(st[i] == BLKIF_RSP_ERROR, "request %d: status %d", i, st[i]);
    ck_assert_int_eq(st[8], BLKIF_RSP_ERROR);
    ck_assert_int_eq(st[9], BLKIF_RSP_EOPNOTSUPP);
    ck_assert_int_eq(st[10], BLKIF_RSP_EOPNOTSUPP);
    for (int s = 0; s < NR_SECTORS; s++) {
        disk_sector((uint64_t)s, buf);
        ck_assert_msg(buf[0] == 0 && buf[511] == 0, "sector %d written", s);
    }
    ck_assert_int_eq(total_maps, 0);   /* nothing was mapped for a bad request... */
    ck_assert(!back.broken);
    /* ...and the ring still works. */
    next_req(BLKIF_OP_WRITE, NR_SECTORS - 8, 1);
    ck_assert_int_eq(serve(st, 16), 1);
    ck_assert_int_eq(st[0], BLKIF_RSP_OKAY);
}
END_TEST

START_TEST(readonly_disk)
{
    int16_t st[4];
    uint8_t buf[512];

    back.readonly = true;
    next_req(BLKIF_OP_WRITE, 0, 1);
    next_req(BLKIF_OP_READ, 0, 1);
    ck_assert_int_eq(serve(st, 4), 2);
    ck_assert_int_eq(st[0], BLKIF_RSP_ERROR);
    ck_assert_int_eq(st[1], BLKIF_RSP_OKAY);
    disk_sector(0, buf);
    ck_assert_uint_eq(buf[0], 0);
}
END_TEST

START_TEST(garbage_indices)
{
    int16_t st[4];

    next_req(BLKIF_OP_WRITE, 0, 1);
    front.req_prod_pvt += 1000;            /* claims far more than the ring holds */
    ck_assert_int_eq(serve(st, 4), 0);
    ck_assert(back.broken);
    ck_assert_int_eq(total_maps, 0);
    /* Broken stays broken: nothing more is served. */
    ck_assert(!blkif_serve(&back));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("blkif_serve");
    TCase *tc = tcase_create("serve");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, write_read_flush);
    tcase_add_test(tc, hostile_requests);
    tcase_add_test(tc, readonly_disk);
    tcase_add_test(tc, garbage_indices);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
