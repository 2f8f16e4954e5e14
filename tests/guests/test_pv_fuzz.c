/*
 * Hostile guest: thousands of hypercalls with random numbers and random
 * arguments (small values, flags, pointers to random bytes, pointers into
 * hv's hole, non-canonical and unmapped addresses, huge counts).  Whatever
 * happens to this domain, hv must stay up and the other domains unharmed;
 * the scenario checks that and the frame accounting afterwards.
 *     seed=<n> [calls=<n, default 4000>]
 *     [canary=<domid> peer=<first> [peers=<n>] [pages=<n>]]
 * One round in four is an aimed attack instead (attack()): nested
 * multicalls, grant and port operations on stale, foreign and revoked
 * references, and other domains' and hv's frames put into our page tables.  With canary= the grants and ports are test_canary's
 * (peer=, peers= and pages= as given to it); the outcomes that must be refusals are checked,
 * so this test fails if one of them succeeds.
 * Calls that would only end the run early are left out: iret, sched_op
 * but yield (shutdown; block and poll could sleep for ever), and those
 * replacing the trap table, callbacks or kernel stack.
 * hv only, as a domU (dom0 may rightly map frames a domU may not).
 */
#include "lib/guest.h"
#include "lib/evtchn.h"
#include "lib/grant.h"
#include "lib/mm.h"
#include <public/domctl.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>

const char test_title[] = "pv_fuzz";

static uint64_t rng;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint8_t *junk;               /* a page of random bytes */

static uint64_t random_arg(void)
{
    static const uint64_t odd[] = {
        0, 1, ~0UL, 0x7fffffff, 0x80000000, 0x7ff0, 0x7ff4, 0xffff,
        0x8000000000000000UL, 0x0000800000000000UL, 0xffff800000001000UL,
        0xffff82d080200000UL, 0xffff830000000000UL, 0x1000, 0xfff,
    };

    switch (rnd() % 6) {
    case 0: return rnd() % 64;
    case 1: return odd[rnd() % (sizeof(odd) / sizeof(odd[0]))];
    case 2: return PTR(junk) + (rnd() % 512) * 8;
    case 3: return PTR(junk) + PAGE_SIZE - 8;           /* runs off our page */
    case 4: return rnd();
    default: return rnd() & 0xffffffff;
    }
}

static bool excluded(uint64_t nr, uint64_t a0)
{
    switch (nr) {
    case HC(set_trap_table): case HC(stack_switch): case HC(set_callbacks):
    case HC(iret): case HC(callback_op): case HC(multicall):
        return true;
    case HC(sched_op):
        return a0 != SCHEDOP_yield;
    case HC(vcpu_op):               /* down of the last vCPU: poweroff */
        return (uint32_t)a0 == VCPUOP_down;
    case HC(console_io):
        return true;                /* would only fill the log */
    default:
        return false;
    }
}

/* ---- aimed attacks ------------------------------------------------------- */

#define CANARY_FIRST_REF 8          /* test_canary's layout */

static domid_t canary, self;        /* canary 0: none given */
static unsigned int canary_pages, canary_peers, our_slot;
static uint64_t max_mfn;
static uint8_t *scratch;            /* a VA whose PTE we may point anywhere */
static long attacks[5], made, granted_maps, bound_ports;

static long hc(unsigned int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    made++;
    return hypercall5(nr, a0, a1, a2, a3, 0);
}

/*
 * Ours: a frame of the p2m, shared_info, or a frame of our grant table
 * (which random setup_table calls may have grown; setup_table for the
 * current size lists them without growing it).
 */
static bool own_mfn(uint64_t mfn)
{
    const uint64_t *p2m = (const uint64_t *)start_info->mfn_list;
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    uint64_t frames[64];
    struct gnttab_setup_table setup = { .dom = DOMID_SELF, .frame_list = PTR(frames) };

    if (mfn == start_info->shared_info >> PAGE_SHIFT)
        return true;
    for (unsigned long pfn = 0; pfn < start_info->nr_pages; pfn++)
        if (p2m[pfn] == mfn)
            return true;
    if (gnttab_op(GNTTABOP_query_size, &q, 1) || q.status != GNTST_okay ||
        q.nr_frames > sizeof(frames) / sizeof(frames[0]))
        panic("query_size: status %d, %u frames", q.status, q.nr_frames);
    setup.nr_frames = q.nr_frames;
    if (gnttab_op(GNTTABOP_setup_table, &setup, 1) || setup.status != GNTST_okay)
        panic("setup_table: status %d", setup.status);
    for (unsigned int i = 0; i < q.nr_frames; i++)
        if (frames[i] == mfn)
            return true;
    return false;
}

/* A frame we do not own: hv's, dom0's, the canary's, or nobody's. */
static uint64_t foreign_mfn(void)
{
    uint64_t mfn;

    do
        mfn = rnd() % (max_mfn + 16);
    while (own_mfn(mfn));
    return mfn;
}

static uint64_t random_pte_flags(void)
{
    static const uint64_t extra[] = { 0, _PAGE_RW, _PAGE_USER, _PAGE_PSE, _PAGE_RW | _PAGE_USER };

    return _PAGE_PRESENT | _PAGE_ACCESSED | extra[rnd() % 5];
}

/*
 * Another domain's or hv's frame into our page tables, by mmu_update,
 * update_va_mapping, pinning it, or rewriting its M2P entry: all refused.
 * And memory_op on the canary's reservation.
 */
static void attack_foreign_frames(void)
{
    uint64_t mfn = foreign_mfn(), pte = (mfn << PAGE_SHIFT) | random_pte_flags();
    struct mmu_update u;
    struct mmuext_op op = { .arg1.mfn = mfn };
    static const unsigned int pins[] = {
        MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE, MMUEXT_PIN_L3_TABLE, MMUEXT_PIN_L4_TABLE,
        MMUEXT_NEW_BASEPTR, MMUEXT_NEW_USER_BASEPTR,
    };
    xen_pfn_t extent = mfn;
    struct xen_memory_reservation r = {
        .extent_start = PTR(&extent), .nr_extents = 1, .domid = canary ? canary : 0,
    };

    switch (rnd() % 5) {
    case 0:
        u = (struct mmu_update){ pte_maddr(scratch, 1), pte };
        CHECK(hc(HC(mmu_update), PTR(&u), 1, 0, DOMID_SELF) < 0,
              "mmu_update mapped foreign mfn %#lx", mfn);
        break;
    case 1:
        CHECK(hc(HC(update_va_mapping), PTR(scratch), pte, UVMF_INVLPG, 0) < 0,
              "update_va_mapping mapped foreign mfn %#lx", mfn);
        break;
    case 2:
        op.cmd = pins[rnd() % 6];
        /* NEW_USER_BASEPTR 0 means "no user page tables", as in Xen. */
        CHECK(hc(HC(mmuext_op), PTR(&op), 1, 0, DOMID_SELF) < 0 ||
              (op.cmd == MMUEXT_NEW_USER_BASEPTR && mfn == 0),
              "mmuext %u took foreign mfn %#lx", op.cmd, mfn);
        break;
    case 3:
        u = (struct mmu_update){ (mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, rnd() % 4096 };
        CHECK(hc(HC(mmu_update), PTR(&u), 1, 0, DOMID_SELF) < 0,
              "MMU_MACHPHYS_UPDATE of foreign mfn %#lx", mfn);
        break;
    default: {
        static const unsigned int ops[] = {
            XENMEM_decrease_reservation, XENMEM_increase_reservation, XENMEM_populate_physmap,
        };
        unsigned int cmd = ops[rnd() % 3];

        if (!canary && cmd != XENMEM_decrease_reservation)
            break;          /* dom0 could rightly grow: only aim at the canary */
        CHECK(hc(HC(memory_op), cmd, PTR(&r), 0, 0) <= 0,
              "memory_op %u on d%u's reservation", cmd, r.domid);
        break;
    }
    }
}

/*
 * The canary's grants: live ones are read-only, the others revoked or
 * never made.  A writable map must fail; a read-only map may succeed, and
 * then the frame it shows may not be mapped writable by other means
 * (aliasing), the grant may not be written through by copy, and the
 * mapping unmaps once only.  Random refs and domains besides.
 */
static void attack_grants(void)
{
    grant_ref_t ref = CANARY_FIRST_REF + (grant_ref_t)(rnd() % (2 * canary_pages + 8));
    domid_t dom = canary && rnd() % 4 ? canary : (domid_t)(rnd() % 24);
    unsigned int idx = ref - CANARY_FIRST_REF;
    bool ours = canary && dom == canary && idx < canary_pages &&
                idx % canary_peers == our_slot;
    uint32_t flags = GNTMAP_host_map | (rnd() % 2 ? GNTMAP_readonly : 0);
    struct gnttab_map_grant_ref map = {
        .host_addr = PTR(scratch), .flags = flags, .ref = ref, .dom = dom,
    };
    struct gnttab_unmap_grant_ref unmap;
    struct gnttab_copy copy = {
        .source = { .u.gmfn = virt_to_mfn(junk), .domid = DOMID_SELF,
                    .offset = (uint16_t)(rnd() % PAGE_SIZE) },
        .dest = { .u.ref = ref, .domid = dom, .offset = (uint16_t)(rnd() % PAGE_SIZE) },
        .len = (uint16_t)rnd(), .flags = GNTCOPY_dest_gref,
    };

    CHECK(hc(HC(update_va_mapping), PTR(scratch), 0, UVMF_INVLPG, 0) == 0, "clear scratch");
    if (dom == 0)
        return;             /* dom0 keeps no grants for us: nothing to check */
    CHECK_EQ(hc(HC(grant_table_op), GNTTABOP_copy, PTR(&copy), 1, 0), 0, "copy");
    CHECK(copy.status != GNTST_okay, "copy into d%u's ref %u", dom, ref);
    CHECK_EQ(hc(HC(grant_table_op), GNTTABOP_map_grant_ref, PTR(&map), 1, 0), 0, "map");
    if (map.status != GNTST_okay) {
        CHECK(map.status < 0, "map status %d", map.status);
        return;
    }
    CHECK(ours && (flags & GNTMAP_readonly),
          "mapped d%u's ref %u with flags %#x", dom, ref, flags);
    granted_maps++;

    uint64_t mfn = map.dev_bus_addr >> PAGE_SHIFT;
    uint8_t *alias = scratch + PAGE_SIZE;
    struct mmu_update u = { pte_maddr(alias, 1), (mfn << PAGE_SHIFT) | PTE_DATA };

    CHECK(hc(HC(mmu_update), PTR(&u), 1, 0, DOMID_SELF) < 0,
          "writable alias of granted mfn %#lx", mfn);
    CHECK(hc(HC(update_va_mapping), PTR(scratch), (mfn << PAGE_SHIFT) | PTE_DATA,
             UVMF_INVLPG, 0) < 0, "the read-only grant mapping made writable");
    unmap = (struct gnttab_unmap_grant_ref){ .host_addr = PTR(scratch), .handle = map.handle };
    CHECK_EQ(hc(HC(grant_table_op), GNTTABOP_unmap_grant_ref, PTR(&unmap), 1, 0), 0, "unmap");
    CHECK_EQ(unmap.status, GNTST_okay, "unmap status");
    CHECK_EQ(hc(HC(grant_table_op), GNTTABOP_unmap_grant_ref, PTR(&unmap), 1, 0), 0, "unmap");
    CHECK(unmap.status != GNTST_okay, "second unmap of handle %u succeeded", map.handle);
}

/*
 * Ports: our own closed ones (stale), the canary's (one is reserved for
 * us: binding it is allowed, and then a flood of sends), random ones of
 * random domains, and allocating in another domain's table.
 */
static void attack_ports(void)
{
    evtchn_port_t port, local;
    domid_t dom = canary && rnd() % 2 ? canary : (domid_t)(rnd() % 24);
    struct evtchn_alloc_unbound foreign = { .dom = dom, .remote_dom = DOMID_SELF };

    switch (rnd() % 4) {
    case 0:
        if (evtchn_alloc_unbound(dom, &port))
            break;
        CHECK_EQ(evtchn_close(port), 0, "close our port");
        CHECK(evtchn_send(port) < 0, "send on closed port %u", port);
        CHECK(evtchn_close(port) < 0, "close of closed port %u", port);
        made += 4;
        break;
    case 1:
        if (dom == self)
            break;
        CHECK(evtchn_op(EVTCHNOP_alloc_unbound, &foreign) < 0,
              "allocated a port in d%u's table", dom);
        made++;
        break;
    case 2:
        made++;
        if (evtchn_bind_interdomain(dom, (evtchn_port_t)(rnd() % 64), &local))
            break;
        bound_ports++;
        for (unsigned int i = 0; i < 200; i++, made++)
            CHECK_EQ(evtchn_send(local), 0, "send to a bound port");
        CHECK_EQ(evtchn_close(local), 0, "close the bound port");
        made++;
        break;
    default:
        made++;
        evtchn_send((evtchn_port_t)rnd());
        break;
    }
}

/*
 * A multicall whose entries are random calls, some of them multicalls
 * again (each nested one must fail with -EINVAL, as in Xen), to depth 3.
 */
static multicall_entry_t mc_lists[3][8];

static void fill_multicall(unsigned int depth, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        multicall_entry_t *e = &mc_lists[depth][i];

        for (unsigned int k = 0; k < 6; k++)
            e->args[k] = random_arg();
        e->result = 0x5a5a;
        if (depth + 1 < 3 && rnd() % 3 == 0) {
            unsigned int inner = 1 + (unsigned int)(rnd() % 8);

            e->op = HC(multicall);
            e->args[0] = PTR(mc_lists[depth + 1]);
            e->args[1] = inner;
            fill_multicall(depth + 1, inner);
            continue;
        }
        do {
            e->op = rnd() % 48;
            if (e->op == HC(sched_op))
                e->args[0] = SCHEDOP_yield;
        } while (excluded(e->op, e->args[0]) && e->op != HC(multicall));
        if (e->op == HC(multicall))
            e->op = HC(xen_version);
    }
}

static void attack_nested_multicall(void)
{
    unsigned int n = 1 + (unsigned int)(rnd() % 8);

    fill_multicall(0, n);
    if (hc(HC(multicall), PTR(mc_lists[0]), n, 0, 0) < 0)
        return;
    for (unsigned int i = 0; i < n; i++)
        if (mc_lists[0][i].op == HC(multicall))
            CHECK_EQ(mc_lists[0][i].result, -XEN_EINVAL, "nested multicall's result");
}

/* A domctl from a domU: pausing or destroying the canary is refused. */
static void attack_domctl(void)
{
    struct xen_domctl d = {
        .cmd = rnd() % 2 ? XEN_DOMCTL_pausedomain : XEN_DOMCTL_destroydomain,
        .interface_version = XEN_DOMCTL_INTERFACE_VERSION, .domain = canary,
    };

    if (is_dom0())
        return;
    CHECK_EQ(hc(HC(domctl), PTR(&d), 0, 0, 0), -XEN_EPERM, "domctl from a domU");
}

static void attack(void)
{
    unsigned int kind = (unsigned int)(rnd() % 5);

    attacks[kind]++;
    switch (kind) {
    case 0: attack_foreign_frames(); break;
    case 1: attack_grants(); break;
    case 2: attack_ports(); break;
    case 3: attack_nested_multicall(); break;
    default: attack_domctl(); break;
    }
}

static void attacks_init(void)
{
    canary = (domid_t)cmdline_long("canary", 0);
    canary_pages = (unsigned int)cmdline_long("pages", 16);
    canary_peers = (unsigned int)cmdline_long("peers", 1);
    self = own_domid();
    our_slot = (unsigned int)(self - cmdline_long("peer", self));
    if (canary && (!canary_peers || our_slot >= canary_peers))
        panic("canary= needs peer=<first> and peers=<n> that include us");
    max_mfn = (uint64_t)hypercall2(HC(memory_op), XENMEM_maximum_ram_page, 0);
    scratch = alloc_page();
    alloc_page();               /* scratch + PAGE_SIZE: the alias slot */
    gnttab_init(1);
}

void test_main(void)
{
    long calls = cmdline_long("calls", 4000), done = 0, ok = 0;

    rng = 0x9e3779b97f4a7c15UL ^ (uint64_t)cmdline_long("seed", 1);
    junk = alloc_page();
    for (unsigned int k = 0; k < PAGE_SIZE / 8; k++)
        ((uint64_t *)junk)[k] = rnd() % 4 ? rnd() : rnd() % 4096;
    attacks_init();
    for (long i = 0; i < calls; i++) {
        uint64_t nr = rnd() % 48, a[5];

        if (rnd() % 4 == 0) {
            attack();
            continue;
        }
        for (unsigned int k = 0; k < 5; k++)
            a[k] = random_arg();
        if (nr == HC(sched_op))
            a[0] = SCHEDOP_yield;
        if (excluded(nr, a[0]))
            continue;
        ok += hypercall5(nr, a[0], a[1], a[2], a[3], a[4]) >= 0;
        done++;
    }
    printk("fuzz: %ld hypercalls made, %ld returned >= 0\n", done, ok);
    printk("fuzz: seed %ld: %ld aimed hypercalls: foreign frames x%ld, grants x%ld, "
           "ports x%ld, nested multicalls x%ld, domctl x%ld\n", cmdline_long("seed", 1),
           made, attacks[0], attacks[1], attacks[2], attacks[3], attacks[4]);
    printk("fuzz: read-only maps of the canary's grants: %ld, its ports bound: %ld\n",
           granted_maps, bound_ports);
}
