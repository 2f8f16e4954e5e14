/*
 * The toolstack's hypercalls (domctl, sysctl and the foreign-domain
 * operations), exercised as a domain builder in dom0 would use them.
 *
 * As dom0 it builds two tiny PV domUs by hand, in libxenguest's order:
 * createdomain, max_vcpus, max_mem, populate_physmap, foreign mappings
 * (mmu_update with FOREIGNDOM) to write L4/L3/L2/L1, a code page and a
 * stack, the domU's first grant frame (XENMEM_acquire_resource for one
 * domU, gnttab_op setup_table for the other) and its reserved entries
 * (console ref 0, xenstore ref 1), which dom0 then maps as a backend, unbound event channels in the domU,
 * MMUEXT_PIN_L4_TABLE for the domU, setvcpucontext, unpausedomain.
 *   - domU A prints a line (console_io) and shuts down with
 *     SHUTDOWN_reboot; dom0 waits for VIRQ_DOM_EXC, sees the reason in
 *     getdomaininfo, destroys it;
 *   - domU B has two vCPUs, each prints a line and spins; dom0 pauses and
 *     unpauses it, stops it with SCHEDOP_remote_shutdown and destroys it;
 *   - domU C is destroyed while dom0 still maps one of its frames: it is
 *     released (VIRQ_DOM_EXC again) when dom0 unmaps it.
 * The domU's frames are free again after destroydomain (physinfo's
 * free_pages; hv's serial log has the exact count).  Error paths:
 * bad interface versions, unknown commands, missing domains, flags,
 * populate beyond max_mem, a CR3 that is not the domU's L4, pinning a
 * table dom0 still maps writable, destroying itself.  Frames a domU gets
 * (increase_reservation, populate_physmap) are zeroed, even one dom0
 * just dirtied and gave back; hypercall_init writes the stubs into a
 * domU frame and refuses frames that are not the domU's or are its page
 * tables.
 *
 * As a domU it checks that all of these are refused.
 *
 * xen-ref: pass
 */
#include "lib/guest.h"
#include "lib/evtchn.h"
#include "lib/grant.h"
#include "lib/mm.h"
#include "lib/time.h"
#include "lib/control.h"
#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/memory.h>
#include <public/sched.h>

const char test_title[] = "domctl";

/* The domU's pseudo-physical frames and where its page maps them. */
#define DOMU_PAGES   8
#define PFN_L4       0
#define PFN_L3       1
#define PFN_L2       2
#define PFN_L1       3
#define PFN_CODE     4
#define PFN_STACK    5
#define PFN_DATA     6
#define PFN_STORE    7          /* granted as the "xenstore" page */
#define DOMU_VBASE   0x400000UL
#define DOMU_VA(pfn) (DOMU_VBASE + (uint64_t)(pfn) * PAGE_SIZE)
#define DOMU_MEMKB   (DOMU_PAGES * 4)

static long dominfo(domid_t id, struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getdomaininfo, .domain = id };
    long rc = domctl(&op);

    if (rc == 0)
        *info = op.u.getdomaininfo;
    return rc;
}

static uint64_t free_pages(void)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo };

    CHECK_EQ(sysctl(&op), 0, "physinfo");
    return op.u.physinfo.free_pages;
}

static void sleep_ms(uint64_t ms)
{
    uint64_t until = now_ns() + ms * NS_PER_MS;

    while (now_ns() < until) {
        CHECK_EQ(set_timer_op(until), 0, "arm a timer");
        sched_block();
        events_disable();
    }
}

/*
 * free_pages once it stops changing: Xen frees (and scrubs) a dead
 * domain's memory in the background, while dom0 sleeps.
 */
static uint64_t settled_free_pages(void)
{
    uint64_t deadline = now_ns() + 10000 * NS_PER_MS, a, b = free_pages();

    do {
        a = b;
        sleep_ms(200);
        b = free_pages();
    } while (a != b && now_ns() < deadline);
    return b;
}

static long reservation(unsigned int cmd, domid_t id, xen_pfn_t *list,
                        unsigned long n)
{
    struct xen_memory_reservation r = {
        .extent_start = PTR(list), .nr_extents = n, .extent_order = 0, .domid = id,
    };

    return hypercall2(HC(memory_op), cmd, PTR(&r));
}

static long mmu_update_foreign(uint64_t ptr, uint64_t val, domid_t id)
{
    struct mmu_update u = { ptr, val };

    return hypercall4(HC(mmu_update), PTR(&u), 1, 0, id);
}

static long mmuext_foreign(unsigned int cmd, uint64_t mfn, domid_t id)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return hypercall4(HC(mmuext_op), PTR(&op), 1, 0, id);
}

/* EVTCHNOP_alloc_unbound in domain `dom` for `remote`. */
static long evtchn_alloc_unbound_in(domid_t dom, domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
    long rc = evtchn_op(EVTCHNOP_alloc_unbound, &a);

    if (rc == 0)
        *port = a.port;
    return rc;
}

/* --- a domU built by hand --- */

/* dom0's port for VIRQ_DOM_EXC: shutdowns and releases of domains. */
static evtchn_port_t dom_exc;

struct domu {
    domid_t id;
    unsigned int nr_vcpus;
    xen_pfn_t mfn[DOMU_PAGES];
    uint8_t *win[DOMU_PAGES];       /* dom0's windows onto its frames */
    evtchn_port_t console_port, store_port;
};

/* Points dom0's window page at a frame of the domU (FOREIGNDOM). */
static long window_map(uint8_t *win, uint64_t mfn, domid_t id)
{
    long rc = mmu_update_foreign(pte_maddr(win, 1) | MMU_NORMAL_PT_UPDATE,
                                 (mfn << PAGE_SHIFT) | PTE_DATA, id);

    if (rc == 0)
        mmuext1(MMUEXT_INVLPG_LOCAL, (uint64_t)win, 0);
    return rc;
}

/* Gives the window back its own frame (dropping the foreign reference). */
static void window_unmap(uint8_t *win)
{
    CHECK_EQ(map_frame(win, virt_to_mfn(win), PTE_DATA), 0, "unmap a window");
}

static bool all_bytes(const uint8_t *p, uint8_t v)
{
    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        if (p[i] != v)
            return false;
    return true;
}

/* mov $n,%eax; ... syscall: the hypercall ABI without a hypercall page. */
static uint8_t *emit_hypercall2(uint8_t *p, uint32_t nr, uint32_t a1, uint64_t a2,
                                uint8_t a2_reg)
{
    *p++ = 0xb8;                            /* mov $nr, %eax */
    memcpy(p, &nr, 4);
    p += 4;
    *p++ = 0xbf;                            /* mov $a1, %edi */
    memcpy(p, &a1, 4);
    p += 4;
    *p++ = 0x48;                            /* movabs $a2, %rsi / %rdx */
    *p++ = a2_reg;
    memcpy(p, &a2, 8);
    p += 8;
    *p++ = 0x0f;                            /* syscall */
    *p++ = 0x05;
    return p;
}

/*
 * The domU's program: console_io(CONSOLEIO_write, len, msg), then either
 * sched_op(SCHEDOP_shutdown, {reason}) or a tight loop.
 */
static void write_program(struct domu *u, bool spin, unsigned int reason)
{
    uint8_t *p = u->win[PFN_CODE];
    char *msg = (char *)u->win[PFN_DATA];
    uint32_t len;

    snprintf(msg, 128, "domU %u built by dom0 says hello\n", u->id);
    len = strlen(msg);
    *(uint32_t *)(u->win[PFN_DATA] + 256) = reason;     /* struct sched_shutdown */
    *p++ = 0xbe;                                        /* mov $len, %esi */
    memcpy(p, &len, 4);
    p += 4;
    p = emit_hypercall2(p, HC(console_io), CONSOLEIO_write, DOMU_VA(PFN_DATA), 0xba);
    if (spin) {
        *p++ = 0xeb;                                    /* jmp . */
        *p++ = 0xfe;
        return;
    }
    p = emit_hypercall2(p, HC(sched_op), SCHEDOP_shutdown, DOMU_VA(PFN_DATA) + 256, 0xbe);
    *p++ = 0x0f;                                        /* ud2: never reached */
    *p++ = 0x0b;
}

/* L4[0] -> L3[0] -> L2[2] -> L1, which maps the code, stack and data. */
static void write_page_tables(struct domu *u)
{
    uint64_t *l4 = (uint64_t *)u->win[PFN_L4], *l3 = (uint64_t *)u->win[PFN_L3];
    uint64_t *l2 = (uint64_t *)u->win[PFN_L2], *l1 = (uint64_t *)u->win[PFN_L1];

    l4[L4_SLOT(DOMU_VBASE)] = (u->mfn[PFN_L3] << PAGE_SHIFT) | PTE_TABLE;
    l3[(DOMU_VBASE >> 30) & 511] = (u->mfn[PFN_L2] << PAGE_SHIFT) | PTE_TABLE;
    l2[(DOMU_VBASE >> 21) & 511] = (u->mfn[PFN_L1] << PAGE_SHIFT) | PTE_TABLE;
    for (unsigned int pfn = PFN_CODE; pfn <= PFN_STORE; pfn++)
        l1[(DOMU_VA(pfn) >> PAGE_SHIFT) & 511] = (u->mfn[pfn] << PAGE_SHIFT) | PTE_TABLE;
}

static long acquire_resource(struct xen_mem_acquire_resource *r)
{
    return hypercall2(HC(memory_op), XENMEM_acquire_resource, PTR(r));
}

/* The frame of the domU's grant table libxenguest 4.17 maps first:
 * XENMEM_acquire_resource (the size query, then frame 0). */
static uint64_t grant_frame_by_resource(domid_t id)
{
    uint64_t frame = 0;
    struct xen_mem_acquire_resource r = {
        .domid = id, .type = XENMEM_resource_grant_table,
        .id = XENMEM_resource_grant_table_id_shared,
    };

    CHECK_EQ(acquire_resource(&r), 0, "acquire_resource: size query");
    CHECK(r.nr_frames >= 1, "acquire_resource: the table has frames");
    r.type = XENMEM_resource_vmtrace_buf;
    r.nr_frames = 0;
    CHECK_EQ(acquire_resource(&r), -XEN_EINVAL, "acquire_resource: no vmtrace buffer");
    r.type = XENMEM_resource_grant_table;
    r.frame_list = PTR(&frame);
    r.nr_frames = 1;
    r.pad = 1;
    CHECK_EQ(acquire_resource(&r), -XEN_EINVAL, "acquire_resource: pad not 0");
    r.pad = 0;
    r.domid = DOMID_SELF;
    CHECK_EQ(acquire_resource(&r), -XEN_ESRCH, "acquire_resource: DOMID_SELF");
    r.domid = 0;
    CHECK_EQ(acquire_resource(&r), -XEN_EPERM, "acquire_resource: ourselves");
    r.domid = id;
    CHECK_EQ(acquire_resource(&r), 0, "acquire_resource: grant frame 0");
    return frame;
}

/* The pre-4.10 way (libxenguest's fallback): setup_table on the domU. */
static uint64_t grant_frame_by_setup_table(domid_t id)
{
    uint64_t frame = 0;
    struct gnttab_setup_table setup = {
        .dom = id, .nr_frames = 1, .frame_list = PTR(&frame),
    };

    CHECK_EQ(gnttab_op(GNTTABOP_setup_table, &setup, 1), 0, "setup_table on the domU");
    CHECK_EQ(setup.status, GNTST_okay, "setup_table status");
    return frame;
}

/* libxenguest's seeding of the reserved grant entries: a foreign mapping
 * of the domU's first grant frame, entries 0 (console) and 1 (xenstore). */
static void seed_grant_table(struct domu *u, bool by_resource)
{
    uint64_t frame = by_resource ? grant_frame_by_resource(u->id)
                                 : grant_frame_by_setup_table(u->id);
    struct gnttab_query_size q = { .dom = u->id };
    uint8_t *win = alloc_page();
    grant_entry_v1_t *e = (grant_entry_v1_t *)win;

    CHECK_EQ(window_map(win, frame, u->id), 0, "map the domU's grant frame");
    e[GNTTAB_RESERVED_CONSOLE].domid = 0;
    e[GNTTAB_RESERVED_CONSOLE].frame = u->mfn[PFN_DATA];
    e[GNTTAB_RESERVED_XENSTORE].domid = 0;
    e[GNTTAB_RESERVED_XENSTORE].frame = u->mfn[PFN_STORE];
    __atomic_store_n(&e[GNTTAB_RESERVED_CONSOLE].flags, GTF_permit_access, __ATOMIC_RELEASE);
    __atomic_store_n(&e[GNTTAB_RESERVED_XENSTORE].flags, GTF_permit_access, __ATOMIC_RELEASE);
    window_unmap(win);
    CHECK_EQ(gnttab_op(GNTTABOP_query_size, &q, 1), 0, "query_size on the domU");
    CHECK_EQ(q.nr_frames, 1, "the domU's grant frames");
}

/* A backend's view: dom0 maps the console page the domU granted (ref 0). */
static void map_console_grant(struct domu *u)
{
    uint8_t *page = alloc_page();
    struct gnttab_map_grant_ref map = {
        .host_addr = PTR(page), .flags = GNTMAP_host_map,
        .ref = GNTTAB_RESERVED_CONSOLE, .dom = u->id,
    };
    struct gnttab_unmap_grant_ref unmap;

    CHECK_EQ(update_va_mapping(page, 0, UVMF_INVLPG), 0, "free a page for the grant");
    CHECK_EQ(gnttab_op(GNTTABOP_map_grant_ref, &map, 1), 0, "map_grant_ref");
    CHECK_EQ(map.status, GNTST_okay, "map the domU's console grant");
    if (map.status != GNTST_okay)
        return;
    CHECK(!memcmp(page, "domU ", 5), "the granted console page is the domU's data page");
    unmap = (struct gnttab_unmap_grant_ref){ .host_addr = PTR(page), .handle = map.handle };
    CHECK_EQ(gnttab_op(GNTTABOP_unmap_grant_ref, &unmap, 1), 0, "unmap_grant_ref");
    CHECK_EQ(unmap.status, GNTST_okay, "unmap the console grant");
    CHECK_EQ(map_frame(page, virt_to_mfn(page), PTE_DATA), 0, "restore the page");
}

static void check_unbound(domid_t id, evtchn_port_t port)
{
    struct evtchn_status st = { .dom = id, .port = port };

    CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), 0, "status of the domU's port");
    CHECK_EQ(st.status, EVTCHNSTAT_unbound, "the domU's port is unbound");
    CHECK_EQ(st.u.unbound.dom, 0, "for dom0");
}

static domid_t create_domain(unsigned int nr_vcpus)
{
    struct xen_domctl op = {
        .cmd = XEN_DOMCTL_createdomain, .domain = 0,
        .u.createdomain = {
            .max_vcpus = nr_vcpus, .max_evtchn_port = 1023, .max_grant_frames = -1,
            .max_maptrack_frames = -1, .grant_opts = 1,
        },
    };
    long rc = domctl(&op);

    CHECK_EQ(rc, 0, "createdomain");
    CHECK(op.domain > 0 && op.domain < DOMID_FIRST_RESERVED, "createdomain picked id %u",
          op.domain);
    return rc ? 0 : op.domain;
}

static void setvcpucontext_refused(struct domu *u, struct vcpu_guest_context *c)
{
    struct xen_domctl op = {
        .cmd = XEN_DOMCTL_setvcpucontext, .domain = u->id,
        .u.vcpucontext = { .vcpu = 0, .ctxt = PTR(c) },
    };

    c->ctrlreg[3] = xen_pfn_to_cr3(u->mfn[PFN_CODE]);
    CHECK_EQ(domctl(&op), -XEN_EINVAL, "setvcpucontext, CR3 a data frame");
    c->ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn((void *)start_info->pt_base));
    CHECK_EQ(domctl(&op), -XEN_EINVAL, "setvcpucontext, CR3 dom0's L4");
    c->ctrlreg[3] = xen_pfn_to_cr3(u->mfn[PFN_L4]);
    c->user_regs.rip = 0x800000000000UL;
    CHECK_EQ(domctl(&op), -XEN_EINVAL, "setvcpucontext, non-canonical RIP");
    c->user_regs.rip = DOMU_VA(PFN_CODE);
    op.u.vcpucontext.vcpu = u->nr_vcpus;
    CHECK_EQ(domctl(&op), -XEN_EINVAL, "setvcpucontext, vCPU out of range");
}

static void set_context(struct domu *u)
{
    static struct vcpu_guest_context c, back;
    struct xen_domctl op = {
        .cmd = XEN_DOMCTL_setvcpucontext, .domain = u->id,
        .u.vcpucontext = { .vcpu = 0, .ctxt = PTR(&c) },
    };

    memset(&c, 0, sizeof(c));
    c.flags = VGCF_in_kernel | VGCF_online;
    c.user_regs.rip = DOMU_VA(PFN_CODE);
    c.user_regs.rsp = DOMU_VA(PFN_STACK) + PAGE_SIZE;
    c.user_regs.cs = FLAT_KERNEL_CS;
    c.user_regs.ss = FLAT_KERNEL_SS;
    c.user_regs.rflags = 0x200;
    c.kernel_ss = FLAT_KERNEL_SS;
    c.kernel_sp = DOMU_VA(PFN_STACK) + PAGE_SIZE;
    c.debugreg[6] = 0xffff0ff0;                 /* as libxenguest sets them */
    c.debugreg[7] = 0x400;
    setvcpucontext_refused(u, &c);
    c.ctrlreg[3] = xen_pfn_to_cr3(u->mfn[PFN_L4]);
    op.u.vcpucontext.vcpu = 0;
    CHECK_EQ(domctl(&op), 0, "setvcpucontext");

    op.cmd = XEN_DOMCTL_getvcpucontext;
    op.u.vcpucontext.ctxt = PTR(&back);
    CHECK_EQ(domctl(&op), 0, "getvcpucontext");
    CHECK_EQ(back.user_regs.rip, DOMU_VA(PFN_CODE), "getvcpucontext: RIP");
    CHECK_EQ(back.ctrlreg[3], xen_pfn_to_cr3(u->mfn[PFN_L4]), "getvcpucontext: CR3");
    CHECK_EQ(back.kernel_sp, c.kernel_sp, "getvcpucontext: kernel_sp");
    CHECK(back.flags & VGCF_online, "getvcpucontext: online");

    /* The other vCPUs run the same program. */
    op.cmd = XEN_DOMCTL_setvcpucontext;
    op.u.vcpucontext.ctxt = PTR(&c);
    for (op.u.vcpucontext.vcpu = 1; op.u.vcpucontext.vcpu < u->nr_vcpus;
         op.u.vcpucontext.vcpu++)
        CHECK_EQ(domctl(&op), 0, "setvcpucontext of another vCPU");
}

/*
 * XEN_DOMCTL_hypercall_init fills a frame of the domU with the hypercall
 * stubs (the stack page here: the domU's program does not use the page
 * and overwrites only its top): push %rcx; push %r11; mov $nr,%eax;
 * syscall; pop %r11; pop %rcx; ret; the rest int3.  A frame the domU
 * does not own is refused, so is one of its page tables.
 */
static void check_hypercall_init(struct domu *u)
{
    static const uint8_t stub[] = { 0x51, 0x41, 0x53, 0xb8, HC(sched_op), 0, 0, 0,
                                    0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3 };
    struct xen_domctl op = { .cmd = XEN_DOMCTL_hypercall_init, .domain = u->id,
                             .u.hypercall_init.gmfn = u->mfn[PFN_STACK] };
    const uint8_t *page = u->win[PFN_STACK];

    CHECK_EQ(domctl(&op), 0, "hypercall_init");
    CHECK(!memcmp(page + 32 * HC(sched_op), stub, sizeof(stub)),
          "hypercall_init: the sched_op stub");
    CHECK_EQ(page[32 * HC(sched_op) + 31], 0xcc, "hypercall_init: int3 after a stub");
    op.u.hypercall_init.gmfn = virt_to_mfn(page);
    CHECK_EQ(domctl(&op), -XEN_EINVAL, "hypercall_init of a frame of dom0's");
    op.u.hypercall_init.gmfn = u->mfn[PFN_L4];
    CHECK_EQ(domctl(&op), -XEN_EPERM, "hypercall_init of the domU's pinned L4");
}

static void build_domu(struct domu *u, unsigned int nr_vcpus, bool spin,
                       unsigned int reason)
{
    struct xen_domctl op = { .domain = 0 };
    struct xen_domctl_getdomaininfo info;
    xen_pfn_t extra = DOMU_PAGES;

    memset(u, 0, sizeof(*u));
    u->nr_vcpus = nr_vcpus;
    if ((u->id = create_domain(nr_vcpus)) == 0)
        return;
    CHECK_EQ(dominfo(u->id, &info), 0, "getdomaininfo of the new domain");
    CHECK_EQ(info.domain, u->id, "getdomaininfo: the domain asked for");
    CHECK(info.flags & XEN_DOMINF_paused, "a new domain starts paused");
    CHECK_EQ(info.tot_pages, 0, "a new domain has no memory");
    CHECK_EQ(info.nr_online_vcpus, 0, "a new domain has no vCPU online");

    op = (struct xen_domctl){ .cmd = XEN_DOMCTL_getvcpuinfo, .domain = u->id };
    CHECK_EQ(domctl(&op), -XEN_ESRCH, "getvcpuinfo before max_vcpus");
    op = (struct xen_domctl){ .cmd = XEN_DOMCTL_max_vcpus, .domain = u->id,
                              .u.max_vcpus.max = nr_vcpus + 1 };
    CHECK_EQ(domctl(&op), -XEN_EINVAL, "max_vcpus other than createdomain's");
    op.u.max_vcpus.max = nr_vcpus;
    CHECK_EQ(domctl(&op), 0, "max_vcpus");
    op = (struct xen_domctl){ .cmd = XEN_DOMCTL_getvcpuinfo, .domain = u->id };
    CHECK_EQ(domctl(&op), 0, "getvcpuinfo");
    CHECK_EQ(op.u.getvcpuinfo.online, 0, "getvcpuinfo: offline before setvcpucontext");
    op = (struct xen_domctl){ .cmd = XEN_DOMCTL_getvcpucontext, .domain = u->id,
                              .u.vcpucontext = { .vcpu = 0, .ctxt = PTR(alloc_page()) } };
    CHECK_EQ(domctl(&op), -XEN_ENODATA, "getvcpucontext before setvcpucontext");
    op = (struct xen_domctl){ .cmd = XEN_DOMCTL_max_mem, .domain = u->id,
                              .u.max_mem.max_memkb = DOMU_MEMKB };
    CHECK_EQ(domctl(&op), 0, "max_mem");

    /* A frame in and out again, as balloon drivers and builders do; it
     * is left dirty, and no frame populated below may show it. */
    extra = 0;
    CHECK_EQ(reservation(XENMEM_increase_reservation, u->id, &extra, 1), 1,
             "increase_reservation for the domU");
    CHECK_EQ(dominfo(u->id, &info), 0, "getdomaininfo");
    CHECK_EQ(info.tot_pages, 1, "one frame after increase_reservation");
    u->win[0] = alloc_page();
    CHECK_EQ(window_map(u->win[0], extra, u->id), 0, "map the new frame");
    CHECK(all_bytes(u->win[0], 0), "increase_reservation gives a zeroed frame");
    memset(u->win[0], 0xa5, PAGE_SIZE);
    window_unmap(u->win[0]);
    CHECK_EQ(reservation(XENMEM_decrease_reservation, u->id, &extra, 1), 1,
             "decrease_reservation for the domU");
    CHECK_EQ(dominfo(u->id, &info), 0, "getdomaininfo");
    CHECK_EQ(info.tot_pages, 0, "no frame after decrease_reservation");
    extra = DOMU_PAGES;

    for (unsigned int i = 0; i < DOMU_PAGES; i++)
        u->mfn[i] = i;
    CHECK_EQ(reservation(XENMEM_populate_physmap, u->id, u->mfn, DOMU_PAGES), DOMU_PAGES,
             "populate_physmap for the domU");
    CHECK_EQ(reservation(XENMEM_populate_physmap, u->id, &extra, 1), 0,
             "populate_physmap beyond max_mem");
    CHECK_EQ(dominfo(u->id, &info), 0, "getdomaininfo");
    CHECK_EQ(info.tot_pages, DOMU_PAGES, "getdomaininfo: tot_pages");
    CHECK_EQ(info.max_pages, DOMU_PAGES, "getdomaininfo: max_pages");
    for (unsigned int i = 0; i < DOMU_PAGES; i++)
        CHECK_EQ(machine_to_phys[u->mfn[i]], i, "M2P of a populated frame");

    for (unsigned int i = 0; i < DOMU_PAGES; i++) {
        if (i)
            u->win[i] = alloc_page();
        CHECK_EQ(window_map(u->win[i], u->mfn[i], u->id), 0, "map a domU frame (FOREIGNDOM)");
        CHECK(all_bytes(u->win[i], 0), "populate_physmap gives zeroed frames");
    }
    write_page_tables(u);
    write_program(u, spin, reason);

    /* A page table dom0 still maps writable cannot be pinned. */
    CHECK_EQ(mmuext_foreign(MMUEXT_PIN_L4_TABLE, u->mfn[PFN_L4], u->id), -XEN_EINVAL,
             "pin an L4 dom0 maps writable");
    for (unsigned int i = PFN_L4; i <= PFN_L1; i++)
        window_unmap(u->win[i]);
    CHECK_EQ(mmuext_foreign(MMUEXT_PIN_L4_TABLE, u->mfn[PFN_L4], DOMID_SELF), -XEN_EINVAL,
             "pin the domU's L4 as dom0's own");
    CHECK_EQ(mmuext_foreign(MMUEXT_PIN_L4_TABLE, u->mfn[PFN_L4], u->id), 0,
             "pin the domU's L4 (foreigndom)");
    check_hypercall_init(u);

    /* The spinning domU's table is seeded the way libxenguest 4.17 does
     * first, the other one's the fallback way. */
    seed_grant_table(u, spin);
    map_console_grant(u);
    CHECK_EQ(evtchn_alloc_unbound_in(u->id, 0, &u->console_port), 0,
             "alloc_unbound in the domU (console)");
    CHECK_EQ(evtchn_alloc_unbound_in(u->id, 0, &u->store_port), 0,
             "alloc_unbound in the domU (xenstore)");
    check_unbound(u->id, u->console_port);
    check_unbound(u->id, u->store_port);
    CHECK(u->console_port != u->store_port, "two ports");

    set_context(u);
    for (unsigned int i = PFN_CODE; i < DOMU_PAGES; i++)
        window_unmap(u->win[i]);
}

/* Waits until getdomaininfo says the domain shut down (or time is up). */
static bool wait_shutdown(domid_t id, struct xen_domctl_getdomaininfo *info)
{
    uint64_t deadline = now_ns() + 30000 * NS_PER_MS;

    for (;;) {
        if (dominfo(id, info) != 0 || info->domain != id)
            return false;
        if (info->flags & XEN_DOMINF_shutdown)
            return true;
        if (now_ns() >= deadline)
            return false;
        CHECK_EQ(set_timer_op(now_ns() + 100 * NS_PER_MS), 0, "arm a timer");
        sched_block();
        events_disable();
    }
}

static bool domain_listed(domid_t id)
{
    struct xen_domctl_getdomaininfo info;

    return dominfo(id, &info) == 0 && info.domain == id &&
           !(info.flags & XEN_DOMINF_dying);
}

/*
 * destroydomain; the domain is gone at once (hv) or soon (Xen's RCU),
 * and its memory is free again (hv's and Xen's heaps may keep a page or
 * two of their own bookkeeping, so only the guest's frames are counted).
 */
static void destroy(domid_t id)
{
    uint64_t deadline = now_ns() + 10000 * NS_PER_MS;
    uint64_t before = settled_free_pages();

    CHECK_EQ(simple_domctl(XEN_DOMCTL_destroydomain, id), 0, "destroydomain");
    while (domain_listed(id) && now_ns() < deadline)
        sched_yield();
    CHECK(!domain_listed(id), "d%u still listed after destroydomain", id);
    CHECK(settled_free_pages() >= before + DOMU_PAGES,
          "the domU's frames are free again after destroydomain");
}

static void domu_shuts_down(void)
{
    static struct domu u;
    struct xen_domctl_getdomaininfo info;
    unsigned int hits;

    build_domu(&u, 1, false, SHUTDOWN_reboot);
    if (!u.id)
        return;
    hits = evtchn_hits(dom_exc);
    CHECK_EQ(simple_domctl(XEN_DOMCTL_unpausedomain, u.id), 0, "unpausedomain");
    CHECK(wait_shutdown(u.id, &info), "the domU did not shut down");
    CHECK(evtchn_hits(dom_exc) > hits || evtchn_pending(dom_exc), "no VIRQ_DOM_EXC");
    CHECK_EQ((info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
             SHUTDOWN_reboot, "getdomaininfo: shutdown reason");
    CHECK(!(info.flags & XEN_DOMINF_paused), "not paused");
    printk("d%u shut down (reason %u), flags %#x, cpu_time %lu\n", u.id,
           (info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
           info.flags & 0xffff, (unsigned long)info.cpu_time);
    /* It stays until the toolstack destroys it. */
    for (unsigned int i = 0; i < 5; i++)
        sched_yield();
    CHECK(domain_listed(u.id), "a shut-down domain stays until destroyed");
    destroy(u.id);
}

/*
 * A frame dom0 still maps outlives destroydomain: the domain is gone from
 * the list at once, and its final release (when the mapping goes) raises
 * VIRQ_DOM_EXC again, which is what xenstored's @releaseDomain needs.
 */
static void domu_released_after_unmap(void)
{
    static struct domu u;
    unsigned int hits;
    uint64_t before, deadline;

    build_domu(&u, 1, false, SHUTDOWN_poweroff);
    if (!u.id)
        return;
    before = settled_free_pages();
    CHECK_EQ(window_map(u.win[PFN_DATA], u.mfn[PFN_DATA], u.id), 0,
             "map the domU's data page again");
    CHECK_EQ(simple_domctl(XEN_DOMCTL_destroydomain, u.id), 0, "destroydomain");
    hits = evtchn_hits(dom_exc);
    CHECK(!domain_listed(u.id), "destroyed, so not listed");
    CHECK(!memcmp(u.win[PFN_DATA], "domU ", 5), "the page is still readable");
    window_unmap(u.win[PFN_DATA]);
    deadline = now_ns() + 10000 * NS_PER_MS;
    while (evtchn_hits(dom_exc) == hits && now_ns() < deadline)
        sleep_ms(50);
    CHECK(evtchn_hits(dom_exc) > hits, "no VIRQ_DOM_EXC when the domain was released");
    CHECK(settled_free_pages() >= before + DOMU_PAGES,
          "the domU's frames are free again after the unmap");
}

static void domu_remote_shutdown(void)
{
    static struct domu u;
    struct xen_domctl op;
    struct xen_domctl_getdomaininfo info;
    struct sched_remote_shutdown rs;
    uint64_t deadline = now_ns() + 30000 * NS_PER_MS;

    build_domu(&u, 2, true, 0);
    if (!u.id)
        return;
    CHECK_EQ(simple_domctl(XEN_DOMCTL_pausedomain, u.id), 0, "pause twice");
    CHECK_EQ(simple_domctl(XEN_DOMCTL_unpausedomain, u.id), 0, "unpause once");
    CHECK(dominfo(u.id, &info) == 0 && (info.flags & XEN_DOMINF_paused), "still paused");
    CHECK_EQ(simple_domctl(XEN_DOMCTL_unpausedomain, u.id), 0, "unpause");
    CHECK_EQ(simple_domctl(XEN_DOMCTL_unpausedomain, u.id), -XEN_EINVAL,
             "unpause a domain nobody paused");

    /* Let it run a while. */
    op = (struct xen_domctl){ .cmd = XEN_DOMCTL_getvcpuinfo, .domain = u.id };
    do {
        sched_yield();
        CHECK_EQ(domctl(&op), 0, "getvcpuinfo");
    } while (op.u.getvcpuinfo.cpu_time == 0 && now_ns() < deadline);
    CHECK_EQ(op.u.getvcpuinfo.online, 1, "getvcpuinfo: online");
    CHECK_EQ(op.u.getvcpuinfo.blocked, 0, "getvcpuinfo: not blocked");
    CHECK(op.u.getvcpuinfo.cpu_time > 0, "getvcpuinfo: the spinning domU ran");
    op.u.getvcpuinfo.vcpu = 1;
    CHECK_EQ(domctl(&op), 0, "getvcpuinfo of vCPU 1");
    CHECK_EQ(op.u.getvcpuinfo.online, 1, "getvcpuinfo: vCPU 1 online");
    CHECK_EQ(dominfo(u.id, &info), 0, "getdomaininfo");
    CHECK_EQ(info.nr_online_vcpus, 2, "getdomaininfo: two vCPUs online");
    CHECK_EQ(info.max_vcpu_id, 1, "getdomaininfo: max_vcpu_id");

    CHECK_EQ(simple_domctl(XEN_DOMCTL_pausedomain, u.id), 0, "pausedomain");
    CHECK(dominfo(u.id, &info) == 0 && (info.flags & XEN_DOMINF_paused), "paused");
    CHECK_EQ(simple_domctl(XEN_DOMCTL_unpausedomain, u.id), 0, "unpausedomain");

    rs = (struct sched_remote_shutdown){ .domain_id = u.id, .reason = SHUTDOWN_poweroff };
    CHECK_EQ(hypercall2(HC(sched_op), SCHEDOP_remote_shutdown, PTR(&rs)), 0,
             "SCHEDOP_remote_shutdown");
    CHECK(dominfo(u.id, &info) == 0 && (info.flags & XEN_DOMINF_shutdown),
          "shut down by dom0");
    CHECK_EQ((info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
             SHUTDOWN_poweroff, "remote shutdown reason");
    destroy(u.id);
}

static void queries(void)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo };
    static struct xen_domctl_getdomaininfo list[4];
    struct xen_domctl_getdomaininfo info;
    struct xen_domctl dop = { .cmd = XEN_DOMCTL_getvcpuinfo, .domain = 0 };

    CHECK_EQ(sysctl(&op), 0, "physinfo");
    CHECK(op.u.physinfo.nr_cpus >= 1, "physinfo: nr_cpus");
    CHECK(op.u.physinfo.cpu_khz > 0, "physinfo: cpu_khz");
    CHECK(op.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_pv, "physinfo: pv");
    CHECK(op.u.physinfo.free_pages > 0 &&
          op.u.physinfo.free_pages < op.u.physinfo.total_pages, "physinfo: pages");
    printk("physinfo: %u CPUs, %u kHz, %lu of %lu pages free, caps %#x\n",
           op.u.physinfo.nr_cpus, op.u.physinfo.cpu_khz,
           (unsigned long)op.u.physinfo.free_pages,
           (unsigned long)op.u.physinfo.total_pages, op.u.physinfo.capabilities);

    op = (struct xen_sysctl){ .cmd = XEN_SYSCTL_getdomaininfolist,
                              .u.getdomaininfolist = { .first_domain = 0,
                                                       .max_domains = 4,
                                                       .buffer = PTR(list) } };
    CHECK_EQ(sysctl(&op), 0, "getdomaininfolist");
    CHECK(op.u.getdomaininfolist.num_domains >= 1, "getdomaininfolist: dom0 listed");
    CHECK_EQ(list[0].domain, 0, "getdomaininfolist: dom0 first");
    CHECK(list[0].flags & XEN_DOMINF_running, "getdomaininfolist: dom0 running");

    CHECK_EQ(dominfo(0, &info), 0, "getdomaininfo of dom0");
    CHECK_EQ(info.nr_online_vcpus, 1, "dom0: one vCPU online");
    CHECK(info.tot_pages > 0, "dom0: tot_pages");
    CHECK(!(info.flags & XEN_DOMINF_shutdown), "dom0 is not shut down");

    CHECK_EQ(domctl(&dop), 0, "getvcpuinfo of dom0");
    CHECK_EQ(dop.u.getvcpuinfo.running, 1, "dom0's vCPU runs");
    dop.u.getvcpuinfo.vcpu = 4096;
    CHECK_EQ(domctl(&dop), -XEN_EINVAL, "getvcpuinfo of a vCPU out of range");
}

static void errors(void)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getdomaininfo, .domain = 0 };
    struct xen_sysctl sop = { .cmd = XEN_SYSCTL_physinfo };
    struct xen_domctl_getdomaininfo info;

    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
    CHECK_EQ(hypercall1(HC(domctl), PTR(&op)), -XEN_EACCES, "domctl, old interface version");
    sop.interface_version = XEN_SYSCTL_INTERFACE_VERSION + 1;
    CHECK_EQ(hypercall1(HC(sysctl), PTR(&sop)), -XEN_EACCES, "sysctl, new interface version");
    CHECK_EQ(simple_domctl(0x7fff, 0), -XEN_ENOSYS, "domctl, unknown command");
    sop = (struct xen_sysctl){ .cmd = 0x7fff };
    CHECK_EQ(sysctl(&sop), -XEN_ENOSYS, "sysctl, unknown command");
    CHECK_EQ(hypercall1(HC(domctl), 0x1000), -XEN_EFAULT, "domctl, bad pointer");

    CHECK_EQ(simple_domctl(XEN_DOMCTL_pausedomain, 1000), -XEN_ESRCH, "pause domain 1000");
    CHECK_EQ(simple_domctl(XEN_DOMCTL_destroydomain, 1000), -XEN_ESRCH, "destroy domain 1000");
    CHECK_EQ(dominfo(1000, &info), -XEN_ESRCH, "getdomaininfo at or above 1000");
    CHECK_EQ(dominfo(DOMID_SELF, &info), -XEN_EINVAL, "getdomaininfo of DOMID_SELF");
    CHECK_EQ(simple_domctl(XEN_DOMCTL_destroydomain, 0), -XEN_EINVAL, "destroy ourselves");
    CHECK_EQ(simple_domctl(XEN_DOMCTL_pausedomain, 0), -XEN_EINVAL, "pause ourselves");

    op = (struct xen_domctl){
        .cmd = XEN_DOMCTL_createdomain,
        .u.createdomain = { .max_vcpus = 1, .max_evtchn_port = 1023,
                            .max_grant_frames = -1, .max_maptrack_frames = -1,
                            .grant_opts = 1, .flags = 1u << 31 },
    };
    CHECK_EQ(domctl(&op), -XEN_EINVAL, "createdomain, unknown flag");
    op.u.createdomain.flags = XEN_DOMCTL_CDF_hap;
    CHECK_EQ(domctl(&op), -XEN_EINVAL, "createdomain, hap without hvm");
    op.u.createdomain.flags = 0;
    op.u.createdomain.max_vcpus = 0;
    CHECK_EQ(domctl(&op), -XEN_EINVAL, "createdomain, no vCPUs");
    op.u.createdomain.max_vcpus = 1;
    op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm;
    CHECK(domctl(&op) < 0, "createdomain, HVM (hv: -EOPNOTSUPP)");
    op.u.createdomain.flags = 0;
    op.domain = 0;
    op.u.createdomain.grant_opts = 0xf;
    CHECK_EQ(domctl(&op), -XEN_EINVAL, "createdomain, grant version 15");
}

static void as_dom0(void)
{
    evtchn_port_t timer;

    events_init();
    CHECK_EQ(evtchn_bind_virq(VIRQ_TIMER, &timer), 0, "bind VIRQ_TIMER");
    CHECK_EQ(evtchn_bind_virq(VIRQ_DOM_EXC, &dom_exc), 0, "bind VIRQ_DOM_EXC");
    CHECK_EQ(stop_periodic_timer(), 0, "stop the periodic timer");
    subtest("physinfo, getdomaininfolist, getdomaininfo, getvcpuinfo", queries);
    subtest("bad versions, commands, domains and flags", errors);
    subtest("build a domU that shuts down, then destroy it", domu_shuts_down);
    subtest("build a spinning domU, pause it, shut it down remotely", domu_remote_shutdown);
    subtest("a destroyed domU is released when dom0 unmaps its last frame",
            domu_released_after_unmap);
}

/* --- as a domU: the toolstack's operations are dom0's --- */

static void refused(void)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_pausedomain, .domain = 0 };
    struct xen_sysctl sop = { .cmd = XEN_SYSCTL_physinfo };
    struct sched_remote_shutdown rs = { .domain_id = 0, .reason = SHUTDOWN_poweroff };
    xen_pfn_t pfn = 0x100000;
    evtchn_port_t port;
    uint8_t *win = alloc_page();
    struct xen_domctl_getdomaininfo info;
    struct xen_mem_acquire_resource res = {
        .domid = 0, .type = XENMEM_resource_grant_table, .frame_list = PTR(&pfn),
        .nr_frames = 1,
    };

    CHECK_EQ(domctl(&op), -XEN_EPERM, "domctl pausedomain(0)");
    CHECK_EQ(dominfo(0, &info), -XEN_EPERM, "domctl getdomaininfo(0)");
    op = (struct xen_domctl){ .cmd = XEN_DOMCTL_createdomain,
                              .u.createdomain = { .max_vcpus = 1, .grant_opts = 1,
                                                  .max_grant_frames = -1,
                                                  .max_maptrack_frames = -1 } };
    CHECK_EQ(domctl(&op), -XEN_EPERM, "domctl createdomain");
    op = (struct xen_domctl){ .cmd = XEN_DOMCTL_hypercall_init, .domain = 0,
                              .u.hypercall_init.gmfn = virt_to_mfn(win) };
    CHECK_EQ(domctl(&op), -XEN_EPERM, "domctl hypercall_init of dom0");
    CHECK_EQ(sysctl(&sop), -XEN_EPERM, "sysctl physinfo");
    /* memory_op reports extents done: none, as in Xen. */
    CHECK_EQ(reservation(XENMEM_populate_physmap, 0, &pfn, 1), 0,
             "populate_physmap for dom0");
    CHECK_EQ(reservation(XENMEM_increase_reservation, 0, NULL, 1), 0,
             "increase_reservation for dom0");
    CHECK_EQ(window_map(win, virt_to_mfn(win), 0), -XEN_EPERM,
             "mmu_update with FOREIGNDOM dom0");
    CHECK_EQ(mmuext_foreign(MMUEXT_PIN_L4_TABLE, 0, 0), -XEN_EPERM,
             "mmuext_op pin with foreigndom dom0");
    CHECK_EQ(evtchn_alloc_unbound_in(0, DOMID_SELF, &port), -XEN_EPERM,
             "alloc_unbound in dom0");
    CHECK_EQ(hypercall2(HC(sched_op), SCHEDOP_remote_shutdown, PTR(&rs)), -XEN_EPERM,
             "SCHEDOP_remote_shutdown of dom0");
    CHECK_EQ(acquire_resource(&res), -XEN_EPERM, "acquire_resource of dom0's grant table");
}

void test_main(void)
{
    if (is_dom0())
        as_dom0();
    else
        subtest("domctl, sysctl and foreign operations are refused", refused);
}
