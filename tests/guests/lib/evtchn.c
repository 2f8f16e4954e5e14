/* Event channels: wrappers, bitmap helpers and the upcall handler. */
#include "evtchn.h"
#include "traps.h"

#include <public/sched.h>

unsigned int evtchn_upcalls;
uint64_t evtchn_last_sel;
uint8_t evtchn_upcall_mask_seen;
static uint16_t hits[EVTCHN_2L_NR_CHANNELS];

long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall2(HC(event_channel_op), cmd, PTR(arg));
}

long evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = remote };
    long rc = evtchn_op(EVTCHNOP_alloc_unbound, &op);
    *port = op.port;
    return rc;
}

long evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port,
                             evtchn_port_t *port)
{
    struct evtchn_bind_interdomain op = {
        .remote_dom = remote, .remote_port = remote_port,
    };
    long rc = evtchn_op(EVTCHNOP_bind_interdomain, &op);
    *port = op.local_port;
    return rc;
}

long evtchn_bind_virq(uint32_t virq, evtchn_port_t *port)
{
    struct evtchn_bind_virq op = { .virq = virq, .vcpu = 0 };
    long rc = evtchn_op(EVTCHNOP_bind_virq, &op);
    *port = op.port;
    return rc;
}

long evtchn_bind_ipi(evtchn_port_t *port)
{
    struct evtchn_bind_ipi op = { .vcpu = 0 };
    long rc = evtchn_op(EVTCHNOP_bind_ipi, &op);
    *port = op.port;
    return rc;
}

long evtchn_send(evtchn_port_t port)
{
    struct evtchn_send op = { port };
    return evtchn_op(EVTCHNOP_send, &op);
}

long evtchn_close(evtchn_port_t port)
{
    struct evtchn_close op = { port };
    return evtchn_op(EVTCHNOP_close, &op);
}

long evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_unmask op = { port };
    return evtchn_op(EVTCHNOP_unmask, &op);
}

long evtchn_status(evtchn_port_t port, struct evtchn_status *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = DOMID_SELF;
    st->port = port;
    return evtchn_op(EVTCHNOP_status, st);
}

domid_t own_domid(void)
{
    evtchn_port_t port;
    struct evtchn_status st;

    long rc = evtchn_alloc_unbound(DOMID_SELF, &port);
    if (rc)
        panic("own_domid: alloc_unbound: %ld", rc);
    rc = evtchn_status(port, &st);
    if (rc || st.status != EVTCHNSTAT_unbound)
        panic("own_domid: status: %ld/%u", rc, st.status);
    evtchn_close(port);
    return st.u.unbound.dom;
}

static volatile uint64_t *bitmap_word(volatile uint64_t *map, evtchn_port_t port)
{
    return &map[port / 64];
}

bool evtchn_pending(evtchn_port_t port)
{
    return *bitmap_word(shared_info->evtchn_pending, port) & (1UL << (port % 64));
}

bool evtchn_masked(evtchn_port_t port)
{
    return *bitmap_word(shared_info->evtchn_mask, port) & (1UL << (port % 64));
}

void evtchn_set_mask(evtchn_port_t port)
{
    asm volatile ("lock btsq %1, %0"
                  : "+m"(*bitmap_word(shared_info->evtchn_mask, port))
                  : "r"((uint64_t)port % 64) : "memory");
}

void evtchn_clear_mask(evtchn_port_t port)
{
    asm volatile ("lock btrq %1, %0"
                  : "+m"(*bitmap_word(shared_info->evtchn_mask, port))
                  : "r"((uint64_t)port % 64) : "memory");
}

void evtchn_clear_pending(evtchn_port_t port)
{
    asm volatile ("lock btrq %1, %0"
                  : "+m"(*bitmap_word(shared_info->evtchn_pending, port))
                  : "r"((uint64_t)port % 64) : "memory");
}

static void evtchn_do_upcall(void)
{
    volatile struct vcpu_info *vi = &shared_info->vcpu_info[0];

    evtchn_upcalls++;
    evtchn_upcall_mask_seen = vi->evtchn_upcall_mask;
    do {
        vi->evtchn_upcall_pending = 0;
        uint64_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0,
                                           __ATOMIC_SEQ_CST);
        evtchn_last_sel = sel;
        while (sel) {
            unsigned int word = __builtin_ctzl(sel);
            sel &= sel - 1;
            uint64_t bits = shared_info->evtchn_pending[word] &
                            ~shared_info->evtchn_mask[word];
            while (bits) {
                evtchn_port_t port = word * 64 + __builtin_ctzl(bits);
                bits &= bits - 1;
                evtchn_clear_pending(port);
                hits[port]++;
            }
        }
    } while (vi->evtchn_upcall_pending);
}

void events_init(void)
{
    event_handler = evtchn_do_upcall;
}

unsigned int evtchn_hits(evtchn_port_t port)
{
    return port < EVTCHN_2L_NR_CHANNELS ? hits[port] : 0;
}

void events_enable(void)
{
    volatile struct vcpu_info *vi = &shared_info->vcpu_info[0];

    vi->evtchn_upcall_mask = 0;
    asm volatile ("" ::: "memory");
    /* Clearing the mask raises nothing by itself: any hypercall delivers. */
    if (vi->evtchn_upcall_pending)
        hypercall2(HC(xen_version), 0, 0);
}

void events_disable(void)
{
    shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
    asm volatile ("" ::: "memory");
}

long sched_block(void)
{
    return hypercall2(HC(sched_op), SCHEDOP_block, 0);
}

long sched_poll(evtchn_port_t *ports, unsigned int n, uint64_t timeout)
{
    struct sched_poll poll = { .ports = PTR(ports), .nr_ports = n, .timeout = timeout };
    return hypercall2(HC(sched_op), SCHEDOP_poll, PTR(&poll));
}

long sched_yield(void)
{
    return hypercall2(HC(sched_op), SCHEDOP_yield, 0);
}
