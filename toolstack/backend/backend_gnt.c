/*
 * Grants for backend daemons (backend.h) through /dev/xen/gntdev.  A
 * mapping (the rings, for a connection's life):
 * IOCTL_GNTDEV_MAP_GRANT_REF records the grants, mmap() maps them;
 * unmapping takes the area away and forgets the record.  Whatever a
 * daemon still has mapped when it dies goes with its address space.
 * A copy (the data, per batch): one IOCTL_GNTDEV_GRANT_COPY.
 */
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <public/xen.h>
#include <public/grant_table.h>
#include <xen/gntdev.h>

#include "backend.h"

#define PAGE 4096ul

void *backend_map(struct backend *be, uint16_t domid, const grant_ref_t *refs, unsigned int n,
                  bool readonly)
{
    /* The ioctl's refs[] runs on past its declared one element. */
    union {
        struct ioctl_gntdev_map_grant_ref m;
        char bytes[sizeof(struct ioctl_gntdev_map_grant_ref) +
                   BACKEND_MAP_MAX * sizeof(struct ioctl_gntdev_grant_ref)];
    } op;
    struct ioctl_gntdev_grant_ref *r = (struct ioctl_gntdev_grant_ref *)
        (op.bytes + offsetof(struct ioctl_gntdev_map_grant_ref, refs));
    void *area;

    if (n == 0 || n > BACKEND_MAP_MAX)
        return NULL;
    memset(&op, 0, sizeof(op));
    op.m.count = n;
    for (unsigned int i = 0; i < n; i++)
        r[i] = (struct ioctl_gntdev_grant_ref){ .domid = domid, .ref = refs[i] };
    if (ioctl(be->gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &op))
        return NULL;
    area = mmap(NULL, n * PAGE, PROT_READ | (readonly ? 0 : PROT_WRITE), MAP_SHARED,
                be->gntdev_fd, (off_t)op.m.index);
    if (area == MAP_FAILED) {
        struct ioctl_gntdev_unmap_grant_ref u = { .index = op.m.index, .count = n };

        ioctl(be->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
        return NULL;
    }
    return area;
}

void backend_unmap(struct backend *be, void *area, unsigned int n)
{
    struct ioctl_gntdev_get_offset_for_vaddr q = { .vaddr = (uintptr_t)area };
    bool known = !ioctl(be->gntdev_fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &q);

    munmap(area, n * PAGE);
    if (known) {
        struct ioctl_gntdev_unmap_grant_ref u = { .index = q.offset, .count = n };

        ioctl(be->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
    }
}

static int copy(void *ctx, uint16_t domid, struct grant_copy *c, unsigned int n)
{
    struct backend *be = ctx;
    struct gntdev_grant_copy_segment seg[BACKEND_COPY_MAX];
    struct ioctl_gntdev_grant_copy op = { .count = n, .segments = seg };

    if (n > BACKEND_COPY_MAX)
        return -1;
    memset(seg, 0, n * sizeof(seg[0]));
    for (unsigned int i = 0; i < n; i++) {
        seg[i].len = c[i].len;
        if (c[i].to_guest) {
            seg[i].source.virt = c[i].local;
            seg[i].dest.foreign.ref = c[i].ref;
            seg[i].dest.foreign.offset = c[i].offset;
            seg[i].dest.foreign.domid = domid;
            seg[i].flags = GNTCOPY_dest_gref;
        } else {
            seg[i].source.foreign.ref = c[i].ref;
            seg[i].source.foreign.offset = c[i].offset;
            seg[i].source.foreign.domid = domid;
            seg[i].dest.virt = c[i].local;
            seg[i].flags = GNTCOPY_source_gref;
        }
    }
    if (ioctl(be->gntdev_fd, IOCTL_GNTDEV_GRANT_COPY, &op))
        return -1;
    for (unsigned int i = 0; i < n; i++)
        c[i].status = seg[i].status;
    return 0;
}

struct grant_copy_ops backend_copy_ops(struct backend *be)
{
    return (struct grant_copy_ops){ copy, be };
}
