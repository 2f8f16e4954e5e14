/*
 * The DP8390 core of heron-dm's NE2000 (ne2k.h), after National's
 * DP8390D datasheet and the RTL8029AS's.  Remote DMA moves bytes between
 * the data port and card memory at RSAR, counting RBCR down and raising
 * RDC at zero; in word mode (DCR.WTS) every access moves at least a
 * word, so byte reads of the PROM see each MAC byte once, as drivers
 * expect.  Like the chip, remote DMA and reception wrap from PSTOP to
 * PSTART.  Reception follows the ring protocol: CURR is the next page
 * the NIC writes, BNRY the last one the driver has read, so the ring is
 * full when writing would reach BNRY (OVW, frame dropped).  Like the
 * chip, which only compares page numbers, the model never refuses a BNRY
 * outside the ring: Linux's 8390 driver writes PSTART - 1 after reading a
 * frame that ended at the ring's last page, meaning that page.  A frame is
 * stored behind a 4-byte header (status, next page, byte count with the
 * header) and padded to Ethernet's 60-byte minimum.  Transmission is
 * instant: PTX is raised at once; a frame sent in loopback mode does not
 * reach the wire.
 */
#include <string.h>

#include "ne2k.h"

#define PAGE_SHIFT      8
#define FRAME_MIN       60
#define RX_HDR          4
#define RTL8029_ID0     0x50            /* 'P' */
#define RTL8029_ID1     0x43            /* 'C' */
#define CR_RD_MASK      0x38

static void reset(struct ne2k *n)
{
    n->cr = NE2K_CR_STP | NE2K_CR_RD_NONE;
    n->isr = NE2K_ISR_RST;
    n->imr = 0;
    n->tsr = n->rsr = 0;
}

void ne2k_init(struct ne2k *n, const uint8_t mac[6],
               void (*send)(void *ctx, const uint8_t *frame, size_t len), void *ctx)
{
    memset(n, 0, sizeof(*n));
    memcpy(n->mac, mac, 6);
    for (unsigned int i = 0; i < 6; i++)
        n->prom[2 * i] = n->prom[2 * i + 1] = mac[i];
    /* Bytes 14 and 15 are 0x57 ('W') on NE2000s: some drivers probe them. */
    n->prom[28] = n->prom[29] = n->prom[30] = n->prom[31] = 0x57;
    n->send = send;
    n->ctx = ctx;
    reset(n);
}

bool ne2k_irq_level(const struct ne2k *n)
{
    return (n->isr & n->imr & 0x7f) != 0;
}

static bool in_ram(unsigned int addr)
{
    return addr >= NE2K_MEM_START && addr < NE2K_MEM_START + NE2K_MEM_SIZE;
}

static uint8_t mem_read(const struct ne2k *n, unsigned int addr)
{
    if (addr < sizeof(n->prom))
        return n->prom[addr];
    return in_ram(addr) ? n->mem[addr - NE2K_MEM_START] : 0xff;
}

static void mem_write(struct ne2k *n, unsigned int addr, uint8_t v)
{
    if (in_ram(addr))
        n->mem[addr - NE2K_MEM_START] = v;
}

/* The ring is usable: PSTART < PSTOP, both inside packet RAM. */
static bool ring_valid(const struct ne2k *n)
{
    return n->pstart < n->pstop && in_ram((unsigned int)n->pstart << PAGE_SHIFT) &&
           in_ram(((unsigned int)n->pstop << PAGE_SHIFT) - 1);
}

/* One byte of remote DMA done: RSAR moves on (wrapping), RBCR counts down. */
static void dma_step(struct ne2k *n)
{
    n->rsar++;
    if (ring_valid(n) && n->rsar == (uint16_t)(n->pstop << PAGE_SHIFT))
        n->rsar = (uint16_t)(n->pstart << PAGE_SHIFT);
    if (n->rbcr && --n->rbcr == 0)
        n->isr |= NE2K_ISR_RDC;
}

static unsigned int dma_width(const struct ne2k *n, unsigned int size)
{
    return (n->dcr & NE2K_DCR_WTS) && size < 2 ? 2 : size;
}

static uint32_t data_read(struct ne2k *n, unsigned int size)
{
    unsigned int width = dma_width(n, size);
    uint32_t v = 0;

    for (unsigned int i = 0; i < width; i++) {
        v |= (uint32_t)mem_read(n, n->rsar) << (8 * i);
        dma_step(n);
    }
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void data_write(struct ne2k *n, unsigned int size, uint32_t v)
{
    unsigned int width = dma_width(n, size);

    for (unsigned int i = 0; i < width; i++) {
        mem_write(n, n->rsar, (uint8_t)(v >> (8 * i)));
        dma_step(n);
    }
}

static void transmit(struct ne2k *n)
{
    unsigned int start = (unsigned int)n->tpsr << PAGE_SHIFT, len = n->tbcr;

    if (len > NE2K_FRAME_MAX)
        len = NE2K_FRAME_MAX;
    if (!(n->tcr & NE2K_TCR_LOOPBACK) && len && in_ram(start) && in_ram(start + len - 1) &&
        n->send)
        n->send(n->ctx, n->mem + start - NE2K_MEM_START, len);
    n->tsr = NE2K_TSR_PTX;
    n->isr |= NE2K_ISR_PTX;
}

/*
 * STP and STA are the chip's state, not a command each write repeats: a
 * write with neither (Linux's 8390 interrupt handler and ei_receive select
 * a page with 0x20 or 0x60) leaves the NIC running or stopped as it was,
 * and CR reads back that state.  (The model once took such a write for a
 * stop, so frames arriving while Linux handled an interrupt were dropped:
 * the replies its pings lost.)
 */
static void command(struct ne2k *n, uint8_t v)
{
    if (!(v & (NE2K_CR_STP | NE2K_CR_STA)))
        v |= n->cr & (NE2K_CR_STP | NE2K_CR_STA);
    n->cr = v & (uint8_t)~NE2K_CR_TXP;
    if (v & NE2K_CR_STP) {
        n->isr |= NE2K_ISR_RST;
        return;
    }
    n->isr &= (uint8_t)~NE2K_ISR_RST;
    if ((v & (NE2K_CR_RD_READ | NE2K_CR_RD_WRITE)) && !(v & NE2K_CR_RD_NONE) && !n->rbcr)
        n->isr |= NE2K_ISR_RDC;
    if (v & NE2K_CR_TXP)
        transmit(n);
}

static uint8_t reg_read(struct ne2k *n, unsigned int reg)
{
    unsigned int page = n->cr >> 6;

    if (reg == NE2K_CR)
        return n->cr;
    if (page == 1)
        return reg == NE2K_CURR ? n->curr : reg < NE2K_CURR ? n->par[reg - 1]
                                                              : n->mar[reg - NE2K_MAR0];
    if (page == 2) {
        switch (reg) {
        case NE2K_PSTART: return n->pstart;
        case NE2K_PSTOP:  return n->pstop;
        case NE2K_TPSR:   return n->tpsr;
        case NE2K_RCR:    return n->rcr;
        case NE2K_TCR:    return n->tcr;
        case NE2K_DCR:    return n->dcr;
        case NE2K_IMR:    return n->imr;
        default:          return 0;
        }
    }
    if (page == 3)
        return 0;
    switch (reg) {
    case NE2K_BNRY:  return n->bnry;
    case NE2K_TSR:   return n->tsr;
    case NE2K_ISR:   return n->isr;
    case NE2K_RSAR0: return (uint8_t)n->rsar;       /* CRDA: the DMA address now */
    case NE2K_RSAR1: return (uint8_t)(n->rsar >> 8);
    case NE2K_RBCR0: return RTL8029_ID0;
    case NE2K_RBCR1: return RTL8029_ID1;
    case NE2K_RCR:   return n->rsr;
    default:         return 0;      /* CLDA, NCR, FIFO, tally counters (none kept) */
    }
}

static void reg_write(struct ne2k *n, unsigned int reg, uint8_t v)
{
    unsigned int page = n->cr >> 6;

    if (reg == NE2K_CR) {
        command(n, v);
        return;
    }
    if (page == 1) {
        if (reg == NE2K_CURR)
            n->curr = v;
        else if (reg < NE2K_CURR)
            n->par[reg - 1] = v;
        else
            n->mar[reg - NE2K_MAR0] = v;
        return;
    }
    if (page != 0)
        return;                     /* page 2 is read-only, page 3 not modelled */
    switch (reg) {
    case NE2K_PSTART: n->pstart = v; break;
    case NE2K_PSTOP:  n->pstop = v; break;
    case NE2K_BNRY:   n->bnry = v; break;
    case NE2K_TPSR:   n->tpsr = v; break;
    case NE2K_TBCR0:  n->tbcr = (uint16_t)((n->tbcr & 0xff00) | v); break;
    case NE2K_TBCR1:  n->tbcr = (uint16_t)((n->tbcr & 0x00ff) | v << 8); break;
    case NE2K_ISR:    n->isr &= (uint8_t)~(v & 0x7f); break;
    case NE2K_RSAR0:  n->rsar = (uint16_t)((n->rsar & 0xff00) | v); break;
    case NE2K_RSAR1:  n->rsar = (uint16_t)((n->rsar & 0x00ff) | v << 8); break;
    case NE2K_RBCR0:  n->rbcr = (uint16_t)((n->rbcr & 0xff00) | v); break;
    case NE2K_RBCR1:  n->rbcr = (uint16_t)((n->rbcr & 0x00ff) | v << 8); break;
    case NE2K_RCR:    n->rcr = v; break;
    case NE2K_TCR:    n->tcr = v; break;
    case NE2K_DCR:    n->dcr = v; break;
    case NE2K_IMR:    n->imr = v & 0x7f; break;
    default:          break;
    }
}

uint32_t ne2k_read(struct ne2k *n, unsigned int offset, unsigned int size)
{
    if (offset >= NE2K_RESET - 7 && offset < NE2K_IO_SIZE) {
        reset(n);                   /* reading the reset port resets */
        return 0;
    }
    if (offset >= NE2K_DATA)
        return data_read(n, size);
    return reg_read(n, offset);
}

void ne2k_write(struct ne2k *n, unsigned int offset, unsigned int size, uint32_t val)
{
    if (offset >= NE2K_RESET - 7 && offset < NE2K_IO_SIZE)
        reset(n);
    else if (offset >= NE2K_DATA)
        data_write(n, size, val);
    else
        reg_write(n, offset, (uint8_t)val);
}

/* Ethernet's CRC-32 as the DP8390's multicast hash takes it (MSB first). */
static uint32_t ether_crc(const uint8_t *p, size_t len)
{
    uint32_t crc = ~0u;

    for (size_t i = 0; i < len; i++) {
        uint8_t b = p[i];

        for (unsigned int bit = 0; bit < 8; bit++, b >>= 1)
            crc = (crc << 1) ^ (((crc >> 31) ^ (b & 1u)) ? 0x04c11db7u : 0);
    }
    return crc;
}

static bool accepts(const struct ne2k *n, const uint8_t *dst)
{
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    unsigned int idx;

    if (n->rcr & NE2K_RCR_PRO)
        return true;
    if (!memcmp(dst, bcast, 6))
        return n->rcr & NE2K_RCR_AB;
    if (dst[0] & 1) {
        idx = ether_crc(dst, 6) >> 26;
        return (n->rcr & NE2K_RCR_AM) && (n->mar[idx >> 3] & (1u << (idx & 7)));
    }
    return !memcmp(dst, n->par, 6);
}

bool ne2k_receive(struct ne2k *n, const uint8_t *frame, size_t len)
{
    unsigned int ring, bnry, free_pages, pages, count, addr;
    uint8_t next, hdr[RX_HDR];

    if ((n->cr & NE2K_CR_STP) || !(n->cr & NE2K_CR_STA) || (n->rcr & NE2K_RCR_MON) ||
        len < 14 || len > NE2K_FRAME_MAX || !ring_valid(n) || !accepts(n, frame))
        return false;
    if (n->curr < n->pstart || n->curr >= n->pstop)
        return false;
    count = (unsigned int)(len < FRAME_MIN ? FRAME_MIN : len) + RX_HDR;
    pages = (count + 255) >> PAGE_SHIFT;
    ring = (unsigned int)(n->pstop - n->pstart);
    /* Pages from CURR up to BNRY are free; CURR == BNRY + 1 is empty. */
    bnry = n->bnry >= n->pstart && n->bnry < n->pstop ? n->bnry : n->pstop - 1u;
    free_pages = (bnry + ring - n->curr) % ring;
    if (pages > free_pages) {
        n->isr |= NE2K_ISR_OVW;
        return false;
    }
    n->rsr = NE2K_RSR_PRX | (frame[0] & 1 ? NE2K_RSR_PHY : 0);
    next = (uint8_t)(n->pstart + (n->curr - n->pstart + pages) % ring);
    hdr[0] = n->rsr;
    hdr[1] = next;
    hdr[2] = (uint8_t)count;
    hdr[3] = (uint8_t)(count >> 8);

    addr = (unsigned int)n->curr << PAGE_SHIFT;
    for (unsigned int i = 0; i < count; i++) {
        uint8_t b = i < RX_HDR ? hdr[i] : i - RX_HDR < len ? frame[i - RX_HDR] : 0;

        mem_write(n, addr, b);
        if (++addr == (unsigned int)n->pstop << PAGE_SHIFT)
            addr = (unsigned int)n->pstart << PAGE_SHIFT;
    }
    n->curr = next;
    n->isr |= NE2K_ISR_PRX;
    return true;
}
