/*
 * pvclock for PV guests.  hv's system time is already the pvclock formula
 * over the TSC (time.c), so each vcpu_info.time gets hv's own scale and a
 * fresh (TSC, system time) pair; a guest extrapolates from it with
 *   now = system_time + ((tsc - tsc_timestamp) scaled by mul/shift).
 * Records are written under the version seqlock (odd while changing) and
 * refreshed whenever the vCPU is scheduled in.  A vCPU may register a
 * second copy in its own memory (Linux maps it into its vDSO); it gets
 * the same record and version numbers.
 */
#include <hv/vtime.h>
#include <hv/time.h>
#include <hv/processor.h>
#include <hv/pv.h>
#include <hv/guest_access.h>
#include <hv/percpu.h>
#include <hv/lib.h>

#define wmb() asm volatile("" ::: "memory")     /* x86: stores stay ordered */

void update_vcpu_system_time(struct vcpu *v)
{
    vcpu_time_info_t *t = &v->vcpu_info->time;
    u32 mul;
    s8 shift;
    u64 tsc;

    time_get_scale(&mul, &shift);
    t->version = (t->version + 1) | 1;
    wmb();
    tsc = rdtsc();
    t->tsc_timestamp = tsc;
    t->system_time = scale_delta(tsc - time_tsc_base(),
                                 &(struct time_scale){ mul, shift });
    t->tsc_to_system_mul = mul;
    t->tsc_shift = shift;
    t->flags = XEN_PVCLOCK_TSC_STABLE_BIT;
    wmb();
    t->version++;
    if (v == current && !update_vcpu_time_area(v))
        v->arch.time_update_pending = true;
}

bool update_vcpu_time_area(struct vcpu *v)
{
    xen_guest_handle_t h = v->time_info_guest;
    xen_guest_handle_t ver = h + offsetof(vcpu_time_info_t, version);
    vcpu_time_info_t t = v->vcpu_info->time;
    u32 odd = t.version - 1;

    ASSERT(v == current);
    if (!h)
        return true;
    if (copy_to_guest(ver, &odd, sizeof(odd)))
        return false;
    wmb();
    t.version = odd;
    if (copy_to_guest(h, &t, sizeof(t)))
        return false;
    wmb();
    t.version = odd + 1;
    return !copy_to_guest(ver, &t.version, sizeof(t.version));
}

void update_domain_wallclock_time(struct domain *d)
{
    shared_info_t *s = d->shared_info;
    u64 sec;
    u32 nsec;

    wallclock_get(&sec, &nsec);
    s->wc_version = (s->wc_version + 1) | 1;
    wmb();
    s->wc_sec = (u32)sec;
    s->wc_sec_hi = (u32)(sec >> 32);
    s->wc_nsec = nsec;
    wmb();
    s->wc_version++;
}
