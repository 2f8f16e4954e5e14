/* Hypercall wrappers: call the stub for hypercall n at hypercall_page + 32n. */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <public/xen.h>

extern char hypercall_page[4096];

/* The stubs preserve RCX/R11; argument registers may come back clobbered. */
#define HYPERCALL_CLOBBERS "memory", "rcx", "r11"

static inline long hypercall5(unsigned int nr, unsigned long a1, unsigned long a2,
                              unsigned long a3, unsigned long a4, unsigned long a5)
{
    register unsigned long r10 asm("r10") = a4;
    register unsigned long r8 asm("r8") = a5;
    long ret;

    asm volatile ("call *%[stub]"
                  : "=a" (ret), "+D" (a1), "+S" (a2), "+d" (a3), "+r" (r10), "+r" (r8)
                  : [stub] "r" (hypercall_page + nr * 32)
                  : HYPERCALL_CLOBBERS);
    return ret;
}

static inline long hypercall1(unsigned int nr, unsigned long a1)
{
    return hypercall5(nr, a1, 0, 0, 0, 0);
}

static inline long hypercall2(unsigned int nr, unsigned long a1, unsigned long a2)
{
    return hypercall5(nr, a1, a2, 0, 0, 0);
}

static inline long hypercall3(unsigned int nr, unsigned long a1, unsigned long a2,
                              unsigned long a3)
{
    return hypercall5(nr, a1, a2, a3, 0, 0);
}

static inline long hypercall4(unsigned int nr, unsigned long a1, unsigned long a2,
                              unsigned long a3, unsigned long a4)
{
    return hypercall5(nr, a1, a2, a3, a4, 0);
}

#define HC(name) __HYPERVISOR_##name
#define PTR(p) ((unsigned long)(p))

#endif
