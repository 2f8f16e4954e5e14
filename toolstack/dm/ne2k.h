/*
 * heron-dm's NIC: an NE2000 clone as Realtek's RTL8029 (PCI 10ec:8029),
 * the DP8390 core behind a 32-port I/O window: the three register pages
 * at 0x00-0x0f (page 3, Realtek's configuration, reads zero), the remote
 * DMA data port at 0x10 and the reset port at 0x1f.  On-card memory is
 * the station address PROM at 0x0000 (each MAC byte twice, as word-wide
 * cards keep it) and 16 KiB of packet RAM at 0x4000-0x7fff holding the
 * transmit pages and the receive ring.  Pure: frames leave through the
 * send callback, arrive through ne2k_receive(); the IRQ line is
 * ne2k_irq_level().
 */
#ifndef TOOLSTACK_DM_NE2K_H
#define TOOLSTACK_DM_NE2K_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NE2K_IO_SIZE        0x20
#define NE2K_PCI_VENDOR     0x10ec
#define NE2K_PCI_DEVICE     0x8029
#define NE2K_PCI_CLASS      0x020000    /* Ethernet controller */
#define NE2K_MEM_START      0x4000
#define NE2K_MEM_SIZE       0x4000
#define NE2K_FRAME_MAX      1514        /* without the CRC */

/* Register offsets and bits a driver (and the tests) use. */
#define NE2K_CR             0x00
#define NE2K_DATA           0x10
#define NE2K_RESET          0x1f
#define NE2K_CR_STP         0x01
#define NE2K_CR_STA         0x02
#define NE2K_CR_TXP         0x04
#define NE2K_CR_RD_READ     0x08
#define NE2K_CR_RD_WRITE    0x10
#define NE2K_CR_RD_NONE     0x20
#define NE2K_CR_PAGE(n)     ((n) << 6)
/* Page 0 */
#define NE2K_PSTART         0x01
#define NE2K_PSTOP          0x02
#define NE2K_BNRY           0x03
#define NE2K_TPSR           0x04        /* write; TSR on read */
#define NE2K_TSR            0x04
#define NE2K_TBCR0          0x05
#define NE2K_TBCR1          0x06
#define NE2K_ISR            0x07
#define NE2K_RSAR0          0x08
#define NE2K_RSAR1          0x09
#define NE2K_RBCR0          0x0a
#define NE2K_RBCR1          0x0b
#define NE2K_RCR            0x0c
#define NE2K_TCR            0x0d
#define NE2K_DCR            0x0e
#define NE2K_IMR            0x0f
#define NE2K_CNTR0          0x0d        /* read */
/* Page 1 */
#define NE2K_PAR0           0x01
#define NE2K_CURR           0x07
#define NE2K_MAR0           0x08

#define NE2K_ISR_PRX        0x01
#define NE2K_ISR_PTX        0x02
#define NE2K_ISR_OVW        0x10
#define NE2K_ISR_RDC        0x40
#define NE2K_ISR_RST        0x80
#define NE2K_RCR_AB         0x04
#define NE2K_RCR_AM         0x08
#define NE2K_RCR_PRO        0x10
#define NE2K_RCR_MON        0x20
#define NE2K_TCR_LOOPBACK   0x06
#define NE2K_DCR_WTS        0x01        /* word-wide remote DMA */
#define NE2K_RSR_PRX        0x01
#define NE2K_RSR_PHY        0x20        /* multicast or broadcast */
#define NE2K_TSR_PTX        0x01

struct ne2k {
    uint8_t mac[6];
    uint8_t cr, isr, imr, dcr, tcr, rcr, tsr, rsr;
    uint8_t pstart, pstop, bnry, curr, tpsr;
    uint16_t tbcr, rsar, rbcr;
    uint8_t par[6], mar[8];
    uint8_t prom[32];
    uint8_t mem[NE2K_MEM_SIZE];
    void (*send)(void *ctx, const uint8_t *frame, size_t len);
    void *ctx;
};

/* Power-on: the PROM holds mac; sent frames go to send(ctx, ...). */
void ne2k_init(struct ne2k *n, const uint8_t mac[6],
               void (*send)(void *ctx, const uint8_t *frame, size_t len), void *ctx);
/* Port I/O at offset (0 to NE2K_IO_SIZE - 1) of the window, size 1, 2 or 4. */
uint32_t ne2k_read(struct ne2k *n, unsigned int offset, unsigned int size);
void ne2k_write(struct ne2k *n, unsigned int offset, unsigned int size, uint32_t val);
/*
 * A frame from the wire: stored in the receive ring if the NIC is started
 * and takes it (address filter); false if it was not taken (stopped,
 * filtered, ring full: the last also raises overflow).
 */
bool ne2k_receive(struct ne2k *n, const uint8_t *frame, size_t len);
/* True while the NIC asserts INTA# (an enabled interrupt is pending). */
bool ne2k_irq_level(const struct ne2k *n);

#endif
