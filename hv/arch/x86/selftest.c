/*
 * Boot self tests for the scenario suite (see selftest.h).  Each prints
 * what it observed so the host-side test can check it independently, and a
 * final "selftest <name>: PASS" or "FAIL".
 */
#include <hv/selftest.h>
#include <hv/guest_access.h>
#include <hv/cpufeature.h>
#include <hv/cmdline.h>
#include <hv/extable.h>
#include <hv/mapping.h>
#include <hv/shutdown.h>
#include <hv/timer.h>
#include <hv/processor.h>
#include <hv/time.h>
#include <hv/page.h>
#include <hv/errno.h>
#include <hv/lib.h>

static const char *selected;
static unsigned int next_test;
static void selftest_next(void);

/* ---- guest_access ---- */

#define TEST_USER_VA 0x400000UL

static u8 test_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static bool guest_access_failed;

static void expect(const char *what, int rc, int want)
{
    printk("guest_access: %s: rc=%d (expect %d) %s\n", what, rc, want,
           rc == want ? "ok" : "FAIL");
    if (rc != want)
        guest_access_failed = true;
}

/* Reads a byte without opening SMAP: faults (-EFAULT) on a user page when
 * SMAP is on. */
static int read_byte_without_stac(const void *p, u8 *out)
{
    int rc = 0;
    u8 v = 0;

    asm volatile("1: movb (%[p]), %[v]\n"
                 "2:\n"
                 ".pushsection .text.fixup, \"ax\"\n"
                 "3: mov %[efault], %[rc]\n"
                 "   jmp 2b\n"
                 ".popsection\n"
                 _ASM_EXTABLE(1b, 3b)
                 : [rc] "+r"(rc), [v] "+q"(v)
                 : [p] "r"(p), [efault] "i"(-EFAULT));
    *out = v;
    return rc;
}

static void test_guest_access(void)
{
    u8 buf[64];
    u8 b;
    int rc;

    for (unsigned int i = 0; i < sizeof(buf); i++)
        test_page[i] = 0xa0 + i;
    if (map_pages_to_hv(TEST_USER_VA, virt_to_mfn(test_page), 1,
                        MAP_RW | MAP_USER | MAP_NX | MAP_SMALL_PAGES))
        panic("selftest: cannot map the test user page");

    rc = copy_from_guest(buf, TEST_USER_VA, sizeof(buf));
    expect("copy_from_guest(mapped user page)", rc, 0);
    if (!rc && memcmp(buf, test_page, sizeof(buf)))
        expect("copy_from_guest data matches", -1, 0);
    expect("copy_to_guest(mapped user page)",
           copy_to_guest(TEST_USER_VA + 100, "heron", 6), 0);
    if (memcmp(test_page + 100, "heron", 6))
        expect("copy_to_guest data landed", -1, 0);
    expect("clear_guest(mapped user page)", clear_guest(TEST_USER_VA, 16), 0);
    if (test_page[0] || test_page[15] || test_page[16] != 0xb0)
        expect("clear_guest cleared exactly 16 bytes", -1, 0);

    expect("copy_from_guest(crossing into an unmapped page)",
           copy_from_guest(buf, TEST_USER_VA + PAGE_SIZE - 8, 16), -EFAULT);
    expect("copy_from_guest(unmapped user address)",
           copy_from_guest(buf, 0x1000, 8), -EFAULT);
    expect("copy_to_guest(unmapped guest kernel address)",
           copy_to_guest(GUEST_KERNEL_VIRT_START + 0x1000, buf, 8), -EFAULT);
    expect("clear_guest(unmapped guest kernel address)",
           clear_guest(GUEST_KERNEL_VIRT_START, 8), -EFAULT);
    expect("copy_from_guest(hv direct map)",
           copy_from_guest(buf, DIRECTMAP_VIRT_START + 0x100000, 8), -EFAULT);
    expect("copy_to_guest(hv image)",
           copy_to_guest((unsigned long)test_page, buf, 8), -EFAULT);
    expect("copy_from_guest(straddling the user half's end)",
           copy_from_guest(buf, GUEST_USER_VIRT_END - 4, 8), -EFAULT);
    expect("clear_guest(wrapping past the top)",
           clear_guest(0xfffffffffffffff0UL, 0x20), -EFAULT);

    rc = read_byte_without_stac((const void *)TEST_USER_VA, &b);
    printk("guest_access: hv read of a user page without stac: %s (SMAP %s)\n",
           rc ? "faulted" : "allowed", smap_active ? "on" : "off");
    if (smap_active != (rc != 0))
        guest_access_failed = true;

    if (unmap_pages_from_hv(TEST_USER_VA, 1))
        panic("selftest: cannot unmap the test user page");
    expect("copy_from_guest(after unmap)",
           copy_from_guest(buf, TEST_USER_VA, 8), -EFAULT);

    printk("selftest guest_access: %s\n", guest_access_failed ? "FAIL" : "PASS");
}

/* ---- timer ---- */

struct test_timer {
    struct timer timer;
    const char *name;
    s_time_t deadline;
};

static struct test_timer test_timers[5];
static char fired_order[8];
static unsigned int nr_fired;
static bool timer_failed;

static void test_timer_fn(void *data)
{
    struct test_timer *t = data;
    s_time_t now = NOW();

    printk("timer: %s fired now=%ld deadline=%ld late=%ldns\n",
           t->name, now, t->deadline, now - t->deadline);
    if (now < t->deadline)
        timer_failed = true;
    fired_order[nr_fired++] = t->name[0];
    if (nr_fired < 4)
        return;
    if (strcmp(fired_order, "BCEA"))
        timer_failed = true;
    printk("selftest timer: order %s: %s\n", fired_order,
           timer_failed ? "FAIL" : "PASS");
    selftest_next();
}

static void arm(struct test_timer *t, const char *name, s_time_t deadline)
{
    t->name = name;
    t->deadline = deadline;
    set_timer(&t->timer, deadline);
}

static void test_timer(void)
{
    s_time_t now = NOW();

    for (unsigned int i = 0; i < ARRAY_SIZE(test_timers); i++)
        init_timer(&test_timers[i].timer, test_timer_fn, &test_timers[i]);
    /* Armed out of order; D is cancelled; E is moved later. */
    arm(&test_timers[0], "A", now + MILLISECS(40));
    arm(&test_timers[1], "B", now + MILLISECS(10));
    arm(&test_timers[2], "C", now + MILLISECS(20));
    arm(&test_timers[3], "D", now + MILLISECS(15));
    arm(&test_timers[4], "E", now + MILLISECS(5));
    stop_timer(&test_timers[3].timer);
    arm(&test_timers[4], "E", now + MILLISECS(30));
    printk("timer: armed A+40ms B+10ms C+20ms D+15ms(stopped) E+5ms->+30ms at %ld\n", now);
}

/* ---- timer_lost_irq ---- */

/*
 * A timer whose interrupt never comes (QEMU's TCG has been seen dropping
 * hv's LAPIC timer interrupt) must still run: the hardware timer is
 * disarmed right after arming, and the deadline passes before hv idles.
 * The idle loop has to find the due timer itself; if it waited for the
 * interrupt, hv would sleep forever.
 */
static struct timer lost_irq_timer;
static s_time_t lost_irq_deadline;

static void lost_irq_timer_fn(void *data)
{
    s_time_t now = NOW();

    (void)data;
    printk("timer_lost_irq: fired %ld ns after its deadline\n",
           now - lost_irq_deadline);
    printk("selftest timer_lost_irq: %s\n", now >= lost_irq_deadline ? "PASS" : "FAIL");
    selftest_next();
}

static void test_timer_lost_irq(void)
{
    init_timer(&lost_irq_timer, lost_irq_timer_fn, NULL);
    lost_irq_deadline = NOW() + MILLISECS(5);
    set_timer(&lost_irq_timer, lost_irq_deadline);
    reprogram_timer(0);
    while (NOW() <= lost_irq_deadline + MILLISECS(1))
        cpu_relax();
    printk("timer_lost_irq: interrupt dropped, deadline passed\n");
}

/* ---- crashing tests ---- */

static void __attribute__((noinline)) selftest_syscall(void)
{
    asm volatile("syscall" ::: "rcx", "r11", "memory");
}

static void __attribute__((noinline)) selftest_fault_deref(void)
{
    *(volatile u64 *)0xdead000UL = 0x1234;
}

static volatile unsigned long recursion_limit = ~0UL;

static unsigned long __attribute__((noinline)) selftest_recurse(unsigned long depth)
{
    volatile u8 frame[512];

    frame[0] = depth;
    if (depth == recursion_limit)
        return 0;
    return selftest_recurse(depth + 1) + frame[0];
}

static void test_syscall(void)      { selftest_syscall(); }
static void test_fault(void)        { selftest_fault_deref(); }
static void test_double_fault(void) { selftest_recurse(0); }

static const struct {
    const char *name;
    void (*run)(void);
    bool async;             /* calls selftest_next() itself when done */
} tests[] = {
    { "guest_access",   test_guest_access,   false },
    { "timer",          test_timer,          true  },
    { "timer_lost_irq", test_timer_lost_irq, true  },
    { "syscall",        test_syscall,        false },
    { "fault",          test_fault,          false },
    { "double_fault",   test_double_fault,   false },
};

static void selftest_next(void)
{
    while (next_test < ARRAY_SIZE(tests)) {
        unsigned int i = next_test++;

        if (!cmdline_list_has(selected, tests[i].name))
            continue;
        printk("selftest: running %s\n", tests[i].name);
        tests[i].run();
        if (tests[i].async)
            return;
    }
    printk("selftest: done\n");
    machine_power_off();
}

void selftest_start(const char *list)
{
    const char *p = list;

    /* Warn about names that match no test. */
    while (*p) {
        char name[32];
        size_t n = strchr(p, ',') ? (size_t)(strchr(p, ',') - p) : strlen(p);
        bool known = n == 8 && !strncmp(p, "poweroff", 8);

        strlcpy(name, p, min(n + 1, sizeof(name)));
        for (unsigned int i = 0; i < ARRAY_SIZE(tests); i++)
            known |= !strcmp(name, tests[i].name);
        if (!known)
            printk("selftest: unknown test \"%s\"\n", name);
        p += n + (p[n] == ',');
    }
    selected = list;
    next_test = 0;
    selftest_next();
}
