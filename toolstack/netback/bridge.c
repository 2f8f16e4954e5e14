/*
 * The bridge's forwarding database (bridge.h): a small table searched
 * linearly (a few dozen vifs at most).  An entry older than the ageing
 * time counts as absent; when the table is full the oldest entry makes
 * room.  Frames with a group or all-zero source address are dropped and
 * never learnt, as Linux's bridge does.
 */
#include <string.h>

#include "bridge.h"

static const uint8_t zero_mac[6];

void bridge_init(struct bridge *br, uint64_t ageing_ns)
{
    memset(br, 0, sizeof(*br));
    br->ageing_ns = ageing_ns;
}

static bool live(const struct bridge *br, const struct bridge_fdb_entry *e, uint64_t now)
{
    return e->used && now - e->seen_ns < br->ageing_ns;
}

static struct bridge_fdb_entry *lookup(struct bridge *br, const uint8_t *mac, uint64_t now)
{
    for (unsigned int i = 0; i < BRIDGE_FDB_SIZE; i++)
        if (live(br, &br->fdb[i], now) && !memcmp(br->fdb[i].mac, mac, 6))
            return &br->fdb[i];
    return NULL;
}

static void learn(struct bridge *br, const uint8_t *mac, int port, uint64_t now)
{
    struct bridge_fdb_entry *e = lookup(br, mac, now), *victim = &br->fdb[0];

    if (!e) {
        for (unsigned int i = 0; i < BRIDGE_FDB_SIZE && !e; i++) {
            if (!live(br, &br->fdb[i], now))
                e = &br->fdb[i];
            else if (br->fdb[i].seen_ns < victim->seen_ns)
                victim = &br->fdb[i];
        }
        if (!e)
            e = victim;
        memcpy(e->mac, mac, 6);
        e->used = true;
    }
    e->port = port;          /* a station that moved is followed */
    e->seen_ns = now;
}

int bridge_forward(struct bridge *br, const uint8_t *frame, size_t len, int in_port,
                   uint64_t now_ns)
{
    const uint8_t *dst = frame, *src = frame + 6;
    struct bridge_fdb_entry *e;

    if (len < 14 || (src[0] & 1) || !memcmp(src, zero_mac, 6))
        return BRIDGE_DROP;
    learn(br, src, in_port, now_ns);
    if (dst[0] & 1)
        return BRIDGE_FLOOD;
    e = lookup(br, dst, now_ns);
    if (!e)
        return BRIDGE_FLOOD;
    return e->port == in_port ? BRIDGE_DROP : e->port;
}

void bridge_forget_port(struct bridge *br, int port)
{
    for (unsigned int i = 0; i < BRIDGE_FDB_SIZE; i++)
        if (br->fdb[i].used && br->fdb[i].port == port)
            br->fdb[i].used = false;
}

unsigned int bridge_fdb_count(const struct bridge *br, uint64_t now_ns)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < BRIDGE_FDB_SIZE; i++)
        n += live(br, &br->fdb[i], now_ns);
    return n;
}
