/* heron-dm's PIIX3 bus-master IDE (bmdma.h). */
#include <stdbool.h>

#include "ata.h"
#include "bmdma.h"
#include "dm_hv.h"

#define BMICOM          0
#define BMISTA          2
#define BMIDTP          4
#define SECONDARY       8

#define COM_START       0x01
#define COM_TO_MEMORY   0x08
#define STA_ACTIVE      0x01
#define STA_ERROR       0x02
#define STA_INTR        0x04
#define STA_DRIVES_DMA  0x60
#define STA_WRITE_CLEAR (STA_ERROR | STA_INTR)

#define PRD_BYTES       8
#define PRD_EOT         0x80            /* in the entry's last byte */
#define PRD_MAX         (0x10000 / PRD_BYTES)   /* a table within 64 KiB */
#define BUS_LIMIT       0x100000000ull  /* 32-bit bus master */

struct prd {
    uint32_t addr, len;
    bool last;
};

static struct bus_master {
    uint8_t command, status;
    uint32_t table;
    bool armed;                 /* started, and no transfer since */
    bmdma_map_fn *map;
    void *ctx;
} bm;

/* Only what the current command needs: entries past it are not read. */
static struct prd prds[PRD_MAX];

static void fail(void)
{
    bm.status = (uint8_t)((bm.status & ~STA_ACTIVE) | STA_ERROR | STA_INTR);
    ata_dma_end(false);
}

/*
 * The entries that cover bytes, copied out of guest memory (so the guest
 * cannot change them under the transfer); their number, or 0 if the
 * table ends first, leaves its 64 KiB or is not in RAM.
 */
static unsigned int read_table(uint32_t bytes)
{
    uint64_t covered = 0;
    unsigned int n = 0;

    while (covered < bytes) {
        uint32_t at = bm.table + n * PRD_BYTES;
        const uint8_t *page, *e;

        if (n == PRD_MAX || (at ^ bm.table) >> 16)
            return 0;
        page = bm.map(bm.ctx, at / DM_PAGE_BYTES);
        if (!page)
            return 0;
        /* The rest of this page's entries, one mapping for them all. */
        do {
            uint32_t len;

            e = page + (at & (DM_PAGE_BYTES - 1));
            len = (e[4] | (uint32_t)e[5] << 8) & ~1u;
            prds[n] = (struct prd){
                .addr = (e[0] | (uint32_t)e[1] << 8 | (uint32_t)e[2] << 16 |
                         (uint32_t)e[3] << 24) & ~1u,
                .len = len ? len : 0x10000,
                .last = e[7] & PRD_EOT,
            };
            covered += prds[n].len;
            if (prds[n++].last && covered < bytes)
                return 0;
            at += PRD_BYTES;
        } while (covered < bytes && at & (DM_PAGE_BYTES - 1) && n < PRD_MAX);
    }
    return n;
}

/* len bytes at guest-physical addr, page by page; false if any is not RAM. */
static bool move_region(uint64_t addr, uint32_t len)
{
    if (addr + len > BUS_LIMIT)
        return false;
    while (len) {
        uint32_t off = (uint32_t)(addr & (DM_PAGE_BYTES - 1));
        uint32_t n = DM_PAGE_BYTES - off < len ? DM_PAGE_BYTES - off : len;
        uint8_t *page = bm.map(bm.ctx, addr / DM_PAGE_BYTES);

        if (!page || !ata_dma_move(page + off, n))
            return false;
        addr += n;
        len -= n;
    }
    return true;
}

/* The waiting command's data, if the engine is armed for it. */
static void transfer(void)
{
    bool to_disk, exact = false;
    uint32_t left = ata_dma_pending(&to_disk);
    unsigned int n;

    if (!left || !bm.armed)
        return;
    bm.armed = false;
    n = to_disk == !(bm.command & COM_TO_MEMORY) ? read_table(left) : 0;
    if (!n) {
        fail();
        return;
    }
    for (unsigned int i = 0; i < n; i++) {
        uint32_t len = prds[i].len < left ? prds[i].len : left;

        if (!move_region(prds[i].addr, len)) {
            fail();
            return;
        }
        left -= len;
        exact = len == prds[i].len;
    }
    /* Active stays set unless the table ended with the data. */
    if (prds[n - 1].last && exact)
        bm.status &= (uint8_t)~STA_ACTIVE;
    bm.status |= STA_INTR;
    ata_dma_end(true);
}

static void write_command(uint8_t v)
{
    bool was = bm.command & COM_START;
    bool to_disk;

    bm.command = v & (COM_START | COM_TO_MEMORY);
    if (v & COM_START) {
        if (!was) {
            bm.status |= STA_ACTIVE;
            bm.armed = true;
            transfer();
        }
        return;
    }
    bm.status &= (uint8_t)~STA_ACTIVE;
    bm.armed = false;
    /*
     * A command's data moves when the engine starts, so a command still
     * waiting sees the engine stopped before it ever ran: the guest
     * called the transfer off (drivers write the direction before the
     * command, as the PIIX3's programming sequence has it).
     */
    if (ata_dma_pending(&to_disk))
        fail();
}

static void write_byte(unsigned int off, uint8_t v)
{
    switch (off) {
    case BMICOM:
        write_command(v);
        break;
    case BMISTA:
        bm.status = (uint8_t)((bm.status & ~(v & STA_WRITE_CLEAR) & ~STA_DRIVES_DMA) |
                              (v & STA_DRIVES_DMA));
        break;
    case BMIDTP:
    case BMIDTP + 1:
    case BMIDTP + 2:
    case BMIDTP + 3: {
        unsigned int shift = 8 * (off - BMIDTP);

        bm.table = ((bm.table & ~(0xffu << shift)) | (uint32_t)v << shift) & ~3u;
        break;
    }
    default:
        break;                  /* reserved bytes and the secondary channel */
    }
}

static uint8_t read_byte(unsigned int off)
{
    switch (off) {
    case BMICOM:
        return bm.command;
    case BMISTA:
        return bm.status;
    case BMIDTP:
    case BMIDTP + 1:
    case BMIDTP + 2:
    case BMIDTP + 3:
        return (uint8_t)(bm.table >> (8 * (off - BMIDTP)));
    default:
        return off < BMDMA_PORTS ? 0 : 0xff;    /* past the BAR: nobody answers */
    }
}

void bmdma_init(bmdma_map_fn *map, void *ctx)
{
    bm = (struct bus_master){ .map = map, .ctx = ctx };
    ata_on_dma_request(transfer);
}

uint32_t bmdma_read(unsigned int off, unsigned int size)
{
    uint32_t v = 0;

    for (unsigned int i = 0; i < size && i < 4; i++)
        v |= (uint32_t)read_byte(off + i) << (8 * i);
    return v;
}

void bmdma_write(unsigned int off, unsigned int size, uint32_t val)
{
    for (unsigned int i = 0; i < size && i < 4 && off + i < BMDMA_PORTS; i++)
        write_byte(off + i, (uint8_t)(val >> (8 * i)));
}
