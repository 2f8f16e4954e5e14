/*
 * pvops-guest's IDE driver (drivers/block/ata.c, ata_bmdma.c, drivers/pci.c)
 * on the host, against a simulated PIIX3 IDE function behind pv_ops.io:
 * configuration mechanism #1 on bus 0, one ATA disk as primary master
 * (IDENTIFY, PIO and DMA READ/WRITE EXT) and the bus master, which walks
 * the PRD table through a simulated pfn-to-machine mapping.  Checked: the
 * bytes on the simulated disk and in the caller's buffers, the PRD tables
 * the driver builds (merged runs, 64 KiB windows, end of table), the
 * fallback to PIO (no bus master; a buffer above 4 GiB), the errors
 * (ATA abort, bus-master error, a transfer that never ends) as -EIO, and
 * with IRQ 14 routed the drive's interrupt on and DMA waits halting.
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkdev.h"
#include "mm.h"
#include "pvops.h"

#define DISK_SECTORS    1024
#define ARENA_PAGES     256                     /* buffers and PRD tables */
#define ARENA_MFN       0x1000                  /* its first machine frame */
#define HIGH_MFN        0x100000                /* 4 GiB */
#define BM_PORT         0xc040
#define IDE_BDF         (1 << 3 | 1)            /* 00:01.1 */

struct pv_ops pv_ops;
uintptr_t direct_map_base;                      /* 0: a pfn is a host address >> 12 */

/* proc.h's (not included: it clashes with the host's libc headers). */
uint64_t time_now_ns(void);
struct proc;
struct proc *current;                           /* NULL: still booting */
static char a_process;
void irq_register(int irq, void (*fn)(void));

static uint64_t now;
uint64_t time_now_ns(void) { return now += 1000000; }   /* 1 ms per look */

static char log_text[8192];
void printk(const char *fmt, ...)
{
	size_t used = strlen(log_text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(log_text + used, sizeof(log_text) - used, fmt, ap);
	va_end(ap);
}

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

/* Memory: an arena of pages whose machine frames the test arranges. */
static uint8_t *arena;
static pfn_t arena_pfn;
static unsigned int next_page;
enum mapping { CONTIGUOUS, PAIRS_SWAPPED, ABOVE_4G };
static enum mapping mapping;

/* PAIRS_SWAPPED's arena page for a machine page and back: pages 2k and
 * 2k + 1 trade frames, but for page 0 (the PRD table, mapped at boot). */
static pfn_t swapped(pfn_t i) { return i < 2 ? i : i ^ 1; }

static mfn_t fake_pfn_to_mfn(pfn_t pfn)
{
	pfn_t i = pfn - arena_pfn;

	ck_assert_uint_lt(i, ARENA_PAGES);
	switch (mapping) {
	case PAIRS_SWAPPED: return ARENA_MFN + swapped(i);
	case ABOVE_4G: return HIGH_MFN + i;
	default: return ARENA_MFN + i;
	}
}

/* The device's view: a machine address back to host memory. */
static uint8_t *machine_to_host(uint64_t addr)
{
	uint64_t mfn = addr >> PAGE_SHIFT, i;

	ck_assert_uint_ge(mfn, ARENA_MFN);
	i = mfn - ARENA_MFN;
	if (mapping == PAIRS_SWAPPED)
		i = swapped(i);
	ck_assert_uint_lt(i, ARENA_PAGES);
	return arena + i * PAGE_SIZE + (addr & ~PAGE_MASK);
}

pfn_t frame_alloc(void)
{
	ck_assert_uint_lt(next_page, ARENA_PAGES);
	return arena_pfn + next_page++;
}

void frame_put(pfn_t pfn) { (void)pfn; }

static void *arena_pages(unsigned int n)
{
	void *p = arena + (size_t)next_page * PAGE_SIZE;

	ck_assert_uint_le(next_page + n, ARENA_PAGES);
	next_page += n;
	return p;
}

static struct blkdev *disk_dev;
int blkdev_add_disk(struct blkdev *d)
{
	disk_dev = d;
	return 0;
}

/* The simulated PIIX3 IDE function, its disk and its bus master. */
static struct {
	uint32_t cf8;
	uint16_t pci_command;
	bool has_bus_master;
	uint8_t disk[DISK_SECTORS * SECTOR_SIZE];
	uint8_t regs[8], hob[8], drive, status, error;
	uint8_t command;                        /* the one in progress */
	uint64_t lba;
	uint32_t count, done;                   /* sectors */
	uint16_t pio[256];                      /* a sector or IDENTIFY */
	unsigned int pio_pos;
	uint8_t bmicom, bmista;
	uint32_t bmidtp;
	enum { DMA_OK, DMA_BM_ERROR, DMA_HANGS, DMA_AT_INTERRUPT } dma_outcome;
	bool nien;                              /* the drive's interrupt off */
	bool dma_waiting;                       /* DMA_AT_INTERRUPT: started */
	unsigned int dma_commands, prd_entries;
	uint32_t prd_len[64];
} ide;

static uint32_t config_read(unsigned int bdf, unsigned int reg)
{
	switch (bdf) {
	case 0:                                 /* the host bridge */
		return reg == 0 ? 0x12378086 : reg == 8 ? 0x06000002 : 0;
	case 1 << 3:                            /* the ISA bridge, multi-function */
		return reg == 0 ? 0x70008086 : reg == 8 ? 0x06010000 :
		       reg == 0xc ? 0x00800000 : 0;
	case IDE_BDF:
		switch (reg) {
		case 0: return 0x70108086;
		case 4: return ide.pci_command;
		case 8: return ide.has_bus_master ? 0x01018000 : 0x01010000;
		case 0x20: return ide.has_bus_master ? BM_PORT | 1 : 0;
		default: return 0;
		}
	default:
		return ~0u;
	}
}

static uint64_t lba48(void)
{
	uint64_t v = 0;

	for (int i = 0; i < 3; i++)
		v |= (uint64_t)ide.regs[3 + i] << (8 * i) | (uint64_t)ide.hob[3 + i] << (24 + 8 * i);
	return v;
}

static void fill_pio_sector(void)
{
	memcpy(ide.pio, ide.disk + (ide.lba + ide.done) * SECTOR_SIZE, SECTOR_SIZE);
	ide.pio_pos = 0;
}

/* The drive's INTRQ: as QEMU's, it sets the bus master's interrupt bit
 * whatever the command, unless nIEN is set. */
static void interrupt(void)
{
	if (!ide.nien)
		ide.bmista |= 0x04;
}

static void abort_command(void)
{
	ide.status = 0x41;                      /* DRDY ERR */
	ide.error = 0x04;                       /* ABRT */
	ide.command = 0;
	interrupt();
}

static void start_command(uint8_t cmd)
{
	ide.command = cmd;
	ide.lba = lba48();
	ide.count = ide.regs[2] | ide.hob[2] << 8;
	ide.done = 0;
	ide.status = 0x40;
	if ((ide.drive >> 4 & 1) && cmd != 0) {
		ide.status = 0;                 /* no slave: nothing answers */
		return;
	}
	switch (cmd) {
	case 0xec:
		memset(ide.pio, 0, sizeof(ide.pio));
		for (int w = 27; w <= 46; w++)
			ide.pio[w] = 0x2020;    /* the model is padded with spaces */
		memcpy(&ide.pio[27], "EQUMH RADDSI K", 14);  /* "QEMU HARDDISK", byte-swapped */
		ide.pio[49] = 1 << 8 | 1 << 9;
		ide.pio[83] = 1 << 10;
		ide.pio[100] = DISK_SECTORS;
		ide.pio_pos = 0;
		ide.status = 0x48;
		return;
	case 0x24: case 0x34: case 0x25: case 0x35:
		if (ide.lba + ide.count > DISK_SECTORS) {
			abort_command();
			return;
		}
		if (cmd == 0x24)
			fill_pio_sector();
		ide.pio_pos = 0;
		if (cmd == 0x25 || cmd == 0x35)
			ide.dma_commands++;
		ide.status = 0x48;              /* DRDY DRQ, as QEMU's for DMA too */
		return;
	case 0xea:
		ide.command = 0;
		interrupt();
		return;
	default:
		abort_command();
	}
}

/* The PRD table walked and the data moved: the transfer's end. */
static void move_data(void)
{
	bool to_memory = ide.bmicom & 0x08;
	size_t left = (size_t)ide.count * SECTOR_SIZE;
	uint8_t *d = ide.disk + ide.lba * SECTOR_SIZE;
	uint32_t at = ide.bmidtp;

	ide.prd_entries = 0;
	for (;;) {
		const uint32_t *e = (const uint32_t *)machine_to_host(at);
		uint32_t len = (e[1] & 0xffff) ? (e[1] & 0xffff) : 0x10000;
		size_t n = len < left ? len : left;

		ck_assert_uint_lt(ide.prd_entries, 64);
		ide.prd_len[ide.prd_entries++] = len;
		ck_assert_msg((e[0] & 0xffff) + len <= 0x10000, "a region crosses 64 KiB");
		if (to_memory)
			memcpy(machine_to_host(e[0]), d, n);
		else
			memcpy(d, machine_to_host(e[0]), n);
		d += n;
		left -= n;
		at += 8;
		if (e[1] & 0x80000000u)
			break;
	}
	ck_assert_uint_eq(left, 0);
	ide.command = 0;
	ide.status = 0x40;
	ide.bmista = (uint8_t)((ide.bmista & ~0x01) | 0x04 |
			       (ide.dma_outcome == DMA_BM_ERROR ? 0x02 : 0));
}

/* The bus master's transfer, at the start bit (or, DMA_AT_INTERRUPT,
 * when the CPU halts): the PRD table walked. */
static void run_dma(void)
{
	bool to_memory = ide.bmicom & 0x08;

	ck_assert_msg(ide.command == 0x25 || ide.command == 0x35, "start without a DMA command");
	ck_assert_int_eq(to_memory, ide.command == 0x25);
	ide.bmista |= 0x01;
	if (ide.dma_outcome == DMA_HANGS)
		return;
	if (ide.dma_outcome == DMA_AT_INTERRUPT) {
		ide.dma_waiting = true;
		return;
	}
	move_data();
}

static uint8_t fake_inb(uint16_t port)
{
	switch (port) {
	case 0x1f1: return ide.error;
	case 0x1f7: case 0x3f6: return ide.status;
	case BM_PORT: return ide.bmicom;
	case BM_PORT + 2: return ide.bmista;
	default: ck_abort_msg("inb %#x", port);
	}
	return 0;
}

static void fake_outb(uint16_t port, uint8_t v)
{
	if (port >= 0x1f2 && port <= 0x1f5) {
		ide.hob[port - 0x1f0] = ide.regs[port - 0x1f0];
		ide.regs[port - 0x1f0] = v;
		return;
	}
	switch (port) {
	case 0x1f6: ide.drive = v; ide.status = (v >> 4 & 1) ? 0 : 0x40; return;
	case 0x1f7: start_command(v); return;
	case 0x3f6: ide.nien = v & 0x02; return;
	case BM_PORT:
		if ((v & 1) && !(ide.bmicom & 1)) {
			ide.bmicom = v;
			run_dma();
			return;
		}
		if (!(v & 1))
			ide.bmista &= ~0x01;
		ide.bmicom = v;
		return;
	case BM_PORT + 2:
		ide.bmista = (uint8_t)((ide.bmista & ~(v & 0x06) & ~0x60) | (v & 0x60));
		return;
	default: ck_abort_msg("outb %#x", port);
	}
}

static uint16_t fake_inw(uint16_t port)
{
	ck_abort_msg("inw %#x", port);
	return 0;
}

static void fake_outw(uint16_t port, uint16_t v)
{
	ck_assert_uint_eq(ide.cf8 & 0x80000000u, 0x80000000u);
	ck_assert_uint_eq(port, 0xcfc + (ide.cf8 & 2));
	if ((ide.cf8 >> 8 & 0xffff) == IDE_BDF && (ide.cf8 & 0xfc) == 4)
		ide.pci_command = v;
}

static uint32_t fake_inl(uint16_t port)
{
	ck_assert_uint_eq(port, 0xcfc);
	ck_assert_uint_eq(ide.cf8 & 0x80000000u, 0x80000000u);
	return config_read(ide.cf8 >> 8 & 0xffff, ide.cf8 & 0xfc);
}

static void fake_outl(uint16_t port, uint32_t v)
{
	if (port == 0xcf8) {
		ide.cf8 = v;
		return;
	}
	ck_assert_uint_eq(port, BM_PORT + 4);
	ide.bmidtp = v;
}

static void fake_insw(uint16_t port, void *buf, size_t words)
{
	ck_assert_uint_eq(port, 0x1f0);
	ck_assert_uint_eq(words, 256);
	ck_assert_msg(ide.status & 0x08, "insw without DRQ");
	memcpy(buf, ide.pio, SECTOR_SIZE);
	if (ide.command == 0x24 && ++ide.done < ide.count) {
		fill_pio_sector();
		return;
	}
	ide.command = 0;
	ide.status = 0x40;
}

static void fake_outsw(uint16_t port, const void *buf, size_t words)
{
	ck_assert_uint_eq(port, 0x1f0);
	ck_assert_uint_eq(words, 256);
	ck_assert_int_eq(ide.command, 0x34);
	memcpy(ide.disk + (ide.lba + ide.done) * SECTOR_SIZE, buf, SECTOR_SIZE);
	if (++ide.done == ide.count) {
		ide.command = 0;
		ide.status = 0x40;
	}
}

/* pv_ops.irq and cpu: IRQ 14 routed to logical IRQ 5, or not at all. */
static int isa_irq_result, registered_irq;
static unsigned int halts;

static int fake_isa_irq(unsigned int line)
{
	ck_assert_uint_eq(line, 14);
	return isa_irq_result;
}

void irq_register(int irq, void (*fn)(void))
{
	ck_assert_ptr_nonnull(fn);
	registered_irq = irq;
}

/* The transfer ends while the CPU waits, and its interrupt wakes it. */
static void fake_safe_halt(void)
{
	halts++;
	ck_assert_ptr_nonnull(current);
	if (ide.dma_waiting) {
		ide.dma_waiting = false;
		move_data();
	}
}

static void boot_with_irq(bool has_bus_master, int irq)
{
	static const struct pv_io_ops io = {
		.inb = fake_inb, .outb = fake_outb, .inw = fake_inw, .outw = fake_outw,
		.inl = fake_inl, .outl = fake_outl, .insw = fake_insw, .outsw = fake_outsw,
	};

	memset(&ide, 0, sizeof(ide));
	for (size_t i = 0; i < sizeof(ide.disk); i++)
		ide.disk[i] = (uint8_t)(i * 13 + (i >> 9));
	ide.has_bus_master = has_bus_master;
	ide.status = 0x40;
	pv_ops.io = io;
	pv_ops.irq.isa_irq = fake_isa_irq;
	pv_ops.cpu.safe_halt = fake_safe_halt;
	isa_irq_result = irq;
	registered_irq = -1;
	halts = 0;
	current = NULL;
	pv_ops.mmu.pfn_to_mfn = fake_pfn_to_mfn;
	mapping = CONTIGUOUS;
	next_page = 0;
	log_text[0] = 0;
	disk_dev = NULL;
	ck_assert_int_eq(ata_probe(), 1);
	ck_assert_ptr_nonnull(disk_dev);
}

static void boot(bool has_bus_master)
{
	boot_with_irq(has_bus_master, -1);
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 31 + (i >> 8));
}

/* A write then a read of count sectors at sector through buf. */
static void round_trip(uint8_t *buf, uint64_t sector, uint32_t count, uint8_t seed)
{
	size_t n = (size_t)count * SECTOR_SIZE;
	uint8_t *want = malloc(n);

	fill(want, n, seed);
	memcpy(buf, want, n);
	ck_assert_int_eq(disk_dev->ops->rw(disk_dev, true, sector, count, buf), 0);
	ck_assert_mem_eq(ide.disk + sector * SECTOR_SIZE, want, n);
	memset(buf, 0, n);
	ck_assert_int_eq(disk_dev->ops->rw(disk_dev, false, sector, count, buf), 0);
	ck_assert_mem_eq(buf, want, n);
	free(want);
}

START_TEST(finds_the_bus_master_and_says_dma)
{
	boot(true);
	ck_assert_str_eq(log_text, "ata: bus master at 00:01.1, ports 0xc040\n"
			 "ata: sda: QEMU HARDDISK, 1024 sectors (0 MiB), DMA, polled\n");
	ck_assert_uint_eq(ide.pci_command & 5, 5);      /* I/O and bus master on */
}
END_TEST

START_TEST(dma_4k_and_128k_contiguous)
{
	uint8_t *buf;

	boot(true);
	arena_pages(15);                        /* buf starts a 64 KiB window */
	buf = arena_pages(32);
	round_trip(buf, 8, 8, 1);
	ck_assert_uint_eq(ide.prd_entries, 1);
	ck_assert_uint_eq(ide.prd_len[0], 4096);
	round_trip(buf, 100, 256, 2);
	/* Two full windows, each one entry. */
	ck_assert_uint_eq(ide.prd_entries, 2);
	ck_assert_uint_eq(ide.prd_len[0], 0x10000);
	ck_assert_uint_eq(ide.prd_len[1], 0x10000);
	ck_assert_uint_eq(ide.dma_commands, 4);
}
END_TEST

START_TEST(dma_scattered_pages_and_sub_page_buffers)
{
	uint8_t *buf;

	boot(true);
	mapping = PAIRS_SWAPPED;
	buf = arena_pages(18);
	/* 64 KiB from the middle of a page: 17 pages, none contiguous. */
	round_trip(buf + 1024, 300, 128, 3);
	ck_assert_uint_eq(ide.prd_entries, 17);
	ck_assert_uint_eq(ide.prd_len[0], 3072);
	ck_assert_uint_eq(ide.prd_len[16], 1024);
	/* One sector inside a page. */
	round_trip(buf + 2 * PAGE_SIZE + 512, 7, 1, 4);
	ck_assert_uint_eq(ide.prd_entries, 1);
	ck_assert_uint_eq(ide.dma_commands, 4);
}
END_TEST

START_TEST(pio_without_a_bus_master)
{
	uint8_t *buf;

	boot(false);
	ck_assert_str_eq(log_text, "ata: IDE at 00:01.1 has no bus master\n"
			 "ata: sda: QEMU HARDDISK, 1024 sectors (0 MiB), PIO, polled\n");
	buf = arena_pages(2);
	round_trip(buf, 16, 16, 5);
	ck_assert_uint_eq(ide.dma_commands, 0);
}
END_TEST

START_TEST(pio_for_a_buffer_above_4g)
{
	uint8_t *buf;

	boot(true);
	buf = arena_pages(1);
	mapping = ABOVE_4G;
	round_trip(buf, 16, 8, 6);
	ck_assert_uint_eq(ide.dma_commands, 0);
}
END_TEST

START_TEST(errors_are_eio)
{
	uint8_t *buf;

	boot(true);
	buf = arena_pages(1);
	/* The drive aborts a command past its end: the engine is not started. */
	ck_assert_int_eq(disk_dev->ops->rw(disk_dev, false, DISK_SECTORS - 4, 8, buf), -EIO);
	ck_assert_ptr_nonnull(strstr(log_text, "ata: sda: read: status 0x41 error 0x4\n"));
	ck_assert_uint_eq(ide.bmista & 1, 0);
	/* The bus master reports an error although the data moved. */
	ide.dma_outcome = DMA_BM_ERROR;
	ck_assert_int_eq(disk_dev->ops->rw(disk_dev, true, 0, 8, buf), -EIO);
	ck_assert_uint_eq(ide.bmicom & 1, 0);
	ck_assert_uint_eq(ide.bmista & 0x06, 0);        /* cleared for the next one */
	/* A transfer that never ends: the engine is stopped, timed out. */
	ide.dma_outcome = DMA_HANGS;
	ck_assert_int_eq(disk_dev->ops->rw(disk_dev, false, 0, 8, buf), -EIO);
	ck_assert_ptr_nonnull(strstr(log_text, "ata: sda: read: timed out\n"));
	ck_assert_uint_eq(ide.bmicom & 1, 0);
	ck_assert_uint_eq(ide.bmista & 1, 0);
	/* And the next request works. */
	ide.dma_outcome = DMA_OK;
	round_trip(buf, 0, 8, 7);
}
END_TEST

START_TEST(irq_14_switches_the_drive_interrupt_on)
{
	boot_with_irq(true, 5);
	ck_assert_str_eq(log_text, "ata: bus master at 00:01.1, ports 0xc040\n"
			 "ata: sda: QEMU HARDDISK, 1024 sectors (0 MiB), DMA, IRQ 14\n");
	ck_assert_int_eq(registered_irq, 5);
	ck_assert(!ide.nien);
}
END_TEST

START_TEST(polled_without_irq_14)
{
	boot(true);
	ck_assert_int_eq(registered_irq, -1);
	ck_assert(ide.nien);
}
END_TEST

START_TEST(a_dma_wait_halts_until_the_transfer_ends)
{
	uint8_t *buf;

	boot_with_irq(true, 5);
	current = (struct proc *)&a_process;
	ide.dma_outcome = DMA_AT_INTERRUPT;
	buf = arena_pages(16);
	round_trip(buf, 40, 128, 8);
	ck_assert_uint_eq(halts, 2);
	ck_assert_uint_eq(ide.dma_commands, 2);
}
END_TEST

START_TEST(an_earlier_commands_interrupt_does_not_end_a_transfer)
{
	uint8_t *buf;

	boot_with_irq(true, 5);
	current = (struct proc *)&a_process;
	/* FLUSH CACHE interrupts too: the bus master's bit is left set. */
	ck_assert_int_eq(disk_dev->ops->flush(disk_dev), 0);
	ck_assert_uint_eq(ide.bmista & 0x04, 0x04);
	ide.dma_outcome = DMA_AT_INTERRUPT;
	buf = arena_pages(1);
	round_trip(buf, 24, 8, 9);
	ck_assert_uint_eq(halts, 2);
}
END_TEST

START_TEST(no_halt_before_the_first_process)
{
	uint8_t *buf;

	boot_with_irq(true, 5);
	buf = arena_pages(1);
	round_trip(buf, 0, 8, 10);
	ck_assert_uint_eq(halts, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ata");
	TCase *tc = tcase_create("ata");
	SRunner *sr;
	int failed;

	/* 64 KiB-aligned, so that machine windows and arena pages line up. */
	if (posix_memalign((void **)&arena, 0x10000, ARENA_PAGES * PAGE_SIZE))
		return EXIT_FAILURE;
	arena_pfn = (uintptr_t)arena >> PAGE_SHIFT;
	tcase_add_test(tc, finds_the_bus_master_and_says_dma);
	tcase_add_test(tc, dma_4k_and_128k_contiguous);
	tcase_add_test(tc, dma_scattered_pages_and_sub_page_buffers);
	tcase_add_test(tc, pio_without_a_bus_master);
	tcase_add_test(tc, pio_for_a_buffer_above_4g);
	tcase_add_test(tc, errors_are_eio);
	tcase_add_test(tc, irq_14_switches_the_drive_interrupt_on);
	tcase_add_test(tc, polled_without_irq_14);
	tcase_add_test(tc, a_dma_wait_halts_until_the_transfer_ends);
	tcase_add_test(tc, an_earlier_commands_interrupt_does_not_end_a_transfer);
	tcase_add_test(tc, no_halt_before_the_first_process);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
