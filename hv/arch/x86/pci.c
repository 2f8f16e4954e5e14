/* PCI configuration mechanism #1 (pci.h). */
#include <hv/io.h>
#include <hv/pci.h>
#include <hv/spinlock.h>

/* Held from the address write to the data access: nobody's address may
 * land between them. */
static spinlock_t pci_conf_lock = SPIN_LOCK_UNLOCKED;

u32 pci_conf_read(u32 addr, unsigned int offset, unsigned int bytes)
{
    u16 port = PCI_CONF_DATA + offset;
    u32 val;

    spin_lock(&pci_conf_lock);
    outl(PCI_CONF_ENABLE | (addr & PCI_CONF_ADDR_MASK), PCI_CONF_ADDRESS);
    switch (bytes) {
    case 1: val = inb(port); break;
    case 2: val = inw(port); break;
    default: val = inl(port); break;
    }
    spin_unlock(&pci_conf_lock);
    return val;
}

void pci_conf_write(u32 addr, unsigned int offset, unsigned int bytes, u32 val)
{
    u16 port = PCI_CONF_DATA + offset;

    spin_lock(&pci_conf_lock);
    outl(PCI_CONF_ENABLE | (addr & PCI_CONF_ADDR_MASK), PCI_CONF_ADDRESS);
    switch (bytes) {
    case 1: outb(val, port); break;
    case 2: outw(val, port); break;
    default: outl(val, port); break;
    }
    spin_unlock(&pci_conf_lock);
}
