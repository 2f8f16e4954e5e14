/*
 * Native CPU setup and the CPU half of the native pv_ops: ring 0 GDT, TSS,
 * IDT, SYSCALL MSRs, FPU enablement, and the privileged operations the
 * kernel reaches through pv_ops.cpu.
 */
#include "lib.h"
#include "pvops.h"
#include "x86.h"

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE32 0x18
#define SEL_TSS 0x30

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, reserved;
} __attribute__((packed));

static uint64_t gdt[8] = {
	0,
	0x00af9a000000ffff,   /* 0x08 kernel code 64 */
	0x00cf92000000ffff,   /* 0x10 kernel data */
	0x00cffa000000ffff,   /* 0x18 user code 32 (SYSRET base) */
	0x00cff2000000ffff,   /* 0x20 user data  -> SS 0x23 */
	0x00affa000000ffff,   /* 0x28 user code 64 -> CS 0x2b */
	0, 0,                 /* 0x30 TSS (16 bytes) */
};
static struct tss tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint8_t df_stack[4096] __attribute__((aligned(16)));

/* Read by the SYSCALL entry stub: the current process's kernel stack top. */
uintptr_t native_kstack_top;

extern const uintptr_t native_trap_stubs[48];
extern char native_syscall_entry[];

static void set_gate(int vec, uintptr_t handler, int ist)
{
	idt[vec] = (struct idt_gate){
		.off_lo = handler & 0xffff,
		.sel = SEL_KCODE,
		.ist = ist,
		.type = 0x8e,             /* present, DPL 0, interrupt gate */
		.off_mid = (handler >> 16) & 0xffff,
		.off_hi = handler >> 32,
	};
}

void native_cpu_init(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) ptr;
	uintptr_t t = (uintptr_t)&tss;
	uint64_t cr0, cr4;

	gdt[6] = (sizeof(tss) - 1) | ((t & 0xffffff) << 16) | (0x89UL << 40) |
		 (((t >> 24) & 0xff) << 56);
	gdt[7] = t >> 32;
	tss.iomap_base = sizeof(tss);
	tss.ist[0] = (uintptr_t)df_stack + sizeof(df_stack);
	ptr.limit = sizeof(gdt) - 1;
	ptr.base = (uintptr_t)gdt;
	asm volatile("lgdt %0" : : "m"(ptr));
	asm volatile("ltr %w0" : : "r"(SEL_TSS));

	for (int v = 0; v < 48; v++)
		set_gate(v, native_trap_stubs[v], v == 8 ? 1 : 0);
	ptr.limit = sizeof(idt) - 1;
	ptr.base = (uintptr_t)idt;
	asm volatile("lidt %0" : : "m"(ptr));

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	wrmsr(MSR_STAR, ((uint64_t)SEL_UCODE32 << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uintptr_t)native_syscall_entry);
	wrmsr(MSR_FMASK, 0x47700);  /* IF TF DF AC NT cleared on entry */

	/* SSE for user programs: the kernel itself is built without it. */
	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 & ~(1UL << 2)) | (1UL << 1) | (1UL << 5); /* !EM, MP, NE */
	asm volatile("mov %0, %%cr0" : : "r"(cr0));
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= (1UL << 9) | (1UL << 10);                     /* OSFXSR, OSXMMEXCPT */
	asm volatile("mov %0, %%cr4" : : "r"(cr4));
	asm volatile("fninit");
}

static void native_irq_disable(void) { asm volatile("cli" ::: "memory"); }
static void native_irq_enable(void) { asm volatile("sti" ::: "memory"); }

static void native_safe_halt(void)
{
	asm volatile("sti; hlt; cli" ::: "memory");
}

static _Noreturn void native_stop(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

void native_set_kernel_stack(uintptr_t top)
{
	tss.rsp[0] = top;
	native_kstack_top = top;
}

static void native_set_fs_base(uint64_t base) { wrmsr(MSR_FS_BASE, base); }
static void native_set_gs_base(uint64_t base) { wrmsr(MSR_GS_BASE, base); }

_Noreturn void native_return_to_user(struct trapframe *tf);

static void native_fpu_save(void *area)
{
	asm volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static void native_fpu_restore(const void *area)
{
	asm volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

static uint64_t native_fault_address(void)
{
	uint64_t cr2;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	return cr2;
}

/*
 * Power off: QEMU's isa-debug-exit device (port 0xf4) if present, which
 * makes QEMU exit with status (code << 1) | 1, else ACPI S5 on the PIIX4
 * PM block SeaBIOS sets up at 0x600.
 */
static _Noreturn void native_poweroff(int code)
{
	outb(0xf4, code);
	outw(0x604, 0x2000);
	native_stop();
}

/* The keyboard controller's reset line (QEMU with -no-reboot exits). */
static _Noreturn void native_reboot(void)
{
	outb(0x64, 0xfe);
	native_stop();
}

const struct pv_cpu_ops native_cpu_ops = {
	.irq_disable = native_irq_disable,
	.irq_enable = native_irq_enable,
	.safe_halt = native_safe_halt,
	.stop = native_stop,
	.set_kernel_stack = native_set_kernel_stack,
	.set_fs_base = native_set_fs_base,
	.set_gs_base = native_set_gs_base,
	.return_to_user = native_return_to_user,
	.fpu_save = native_fpu_save,
	.fpu_restore = native_fpu_restore,
	.fault_address = native_fault_address,
	.poweroff = native_poweroff,
	.reboot = native_reboot,
	.user_cs = 0x2b,
	.user_ss = 0x23,
};
