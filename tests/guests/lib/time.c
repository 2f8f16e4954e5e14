/*
 * pvclock: the hypervisor publishes (tsc_timestamp, system_time, mul,
 * shift) per vCPU, under a version seqlock that is odd while it writes.
 * now = system_time + (scaled TSC delta * mul) >> 32.
 */
#include "guest.h"
#include "time.h"
#include <public/vcpu.h>

uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    asm volatile ("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

uint64_t now_ns(void)
{
    const volatile struct vcpu_time_info *t = &shared_info->vcpu_info[0].time;
    uint32_t version, mul;
    uint64_t stamp, system_time, tsc;
    int8_t shift;

    do {
        version = t->version;
        asm volatile ("" ::: "memory");
        stamp = t->tsc_timestamp;
        system_time = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        tsc = rdtsc();
        asm volatile ("" ::: "memory");
    } while ((version & 1) || version != t->version);

    uint64_t delta = tsc - stamp;
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return system_time + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

long set_timer_op(uint64_t deadline)
{
    return hypercall1(HC(set_timer_op), deadline);
}

long set_singleshot_timer(uint64_t deadline, uint32_t flags)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline, .flags = flags };
    return hypercall3(HC(vcpu_op), VCPUOP_set_singleshot_timer, 0, PTR(&t));
}

long stop_singleshot_timer(void)
{
    return hypercall3(HC(vcpu_op), VCPUOP_stop_singleshot_timer, 0, 0);
}

long stop_periodic_timer(void)
{
    return hypercall3(HC(vcpu_op), VCPUOP_stop_periodic_timer, 0, 0);
}
