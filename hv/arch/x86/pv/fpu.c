/*
 * Lazy FPU switching for PV vCPUs.
 *
 * hv itself never touches the FPU/SSE/AVX registers, so a vCPU's state
 * can stay in the CPU until another vCPU needs it.  On every switch the
 * outgoing vCPU's state is saved if it used the FPU since it came in, and
 * CR0.TS is set; the next FPU instruction of the incoming vCPU raises #NM,
 * which loads its state and clears TS.
 *
 * The guest has a virtual CR0.TS of its own (fpu_taskswitch): while it is
 * set, the guest's next FPU instruction also gets a #NM bounced to its
 * handler, and the virtual TS is cleared, as Xen does.
 *
 * State is saved with XSAVE (x87, SSE and AVX as the CPU has them) when
 * available, else FXSAVE.
 */
#include <hv/domain.h>
#include <hv/processor.h>
#include <hv/traps.h>
#include <hv/mm.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include "private.h"

#define X86_CR4_OSXSAVE   0x00040000
#define XSTATE_X87_SSE_AVX 0x7
#define FXSAVE_SIZE       512
#define FCW_DEFAULT       0x037f
#define MXCSR_DEFAULT     0x1f80
#define XSAVE_HDR_OFFSET  512

struct fpu_state {
    u8 area[FXSAVE_SIZE];
};

static bool use_xsave;
static u64 xcr0;
static unsigned int fpu_size = FXSAVE_SIZE;

static void stts(void)
{
    write_cr0(read_cr0() | X86_CR0_TS);
}

static void clts(void)
{
    asm volatile("clts" ::: "memory");
}

static void xsetbv(u32 index, u64 value)
{
    asm volatile("xsetbv" :: "c"(index), "a"((u32)value), "d"((u32)(value >> 32)));
}

void fpu_init(void)
{
    u32 a, b, c, d;

    cpuid(1, &a, &b, &c, &d);
    if (c & (1u << 26)) {                        /* XSAVE */
        cpuid_count(0xd, 0, &a, &b, &c, &d);
        xcr0 = a & XSTATE_X87_SSE_AVX;
        write_cr4(read_cr4() | X86_CR4_OSXSAVE);
        xsetbv(0, xcr0);
        cpuid_count(0xd, 0, &a, &b, &c, &d);     /* size for this XCR0 */
        fpu_size = b;
        use_xsave = true;
    }
    stts();
    printk("pv: FPU state saved with %s (%u bytes%s)\n",
           use_xsave ? "XSAVE" : "FXSAVE", fpu_size,
           use_xsave ? (xcr0 & 4 ? ", x87 SSE AVX" : ", x87 SSE") : "");
}

/* Allocation sizes are powers of two, so xmalloc aligns them to 64. */
static size_t area_alloc_size(void)
{
    size_t sz = 64;

    while (sz < fpu_size)
        sz <<= 1;
    return sz;
}

int fpu_alloc(struct vcpu *v)
{
    static const u16 fcw = FCW_DEFAULT;
    static const u32 mxcsr = MXCSR_DEFAULT;
    static const u64 xstate_bv = 3;             /* x87 and SSE from the area */
    u8 *area = xzalloc(area_alloc_size());

    if (!area)
        return -ENOMEM;
    /* The state after FNINIT, with SSE exceptions masked (MXCSR). */
    memcpy(area, &fcw, sizeof(fcw));
    memcpy(area + 24, &mxcsr, sizeof(mxcsr));
    if (use_xsave)
        memcpy(area + XSAVE_HDR_OFFSET, &xstate_bv, sizeof(xstate_bv));
    v->arch.fpu = (struct fpu_state *)area;
    return 0;
}

void fpu_free(struct vcpu *v)
{
    xfree(v->arch.fpu);
    v->arch.fpu = NULL;
}

static void fpu_save(struct vcpu *v)
{
    if (use_xsave)
        asm volatile("xsave64 %0" : "+m"(*v->arch.fpu)
                     : "a"((u32)xcr0), "d"((u32)(xcr0 >> 32)) : "memory");
    else
        asm volatile("fxsave64 %0" : "=m"(*v->arch.fpu) :: "memory");
}

static void fpu_restore(struct vcpu *v)
{
    if (use_xsave)
        asm volatile("xrstor64 %0" :: "m"(*v->arch.fpu),
                     "a"((u32)xcr0), "d"((u32)(xcr0 >> 32)) : "memory");
    else
        asm volatile("fxrstor64 %0" :: "m"(*v->arch.fpu) : "memory");
}

void fpu_switch_out(struct vcpu *v)
{
    if (v->arch.fpu_dirtied) {
        fpu_save(v);
        v->arch.fpu_dirtied = false;
    }
    stts();
}

void fpu_device_not_available(struct vcpu *v)
{
    clts();
    if (!v->arch.fpu_dirtied) {
        fpu_restore(v);
        v->arch.fpu_dirtied = true;
    }
    if (v->arch.guest_ts) {
        v->arch.guest_ts = false;
        pv_inject_exception(TRAP_no_device, 0);
    }
}

void fpu_set_guest_ts(struct vcpu *v, bool set)
{
    v->arch.guest_ts = set;
    if (set)
        stts();
    else if (v->arch.fpu_dirtied)
        clts();
}
