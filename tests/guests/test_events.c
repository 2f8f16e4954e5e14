/*
 * Event channels within one domain: a loopback interdomain pair, the
 * pending/mask bitmaps and pending_sel, upcall delivery and the upcall
 * mask, unmask re-raising, close and status, VIRQ_TIMER with every timer
 * interface, SCHEDOP_block and SCHEDOP_poll, IPIs, and hostile port use.
 * Time comes from pvclock; windows are generous (TCG is slow), only
 * "not before the deadline" is tight.
 *
 * xen-ref: pass
 */
#include "lib/guest.h"
#include "lib/evtchn.h"
#include "lib/time.h"
#include <public/vcpu.h>

const char test_title[] = "events";

#define EARLY_NS   (50 * 1000UL)    /* pvclock vs hypervisor rounding */
#define LATE_NS    (1000 * NS_PER_MS)
#define BAD_PORT   5000U

static domid_t self;
static evtchn_port_t a, b, timer;
static volatile struct vcpu_info *vi;

static void expect_status(evtchn_port_t port, uint32_t status, const char *what)
{
    struct evtchn_status st;
    CHECK_EQ(evtchn_status(port, &st), 0, what);
    CHECK_EQ(st.status, status, what);
}

/* Forget whatever is pending so each sub-test starts clean (events masked). */
static void drain(void)
{
    events_disable();
    for (unsigned int i = 0; i < 64; i++)
        shared_info->evtchn_pending[i] = 0;
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;
}

static bool sel_has(evtchn_port_t port)
{
    return vi->evtchn_pending_sel & (1UL << (port / 64));
}

/* Waits for `port` with SCHEDOP_poll (events masked); returns when it woke. */
static uint64_t poll_port(evtchn_port_t port, uint64_t timeout)
{
    CHECK_EQ(sched_poll(&port, 1, timeout), 0, "SCHEDOP_poll");
    return now_ns();
}

static void check_loopback_pair(void)
{
    struct evtchn_status st;

    self = own_domid();
    CHECK_EQ(evtchn_alloc_unbound(DOMID_SELF, &a), 0, "alloc_unbound for ourselves");
    CHECK(a != 0, "port 0 is never allocated");
    CHECK_EQ(evtchn_status(a, &st), 0, "status of the unbound port");
    CHECK_EQ(st.status, EVTCHNSTAT_unbound, "unbound");
    CHECK_EQ(st.u.unbound.dom, self, "DOMID_SELF resolved to our id");

    CHECK_EQ(evtchn_bind_interdomain(self, a, &b), 0, "bind_interdomain to it");
    CHECK(b != a && b != 0, "a second port");
    CHECK(evtchn_pending(b), "bind_interdomain leaves the new port pending");
    CHECK_EQ(evtchn_status(a, &st), 0, "status of a");
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain, "a is interdomain");
    CHECK_EQ(st.u.interdomain.dom, self, "a's peer domain");
    CHECK_EQ(st.u.interdomain.port, b, "a's peer port");
    CHECK_EQ(st.vcpu, 0, "a notifies vCPU 0");
    CHECK_EQ(evtchn_status(b, &st), 0, "status of b");
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain, "b is interdomain");
    CHECK_EQ(st.u.interdomain.port, a, "b's peer port");
    drain();
}

static void check_send_masked(void)
{
    unsigned int upcalls = evtchn_upcalls;

    CHECK_EQ(evtchn_send(a), 0, "send on a");
    CHECK(evtchn_pending(b), "b pending");
    CHECK(!evtchn_pending(a), "a not pending");
    CHECK(sel_has(b), "pending_sel bit for b's word");
    CHECK_EQ(vi->evtchn_upcall_pending, 1, "upcall pending");
    CHECK_EQ(evtchn_upcalls, upcalls, "no upcall while vcpu_info masks events");
    CHECK_EQ(evtchn_send(a), 0, "send on a again");
    CHECK_EQ(evtchn_send(b), 0, "send on b");
    CHECK(evtchn_pending(a), "a pending");
    CHECK_EQ(evtchn_upcalls, upcalls, "still no upcall");
}

static void check_upcall(void)
{
    unsigned int hits_a = evtchn_hits(a), hits_b = evtchn_hits(b);
    unsigned int upcalls = evtchn_upcalls;

    events_enable();
    CHECK_EQ(evtchn_upcalls, upcalls + 1, "one upcall once unmasked");
    CHECK_EQ(evtchn_hits(b), hits_b + 1, "b handled once (two sends, one bit)");
    CHECK_EQ(evtchn_hits(a), hits_a + 1, "a handled in the same upcall");
    CHECK(evtchn_last_sel & (1UL << (b / 64)), "pending_sel seen by the handler");
    CHECK_EQ(evtchn_upcall_mask_seen, 1, "the event callback runs masked");
    CHECK_EQ(vi->evtchn_upcall_mask, 0, "unmasked again after the upcall");
    CHECK(!evtchn_pending(a) && !evtchn_pending(b), "pending bits consumed");

    CHECK_EQ(evtchn_send(a), 0, "send with events enabled");
    CHECK_EQ(evtchn_hits(b), hits_b + 2, "delivered before the send returned");
    drain();
}

static void check_port_mask(void)
{
    unsigned int hits = evtchn_hits(b);

    evtchn_set_mask(b);
    events_enable();
    CHECK_EQ(evtchn_send(a), 0, "send to a masked port");
    CHECK(evtchn_pending(b), "masked port still becomes pending");
    CHECK(!sel_has(b), "but does not set pending_sel");
    CHECK_EQ(vi->evtchn_upcall_pending, 0, "nor upcall_pending");
    CHECK_EQ(evtchn_hits(b), hits, "no upcall for a masked port");

    evtchn_clear_mask(b);
    hypercall2(HC(xen_version), 0, 0);
    CHECK_EQ(evtchn_hits(b), hits, "clearing the mask bit alone delivers nothing");
    CHECK_EQ(evtchn_unmask(b), 0, "EVTCHNOP_unmask after clearing the bit ourselves");
    CHECK_EQ(evtchn_hits(b), hits, "re-raises nothing: the hypercall did not unmask");
    /* The hypercall re-raises only when it is the one clearing the bit. */
    evtchn_set_mask(b);
    CHECK_EQ(evtchn_unmask(b), 0, "EVTCHNOP_unmask");
    CHECK(!evtchn_masked(b), "mask bit cleared");
    CHECK_EQ(evtchn_hits(b), hits + 1, "unmask re-raised the pending event");
    CHECK_EQ(evtchn_unmask(b), 0, "unmask of an unmasked port");
    CHECK_EQ(evtchn_hits(b), hits + 1, "nothing more to deliver");
    drain();
}

static void check_close_and_status(void)
{
    struct evtchn_status st;

    CHECK_EQ(evtchn_close(b), 0, "close b");
    expect_status(b, EVTCHNSTAT_closed, "b closed");
    CHECK_EQ(evtchn_status(a, &st), 0, "status of a");
    CHECK_EQ(st.status, EVTCHNSTAT_unbound, "closing b leaves a unbound");
    CHECK_EQ(st.u.unbound.dom, self, "still for us");
    CHECK_EQ(evtchn_send(a), 0, "send on an unbound port is dropped");
    CHECK(!evtchn_pending(a) && !evtchn_pending(b), "nothing pending");
    CHECK_EQ(evtchn_close(b), -XEN_EINVAL, "close b twice");
    CHECK_EQ(evtchn_send(b), -XEN_EINVAL, "send on a closed port");
    CHECK_EQ(evtchn_unmask(b), 0, "unmask of a closed port is harmless");
    CHECK_EQ(evtchn_close(a), 0, "close a");
    expect_status(a, EVTCHNSTAT_closed, "a closed");

    expect_status(0, EVTCHNSTAT_closed, "port 0 reads as closed");
    CHECK_EQ(evtchn_send(0), -XEN_EINVAL, "send on port 0");
    CHECK_EQ(evtchn_close(0), -XEN_EINVAL, "close port 0");
    CHECK_EQ(evtchn_status(BAD_PORT, &st), -XEN_EINVAL, "status beyond the ports");
    CHECK_EQ(evtchn_send(BAD_PORT), -XEN_EINVAL, "send beyond the ports");
    CHECK_EQ(evtchn_close(BAD_PORT), -XEN_EINVAL, "close beyond the ports");
    CHECK_EQ(evtchn_unmask(BAD_PORT), -XEN_EINVAL, "unmask beyond the ports");
    CHECK_EQ(evtchn_send(EVTCHN_2L_NR_CHANNELS), -XEN_EINVAL, "send on port 4096");
}

static void check_virq(void)
{
    struct evtchn_status st;
    evtchn_port_t dup;
    struct evtchn_bind_virq other_vcpu = { .virq = VIRQ_TIMER, .vcpu = 1 };

    CHECK_EQ(evtchn_bind_virq(VIRQ_TIMER, &timer), 0, "bind VIRQ_TIMER");
    CHECK_EQ(evtchn_status(timer, &st), 0, "status");
    CHECK_EQ(st.status, EVTCHNSTAT_virq, "virq port");
    CHECK_EQ(st.u.virq, VIRQ_TIMER, "which virq");
    CHECK_EQ(st.vcpu, 0, "bound to vCPU 0");
    CHECK_EQ(evtchn_bind_virq(VIRQ_TIMER, &dup), -XEN_EEXIST, "bind VIRQ_TIMER twice");
    CHECK_EQ(evtchn_bind_virq(NR_VIRQS, &dup), -XEN_EINVAL, "VIRQ beyond the last");
    CHECK_EQ(evtchn_bind_virq(0x10000, &dup), -XEN_EINVAL, "absurd VIRQ");
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_virq, &other_vcpu), -XEN_ENOENT,
             "VIRQ_TIMER for a vCPU we do not have");

    /*
     * A PV vCPU has a 10 ms periodic timer, but Xen only runs it while the
     * vCPU runs: it is stopped when the vCPU blocks (a missed tick is sent
     * when it runs again, so VIRQ_TIMER may be pending after the wake).
     */
    drain();
    uint64_t t0 = now_ns();
    while (!evtchn_pending(timer) && now_ns() - t0 < LATE_NS)
        ;
    CHECK(evtchn_pending(timer), "periodic tick while running");
    bool slept_through = false;
    for (unsigned int try = 0; try < 3 && !slept_through; try++) {
        drain();
        uint64_t deadline = now_ns() + 30 * NS_PER_MS;
        slept_through = poll_port(timer, deadline) >= deadline - EARLY_NS;
    }
    CHECK(slept_through, "no periodic tick woke the blocked vCPU");

    CHECK_EQ(stop_periodic_timer(), 0, "VCPUOP_stop_periodic_timer");
    drain();
    t0 = now_ns();
    while (now_ns() - t0 < 30 * NS_PER_MS)
        ;
    CHECK(!evtchn_pending(timer), "no tick after stopping the periodic timer");
}

static void check_set_timer_op(void)
{
    uint64_t deadline = now_ns() + 2 * NS_PER_MS;
    CHECK_EQ(set_timer_op(deadline), 0, "set_timer_op");
    uint64_t woke = poll_port(timer, 0);
    CHECK(evtchn_pending(timer), "VIRQ_TIMER pending");
    CHECK(woke >= deadline - EARLY_NS, "not before the deadline (%ld ns early)",
          (long)(deadline - woke));
    CHECK(woke < deadline + LATE_NS, "woke %lu ns late", woke - deadline);
    drain();

    unsigned int hits = evtchn_hits(timer);
    deadline = now_ns() + 2 * NS_PER_MS;
    CHECK_EQ(set_timer_op(deadline), 0, "set_timer_op before block");
    CHECK_EQ(sched_block(), 0, "SCHEDOP_block");
    woke = now_ns();
    CHECK_EQ(evtchn_hits(timer), hits + 1, "the upcall ran before block returned");
    CHECK(woke >= deadline - EARLY_NS, "block lasted until the deadline");
    drain();

    CHECK_EQ(set_timer_op(now_ns() + 5 * NS_PER_MS), 0, "arm");
    CHECK_EQ(set_timer_op(0), 0, "set_timer_op(0) cancels");
    poll_port(timer, now_ns() + 20 * NS_PER_MS);
    CHECK(!evtchn_pending(timer), "cancelled timer did not fire");

    CHECK_EQ(set_timer_op(now_ns() - NS_PER_MS), 0, "deadline in the past");
    poll_port(timer, now_ns() + LATE_NS);
    CHECK(evtchn_pending(timer), "a past deadline fires at once");
    drain();
}

static void check_singleshot_timer(void)
{
    uint64_t deadline = now_ns() + 2 * NS_PER_MS;
    CHECK_EQ(set_singleshot_timer(deadline, 0), 0, "VCPUOP_set_singleshot_timer");
    uint64_t woke = poll_port(timer, 0);
    CHECK(evtchn_pending(timer), "VIRQ_TIMER pending");
    CHECK(woke >= deadline - EARLY_NS, "not before the deadline");
    drain();

    /* Xen 4.17 ignores VCPU_SSHOTTMR_future: a past deadline fires at once. */
    CHECK_EQ(set_singleshot_timer(now_ns() - NS_PER_MS, VCPU_SSHOTTMR_future), 0,
             "past deadline with VCPU_SSHOTTMR_future");
    poll_port(timer, now_ns() + LATE_NS);
    CHECK(evtchn_pending(timer), "fired at once");
    drain();
    CHECK_EQ(set_singleshot_timer(now_ns() - NS_PER_MS, 0), 0, "past deadline");
    poll_port(timer, now_ns() + LATE_NS);
    CHECK(evtchn_pending(timer), "fired at once");
    drain();

    CHECK_EQ(set_singleshot_timer(now_ns() + 5 * NS_PER_MS, 0), 0, "arm");
    CHECK_EQ(stop_singleshot_timer(), 0, "VCPUOP_stop_singleshot_timer");
    poll_port(timer, now_ns() + 20 * NS_PER_MS);
    CHECK(!evtchn_pending(timer), "stopped timer did not fire");

    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = now_ns() + NS_PER_MS };
    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_set_singleshot_timer, 1, PTR(&t)),
             -XEN_ENOENT, "singleshot timer of a vCPU we do not have");
    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_set_singleshot_timer, 0, 0x1000),
             -XEN_EFAULT, "singleshot timer from an unmapped address");
    CHECK_EQ(hypercall3(HC(vcpu_op), 99, 0, 0), -XEN_ENOSYS, "unknown vcpu_op");
}

static void check_block_window(void)
{
    unsigned int hits = evtchn_hits(timer);
    uint64_t start = now_ns();
    uint64_t deadline = start + 5 * NS_PER_MS;

    CHECK_EQ(set_singleshot_timer(deadline, 0), 0, "arm");
    CHECK_EQ(sched_block(), 0, "SCHEDOP_block");
    uint64_t woke = now_ns();
    CHECK_EQ(evtchn_hits(timer), hits + 1, "woken by VIRQ_TIMER");
    CHECK(woke >= deadline - EARLY_NS, "slept %lu ns of 5 ms", woke - start);
    CHECK(woke < deadline + LATE_NS, "woke %lu ns late", woke - deadline);
    drain();
}

static void check_poll(void)
{
    evtchn_port_t ports[2] = { timer, BAD_PORT };
    uint64_t deadline = now_ns() + 3 * NS_PER_MS;

    CHECK(poll_port(timer, deadline) >= deadline - EARLY_NS, "poll times out");
    CHECK_EQ(set_timer_op(now_ns() - 1), 0, "make VIRQ_TIMER pending");
    poll_port(timer, now_ns() + LATE_NS);
    CHECK(evtchn_pending(timer), "pending");
    uint64_t t0 = now_ns();
    poll_port(timer, t0 + LATE_NS);
    CHECK(now_ns() - t0 < LATE_NS / 2, "poll on a pending port returns at once");
    drain();

    CHECK_EQ(sched_poll(ports, 129, 0), -XEN_EINVAL, "poll on 129 ports");
    CHECK_EQ(sched_poll((evtchn_port_t *)0x1000, 1, 0), -XEN_EFAULT,
             "poll with an unmapped port list");
    CHECK_EQ(sched_poll(ports, 2, 0), -XEN_EINVAL, "poll on a bad port");
    deadline = now_ns() + 2 * NS_PER_MS;
    CHECK_EQ(sched_poll(ports, 0, deadline), 0, "poll on no ports");
    CHECK(now_ns() >= deadline - EARLY_NS, "slept to the timeout");

    /* A masked port's event kicks no vCPU: only the poll sees it, and a
     * poll on port 0 alone waits for any port, as in Xen. */
    evtchn_port_t none = 0;
    evtchn_set_mask(timer);
    uint64_t t1 = now_ns();
    CHECK_EQ(set_timer_op(t1 + NS_PER_MS), 0, "VIRQ_TIMER in 1 ms");
    CHECK_EQ(sched_poll(&none, 1, t1 + LATE_NS), 0, "poll on port 0");
    CHECK(now_ns() - t1 < LATE_NS / 2, "an event on any port ends a poll on port 0");
    CHECK(evtchn_pending(timer), "the masked timer port is pending");
    evtchn_clear_mask(timer);
    drain();
}

static void check_ipi(void)
{
    evtchn_port_t ipi;
    struct evtchn_status st;
    struct evtchn_bind_ipi other_vcpu = { .vcpu = 1 };

    CHECK_EQ(evtchn_bind_ipi(&ipi), 0, "bind_ipi");
    CHECK_EQ(evtchn_status(ipi, &st), 0, "status");
    CHECK_EQ(st.status, EVTCHNSTAT_ipi, "ipi port");
    CHECK_EQ(st.vcpu, 0, "vCPU 0");
    unsigned int hits = evtchn_hits(ipi);
    CHECK_EQ(evtchn_send(ipi), 0, "send to ourselves");
    CHECK(evtchn_pending(ipi), "pending");
    events_enable();
    CHECK_EQ(evtchn_hits(ipi), hits + 1, "delivered");
    drain();
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_ipi, &other_vcpu), -XEN_ENOENT,
             "IPI for a vCPU we do not have");
    CHECK_EQ(evtchn_close(ipi), 0, "close");
    expect_status(ipi, EVTCHNSTAT_closed, "closed");
}

static void check_hostile_ports(void)
{
    evtchn_port_t p, q;
    struct evtchn_status st = { .dom = 0x7000, .port = 1 };
    struct evtchn_alloc_unbound other = { .dom = 0x7000, .remote_dom = DOMID_SELF };
    struct evtchn_bind_vcpu to_vcpu1 = { .port = timer, .vcpu = 1 };

    CHECK_EQ(evtchn_bind_interdomain(self, timer, &p), -XEN_EINVAL,
             "bind_interdomain to a VIRQ port");
    CHECK_EQ(evtchn_alloc_unbound(5, &q), 0, "alloc_unbound for domain 5");
    CHECK_EQ(evtchn_bind_interdomain(self, q, &p), -XEN_EINVAL,
             "bind_interdomain to a port reserved for another domain");
    expect_status(q, EVTCHNSTAT_unbound, "that port is still unbound");
    CHECK_EQ(evtchn_close(q), 0, "close it");
    CHECK_EQ(evtchn_bind_interdomain(0x7000, 1, &p), -XEN_ESRCH,
             "bind_interdomain to a domain that does not exist");
    CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), -XEN_ESRCH,
             "status in a domain that does not exist");
    CHECK_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &other), -XEN_ESRCH,
             "alloc_unbound in a domain that does not exist");
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_vcpu, &to_vcpu1), -XEN_ENOENT,
             "bind_vcpu to a vCPU we do not have");
    CHECK_EQ(evtchn_op(99, &st), -XEN_ENOSYS, "unknown event_channel_op");
    CHECK_EQ(evtchn_op(EVTCHNOP_send, (void *)0x1000), -XEN_EFAULT,
             "send with an unmapped argument");
    expect_status(timer, EVTCHNSTAT_virq, "VIRQ_TIMER port unharmed");

    if (skip_on_dom0("status of dom0's ports (needs privilege)"))
        return;
    st.dom = 0;
    CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), -XEN_EPERM, "status of dom0's port");
}

static void check_flood(void)
{
    evtchn_port_t x, y;
    unsigned int hits;

    CHECK_EQ(evtchn_alloc_unbound(DOMID_SELF, &x), 0, "alloc");
    CHECK_EQ(evtchn_bind_interdomain(self, x, &y), 0, "bind");
    drain();
    hits = evtchn_hits(y);
    events_enable();
    long bad = 0;
    for (unsigned int i = 0; i < 20000; i++)
        bad += evtchn_send(x) != 0;
    CHECK_EQ(bad, 0, "20000 sends with events enabled");
    CHECK(evtchn_hits(y) - hits >= 1 && evtchn_hits(y) - hits <= 20000,
          "%u upcalls for 20000 sends", evtchn_hits(y) - hits);
    drain();
    for (unsigned int i = 0; i < 20000; i++)
        bad += evtchn_send(x) != 0;
    CHECK_EQ(bad, 0, "20000 sends with events masked");
    CHECK(evtchn_pending(y), "one pending bit");
    drain();
    CHECK_EQ(evtchn_close(x), 0, "close");
    CHECK_EQ(evtchn_close(y), 0, "close");
}

static void check_port_exhaustion(void)
{
    static evtchn_port_t ports[EVTCHN_2L_NR_CHANNELS];
    unsigned int n = 0;
    long rc = 0;

    while (n < EVTCHN_2L_NR_CHANNELS) {
        rc = evtchn_alloc_unbound(DOMID_SELF, &ports[n]);
        if (rc)
            break;
        n++;
    }
    CHECK_EQ(rc, -XEN_ENOSPC, "allocation ends with -ENOSPC");
    CHECK(n > 100, "only %u ports", n);
    long bad = 0;
    for (unsigned int i = 0; i < n; i++)
        bad += evtchn_close(ports[i]) != 0;
    CHECK_EQ(bad, 0, "every port closes");
    CHECK_EQ(evtchn_alloc_unbound(DOMID_SELF, &ports[0]), 0, "allocation works again");
    CHECK_EQ(evtchn_close(ports[0]), 0, "close");
    expect_status(timer, EVTCHNSTAT_virq, "VIRQ_TIMER port unharmed");
}

void test_main(void)
{
    vi = &shared_info->vcpu_info[0];
    events_init();

    subtest("loopback pair", check_loopback_pair);
    subtest("send with events masked", check_send_masked);
    subtest("upcall delivery", check_upcall);
    subtest("port mask and EVTCHNOP_unmask", check_port_mask);
    subtest("close and status", check_close_and_status);
    subtest("VIRQ_TIMER and the periodic timer", check_virq);
    subtest("set_timer_op", check_set_timer_op);
    subtest("VCPUOP singleshot timer", check_singleshot_timer);
    subtest("SCHEDOP_block wakes on the timer", check_block_window);
    subtest("SCHEDOP_poll", check_poll);
    subtest("IPI to ourselves", check_ipi);
    subtest("hostile: bad ports and domains", check_hostile_ports);
    subtest("hostile: send flood", check_flood);
    subtest("hostile: port exhaustion", check_port_exhaustion);
}
