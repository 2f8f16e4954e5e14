/*
 * Freestanding C library subset and kernel console output.  The string
 * functions and vsnprintf are hv's (hv/common/lib.c, vsnprintf.c), linked
 * into the kernel.
 */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include "kernel.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Kernel log: formatted text to the boot console (pv_console_ops). */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the message, a backtrace from the caller, and stops the machine. */
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define BUG_ON(c) do { if (c) panic("BUG: %s at %s:%d", #c, __FILE__, __LINE__); } while (0)


/* Raw console output (no formatting) and frame-pointer backtraces. */
void console_write(const char *s, size_t n);
void backtrace_from(uint64_t rbp);

#endif
