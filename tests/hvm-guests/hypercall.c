/*
 * HVM hypercalls (hv/arch/x86/hvm/hypercall.c): the CPUID leaf and the
 * hypercall page MSR, calls through the page with the 32-bit register
 * ABI (this kernel's mode), the 64-bit one (hcall_modes.S in long mode)
 * and from ring 3, what hv refuses, and buffers that are not there or
 * not writable.
 */
#include "hvmtest.h"
#include <public/xen.h>
#include <public/version.h>
#include <public/sched.h>
#include <public/errno.h>
#include <public/hvm/cpuid.h>

#define SLOT_SIZE       32
#define CR0_WP          0x00010000u
#define CR4_PSE         0x00000010u

uint64_t hcall_64bit(const uint64_t regs[6], uint32_t fn);
uint32_t hcall_ring3(uint32_t fn, uint32_t ebx, uint32_t user_stack);
void hcall_ring3_return(void);
void hcall_raw_vmmcall(void);

extern uint64_t gdt[];

static uint8_t hcall_page[4096] __attribute__((aligned(4096)));
static uint8_t ring0_stack[4096] __attribute__((aligned(16)));
static uint8_t ring3_stack[4096] __attribute__((aligned(16)));
static uint32_t tss[26];

static uint32_t slot(unsigned int nr)
{
    return (uint32_t)hcall_page + nr * SLOT_SIZE;
}

long hypercall32(unsigned int nr, uint32_t a0, uint32_t a1, uint32_t a2)
{
    long ret;

    asm volatile("call *%[fn]"
                 : "=a"(ret), "+b"(a0), "+c"(a1), "+d"(a2)
                 : [fn] "r"(slot(nr))
                 : "memory");
    return ret;
}

bool hypercall_page_place(void)
{
    return wrmsr_safe(HV_HYPERCALL_MSR, (uint32_t)hcall_page);
}

static void check_page_setup(void)
{
    const uint8_t *s = hcall_page + __HYPERVISOR_xen_version * SLOT_SIZE;
    const uint8_t *iret = hcall_page + __HYPERVISOR_iret * SLOT_SIZE;
    uint32_t r[4];
    uint64_t v;

    cpuid(0x40000000, r);
    check(r[0] >= 0x40000002, "CPUID 0x40000000: leaves up to 0x40000002");
    cpuid(0x40000002, r);
    check(r[0] == 1 && r[1] == HV_HYPERCALL_MSR && !r[2] && !r[3],
          "CPUID 0x40000002: one hypercall page, MSR 0x40000000");
    check(!rdmsr_safe(HV_HYPERCALL_MSR, &v), "hypercall MSR: a read is #GP");
    check(!wrmsr_safe(HV_HYPERCALL_MSR, (uint32_t)hcall_page | 1),
          "hypercall MSR: page index 1 is #GP");
    check(!wrmsr_safe(HV_HYPERCALL_MSR, 0xfee00000), "hypercall MSR: the LAPIC page is #GP");
    check(!wrmsr_safe(HV_HYPERCALL_MSR, 1ull << 40), "hypercall MSR: beyond RAM is #GP");
    check(hcall_page[0] == 0, "hypercall MSR: nothing written by the refused writes");
    check(hypercall_page_place(), "hypercall MSR: page placed");
    check(s[0] == 0xb8 && s[1] == __HYPERVISOR_xen_version && !s[2] && !s[3] && !s[4] &&
          s[5] == 0x0f && s[6] == 0x01 && (s[7] == 0xd9 || s[7] == 0xc1) && s[8] == 0xc3 &&
          s[9] == 0xcc, "hypercall page: mov $17, %eax; VMMCALL or VMCALL; ret; int3");
    check(iret[0] == 0x0f && iret[1] == 0x0b, "hypercall page: iret's slot is ud2");
}

static void check_32bit_abi(void)
{
    static const char msg[] = "hvm hypercall console ok\n";
    char extra[sizeof(xen_extraversion_t) + 4];
    uint32_t pp[2] = { 0x11111111, 0x22222222 };
    struct xen_feature_info fi = { .submap_idx = 0, .submap = 0xffffffff };
    struct sched_shutdown sd = { .reason = 99 };

    check(hypercall32(__HYPERVISOR_xen_version, XENVER_version, 0, 0) == 0x40011,
          "xen_version: interface 4.17");
    memset(extra, 0x55, sizeof(extra));
    check(hypercall32(__HYPERVISOR_xen_version, XENVER_extraversion, (uint32_t)extra, 0) == 0 &&
          !memcmp(extra, ".0-heron", 9) && extra[sizeof(xen_extraversion_t)] == 0x55,
          "xen_version: extraversion copied to the guest, 16 bytes");
    check(hypercall32(__HYPERVISOR_xen_version, XENVER_get_features, (uint32_t)&fi, 0) == 0 &&
          fi.submap == 0, "xen_version: no PV features for an HVM guest");
    check(hypercall32(__HYPERVISOR_xen_version, XENVER_platform_parameters, (uint32_t)pp, 0) == 0 &&
          pp[0] == 0 && pp[1] == 0x22222222,
          "xen_version: platform_parameters, 4 bytes in the 32-bit ABI");
    check(hypercall32(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1,
                  (uint32_t)msg) == 0, "console_io: write");
    check(hypercall32(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0) == 0, "sched_op: yield");
    check(hypercall32(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint32_t)&sd, 0) == -XEN_EINVAL,
          "sched_op: shutdown with a bad reason is -EINVAL");
    check(hypercall32(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0) == -XEN_ENOSYS,
          "sched_op: block is -ENOSYS (no HVM event delivery)");
    check(hypercall32(__HYPERVISOR_mmu_update, 0, 1, 0) == -XEN_ENOSYS,
          "mmu_update (PV only) is -ENOSYS");
    check(hypercall32(__HYPERVISOR_grant_table_op, 0, 0, 0) == -XEN_ENOSYS,
          "grant_table_op is -ENOSYS");
    {
        long ret;

        asm volatile(".byte 0x0f, 0x01, 0xd9" : "=a"(ret) : "a"(64) : "memory");
        check(ret == -XEN_ENOSYS, "VMMCALL 64 (past the table) is -ENOSYS");
        asm volatile(".byte 0x0f, 0x01, 0xd9" : "=a"(ret) : "a"(0x80000011) : "memory");
        check(ret == -XEN_ENOSYS, "VMMCALL with bit 31 set is -ENOSYS, not xen_version");
    }
    check(hypercall32(__HYPERVISOR_xen_version, XENVER_extraversion, 0xfffff000, 0) == -XEN_EFAULT,
          "xen_version: a buffer that is not RAM is -EFAULT");
    check(hypercall32(__HYPERVISOR_xen_version, XENVER_extraversion, 0xfffffff8, 0) == -XEN_EFAULT,
          "xen_version: a buffer wrapping past 4 GiB is -EFAULT");
    check(hypercall32(__HYPERVISOR_console_io, CONSOLEIO_write, 16, 0xfee00000) == -XEN_EFAULT,
          "console_io: a buffer on the LAPIC page is -EFAULT");
}

/* 2-level paging with CR0.WP: a read-only alias of a buffer refuses the
 * copy out but serves a copy in; an unmapped address is refused. */
static void check_paged_buffers(void)
{
    static uint32_t pd[1024] __attribute__((aligned(4096)));
    static uint32_t pt[1024] __attribute__((aligned(4096)));
    static char buf[4096] __attribute__((aligned(4096)));
    const uint32_t ro = 0x40000000, rw = 0x40001000, none = 0x40002000;
    uint32_t cr0, cr4;
    long a, b, c, d;
    bool untouched;

    for (uint32_t i = 0; i < 1024; i++)
        pd[i] = (i << 22) | PDE_PS | PTE_RW | PTE_P;
    memset(pt, 0, sizeof(pt));
    pt[0] = (uint32_t)buf | PTE_P;                  /* read-only alias */
    pt[1] = (uint32_t)buf | PTE_RW | PTE_P;
    pd[ro >> 22] = (uint32_t)pt | PTE_RW | PTE_P;
    memcpy(buf, "read-only alias\n", 17);
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    asm volatile("mov %0, %%cr4" :: "r"(cr4 | CR4_PSE));
    asm volatile("mov %0, %%cr3" :: "r"(pd));
    asm volatile("mov %%cr0, %0" : "=r"(cr0));
    asm volatile("mov %0, %%cr0" :: "r"(cr0 | CR0_PG | CR0_WP) : "memory");
    a = hypercall32(__HYPERVISOR_xen_version, XENVER_extraversion, ro, 0);
    untouched = !memcmp(buf, "read-only alias", 15);
    b = hypercall32(__HYPERVISOR_xen_version, XENVER_extraversion, none, 0);
    c = hypercall32(__HYPERVISOR_console_io, CONSOLEIO_write, 16, ro);
    d = hypercall32(__HYPERVISOR_xen_version, XENVER_extraversion, rw, 0);
    asm volatile("mov %0, %%cr0" :: "r"(cr0) : "memory");
    asm volatile("mov %0, %%cr4" :: "r"(cr4));
    check(a == -XEN_EFAULT && untouched,
          "paged buffer: a read-only mapping refuses the copy out, writes nothing");
    check(b == -XEN_EFAULT, "paged buffer: an unmapped address is -EFAULT");
    check(c == 0, "paged buffer: a read-only mapping serves a read");
    check(d == 0 && !memcmp(buf, ".0-heron", 9), "paged buffer: through a writable mapping");
}

/* Long mode, identity-mapped 1 GiB, a 64-bit code segment: RDI, RSI,
 * RDX, R10, R8 carry the arguments, EBX/ECX are ignored. */
static void check_64bit_abi(void)
{
    static char extra[sizeof(xen_extraversion_t)];
    uint64_t version[6] = { __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0 };
    uint64_t copy[6] = { __HYPERVISOR_xen_version, XENVER_extraversion, (uint32_t)extra, 0, 0, 0 };
    uint64_t noncanon[6] = { __HYPERVISOR_xen_version, XENVER_extraversion,
                             0x0000800000000000ull, 0, 0, 0 };
    uint64_t high[6] = { __HYPERVISOR_xen_version, XENVER_extraversion,
                         0x100000000ull + (uint32_t)extra, 0, 0, 0 };
    uint64_t wide_op[6] = { 0x100000000ull + __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0 };
    uint32_t cr4 = 0, flags;
    uint64_t efer = 0, r[5];

    asm volatile("pushf; pop %0; cli" : "=r"(flags) :: "memory");
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    asm volatile("mov %0, %%cr4" :: "r"(cr4 | CR4_PAE));
    asm volatile("mov %0, %%cr3" :: "r"(long_mode_identity_map()) : "memory");
    rdmsr_safe(MSR_EFER, &efer);
    wrmsr_safe(MSR_EFER, efer | EFER_LME);
    r[0] = hcall_64bit(version, slot(__HYPERVISOR_xen_version));
    r[1] = hcall_64bit(copy, slot(__HYPERVISOR_xen_version));
    r[2] = hcall_64bit(noncanon, slot(__HYPERVISOR_xen_version));
    r[3] = hcall_64bit(high, slot(__HYPERVISOR_xen_version));
    r[4] = hcall_64bit(wide_op, (uint32_t)hcall_raw_vmmcall);
    wrmsr_safe(MSR_EFER, efer);
    asm volatile("mov %0, %%cr4" :: "r"(cr4));
    asm volatile("push %0; popf" :: "r"(flags) : "memory", "cc");
    check(r[0] == 0x40011, "64-bit ABI: xen_version");
    check(r[1] == 0 && !memcmp(extra, ".0-heron", 9), "64-bit ABI: the buffer in RSI");
    check(r[2] == (uint64_t)-XEN_EFAULT, "64-bit ABI: a non-canonical buffer is -EFAULT");
    check(r[3] == (uint64_t)-XEN_EFAULT, "64-bit ABI: an unmapped buffer above 4 GiB is -EFAULT");
    check(r[4] == (uint64_t)-XEN_ENOSYS, "64-bit ABI: RAX is 64 bits (2^32 + 17 is -ENOSYS)");
}

/* Ring 3 may not make hypercalls: -EPERM, whatever the call. */
static void check_ring3(void)
{
    uint32_t flags, ret;
    uint64_t desc, base = (uint32_t)tss, limit = sizeof(tss) - 1;

    memset(tss, 0, sizeof(tss));
    tss[1] = (uint32_t)ring0_stack + sizeof(ring0_stack);     /* ESP0 */
    tss[2] = 0x10;                                              /* SS0 */
    desc = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
           ((base >> 24) << 56);
    gdt[6] = desc;
    asm volatile("ltr %w0" :: "r"(0x30));
    set_user_gate(0x81, hcall_ring3_return);
    asm volatile("pushf; pop %0; cli" : "=r"(flags) :: "memory");
    ret = hcall_ring3(slot(__HYPERVISOR_xen_version), XENVER_version,
                      (uint32_t)ring3_stack + sizeof(ring3_stack));
    asm volatile("push %0; popf" :: "r"(flags) : "memory", "cc");
    check(ret == (uint32_t)-XEN_EPERM, "ring 3: xen_version is -EPERM");
}

void check_hypercalls(void)
{
    check_page_setup();
    check_32bit_abi();
    check_paged_buffers();
    check_64bit_abi();
    check_ring3();
}
