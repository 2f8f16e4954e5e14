/*
 * heron-dm's network device: the NE2000 of ne2k.c as an RTL8029 at 00.3
 * of the PCI bus (bus.h) with its I/O BAR and INTA# routed to ISA IRQ
 * NIC_IRQ (hv's DSDT routes slot 3's INTA# there in its _PRT, and
 * INTERRUPT_LINE says so), and its wire, a local port of heron-netback's
 * xenbr0 (toolstack/netback/local_port.h).  The BAR's ports are claimed
 * from hv while the guest has I/O decode on, at the address it
 * programmed.
 */
#ifndef TOOLSTACK_DM_NIC_H
#define TOOLSTACK_DM_NIC_H

#include <stdbool.h>
#include <stdint.h>

#include "dm_hv.h"

#define NIC_SLOT      3
#define NIC_IRQ       11        /* free on hv's platform */
#define NIC_IO_BASE   0xc100    /* the BAR as firmware would have left it */

/* "nic:MAC" (xx:xx:xx:xx:xx:xx): true with the MAC in mac. */
bool nic_parse(const char *arg, uint8_t mac[6]);
/*
 * Puts the NIC on the bus (bus_setup() first) and joins xenbr0 (a missing
 * bridge leaves the wire unplugged: logged, not fatal).
 */
void nic_setup(const uint8_t mac[6]);
/* After a configuration write: the BAR's claim follows the BAR and I/O decode. */
void nic_follow_bar(struct dm_hv *hv);
/* Serves r if it is the NIC's port I/O; false if not ours. */
bool nic_io(ioreq_t *r);
/* The wire's socket for poll() (-1: unplugged), and its frames taken in. */
int nic_wire_fd(void);
void nic_wire_read(void);
bool nic_irq_level(void);

#endif
