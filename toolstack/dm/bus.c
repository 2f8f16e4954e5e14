/*
 * heron-dm's PCI bus 0 (bus.h): the 440FX and the PIIX3's ISA bridge;
 * the devices add their own functions (ide.c, nic.c).
 */
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
