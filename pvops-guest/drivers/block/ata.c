/*
 * Disks on the legacy primary IDE/ATA channel (ports 0x1f0-0x1f7, control
 * 0x3f6; QEMU's `-drive if=ide,index=0/1`), master and slave: IDENTIFY
 * DEVICE for the size, READ/WRITE DMA EXT through the PIIX bus master
 * (ata_bmdma.c) when there is one and the drive does DMA, else READ/WRITE
 * SECTORS EXT by PIO (48-bit LBA both), FLUSH CACHE EXT.  Completion is
 * polled; when IRQ 14 reaches the kernel (pv_ops.irq.isa_irq: the 8259
 * natively and under HVM, a physical IRQ for a PV hardware domain) the
 * drive's interrupt is switched on (nIEN clear) after the probe and a DMA
 * wait halts the CPU between polls (ata_bmdma.c).  Ports go through pv_ops.io:
 * natively the instructions themselves, under PV the hypervisor's
 * emulation of them (arch/x86/pv/io.c), one trap each: a DMA request
 * costs about fifteen plus the polls of its end, a PIO sector one REP
 * INSW/OUTSW (emulated word by word) plus its polling.
 */
#include <linux/errno.h>

#include "ata_bmdma.h"
#include "blkdev.h"
#include "kalloc.h"
#include "lib.h"
#include "proc.h"
#include "pvops.h"

#define ATA_DATA        0x1f0
#define ATA_ERROR       0x1f1
#define ATA_COUNT       0x1f2
#define ATA_LBA0        0x1f3
#define ATA_LBA1        0x1f4
#define ATA_LBA2        0x1f5
#define ATA_DRIVE       0x1f6
#define ATA_STATUS      0x1f7           /* read */
#define ATA_COMMAND     0x1f7           /* write */
#define ATA_CONTROL     0x3f6           /* write; reads give the alternate status */

#define ST_ERR          0x01
#define ST_DRQ          0x08
#define ST_DF           0x20
#define ST_DRDY         0x40
#define ST_BSY          0x80
#define CTL_NIEN        0x02
#define ATA_IRQ_LINE    14              /* the primary channel's ISA line */

#define CMD_READ_EXT    0x24
#define CMD_READ_DMA_EXT 0x25
#define CMD_WRITE_EXT   0x34
#define CMD_WRITE_DMA_EXT 0x35
#define CMD_FLUSH_EXT   0xea
#define CMD_IDENTIFY    0xec

#define DRIVE_LBA       0x40
#define ID_CAP_DMA      (1u << 8)       /* IDENTIFY word 49 */
#define ATA_MAX_SECTORS 256             /* per command, of up to 65536 */
#define ATA_TIMEOUT_NS  (10ULL * 1000000000)

struct ata_disk {
	struct blkdev blk;
	unsigned int unit;                  /* 0 master, 1 slave */
	bool dma;                           /* by the bus master */
};

static unsigned int selected = ~0u;
static bool bus_master;                 /* the channel has a usable one */
static int ata_irq = -1;                /* the kernel's IRQ for line 14 */

static uint8_t status(void)
{
	return pv_ops.io.inb(ATA_STATUS);
}

/* The alternate status, four times: the 400 ns a drive select needs. */
static void settle(void)
{
	for (int i = 0; i < 4; i++)
		pv_ops.io.inb(ATA_CONTROL);
}

static void select_unit(unsigned int unit)
{
	if (unit == selected)
		return;
	pv_ops.io.outb(ATA_DRIVE, DRIVE_LBA | unit << 4);
	settle();
	selected = unit;
}

/* Waits until BSY clears; then the status, or -1 after the timeout. */
static int wait_ready(void)
{
	uint64_t deadline = time_now_ns() + ATA_TIMEOUT_NS;
	uint8_t st;

	while ((st = status()) & ST_BSY)
		if (time_now_ns() > deadline)
			return -1;
	return st;
}

/* It only wakes the halted CPU: the wait reads the engine's status, and
 * the status read after each command acknowledges the drive. */
static void ata_interrupt(void)
{
}

static int ata_error(const struct ata_disk *d, const char *what, int st)
{
	if (st < 0)
		printk("ata: %s: %s: timed out\n", d->blk.name, what);
	else
		printk("ata: %s: %s: status %#x error %#x\n", d->blk.name, what, st,
		       pv_ops.io.inb(ATA_ERROR));
	return -EIO;
}

static void issue(unsigned int unit, uint8_t cmd, uint64_t lba, uint32_t count)
{
	select_unit(unit);
	/* 48-bit registers: high bytes first, each register keeps two. */
	pv_ops.io.outb(ATA_COUNT, count >> 8);
	pv_ops.io.outb(ATA_LBA0, lba >> 24);
	pv_ops.io.outb(ATA_LBA1, lba >> 32);
	pv_ops.io.outb(ATA_LBA2, lba >> 40);
	pv_ops.io.outb(ATA_COUNT, count);
	pv_ops.io.outb(ATA_LBA0, lba);
	pv_ops.io.outb(ATA_LBA1, lba >> 8);
	pv_ops.io.outb(ATA_LBA2, lba >> 16);
	pv_ops.io.outb(ATA_COMMAND, cmd);
}

static int pio_rw(const struct ata_disk *d, bool write, uint64_t sector, uint32_t count,
		  uint8_t *p)
{
	int st;

	issue(d->unit, write ? CMD_WRITE_EXT : CMD_READ_EXT, sector, count);
	for (uint32_t i = 0; i < count; i++, p += SECTOR_SIZE) {
		settle();
		st = wait_ready();
		if (st < 0 || (st & (ST_ERR | ST_DF)) || !(st & ST_DRQ))
			return ata_error(d, write ? "write" : "read", st);
		if (write)
			pv_ops.io.outsw(ATA_DATA, p, SECTOR_SIZE / 2);
		else
			pv_ops.io.insw(ATA_DATA, p, SECTOR_SIZE / 2);
	}
	settle();
	st = wait_ready();
	if (st < 0 || (st & (ST_ERR | ST_DF)))
		return ata_error(d, write ? "write" : "read", st);
	return 0;
}

/* The transfer bmdma_prepare described: the drive moves the data. */
static int dma_rw(const struct ata_disk *d, bool write, uint64_t sector, uint32_t count)
{
	const char *what = write ? "write" : "read";
	int bm, st;

	issue(d->unit, write ? CMD_WRITE_DMA_EXT : CMD_READ_DMA_EXT, sector, count);
	/* A command the drive refuses at once (QEMU's and heron-dm's aborts)
	 * would leave a started engine active: nIEN keeps BMISTA's interrupt
	 * bit clear. */
	st = pv_ops.io.inb(ATA_CONTROL);
	if (!(st & ST_BSY) && (st & (ST_ERR | ST_DF)))
		return ata_error(d, what, st);
	bm = bmdma_run(time_now_ns() + ATA_TIMEOUT_NS);
	if (bm < 0)
		return ata_error(d, what, bm);
	/* Reading the status also acknowledges the drive's interrupt. */
	st = wait_ready();
	if (st < 0 || (st & (ST_ERR | ST_DF)) || (bm & BM_STATUS_ERROR))
		return ata_error(d, what, st);
	return 0;
}

static int ata_rw(struct blkdev *b, bool write, uint64_t sector, uint32_t count, void *buf)
{
	struct ata_disk *d = container_of(b, struct ata_disk, blk);
	/* ERR before the command is the previous command's: only BSY counts. */
	int st = wait_ready();

	if (st < 0)
		return ata_error(d, "not ready", st);
	/* A buffer the bus master cannot reach goes by PIO. */
	if (d->dma && bmdma_prepare(buf, (size_t)count * SECTOR_SIZE, !write))
		return dma_rw(d, write, sector, count);
	return pio_rw(d, write, sector, count, buf);
}

static int ata_flush(struct blkdev *b)
{
	struct ata_disk *d = container_of(b, struct ata_disk, blk);
	int st = wait_ready();

	if (st >= 0) {
		issue(d->unit, CMD_FLUSH_EXT, 0, 0);
		settle();
		st = wait_ready();
	}
	if (st < 0 || (st & (ST_ERR | ST_DF)))
		return ata_error(d, "flush", st);
	return 0;
}

static const struct blkdev_ops ata_ops = { .rw = ata_rw, .flush = ata_flush };

/* IDENTIFY DEVICE into id; false if no ATA disk answers as unit. */
static bool identify(unsigned int unit, uint16_t id[256])
{
	int st;

	select_unit(unit);
	if (status() == 0xff || status() == 0)  /* floating bus, no drive */
		return false;
	pv_ops.io.outb(ATA_COMMAND, CMD_IDENTIFY);
	settle();
	if (status() == 0)
		return false;
	st = wait_ready();
	/* ATAPI and SATA-bridge signatures abort IDENTIFY: not a disk. */
	if (st < 0 || (st & ST_ERR) || !(st & ST_DRQ))
		return false;
	pv_ops.io.insw(ATA_DATA, id, 256);
	return true;
}

static void model_of(const uint16_t id[256], char *out, size_t size)
{
	size_t n = 0;

	for (int w = 27; w <= 46 && n + 2 < size; w++) {
		out[n++] = id[w] >> 8;
		out[n++] = id[w] & 0xff;
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = 0;
}

static bool probe_unit(unsigned int unit)
{
	uint16_t id[256];
	char model[48];
	struct ata_disk *d;

	if (!identify(unit, id))
		return false;
	model_of(id, model, sizeof(model));
	if (!(id[83] & (1u << 10))) {
		printk("ata: unit %u (%s) has no 48-bit LBA; not used\n", unit, model);
		return false;
	}
	d = kzalloc(sizeof(*d));
	if (!d)
		panic("ata: out of memory");
	d->unit = unit;
	d->dma = bus_master && (id[49] & ID_CAP_DMA);
	d->blk.nr_sectors = (uint64_t)id[100] | (uint64_t)id[101] << 16 |
			    (uint64_t)id[102] << 32 | (uint64_t)id[103] << 48;
	d->blk.max_sectors = ATA_MAX_SECTORS;
	d->blk.ops = &ata_ops;
	snprintf(d->blk.name, sizeof(d->blk.name), "sd%c", 'a' + unit);
	printk("ata: %s: %s, %lu sectors (%lu MiB), %s, %s\n", d->blk.name, model,
	       d->blk.nr_sectors, d->blk.nr_sectors >> 11, d->dma ? "DMA" : "PIO",
	       ata_irq >= 0 ? "IRQ 14" : "polled");
	if (blkdev_add_disk(&d->blk)) {
		printk("ata: %s: cannot register it\n", d->blk.name);
		kfree(d);
		return false;
	}
	return true;
}

int ata_probe(void)
{
	int found = 0;

	if (!pv_ops.io.inb) {
		printk("ata: no I/O port access; no disks\n");
		return 0;
	}
	pv_ops.io.outb(ATA_CONTROL, CTL_NIEN);
	bus_master = bmdma_init();
	if (bus_master)
		ata_irq = pv_ops.irq.isa_irq(ATA_IRQ_LINE);
	for (unsigned int unit = 0; unit < 2; unit++)
		found += probe_unit(unit);
	if (!found) {
		printk("ata: no disk on the primary channel\n");
	} else if (ata_irq >= 0) {
		irq_register(ata_irq, ata_interrupt);
		pv_ops.io.outb(ATA_CONTROL, 0);
		bmdma_wait_halts(true);
	}
	return found;
}
