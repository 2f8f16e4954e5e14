/*
 * heron-dm's PCI bus 0 behind configuration mechanism #1: CONFIG_ADDRESS
 * at 0xcf8 (a dword; bit 31 enables, then bus, device, function,
 * register), CONFIG_DATA at 0xcfc-0xcff (any size at any offset inside
 * the dword).  Functions are 256-byte type-0 headers (a device with more
 * than function 0 says so in function 0's header type); the bus keeps the
 * read-only fields read-only, sizes BARs (all ones written, the size mask
 * read back) and answers all ones for absent functions.  Pure: the device
 * model notices BAR and command changes through pci_bar_io().
 */
#ifndef TOOLSTACK_DM_PCI_H
#define TOOLSTACK_DM_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_CONF_ADDR_PORT  0xcf8
#define PCI_CONF_DATA_PORT  0xcfc
#define PCI_CONF_PORTS      8           /* 0xcf8-0xcff */
#define PCI_SLOTS           32
#define PCI_FUNCS           8
#define PCI_BARS            6

#define PCI_VENDOR_ID       0x00
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND         0x04
#define PCI_CMD_IO          0x0001
#define PCI_CMD_MEMORY      0x0002
#define PCI_CMD_MASTER      0x0004
#define PCI_CMD_INTX_OFF    0x0400
#define PCI_STATUS          0x06
#define PCI_CLASS_REVISION  0x08
#define PCI_HEADER_TYPE     0x0e
#define PCI_HEADER_MULTI    0x80
#define PCI_BAR0            0x10
#define PCI_SUBSYS_VENDOR   0x2c
#define PCI_SUBSYS_ID       0x2e
#define PCI_INTERRUPT_LINE  0x3c
#define PCI_INTERRUPT_PIN   0x3d

struct pci_function {
    bool present;
    uint8_t cfg[256];
    uint32_t bar_size[PCI_BARS];    /* 0: no BAR; I/O BARs only */
};

struct pci_bus {
    uint32_t addr;                  /* CONFIG_ADDRESS as last written */
    struct pci_function fn[PCI_SLOTS][PCI_FUNCS];
};

void pci_bus_init(struct pci_bus *bus);
/*
 * Puts a function at slot.fn: ids, class_rev (the dword at 0x08: class,
 * subclass, programming interface, revision), interrupt pin A routed to
 * irq (0: no interrupt).  Returns it; its device-specific registers (0x40
 * on) start zero and keep what the caller puts there (read-only to the
 * guest).
 */
struct pci_function *pci_add(struct pci_bus *bus, unsigned int slot, unsigned int fn,
                             uint16_t vendor, uint16_t device, uint32_t class_rev,
                             uint8_t irq);
/* Gives f an I/O BAR of size bytes (a power of two, 4 to 256) at base. */
void pci_add_io_bar(struct pci_function *f, unsigned int bar, uint32_t size, uint16_t base);
/* Port I/O on 0xcf8-0xcff (size 1, 2 or 4). */
uint32_t pci_conf_read(struct pci_bus *bus, uint16_t port, unsigned int size);
void pci_conf_write(struct pci_bus *bus, uint16_t port, unsigned int size, uint32_t val);
/* Where f's I/O BAR decodes now: its base, or 0 while I/O decode is off. */
uint16_t pci_bar_io(const struct pci_function *f, unsigned int bar);

#endif
