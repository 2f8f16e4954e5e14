/*
 * PCI configuration space (pci.h).  Writes reach only what a guest may
 * change on these devices: the command register's decode, master and
 * INTx-disable bits, cache line size and latency timer, the interrupt
 * line, and the BARs, whose low bits (the size, and bit 0 saying I/O)
 * stay fixed; everything else is read-only and status bits are never set,
 * so their write-one-to-clear has nothing to do.
 */
#include <string.h>

#include "pci.h"

#define CONF_ENABLE         0x80000000u
#define PCI_CACHE_LINE      0x0c
#define PCI_LATENCY         0x0d
#define PCI_BAR_IO          0x1u
#define PCI_CMD_WRITABLE    (PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_INTX_OFF)

void pci_bus_init(struct pci_bus *bus)
{
    memset(bus, 0, sizeof(*bus));
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

struct pci_function *pci_add(struct pci_bus *bus, unsigned int slot, unsigned int fn,
                             uint16_t vendor, uint16_t device, uint32_t class_rev,
                             uint8_t irq)
{
    struct pci_function *f = &bus->fn[slot % PCI_SLOTS][fn % PCI_FUNCS];
    bool multi = false;

    memset(f, 0, sizeof(*f));
    f->present = true;
    put16(f->cfg + PCI_VENDOR_ID, vendor);
    put16(f->cfg + PCI_DEVICE_ID, device);
    put32(f->cfg + PCI_CLASS_REVISION, class_rev);
    put16(f->cfg + PCI_SUBSYS_VENDOR, vendor);
    put16(f->cfg + PCI_SUBSYS_ID, device);
    if (irq) {
        f->cfg[PCI_INTERRUPT_LINE] = irq;
        f->cfg[PCI_INTERRUPT_PIN] = 1;          /* INTA# */
    }
    /* Software scans functions 1-7 only if function 0 says there are more. */
    for (unsigned int i = 1; i < PCI_FUNCS; i++)
        multi |= bus->fn[slot % PCI_SLOTS][i].present;
    bus->fn[slot % PCI_SLOTS][0].cfg[PCI_HEADER_TYPE] = multi ? PCI_HEADER_MULTI : 0;
    return f;
}

void pci_add_io_bar(struct pci_function *f, unsigned int bar, uint32_t size, uint16_t base)
{
    f->bar_size[bar] = size;
    put32(f->cfg + PCI_BAR0 + 4 * bar, ((uint32_t)base & ~(size - 1)) | PCI_BAR_IO);
}

/* The addressed function, NULL if absent (or not on bus 0). */
static struct pci_function *selected(struct pci_bus *bus)
{
    uint32_t a = bus->addr;
    unsigned int busno = (a >> 16) & 0xff, dev = (a >> 11) & 0x1f, fn = (a >> 8) & 7;

    if (!(a & CONF_ENABLE) || busno || !bus->fn[dev][fn].present)
        return NULL;
    return &bus->fn[dev][fn];
}

uint32_t pci_conf_read(struct pci_bus *bus, uint16_t port, unsigned int size)
{
    uint32_t mask = size >= 4 ? ~0u : (1u << (8 * size)) - 1;
    struct pci_function *f;
    unsigned int reg;

    if (port >= PCI_CONF_ADDR_PORT && port < PCI_CONF_DATA_PORT)
        return size == 4 && port == PCI_CONF_ADDR_PORT ? bus->addr : mask;
    f = selected(bus);
    reg = (bus->addr & 0xfc) + (port - PCI_CONF_DATA_PORT);
    if (!f || reg + size > 256)
        return mask;
    return (get32(f->cfg + (reg & ~3u)) >> (8 * (reg & 3))) & mask;
}

static void write_byte(struct pci_function *f, unsigned int reg, uint8_t v)
{
    unsigned int bar = (reg - PCI_BAR0) / 4;

    if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * PCI_BARS) {
        uint32_t size = f->bar_size[bar], fixed = (size - 1) | PCI_BAR_IO;
        unsigned int shift = 8 * (reg & 3);

        if (!size)
            return;                     /* no BAR: reads as zero */
        /* Only the address bits above the size take the written value. */
        f->cfg[reg] = (uint8_t)((v & ~(fixed >> shift)) | ((PCI_BAR_IO >> shift) & 0xff));
        if (shift == 16 || shift == 24)
            f->cfg[reg] = 0;            /* I/O space is 64 KiB on x86 */
        return;
    }
    switch (reg) {
    case PCI_COMMAND:
        f->cfg[reg] = v & (PCI_CMD_WRITABLE & 0xff);
        break;
    case PCI_COMMAND + 1:
        f->cfg[reg] = v & (PCI_CMD_WRITABLE >> 8);
        break;
    case PCI_CACHE_LINE:
    case PCI_LATENCY:
    case PCI_INTERRUPT_LINE:
        f->cfg[reg] = v;
        break;
    default:
        break;
    }
}

void pci_conf_write(struct pci_bus *bus, uint16_t port, unsigned int size, uint32_t val)
{
    struct pci_function *f;
    unsigned int reg;

    if (port == PCI_CONF_ADDR_PORT && size == 4) {
        bus->addr = val & 0x80fffffcu;
        return;
    }
    if (port < PCI_CONF_DATA_PORT)
        return;                         /* 0xcf9 etc.: not ours to model */
    f = selected(bus);
    reg = (bus->addr & 0xfc) + (port - PCI_CONF_DATA_PORT);
    if (!f || reg + size > 256)
        return;
    for (unsigned int i = 0; i < size; i++)
        write_byte(f, reg + i, (uint8_t)(val >> (8 * i)));
}

uint16_t pci_bar_io(const struct pci_function *f, unsigned int bar)
{
    if (!(f->cfg[PCI_COMMAND] & PCI_CMD_IO) || !f->bar_size[bar])
        return 0;
    return (uint16_t)(get32(f->cfg + PCI_BAR0 + 4 * bar) & ~(f->bar_size[bar] - 1));
}
