/*
 * The hypercall page of a PV kernel (its HYPERCALL_PAGE note): one
 * 32-byte stub per hypercall number.  Written by hv's boot-time builder
 * and, for domains a toolstack builds, by XEN_DOMCTL_hypercall_init:
 * the stubs are hv's business, not the builder's.
 */
#include <hv/pv.h>
#include <hv/lib.h>
#include <hv/page.h>
#include <public/xen.h>

/* push rcx; push r11; mov $n, eax; syscall; pop r11; pop rcx; ret.
 * iret's stub pushes rax too and never returns; the rest is int3. */
void pv_write_hypercall_page(void *page)
{
    u8 *p = page;

    memset(p, 0xcc, PAGE_SIZE);
    for (unsigned int i = 0; i < PAGE_SIZE / 32; i++, p += 32) {
        unsigned int n = 0;

        p[n++] = 0x51;
        p[n++] = 0x41;
        p[n++] = 0x53;
        if (i == __HYPERVISOR_iret)
            p[n++] = 0x50;
        p[n++] = 0xb8;
        memcpy(p + n, &i, 4);
        n += 4;
        p[n++] = 0x0f;
        p[n++] = 0x05;
        if (i == __HYPERVISOR_iret)
            continue;
        p[n++] = 0x41;
        p[n++] = 0x5b;
        p[n++] = 0x59;
        p[n++] = 0xc3;
    }
}
