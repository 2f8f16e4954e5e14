/*
 * Event channels, 2-level ABI: per-domain ports and the event_channel_op
 * hypercall (and its old form, hypercall 16).
 *
 * A domain's ports live in buckets of 64, allocated as ports are used;
 * ports of allocated buckets are "valid" (status reports free ones as
 * closed), others give -EINVAL, as in Xen.  Port 0 is reserved.  A port is
 * free, unbound (waiting for a given remote domain to bind), interdomain
 * (connected to a remote port), a VIRQ, an IPI or a physical IRQ of the
 * hardware domain (pirq.c).  Sending marks the
 * target port pending in its domain's shared_info (event_2l.c) and kicks
 * the vCPU the port notifies.
 */
#include <hv/event.h>
#include <hv/evtchn_2l.h>
#include <hv/sched.h>
#include <hv/guest_access.h>
#include <hv/mm.h>
#include <hv/pirq.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <public/event_channel.h>

#define PORTS_PER_BUCKET  64
#define NR_BUCKETS        (EVTCHN_2L_NR_CHANNELS / PORTS_PER_BUCKET)

enum evtchn_state {
    ECS_FREE,
    ECS_RESERVED,
    ECS_UNBOUND,
    ECS_INTERDOMAIN,
    ECS_VIRQ,
    ECS_IPI,
    ECS_PIRQ,
};

struct evtchn {
    u8 state;
    u16 notify_vcpu_id;
    union {
        domid_t remote_domid;                   /* unbound */
        struct {
            struct domain *dom;
            evtchn_port_t port;
        } interdomain;
        u32 virq;
        u32 pirq;
    } u;
};

struct evtchn_domain {
    spinlock_t lock;
    unsigned int nr_valid;                      /* ports with a bucket */
    struct evtchn *bucket[NR_BUCKETS];
};

enum virq_type { VIRQ_VCPU, VIRQ_DOMAIN, VIRQ_GLOBAL };

static enum virq_type virq_type(unsigned int virq)
{
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return VIRQ_VCPU;
    case VIRQ_ARGO:
        return VIRQ_DOMAIN;
    default:
        return VIRQ_GLOBAL;
    }
}

static struct evtchn *port_chn(const struct domain *d, evtchn_port_t port)
{
    const struct evtchn_domain *ed = d->evtchn;

    if (!ed || port >= ed->nr_valid)
        return NULL;
    return &ed->bucket[port / PORTS_PER_BUCKET][port % PORTS_PER_BUCKET];
}

/* Two domains' locks, lower domain id first (same domain: once). */
static void double_lock(struct domain *a, struct domain *b)
{
    if (a == b) {
        spin_lock(&a->evtchn->lock);
    } else if (a->domain_id < b->domain_id) {
        spin_lock(&a->evtchn->lock);
        spin_lock(&b->evtchn->lock);
    } else {
        spin_lock(&b->evtchn->lock);
        spin_lock(&a->evtchn->lock);
    }
}

static void double_unlock(struct domain *a, struct domain *b)
{
    spin_unlock(&a->evtchn->lock);
    if (a != b)
        spin_unlock(&b->evtchn->lock);
}

/* A free port of d (its bucket allocated), or -ENOSPC / -ENOMEM. */
static int get_free_port(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;
    evtchn_port_t port;

    if (d->is_dying)
        return -EINVAL;
    for (port = 1; port < ed->nr_valid; port++)
        if (port_chn(d, port)->state == ECS_FREE)
            return port;
    if (ed->nr_valid == EVTCHN_2L_NR_CHANNELS)
        return -ENOSPC;
    ed->bucket[ed->nr_valid / PORTS_PER_BUCKET] =
        xzalloc(PORTS_PER_BUCKET * sizeof(struct evtchn));
    if (!ed->bucket[ed->nr_valid / PORTS_PER_BUCKET])
        return -ENOMEM;
    port = ed->nr_valid;
    ed->nr_valid += PORTS_PER_BUCKET;
    return port;
}

static void free_port(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn = port_chn(d, port);

    /* A re-bound port must not start with a stale event. */
    if (d->shared_info)
        evtchn_2l_clear_pending(d->shared_info, port);
    chn->state = ECS_FREE;
    chn->notify_vcpu_id = 0;
}

/* Marks port of d pending for its vCPU and wakes whoever waits for it. */
static void set_pending(struct domain *d, unsigned int vcpu_id, evtchn_port_t port)
{
    struct vcpu *v = domain_vcpu(d, vcpu_id);
    unsigned int r;

    if (!v || !d->shared_info)
        return;
    r = evtchn_2l_set_pending(d->shared_info, v->vcpu_info, port);
    if (r & EVTCHN_2L_KICK)
        vcpu_kick(v);
    if (r & EVTCHN_2L_NEWLY_PENDING)
        sched_poll_wake(d, port);
}

int evtchn_init(struct domain *d)
{
    struct evtchn_domain *ed = xzalloc(sizeof(*ed));

    if (!ed)
        return -ENOMEM;
    spin_lock_init(&ed->lock);
    d->evtchn = ed;
    if (get_free_port(d) != 0) {                /* bucket 0; port 0 is reserved */
        xfree(ed);
        d->evtchn = NULL;
        return -ENOMEM;
    }
    port_chn(d, 0)->state = ECS_RESERVED;
    return 0;
}

/*
 * Locks d's ports and, if port is interdomain, its peer domain's too (in
 * domain-id order); returns the peer locked (or NULL).  Re-checks after
 * taking the locks, since the port may change while none is held.
 */
static struct domain *lock_port_and_peer(struct domain *d, evtchn_port_t port)
{
    for (;;) {
        struct evtchn *chn;
        struct domain *peer;

        spin_lock(&d->evtchn->lock);
        chn = port_chn(d, port);
        if (!chn || chn->state != ECS_INTERDOMAIN || chn->u.interdomain.dom == d)
            return NULL;
        peer = chn->u.interdomain.dom;
        spin_unlock(&d->evtchn->lock);
        double_lock(d, peer);
        chn = port_chn(d, port);
        if (chn->state == ECS_INTERDOMAIN && chn->u.interdomain.dom == peer)
            return peer;
        double_unlock(d, peer);
    }
}

static void unlock_port_and_peer(struct domain *d, struct domain *peer)
{
    spin_unlock(&d->evtchn->lock);
    if (peer)
        spin_unlock(&peer->evtchn->lock);
}

/* Closes port of d1; called with lock_port_and_peer() held. */
static int close_port(struct domain *d1, evtchn_port_t port1)
{
    struct evtchn *chn1 = port_chn(d1, port1), *chn2;
    struct domain *d2;
    struct vcpu *v;

    if (!chn1)
        return -EINVAL;
    switch (chn1->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        return -EINVAL;
    case ECS_VIRQ:
        v = d1->vcpu[virq_type(chn1->u.virq) == VIRQ_VCPU ? chn1->notify_vcpu_id : 0];
        if (v)
            v->virq_to_evtchn[chn1->u.virq] = 0;
        break;
    case ECS_PIRQ:
        pirq_unbind(d1, chn1->u.pirq);
        break;
    case ECS_INTERDOMAIN:
        /* The peer's port waits for us again. */
        d2 = chn1->u.interdomain.dom;
        chn2 = port_chn(d2, chn1->u.interdomain.port);
        ASSERT(chn2 && chn2->state == ECS_INTERDOMAIN &&
               chn2->u.interdomain.dom == d1);
        chn2->state = ECS_UNBOUND;
        chn2->u.remote_domid = d1->domain_id;
        break;
    }
    free_port(d1, port1);
    return 0;
}

static int close_port_locked(struct domain *d, evtchn_port_t port)
{
    struct domain *peer = lock_port_and_peer(d, port);
    int rc = close_port(d, port);

    unlock_port_and_peer(d, peer);
    return rc;
}

void evtchn_destroy(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;

    for (evtchn_port_t port = 1; port < ed->nr_valid; port++)
        if (port_chn(d, port)->state != ECS_FREE)
            close_port_locked(d, port);
    for (unsigned int b = 0; b < NR_BUCKETS; b++)
        xfree(ed->bucket[b]);
    xfree(ed);
    d->evtchn = NULL;
}

int evtchn_alloc_unbound_port(struct domain *d, domid_t remote,
                              evtchn_port_t *port)
{
    int p;

    spin_lock(&d->evtchn->lock);
    p = get_free_port(d);
    if (p >= 0) {
        struct evtchn *chn = port_chn(d, p);

        chn->state = ECS_UNBOUND;
        chn->u.remote_domid = remote;
        *port = p;
    }
    spin_unlock(&d->evtchn->lock);
    return p < 0 ? p : 0;
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
    struct domain *d = v->domain;
    evtchn_port_t port;

    if (!d->evtchn)
        return;
    spin_lock(&d->evtchn->lock);
    port = v->virq_to_evtchn[virq];
    if (port)
        set_pending(d, v->vcpu_id, port);
    spin_unlock(&d->evtchn->lock);
}

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
    evtchn_port_t port;

    if (!d || !d->evtchn || !d->vcpu[0])
        return;
    spin_lock(&d->evtchn->lock);
    port = d->vcpu[0]->virq_to_evtchn[virq];
    if (port)
        set_pending(d, port_chn(d, port)->notify_vcpu_id, port);
    spin_unlock(&d->evtchn->lock);
}

void evtchn_send_pirq(struct domain *d, evtchn_port_t port, unsigned int pirq)
{
    struct evtchn *chn;

    spin_lock(&d->evtchn->lock);
    chn = port_chn(d, port);
    if (chn && chn->state == ECS_PIRQ && chn->u.pirq == pirq)
        set_pending(d, chn->notify_vcpu_id, port);
    spin_unlock(&d->evtchn->lock);
}

bool evtchn_port_valid(struct domain *d, evtchn_port_t port)
{
    return port_chn(d, port) != NULL;
}

bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port)
{
    return port_chn(d, port) && d->shared_info &&
           evtchn_2l_is_pending(d->shared_info, port);
}

/* --- the hypercall --- */

static bool remote_domid_ok(domid_t id)
{
    return id < DOMID_FIRST_RESERVED || id == DOMID_SELF;
}

static long op_alloc_unbound(xen_guest_handle_t arg)
{
    struct evtchn_alloc_unbound a;
    struct domain *d;
    evtchn_port_t port;
    int rc = 0;

    if (copy_from_guest(&a, arg, sizeof(a)) || copy_to_guest(arg, &a, sizeof(a)))
        return -EFAULT;
    if (!remote_domid_ok(a.remote_dom))
        return -EINVAL;
    d = get_domain_for_caller(a.dom, &rc);
    if (!d)
        return rc;
    rc = evtchn_alloc_unbound_port(d, a.remote_dom == DOMID_SELF ?
                                   current->domain->domain_id : a.remote_dom,
                                   &port);
    put_domain(d);
    if (rc)
        return rc;
    a.port = port;
    return copy_to_guest(arg, &a, sizeof(a)) ? -EFAULT : 0;
}

static long op_bind_interdomain(xen_guest_handle_t arg)
{
    struct evtchn_bind_interdomain b;
    struct domain *ld = current->domain, *rd;
    struct evtchn *lchn, *rchn;
    int lport, rc = 0;

    if (copy_from_guest(&b, arg, sizeof(b)) || copy_to_guest(arg, &b, sizeof(b)))
        return -EFAULT;
    if (b.remote_dom == DOMID_SELF) {
        rd = ld;
        get_domain(ld);
    } else if (!(rd = get_domain_by_id(b.remote_dom))) {
        return -ESRCH;
    }

    double_lock(ld, rd);
    rchn = port_chn(rd, b.remote_port);
    if (!rchn || rchn->state != ECS_UNBOUND || rchn->u.remote_domid != ld->domain_id) {
        rc = -EINVAL;
        goto out;
    }
    lport = get_free_port(ld);
    if (lport < 0) {
        rc = lport;
        goto out;
    }
    lchn = port_chn(ld, lport);
    lchn->state = ECS_INTERDOMAIN;
    lchn->u.interdomain.dom = rd;
    lchn->u.interdomain.port = b.remote_port;
    rchn->state = ECS_INTERDOMAIN;
    rchn->u.interdomain.dom = ld;
    rchn->u.interdomain.port = lport;
    /* Events sent to the unbound remote port were dropped: signal once. */
    set_pending(ld, lchn->notify_vcpu_id, lport);
    b.local_port = lport;
out:
    double_unlock(ld, rd);
    put_domain(rd);
    if (rc)
        return rc;
    return copy_to_guest(arg, &b, sizeof(b)) ? -EFAULT : 0;
}

static long op_bind_virq(xen_guest_handle_t arg)
{
    struct evtchn_bind_virq b;
    struct domain *d = current->domain;
    struct vcpu *v;
    int port, rc = 0;

    if (copy_from_guest(&b, arg, sizeof(b)) || copy_to_guest(arg, &b, sizeof(b)))
        return -EFAULT;
    if (b.virq >= NR_VIRQS)
        return -EINVAL;
    if (virq_type(b.virq) != VIRQ_VCPU && b.vcpu != 0)
        return -EINVAL;
    v = domain_vcpu(d, b.vcpu);
    if (!v)
        return -ENOENT;
    /* Global VIRQs go to dom0 (Xen's default handler domain). */
    if (virq_type(b.virq) == VIRQ_GLOBAL && !(d->is_privileged && d->domain_id == 0))
        return -EBUSY;

    spin_lock(&d->evtchn->lock);
    if (v->virq_to_evtchn[b.virq]) {
        rc = -EEXIST;
    } else if ((port = get_free_port(d)) < 0) {
        rc = port;
    } else {
        struct evtchn *chn = port_chn(d, port);

        chn->state = ECS_VIRQ;
        chn->notify_vcpu_id = b.vcpu;
        chn->u.virq = b.virq;
        v->virq_to_evtchn[b.virq] = port;
        b.port = port;
    }
    spin_unlock(&d->evtchn->lock);
    if (rc)
        return rc;
    return copy_to_guest(arg, &b, sizeof(b)) ? -EFAULT : 0;
}

static long op_bind_pirq(xen_guest_handle_t arg)
{
    struct evtchn_bind_pirq b;
    struct domain *d = current->domain;
    int port, rc;

    if (copy_from_guest(&b, arg, sizeof(b)) || copy_to_guest(arg, &b, sizeof(b)))
        return -EFAULT;
    spin_lock(&d->evtchn->lock);
    port = get_free_port(d);
    rc = port < 0 ? port : pirq_bind(d, b.pirq, port);
    if (!rc) {
        struct evtchn *chn = port_chn(d, port);

        chn->state = ECS_PIRQ;
        chn->notify_vcpu_id = 0;
        chn->u.pirq = b.pirq;
        b.port = port;
    }
    spin_unlock(&d->evtchn->lock);
    if (rc)
        return rc;
    return copy_to_guest(arg, &b, sizeof(b)) ? -EFAULT : 0;
}

static long op_bind_ipi(xen_guest_handle_t arg)
{
    struct evtchn_bind_ipi b;
    struct domain *d = current->domain;
    int port;

    if (copy_from_guest(&b, arg, sizeof(b)) || copy_to_guest(arg, &b, sizeof(b)))
        return -EFAULT;
    if (!domain_vcpu(d, b.vcpu))
        return -ENOENT;
    spin_lock(&d->evtchn->lock);
    port = get_free_port(d);
    if (port >= 0) {
        struct evtchn *chn = port_chn(d, port);

        chn->state = ECS_IPI;
        chn->notify_vcpu_id = b.vcpu;
        b.port = port;
    }
    spin_unlock(&d->evtchn->lock);
    if (port < 0)
        return port;
    return copy_to_guest(arg, &b, sizeof(b)) ? -EFAULT : 0;
}

long evtchn_send(struct domain *ld, evtchn_port_t port)
{
    struct domain *peer = lock_port_and_peer(ld, port);
    struct evtchn *chn = port_chn(ld, port);
    long rc = 0;

    if (!chn) {
        rc = -EINVAL;
    } else if (chn->state == ECS_INTERDOMAIN) {
        struct domain *rd = chn->u.interdomain.dom;

        set_pending(rd, port_chn(rd, chn->u.interdomain.port)->notify_vcpu_id,
                    chn->u.interdomain.port);
    } else if (chn->state == ECS_IPI) {
        set_pending(ld, chn->notify_vcpu_id, port);
    } else if (chn->state != ECS_UNBOUND) {
        rc = -EINVAL;                   /* unbound: silently dropped */
    }
    unlock_port_and_peer(ld, peer);
    return rc;
}

static long op_send(evtchn_port_t port)
{
    return evtchn_send(current->domain, port);
}

static long op_status(xen_guest_handle_t arg)
{
    struct evtchn_status st;
    struct domain *d;
    struct evtchn *chn;
    int rc = 0;

    if (copy_from_guest(&st, arg, sizeof(st)))
        return -EFAULT;
    d = get_domain_for_caller(st.dom, &rc);
    if (!d)
        return rc;
    spin_lock(&d->evtchn->lock);
    chn = port_chn(d, st.port);
    if (!chn) {
        rc = -EINVAL;
    } else {
        memset(&st.u, 0, sizeof(st.u));
        switch (chn->state) {
        case ECS_FREE:
        case ECS_RESERVED:
            st.status = EVTCHNSTAT_closed;
            break;
        case ECS_UNBOUND:
            st.status = EVTCHNSTAT_unbound;
            st.u.unbound.dom = chn->u.remote_domid;
            break;
        case ECS_INTERDOMAIN:
            st.status = EVTCHNSTAT_interdomain;
            st.u.interdomain.dom = chn->u.interdomain.dom->domain_id;
            st.u.interdomain.port = chn->u.interdomain.port;
            break;
        case ECS_VIRQ:
            st.status = EVTCHNSTAT_virq;
            st.u.virq = chn->u.virq;
            break;
        case ECS_IPI:
            st.status = EVTCHNSTAT_ipi;
            break;
        case ECS_PIRQ:
            st.status = EVTCHNSTAT_pirq;
            st.u.pirq = chn->u.pirq;
            break;
        }
        st.vcpu = chn->notify_vcpu_id;
    }
    spin_unlock(&d->evtchn->lock);
    put_domain(d);
    if (rc)
        return rc;
    return copy_to_guest(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long op_bind_vcpu(xen_guest_handle_t arg)
{
    struct evtchn_bind_vcpu b;
    struct domain *d = current->domain;
    struct evtchn *chn;
    long rc = 0;

    if (copy_from_guest(&b, arg, sizeof(b)))
        return -EFAULT;
    if (!domain_vcpu(d, b.vcpu))
        return -ENOENT;
    spin_lock(&d->evtchn->lock);
    chn = port_chn(d, b.port);
    if (!chn)
        rc = -EINVAL;
    else if (chn->state == ECS_UNBOUND || chn->state == ECS_INTERDOMAIN ||
             chn->state == ECS_PIRQ ||
             (chn->state == ECS_VIRQ && virq_type(chn->u.virq) != VIRQ_VCPU))
        chn->notify_vcpu_id = b.vcpu;
    else
        rc = -EINVAL;       /* free, reserved, per-vCPU VIRQ, IPI */
    spin_unlock(&d->evtchn->lock);
    return rc;
}

static long op_unmask(evtchn_port_t port)
{
    struct domain *d = current->domain;
    struct evtchn *chn;
    struct vcpu *v;
    long rc = 0;

    spin_lock(&d->evtchn->lock);
    chn = port_chn(d, port);
    if (!chn) {
        rc = -EINVAL;
    } else if ((v = domain_vcpu(d, chn->notify_vcpu_id)) != NULL &&
               (evtchn_2l_unmask(d->shared_info, v->vcpu_info, port) &
                EVTCHN_2L_KICK)) {
        vcpu_kick(v);
    }
    spin_unlock(&d->evtchn->lock);
    return rc;
}

static long op_reset(xen_guest_handle_t arg)
{
    struct evtchn_reset r;
    struct domain *d;
    int rc = 0;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    d = get_domain_for_caller(r.dom, &rc);
    if (!d)
        return rc;
    /* Another domain's ports only while it is paused by a toolstack
     * (Xen's rule); hv has no such pause yet. */
    if (d != current->domain) {
        put_domain(d);
        return -EINVAL;
    }
    for (evtchn_port_t port = 1; port < d->evtchn->nr_valid; port++)
        if (port_chn(d, port)->state != ECS_FREE)
            close_port_locked(d, port);
    put_domain(d);
    return 0;
}

long do_event_channel_op(unsigned int cmd, xen_guest_handle_t arg)
{
    evtchn_port_t port;

    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        return op_alloc_unbound(arg);
    case EVTCHNOP_bind_interdomain:
        return op_bind_interdomain(arg);
    case EVTCHNOP_bind_virq:
        return op_bind_virq(arg);
    case EVTCHNOP_bind_ipi:
        return op_bind_ipi(arg);
    case EVTCHNOP_close:
        if (copy_from_guest(&port, arg, sizeof(port)))
            return -EFAULT;
        return close_port_locked(current->domain, port);
    case EVTCHNOP_send:
        if (copy_from_guest(&port, arg, sizeof(port)))
            return -EFAULT;
        return op_send(port);
    case EVTCHNOP_status:
        return op_status(arg);
    case EVTCHNOP_bind_vcpu:
        return op_bind_vcpu(arg);
    case EVTCHNOP_unmask:
        if (copy_from_guest(&port, arg, sizeof(port)))
            return -EFAULT;
        return op_unmask(port);
    case EVTCHNOP_reset:
        return op_reset(arg);
    case EVTCHNOP_bind_pirq:
        return op_bind_pirq(arg);
    default:
        return -ENOSYS;     /* the FIFO ABI, unknown commands */
    }
}

long do_event_channel_op_compat(xen_guest_handle_t arg)
{
    struct evtchn_op op;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    return do_event_channel_op(op.cmd, arg + offsetof(struct evtchn_op, u));
}
