/* Basic types, constants and helpers shared by every part of the guest kernel. */
#ifndef GUEST_KERNEL_H
#define GUEST_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096UL
#define PAGE_MASK  (~(PAGE_SIZE - 1))
#define PAGE_DOWN(x) ((uintptr_t)(x) & PAGE_MASK)
#define PAGE_UP(x)   (((uintptr_t)(x) + PAGE_SIZE - 1) & PAGE_MASK)

/*
 * The kernel is linked in the top 2 GiB in both modes (like Linux), so its
 * image address is the same under Xen PV (VIRT_BASE) and natively.
 */
#define KERNEL_BASE 0xffffffff80000000UL
/* Direct map of all guest pseudo-physical memory (Linux's PAGE_OFFSET). */
#define DIRECT_MAP_BASE 0xffff888000000000UL
/* User space is the lower half; its last page is never mapped. */
#define USER_TOP 0x00007ffffffff000UL

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

typedef uint64_t pfn_t;   /* guest pseudo-physical frame number */
typedef uint64_t mfn_t;   /* machine frame number (== pfn natively) */

#endif
