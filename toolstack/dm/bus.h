/*
 * heron-dm's PCI bus 0 as the guest finds it, Xen's and QEMU's i440FX
 * layout: an Intel 440FX host bridge at 00.0, a PIIX3 at 00.1 (its ISA
 * bridge as function 0 and, when there are disks, its IDE controller as
 * function 1, ide.c) and the NIC at 00.3 (nic.c).  The bus answers
 * configuration mechanism #1 on ports 0xcf8-0xcff (claimed as ports: hv
 * refuses XEN_DMOP_IO_RANGE_PCI).
 */
#ifndef TOOLSTACK_DM_BUS_H
#define TOOLSTACK_DM_BUS_H

#include <stdbool.h>
#include <stddef.h>

#include "dm_hv.h"
#include "pci.h"

#define BUS_PIIX3_SLOT  1
#define BUS_IDE_FN      1

/* Builds the bus (without the devices' functions) and claims its ports; 0 or -errno. */
int bus_setup(struct dm_hv *hv);
/* The bus, for the devices that add functions to it. */
struct pci_bus *bus_get(void);
/* Serves r if it is a configuration-port access; false if not. */
bool bus_io(ioreq_t *r);

#endif
