/*
 * mode=fuzz: the HVM test kernel as a fuzzer of hv's HVM layer
 * (docs/robustness.md).  rounds=<n> rounds (default 20000) from an
 * xorshift generator seeded by seed=<n>, interrupts off throughout; each
 * round one of:
 *   - port I/O of 1, 2 or 4 bytes, in or out, at a port near a device hv
 *     emulates or anywhere;
 *   - MMIO of 1, 2 or 4 bytes, aligned or not, read or write, anywhere in
 *     the local APIC's and the IOAPIC's pages;
 *   - rdmsr/wrmsr of an MSR from the architectural, AMD and x2APIC ranges
 *     or anywhere, with a random value (a #GP is an answer too); now and
 *     then the APIC base (x2APIC mode on and off, base and enable kept)
 *     or EFER (its low 16 bits, or only SCE/LME/LMA/NXE so that LME is
 *     often taken: with paging off and CR4.PAE clear, hv must hold it);
 *   - CPUID of a random leaf and subleaf, twice: the answers must agree;
 *   - VMMCALL with random registers: EAX must come back -ENOSYS for
 *     every number but the calls hv offers HVM guests, and every other
 *     register unchanged; those calls get their pointers aimed at a
 *     scratch area of 0xff bytes (no valid shutdown reason, domain or
 *     port) or past RAM, and a console write at most 63 bytes of it;
 *   - string port I/O (ins/outs, b/w/l), REP with an odd count, either
 *     direction, on a buffer that may cross a page;
 *   - an APIC access by an instruction of a random form among those hv's
 *     MMIO decoder takes (fuzz_insn below): after it, execution must go
 *     on right after the instruction.
 * Left out because they would end the run, not because hv may refuse
 * them: the ACPI PM1a control port (S5), 0xcf9, 0x92 and 0x64 (resets),
 * isa-debug-exit (0xf4), COM1 (the log), moving or disabling the local
 * APIC.  (ICR writes stay in: hv delivers only fixed and
 * lowest-priority IPIs, to the vCPU itself, and interrupts are off.)
 * Then it prints its counts and touches guest-physical space
 * where nothing is (the HPET's page, which hv does not emulate, or above
 * RAM, chosen by the seed): hv must crash this domain, and only it.
 */
#include "hvmtest.h"
#include <public/xen.h>
#include <public/errno.h>
#include <public/hvm/cpuid.h>

#define LAPIC       0xfee00000u
#define IOAPIC      0xfec00000u
#define HPET        0xfed00000u
#define MSR_APIC_BASE   0x1b
#define APIC_BASE_BSP   (1u << 8)
#define APIC_BASE_EXTD  (1u << 10)
#define APIC_BASE_EN    (1u << 11)
#define EFER_GUEST_BITS 0xd01u      /* SCE, LME, LMA, NXE */

void hvm_fuzz(void);

static uint32_t rng;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint32_t arg_u32(const char *key, uint32_t fallback)
{
    char buf[16];
    uint32_t v = 0;

    if (!cmdline_get(key, buf, sizeof(buf)))
        return fallback;
    for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (uint32_t)(*p - '0');
    return v;
}

static unsigned int nr_port, nr_mmio, nr_msr, nr_gp, nr_cpuid, nr_vmmcall, nr_string,
                    nr_failed;

static void fail(const char *what, uint32_t a, uint32_t b)
{
    nr_failed++;
    printf("FAIL: fuzz: %s (%x, %x)\n", what, a, b);
}

/* Ports whose use ends the run: [first, last]. */
static const struct { uint16_t first, last; } off_limits[] = {
    { 0x3f8, 0x3ff },       /* COM1: the log */
    { 0x604, 0x605 },       /* PM1a control: S5 powers the domain off */
    { 0xcf9, 0xcf9 },       /* reset control */
    { 0x92, 0x92 },         /* fast reset */
    { 0x64, 0x64 },         /* keyboard controller: pulse reset */
    { 0xf4, 0xf7 },         /* isa-debug-exit */
};

static bool port_allowed(uint16_t port, unsigned int size)
{
    for (unsigned int i = 0; i < sizeof(off_limits) / sizeof(off_limits[0]); i++)
        if (port <= off_limits[i].last && port + size - 1 >= off_limits[i].first)
            return false;
    return true;
}

/* Ports near what hv emulates: PIC, PIT, RTC, ACPI PM, PCI config, COM2. */
static uint16_t pick_port(void)
{
    static const uint16_t near[] = { 0x20, 0xa0, 0x40, 0x60, 0x70, 0x80, 0x600, 0x608,
                                     0xcf8, 0xcfc, 0x2f8, 0x4d0, 0x510, 0x3f0 };
    uint32_t r = next();

    if (r & 1)
        return (uint16_t)(near[(r >> 1) % (sizeof(near) / sizeof(near[0]))] + (r >> 8) % 8);
    return (uint16_t)(r >> 16);
}

static unsigned int pick_size(void)
{
    return 1u << (next() % 3);
}

static void fuzz_port(void)
{
    unsigned int size = pick_size();
    uint16_t port = pick_port();
    uint32_t v = next();

    if (!port_allowed(port, size))
        return;
    nr_port++;
    if (next() & 1) {
        if (size == 1)
            inb(port);
        else if (size == 2)
            asm volatile("inw %1, %w0" : "=a"(v) : "Nd"(port));
        else
            inl(port);
    } else if (size == 1) {
        outb(port, (uint8_t)v);
    } else if (size == 2) {
        outw(port, (uint16_t)v);
    } else {
        outl(port, v);
    }
}

static void fuzz_mmio(void)
{
    uint32_t r = next(), v = next();
    uint32_t addr = (r & 1 ? LAPIC : IOAPIC) + ((r >> 1) & 0xfff);
    unsigned int size = pick_size();

    if (addr + size > (addr & ~0xfffu) + 0x1000)
        return;                             /* stay inside the page */
    nr_mmio++;
    if (r & 0x80000000u) {
        if (size == 1)
            *(volatile uint8_t *)addr = (uint8_t)v;
        else if (size == 2)
            *(volatile uint16_t *)addr = (uint16_t)v;
        else
            *(volatile uint32_t *)addr = v;
    } else if (size == 1) {
        (void)*(volatile uint8_t *)addr;
    } else if (size == 2) {
        (void)*(volatile uint16_t *)addr;
    } else {
        (void)*(volatile uint32_t *)addr;
    }
}

static uint32_t pick_msr(void)
{
    static const uint32_t base[] = { 0, 0x800, 0xc0000000u, 0xc0010000u, 0x40000000u };
    uint32_t r = next();

    if ((r & 7) == 7)
        return next();
    return base[(r >> 3) % 5] + (r >> 8) % 0x200;
}

static uint8_t hcall_page[4096] __attribute__((aligned(4096)));

static void fuzz_msr(void)
{
    uint32_t msr = pick_msr();
    uint64_t v = ((uint64_t)next() << 32) | next();

    if ((next() & 63) == 0)
        msr = next() & 1 ? MSR_APIC_BASE : MSR_EFER;
    nr_msr++;
    if (next() & 1) {
        nr_gp += !rdmsr_safe(msr, &v);
        return;
    }
    if (msr == MSR_APIC_BASE)   /* the base stays, the APIC stays on; EXTD moves */
        v = LAPIC | APIC_BASE_BSP | APIC_BASE_EN | (v & APIC_BASE_EXTD);
    else if (msr == MSR_EFER)   /* half of them only bits hv may take */
        v &= next() & 1 ? EFER_GUEST_BITS : 0xffff;
    else if (msr == HV_HYPERCALL_MSR) /* its own page, or a bad index */
        v = next() & 1 ? (uint32_t)hcall_page : v | 1;
    else if (next() & 1)
        v &= 0xffff;                /* small values get past more checks */
    nr_gp += !wrmsr_safe(msr, v);
}

static void fuzz_cpuid(void)
{
    uint32_t leaf = next(), sub = next() % 4, a[4], b[4];

    if (next() & 1)
        leaf = (leaf & 0x80000000u) | (leaf % 0x20);
    nr_cpuid++;
    asm volatile("cpuid" : "=a"(a[0]), "=b"(a[1]), "=c"(a[2]), "=d"(a[3])
                 : "a"(leaf), "c"(sub));
    asm volatile("cpuid" : "=a"(b[0]), "=b"(b[1]), "=c"(b[2]), "=d"(b[3])
                 : "a"(leaf), "c"(sub));
    if (memcmp(a, b, sizeof(a)))
        fail("cpuid answered differently", leaf, sub);
}

static uint8_t scratch[2 * 4096];

/* Whether hv answers call nr for an HVM guest (hv/arch/x86/hvm/hypercall.c). */
static bool offered(uint32_t nr)
{
    return nr == __HYPERVISOR_xen_version || nr == __HYPERVISOR_console_io ||
           nr == __HYPERVISOR_sched_op || nr == __HYPERVISOR_event_channel_op ||
           nr == __HYPERVISOR_memory_op || nr == __HYPERVISOR_hvm_op;
}

/* A pointer argument: into the scratch area (room for the largest
 * xen_version answer, 1 KiB) or past the guest's RAM. */
static uint32_t fuzz_pointer(void)
{
    uint32_t r = next();

    return r & 1 ? (uint32_t)scratch + (r >> 1) % 4096 : 0xf0000000u | (r & 0x0ffffff0u);
}

/* Xen's 32-bit HVM hypercall registers: EAX the number, EBX..EDI the
 * arguments. */
static void fuzz_vmmcall(void)
{
    uint32_t in[6], out[6];

    for (unsigned int i = 0; i < 6; i++)
        in[i] = next();
    if (in[0] & 1)
        in[0] = next() % 64;                /* Xen's hypercall numbers */
    if (offered(in[0])) {
        in[1] %= 16;                        /* the sub-op */
        in[2] = fuzz_pointer();
        if (in[0] == __HYPERVISOR_console_io) {
            in[2] %= 64;                    /* console_io(cmd, count, buf) */
            in[3] = fuzz_pointer();
        }
    }
    memset(scratch, 0xff, sizeof(scratch));
    memcpy(out, in, sizeof(out));
    nr_vmmcall++;
    asm volatile("vmmcall"
                 : "+a"(out[0]), "+b"(out[1]), "+c"(out[2]), "+d"(out[3]),
                   "+S"(out[4]), "+D"(out[5])
                 :: "memory");
    if (!offered(in[0]) && out[0] != (uint32_t)-XEN_ENOSYS)
        fail("vmmcall: eax", in[0], out[0]);
    for (unsigned int i = 1; i < 6; i++)
        if (out[i] != in[i])
            fail("vmmcall changed a register", i, out[i]);
}

static uint8_t sbuf[3 * 4096] __attribute__((aligned(4096)));

static void fuzz_string(void)
{
    unsigned int size = pick_size(), count = 1 + 2 * (next() % 19);
    uint16_t port = pick_port();
    uint32_t r = next(), span = count * size, lo, ecx = count, p, end;
    bool down = r & 1, in = r & 2;

    if (!port_allowed(port, size))
        return;
    /* [lo, lo + span) of the buffer, often across a page boundary. */
    lo = r & 4 ? 4096 + (r >> 8) % 64 - 32 : (r >> 8) % (sizeof(sbuf) - span);
    if (lo + span > sizeof(sbuf))
        return;
    p = (uint32_t)sbuf + lo + (down ? span - size : 0);
    end = down ? p - span : p + span;
    nr_string++;
    if (down)
        asm volatile("std");
    if (in) {
        if (size == 1)
            asm volatile("rep insb" : "+D"(p), "+c"(ecx) : "d"(port) : "memory");
        else if (size == 2)
            asm volatile("rep insw" : "+D"(p), "+c"(ecx) : "d"(port) : "memory");
        else
            asm volatile("rep insl" : "+D"(p), "+c"(ecx) : "d"(port) : "memory");
    } else {
        if (size == 1)
            asm volatile("rep outsb" : "+S"(p), "+c"(ecx) : "d"(port) : "memory");
        else if (size == 2)
            asm volatile("rep outsw" : "+S"(p), "+c"(ecx) : "d"(port) : "memory");
        else
            asm volatile("rep outsl" : "+S"(p), "+c"(ecx) : "d"(port) : "memory");
    }
    asm volatile("cld");
    if (ecx != 0)
        fail("rep string I/O left a count", port, ecx);
    if (p != end)
        fail("rep string I/O moved the pointer wrongly", port, p);
}

/*
 * One MMIO instruction of a random form hv's decoder takes (hv crashes a
 * domain for the others): MOV 88/89/8a/8b, MOV imm c6/c7, MOV moffs
 * a0-a3, MOVZX/MOVSX 0f b6/b7/be/bf; 66 and segment prefixes; ModRM with
 * disp8 or disp32, a base register, a SIB with index and scale.  It runs
 * from insn_buf: the registers the address needs are loaded first, the
 * instruction is followed by RET and then INT3s, so an emulation that
 * moves RIP anywhere but past the instruction lands on a trap.  A fault
 * at the instruction itself (a write through CS) is the CPU's answer.
 * 67 (16-bit addresses: low RAM) and loads into ESP are left out.
 */
static uint8_t insn_buf[64];
static void *insn_entry __attribute__((used)) = insn_buf;   /* called by name */
static volatile uint32_t insn_at, insn_end;
static unsigned int nr_insn, nr_insn_faults;

static void insn_trap(struct frame *f)
{
    if (f->vector == 3 || f->eip != insn_at)
        fail("the emulated instruction went on elsewhere", insn_at, f->eip);
    else
        nr_insn_faults++;
    f->eip = insn_end;
}

static uint8_t *emit_mov_imm(uint8_t *p, unsigned int reg, uint32_t v)
{
    *p++ = (uint8_t)(0xb8 + reg);
    memcpy(p, &v, 4);
    return p + 4;
}

static void fuzz_insn(void)
{
    static const uint8_t prefixes[] = { 0x66, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 };
    static const uint8_t opcodes[] = { 0x88, 0x89, 0x8a, 0x8b, 0xc6, 0xc7, 0xa0, 0xa1,
                                       0xa2, 0xa3, 0xb6, 0xb7, 0xbe, 0xbf };
    uint8_t pre[3], *p = insn_buf, opc = opcodes[next() % sizeof(opcodes)];
    unsigned int npre = next() % 3, reg = next() % 8, mod = next() % 3, size;
    unsigned int base = next() % 8, index = next() % 8, scale = next() % 4;
    bool opsize = false, twobyte = opc >= 0xb6, imm = opc == 0xc6 || opc == 0xc7;
    bool load = twobyte || opc == 0x8a || opc == 0x8b || opc == 0xa0 || opc == 0xa1;
    bool moffs = opc >= 0xa0 && opc <= 0xa3, sib = !moffs && (next() & 1);
    bool has_base = true;
    uint32_t target, disp, idx_val = next() % 16, base_val;

    for (unsigned int i = 0; i < npre; i++)
        opsize |= (pre[i] = prefixes[next() % sizeof(prefixes)]) == 0x66;
    size = twobyte ? (opc & 1 ? 2 : 1) : (opc & 1 ? (opsize ? 2 : 4) : 1);
    if (load && reg == 4 && (size > 1 || twobyte))
        return;                             /* a load into ESP */
    if (imm)
        reg = 0;                            /* C6/C7 /0 */
    target = (next() & 1 ? LAPIC : IOAPIC) + next() % (4096 - size + 1);
    disp = mod == 1 ? next() % 128 : next() % 4096;
    if (base == 4)
        base = 3;                           /* never ESP */
    if (!sib || index == 4 || index == base)
        index = 4;                          /* SIB index 4: none */
    if (mod == 0 && base == 5)
        has_base = false;                   /* disp32 without a base */
    else if (mod == 0)
        disp = 0;
    if (!has_base)
        disp = target - (index != 4 ? idx_val << scale : 0);
    base_val = target - disp - (index != 4 ? idx_val << scale : 0);

    memset(insn_buf, 0xcc, sizeof(insn_buf));
    p = emit_mov_imm(p, reg & 3, next());   /* a store's source */
    if (!moffs && has_base)
        p = emit_mov_imm(p, base, base_val);
    if (!moffs && index != 4)
        p = emit_mov_imm(p, index, idx_val);
    insn_at = (uint32_t)p;
    memcpy(p, pre, npre);
    p += npre;
    if (twobyte)
        *p++ = 0x0f;
    *p++ = opc;
    if (moffs) {
        memcpy(p, &target, 4);
        p += 4;
    } else {
        *p++ = (uint8_t)(mod << 6 | reg << 3 | (sib ? 4 : base));
        if (sib)
            *p++ = (uint8_t)(scale << 6 | index << 3 | base);
        if (mod == 1)
            *p++ = (uint8_t)disp;
        if (mod == 2 || !has_base) {
            memcpy(p, &disp, 4);
            p += 4;
        }
        if (imm) {
            uint32_t v = next();

            memcpy(p, &v, size);
            p += size;
        }
    }
    *p = 0xc3;                              /* ret */
    insn_end = (uint32_t)p;
    nr_insn++;
    set_handler(3, insn_trap);
    set_handler(6, insn_trap);
    set_handler(13, insn_trap);
    /* FS and GS reloaded: the MSR rounds may have moved their bases. */
    asm volatile("pushal; mov %%ds, %%ax; mov %%ax, %%fs; mov %%ax, %%gs; "
                 "call *insn_entry; popal" ::: "eax", "memory");
    set_handler(3, NULL);
    set_handler(6, NULL);
    set_handler(13, NULL);
}

void hvm_fuzz(void)
{
    uint32_t seed = arg_u32("seed", 1), rounds = arg_u32("rounds", 20000), where;

    rng = seed ? seed * 2654435761u : 1;
    asm volatile("cli");
    printf("hvm fuzz: seed %u, %u rounds\n", seed, rounds);
    for (uint32_t i = 0; i < rounds; i++) {
        switch (next() % 7) {
        case 0: fuzz_port(); break;
        case 1: fuzz_mmio(); break;
        case 2: fuzz_msr(); break;
        case 3: fuzz_cpuid(); break;
        case 4: fuzz_vmmcall(); break;
        case 5: fuzz_insn(); break;
        default: fuzz_string(); break;
        }
    }
    printf("hvm fuzz: seed %u: %u port, %u mmio, %u msr (%u #GP), %u cpuid\n", seed,
           nr_port, nr_mmio, nr_msr, nr_gp, nr_cpuid);
    printf("hvm fuzz: seed %u: %u vmmcall, %u string, %u mmio insn (%u faulted)\n", seed,
           nr_vmmcall, nr_string, nr_insn, nr_insn_faults);
    printf("hvm fuzz: seed %u: %u rounds: %u failed\n", seed, rounds, nr_failed);
    where = next() & 1 ? HPET + (next() & 0x3fc) : 0x40000000u + (next() & 0xffffc);
    printf("hvm fuzz: now touching %x, where nothing is\n", where);
    if (next() & 1)
        (void)*(volatile uint32_t *)where;
    else
        *(volatile uint32_t *)where = next();
    printf("FAIL: hvm fuzz: still running after touching %x\n", where);
}
