/*
 * Serving blkif requests (blkif_serve.h): read, write and flush-diskcache
 * on a file or block device; barrier, discard and indirect requests are
 * not offered and get BLKIF_RSP_EOPNOTSUPP, as Linux's blkback answers
 * operations it does not support.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "blkif_serve.h"

#define SECTOR 512
#define SECTORS_PER_PAGE 8

/* The responses one pass holds back: a ring page's slots. */
#define PASS_MAX BLK_RING_SIZE(4096)

/* Writes a response over its request's slot (they share it). */
static void respond(struct blkif_backend *b, const struct blkif_response *rsp)
{
    *RING_GET_RESPONSE(&b->ring, b->ring.rsp_prod_pvt) = *rsp;
    b->ring.rsp_prod_pvt++;
    if (rsp->status != BLKIF_RSP_OKAY)
        b->errors++;
    b->done++;
}

/* Segments within a page, the whole run inside the disk. */
static bool segments_valid(const struct blkif_backend *b, const struct blkif_request *rq)
{
    uint64_t n = 0;

    if (rq->nr_segments == 0 || rq->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
        return false;
    for (unsigned int i = 0; i < rq->nr_segments; i++) {
        if (rq->seg[i].first_sect > rq->seg[i].last_sect ||
            rq->seg[i].last_sect >= SECTORS_PER_PAGE)
            return false;
        n += rq->seg[i].last_sect - rq->seg[i].first_sect + 1u;
    }
    return rq->sector_number < b->nr_sectors && n <= b->nr_sectors - rq->sector_number;
}

static int full_io(int fd, bool write, uint8_t *buf, size_t len, off_t off)
{
    while (len) {
        ssize_t r = write ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        buf += r;
        len -= (size_t)r;
        off += r;
    }
    return 0;
}

/* All of a request's copies in one call; false if any failed. */
static bool copied(struct blkif_backend *b, struct grant_copy *c, unsigned int n)
{
    if (b->ops.copy(b->ops.ctx, b->domid, c, n))
        return false;
    for (unsigned int i = 0; i < n; i++)
        if (c[i].status != GNTST_okay)
            return false;
    return true;
}

/*
 * The segments lie one after the other in b->buf, as their sectors do on
 * the disk.  A disk read fills the buffer and copies each segment out to
 * its grant; a disk write copies them all in first, and writes nothing
 * unless every copy worked.
 */
static int16_t read_write(struct blkif_backend *b, const struct blkif_request *rq)
{
    bool write = rq->operation == BLKIF_OP_WRITE;
    struct grant_copy c[BLKIF_MAX_SEGMENTS_PER_REQUEST];
    size_t len = 0;
    off_t off;

    if (!segments_valid(b, rq) || (write && b->readonly))
        return BLKIF_RSP_ERROR;
    for (unsigned int i = 0; i < rq->nr_segments; i++) {
        uint16_t n = (uint16_t)((rq->seg[i].last_sect - rq->seg[i].first_sect + 1u) * SECTOR);

        c[i] = (struct grant_copy){ .ref = rq->seg[i].gref,
                                    .offset = (uint16_t)(rq->seg[i].first_sect * SECTOR),
                                    .len = n, .local = b->buf + len, .to_guest = !write };
        len += n;
    }
    off = (off_t)((b->start_sector + rq->sector_number) * SECTOR);
    if (write)
        return copied(b, c, rq->nr_segments) && !full_io(b->fd, true, b->buf, len, off)
               ? BLKIF_RSP_OKAY : BLKIF_RSP_ERROR;
    return !full_io(b->fd, false, b->buf, len, off) && copied(b, c, rq->nr_segments)
           ? BLKIF_RSP_OKAY : BLKIF_RSP_ERROR;
}

static int16_t serve_one(struct blkif_backend *b, const struct blkif_request *rq)
{
    switch (rq->operation) {
    case BLKIF_OP_READ:
    case BLKIF_OP_WRITE:
        return read_write(b, rq);
    case BLKIF_OP_FLUSH_DISKCACHE:
        if (b->readonly)
            return BLKIF_RSP_OKAY;
        return fdatasync(b->fd) && errno != EINVAL ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY;
    case BLKIF_OP_WRITE_BARRIER:
    case BLKIF_OP_DISCARD:
    case BLKIF_OP_INDIRECT:
        return BLKIF_RSP_EOPNOTSUPP;
    default:
        return BLKIF_RSP_ERROR;
    }
}

/*
 * A response takes its request's slot, so a daemon killed after
 * answering one request of a pass but before pushing the responses
 * would leave the slot holding an unpushed response where its
 * successor, taking the ring over from rsp_prod, reads a request
 * (garbage: the frontend waits forever for the real one).  So a pass
 * serves its requests first, keeping the responses here, and writes
 * them only just before the push, with no system call in between: a
 * daemon killed while serving leaves every unanswered request whole.
 */
struct pass {
    struct blkif_response rsp[PASS_MAX];
    unsigned int n;
};

static void answer(struct pass *p, const struct blkif_request *rq, int16_t status)
{
    p->rsp[p->n++] = (struct blkif_response){ .id = rq->id, .operation = rq->operation,
                                              .status = status };
}

/*
 * A run: requests taken off the ring one after the other, all reads or
 * all writes, each starting where the one before ends on the disk.  A
 * frontend cuts a large transfer into requests of 11 segments; served
 * as one they cost one pread or pwrite (one disk command in dom0) and
 * one copy call, not one of each per request.
 */
struct run {
    struct blkif_request rq[BLKIF_RUN_SEGS];
    unsigned int n, nseg;
    size_t len;                   /* bytes, from the first request's sector */
};

static size_t request_bytes(const struct blkif_request *rq)
{
    size_t len = 0;

    for (unsigned int i = 0; i < rq->nr_segments; i++)
        len += (rq->seg[i].last_sect - rq->seg[i].first_sect + 1u) * SECTOR;
    return len;
}

/* A read or write that read_write would serve. */
static bool runnable(const struct blkif_backend *b, const struct blkif_request *rq)
{
    return (rq->operation == BLKIF_OP_READ ||
            (rq->operation == BLKIF_OP_WRITE && !b->readonly)) && segments_valid(b, rq);
}

static bool joins(const struct run *r, const struct blkif_request *rq, size_t len)
{
    return r->rq[0].operation == rq->operation &&
           r->rq[0].sector_number + r->len / SECTOR == rq->sector_number &&
           r->len + len <= BLKIF_BUF_SIZE && r->nseg + rq->nr_segments <= BLKIF_RUN_SEGS;
}

/*
 * A run of several requests in one I/O and one copy call.  Anything
 * failing sends the run back to be served request by request, so that
 * each request's answer is what it would have got on its own.
 */
static bool run_together(struct blkif_backend *b, const struct run *r, int16_t *status)
{
    bool write = r->rq[0].operation == BLKIF_OP_WRITE;
    struct grant_copy c[BLKIF_RUN_SEGS];
    off_t off = (off_t)((b->start_sector + r->rq[0].sector_number) * SECTOR);
    size_t len = 0;
    unsigned int k = 0;

    for (unsigned int i = 0; i < r->n; i++)
        for (unsigned int j = 0; j < r->rq[i].nr_segments; j++, k++) {
            const struct blkif_request_segment *s = &r->rq[i].seg[j];
            uint16_t n = (uint16_t)((s->last_sect - s->first_sect + 1u) * SECTOR);

            c[k] = (struct grant_copy){ .ref = s->gref, .offset = (uint16_t)(s->first_sect * SECTOR),
                                        .len = n, .local = b->buf + len, .to_guest = !write };
            len += n;
        }
    if (write ? !copied(b, c, k) || full_io(b->fd, true, b->buf, len, off)
              : full_io(b->fd, false, b->buf, len, off) || b->ops.copy(b->ops.ctx, b->domid, c, k))
        return false;
    /* A read's data arrived for the requests whose every copy worked. */
    k = 0;
    for (unsigned int i = 0; i < r->n; i++) {
        status[i] = BLKIF_RSP_OKAY;
        for (unsigned int j = 0; j < r->rq[i].nr_segments; j++, k++)
            if (c[k].status != GNTST_okay)
                status[i] = BLKIF_RSP_ERROR;
    }
    return true;
}

static void run_flush(struct blkif_backend *b, struct run *r, struct pass *p)
{
    int16_t status[BLKIF_RUN_SEGS];

    if (r->n > 1 && run_together(b, r, status)) {
        for (unsigned int i = 0; i < r->n; i++)
            answer(p, &r->rq[i], status[i]);
    } else {
        for (unsigned int i = 0; i < r->n; i++)
            answer(p, &r->rq[i], serve_one(b, &r->rq[i]));
    }
    r->n = r->nseg = 0;
    r->len = 0;
}

bool blkif_serve(struct blkif_backend *b)
{
    struct run run;               /* 7 KiB: only its counts are set */
    struct pass pass;             /* likewise */
    bool kick = false;
    int notify, more;

    run.n = run.nseg = 0;
    run.len = 0;
    pass.n = 0;

    if (b->broken)
        return false;
    do {
        RING_IDX prod = b->ring.sring->req_prod;
        unsigned int n = 0;

        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (RING_REQUEST_PROD_OVERFLOW(&b->ring, prod)) {
            b->broken = true;
            break;
        }
        while (b->ring.req_cons != prod && n < PASS_MAX) {
            struct blkif_request rq;
            bool ok;

            /* One copy: the frontend may change the slot under us. */
            memcpy(&rq, RING_GET_REQUEST(&b->ring, b->ring.req_cons), sizeof(rq));
            b->ring.req_cons++;
            ok = runnable(b, &rq);
            n++;
            if (run.n && (!ok || !joins(&run, &rq, request_bytes(&rq))))
                run_flush(b, &run, &pass);
            if (!ok) {
                answer(&pass, &rq, serve_one(b, &rq));
                continue;
            }
            run.rq[run.n++] = rq;
            run.nseg += rq.nr_segments;
            run.len += request_bytes(&rq);
        }
        run_flush(b, &run, &pass);
        for (unsigned int i = 0; i < pass.n; i++)
            respond(b, &pass.rsp[i]);
        pass.n = 0;
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b->ring, notify);
        kick |= notify;
        RING_FINAL_CHECK_FOR_REQUESTS(&b->ring, more);
    } while (more && !b->broken);
    return kick;
}
