/*
 * Event channels of an HVM guest: it maps shared_info with
 * XENMEM_add_to_physmap and reads its pending bits there, waiting with
 * SCHEDOP_poll or, once HVM_PARAM_CALLBACK_IRQ names a vector, halted
 * until that vector arrives.  check_event_channels() (mode=devices) maps
 * and moves the page, makes a loopback channel, polls it, takes its
 * upcall, and tries the refusals; hvm_evtchn_client() (mode=evtchn
 * peer=D [wait=irq]) is the echoing end of bench/kernels/evtchn.c's
 * round trip, for bench's HVM row and test_hvm_devices.
 */
#include "hvmtest.h"
#include <stddef.h>
#include <public/xen.h>
#include <public/memory.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/errno.h>
#include <public/hvm/hvm_op.h>

#define CALLBACK_VECTOR 0xf3
#define CALLBACK_VIA_VECTOR(v) (((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | (v))

_Static_assert(offsetof(struct shared_info, evtchn_pending) == 2048,
               "shared_info: the 64-bit layout hv uses");

static uint8_t si_first[4096] __attribute__((aligned(4096)));
static uint8_t si_page[4096] __attribute__((aligned(4096)));
static volatile struct shared_info *si;

/* hv changes what these pages are: never let the compiler assume. */
static uint8_t peek(const uint8_t *page, unsigned int off)
{
    return ((const volatile uint8_t *)page)[off];
}

static long add_to_physmap(uint16_t domid, uint32_t space, uint32_t idx, uint32_t gpfn)
{
    struct compat_add_to_physmap x = { domid, 0, space, idx, gpfn };

    return hypercall32(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint32_t)&x, 0);
}

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall32(__HYPERVISOR_event_channel_op, cmd, (uint32_t)arg, 0);
}

static long poll_port(evtchn_port_t port, uint64_t timeout)
{
    struct compat_sched_poll p = { (uint32_t)&port, 1, timeout };

    return hypercall32(__HYPERVISOR_sched_op, SCHEDOP_poll, (uint32_t)&p, 0);
}

static bool pending(evtchn_port_t port)
{
    const volatile uint32_t *w = (const volatile uint32_t *)si->evtchn_pending;

    return w[port / 32] & (1u << (port % 32));
}

static void clear_pending(evtchn_port_t port)
{
    volatile uint32_t *w = (volatile uint32_t *)si->evtchn_pending;

    asm volatile("lock btrl %1, %0" : "+m"(w[port / 32]) : "r"(port % 32) : "memory");
}

static long hvm_param(unsigned int cmd, uint16_t domid, uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = domid, .index = index, .value = *value };
    long rc = hypercall32(__HYPERVISOR_hvm_op, cmd, (uint32_t)&p, 0);

    *value = p.value;
    return rc;
}

static long set_callback(uint64_t via)
{
    return hvm_param(HVMOP_set_param, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &via);
}

static volatile unsigned int upcalls;

/* The callback vector: the upcall is taken, as Linux's handler does
 * first, by clearing the pending flag and selector; the port bits stay
 * for whoever waits on them. */
static void upcall(struct frame *f)
{
    (void)f;
    si->vcpu_info[0].evtchn_upcall_pending = 0;
    __atomic_store_n((uint32_t *)&si->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n((uint32_t *)&si->vcpu_info[0].evtchn_pending_sel + 1, 0, __ATOMIC_SEQ_CST);
    upcalls++;
}

static long send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return evtchn_op(EVTCHNOP_send, &s);
}

/* Maps shared_info at si_page (first at si_first, then moved). */
static bool map_shared_info(void)
{
    char probe[16];

    return add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0,
                          (uint32_t)si_first >> 12) == 0 &&
           peek(si_first, 1) == 1 &&                  /* vCPU 0's upcall mask */
           add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0,
                          (uint32_t)si_page >> 12) == 0 &&
           peek(si_page, 1) == 1 &&
           /* the first place is a hole now: a hypercall cannot write it */
           hypercall32(__HYPERVISOR_xen_version, 1, (uint32_t)si_first, 0) == -XEN_EFAULT &&
           hypercall32(__HYPERVISOR_xen_version, 1, (uint32_t)probe, 0) == 0;
}

/* HVM_PARAM_CALLBACK_IRQ: refusals, then upcalls of the loopback
 * channel (send on `from`, pending on `to`) with interrupts off and on. */
static void check_callback(evtchn_port_t from, evtchn_port_t to)
{
    uint64_t v = 1;
    unsigned int seen;

    check(hvm_param(HVMOP_get_param, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v) == 0 && v == 0,
          "hvm_op: no callback at first");
    v = 0;
    check(hvm_param(HVMOP_get_param, DOMID_SELF, 1, &v) == -XEN_EINVAL,
          "hvm_op: another parameter is -EINVAL");
    check(hvm_param(HVMOP_get_param, 0, HVM_PARAM_CALLBACK_IRQ, &v) == -XEN_EPERM,
          "hvm_op: another domain's is -EPERM");
    check(hypercall32(__HYPERVISOR_hvm_op, 7, (uint32_t)&v, 0) == -XEN_ENOSYS,
          "hvm_op: another op is -ENOSYS");
    check(set_callback(CALLBACK_VIA_VECTOR(0x10)) == -XEN_EINVAL,
          "callback: an exception vector is refused");
    check(set_callback(5) == -XEN_EINVAL && set_callback(1ull << 56) == -XEN_EINVAL,
          "callback: GSI and PCI INTx types are refused");
    set_handler(CALLBACK_VECTOR, upcall);
    asm volatile("cli");
    si->vcpu_info[0].evtchn_upcall_pending = 0;
    si->vcpu_info[0].evtchn_pending_sel = 0;
    clear_pending(to);
    check(set_callback(CALLBACK_VIA_VECTOR(CALLBACK_VECTOR)) == 0 &&
          hvm_param(HVMOP_get_param, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v) == 0 &&
          v == CALLBACK_VIA_VECTOR(CALLBACK_VECTOR), "callback: vector 0xf3 set and read back");
    check(send(from) == 0 && si->vcpu_info[0].evtchn_upcall_pending && upcalls == 0,
          "callback: an event with interrupts off raises the upcall flag only");
    asm volatile("sti; nop; cli" ::: "memory");
    seen = upcalls;
    check(seen == 1 && !si->vcpu_info[0].evtchn_upcall_pending && pending(to),
          "callback: the vector arrives once interrupts are on, once");
    clear_pending(to);
    check(set_callback(0) == 0, "callback: turned off");
    check(send(from) == 0, "callback: an event with the callback off");
    asm volatile("sti; nop; nop; cli" ::: "memory");
    check(upcalls == seen && pending(to), "callback: off, no vector, the port pending");
    clear_pending(to);
    si->vcpu_info[0].evtchn_upcall_pending = 0;
    si->vcpu_info[0].evtchn_pending_sel = 0;
}

void check_event_channels(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
    struct evtchn_status st = { .dom = DOMID_SELF };
    struct evtchn_close cl;
    struct evtchn_bind_virq bv = { .virq = 0 };

    check(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0xfee00) == -XEN_EINVAL,
          "add_to_physmap: the LAPIC's frame is refused");
    check(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x7fffffff) == -XEN_EINVAL,
          "add_to_physmap: a frame past RAM is refused");
    check(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 1,
                         (uint32_t)si_page >> 12) == -XEN_EINVAL,
          "add_to_physmap: shared_info index 1 is refused");
    check(add_to_physmap(DOMID_SELF, XENMAPSPACE_grant_table, 0,
                         (uint32_t)si_page >> 12) == -XEN_ENOSYS,
          "add_to_physmap: grant-table frames are -ENOSYS");
    check(add_to_physmap(0, XENMAPSPACE_shared_info, 0, (uint32_t)si_page >> 12) == -XEN_EPERM,
          "add_to_physmap: another domain's is -EPERM");
    check(hypercall32(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, 0xfffff000, 0) == -XEN_EFAULT,
          "add_to_physmap: an argument that is not RAM is -EFAULT");
    check(peek(si_page, 1) == 0, "add_to_physmap: nothing mapped by the refusals");
    check(map_shared_info(), "add_to_physmap: shared_info mapped, then moved (a hole left)");
    si = (volatile struct shared_info *)si_page;

    check(evtchn_op(EVTCHNOP_alloc_unbound, &au) == 0 && au.port > 0,
          "evtchn: alloc_unbound for itself");
    bi.remote_port = au.port;
    check(evtchn_op(EVTCHNOP_bind_interdomain, &bi) == 0 && bi.local_port != au.port,
          "evtchn: bind_interdomain to it (loopback)");
    clear_pending(au.port);
    clear_pending(bi.local_port);
    st.port = au.port;
    check(evtchn_op(EVTCHNOP_status, &st) == 0 && st.status == EVTCHNSTAT_interdomain &&
          st.u.interdomain.port == bi.local_port, "evtchn: status interdomain");
    check(poll_port(au.port, 1) == 0 && !pending(au.port),
          "sched_op poll: an expired timeout ends the wait, nothing pending");
    check(send(bi.local_port) == 0 && pending(au.port) && !pending(bi.local_port),
          "evtchn: send sets the peer port's bit in shared_info");
    check(poll_port(au.port, 0) == 0, "sched_op poll: returns at once on a pending port");
    clear_pending(au.port);
    {
        struct compat_sched_poll p = { (uint32_t)&au.port, 129, 0 };

        check(hypercall32(__HYPERVISOR_sched_op, SCHEDOP_poll, (uint32_t)&p, 0) == -XEN_EINVAL,
              "sched_op poll: more than 128 ports is -EINVAL");
    }
    check(hypercall32(__HYPERVISOR_sched_op, SCHEDOP_poll, 0xfffff000, 0) == -XEN_EFAULT,
          "sched_op poll: an argument that is not RAM is -EFAULT");
    check(evtchn_op(EVTCHNOP_bind_virq, &bv) == -XEN_ENOSYS, "evtchn: bind_virq is -ENOSYS");
    check_callback(bi.local_port, au.port);
    cl.port = bi.local_port;
    check(evtchn_op(EVTCHNOP_close, &cl) == 0 && send(bi.local_port) == -XEN_EINVAL,
          "evtchn: closed, a send is -EINVAL");
    cl.port = au.port;
    check(evtchn_op(EVTCHNOP_close, &cl) == 0, "evtchn: the other end closed");
}

/* Halts that the callback vector ended (wait=irq). */
static unsigned int woken;

/* Waits once for port: SCHEDOP_poll, or (irq) halted with interrupts on
 * until the callback vector comes (tested with interrupts off, so an
 * upcall cannot slip in between the test and the HLT).  True if pending. */
static bool wait_once(evtchn_port_t port, bool irq)
{
    unsigned int seen;

    if (!irq) {
        if (pending(port))
            return true;
        poll_port(port, 0);
        return false;
    }
    asm volatile("cli" ::: "memory");
    if (pending(port)) {
        asm volatile("sti" ::: "memory");
        return true;
    }
    seen = upcalls;
    asm volatile("sti; hlt" ::: "memory");
    if (upcalls != seen)
        woken++;
    return false;
}

/* mode=evtchn peer=D [wait=irq]: binds the port domain D allocated for
 * it (trying D's ports in turn), then echoes every event back until the
 * machine stops, waiting in SCHEDOP_poll or (wait=irq) with interrupts on,
 * upcalls taken on the callback vector and halted while nothing is
 * pending.  With wait=irq it reports the tenth upcall and the tenth halt
 * an upcall ended (a peer that waits before each send makes those). */
void hvm_evtchn_client(void)
{
    char arg[8] = "0", wait[8] = "poll";
    bool irq, said_upcalls = false, said_woken = false;
    struct evtchn_bind_interdomain bi = { 0 };
    evtchn_port_t port = 0;

    cmdline_get("peer", arg, sizeof(arg));
    cmdline_get("wait", wait, sizeof(wait));
    irq = !strncmp(wait, "irq", 4);
    bi.remote_dom = (uint16_t)(arg[0] - '0');
    if (!hypercall_page_place() || !map_shared_info()) {
        printf("FAIL: evtchn client: shared_info not mapped\n");
        return;
    }
    si = (volatile struct shared_info *)si_page;
    if (irq) {
        set_handler(CALLBACK_VECTOR, upcall);
        if (set_callback(CALLBACK_VIA_VECTOR(CALLBACK_VECTOR))) {
            printf("FAIL: evtchn client: no callback vector\n");
            return;
        }
        asm volatile("sti" ::: "memory");  /* upcalls whenever events come */
    }
    for (unsigned int tries = 0; !port && tries < 1000; tries++) {
        for (bi.remote_port = 1; bi.remote_port < 64 && !port; bi.remote_port++)
            if (evtchn_op(EVTCHNOP_bind_interdomain, &bi) == 0)
                port = bi.local_port;
        if (!port)
            hypercall32(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    }
    if (!port) {
        printf("FAIL: evtchn client: no port of d%u to bind\n", bi.remote_dom);
        return;
    }
    printf("evtchn client: bound port %u of d%u, waiting by %s\n", bi.remote_port - 1,
           bi.remote_dom, irq ? "halting for the callback vector" : "SCHEDOP_poll");
    clear_pending(port);
    for (;;) {
        if (send(port)) {
            printf("FAIL: evtchn client: send on port %u\n", port);
            return;
        }
        while (!wait_once(port, irq))
            ;
        clear_pending(port);
        if (irq && upcalls >= 10 && !said_upcalls) {
            printf("evtchn client: 10 upcalls taken\n");
            said_upcalls = true;
        }
        if (irq && woken >= 10 && !said_woken) {
            printf("evtchn client: 10 halts ended by the callback vector\n");
            said_woken = true;
        }
    }
}
