/*
 * Kernel heap.  The host unit tests link these to malloc/free so that the
 * kernel modules they test run unchanged.
 */
#ifndef GUEST_KALLOC_H
#define GUEST_KALLOC_H

#include <stddef.h>

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);

#endif
