/*
 * net-hostile: dom0's stand-in for a hostile netfront, for test_net.  It
 * maps a domU's tx ring (the grant names dom0, the backend's domain)
 * through /dev/xen/gntdev and writes what a broken or malicious frontend
 * could; the domU then notifies the backend (net-probe kick), which
 * cannot tell who wrote the ring.
 *   net-hostile garbage DOMID REF   bad requests after req_prod, published;
 *                                   prints their first index
 *   net-hostile check DOMID REF N   waits (10 s) for the responses to those
 *                                   requests: each must be NETIF_RSP_ERROR
 *                                   with its request's id
 *   net-hostile indices DOMID REF   req_prod a thousand past the responses
 *   net-hostile copy DOMID REF      IOCTL_GNTDEV_GRANT_COPY from that page
 *                                   (as heron-netback uses it): a copy into
 *                                   a buffer across two pages matches the
 *                                   mapping; a bad ref fails in its status;
 *                                   two local sides, a piece past the
 *                                   foreign page and an unmapped buffer
 *                                   are refused (EINVAL, EINVAL, EFAULT)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <public/io/netif.h>
#include <xen/gntdev.h>

#include "hostile_ring.h"

#define FIRST_ID 1000           /* ids netfront never uses (it has 64 slots) */

static const struct netif_tx_request bad[] = {
    { .gref = 100000, .offset = 0, .size = 100 },           /* no such grant */
    { .gref = 8, .offset = 4000, .size = 200 },             /* past the page */
    { .gref = 8, .offset = 0, .size = 2000 },               /* over the MTU */
    { .gref = 8, .offset = 0, .size = 65535 },              /* the largest size */
    { .gref = 8, .offset = 0, .size = 10 },                 /* shorter than a header */
    { .gref = 8, .offset = 0, .size = 100, .flags = NETTXF_more_data },
};
#define NR_BAD (sizeof(bad) / sizeof(bad[0]))

static int garbage(netif_tx_sring_t *s)
{
    RING_IDX first = s->req_prod;

    for (unsigned int i = 0; i < NR_BAD; i++) {
        struct netif_tx_request *rq = &s->ring[(first + i) % NET_TX_RING_SIZE(4096)].req;

        *rq = bad[i];
        rq->id = (uint16_t)(FIRST_ID + i);
    }
    hostile_publish(&s->req_prod, first, NR_BAD);
    return 0;
}

static int check(netif_tx_sring_t *s, RING_IDX first)
{
    unsigned int errors = 0;

    if (hostile_wait_responses(&s->rsp_prod, first, NR_BAD))
        return 1;
    for (unsigned int i = 0; i < NR_BAD; i++) {
        struct netif_tx_response r = s->ring[(first + i) % NET_TX_RING_SIZE(4096)].rsp;

        if (r.id == FIRST_ID + i && r.status == NETIF_RSP_ERROR)
            errors++;
        else
            printf("hostile: request %u answered id %u status %d\n", i, r.id, r.status);
    }
    printf("hostile: %u of %zu requests answered NETIF_RSP_ERROR\n", errors, NR_BAD);
    return errors == NR_BAD ? 0 : 1;
}

/* One segment through the ioctl: -errno of the call, else its status in *status. */
static int copy_one(struct gntdev_grant_copy_segment *seg, int16_t *status)
{
    struct ioctl_gntdev_grant_copy op = { .count = 1, .segments = seg };

    if (ioctl(gntdev_fd, IOCTL_GNTDEV_GRANT_COPY, &op))
        return -errno;
    *status = seg->status;
    return 0;
}

static int copy_checks(const netif_tx_sring_t *s, unsigned int domid, unsigned int ref)
{
    uint8_t *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint8_t *dst = two + 4096 - 100;            /* 300 bytes across the boundary */
    struct gntdev_grant_copy_segment seg = {
        .source.foreign = { .ref = ref, .offset = 3000, .domid = domid },
        .dest.virt = dst, .len = 300, .flags = GNTCOPY_source_gref };
    int16_t st = 1;
    int rc, bad = 0;

    memset(two, 0xee, 8192);
    rc = copy_one(&seg, &st);
    bad += rc || st != GNTST_okay || memcmp(dst, (const uint8_t *)s + 3000, 300);
    printf("copy across pages: %d status %d, %s\n", rc, st,
           memcmp(dst, (const uint8_t *)s + 3000, 300) ? "differs" : "matches the mapping");
    seg.source.foreign.ref = 100000;
    rc = copy_one(&seg, &st);
    bad += rc || st != GNTST_bad_gntref;
    printf("copy bad ref: %d status %d\n", rc, st);
    seg.source.foreign.ref = ref;
    seg.source.foreign.offset = 4000;
    rc = copy_one(&seg, &st);
    bad += rc != -EINVAL;
    printf("copy past the foreign page: %d\n", rc);
    seg.source.foreign.offset = 0;
    seg.flags = 0;
    seg.source.virt = two;
    rc = copy_one(&seg, &st);
    bad += rc != -EINVAL;
    printf("copy with two local sides: %d\n", rc);
    seg = (struct gntdev_grant_copy_segment){
        .source.foreign = { .ref = ref, .domid = domid }, .dest.virt = (void *)16,
        .len = 100, .flags = GNTCOPY_source_gref };
    rc = copy_one(&seg, &st);
    bad += rc != -EFAULT;
    printf("copy into an unmapped buffer: %d\n", rc);
    printf("grant copy checks: %s\n", bad ? "FAILED" : "passed");
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    netif_tx_sring_t *s;

    if (argc < 4) {
        fprintf(stderr, "usage: net-hostile garbage|check|indices|copy DOMID REF [N]\n");
        return 2;
    }
    s = hostile_map_ring("net-hostile", (unsigned int)atoi(argv[2]), (unsigned int)atoi(argv[3]));
    if (!strcmp(argv[1], "garbage"))
        return garbage(s);
    if (!strcmp(argv[1], "check") && argc == 5)
        return check(s, (RING_IDX)strtoul(argv[4], NULL, 10));
    if (!strcmp(argv[1], "copy"))
        return copy_checks(s, (unsigned int)atoi(argv[2]), (unsigned int)atoi(argv[3]));
    if (!strcmp(argv[1], "indices")) {
        return hostile_bad_indices(&s->req_prod, &s->rsp_prod);
    }
    fprintf(stderr, "usage: net-hostile garbage|check|indices|copy DOMID REF [N]\n");
    return 2;
}
