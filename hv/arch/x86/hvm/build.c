/*
 * The HVM domain builder: from a multiboot v1 kernel (and one module) to
 * a domain whose vCPU 0 starts at the kernel's entry the way a multiboot
 * loader leaves a PC: 32-bit flat protected mode, paging off, interrupts
 * off, EAX = 0x2badb002, EBX = the multiboot information.  The guest's
 * memory map is in hvm_build.h; the kernel goes where its header says,
 * the module at the next page after it, the information at 0x1000, the
 * ACPI tables at 0xf0000.  Another boot protocol (Linux's bzImage) would
 * be another loader next to load_multiboot().
 */
#include <hv/hvm_build.h>
#include <hv/hvm_io.h>
#include <hv/multiboot.h>
#include <hv/sched.h>
#include <hv/domain.h>
#include <hv/mm.h>
#include <hv/errno.h>
#include <hv/lib.h>

/* The image name a multiboot loader puts before the kernel's arguments. */
#define KERNEL_NAME "kernel"

#define fail(...) ({ snprintf(err, errlen, __VA_ARGS__); -EINVAL; })

/* Nested page-table frames a p2m of p2m_size frames may need, at most. */
static u64 npt_frames_bound(u64 p2m_size)
{
    return 1 + ((p2m_size >> 27) + 1) + ((p2m_size >> 18) + 1) + ((p2m_size >> 9) + 1);
}

static bool in_low_ram(u64 start, u64 end, u64 low_end)
{
    return (start >= HVM_MBI_ADDR + HVM_MBI_MAX && end <= HVM_EBDA_START) ||
           (start >= HVM_LOW_MEM_END && end <= low_end);
}

static int load_multiboot(struct domain *d, const struct hvm_build_params *p,
                          const struct mb_image *img, char *err, size_t errlen)
{
    u64 low_end = d->hvm->mem.low_end << PAGE_SHIFT;
    struct hvm_mbi_params mbi = {
        .ram_pages = p->nr_pages,
        .mod_cmdline = p->initrd_cmdline ? p->initrd_cmdline : "",
    };
    size_t cmdlen = strlen(KERNEL_NAME) + 1 + strlen(p->cmdline) + 1, n;
    char *cmdline;
    void *buf;
    int rc = 0;

    for (unsigned int i = 0; i < img->nr_segments; i++) {
        const struct mb_segment *s = &img->seg[i];

        if (hvm_copy_to_gphys(d, s->paddr, (const u8 *)p->image + s->offset,
                              s->filesz))
            return fail("kernel segment at %#lx is outside RAM", (unsigned long)s->paddr);
    }
    if (p->initrd) {
        mbi.mod_start = ROUNDUP(max(img->load_end, (u64)HVM_LOW_MEM_END), PAGE_SIZE);
        mbi.mod_end = mbi.mod_start + p->initrd_len;
        if (mbi.mod_end > low_end)
            return fail("the initrd (%lu KiB) does not fit after the kernel in "
                        "%lu KiB of RAM", (unsigned long)(p->initrd_len >> 10),
                        (unsigned long)(low_end >> 10));
        hvm_copy_to_gphys(d, mbi.mod_start, p->initrd, p->initrd_len);
    }

    cmdline = xmalloc(cmdlen);
    buf = xmalloc(PAGE_SIZE);
    if (!cmdline || !buf) {
        rc = fail("no hv memory for the multiboot information");
        goto out;
    }
    snprintf(cmdline, cmdlen, "%s %s", KERNEL_NAME, p->cmdline);
    mbi.cmdline = cmdline;
    n = hvm_build_mbi(&mbi, HVM_MBI_ADDR, buf, PAGE_SIZE);
    if (!n) {
        rc = fail("the multiboot information does not fit in a page");
        goto out;
    }
    hvm_copy_to_gphys(d, HVM_MBI_ADDR, buf, n);
    n = hvm_build_acpi_tables(HVM_ACPI_ADDR, buf, PAGE_SIZE);
    hvm_copy_to_gphys(d, HVM_ACPI_ADDR, buf, n);
    printk("hvm: domain %u: %lu MiB RAM, kernel [%#lx-%#lx) entry %#x",
           d->domain_id, (unsigned long)(p->nr_pages >> (20 - PAGE_SHIFT)),
           (unsigned long)img->load_start, (unsigned long)img->load_end, img->entry);
    if (p->initrd)
        printk(", module [%#lx-%#lx)", (unsigned long)mbi.mod_start,
               (unsigned long)mbi.mod_end);
    printk("\n");
out:
    xfree(cmdline);
    xfree(buf);
    return rc;
}

struct domain *hvm_build_domain(const struct hvm_build_params *p, char *err,
                                size_t errlen)
{
    u64 low_end = min(p->nr_pages << PAGE_SHIFT, HVM_LOW_RAM_LIMIT);
    u64 p2m_size = p->nr_pages > (HVM_LOW_RAM_LIMIT >> PAGE_SHIFT)
                   ? (HVM_HIGH_RAM_START >> PAGE_SHIFT) + p->nr_pages -
                     (HVM_LOW_RAM_LIMIT >> PAGE_SHIFT)
                   : p->nr_pages;
    struct hvm_boot_state bs;
    struct mb_image img;
    struct domain *d;
    char why[96];
    int rc;

    if (hvm_unavailable_reason()) {
        snprintf(err, errlen, "%s", hvm_unavailable_reason());
        return NULL;
    }
    if (mb_image_parse(p->image, p->image_len, &img, why, sizeof(why))) {
        snprintf(err, errlen, "bad kernel image: %s", why);
        return NULL;
    }
    if (!in_low_ram(img.load_start, img.load_end, low_end)) {
        snprintf(err, errlen, "the kernel's load range [%#lx-%#lx) is not in "
                 "the guest's low RAM (too little memory?)",
                 (unsigned long)img.load_start, (unsigned long)img.load_end);
        return NULL;
    }
    d = domain_create_hvm(p->domid, p->nr_pages + npt_frames_bound(p2m_size) +
                          HVM_MAX_IOREQ_SERVERS, 1, &rc);
    if (!d) {
        snprintf(err, errlen, "cannot create the domain (error %d)", rc);
        return NULL;
    }
    d->weight = p->weight;
    if (hvm_p2m_populate(d, p->nr_pages)) {
        snprintf(err, errlen, "out of memory for %lu frames of RAM",
                 (unsigned long)p->nr_pages);
        goto fail;
    }
    if (hvm_ops->map_memory(d)) {
        snprintf(err, errlen, "out of memory for the nested page tables");
        goto fail;
    }
    if (load_multiboot(d, p, &img, err, errlen))
        goto fail;
    hvm_platform_init(d);
    bs = (struct hvm_boot_state){ img.entry, MB1_BOOTLOADER_MAGIC, HVM_MBI_ADDR };
    hvm_ops->set_boot_state(d->vcpu[0], &bs);
    return d;

fail:
    domain_destroy_unstarted(d);
    return NULL;
}

void hvm_start_domain(struct domain *d)
{
    struct vcpu *v = d->vcpu[0];

    sched_add_vcpu(v);
    vcpu_unpause_flag(v, VPF_down);
}
