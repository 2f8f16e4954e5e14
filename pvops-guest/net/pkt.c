/*
 * Packet buffers: one allocation holding the header, PKT_HEADROOM bytes
 * for the link, network and transport headers to be pushed in front of
 * the payload, and the payload.
 */
#include "kalloc.h"
#include "lib.h"
#include "netdev.h"

struct pkt *pkt_alloc(size_t len)
{
	struct pkt *p = kmalloc(sizeof(*p) + PKT_HEADROOM + len);

	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->data = p->buf + PKT_HEADROOM;
	p->len = len;
	return p;
}

struct pkt *pkt_copy(const struct pkt *p)
{
	struct pkt *c = pkt_alloc(p->len);

	if (!c)
		return NULL;
	memcpy(c->data, p->data, p->len);
	c->dev = p->dev;
	c->saddr = p->saddr;
	c->daddr = p->daddr;
	c->sport = p->sport;
	return c;
}

void pkt_free(struct pkt *p)
{
	kfree(p);
}

uint8_t *pkt_push(struct pkt *p, size_t n)
{
	BUG_ON((size_t)(p->data - p->buf) < n);
	p->data -= n;
	p->len += n;
	return p->data;
}

uint8_t *pkt_pull(struct pkt *p, size_t n)
{
	if (p->len < n)
		return NULL;
	p->data += n;
	p->len -= n;
	return p->data;
}
