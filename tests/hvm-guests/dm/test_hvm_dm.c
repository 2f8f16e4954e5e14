/*
 * A device model in dom0 (a PV test guest) for HVM domain 1, through
 * hv's ioreq interface (dm_op, the shared ioreq page, event channels):
 *   - port 0x510-0x513: a 32-bit register, reading 0x52455148 ("HQER")
 *     until written;
 *   - MMIO 0xe0000000-0xe0000fff: 4 KiB of scratch memory;
 *   - COM1 (0x3f8-0x3ff): it takes the port range over from hv's own
 *     UART; what the guest transmits is printed as "com1: <line>".
 * First it checks dm_op's refusals, then serves requests until domain 1
 * is gone, unmaps the ioreq page and reports.
 *     [timeout=<seconds, default 60>] [delay_ms=<before registering>]
 * hv only.
 */
#include "../../guests/lib/guest.h"
#include "../../guests/lib/evtchn.h"
#include "../../guests/lib/mm.h"
#include "../../guests/lib/time.h"
#include <public/hvm/dm_op.h>
#include <public/hvm/ioreq.h>
#include <public/memory.h>

const char test_title[] = "hvm_dm";

#define TARGET      1
#define REG_PORT    0x510
#define MMIO_BASE   0xe0000000ull
#define COM1        0x3f8
#define MAGIC       0x52455148u

static uint32_t reg = MAGIC;
static uint8_t scratch[4096];
static char line[128];
static unsigned int line_len, pio_served, mmio_served, com1_served, strings_served;
static uint8_t *window;                 /* where a page of domain 1's RAM is mapped */
static uint64_t window_mfn;             /* its own frame, mapped back after */

static long dm_op_bufs(domid_t dom, struct xen_dm_op *op, unsigned int nr,
                       unsigned long size)
{
    struct xen_dm_op_buf buf = { PTR(op), size };

    return hypercall3(HC(dm_op), dom, nr, PTR(&buf));
}

static long dm_op(domid_t dom, struct xen_dm_op *op)
{
    return dm_op_bufs(dom, op, 1, sizeof(*op));
}

static long map_range(ioservid_t id, uint32_t type, uint64_t start, uint64_t end,
                      bool map)
{
    struct xen_dm_op op = {
        .op = map ? XEN_DMOP_map_io_range_to_ioreq_server
                  : XEN_DMOP_unmap_io_range_from_ioreq_server,
        .u.map_io_range_to_ioreq_server = { .id = id, .type = type,
                                            .start = start, .end = end },
    };

    return dm_op(TARGET, &op);
}

static bool target_alive(void)
{
    domid_t d = TARGET;

    return hypercall2(HC(memory_op), XENMEM_current_reservation, PTR(&d)) != -XEN_ESRCH;
}

static void refusals(void)
{
    struct xen_dm_op op = { .op = XEN_DMOP_create_ioreq_server };

    CHECK_EQ(dm_op(DOMID_SELF, &op), -XEN_EPERM, "dm_op on ourselves");
    CHECK_EQ(dm_op(0, &op), -XEN_EPERM, "dm_op on our own id");
    CHECK_EQ(dm_op(7, &op), -XEN_ESRCH, "dm_op on no domain");
    CHECK_EQ(dm_op_bufs(TARGET, &op, 0, sizeof(op)), -XEN_EINVAL, "no buffers");
    CHECK_EQ(dm_op_bufs(TARGET, &op, 3, sizeof(op)), -XEN_E2BIG, "three buffers");
    CHECK_EQ(dm_op_bufs(TARGET, &op, 1, 8), -XEN_EFAULT, "a buffer too small");
    op.u.create_ioreq_server.handle_bufioreq = 1;
    CHECK_EQ(dm_op(TARGET, &op), -XEN_EOPNOTSUPP, "buffered ioreqs");
    op.u.create_ioreq_server.handle_bufioreq = 0;
    op.u.create_ioreq_server.pad[1] = 1;
    CHECK_EQ(dm_op(TARGET, &op), -XEN_EINVAL, "padding not zero");
    op = (struct xen_dm_op){ .op = 99 };
    CHECK_EQ(dm_op(TARGET, &op), -XEN_EOPNOTSUPP, "unknown operation");
    op = (struct xen_dm_op){ .op = XEN_DMOP_set_ioreq_server_state,
                             .u.set_ioreq_server_state = { .id = 5, .enabled = 1 } };
    CHECK_EQ(dm_op(TARGET, &op), -XEN_ENOENT, "no such server");
    op = (struct xen_dm_op){ .op = XEN_DMOP_set_isa_irq_level,
                             .u.set_isa_irq_level = { .isa_irq = 16, .level = 1 } };
    CHECK_EQ(dm_op(TARGET, &op), -XEN_EINVAL, "ISA IRQ 16");
}

static ioservid_t create_server(uint64_t *frame)
{
    struct xen_dm_op op = { .op = XEN_DMOP_create_ioreq_server };
    ioservid_t id;

    CHECK_EQ(dm_op(TARGET, &op), 0, "create an ioreq server");
    id = op.u.create_ioreq_server.id;
    op = (struct xen_dm_op){ .op = XEN_DMOP_get_ioreq_server_info,
                             .u.get_ioreq_server_info = { .id = id } };
    CHECK_EQ(dm_op(TARGET, &op), 0, "server info");
    *frame = op.u.get_ioreq_server_info.ioreq_gfn;
    CHECK(*frame != 0, "no ioreq frame");
    CHECK_EQ(map_range(id, XEN_DMOP_IO_RANGE_PORT, REG_PORT, REG_PORT + 3, true), 0,
             "claim the register port");
    CHECK_EQ(map_range(id, XEN_DMOP_IO_RANGE_PORT, COM1, COM1 + 7, true), 0,
             "claim COM1");
    CHECK_EQ(map_range(id, XEN_DMOP_IO_RANGE_MEMORY, MMIO_BASE, MMIO_BASE + 0xfff, true),
             0, "claim the MMIO page");
    CHECK_EQ(map_range(id, XEN_DMOP_IO_RANGE_PORT, COM1 + 4, COM1 + 9, true),
             -XEN_EEXIST, "an overlapping range");
    CHECK_EQ(map_range(id, XEN_DMOP_IO_RANGE_PCI, 0, 0, true), -XEN_EOPNOTSUPP, "PCI");
    CHECK_EQ(map_range(id, XEN_DMOP_IO_RANGE_PORT, 0x20, 0x10, true), -XEN_EINVAL,
             "a reversed range");
    CHECK_EQ(map_range(id, XEN_DMOP_IO_RANGE_PORT, 0xfff0, 0x10000, true), -XEN_EINVAL,
             "ports above 0xffff");
    CHECK_EQ(map_range(id, XEN_DMOP_IO_RANGE_PORT, 0x600, 0x600, false), -XEN_ENOENT,
             "unmapping a range never mapped");
    return id;
}

static void set_state(ioservid_t id, bool enabled)
{
    struct xen_dm_op op = { .op = XEN_DMOP_set_ioreq_server_state,
                            .u.set_ioreq_server_state = { .id = id, .enabled = enabled } };

    CHECK_EQ(dm_op(TARGET, &op), 0, "set the server's state");
}

static uint64_t mask(uint32_t size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static void com1(ioreq_t *r)
{
    unsigned int off = r->addr - COM1;

    com1_served++;
    if (r->dir == IOREQ_READ) {
        r->data = off == 5 ? 0x60 : 0;          /* LSR: transmitter empty */
        return;
    }
    if (off != 0)
        return;
    if (r->data == '\n' || line_len == sizeof(line) - 1) {
        line[line_len] = 0;
        printk("com1: %s\n", line);
        line_len = 0;
    } else if (r->data >= 0x20 && r->data < 0x7f) {
        line[line_len++] = r->data;
    }
}

static void serve(ioreq_t *r)
{
    if (r->type == IOREQ_TYPE_PIO && r->addr >= COM1 && r->addr < COM1 + 8) {
        com1(r);
    } else if (r->type == IOREQ_TYPE_PIO) {
        unsigned int shift = 8 * (r->addr - REG_PORT);

        pio_served++;
        if (r->dir == IOREQ_READ)
            r->data = (reg >> shift) & mask(r->size);
        else
            reg = (reg & ~(mask(r->size) << shift)) | ((r->data & mask(r->size)) << shift);
    } else {
        uint64_t off = r->addr - MMIO_BASE;

        mmio_served++;
        CHECK(r->type == IOREQ_TYPE_COPY && off + r->size <= sizeof(scratch),
              "an MMIO request outside the page: %#lx", (unsigned long)r->addr);
        if (r->dir == IOREQ_READ) {
            r->data = 0;
            memcpy(&r->data, scratch + off, r->size);
        } else {
            memcpy(scratch + off, &r->data, r->size);
        }
    }
}

/*
 * String port I/O (data_is_ptr): count elements between the port and
 * domain 1's memory at the guest-physical address in data, all in one
 * page, mapped by its guest frame number for the request.
 */
static void serve_string(ioreq_t *r)
{
    uint64_t off = r->data & 4095, span = (uint64_t)r->count * r->size;

    CHECK(r->type == IOREQ_TYPE_PIO && r->count && r->size <= 4 &&
          (r->df ? off + r->size <= 4096 && off + r->size >= span : off + span <= 4096),
          "a string request beyond its page: %u x %u at %#lx", r->count, r->size,
          (unsigned long)r->data);
    CHECK_EQ(hypercall4(HC(update_va_mapping_otherdomain), PTR(window),
                        (r->data & ~4095ull) | PTE_DATA, UVMF_INVLPG, TARGET), 0,
             "map the string's page of domain 1");
    for (uint32_t i = 0; i < r->count; i++) {
        ioreq_t e = { .addr = r->addr, .count = 1, .size = r->size, .dir = r->dir,
                      .type = IOREQ_TYPE_PIO };
        uint8_t *p = window + (r->df ? off - i * r->size : off + i * r->size);

        if (r->dir == IOREQ_WRITE)
            memcpy(&e.data, p, r->size);
        serve(&e);
        if (r->dir == IOREQ_READ)
            memcpy(p, &e.data, r->size);
    }
    CHECK_EQ(map_frame(window, window_mfn, PTE_DATA), 0, "unmap the string's page");
    strings_served++;
    printk("string: %s, %u x %u bytes, port %#lx%s\n", r->dir == IOREQ_READ ? "in" : "out",
           r->count, r->size, (unsigned long)r->addr, r->df ? ", downwards" : "");
}

void test_main(void)
{
    long timeout = cmdline_long("timeout", 60);
    uint64_t deadline = now_ns() + (uint64_t)timeout * 1000 * NS_PER_MS;
    shared_iopage_t *page;
    uint64_t frame, own_mfn;
    evtchn_port_t port;
    ioservid_t id;

    CHECK(is_dom0(), "not started as dom0");
    /* Coming up after the guest started shows the takeover of COM1. */
    sched_poll(NULL, 0, now_ns() + cmdline_long("delay_ms", 0) * NS_PER_MS);
    refusals();
    id = create_server(&frame);

    /* The ioreq page is a frame of domain 1: map it as a foreign frame. */
    page = alloc_page();
    own_mfn = virt_to_mfn(page);
    window = alloc_page();
    window_mfn = virt_to_mfn(window);
    CHECK_EQ(hypercall4(HC(update_va_mapping_otherdomain), PTR(page),
                        (frame << 12) | PTE_DATA, UVMF_INVLPG, TARGET), 0,
             "map the ioreq page");
    /* Frames of an HVM domain are named by guest frame number: RAM or a
     * server's page, nothing else (domain 1 has 16 MiB: 4096 frames). */
    window[0] = 0xa5;
    CHECK_EQ(hypercall4(HC(update_va_mapping_otherdomain), PTR(window),
                        (0x10000ull << 12) | PTE_DATA, UVMF_INVLPG, TARGET), -XEN_EINVAL,
             "a frame beyond domain 1's RAM");
    CHECK_EQ(hypercall4(HC(update_va_mapping_otherdomain), PTR(window),
                        ((frame + 1) << 12) | PTE_DATA, UVMF_INVLPG, TARGET), -XEN_EINVAL,
             "the page of a server that does not exist");
    CHECK(window[0] == 0xa5, "a refused mapping changed the window");
    CHECK_EQ(evtchn_bind_interdomain(TARGET, page->vcpu_ioreq[0].vp_eport, &port), 0,
             "bind the ioreq event channel");
    set_state(id, true);
    printk("serving domain 1: ports %#x, %#x, MMIO %#lx\n", REG_PORT, COM1,
           (unsigned long)MMIO_BASE);

    while (target_alive() && now_ns() < deadline) {
        ioreq_t *r = &page->vcpu_ioreq[0];

        sched_poll(&port, 1, now_ns() + 20 * NS_PER_MS);
        evtchn_clear_pending(port);
        if (((volatile ioreq_t *)r)->state != STATE_IOREQ_READY)
            continue;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        r->state = STATE_IOREQ_INPROCESS;
        if (r->data_is_ptr)
            serve_string(r);
        else
            serve(r);
        __atomic_thread_fence(__ATOMIC_RELEASE);
        ((volatile ioreq_t *)r)->state = STATE_IORESP_READY;
        evtchn_send(port);
    }
    CHECK(!target_alive(), "domain 1 still alive after %ld s", timeout);
    printk("device model served %u register, %u MMIO and %u COM1 requests, %u strings\n",
           pio_served, mmio_served, com1_served, strings_served);
    CHECK(pio_served >= 4 && mmio_served >= 4 && com1_served > 0, "too few requests");
    /* Its death freed everything but the page we still map. */
    CHECK_EQ(map_frame(page, own_mfn, PTE_DATA), 0, "unmap the ioreq page");
}
