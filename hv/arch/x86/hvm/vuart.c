/*
 * A 16550A UART as a guest's driver sees it: transmit is immediate (the
 * holding register is always empty and every byte goes to the tx
 * callback), receive goes through a FIFO filled by vuart_receive().
 * Interrupts by IIR priority: receiver line status, received data, THR
 * empty; the IRQ line is gated by MCR OUT2, as on PC boards.  Loopback
 * mode (MCR bit 4) turns output into input and MCR's outputs into MSR's
 * inputs, which is how drivers probe for the chip.
 */
#include <hv/hvm_devices.h>
#include <hv/lib.h>

#define IER_RDI     0x01        /* received data available */
#define IER_THRI    0x02        /* transmitter holding register empty */
#define IER_RLSI    0x04        /* receiver line status */
#define IIR_NONE    0x01
#define IIR_THRI    0x02
#define IIR_RDI     0x04
#define IIR_RLSI    0x06
#define IIR_FIFO    0xc0
#define LCR_DLAB    0x80
#define MCR_OUT2    0x08
#define MCR_LOOP    0x10
#define LSR_DR      0x01
#define LSR_OE      0x02
#define LSR_THRE    0x20
#define LSR_TEMT    0x40
#define FCR_ENABLE  0x01
#define FCR_CLEAR_RX 0x02

void vuart_reset(struct vuart *u)
{
    u->ier = u->lcr = u->mcr = u->lsr_extra = u->scr = u->fcr = 0;
    u->dll = 1;
    u->dlm = 0;
    u->thre_pending = false;
    u->rx_prod = u->rx_cons = 0;
}

static bool rx_ready(const struct vuart *u)
{
    return u->rx_prod != u->rx_cons;
}

/* The highest-priority pending interrupt, as IIR shows it. */
static u8 pending_iir(const struct vuart *u)
{
    if ((u->ier & IER_RLSI) && (u->lsr_extra & LSR_OE))
        return IIR_RLSI;
    if ((u->ier & IER_RDI) && rx_ready(u))
        return IIR_RDI;
    if ((u->ier & IER_THRI) && u->thre_pending)
        return IIR_THRI;
    return IIR_NONE;
}

bool vuart_irq_level(const struct vuart *u)
{
    return (u->mcr & MCR_OUT2) && pending_iir(u) != IIR_NONE;
}

bool vuart_receive(struct vuart *u, u8 c)
{
    if (u->rx_prod - u->rx_cons == VUART_RX_SIZE) {
        u->lsr_extra |= LSR_OE;
        return false;
    }
    u->rx[u->rx_prod++ % VUART_RX_SIZE] = c;
    return true;
}

/* MSR inputs: in loopback they are MCR's outputs, else a ready line. */
static u8 read_msr(const struct vuart *u)
{
    u8 m = u->mcr;

    if (m & MCR_LOOP)
        return ((m & 0x01) << 5) | ((m & 0x02) << 3) | ((m & 0x04) << 4) |
               ((m & 0x08) << 4);
    return 0xb0;                            /* DCD, DSR, CTS */
}

u8 vuart_read(struct vuart *u, unsigned int off)
{
    u8 v;

    switch (off) {
    case 0:
        if (u->lcr & LCR_DLAB)
            return u->dll;
        if (!rx_ready(u))
            return 0;
        return u->rx[u->rx_cons++ % VUART_RX_SIZE];
    case 1:
        return u->lcr & LCR_DLAB ? u->dlm : u->ier;
    case 2:
        v = pending_iir(u);
        /* Reading IIR acknowledges a THR-empty interrupt. */
        if (v == IIR_THRI)
            u->thre_pending = false;
        return v | (u->fcr & FCR_ENABLE ? IIR_FIFO : 0);
    case 3:
        return u->lcr;
    case 4:
        return u->mcr;
    case 5:
        v = LSR_THRE | LSR_TEMT | (rx_ready(u) ? LSR_DR : 0) | u->lsr_extra;
        u->lsr_extra = 0;
        return v;
    case 6:
        return read_msr(u);
    default:
        return u->scr;
    }
}

void vuart_write(struct vuart *u, unsigned int off, u8 val)
{
    switch (off) {
    case 0:
        if (u->lcr & LCR_DLAB) {
            u->dll = val;
            return;
        }
        if (u->mcr & MCR_LOOP)
            vuart_receive(u, val);
        else
            u->tx(u->tx_ctx, val);
        u->thre_pending = true;
        return;
    case 1:
        if (u->lcr & LCR_DLAB) {
            u->dlm = val;
            return;
        }
        /* Enabling the THR-empty interrupt raises it at once. */
        if ((val & IER_THRI) && !(u->ier & IER_THRI))
            u->thre_pending = true;
        u->ier = val & 0x0f;
        return;
    case 2:
        u->fcr = val & 0xc9;
        if (val & FCR_CLEAR_RX)
            u->rx_cons = u->rx_prod;
        return;
    case 3:
        u->lcr = val;
        return;
    case 4:
        u->mcr = val & 0x1f;
        return;
    case 7:
        u->scr = val;
        return;
    default:
        return;                             /* LSR, MSR: read-only */
    }
}
