/*
 * dm_op (hypercall 41, Xen's interface for device models): ioreq server
 * management and ISA interrupt lines of an HVM domain.  The caller must
 * be privileged (dom0) and name another domain, which must be HVM.  The
 * operation is read from bufs[0], checked in full (padding included),
 * then done; OUT fields are written back on success.
 */
#include <hv/hvm_io.h>
#include <hv/hvm_irq.h>
#include <hv/guest_access.h>
#include <hv/errno.h>
#include <hv/lib.h>

#define DMOP_MAX_BUFS 2

static long dm_op(struct domain *d, struct xen_dm_op *op)
{
    domid_t me = current->domain->domain_id;
    u64 gfn = 0;
    long rc;

    switch (op->op) {
    case XEN_DMOP_create_ioreq_server: {
        struct xen_dm_op_create_ioreq_server *c = &op->u.create_ioreq_server;

        if (c->pad[0] || c->pad[1] || c->pad[2])
            return -EINVAL;
        if (c->handle_bufioreq)
            return -EOPNOTSUPP;             /* no buffered ioreqs */
        return ioreq_server_create(d, me, &c->id);
    }
    case XEN_DMOP_get_ioreq_server_info: {
        struct xen_dm_op_get_ioreq_server_info *g = &op->u.get_ioreq_server_info;

        if (g->flags & ~XEN_DMOP_no_gfns)
            return -EINVAL;
        rc = ioreq_server_gfn(d, me, g->id, &gfn);
        if (rc)
            return rc;
        g->bufioreq_port = 0;
        g->bufioreq_gfn = 0;
        g->ioreq_gfn = g->flags & XEN_DMOP_no_gfns ? 0 : gfn;
        return 0;
    }
    case XEN_DMOP_map_io_range_to_ioreq_server:
    case XEN_DMOP_unmap_io_range_from_ioreq_server: {
        struct xen_dm_op_ioreq_server_range *r = &op->u.map_io_range_to_ioreq_server;

        if (r->pad)
            return -EINVAL;
        return ioreq_server_map_range(d, me, r->id, r->type, r->start, r->end,
                                      op->op == XEN_DMOP_map_io_range_to_ioreq_server);
    }
    case XEN_DMOP_set_ioreq_server_state: {
        struct xen_dm_op_set_ioreq_server_state *st = &op->u.set_ioreq_server_state;

        if (st->pad || st->enabled > 1)
            return -EINVAL;
        return ioreq_server_set_state(d, me, st->id, st->enabled);
    }
    case XEN_DMOP_destroy_ioreq_server:
        if (op->u.destroy_ioreq_server.pad)
            return -EINVAL;
        return ioreq_server_destroy(d, me, op->u.destroy_ioreq_server.id);
    case XEN_DMOP_set_isa_irq_level: {
        struct xen_dm_op_set_isa_irq_level *l = &op->u.set_isa_irq_level;

        if (l->isa_irq > 15 || l->level > 1)
            return -EINVAL;
        if (l->level)
            hvm_isa_irq_assert(d, l->isa_irq);
        else
            hvm_isa_irq_deassert(d, l->isa_irq);
        return 0;
    }
    default:
        return -EOPNOTSUPP;
    }
}

long do_dm_op(domid_t domid, unsigned int nr_bufs, xen_guest_handle_t bufs)
{
    struct domain *curd = current->domain, *d;
    struct xen_dm_op_buf buf;
    struct xen_dm_op op;
    long rc;

    if (nr_bufs == 0)
        return -EINVAL;
    if (nr_bufs > DMOP_MAX_BUFS)
        return -E2BIG;
    if (copy_from_guest(&buf, bufs, sizeof(buf)))
        return -EFAULT;
    if (buf.size < sizeof(op) || copy_from_guest(&op, buf.h, sizeof(op)))
        return -EFAULT;
    if (op.pad)
        return -EINVAL;
    /* Another domain than the caller's own, as Xen's remote lookup. */
    if (domid == DOMID_SELF || domid == curd->domain_id)
        return -EPERM;
    d = domid < DOMID_FIRST_RESERVED ? get_domain_by_id(domid) : NULL;
    if (!d)
        return -ESRCH;
    if (!curd->is_privileged)
        rc = -EPERM;
    else if (!is_hvm_domain(d) || !d->hvm)
        rc = -EINVAL;
    else
        rc = dm_op(d, &op);
    put_domain(d);
    if (!rc && copy_to_guest(buf.h, &op, sizeof(op)))
        rc = -EFAULT;
    return rc;
}
