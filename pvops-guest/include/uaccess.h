/*
 * Copies between the kernel and the current process's user memory.  The
 * range is checked to lie in user space and faulted in first (demand
 * paging, copy-on-write), so a bad pointer yields -EFAULT, never a kernel
 * fault.
 */
#ifndef GUEST_UACCESS_H
#define GUEST_UACCESS_H

#include "kernel.h"

int copy_from_user(void *dst, uintptr_t src, size_t n);
int copy_to_user(uintptr_t dst, const void *src, size_t n);
int clear_user(uintptr_t dst, size_t n);
/* Copies a NUL-terminated string; returns its length, -EFAULT or -ENAMETOOLONG. */
long strncpy_from_user(char *dst, uintptr_t src, size_t max);

#endif
