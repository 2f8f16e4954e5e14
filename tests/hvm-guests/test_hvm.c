/*
 * A small multiboot kernel for hv's HVM scenario tests.  It knows nothing
 * of hv beyond what a PC offers: it runs in 32-bit protected mode and
 * talks to the platform devices.  Command line: mode=<...>
 *
 *   devices   (default) checks what the machine looks like: multiboot
 *             information and e820 map, CPUID and MSRs, EFER.LME with
 *             CR4.PAE clear and a long-mode entry (efer.c), ACPI tables, RTC,
 *             PM timer, PIT interrupts through the 8259 and through the
 *             IOAPIC, the RTC's periodic interrupt, the local APIC (MMIO
 *             decoded from several instruction forms, also through guest
 *             paging) and its timer, a level-triggered IOAPIC line with
 *             EOI, refused instructions, string port I/O (REP, DF=1,
 *             16-bit addresses, page crossing, #PF), x2APIC mode; prints "ok"/"FAIL" per check and
 *             "hvm test: PASS" or "hvm test: FAIL", then powers off
 *             through ACPI S5.
 *   busy      CPU-bound: "progress <id> <rounds>" about every half second
 *             for seconds=<n> (default 3), then "done <id> <rounds>" and a
 *             power off through isa-debug-exit.  id=<name>.
 *   triple    loads an empty IDT and faults: a triple fault.
 *   badmmio   reads guest-physical 0xd0000000, which is nothing.
 *   ioreq     talks to the device model in dom0 (tests/hvm-guests/dm/):
 *             waits until port 0x510 reads its magic, checks the register
 *             and the MMIO page at 0xe0000000 through it, and prints the
 *             result on COM1, which the device model has taken over;
 *             then powers off through ACPI S5 (still hv's).
 *   nest      takes count=<n> (default 100) LAPIC timer interrupts whose
 *             handlers outlast the timer's period with IF clear; prints
 *             "nest: <n> interrupts or more: <m> nested, <k> with IF clear" and
 *             powers off through isa-debug-exit.
 *   spin      takes ticks=<n> (default 20) 100 Hz PIT interrupts through
 *             the 8259 in auto-EOI mode while spinning on a counter: no
 *             exit from the guest's side, so only an interrupt of hv's
 *             own lets hv run the PIT's timer; prints "spin: <n> ticks",
 *             powers off through isa-debug-exit.
 *   fuzz      random port I/O, APIC MMIO, MSRs, CPUID, VMMCALL and string
 *             I/O, then a touch of nothing: tests/hvm-guests/fuzz.c.
 */
#include "hvmtest.h"

#define MB_MAGIC        0x2badb002
#define LAPIC           0xfee00000u
#define IOAPIC          0xfec00000u
#define PIC1            0x20
#define PIC2            0xa0
#define VEC_PIC         0x20
#define VEC_LAPIC_TIMER 0x40
#define VEC_IOAPIC_PIT  0x50
#define VEC_IOAPIC_UART 0x51

struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name;
};

struct mb_mmap {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
} __attribute__((packed));

static volatile unsigned int pic_ticks, rtc_ticks, lapic_ticks, ioapic_ticks,
                             uart_irqs;
static bool uart_ack_in_handler;

static void poweroff_acpi(void)
{
    outw(0x604, 0x2000);                /* SLP_TYP 0 (\_S5), SLP_EN */
}

/* ---------------------------------------------------------------- */

static void check_multiboot(uint32_t magic, const struct mb_info *mb)
{
    const char *loader = (const char *)mb->boot_loader_name;
    bool lapic = false, ioapic = false, low = false;

    check(magic == MB_MAGIC, "multiboot magic in EAX");
    check((mb->flags & 0x245) == 0x245, "info has memory, cmdline, mmap, loader name");
    check(mb->mem_lower == 639, "mem_lower is 639 KiB");
    check(mb->mem_upper >= 3 * 1024, "mem_upper covers the RAM above 1 MiB");
    check(!memcmp(loader, "heron hv", 9), "boot loader is heron hv");
    for (uint32_t p = mb->mmap_addr; p < mb->mmap_addr + mb->mmap_length; ) {
        const struct mb_mmap *e = (const void *)p;

        if (e->addr == 0 && e->len == 0x9fc00 && e->type == 1)
            low = true;
        if (e->addr == IOAPIC && e->type == 2)
            ioapic = true;
        if (e->addr == LAPIC && e->type == 2)
            lapic = true;
        p += e->size + 4;
    }
    check(low && lapic && ioapic, "e820: low RAM, IOAPIC and LAPIC entries");
}

static void check_cpu(void)
{
    uint32_t r[4];
    uint64_t v;

    cpuid(1, r);
    check(r[2] & (1u << 31), "CPUID: hypervisor bit");
    check(!(r[2] & (1u << 5)) && !(r[2] & (1u << 26)), "CPUID: no VMX, no XSAVE");
    check(r[3] & (1u << 9), "CPUID: local APIC");
    cpuid(0x80000001, r);
    check(!(r[2] & (1u << 2)), "CPUID: no SVM");
    cpuid(0x40000000, r);
    check(r[0] >= 0x40000001 && !memcmp(&r[1], "Hero", 4) &&
          !memcmp(&r[2], "nHer", 4) && !memcmp(&r[3], "onHV", 4),
          "CPUID 0x40000000: HeronHeronHV");
    check(rdmsr_safe(0xc0000080, &v) && !(v & (1u << 12)), "EFER readable, SVME hidden");
    check(!wrmsr_safe(0xc0000080, v | (1u << 12)), "setting EFER.SVME is a #GP");
    check(rdmsr_safe(0x1b, &v) && (v & ~0xfffull) == LAPIC && (v & (1u << 11)),
          "APIC base MSR: enabled at 0xfee00000");
    check(!rdmsr_safe(0x3a, &v), "unknown MSR (IA32_FEATURE_CONTROL) is a #GP");
    check(rdmsr_safe(0x277, &v) && v == 0x0007040600070406ull, "PAT at its reset value");
    check(!wrmsr_safe(0x277, 0x0202020202020202ull), "invalid PAT is a #GP");
    expect_fault(6, 3);
    /* vmrun, with a well-formed VMCB address (else the CPU raises #GP
     * before checking for the intercept) */
    asm volatile(".byte 0x0f, 0x01, 0xd8" :: "a"(0x2000) : "memory");
    check(faulted(), "VMRUN is #UD");
    {
        uint32_t eax = 0;

        asm volatile(".byte 0x0f, 0x01, 0xd9" : "+a"(eax) :: "memory");  /* vmmcall */
        check(eax == (uint32_t)-38, "VMMCALL 0 (set_trap_table, PV only) is -ENOSYS");
    }
    check(inb(0x2f8 + 5) == 0xff, "a port nobody emulates reads all ones");
    {
        uint32_t cr4, now, bad = 1u << 18;          /* OSXSAVE: not offered */

        asm volatile("mov %%cr4, %0" : "=r"(cr4));
        expect_fault(13, 3);
        asm volatile("mov %0, %%cr4" :: "r"(cr4 | bad) : "memory");
        check(faulted(), "CR4.OSXSAVE is refused (#GP)");
        asm volatile("mov %0, %%cr4" :: "r"(cr4 | 0x600) : "memory");
        asm volatile("mov %%cr4, %0" : "=r"(now));
        check(now == (cr4 | 0x600), "CR4.OSFXSR and OSXMMEXCPT are taken");
        asm volatile("mov %0, %%cr4" :: "r"(cr4) : "memory");
    }
}

static uint8_t sum(const void *p, uint32_t len)
{
    const uint8_t *b = p;
    uint8_t s = 0;

    while (len--)
        s += *b++;
    return s;
}

static void check_acpi(void)
{
    const uint8_t *rsdp = NULL;
    const uint32_t *rsdt;
    const uint8_t *fadt = NULL, *madt = NULL, *dsdt;

    for (uint32_t p = 0xe0000; p < 0x100000; p += 16)
        if (!memcmp((const void *)p, "RSD PTR ", 8)) {
            rsdp = (const void *)p;
            break;
        }
    check(rsdp && !sum(rsdp, 20) && !sum(rsdp, 36), "ACPI: RSDP found, checksums");
    if (!rsdp)
        return;
    rsdt = (const uint32_t *)*(const uint32_t *)(rsdp + 16);
    check(!memcmp(rsdt, "RSDT", 4) && !sum(rsdt, rsdt[1]), "ACPI: RSDT checksum");
    for (uint32_t i = 0; i < (rsdt[1] - 36) / 4; i++) {
        const uint8_t *t = (const void *)rsdt[9 + i];

        if (!memcmp(t, "FACP", 4))
            fadt = t;
        if (!memcmp(t, "APIC", 4))
            madt = t;
    }
    check(fadt && !sum(fadt, *(const uint32_t *)(fadt + 4)) &&
          *(const uint32_t *)(fadt + 64) == 0x604 &&
          *(const uint32_t *)(fadt + 76) == 0x608, "ACPI: FADT with the PM block");
    check(madt && !sum(madt, *(const uint32_t *)(madt + 4)) &&
          *(const uint32_t *)(madt + 36) == LAPIC, "ACPI: MADT");
    if (!fadt)
        return;
    dsdt = (const void *)*(const uint32_t *)(fadt + 40);
    check(!memcmp(dsdt, "DSDT", 4) && !sum(dsdt, *(const uint32_t *)(dsdt + 4)) &&
          !memcmp(dsdt + 36, "\x08\\_S5_", 6), "ACPI: DSDT with \\_S5");
}

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static void check_clocks(void)
{
    uint32_t t0, t1;
    uint64_t c0, c1;
    unsigned int year;

    while (cmos(0x0a) & 0x80)
        ;
    year = (cmos(0x09) >> 4) * 10 + (cmos(0x09) & 15) + 100 * ((cmos(0x32) >> 4) * 10 +
           (cmos(0x32) & 15));
    check(year >= 2020 && year < 2200, "RTC: a plausible year (BCD)");
    check(cmos(0x0d) == 0x80, "RTC: register D reports valid time");
    check(cmos(0x15) == 0x80 && cmos(0x16) == 0x02, "CMOS: 640 KiB base memory");
    t0 = pm_ticks();
    c0 = rdtsc();
    delay_us(2000);
    t1 = pm_ticks();
    c1 = rdtsc();
    check(t1 - t0 >= 7000 && c1 > c0, "PM timer and TSC advance");
}

/* ---------------------------------------------------------------- */

static void pic_handler(struct frame *f)
{
    unsigned int irq = f->vector - VEC_PIC;

    if (irq == 0)
        pic_ticks++;
    if (irq == 8) {
        rtc_ticks++;
        cmos(0x0c);                     /* acknowledge the RTC */
    }
    if (irq >= 8)
        outb(PIC2, 0x20);
    outb(PIC1, 0x20);
}

static void pic_init(uint8_t master_mask, uint8_t slave_mask)
{
    outb(PIC1, 0x11);
    outb(PIC2, 0x11);
    outb(PIC1 + 1, VEC_PIC);
    outb(PIC2 + 1, VEC_PIC + 8);
    outb(PIC1 + 1, 4);
    outb(PIC2 + 1, 2);
    outb(PIC1 + 1, 1);
    outb(PIC2 + 1, 1);
    outb(PIC1 + 1, master_mask);
    outb(PIC2 + 1, slave_mask);
}

/* Waits with HLT (interrupts on) until *counter reaches n or ~1 s passed. */
static bool wait_for(volatile unsigned int *counter, unsigned int n)
{
    uint32_t start = pm_ticks();

    while (*counter < n && pm_ticks() - start < PM_TIMER_HZ)
        asm volatile("sti; hlt; cli");
    return *counter >= n;
}

static void pit_periodic(unsigned int hz)
{
    uint16_t div = 1193182 / hz;

    outb(0x43, 0x34);
    outb(0x40, div & 0xff);
    outb(0x40, div >> 8);
}

static void check_pic_interrupts(void)
{
    for (unsigned int v = VEC_PIC; v < VEC_PIC + 16; v++)
        set_handler(v, pic_handler);
    pic_init(0xfe, 0xff);
    pit_periodic(1000);
    check(wait_for(&pic_ticks, 20), "PIT IRQ 0 through the 8259, woken from HLT");

    /* The RTC at 1024 Hz on IRQ 8 (slave, through the cascade). */
    outb(PIC1 + 1, 0xfb);
    outb(PIC2 + 1, 0xfe);
    outb(0x70, 0x0a);
    outb(0x71, 0x26);
    outb(0x70, 0x0b);
    outb(0x71, cmos(0x0b) | 0x40);
    check(wait_for(&rtc_ticks, 5), "RTC periodic interrupt on IRQ 8");
    outb(0x70, 0x0b);
    outb(0x71, cmos(0x0b) & ~0x40);
    outb(PIC1 + 1, 0xfe);
    outb(PIC2 + 1, 0xff);
}

/* ---------------------------------------------------------------- */

static void lapic_eoi(void)
{
    asm volatile("movl $0, 0xfee000b0" ::: "memory");   /* c7 05: mov $imm32, moffs */
}

static void lapic_timer_handler(struct frame *f)
{
    (void)f;
    lapic_ticks++;
    lapic_eoi();
}

static void ioapic_pit_handler(struct frame *f)
{
    (void)f;
    ioapic_ticks++;
    lapic_eoi();
}

static void ioapic_uart_handler(struct frame *f)
{
    (void)f;
    uart_irqs++;
    /* The first time, EOI without acknowledging the UART: the line is
     * still high, so the IOAPIC must send again. */
    if (uart_ack_in_handler)
        inb(0x3f8 + 2);
    uart_ack_in_handler = true;
    lapic_eoi();
}

static void ioapic_write(unsigned int reg, uint32_t v)
{
    mmio_write(IOAPIC, reg);
    mmio_write(IOAPIC + 0x10, v);
}

static uint32_t ioapic_read(unsigned int reg)
{
    mmio_write(IOAPIC, reg);
    return mmio_read(IOAPIC + 0x10);
}

static void check_lapic(void)
{
    uint32_t v, base = LAPIC;
    uint16_t w;

    /* Different instruction forms for the same MMIO register. */
    asm volatile("movl 0x30(%1), %0" : "=r"(v) : "r"(base));    /* 8b /r disp8 */
    check(v == 0x00050014, "LAPIC version (mov r32, [reg+disp8])");
    asm volatile("movl 0xfee00030, %%eax" : "=a"(v));            /* a1 moffs */
    check(v == 0x00050014, "LAPIC version (mov eax, moffs32)");
    asm volatile("movzwl 0x30(%1), %0" : "=r"(v) : "r"(base));   /* 0f b7 */
    check(v == 0, "LAPIC: a 16-bit read reads 0");
    asm volatile("movl %1, 0x80(%2)" :: "r"(0), "r"(0x20u), "r"(base) : "memory");
    check(mmio_read(LAPIC + 0x80) == 0x20, "LAPIC TPR write (mov [reg+disp32], r32)");
    w = 0x30;
    asm volatile("movw %0, 0x80(%1)" :: "r"(w), "r"(base) : "memory");   /* 66 89 */
    check(mmio_read(LAPIC + 0x80) == 0x20, "LAPIC: a 16-bit write is dropped");
    mmio_write(LAPIC + 0x80, 0);
    check(mmio_read(LAPIC + 0x20) == 0, "LAPIC ID 0");

    /* Software-enable it (LVT writes stay masked before that), with LINT0
     * as ExtINT: the 8259 keeps working. */
    mmio_write(LAPIC + 0xf0, 0x1ff);
    mmio_write(LAPIC + 0x350, 0x700);
    v = pic_ticks;
    check(wait_for(&pic_ticks, v + 5), "8259 still delivers through LINT0 ExtINT");

    set_handler(VEC_LAPIC_TIMER, lapic_timer_handler);
    mmio_write(LAPIC + 0x3e0, 0xb);                 /* divide by 1 */
    mmio_write(LAPIC + 0x320, VEC_LAPIC_TIMER);     /* one-shot */
    mmio_write(LAPIC + 0x380, 20000000);            /* 20 ms at 1 GHz */
    v = mmio_read(LAPIC + 0x390);
    check(v > 0 && v <= 20000000, "LAPIC timer counts down");
    check(wait_for(&lapic_ticks, 1), "LAPIC one-shot timer interrupt");
    check(mmio_read(LAPIC + 0x390) == 0, "LAPIC one-shot timer stopped at 0");
    mmio_write(LAPIC + 0x320, VEC_LAPIC_TIMER | (1u << 17));   /* periodic */
    mmio_write(LAPIC + 0x380, 1000000);
    check(wait_for(&lapic_ticks, 6), "LAPIC periodic timer interrupts");
    mmio_write(LAPIC + 0x320, 1u << 16);            /* masked */
    mmio_write(LAPIC + 0x380, 0);

    /* A self-IPI through the ICR. */
    v = lapic_ticks;
    mmio_write(LAPIC + 0x300, (1u << 18) | VEC_LAPIC_TIMER);
    check(wait_for(&lapic_ticks, v + 1), "LAPIC self-IPI");
}

static void check_ioapic(void)
{
    check(ioapic_read(1) == 0x00170011, "IOAPIC version: 24 pins, 0x11");
    check(ioapic_read(0) >> 24 == 1, "IOAPIC id 1 (as the MADT says)");
    check(ioapic_read(0x10) & (1u << 16), "IOAPIC pins start masked");

    /* The PIT on pin 2, edge, while the 8259 masks IRQ 0. */
    set_handler(VEC_IOAPIC_PIT, ioapic_pit_handler);
    outb(PIC1 + 1, 0xff);
    ioapic_write(0x10 + 2 * 2 + 1, 0);
    ioapic_write(0x10 + 2 * 2, VEC_IOAPIC_PIT);
    check(wait_for(&ioapic_ticks, 10), "PIT through IOAPIC pin 2 and the LAPIC");
    ioapic_write(0x10 + 2 * 2, 1u << 16);

    /* COM1's THR-empty interrupt on pin 4, level: resent after an EOI
     * while the line is still high, quiet once the UART is acknowledged. */
    set_handler(VEC_IOAPIC_UART, ioapic_uart_handler);
    ioapic_write(0x10 + 4 * 2, VEC_IOAPIC_UART | (1u << 15));
    outb(0x3f8 + 4, 0x0b);                          /* OUT2 */
    outb(0x3f8 + 1, 0x02);                          /* THR-empty interrupt */
    wait_for(&uart_irqs, 2);
    asm volatile("sti");
    delay_us(20000);
    asm volatile("cli");
    check(uart_irqs == 2, "level IOAPIC line: sent again after EOI, then quiet");
    outb(0x3f8 + 1, 0);
    ioapic_write(0x10 + 4 * 2, 1u << 16);
}

/* The LAPIC through a guest mapping: the emulator walks the page tables. */
static void check_paging_mmio(void)
{
    static uint32_t pd[1024] __attribute__((aligned(4096)));
    static uint32_t pt[1024] __attribute__((aligned(4096)));
    uint32_t cr0, cr4, v;

    for (uint32_t i = 0; i < 1024; i++)
        pd[i] = (i << 22) | 0x83;                   /* 4 MiB identity pages */
    pt[0] = LAPIC | 0x13;                           /* present, RW, uncached */
    pd[0x40000000u >> 22] = (uint32_t)pt | 0x03;
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    asm volatile("mov %0, %%cr4" :: "r"(cr4 | 0x10));             /* PSE */
    asm volatile("mov %0, %%cr3" :: "r"(pd));
    asm volatile("mov %%cr0, %0" : "=r"(cr0));
    asm volatile("mov %0, %%cr0" :: "r"(cr0 | 0x80000000u) : "memory");
    v = mmio_read(0x40000030);
    asm volatile("mov %0, %%cr0" :: "r"(cr0) : "memory");
    asm volatile("mov %0, %%cr4" :: "r"(cr4));
    check(v == 0x00050014, "LAPIC read through a 2-level guest mapping");
}

/* ---------------------------------------------------------------- */

static uint8_t sbuf[3 * 4096] __attribute__((aligned(4096)));
static volatile uint32_t pf_error, pf_cr2, pf_ecx, pf_edi, pf_esi;
static volatile bool pf_seen;

/* A #PF of a 2-byte REP INS/OUTS: note what the guest sees, skip it. */
static void string_pf_handler(struct frame *f)
{
    uint32_t cr2;

    asm volatile("mov %%cr2, %0" : "=r"(cr2));
    pf_error = f->error_code;
    pf_cr2 = cr2;
    pf_ecx = f->ecx;
    pf_edi = f->edi;
    pf_esi = f->esi;
    pf_seen = true;
    f->eip += 2;
}

static void check_string_io(void)
{
    static const char msg[] = "string io: rep outsb to COM1\n";
    static uint32_t pd[1024] __attribute__((aligned(4096)));
    static uint32_t pt[1024] __attribute__((aligned(4096)));
    uint8_t *page1 = sbuf + 4096, *hole = sbuf + 2 * 4096;
    uint32_t esi, edi, ecx, cr0, cr4, t[6];
    bool same = true;

    esi = (uint32_t)msg;
    ecx = sizeof(msg) - 1;
    asm volatile("rep outsb" : "+S"(esi), "+c"(ecx) : "d"(0x3f8) : "memory");
    check(ecx == 0 && esi == (uint32_t)msg + sizeof(msg) - 1, "rep outsb: rSI and rCX");

    /* CMOS index through OUTSB (no REP, CS override), data by REP INSB
     * across a page boundary. */
    sbuf[0] = 0x16;
    esi = (uint32_t)sbuf;
    asm volatile("outsb %%cs:(%%esi), (%%dx)" : "+S"(esi) : "d"(0x70) : "memory");
    memset(page1 - 8, 0x55, 16);
    edi = (uint32_t)page1 - 3;
    ecx = 6;
    asm volatile("rep insb" : "+D"(edi), "+c"(ecx) : "d"(0x71) : "memory");
    for (int i = -3; i < 3; i++)
        same &= page1[i] == 0x02;
    check(same && page1[-4] == 0x55 && page1[3] == 0x55 && ecx == 0 &&
          edi == (uint32_t)page1 + 3, "rep insb from CMOS across a page boundary");

    /* DF=1: the PM timer read by REP INSL fills the buffer downwards. */
    memset(t, 0, sizeof(t));
    edi = (uint32_t)&t[4];
    ecx = 4;
    asm volatile("std; rep insl; cld" : "+D"(edi), "+c"(ecx) : "d"(0x608) : "memory");
    check(ecx == 0 && edi == (uint32_t)&t[0] && t[5] == 0 && t[4] && t[4] <= t[3] &&
          t[3] <= t[2] && t[2] <= t[1] && t[1] && !t[0], "DF=1 rep insl, downwards");

    /* 16-bit address size (0x67): SI, CX only, the upper halves stay. */
    ecx = 0x10002;
    esi = (uint32_t)msg;
    asm volatile(".byte 0x67; rep outsw" : "+S"(esi), "+c"(ecx) : "d"(0x2f8) : "memory");
    check(ecx == 0x10000 && esi == (uint32_t)msg + 4, "rep outsw with 16-bit addresses");
    edi = (uint32_t)t;
    ecx = 1;
    asm volatile("rep insw" : "+D"(edi), "+c"(ecx) : "d"(0x2f8) : "memory");
    check((t[0] & 0xffff) == 0xffff && edi == (uint32_t)t + 2,
          "rep insw from a port nobody emulates: all ones");

    /* Paging on, one page not present: #PF with CR2 after the bytes
     * before it were done. */
    for (uint32_t i = 0; i < 1024; i++) {
        pd[i] = (i << 22) | 0x83;
        pt[i] = (i << 12) | 0x03;
    }
    pt[(uint32_t)hole >> 12] = 0;
    pd[0] = (uint32_t)pt | 0x03;
    set_handler(14, string_pf_handler);
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    asm volatile("mov %0, %%cr4" :: "r"(cr4 | 0x10));
    asm volatile("mov %0, %%cr3" :: "r"(pd));
    asm volatile("mov %%cr0, %0" : "=r"(cr0));
    asm volatile("mov %0, %%cr0" :: "r"(cr0 | 0x80000000u) : "memory");
    outb(0x70, 0x15);
    edi = (uint32_t)hole - 4;
    ecx = 8;
    asm volatile("rep insb" : "+D"(edi), "+c"(ecx) : "d"(0x71) : "memory");
    check(pf_seen && pf_error == 0x02 && pf_cr2 == (uint32_t)hole && pf_ecx == 4 &&
          pf_edi == (uint32_t)hole && hole[-1] == 0x80,
          "rep insb into a page not present: #PF (write) with CR2");
    pf_seen = false;
    esi = (uint32_t)hole + 4096 - 2;
    ecx = 4;
    asm volatile("rep outsb" : "+S"(esi), "+c"(ecx) : "d"(0x2f8) : "memory");
    check(pf_seen && pf_error == 0x00 && pf_cr2 == (uint32_t)hole + 4096 - 2 &&
          pf_ecx == 4 && pf_esi == pf_cr2, "rep outsb from a page not present: #PF (read)");
    asm volatile("mov %0, %%cr0" :: "r"(cr0) : "memory");
    asm volatile("mov %0, %%cr4" :: "r"(cr4));
    set_handler(14, NULL);
}

/* ---------------------------------------------------------------- */

static volatile unsigned int x2apic_irqs[3];

static void x2apic_handler(struct frame *f)
{
    x2apic_irqs[f->vector - 0x60]++;
    wrmsr_safe(0x80b, 0);                           /* EOI by MSR */
}

static void check_x2apic(void)
{
    uint64_t base, v;
    uint32_t r[4];

    cpuid(1, r);
    check(r[2] & (1u << 21), "CPUID: x2APIC");
    check(!rdmsr_safe(0x802, &v), "x2APIC MSRs are #GP in xAPIC mode");
    rdmsr_safe(0x1b, &base);
    check(wrmsr_safe(0x1b, base | (1u << 10)), "APIC base: EXTD enters x2APIC mode");
    check(rdmsr_safe(0x802, &v) && v == 0 && rdmsr_safe(0x803, &v) && v == 0x00050014 &&
          rdmsr_safe(0x80d, &v) && v == 1, "x2APIC ID, version, LDR");
    check(!wrmsr_safe(0x802, 1) && !wrmsr_safe(0x80d, 0) && !rdmsr_safe(0x80b, &v) &&
          !rdmsr_safe(0x80e, &v) && !rdmsr_safe(0x831, &v) && !wrmsr_safe(0x808, 0x100),
          "x2APIC: read-only, write-only, reserved MSRs and bits are #GP");
    check(mmio_read(LAPIC + 0x30) == 0xffffffffu, "x2APIC mode: the xAPIC page is off");
    for (unsigned int vec = 0x60; vec < 0x63; vec++)
        set_handler(vec, x2apic_handler);
    check(wrmsr_safe(0x80f, 0x1ff) && wrmsr_safe(0x808, 0), "x2APIC SVR and TPR");
    wrmsr_safe(0x83f, 0x60);
    check(wait_for(&x2apic_irqs[0], 1), "x2APIC SELF IPI");
    wrmsr_safe(0x830, 0x61);                        /* fixed, physical, to ID 0 */
    check(wait_for(&x2apic_irqs[1], 1), "x2APIC ICR: IPI to its own ID");
    wrmsr_safe(0x83e, 0xb);
    wrmsr_safe(0x832, 0x62);
    wrmsr_safe(0x838, 2000000);                     /* 2 ms at 1 GHz */
    check(rdmsr_safe(0x839, &v) && v > 0 && v <= 2000000 && wait_for(&x2apic_irqs[2], 1),
          "x2APIC timer: current count, interrupt");
    check(!wrmsr_safe(0x1b, base), "x2APIC -> xAPIC directly is #GP");
    check(wrmsr_safe(0x1b, base & ~(1ull << 11)) && wrmsr_safe(0x1b, base) &&
          mmio_read(LAPIC + 0x30) == 0x00050014, "disabled, then xAPIC again: MMIO back");
}

static void devices(uint32_t magic, const struct mb_info *mb)
{
    check_multiboot(magic, mb);
    check_cpu();
    check_efer_lme();
    check_hypercalls();
    check_event_channels();
    check_acpi();
    check_clocks();
    check_pic_interrupts();
    check_lapic();
    check_ioapic();
    check_paging_mmio();
    check_string_io();
    check_x2apic();
    if (checks_failed())
        printf("hvm test: FAIL (%u of %u checks)\n", checks_failed(), checks_done());
    else
        printf("hvm test: PASS (%u checks)\n", checks_done());
    poweroff_acpi();
}

/* ---------------------------------------------------------------- */

static void busy(void)
{
    char id[32] = "busy", arg[16];
    uint32_t seconds = 3, x = 2463534242u, rounds = 0, start, last;

    cmdline_get("id", id, sizeof(id));
    if (cmdline_get("seconds", arg, sizeof(arg))) {
        seconds = 0;
        for (const char *p = arg; *p >= '0' && *p <= '9'; p++)
            seconds = seconds * 10 + (*p - '0');
    }
    start = last = pm_ticks();
    while (pm_ticks() - start < seconds * PM_TIMER_HZ) {
        for (unsigned int i = 0; i < 100000; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
        }
        rounds++;
        if (pm_ticks() - last >= PM_TIMER_HZ / 2) {
            last = pm_ticks();
            printf("progress %s %u\n", id, rounds);
        }
    }
    printf("done %s %u (%x)\n", id, rounds, x);
    outb(0xf4, 0);
}

/* ---------------------------------------------------------------- */

static void spin_tick_handler(struct frame *f)
{
    (void)f;
    pic_ticks++;                        /* auto-EOI: no EOI exit */
}

static void spin(void)
{
    char arg[16];
    unsigned int ticks = 20;

    if (cmdline_get("ticks", arg, sizeof(arg))) {
        ticks = 0;
        for (const char *p = arg; *p >= '0' && *p <= '9'; p++)
            ticks = ticks * 10 + (*p - '0');
    }
    set_handler(VEC_PIC, spin_tick_handler);
    outb(PIC1, 0x11);
    outb(PIC1 + 1, VEC_PIC);
    outb(PIC1 + 1, 4);
    outb(PIC1 + 1, 3);                  /* 8086 mode, auto-EOI */
    outb(PIC1 + 1, 0xfe);
    pit_periodic(100);
    printf("spin: waiting for %u ticks without exits\n", ticks);
    asm volatile("sti");
    while (pic_ticks < ticks)
        asm volatile("pause");
    asm volatile("cli");
    printf("spin: %u ticks\n", pic_ticks);
    outb(0xf4, 0);
}

/* ---------------------------------------------------------------- */

/*
 * nest: LAPIC timer handlers that run longer than the timer's period with
 * IF clear and no exit: the next interrupt must wait for the handler's
 * IRET.  Under QEMU's -icount, EVENTINJ made QEMU deliver an injected
 * interrupt a second time when its instruction budget ran out inside the
 * handler (docs/hvm.md, "The doubled interrupt").
 */
#define NEST_SPIN   20000               /* about 4 instructions each */

static volatile unsigned int nest_depth, nest_count, nest_nested, nest_if_clear;
static unsigned int nest_wanted;

static void nest_handler(struct frame *f)
{
    if (nest_depth++)
        nest_nested++;
    if (!(f->eflags & 0x200))
        nest_if_clear++;
    for (volatile unsigned int i = 0; i < NEST_SPIN; i++)
        ;
    if (++nest_count == nest_wanted)
        mmio_write(LAPIC + 0x320, 1u << 16);    /* masked: done */
    nest_depth--;
    lapic_eoi();
}

static void nest(void)
{
    char arg[16];

    nest_wanted = 100;
    if (cmdline_get("count", arg, sizeof(arg))) {
        nest_wanted = 0;
        for (const char *p = arg; *p >= '0' && *p <= '9'; p++)
            nest_wanted = nest_wanted * 10 + (*p - '0');
    }
    set_handler(VEC_LAPIC_TIMER, nest_handler);
    mmio_write(LAPIC + 0xf0, 0x1ff);
    mmio_write(LAPIC + 0x350, 1u << 16);            /* LINT0 masked */
    mmio_write(LAPIC + 0x3e0, 0xb);                 /* divide by 1 */
    mmio_write(LAPIC + 0x320, VEC_LAPIC_TIMER | (1u << 17));
    mmio_write(LAPIC + 0x380, 20000);               /* 20 us: shorter than a handler */
    printf("nest: %u timer interrupts with handlers longer than the period\n", nest_wanted);
    asm volatile("sti");
    while (nest_count < nest_wanted)
        asm volatile("pause");
    asm volatile("cli");
    printf("nest: %u interrupts or more: %u nested, %u with IF clear\n", nest_wanted,
           nest_nested, nest_if_clear);
    outb(0xf4, 0);
}

/* ---------------------------------------------------------------- */

#define DM_PORT     0x510
#define DM_MAGIC    0x52455148u
#define DM_MMIO     0xe0000000u

static void ioreq(void)
{
    uint32_t start = pm_ticks(), v;
    uint8_t b;

    printf("ioreq: waiting for the device model\n");
    while (inl(DM_PORT) != DM_MAGIC)
        if (pm_ticks() - start > 20 * PM_TIMER_HZ) {
            printf("FAIL: no device model on port 0x510\n");
            return;
        }
    /* From here on COM1 is the device model's too. */
    printf("ioreq: device model up after %u ms\n", (pm_ticks() - start) / 3580);
    check(inb(DM_PORT + 1) == 0x51, "byte read of the register");
    {
        static const char line[] = "ioreq: rep outsb through the device model\n";
        uint8_t bytes[4] = { 0, 0, 0, 0x55 };
        uint32_t edi = (uint32_t)bytes, esi = (uint32_t)line, ecx = 3;

        asm volatile("rep insb" : "+D"(edi), "+c"(ecx) : "d"(DM_PORT + 1) : "memory");
        check(bytes[0] == 0x51 && bytes[1] == 0x51 && bytes[2] == 0x51 &&
              bytes[3] == 0x55 && ecx == 0, "rep insb through the device model");
        ecx = sizeof(line) - 1;
        asm volatile("rep outsb" : "+S"(esi), "+c"(ecx) : "d"(0x3f8) : "memory");
        check(ecx == 0, "rep outsb to COM1 of the device model");
    }
    {
        /* Strings the device model moves a page at a time: one across a
         * page boundary with a word straddling it (that word goes alone),
         * one downwards. */
        static uint8_t buf[2 * 4096] __attribute__((aligned(4096)));
        uint8_t *edge = buf + 4096;
        uint32_t edi = (uint32_t)edge - 3, ecx = 4;
        bool same = true;

        memset(edge - 8, 0x55, 16);
        asm volatile("rep insw" : "+D"(edi), "+c"(ecx) : "d"(DM_PORT) : "memory");
        for (int i = -3; i < 5; i += 2)
            same &= edge[i] == 0x48 && edge[i + 1] == 0x51;
        check(same && edge[-4] == 0x55 && edge[5] == 0x55 && ecx == 0 &&
              edi == (uint32_t)edge + 5, "rep insw across a page boundary");
        edi = (uint32_t)buf + 8;
        ecx = 3;
        asm volatile("std; rep insb; cld" : "+D"(edi), "+c"(ecx) : "d"(DM_PORT + 1) : "memory");
        check(buf[5] == 0 && buf[6] == 0x51 && buf[7] == 0x51 && buf[8] == 0x51 &&
              buf[9] == 0 && ecx == 0 && edi == (uint32_t)buf + 5, "DF=1 rep insb downwards");
    }
    outl(DM_PORT, 0x12345678);
    check(inl(DM_PORT) == 0x12345678, "register write and read back");
    outw(DM_PORT + 2, 0xabcd);
    check(inl(DM_PORT) == 0xabcd5678, "16-bit write at port + 2");
    mmio_write(DM_MMIO + 0x10, 0xdeadbeef);
    check(mmio_read(DM_MMIO + 0x10) == 0xdeadbeef, "MMIO write and read back");
    asm volatile("movb %1, 0x13(%2); movb 0x10(%2), %0"
                 : "=q"(b) : "q"((uint8_t)0x7f), "r"(DM_MMIO) : "memory");
    check(b == 0xef && mmio_read(DM_MMIO + 0x10) == 0x7fadbeef, "MMIO byte accesses");
    asm volatile("movzwl 0x12(%1), %0" : "=r"(v) : "r"(DM_MMIO) : "memory");
    check(v == 0x7fad, "MMIO movzwl");
    if (checks_failed())
        printf("ioreq test: FAIL (%u of %u checks)\n", checks_failed(), checks_done());
    else
        printf("ioreq test: PASS (%u checks)\n", checks_done());
    poweroff_acpi();
}

void test_main(uint32_t magic, const struct mb_info *mb);
void hvm_fuzz(void);

void test_main(uint32_t magic, const struct mb_info *mb)
{
    char mode[16] = "devices";

    if (magic == MB_MAGIC && (mb->flags & 4))
        cmdline_set((const char *)mb->cmdline);
    idt_init();
    cmdline_get("mode", mode, sizeof(mode));
    printf("hvm test kernel: mode %s\n", mode);
    if (!strncmp(mode, "devices", 8)) {
        devices(magic, mb);
    } else if (!strncmp(mode, "busy", 5)) {
        busy();
    } else if (!strncmp(mode, "triple", 7)) {
        printf("triple: empty IDT, then #UD\n");
        idt_empty();
        asm volatile("ud2");
    } else if (!strncmp(mode, "ioreq", 6)) {
        ioreq();
    } else if (!strncmp(mode, "spin", 5)) {
        spin();
    } else if (!strncmp(mode, "nest", 5)) {
        nest();
    } else if (!strncmp(mode, "fuzz", 5)) {
        hvm_fuzz();
    } else if (!strncmp(mode, "evtchn", 7)) {
        hvm_evtchn_client();
    } else if (!strncmp(mode, "bench", 6)) {
        hvm_bench();
        poweroff_acpi();
    } else if (!strncmp(mode, "badmmio", 8)) {
        printf("badmmio: reading 0xd0000000\n");
        mmio_read(0xd0000000);
    }
    printf("FAIL: still running after mode %s\n", mode);
}
