/*
 * heron-dm's NE2000 (toolstack/dm/ne2k.c) driven as Linux's ne2k-pci and
 * 8390 drivers drive it, on canned frames: reset, the PROM, transmission
 * through remote DMA, reception into the ring (filtering, padding,
 * wrapping, overflow) and the interrupt line.
 */
#include <check.h>
#include <string.h>

#include "ne2k.h"

#define PG0         (NE2K_CR_PAGE(0) | NE2K_CR_RD_NONE)
#define TX_PAGE     0x40
#define RX_START    0x46
#define RX_STOP     0x80

static const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0x12, 0x34, 0x56 };
static const uint8_t other[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x01 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static struct ne2k nic;
static uint8_t sent[2048];
static size_t sent_len;
static unsigned int sends;

static void on_send(void *ctx, const uint8_t *frame, size_t len)
{
    ck_assert_ptr_eq(ctx, &sends);
    memcpy(sent, frame, len);
    sent_len = len;
    sends++;
}

static void out8(unsigned int reg, uint8_t v)
{
    ne2k_write(&nic, reg, 1, v);
}

static uint8_t in8(unsigned int reg)
{
    return (uint8_t)ne2k_read(&nic, reg, 1);
}

static void setup(void)
{
    sends = 0;
    sent_len = 0;
    ne2k_init(&nic, mac, on_send, &sends);
}

/* NS8390_init and ei_open, as lib8390.c does them. */
static void driver_open(uint8_t rcr)
{
    out8(NE2K_CR, PG0 | NE2K_CR_STP);
    out8(NE2K_DCR, 0x49);
    out8(NE2K_RBCR0, 0);
    out8(NE2K_RBCR1, 0);
    out8(NE2K_RCR, NE2K_RCR_MON);
    out8(NE2K_TCR, NE2K_TCR_LOOPBACK);
    out8(NE2K_TPSR, TX_PAGE);
    out8(NE2K_PSTART, RX_START);
    out8(NE2K_BNRY, RX_STOP - 1);
    out8(NE2K_PSTOP, RX_STOP);
    out8(NE2K_ISR, 0xff);
    out8(NE2K_IMR, 0);
    out8(NE2K_CR, NE2K_CR_PAGE(1) | NE2K_CR_RD_NONE | NE2K_CR_STP);
    for (unsigned int i = 0; i < 6; i++)
        out8(NE2K_PAR0 + i, mac[i]);
    out8(NE2K_CURR, RX_START);
    out8(NE2K_CR, PG0 | NE2K_CR_STP);
    out8(NE2K_ISR, 0xff);
    out8(NE2K_IMR, 0x3f);
    out8(NE2K_CR, PG0 | NE2K_CR_STA);
    out8(NE2K_TCR, 0);
    out8(NE2K_RCR, rcr);
}

static void dma_setup(uint16_t addr, uint16_t count, uint8_t dir)
{
    out8(NE2K_CR, PG0 | NE2K_CR_STA);
    out8(NE2K_RBCR0, (uint8_t)count);
    out8(NE2K_RBCR1, (uint8_t)(count >> 8));
    out8(NE2K_RSAR0, (uint8_t)addr);
    out8(NE2K_RSAR1, (uint8_t)(addr >> 8));
    out8(NE2K_CR, NE2K_CR_PAGE(0) | dir | NE2K_CR_STA);
}

/* ne2k_pci_block_input: dwords, then what is left by word and byte. */
static void block_input(uint16_t addr, uint8_t *buf, uint16_t count)
{
    unsigned int i = 0;

    dma_setup(addr, count, NE2K_CR_RD_READ);
    for (; i + 4 <= count; i += 4) {
        uint32_t v = ne2k_read(&nic, NE2K_DATA, 4);

        memcpy(buf + i, &v, 4);
    }
    if (count & 2) {
        uint16_t v = (uint16_t)ne2k_read(&nic, NE2K_DATA, 2);

        memcpy(buf + i, &v, 2);
        i += 2;
    }
    if (count & 1)
        buf[i] = (uint8_t)ne2k_read(&nic, NE2K_DATA, 1);
    ck_assert(in8(NE2K_ISR) & NE2K_ISR_RDC);
    out8(NE2K_ISR, NE2K_ISR_RDC);
}

static void make_frame(uint8_t *f, const uint8_t *dst, size_t len, uint8_t fill)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, other, 6);
    f[12] = 0x08;
    f[13] = 0x06;
    for (size_t i = 14; i < len; i++)
        f[i] = (uint8_t)(fill + i);
}

START_TEST(power_on_and_reset)
{
    ck_assert_uint_eq(in8(NE2K_CR), NE2K_CR_STP | NE2K_CR_RD_NONE);
    ck_assert_uint_eq(in8(NE2K_ISR) & NE2K_ISR_RST, NE2K_ISR_RST);
    ck_assert(!ne2k_irq_level(&nic));
    driver_open(NE2K_RCR_AB);
    ck_assert_uint_eq(in8(NE2K_ISR) & NE2K_ISR_RST, 0);       /* started */
    /* RST is status: writing it does not clear it, only starting does. */
    out8(NE2K_CR, PG0 | NE2K_CR_STP);
    out8(NE2K_ISR, 0xff);
    ck_assert_uint_eq(in8(NE2K_ISR), NE2K_ISR_RST);
    /* Reading the reset port (ne2k_pci_reset_8390) resets: stopped, masked. */
    out8(NE2K_CR, PG0 | NE2K_CR_STA);
    out8(NE2K_IMR, 0x3f);
    ne2k_read(&nic, NE2K_RESET, 1);
    ck_assert_uint_eq(in8(NE2K_ISR), NE2K_ISR_RST);
    ck_assert_uint_eq(in8(NE2K_CR), NE2K_CR_STP | NE2K_CR_RD_NONE);
    out8(NE2K_CR, NE2K_CR_PAGE(2) | NE2K_CR_RD_NONE | NE2K_CR_STP);
    ck_assert_uint_eq(in8(NE2K_IMR), 0);
    /* The probe's checks: RTL8029 ids, counters reading zero. */
    out8(NE2K_CR, PG0 | NE2K_CR_STP);
    ck_assert_uint_eq(in8(0x0a), 0x50);
    ck_assert_uint_eq(in8(0x0b), 0x43);
    ck_assert_uint_eq(in8(NE2K_CNTR0), 0);
}
END_TEST

START_TEST(prom_holds_the_mac)
{
    uint8_t prom[32];

    /* ne2k_pci_init_one: word-wide, 32 byte reads from address 0. */
    out8(NE2K_CR, PG0 | NE2K_CR_STP);
    out8(NE2K_DCR, 0x49);
    out8(NE2K_RBCR0, 32);
    out8(NE2K_RBCR1, 0);
    out8(NE2K_RSAR0, 0);
    out8(NE2K_RSAR1, 0);
    out8(NE2K_CR, NE2K_CR_RD_READ | NE2K_CR_STA);
    for (unsigned int i = 0; i < 32; i++)
        prom[i] = in8(NE2K_DATA);
    ck_assert_mem_eq(prom, mac, 6);
    ck_assert_uint_eq(prom[14], 0x57);
    ck_assert(in8(NE2K_ISR) & NE2K_ISR_RDC);  /* 32 bytes moved by 16 reads */
    /* Byte mode sees the PROM as stored: each byte twice. */
    out8(NE2K_DCR, 0x48);
    dma_setup(0, 12, NE2K_CR_RD_READ);
    for (unsigned int i = 0; i < 12; i++)
        prom[i] = in8(NE2K_DATA);
    for (unsigned int i = 0; i < 6; i++) {
        ck_assert_uint_eq(prom[2 * i], mac[i]);
        ck_assert_uint_eq(prom[2 * i + 1], mac[i]);
    }
}
END_TEST

START_TEST(transmit_through_remote_dma)
{
    uint8_t f[102];

    driver_open(NE2K_RCR_AB);
    make_frame(f, other, sizeof(f), 7);
    /* ne2k_pci_block_output: dwords, then a word for what is left. */
    dma_setup(TX_PAGE << 8, sizeof(f), NE2K_CR_RD_WRITE);
    for (unsigned int i = 0; i + 4 <= sizeof(f); i += 4) {
        uint32_t v;

        memcpy(&v, f + i, 4);
        ne2k_write(&nic, NE2K_DATA, 4, v);
    }
    ne2k_write(&nic, NE2K_DATA, 2, (uint32_t)(f[100] | f[101] << 8));
    ck_assert(in8(NE2K_ISR) & NE2K_ISR_RDC);
    out8(NE2K_ISR, NE2K_ISR_RDC);
    ck_assert_uint_eq(sends, 0);
    out8(NE2K_TPSR, TX_PAGE);
    out8(NE2K_TBCR0, sizeof(f));
    out8(NE2K_TBCR1, 0);
    out8(NE2K_CR, PG0 | NE2K_CR_TXP | NE2K_CR_STA);
    ck_assert_uint_eq(sends, 1);
    ck_assert_uint_eq(sent_len, sizeof(f));
    ck_assert_mem_eq(sent, f, sizeof(f));
    ck_assert_uint_eq(in8(NE2K_CR) & NE2K_CR_TXP, 0);
    ck_assert_uint_eq(in8(NE2K_TSR), NE2K_TSR_PTX);
    ck_assert(in8(NE2K_ISR) & NE2K_ISR_PTX);
    ck_assert(ne2k_irq_level(&nic));
    out8(NE2K_ISR, NE2K_ISR_PTX);
    ck_assert(!ne2k_irq_level(&nic));
    /* In loopback mode the frame stays off the wire, but completes. */
    out8(NE2K_TCR, NE2K_TCR_LOOPBACK);
    out8(NE2K_CR, PG0 | NE2K_CR_TXP | NE2K_CR_STA);
    ck_assert_uint_eq(sends, 1);
    ck_assert(in8(NE2K_ISR) & NE2K_ISR_PTX);
    /* A stopped NIC sends nothing. */
    out8(NE2K_TCR, 0);
    out8(NE2K_CR, PG0 | NE2K_CR_TXP | NE2K_CR_STP);
    ck_assert_uint_eq(sends, 1);
}
END_TEST

START_TEST(receive_into_the_ring)
{
    uint8_t f[42], hdr[4], got[60];

    driver_open(NE2K_RCR_AB);
    make_frame(f, bcast, sizeof(f), 3);                 /* an ARP request */
    ck_assert(ne2k_receive(&nic, f, sizeof(f)));
    ck_assert(in8(NE2K_ISR) & NE2K_ISR_PRX);
    ck_assert(ne2k_irq_level(&nic));
    out8(NE2K_CR, NE2K_CR_PAGE(1) | NE2K_CR_RD_NONE | NE2K_CR_STA);
    ck_assert_uint_eq(in8(NE2K_CURR), RX_START + 1);
    out8(NE2K_CR, PG0 | NE2K_CR_STA);
    /* ne2k_pci_get_8390_hdr, then the frame, padded to 60 bytes. */
    block_input(RX_START << 8, hdr, 4);
    ck_assert_uint_eq(hdr[0], NE2K_RSR_PRX | NE2K_RSR_PHY);
    ck_assert_uint_eq(hdr[1], RX_START + 1);
    ck_assert_uint_eq(hdr[2] | hdr[3] << 8, 64);
    block_input((RX_START << 8) + 4, got, 60);
    ck_assert_mem_eq(got, f, sizeof(f));
    for (unsigned int i = sizeof(f); i < 60; i++)
        ck_assert_uint_eq(got[i], 0);
    out8(NE2K_ISR, NE2K_ISR_PRX);
    ck_assert(!ne2k_irq_level(&nic));
    /* Unicast to us is taken, to another station filtered. */
    make_frame(f, mac, sizeof(f), 5);
    ck_assert(ne2k_receive(&nic, f, sizeof(f)));
    make_frame(f, other, sizeof(f), 5);
    ck_assert(!ne2k_receive(&nic, f, sizeof(f)));
    out8(NE2K_RCR, NE2K_RCR_AB | NE2K_RCR_PRO);
    ck_assert(ne2k_receive(&nic, f, sizeof(f)));
    /* Broadcast needs AB; runts and giants are refused. */
    out8(NE2K_RCR, 0);
    make_frame(f, bcast, sizeof(f), 5);
    ck_assert(!ne2k_receive(&nic, f, sizeof(f)));
    out8(NE2K_RCR, NE2K_RCR_AB);
    ck_assert(!ne2k_receive(&nic, f, 13));
    ck_assert(!ne2k_receive(&nic, f, NE2K_FRAME_MAX + 1));
    /* A stopped NIC or a monitoring one takes nothing. */
    out8(NE2K_RCR, NE2K_RCR_AB | NE2K_RCR_MON);
    ck_assert(!ne2k_receive(&nic, f, sizeof(f)));
    out8(NE2K_RCR, NE2K_RCR_AB);
    out8(NE2K_CR, PG0 | NE2K_CR_STP);
    ck_assert(!ne2k_receive(&nic, f, sizeof(f)));
}
END_TEST

START_TEST(multicast_follows_the_hash_filter)
{
    /* 01:00:5e:00:00:01 hashes to bit 31: MAR3 bit 7 (Linux's ether_crc >> 26). */
    static const uint8_t group[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
    uint8_t f[60];

    driver_open(NE2K_RCR_AB | NE2K_RCR_AM);
    make_frame(f, group, sizeof(f), 1);
    ck_assert(!ne2k_receive(&nic, f, sizeof(f)));       /* MAR all clear */
    /* Every hash bit but its own: still refused. */
    out8(NE2K_CR, NE2K_CR_PAGE(1) | NE2K_CR_RD_NONE | NE2K_CR_STA);
    for (unsigned int i = 0; i < 8; i++)
        out8(NE2K_MAR0 + i, i == 3 ? 0x7f : 0xff);
    out8(NE2K_CR, PG0 | NE2K_CR_STA);
    ck_assert(!ne2k_receive(&nic, f, sizeof(f)));
    out8(NE2K_CR, NE2K_CR_PAGE(1) | NE2K_CR_RD_NONE | NE2K_CR_STA);
    out8(NE2K_MAR0 + 3, 0x80);
    ck_assert_uint_eq(in8(NE2K_MAR0 + 3), 0x80);
    out8(NE2K_CR, PG0 | NE2K_CR_STA);
    ck_assert(ne2k_receive(&nic, f, sizeof(f)));
    out8(NE2K_RCR, NE2K_RCR_AB);
    ck_assert(!ne2k_receive(&nic, f, sizeof(f)));       /* AM off */
}
END_TEST

START_TEST(frames_wrap_and_the_ring_overflows)
{
    uint8_t f[1000], got[1000], hdr[4];
    unsigned int taken = 0, page = RX_START;

    driver_open(NE2K_RCR_AB);
    make_frame(f, mac, sizeof(f), 9);
    /* 58 ring pages, 4 per frame: 14 fit (one page always stays free). */
    while (ne2k_receive(&nic, f, sizeof(f)))
        taken++;
    ck_assert_uint_eq(taken, 14);
    ck_assert(in8(NE2K_ISR) & NE2K_ISR_OVW);
    ck_assert(ne2k_irq_level(&nic));
    /* The driver reads two frames and moves BNRY: room for one more... */
    for (unsigned int i = 0; i < 2; i++) {
        block_input((uint16_t)(page << 8), hdr, 4);
        block_input((uint16_t)((page << 8) + 4), got, sizeof(f));
        ck_assert_mem_eq(got, f, sizeof(f));
        page = hdr[1];
    }
    out8(NE2K_BNRY, (uint8_t)(page - 1));
    out8(NE2K_ISR, 0xff);
    ck_assert(ne2k_receive(&nic, f, sizeof(f)));
    ck_assert(ne2k_receive(&nic, f, sizeof(f)));
    ck_assert(!ne2k_receive(&nic, f, sizeof(f)));
    /* ...and the 15th frame starts at page 0x7e and wraps to PSTART. */
    page = RX_START + 14 * 4;
    ck_assert_uint_eq(page, 0x7e);
    block_input((uint16_t)(page << 8), hdr, 4);
    ck_assert_uint_eq(hdr[1], RX_START + 2);
    block_input((uint16_t)((page << 8) + 4), got, sizeof(f));   /* remote DMA wraps too */
    ck_assert_mem_eq(got, f, sizeof(f));
}
END_TEST

/*
 * ei_receive: CURR from page 1, then each frame from BNRY + 1 (PSTART past
 * the end) on, and BNRY set a page behind the next frame.  So a frame that
 * ends at the ring's last page leaves BNRY at PSTART - 1, outside the
 * ring.  Returns the frames read.
 */
static unsigned int driver_receive(uint8_t *got, size_t len)
{
    unsigned int frames = 0;
    uint8_t hdr[4], curr, this_frame;

    out8(NE2K_CR, NE2K_CR_PAGE(1) | NE2K_CR_RD_NONE | NE2K_CR_STA);
    curr = in8(NE2K_CURR);
    out8(NE2K_CR, PG0 | NE2K_CR_STA);
    for (;;) {
        this_frame = (uint8_t)(in8(NE2K_BNRY) + 1);
        if (this_frame >= RX_STOP)
            this_frame = RX_START;
        if (this_frame == curr)
            return frames;
        block_input((uint16_t)(this_frame << 8), hdr, 4);
        ck_assert_uint_eq(hdr[2] | hdr[3] << 8, len + 4);
        block_input((uint16_t)((this_frame << 8) + 4), got, (uint16_t)len);
        out8(NE2K_BNRY, (uint8_t)(hdr[1] - 1));
        frames++;
    }
}

/*
 * Linux leaves BNRY at PSTART - 1 whenever the frame it read last ended at
 * PSTOP: the ring is empty then, not full.  (The model once took a BNRY
 * outside the ring for an overflow and dropped every frame from then on:
 * Linux's pings over the NE2000 lost their replies after the ring's first
 * wrap.)
 */
START_TEST(boundary_before_pstart_after_a_wrap)
{
    uint8_t f[98], got[98];
    unsigned int ring = RX_STOP - RX_START;

    driver_open(NE2K_RCR_AB);
    make_frame(f, mac, sizeof(f), 1);                  /* a ping: one page each */
    for (unsigned int i = 0; i < 3 * ring + 5; i++) {
        ck_assert_msg(ne2k_receive(&nic, f, sizeof(f)), "frame %u dropped", i);
        ck_assert(!(in8(NE2K_ISR) & NE2K_ISR_OVW));
        ck_assert_uint_eq(driver_receive(got, sizeof(f)), 1);
        ck_assert_mem_eq(got, f, sizeof(f));
        out8(NE2K_ISR, NE2K_ISR_PRX);
        if (i % ring == ring - 1)
            ck_assert_uint_eq(in8(NE2K_BNRY), RX_START - 1);
    }
    /* With BNRY at PSTART - 1 the ring still fills to one page short. */
    while (in8(NE2K_BNRY) != RX_START - 1) {
        ck_assert(ne2k_receive(&nic, f, sizeof(f)));
        driver_receive(got, sizeof(f));
    }
    for (unsigned int i = 0; i < ring - 1; i++)
        ck_assert_msg(ne2k_receive(&nic, f, sizeof(f)), "frame %u dropped", i);
    ck_assert(!ne2k_receive(&nic, f, sizeof(f)));
    ck_assert(in8(NE2K_ISR) & NE2K_ISR_OVW);
    ck_assert_uint_eq(driver_receive(got, sizeof(f)), ring - 1);
}
END_TEST

/*
 * A CR write with neither STA nor STP selects a page and changes nothing
 * else: ei_interrupt writes 0x20 before it reads ISR, ei_receive 0x60 and
 * 0x20 around its read of CURR.  A frame arriving then is still taken.
 */
START_TEST(page_select_keeps_the_nic_running)
{
    uint8_t f[98];

    driver_open(NE2K_RCR_AB);
    make_frame(f, mac, sizeof(f), 2);
    out8(NE2K_CR, NE2K_CR_PAGE(0) | NE2K_CR_RD_NONE);
    ck_assert_uint_eq(in8(NE2K_CR), PG0 | NE2K_CR_STA);
    ck_assert(ne2k_receive(&nic, f, sizeof(f)));
    out8(NE2K_CR, NE2K_CR_PAGE(1) | NE2K_CR_RD_NONE);
    ck_assert_uint_eq(in8(NE2K_CR), NE2K_CR_PAGE(1) | NE2K_CR_RD_NONE | NE2K_CR_STA);
    ck_assert_uint_eq(in8(NE2K_CURR), RX_START + 1);
    ck_assert(ne2k_receive(&nic, f, sizeof(f)));
    ck_assert_uint_eq(in8(NE2K_CURR), RX_START + 2);
    /* A stopped NIC stays stopped through a page select, and takes nothing. */
    out8(NE2K_CR, PG0 | NE2K_CR_STP);
    out8(NE2K_CR, NE2K_CR_PAGE(0) | NE2K_CR_RD_NONE);
    ck_assert_uint_eq(in8(NE2K_CR), PG0 | NE2K_CR_STP);
    ck_assert(in8(NE2K_ISR) & NE2K_ISR_RST);
    ck_assert(!ne2k_receive(&nic, f, sizeof(f)));
    /* STA starts it again. */
    out8(NE2K_CR, PG0 | NE2K_CR_STA);
    ck_assert(!(in8(NE2K_ISR) & NE2K_ISR_RST));
    ck_assert(ne2k_receive(&nic, f, sizeof(f)));
}
END_TEST

START_TEST(interrupt_mask_and_acknowledge)
{
    uint8_t f[60];

    driver_open(NE2K_RCR_AB);
    out8(NE2K_IMR, 0);
    make_frame(f, bcast, sizeof(f), 0);
    ck_assert(ne2k_receive(&nic, f, sizeof(f)));
    ck_assert(!ne2k_irq_level(&nic));                  /* masked */
    out8(NE2K_IMR, NE2K_ISR_PRX);
    ck_assert(ne2k_irq_level(&nic));
    out8(NE2K_ISR, NE2K_ISR_PTX);                      /* another bit: still pending */
    ck_assert(ne2k_irq_level(&nic));
    out8(NE2K_ISR, NE2K_ISR_PRX);
    ck_assert(!ne2k_irq_level(&nic));
    /* A remote DMA with a zero count completes at once (RDC). */
    out8(NE2K_IMR, NE2K_ISR_RDC);
    dma_setup(0, 0, NE2K_CR_RD_READ);
    ck_assert(ne2k_irq_level(&nic));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dm_ne2k");
    TCase *tc = tcase_create("ne2k");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, power_on_and_reset);
    tcase_add_test(tc, prom_holds_the_mac);
    tcase_add_test(tc, transmit_through_remote_dma);
    tcase_add_test(tc, receive_into_the_ring);
    tcase_add_test(tc, multicast_follows_the_hash_filter);
    tcase_add_test(tc, frames_wrap_and_the_ring_overflows);
    tcase_add_test(tc, boundary_before_pstart_after_a_wrap);
    tcase_add_test(tc, page_select_keeps_the_nic_running);
    tcase_add_test(tc, interrupt_mask_and_acknowledge);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
