/*
 * The canary next to hostile domains: it fills a region with a seeded
 * pattern, offers its pages to its peers read-only through grants (plus
 * grants it revokes at once, stale for the peers), leaves an unbound port
 * for each peer, and then hashes the region (XXH64) again and again until
 * every peer has died (XENMEM_current_reservation on a peer: -EPERM while
 * it lives, -ESRCH once it is gone, as in Xen), or fails after `seconds`.
 * Any difference from the first hash, and any change to the frame or
 * domain of its grant entries (only hv's flag bits may move), is reported
 * and fails the test.
 *     peer=<first domid> [peers=<n, default 1>] [pages=<n, default 16>]
 *     [seconds=<n, default 120>] [seed=<n>]
 * Grant refs: 8 + i grants region page i read-only to peer
 * first + i % peers; 8 + pages + i were granted likewise and revoked.
 * It prints "canary: region of N pages, xxh64 0x..." first and
 * "canary: checks N, changes M, peers gone" last.  hv only (needs
 * boot-time peers).
 */
#include "lib/guest.h"
#include "lib/evtchn.h"
#include "lib/grant.h"
#include "lib/mm.h"
#include "lib/time.h"
#include "lib/xxhash.h"
#include <public/memory.h>

const char test_title[] = "canary";

#define FIRST_REF   8
#define MAX_PAGES   64
#define MAX_PEERS   16

static uint8_t *region[MAX_PAGES];
static unsigned int pages;
static domid_t first_peer;
static unsigned int nr_peers;

static uint64_t region_hash(void)
{
    uint64_t h = 0;

    for (unsigned int i = 0; i < pages; i++)
        h = xxh64(region[i], PAGE_SIZE, h);
    return h;
}

static domid_t peer_of(unsigned int i)
{
    return (domid_t)(first_peer + i % nr_peers);
}

/* Frame and domain of every entry we wrote: only we may change them. */
static bool grant_entries_intact(void)
{
    for (unsigned int i = 0; i < 2 * pages; i++) {
        volatile grant_entry_v1_t *e = &gnttab[FIRST_REF + i];

        if (e->frame != (uint32_t)virt_to_mfn(region[i % pages]) ||
            e->domid != peer_of(i % pages))
            return false;
        if (i >= pages && e->flags)
            return false;       /* revoked entries stay revoked */
    }
    return true;
}

static bool peers_alive(void)
{
    for (unsigned int p = 0; p < nr_peers; p++) {
        domid_t d = (domid_t)(first_peer + p);

        if (hypercall2(HC(memory_op), XENMEM_current_reservation, PTR(&d)) != -XEN_ESRCH)
            return true;
    }
    return false;
}

static void parse_peers(void)
{
    long first = cmdline_long("peer", -1), n = cmdline_long("peers", 1);

    if (first <= 0 || first >= DOMID_FIRST_RESERVED || n <= 0 || n > MAX_PEERS)
        panic("usage: peer=<first domid> [peers=<n>] [pages=<n>] [seconds=<n>]");
    first_peer = (domid_t)first;
    nr_peers = (unsigned int)n;
}

void test_main(void)
{
    long seconds = cmdline_long("seconds", 120);
    uint64_t rng = 0x2545f4914f6cdd1dUL ^ (uint64_t)cmdline_long("seed", 1);
    evtchn_port_t ports[MAX_PEERS];
    unsigned long checks = 0, changes = 0, entry_changes = 0;

    pages = (unsigned int)cmdline_long("pages", 16);
    if (pages == 0 || pages > MAX_PAGES || seconds <= 0)
        panic("pages: 1..%u, seconds > 0", MAX_PAGES);
    parse_peers();

    for (unsigned int i = 0; i < pages; i++) {
        region[i] = alloc_page();
        for (unsigned int k = 0; k < PAGE_SIZE / 8; k++) {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            ((uint64_t *)region[i])[k] = rng;
        }
    }
    gnttab_init(1);
    for (unsigned int i = 0; i < pages; i++) {
        gnttab_grant(FIRST_REF + i, peer_of(i), virt_to_mfn(region[i]), true);
        gnttab_grant(FIRST_REF + pages + i, peer_of(i), virt_to_mfn(region[i]), true);
    }
    for (unsigned int i = 0; i < pages; i++)
        CHECK_EQ(gnttab_revoke(FIRST_REF + pages + i), 0, "revoke a stale grant");
    for (unsigned int p = 0; p < nr_peers; p++)
        CHECK_EQ(evtchn_alloc_unbound((domid_t)(first_peer + p), &ports[p]), 0,
                 "unbound port for a peer");

    const uint64_t first = region_hash();
    const uint64_t end = now_ns() + (uint64_t)seconds * 1000 * NS_PER_MS;

    printk("canary: region of %u pages, xxh64 %#lx, peers d%u-d%u\n", pages, first,
           first_peer, first_peer + nr_peers - 1);
    for (bool last = false; !last;) {
        uint64_t h;

        last = !peers_alive();
        if (!last && now_ns() > end) {
            test_fail("peers still alive after %ld s", seconds);
            last = true;
        }
        h = region_hash();

        checks++;
        if (h != first && changes++ < 4)
            test_fail("region changed: xxh64 %#lx after %lu checks", h, checks);
        if (!grant_entries_intact() && entry_changes++ < 4)
            test_fail("a grant entry's frame or domain changed");
        sched_yield();
    }

    subtest_begin("ports left for the peers are ours still");
    for (unsigned int p = 0; p < nr_peers; p++) {
        struct evtchn_status st;

        CHECK_EQ(evtchn_status(ports[p], &st), 0, "status");
        CHECK(st.status == EVTCHNSTAT_unbound || st.status == EVTCHNSTAT_interdomain,
              "port %u: status %u", ports[p], st.status);
        if (st.status == EVTCHNSTAT_unbound)
            CHECK_EQ(st.u.unbound.dom, first_peer + p, "reserved for its peer");
        else
            CHECK_EQ(st.u.interdomain.dom, first_peer + p, "bound by its peer");
    }
    subtest_end();
    printk("canary: checks %lu, changes %lu, peers gone\n", checks, changes + entry_changes);
}
