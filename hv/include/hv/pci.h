/*
 * PCI configuration space through configuration mechanism #1 (ports
 * 0xcf8 CONFIG_ADDRESS, 0xcfc-0xcff CONFIG_DATA).  hv owns the two ports:
 * every access goes through here, so that an address written to 0xcf8 is
 * still there when its data access follows.
 */
#ifndef HV_PCI_H
#define HV_PCI_H

#include <hv/types.h>

#define PCI_CONF_ADDRESS    0xcf8
#define PCI_CONF_DATA       0xcfc
#define PCI_CONF_ENABLE     0x80000000u
/* Bus, device, function and dword register of a CONFIG_ADDRESS value. */
#define PCI_CONF_ADDR_MASK  0x00fffffcu

/* bytes (1, 2 or 4) at offset (within the dword, naturally aligned) of
 * the register addr (PCI_CONF_ADDR_MASK bits) names. */
u32 pci_conf_read(u32 addr, unsigned int offset, unsigned int bytes);
void pci_conf_write(u32 addr, unsigned int offset, unsigned int bytes, u32 val);

#endif
