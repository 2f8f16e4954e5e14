/*
 * What blk-hostile and net-hostile share: dom0 standing in for a hostile
 * frontend maps a domU's shared ring page through gntdev, then waits for
 * the backend's answers or writes garbage indices.
 */
#ifndef HOSTILE_RING_H
#define HOSTILE_RING_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <public/io/ring.h>
#include <xen/gntdev.h>

static int gntdev_fd = -1;

/* domid's grant ref mapped read-write; exits naming prog on failure. */
static void *hostile_map_ring(const char *prog, unsigned int domid, unsigned int ref)
{
    struct ioctl_gntdev_map_grant_ref op = { .count = 1, .refs[0] = { domid, ref } };
    void *p;

    gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (gntdev_fd < 0 || ioctl(gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &op)) {
        fprintf(stderr, "%s: gntdev: ", prog);
        perror(NULL);
        exit(1);
    }
    p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, gntdev_fd, (off_t)op.index);
    if (p == MAP_FAILED) {
        fprintf(stderr, "%s: mmap: ", prog);
        perror(NULL);
        exit(1);
    }
    return p;
}

/* Makes the n requests written from first visible to the backend. */
static void hostile_publish(volatile RING_IDX *req_prod, RING_IDX first, unsigned int n)
{
    __atomic_thread_fence(__ATOMIC_RELEASE);
    *req_prod = first + n;
    printf("hostile: %u bad requests from %u\n", n, first);
}

/* Up to 10 s for n responses after first; says so when they do not come. */
static int hostile_wait_responses(const volatile RING_IDX *rsp_prod, RING_IDX first,
                                  unsigned int n)
{
    for (int i = 0; i < 100 && *rsp_prod - first < n; i++)
        usleep(100000);
    if (*rsp_prod - first < n) {
        printf("hostile: no responses (rsp_prod %u)\n", *rsp_prod);
        return -1;
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return 0;
}

/* req_prod far ahead of rsp_prod: a backend must disconnect, not serve. */
static int hostile_bad_indices(volatile RING_IDX *req_prod, const volatile RING_IDX *rsp_prod)
{
    *req_prod = *rsp_prod + 1000;
    printf("hostile: req_prod %u, rsp_prod %u\n", *req_prod, *rsp_prod);
    return 0;
}

#endif
