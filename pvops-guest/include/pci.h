/*
 * PCI configuration space of bus 0 through configuration mechanism #1
 * (ports 0xcf8/0xcfc) by pv_ops.io: natively the ports themselves, under
 * PV the hypervisor's emulation of them for the hardware domain, in an
 * HVM domain its device model's.  drivers/pci.c.
 */
#ifndef GUEST_PCI_H
#define GUEST_PCI_H

#include "kernel.h"

#define PCI_COMMAND         0x04        /* 16 bits */
#define PCI_COMMAND_IO      0x0001
#define PCI_COMMAND_MASTER  0x0004
#define PCI_CLASS_REVISION  0x08        /* class, subclass, prog-if, revision */
#define PCI_BAR(n)          (0x10 + 4 * (n))
#define PCI_BAR_IO          0x1u

/* A function's address: bus << 8 | device << 3 | function. */
#define PCI_BDF(bus, dev, fn)   ((bus) << 8 | (dev) << 3 | (fn))

uint32_t pci_conf_read32(unsigned int bdf, unsigned int reg);
void pci_conf_write16(unsigned int bdf, unsigned int reg, uint16_t val);

/* The first function on bus 0 whose class and subclass are class_sub
 * (e.g. 0x0101, IDE): its BDF, or -1. */
int pci_find_class(uint16_t class_sub);

#endif
