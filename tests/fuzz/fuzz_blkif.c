/*
 * libFuzzer target: a hostile block frontend's shared ring page, served by
 * dom0's block backend (toolstack/blkback/blkif_serve.c).  The input's
 * first bytes set the vbd (read-only or not, its first sector and size in
 * a disk file), the rest is the ring page as the frontend left it: any
 * req_prod, any requests.  The backend must map only 1..11 grants of the
 * frontend per request and unmap each, never touch the disk outside the
 * vbd (the file would grow), never write a read-only vbd, and answer each
 * request it took (or stop, once the indices are garbage).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blkif_serve.h"

#define FRONTEND 9
#define SECTOR   512

static int live_maps;
static bool readonly_vbd;

static void *fake_map(void *ctx, uint16_t domid, const grant_ref_t *refs, unsigned int n,
                      bool readonly)
{
    (void)ctx;
    (void)refs;
    if (domid != FRONTEND || n == 0 || n > BLKIF_MAX_SEGMENTS_PER_REQUEST)
        __builtin_trap();
    if (readonly_vbd && readonly)
        __builtin_trap();       /* only a disk write maps the pages read-only */
    live_maps++;
    return calloc(n, 4096);     /* exactly n pages: ASan catches a segment past them */
}

static void fake_unmap(void *ctx, void *area, unsigned int n)
{
    (void)ctx;
    (void)n;
    free(area);
    live_maps--;
}

static union {
    blkif_sring_t s;
    uint8_t page[4096];
} shared;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct blkif_backend b;
    struct stat st;
    off_t disk_size;
    int fd;

    if (size < 4)
        return 0;
    memset(&b, 0, sizeof(b));
    b.domid = FRONTEND;
    b.readonly = readonly_vbd = data[0] & 1;
    b.start_sector = data[1] % 16;
    b.nr_sectors = 1 + (data[2] | (data[3] & 1) << 8);
    b.ops = (struct blkif_grant_ops){ fake_map, fake_unmap, NULL };
    disk_size = (off_t)((b.start_sector + b.nr_sectors) * SECTOR);
    fd = memfd_create("fuzz_blkif", 0);
    if (fd < 0 || ftruncate(fd, disk_size))
        abort();
    b.fd = fd;
    memset(&shared, 0, sizeof(shared));
    memcpy(shared.page, data + 4, size - 4 < sizeof(shared.page) ? size - 4 : sizeof(shared.page));
    BACK_RING_INIT(&b.ring, &shared.s, sizeof(shared.page));

    blkif_serve(&b);

    if (live_maps)
        __builtin_trap();
    if (!b.broken && b.done != b.ring.req_cons)
        __builtin_trap();
    if (fstat(fd, &st) || st.st_size != disk_size)
        __builtin_trap();       /* written past the vbd's end */
    close(fd);
    return 0;
}
