/*
 * blkback's request handling (toolstack/blkback/blkif_serve.c) on a ring
 * in memory, a disk image in a temporary file and a fake grant copy
 * (refs 100..163 are pages of a fake frontend, domain 7; a copy with any
 * other ref fails with GNTST_bad_gntref): good reads, writes and
 * flushes, sub-page segments at the right offsets, failed copies
 * answered with errors (a write's leaving the disk alone), requests
 * that follow on on the disk served as one run, and every
 * hostile request a frontend can make answered with an error before any
 * copy, the disk untouched, and a ring taken over from a daemon killed
 * part-way through a pass.
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
static _Alignas(4096) uint8_t buf[BLKIF_BUF_SIZE];
static int copy_calls;
static bool fail_calls;        /* every copy call fails as a whole */
static int snap_at;            /* copy call at which the ring page is saved (0: none) */

/* The ring page, and a copy of it as a killed daemon left it. */
static union {
    blkif_sring_t s;
    uint8_t page[4096];
} shared, snapshot;

static int fake_copy(void *ctx, uint16_t domid, struct grant_copy *c, unsigned int n)
{
    (void)ctx;
    ck_assert_uint_eq(domid, 7);
    ck_assert(n >= 1 && n <= BLKIF_RUN_SEGS);
    copy_calls++;
    if (copy_calls == snap_at)
        memcpy(&snapshot, &shared, sizeof(shared));
    if (fail_calls)
        return -1;
    for (unsigned int i = 0; i < n; i++) {
        uint8_t *local = c[i].local, *page;

        ck_assert(c[i].len > 0 && c[i].offset + c[i].len <= 4096);
        ck_assert(local >= buf && local + c[i].len <= buf + sizeof(buf));
        if (c[i].ref < FIRST_REF || c[i].ref >= FIRST_REF + NR_PAGES) {
            c[i].status = GNTST_bad_gntref;
            continue;
        }
        page = pages[c[i].ref - FIRST_REF] + c[i].offset;
        memcpy(c[i].to_guest ? page : local, c[i].to_guest ? local : page, c[i].len);
        c[i].status = GNTST_okay;
    }
    return 0;
}

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
    back.ops = (struct grant_copy_ops){ fake_copy, NULL };
    back.buf = buf;
    memset(buf, 0xee, sizeof(buf));    /* not the disk's zeros: a stray write shows */
    copy_calls = 0;
    fail_calls = false;
    snap_at = 0;
    for (int i = 0; i < NR_PAGES; i++)
        memset(pages[i], 0x40 + i, 4096);
}

static void teardown(void)
{
    close(back.fd);
    unlink(image);
    strcpy(image, "/tmp/test_blkif_serve.XXXXXX");
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

static void disk_sector(uint64_t s, uint8_t *sector)
{
    ck_assert_int_eq(pread(back.fd, sector, 512, (off_t)s * 512), 512);
}

/* The image as setup() made it: zeros. */
static void disk_unwritten(void)
{
    uint8_t sector[512];

    for (int s = 0; s < NR_SECTORS; s++) {
        disk_sector((uint64_t)s, sector);
        ck_assert_msg(sector[0] == 0 && sector[511] == 0, "sector %d written", s);
    }
}

/* Page p's sector s as sector_fill() marks it. */
static uint8_t mark(unsigned int p, unsigned int s)
{
    return (uint8_t)(p * 8 + s);
}

static void sector_fill(unsigned int p)
{
    for (unsigned int s = 0; s < 8; s++)
        memset(pages[p] + s * 512, mark(p, s), 512);
}

START_TEST(write_read_flush)
{
    int16_t st[4];
    uint8_t sector[512];

    /* Two pages (16 sectors) from sector 8, then read back into pages 2..3. */
    next_req(BLKIF_OP_WRITE, 8, 2);
    next_req(BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
    ck_assert_int_eq(serve(st, 4), 2);
    ck_assert_int_eq(st[0], BLKIF_RSP_OKAY);
    ck_assert_int_eq(st[1], BLKIF_RSP_OKAY);
    disk_sector(8, sector);
    ck_assert_uint_eq(sector[0], 0x40);
    disk_sector(23, sector);
    ck_assert_uint_eq(sector[511], 0x41);
    disk_sector(24, sector);
    ck_assert_uint_eq(sector[0], 0);

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
    ck_assert_int_eq(copy_calls, 2);   /* one per read or write, none for the flush */
}
END_TEST

/* One request of three segments (page, first_sect, last_sect each), served OK. */
static void three_segments(uint8_t op, uint64_t sector, const uint8_t seg[3][3])
{
    struct blkif_request *rq = next_req(op, sector, 3);
    int16_t st[4];

    for (unsigned int i = 0; i < 3; i++)
        rq->seg[i] = (struct blkif_request_segment){ FIRST_REF + seg[i][0], seg[i][1], seg[i][2] };
    ck_assert_int_eq(serve(st, 4), 1);
    ck_assert_int_eq(st[0], BLKIF_RSP_OKAY);
}

START_TEST(sub_page_segments)
{
    static const uint8_t out[3][3] = { { 10, 6, 7 }, { 11, 0, 2 }, { 12, 3, 3 } };
    static const uint8_t in[3][3] = { { 20, 1, 4 }, { 21, 7, 7 }, { 22, 0, 0 } };
    /* Each disk sector of the run: the page and sector it came from. */
    static const uint8_t want[6][2] = { { 10, 6 }, { 10, 7 }, { 11, 0 }, { 11, 1 },
                                        { 11, 2 }, { 12, 3 } };
    uint8_t sector[512];

    /* Six sectors from sector 20, out of three pages' middles... */
    for (unsigned int p = 10; p < 13; p++)
        sector_fill(p);
    three_segments(BLKIF_OP_WRITE, 20, out);
    for (unsigned int i = 0; i < 6; i++) {
        disk_sector(20 + i, sector);
        ck_assert_msg(sector[0] == mark(want[i][0], want[i][1]) &&
                      sector[511] == mark(want[i][0], want[i][1]), "disk sector %u", 20 + i);
    }
    disk_sector(19, sector);
    ck_assert_uint_eq(sector[511], 0);
    disk_sector(26, sector);
    ck_assert_uint_eq(sector[0], 0);

    /* ...read back into other pages, cut differently: 4 + 1 + 1. */
    for (unsigned int p = 20; p < 23; p++)
        sector_fill(p);
    three_segments(BLKIF_OP_READ, 20, in);
    for (unsigned int i = 0; i < 4; i++)
        ck_assert_uint_eq(pages[20][(1 + i) * 512 + 100], mark(want[i][0], want[i][1]));
    ck_assert_uint_eq(pages[21][7 * 512], mark(want[4][0], want[4][1]));
    ck_assert_uint_eq(pages[22][511], mark(want[5][0], want[5][1]));
    /* The rest of those pages is as it was. */
    ck_assert_uint_eq(pages[20][511], mark(20, 0));
    ck_assert_uint_eq(pages[20][5 * 512], mark(20, 5));
    ck_assert_uint_eq(pages[21][7 * 512 - 1], mark(21, 6));
    ck_assert_uint_eq(pages[22][512], mark(22, 1));
    ck_assert_int_eq(copy_calls, 2);
}
END_TEST

START_TEST(failed_copies)
{
    int16_t st[4];
    struct blkif_request *rq;

    /* A write whose second grant is not the frontend's: the disk is not written. */
    rq = next_req(BLKIF_OP_WRITE, 8, 3);
    rq->seg[1].gref = 7;
    ck_assert_int_eq(serve(st, 4), 1);
    ck_assert_int_eq(st[0], BLKIF_RSP_ERROR);
    /* A read is not answered as done when its data did not all arrive. */
    rq = next_req(BLKIF_OP_READ, 0, 3);
    rq->seg[2].gref = 7;
    ck_assert_int_eq(serve(st, 4), 1);
    ck_assert_int_eq(st[0], BLKIF_RSP_ERROR);
    /* The same when the copy call fails as a whole. */
    fail_calls = true;
    next_req(BLKIF_OP_WRITE, 16, 2);
    next_req(BLKIF_OP_READ, 0, 1);
    ck_assert_int_eq(serve(st, 4), 2);
    ck_assert_int_eq(st[0], BLKIF_RSP_ERROR);
    ck_assert_int_eq(st[1], BLKIF_RSP_ERROR);
    disk_unwritten();
    ck_assert_uint_eq(back.errors, 4);
    ck_assert_int_eq(copy_calls, 4);
}
END_TEST

/* Requests that follow on on the disk: one copy call for them all, each its own answer. */
START_TEST(runs)
{
    int16_t st[4];
    uint8_t sector[512];
    struct blkif_request *rq;

    next_req(BLKIF_OP_WRITE, 0, 2);
    next_req(BLKIF_OP_WRITE, 16, 1)->seg[0].gref = FIRST_REF + 2;
    ck_assert_int_eq(serve(st, 4), 2);
    ck_assert_int_eq(st[0], BLKIF_RSP_OKAY);
    ck_assert_int_eq(st[1], BLKIF_RSP_OKAY);
    ck_assert_int_eq(copy_calls, 1);
    disk_sector(16, sector);
    ck_assert_uint_eq(sector[0], 0x42);

    /* A read whose grant is bad fails alone. */
    next_req(BLKIF_OP_READ, 0, 1)->seg[0].gref = FIRST_REF + 10;
    next_req(BLKIF_OP_READ, 8, 1)->seg[0].gref = 7;
    next_req(BLKIF_OP_READ, 16, 1)->seg[0].gref = FIRST_REF + 12;
    ck_assert_int_eq(serve(st, 4), 3);
    ck_assert_int_eq(st[0], BLKIF_RSP_OKAY);
    ck_assert_int_eq(st[1], BLKIF_RSP_ERROR);
    ck_assert_int_eq(st[2], BLKIF_RSP_OKAY);
    ck_assert_int_eq(copy_calls, 2);
    ck_assert_uint_eq(pages[10][0], 0x40);
    ck_assert_uint_eq(pages[12][4095], 0x42);

    /* A write run with a bad grant is served request by request: the good one is written. */
    next_req(BLKIF_OP_WRITE, 24, 1)->seg[0].gref = FIRST_REF + 3;
    rq = next_req(BLKIF_OP_WRITE, 32, 1);
    rq->seg[0].gref = 7;
    ck_assert_int_eq(serve(st, 4), 2);
    ck_assert_int_eq(st[0], BLKIF_RSP_OKAY);
    ck_assert_int_eq(st[1], BLKIF_RSP_ERROR);
    ck_assert_int_eq(copy_calls, 5);
    disk_sector(24, sector);
    ck_assert_uint_eq(sector[0], 0x43);
    disk_sector(32, sector);
    ck_assert_uint_eq(sector[0], 0);
    ck_assert_uint_eq(back.errors, 2);
}
END_TEST

START_TEST(hostile_requests)
{
    int16_t st[16];
    struct blkif_request *rq;

    next_req(BLKIF_OP_WRITE, NR_SECTORS - 7, 1);           /* 8 sectors, one past the end */
    next_req(BLKIF_OP_WRITE, NR_SECTORS, 1);               /* starts at the end */
    next_req(BLKIF_OP_READ, ~0ull - 3, 1);                 /* wraps around */
    next_req(BLKIF_OP_WRITE, 0, 0);                        /* no segments */
    next_req(BLKIF_OP_WRITE, 0, 12);                       /* too many segments */
    rq = next_req(BLKIF_OP_WRITE, 0, 1);
    rq->seg[0].first_sect = 5, rq->seg[0].last_sect = 4;   /* first > last */
    rq = next_req(BLKIF_OP_WRITE, 0, 1);
    rq->seg[0].last_sect = 8;                              /* past the page */
    next_req(77, 0, 1);                                    /* no such operation */
    next_req(BLKIF_OP_DISCARD, 0, 0);                      /* not offered */
    next_req(BLKIF_OP_INDIRECT, 0, 0);
    ck_assert_int_eq(serve(st, 16), 10);
    for (int i = 0; i < 7; i++)
        ck_assert_msg(st[i] == BLKIF_RSP_ERROR, "request %d: status %d", i, st[i]);
    ck_assert_int_eq(st[7], BLKIF_RSP_ERROR);
    ck_assert_int_eq(st[8], BLKIF_RSP_EOPNOTSUPP);
    ck_assert_int_eq(st[9], BLKIF_RSP_EOPNOTSUPP);
    disk_unwritten();
    ck_assert_int_eq(copy_calls, 0);   /* nothing was copied for a bad request... */
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

    back.readonly = true;
    next_req(BLKIF_OP_WRITE, 0, 1);
    next_req(BLKIF_OP_READ, 0, 1);
    ck_assert_int_eq(serve(st, 4), 2);
    ck_assert_int_eq(st[0], BLKIF_RSP_ERROR);
    ck_assert_int_eq(st[1], BLKIF_RSP_OKAY);
    ck_assert_uint_eq(pages[0][0], 0);   /* the read's */
    disk_unwritten();
    ck_assert_int_eq(copy_calls, 1);
}
END_TEST

START_TEST(garbage_indices)
{
    int16_t st[4];

    next_req(BLKIF_OP_WRITE, 0, 1);
    front.req_prod_pvt += 1000;            /* claims far more than the ring holds */
    ck_assert_int_eq(serve(st, 4), 0);
    ck_assert(back.broken);
    ck_assert_int_eq(copy_calls, 0);
    /* Broken stays broken: nothing more is served. */
    ck_assert(!blkif_serve(&back));
}
END_TEST

/*
 * heron-blkback killed while serving the second request of a pass (the
 * ring page saved at its copy call stands for the page the dead daemon
 * left), and a new one taking the ring over from its last response, as
 * vbd_connect does: every request is answered, once, with its own id.
 * Answering the first request in its slot before the push would leave
 * a response there that the new daemon takes for a request.
 */
START_TEST(taken_over_mid_pass)
{
    int16_t st[4];
    int notify;

    next_req(BLKIF_OP_WRITE, 0, 1);
    next_req(BLKIF_OP_WRITE, 8, 1);
    next_req(BLKIF_OP_READ, 0, 1);
    snap_at = 2;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
    (void)notify;
    blkif_serve(&back);
    memcpy(&shared, &snapshot, sizeof(shared));
    ck_assert_uint_eq(shared.s.rsp_prod, 0);
    memset(&back.ring, 0, sizeof(back.ring));
    BACK_RING_INIT(&back.ring, &shared.s, 4096);
    back.ring.req_cons = back.ring.rsp_prod_pvt = shared.s.rsp_prod;
    ck_assert_int_eq(serve(st, 4), 3);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(st[i], BLKIF_RSP_OKAY);
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
    tcase_add_test(tc, sub_page_segments);
    tcase_add_test(tc, failed_copies);
    tcase_add_test(tc, runs);
    tcase_add_test(tc, hostile_requests);
    tcase_add_test(tc, readonly_disk);
    tcase_add_test(tc, garbage_indices);
    tcase_add_test(tc, taken_over_mid_pass);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
