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

/* An I/O BAR's ports, held from hv while the guest has I/O decode on, at
 * the address it programmed. */
struct bar_claim {
    const struct pci_function *fn;
    unsigned int bar, ports;
    const char *what;           /* for the log */
    uint16_t base;              /* the ports held now; 0: none */
    unsigned int refusals;      /* failed claims logged so far */
};

/* After a configuration write: the claim follows the BAR and I/O decode
 * (a failed claim leaves none; the first BAR_REFUSALS_LOGGED are logged). */
#define BAR_REFUSALS_LOGGED 8
void bar_claim_follow(struct dm_hv *hv, struct bar_claim *c);
/* Port's offset in the claimed ports, or -1 if it is not one of them. */
int bar_claim_offset(const struct bar_claim *c, uint64_t port);

#endif
