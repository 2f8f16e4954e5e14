/* PCI configuration space of bus 0 (pci.h). */
#include "pci.h"
#include "pvops.h"

#define PCI_CONF_ADDRESS    0xcf8
#define PCI_CONF_DATA       0xcfc
#define PCI_CONF_ENABLE     0x80000000u
#define PCI_HEADER_TYPE     0x0c        /* byte 2 of the dword */
#define PCI_MULTI_FUNCTION  0x00800000u /* in that dword */
#define PCI_NO_DEVICE       0xffff      /* vendor ID where nobody answers */

static void select_reg(unsigned int bdf, unsigned int reg)
{
	pv_ops.io.outl(PCI_CONF_ADDRESS, PCI_CONF_ENABLE | bdf << 8 | (reg & 0xfc));
}

uint32_t pci_conf_read32(unsigned int bdf, unsigned int reg)
{
	select_reg(bdf, reg);
	return pv_ops.io.inl(PCI_CONF_DATA);
}

void pci_conf_write16(unsigned int bdf, unsigned int reg, uint16_t val)
{
	select_reg(bdf, reg);
	pv_ops.io.outw(PCI_CONF_DATA + (reg & 2), val);
}

int pci_find_class(uint16_t class_sub)
{
	for (unsigned int dev = 0; dev < 32; dev++) {
		for (unsigned int fn = 0; fn < 8; fn++) {
			unsigned int bdf = PCI_BDF(0, dev, fn);

			if ((pci_conf_read32(bdf, 0) & 0xffff) == PCI_NO_DEVICE) {
				if (fn == 0)
					break;
				continue;
			}
			if (pci_conf_read32(bdf, PCI_CLASS_REVISION) >> 16 == class_sub)
				return bdf;
			if (fn == 0 && !(pci_conf_read32(bdf, PCI_HEADER_TYPE) &
					 PCI_MULTI_FUNCTION))
				break;
		}
	}
	return -1;
}
