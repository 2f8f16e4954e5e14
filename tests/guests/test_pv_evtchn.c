/*
 * An interdomain event channel between two boot-time domains, with no
 * xenstore: the server allocates an unbound port for the client; the
 * client finds it by trying bind_interdomain on the server's ports in
 * turn (only a port reserved for it binds).  Then they play ping-pong,
 * each side waiting in SCHEDOP_poll.  At the end the client closes its
 * end and the server sees its port unbound again, waiting for the client.
 *     role=server peer=<client id> [rounds=<n>]
 *     role=client peer=<server id> [rounds=<n>]
 * hv only (needs two domains).
 */
#include "lib/guest.h"
#include "lib/evtchn.h"
#include "lib/time.h"

const char test_title[] = "pv_evtchn";

#define WAIT_NS (30000 * NS_PER_MS)
#define MAX_SCAN_PORT 64

/* Waits (in SCHEDOP_poll) until port is pending; consumes the event. */
static bool wait_event(evtchn_port_t port, uint64_t deadline)
{
    while (!evtchn_pending(port)) {
        if (now_ns() >= deadline)
            return false;
        sched_poll(&port, 1, deadline);
    }
    evtchn_clear_pending(port);
    return true;
}

static void server(domid_t peer, long rounds)
{
    evtchn_port_t port;
    struct evtchn_status st;
    uint64_t deadline = now_ns() + WAIT_NS;
    long done = 0;

    CHECK_EQ(evtchn_alloc_unbound(peer, &port), 0, "alloc_unbound for the client");
    printk("server: port %u waits for domain %u\n", port, peer);
    for (; done < rounds; done++) {
        if (!wait_event(port, deadline))
            break;
        CHECK_EQ(evtchn_send(port), 0, "pong");
    }
    CHECK_EQ(done, rounds, "rounds served");

    /* The client closes its end: ours waits for it again. */
    do {
        CHECK_EQ(evtchn_status(port, &st), 0, "status");
    } while (st.status != EVTCHNSTAT_unbound && now_ns() < deadline &&
             sched_yield() == 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound, "our port is unbound after the close");
    CHECK_EQ(st.u.unbound.dom, peer, "and reserved for the client again");
    CHECK_EQ(evtchn_send(port), 0, "send on an unbound port is dropped");
    printk("server: %ld rounds\n", done);
}

static void client(domid_t peer, long rounds)
{
    evtchn_port_t port = 0, p = 1, again;
    struct evtchn_status st;
    uint64_t deadline = now_ns() + WAIT_NS;
    long done = 0;

    while (!port && now_ns() < deadline) {
        for (p = 1; p < MAX_SCAN_PORT && !port; p++)
            if (evtchn_bind_interdomain(peer, p, &port))
                port = 0;
        if (!port)
            sched_yield();
    }
    if (!port)
        panic("no port of domain %u is waiting for us", peer);
    printk("client: bound to domain %u port %u as local port %u\n", peer, p - 1, port);
    CHECK(evtchn_pending(port), "a new interdomain port starts pending");
    evtchn_clear_pending(port);
    CHECK_EQ(evtchn_status(port, &st), 0, "status");
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain, "interdomain");
    CHECK_EQ(st.u.interdomain.dom, peer, "remote domain");
    CHECK_EQ(st.u.interdomain.port, p - 1, "remote port");
    CHECK_EQ(evtchn_bind_interdomain(peer, p - 1, &again), -XEN_EINVAL,
             "a bound port does not bind twice");

    for (; done < rounds; done++) {
        CHECK_EQ(evtchn_send(port), 0, "ping");
        if (!wait_event(port, deadline))
            break;
    }
    CHECK_EQ(done, rounds, "round trips");
    CHECK_EQ(evtchn_close(port), 0, "close our end");
    CHECK_EQ(evtchn_status(port, &st), 0, "status after close");
    CHECK_EQ(st.status, EVTCHNSTAT_closed, "closed");
    printk("client: %ld round trips\n", done);
}

void test_main(void)
{
    char role[16];
    long peer = cmdline_long("peer", -1), rounds = cmdline_long("rounds", 100);

    if (!cmdline_get("role", role, sizeof(role)) || peer < 0 || rounds <= 0)
        panic("usage: role=server|client peer=<domid> [rounds=<n>]");
    if (!strcmp(role, "server"))
        server(peer, rounds);
    else if (!strcmp(role, "client"))
        client(peer, rounds);
    else
        panic("role must be server or client");
}
