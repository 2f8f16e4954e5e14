/*
 * The userland PV domain builder (pv_builder.h).  The image parser and
 * the layout arithmetic are hv's own (hv/common/elf_loader.c,
 * hv/arch/x86/pv/layout.c), so a domain built here looks exactly like one
 * hv builds at boot: one region from VIRT_BASE mapping pfn 0, 1, 2, ...
 * at VIRT_BASE + 4096 * pfn, page tables mapped read-only, the L4 pinned.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/elf_loader.h>
#include <hv/pv_layout.h>
#include <hv/page.h>
#include <public/features.h>
#include <public/grant_table.h>

#include "bzimage.h"
#include "pv_builder.h"

#define L1_PROT     (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_USER)
#define UPPER_PROT  (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_USER)
#define POPULATE_BATCH 1024

struct builder {
    const struct hv_ops *ops;
    const struct pv_build_request *req;
    struct pv_build_result *res;
    const void *kernel;         /* the ELF: the request's, or unpacked */
    size_t kernel_len;
    void *unpacked;             /* a bzImage's payload, malloc'd */
    struct pv_image img;
    struct pv_layout l;
    domid_t domid;
    bool created;
    uint64_t nr_pages;
    xen_pfn_t *p2m;             /* pfn -> mfn */
    uint8_t *region;            /* [v_start, v_end) mapped here */
    unsigned int region_pages;
    char *err;
    size_t errlen;
};

static int fail(struct builder *b, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct builder *b, int rc, const char *fmt, ...)
{
    int n;
    va_list ap;

    va_start(ap, fmt);
    n = vsnprintf(b->err, b->errlen, fmt, ap);
    va_end(ap);
    if (rc < 0 && n >= 0 && (size_t)n < b->errlen)
        snprintf(b->err + n, b->errlen - n, ": %s", strerror(-rc));
    return rc < 0 ? rc : -EINVAL;
}

/* The builder's view of guest virtual address va in the initial region. */
static void *va_ptr(const struct builder *b, uint64_t va)
{
    return b->region + (va - b->l.v_start);
}

static xen_pfn_t va_mfn(const struct builder *b, uint64_t va)
{
    return b->p2m[(va - b->l.v_start) >> PAGE_SHIFT];
}

static void put_bytes(void *ctx, u64 va, const void *src, size_t n)
{
    const struct builder *b = ctx;

    if (src)
        memcpy(va_ptr(b, va), src, n);
    else
        memset(va_ptr(b, va), 0, n);
}

static int check_request(struct builder *b)
{
    const struct pv_build_request *r = b->req;
    char why[160];

    if (!r->vcpus)
        return fail(b, -EINVAL, "no vCPUs");
    if (r->mem_kb < 4096 || r->mem_kb % 4)
        return fail(b, -EINVAL, "memory of %llu KiB (at least 4096, in pages)",
                    (unsigned long long)r->mem_kb);
    if (r->maxmem_kb < r->mem_kb)
        return fail(b, -EINVAL, "maxmem below memory");
    if (r->cmdline && strlen(r->cmdline) >= MAX_GUEST_CMDLINE)
        return fail(b, -EINVAL, "command line longer than %d bytes",
                    MAX_GUEST_CMDLINE - 1);
    b->kernel = r->kernel;
    b->kernel_len = r->kernel_len;
    if (bzimage_is(r->kernel, r->kernel_len)) {
        int rc = bzimage_unpack(r->kernel, r->kernel_len, &b->unpacked,
                                &b->kernel_len, why, sizeof(why));

        if (rc)
            return fail(b, rc == -ENOMEM ? rc : 0, "bzImage: %s", why);
        b->kernel = b->unpacked;
    }
    if (pv_image_parse(b->kernel, b->kernel_len, &b->img, why, sizeof(why)))
        return fail(b, -EINVAL, "kernel is not a PV ELF image: %s", why);
    if (b->img.features_required & ~PV_FEATURES_REQUIRABLE)
        return fail(b, -EINVAL, "the kernel requires features hv lacks (XENFEAT "
                    "mask %#x)", b->img.features_required & ~PV_FEATURES_REQUIRABLE);
    b->nr_pages = r->mem_kb / 4;
    if (pv_layout_compute(&b->l, b->img.virt_base, b->img.kstart, b->img.kend,
                          r->ramdisk ? r->ramdisk_len : 0, b->nr_pages, true,
                          why, sizeof(why)))
        return fail(b, -EINVAL, "kernel layout: %s", why);
    return 0;
}

static int create_domain(struct builder *b)
{
    struct xen_domctl_createdomain cfg = {
        .max_vcpus = b->req->vcpus,
        .max_evtchn_port = (uint32_t)-1,
        .max_grant_frames = -1,
        .max_maptrack_frames = -1,
        .grant_opts = 1,                /* grant table version 1 */
    };
    int rc;

    memcpy(cfg.handle, b->req->handle, sizeof(cfg.handle));
    b->domid = 0;
    rc = b->ops->create(b->ops->ctx, &cfg, &b->domid);
    if (rc)
        return fail(b, rc, "createdomain");
    b->created = true;
    b->res->domid = b->domid;
    rc = b->ops->max_vcpus(b->ops->ctx, b->domid, b->req->vcpus);
    if (rc)
        return fail(b, rc, "max_vcpus %u", b->req->vcpus);
    rc = b->ops->max_mem(b->ops->ctx, b->domid, b->req->maxmem_kb);
    if (rc)
        return fail(b, rc, "max_mem %llu KiB", (unsigned long long)b->req->maxmem_kb);
    rc = b->ops->evtchn_alloc_unbound(b->ops->ctx, b->domid, b->req->store_domid,
                                      &b->res->store_port);
    if (rc)
        return fail(b, rc, "xenstore event channel");
    rc = b->ops->evtchn_alloc_unbound(b->ops->ctx, b->domid, b->req->console_domid,
                                      &b->res->console_port);
    if (rc)
        return fail(b, rc, "console event channel");
    return 0;
}

static int populate(struct builder *b)
{
    xen_pfn_t pfns[POPULATE_BATCH];
    int rc;

    b->p2m = calloc(b->nr_pages, sizeof(*b->p2m));
    if (!b->p2m)
        return fail(b, -ENOMEM, "p2m of %llu pages", (unsigned long long)b->nr_pages);
    for (uint64_t pfn = 0; pfn < b->nr_pages; pfn += POPULATE_BATCH) {
        unsigned int n = b->nr_pages - pfn < POPULATE_BATCH ?
                         b->nr_pages - pfn : POPULATE_BATCH;

        for (unsigned int i = 0; i < n; i++)
            pfns[i] = pfn + i;
        rc = b->ops->populate(b->ops->ctx, b->domid, pfns, n, b->p2m + pfn);
        if (rc)
            return fail(b, rc, "populate_physmap of pfns %#llx-%#llx",
                        (unsigned long long)pfn, (unsigned long long)(pfn + n - 1));
    }
    return 0;
}

static int map_region(struct builder *b)
{
    int rc = 0;

    b->region_pages = (b->l.v_end - b->l.v_start) >> PAGE_SHIFT;
    b->region = b->ops->map(b->ops->ctx, b->domid, b->p2m, b->region_pages, &rc);
    if (!b->region)
        return fail(b, rc ? rc : -EFAULT, "mapping the domain's %u initial frames",
                    b->region_pages);
    return 0;
}

/* The table of `level` (3, 2, 1) covering va, as its index in the pt area. */
static unsigned int table_index(const struct pv_layout *l, unsigned int level,
                                uint64_t va)
{
    switch (level) {
    case 3:
        return 1 + (va >> L4_PAGETABLE_SHIFT) - (l->v_start >> L4_PAGETABLE_SHIFT);
    case 2:
        return 1 + l->n3 + (va >> L3_PAGETABLE_SHIFT) -
               (l->v_start >> L3_PAGETABLE_SHIFT);
    default:
        return 1 + l->n3 + l->n2 + (va >> L2_PAGETABLE_SHIFT) -
               (l->v_start >> L2_PAGETABLE_SHIFT);
    }
}

static uint64_t *table(const struct builder *b, unsigned int idx)
{
    return va_ptr(b, b->l.pt_start + (uint64_t)idx * PAGE_SIZE);
}

static uint64_t pte(xen_pfn_t mfn, uint64_t flags)
{
    return ((uint64_t)mfn << PAGE_SHIFT) | flags;
}

static void build_page_tables(struct builder *b)
{
    const struct pv_layout *l = &b->l;

    memset(va_ptr(b, l->pt_start), 0, (size_t)l->nr_pt * PAGE_SIZE);
    for (uint64_t va = l->v_start; va < l->v_end; va += PAGE_SIZE) {
        unsigned int i3 = table_index(l, 3, va), i2 = table_index(l, 2, va);
        unsigned int i1 = table_index(l, 1, va);
        uint64_t flags = L1_PROT;

        table(b, 0)[l4_table_offset(va)] =
            pte(va_mfn(b, l->pt_start + (uint64_t)i3 * PAGE_SIZE), UPPER_PROT);
        table(b, i3)[l3_table_offset(va)] =
            pte(va_mfn(b, l->pt_start + (uint64_t)i2 * PAGE_SIZE), UPPER_PROT);
        table(b, i2)[l2_table_offset(va)] =
            pte(va_mfn(b, l->pt_start + (uint64_t)i1 * PAGE_SIZE), UPPER_PROT);
        if (va >= l->pt_start && va < l->pt_end)
            flags &= ~_PAGE_RW;     /* a PV guest never writes its tables directly */
        table(b, i1)[l1_table_offset(va)] = pte(va_mfn(b, va), flags);
    }
}

static int write_image(struct builder *b)
{
    const struct pv_layout *l = &b->l;
    const struct pv_build_request *r = b->req;
    xen_domctl_getdomaininfo_t info;
    start_info_t *si;
    uint64_t *p2m;
    int rc;

    rc = b->ops->domain_info(b->ops->ctx, b->domid, &info);
    if (rc)
        return fail(b, rc, "getdomaininfo");
    /* Fresh frames may hold anything: the whole region starts zeroed. */
    memset(b->region, 0, (size_t)b->region_pages * PAGE_SIZE);
    pv_image_load(b->kernel, &b->img, put_bytes, b);
    if (r->ramdisk)
        memcpy(va_ptr(b, l->initrd_start), r->ramdisk, r->ramdisk_len);
    p2m = va_ptr(b, l->p2m_start);
    for (uint64_t pfn = 0; pfn < b->nr_pages; pfn++)
        p2m[pfn] = b->p2m[pfn];

    si = va_ptr(b, l->startinfo);
    snprintf(si->magic, sizeof(si->magic), "%s", XEN_START_INFO_MAGIC);
    si->nr_pages = b->nr_pages;
    si->shared_info = info.shared_info_frame << PAGE_SHIFT;
    si->flags = 0;
    si->pt_base = l->pt_start;
    si->nr_pt_frames = l->nr_pt;
    si->mfn_list = l->p2m_start;
    si->mod_start = r->ramdisk ? l->initrd_start : 0;
    si->mod_len = r->ramdisk ? r->ramdisk_len : 0;
    si->store_mfn = va_mfn(b, l->store);
    si->store_evtchn = b->res->store_port;
    si->console.domU.mfn = va_mfn(b, l->console);
    si->console.domU.evtchn = b->res->console_port;
    snprintf((char *)si->cmd_line, sizeof(si->cmd_line), "%s",
             r->cmdline ? r->cmdline : "");
    build_page_tables(b);
    b->res->store_mfn = si->store_mfn;
    b->res->console_mfn = si->console.domU.mfn;
    return 0;
}

static int seed_grant_table(struct builder *b)
{
    grant_entry_v1_t *e;
    xen_pfn_t mfn;
    int rc = b->ops->gnttab_frame(b->ops->ctx, b->domid, &mfn);

    if (rc)
        return fail(b, rc, "grant table setup");
    e = b->ops->map(b->ops->ctx, b->domid, &mfn, 1, &rc);
    if (!e)
        return fail(b, rc ? rc : -EFAULT, "mapping the grant table");
    e[GNTTAB_RESERVED_CONSOLE] = (grant_entry_v1_t){
        .flags = GTF_permit_access, .domid = b->req->console_domid,
        .frame = (uint32_t)b->res->console_mfn,
    };
    e[GNTTAB_RESERVED_XENSTORE] = (grant_entry_v1_t){
        .flags = GTF_permit_access, .domid = b->req->store_domid,
        .frame = (uint32_t)b->res->store_mfn,
    };
    b->ops->unmap(b->ops->ctx, e, 1);
    return 0;
}

static int start_vcpu0(struct builder *b)
{
    struct vcpu_guest_context *c = calloc(1, sizeof(*c));
    struct cpu_user_regs *r;
    int rc;

    if (!c)
        return fail(b, -ENOMEM, "vCPU context");
    r = &c->user_regs;
    c->flags = VGCF_in_kernel | VGCF_online;
    r->rip = b->img.entry;
    r->rsp = b->l.stack_end;
    r->rsi = b->l.startinfo;
    r->rflags = 1u << 9;                /* IF */
    r->cs = FLAT_KERNEL_CS;
    r->ss = r->ds = r->es = r->fs = r->gs = FLAT_KERNEL_SS;
    c->kernel_ss = FLAT_KERNEL_SS;
    c->kernel_sp = r->rsp;
    c->ctrlreg[3] = xen_pfn_to_cr3(va_mfn(b, b->l.pt_start));
    rc = b->ops->set_vcpu_context(b->ops->ctx, b->domid, 0, c);
    free(c);
    return rc ? fail(b, rc, "setvcpucontext") : 0;
}

static int build(struct builder *b)
{
    int rc = check_request(b);

    if (!rc)
        rc = create_domain(b);
    if (!rc)
        rc = populate(b);
    if (!rc)
        rc = map_region(b);
    if (!rc)
        rc = write_image(b);
    if (rc)
        return rc;
    /* Page tables are validated by the pin: no writable mapping of them
     * may remain, so the region goes before. */
    b->ops->unmap(b->ops->ctx, b->region, b->region_pages);
    b->region = NULL;
    if (b->img.hypercall_page != PV_NO_ADDR) {
        rc = b->ops->hypercall_page(b->ops->ctx, b->domid,
                                    va_mfn(b, b->img.hypercall_page));
        if (rc)
            return fail(b, rc, "hypercall_init");
    }
    rc = b->ops->pin_l4(b->ops->ctx, b->domid, va_mfn(b, b->l.pt_start));
    if (rc)
        return fail(b, rc, "pinning the initial L4");
    rc = seed_grant_table(b);
    if (!rc)
        rc = start_vcpu0(b);
    return rc;
}

int pv_build(const struct hv_ops *ops, const struct pv_build_request *req,
             struct pv_build_result *res, char *err, size_t errlen)
{
    struct builder b = { .ops = ops, .req = req, .res = res, .err = err,
                         .errlen = errlen };
    int rc;

    memset(res, 0, sizeof(*res));
    if (errlen)
        err[0] = '\0';
    rc = build(&b);
    if (b.region)
        ops->unmap(ops->ctx, b.region, b.region_pages);
    free(b.p2m);
    free(b.unpacked);
    if (rc) {
        if (b.created)
            ops->destroy(ops->ctx, b.domid);
        memset(res, 0, sizeof(*res));
        return rc;
    }
    res->v_start = b.l.v_start;
    res->v_end = b.l.v_end;
    res->entry = b.img.entry;
    res->nr_pages = b.nr_pages;
    return 0;
}
