/*
 * heron-dm's IDE controller: the PIIX3's IDE function (00:01.1 of the PCI
 * bus, bus.h), class 01.01 with programming interface 0x80: both channels
 * in legacy mode (the ISA ports and IRQs 14/15, BARs 0-3 unused) and a
 * bus master, whose 16 ports are BAR 4 (bmdma.h).  Its primary channel is
 * ata.c's; BAR 4's ports are claimed from hv while the guest has I/O
 * decode on, at the address it programmed (IDE_BMDMA_BASE until then).
 */
#ifndef TOOLSTACK_DM_IDE_H
#define TOOLSTACK_DM_IDE_H

#include <stdbool.h>

#include "dm_hv.h"

#define IDE_BMDMA_BAR   4
#define IDE_BMDMA_BASE  0xc000  /* the BAR as firmware would have left it */

/* Puts the function on the bus (bus_setup() first) and claims the primary
 * channel's ports; 0 or -errno. */
int ide_setup(struct dm_hv *hv);
/* After a configuration write: BAR 4's claim follows the BAR and I/O decode. */
void ide_follow_bar(struct dm_hv *hv);
/* Serves r if it is the channel's or the bus master's port I/O; false if not ours. */
bool ide_io(ioreq_t *r);

#endif
