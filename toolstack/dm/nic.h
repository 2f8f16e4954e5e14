/*
 * heron-dm's network device: PCI bus 0 (an Intel 440FX host bridge at
 * 00.0, the NE2000 of ne2k.c as an RTL8029 at 00.3 with its I/O BAR and
 * INTA# routed to ISA IRQ NIC_IRQ) and the NE2000's wire, a local port
 * of heron-netback's xenbr0 (toolstack/netback/local_port.h).  The BAR's
 * ports are claimed from hv while the guest has I/O decode on, at the
 * address it programmed.
 */
#ifndef TOOLSTACK_DM_NIC_H
#define TOOLSTACK_DM_NIC_H

#include <stdbool.h>
#include <stdint.h>

#include "dm_hv.h"

#define NIC_SLOT      3
#define NIC_IRQ       11        /* free on hv's platform; no _PRT: Linux takes INTERRUPT_LINE */
#define NIC_IO_BASE   0xc100    /* the BAR as firmware would have left it */

/* "nic:MAC" (xx:xx:xx:xx:xx:xx): true with the MAC in mac. */
bool nic_parse(const char *arg, uint8_t mac[6]);
/*
 * Builds the bus and the NIC, claims the configuration ports and joins
 * xenbr0 (a missing bridge leaves the wire unplugged: logged, not fatal).
 * 0 or a negative errno.
 */
int nic_setup(struct dm_hv *hv, const uint8_t mac[6]);
/* Serves r if it is the bus's or the NIC's port I/O; false if not ours. */
bool nic_io(struct dm_hv *hv, ioreq_t *r);
/* The wire's socket for poll() (-1: unplugged), and its frames taken in. */
int nic_wire_fd(void);
void nic_wire_read(void);
bool nic_irq_level(void);

#endif
