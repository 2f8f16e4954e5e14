/*
 * Port I/O of HVM domains: dispatch to hv's devices, an ioreq server or
 * hv's fallback devices (hvm_io.h says in which order), and completing
 * an IN/OUT instruction: the value into AL/AX/EAX, RIP past it.
 */
#include <hv/hvm_io.h>
#include <hv/lib.h>

void hvm_register_portio(struct domain *d, u16 start, u16 len, bool fallback,
                         hvm_portio_fn fn)
{
    struct hvm_domain *h = d->hvm;

    BUG_ON(h->nr_portio == HVM_MAX_PORTIO);
    h->portio[h->nr_portio++] = (struct hvm_portio_handler){ start, len, fallback, fn };
}

static const struct hvm_portio_handler *handler_for(const struct hvm_domain *h,
                                                   bool fallback, unsigned int port,
                                                   unsigned int size)
{
    for (unsigned int i = 0; i < h->nr_portio; i++) {
        const struct hvm_portio_handler *p = &h->portio[i];

        if (p->fallback == fallback && port >= p->start &&
            port + size <= (unsigned int)p->start + p->len)
            return p;
    }
    return NULL;
}

static bool dispatch(struct domain *d, bool fallback, unsigned int port,
                     unsigned int size, bool write, u32 *val)
{
    const struct hvm_portio_handler *p = handler_for(d->hvm, fallback, port, size);

    return p && p->fn(d, port, size, write, val);
}

struct ioreq_server *hvm_portio_server(struct domain *d, unsigned int port,
                                       unsigned int size)
{
    return handler_for(d->hvm, false, port, size) ? NULL : ioreq_server_for(d, false, port);
}

enum hvm_io_result hvm_portio(struct vcpu *v, unsigned int port,
                              unsigned int size, bool write, u32 *val)
{
    struct domain *d = v->domain;
    struct ioreq_server *s;

    if (dispatch(d, false, port, size, write, val))
        return HVM_IO_DONE;
    s = ioreq_server_for(d, false, port);
    if (s) {
        ioreq_send(s, v, false, port, size, write, *val);
        return HVM_IO_WAIT;
    }
    if (dispatch(d, true, port, size, write, val))
        return HVM_IO_DONE;
    if (!write)
        *val = 0xffffffffu >> (32 - 8 * size);
    return HVM_IO_UNHANDLED;
}

void hvm_set_reg_sized(struct vcpu *v, unsigned int reg, bool high8,
                       unsigned int size, u64 val)
{
    u64 *r = hvm_reg(v, reg);

    switch (size) {
    case 1:
        if (high8)
            *r = (*r & ~0xff00ull) | ((val & 0xff) << 8);
        else
            *r = (*r & ~0xffull) | (val & 0xff);
        break;
    case 2:
        *r = (*r & ~0xffffull) | (val & 0xffff);
        break;
    case 4:
        *r = (u32)val;                      /* 32-bit writes zero-extend */
        break;
    default:
        *r = val;
        break;
    }
}

void hvm_handle_io_insn(struct vcpu *v, unsigned int port, unsigned int size,
                        bool in, u64 next_rip)
{
    struct hvm_regs *r = &v->hvm->regs;
    u32 val = in ? 0 : (u32)r->rax & (0xffffffffu >> (32 - 8 * size));

    if (size != 1 && size != 2 && size != 4) {
        domain_crash(v->domain, "port I/O of a size other than 1, 2 or 4");
        return;
    }
    if (hvm_portio(v, port, size, !in, &val) == HVM_IO_WAIT) {
        v->hvm->io_wait = (struct hvm_io_wait){
            .active = true, .server = v->hvm->io_wait.server,
            .write = !in, .size = size, .reg = 0,
            .dest_size = size, .next_rip = next_rip,
        };
        return;
    }
    if (in)
        hvm_set_reg_sized(v, 0, false, size, val);
    r->rip = next_rip;
}
