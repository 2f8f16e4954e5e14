/*
 * dom0 of hv's multi-domain scenario tests: it waits until the domUs it
 * was told about (1..domus) have all died, then powers the machine off,
 * so QEMU ends when the test is over.  It learns of each death from
 * VIRQ_DOM_EXC (raised at each shutdown and each release) and checks who
 * is left with XENMEM_current_reservation (-ESRCH once a domain is gone),
 * as a toolstack would.  Short domUs may all be gone before dom0 first
 * runs; VIRQ_DOM_EXC is only required when some domU was still alive once
 * it was bound.
 *     domus=<n> [timeout=<seconds, default 120>] [then=reboot]
 * then=reboot shuts dom0 down with SHUTDOWN_reboot at the end, instead
 * of the runtime's poweroff after the result line.
 * hv only: Xen has no boot-time domUs without a toolstack.
 */
#include "lib/guest.h"
#include "lib/evtchn.h"
#include "lib/time.h"
#include <public/memory.h>
#include <public/sched.h>

const char test_title[] = "pv_dom0";

static bool domain_alive(domid_t id)
{
    domid_t d = id;

    return hypercall2(HC(memory_op), XENMEM_current_reservation, PTR(&d)) != -XEN_ESRCH;
}

static long count_alive(long n)
{
    long alive = 0;

    for (long id = 1; id <= n; id++)
        alive += domain_alive(id);
    return alive;
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
