/*
 * heron-dm's PCI bus 0 (bus.h): the 440FX and the PIIX3's ISA bridge;
 * the devices add their own functions (ide.c, nic.c).
 */
#include <stdio.h>
#include <string.h>

#include "bus.h"

#define I440FX_DEVICE       0x1237
#define PIIX3_ISA_DEVICE    0x7000
#define INTEL_VENDOR        0x8086
#define HOST_BRIDGE_CLASS   0x06000002u     /* host bridge, revision 2 */
#define ISA_BRIDGE_CLASS    0x06010000u

static struct pci_bus bus;

int bus_setup(struct dm_hv *hv)
{
    pci_bus_init(&bus);
    pci_add(&bus, 0, 0, INTEL_VENDOR, I440FX_DEVICE, HOST_BRIDGE_CLASS, 0);
    pci_add(&bus, BUS_PIIX3_SLOT, 0, INTEL_VENDOR, PIIX3_ISA_DEVICE, ISA_BRIDGE_CLASS, 0);
    return dm_hv_claim_ports(hv, PCI_CONF_ADDR_PORT, PCI_CONF_PORTS);
}

struct pci_bus *bus_get(void)
{
    return &bus;
}

bool bus_io(ioreq_t *r)
{
    if (r->addr < PCI_CONF_ADDR_PORT || r->addr >= PCI_CONF_ADDR_PORT + PCI_CONF_PORTS)
        return false;
    if (r->dir == IOREQ_READ)
        r->data = pci_conf_read(&bus, (uint16_t)r->addr, r->size);
    else
        pci_conf_write(&bus, (uint16_t)r->addr, r->size, (uint32_t)r->data);
    return true;
}

void bar_claim_follow(struct dm_hv *hv, struct bar_claim *c)
{
    uint16_t base = pci_bar_io(c->fn, c->bar);
    int rc;

    if (base == c->base)
        return;
    if (c->base)
        dm_hv_release_ports(hv, c->base, c->ports);
    c->base = 0;
    if (!base)
        return;
    rc = dm_hv_claim_ports(hv, base, c->ports);
    if (!rc) {
        c->base = base;
        return;
    }
    /* The guest chooses the base: a loop of refused ones must not grow the log. */
    if (c->refusals < BAR_REFUSALS_LOGGED)
        fprintf(stderr, "heron-dm: %s ports %#x-%#x: %s\n", c->what, base,
                base + c->ports - 1, strerror(-rc));
    else if (c->refusals == BAR_REFUSALS_LOGGED)
        fprintf(stderr, "heron-dm: %s: further refused BAR addresses are not logged\n",
                c->what);
    if (c->refusals <= BAR_REFUSALS_LOGGED)
        c->refusals++;
}

int bar_claim_offset(const struct bar_claim *c, uint64_t port)
{
    if (!c->base || port < c->base || port >= (uint64_t)c->base + c->ports)
        return -1;
    return (int)(port - c->base);
}
