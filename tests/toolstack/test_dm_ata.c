/*
 * heron-dm's IDE/ATA disks (toolstack/dm/ata.c) on the host, through the
 * ports as a guest driver uses them, on temporary image files: IDENTIFY,
 * LBA48 and LBA28 reads and writes (checked in the file), refusals
 * (beyond the end, read-only, no LBA bit, unknown command), the missing
 * slave, IRQ 14 with nIEN, software reset, libata's probe and PIO-out
 * interrupts, attach errors; and DMA through the PIIX3's bus master
 * (toolstack/dm/bmdma.c) into a fake guest RAM: IDENTIFY's DMA words and
 * SET FEATURES' modes, reads and writes in either order of command and
 * start, PRD chunks that split sectors or pages, 64 KiB entries, tables
 * too short, too long, outside RAM or across 64 KiB, the engine stopped
 * under a command, the wrong direction, read-only images, the data port
 * during DMA, BMISTA's bits and IRQ 14.  Each test runs in its own
 * process (Check's fork mode), so the channel starts fresh.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ata.h"
#include "bmdma.h"

#define SECTORS 256
#define DATA    0x1f0
#define ERROR   0x1f1
#define COUNT   0x1f2
#define LBA0    0x1f3
#define LBA1    0x1f4
#define LBA2    0x1f5
#define DRIVE   0x1f6
#define CMD     0x1f7
#define CTL     0x3f6

/* Bus-master registers, offsets in BAR 4. */
#define BMICOM  0
#define BMISTA  2
#define BMIDTP  4
#define TO_MEMORY 0x08
#define START   0x01

#define PAGE      4096
#define RAM_PAGES 64
#define UNTOUCHED 0xee

static char path[64];
static uint8_t ram[RAM_PAGES * PAGE];
static unsigned int maps;

/* The guest's RAM: frames 0 to RAM_PAGES - 1, nothing above. */
static uint8_t *fake_map(void *ctx, uint64_t gfn)
{
    (void)ctx;
    maps++;
    return gfn < RAM_PAGES ? ram + gfn * PAGE : NULL;
}

/* A SECTORS-sector image whose byte i of sector s is (s * 7 + i) & 0xff. */
static void make_image(void)
{
    uint8_t sector[512];
    FILE *f;
    int fd;

    strcpy(path, "/tmp/test-dm-ata-XXXXXX");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "wb");
    for (unsigned int s = 0; s < SECTORS; s++) {
        for (unsigned int i = 0; i < 512; i++)
            sector[i] = (uint8_t)(s * 7 + i);
        ck_assert_int_eq(fwrite(sector, 512, 1, f), 1);
    }
    fclose(f);
    memset(ram, UNTOUCHED, sizeof(ram));
    bmdma_init(fake_map, NULL);
}

static void remove_image(void)
{
    unlink(path);
}

static void read_file_sector(unsigned int s, uint8_t *out)
{
    FILE *f = fopen(path, "rb");

    ck_assert_ptr_nonnull(f);
    fseek(f, (long)s * 512, SEEK_SET);
    ck_assert_int_eq(fread(out, 512, 1, f), 1);
    fclose(f);
}

static uint8_t status(void)
{
    return (uint8_t)ata_read(CMD, 1);
}

/* An LBA48 command to unit (0 master, 1 slave). */
static void lba48_unit(unsigned int unit, uint8_t cmd, uint64_t lba, uint16_t count)
{
    ata_write(DRIVE, 1, 0x40 | unit << 4);
    ata_write(COUNT, 1, count >> 8);
    ata_write(LBA0, 1, (uint8_t)(lba >> 24));
    ata_write(LBA1, 1, (uint8_t)(lba >> 32));
    ata_write(LBA2, 1, (uint8_t)(lba >> 40));
    ata_write(COUNT, 1, count & 0xff);
    ata_write(LBA0, 1, (uint8_t)lba);
    ata_write(LBA1, 1, (uint8_t)(lba >> 8));
    ata_write(LBA2, 1, (uint8_t)(lba >> 16));
    ata_write(CMD, 1, cmd);
}

static void lba48(uint8_t cmd, uint64_t lba, uint16_t count)
{
    lba48_unit(0, cmd, lba, count);
}

static void read_words(uint16_t *w, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        w[i] = (uint16_t)ata_read(DATA, 2);
}

START_TEST(identify_reports_the_size_and_lba48)
{
    uint16_t id[256];
    char model[41] = "";

    ck_assert_int_eq(ata_attach(0, path, false), 0);
    ata_write(CTL, 1, 0x02);
    ata_write(DRIVE, 1, 0xa0);
    ck_assert_uint_eq(status(), 0x50);          /* DRDY, DSC */
    ata_write(CMD, 1, 0xec);
    ck_assert_uint_eq(status(), 0x58);          /* DRQ */
    read_words(id, 256);
    ck_assert_uint_eq(status() & 0x08, 0);      /* data phase over */
    ck_assert_uint_eq(id[60] | id[61] << 16, SECTORS);
    ck_assert_uint_eq(id[100], SECTORS);
    ck_assert_uint_eq(id[101] | id[102] | id[103], 0);
    ck_assert(id[83] & (1u << 10));
    ck_assert(id[49] & (1u << 9));
    for (int w = 27; w <= 46; w++) {
        model[(w - 27) * 2] = (char)(id[w] >> 8);
        model[(w - 27) * 2 + 1] = (char)(id[w] & 0xff);
    }
    ck_assert(!strncmp(model, "heron-dm disk   ", 16));
}
END_TEST

START_TEST(lba48_write_then_read)
{
    uint16_t w[512];
    uint8_t file[512];

    ck_assert_int_eq(ata_attach(0, path, false), 0);
    lba48(0x34, 3, 2);                          /* WRITE SECTORS EXT */
    ck_assert_uint_eq(status() & 0x89, 0x08);   /* DRQ, no BSY/ERR */
    for (unsigned int i = 0; i < 512; i++)
        ata_write(DATA, 2, 0xa000 + i);
    ck_assert_uint_eq(status(), 0x50);
    read_file_sector(3, file);
    ck_assert_uint_eq(file[0], 0x00);
    ck_assert_uint_eq(file[1], 0xa0);
    read_file_sector(4, file);
    ck_assert_uint_eq(file[0] | file[1] << 8, 0xa000 + 256);
    read_file_sector(5, file);
    ck_assert_uint_eq(file[0], (uint8_t)(5 * 7));   /* untouched */
    lba48(0x24, 3, 2);                          /* READ SECTORS EXT */
    read_words(w, 512);
    for (unsigned int i = 0; i < 512; i++)
        ck_assert_uint_eq(w[i], 0xa000 + i);
    ck_assert_uint_eq(status(), 0x50);
    lba48(0xea, 0, 0);                          /* FLUSH CACHE EXT */
    ck_assert_uint_eq(status(), 0x50);
}
END_TEST

START_TEST(lba28_read_and_dword_access)
{
    uint32_t d[128];
    uint8_t file[512];

    ck_assert_int_eq(ata_attach(0, path, false), 0);
    ata_write(DRIVE, 1, 0xe0);                  /* LBA, master, LBA bits 27-24 = 0 */
    ata_write(COUNT, 1, 1);
    ata_write(LBA0, 1, 9);
    ata_write(LBA1, 1, 0);
    ata_write(LBA2, 1, 0);
    ata_write(CMD, 1, 0x20);                    /* READ SECTORS */
    for (unsigned int i = 0; i < 128; i++)
        d[i] = ata_read(DATA, 4);
    read_file_sector(9, file);
    ck_assert(!memcmp(d, file, 512));
    ck_assert_uint_eq(status(), 0x50);
}
END_TEST

START_TEST(refusals_abort)
{
    ck_assert_int_eq(ata_attach(0, path, false), 0);
    lba48(0x24, SECTORS - 1, 2);                /* past the end */
    ck_assert_uint_eq(status(), 0x51);          /* ERR */
    ck_assert_uint_eq(ata_read(ERROR, 1), 0x04);    /* ABRT */
    ck_assert_uint_eq(ata_read(DATA, 2), 0xffff);   /* no data phase */
    ata_write(DRIVE, 1, 0x00);                  /* CHS: not supported */
    ata_write(COUNT, 1, 1);
    ata_write(CMD, 1, 0x20);
    ck_assert_uint_eq(status(), 0x51);
    ata_write(CMD, 1, 0x91);                    /* unknown command */
    ck_assert_uint_eq(status(), 0x51);
    lba48(0x24, 0, 1);                          /* and a good one clears ERR */
    ck_assert_uint_eq(status(), 0x58);
    ck_assert_uint_eq(ata_read(ERROR, 1), 0);
}
END_TEST

START_TEST(read_only_disk_refuses_writes)
{
    uint16_t w[256];
    uint8_t file[512];

    ck_assert_int_eq(ata_attach(1, path, true), 0);
    lba48_unit(1, 0x34, 0, 1);                  /* WRITE to the read-only slave */
    ck_assert_uint_eq(status(), 0x51);
    ck_assert_uint_eq(ata_read(ERROR, 1), 0x04);
    ata_write(DATA, 2, 0x1234);                 /* no data phase: ignored */
    read_file_sector(0, file);
    ck_assert_uint_eq(file[0], 0);
    ck_assert_uint_eq(file[1], 1);
    lba48_unit(1, 0x24, 1, 1);                  /* reads work */
    read_words(w, 256);
    ck_assert_uint_eq(w[0], 7 | 8 << 8);
    lba48_unit(0, 0x24, 0, 1);                  /* no master: nobody answers */
    ck_assert_uint_eq(status(), 0);
}
END_TEST

START_TEST(missing_slave_reads_zero)
{
    ck_assert_int_eq(ata_attach(0, path, false), 0);
    ata_write(DRIVE, 1, 0xb0);
    ck_assert_uint_eq(status(), 0);
    ck_assert_uint_eq(ata_read(CTL, 1), 0);
    ata_write(CMD, 1, 0xec);                    /* nobody answers */
    ck_assert_uint_eq(status(), 0);
    ata_write(DRIVE, 1, 0xa0);
    ck_assert_uint_eq(status(), 0x50);
}
END_TEST

START_TEST(irq_follows_nien_and_status_reads)
{
    ck_assert_int_eq(ata_attach(0, path, false), 0);
    ata_write(CTL, 1, 0x00);
    lba48(0x24, 0, 1);
    ck_assert(ata_irq_level());
    ck_assert_uint_eq(ata_read(CTL, 1), 0x58);  /* alternate status keeps it */
    ck_assert(ata_irq_level());
    ck_assert_uint_eq(status(), 0x58);          /* status acknowledges */
    ck_assert(!ata_irq_level());
    ata_write(CTL, 1, 0x02);                    /* nIEN */
    lba48(0x24, 0, 1);
    ck_assert(!ata_irq_level());
}
END_TEST

START_TEST(software_reset)
{
    ck_assert_int_eq(ata_attach(0, path, false), 0);
    lba48(0x24, 0, 1);
    ata_write(CTL, 1, 0x06);
    ata_write(CTL, 1, 0x02);
    ck_assert_uint_eq(status(), 0x50);
    ck_assert_uint_eq(ata_read(COUNT, 1), 1);   /* the ATA signature */
    ck_assert_uint_eq(ata_read(LBA0, 1), 1);
    ck_assert_uint_eq(ata_read(LBA1, 1), 0);
    ck_assert_uint_eq(ata_read(DATA, 2), 0xffff);
}
END_TEST

/*
 * Linux's libata (ata_piix, ata_sff_softreset): ata_devchk writes 0x55/0xaa
 * to COUNT and LBA0 of each unit and reads them back (the task file is the
 * channel's, so both units "answer"), SRST, then the signature and status
 * per unit classify a disk on the master and nothing on the slave.
 */
START_TEST(libata_probe_sequence)
{
    ck_assert_int_eq(ata_attach(0, path, false), 0);
    for (unsigned int unit = 0; unit < 2; unit++) {
        ata_write(DRIVE, 1, 0xa0 | unit << 4);
        ata_write(COUNT, 1, 0x55);
        ata_write(LBA0, 1, 0xaa);
        ata_write(COUNT, 1, 0xaa);
        ata_write(LBA0, 1, 0x55);
        ata_write(COUNT, 1, 0x55);
        ata_write(LBA0, 1, 0xaa);
        ck_assert_uint_eq(ata_read(COUNT, 1), 0x55);
        ck_assert_uint_eq(ata_read(LBA0, 1), 0xaa);
    }
    ata_write(CTL, 1, 0x0a);                    /* obsolete bit, nIEN */
    ata_write(CTL, 1, 0x0e);                    /* SRST */
    ata_write(CTL, 1, 0x0a);
    ck_assert_uint_eq(ata_read(DRIVE, 1) & 0x10, 0);    /* the reset selects the master */
    ck_assert_uint_eq(ata_read(ERROR, 1), 0x01);        /* diagnostics passed */
    ck_assert_uint_eq(ata_read(COUNT, 1), 1);
    ck_assert_uint_eq(ata_read(LBA0, 1), 1);
    ck_assert_uint_eq(ata_read(LBA1, 1) | ata_read(LBA2, 1), 0);    /* ATA, not ATAPI */
    ck_assert_uint_eq(status(), 0x50);
    ata_write(DRIVE, 1, 0xb0);
    ck_assert_uint_eq(ata_read(ERROR, 1), 0);
    ck_assert_uint_eq(status(), 0);             /* status 0: no device */
    ck_assert(!ata_irq_level());
}
END_TEST

/*
 * libata's interrupt-driven PIO out: no interrupt before the first block
 * (ata_sff_pio_task polls for DRQ), then one per block, the last one with
 * the command done.
 */
START_TEST(pio_out_interrupts_per_block)
{
    uint8_t file[512];

    ck_assert_int_eq(ata_attach(0, path, false), 0);
    ata_write(CTL, 1, 0x08);                    /* nIEN clear */
    lba48(0x34, 10, 2);
    ck_assert(!ata_irq_level());
    ck_assert_uint_eq(ata_read(CTL, 1), 0x58);
    for (unsigned int i = 0; i < 128; i++)
        ata_write(DATA, 4, 0x11111111u * (i & 0xf));
    ck_assert(ata_irq_level());                 /* DRQ for the second block */
    ck_assert_uint_eq(status(), 0x58);
    ck_assert(!ata_irq_level());
    for (unsigned int i = 0; i < 256; i++)
        ata_write(DATA, 2, 0xbeef);
    ck_assert(ata_irq_level());                 /* done */
    ck_assert_uint_eq(status(), 0x50);
    ck_assert(!ata_irq_level());
    read_file_sector(10, file);
    ck_assert_uint_eq(file[4], 0x11);
    read_file_sector(11, file);
    ck_assert_uint_eq(file[0] | file[1] << 8, 0xbeef);
}
END_TEST

/* PRD entry i of the table at table: count 0 is 64 KiB. */
static void prd(uint32_t table, unsigned int i, uint32_t addr, uint16_t count, bool last)
{
    uint8_t *e = ram + table + 8 * i;

    for (unsigned int b = 0; b < 4; b++)
        e[b] = (uint8_t)(addr >> (8 * b));
    e[4] = (uint8_t)count;
    e[5] = (uint8_t)(count >> 8);
    e[6] = 0;
    e[7] = last ? 0x80 : 0;
}

/* Linux's ata_bmdma_setup: the table, the direction (engine stopped),
 * BMISTA's interrupt and error cleared. */
static void bm_setup(uint32_t table, bool to_memory)
{
    bmdma_write(BMIDTP, 4, table);
    bmdma_write(BMICOM, 1, to_memory ? TO_MEMORY : 0);
    bmdma_write(BMISTA, 1, 0x06);
}

static void bm_start(bool to_memory)
{
    bmdma_write(BMICOM, 1, (to_memory ? TO_MEMORY : 0) | START);
}

static uint8_t bmista(void)
{
    return (uint8_t)bmdma_read(BMISTA, 1);
}

/* The image's sectors [first, first + n) equal the bytes at p. */
static void assert_file_is(unsigned int first, unsigned int n, const uint8_t *p)
{
    uint8_t file[512];

    for (unsigned int s = 0; s < n; s++) {
        read_file_sector(first + s, file);
        ck_assert_msg(!memcmp(file, p + 512 * s, 512), "sector %u", first + s);
    }
}

/* The bytes at p are the image's original sectors [first, first + n). */
static void assert_original(const uint8_t *p, unsigned int first, unsigned int n)
{
    for (unsigned int s = 0; s < n; s++)
        for (unsigned int i = 0; i < 512; i++)
            ck_assert_msg(p[512 * s + i] == (uint8_t)((first + s) * 7 + i),
                          "sector %u byte %u", first + s, i);
}

static bool untouched(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != UNTOUCHED)
            return false;
    return true;
}

static void identify(uint16_t *id)
{
    ata_write(DRIVE, 1, 0xa0);
    ata_write(CMD, 1, 0xec);
    read_words(id, 256);
}

static uint8_t set_xfer_mode(uint8_t mode)
{
    ata_write(ERROR, 1, 0x03);                  /* features: set transfer mode */
    ata_write(COUNT, 1, mode);
    ata_write(CMD, 1, 0xef);
    return status();
}

START_TEST(identify_advertises_mwdma_and_set_features_selects)
{
    uint16_t id[256];

    ck_assert_int_eq(ata_attach(0, path, false), 0);
    identify(id);
    ck_assert(id[49] & (1u << 8));              /* DMA */
    ck_assert(id[49] & (1u << 9));              /* LBA still */
    ck_assert(id[53] & (1u << 1));
    ck_assert_uint_eq(id[63], 0x0007);          /* MWDMA 0-2, none selected */
    ck_assert_uint_eq(id[65], 120);
    ck_assert_uint_eq(id[66], 120);
    ck_assert_uint_eq(id[88], 0);               /* no UDMA */
    ck_assert_uint_eq(set_xfer_mode(0x22), 0x50);   /* MWDMA2 */
    identify(id);
    ck_assert_uint_eq(id[63], 0x0407);
    ck_assert_uint_eq(set_xfer_mode(0x0c), 0x50);   /* PIO4 with flow control */
    ck_assert_uint_eq(set_xfer_mode(0x21), 0x50);   /* MWDMA1 */
    identify(id);
    ck_assert_uint_eq(id[63], 0x0207);
    ck_assert_uint_eq(set_xfer_mode(0x42), 0x51);   /* UDMA2: refused */
    ck_assert_uint_eq(ata_read(ERROR, 1), 0x04);
    ck_assert_uint_eq(set_xfer_mode(0x23), 0x51);   /* MWDMA3: none such */
    ck_assert_uint_eq(set_xfer_mode(0x0d), 0x51);   /* PIO5 */
    identify(id);
    ck_assert_uint_eq(id[63], 0x0207);          /* refusals changed nothing */
    ata_write(ERROR, 1, 0x02);                  /* another subcommand: write cache */
    ata_write(CMD, 1, 0xef);
    ck_assert_uint_eq(status(), 0x50);
}
END_TEST

/* Linux's order: table, direction, command, then start. */
START_TEST(dma_read_fills_guest_memory)
{
    ck_assert_int_eq(ata_attach(0, path, false), 0);
    ata_write(CTL, 1, 0x08);
    prd(0x1000, 0, 0x3000, 4096, true);
    bm_setup(0x1000, true);
    lba48(0x25, 5, 8);                          /* READ DMA EXT */
    ck_assert(!ata_irq_level());                /* nothing before the engine runs */
    ck_assert_uint_eq(ata_read(CTL, 1) & 0x81, 0);
    ck_assert_uint_eq(bmista(), 0x00);
    bm_start(true);
    assert_original(ram + 0x3000, 5, 8);
    ck_assert(untouched(ram + 0x2000, 0x1000));
    ck_assert(untouched(ram + 0x4000, 0x1000));
    ck_assert_uint_eq(bmista(), 0x04);          /* interrupt; table done: not active */
    ck_assert(ata_irq_level());
    ck_assert_uint_eq(status(), 0x50);          /* DRDY DSC, acknowledged */
    ck_assert_uint_eq(ata_read(ERROR, 1), 0);
    ck_assert(!ata_irq_level());
    bmdma_write(BMICOM, 1, TO_MEMORY);          /* ata_bmdma_stop */
    bmdma_write(BMISTA, 1, bmista());           /* ata_bmdma_irq_clear */
    ck_assert_uint_eq(bmista(), 0x00);
    ck_assert_uint_le(maps, 3);                 /* the table's page, the data's */
}
END_TEST

/* The other order, LBA28: engine started, then WRITE DMA. */
START_TEST(dma_write_takes_guest_memory)
{
    uint8_t file[512];

    ck_assert_int_eq(ata_attach(0, path, false), 0);
    ata_write(CTL, 1, 0x08);
    for (unsigned int i = 0; i < 1024; i++)
        ram[0x5000 + i] = (uint8_t)(i * 13 + 1);
    prd(0x800, 0, 0x5000, 1024, true);
    bm_setup(0x800, false);
    bm_start(false);
    ck_assert_uint_eq(bmista(), 0x01);          /* active, waiting for the drive */
    ata_write(DRIVE, 1, 0xe0);
    ata_write(COUNT, 1, 2);
    ata_write(LBA0, 1, 20);
    ata_write(LBA1, 1, 0);
    ata_write(LBA2, 1, 0);
    ata_write(CMD, 1, 0xca);                    /* WRITE DMA */
    assert_file_is(20, 2, ram + 0x5000);
    read_file_sector(19, file);
    assert_original(file, 19, 1);               /* the neighbours untouched */
    read_file_sector(22, file);
    assert_original(file, 22, 1);
    ck_assert_uint_eq(bmista(), 0x04);
    ck_assert(ata_irq_level());
    ck_assert_uint_eq(status(), 0x50);
}
END_TEST

/* 256 + 768 bytes, the second across a page boundary: sectors split. */
START_TEST(odd_prd_chunks_split_sectors)
{
    uint8_t got[1024];

    ck_assert_int_eq(ata_attach(0, path, false), 0);
    prd(0x1000, 0, 0x2064, 256, false);
    prd(0x1000, 1, 0x3e00, 768, true);
    bm_setup(0x1000, true);
    lba48(0x25, 40, 2);
    bm_start(true);
    ck_assert_uint_eq(status(), 0x50);
    ck_assert_uint_eq(bmista(), 0x04);
    memcpy(got, ram + 0x2064, 256);
    memcpy(got + 256, ram + 0x3e00, 768);
    assert_original(got, 40, 2);
    ck_assert(untouched(ram + 0x2064 + 256, 16));
    ck_assert(untouched(ram + 0x3e00 + 768, 16));
    ck_assert(untouched(ram + 0x2054, 16));
    /* And back out to other sectors, split the other way. */
    for (unsigned int i = 0; i < 1024; i++)
        got[i] = (uint8_t)(0x55 ^ i);
    memcpy(ram + 0x6f00, got, 768);             /* crosses into page 7 */
    memcpy(ram + 0x9000, got + 768, 256);
    prd(0x1000, 0, 0x6f00, 768, false);
    prd(0x1000, 1, 0x9000, 256, true);
    bmdma_write(BMICOM, 1, 0);
    bm_setup(0x1000, false);
    lba48(0x35, 50, 2);                         /* WRITE DMA EXT */
    bm_start(false);
    ck_assert_uint_eq(status(), 0x50);
    ck_assert_uint_eq(bmista(), 0x04);
    assert_file_is(50, 2, got);
}
END_TEST

START_TEST(count_zero_is_64k)
{
    ck_assert_int_eq(ata_attach(0, path, false), 0);
    prd(0x0, 0, 0x10000, 0, true);
    bm_setup(0x0, true);
    lba48(0x25, 100, 128);
    bm_start(true);
    ck_assert_uint_eq(status(), 0x50);
    ck_assert_uint_eq(bmista(), 0x04);          /* 64 KiB: exactly the table */
    assert_original(ram + 0x10000, 100, 128);
    ck_assert(untouched(ram + 0x20000, PAGE));
    /* An odd count's bit 0 is ignored, as the PIIX3 does: 0x0001 is 64 KiB too. */
    memset(ram + 0x10000, UNTOUCHED, 0x10000);
    prd(0x0, 0, 0x10000, 1, true);
    bmdma_write(BMICOM, 1, TO_MEMORY);
    bm_setup(0x0, true);
    lba48(0x25, 0, 128);
    bm_start(true);
    ck_assert_uint_eq(status(), 0x50);
    assert_original(ram + 0x10000, 0, 128);
}
END_TEST

START_TEST(table_shorter_than_transfer_is_an_error)
{
    ck_assert_int_eq(ata_attach(0, path, false), 0);
    ata_write(CTL, 1, 0x08);
    prd(0x1000, 0, 0x3000, 1024, false);
    prd(0x1000, 1, 0x4000, 512, true);
    bm_setup(0x1000, true);
    lba48(0x25, 0, 4);                          /* 2048 bytes, table 1536 */
    bm_start(true);
    ck_assert_uint_eq(bmista(), 0x06);          /* error, interrupt, not active */
    ck_assert(ata_irq_level());
    ck_assert_uint_eq(status(), 0x51);
    ck_assert_uint_eq(ata_read(ERROR, 1), 0x04);
    ck_assert(untouched(ram + 0x3000, 0x2000)); /* the table is read first */
    bmdma_write(BMISTA, 1, 0x02);               /* write 1 to clear: error */
    ck_assert_uint_eq(bmista(), 0x04);
    bmdma_write(BMISTA, 1, 0x04);               /* ... interrupt */
    ck_assert_uint_eq(bmista(), 0x00);
}
END_TEST

START_TEST(prd_outside_ram_is_an_error)
{
    uint8_t file[512];

    ck_assert_int_eq(ata_attach(0, path, false), 0);
    memset(ram + 0x3000, 0x77, 0x1000);
    /* Data past the end of RAM: the write moves nothing. */
    prd(0x1000, 0, RAM_PAGES * PAGE, 1024, true);
    bm_setup(0x1000, false);
    lba48(0x35, 8, 2);
    bm_start(false);
    ck_assert_uint_eq(status(), 0x51);
    ck_assert_uint_eq(ata_read(ERROR, 1), 0x04);
    ck_assert_uint_eq(bmista(), 0x06);
    for (unsigned int s = 8; s < 10; s++) {
        read_file_sector(s, file);
        assert_original(file, s, 1);
    }
    /* Across the top of the 32-bit bus. */
    prd(0x1000, 0, 0xffffff00u, 1024, true);
    bmdma_write(BMICOM, 1, TO_MEMORY);
    bm_setup(0x1000, true);
    lba48(0x25, 8, 2);
    bm_start(true);
    ck_assert_uint_eq(status(), 0x51);
    ck_assert_uint_eq(bmista(), 0x06);
    /* The table itself outside RAM. */
    bmdma_write(BMICOM, 1, 0);
    bm_setup(0x40000000u, false);
    lba48(0x35, 8, 1);
    bm_start(false);
    ck_assert_uint_eq(status(), 0x51);
    ck_assert_uint_eq(bmista(), 0x06);
    /* A table running into the next 64 KiB. */
    prd(0xfff8, 0, 0x3000, 512, false);
    prd(0x10000, 0, 0x3000, 512, true);
    bmdma_write(BMICOM, 1, 0);
    bm_setup(0xfff8, false);
    lba48(0x35, 8, 2);
    bm_start(false);
    ck_assert_uint_eq(status(), 0x51);
    ck_assert_uint_eq(bmista(), 0x06);
    /* The second region outside RAM: the first one's sector only. */
    prd(0x1000, 0, 0x3000, 512, false);
    prd(0x1000, 1, 0x7fff0000u, 512, true);
    bmdma_write(BMICOM, 1, 0);
    bm_setup(0x1000, false);
    lba48(0x35, 8, 2);
    bm_start(false);
    ck_assert_uint_eq(status(), 0x51);
    ck_assert_uint_eq(bmista(), 0x06);
    read_file_sector(8, file);
    ck_assert_uint_eq(file[0], 0x77);
    read_file_sector(9, file);
    assert_original(file, 9, 1);
    ck_assert_uint_eq(bmdma_read(BMIDTP, 4), 0x1000);
}
END_TEST

START_TEST(table_longer_than_transfer_stays_active)
{
    ck_assert_int_eq(ata_attach(0, path, false), 0);
    prd(0x1000, 0, 0x3000, 4096, true);
    bm_setup(0x1000, true);
    lba48(0x25, 3, 1);
    bm_start(true);
    ck_assert_uint_eq(status(), 0x50);
    ck_assert_uint_eq(bmista(), 0x05);          /* active and interrupt */
    assert_original(ram + 0x3000, 3, 1);
    ck_assert(untouched(ram + 0x3200, 0xe00));
    bmdma_write(BMICOM, 1, TO_MEMORY);          /* the driver stops it */
    ck_assert_uint_eq(bmista(), 0x04);
    /* Entries past the data, even bad ones, are never read. */
    prd(0x1000, 0, 0x3000, 512, false);
    prd(0x1000, 1, 0x7fff0000u, 512, true);
    bm_setup(0x1000, true);
    lba48(0x25, 3, 1);
    bm_start(true);
    ck_assert_uint_eq(status(), 0x50);
    ck_assert_uint_eq(bmista(), 0x05);
}
END_TEST

START_TEST(stopping_the_engine_aborts_a_waiting_command)
{
    ck_assert_int_eq(ata_attach(0, path, false), 0);
    prd(0x1000, 0, 0x3000, 1024, true);
    bm_setup(0x1000, true);
    lba48(0x25, 0, 2);
    bmdma_write(BMICOM, 1, TO_MEMORY);          /* stopped before it started */
    ck_assert_uint_eq(status(), 0x51);
    ck_assert_uint_eq(ata_read(ERROR, 1), 0x04);
    ck_assert_uint_eq(bmista(), 0x06);
    bm_start(true);                             /* nothing left to move */
    ck_assert_uint_eq(bmista(), 0x07);
    ck_assert(untouched(ram + 0x3000, 1024));
    /* The engine started and stopped before a command: that one waits. */
    bmdma_write(BMICOM, 1, TO_MEMORY);
    bm_setup(0x1000, true);
    bm_start(true);
    bmdma_write(BMICOM, 1, TO_MEMORY);
    lba48(0x25, 0, 2);
    ck_assert(untouched(ram + 0x3000, 1024));
    ck_assert_uint_eq(status(), 0x58);
    bm_start(true);
    ck_assert_uint_eq(status(), 0x50);
    assert_original(ram + 0x3000, 0, 2);
}
END_TEST

START_TEST(direction_must_match_the_command)
{
    uint8_t file[512];

    ck_assert_int_eq(ata_attach(0, path, false), 0);
    memset(ram + 0x3000, 0x99, 512);
    prd(0x1000, 0, 0x3000, 512, true);
    bm_setup(0x1000, true);                     /* to memory ... */
    lba48(0x35, 2, 1);                          /* ... for a WRITE DMA */
    bm_start(true);
    ck_assert_uint_eq(status(), 0x51);
    ck_assert_uint_eq(bmista(), 0x06);
    read_file_sector(2, file);
    assert_original(file, 2, 1);
}
END_TEST

START_TEST(read_only_image_refuses_dma_writes)
{
    uint8_t file[512];

    ck_assert_int_eq(ata_attach(0, path, true), 0);
    memset(ram + 0x3000, 0x99, 512);
    prd(0x1000, 0, 0x3000, 512, true);
    bm_setup(0x1000, false);
    lba48(0x35, 2, 1);
    ck_assert_uint_eq(status(), 0x51);          /* refused at the command */
    ck_assert_uint_eq(ata_read(ERROR, 1), 0x04);
    bm_start(false);
    ck_assert_uint_eq(bmista(), 0x01);          /* the engine waits: no command */
    read_file_sector(2, file);
    assert_original(file, 2, 1);
    bmdma_write(BMICOM, 1, 0);
    bm_setup(0x1000, true);                     /* DMA reads work */
    lba48(0x25, 2, 1);
    bm_start(true);
    ck_assert_uint_eq(status(), 0x50);
    assert_original(ram + 0x3000, 2, 1);
    /* LBA range and LBA mode as for PIO. */
    bmdma_write(BMICOM, 1, TO_MEMORY);
    lba48(0x25, SECTORS - 1, 2);
    ck_assert_uint_eq(status(), 0x51);
    ata_write(DRIVE, 1, 0x00);
    ata_write(COUNT, 1, 1);
    ata_write(CMD, 1, 0xc8);                    /* READ DMA without LBA */
    ck_assert_uint_eq(status(), 0x51);
}
END_TEST

START_TEST(data_port_moves_nothing_during_dma)
{
    uint8_t file[512];

    ck_assert_int_eq(ata_attach(0, path, false), 0);
    memset(ram + 0x3000, 0x31, 512);
    prd(0x1000, 0, 0x3000, 512, true);
    bm_setup(0x1000, false);
    lba48(0x25, 1, 1);
    ck_assert_uint_eq(status(), 0x58);
    ck_assert_uint_eq(ata_read(DATA, 2), 0xffff);
    ck_assert_uint_eq(ata_read(DATA, 4), 0xffffffffu);
    lba48(0x35, 1, 1);                          /* replaces the read */
    for (unsigned int i = 0; i < 256; i++)
        ata_write(DATA, 2, 0x4242);
    read_file_sector(1, file);
    assert_original(file, 1, 1);
    ck_assert_uint_eq(status(), 0x58);          /* still waiting for the bus master */
    bm_start(false);
    ck_assert_uint_eq(status(), 0x50);
    read_file_sector(1, file);
    ck_assert_uint_eq(file[0], 0x31);
    ck_assert_uint_eq(file[511], 0x31);
}
END_TEST

START_TEST(dma_irq_follows_nien)
{
    ck_assert_int_eq(ata_attach(0, path, false), 0);
    ata_write(CTL, 1, 0x0a);                    /* nIEN */
    prd(0x1000, 0, 0x3000, 512, true);
    bm_setup(0x1000, true);
    lba48(0x25, 0, 1);
    bm_start(true);
    ck_assert(!ata_irq_level());
    ck_assert_uint_eq(bmista(), 0x04);          /* the bus master saw it all the same */
    ck_assert_uint_eq(ata_read(CTL, 1), 0x50);
    /* A software reset drops a command that waits for the engine. */
    bmdma_write(BMICOM, 1, TO_MEMORY);
    bmdma_write(BMISTA, 1, 0x04);
    memset(ram + 0x3000, UNTOUCHED, 512);
    lba48(0x25, 0, 1);
    ata_write(CTL, 1, 0x0e);
    ata_write(CTL, 1, 0x0a);
    bm_start(true);
    ck_assert(untouched(ram + 0x3000, 512));
    ck_assert_uint_eq(bmista(), 0x01);
    ck_assert_uint_eq(status(), 0x50);
}
END_TEST

START_TEST(bus_master_registers)
{
    ck_assert_uint_eq(bmdma_read(0, 4), 0);
    bmdma_write(BMIDTP, 4, 0x12345677u);        /* dword aligned */
    ck_assert_uint_eq(bmdma_read(BMIDTP, 4), 0x12345674u);
    bmdma_write(BMIDTP + 2, 1, 0xab);           /* byte by byte */
    ck_assert_uint_eq(bmdma_read(BMIDTP, 4), 0x12ab5674u);
    ck_assert_uint_eq(bmdma_read(BMIDTP + 1, 2), 0xab56);
    bmdma_write(BMICOM, 1, 0xf6);               /* only start and direction exist */
    ck_assert_uint_eq(bmdma_read(BMICOM, 1), 0x00);
    bmdma_write(BMISTA, 1, 0xe1);               /* drive bits kept, active and simplex not */
    ck_assert_uint_eq(bmista(), 0x60);
    bmdma_write(BMISTA, 1, 0x00);
    ck_assert_uint_eq(bmista(), 0x00);
    bmdma_write(BMICOM, 4, 0x00200009u);        /* start (to memory) and BMISTA's drive 0 */
    ck_assert_uint_eq(bmdma_read(BMICOM, 4), 0x00210009u);
    ck_assert_uint_eq(bmdma_read(1, 1) | bmdma_read(3, 1), 0);
    /* The secondary channel is inert. */
    bmdma_write(8, 4, 0xffffffffu);
    bmdma_write(12, 4, 0xffffffffu);
    bmdma_write(10, 2, 0xffff);
    ck_assert_uint_eq(bmdma_read(8, 4), 0);
    ck_assert_uint_eq(bmdma_read(12, 4), 0);
    /* Past the BAR's end: nothing written, all ones read. */
    bmdma_write(15, 4, 0xffffffffu);
    ck_assert_uint_eq(bmdma_read(14, 4), 0xffff0000u);
    ck_assert_uint_eq(bmdma_read(BMIDTP, 4), 0x12ab5674u);
    ck_assert_uint_eq(bmdma_read(BMICOM, 4), 0x00210009u);
}
END_TEST

START_TEST(attach_errors)
{
    char small[] = "/tmp/test-dm-ata-small-XXXXXX";
    int fd = mkstemp(small);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "x", 1), 1);
    close(fd);
    ck_assert_int_eq(ata_attach(0, "/nonexistent/image", false), -ENOENT);
    ck_assert_int_eq(ata_attach(0, small, false), -EINVAL);
    ck_assert_int_eq(ata_attach(2, path, false), -EINVAL);
    ck_assert_int_eq(ata_attach(0, path, false), 0);
    ck_assert_int_eq(ata_attach(0, path, false), -EINVAL);
    unlink(small);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dm_ata");
    TCase *tc = tcase_create("ata");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, make_image, remove_image);
    tcase_add_test(tc, identify_reports_the_size_and_lba48);
    tcase_add_test(tc, lba48_write_then_read);
    tcase_add_test(tc, lba28_read_and_dword_access);
    tcase_add_test(tc, refusals_abort);
    tcase_add_test(tc, read_only_disk_refuses_writes);
    tcase_add_test(tc, missing_slave_reads_zero);
    tcase_add_test(tc, irq_follows_nien_and_status_reads);
    tcase_add_test(tc, software_reset);
    tcase_add_test(tc, libata_probe_sequence);
    tcase_add_test(tc, pio_out_interrupts_per_block);
    tcase_add_test(tc, attach_errors);
    tcase_add_test(tc, identify_advertises_mwdma_and_set_features_selects);
    tcase_add_test(tc, dma_read_fills_guest_memory);
    tcase_add_test(tc, dma_write_takes_guest_memory);
    tcase_add_test(tc, odd_prd_chunks_split_sectors);
    tcase_add_test(tc, count_zero_is_64k);
    tcase_add_test(tc, table_shorter_than_transfer_is_an_error);
    tcase_add_test(tc, prd_outside_ram_is_an_error);
    tcase_add_test(tc, table_longer_than_transfer_stays_active);
    tcase_add_test(tc, stopping_the_engine_aborts_a_waiting_command);
    tcase_add_test(tc, direction_must_match_the_command);
    tcase_add_test(tc, read_only_image_refuses_dma_writes);
    tcase_add_test(tc, data_port_moves_nothing_during_dma);
    tcase_add_test(tc, dma_irq_follows_nien);
    tcase_add_test(tc, bus_master_registers);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
