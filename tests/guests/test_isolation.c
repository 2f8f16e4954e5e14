/*
 * Isolation between three domains: an owner grants pages and leaves ports
 * for a user; an intruder attacks both.  Every attack must be refused, and
 * the owner's and user's grants, mappings and ports must come through it
 * unchanged.  Boot three domains with the same three ids:
 *     role=owner|user|intruder owner=<domid> user=<domid> intruder=<domid>
 *
 * Owner: page P (pattern in its first half, the user's control block in
 * its second) granted read-write to the user at ref 8, page R read-only at
 * ref 9, ref 10 granted and revoked (stale); an unbound port for the user
 * and one for the intruder.
 *   user: maps P and R, and is refused a writable map of R, a writable
 *     alias of R's frame (mmu_update, update_va_mapping), a grant copy into
 *     R, the stale ref, and a second unmap of one mapping; binds its port,
 *     notifies the owner.
 *   owner: is refused revoking P while mapped and unmapping the user's
 *     mapping; wakes the intruder.
 *   intruder: binds the one port left for it and no other (the owner
 *     checks which); is refused the owner's grants (made for the user),
 *     unmapping by handle what the user mapped, ports of the user,
 *     allocating or querying ports in the owner's table, memory_op and
 *     domctl on the owner; floods its port (EVTCHN_FLOOD sends) and
 *     closes it, which tells the owner it is done.
 *   owner: its ports are as they were; wakes the user, whose mapping still
 *     reads the pattern; the user unmaps once (twice is refused); the
 *     owner can then revoke P.
 * Every wait has a deadline.  hv only (needs boot-time peers).
 */
#include "lib/guest.h"
#include "lib/evtchn.h"
#include "lib/grant.h"
#include "lib/mm.h"
#include "lib/time.h"
#include <public/domctl.h>
#include <public/memory.h>

const char test_title[] = "isolation";

#define REF_RW      8
#define REF_RO      9
#define REF_STALE   10
#define DATA_BYTES  2048
#define EVTCHN_FLOOD 10000
#define DEADLINE_NS (60 * 1000 * NS_PER_MS)

struct control {
    volatile uint32_t phase;        /* owner's progress */
    volatile uint32_t user_sum;     /* what the user read */
};

static domid_t owner, user, intruder;
static uint64_t give_up_at;

static uint8_t pattern(unsigned int i)
{
    return (uint8_t)(i * 29 + 3);
}

static bool pattern_intact(const volatile uint8_t *p)
{
    for (unsigned int i = 0; i < DATA_BYTES; i++)
        if (p[i] != pattern(i))
            return false;
    return true;
}

/* Waits (events masked) until `port` is pending, then consumes it. */
static bool wait_port(evtchn_port_t port)
{
    while (!evtchn_pending(port)) {
        if (now_ns() > give_up_at)
            return false;
        sched_poll(&port, 1, give_up_at);
    }
    evtchn_clear_pending(port);
    return true;
}

/* Binds the one port `peer` left unbound for us, trying each in turn. */
static evtchn_port_t bind_peer_port(domid_t peer)
{
    evtchn_port_t local = 0;
    unsigned int bound = 0;

    while (!bound && now_ns() < give_up_at) {
        for (evtchn_port_t p = 1; p < 64; p++) {
            evtchn_port_t l;

            if (evtchn_bind_interdomain(peer, p, &l) == 0) {
                local = l;
                bound++;
            }
        }
        if (!bound)
            sched_yield();
    }
    CHECK_EQ(bound, 1, "ports of the peer we could bind");
    if (local)
        evtchn_clear_pending(local);    /* binding leaves our end pending */
    return local;
}

static int16_t map_ref(domid_t dom, grant_ref_t ref, void *va, uint32_t flags,
                       grant_handle_t *handle)
{
    struct gnttab_map_grant_ref map = {
        .host_addr = PTR(va), .flags = GNTMAP_host_map | flags, .ref = ref, .dom = dom,
    };

    CHECK_EQ(gnttab_op(GNTTABOP_map_grant_ref, &map, 1), 0, "map_grant_ref");
    if (handle)
        *handle = map.handle;
    return map.status;
}

static int16_t unmap_handle(void *va, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref unmap = { .host_addr = PTR(va), .handle = handle };

    CHECK_EQ(gnttab_op(GNTTABOP_unmap_grant_ref, &unmap, 1), 0, "unmap_grant_ref");
    return unmap.status;
}

/* A VA with an L1 entry and nothing mapped there. */
static uint8_t *empty_slot(void)
{
    uint8_t *va = alloc_page();

    update_va_mapping(va, 0, UVMF_INVLPG);
    return va;
}

static void owner_role(void)
{
    uint8_t *p = alloc_page(), *r = alloc_page(), *stale = alloc_page();
    struct control *ctl = (struct control *)(p + DATA_BYTES);
    evtchn_port_t to_user, to_intruder;
    struct evtchn_status st;

    for (unsigned int i = 0; i < DATA_BYTES; i++)
        p[i] = r[i] = pattern(i);
    gnttab_init(1);
    gnttab_grant(REF_RW, user, virt_to_mfn(p), false);
    gnttab_grant(REF_RO, user, virt_to_mfn(r), true);
    gnttab_grant(REF_STALE, user, virt_to_mfn(stale), false);
    CHECK_EQ(gnttab_revoke(REF_STALE), 0, "revoke the stale ref");
    CHECK_EQ(evtchn_alloc_unbound(user, &to_user), 0, "port for the user");
    CHECK_EQ(evtchn_alloc_unbound(intruder, &to_intruder), 0, "port for the intruder");
    ctl->phase = 1;
    printk("owner: refs %u (rw) %u (ro) %u (revoked) for d%u, ports %u (d%u) %u (d%u)\n",
           REF_RW, REF_RO, REF_STALE, user, to_user, user, to_intruder, intruder);

    subtest_begin("grants: revoke while mapped, unmap of the user's mapping");
    bool heard = wait_port(to_user);
    CHECK(heard, "no word from the user");
    CHECK(gnttab[REF_RW].flags & (GTF_reading | GTF_writing), "P in use");
    CHECK_EQ(gnttab_revoke(REF_RW), -XEN_EBUSY, "revoke of P while mapped");
    for (grant_handle_t h = 0; h < 4; h++)
        CHECK(unmap_handle(p, h) != GNTST_okay, "unmapped the user's handle %u", h);
    CHECK(gnttab[REF_RW].flags & (GTF_reading | GTF_writing), "P still in use");
    subtest_end();
    if (!heard)
        return;

    subtest_begin("the intruder bound its own port only, and its flood left ours alone");
    while (evtchn_status(to_intruder, &st) == 0 && st.status == EVTCHNSTAT_unbound &&
           now_ns() < give_up_at)
        sched_yield();
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain, "intruder's port bound");
    CHECK_EQ(st.u.interdomain.dom, intruder, "by the intruder");
    CHECK_EQ(evtchn_send(to_intruder), 0, "wake the intruder");
    /* It floods the port, so its last word is closing its end. */
    while (evtchn_status(to_intruder, &st) == 0 && st.status == EVTCHNSTAT_interdomain &&
           now_ns() < give_up_at)
        sched_yield();
    CHECK_EQ(st.status, EVTCHNSTAT_unbound, "the intruder closed its end");
    CHECK_EQ(evtchn_status(to_user, &st), 0, "status of the user's port");
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain, "user's port bound");
    CHECK_EQ(st.u.interdomain.dom, user, "by the user still");
    CHECK(pattern_intact(p) && pattern_intact(r), "our pages unchanged");
    CHECK(gnttab[REF_RW].flags & (GTF_reading | GTF_writing), "P still mapped by the user");
    subtest_end();

    subtest_begin("the user's mapping survived; revoke once it is unmapped");
    ctl->phase = 2;
    CHECK_EQ(evtchn_send(to_user), 0, "wake the user");
    CHECK(wait_port(to_user), "no word from the user");
    CHECK_EQ(ctl->user_sum, DATA_BYTES, "pattern bytes the user read after the attacks");
    CHECK_EQ(gnttab_revoke(REF_RW), 0, "revoke of P");
    CHECK_EQ(gnttab_revoke(REF_RO), 0, "revoke of R");
    subtest_end();
}

static void user_role(void)
{
    uint8_t *pv = empty_slot(), *rv = empty_slot(), *extra = empty_slot(), *alias = alloc_page();
    struct control *ctl = (struct control *)(pv + DATA_BYTES);
    grant_handle_t hp = 0, hr = 0, h2;
    evtchn_port_t port;
    int16_t st;

    gnttab_init(1);
    subtest_begin("map the owner's grants");
    do {
        st = map_ref(owner, REF_RW, pv, 0, &hp);
        if (st != GNTST_okay)
            sched_yield();
    } while (st != GNTST_okay && now_ns() < give_up_at);
    CHECK_EQ(st, GNTST_okay, "map P read-write");
    CHECK_EQ(map_ref(owner, REF_RO, rv, GNTMAP_readonly, &hr), GNTST_okay, "map R read-only");
    subtest_end();
    if (st != GNTST_okay)
        return;

    subtest_begin("refused: writable R, aliases of R, copy into R, the stale ref");
    CHECK(map_ref(owner, REF_RO, extra, 0, NULL) != GNTST_okay, "R mapped writable");
    uint64_t r_mfn = PTE_MFN(pte_read(rv, 1));
    CHECK(mmu_update1(pte_maddr(alias, 1), (r_mfn << PAGE_SHIFT) | PTE_DATA) < 0,
          "writable alias of R's frame by mmu_update");
    CHECK(update_va_mapping(rv, (r_mfn << PAGE_SHIFT) | PTE_DATA, UVMF_INVLPG) < 0,
          "R's mapping made writable");
    struct gnttab_copy copy = {
        .source = { .u.gmfn = virt_to_mfn(alias), .domid = DOMID_SELF },
        .dest = { .u.ref = REF_RO, .domid = owner }, .len = 64, .flags = GNTCOPY_dest_gref,
    };
    CHECK_EQ(gnttab_op(GNTTABOP_copy, &copy, 1), 0, "copy");
    CHECK(copy.status != GNTST_okay, "copy into the read-only grant");
    CHECK(map_ref(owner, REF_STALE, extra, 0, NULL) != GNTST_okay, "the revoked ref mapped");
    CHECK(pattern_intact(rv), "R reads the pattern");
    subtest_end();

    subtest_begin("double unmap");
    CHECK_EQ(map_ref(owner, REF_RO, extra, GNTMAP_readonly, &h2), GNTST_okay, "map R again");
    CHECK_EQ(unmap_handle(extra, h2), GNTST_okay, "unmap");
    CHECK(unmap_handle(extra, h2) != GNTST_okay, "second unmap");
    subtest_end();

    port = bind_peer_port(owner);
    if (!port)
        return;
    CHECK_EQ(evtchn_send(port), 0, "tell the owner we mapped");

    subtest_begin("after the intruder: the mapping is ours still");
    CHECK(wait_port(port), "no word from the owner");
    CHECK_EQ(ctl->phase, 2, "owner's phase");
    unsigned int same = 0;
    for (unsigned int i = 0; i < DATA_BYTES; i++)
        same += pv[i] == pattern(i);
    ctl->user_sum = same;
    CHECK_EQ(unmap_handle(pv, hp), GNTST_okay, "unmap P");
    CHECK(unmap_handle(pv, hp) != GNTST_okay, "second unmap of P");
    CHECK_EQ(unmap_handle(rv, hr), GNTST_okay, "unmap R");
    CHECK_EQ(evtchn_send(port), 0, "tell the owner");
    subtest_end();
}

static void intruder_role(void)
{
    uint8_t *va = empty_slot(), *buf = alloc_page();
    evtchn_port_t port;
    domid_t target;

    gnttab_init(1);
    port = bind_peer_port(owner);
    if (!port)
        return;

    subtest_begin("refused: grants made for another domain, its handles");
    CHECK(wait_port(port), "no word from the owner");
    for (grant_ref_t ref = 0; ref < 16; ref++) {
        CHECK(map_ref(owner, ref, va, GNTMAP_readonly, NULL) != GNTST_okay,
              "mapped the owner's ref %u", ref);
        CHECK(map_ref(user, ref, va, GNTMAP_readonly, NULL) != GNTST_okay,
              "mapped the user's ref %u", ref);
    }
    for (grant_handle_t h = 0; h < 16; h++)
        CHECK(unmap_handle(va, h) != GNTST_okay, "unmapped handle %u", h);
    struct gnttab_copy copy = {
        .source = { .u.ref = REF_RO, .domid = owner },
        .dest = { .u.gmfn = virt_to_mfn(buf), .domid = DOMID_SELF },
        .len = 64, .flags = GNTCOPY_source_gref,
    };
    CHECK_EQ(gnttab_op(GNTTABOP_copy, &copy, 1), 0, "copy");
    CHECK(copy.status != GNTST_okay, "copied from a grant made for another domain");
    subtest_end();

    subtest_begin("refused: other domains' ports and event tables");
    for (evtchn_port_t p = 0; p < 64; p++) {
        evtchn_port_t l;

        CHECK(evtchn_bind_interdomain(user, p, &l) != 0, "bound the user's port %u", p);
    }
    target = owner;
    struct evtchn_alloc_unbound alloc = { .dom = target, .remote_dom = user };
    CHECK_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &alloc), -XEN_EPERM,
             "allocating in the owner's table");
    struct evtchn_status st = { .dom = target, .port = 1 };
    CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), -XEN_EPERM, "status of the owner's port");
    struct evtchn_close close = { .port = port + 1 };
    CHECK(evtchn_op(EVTCHNOP_close, &close) != 0, "closing a port we do not have");
    for (unsigned int i = 0; i < EVTCHN_FLOOD; i++)
        if (evtchn_send(port) != 0) {
            test_fail("send %u of the flood failed", i);
            break;
        }
    subtest_end();

    subtest_begin("refused: memory_op and domctl on the owner");
    xen_pfn_t extent = 0;
    struct xen_memory_reservation r = {
        .extent_start = PTR(&extent), .nr_extents = 1, .domid = owner,
    };
    /* As in Xen, a refused reservation change reports no extent done. */
    CHECK_EQ(hypercall2(HC(memory_op), XENMEM_increase_reservation, PTR(&r)), 0,
             "increase_reservation of the owner");
    CHECK_EQ(hypercall2(HC(memory_op), XENMEM_decrease_reservation, PTR(&r)), 0,
             "decrease_reservation of the owner");
    struct xen_domctl d = {
        .cmd = XEN_DOMCTL_pausedomain, .interface_version = XEN_DOMCTL_INTERFACE_VERSION,
        .domain = owner,
    };
    CHECK_EQ(hypercall1(HC(domctl), PTR(&d)), -XEN_EPERM, "domctl pausedomain");
    d.cmd = XEN_DOMCTL_destroydomain;
    CHECK_EQ(hypercall1(HC(domctl), PTR(&d)), -XEN_EPERM, "domctl destroydomain");
    subtest_end();
    CHECK_EQ(evtchn_close(port), 0, "close our port: the owner's sign that we are done");
}

void test_main(void)
{
    char role[16];
    long o = cmdline_long("owner", -1), u = cmdline_long("user", -1),
         i = cmdline_long("intruder", -1);

    if (!cmdline_get("role", role, sizeof(role)) || o <= 0 || u <= 0 || i <= 0 ||
        o >= DOMID_FIRST_RESERVED || u >= DOMID_FIRST_RESERVED || i >= DOMID_FIRST_RESERVED)
        panic("usage: role=owner|user|intruder owner=<id> user=<id> intruder=<id>");
    owner = (domid_t)o;
    user = (domid_t)u;
    intruder = (domid_t)i;
    give_up_at = now_ns() + DEADLINE_NS;
    events_disable();
    if (!strcmp(role, "owner"))
        owner_role();
    else if (!strcmp(role, "user"))
        user_role();
    else if (!strcmp(role, "intruder"))
        intruder_role();
    else
        panic("unknown role '%s'", role);
}
