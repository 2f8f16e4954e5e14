/* Host stand-ins for the kernel heap, so kernel modules run unchanged in unit tests. */
#include <stdlib.h>

#include "kalloc.h"

void *kmalloc(size_t size) { return malloc(size ? size : 1); }
void *kzalloc(size_t size) { return calloc(1, size ? size : 1); }
void kfree(void *p) { free(p); }
