/*
 * Bus-master IDE DMA of the PIIX's IDE function (QEMU's 00:01.1, and
 * heron-dm's): found by its class on bus 0, its engine at the I/O ports
 * of BAR 4, primary channel first.  A transfer is described by a table of
 * physical region descriptors (PRDs) in one page: each a 32-bit address
 * and a byte count (0 meaning 64 KiB) of one contiguous region that does
 * not cross a 64 KiB boundary, the last marked end-of-table.  The request
 * completes before ata.c returns it, so its buffer and the table stay put
 * for the whole transfer.  The wait polls the engine's status; with the
 * drive's interrupt (bmdma_wait_halts) the CPU halts between the polls,
 * woken by that interrupt (or the tick), and other domains get the CPU.
 */
#include "ata_bmdma.h"
#include "lib.h"
#include "mm.h"
#include "pci.h"
#include "proc.h"
#include "pvops.h"

#define PCI_CLASS_IDE       0x0101
#define IDE_PROGIF_MASTER   0x80        /* prog-if: bus-master capable */
#define IDE_BM_BAR          4

#define BMICOM              0           /* command */
#define BMISTA              2           /* status */
#define BMIDTP              4           /* PRD table address */
#define COM_START           0x01
#define COM_TO_MEMORY       0x08
#define STA_ACTIVE          0x01
#define STA_INTR            0x04
#define STA_KEEP            0x60        /* drive DMA-capable bits: read/write */

#define PRD_EOT             0x80000000u
#define PRD_REGION_MAX      0x10000u    /* 64 KiB, also the boundary */
#define PRD_ENTRIES         (PAGE_SIZE / sizeof(struct prd))
#define DMA_LIMIT           0x100000000ull      /* 32-bit bus master */

struct prd {
	uint32_t addr;
	uint32_t count_eot;                 /* byte count (16 bits) | PRD_EOT */
};

static uint16_t bm_base;
static uint8_t bm_direction;            /* BMICOM's of the prepared transfer */
static struct prd *prds;                /* for every transfer: BMIDTP is set once */
static uint8_t bm_keep;                 /* BMISTA's STA_KEEP bits, as found */
static bool halts;                      /* bmdma_wait_halts */

/* The device's address of a kernel virtual address. */
static uint64_t bus_address(const void *va)
{
	pfn_t pfn = virt_to_pfn(va);

	return pv_ops.mmu.pfn_to_mfn(pfn) << PAGE_SHIFT | ((uintptr_t)va & ~PAGE_MASK);
}

bool bmdma_init(void)
{
	int bdf = pci_find_class(PCI_CLASS_IDE);
	uint32_t bar;
	pfn_t table;

	if (bdf < 0)
		return false;
	if (!(pci_conf_read32(bdf, PCI_CLASS_REVISION) >> 8 & IDE_PROGIF_MASTER)) {
		printk("ata: IDE at 00:%02x.%x has no bus master\n", bdf >> 3, bdf & 7);
		return false;
	}
	bar = pci_conf_read32(bdf, PCI_BAR(IDE_BM_BAR));
	if (!(bar & PCI_BAR_IO) || !(bar & ~3u)) {
		printk("ata: IDE at 00:%02x.%x: BAR 4 unassigned\n", bdf >> 3, bdf & 7);
		return false;
	}
	table = frame_alloc();
	if (bus_address(pfn_to_virt(table)) >= DMA_LIMIT) {
		frame_put(table);
		return false;
	}
	prds = pfn_to_virt(table);
	bm_base = bar & 0xfffc;
	pci_conf_write16(bdf, PCI_COMMAND, (uint16_t)pci_conf_read32(bdf, PCI_COMMAND) |
			 PCI_COMMAND_IO | PCI_COMMAND_MASTER);
	pv_ops.io.outl(bm_base + BMIDTP, (uint32_t)bus_address(prds));
	bm_keep = pv_ops.io.inb(bm_base + BMISTA) & STA_KEEP;
	pv_ops.io.outb(bm_base + BMISTA, bm_keep | BM_STATUS_ERROR | STA_INTR);
	printk("ata: bus master at 00:%02x.%x, ports %#x\n", bdf >> 3, bdf & 7, bm_base);
	return true;
}

/* Appends entry n (when there is room) for a region of 1..64 KiB. */
static bool put_region(unsigned int n, uint64_t addr, uint32_t len)
{
	if (n >= PRD_ENTRIES)
		return false;
	prds[n].addr = (uint32_t)addr;
	prds[n].count_eot = len & 0xffff;   /* 64 KiB is written as 0 */
	return true;
}

bool bmdma_prepare(const void *buf, size_t bytes, bool to_memory)
{
	const uint8_t *p = buf;
	uint64_t run_addr = 0;
	uint32_t run_len = 0;
	unsigned int n = 0;

	if ((uintptr_t)buf & 1)
		return false;                   /* regions start on a word */
	/* Page by page; pages contiguous for the device, inside one 64 KiB
	 * window, share a region. */
	while (bytes) {
		size_t len = MIN(bytes, PAGE_SIZE - ((uintptr_t)p & ~PAGE_MASK));
		uint64_t addr = bus_address(p);

		if (addr + len > DMA_LIMIT)
			return false;
		if (run_len && addr == run_addr + run_len &&
		    (run_addr ^ (addr + len - 1)) < PRD_REGION_MAX) {
			run_len += len;
		} else {
			if (run_len && !put_region(n++, run_addr, run_len))
				return false;
			run_addr = addr;
			run_len = len;
		}
		p += len;
		bytes -= len;
	}
	if (!put_region(n, run_addr, run_len))
		return false;
	prds[n].count_eot |= PRD_EOT;
	bm_direction = to_memory ? COM_TO_MEMORY : 0;
	return true;
}

void bmdma_wait_halts(bool on)
{
	halts = on;
}

/*
 * Direction and start in one write: the engine is idle until then.  With
 * the drive's interrupt on, any command (IDENTIFY, PIO, FLUSH, an abort)
 * sets the interrupt bit: it is cleared before the start, or it would
 * end the wait at once.  Kernel code runs with interrupts off, so
 * safe_halt's enable-and-wait cannot miss the interrupt.  Before the
 * first process there may be no tick to end a halt: polls only.
 */
int bmdma_run(uint64_t deadline)
{
	bool halt = halts && current;
	uint8_t sta;

	if (halts)
		pv_ops.io.outb(bm_base + BMISTA, bm_keep | BM_STATUS_ERROR | STA_INTR);
	pv_ops.io.outb(bm_base + BMICOM, bm_direction | COM_START);
	while ((sta = pv_ops.io.inb(bm_base + BMISTA)) & STA_ACTIVE && !(sta & STA_INTR)) {
		if (time_now_ns() > deadline)
			break;
		if (halt)
			pv_ops.cpu.safe_halt();
	}
	pv_ops.io.outb(bm_base + BMICOM, bm_direction);
	pv_ops.io.outb(bm_base + BMISTA, bm_keep | BM_STATUS_ERROR | STA_INTR);
	if (sta & STA_ACTIVE && !(sta & STA_INTR))
		return -1;
	return sta;
}
