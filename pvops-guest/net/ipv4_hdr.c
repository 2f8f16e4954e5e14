/* IPv4 header validation and construction: no state, unit-tested on the host. */
#include "inet.h"

/* What is wrong with the packet in data[0..len), checked in RFC 1122 order. */
enum ip_verdict ipv4_hdr_check(const uint8_t *data, size_t len)
{
	const struct ipv4_hdr *h = (const void *)data;
	size_t ihl, tot;

	if (len < sizeof(*h))
		return IP_TRUNCATED;
	if (h->ver_ihl >> 4 != 4)
		return IP_BAD_VERSION;
	ihl = (h->ver_ihl & 0xf) * 4u;
	if (ihl < sizeof(*h) || ihl > len)
		return IP_BAD_IHL;
	tot = net16(h->tot_len);
	if (tot < ihl || tot > len)
		return IP_BAD_LENGTH;
	if (inet_csum(data, ihl) != 0)
		return IP_BAD_CSUM;
	if (net16(h->frag_off) & (IP_MF | IP_OFFMASK))
		return IP_FRAGMENT;
	return IP_OK;
}

void ipv4_hdr_fill(struct ipv4_hdr *h, uint32_t saddr, uint32_t daddr, uint8_t proto,
		   uint16_t tot_len, uint16_t id)
{
	h->ver_ihl = 0x45;
	h->tos = 0;
	h->tot_len = net16(tot_len);
	h->id = net16(id);
	h->frag_off = net16(0x4000);    /* DF: we never fragment */
	h->ttl = IP_TTL_DEFAULT;
	h->protocol = proto;
	h->check = 0;
	h->saddr = saddr;
	h->daddr = daddr;
	h->check = inet_csum(h, sizeof(*h));
}
