/*
 * libFuzzer target: a hostile block frontend's shared ring page, served by
 * dom0's block backend (toolstack/blkback/blkif_serve.c).  The input's
 * first bytes set the vbd (read-only or not, its first sector and size in
 * a disk file), the rest is the ring page as the frontend left it: any
 * req_prod, any requests.  The backend must ask for 1..BLKIF_RUN_SEGS copies per call,
 * each within a granted page and within the vbd's buffer (the fake copy
 * touches every byte: ASan catches one past the buffer), copy from the
 * frontend only for a writable vbd, never touch the disk outside the vbd
 * (the file would grow), and answer each request it took (or stop, once
 * the indices are garbage).  A copy with a grant ref of 3 mod 4 fails,
 * so that the failure paths run too.
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

static bool readonly_vbd;
static uint8_t *vbd_buf;

static int fake_copy(void *ctx, uint16_t domid, struct grant_copy *c, unsigned int n)
{
    (void)ctx;
    if (domid != FRONTEND || n == 0 || n > BLKIF_RUN_SEGS)
        __builtin_trap();
    for (unsigned int i = 0; i < n; i++) {
        uint8_t *local = c[i].local;

        if (c[i].len == 0 || c[i].offset + c[i].len > 4096 || local < vbd_buf ||
            local + c[i].len > vbd_buf + BLKIF_BUF_SIZE)
            __builtin_trap();
        if (readonly_vbd && !c[i].to_guest)
            __builtin_trap();   /* only a disk write copies from the frontend */
        memset(local, 0x5a, c[i].len);
        c[i].status = c[i].ref % 4 == 3 ? GNTST_bad_gntref : GNTST_okay;
    }
    return 0;
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
    if (!vbd_buf)
        vbd_buf = aligned_alloc(4096, BLKIF_BUF_SIZE);
    memset(&b, 0, sizeof(b));
    b.domid = FRONTEND;
    b.readonly = readonly_vbd = data[0] & 1;
    b.start_sector = data[1] % 16;
    b.nr_sectors = 1 + (data[2] | (data[3] & 1) << 8);
    b.ops = (struct grant_copy_ops){ fake_copy, NULL };
    b.buf = vbd_buf;
    disk_size = (off_t)((b.start_sector + b.nr_sectors) * SECTOR);
    fd = memfd_create("fuzz_blkif", 0);
    if (fd < 0 || ftruncate(fd, disk_size))
        abort();
    b.fd = fd;
    memset(&shared, 0, sizeof(shared));
    memcpy(shared.page, data + 4, size - 4 < sizeof(shared.page) ? size - 4 : sizeof(shared.page));
    BACK_RING_INIT(&b.ring, &shared.s, sizeof(shared.page));

    blkif_serve(&b);

    if (!b.broken && b.done != b.ring.req_cons)
        __builtin_trap();
    if (fstat(fd, &st) || st.st_size != disk_size)
        __builtin_trap();       /* written past the vbd's end */
    close(fd);
    return 0;
}
