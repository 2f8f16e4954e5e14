/*
 * HYPERVISOR_grant_table_op(cmd, uops, count): the table-level operations
 * (setup_table, query_size, dump_table), the element loop and the
 * dispatcher.
 *
 * Every operation is an array of count elements (exactly one for the
 * table-level ones).  Each element is read, its output fields are checked
 * writable (by writing back what is there), then it is applied and its
 * outputs written.  The first element that cannot be read or written ends
 * the call with -EFAULT: the elements before it stay applied, it and the
 * later ones are untouched.  hv does not preempt batches.
 */
#include <hv/lib.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/mm_seam.h>
#include "grant_table_private.h"

/*
 * The domain whose table a table-level operation names: the caller
 * (DOMID_SELF or its own id), or any live domain with a table if the
 * caller is privileged.
 */
static struct domain *table_owner(struct domain *curd, domid_t dom, s16 *status)
{
    struct domain *d;

    if (dom == DOMID_SELF || dom == curd->domain_id)
        return curd;
    if (!curd->is_privileged) {
        *status = GNTST_permission_denied;
        return NULL;
    }
    d = dom < DOMID_FIRST_RESERVED ? domain_by_id(dom) : NULL;
    if (d == NULL || d->is_dying || d->grant_table == NULL) {
        *status = GNTST_bad_domain;
        return NULL;
    }
    return d;
}

/* Checks that the guest array of n u64s at list is writable, unchanged. */
static bool u64_array_writable(xen_guest_handle_t list, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        u64 v;

        if (copy_from_guest(&v, guest_elem(list, i, u64), sizeof(v)) ||
            copy_to_guest(guest_elem(list, i, u64), &v, sizeof(v)))
            return false;
    }
    return true;
}

static s16 setup_table(struct domain *curd, struct gnttab_setup_table *op)
{
    struct grant_table *gt;
    struct domain *d;
    s16 status = GNTST_okay;

    if ((d = table_owner(curd, op->dom, &status)) == NULL)
        return status;
    gt = d->grant_table;
    if (op->nr_frames > gt->max_frames)
        return GNTST_general_error;
    if (!u64_array_writable(op->frame_list, op->nr_frames))
        return GNTST_bad_virt_addr;
    if (gnttab_grow(gt, op->nr_frames))
        return GNTST_general_error;
    for (unsigned int i = 0; i < op->nr_frames; i++) {
        u64 mfn = gt->frames[i];

        if (copy_to_guest(guest_elem(op->frame_list, i, u64), &mfn, sizeof(mfn)))
            return GNTST_bad_virt_addr;
    }
    return GNTST_okay;
}

static s16 query_size(struct domain *curd, struct gnttab_query_size *op)
{
    struct domain *d;
    s16 status = GNTST_okay;

    if ((d = table_owner(curd, op->dom, &status)) == NULL)
        return status;
    op->nr_frames = d->grant_table->nr_frames;
    op->max_nr_frames = d->grant_table->max_frames;
    return GNTST_okay;
}

/* Prints d's table: its size, then every pinned grant. */
static s16 dump_table(struct domain *curd, struct gnttab_dump_table *op)
{
    struct grant_table *gt;
    struct domain *d;
    s16 status = GNTST_okay;

    if ((d = table_owner(curd, op->dom, &status)) == NULL)
        return status;
    gt = d->grant_table;
    printk("d%u grant table: %u of %u frames, %u mappings held\n",
           d->domain_id, gt->nr_frames, gt->max_frames, gt->maptrack_used);
    for (grant_ref_t ref = 0; ref < nr_grant_entries(gt); ref++) {
        const struct active_grant *act = active_entry(gt, ref);
        u32 word = __atomic_load_n(shared_entry(gt, ref), __ATOMIC_RELAXED);

        if (act->pins)
            printk("  ref %u: d%u frame %#lx pins %u (%u writable) flags %#x\n",
                   ref, act->domid, (unsigned long)act->frame, act->pins,
                   act->write_pins, word & 0xffff);
    }
    return GNTST_okay;
}

/* --- elements and batches --- */

#define OUT_FROM(T, field) \
    offsetof(T, field), sizeof(T) - offsetof(T, field)
#define OUT_FIELD(T, field) \
    offsetof(T, field), sizeof(((T *)0)->field)

/* An element type: its size, its guest-visible outputs, how to apply it. */
struct op_kind {
    size_t size;
    size_t out_start, out_len;
    void (*apply)(struct vcpu *v, void *op);
};

union any_op {
    struct gnttab_map_grant_ref map;
    struct gnttab_unmap_grant_ref unmap;
    struct gnttab_copy copy;
    struct gnttab_setup_table setup;
    struct gnttab_query_size query;
    struct gnttab_dump_table dump;
};

static void apply_map(struct vcpu *v, void *op)
{
    struct gnttab_map_grant_ref *m = op;

    m->status = gnttab_map(v, m);
}

static void apply_unmap(struct vcpu *v, void *op)
{
    struct gnttab_unmap_grant_ref *u = op;

    u->status = gnttab_unmap(v, u);
}

static void apply_copy(struct vcpu *v, void *op)
{
    struct gnttab_copy *c = op;

    c->status = gnttab_copy(v->domain, c);
}

static void apply_setup(struct vcpu *v, void *op)
{
    struct gnttab_setup_table *s = op;

    s->status = setup_table(v->domain, s);
}

static void apply_query(struct vcpu *v, void *op)
{
    struct gnttab_query_size *q = op;

    q->status = query_size(v->domain, q);
}

static void apply_dump(struct vcpu *v, void *op)
{
    struct gnttab_dump_table *d = op;

    d->status = dump_table(v->domain, d);
}

static const struct op_kind map_kind = {
    sizeof(struct gnttab_map_grant_ref),
    OUT_FROM(struct gnttab_map_grant_ref, status), apply_map,
};
static const struct op_kind unmap_kind = {
    sizeof(struct gnttab_unmap_grant_ref),
    OUT_FIELD(struct gnttab_unmap_grant_ref, status), apply_unmap,
};
static const struct op_kind copy_kind = {
    sizeof(struct gnttab_copy),
    OUT_FIELD(struct gnttab_copy, status), apply_copy,
};
static const struct op_kind setup_kind = {
    sizeof(struct gnttab_setup_table),
    OUT_FIELD(struct gnttab_setup_table, status), apply_setup,
};
/* nr_frames, max_nr_frames and status are contiguous. */
static const struct op_kind query_kind = {
    sizeof(struct gnttab_query_size),
    offsetof(struct gnttab_query_size, nr_frames),
    offsetof(struct gnttab_query_size, status) + sizeof(s16) -
        offsetof(struct gnttab_query_size, nr_frames),
    apply_query,
};
static const struct op_kind dump_kind = {
    sizeof(struct gnttab_dump_table),
    OUT_FIELD(struct gnttab_dump_table, status), apply_dump,
};

static long batch(struct vcpu *v, const struct op_kind *k,
                  xen_guest_handle_t uops, unsigned int count)
{
    union any_op op;
    char *out = (char *)&op + k->out_start;

    for (unsigned int i = 0; i < count; i++) {
        xen_guest_handle_t h = uops + (u64)i * k->size;

        if (copy_from_guest(&op, h, k->size) ||
            copy_to_guest(h + k->out_start, out, k->out_len))
            return -EFAULT;
        grant_lock();
        k->apply(v, &op);
        grant_unlock();
        if (copy_to_guest(h + k->out_start, out, k->out_len))
            return -EFAULT;
    }
    return 0;
}

long do_grant_table_op(unsigned int cmd, xen_guest_handle_t uops,
                       unsigned int count)
{
    struct vcpu *v = current_vcpu();

    /* Every domain gets a table at creation; one without is broken. */
    if (v->domain->grant_table == NULL)
        return -ENODEV;
    /* Xen treats a negative count as an error, not a huge batch. */
    if (count > INT32_MAX)
        return -EINVAL;

    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        return batch(v, &map_kind, uops, count);
    case GNTTABOP_unmap_grant_ref:
        return batch(v, &unmap_kind, uops, count);
    case GNTTABOP_copy:
        return batch(v, &copy_kind, uops, count);
    case GNTTABOP_setup_table:
        return count == 1 ? batch(v, &setup_kind, uops, 1) : -EINVAL;
    case GNTTABOP_query_size:
        return count == 1 ? batch(v, &query_kind, uops, 1) : -EINVAL;
    case GNTTABOP_dump_table:
        return count == 1 ? batch(v, &dump_kind, uops, 1) : -EINVAL;
    default:
        /* transfer, unmap_and_replace, v2, swap, cache_flush: not here. */
        return -ENOSYS;
    }
}
