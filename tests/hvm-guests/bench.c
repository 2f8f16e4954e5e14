/*
 * mode=bench: an HVM guest's null hypercall, xen_version(XENVER_version)
 * through the hypercall page, for bench/run's HVM row.  Timed as
 * bench/kernels/measure.h times the PV one (batches doubling until one
 * takes an eighth of the target, then one batch of about t=MS, default
 * 300) and reported in the same lines:
 *
 *   === BEGIN hypercall ===
 *   BENCH name=hypercall unit=ns/op value=NS_PER_OP iters=N tsc=TICKS_PER_OP
 *   === END hypercall (status 0) ===
 *
 * The clock is the ACPI PM timer (3.579545 MHz), read at the ends of a
 * batch only: each read is a VM exit of its own.
 */
#include "hvmtest.h"
#include <public/xen.h>
#include <public/version.h>

#define PM_HZ 3579545u

/* a / b by shift and subtract: no libgcc for 64-bit division here. */
static uint64_t div64(uint64_t a, uint64_t b)
{
    uint64_t q = 0, r = 0;

    for (int i = 63; i >= 0; i--) {
        r = (r << 1) | ((a >> i) & 1);
        if (r >= b) {
            r -= b;
            q |= 1ull << i;
        }
    }
    return q;
}

static uint32_t parse_u32(const char *s)
{
    uint32_t v = 0;

    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint32_t)(*s++ - '0');
    return v;
}

static void null_hypercalls(uint32_t n)
{
    while (n--)
        hypercall32(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
}

/* "KEY=X.YY" for a value in hundredths. */
static void print_hundredths(const char *key, uint64_t v)
{
    printf(" %s=%u.%02u", key, (uint32_t)div64(v, 100), (uint32_t)(v - div64(v, 100) * 100));
}

void hvm_bench(void)
{
    char arg[16] = "300";
    uint32_t target, n, t0, ticks;
    uint64_t c0, tsc;

    cmdline_get("t", arg, sizeof(arg));
    target = parse_u32(arg) * (PM_HZ / 1000);
    printf("=== BEGIN hypercall ===\n");
    if (!target || !hypercall_page_place() ||
        hypercall32(__HYPERVISOR_xen_version, XENVER_version, 0, 0) >> 16 != 4) {
        printf("FAIL: t=%s, want t > 0, a hypercall page and xen_version 4.x\n", arg);
        printf("=== END hypercall (status 1) ===\n");
        return;
    }
    for (n = 1;; n *= 2) {
        t0 = pm_ticks();
        null_hypercalls(n);
        ticks = pm_ticks() - t0;
        if (ticks >= target / 8 || n >= (1u << 30))
            break;
    }
    n = (uint32_t)div64((uint64_t)n * target, ticks ? ticks : 1);
    n = n ? n : 1;
    t0 = pm_ticks();
    c0 = rdtsc();
    null_hypercalls(n);
    tsc = rdtsc() - c0;
    ticks = pm_ticks() - t0;
    printf("BENCH name=hypercall unit=ns/op");
    print_hundredths("value", div64(div64((uint64_t)ticks * 100000000000ull, PM_HZ), n));
    printf(" iters=%u", n);
    print_hundredths("tsc", div64(tsc * 100, n));
    printf("\n=== END hypercall (status 0) ===\n");
}
