/*
 * heron-dm's IDE/ATA disks (toolstack/dm/ata.c) on the host, through the
 * ports as a guest driver uses them, on temporary image files: IDENTIFY,
 * LBA48 and LBA28 reads and writes (checked in the file), refusals
 * (beyond the end, read-only, no LBA bit, unknown command), the missing
 * slave, IRQ 14 with nIEN, software reset, libata's probe and PIO-out
 * interrupts, attach errors.  Each test runs
 * in its own process (Check's fork mode), so the channel starts fresh.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ata.h"

#define SECTORS 64
#define DATA    0x1f0
#define ERROR   0x1f1
#define COUNT   0x1f2
#define LBA0    0x1f3
#define LBA1    0x1f4
#define LBA2    0x1f5
#define DRIVE   0x1f6
#define CMD     0x1f7
#define CTL     0x3f6

static char path[64];

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
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
