/* Start of day, console and reporting for PV test guests. */
#include "guest.h"
#include "traps.h"
#include <public/sched.h>

start_info_t *start_info;
shared_info_t *shared_info;

static unsigned int failures;
static const char *current_subtest;
static uint8_t shared_info_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static void console_write(const char *s, size_t n)
{
    hypercall3(HC(console_io), CONSOLEIO_write, n, PTR(s));
}

static void vprintk(const char *fmt, va_list ap)
{
    char buf[256];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void shutdown(unsigned int reason)
{
    struct sched_shutdown s = { .reason = reason };
    for (;;)
        hypercall2(HC(sched_op), SCHEDOP_shutdown, PTR(&s));
}

void panic(const char *fmt, ...)
{
    va_list ap;
    printk("PANIC: ");
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\nTest result: FAIL (%s)\n", test_title);
    shutdown(SHUTDOWN_crash);
}

void test_fail(const char *fmt, ...)
{
    va_list ap;
    failures++;
    printk(current_subtest ? "  failed: " : "FAIL: ");
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n");
}

static unsigned int subtest_failures;

void subtest_begin(const char *name)
{
    current_subtest = name;
    subtest_failures = failures;
}

void subtest_end(void)
{
    if (failures == subtest_failures)
        printk("ok: %s\n", current_subtest);
    else
        printk("FAIL: %s (%u failed checks)\n", current_subtest,
               failures - subtest_failures);
    current_subtest = 0;
}

void subtest(const char *name, void (*fn)(void))
{
    subtest_begin(name);
    fn();
    subtest_end();
}

bool is_dom0(void)
{
    return start_info->flags & (SIF_INITDOMAIN | SIF_PRIVILEGED);
}

bool skip_on_dom0(const char *what)
{
    if (!is_dom0())
        return false;
    printk("skip: %s (domU only)\n", what);
    return true;
}

/* Map the shared_info frame over a page of our own image. */
static void map_shared_info(void)
{
    uint64_t pte = start_info->shared_info | _PAGE_PRESENT | _PAGE_RW |
                   _PAGE_ACCESSED | _PAGE_DIRTY;
    long rc = hypercall3(HC(update_va_mapping), PTR(shared_info_page), pte,
                         UVMF_INVLPG);
    if (rc)
        panic("mapping shared_info: %ld", rc);
    shared_info = (shared_info_t *)shared_info_page;
}

void guest_start(start_info_t *si)
{
    start_info = si;
    printk("--- heron test guest: %s ---\n", test_title);
    if (memcmp(si->magic, "xen-3.0-x86_64", 14))
        panic("bad start_info magic");
    map_shared_info();
    traps_init();
    test_main();
    if (failures)
        printk("Test result: FAIL (%s: %u failures)\n", test_title, failures);
    else
        printk("Test result: PASS (%s)\n", test_title);
    shutdown(SHUTDOWN_poweroff);
}
