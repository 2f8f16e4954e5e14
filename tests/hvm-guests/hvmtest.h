/*
 * The HVM test kernel's library: port and MMIO access, CPUID/MSRs, a COM1
 * console with printf, the IDT with per-vector handlers and "expected
 * fault" recovery, and check bookkeeping.  32-bit protected mode, flat
 * segments, one CPU.
 */
#ifndef HVMTEST_H
#define HVMTEST_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

struct frame {
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t vector, error_code;
    uint32_t eip, cs, eflags;
};

static inline void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { asm volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { asm volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t mmio_read(uint32_t addr) { return *(volatile uint32_t *)addr; }
static inline void mmio_write(uint32_t addr, uint32_t v) { *(volatile uint32_t *)addr = v; }

static inline void cpuid(uint32_t leaf, uint32_t r[4])
{
    asm volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                 : "a"(leaf), "c"(0));
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
int strncmp(const char *a, const char *b, size_t n);
size_t strlen(const char *s);

/* The value after "key=" in the command line, or NULL. */
const char *cmdline_get(const char *key, char *buf, size_t len);
void cmdline_set(const char *cmdline);

void idt_init(void);
void idt_empty(void);
void set_handler(unsigned int vector, void (*fn)(struct frame *f));
/* An interrupt gate ring 3 may use (DPL 3), straight to entry. */
void set_user_gate(unsigned int vector, void (*entry)(void));
/* The next fault with this vector is recovered: EIP moves past `len`
 * bytes and faulted() then returns true (once). */
void expect_fault(unsigned int vector, unsigned int len);
bool faulted(void);

/* rdmsr/wrmsr that return false on #GP. */
bool rdmsr_safe(uint32_t msr, uint64_t *v);
bool wrmsr_safe(uint32_t msr, uint64_t v);

/* ACPI PM timer ticks (3.579545 MHz, 24 bits), as a running 32-bit count. */
uint32_t pm_ticks(void);
void delay_us(uint32_t us);

void check(bool ok, const char *what);
unsigned int checks_failed(void);
unsigned int checks_done(void);

#define PM_TIMER_HZ 3579545u

/* Control-register, EFER and page-table bits the checks use. */
#define MSR_EFER        0xc0000080u
#define EFER_LME        (1u << 8)
#define EFER_LMA        (1u << 10)
#define CR0_PG          0x80000000u
#define CR4_PAE         (1u << 5)
#define PTE_P           0x001u
#define PTE_RW          0x002u
#define PDE_PS          0x080u

/* efer.c: EFER.LME with CR4.PAE clear, then a long-mode entry; the
 * 4-level tables mapping the first GiB 1:1 (the PML4's address). */
void check_efer_lme(void);
uint32_t long_mode_identity_map(void);
void check_hypercalls(void);
void hvm_bench(void);
void check_event_channels(void);
void hvm_evtchn_client(void);

/* hypercall.c: places the hypercall page (false: #GP), then calls
 * through it with the 32-bit ABI (EAX; EBX, ECX, EDX). */
bool hypercall_page_place(void);
long hypercall32(unsigned int nr, uint32_t a0, uint32_t a1, uint32_t a2);

#endif
