/* Privileged x86 instructions; used only by the native pv_ops backend. */
#ifndef GUEST_NATIVE_X86_H
#define GUEST_NATIVE_X86_H

#include "pvops.h"

#define MSR_EFER         0xc0000080
#define MSR_STAR         0xc0000081
#define MSR_LSTAR        0xc0000082
#define MSR_FMASK        0xc0000084
#define MSR_FS_BASE      0xc0000100
#define MSR_GS_BASE      0xc0000101
#define MSR_KERNEL_GS    0xc0000102
#define EFER_SCE         0x1

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Backend pieces wired together by native/setup.c. */
void native_cpu_init(void);
void native_uart_init(void);
void native_pic_init(void);
void native_time_init(void);
void native_set_kernel_stack(uintptr_t top);

extern const struct pv_cpu_ops native_cpu_ops;
extern const struct pv_mmu_ops native_mmu_ops;
extern const struct pv_irq_ops native_irq_ops;
extern const struct pv_console_ops native_console_ops;
extern struct pv_time_ops native_time_ops;

#endif
