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
 * answer completes it (ioreq.c).  A REP to a port of an ioreq server goes
 * to it as one request for every element left in the buffer's page
 * (data_is_ptr, as Xen sends them: the device model moves the data in
 * guest memory itself), one exit per page instead of one per element.
 */
#include <hv/hvm_io.h>
#include <hv/hvm_emulate.h>
#include <hv/page.h>
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

/*
 * Translates the element at linear va (it may straddle two pages) into
 * gpa[0] for the first split bytes and gpa[1] for the rest.  false after
 * injecting the fault the guest's access would have taken.
 */
static bool translate(struct vcpu *v, const struct hvm_paging *p, const struct string_insn *s,
                      u64 va, u64 gpa[2], unsigned int *split)
{
    u64 next, fault;

    if (p->cs_long && (!is_canonical_address(va) || !is_canonical_address(va + s->size - 1))) {
        hvm_inject_exception(v, s->seg == SEG_SS ? VECTOR_SS : VECTOR_GP, true, 0);
        return false;
    }
    *split = min(s->size, (unsigned int)(PAGE_SIZE - (va & (PAGE_SIZE - 1))));
    next = p->cs_long ? va + *split : (u32)(va + *split);
    gpa[1] = 0;
    if (guest_walk(p, va, &gpa[0], hvm_gphys_read, v->domain))
        fault = va;
    else if (*split < s->size && guest_walk(p, next, &gpa[1], hvm_gphys_read, v->domain))
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

/*
 * How many elements, from the one at linear va (whole in its page, at
 * offset off of the index register), the REP may move without leaving
 * the page or wrapping the index at the address size; at most reps.
 */
static u64 elements_in_page(const struct string_insn *s, u64 va, u64 off, u64 amask,
                            bool down, u64 reps)
{
    u64 in_page = va & (PAGE_SIZE - 1);
    u64 n = down ? in_page / s->size + 1 : (PAGE_SIZE - in_page) / s->size;
    u64 index_room = down ? off / s->size + 1 :
                     amask == ~0ull ? ~0ull : (amask - off + 1) / s->size;

    return min(min(n, index_room), reps);
}

/*
 * The REP's elements in the page of its current one, for server s: sent
 * as one request (the registers are moved past them now; RIP once the
 * answer comes, unless rCX is left).  False if this element goes alone.
 */
static bool send_page_batch(struct vcpu *v, struct ioreq_server *s,
                            const struct string_insn *si, unsigned int port,
                            u64 va, u64 off, u64 amask, u64 gpa, u64 *index)
{
    struct hvm_regs *r = &v->hvm->regs;
    bool down = r->rflags & RFLAGS_DF;
    u64 n = elements_in_page(si, va, off, amask, down, r->rcx & amask);
    struct hvm_io_wait *w = &v->hvm->io_wait;

    if (n < 2 || hvm_ram_frame(v->domain, gpa >> PAGE_SHIFT) == INVALID_MFN)
        return false;
    add_sized(index, (down ? -(s64)n : (s64)n) * si->size, si->addr_size);
    add_sized(&r->rcx, -(s64)n, si->addr_size);
    ioreq_send_string(s, v, port, si->size, !si->in, (u32)n, gpa, down);
    *w = (struct hvm_io_wait){
        .active = true, .server = w->server, .write = !si->in, .size = si->size,
        .dest_size = si->size, .string_batch = true,
        .next_rip = r->rcx & amask ? r->rip : r->rip + si->len,
    };
    return true;
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
    struct ioreq_server *server;

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
    server = s.rep ? hvm_portio_server(v->domain, port, size) : NULL;

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
        if (server && split == size &&
            send_page_batch(v, server, &s, port, va, off, amask, gpa[0], index))
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
            w->string_batch = false;
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
