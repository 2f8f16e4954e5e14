/* Small helpers every hv file uses: string functions, printk, assertions. */
#ifndef HV_LIB_H
#define HV_LIB_H

#include <hv/types.h>
#include <stdarg.h>

#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define container_of(p, type, member) \
    ((type *)((char *)(p) - offsetof(type, member)))
#define min(a, b)        ((a) < (b) ? (a) : (b))
#define max(a, b)        ((a) > (b) ? (a) : (b))
#define ROUNDUP(x, a)    (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ROUNDDOWN(x, a)  ((x) & ~((__typeof__(x))(a) - 1))
#define likely(x)        __builtin_expect(!!(x), 1)
#define unlikely(x)      __builtin_expect(!!(x), 0)
#define BUILD_BUG_ON(c)  _Static_assert(!(c), #c)
#define __packed         __attribute__((packed))
#define __noreturn       __attribute__((noreturn))
#define __aligned(n)     __attribute__((aligned(n)))
#define __section(s)     __attribute__((section(s)))
/*
 * On the paths of every PV guest entry and exit: kept on as few pages as
 * possible (hv.lds puts .text.hot first), because the CR3 write of each
 * guest user/kernel switch drops the TLB, and every page touched after it
 * is walked again (under QEMU TCG every translated block is looked up
 * again too).
 */
#define __hot_path       __section(".text.hot")
/* Zero-initialised data those paths test on every exit: one page. */
#define __hot_data       __section(".bss.hot")

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void __noreturn panic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#define BUG_ON(c) do { \
    if (unlikely(c)) panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__); \
} while (0)
#define ASSERT(c) BUG_ON(!(c))

#endif
