/*
 * 2-level event delivery.  Port p is bit p of shared_info's evtchn_pending
 * and evtchn_mask arrays; bit p / 64 of a vCPU's evtchn_pending_sel says
 * which pending word to look at, and evtchn_upcall_pending says "look".
 *
 * Setting a port pending raises the upcall only if the port is unmasked
 * and its selector bit was clear (otherwise the guest will find the port
 * anyway when it scans that word); unmasking a pending port does the same
 * thing late.  The guest clears pending bits, the selector and the upcall
 * flag itself.
 */
#include <hv/evtchn_2l.h>

#define WORD(port) ((port) / 64)
#define BIT(port)  (1UL << ((port) % 64))

static bool test_and_set(u64 *w, u64 bit)
{
    return __atomic_fetch_or(w, bit, __ATOMIC_SEQ_CST) & bit;
}

static bool test_and_clear(u64 *w, u64 bit)
{
    return __atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST) & bit;
}

static bool test(const u64 *w, u64 bit)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & bit;
}

/* The selector bit for port's word is newly set: raise the upcall. */
static unsigned int mark_pending(vcpu_info_t *vi, evtchn_port_t port)
{
    if (test_and_set(&vi->evtchn_pending_sel, 1UL << WORD(port)))
        return 0;
    if (__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        return 0;
    return EVTCHN_2L_KICK;
}

unsigned int evtchn_2l_set_pending(shared_info_t *s, vcpu_info_t *vi,
                                   evtchn_port_t port)
{
    if (test_and_set(&s->evtchn_pending[WORD(port)], BIT(port)))
        return 0;
    if (test(&s->evtchn_mask[WORD(port)], BIT(port)))
        return EVTCHN_2L_NEWLY_PENDING;
    return EVTCHN_2L_NEWLY_PENDING | mark_pending(vi, port);
}

unsigned int evtchn_2l_unmask(shared_info_t *s, vcpu_info_t *vi,
                              evtchn_port_t port)
{
    if (!test_and_clear(&s->evtchn_mask[WORD(port)], BIT(port)) ||
        !test(&s->evtchn_pending[WORD(port)], BIT(port)))
        return 0;
    return mark_pending(vi, port);
}

void evtchn_2l_clear_pending(shared_info_t *s, evtchn_port_t port)
{
    test_and_clear(&s->evtchn_pending[WORD(port)], BIT(port));
}

bool evtchn_2l_is_pending(const shared_info_t *s, evtchn_port_t port)
{
    return test(&s->evtchn_pending[WORD(port)], BIT(port));
}

bool evtchn_2l_is_masked(const shared_info_t *s, evtchn_port_t port)
{
    return test(&s->evtchn_mask[WORD(port)], BIT(port));
}
