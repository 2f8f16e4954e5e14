/*
 * Traps: every exception a PV kernel can raise and how it is bounced
 * (frame layout, error codes, CR2, the event mask), software interrupts
 * and their gate DPL, the virtual CR0.TS, the iret hypercall, guest user
 * mode (SYSCALL, int $0x80, faults, returning to user mode) and the
 * segment bases.
 *
 * xen-ref: pass
 */
#include "lib/guest.h"
#include "lib/traps.h"
#include "lib/mm.h"
#include "lib/user.h"
#include <public/callback.h>
#include <public/segbase.h>

const char test_title[] = "traps";

#define EFLAGS_TF   0x100UL
#define EFLAGS_IF   0x200UL
#define EFLAGS_IOPL 0x3000UL
#define EFLAGS_NT   0x4000UL
#define EFLAGS_AC   0x40000UL
#define CR0_TS      0x8UL

/* A frame bounced from guest kernel mode has CS's RPL cleared. */
#define KERNEL_MODE_CS (FLAT_KERNEL_CS & ~3)
#define NONCANONICAL   0x8000000000000000UL

/* --- capturing whole frames ------------------------------------------ */

static struct trap_frame seen;
static uint64_t seen_frame_top, seen_handler_rflags;

static uint64_t read_rflags(void)
{
    uint64_t f;
    asm volatile ("pushf; pop %0" : "=r"(f));
    return f;
}

/* Records the frame, then leaves the trap to the runtime's fixups. */
static long capture_frame(struct trap_frame *f)
{
    if (f->vector == TRAP_EVENT)
        return TRAP_UNHANDLED;
    seen = *f;
    seen_frame_top = (uint64_t)(f + 1);
    seen_handler_rflags = read_rflags();
    return TRAP_UNHANDLED;
}

static uint8_t upcall_mask(void)
{
    return shared_info->vcpu_info[0].evtchn_upcall_mask;
}

/* --- exceptions from kernel mode -------------------------------------- */

static void check_kernel_exceptions(void)
{
    CHECK_EQ(PROBE("div %%rcx", "a"(1), "d"(0), "c"(0)), 0, "#DE: div by zero");
    CHECK_EQ(PROBE("int3"), 3, "#BP: int3");
    CHECK_EQ(PROBE(".byte 0xcd, 0x03"), 3, "#BP: int $3");
    CHECK_EQ(PROBE("int $4"), 4, "#OF: int $4");
    CHECK_EQ(PROBE("ud2"), 6, "#UD: ud2");
    CHECK_EQ(PROBE("mov (%0), %%rax", "r"(NONCANONICAL) : "rax"), 13,
             "#GP: non-canonical read");
    CHECK_EQ(last_trap.error_code, 0, "#GP error code");
}

/* --- the bounce frame -------------------------------------------------- */

/* ud2 with known RCX/R11 and RSP; returns the ud2's address. */
static uint64_t ud2_frame(uint64_t *rsp)
{
    uint64_t rip;
    asm volatile ("lea 1f(%%rip), %0\n"
                  "mov %%rsp, %1\n"
                  "mov $0x1111, %%ecx\n"
                  "mov $0x2222, %%r11d\n"
                  "1: ud2\n2:\n"
                  ASM_EXTABLE(1b, 2b)
                  : "=&r"(rip), "=&r"(*rsp) : : "rcx", "r11", "memory");
    return rip;
}

static void check_frame(uint8_t mask)
{
    uint64_t rsp;

    memset(&seen, 0, sizeof(seen));
    uint64_t rip = ud2_frame(&rsp);

    CHECK_EQ(seen.vector, 6, "vector");
    CHECK_EQ(seen.rip, rip, "frame RIP");
    CHECK_EQ(seen.cs & 0xffff, KERNEL_MODE_CS, "frame CS (RPL cleared in kernel mode)");
    CHECK_EQ((seen.cs >> 32) & 0xff, mask, "frame CS bits 32-39: saved upcall mask");
    CHECK_EQ(seen.cs >> 40, 0, "frame CS bits 40-63");
    CHECK_EQ(seen.rflags & EFLAGS_IF, mask ? 0 : EFLAGS_IF, "frame RFLAGS.IF = !mask");
    CHECK_EQ(seen.rsp, rsp, "frame RSP");
    CHECK_EQ(seen.ss, FLAT_KERNEL_SS, "frame SS");
    CHECK_EQ(seen.rcx, 0x1111, "frame RCX slot");
    CHECK_EQ(seen.r11, 0x2222, "frame R11 slot");
    CHECK_EQ(seen_frame_top, rsp & ~15UL, "frame built below the 16-byte aligned RSP");
    CHECK_EQ(seen_handler_rflags & (EFLAGS_TF | EFLAGS_NT | EFLAGS_AC), 0,
             "TF/NT/AC clear in the handler");
    CHECK_EQ(upcall_mask(), mask, "upcall mask restored by iret");
}

static void check_bounce_frame(void)
{
    trap_hook = capture_frame;
    check_frame(1);
    shared_info->vcpu_info[0].evtchn_upcall_mask = 0;
    check_frame(0);
    shared_info->vcpu_info[0].evtchn_upcall_mask = 1;

    /* With an error code the slots above it keep their places. */
    uint64_t rip;
    memset(&seen, 0, sizeof(seen));
    asm volatile ("lea 1f(%%rip), %0\n"
                  "1: mov (%1), %%rax\n2:\n"
                  ASM_EXTABLE(1b, 2b)
                  : "=&r"(rip) : "r"(NONCANONICAL) : "rax", "memory");
    CHECK_EQ(seen.vector, 13, "#GP vector");
    CHECK_EQ(seen.error_code, 0, "#GP error code slot");
    CHECK_EQ(seen.rip, rip, "#GP frame RIP");
    CHECK_EQ(seen.ss, FLAT_KERNEL_SS, "#GP frame SS");
    trap_hook = 0;
}

/* --- page faults ------------------------------------------------------- */

static uint8_t *nx_page;

/* A call into the no-execute page faults at its first byte: return to the
 * caller as if the callee had returned. */
static long catch_nx_call(struct trap_frame *f)
{
    if (f->vector != 14 || f->rip != (uint64_t)nx_page)
        return TRAP_UNHANDLED;
    trap_record(f);
    f->rip = *(uint64_t *)f->rsp;
    f->rsp += 8;
    return 0;
}

static void call_page(void *code)
{
    asm volatile ("call *%0" : : "r"(code)
                  : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
                    "memory");
}

static void check_page_faults(void)
{
    CHECK_EQ(PROBE("mov (%0), %%rax", "r"(0x1000UL) : "rax"), 14, "read unmapped");
    CHECK_EQ(last_trap.error_code, 0, "error code: not present, read, kernel");
    CHECK_EQ(last_trap.cr2, 0x1000, "cr2");

    CHECK_EQ(PROBE("movq $0, (%0)", "r"(0x2008UL)), 14, "write unmapped");
    CHECK_EQ(last_trap.error_code, 2, "error code: not present, write");
    CHECK_EQ(last_trap.cr2, 0x2008, "cr2");

    CHECK_EQ(PROBE("movq $0, 8(%0)", "r"(start_info->pt_base)), 14,
             "write to a read-only page (our L4)");
    CHECK_EQ(last_trap.error_code, 3, "error code: present, write");
    CHECK_EQ(last_trap.cr2, start_info->pt_base + 8, "cr2");

    nx_page = alloc_page();
    nx_page[0] = 0xc3;                              /* ret */
    CHECK_EQ(map_frame(nx_page, virt_to_mfn(nx_page), PTE_DATA | _PAGE_NX), 0,
             "mapping a page no-execute");
    unsigned int before = last_trap.count;
    trap_hook = catch_nx_call;
    call_page(nx_page);
    CHECK_EQ(last_trap.count - before, 1, "instruction fetch from an NX page faults");
    CHECK_EQ(last_trap.error_code, 0x11, "error code: present, instruction fetch");
    CHECK_EQ(last_trap.cr2, (uint64_t)nx_page, "cr2 of the fetch");
    make_writable(nx_page);
    call_page(nx_page);
    CHECK_EQ(last_trap.count - before, 1, "executable again after remapping");
    trap_hook = 0;
}

/* --- FPU: virtual CR0.TS, #NM, #MF, #XM --------------------------------- */

static uint64_t read_cr0(void)
{
    uint64_t cr0;
    asm volatile ("mov %%cr0, %0" : "=r"(cr0));
    return cr0;
}

static long fpu_taskswitch(int set)
{
    return hypercall1(HC(fpu_taskswitch), set);
}

static void check_fpu_taskswitch(void)
{
    CHECK_EQ(read_cr0() & CR0_TS, 0, "emulated CR0 read: TS clear at start");
    CHECK_EQ(PROBE("fninit"), TRAP_NONE, "x87 with TS clear");

    CHECK_EQ(fpu_taskswitch(1), 0, "fpu_taskswitch(1)");
    CHECK_EQ(read_cr0() & CR0_TS, CR0_TS, "emulated CR0 read: TS set");
    CHECK_EQ(PROBE("fninit"), 7, "#NM: x87 with TS set");
    /* Like a real CPU's handler doing clts, Xen clears TS as it delivers #NM. */
    CHECK_EQ(read_cr0() & CR0_TS, 0, "TS cleared by the #NM delivery");
    CHECK_EQ(PROBE("fninit"), TRAP_NONE, "x87 after the #NM");

    CHECK_EQ(fpu_taskswitch(1), 0, "fpu_taskswitch(1) again");
    CHECK_EQ(fpu_taskswitch(0), 0, "fpu_taskswitch(0)");
    CHECK_EQ(PROBE("fninit"), TRAP_NONE, "x87 after fpu_taskswitch(0)");

    CHECK_EQ(fpu_taskswitch(1), 0, "fpu_taskswitch(1) before clts");
    CHECK_EQ(PROBE("clts"), TRAP_NONE, "clts is emulated");
    CHECK_EQ(read_cr0() & CR0_TS, 0, "TS clear after clts");
    CHECK_EQ(PROBE("fninit"), TRAP_NONE, "x87 after clts");

    CHECK_EQ(fpu_taskswitch(1), 0, "fpu_taskswitch(1) before SSE");
    CHECK_EQ(PROBE("xorps %%xmm0, %%xmm0"), 7, "#NM: SSE with TS set");
}

static void check_fpu_exception(void)
{
    uint16_t fcw = 0x37f & ~0x4;            /* default, zero-divide unmasked */

    asm volatile ("fninit; fldcw %0; fldz; fld1; fdivp" : : "m"(fcw));
    CHECK_EQ(PROBE("fwait"), 16, "#MF: pending x87 zero divide");
    asm volatile ("fnclex; fninit");
}

/* --- XCR0 -------------------------------------------------------------- */

#define XSTATE_X87 1UL
#define XSTATE_SSE 2UL
#define XSTATE_AVX 4UL

static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;

    asm volatile ("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

#define XSETBV(index, val) \
    PROBE("xsetbv", "c"(index), "a"((uint32_t)(val)), "d"((uint32_t)((val) >> 32)))

#define CR4_OSXSAVE 0x40000UL

/*
 * A PV vCPU starts with XCR0 = x87|SSE, so a kernel that saves only SSE
 * state is safe.  XSETBV is #UD until the kernel sets OSXSAVE in its
 * (virtual) CR4, as Linux does; then it may enable more, within what the
 * hypervisor saves, and a bad XCR0 value is a #GP.
 */
static void check_xcr0(void)
{
    uint32_t a, b, c, d;
    uint64_t cr4;

    asm volatile ("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    if (!(c & (1u << 26))) {
        printk("skip: no XSAVE\n");
        return;
    }
    CHECK_EQ(xgetbv0(), XSTATE_X87 | XSTATE_SSE, "initial XCR0");
    asm volatile ("mov %%cr4, %0" : "=r"(cr4));
    CHECK_EQ(cr4 & CR4_OSXSAVE, 0, "CR4.OSXSAVE before the kernel sets it");
    CHECK_EQ(XSETBV(0, XSTATE_X87 | XSTATE_SSE), 6, "XSETBV before CR4.OSXSAVE");
    asm volatile ("mov %0, %%cr4" : : "r"(cr4 | CR4_OSXSAVE));
    asm volatile ("mov %%cr4, %0" : "=r"(cr4));
    CHECK(cr4 & CR4_OSXSAVE, "CR4.OSXSAVE did not stick");
    CHECK_EQ(XSETBV(0, 0UL), 13, "XCR0 without x87");
    CHECK_EQ(XSETBV(0, XSTATE_X87 | XSTATE_AVX), 13, "AVX without SSE");
    CHECK_EQ(XSETBV(1, XSTATE_X87 | XSTATE_SSE), 13, "XCR1");
    CHECK_EQ(xgetbv0(), XSTATE_X87 | XSTATE_SSE, "XCR0 after refused writes");
    if (c & (1u << 28)) {
        CHECK_EQ(XSETBV(0, XSTATE_X87 | XSTATE_SSE | XSTATE_AVX), TRAP_NONE,
                 "enable AVX");
        CHECK_EQ(xgetbv0(), XSTATE_X87 | XSTATE_SSE | XSTATE_AVX, "XCR0 with AVX");
        CHECK_EQ(XSETBV(0, XSTATE_X87 | XSTATE_SSE), TRAP_NONE, "disable AVX");
        CHECK_EQ(xgetbv0(), XSTATE_X87 | XSTATE_SSE, "XCR0 back to x87|SSE");
    }
    asm volatile ("mov %0, %%cr4" : : "r"(cr4 & ~CR4_OSXSAVE));
}

/* --- single step ------------------------------------------------------- */

static uint64_t single_step_rip;

static long catch_single_step(struct trap_frame *f)
{
    if (f->vector != 1)
        return TRAP_UNHANDLED;
    trap_record(f);
    single_step_rip = f->rip;
    f->rflags &= ~EFLAGS_TF;
    return 0;
}

static void check_single_step(void)
{
    uint64_t after_nop;
    unsigned int before = last_trap.count;

    trap_hook = catch_single_step;
    asm volatile ("lea 1f(%%rip), %0\n"
                  "pushf; orl $0x100, (%%rsp); popf\n"
                  "nop\n"
                  "1: nop\n"
                  : "=&r"(after_nop) : : "memory");
    trap_hook = 0;
    CHECK_EQ(last_trap.count - before, 1, "#DB: one single-step trap");
    CHECK_EQ(last_trap.vector, 1, "vector");
    CHECK_EQ(single_step_rip, after_nop, "#DB is a trap: RIP after the stepped nop");
    CHECK_EQ(read_rflags() & EFLAGS_TF, 0, "TF clear after the handler");
}

/* --- software interrupts and gate DPL ----------------------------------- */

/*
 * INT n through a gate the guest may not use is a #GP whose error code
 * names the IDT entry: (n << 3) | 2 on hardware.  QEMU's TCG writes
 * (n << 4) | 2 (the byte offset of the 16-byte entry), and Xen passes the
 * CPU's error code through, so accept both.
 */
static bool softint_gp(uint64_t vector)
{
    return last_trap.vector == 13 &&
           (last_trap.error_code == ((vector << 3) | 2) ||
            last_trap.error_code == ((vector << 4) | 2));
}

/*
 * Xen decodes the vector from that error code, so only vector 0 (whose
 * error code is 2 either way) shows gate DPL rules under TCG.  An INT $0
 * that the gate admits arrives as a software interrupt on vector 0: no
 * error code, RIP after the instruction.
 */
static uint64_t int0_rip;

static long catch_int0(struct trap_frame *f)
{
    if (f->vector != 0)
        return TRAP_UNHANDLED;
    trap_record(f);
    int0_rip = f->rip;
    return 0;
}

static uint64_t probe_int0(void)
{
    uint64_t after;

    int0_rip = 0;
    last_trap.vector = TRAP_NONE;
    trap_hook = catch_int0;
    asm volatile ("lea 2f(%%rip), %0\n"
                  "1: int $0\n2:\n"
                  ASM_EXTABLE(1b, 2b)
                  : "=&r"(after) : : "memory");
    trap_hook = 0;
    if (last_trap.vector == 0)
        CHECK_EQ(int0_rip, after, "INT $0 delivered with RIP after the instruction");
    return last_trap.vector;
}

static void check_software_interrupts(void)
{
    CHECK_EQ(PROBE("int $0x80"), 0x80, "int $0x80 through a DPL 3 gate");
    CHECK_EQ(PROBE("int $0x81"), 13, "int $0x81 with no gate: #GP");
    CHECK(softint_gp(0x81), "#GP error code %#lx names vector 0x81", last_trap.error_code);
    CHECK_EQ(PROBE("int $14"), 13, "int $14 (DPL 0 gate): #GP");
    CHECK(softint_gp(14), "#GP error code %#lx names vector 14", last_trap.error_code);

    CHECK_EQ(probe_int0(), 13, "int $0 through the DPL 0 #DE gate: #GP");
    CHECK(softint_gp(0), "#GP error code %#lx names vector 0", last_trap.error_code);
    /* The guest kernel counts as ring 1 for gate checks: DPL 1 admits it. */
    CHECK_EQ(set_trap(0, 1), 0, "raise the #DE gate to DPL 1");
    CHECK_EQ(probe_int0(), 0, "int $0 through a DPL 1 gate from kernel mode");
    CHECK_EQ(set_trap(0, 0), 0, "lower the #DE gate to DPL 0");
    CHECK_EQ(probe_int0(), 13, "int $0 through a DPL 0 gate again: #GP");
}

/* Trap-table flag bit 2 makes the bounce mask events, like an interrupt gate. */
static void check_trap_masks_events(void)
{
    shared_info->vcpu_info[0].evtchn_upcall_mask = 0;
    CHECK_EQ(PROBE("int3"), 3, "int3, plain gate");
    CHECK_EQ(last_trap.upcall_mask, 0, "plain gate leaves events unmasked");
    CHECK_EQ(set_trap(3, 3 | 4), 0, "set the mask-events flag on vector 3");
    CHECK_EQ(PROBE("int3"), 3, "int3, masking gate");
    CHECK_EQ(last_trap.upcall_mask, 1, "masking gate masks events in the handler");
    CHECK_EQ((last_trap.cs >> 32) & 0xff, 0, "saved mask in the frame is the old one");
    CHECK_EQ(upcall_mask(), 0, "iret restores the mask from RFLAGS.IF");
    CHECK_EQ(set_trap(3, 3), 0, "restore vector 3");
    shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
}

/* --- the iret hypercall back to kernel mode ------------------------------ */

struct iret_result {
    uint64_t rax, rcx, r11, rflags;
};

/* iret hypercall to the next instruction with the given RFLAGS (CS RPL 0:
 * stay in kernel mode); records what the registers look like there. */
static void iret_to_kernel(uint64_t rflags, struct iret_result *r)
{
    asm volatile ("mov %%rsp, %%rax\n"
                  "push %[ss]\n"
                  "push %%rax\n"
                  "push %[fl]\n"
                  "push %[cs]\n"
                  "lea 1f(%%rip), %%rax\n"
                  "push %%rax\n"
                  "push $0\n"
                  "mov $0xaaaa, %%eax\n"
                  "mov $0xcccc, %%ecx\n"
                  "mov $0xbbbb, %%r11d\n"
                  "jmp hypercall_page + %c[iret] * 32\n"
                  "1: mov %%rax, 0(%[r])\n"
                  "mov %%rcx, 8(%[r])\n"
                  "mov %%r11, 16(%[r])\n"
                  "pushf\n"
                  "pop 24(%[r])\n"
                  : : [fl] "r"(rflags), [r] "r"(r), [ss] "i"(FLAT_KERNEL_SS),
                      [cs] "i"(KERNEL_MODE_CS), [iret] "i"(__HYPERVISOR_iret)
                  : "rax", "rcx", "r11", "memory");
}

static void check_iret_to_kernel(void)
{
    struct iret_result r;

    iret_to_kernel(EFLAGS_IF | 2, &r);
    CHECK_EQ(upcall_mask(), 0, "iret with IF: events unmasked");
    CHECK_EQ(r.rax, 0xaaaa, "RAX from the iret frame");
    CHECK_EQ(r.rcx, 0xcccc, "RCX from the iret frame");
    CHECK_EQ(r.r11, 0xbbbb, "R11 from the iret frame");
    CHECK(r.rflags & EFLAGS_IF, "real IF is always set");

    iret_to_kernel(2, &r);
    CHECK_EQ(upcall_mask(), 1, "iret without IF: events masked");
    CHECK(r.rflags & EFLAGS_IF, "real IF still set");

    iret_to_kernel(EFLAGS_IOPL | 2, &r);
    CHECK_EQ(r.rflags & EFLAGS_IOPL, 0, "IOPL is stripped");
    CHECK_EQ(upcall_mask(), 1, "still masked");
}

/* --- guest user mode ----------------------------------------------------- */

/* The user program: entry points at the up_* labels (see lib/user.h). */
#define S(x) #x
#define XS(x) S(x)
asm (".pushsection .rodata, \"a\"\n"
     "user_prog:\n"
     "up_echo:\n"
     "    mov $" XS(USER_SYS_ECHO) ", %eax\n"
     "    mov $0x1234, %edi\n"
     "    syscall\n"
     "up_echo_ret:\n"
     "    mov %rax, %rdi\n"
     "    mov %rcx, %rsi\n"
     "    mov %r11, %rdx\n"
     "    mov $" XS(USER_SYS_EXIT) ", %eax\n"
     "    syscall\n"
     "up_exit_ret:\n"
     "up_int80:\n"
     "    int $0x80\n"
     "up_int80_ret:\n"
     "up_guard:\n"
     "    mov " XS(USER_GUARD_VA) ", %rax\n"
     "up_kernel_read:\n"
     "    movabs $0xffffffff80000000, %rax\n"
     "up_kernel_read_insn:\n"
     "    mov (%rax), %rax\n"
     "up_noncanonical:\n"
     "    movabs $0x8000000000000000, %rax\n"
     "up_noncanonical_insn:\n"
     "    mov (%rax), %rax\n"
     "up_softint:\n"
     "    int $0\n"
     "up_softint_ret:\n"
     "up_hlt:\n"
     "    hlt\n"
     "up_ud:\n"
     "    mov $0x1111, %ecx\n"
     "    mov $0x2222, %r11d\n"
     "    ud2\n"
     "    mov %rcx, %rdi\n"
     "    mov %r11, %rsi\n"
     "    mov $" XS(USER_SYS_EXIT) ", %eax\n"
     "    syscall\n"
     "up_segs:\n"
     "    mov %fs:0, %rdi\n"
     "    mov %gs:0, %rsi\n"
     "    mov $" XS(USER_SYS_EXIT) ", %eax\n"
     "    syscall\n"
     "user_prog_end:\n"
     ".popsection");

extern const char user_prog[], user_prog_end[], up_echo[], up_echo_ret[],
    up_exit_ret[], up_int80[], up_int80_ret[], up_guard[], up_kernel_read[],
    up_kernel_read_insn[], up_noncanonical[], up_noncanonical_insn[],
    up_softint[], up_softint_ret[], up_hlt[], up_ud[], up_segs[];

#define UOFF(label) ((uint64_t)((label) - user_prog))
#define UVA(label)  (USER_CODE_VA + UOFF(label))

static void check_user_frame(const struct trap_frame *f)
{
    CHECK_EQ(f->cs & 0xffff, FLAT_USER_CS, "frame CS from user mode keeps RPL 3");
    CHECK_EQ((f->cs >> 32) & 0xff, 0, "saved upcall mask (user ran unmasked)");
    CHECK(f->rflags & EFLAGS_IF, "frame RFLAGS.IF set");
    CHECK_EQ(f->ss, FLAT_USER_SS, "frame SS");
    CHECK_EQ(user_exit_frame_top, user_kernel_sp, "frame on the stack_switch stack");
}

static void check_user_syscall(void)
{
    unsigned int echoes = user_echoes;
    struct trap_frame f = user_run(UOFF(up_echo), 0);

    CHECK_EQ(f.vector, TRAP_SYSCALL, "SYSCALL goes to the syscall callback");
    CHECK_EQ(user_echoes - echoes, 1, "the echo syscall returned to user mode");
    CHECK_EQ(f.rdi, 0x1235, "RAX set by the kernel reached user mode");
    CHECK_EQ(f.rsi, UVA(up_echo_ret), "VGCF_in_syscall return: RCX = return RIP");
    CHECK(f.rdx & EFLAGS_IF, "VGCF_in_syscall return: R11 = RFLAGS");
    CHECK_EQ(f.rax, USER_SYS_EXIT, "RAX at the second SYSCALL");
    CHECK_EQ(f.rip, UVA(up_exit_ret), "frame RIP after SYSCALL");
    CHECK_EQ(f.rcx, f.rip, "frame RCX = RIP (SYSCALL semantics)");
    CHECK_EQ(f.rsp, USER_STACK_TOP, "frame RSP is the user stack");
    check_user_frame(&f);
    CHECK_EQ(last_trap.upcall_mask, 0, "callback registered without mask_events");

    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events,
        .address = PTR(syscall_entry),
    };
    CHECK_EQ(hypercall2(HC(callback_op), CALLBACKOP_register, PTR(&cb)), 0,
             "re-register the syscall callback with mask_events");
    f = user_run(UOFF(up_echo), 0);
    CHECK_EQ(f.vector, TRAP_SYSCALL, "SYSCALL with a masking callback");
    CHECK_EQ(last_trap.upcall_mask, 1, "mask_events masks events in the callback");
    cb.flags = 0;
    CHECK_EQ(hypercall2(HC(callback_op), CALLBACKOP_register, PTR(&cb)), 0,
             "re-register the syscall callback without mask_events");
}

static void check_user_int80(void)
{
    struct trap_frame f = user_run(UOFF(up_int80), 0);
    CHECK_EQ(f.vector, 0x80, "int $0x80 from user mode");
    CHECK_EQ(f.rip, UVA(up_int80_ret), "RIP after the int");
    check_user_frame(&f);

    CHECK_EQ(set_trap(0, 1), 0, "DPL 1 gate for vector 0");
    f = user_run(UOFF(up_softint), 0);
    CHECK_EQ(f.vector, 13, "user int $0 through a DPL 1 gate: #GP");
    CHECK_EQ(f.error_code, 2, "#GP error code names vector 0");
    CHECK_EQ(f.rip, UVA(up_softint), "#GP RIP at the int");
    CHECK_EQ(set_trap(0, 3), 0, "DPL 3 gate for vector 0");
    f = user_run(UOFF(up_softint), 0);
    CHECK_EQ(f.vector, 0, "user int $0 through a DPL 3 gate");
    CHECK_EQ(f.rip, UVA(up_softint_ret), "RIP after the int");
    CHECK_EQ(set_trap(0, 0), 0, "DPL 0 gate for vector 0");
}

static void check_user_faults(void)
{
    struct trap_frame f = user_run(UOFF(up_guard), 0);
    CHECK_EQ(f.vector, 14, "#PF from user mode");
    CHECK_EQ(f.error_code, 4, "error code: user, not present, read");
    CHECK_EQ(last_trap.cr2, USER_GUARD_VA, "cr2");
    CHECK_EQ(f.rip, UVA(up_guard), "RIP of the faulting read");
    check_user_frame(&f);

    f = user_run(UOFF(up_kernel_read), 0);
    CHECK_EQ(f.vector, 14, "user read of a kernel address: #PF");
    CHECK_EQ(f.error_code, 4, "the user L4 does not map the kernel");
    CHECK_EQ(last_trap.cr2, GUEST_VIRT_BASE, "cr2");
    CHECK_EQ(f.rip, UVA(up_kernel_read_insn), "RIP");

    f = user_run(UOFF(up_noncanonical), 0);
    CHECK_EQ(f.vector, 13, "#GP from user mode");
    CHECK_EQ(f.error_code, 0, "#GP error code");
    CHECK_EQ(f.rip, UVA(up_noncanonical_insn), "RIP");
    check_user_frame(&f);

    f = user_run(UOFF(up_hlt), 0);
    CHECK_EQ(f.vector, 13, "hlt in user mode: #GP");
    CHECK_EQ(f.rip, UVA(up_hlt), "RIP");
}

static void check_user_resume(void)
{
    unsigned int resumed = user_resumed_ud;
    struct trap_frame f = user_run(UOFF(up_ud), 0);

    CHECK_EQ(user_resumed_ud - resumed, 1, "#UD from user mode, resumed");
    CHECK_EQ(f.vector, TRAP_SYSCALL, "user mode went on to its exit SYSCALL");
    CHECK_EQ(f.rdi, 0x1111, "RCX restored by the plain iret to user mode");
    CHECK_EQ(f.rsi, 0x2222, "R11 restored by the plain iret to user mode");
}

/* --- segment bases -------------------------------------------------------- */

static long set_segment_base(unsigned int which, uint64_t base)
{
    return hypercall2(HC(set_segment_base), which, base);
}

static uint64_t read_fs0(void)
{
    uint64_t v;
    asm volatile ("mov %%fs:0, %0" : "=r"(v));
    return v;
}

static uint64_t read_gs0(void)
{
    uint64_t v;
    asm volatile ("mov %%gs:0, %0" : "=r"(v));
    return v;
}

#define CR4_FSGSBASE (1UL << 16)

static void check_fsgsbase_instructions(uint64_t fs, uint64_t gs)
{
    uint64_t cr4, v = 0;

    CHECK_EQ(PROBE("rdfsbase %%rax", : "rax"), 6, "rdfsbase before CR4.FSGSBASE: #UD");
    asm volatile ("mov %%cr4, %0" : "=r"(cr4));
    CHECK_EQ(PROBE("mov %0, %%cr4", "r"(cr4 | CR4_FSGSBASE)), TRAP_NONE,
             "emulated CR4 write");
    asm volatile ("mov %%cr4, %0" : "=r"(cr4));
    if (!(cr4 & CR4_FSGSBASE)) {
        printk("skip: rdfsbase/rdgsbase (FSGSBASE not offered to the guest)\n");
        return;
    }
    asm volatile ("rdfsbase %0" : "=r"(v));
    CHECK_EQ(v, fs, "rdfsbase");
    asm volatile ("rdgsbase %0" : "=r"(v));
    CHECK_EQ(v, gs, "rdgsbase (kernel GS)");
    asm volatile ("mov %0, %%cr4" : : "r"(cr4 & ~CR4_FSGSBASE));
}

static void check_segment_bases(void)
{
    static uint64_t fs_word = 0xf5f5f5f5f5f5f5f5UL, gs_word = 0x6565656565656565UL;

    CHECK_EQ(set_segment_base(SEGBASE_FS, PTR(&fs_word)), 0, "SEGBASE_FS");
    CHECK_EQ(read_fs0(), fs_word, "read through %fs");
    CHECK_EQ(set_segment_base(SEGBASE_GS_KERNEL, PTR(&gs_word)), 0, "SEGBASE_GS_KERNEL");
    CHECK_EQ(read_gs0(), gs_word, "read through %gs");
    check_fsgsbase_instructions(PTR(&fs_word), PTR(&gs_word));

    CHECK_EQ(set_segment_base(SEGBASE_FS, NONCANONICAL), -XEN_EINVAL,
             "non-canonical FS base");
    CHECK_EQ(set_segment_base(SEGBASE_GS_KERNEL, NONCANONICAL), -XEN_EINVAL,
             "non-canonical kernel GS base");
    CHECK_EQ(set_segment_base(SEGBASE_GS_USER, NONCANONICAL), -XEN_EINVAL,
             "non-canonical user GS base");
    CHECK_EQ(set_segment_base(4, 0), -XEN_EINVAL, "unknown segment");
    CHECK_EQ(read_fs0(), fs_word, "FS base unchanged by the refused calls");
    CHECK_EQ(read_gs0(), gs_word, "GS base unchanged by the refused calls");

    /* User mode sees FS (shared) and the user GS base. */
    CHECK_EQ(set_segment_base(SEGBASE_FS, USER_CODE_VA), 0, "FS base for user mode");
    CHECK_EQ(set_segment_base(SEGBASE_GS_USER, USER_CODE_VA + 8), 0, "SEGBASE_GS_USER");
    CHECK_EQ(read_gs0(), gs_word, "kernel GS base unaffected by SEGBASE_GS_USER");
    struct trap_frame f = user_run(UOFF(up_segs), 0);
    CHECK_EQ(f.vector, TRAP_SYSCALL, "user program reading %fs/%gs");
    CHECK_EQ(f.rdi, *(const uint64_t *)user_prog, "user %fs:0");
    CHECK_EQ(f.rsi, *(const uint64_t *)(user_prog + 8), "user %gs:0");
    CHECK_EQ(read_gs0(), gs_word, "kernel GS base back after user mode");
    CHECK_EQ(set_segment_base(SEGBASE_FS, 0), 0, "clear FS base");
}

void test_main(void)
{
    subtest("exceptions from kernel mode", check_kernel_exceptions);
    subtest("bounce frame layout", check_bounce_frame);
    subtest("page faults: error codes and cr2", check_page_faults);
    subtest("virtual CR0.TS and #NM", check_fpu_taskswitch);
    subtest("#MF", check_fpu_exception);
    subtest("XCR0 and XSETBV", check_xcr0);
    subtest("#DB single step", check_single_step);
    subtest("software interrupts and gate DPL", check_software_interrupts);
    subtest("trap flag 4 masks events", check_trap_masks_events);
    subtest("iret hypercall to kernel mode", check_iret_to_kernel);

    user_init(user_prog, (size_t)(user_prog_end - user_prog));
    subtest("user mode: SYSCALL and VGCF_in_syscall", check_user_syscall);
    subtest("user mode: int $0x80 and gate DPL", check_user_int80);
    subtest("user mode: #PF and #GP", check_user_faults);
    subtest("user mode: iret back after a fault", check_user_resume);
    subtest("set_segment_base", check_segment_bases);
}
