/*
 * Per-CPU GDT and TSS, and the IDT shared by all CPUs.
 *
 * Each CPU has one GDT page holding hv's entries (selectors 0xe000 on).
 * The CPU's GDTR points FIRST_RESERVED_GDT_BYTE below that page's address,
 * so the 15-page limit covers the guest's 14 pages plus hv's.  Before
 * paging_init() the BSP uses its page at its image address; afterwards
 * every CPU uses its window in slot 258, whose first 14 pages map a
 * read-only zero page until a guest installs its GDT frames.
 */
#include <hv/desc.h>
#include <hv/percpu.h>
#include <hv/traps.h>
#include <hv/page.h>
#include <hv/mapping.h>
#include <hv/bootinfo.h>
#include <hv/pv.h>
#include <hv/lib.h>

#define GDT_IDX(sel) (((sel) - FIRST_RESERVED_GDT_BYTE) >> 3)

/* Descriptors with the accessed bit preset: the CPU never writes them. */
#define DESC_CODE64_RING0  0x00af9b000000ffffUL
#define DESC_DATA_RING0    0x00cf93000000ffffUL
#define DESC_CODE32_RING3  0x00cffb000000ffffUL
#define DESC_DATA_RING3    0x00cff3000000ffffUL
#define DESC_CODE64_RING3  0x00affb000000ffffUL
#define DESC_CODE32_RING0  0x00cf9b000000ffffUL

u64 cpu0_gdt_page[512] __aligned(4096) __section(".data.page_aligned") = {
    [GDT_IDX(HV_CS)]         = DESC_CODE64_RING0,
    [GDT_IDX(HV_DS)]         = DESC_DATA_RING0,
    [GDT_IDX(HV_CS32_RING3)] = DESC_CODE32_RING3,
    [GDT_IDX(HV_DS_RING3)]   = DESC_DATA_RING3,
    [GDT_IDX(HV_CS64_RING3)] = DESC_CODE64_RING3,
    [GDT_IDX(HV_CS32)]       = DESC_CODE32_RING0,
};

static u64 *per_cpu_gdt[NR_CPUS] = { cpu0_gdt_page };
struct cpu_tss per_cpu_tss[NR_CPUS];
char cpu0_stack[STACK_SIZE] __aligned(STACK_SIZE) __section(".bss.stack_aligned");
void *stack_base[NR_CPUS] = { cpu0_stack };

static struct idt_gate idt_table[256] __aligned(4096);

/* A page of zeros standing in for a guest's absent GDT frames. */
static u8 gdt_zero_page[4096] __aligned(4096);

static void set_tss_desc(u64 *gdt, const struct cpu_tss *tss)
{
    unsigned long base = (unsigned long)tss;
    u64 limit = offsetof(struct cpu_tss, io_bitmap_end);

    /* 64-bit available TSS (type 9), present, DPL 0. */
    gdt[GDT_IDX(TSS_SELECTOR)] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                                 (0x89UL << 40) | (((limit >> 16) & 0xf) << 48) |
                                 (((base >> 24) & 0xff) << 56);
    gdt[GDT_IDX(TSS_SELECTOR) + 1] = base >> 32;
}

static unsigned long stack_page_top(unsigned int cpu, unsigned int page)
{
    return (unsigned long)stack_base[cpu] + (page + 1) * PAGE_SIZE;
}

static void load_segments(u64 gdt_base)
{
    struct desc_ptr gdtr = { GDT_LIMIT, gdt_base };

    lgdt(&gdtr);
    /* Reload CS through a far return, then the data segments. */
    asm volatile("pushq %[cs]\n\t"
                 "leaq 1f(%%rip), %%rax\n\t"
                 "pushq %%rax\n\t"
                 "lretq\n"
                 "1:\n\t"
                 "mov %[ds], %%eax\n\t"
                 "mov %%eax, %%ds\n\t"
                 "mov %%eax, %%es\n\t"
                 "mov %%eax, %%ss\n\t"
                 :: [cs] "i"(HV_CS), [ds] "i"(HV_DS) : "rax", "memory");
}

void percpu_desc_init(unsigned int cpu)
{
    struct cpu_tss *ct = &per_cpu_tss[cpu];
    struct tss64 *tss = &ct->tss;
    struct cpu_info *ci = cpu_info_of(cpu);
    u64 *gdt = per_cpu_gdt[cpu];

    /* entry.S and the syscall stubs rely on this layout. */
    BUILD_BUG_ON(sizeof(struct cpu_info) != CPUINFO_SIZE);
    BUILD_BUG_ON(offsetof(struct cpu_info, guest_regs.es) != CPUINFO_GUEST_FRAME_TOP);
    BUILD_BUG_ON(offsetof(struct cpu_info, scratch_rax) != CPUINFO_SCRATCH_RAX);
    BUILD_BUG_ON((CPUINFO_SIZE - CPUINFO_GUEST_FRAME_TOP) % 16);

    ci->processor_id = cpu;
    memset(ct, 0, sizeof(*ct));
    tss->rsp0 = (unsigned long)&ci->guest_regs.es;
    tss->ist[IST_MCE - 1] = stack_page_top(cpu, IST_STACK_PAGE(IST_MCE));
    tss->ist[IST_DF - 1]  = stack_page_top(cpu, IST_STACK_PAGE(IST_DF));
    tss->ist[IST_NMI - 1] = stack_page_top(cpu, IST_STACK_PAGE(IST_NMI));
    pv_io_bitmap_init(ct->io_bitmap);
    ct->io_bitmap_end = 0xff;
    tss->iomap_base = TSS_IOMAP_OFF;
    set_tss_desc(gdt, ct);

    load_segments((unsigned long)gdt - FIRST_RESERVED_GDT_BYTE);
    ltr(TSS_SELECTOR);
}

void percpu_gdt_window_init(unsigned int cpu)
{
    unsigned long win = GDT_WINDOW_VIRT(cpu);
    unsigned int i;
    int rc;

    for (i = 0; i < FIRST_RESERVED_GDT_PAGE; i++) {
        rc = map_pages_to_hv(win + i * PAGE_SIZE, virt_to_mfn(gdt_zero_page),
                             1, PAGE_HV_RO);
        BUG_ON(rc);
    }
    rc = map_pages_to_hv(win + FIRST_RESERVED_GDT_PAGE * PAGE_SIZE,
                         virt_to_mfn(per_cpu_gdt[cpu]), 1, PAGE_HV_RW);
    BUG_ON(rc);
    load_segments(win);
}

void gdt_window_map(unsigned int cpu, unsigned int page, mfn_t mfn)
{
    unsigned long va = GDT_WINDOW_VIRT(cpu) + page * PAGE_SIZE;
    int rc;

    ASSERT(page < FIRST_RESERVED_GDT_PAGE);
    /* Writable: the CPU sets accessed bits in the guest's descriptors. */
    if (mfn == 0)
        rc = map_pages_to_hv(va, virt_to_mfn(gdt_zero_page), 1, PAGE_HV_RO);
    else
        rc = map_pages_to_hv(va, mfn, 1, PAGE_HV_RW);
    BUG_ON(rc);
}

static void set_gate(unsigned int vec, unsigned long addr, unsigned int ist,
                     unsigned int dpl)
{
    struct idt_gate *g = &idt_table[vec];

    g->offset_lo = addr & 0xffff;
    g->selector = HV_CS;
    g->ist = ist;
    g->type_attr = 0x8e | (dpl << 5);           /* present, 64-bit interrupt gate */
    g->offset_mid = (addr >> 16) & 0xffff;
    g->offset_hi = addr >> 32;
    g->reserved = 0;
}

void idt_init(void)
{
    struct desc_ptr idtr = { sizeof(idt_table) - 1, (unsigned long)idt_table };

    for (unsigned int v = 0; v < 256; v++)
        set_gate(v, entry_stubs[v], 0, 0);
    idt_table[TRAP_machine_check].ist = IST_MCE;
    idt_table[TRAP_double_fault].ist = IST_DF;
    idt_table[TRAP_nmi].ist = IST_NMI;
    lidt(&idtr);
}
