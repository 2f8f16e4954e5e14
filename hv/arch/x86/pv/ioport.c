/*
 * Port I/O by a PV guest, emulated on its #GP as Xen does
 * (emul-priv-op.c): the guest kernel runs in ring 3 with the real
 * RFLAGS.IOPL 0, so every IN/OUT/INS/OUTS faults and lands here.
 *
 *   - The virtual IOPL (PHYSDEVOP_set_iopl) decides whether the vCPU may
 *     do port I/O (and CLI/STI, which mask/unmask its events) at all: the guest kernel counts as ring 1 (ring 0 with
 *     VMASST_TYPE_architectural_iopl), guest user mode as ring 3.  If not,
 *     the #GP goes to the guest.
 *   - Whether a port reaches the hardware is the domain's I/O permission:
 *     the hardware domain gets every port but those hv drives itself (the
 *     8259s and ELCR, the PIT and port 0x61, the RTC/CMOS, hv's COM1
 *     console, reset control, A20/INIT, IGNNE, PCI configuration space);
 *     other domains get none.  As on Xen, a refused port reads as all ones
 *     and ignores writes.
 *   - PCI configuration space, for the hardware domain only, as Xen gives
 *     it: a dword access to 0xcf8 reads or writes the domain's latched
 *     CONFIG_ADDRESS (d->pci_cf8), and an access to 0xcfc-0xcff, while the
 *     latched address has its enable bit, is hv's own configuration read
 *     or write of that register (pci.c: address and data under one lock,
 *     so hv's accesses and the domain's never interleave).  No register
 *     is filtered: hv uses no MSI, IOMMU or PCI device Xen would protect
 *     there.  Refused like any port of hv's: byte and word accesses to
 *     0xcf8-0xcfb (Xen lets them through but for 0xcf9, reset control),
 *     data accesses that are not naturally aligned inside 0xcfc-0xcff
 *     (Xen splits them) or come without the enable bit, and the extended
 *     register bits 27:24 of the address are dropped (Xen passes them on
 *     AMD).
 *   - The hardware domain's kernel does not fault at all for its ports
 *     when its virtual IOPL admits it: the TSS's I/O bitmap passes them
 *     (pv_io_bitmap_select), so only hv's ports and 0xcf8-0xcff come here.
 *   - REP INS/OUTS run up to PV_IO_REP_BATCH elements per fault, then the
 *     instruction restarts with RCX/RSI/RDI advanced, as an interrupted
 *     string instruction does.  A fault on the guest buffer is a #PF at the
 *     element's address (the element read from the port is lost, as on
 *     Xen).  Only 64-bit addressing is emulated (no 0x67 prefix, no
 *     FS/GS override).
 */
#include <hv/desc.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/io.h>
#include <hv/processor.h>
#include <hv/traps.h>
#include <hv/lib.h>
#include <hv/pci.h>
#include "private.h"

#define PV_IO_REP_BATCH 4096u

struct port_range {
    u16 first, last;
};

/* Ports hv drives itself: never the hardware domain's (Xen's dom0 list). */
static const struct port_range hv_ports[] = {
    { 0x20, 0x21 }, { 0xa0, 0xa1 }, { 0x4d0, 0x4d1 },   /* 8259s, ELCR */
    { 0x40, 0x43 }, { 0x61, 0x61 },                     /* PIT, port B */
    { 0x70, 0x71 },                                     /* RTC/CMOS */
    { 0x92, 0x92 }, { 0xf0, 0xf0 },                     /* A20/INIT, IGNNE */
    { 0x3f8, 0x3ff },                                   /* hv's console */
    { 0xcf8, 0xcff },                                   /* PCI config, reset */
};

/* May this vCPU, in kernel mode or not, execute port I/O at all? */
static bool pv_iopl_allows(const struct vcpu *v, bool kernel_mode)
{
    unsigned int cpl = kernel_mode ?
        (vm_assist_enabled(v->domain, VMASST_TYPE_architectural_iopl) ? 0 : 1) : 3;

    return (cpl << 12) <= v->arch.iopl;
}

static bool pv_iopl_ok(const struct vcpu *v)
{
    return pv_iopl_allows(v, v->arch.kernel_mode);
}

void pv_io_bitmap_init(u8 *bitmap)
{
    memset(bitmap, 0, IO_BITMAP_BYTES);
    for (unsigned int i = 0; i < ARRAY_SIZE(hv_ports); i++)
        for (unsigned int port = hv_ports[i].first; port <= hv_ports[i].last; port++)
            bitmap[port / 8] |= 1u << (port % 8);
}

/*
 * Computed here, not on every exit (pv_io_bitmap_select): the virtual
 * IOPL changes by set_iopl, set_vcpu_context or, under
 * architectural_iopl, by iret; vm_assist by its hypercall or
 * set_vcpu_context.  An iret needs no call: under architectural_iopl the
 * kernel is at virtual CPL 0, which every IOPL admits.  A vCPU starts
 * with the flag off; the hardware domain is chosen once, before its
 * kernel runs, and its vCPUs never run again once it is released.
 */
void pv_io_privilege_changed(struct vcpu *v)
{
    v->arch.kernel_io_direct = v->domain == hardware_domain() &&
                               pv_iopl_allows(v, true);
    if (!v->arch.kernel_io_direct && v == current)
        pv_io_bitmap_off(smp_processor_id());
}

void pv_io_privilege_changed_domain(struct domain *d)
{
    for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
        if (d->vcpu[i])
            pv_io_privilege_changed(d->vcpu[i]);
}

/* Do [port, port + bytes) reach the hardware for this domain? */
static bool pv_ioport_permitted(const struct domain *d, unsigned int port,
                         unsigned int bytes)
{
    unsigned int last = port + bytes - 1;

    if (d != hardware_domain() || last > 0xffff)
        return false;
    for (unsigned int i = 0; i < ARRAY_SIZE(hv_ports); i++)
        if (port <= hv_ports[i].last && last >= hv_ports[i].first)
            return false;
    return true;
}

static bool is_pci_conf_address(unsigned int port, unsigned int bytes)
{
    return port == PCI_CONF_ADDRESS && bytes == 4;
}

/* A data access the latched address makes a configuration access. */
static bool is_pci_conf_data(const struct domain *d, unsigned int port,
                             unsigned int bytes)
{
    return port >= PCI_CONF_DATA && port + bytes <= PCI_CONF_DATA + 4 &&
           !(port & (bytes - 1)) && (d->pci_cf8 & PCI_CONF_ENABLE);
}

static u32 io_read(const struct domain *d, unsigned int port, unsigned int bytes)
{
    if (d == hardware_domain()) {
        if (is_pci_conf_address(port, bytes))
            return d->pci_cf8;
        if (is_pci_conf_data(d, port, bytes))
            return pci_conf_read(d->pci_cf8, port - PCI_CONF_DATA, bytes);
    }
    if (!pv_ioport_permitted(d, port, bytes))
        return bytes == 4 ? ~0u : (1u << (bytes * 8)) - 1;
    switch (bytes) {
    case 1: return inb(port);
    case 2: return inw(port);
    default: return inl(port);
    }
}

static void io_write(struct domain *d, unsigned int port,
                     unsigned int bytes, u32 val)
{
    if (d == hardware_domain()) {
        if (is_pci_conf_address(port, bytes)) {
            d->pci_cf8 = val;
            return;
        }
        if (is_pci_conf_data(d, port, bytes)) {
            pci_conf_write(d->pci_cf8, port - PCI_CONF_DATA, bytes, val);
            return;
        }
    }
    if (!pv_ioport_permitted(d, port, bytes))
        return;
    switch (bytes) {
    case 1: outb(val, port); break;
    case 2: outw(val, port); break;
    default: outl(val, port); break;
    }
}

static void set_acc(struct cpu_user_regs *regs, unsigned int bytes, u32 val)
{
    switch (bytes) {
    case 1: regs->rax = (regs->rax & ~0xffUL) | (val & 0xff); break;
    case 2: regs->rax = (regs->rax & ~0xffffUL) | (val & 0xffff); break;
    default: regs->rax = val; break;     /* a 32-bit write zero-extends */
    }
}

/* INS/OUTS, one element or (rep) up to PV_IO_REP_BATCH of them. */
static bool string_io(struct vcpu *v, struct cpu_user_regs *regs, bool in,
                      unsigned int bytes, bool rep, unsigned int len)
{
    unsigned int port = regs->rdx & 0xffff;
    s64 step = (regs->rflags & X86_EFLAGS_DF) ? -(s64)bytes : (s64)bytes;
    u64 left = rep ? regs->rcx : 1;
    unsigned int done = 0;
    u32 val;

    for (; left && done < PV_IO_REP_BATCH; left--, done++) {
        if (in) {
            val = io_read(v->domain, port, bytes);
            if (copy_to_guest(regs->rdi, &val, bytes)) {
                pv_inject_page_fault(regs->rdi, PFEC_write);
                return true;
            }
            regs->rdi += step;
        } else {
            val = 0;
            if (copy_from_guest(&val, regs->rsi, bytes)) {
                pv_inject_page_fault(regs->rsi, 0);
                return true;
            }
            io_write(v->domain, port, bytes, val);
            regs->rsi += step;
        }
        if (rep)
            regs->rcx--;
    }
    if (!left)
        regs->rip += len;
    return true;
}

/*
 * cli/sti (fa/fb), in/out with an immediate port (e4-e7) or DX (ec-ef), ins/outs (6c-6f),
 * behind optional 0x66 (16-bit operand), rep (f3/f2), segment prefixes
 * with a zero base in 64-bit mode, and REX.  True when handled (the
 * instruction was emulated or an exception injected).
 */
bool pv_emulate_io(struct cpu_user_regs *regs, const struct pv_insn *fetched)
{
    struct vcpu *v = current;
    const u8 *insn = fetched->bytes;
    unsigned int n = fetched->len, i = 0;
    unsigned int bytes, port;
    bool opsize = false, rep = false;
    u8 op;

    for (; i < n; i++) {
        u8 b = insn[i];

        if (b == 0x66)
            opsize = true;
        else if (b == 0xf3 || b == 0xf2)
            rep = true;
        else if (b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26)
            continue;
        else if ((b & 0xf0) != 0x40)
            break;
    }
    if (i >= n)
        return false;
    op = insn[i++];
    /* CLI/STI under the same virtual IOPL mask or unmask event delivery
     * (Xen's emulation: a ring-3 kernel cannot own RFLAGS.IF). */
    if (op == 0xfa || op == 0xfb) {
        if (!pv_iopl_ok(v))
            return false;
        v->vcpu_info->evtchn_upcall_mask = op == 0xfa;
        regs->rip += i;
        return true;
    }
    bytes = (op & 1) ? (opsize ? 2 : 4) : 1;
    switch (op) {
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:
        if (i >= n)
            return false;
        port = insn[i++];
        break;
    case 0xec: case 0xed: case 0xee: case 0xef:
    case 0x6c: case 0x6d: case 0x6e: case 0x6f:
        port = regs->rdx & 0xffff;
        break;
    default:
        return false;
    }
    if (!pv_iopl_ok(v))
        return false;
    if (op >= 0x6c && op <= 0x6f)
        return string_io(v, regs, op <= 0x6d, bytes, rep, i);
    if (op & 2)
        io_write(v->domain, port, bytes, (u32)regs->rax);
    else
        set_acc(regs, bytes, io_read(v->domain, port, bytes));
    regs->rip += i;
    return true;
}
