/* Basic types for hv code.  Freestanding: only compiler-provided headers. */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <public/xen.h>

typedef uint8_t  u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t   s8;
typedef int16_t  s16;
typedef int32_t  s32;
typedef int64_t  s64;

typedef u64 paddr_t;    /* machine (host-physical) address */
typedef u64 mfn_t;      /* machine frame number */
typedef u64 pfn_t;      /* guest pseudo-physical frame number */
typedef s64 s_time_t;   /* system time, ns since boot */

#define PAGE_SHIFT  12
#define PAGE_SIZE   (1UL << PAGE_SHIFT)
#define PAGE_MASK   (~(PAGE_SIZE - 1))
#define INVALID_MFN (~0UL)
#define INVALID_PFN (~0UL)

#endif
