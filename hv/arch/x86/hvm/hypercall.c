/*
 * Hypercalls of HVM guests: VMMCALL (SVM) or VMCALL (VMX) from ring 0,
 * made directly or through the hypercall page hv writes into guest RAM
 * when the guest writes its address to MSR 0x40000000 (CPUID leaf
 * 0x40000002 says so).  The register ABI follows the caller's mode, as
 * Xen's: a 64-bit code segment passes RAX and RDI, RSI, RDX, R10, R8;
 * any other mode EAX and EBX, ECX, EDX, ESI, EDI.  Ring 1-3 and virtual
 * 8086 mode get -EPERM.
 *
 * What an HVM guest may call (docs/hvm.md): xen_version, console_io,
 * sched_op (not block), the event-channel ops of interdomain channels,
 * memory_op's add_to_physmap of shared_info (where the guest reads its
 * pending bits) and hvm_op's callback vector (hvm_op.c); everything else
 * is -ENOSYS.  The handlers are the PV ones, their buffers through
 * guest_copy.c; the 32-bit ABI's structures that differ are converted
 * here.
 */
#include <hv/hvm.h>
#include <hv/hvm_io.h>
#include <hv/hypercall.h>
#include <hv/mm.h>
#include <hv/page.h>
#include <hv/guest_access.h>
#include <hv/processor.h>
#include <hv/traps.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <public/xen.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/memory.h>
#include <public/event_channel.h>

#define HYPERCALL_SLOT_SIZE 32

static bool hvm_may_call(u64 op, u64 arg0)
{
    switch (op) {
    case __HYPERVISOR_xen_version:
    case __HYPERVISOR_console_io:
        return true;
    case __HYPERVISOR_sched_op:
        /* block waits for an upcall, which needs a callback vector */
        return arg0 == SCHEDOP_yield || arg0 == SCHEDOP_poll ||
               arg0 == SCHEDOP_shutdown || arg0 == SCHEDOP_shutdown_code ||
               arg0 == SCHEDOP_remote_shutdown;
    case __HYPERVISOR_event_channel_op:
        return arg0 == EVTCHNOP_alloc_unbound || arg0 == EVTCHNOP_bind_interdomain ||
               arg0 == EVTCHNOP_send || arg0 == EVTCHNOP_close ||
               arg0 == EVTCHNOP_status || arg0 == EVTCHNOP_unmask;
    default:
        return false;
    }
}

/* XENMEM_add_to_physmap: shared_info only (grant-table frames and
 * gmfn moves are -ENOSYS, as a space Xen does not know). */
static long hvm_add_to_physmap(xen_guest_handle_t arg, bool compat)
{
    struct domain *d = current->domain;
    struct xen_add_to_physmap x;

    if (compat) {
        struct compat_add_to_physmap c;

        if (copy_from_guest(&c, arg, sizeof(c)))
            return -EFAULT;
        x = (struct xen_add_to_physmap){ .domid = c.domid, .size = c.size,
                                         .space = c.space, .idx = c.idx,
                                         .gpfn = c.gpfn };
    } else if (copy_from_guest(&x, arg, sizeof(x))) {
        return -EFAULT;
    }
    if (x.domid != DOMID_SELF && x.domid != d->domain_id)
        return -EPERM;
    if (x.space != XENMAPSPACE_shared_info)
        return -ENOSYS;
    if (x.idx != 0)
        return -EINVAL;
    return hvm_map_shared_info(d, x.gpfn);
}

/* The 32-bit ABI's calls whose structures differ from the 64-bit ones
 * the handlers read: true (and *ret) if this was one. */
static bool compat_call(u64 op, const u64 a[5], long *ret)
{
    if (op == __HYPERVISOR_xen_version && a[0] == XENVER_platform_parameters) {
        u32 virt_start = 0;

        *ret = copy_to_guest(a[1], &virt_start, sizeof(virt_start)) ? -EFAULT : 0;
        return true;
    }
    if (op == __HYPERVISOR_sched_op && a[0] == SCHEDOP_poll) {
        struct compat_sched_poll c;
        struct sched_poll p = { 0 };

        if (copy_from_guest(&c, a[1], sizeof(c))) {
            *ret = -EFAULT;
        } else {
            p.ports = c.ports;
            p.nr_ports = c.nr_ports;
            p.timeout = c.timeout;
            *ret = sched_op_poll(&p);
        }
        return true;
    }
    return false;
}

/* True if the instruction completed (RIP moves past it); false after a
 * continuation, which runs the same instruction again. */
bool hvm_handle_hypercall(struct vcpu *v)
{
    struct hvm_regs *r = &v->hvm->regs;
    struct hvm_paging p;
    u64 op, args[5];
    long ret;

    hvm_ops->get_paging(v, &p);
    if ((r->rflags & X86_EFLAGS_VM) || p.cpl) {
        r->rax = (u64)(long)-EPERM;
        return true;
    }
    v->hvm->hcall_64bit = p.cs_long && (p.efer & EFER_LMA);
    if (v->hvm->hcall_64bit) {
        op = r->rax;
        args[0] = r->rdi;
        args[1] = r->rsi;
        args[2] = r->rdx;
        args[3] = r->r10;
        args[4] = r->r8;
    } else {
        op = (u32)r->rax;
        args[0] = (u32)r->rbx;
        args[1] = (u32)r->rcx;
        args[2] = (u32)r->rdx;
        args[3] = (u32)r->rsi;
        args[4] = (u32)r->rdi;
    }
    v->arch.hcall_preempted = false;
    if (op == __HYPERVISOR_memory_op)
        ret = args[0] == XENMEM_add_to_physmap ?
              hvm_add_to_physmap(args[1], !v->hvm->hcall_64bit) : -ENOSYS;
    else if (op == __HYPERVISOR_hvm_op)
        ret = hvm_do_hvm_op((unsigned int)args[0], args[1]);
    else if (!hvm_may_call(op, args[0]))
        ret = -ENOSYS;
    else if (v->hvm->hcall_64bit || !compat_call(op, args, &ret))
        ret = hypercall_call(op, args);
    if (v->arch.hcall_preempted)
        return false;
    r->rax = (u64)ret;
    return true;
}

long hvm_hypercall_continuation(unsigned int op, const u64 a[5])
{
    struct vcpu *v = current;
    struct hvm_regs *r = &v->hvm->regs;

    r->rax = op;
    if (v->hvm->hcall_64bit) {
        r->rdi = a[0];
        r->rsi = a[1];
        r->rdx = a[2];
        r->r10 = a[3];
        r->r8 = a[4];
    } else {
        r->rbx = a[0];
        r->rcx = a[1];
        r->rdx = a[2];
        r->rsi = a[3];
        r->rdi = a[4];
    }
    v->arch.hcall_preempted = true;
    return op;
}

/*
 * MSR 0x40000000: bits 12-63 a guest frame, bits 0-11 the page index (hv
 * has one page: index 0).  Each 32-byte slot is "mov $nr, %eax; <the
 * backend's hypercall instruction>; ret"; iret's is ud2 (PV only), the
 * rest int3.  A bad index or a frame that is not RAM is a #GP, as on Xen.
 */
bool hvm_write_hypercall_page(struct vcpu *v, u64 val)
{
    mfn_t mfn;
    u8 *page;

    if (val & (PAGE_SIZE - 1))
        return false;
    mfn = hvm_ram_frame(v->domain, val >> PAGE_SHIFT);
    if (mfn == INVALID_MFN)
        return false;
    page = mfn_to_virt(mfn);
    memset(page, 0xcc, PAGE_SIZE);
    for (u32 nr = 0; nr < PAGE_SIZE / HYPERCALL_SLOT_SIZE; nr++) {
        u8 *slot = page + nr * HYPERCALL_SLOT_SIZE;

        if (nr == __HYPERVISOR_iret) {
            slot[0] = 0x0f;
            slot[1] = 0x0b;
            continue;
        }
        slot[0] = 0xb8;
        memcpy(slot + 1, &nr, 4);
        memcpy(slot + 5, hvm_ops->hypercall_insn, 3);
        slot[8] = 0xc3;
    }
    return true;
}
