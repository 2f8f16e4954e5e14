/*
 * Access to guest virtual memory from hypercall handlers.
 *
 * Every guest pointer is a xen_guest_handle_t and is only ever touched
 * through these calls: they refuse addresses outside the guest's half of
 * the address space, open SMAP for the copy (stac/clac) and turn a fault
 * into -EFAULT instead of an hv crash.  They return 0 or -EFAULT.
 */
#ifndef HV_GUEST_ACCESS_H
#define HV_GUEST_ACCESS_H

#include <hv/types.h>
#include <hv/layout.h>

/*
 * True if [addr, addr + len) lies entirely in the guest user half
 * (below GUEST_USER_VIRT_END) or entirely in the guest kernel half (from
 * GUEST_KERNEL_VIRT_START to the top), never touching the hypervisor hole
 * or the non-canonical gap.  An empty range is fine anywhere.
 */
static inline bool guest_access_ok(xen_guest_handle_t addr, size_t len)
{
    u64 last = addr + len - 1;

    if (!len)
        return true;
    if (last < addr)                    /* wraps past the top */
        return false;
    return last < GUEST_USER_VIRT_END || addr >= GUEST_KERNEL_VIRT_START;
}

int copy_from_guest(void *dst, xen_guest_handle_t src, size_t len);
int copy_to_guest(xen_guest_handle_t dst, const void *src, size_t len);
int clear_guest(xen_guest_handle_t dst, size_t len);

/* Element idx of an array of type T at handle h. */
#define guest_elem(h, idx, T) ((h) + (xen_guest_handle_t)(idx) * sizeof(T))

#endif
