/*
 * The buffers of an HVM guest's hypercalls.  A handle is a linear
 * address (segment bases ignored, as Xen does): each page of the range
 * is translated through the guest's own page tables, then the p2m, and
 * copied through hv's direct map.  A write needs a writable mapping
 * unless CR0.WP is clear (hypercalls come from ring 0).  Anything not
 * mapped, not RAM or not canonical is -EFAULT and nothing is injected.
 */
#include <hv/hvm.h>
#include <hv/hvm_emulate.h>
#include <hv/hvm_io.h>
#include <hv/processor.h>
#include <hv/page.h>
#include <hv/errno.h>
#include <hv/lib.h>

enum copy_dir { COPY_FROM_GUEST, COPY_TO_GUEST, CLEAR_GUEST };

static int copy_linear(struct vcpu *v, u64 va, void *buf, size_t len,
                       enum copy_dir dir)
{
    static const u8 zeroes[256];
    struct domain *d = v->domain;
    struct hvm_paging p;

    if (!len)
        return 0;
    hvm_ops->get_paging(v, &p);
    if (p.efer & EFER_LMA) {
        if (va + len - 1 < va || !is_canonical_address(va) || !is_canonical_address(va + len - 1))
            return -EFAULT;
    } else if (va > 0xffffffffull || len > 0x100000000ull - va) {
        return -EFAULT;
    }
    while (len) {
        size_t chunk = min(len, (size_t)(PAGE_SIZE - (va & (PAGE_SIZE - 1))));
        bool writable;
        u64 gpa;
        int rc;

        if (dir == CLEAR_GUEST)
            chunk = min(chunk, sizeof(zeroes));
        if (guest_walk_rw(&p, va, &gpa, &writable, hvm_gphys_read, d))
            return -EFAULT;
        if (dir != COPY_FROM_GUEST && !writable && (p.cr0 & X86_CR0_WP))
            return -EFAULT;
        if (dir == COPY_FROM_GUEST)
            rc = hvm_copy_from_gphys(d, buf, gpa, chunk);
        else
            rc = hvm_copy_to_gphys(d, gpa, dir == CLEAR_GUEST ? zeroes : buf, chunk);
        if (rc)
            return -EFAULT;
        va += chunk;
        len -= chunk;
        if (dir != CLEAR_GUEST)
            buf = (u8 *)buf + chunk;
    }
    return 0;
}

int hvm_copy_from_guest_linear(struct vcpu *v, void *dst, u64 src, size_t len)
{
    return copy_linear(v, src, dst, len, COPY_FROM_GUEST);
}

int hvm_copy_to_guest_linear(struct vcpu *v, u64 dst, const void *src, size_t len)
{
    return copy_linear(v, dst, (void *)src, len, COPY_TO_GUEST);
}

int hvm_clear_guest_linear(struct vcpu *v, u64 dst, size_t len)
{
    return copy_linear(v, dst, NULL, len, CLEAR_GUEST);
}
