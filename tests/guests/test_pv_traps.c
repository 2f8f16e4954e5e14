/*
 * PV CPU details not covered by test_traps: the failsafe callback when
 * the iret hypercall is given a frame the CPU would refuse (bad CS, bad
 * SS, non-canonical RIP; to kernel mode, and to user mode, where hv's
 * switch to the user page table, deferred to the exit, must be called
 * off by the bounce back to kernel mode), CPUID through the
 * forced-emulation prefix, and
 * FPU/SSE state kept across context switches (run it in two domains at
 * once, with different seed= values, to make them share the FPU).
 *     [seed=<n>] [yields=<n, default 200>]
 * hv only: the checks of the hypervisor leaves are hv's values.
 */
#include "lib/guest.h"
#include "lib/traps.h"
#include "lib/evtchn.h"
#include "lib/user.h"
#include "lib/mm.h"
#include <public/callback.h>

const char test_title[] = "pv_traps";

/* --- failsafe ------------------------------------------------------------ */

/* The failsafe frame, lowest first: RCX, R11, DS, ES, FS, GS, RIP, CS,
 * RFLAGS, RSP, SS. */
enum { FS_RCX, FS_R11, FS_DS, FS_ES, FS_FS, FS_GS, FS_RIP, FS_CS, FS_RFLAGS,
       FS_RSP, FS_SS, FS_WORDS };
uint64_t failsafe_frame[FS_WORDS];
uint64_t failsafe_saved_rsp;
extern char failsafe_handler[], bad_iret_target[];
void bad_iret(uint64_t cs, uint64_t ss, uint64_t rip);

/*
 * bad_iret() irets (hypercall) to rip with the given CS and SS.  hv must
 * refuse the frame and bounce to failsafe_handler, which copies the frame
 * and returns from bad_iret() on the stack saved at its start.
 */
asm (".pushsection .text\n"
     "bad_iret:\n"
     "    push %rbp; push %rbx; push %r12; push %r13; push %r14; push %r15\n"
     "    mov %rsp, failsafe_saved_rsp(%rip)\n"
     "    push %rsi\n"                      /* ss */
     "    push failsafe_saved_rsp(%rip)\n"  /* rsp */
     "    pushq $0x202\n"                   /* rflags */
     "    push %rdi\n"                      /* cs */
     "    push %rdx\n"                      /* rip */
     "    pushq $0\n"                       /* flags */
     "    mov $0x4444, %ecx\n"
     "    mov $0x5555, %r11d\n"
     "    jmp hypercall_page + 23 * 32\n"
     "bad_iret_target:\n"
     "    ud2\n"
     "failsafe_handler:\n"
     "    mov %rsp, %rsi\n"
     "    lea failsafe_frame(%rip), %rdi\n"
     "    mov $11, %ecx\n"
     "    rep movsq\n"
     "    mov failsafe_saved_rsp(%rip), %rsp\n"
     "    pop %r15; pop %r14; pop %r13; pop %r12; pop %rbx; pop %rbp\n"
     "    ret\n"
     ".popsection");

/* good_iret() irets (hypercall) to its own return with the given CS and
 * SS and returns the CS it then runs with. */
uint64_t good_iret(uint64_t cs, uint64_t ss);
asm (".pushsection .text\n"
     "good_iret:\n"
     "    mov %rsp, %rax\n"
     "    push %rsi\n"                      /* ss */
     "    push %rax\n"                      /* rsp */
     "    pushq $0x202\n"                   /* rflags */
     "    push %rdi\n"                      /* cs */
     "    lea 1f(%rip), %rax\n"
     "    push %rax\n"                      /* rip */
     "    pushq $0\n"                       /* flags */
     "    jmp hypercall_page + 23 * 32\n"
     "1:  mov %cs, %eax\n"
     "    ret\n"
     ".popsection");

static long register_failsafe(void *entry)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_failsafe, .address = PTR(entry),
    };
    return hypercall2(HC(callback_op), CALLBACKOP_register, PTR(&cb));
}

static void check_one(const char *what, uint64_t cs, uint64_t ss, uint64_t rip)
{
    memset(failsafe_frame, 0xee, sizeof(failsafe_frame));
    bad_iret(cs, ss, rip);
    CHECK_EQ(failsafe_frame[FS_RIP], rip, what);
    CHECK_EQ(failsafe_frame[FS_CS] & 0xffff, (cs | 3) & ~3UL, what);
    CHECK_EQ(failsafe_frame[FS_SS], ss | 3, what);
    CHECK_EQ(failsafe_frame[FS_RSP], failsafe_saved_rsp, what);
    CHECK_EQ(failsafe_frame[FS_RCX], 0x4444, what);
    CHECK_EQ(failsafe_frame[FS_R11], 0x5555, what);
    CHECK_EQ(failsafe_frame[FS_DS], 0, what);
    CHECK_EQ(failsafe_frame[FS_GS], 0, what);
}

static void check_failsafe(void)
{
    extern char failsafe_entry[];

    CHECK_EQ(register_failsafe(failsafe_handler), 0, "register the failsafe callback");
    check_one("iret with CS 0x1230", 0x1230, FLAT_KERNEL_SS, PTR(bad_iret_target));
    check_one("iret with SS 0x18", FLAT_KERNEL_CS & ~3, 0x18, PTR(bad_iret_target));
    check_one("iret to a non-canonical RIP", FLAT_KERNEL_CS & ~3, FLAT_KERNEL_SS,
              0x8000000000000000UL);
    CHECK_EQ(register_failsafe(failsafe_entry), 0, "restore the runtime's callback");
}

/*
 * Selectors of the guest's own GDT: hv keeps the last pair an iret found
 * good, so a descriptor made not present (update_descriptor) or a GDT
 * taken away (set_gdt) must be seen by the next iret, as a failsafe
 * bounce and not a fault on hv's way out (which would crash the domain).
 */
/* Entries 6 (code) and 5 (data) of the test's GDT; RPL 0 names guest
 * kernel mode, which runs them with RPL 3. */
#define GDT_CS 0x30
#define GDT_SS 0x28
#define DESC_PRESENT (1ULL << 47)

/* GDT entry `entry` (at maddr) made not present: the next iret with the
 * pair is refused; present again: accepted. */
static void check_entry_withdrawn(uint64_t maddr, unsigned int entry, uint64_t desc,
                                  const char *what)
{
    CHECK_EQ(hypercall2(HC(update_descriptor), maddr + entry * 8, desc & ~DESC_PRESENT), 0,
             "descriptor made not present");
    check_one(what, GDT_CS, GDT_SS, PTR(bad_iret_target));
    CHECK_EQ(hypercall2(HC(update_descriptor), maddr + entry * 8, desc), 0,
             "descriptor present again");
    CHECK_EQ(good_iret(GDT_CS, GDT_SS), GDT_CS | 3, "iret after the descriptor came back");
}

static void check_gdt_selectors(void)
{
    extern char failsafe_entry[];
    uint64_t *gdt = alloc_page(), frame = virt_to_mfn(gdt);
    const uint64_t code64 = 0x00affb000000ffffULL, data = 0x00cff3000000ffffULL;

    gdt[GDT_CS / 8] = code64;
    gdt[GDT_SS / 8] = data;
    make_readonly(gdt);
    CHECK_EQ(hypercall2(HC(set_gdt), PTR(&frame), 8), 0, "set_gdt of 8 entries");
    CHECK_EQ(register_failsafe(failsafe_handler), 0, "register the failsafe callback");
    CHECK_EQ(good_iret(GDT_CS, GDT_SS), GDT_CS | 3, "iret to the GDT's code segment");
    CHECK_EQ(good_iret(GDT_CS, GDT_SS), GDT_CS | 3, "and again");
    check_entry_withdrawn(frame << PAGE_SHIFT, GDT_CS / 8, code64,
                          "iret with CS of a not-present descriptor");
    check_entry_withdrawn(frame << PAGE_SHIFT, GDT_SS / 8, data,
                          "iret with SS of a not-present descriptor");

    CHECK_EQ(hypercall2(HC(set_gdt), PTR(&frame), 0), 0, "set_gdt: no GDT");
    check_one("iret with selectors of a GDT taken away", GDT_CS, GDT_SS,
              PTR(bad_iret_target));
    CHECK_EQ(register_failsafe(failsafe_entry), 0, "restore the runtime's callback");
    make_writable(gdt);
}

/* A user program that only exits (USER_SYS_EXIT in RAX). */
asm (".pushsection .rodata\n"
     "exit_prog: xor %eax, %eax; syscall\n"
     "exit_prog_end:\n"
     ".popsection");
extern const char exit_prog[], exit_prog_end[];

/*
 * The refused frame is a user-mode one: hv has switched the vCPU to user
 * mode when it refuses it, and bounces back to kernel mode onto the
 * stack_switch stack.  The handler runs (kernel code, not in the user L4)
 * and user mode still works afterwards.
 */
static void check_failsafe_from_user_iret(void)
{
    extern char failsafe_entry[];
    const char *what = "iret to user mode at a non-canonical RIP";

    user_init(exit_prog, (size_t)(exit_prog_end - exit_prog));
    CHECK_EQ(register_failsafe(failsafe_handler), 0, "register the failsafe callback");
    memset(failsafe_frame, 0xee, sizeof(failsafe_frame));
    bad_iret(FLAT_USER_CS, FLAT_USER_SS, 0x8000000000000000UL);
    CHECK_EQ(register_failsafe(failsafe_entry), 0, "restore the runtime's callback");
    CHECK_EQ(failsafe_frame[FS_RIP], 0x8000000000000000UL, what);
    CHECK_EQ(failsafe_frame[FS_CS] & 0xffff, FLAT_USER_CS, "a user frame keeps RPL 3");
    CHECK_EQ(failsafe_frame[FS_SS], FLAT_USER_SS, what);
    CHECK_EQ(failsafe_frame[FS_RSP], failsafe_saved_rsp, what);
    CHECK_EQ(failsafe_frame[FS_RCX], 0x4444, what);
    CHECK_EQ(failsafe_frame[FS_R11], 0x5555, what);

    struct trap_frame f = user_run(0, 0);
    CHECK_EQ(f.vector, TRAP_SYSCALL, "user mode runs after the refused iret");
}

/* --- CPUID ------------------------------------------------------------------ */

static void xen_cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    asm volatile ("ud2; .ascii \"xen\"; cpuid"
                  : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static void check_cpuid(void)
{
    uint32_t a, b, c, d;
    char sig[13];

    xen_cpuid(0x40000000, &a, &b, &c, &d);
    memcpy(sig, &b, 4);
    memcpy(sig + 4, &c, 4);
    memcpy(sig + 8, &d, 4);
    sig[12] = 0;
    CHECK(!strcmp(sig, "XenVMMXenVMM"), "hypervisor signature \"%s\"", sig);
    CHECK(a >= 0x40000002, "max hypervisor leaf %#x", a);
    xen_cpuid(0x40000001, &a, &b, &c, &d);
    CHECK_EQ(a, hypercall2(HC(xen_version), 0, 0), "leaf 1: the Xen version");
    xen_cpuid(1, &a, &b, &c, &d);
    CHECK(c & (1u << 31), "leaf 1: hypervisor bit");
    CHECK(!(c & (1u << 5)), "leaf 1: no VMX for a PV guest");
    CHECK(!(d & (1u << 13)), "leaf 1: no PGE for a PV guest");
    CHECK_EQ(PROBE("rdmsr", "c"(0x12345678) : "rax", "rdx"), 13,
             "rdmsr of an MSR that does not exist: #GP");
    CHECK_EQ(PROBE("mov %%rax, %%cr8", "a"(0)), 13, "mov to cr8: #GP");
}

/* CONSOLEIO_read is dom0's (no input is waiting in these tests). */
static void check_console_read(void)
{
    char buf[16];
    long rc = hypercall3(HC(console_io), CONSOLEIO_read, sizeof(buf), PTR(buf));

    if (is_dom0())
        CHECK_EQ(rc, 0, "dom0 reads no input");
    else
        CHECK_EQ(rc, -XEN_EPERM, "a domU may not read the console");
}

/* --- FPU state across context switches ------------------------------------- */

static void check_fpu_kept(void)
{
    long seed = cmdline_long("seed", 1), yields = cmdline_long("yields", 200);
    uint64_t in[2] = { 0x0123456789abcdefUL * (uint64_t)seed, ~(uint64_t)seed };
    uint64_t out[2];
    unsigned int bad = 0;

    asm volatile ("movdqu %0, %%xmm7" : : "m"(in));
    for (long i = 0; i < yields; i++) {
        CHECK_EQ(sched_yield(), 0, "yield");
        asm volatile ("movdqu %%xmm7, %0" : "=m"(out));
        if (out[0] != in[0] || out[1] != in[1])
            bad++;
        /* Touch the x87 and SSE state so the other domain's is not ours. */
        asm volatile ("fninit; xorps %%xmm6, %%xmm6" ::: "memory");
    }
    CHECK_EQ(bad, 0, "xmm7 changed across yields");
    printk("xmm7 kept across %ld yields\n", yields);
}

void test_main(void)
{
    subtest("failsafe callback on a refused iret frame", check_failsafe);
    subtest("failsafe callback on a refused iret to user mode",
            check_failsafe_from_user_iret);
    subtest("iret with the guest's GDT selectors after the GDT changes",
            check_gdt_selectors);
    subtest("forced-emulation CPUID and other privileged instructions", check_cpuid);
    subtest("FPU/SSE state across context switches", check_fpu_kept);
    subtest("console read", check_console_read);
}
