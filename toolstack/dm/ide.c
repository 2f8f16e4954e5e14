/*
 * heron-dm's PIIX3 IDE function (ide.h).  Its IDETIM registers enable the
 * primary channel's decode and leave the secondary disabled (ata.c
 * serves the primary only), which ata_piix reads as "port disabled"; the
 * guest's timing writes to them are ignored, as PIO and DMA timings mean
 * nothing here.
 */
#include "ata.h"
#include "bmdma.h"
#include "bus.h"
#include "ide.h"

#define PIIX3_IDE_DEVICE    0x7010
#define INTEL_VENDOR        0x8086
#define IDE_BUS_MASTER_CLASS 0x01018000u    /* IDE, both channels legacy, bus master */
#define PIIX_IDETIM_PRI     0x40            /* primary channel timing, bit 15: decode */
#define PIIX_IDETIM_DECODE  0x80            /* ... as its upper byte */

static struct bar_claim bm_ports = {
    .bar = IDE_BMDMA_BAR, .ports = BMDMA_PORTS, .what = "bus-master IDE",
};

static uint8_t *guest_page(void *hv, uint64_t gfn)
{
    return dm_hv_guest_page(hv, gfn);
}

int ide_setup(struct dm_hv *hv)
{
    struct pci_function *fn = pci_add(bus_get(), BUS_PIIX3_SLOT, BUS_IDE_FN, INTEL_VENDOR,
                                      PIIX3_IDE_DEVICE, IDE_BUS_MASTER_CLASS, 0);
    int rc;

    fn->cfg[PIIX_IDETIM_PRI + 1] = PIIX_IDETIM_DECODE;
    pci_add_io_bar(fn, IDE_BMDMA_BAR, BMDMA_PORTS, IDE_BMDMA_BASE);
    bm_ports.fn = fn;
    bmdma_init(guest_page, hv);
    rc = dm_hv_claim_ports(hv, ATA_CMD_PORT, ATA_CMD_PORTS);
    return rc ? rc : dm_hv_claim_ports(hv, ATA_CTL_PORT, 1);
}

void ide_follow_bar(struct dm_hv *hv)
{
    bar_claim_follow(hv, &bm_ports);
}

bool ide_io(ioreq_t *r)
{
    uint64_t port = r->addr;
    int off;

    if ((port >= ATA_CMD_PORT && port < ATA_CMD_PORT + ATA_CMD_PORTS) ||
        port == ATA_CTL_PORT) {
        if (r->dir == IOREQ_READ)
            r->data = ata_read((uint16_t)port, r->size);
        else
            ata_write((uint16_t)port, r->size, (uint32_t)r->data);
        return true;
    }
    off = bar_claim_offset(&bm_ports, port);
    if (off < 0)
        return false;
    if (r->dir == IOREQ_READ)
        r->data = bmdma_read((unsigned int)off, r->size);
    else
        bmdma_write((unsigned int)off, r->size, (uint32_t)r->data);
    return true;
}
