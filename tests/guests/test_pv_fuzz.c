/*
 * Hostile guest: thousands of hypercalls with random numbers and random
 * arguments (small values, flags, pointers to random bytes, pointers into
 * hv's hole, non-canonical and unmapped addresses, huge counts).  Whatever
 * happens to this domain, hv must stay up and the other domains unharmed;
 * the scenario checks that and the frame accounting afterwards.
 *     seed=<n> [calls=<n, default 4000>]
 * Calls that would only end the run early are left out: iret, sched_op
 * but yield (shutdown; block and poll could sleep for ever), and those
 * replacing the trap table, callbacks or kernel stack.
 * hv only.
 */
#include "lib/guest.h"
#include "lib/mm.h"
#include <public/sched.h>

const char test_title[] = "pv_fuzz";

static uint64_t rng;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint8_t *junk;               /* a page of random bytes */

static uint64_t random_arg(void)
{
    static const uint64_t odd[] = {
        0, 1, ~0UL, 0x7fffffff, 0x80000000, 0x7ff0, 0x7ff4, 0xffff,
        0x8000000000000000UL, 0x0000800000000000UL, 0xffff800000001000UL,
        0xffff82d080200000UL, 0xffff830000000000UL, 0x1000, 0xfff,
    };

    switch (rnd() % 6) {
    case 0: return rnd() % 64;
    case 1: return odd[rnd() % (sizeof(odd) / sizeof(odd[0]))];
    case 2: return PTR(junk) + (rnd() % 512) * 8;
    case 3: return PTR(junk) + PAGE_SIZE - 8;           /* runs off our page */
    case 4: return rnd();
    default: return rnd() & 0xffffffff;
    }
}

static bool excluded(uint64_t nr, uint64_t a0)
{
    switch (nr) {
    case HC(set_trap_table): case HC(stack_switch): case HC(set_callbacks):
    case HC(iret): case HC(callback_op): case HC(multicall):
        return true;
    case HC(sched_op):
        return a0 != SCHEDOP_yield;
    case HC(console_io):
        return true;                /* would only fill the log */
    default:
        return false;
    }
}

void test_main(void)
{
    long calls = cmdline_long("calls", 4000), done = 0, ok = 0;

    rng = 0x9e3779b97f4a7c15UL ^ (uint64_t)cmdline_long("seed", 1);
    junk = alloc_page();
    for (unsigned int k = 0; k < PAGE_SIZE / 8; k++)
        ((uint64_t *)junk)[k] = rnd() % 4 ? rnd() : rnd() % 4096;
    for (long i = 0; i < calls; i++) {
        uint64_t nr = rnd() % 48, a[5];

        for (unsigned int k = 0; k < 5; k++)
            a[k] = random_arg();
        if (nr == HC(sched_op))
            a[0] = SCHEDOP_yield;
        if (excluded(nr, a[0]))
            continue;
        ok += hypercall5(nr, a[0], a[1], a[2], a[3], a[4]) >= 0;
        done++;
    }
    printk("fuzz: %ld hypercalls made, %ld returned >= 0\n", done, ok);
}
