/*
 * Hypercalls of HVM guests: VMMCALL (SVM) or VMCALL (VMX) from ring 0,
 * made directly or through the hypercall page hv writes into guest RAM
 * when the guest writes its address to MSR 0x40000000 (CPUID leaf
 * 0x40000002 says so).  The register ABI follows the caller's mode, as
 * Xen's: a 64-bit code segment passes RAX and RDI, RSI, RDX, R10, R8;
 * any other mode EAX and EBX, ECX, EDX, ESI, EDI.  Ring 1-3 and virtual
 * 8086 mode get -EPERM.
 *
 * What an HVM guest may call (docs/hvm.md): xen_version, console_io, and
 * sched_op's yield and shutdown; everything else is -ENOSYS.  The
 * handlers are the PV ones: their buffers go through guest_copy.c.
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

#define HYPERCALL_STUB_SIZE 32

static bool hvm_may_call(u64 op, u64 arg0)
{
    switch (op) {
    case __HYPERVISOR_xen_version:
    case __HYPERVISOR_console_io:
        return true;
    case __HYPERVISOR_sched_op:
        /* block and poll wait for events, which HVM guests cannot get yet */
        return arg0 == SCHEDOP_yield || arg0 == SCHEDOP_shutdown ||
               arg0 == SCHEDOP_shutdown_code || arg0 == SCHEDOP_remote_shutdown;
    default:
        return false;
    }
}

/* The 32-bit ABI's one layout that differs from the 64-bit structures
 * the handlers use: platform_parameters' virt_start is 4 bytes. */
static bool compat_layout(u64 op, u64 arg0)
{
    return op == __HYPERVISOR_xen_version && arg0 == XENVER_platform_parameters;
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
    if (!hvm_may_call(op, args[0])) {
        ret = -ENOSYS;
    } else if (!v->hvm->hcall_64bit && compat_layout(op, args[0])) {
        u32 virt_start = 0;

        ret = copy_to_guest(args[1], &virt_start, sizeof(virt_start)) ? -EFAULT : 0;
    } else {
        ret = hypercall_call(op, args);
    }
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
 * has one page: index 0).  Each 32-byte stub is "mov $nr, %eax; <the
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
    for (u32 nr = 0; nr < PAGE_SIZE / HYPERCALL_STUB_SIZE; nr++) {
        u8 *stub = page + nr * HYPERCALL_STUB_SIZE;

        if (nr == __HYPERVISOR_iret) {
            stub[0] = 0x0f;
            stub[1] = 0x0b;
            continue;
        }
        stub[0] = 0xb8;
        memcpy(stub + 1, &nr, 4);
        memcpy(stub + 5, hvm_ops->hypercall_insn, 3);
        stub[8] = 0xc3;
    }
    return true;
}
