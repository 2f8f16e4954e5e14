/*
 * The PV domain builder: from a kernel image with Xen notes to a domain
 * whose vCPU 0 starts at the kernel's entry, with the initial address
 * space of the Xen start-of-day ABI (fact sheet §3).
 *
 * One contiguous virtual region from VIRT_BASE maps pseudo-physical
 * frames 0, 1, 2, ... at VIRT_BASE + 4096 * pfn (hv/pv_layout.h says what
 * goes where); the page-table frames are mapped read-only, the L4 is
 * pinned and is vCPU 0's CR3.
 */
#include <hv/pv_build.h>
#include <hv/elf_loader.h>
#include <hv/pv_layout.h>
#include <hv/event.h>
#include <hv/grant_table.h>
#include <hv/sched.h>
#include <hv/mm.h>
#include <hv/mm_pte.h>
#include <hv/time.h>
#include <hv/processor.h>
#include <hv/pv.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <public/features.h>
#include "private.h"

#define L1_PROT         (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_USER)
#define UPPER_PROT      (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | \
                         _PAGE_USER)
#define CHUNK_ORDER     9           /* frames are allocated 2 MiB at a time */

struct builder {
    const struct pv_build_params *p;
    struct pv_image img;
    struct pv_layout l;
    struct domain *d;
    mfn_t *p2m;
    char *err;
    size_t errlen;
};

#define build_fail(b, ...) ({ snprintf((b)->err, (b)->errlen, __VA_ARGS__); -EINVAL; })

/* hv's view of guest virtual address va inside the initial region. */
static void *va_ptr(const struct builder *b, u64 va)
{
    u64 pfn = (va - b->l.v_start) >> PAGE_SHIFT;

    ASSERT(va >= b->l.v_start && va < b->l.v_end);
    return (u8 *)mfn_to_virt(b->p2m[pfn]) + (va & (PAGE_SIZE - 1));
}

static mfn_t va_mfn(const struct builder *b, u64 va)
{
    return b->p2m[(va - b->l.v_start) >> PAGE_SHIFT];
}

/* Copies (or, with src NULL, zeroes) n bytes at guest va, page by page. */
static void put_bytes(void *ctx, u64 va, const void *src, size_t n)
{
    const struct builder *b = ctx;

    while (n) {
        size_t chunk = min(n, (size_t)(PAGE_SIZE - (va & (PAGE_SIZE - 1))));

        if (src) {
            memcpy(va_ptr(b, va), src, chunk);
            src = (const u8 *)src + chunk;
        } else {
            memset(va_ptr(b, va), 0, chunk);
        }
        va += chunk;
        n -= chunk;
    }
}

static int allocate_memory(struct builder *b)
{
    u64 pfn = 0, n = b->p->nr_pages;

    b->p2m = xmalloc(n * sizeof(mfn_t));
    if (!b->p2m)
        return build_fail(b, "no hv memory for the p2m of %lu frames", (unsigned long)n);
    while (pfn < n) {
        unsigned int order = CHUNK_ORDER;
        struct page_info *pg;

        while ((1UL << order) > n - pfn)
            order--;
        while (!(pg = alloc_domheap_pages(b->d, order)) && order)
            order--;
        if (!pg)
            return build_fail(b, "out of memory after %lu of %lu frames",
                              (unsigned long)pfn, (unsigned long)n);
        for (unsigned long j = 0; j < (1UL << order); j++, pfn++) {
            b->p2m[pfn] = page_to_mfn(pg) + j;
            set_gpfn_from_mfn(b->p2m[pfn], pfn);
        }
    }
    return 0;
}

/* The table of `level` (3, 2, 1) covering va, as its index in the pt area. */
static unsigned int table_index(const struct pv_layout *l, unsigned int level, u64 va)
{
    switch (level) {
    case 3:
        return 1 + (va >> L4_PAGETABLE_SHIFT) - (l->v_start >> L4_PAGETABLE_SHIFT);
    case 2:
        return 1 + l->n3 + (va >> L3_PAGETABLE_SHIFT) - (l->v_start >> L3_PAGETABLE_SHIFT);
    default:
        return 1 + l->n3 + l->n2 + (va >> L2_PAGETABLE_SHIFT) -
               (l->v_start >> L2_PAGETABLE_SHIFT);
    }
}

static pte_t *table(const struct builder *b, unsigned int idx)
{
    return va_ptr(b, b->l.pt_start + (u64)idx * PAGE_SIZE);
}

static mfn_t table_mfn(const struct builder *b, unsigned int idx)
{
    return va_mfn(b, b->l.pt_start + (u64)idx * PAGE_SIZE);
}

static void build_page_tables(struct builder *b)
{
    const struct pv_layout *l = &b->l;

    for (u64 va = l->v_start; va < l->v_end; va += PAGE_SIZE) {
        unsigned int i3 = table_index(l, 3, va), i2 = table_index(l, 2, va);
        unsigned int i1 = table_index(l, 1, va);
        pte_t flags = L1_PROT;

        table(b, 0)[pt_index(4, va)] = pte_from_mfn(table_mfn(b, i3), UPPER_PROT);
        table(b, i3)[pt_index(3, va)] = pte_from_mfn(table_mfn(b, i2), UPPER_PROT);
        table(b, i2)[pt_index(2, va)] = pte_from_mfn(table_mfn(b, i1), UPPER_PROT);
        /* A guest may never write its page tables directly. */
        if (va >= l->pt_start && va < l->pt_end)
            flags &= ~_PAGE_RW;
        table(b, i1)[pt_index(1, va)] = pte_from_mfn(va_mfn(b, va), flags);
    }
}

/* Pins the L4 and makes it vCPU 0's kernel page table (both references
 * are dropped again by relinquish_domain_memory()). */
static int install_page_tables(struct builder *b)
{
    struct page_info *l4 = mfn_to_page(table_mfn(b, 0));
    struct vcpu *v = b->d->vcpu[0];
    int rc;

    rc = get_page_and_type(l4, b->d, PGT_l4_page_table);
    if (rc)
        return build_fail(b, "initial page tables refused (%d)", rc);
    l4->flags |= PGF_pinned;
    rc = get_page_and_type(l4, b->d, PGT_l4_page_table);
    if (rc)
        return build_fail(b, "initial page tables refused (%d)", rc);
    v->guest_table = page_to_mfn(l4);
    return 0;
}

static int write_start_info(struct builder *b)
{
    const struct pv_layout *l = &b->l;
    start_info_t *si = va_ptr(b, l->startinfo);
    u64 *p2m = NULL;
    evtchn_port_t port;
    int rc;

    for (u64 pfn = 0; pfn < b->p->nr_pages; pfn++) {
        if ((pfn & (PAGE_SIZE / sizeof(u64) - 1)) == 0)
            p2m = va_ptr(b, l->p2m_start + pfn * sizeof(u64));
        *p2m++ = b->p2m[pfn];
    }

    memset(si, 0, sizeof(*si));
    strlcpy(si->magic, XEN_START_INFO_MAGIC, sizeof(si->magic));
    si->nr_pages = b->p->nr_pages;
    si->shared_info = virt_to_maddr(b->d->shared_info);
    si->flags = b->p->privileged ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0;
    si->pt_base = l->pt_start;
    si->nr_pt_frames = l->nr_pt;
    si->mfn_list = l->p2m_start;
    si->mod_start = b->p->initrd ? l->initrd_start : 0;
    si->mod_len = b->p->initrd_len;
    strlcpy((char *)si->cmd_line, b->p->cmdline, sizeof(si->cmd_line));
    if (!b->p->privileged) {
        /* Unbound ports for the xenstore and console backends in dom0. */
        si->store_mfn = va_mfn(b, l->store);
        rc = evtchn_alloc_unbound_port(b->d, 0, &port);
        if (rc)
            return build_fail(b, "no event channel for xenstore (%d)", rc);
        si->store_evtchn = port;
        si->console.domU.mfn = va_mfn(b, l->console);
        rc = evtchn_alloc_unbound_port(b->d, 0, &port);
        if (rc)
            return build_fail(b, "no event channel for the console (%d)", rc);
        si->console.domU.evtchn = port;
    }
    return 0;
}

/*
 * Every table starts with one frame, as in Xen.  A domU's entries 0 and 1
 * let the backends in dom0 map its console and xenstore pages (as Xen's
 * toolstack seeds them).
 */
static int seed_grant_table(struct builder *b)
{
    grant_entry_v1_t *e;
    mfn_t mfn;
    int rc = grant_table_frame(b->d, 0, &mfn);

    if (rc)
        return build_fail(b, "no grant table frame (%d)", rc);
    if (b->p->privileged)
        return 0;
    e = mfn_to_virt(mfn);
    e[GNTTAB_RESERVED_CONSOLE] = (grant_entry_v1_t){
        .flags = GTF_permit_access, .domid = 0, .frame = va_mfn(b, b->l.console),
    };
    e[GNTTAB_RESERVED_XENSTORE] = (grant_entry_v1_t){
        .flags = GTF_permit_access, .domid = 0, .frame = va_mfn(b, b->l.store),
    };
    return 0;
}

/* vCPU 0 at the kernel's entry: RSI = start_info, stack at the stack page. */
static void init_vcpu0(struct builder *b)
{
    struct vcpu *v = b->d->vcpu[0];
    struct cpu_user_regs *r = &v->arch.user_regs;

    memset(r, 0, sizeof(*r));
    r->rip = b->img.entry;
    r->rsp = b->l.stack_end;
    r->rsi = b->l.startinfo;
    r->rflags = X86_EFLAGS_IF;
    r->cs = FLAT_KERNEL_CS;
    r->ss = FLAT_KERNEL_SS;
    v->arch.kernel_mode = true;
    v->arch.kernel_ss = FLAT_KERNEL_SS;
    v->arch.kernel_sp = r->rsp;
    v->periodic_period = MILLISECS(10);     /* Xen's default for PV vCPUs */
    v->is_initialised = true;
}

static int check_features(struct builder *b)
{
    u32 supported = PV_FEATURES_REQUIRABLE;

    if (b->p->privileged) {
        supported |= 1u << XENFEAT_dom0;
        if (b->img.has_supported_features &&
            !(b->img.supported_features & (1u << XENFEAT_dom0)))
            return build_fail(b, "the kernel does not support dom0 operation");
    }
    if (b->img.features_required & ~supported)
        return build_fail(b, "the kernel requires features hv lacks (XENFEAT "
                          "mask %#x)", b->img.features_required & ~supported);
    return 0;
}

static int build(struct builder *b)
{
    const struct pv_build_params *p = b->p;
    char why[128];
    int rc;

    if (pv_image_parse(p->image, p->image_len, &b->img, why, sizeof(why)))
        return build_fail(b, "bad kernel image: %s", why);
    rc = check_features(b);
    if (!rc)
        rc = pv_layout_compute(&b->l, b->img.virt_base, b->img.kstart, b->img.kend,
                               p->initrd_len, p->nr_pages, !p->privileged,
                               b->err, b->errlen);
    if (rc)
        return rc;
    b->d = domain_create(p->domid, p->privileged, p->nr_pages, p->max_vcpus, &rc);
    if (!b->d)
        return build_fail(b, "cannot create the domain (%d)", rc);
    rc = domain_create_vcpus(b->d);
    if (rc)
        return build_fail(b, "cannot create its vCPUs (%d)", rc);
    b->d->weight = p->weight;
    b->d->has_memory_map = !p->privileged;
    if (p->privileged) {
        struct mm_stats s;

        /* As Xen without dom0_mem=max:, dom0 may grow into any free memory. */
        mm_get_stats(&s);
        b->d->max_pages = s.ram + b->d->extra_pages + GNTTAB_DEFAULT_MAX_FRAMES;
    }

    rc = allocate_memory(b);
    if (rc)
        return rc;
    pv_image_load(p->image, &b->img, put_bytes, b);
    if (p->initrd)
        put_bytes(b, b->l.initrd_start, p->initrd, p->initrd_len);
    rc = write_start_info(b);
    if (!rc)
        rc = seed_grant_table(b);
    if (rc)
        return rc;
    build_page_tables(b);
    rc = install_page_tables(b);
    if (rc)
        return rc;
    if (b->img.hypercall_page != PV_NO_ADDR)
        pv_write_hypercall_page(va_ptr(b, b->img.hypercall_page));
    init_vcpu0(b);
    return 0;
}

struct domain *pv_build_domain(const struct pv_build_params *p, char *err,
                               size_t errlen)
{
    struct builder b = { .p = p, .err = err, .errlen = errlen };
    int rc = build(&b);

    xfree(b.p2m);
    if (rc) {
        if (b.d)
            domain_destroy_unstarted(b.d);
        return NULL;
    }
    printk("pv: d%u: %lu MiB, kernel [%lx-%lx) entry %lx, initial mapping "
           "[%lx-%lx), %u page-table frames%s\n", p->domid,
           (unsigned long)(p->nr_pages >> 8), (unsigned long)b.img.kstart,
           (unsigned long)b.img.kend, (unsigned long)b.img.entry,
           (unsigned long)b.l.v_start, (unsigned long)b.l.v_end, b.l.nr_pt,
           p->initrd ? ", initrd" : "");
    return b.d;
}

void pv_start_domain(struct domain *d)
{
    struct vcpu *v = d->vcpu[0];

    sched_add_vcpu(v);
    vcpu_unpause_flag(v, VPF_down);
}
