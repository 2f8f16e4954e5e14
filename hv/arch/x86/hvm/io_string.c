/*
 * String port I/O of HVM guests: INS and OUTS, with or without REP.  The
 * exit gives the port, the element size and the direction; the prefixes
 * that matter (segment override, address size, REP) come from the
 * instruction itself, fetched through the guest's page tables.  Each
 * element is copied between the port and guest memory at seg:rSI
 * (OUTS) or ES:rDI (INS), translated by the guest page walker; a
 * non-canonical address is a #GP (#SS for SS), an unmapped one a #PF
 * with the faulting address in CR2, raised before the port is touched.
 * A long REP is done in batches: the instruction is left in place with
 * rCX counted down and simply runs (exits) again, so interrupts are not
 * held off.  An element sent to an ioreq server ends the batch; its
 * answer completes it (ioreq.c).
 */
#include <hv/hvm_io.h>
#include <hv/hvm_emulate.h>
#include <hv/errno.h>
#include <hv/lib.h>

#define SEG_ES          0
#define SEG_SS          2
#define SEG_DS          3
#define SEG_FS          4
#define RFLAGS_DF       (1u << 10)
#define PFEC_WRITE      (1u << 1)
#define PFEC_USER       (1u << 2)
#define VECTOR_SS       12
#define VECTOR_GP       13
#define STRING_IO_BATCH 256

struct string_insn {
    bool in;
    unsigned int size;          /* bytes per element */
    unsigned int addr_size;     /* 2, 4 or 8 */
    unsigned int seg;           /* of the memory operand */
    bool rep;
    unsigned int len;
};

static int decode_string_insn(const u8 *b, unsigned int n, const struct hvm_paging *p,
                              struct string_insn *s)
{
    bool opsize = false, adsize = false;
    unsigned int i, seg = SEG_DS;

    s->rep = false;
    for (i = 0; i < n; i++) {
        switch (b[i]) {
        case 0x66: opsize = true; continue;
        case 0x67: adsize = true; continue;
        case 0xf2: case 0xf3: s->rep = true; continue;
        case 0xf0: continue;
        case 0x26: seg = 0; continue;
        case 0x2e: seg = 1; continue;
        case 0x36: seg = 2; continue;
        case 0x3e: seg = 3; continue;
        case 0x64: seg = 4; continue;
        case 0x65: seg = 5; continue;
        }
        if (p->cs_long && (b[i] & 0xf0) == 0x40)
            continue;                   /* REX: changes nothing here */
        break;
    }
    if (i >= n || b[i] < 0x6c || b[i] > 0x6f)
        return -EINVAL;
    s->in = b[i] < 0x6e;
    s->seg = s->in ? SEG_ES : seg;      /* INS always writes ES:rDI */
    if (!(b[i] & 1))
        s->size = 1;
    else if (p->cs_long || p->cs_db)
        s->size = opsize ? 2 : 4;
    else
        s->size = opsize ? 4 : 2;
    if (p->cs_long)
        s->addr_size = adsize ? 4 : 8;
    else if (p->cs_db)
        s->addr_size = adsize ? 2 : 4;
    else
        s->addr_size = adsize ? 4 : 2;
    s->len = i + 1;
    return 0;
}

/* reg += delta at the address size: 32-bit results zero-extend, 16-bit
 * ones leave the upper bits alone. */
static void add_sized(u64 *reg, s64 delta, unsigned int addr_size)
{
    if (addr_size == 8)
        *reg += delta;
    else if (addr_size == 4)
        *reg = (u32)(*reg + delta);
    else
        *reg = (*reg & ~0xffffull) | ((*reg + delta) & 0xffff);
}

static bool canonical(u64 va)
{
    return (u64)((s64)(va << 16) >> 16) == va;
}

static int read_gphys(void *ctx, u64 gpa, void *buf, size_t len)
{
    return hvm_copy_from_gphys(ctx, buf, gpa, len);
}

/*
 * Translates the element at linear va (it may straddle two pages) into
 * gpa[0] for the first split bytes and gpa[1] for the rest.  false after
 * injecting the fault the guest's access would have taken.
 */
static bool translate(struct vcpu *v, const struct hvm_paging *p, const struct string_insn *s,
                      u64 va, u64 gpa[2], unsigned int *split)
{
    u64 next, fault;

    if (p->cs_long && (!canonical(va) || !canonical(va + s->size - 1))) {
        hvm_inject_exception(v, s->seg == SEG_SS ? VECTOR_SS : VECTOR_GP, true, 0);
        return false;
    }
    *split = min(s->size, (unsigned int)(PAGE_SIZE - (va & (PAGE_SIZE - 1))));
    next = p->cs_long ? va + *split : (u32)(va + *split);
    gpa[1] = 0;
    if (guest_walk(p, va, &gpa[0], read_gphys, v->domain))
        fault = va;
    else if (*split < s->size && guest_walk(p, next, &gpa[1], read_gphys, v->domain))
        fault = next;
    else
        return true;
    /* Not present; a write for INS; from user mode at CPL 3. */
    hvm_inject_page_fault(v, (s->in ? PFEC_WRITE : 0) | (p->cpl == 3 ? PFEC_USER : 0),
                          fault);
    return false;
}

static int copy_element(struct domain *d, const u64 gpa[2], unsigned int split,
                        unsigned int size, u32 *val, bool to_guest)
{
    u8 *b = (u8 *)val;

    if (to_guest)
        return hvm_copy_to_gphys(d, gpa[0], b, split) ?:
               (split < size ? hvm_copy_to_gphys(d, gpa[1], b + split, size - split) : 0);
    return hvm_copy_from_gphys(d, b, gpa[0], split) ?:
           (split < size ? hvm_copy_from_gphys(d, b + split, gpa[1], size - split) : 0);
}

void hvm_handle_string_io(struct vcpu *v, unsigned int port, unsigned int size, bool in)
{
    struct hvm_regs *r = &v->hvm->regs;
    struct string_insn s;
    struct hvm_paging p;
    u8 buf[15];
    unsigned int n;
    u64 amask, *index;
    s64 step;

    hvm_ops->get_paging(v, &p);
    n = hvm_fetch_insn(v, &p, buf);
    if (!n || decode_string_insn(buf, n, &p, &s) || s.in != in || s.size != size) {
        domain_crash(v->domain, "string port I/O: the instruction at rip does not "
                     "match the exit");
        return;
    }
    amask = s.addr_size == 8 ? ~0ull : (1ull << (8 * s.addr_size)) - 1;
    index = in ? &r->rdi : &r->rsi;
    step = (r->rflags & RFLAGS_DF) ? -(s64)size : (s64)size;

    for (unsigned int done = 0; ; done++) {
        u64 off, va, gpa[2];
        unsigned int split;
        enum hvm_io_result res;
        u32 val = 0;

        if (s.rep && !(r->rcx & amask)) {
            r->rip += s.len;
            return;
        }
        if (done == STRING_IO_BATCH)
            return;
        off = *index & amask;
        if (p.cs_long)
            va = (s.seg >= SEG_FS ? p.seg_base[s.seg] : 0) + off;
        else
            va = (u32)(p.seg_base[s.seg] + off);
        if (!translate(v, &p, &s, va, gpa, &split))
            return;
        if (!in && copy_element(v->domain, gpa, split, size, &val, false))
            goto not_ram;
        res = hvm_portio(v, port, size, !in, &val);
        add_sized(index, step, s.addr_size);
        if (s.rep)
            add_sized(&r->rcx, -1, s.addr_size);
        if (res == HVM_IO_WAIT) {
            struct hvm_io_wait *w = &v->hvm->io_wait;

            w->active = true;
            w->is_mmio = false;
            w->write = !in;
            w->size = size;
            w->dest_size = size;
            w->reg = 0;
            w->reg_high8 = false;
            w->sign_extend = false;
            w->string_in = in;
            w->string_split = split;
            w->string_gpa[0] = gpa[0];
            w->string_gpa[1] = gpa[1];
            /* More to do: the instruction runs again after the answer. */
            w->next_rip = s.rep && (r->rcx & amask) ? r->rip : r->rip + s.len;
            return;
        }
        if (in && copy_element(v->domain, gpa, split, size, &val, true))
            goto not_ram;
        if (!s.rep) {
            r->rip += s.len;
            return;
        }
    }

not_ram:
    domain_crash(v->domain, "string port I/O with a buffer outside guest RAM");
}
