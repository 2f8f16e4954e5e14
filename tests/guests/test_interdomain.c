/*
 * Two domains share a page and an event channel with no store between
 * them.  Boot both with command lines
 *     A: role=server peer=<B's domid> [gref=8]
 *     B: role=client peer=<A's domid> [gref=8]
 *
 * Rendezvous:
 *   - A fills the first half of a page with a known pattern, grants it to
 *     B at reference `gref` and allocates an unbound port for B.
 *   - B retries map_grant_ref(A, gref) until A has granted, checks the
 *     pattern, writes its checksum into the control block (second half).
 *   - B finds A's port without being told its number: bind_interdomain
 *     succeeds only on a port of A that is unbound and reserved for B, so
 *     B tries A's ports in turn.  Then it notifies A.
 *   - A checks B's checksum, tries to revoke the grant (refused: mapped),
 *     moves the control block to phase 2 and notifies B.
 *   - B unmaps and notifies; A revokes (now it succeeds) and notifies;
 *     B checks that the revoked grant no longer maps, then notifies A.
 *   - A finishes only after that last notification, so B's last check
 *     always meets a live A whose entry is revoked (had A exited, the
 *     map would fail for another reason: no such domain).
 * Both print the checksum they computed (A of what it wrote, B of what
 * it read through the mapping): "checksum: wrote 0x..." / "read 0x...".
 * Every wait has a deadline.  Cannot run on Xen without a toolstack.
 */
#include "lib/guest.h"
#include "lib/evtchn.h"
#include "lib/grant.h"
#include "lib/mm.h"
#include "lib/time.h"

const char test_title[] = "interdomain";

#define DATA_BYTES  2048
#define DEADLINE_NS (30 * 1000 * NS_PER_MS)

struct control {
    volatile uint32_t phase;    /* A's progress */
    volatile uint32_t b_sum;    /* checksum B computed */
    volatile uint32_t b_done;   /* set by B once b_sum is written */
};

static domid_t peer;
static grant_ref_t gref;
static uint64_t give_up_at;

static uint8_t pattern(unsigned int i)
{
    return (uint8_t)(i * 13 + 7);
}

static uint32_t checksum(const volatile uint8_t *p)
{
    uint32_t sum = 0;
    for (unsigned int i = 0; i < DATA_BYTES; i++)
        sum = sum * 31 + p[i];
    return sum;
}

static uint32_t expected_checksum(void)
{
    uint32_t sum = 0;
    for (unsigned int i = 0; i < DATA_BYTES; i++)
        sum = sum * 31 + pattern(i);
    return sum;
}

static bool timed_out(void)
{
    return now_ns() > give_up_at;
}

/* Waits (events masked) until `port` is pending, then consumes it. */
static bool wait_port(evtchn_port_t port)
{
    while (!evtchn_pending(port)) {
        if (timed_out())
            return false;
        sched_poll(&port, 1, give_up_at);
    }
    evtchn_clear_pending(port);
    return true;
}

static void server(void)
{
    uint8_t *page = alloc_page();
    struct control *ctl = (struct control *)(page + DATA_BYTES);
    evtchn_port_t port;

    for (unsigned int i = 0; i < DATA_BYTES; i++)
        page[i] = pattern(i);
    ctl->phase = 1;
    gnttab_init(1);
    gnttab_grant(gref, peer, virt_to_mfn(page), false);
    CHECK_EQ(evtchn_alloc_unbound(peer, &port), 0, "alloc_unbound for the client");
    printk("ok: granted ref %u, port %u unbound for d%u\n", gref, port, peer);
    printk("checksum: wrote %#x\n", checksum(page));

    subtest_begin("client mapped the page and checked it");
    bool heard = wait_port(port);
    CHECK(heard, "no notification from the client");
    CHECK_EQ(ctl->b_done, 1, "client's control block");
    CHECK_EQ(ctl->b_sum, expected_checksum(), "client's checksum");
    struct evtchn_status st;
    CHECK_EQ(evtchn_status(port, &st), 0, "status");
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain, "port bound by the client");
    CHECK_EQ(st.u.interdomain.dom, peer, "bound by the peer");
    subtest_end();
    if (!heard)
        return;

    subtest_begin("revoke while the client maps it");
    CHECK(gnttab[gref].flags & (GTF_reading | GTF_writing), "in-use bits set");
    CHECK_EQ(gnttab_revoke(gref), -XEN_EBUSY, "revoke refused");
    subtest_end();

    subtest_begin("revoke after the client unmapped");
    ctl->phase = 2;
    CHECK_EQ(evtchn_send(port), 0, "notify phase 2");
    CHECK(wait_port(port), "no unmap notification");
    CHECK_EQ(gnttab_revoke(gref), 0, "revoke");
    CHECK_EQ(gnttab[gref].flags, 0, "entry invalid");
    CHECK_EQ(evtchn_send(port), 0, "notify revoked");
    CHECK(wait_port(port), "no notification that the client saw it revoked");
    subtest_end();
}

static void client(void)
{
    grant_handle_t handle = 0;
    struct gnttab_map_grant_ref map;
    uint8_t *va = alloc_page();
    struct control *ctl = (struct control *)(va + DATA_BYTES);
    evtchn_port_t port = 0;

    update_va_mapping(va, 0, UVMF_INVLPG);
    gnttab_init(1);

    subtest_begin("map the server's grant");
    do {
        map = (struct gnttab_map_grant_ref){
            .host_addr = PTR(va), .flags = GNTMAP_host_map, .ref = gref, .dom = peer,
        };
        CHECK_EQ(gnttab_op(GNTTABOP_map_grant_ref, &map, 1), 0, "map_grant_ref");
        if (map.status != GNTST_okay)
            sched_yield();
    } while (map.status != GNTST_okay && !timed_out());
    CHECK_EQ(map.status, GNTST_okay, "grant mapped");
    handle = map.handle;
    subtest_end();
    if (map.status != GNTST_okay)
        return;

    subtest_begin("check the data, reply, find the server's port");
    CHECK_EQ(ctl->phase, 1, "server's phase");
    uint32_t sum = checksum(va);
    printk("checksum: read %#x\n", sum);
    CHECK_EQ(sum, expected_checksum(), "checksum of the granted page");
    ctl->b_sum = sum;
    ctl->b_done = 1;
    while (!port && !timed_out()) {
        for (evtchn_port_t p = 1; p < EVTCHN_2L_NR_CHANNELS && !port; p++) {
            evtchn_port_t local;
            if (evtchn_bind_interdomain(peer, p, &local) == 0)
                port = local;
        }
        if (!port)
            sched_yield();
    }
    CHECK(port != 0, "found the server's port");
    evtchn_clear_pending(port);     /* binding leaves our own port pending */
    CHECK_EQ(evtchn_send(port), 0, "notify the server");
    subtest_end();
    if (!port)
        return;

    subtest_begin("unmap when told, then the grant is gone");
    if (!wait_port(port)) {
        test_fail("no phase-2 notification");
        subtest_end();
        return;
    }
    CHECK_EQ(ctl->phase, 2, "server's phase");
    struct gnttab_unmap_grant_ref unmap = { .host_addr = PTR(va), .handle = handle };
    CHECK_EQ(gnttab_op(GNTTABOP_unmap_grant_ref, &unmap, 1), 0, "unmap_grant_ref");
    CHECK_EQ(unmap.status, GNTST_okay, "unmap status");
    CHECK_EQ(evtchn_send(port), 0, "notify unmapped");
    CHECK(wait_port(port), "no revoke notification");
    map = (struct gnttab_map_grant_ref){
        .host_addr = PTR(va), .flags = GNTMAP_host_map, .ref = gref, .dom = peer,
    };
    CHECK_EQ(gnttab_op(GNTTABOP_map_grant_ref, &map, 1), 0, "map_grant_ref");
    CHECK_EQ(map.status, GNTST_general_error, "the revoked grant no longer maps");
    CHECK_EQ(evtchn_send(port), 0, "tell the server we are done");
    subtest_end();
}

void test_main(void)
{
    char role[16];
    long p = cmdline_long("peer", -1);

    gref = (grant_ref_t)cmdline_long("gref", 8);
    if (!cmdline_get("role", role, sizeof(role)) || p < 0 || p >= DOMID_FIRST_RESERVED ||
        gref < GNTTAB_NR_RESERVED_ENTRIES || gref >= 512)
        panic("usage: role=server|client peer=<domid> [gref=8..511]");
    peer = (domid_t)p;
    give_up_at = now_ns() + DEADLINE_NS;
    printk("role %s, d%u, peer d%u, gref %u\n", role, own_domid(), peer, gref);

    if (!strcmp(role, "server"))
        server();
    else if (!strcmp(role, "client"))
        client();
    else
        panic("unknown role '%s'", role);
}
