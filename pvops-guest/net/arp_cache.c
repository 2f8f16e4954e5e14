/*
 * The ARP cache as a data structure: entries per (device, address), aged
 * by the caller's clock, each unresolved one holding a short queue of
 * frames that wait for the answer.  No I/O here (arp.c does that).
 */
#include "inet.h"

/* The entry for ip on dev; an expired REACHABLE one becomes STALE. */
struct arp_entry *arp_cache_find(struct arp_cache *c, struct netdev *dev, uint32_t ip,
				 uint64_t now)
{
	for (unsigned int i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &c->e[i];

		if (e->state == ARP_FREE || e->dev != dev || e->ip != ip)
			continue;
		if (e->state == ARP_REACHABLE && now - e->stamp >= ARP_REACHABLE_NS) {
			e->state = ARP_STALE;
			e->tries = 0;
		}
		return e;
	}
	return NULL;
}

/*
 * A fresh INCOMPLETE entry: a free slot, else the oldest resolved one,
 * else NULL (every slot is waiting for an answer).
 */
struct arp_entry *arp_cache_new(struct arp_cache *c, struct netdev *dev, uint32_t ip,
				uint64_t now)
{
	struct arp_entry *victim = NULL;

	for (unsigned int i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &c->e[i];

		if (e->state == ARP_FREE) {
			victim = e;
			break;
		}
		if ((e->state == ARP_REACHABLE || e->state == ARP_STALE) &&
		    (!victim || e->stamp < victim->stamp))
			victim = e;
	}
	if (!victim)
		return NULL;
	*victim = (struct arp_entry){ .state = ARP_INCOMPLETE, .dev = dev, .ip = ip, .stamp = now };
	return victim;
}

/* Frees the frames an entry holds, counting them as dropped. */
void arp_cache_flush_pending(struct arp_entry *e, uint64_t *dropped)
{
	while (e->pending) {
		struct pkt *p = e->pending;

		e->pending = p->next;
		pkt_free(p);
		(*dropped)++;
	}
	e->npending = 0;
}

void arp_cache_remove(struct arp_entry *e, uint64_t *dropped)
{
	arp_cache_flush_pending(e, dropped);
	e->state = ARP_FREE;
}
