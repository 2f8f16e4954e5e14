/*
 * Guest memory accessors.  The range check keeps hv's own mappings out of
 * reach; the extable turns a fault (unmapped or protected guest page) into
 * -EFAULT; stac/clac open SMAP only for the copy itself.  An HVM vCPU's
 * buffers are not in hv's address space: hvm/guest_copy.c walks its page
 * tables instead.
 */
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/cpufeature.h>
#include <hv/extable.h>
#include <hv/errno.h>
#include <hv/hvm.h>
#include <hv/percpu.h>

static inline void stac(void)
{
    if (smap_active)
        asm volatile("stac" ::: "memory");
}

static inline void clac(void)
{
    if (smap_active)
        asm volatile("clac" ::: "memory");
}

/*
 * Copies n bytes; returns how many were left uncopied after a fault.
 * Quadwords first (one rep movsq step per 8 bytes), then the tail bytes.
 * Inlined into both copies: they run several times per guest system call.
 */
static inline __attribute__((always_inline))
size_t raw_copy(void *dst, const void *src, size_t n)
{
    size_t q = n / 8, b = n % 8;

    stac();
    asm volatile("1: rep movsq\n"
                 "2:\n"
                 _ASM_EXTABLE(1b, 2b)
                 : "+D"(dst), "+S"(src), "+c"(q) :: "memory");
    if (q == 0)
        asm volatile("1: rep movsb\n"
                     "2:\n"
                     _ASM_EXTABLE(1b, 2b)
                     : "+D"(dst), "+S"(src), "+c"(b) :: "memory");
    clac();
    return q * 8 + b;
}

static size_t raw_clear(void *dst, size_t n)
{
    stac();
    asm volatile("1: rep stosb\n"
                 "2:\n"
                 _ASM_EXTABLE(1b, 2b)
                 : "+D"(dst), "+c"(n) : "a"(0) : "memory");
    clac();
    return n;
}

__hot_path int copy_from_guest(void *dst, xen_guest_handle_t src, size_t len)
{
    if (unlikely(current->hvm))
        return hvm_copy_from_guest_linear(current, dst, src, len);
    if (!guest_access_ok(src, len))
        return -EFAULT;
    return raw_copy(dst, (const void *)src, len) ? -EFAULT : 0;
}

__hot_path int copy_to_guest(xen_guest_handle_t dst, const void *src, size_t len)
{
    if (unlikely(current->hvm))
        return hvm_copy_to_guest_linear(current, dst, src, len);
    if (!guest_access_ok(dst, len))
        return -EFAULT;
    return raw_copy((void *)dst, src, len) ? -EFAULT : 0;
}

int clear_guest(xen_guest_handle_t dst, size_t len)
{
    if (unlikely(current->hvm))
        return hvm_clear_guest_linear(current, dst, len);
    if (!guest_access_ok(dst, len))
        return -EFAULT;
    return raw_clear((void *)dst, len) ? -EFAULT : 0;
}
