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
 * State is saved with XSAVE when available, else FXSAVE.  As in Xen, a
 * vCPU starts with XCR0 = x87|SSE: a guest kernel that saves only SSE
 * state must not find AVX enabled under its processes.  It may enable
 * more with XSETBV (emulated, pv_set_xcr0); XCR0 is switched per vCPU.
 */
#include <hv/domain.h>
#include <hv/processor.h>
#include <hv/traps.h>
#include <hv/mm.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include "private.h"

#define XSTATE_X87        0x1
#define XSTATE_SSE        0x2
#define XSTATE_AVX        0x4
#define XSTATE_X87_SSE    (XSTATE_X87 | XSTATE_SSE)
#define XSTATE_X87_SSE_AVX (XSTATE_X87_SSE | XSTATE_AVX)
#define FXSAVE_SIZE       512
#define FCW_DEFAULT       0x037f
#define MXCSR_DEFAULT     0x1f80
#define XSAVE_HDR_OFFSET  512
#define MXCSR_OFFSET      24
#define MXCSR_MASK_OFFSET 28

struct fpu_state {
    u8 area[FXSAVE_SIZE];
};

static bool use_xsave;
static u64 host_xcr0;           /* every component hv can save */
static u64 cpu_xcr0;            /* what XCR0 holds now (one CPU) */
static unsigned int fpu_size = FXSAVE_SIZE;
static u32 mxcsr_mask = 0xffbf;     /* the architectural default */

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

/* The MXCSR bits this CPU accepts (FXSAVE reports them; 0 means 0xffbf). */
static void probe_mxcsr_mask(void)
{
    static u8 img[FXSAVE_SIZE] __attribute__((aligned(16)));
    u32 mask;

    clts();
    asm volatile("fxsave64 %0" : "=m"(img) :: "memory");
    memcpy(&mask, img + MXCSR_MASK_OFFSET, sizeof(mask));
    if (mask)
        mxcsr_mask = mask;
}

void fpu_init(void)
{
    u32 a, b, c, d;

    cpuid(1, &a, &b, &c, &d);
    if (c & (1u << 26)) {                        /* XSAVE */
        cpuid_count(0xd, 0, &a, &b, &c, &d);
        host_xcr0 = a & XSTATE_X87_SSE_AVX;
        write_cr4(read_cr4() | X86_CR4_OSXSAVE);
        xsetbv(0, host_xcr0);
        cpu_xcr0 = host_xcr0;
        cpuid_count(0xd, 0, &a, &b, &c, &d);     /* size for this XCR0 */
        fpu_size = b;
        use_xsave = true;
    }
    probe_mxcsr_mask();
    stts();
    printk("pv: FPU state saved with %s (%u bytes%s)\n",
           use_xsave ? "XSAVE" : "FXSAVE", fpu_size,
           use_xsave ? (host_xcr0 & XSTATE_AVX ? ", x87 SSE AVX" : ", x87 SSE") : "");
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
    memcpy(area + MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
    if (use_xsave)
        memcpy(area + XSAVE_HDR_OFFSET, &xstate_bv, sizeof(xstate_bv));
    v->arch.fpu = (struct fpu_state *)area;
    v->arch.xcr0 = XSTATE_X87_SSE;
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
                     : "a"((u32)v->arch.xcr0), "d"((u32)(v->arch.xcr0 >> 32))
                     : "memory");
    else
        asm volatile("fxsave64 %0" : "=m"(*v->arch.fpu) :: "memory");
}

static void fpu_restore(struct vcpu *v)
{
    if (use_xsave)
        asm volatile("xrstor64 %0" :: "m"(*v->arch.fpu),
                     "a"((u32)v->arch.xcr0), "d"((u32)(v->arch.xcr0 >> 32))
                     : "memory");
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

bool fpu_has_xsave(void)
{
    return use_xsave;
}

/* Runs before v's registers are live: XCR0 decides which state it has. */
void fpu_switch_in(struct vcpu *v)
{
    if (use_xsave && cpu_xcr0 != v->arch.xcr0) {
        xsetbv(0, v->arch.xcr0);
        cpu_xcr0 = v->arch.xcr0;
    }
}

/*
 * XSETBV from the guest kernel.  XCR0 is the only register; x87 must stay
 * on, AVX needs SSE, and only components hv saves may be enabled.  The
 * CPU's live state is saved first so no component is lost in the change.
 */
bool pv_set_xcr0(struct vcpu *v, u32 index, u64 val)
{
    if (!use_xsave || index != 0 || !(val & XSTATE_X87) || (val & ~host_xcr0) ||
        ((val & XSTATE_AVX) && !(val & XSTATE_SSE)))
        return false;
    if (v->arch.fpu_dirtied)
        fpu_save(v);
    /* XRSTOR refuses saved components XCR0 no longer enables. */
    *(u64 *)(v->arch.fpu->area + XSAVE_HDR_OFFSET) &= val;
    v->arch.xcr0 = val;
    fpu_switch_in(v);
    if (v->arch.fpu_dirtied)
        fpu_restore(v);
    return true;
}

/*
 * The FXSAVE image of a vCPU that is not running (its state is saved in
 * its area: fpu_switch_out ran when it left its CPU), for the toolstack's
 * get/setvcpucontext.  MXCSR bits the CPU does not have are dropped so
 * that restoring the image cannot fault in hv.
 */
void fpu_get_image(const struct vcpu *v, u8 img[FXSAVE_SIZE])
{
    memcpy(img, v->arch.fpu->area, FXSAVE_SIZE);
}

void fpu_set_image(struct vcpu *v, const u8 img[FXSAVE_SIZE])
{
    static const u64 xstate_bv = 3;
    u32 mxcsr;

    memcpy(v->arch.fpu->area, img, FXSAVE_SIZE);
    memcpy(&mxcsr, v->arch.fpu->area + MXCSR_OFFSET, sizeof(mxcsr));
    mxcsr &= mxcsr_mask;
    memcpy(v->arch.fpu->area + MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
    if (use_xsave)
        memcpy(v->arch.fpu->area + XSAVE_HDR_OFFSET, &xstate_bv, sizeof(xstate_bv));
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
