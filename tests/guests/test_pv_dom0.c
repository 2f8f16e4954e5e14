/*
 * dom0 of hv's multi-domain scenario tests: it waits until the domUs it
 * was told about (1..domus) have all died, then powers the machine off,
 * so QEMU ends when the test is over.  It learns of each death from
 * VIRQ_DOM_EXC (raised at each shutdown and each release) and checks who
 * is left with XENMEM_current_reservation (-ESRCH once a domain is gone),
 * as a toolstack would.  Meanwhile it checks the PCI configuration space
 * hv gives the hardware domain (ports 0xcf8/0xcfc) and which of its port
 * accesses reach the hardware without a trap, and delivers it ISA IRQ 1
 * as a physical IRQ.  Short domUs may all be gone before dom0 first
 * runs; VIRQ_DOM_EXC is only required when some domU was still alive once
 * it was bound.  DomUs built paused (domu=...:paused) are unpaused right
 * after the bind, as a toolstack unpauses what it created: they all die
 * after it.
 *     domus=<n> [timeout=<seconds, default 120>] [then=reboot]
 * then=reboot shuts dom0 down with SHUTDOWN_reboot at the end, instead
 * of the runtime's poweroff after the result line.
 * hv only: Xen has no boot-time domUs without a toolstack.
 */
#include "lib/guest.h"
#include "lib/control.h"
#include "lib/evtchn.h"
#include "lib/time.h"
#include "lib/traps.h"
#include "lib/user.h"
#include <public/memory.h>
#include <public/physdev.h>
#include <public/sched.h>

const char test_title[] = "pv_dom0";

static bool domain_alive(domid_t id)
{
    domid_t d = id;

    return hypercall2(HC(memory_op), XENMEM_current_reservation, PTR(&d)) != -XEN_ESRCH;
}

static uint32_t inl_port(uint16_t port)
{
    uint32_t v;

    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void outl_port(uint16_t port, uint32_t v)
{
    asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static uint8_t inb_port(uint16_t port)
{
    uint8_t v;

    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void outb_port(uint16_t port, uint8_t v)
{
    asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/*
 * PCI configuration space through hv's emulation of ports 0xcf8/0xcfc:
 * 00:00.0 is QEMU's i440FX host bridge.  Reset control (0xcf9) stays
 * hv's: writing a hard reset there must not restart the machine.
 */
static void check_pci_config(void)
{
    struct physdev_set_iopl iopl = { .iopl = 1 };
    uint16_t device;
    uint32_t id;

    CHECK_EQ(hypercall2(HC(physdev_op), PHYSDEVOP_set_iopl, PTR(&iopl)), 0, "IOPL 1");
    outl_port(0xcf8, 0x80000000u);
    CHECK_EQ(inl_port(0xcf8), 0x80000000u, "CONFIG_ADDRESS latched");
    id = inl_port(0xcfc);
    CHECK_EQ(id, 0x12378086u, "00:00.0 is the i440FX");
    asm volatile("inw %1, %0" : "=a"(device) : "Nd"((uint16_t)0xcfe));
    CHECK_EQ(device, 0x1237, "its device ID by a word access");
    outl_port(0xcf8, 0x00000000u);
    CHECK_EQ(inl_port(0xcfc), 0xffffffffu, "no configuration access without the enable bit");
    outb_port(0xcf9, 0x06);
    CHECK_EQ(inb_port(0xcf9), 0xff, "reset control is refused");
    iopl.iopl = 0;
    CHECK_EQ(hypercall2(HC(physdev_op), PHYSDEVOP_set_iopl, PTR(&iopl)), 0, "IOPL 0");
    printk("PCI config: 00:00.0 is %04x:%04x\n", id & 0xffff, id >> 16);
}

/* A user program: a round trip through the kernel (an echo system
 * call), a read of port 0x80, then exit. */
asm (".pushsection .rodata\n"
     "port_prog: mov $1, %eax; syscall; inb $0x80, %al; xor %eax, %eax; syscall\n"
     "port_prog_end:\n"
     ".popsection");
extern const char port_prog[], port_prog_end[];

/*
 * With I/O privilege the hardware domain's kernel reads port 0x80 (not
 * one of hv's) through the TSS's I/O bitmap, without a trap; without it
 * the read is a #GP, and so is a read from its user mode, also right
 * after the kernel had the bitmap.  Under VMASST_TYPE_architectural_iopl
 * the kernel is at CPL 0 and may, until the guest turns it off again.
 */
static void check_direct_ports(void)
{
    static volatile uint8_t got;
    struct physdev_set_iopl iopl = { .iopl = 1 };
    struct trap_frame f;

    CHECK_EQ(PROBE("inb $0x80, %%al", "i"(0) : "rax"), 13, "port read without IOPL: #GP");
    CHECK_EQ(hypercall2(HC(physdev_op), PHYSDEVOP_set_iopl, PTR(&iopl)), 0, "IOPL 1");
    CHECK_EQ(PROBE("inb $0x80, %%al; movb %%al, (%0)", "r"(&got) : "rax"), TRAP_NONE,
             "kernel port read with IOPL 1");
    user_init(port_prog, (size_t)(port_prog_end - port_prog));
    f = user_run(0, 41);
    CHECK_EQ(user_echoes, 1, "the user program went through the kernel");
    CHECK_EQ(f.vector, 13, "a user-mode port read is a #GP");
    CHECK_EQ(PROBE("inb $0x80, %%al; movb %%al, (%0)", "r"(&got) : "rax"), TRAP_NONE,
             "kernel port read after user mode");
    iopl.iopl = 0;
    CHECK_EQ(hypercall2(HC(physdev_op), PHYSDEVOP_set_iopl, PTR(&iopl)), 0, "IOPL 0");
    CHECK_EQ(PROBE("inb $0x80, %%al", "i"(0) : "rax"), 13, "port read after IOPL 0: #GP");
    /* architectural_iopl puts the kernel at CPL 0, which IOPL 0 admits. */
    CHECK_EQ(hypercall2(HC(vm_assist), VMASST_CMD_enable, VMASST_TYPE_architectural_iopl), 0,
             "enable architectural_iopl");
    CHECK_EQ(hypercall2(HC(physdev_op), PHYSDEVOP_set_iopl, PTR(&iopl)), 0, "IOPL 0 again");
    CHECK_EQ(PROBE("inb $0x80, %%al; movb %%al, (%0)", "r"(&got) : "rax"), TRAP_NONE,
             "kernel port read at CPL 0, IOPL 0");
    CHECK_EQ(hypercall2(HC(vm_assist), VMASST_CMD_disable, VMASST_TYPE_architectural_iopl), 0,
             "disable architectural_iopl");
    CHECK_EQ(PROBE("inb $0x80, %%al", "i"(0) : "rax"), 13,
             "port read back at CPL 1, IOPL 0: #GP");
}

static long physdev(unsigned int cmd, void *arg)
{
    return hypercall2(HC(physdev_op), cmd, PTR(arg));
}

#define KBD_DATA    0x60
#define KBD_STATUS  0x64
#define KBD_OBF     0x01
#define KBD_IBF     0x02

/* Empties the 8042's output buffer: its IRQ 1 goes down. */
static void kbd_drain(void)
{
    for (unsigned int i = 0; i < 32 && (inb_port(KBD_STATUS) & KBD_OBF); i++)
        inb_port(KBD_DATA);
}

/* The 8042's "write output buffer" command: a byte as if from the
 * keyboard, which raises IRQ 1 without any device. */
static void kbd_raise_irq1(void)
{
    outb_port(KBD_STATUS, 0xd2);
    for (unsigned int i = 0; i < 1000 && (inb_port(KBD_STATUS) & KBD_IBF); i++)
        ;
    outb_port(KBD_DATA, 0x5a);
}

/* Is port pending within ms milliseconds?  Leaves it clear. */
static bool pirq_event(evtchn_port_t port, unsigned int ms)
{
    bool got;

    sched_poll(&port, 1, now_ns() + ms * NS_PER_MS);
    got = evtchn_pending(port);
    evtchn_clear_pending(port);
    return got;
}

/*
 * ISA IRQ 1 (the 8042) as the hardware domain's pirq 1: mapped, bound to
 * a port, delivered once and held (its line closed) until the EOI, as
 * Xen's XT-PIC lines; hv's own lines and bad arguments are refused.
 */
static void check_pirq(void)
{
    struct physdev_set_iopl iopl = { .iopl = 1 };
    struct physdev_map_pirq map = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI,
                                    .index = 1, .pirq = -1 };
    struct physdev_unmap_pirq unmap = { .domid = DOMID_SELF, .pirq = 1 };
    struct physdev_irq_status_query q = { .irq = 1 };
    struct physdev_eoi eoi = { .irq = 1 };
    struct evtchn_bind_pirq bind = { .pirq = 3 };
    struct evtchn_status st;
    evtchn_port_t port;

    CHECK_EQ(hypercall2(HC(physdev_op), PHYSDEVOP_set_iopl, PTR(&iopl)), 0, "IOPL 1");
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_pirq, &bind), -XEN_EINVAL, "bind an unmapped pirq");
    bind.pirq = 99;
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_pirq, &bind), -XEN_EINVAL, "bind pirq 99");
    for (int gsi = 0; gsi <= 8; gsi += 2) {
        struct physdev_map_pirq hv_line = map;

        hv_line.index = gsi;
        CHECK_EQ(physdev(PHYSDEVOP_map_pirq, &hv_line), gsi == 6 ? 0 : -XEN_EPERM,
                 "map GSI 0, 2, 4, 8 (hv's) / 6 (free)");
    }
    unmap.pirq = 6;
    CHECK_EQ(physdev(PHYSDEVOP_unmap_pirq, &unmap), 0, "unmap pirq 6");
    CHECK_EQ(physdev(PHYSDEVOP_unmap_pirq, &unmap), -XEN_EINVAL, "unmap it again");
    map.index = 16;
    CHECK_EQ(physdev(PHYSDEVOP_map_pirq, &map), -XEN_EINVAL, "map GSI 16");
    map.index = 1;
    map.type = MAP_PIRQ_TYPE_MSI;
    CHECK_EQ(physdev(PHYSDEVOP_map_pirq, &map), -XEN_EINVAL, "map an MSI");
    map.type = MAP_PIRQ_TYPE_GSI;
    map.domid = 1;
    CHECK_EQ(physdev(PHYSDEVOP_map_pirq, &map), -XEN_EPERM, "map for another domain");
    map.domid = DOMID_SELF;
    map.pirq = 5;
    CHECK_EQ(physdev(PHYSDEVOP_map_pirq, &map), -XEN_EINVAL, "map GSI 1 to pirq 5");
    map.pirq = -1;
    CHECK_EQ(physdev(PHYSDEVOP_map_pirq, &map), 0, "map GSI 1");
    CHECK_EQ(map.pirq, 1, "as pirq 1");

    bind.pirq = 1;
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_pirq, &bind), 0, "bind pirq 1");
    port = bind.port;
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_pirq, &bind), -XEN_EEXIST, "bind it twice");
    CHECK_EQ(evtchn_status(port, &st), 0, "status of its port");
    CHECK_EQ(st.status, EVTCHNSTAT_pirq, "a pirq port");
    CHECK_EQ(st.u.pirq, 1, "of pirq 1");
    CHECK_EQ(physdev(PHYSDEVOP_irq_status_query, &q), 0, "irq_status_query 1");
    CHECK_EQ(q.flags, XENIRQSTAT_needs_eoi, "needs an EOI");
    q.irq = 16;
    CHECK_EQ(physdev(PHYSDEVOP_irq_status_query, &q), -XEN_EINVAL, "irq_status_query 16");
    unmap.pirq = 1;
    CHECK_EQ(physdev(PHYSDEVOP_unmap_pirq, &unmap), -XEN_EBUSY, "unmap a bound pirq");

    kbd_drain();
    evtchn_clear_pending(port);
    kbd_raise_irq1();
    CHECK(pirq_event(port, 2000), "IRQ 1 arrives on the port");
    kbd_drain();
    kbd_raise_irq1();
    CHECK(!pirq_event(port, 200), "no second event before the EOI");
    CHECK_EQ(physdev(PHYSDEVOP_eoi, &eoi), 0, "EOI pirq 1");
    CHECK(pirq_event(port, 2000), "the interrupt held meanwhile arrives after the EOI");
    kbd_drain();
    CHECK_EQ(physdev(PHYSDEVOP_eoi, &eoi), 0, "EOI pirq 1 again");
    eoi.irq = 99;
    CHECK_EQ(physdev(PHYSDEVOP_eoi, &eoi), -XEN_EINVAL, "EOI pirq 99");

    CHECK_EQ(evtchn_close(port), 0, "close the pirq port");
    q.irq = 1;
    CHECK_EQ(physdev(PHYSDEVOP_irq_status_query, &q), 0, "irq_status_query after close");
    CHECK_EQ(q.flags, 0, "no EOI needed once unbound");
    CHECK_EQ(physdev(PHYSDEVOP_unmap_pirq, &unmap), 0, "unmap pirq 1");
    iopl.iopl = 0;
    CHECK_EQ(hypercall2(HC(physdev_op), PHYSDEVOP_set_iopl, PTR(&iopl)), 0, "IOPL 0");
    printk("pirq: IRQ 1 delivered, held until the EOI\n");
}

static long count_alive(long n)
{
    long alive = 0;

    for (long id = 1; id <= n; id++)
        alive += domain_alive(id);
    return alive;
}

/* Unpauses the domUs built paused; the others answer -EINVAL. */
static void unpause_domus(long n)
{
    long unpaused = 0;

    for (long id = 1; id <= n; id++) {
        long rc = simple_domctl(XEN_DOMCTL_unpausedomain, id);

        CHECK(rc == 0 || rc == -XEN_EINVAL || rc == -XEN_ESRCH,
              "unpause d%ld: %ld", id, rc);
        unpaused += rc == 0;
    }
    if (unpaused)
        printk("unpaused %ld domUs\n", unpaused);
}

void test_main(void)
{
    long n = cmdline_long("domus", 0), timeout = cmdline_long("timeout", 120);
    evtchn_port_t exc, timer;
    uint64_t deadline = now_ns() + (uint64_t)timeout * 1000 * NS_PER_MS;
    unsigned int seen = 0;
    char then[16];
    long alive, alive_at_bind;

    if (n <= 0 || timeout <= 0)
        panic("usage: domus=<n> [timeout=<seconds>]");
    CHECK(is_dom0(), "not started as dom0");
    events_init();
    CHECK_EQ(evtchn_bind_virq(VIRQ_DOM_EXC, &exc), 0, "bind VIRQ_DOM_EXC");
    CHECK_EQ(evtchn_bind_virq(VIRQ_TIMER, &timer), 0, "bind VIRQ_TIMER");
    CHECK_EQ(stop_periodic_timer(), 0, "stop the periodic timer");
    alive_at_bind = count_alive(n);
    unpause_domus(n);
    /* After the bind: a domU dying meanwhile is still reported. */
    check_pci_config();
    check_direct_ports();
    check_pirq();
    printk("waiting for %ld domUs\n", n);

    while ((alive = count_alive(n)) > 0) {
        if (now_ns() >= deadline) {
            test_fail("%ld domUs still alive after %ld s", alive, timeout);
            break;
        }
        CHECK_EQ(set_timer_op(deadline), 0, "arm the deadline");
        sched_block();
        events_disable();
        if (evtchn_hits(exc) != seen) {
            seen = evtchn_hits(exc);
            printk("VIRQ_DOM_EXC: %ld of %ld domUs left\n", count_alive(n), n);
        }
    }
    /*
     * hv raises the VIRQ at a domU's shutdown and again at its release;
     * the release of the last one may still be pending, unreported.
     */
    if (evtchn_hits(exc) != seen || evtchn_pending(exc))
        printk("VIRQ_DOM_EXC: 0 of %ld domUs left\n", n);
    /* A death after the bind raised the VIRQ: delivered or still pending. */
    CHECK(!alive_at_bind || evtchn_hits(exc) > 0 || evtchn_pending(exc),
          "no VIRQ_DOM_EXC");
    printk("all domUs are gone\n");
    if (cmdline_get("then", then, sizeof(then)) && !strcmp(then, "reboot")) {
        printk("rebooting\n");
        shutdown(SHUTDOWN_reboot);
    }
}
