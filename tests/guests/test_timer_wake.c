/*
 * Timer wake-ups: block on a one-shot timer `count` times.  Each wake
 * must come from that timer (exactly one VIRQ_TIMER per arming, none
 * lost, none doubled), never before its deadline, and in order (pvclock
 * time never runs backwards from one wake to the next).  How late each
 * wake was is printed, in ns of pvclock time, for the record only:
 *     count=<wakes, default 20> period_us=<sleep, default 1000>
 *     [max_late_us=<latest acceptable wake after the deadline>]
 * Without max_late_us lateness is not judged: a scenario test on a
 * loaded machine cannot tell a slow host from a slow hypervisor (timing
 * targets live in bench/).  A lost wake leaves the guest blocked, so it
 * never prints PASS.  Alone, it also runs as Xen's dom0 (with a generous
 * window: a liveness check, not a timing target).
 *
 * xen-ref: pass count=5 max_late_us=1000000
 */
#include "lib/guest.h"
#include "lib/evtchn.h"
#include "lib/time.h"

const char test_title[] = "timer_wake";

/* pvclock and the hypervisor's clock may round differently. */
#define EARLY_NS 50000L

void test_main(void)
{
    long count = cmdline_long("count", 20);
    long period_ns = cmdline_long("period_us", 1000) * 1000;
    long max_late_us = cmdline_long("max_late_us", -1);      /* -1: not judged */
    evtchn_port_t timer;
    uint64_t last_wake = 0;
    long min = 0, max = 0, sum = 0;

    if (count <= 0 || period_ns <= 0 || max_late_us < -1)
        panic("usage: [count=<n>] [period_us=<n>] [max_late_us=<n>]");

    events_init();
    CHECK_EQ(evtchn_bind_virq(VIRQ_TIMER, &timer), 0, "bind VIRQ_TIMER");
    CHECK_EQ(stop_periodic_timer(), 0, "stop the periodic timer");

    for (long i = 0; i < count; i++) {
        unsigned int hits = evtchn_hits(timer);
        uint64_t deadline = now_ns() + (uint64_t)period_ns, woke;

        CHECK_EQ(set_singleshot_timer(deadline, 0), 0, "arm the one-shot timer");
        while (evtchn_hits(timer) == hits)
            sched_block();          /* unmasks events; the upcall counts the wake */
        events_disable();
        woke = now_ns();
        long late = (long)(woke - deadline);

        printk("wake %ld latency_ns=%ld\n", i, late);
        CHECK(evtchn_hits(timer) == hits + 1, "wake %ld: %u timer events for one arming",
              i, evtchn_hits(timer) - hits);
        CHECK(late >= -EARLY_NS, "wake %ld was %ld ns early", i, -late);
        CHECK(woke >= last_wake, "wake %ld at %lu ns, before wake %ld at %lu ns", i,
              (unsigned long)woke, i - 1, (unsigned long)last_wake);
        CHECK(max_late_us < 0 || late <= max_late_us * 1000,
              "wake %ld was %ld ns late (window %ld us)", i, late, max_late_us);
        last_wake = woke;
        min = i == 0 || late < min ? late : min;
        max = i == 0 || late > max ? late : max;
        sum += late;
    }
    printk("latency_ns min %ld avg %ld max %ld over %ld wakes\n", min, sum / count, max,
           count);
}
