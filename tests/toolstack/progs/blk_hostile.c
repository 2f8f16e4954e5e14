/*
 * blk-hostile: dom0's stand-in for a hostile blkfront.  It maps a domU's
 * blkif ring (the grant names dom0, the backend's domain) through
 * /dev/xen/gntdev and writes what a broken or malicious frontend could;
 * the domU then notifies the backend (net-probe kick on the vbd's port),
 * which cannot tell who wrote the ring.
 *   blk-hostile garbage DOMID REF   bad requests after req_prod, published;
 *                                   prints their first index
 *   blk-hostile check DOMID REF N   waits (10 s) for the responses: each
 *                                   must carry its request's id and the
 *                                   status the table expects
 *   blk-hostile indices DOMID REF   req_prod a thousand past the responses
 * The writes use the ring's own grant as their data page, a grant the
 * backend can map: only the range and segment checks can refuse them, and
 * a write that got through would change the disk image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/io/blkif.h>
#include <xen/gntdev.h>

#include "hostile_ring.h"

#define FIRST_ID 1000           /* ids blkfront does not reach in a short test */
#define NO_GRANT 100000         /* a grant ref the domU never granted */
#define RING_REF 0              /* stands for the ring's own grant */
#define PAST_END (1ull << 40)   /* a sector past any test disk */

struct bad_request {
    uint8_t op;
    uint8_t nr_segments;
    uint64_t sector;
    uint8_t first_sect, last_sect;
    uint32_t gref;              /* RING_REF: the ring's grant */
    int16_t status;             /* the answer the backend must give */
};

static const struct bad_request bad[] = {
    { BLKIF_OP_WRITE, 1, 0, 0, 7, NO_GRANT, BLKIF_RSP_ERROR },      /* never granted */
    { BLKIF_OP_READ, 1, 0, 0, 7, NO_GRANT, BLKIF_RSP_ERROR },
    { BLKIF_OP_WRITE, 1, PAST_END, 0, 7, RING_REF, BLKIF_RSP_ERROR },   /* past the end */
    { BLKIF_OP_WRITE, 1, ~0ull, 0, 0, RING_REF, BLKIF_RSP_ERROR },      /* wraps */
    { BLKIF_OP_WRITE, 1, 0, 5, 2, RING_REF, BLKIF_RSP_ERROR },      /* first > last */
    { BLKIF_OP_WRITE, 1, 0, 0, 8, RING_REF, BLKIF_RSP_ERROR },      /* past the page */
    { BLKIF_OP_WRITE, 12, 0, 0, 0, RING_REF, BLKIF_RSP_ERROR },     /* 12 segments */
    { BLKIF_OP_WRITE, 0, 0, 0, 0, RING_REF, BLKIF_RSP_ERROR },      /* no segment */
    { 99, 1, 0, 0, 7, RING_REF, BLKIF_RSP_ERROR },                  /* unknown op */
    { BLKIF_OP_DISCARD, 1, 0, 0, 7, RING_REF, BLKIF_RSP_EOPNOTSUPP },   /* not offered */
    { BLKIF_OP_INDIRECT, 1, 0, 0, 7, RING_REF, BLKIF_RSP_EOPNOTSUPP },
};
#define NR_BAD (sizeof(bad) / sizeof(bad[0]))

static int garbage(blkif_sring_t *s, unsigned int ring_ref)
{
    RING_IDX first = s->req_prod;

    for (unsigned int i = 0; i < NR_BAD; i++) {
        struct blkif_request *rq = &s->ring[(first + i) % __CONST_RING_SIZE(blkif, 4096)].req;
        /* A slot holds 11 segments; the 12th is only claimed in nr_segments. */
        unsigned int nseg = bad[i].nr_segments;

        memset(rq, 0, sizeof(*rq));
        rq->operation = bad[i].op;
        rq->nr_segments = bad[i].nr_segments;
        rq->id = FIRST_ID + i;
        rq->sector_number = bad[i].sector;
        for (unsigned int j = 0; j < nseg && j < BLKIF_MAX_SEGMENTS_PER_REQUEST; j++) {
            rq->seg[j].gref = bad[i].gref == RING_REF ? ring_ref : bad[i].gref;
            rq->seg[j].first_sect = bad[i].first_sect;
            rq->seg[j].last_sect = bad[i].last_sect;
        }
    }
    hostile_publish(&s->req_prod, first, NR_BAD);
    return 0;
}

static int check(blkif_sring_t *s, RING_IDX first)
{
    unsigned int right = 0;

    if (hostile_wait_responses(&s->rsp_prod, first, NR_BAD))
        return 1;
    for (unsigned int i = 0; i < NR_BAD; i++) {
        struct blkif_response r = s->ring[(first + i) % __CONST_RING_SIZE(blkif, 4096)].rsp;

        if (r.id == FIRST_ID + i && r.operation == bad[i].op && r.status == bad[i].status)
            right++;
        else
            printf("hostile: request %u answered id %llu op %u status %d\n", i,
                   (unsigned long long)r.id, r.operation, r.status);
    }
    printf("hostile: %u of %zu requests answered as expected\n", right, NR_BAD);
    return right == NR_BAD ? 0 : 1;
}

int main(int argc, char **argv)
{
    blkif_sring_t *s;
    unsigned int ref;

    if (argc < 4) {
        fprintf(stderr, "usage: blk-hostile garbage|check|indices DOMID REF [N]\n");
        return 2;
    }
    ref = (unsigned int)atoi(argv[3]);
    s = hostile_map_ring("blk-hostile", (unsigned int)atoi(argv[2]), ref);
    if (!strcmp(argv[1], "garbage"))
        return garbage(s, ref);
    if (!strcmp(argv[1], "check") && argc == 5)
        return check(s, (RING_IDX)strtoul(argv[4], NULL, 10));
    if (!strcmp(argv[1], "indices")) {
        return hostile_bad_indices(&s->req_prod, &s->rsp_prod);
    }
    fprintf(stderr, "usage: blk-hostile garbage|check|indices DOMID REF [N]\n");
    return 2;
}
