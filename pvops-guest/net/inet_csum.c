/* The Internet checksum (RFC 1071): ones'-complement sum of 16-bit words. */
#include "inet.h"

/* Adds data to a running sum; the words are summed in memory order. */
uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *b = data;
	uint64_t s = sum;

	for (; len >= 2; b += 2, len -= 2)
		s += (uint16_t)(b[0] | b[1] << 8);
	if (len)
		s += b[0];
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
	return (uint32_t)s;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t inet_csum(const void *data, size_t len)
{
	return csum_fold(csum_add(0, data, len));
}

/* The UDP pseudo-header: addresses, protocol and length. */
uint32_t csum_pseudo(uint32_t saddr, uint32_t daddr, uint8_t proto, uint16_t len)
{
	struct {
		uint32_t s, d;
		uint8_t zero, proto;
		uint16_t len;
	} __attribute__((packed)) ph = { saddr, daddr, 0, proto, net16(len) };

	return csum_add(0, &ph, sizeof(ph));
}
