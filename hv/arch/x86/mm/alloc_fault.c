/*
 * The allocation-failure injector: makes chosen allocations fail so tests
 * can walk every allocation of an operation (fail the 1st, then the 2nd,
 * ...) or fail at random from a seed, and check hv cleans up after each.
 * Off (alloc_fault_armed false) unless a test sets it; the allocators
 * then pay one predicted-not-taken branch.
 */
#include <hv/lib.h>
#include <hv/spinlock.h>
#include <hv/mm.h>
#include <hv/alloc_fault.h>
#include <hv/errno.h>
#include <public/sysctl.h>

bool alloc_fault_armed;

static spinlock_t fault_lock = SPIN_LOCK_UNLOCKED;
static u32 mode = HERON_FAIL_ALLOC_off;
static u64 nth, per_mille, rng;
static u64 allocs, failed;

/* xorshift64: the same seed fails the same allocations. */
static u64 next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

bool alloc_fault_fire(void)
{
    bool fail;

    spin_lock(&fault_lock);
    allocs++;
    if (mode == HERON_FAIL_ALLOC_nth)
        fail = allocs == nth;
    else
        fail = mode == HERON_FAIL_ALLOC_random && next_random() % 1000 < per_mille;
    failed += fail;
    spin_unlock(&fault_lock);
    return fail;
}

static int check(const struct heron_sysctl_fail_alloc *op)
{
    switch (op->op) {
    case HERON_FAIL_ALLOC_query:
    case HERON_FAIL_ALLOC_off:
        return op->nth || op->per_mille || op->seed ? -EINVAL : 0;
    case HERON_FAIL_ALLOC_nth:
        return op->nth == 0 || op->per_mille || op->seed ? -EINVAL : 0;
    case HERON_FAIL_ALLOC_random:
        return op->nth || op->per_mille == 0 || op->per_mille > 1000 ? -EINVAL : 0;
    default:
        return -EINVAL;
    }
}

int alloc_fault_control(struct heron_sysctl_fail_alloc *op)
{
    struct mm_stats s;
    int rc = check(op);

    if (rc)
        return rc;
    spin_lock(&fault_lock);
    if (op->op != HERON_FAIL_ALLOC_query) {
        mode = op->op;
        nth = op->nth;
        per_mille = op->per_mille;
        rng = op->seed ? op->seed : 1;
        allocs = failed = 0;
        /* nth stays armed after its failure: allocs goes on counting. */
        alloc_fault_armed = mode != HERON_FAIL_ALLOC_off;
    }
    op->allocs = allocs;
    op->failed = failed;
    spin_unlock(&fault_lock);
    mm_get_stats(&s);
    op->free_frames = free_frames();
    op->xmalloc_bytes = xmalloc_bytes_in_use();
    op->xenheap_frames = s.xenheap;
    return 0;
}
