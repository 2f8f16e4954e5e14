/*
 * Event-channel round trip between two domains: dom0 sends on an
 * interdomain channel, a domU that polls the channel sends back, dom0's
 * poll returns.  One operation is two EVTCHNOP_send, two SCHEDOP_poll
 * sleeps and two switches between the domains on the one CPU.  A PV
 * kernel of its own (the test-guest runtime), booted twice on one
 * machine, as dom0 and as a boot-time domU (hv's domu= option):
 *
 *   dom0:  role=server peer=1 [t=MS] [gap=US]   measures; prints the BENCH line
 *   domU:  role=client peer=0 [idle=MS] echoes every event back
 *
 * Rendezvous as tests/guests/test_interdomain.c: the server allocates an
 * unbound port for the client, the client finds it by trying
 * bind_interdomain on the server's ports and then notifies once.  The
 * client echoes until it has heard nothing for idle=MS (default IDLE_MS;
 * dom0's power-off normally stops the machine first; when the server is a
 * domU too, the client's end is what lets the machine power off).  Events stay masked: both sides
 * poll, no upcalls.  gap=US makes the server sleep that long before each
 * send, so that the client is waiting when the event comes (the tests
 * use it to see a halted HVM client woken; it is not a benchmark).
 */
#include "measure.h"
#include "lib/evtchn.h"

const char test_title[] = "bench evtchn";

#define RENDEZVOUS_NS (30 * 1000 * NS_PER_MS)
#define IDLE_MS       (60 * 1000)

static evtchn_port_t port;
static domid_t peer;
static uint64_t gap_ns;

/* Waits until port is pending or `deadline` passes, and consumes it. */
static bool wait_port(uint64_t deadline)
{
	while (!evtchn_pending(port)) {
		if (now_ns() > deadline)
			return false;
		sched_poll(&port, 1, deadline);
	}
	evtchn_clear_pending(port);
	return true;
}

/* Sleeps until `until`: a poll on no ports ends at its timeout (or an
 * event, and none is due while the client waits for ours). */
static void sleep_until(uint64_t until)
{
	while (now_ns() < until)
		sched_poll(NULL, 0, until);
}

static bool round_trips(uint64_t n)
{
	while (n--) {
		if (gap_ns)
			sleep_until(now_ns() + gap_ns);
		if (evtchn_send(port)) {
			test_fail("EVTCHNOP_send on port %u failed", port);
			return false;
		}
		if (!wait_port(now_ns() + RENDEZVOUS_NS)) {
			test_fail("no answer from d%u", peer);
			return false;
		}
	}
	return true;
}

static void server(uint64_t target_ns)
{
	bool ok;

	printk("=== BEGIN evtchn ===\n");
	ok = evtchn_alloc_unbound(peer, &port) == 0;
	if (!ok)
		test_fail("alloc_unbound for d%u", peer);
	else if (!(ok = wait_port(now_ns() + RENDEZVOUS_NS)))
		test_fail("d%u never bound port %u", peer, port);
	ok = ok && bench_measure("evtchn", round_trips, target_ns);
	printk("=== END evtchn (status %d) ===\n", ok ? 0 : 1);
}

static void client(uint64_t idle_ns)
{
	uint64_t give_up = now_ns() + RENDEZVOUS_NS;

	while (!port && now_ns() < give_up) {
		for (evtchn_port_t p = 1; p < EVTCHN_2L_NR_CHANNELS && !port; p++) {
			evtchn_port_t local;

			if (evtchn_bind_interdomain(peer, p, &local) == 0)
				port = local;
		}
		if (!port)
			sched_yield();
	}
	if (!port) {
		test_fail("found no port of d%u to bind", peer);
		return;
	}
	evtchn_clear_pending(port);     /* binding leaves our own port pending */
	do {
		if (evtchn_send(port)) {
			test_fail("EVTCHNOP_send on port %u failed", port);
			return;
		}
	} while (wait_port(now_ns() + idle_ns));
}

void test_main(void)
{
	char role[16];
	long p = cmdline_long("peer", -1), t = cmdline_long("t", 300);
	long idle = cmdline_long("idle", IDLE_MS), gap = cmdline_long("gap", 0);

	if (!cmdline_get("role", role, sizeof(role)) || p < 0 || p >= DOMID_FIRST_RESERVED ||
	    t <= 0 || idle <= 0 || gap < 0 || gap > 1000000)
		panic("usage: role=server|client peer=<domid> [t=MS] [idle=MS] [gap=US]");
	peer = (domid_t)p;
	gap_ns = (uint64_t)gap * 1000;
	if (!strcmp(role, "server"))
		server((uint64_t)t * 1000000);
	else if (!strcmp(role, "client"))
		client((uint64_t)idle * 1000000);
	else
		panic("unknown role '%s'", role);
}
