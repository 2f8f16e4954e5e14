/* User-memory access: range checks plus fault-in before each page is touched. */
#include <linux/errno.h>

#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "uaccess.h"
#include "vm.h"

/* Bytes one last-level table maps. */
#define L1_SPAN ((uintptr_t)PAGE_SIZE << 9)

/*
 * Makes [addr, addr+n) present (and writable if asked) in the current
 * space.  One walk per last-level table, not per page: the next page's
 * entry is the next one in the same table (a PV walk translates a
 * machine frame at each level).
 */
static int user_prepare(uintptr_t addr, size_t n, bool write)
{
	struct mm *mm = current->mm;
	pte_t *pte = NULL;

	if (n == 0)
		return 0;
	if (addr >= USER_TOP || n > USER_TOP - addr || !mm)
		return -EFAULT;
	for (uintptr_t p = PAGE_DOWN(addr); p < addr + n; p += PAGE_SIZE) {
		pte = pte && (p & (L1_SPAN - 1)) ? pte + 1 : pt_walk(mm->root, p, false);
		if (pte && (*pte & PTE_P) && (*pte & PTE_U) && (!write || (*pte & PTE_W)))
			continue;
		if (vm_fault(mm, p, write))
			return -EFAULT;
		pte = NULL;             /* the fault may have made the table */
	}
	return 0;
}

int copy_from_user(void *dst, uintptr_t src, size_t n)
{
	if (user_prepare(src, n, false))
		return -EFAULT;
	memcpy(dst, (const void *)src, n);
	return 0;
}

int copy_to_user(uintptr_t dst, const void *src, size_t n)
{
	if (user_prepare(dst, n, true))
		return -EFAULT;
	memcpy((void *)dst, src, n);
	return 0;
}

int clear_user(uintptr_t dst, size_t n)
{
	if (user_prepare(dst, n, true))
		return -EFAULT;
	memset((void *)dst, 0, n);
	return 0;
}

long strncpy_from_user(char *dst, uintptr_t src, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if ((i == 0 || ((src + i) & (PAGE_SIZE - 1)) == 0) &&
		    user_prepare(src + i, 1, false))
			return -EFAULT;
		dst[i] = *(const char *)(src + i);
		if (!dst[i])
			return i;
	}
	return -ENAMETOOLONG;
}
