/*
 * hv's allocation-failure injector (tests only; docs/robustness.md).
 * Every allocator entry asks alloc_should_fail() first: one load of a
 * flag that stays false unless a dom0 of an hv booted with `fail_alloc`
 * set the injector through HERON_SYSCTL_fail_alloc.
 */
#ifndef HV_ALLOC_FAULT_H
#define HV_ALLOC_FAULT_H

#include <hv/types.h>

struct heron_sysctl_fail_alloc;

extern bool alloc_fault_armed;

bool alloc_fault_fire(void);

static inline bool alloc_should_fail(void)
{
    return __builtin_expect(alloc_fault_armed, 0) && alloc_fault_fire();
}

/* Validates and applies op->op, then fills in the counters.  0 or -errno. */
int alloc_fault_control(struct heron_sysctl_fail_alloc *op);

/* Bytes xmalloc has handed out and not had back (slab objects count
 * their class size, large ones their pages). */
u64 xmalloc_bytes_in_use(void);

#endif
