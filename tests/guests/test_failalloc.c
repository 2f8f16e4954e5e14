/*
 * hv under allocation failures (docs/robustness.md, "Faults inside hv").
 * As dom0 of an hv booted with `fail_alloc`, it runs a domain's whole
 * life through the toolstack's hypercalls while hv's injector
 * (HERON_SYSCTL_fail_alloc) fails one allocation: the 1st, then the 2nd,
 * and so on until a cycle makes fewer allocations than the one asked to
 * fail.  Two lives are walked:
 *   - PV: createdomain (2 vCPUs), max_vcpus, max_mem, populate_physmap,
 *     foreign mappings to write its page tables and program, pin its L4,
 *     hypercall_init, a second grant frame (setup_table), dom0 maps its
 *     console grant, 70 unbound ports (a second event bucket),
 *     setvcpucontext, unpause, it prints and powers off, destroydomain;
 *   - HVM: createdomain (CDF_hvm|hap), max_vcpus, max_mem, hv's HVM
 *     build of a 4 MiB domain (p2m, NPT, devices), an ioreq server for
 *     dom0 (dm_op: its page and ports), unpause, it runs, destroydomain;
 *     once with a multiboot image, once with a bzImage (zero page).
 * Each failure must end its step with a clean error (-ENOMEM, a partial
 * count, or a grant status) and nothing else; after the destroy hv's
 * free frames, xmalloc bytes and xenheap frames must be back at their
 * baseline.  Then `seeds=` lives fail allocations at random (`per_mille=`
 * of them; HVM lives use either image).  hv surviving to print the end is
 * the rest.
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
#include <public/hvm/dm_op.h>

const char test_title[] = "failalloc";

#define DOMU_PAGES   8
#define PFN_L4       0
#define PFN_L3       1
#define PFN_L2       2
#define PFN_L1       3
#define PFN_CODE     4
#define PFN_STACK    5
#define PFN_DATA     6
#define DOMU_VBASE   0x400000UL
#define DOMU_VA(pfn) (DOMU_VBASE + (uint64_t)(pfn) * PAGE_SIZE)
#define DOMU_PORTS   70             /* past the first bucket of 64 */
#define HVM_RAM_KB   4096
#define WALK_MAX     1000           /* a cycle makes far fewer allocations */
#define RUN_NS       (5000 * NS_PER_MS)

static long fail_alloc(uint32_t how, uint64_t nth, uint64_t seed, uint32_t per_mille,
                       struct heron_sysctl_fail_alloc *out)
{
    struct xen_sysctl op = {
        .cmd = HERON_SYSCTL_fail_alloc,
        .u.fail_alloc = { .op = how, .nth = nth, .seed = seed, .per_mille = per_mille },
    };
    long rc = sysctl(&op);

    if (out)
        *out = op.u.fail_alloc;
    return rc;
}

/* --- one life of a domain, step by step --- */

struct life {
    bool hvm;
    domid_t id;
    xen_pfn_t mfn[DOMU_PAGES];
    bool mapped[DOMU_PAGES];
    const char *step;               /* the step that failed, or NULL */
    long rc;                        /* its error */
};

static uint8_t *win[DOMU_PAGES];    /* dom0's windows onto the domU's frames */
static uint8_t *grant_page;         /* where dom0 maps the domU's grant */

static long window_map(struct life *l, unsigned int pfn, uint64_t mfn)
{
    struct mmu_update u = { pte_maddr(win[pfn], 1) | MMU_NORMAL_PT_UPDATE,
                            (mfn << PAGE_SHIFT) | PTE_DATA };
    long rc = hypercall4(HC(mmu_update), PTR(&u), 1, 0, l->id);

    if (rc == 0) {
        mmuext1(MMUEXT_INVLPG_LOCAL, (uint64_t)win[pfn], 0);
        l->mapped[pfn] = true;
    }
    return rc;
}

static void window_unmap(struct life *l, unsigned int pfn)
{
    if (!l->mapped[pfn])
        return;
    CHECK_EQ(map_frame(win[pfn], virt_to_mfn(win[pfn]), PTE_DATA), 0, "unmap a window");
    l->mapped[pfn] = false;
}

static long mmuext_foreign(unsigned int cmd, uint64_t mfn, domid_t id)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return hypercall4(HC(mmuext_op), PTR(&op), 1, 0, id);
}

static long step_create(struct life *l)
{
    struct xen_domctl op = {
        .cmd = XEN_DOMCTL_createdomain,
        .u.createdomain = {
            .max_vcpus = l->hvm ? 1 : 2, .max_evtchn_port = 1023,
            .max_grant_frames = -1, .max_maptrack_frames = -1, .grant_opts = 1,
            .flags = l->hvm ? XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap : 0,
        },
    };
    long rc = domctl(&op);

    if (rc == 0)
        l->id = op.domain;
    return rc;
}

static long step_max_vcpus(struct life *l)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_max_vcpus, .domain = l->id,
                             .u.max_vcpus.max = l->hvm ? 1 : 2 };

    return domctl(&op);
}

static long step_max_mem(struct life *l)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_max_mem, .domain = l->id,
                             .u.max_mem.max_memkb = l->hvm ? HVM_RAM_KB + 1024
                                                           : DOMU_PAGES * 4 };

    return domctl(&op);
}

/* memory_op says how many extents it did: fewer is the error. */
static long step_populate(struct life *l)
{
    struct xen_memory_reservation r = {
        .extent_start = PTR(l->mfn), .nr_extents = DOMU_PAGES, .domid = l->id,
    };
    long done;

    for (unsigned int i = 0; i < DOMU_PAGES; i++)
        l->mfn[i] = i;
    done = hypercall2(HC(memory_op), XENMEM_populate_physmap, PTR(&r));
    if (done == DOMU_PAGES)
        return 0;
    CHECK(done >= 0 && done < DOMU_PAGES, "populate_physmap: %ld", done);
    return -XEN_ENOMEM;
}

/* L4[0] -> L3[0] -> L2[2] -> L1 mapping code, stack, data; the program
 * prints a line and powers off (both vCPUs run it). */
static long step_write(struct life *l)
{
    uint64_t *l4, *l3, *l2, *l1;
    uint8_t *p;
    char *msg;
    uint32_t len;
    long rc;

    for (unsigned int i = 0; i < DOMU_PAGES; i++)
        if ((rc = window_map(l, i, l->mfn[i])) != 0)
            return rc;
    l4 = (uint64_t *)win[PFN_L4];
    l3 = (uint64_t *)win[PFN_L3];
    l2 = (uint64_t *)win[PFN_L2];
    l1 = (uint64_t *)win[PFN_L1];
    l4[L4_SLOT(DOMU_VBASE)] = (l->mfn[PFN_L3] << PAGE_SHIFT) | PTE_TABLE;
    l3[(DOMU_VBASE >> 30) & 511] = (l->mfn[PFN_L2] << PAGE_SHIFT) | PTE_TABLE;
    l2[(DOMU_VBASE >> 21) & 511] = (l->mfn[PFN_L1] << PAGE_SHIFT) | PTE_TABLE;
    for (unsigned int pfn = PFN_CODE; pfn < DOMU_PAGES; pfn++)
        l1[(DOMU_VA(pfn) >> PAGE_SHIFT) & 511] = (l->mfn[pfn] << PAGE_SHIFT) | PTE_TABLE;

    msg = (char *)win[PFN_DATA];
    snprintf(msg, 64, "d%u built under fault injection\n", l->id);
    len = strlen(msg);
    *(uint32_t *)(win[PFN_DATA] + 256) = SHUTDOWN_poweroff;
    p = win[PFN_CODE];
    *p++ = 0xbe;                                /* mov $len, %esi */
    memcpy(p, &len, 4);
    p += 4;
    *p++ = 0xb8;                                /* mov $console_io, %eax */
    *(uint32_t *)p = HC(console_io);
    p += 4;
    *p++ = 0xbf;                                /* mov $CONSOLEIO_write, %edi */
    *(uint32_t *)p = CONSOLEIO_write;
    p += 4;
    *p++ = 0x48;                                /* movabs $msg, %rdx */
    *p++ = 0xba;
    *(uint64_t *)p = DOMU_VA(PFN_DATA);
    p += 8;
    *p++ = 0x0f;                                /* syscall */
    *p++ = 0x05;
    *p++ = 0xb8;                                /* mov $sched_op, %eax */
    *(uint32_t *)p = HC(sched_op);
    p += 4;
    *p++ = 0xbf;                                /* mov $SCHEDOP_shutdown, %edi */
    *(uint32_t *)p = SCHEDOP_shutdown;
    p += 4;
    *p++ = 0x48;                                /* movabs $reason, %rsi */
    *p++ = 0xbe;
    *(uint64_t *)p = DOMU_VA(PFN_DATA) + 256;
    p += 8;
    *p++ = 0x0f;                                /* syscall */
    *p++ = 0x05;
    *p++ = 0xeb;                                /* jmp . */
    *p++ = 0xfe;
    for (unsigned int i = 0; i < DOMU_PAGES; i++)
        window_unmap(l, i);
    return 0;
}

static long step_pin(struct life *l)
{
    return mmuext_foreign(MMUEXT_PIN_L4_TABLE, l->mfn[PFN_L4], l->id);
}

static long step_hypercall_init(struct life *l)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_hypercall_init, .domain = l->id,
                             .u.hypercall_init.gmfn = l->mfn[PFN_STACK] };

    return domctl(&op);
}

/* A grant op's error is its status: negative GNTST_ values. */
static long step_grant_frames(struct life *l)
{
    uint64_t frames[2];
    struct gnttab_setup_table s = { .dom = l->id, .nr_frames = 2,
                                    .frame_list = PTR(frames) };
    long rc = gnttab_op(GNTTABOP_setup_table, &s, 1);

    return rc ? rc : s.status;
}

/* The console entry (ref 0) written through a window on the grant frame,
 * then mapped and unmapped by dom0 as a backend would. */
static long step_grant_map(struct life *l)
{
    uint64_t frame;
    struct gnttab_setup_table s = { .dom = l->id, .nr_frames = 1,
                                    .frame_list = PTR(&frame) };
    struct gnttab_map_grant_ref map = {
        .host_addr = PTR(grant_page), .flags = GNTMAP_host_map | GNTMAP_readonly,
        .ref = GNTTAB_RESERVED_CONSOLE, .dom = l->id,
    };
    struct gnttab_unmap_grant_ref unmap;
    grant_entry_v1_t *e = (grant_entry_v1_t *)win[PFN_L4];
    long rc = gnttab_op(GNTTABOP_setup_table, &s, 1);

    if (rc || s.status)
        return rc ? rc : s.status;
    if ((rc = window_map(l, PFN_L4, frame)) != 0)
        return rc;
    e[GNTTAB_RESERVED_CONSOLE].domid = 0;
    e[GNTTAB_RESERVED_CONSOLE].frame = l->mfn[PFN_DATA];
    __atomic_store_n(&e[GNTTAB_RESERVED_CONSOLE].flags, GTF_permit_access | GTF_readonly,
                     __ATOMIC_RELEASE);
    window_unmap(l, PFN_L4);
    rc = gnttab_op(GNTTABOP_map_grant_ref, &map, 1);
    if (rc || map.status)
        return rc ? rc : map.status;
    unmap = (struct gnttab_unmap_grant_ref){ .host_addr = PTR(grant_page),
                                             .handle = map.handle };
    CHECK_EQ(gnttab_op(GNTTABOP_unmap_grant_ref, &unmap, 1), 0, "unmap_grant_ref");
    CHECK_EQ(unmap.status, GNTST_okay, "unmap the console grant");
    return 0;
}

static long step_ports(struct life *l)
{
    for (unsigned int i = 0; i < DOMU_PORTS; i++) {
        struct evtchn_alloc_unbound a = { .dom = l->id, .remote_dom = 0 };
        long rc = evtchn_op(EVTCHNOP_alloc_unbound, &a);

        if (rc)
            return rc;
    }
    return 0;
}

static long step_context(struct life *l)
{
    static struct vcpu_guest_context c;
    struct xen_domctl op = {
        .cmd = XEN_DOMCTL_setvcpucontext, .domain = l->id,
        .u.vcpucontext = { .ctxt = PTR(&c) },
    };
    long rc = 0;

    memset(&c, 0, sizeof(c));
    c.flags = VGCF_in_kernel | VGCF_online;
    c.user_regs.rip = DOMU_VA(PFN_CODE);
    c.user_regs.rsp = DOMU_VA(PFN_STACK) + PAGE_SIZE;
    c.user_regs.cs = FLAT_KERNEL_CS;
    c.user_regs.ss = FLAT_KERNEL_SS;
    c.user_regs.rflags = 0x200;
    c.kernel_ss = FLAT_KERNEL_SS;
    c.kernel_sp = DOMU_VA(PFN_STACK) + PAGE_SIZE;
    c.ctrlreg[3] = xen_pfn_to_cr3(l->mfn[PFN_L4]);
    for (op.u.vcpucontext.vcpu = 0; op.u.vcpucontext.vcpu < 2 && !rc;
         op.u.vcpucontext.vcpu++)
        rc = domctl(&op);
    return rc;
}

static bool shut_down(domid_t id)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getdomaininfo, .domain = id };

    return domctl(&op) == 0 && op.domain == id &&
           (op.u.getdomaininfo.flags & XEN_DOMINF_shutdown);
}

/* Unpaused, the PV domU prints and powers off. */
static long step_run_pv(struct life *l)
{
    uint64_t deadline = now_ns() + RUN_NS;
    long rc = simple_domctl(XEN_DOMCTL_unpausedomain, l->id);

    while (!rc && !shut_down(l->id) && now_ns() < deadline)
        sched_yield();
    CHECK(rc || shut_down(l->id), "d%u did not power off", l->id);
    return rc;
}

/*
 * A multiboot v1 image with the address fields (flag 16): loaded at
 * 1 MiB, entered at its code, which spins.
 */
static const uint32_t hvm_image[] = {
    0x1badb002, 0x00010000, -(0x1badb002u + 0x00010000u),
    0x100000, 0x100000, 0, 0, 0x100020,
    0x0000feeb,                             /* jmp . */
};

/*
 * A Linux bzImage as small as hv takes: one setup sector, a 2.15 header
 * (loaded high, not relocatable: at 1 MiB), and 16 bytes of "kernel"
 * that spin.  Built by make_bzimage().
 */
static uint8_t bz_image[2 * 512 + 16];
static bool use_bzimage;

static void put_le(unsigned int at, uint32_t v, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        bz_image[at + i] = (uint8_t)(v >> (8 * i));
}

static void make_bzimage(void)
{
    put_le(0x1f1, 1, 1);                    /* setup_sects */
    put_le(0x1f4, 1, 4);                    /* syssize: 16 bytes */
    put_le(0x1fe, 0xaa55, 2);
    put_le(0x201, 0x264 - 0x202, 1);        /* the header's length */
    memcpy(bz_image + 0x202, "HdrS", 4);
    put_le(0x206, 0x020f, 2);               /* protocol 2.15 */
    put_le(0x211, 1, 1);                    /* LOADED_HIGH */
    put_le(0x238, 255, 4);                  /* cmdline_size */
    put_le(0x260, 0x1000, 4);               /* init_size */
    put_le(2 * 512, 0xfeeb, 2);             /* jmp . */
}

static long step_hvm_build(struct life *l)
{
    static char msg[128];
    struct xen_domctl op = {
        .cmd = HERON_DOMCTL_hvm_build, .domain = l->id,
        .u.hvm_build = { .ram_kb = HVM_RAM_KB, .image = PTR(hvm_image),
                         .image_len = sizeof(hvm_image), .msg = PTR(msg),
                         .msg_len = sizeof(msg) },
    };

    if (use_bzimage) {
        op.u.hvm_build.image = PTR(bz_image);
        op.u.hvm_build.image_len = sizeof(bz_image);
    }
    long rc;

    msg[0] = '\0';
    rc = domctl(&op);
    if (rc && rc != -XEN_ENOMEM)
        printk("hvm_build: %ld: %s\n", rc, msg);
    return rc;
}

/* dm_op's XEN_DMOP_create_ioreq_server for dom0 as device model. */
static long step_ioreq_server(struct life *l)
{
    struct xen_dm_op op = { .op = XEN_DMOP_create_ioreq_server };
    struct xen_dm_op_buf buf = { PTR(&op), sizeof(op) };

    return hypercall3(HC(dm_op), l->id, 1, PTR(&buf));
}

/* Unpaused, the HVM domain runs until it has used some CPU time. */
static long step_run_hvm(struct life *l)
{
    uint64_t deadline = now_ns() + RUN_NS;
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getvcpuinfo, .domain = l->id };
    long rc = simple_domctl(XEN_DOMCTL_unpausedomain, l->id);

    while (!rc && (rc = domctl(&op)) == 0 && op.u.getvcpuinfo.cpu_time == 0 &&
           now_ns() < deadline)
        sched_yield();
    CHECK(rc || op.u.getvcpuinfo.cpu_time > 0, "d%u never ran", l->id);
    return rc;
}

struct step {
    const char *name;
    long (*fn)(struct life *l);
};

static const struct step pv_steps[] = {
    { "createdomain", step_create },
    { "max_vcpus", step_max_vcpus },
    { "max_mem", step_max_mem },
    { "populate_physmap", step_populate },
    { "foreign mappings", step_write },
    { "pin L4", step_pin },
    { "hypercall_init", step_hypercall_init },
    { "grant frames", step_grant_frames },
    { "grant map", step_grant_map },
    { "ports", step_ports },
    { "setvcpucontext", step_context },
    { "run", step_run_pv },
};

static const struct step hvm_steps[] = {
    { "createdomain", step_create },
    { "max_vcpus", step_max_vcpus },
    { "max_mem", step_max_mem },
    { "hvm_build", step_hvm_build },
    { "ioreq server", step_ioreq_server },
    { "run", step_run_hvm },
};

static bool listed(domid_t id)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getdomaininfo, .domain = id };

    return domctl(&op) == 0 && op.domain == id;
}

/* Runs the life's steps until one fails, then tears down what exists. */
static void live(struct life *l)
{
    const struct step *steps = l->hvm ? hvm_steps : pv_steps;
    unsigned int n = l->hvm ? ARRAY_SIZE(hvm_steps) : ARRAY_SIZE(pv_steps);

    for (unsigned int i = 0; i < n && !l->step; i++) {
        long rc = steps[i].fn(l);

        if (rc) {
            l->step = steps[i].name;
            l->rc = rc;
        }
    }
    for (unsigned int i = 0; i < DOMU_PAGES; i++)
        window_unmap(l, i);
    if (l->id) {
        CHECK_EQ(simple_domctl(XEN_DOMCTL_destroydomain, l->id), 0, "destroydomain");
        CHECK(!listed(l->id), "d%u still listed after destroydomain", l->id);
    }
}

/* --- the walks --- */

static struct heron_sysctl_fail_alloc baseline;
static unsigned int cycles, injected, absorbed;

/* What the heap holds must be what it held before the life. */
static bool back_to_baseline(const char *what, uint64_t n)
{
    struct heron_sysctl_fail_alloc now;

    CHECK_EQ(fail_alloc(HERON_FAIL_ALLOC_query, 0, 0, 0, &now), 0, "query");
    if (now.free_frames == baseline.free_frames &&
        now.xmalloc_bytes == baseline.xmalloc_bytes &&
        now.xenheap_frames == baseline.xenheap_frames)
        return true;
    test_fail("%s %lu: free frames %lu (baseline %lu), xmalloc bytes %lu (%lu), "
              "xenheap frames %lu (%lu)", what, (unsigned long)n,
              (unsigned long)now.free_frames, (unsigned long)baseline.free_frames,
              (unsigned long)now.xmalloc_bytes, (unsigned long)baseline.xmalloc_bytes,
              (unsigned long)now.xenheap_frames, (unsigned long)baseline.xenheap_frames);
    baseline = now;                 /* report each leak once */
    return false;
}

/* One life with the injector set; returns the allocations it made. */
static uint64_t cycle(bool hvm, uint32_t how, uint64_t nth, uint64_t seed,
                      uint32_t per_mille, struct life *l)
{
    struct heron_sysctl_fail_alloc st;

    memset(l, 0, sizeof(*l));
    l->hvm = hvm;
    CHECK_EQ(fail_alloc(how, nth, seed, per_mille, NULL), 0, "set the injector");
    live(l);
    CHECK_EQ(fail_alloc(HERON_FAIL_ALLOC_query, 0, 0, 0, &st), 0, "query");
    CHECK_EQ(fail_alloc(HERON_FAIL_ALLOC_off, 0, 0, 0, NULL), 0, "injector off");
    cycles++;
    injected += st.failed;
    if (st.failed && !l->step)
        absorbed++;
    /* A step that fails with nothing injected is a bug of its own. */
    CHECK(!l->step || st.failed, "%s: %s failed (%ld) with no allocation failed",
          hvm ? "HVM" : "PV", l->step ? l->step : "", l->rc);
    return st.allocs;
}

/* Is rc a clean "out of memory" for this step? */
static bool clean_error(const struct life *l)
{
    if (!strcmp(l->step, "grant frames") || !strcmp(l->step, "grant map"))
        return l->rc == GNTST_no_device_space || l->rc == GNTST_general_error ||
               l->rc == -XEN_ENOMEM;
    return l->rc == -XEN_ENOMEM;
}

static void walk(bool hvm)
{
    const char *what = !hvm ? "PV" : use_bzimage ? "HVM-bz" : "HVM";
    static struct life l;
    uint64_t n, allocs = 0;
    unsigned int failed_steps = 0;

    /* A first life without failures: what dom0 keeps (its maptrack) is
     * then allocated before the baseline. */
    allocs = cycle(hvm, HERON_FAIL_ALLOC_nth, ~0ULL, 0, 0, &l);
    CHECK(!l.step, "%s life without failures: %s: %ld", what, l.step ? l.step : "", l.rc);
    CHECK_EQ(fail_alloc(HERON_FAIL_ALLOC_query, 0, 0, 0, &baseline), 0, "baseline");
    printk("%s life: %lu allocations; baseline: %lu free frames, %lu xmalloc bytes, "
           "%lu xenheap frames\n", what, (unsigned long)allocs,
           (unsigned long)baseline.free_frames, (unsigned long)baseline.xmalloc_bytes,
           (unsigned long)baseline.xenheap_frames);

    for (n = 1; n <= WALK_MAX; n++) {
        allocs = cycle(hvm, HERON_FAIL_ALLOC_nth, n, 0, 0, &l);
        if (l.step) {
            failed_steps++;
            printk("%s n=%lu: %s: %ld\n", what, (unsigned long)n, l.step, l.rc);
            CHECK(clean_error(&l), "%s n=%lu: %s failed with %ld, not out of memory",
                  what, (unsigned long)n, l.step, l.rc);
        }
        back_to_baseline(what, n);
        if (allocs < n)
            break;
    }
    CHECK(n <= WALK_MAX, "%s: still allocating after %u failures", what, WALK_MAX);
    CHECK(!l.step, "%s: the last life failed at %s", what, l.step ? l.step : "");
    printk("%s walk: %lu lives, %u ended by a failed step, %lu allocations in a full "
           "life\n", what, (unsigned long)n, failed_steps, (unsigned long)allocs);
}

static void walk_pv(void)
{
    walk(false);
}

static void walk_hvm(void)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo };

    CHECK_EQ(sysctl(&op), 0, "physinfo");
    CHECK(op.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_hvm, "hv offers no HVM");
    if (op.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_hvm)
        walk(true);
}

static void walk_hvm_bzimage(void)
{
    use_bzimage = true;
    walk_hvm();
    use_bzimage = false;
}

static void random_lives(void)
{
    unsigned int seeds = cmdline_long("seeds", 20);
    uint32_t per_mille = cmdline_long("per_mille", 30);
    unsigned int ended = 0;
    static struct life l;
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo };
    bool hvm_ok = sysctl(&op) == 0 && (op.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_hvm);

    CHECK_EQ(fail_alloc(HERON_FAIL_ALLOC_query, 0, 0, 0, &baseline), 0, "baseline");
    for (unsigned int s = 1; s <= seeds; s++) {
        bool hvm = hvm_ok && (s & 1);

        use_bzimage = s & 2;
        cycle(hvm, HERON_FAIL_ALLOC_random, 0, s, per_mille, &l);
        if (l.step) {
            ended++;
            CHECK(clean_error(&l), "seed %u: %s failed with %ld, not out of memory",
                  s, l.step, l.rc);
        }
        back_to_baseline("seed", s);
    }
    use_bzimage = false;
    printk("random: %u lives (seeds 1-%u, %u per mille), %u ended by a failed step\n",
           seeds, seeds, per_mille, ended);
}

static void refusals(void)
{
    struct heron_sysctl_fail_alloc st;

    CHECK_EQ(fail_alloc(7, 0, 0, 0, NULL), -XEN_EINVAL, "unknown op");
    CHECK_EQ(fail_alloc(HERON_FAIL_ALLOC_nth, 0, 0, 0, NULL), -XEN_EINVAL, "nth 0");
    CHECK_EQ(fail_alloc(HERON_FAIL_ALLOC_random, 0, 1, 0, NULL), -XEN_EINVAL,
             "per_mille 0");
    CHECK_EQ(fail_alloc(HERON_FAIL_ALLOC_random, 0, 1, 1001, NULL), -XEN_EINVAL,
             "per_mille 1001");
    CHECK_EQ(fail_alloc(HERON_FAIL_ALLOC_query, 1, 0, 0, NULL), -XEN_EINVAL,
             "query with an argument");
    CHECK_EQ(fail_alloc(HERON_FAIL_ALLOC_nth, 1, 0, 0, NULL), 0, "nth 1");
    CHECK_EQ(fail_alloc(HERON_FAIL_ALLOC_query, 0, 0, 0, &st), 0, "query");
    CHECK_EQ(st.allocs, 0, "a query allocates nothing");
    CHECK_EQ(fail_alloc(HERON_FAIL_ALLOC_off, 0, 0, 0, &st), 0, "off");
    CHECK_EQ(st.allocs, 0, "off clears the count");
}

static void not_offered(void)
{
    CHECK_EQ(fail_alloc(HERON_FAIL_ALLOC_query, 0, 0, 0, NULL), -XEN_EOPNOTSUPP,
             "the injector without fail_alloc on hv's command line");
}

void test_main(void)
{
    if (cmdline_long("offered", 1) == 0) {
        subtest("HERON_SYSCTL_fail_alloc is refused without fail_alloc", not_offered);
        return;
    }
    for (unsigned int i = 0; i < DOMU_PAGES; i++)
        win[i] = alloc_page();
    grant_page = alloc_page();
    make_bzimage();
    CHECK_EQ(update_va_mapping(grant_page, 0, UVMF_INVLPG), 0, "free a page for grants");
    subtest("bad arguments refused", refusals);
    if (cmdline_long("pv", 1))
        subtest("PV life: every allocation failed in turn", walk_pv);
    if (cmdline_long("hvm", 1))
        subtest("HVM life: every allocation failed in turn", walk_hvm);
    if (cmdline_long("hvm", 1))
        subtest("HVM bzImage life: every allocation failed in turn", walk_hvm_bzimage);
    subtest("PV and HVM lives with random failures", random_lives);
    printk("failalloc: %u lives, %u allocations failed, %u absorbed by hv\n", cycles,
           injected, absorbed);
}
