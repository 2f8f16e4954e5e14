/*
 * heron-dm's PCI bus 0 (bus.h).  The PIIX3's IDE function is what Linux's
 * ata_piix binds: class 01.01 with programming interface 0 (both
 * channels in legacy mode, so their ports and IRQs 14/15 are the ISA
 * ones, not BARs) and no bus-master BAR (BAR 4 absent: ata_piix falls
 * back to PIO).  Its IDETIM registers enable the primary channel's
 * decode and leave the secondary disabled (ata.c serves the primary
 * only), which ata_piix reads as "port disabled"; the guest's timing
 * writes to them are ignored, as PIO timing means nothing here.
 */
#include "bus.h"

#define I440FX_DEVICE       0x1237
#define PIIX3_ISA_DEVICE    0x7000
#define PIIX3_IDE_DEVICE    0x7010
#define INTEL_VENDOR        0x8086
#define HOST_BRIDGE_CLASS   0x06000002u     /* host bridge, revision 2 */
#define ISA_BRIDGE_CLASS    0x06010000u
#define IDE_LEGACY_CLASS    0x01010000u     /* IDE, both channels legacy, no bus master */
#define PIIX_IDETIM_PRI     0x40            /* primary channel timing, bit 15: decode */
#define PIIX_IDETIM_DECODE  0x80            /* ... as its upper byte */

static struct pci_bus bus;

int bus_setup(struct dm_hv *hv, bool ide)
{
    pci_bus_init(&bus);
    pci_add(&bus, 0, 0, INTEL_VENDOR, I440FX_DEVICE, HOST_BRIDGE_CLASS, 0);
    pci_add(&bus, BUS_PIIX3_SLOT, 0, INTEL_VENDOR, PIIX3_ISA_DEVICE, ISA_BRIDGE_CLASS, 0);
    if (ide) {
        struct pci_function *f = pci_add(&bus, BUS_PIIX3_SLOT, BUS_IDE_FN, INTEL_VENDOR,
                                         PIIX3_IDE_DEVICE, IDE_LEGACY_CLASS, 0);

        f->cfg[PIIX_IDETIM_PRI + 1] = PIIX_IDETIM_DECODE;
    }
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
