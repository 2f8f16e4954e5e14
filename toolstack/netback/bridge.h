/*
 * xenbr0: a learning Ethernet bridge between heron-netback's vifs (its
 * ports, small integers).  Source MACs are learnt per port and age out;
 * a frame goes to the port its destination was learnt on, or floods
 * (broadcast, multicast, unknown) to every other port.  Pure: no I/O, the
 * clock is the caller's.
 */
#ifndef HERON_BRIDGE_H
#define HERON_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BRIDGE_FDB_SIZE 256
#define BRIDGE_AGEING_NS (300ull * 1000000000)   /* Linux's default, 300 s */

#define BRIDGE_FLOOD (-1)       /* to every port but the one it came in on */
#define BRIDGE_DROP  (-2)       /* nowhere: bad source, or back where it came from */

struct bridge_fdb_entry {
    uint8_t mac[6];
    bool used;
    int port;
    uint64_t seen_ns;
};

struct bridge {
    struct bridge_fdb_entry fdb[BRIDGE_FDB_SIZE];
    uint64_t ageing_ns;
};

void bridge_init(struct bridge *br, uint64_t ageing_ns);

/*
 * A frame (len bytes from its Ethernet header) arrived on in_port at
 * now_ns: learns its source, returns the port for its destination,
 * BRIDGE_FLOOD or BRIDGE_DROP.
 */
int bridge_forward(struct bridge *br, const uint8_t *frame, size_t len, int in_port,
                   uint64_t now_ns);

/* The port went away: its entries go too. */
void bridge_forget_port(struct bridge *br, int port);

/* Entries still live at now_ns (for the log and the tests). */
unsigned int bridge_fdb_count(const struct bridge *br, uint64_t now_ns);

#endif
