/*
 * The HVM domain builder: from a kernel (and one module) to a domain
 * whose vCPU 0 starts at the kernel's entry in 32-bit flat protected
 * mode, paging off, interrupts off.  Two kinds of kernel, told apart by
 * the image:
 *  - a Linux bzImage (the "HdrS" setup header, bzimage.c): its
 *    protected-mode part at its preferred address, the initrd at the top
 *    of low RAM, the zero page at 0x1000 and the command line at 0x2000;
 *    ESI = the zero page, EBX = EBP = EDI = 0 (the 32-bit boot protocol);
 *  - a multiboot v1 kernel (mb_image.c): where its header says, the
 *    module at the next page after it, the information at 0x1000;
 *    EAX = 0x2badb002, EBX = the multiboot information.
 * The guest's memory map is in hvm_build.h; the ACPI tables at 0xf0000.
 * Everything that can be refused is checked before the domain exists.
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

#define fail_rc(rc, ...) ({ snprintf(err, errlen, __VA_ARGS__); (rc); })
#define fail(...) fail_rc(-EINVAL, __VA_ARGS__)

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

/* Where a multiboot kernel's module goes: the page after the kernel. */
static u64 mb_module_start(const struct mb_image *img)
{
    return ROUNDUP(max(img->load_end, (u64)HVM_LOW_MEM_END), PAGE_SIZE);
}

static int load_multiboot(struct domain *d, const struct hvm_build_params *p,
                          const struct mb_image *img, char *err, size_t errlen)
{
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
        /* plan_kernel checked that it fits. */
        mbi.mod_start = mb_module_start(img);
        mbi.mod_end = mbi.mod_start + p->initrd_len;
        hvm_copy_to_gphys(d, mbi.mod_start, p->initrd, p->initrd_len);
    }

    cmdline = xmalloc(cmdlen);
    buf = xmalloc(PAGE_SIZE);
    if (!cmdline || !buf) {
        rc = fail_rc(-ENOMEM, "no hv memory for the multiboot information");
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

static int load_bzimage(struct domain *d, const struct hvm_build_params *p,
                        const struct bz_image *bz, const struct bz_layout *l,
                        char *err, size_t errlen)
{
    u8 *buf = xmalloc(PAGE_SIZE);

    if (!buf)
        return fail_rc(-ENOMEM, "no hv memory for the zero page");
    if (hvm_copy_to_gphys(d, bz->load_addr, (const u8 *)p->image + bz->kernel_offset,
                          bz->kernel_len) ||
        hvm_copy_to_gphys(d, HVM_BZ_CMDLINE_ADDR, p->cmdline, strlen(p->cmdline) + 1) ||
        (l->initrd_len && hvm_copy_to_gphys(d, l->initrd_addr, p->initrd,
                                            l->initrd_len))) {
        xfree(buf);
        return fail("the kernel does not fit in the guest's RAM");
    }
    bzimage_zero_page(p->image, bz, l, p->nr_pages, buf);
    hvm_copy_to_gphys(d, HVM_BZ_ZERO_PAGE_ADDR, buf, PAGE_SIZE);
    hvm_copy_to_gphys(d, HVM_ACPI_ADDR, buf,
                      hvm_build_acpi_tables(HVM_ACPI_ADDR, buf, PAGE_SIZE));
    xfree(buf);
    printk("hvm: domain %u: %lu MiB RAM, Linux bzImage (protocol %u.%02u) "
           "[%#lx-%#lx) entry %#lx", d->domain_id,
           (unsigned long)(p->nr_pages >> (20 - PAGE_SHIFT)), bz->version >> 8,
           bz->version & 0xff, (unsigned long)bz->load_addr,
           (unsigned long)(bz->load_addr + bz->kernel_len),
           (unsigned long)bz->load_addr);
    if (l->initrd_len)
        printk(", initrd [%#lx-%#lx)", (unsigned long)l->initrd_addr,
               (unsigned long)(l->initrd_addr + l->initrd_len));
    printk("\n");
    return 0;
}

/* What to load, checked against the guest's RAM before the domain exists. */
struct kernel_plan {
    bool is_linux;
    struct mb_image mb;
    struct bz_image bz;
    struct bz_layout bzl;
};

static int plan_kernel(const struct hvm_build_params *p, u64 low_end,
                       struct kernel_plan *k, char *err, size_t errlen)
{
    char why[128];

    k->is_linux = bzimage_detect(p->image, p->image_len);
    if (k->is_linux) {
        if (bzimage_parse(p->image, p->image_len, &k->bz, why, sizeof(why)))
            return fail("bad bzImage: %s", why);
        if (bzimage_layout(&k->bz, low_end, strlen(p->cmdline),
                           p->initrd ? p->initrd_len : 0, &k->bzl, why, sizeof(why)))
            return fail("%s", why);
        return 0;
    }
    if (mb_image_parse(p->image, p->image_len, &k->mb, why, sizeof(why)))
        return fail("bad kernel image: %s", why);
    if (!in_low_ram(k->mb.load_start, k->mb.load_end, low_end))
        return fail("the kernel's load range [%#lx-%#lx) is not in the guest's "
                    "low RAM (too little memory?)", (unsigned long)k->mb.load_start,
                    (unsigned long)k->mb.load_end);
    if (p->initrd && mb_module_start(&k->mb) + p->initrd_len > low_end)
        return fail("the initrd (%lu KiB) does not fit after the kernel in "
                    "%lu KiB of RAM", (unsigned long)(p->initrd_len >> 10),
                    (unsigned long)(low_end >> 10));
    return 0;
}

/* RAM, nested paging, the kernel, tables, devices and vCPU 0's boot
 * state into d, whose kernel plan k was checked against p. */
static int build_planned(struct domain *d, const struct hvm_build_params *p,
                         const struct kernel_plan *k, char *err, size_t errlen)
{
    int rc;

    if (hvm_p2m_populate(d, p->nr_pages)) {
        snprintf(err, errlen, "out of memory for %lu frames of RAM",
                 (unsigned long)p->nr_pages);
        return -ENOMEM;
    }
    if (hvm_ops->map_memory(d)) {
        snprintf(err, errlen, "out of memory for the nested page tables");
        return -ENOMEM;
    }
    rc = k->is_linux ? load_bzimage(d, p, &k->bz, &k->bzl, err, errlen)
                     : load_multiboot(d, p, &k->mb, err, errlen);
    if (rc)
        return rc;
    hvm_platform_init(d);
    if (k->is_linux) {
        struct hvm_boot_state bs = { k->bz.load_addr, 0, 0 };

        hvm_ops->set_boot_state(d->vcpu[0], &bs);
        /* The boot state is multiboot's; the 32-bit Linux entry also wants
         * ESI (EBP and EDI start zeroed). */
        d->vcpu[0]->hvm->regs.rsi = HVM_BZ_ZERO_PAGE_ADDR;
    } else {
        struct hvm_boot_state bs = { k->mb.entry, MB1_BOOTLOADER_MAGIC, HVM_MBI_ADDR };

        hvm_ops->set_boot_state(d->vcpu[0], &bs);
    }
    return 0;
}

static u64 low_ram_end(u64 nr_pages)
{
    return min(nr_pages << PAGE_SHIFT, HVM_LOW_RAM_LIMIT);
}

struct domain *hvm_build_domain(const struct hvm_build_params *p, char *err,
                                size_t errlen)
{
    u64 p2m_size = p->nr_pages > (HVM_LOW_RAM_LIMIT >> PAGE_SHIFT)
                   ? (HVM_HIGH_RAM_START >> PAGE_SHIFT) + p->nr_pages -
                     (HVM_LOW_RAM_LIMIT >> PAGE_SHIFT)
                   : p->nr_pages;
    struct kernel_plan *k;
    struct domain *d;
    int rc;

    if (hvm_unavailable_reason()) {
        snprintf(err, errlen, "%s", hvm_unavailable_reason());
        return NULL;
    }
    k = xmalloc(sizeof(*k));
    if (!k) {
        snprintf(err, errlen, "no hv memory for the kernel's layout");
        return NULL;
    }
    if (plan_kernel(p, low_ram_end(p->nr_pages), k, err, errlen)) {
        xfree(k);
        return NULL;
    }
    d = domain_create_hvm(p->domid, p->nr_pages + npt_frames_bound(p2m_size) +
                          HVM_MAX_IOREQ_SERVERS, 1, &rc);
    if (!d) {
        snprintf(err, errlen, "cannot create the domain (error %d)", rc);
        xfree(k);
        return NULL;
    }
    d->weight = p->weight;
    if (build_planned(d, p, k, err, errlen)) {
        xfree(k);
        domain_destroy_unstarted(d);
        return NULL;
    }
    xfree(k);
    return d;
}

int hvm_build_into(struct domain *d, const struct hvm_build_params *p, char *err,
                   size_t errlen)
{
    struct kernel_plan *k;
    int rc;

    if (d->hvm->mem.p2m) {
        snprintf(err, errlen, "domain %u is already built", d->domain_id);
        return -EEXIST;
    }
    if (!d->vcpu[0]) {
        snprintf(err, errlen, "domain %u has no vCPU yet (max_vcpus first)", d->domain_id);
        return -EINVAL;
    }
    k = xmalloc(sizeof(*k));
    if (!k) {
        snprintf(err, errlen, "no hv memory for the kernel's layout");
        return -ENOMEM;
    }
    rc = plan_kernel(p, low_ram_end(p->nr_pages), k, err, errlen);
    if (!rc)
        rc = build_planned(d, p, k, err, errlen);
    xfree(k);
    if (!rc)
        vcpu_unpause_flag(d->vcpu[0], VPF_down);
    return rc;
}

void hvm_start_domain(struct domain *d)
{
    struct vcpu *v = d->vcpu[0];

    sched_add_vcpu(v);
    vcpu_unpause_flag(v, VPF_down);
}
