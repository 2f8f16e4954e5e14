/*
 * ioreq servers: device models outside hv (in dom0) that emulate port
 * and MMIO ranges of an HVM domain, Xen's design (public/hvm/ioreq.h).
 *
 * A server has one shared page, a frame of the emulated domain that hv
 * keeps typed writable (so it never becomes a page table) and the device
 * model maps by its guest frame number (IOREQ_PAGE_GFN + the server's
 * id: a frame of the hole below 4 GiB, as Xen's special pages, that only
 * foreign mappings reach: it is in no nested page table), with a request
 * slot per vCPU, and per vCPU an event channel
 * port of the emulated domain, unbound for the device model to bind.  An
 * access in a claimed range fills the vCPU's slot (READY), hv sends on
 * the port, and the vCPU blocks polling that port; the device model
 * answers with IORESP_READY and sends back, which wakes the vCPU; hv
 * completes the instruction with the data and frees the slot.
 */
#include <hv/hvm_io.h>
#include <hv/event.h>
#include <hv/evtchn_2l.h>
#include <hv/sched.h>
#include <hv/mm.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <public/hvm/ioreq.h>
#include <public/hvm/dm_op.h>

#define IOREQ_MAX_RANGES 16
#define IOREQ_PAGE_GFN   0xfeff0ull

struct ioreq_range {
    u32 type;                       /* XEN_DMOP_IO_RANGE_PORT or _MEMORY */
    u64 start, end;                 /* inclusive */
};

struct ioreq_server {
    struct domain *target;
    domid_t emulator;
    ioservid_t id;
    bool enabled;
    struct page_info *page;
    shared_iopage_t *iopage;
    evtchn_port_t port[MAX_VIRT_CPUS];
    unsigned int nr_ranges;
    struct ioreq_range ranges[IOREQ_MAX_RANGES];
};

BUILD_BUG_ON(sizeof(ioreq_t) != 32);
BUILD_BUG_ON(MAX_VIRT_CPUS * sizeof(ioreq_t) > PAGE_SIZE);

/* d's server id, if the caller (domain emulator) created it. */
static struct ioreq_server *lookup(struct domain *d, domid_t emulator,
                                   ioservid_t id, int *rc)
{
    struct ioreq_server *s = id < HVM_MAX_IOREQ_SERVERS ?
                             d->hvm->ioreq_servers[id] : NULL;

    *rc = !s ? -ENOENT : s->emulator != emulator ? -EPERM : 0;
    return *rc ? NULL : s;
}

int ioreq_server_create(struct domain *d, domid_t emulator, ioservid_t *id)
{
    struct ioreq_server *s;
    unsigned int slot;
    int rc;

    for (slot = 0; slot < HVM_MAX_IOREQ_SERVERS; slot++)
        if (!d->hvm->ioreq_servers[slot])
            break;
    if (slot == HVM_MAX_IOREQ_SERVERS)
        return -ENOSPC;
    s = xzalloc(sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->target = d;
    s->emulator = emulator;
    s->id = slot;
    rc = -ENOMEM;
    s->page = alloc_domheap_pages(d, 0);
    if (!s->page)
        goto fail;
    if (get_page_and_type(s->page, d, PGT_writable)) {
        free_domheap_pages(s->page, 0);
        s->page = NULL;
        goto fail;
    }
    free_domheap_pages(s->page, 0);     /* the typed reference keeps it */
    s->iopage = page_to_virt(s->page);
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        if (!d->vcpu[i])
            continue;
        rc = evtchn_alloc_unbound_port(d, emulator, &s->port[i]);
        if (rc)
            goto fail;
        s->iopage->vcpu_ioreq[i].vp_eport = s->port[i];
    }
    d->hvm->ioreq_servers[slot] = s;
    *id = slot;
    return 0;

fail:
    if (s->page)
        put_page_and_type(s->page);
    xfree(s);
    return rc;
}

int ioreq_server_gfn(struct domain *d, domid_t emulator, ioservid_t id, u64 *gfn)
{
    int rc;
    struct ioreq_server *s = lookup(d, emulator, id, &rc);

    if (s)
        *gfn = IOREQ_PAGE_GFN + s->id;
    return rc;
}

int ioreq_server_page_at(struct domain *d, u64 gfn, mfn_t *mfn)
{
    struct ioreq_server *s;

    if (gfn < IOREQ_PAGE_GFN || gfn >= IOREQ_PAGE_GFN + HVM_MAX_IOREQ_SERVERS)
        return -EINVAL;
    s = d->hvm->ioreq_servers[gfn - IOREQ_PAGE_GFN];
    if (!s)
        return -EINVAL;
    *mfn = page_to_mfn(s->page);
    return 0;
}

static bool ranges_overlap(const struct ioreq_range *r, u32 type, u64 start, u64 end)
{
    return r->type == type && start <= r->end && r->start <= end;
}

int ioreq_server_map_range(struct domain *d, domid_t emulator, ioservid_t id,
                           u32 type, u64 start, u64 end, bool map)
{
    int rc;
    struct ioreq_server *s = lookup(d, emulator, id, &rc);

    if (!s)
        return rc;
    if (type == XEN_DMOP_IO_RANGE_PCI)
        return -EOPNOTSUPP;                 /* hv has no PCI bus */
    if (type != XEN_DMOP_IO_RANGE_PORT && type != XEN_DMOP_IO_RANGE_MEMORY)
        return -EINVAL;
    if (start > end || (type == XEN_DMOP_IO_RANGE_PORT && end > 0xffff))
        return -EINVAL;
    for (unsigned int i = 0; i < s->nr_ranges; i++) {
        struct ioreq_range *r = &s->ranges[i];

        if (map && ranges_overlap(r, type, start, end))
            return -EEXIST;
        if (!map && r->type == type && r->start == start && r->end == end) {
            *r = s->ranges[--s->nr_ranges];
            return 0;
        }
    }
    if (!map)
        return -ENOENT;
    if (s->nr_ranges == IOREQ_MAX_RANGES)
        return -ENOSPC;
    s->ranges[s->nr_ranges++] = (struct ioreq_range){ type, start, end };
    return 0;
}

int ioreq_server_set_state(struct domain *d, domid_t emulator, ioservid_t id,
                           bool enabled)
{
    int rc;
    struct ioreq_server *s = lookup(d, emulator, id, &rc);

    if (s)
        s->enabled = enabled;
    return rc;
}

static void server_free(struct ioreq_server *s)
{
    struct domain *d = s->target;

    d->hvm->ioreq_servers[s->id] = NULL;
    /* vCPUs waiting on it finish with what a missing device reads. */
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (v && v->hvm && v->hvm->io_wait.active &&
            v->hvm->io_wait.server == s->id)
            vcpu_unblock(v);
    }
    put_page_and_type(s->page);
    xfree(s);
}

int ioreq_server_destroy(struct domain *d, domid_t emulator, ioservid_t id)
{
    int rc;
    struct ioreq_server *s = lookup(d, emulator, id, &rc);

    if (s)
        server_free(s);
    return rc;
}

void ioreq_destroy_all(struct domain *d)
{
    for (unsigned int i = 0; i < HVM_MAX_IOREQ_SERVERS; i++)
        if (d->hvm->ioreq_servers[i])
            server_free(d->hvm->ioreq_servers[i]);
}

struct ioreq_server *ioreq_server_for(struct domain *d, bool mmio, u64 addr)
{
    u32 type = mmio ? XEN_DMOP_IO_RANGE_MEMORY : XEN_DMOP_IO_RANGE_PORT;

    for (unsigned int i = 0; i < HVM_MAX_IOREQ_SERVERS; i++) {
        struct ioreq_server *s = d->hvm->ioreq_servers[i];

        if (!s || !s->enabled)
            continue;
        for (unsigned int j = 0; j < s->nr_ranges; j++)
            if (ranges_overlap(&s->ranges[j], type, addr, addr))
                return s;
    }
    return NULL;
}

/* Publishes *tmpl in v's slot of s and tells the device model. */
static void send(struct ioreq_server *s, struct vcpu *v, const ioreq_t *tmpl)
{
    ioreq_t *req = &s->iopage->vcpu_ioreq[v->vcpu_id];

    req->addr = tmpl->addr;
    req->data = tmpl->data;
    req->count = tmpl->count;
    req->size = tmpl->size;
    req->data_is_ptr = tmpl->data_is_ptr;
    req->dir = tmpl->dir;
    req->df = tmpl->df;
    req->type = tmpl->type;
    req->vp_eport = s->port[v->vcpu_id];
    v->hvm->io_wait.server = s->id;
    /* The request is complete before the device model can see READY. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    ((volatile ioreq_t *)req)->state = STATE_IOREQ_READY;
    evtchn_send(s->target, s->port[v->vcpu_id]);
}

void ioreq_send(struct ioreq_server *s, struct vcpu *v, bool mmio, u64 addr,
                unsigned int size, bool write, u64 data)
{
    send(s, v, &(ioreq_t){ .addr = addr, .data = write ? data : 0, .count = 1,
                           .size = size, .dir = write ? IOREQ_WRITE : IOREQ_READ,
                           .type = mmio ? IOREQ_TYPE_COPY : IOREQ_TYPE_PIO });
}

void ioreq_send_string(struct ioreq_server *s, struct vcpu *v, unsigned int port,
                       unsigned int size, bool write, u32 count, u64 gpa, bool df)
{
    send(s, v, &(ioreq_t){ .addr = port, .data = gpa, .count = count, .size = size,
                           .data_is_ptr = 1, .dir = write ? IOREQ_WRITE : IOREQ_READ,
                           .df = df, .type = IOREQ_TYPE_PIO });
}

/* INS: the element goes to the guest memory translated at the exit. */
static void complete_string_in(struct vcpu *v, const struct hvm_io_wait *w, u64 data)
{
    const u8 *b = (const u8 *)&data;

    if (hvm_copy_to_gphys(v->domain, w->string_gpa[0], b, w->string_split) ||
        (w->string_split < w->size &&
         hvm_copy_to_gphys(v->domain, w->string_gpa[1], b + w->string_split,
                           w->size - w->string_split)))
        domain_crash(v->domain, "string port I/O with a buffer outside guest RAM");
}

static void complete(struct vcpu *v, u64 data)
{
    struct hvm_io_wait *w = &v->hvm->io_wait;

    if (!w->write && !w->string_batch) {
        data &= w->size == 8 ? ~0ull : (1ull << (8 * w->size)) - 1;
        if (w->string_in)
            complete_string_in(v, w, data);
        else if (w->is_mmio)
            hvm_complete_load(v, w->reg, w->reg_high8, w->size, w->dest_size,
                              w->sign_extend, data);
        else
            hvm_set_reg_sized(v, 0, false, w->size, data);
    }
    v->hvm->regs.rip = w->next_rip;
    w->active = false;
}

bool ioreq_wait_pending(struct vcpu *v)
{
    struct domain *d = v->domain;
    struct ioreq_server *s = d->hvm->ioreq_servers[v->hvm->io_wait.server];
    evtchn_port_t port;
    ioreq_t *req;

    if (!s) {
        complete(v, ~0ull);                 /* the server went away */
        return false;
    }
    req = &s->iopage->vcpu_ioreq[v->vcpu_id];
    port = s->port[v->vcpu_id];
    evtchn_2l_clear_pending(d->shared_info, port);
    if (((volatile ioreq_t *)req)->state == STATE_IORESP_READY) {
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        complete(v, req->data);
        req->state = STATE_IOREQ_NONE;
        return false;
    }
    /* Sleep until the device model sends on the port (SCHEDOP_poll's way). */
    v->poll_evtchn = port;
    __atomic_fetch_or(&d->poll_mask, 1ul << v->vcpu_id, __ATOMIC_SEQ_CST);
    vcpu_pause_flag(v, VPF_blocked);
    return true;
}
