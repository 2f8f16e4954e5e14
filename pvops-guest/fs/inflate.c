/*
 * DEFLATE (RFC 1951) decoder and the gzip (RFC 1952) wrapper, for
 * compressed initrds.  Canonical Huffman codes are decoded by walking code
 * lengths (count per length + symbols sorted by code), which needs no
 * large tables.
 */
#include <linux/errno.h>

#include "fs.h"
#include "kalloc.h"
#include "lib.h"

#define MAX_BITS 15

struct bits {
	const uint8_t *in;
	size_t len, pos;
	uint32_t buf;
	int cnt;
	bool overrun;
};

struct huff {
	uint16_t count[MAX_BITS + 1];
	uint16_t symbol[320];
};

static uint32_t getbits(struct bits *b, int n)
{
	while (b->cnt < n) {
		if (b->pos >= b->len) {
			b->overrun = true;
			return 0;
		}
		b->buf |= (uint32_t)b->in[b->pos++] << b->cnt;
		b->cnt += 8;
	}
	uint32_t v = b->buf & ((1u << n) - 1);

	b->buf >>= n;
	b->cnt -= n;
	return v;
}

/* Builds a decoder from code lengths; rejects over-subscribed sets. */
static int huff_build(struct huff *h, const uint8_t *lengths, int n)
{
	uint16_t offs[MAX_BITS + 2];
	int left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (int i = 0; i < n; i++)
		h->count[lengths[i]]++;
	for (int len = 1; len <= MAX_BITS; len++) {
		left = (left << 1) - h->count[len];
		if (left < 0)
			return -EINVAL;
	}
	offs[1] = 0;
	for (int len = 1; len <= MAX_BITS; len++)
		offs[len + 1] = offs[len] + h->count[len];
	for (int i = 0; i < n; i++)
		if (lengths[i])
			h->symbol[offs[lengths[i]]++] = i;
	return 0;
}

static int huff_decode(struct bits *b, const struct huff *h)
{
	int code = 0, first = 0, index = 0;

	for (int len = 1; len <= MAX_BITS; len++) {
		code |= getbits(b, 1);
		if (b->overrun)
			return -EINVAL;
		int count = h->count[len];

		if (code - count < first)
			return h->symbol[index + (code - first)];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	return -EINVAL;
}

static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

struct out {
	uint8_t *buf;
	size_t cap, len;
};

static int codes(struct bits *b, struct out *o, const struct huff *lit,
		 const struct huff *dist)
{
	for (;;) {
		int sym = huff_decode(b, lit);

		if (sym < 0)
			return sym;
		if (sym < 256) {
			if (o->len >= o->cap)
				return -ENOSPC;
			o->buf[o->len++] = sym;
		} else if (sym == 256) {
			return 0;
		} else {
			sym -= 257;
			if (sym >= 29)
				return -EINVAL;
			size_t len = len_base[sym] + getbits(b, len_extra[sym]);
			int ds = huff_decode(b, dist);

			if (ds < 0 || ds >= 30)
				return -EINVAL;
			size_t d = dist_base[ds] + getbits(b, dist_extra[ds]);

			if (b->overrun || d > o->len)
				return -EINVAL;
			if (len > o->cap - o->len)
				return -ENOSPC;
			for (size_t i = 0; i < len; i++, o->len++)
				o->buf[o->len] = o->buf[o->len - d];
		}
	}
}

static int stored(struct bits *b, struct out *o)
{
	b->buf = 0;
	b->cnt = 0;
	if (b->pos + 4 > b->len)
		return -EINVAL;
	uint16_t len = b->in[b->pos] | b->in[b->pos + 1] << 8;
	uint16_t nlen = b->in[b->pos + 2] | b->in[b->pos + 3] << 8;

	b->pos += 4;
	if ((len ^ nlen) != 0xffff || len > b->len - b->pos)
		return -EINVAL;
	if (len > o->cap - o->len)
		return -ENOSPC;
	memcpy(o->buf + o->len, b->in + b->pos, len);
	b->pos += len;
	o->len += len;
	return 0;
}

static int fixed(struct bits *b, struct out *o)
{
	static struct huff lit, dist;
	static bool built;

	if (!built) {
		uint8_t l[288];

		for (int i = 0; i < 288; i++)
			l[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
		huff_build(&lit, l, 288);
		for (int i = 0; i < 30; i++)
			l[i] = 5;
		huff_build(&dist, l, 30);
		built = true;
	}
	return codes(b, o, &lit, &dist);
}

static int dynamic(struct bits *b, struct out *o)
{
	static const uint8_t order[19] = {
		16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
	struct huff lit, dist, cl;
	uint8_t lengths[320];
	int nlen = getbits(b, 5) + 257, ndist = getbits(b, 5) + 1, ncode = getbits(b, 4) + 4;

	if (nlen > 286 || ndist > 30)
		return -EINVAL;
	memset(lengths, 0, sizeof(lengths));
	for (int i = 0; i < ncode; i++)
		lengths[order[i]] = getbits(b, 3);
	if (b->overrun || huff_build(&cl, lengths, 19))
		return -EINVAL;
	for (int i = 0; i < nlen + ndist;) {
		int sym = huff_decode(b, &cl), rep, val = 0;

		if (sym < 0)
			return -EINVAL;
		if (sym < 16) {
			lengths[i++] = sym;
			continue;
		}
		if (sym == 16) {
			if (i == 0)
				return -EINVAL;
			val = lengths[i - 1];
			rep = 3 + getbits(b, 2);
		} else if (sym == 17) {
			rep = 3 + getbits(b, 3);
		} else {
			rep = 11 + getbits(b, 7);
		}
		if (i + rep > nlen + ndist)
			return -EINVAL;
		while (rep--)
			lengths[i++] = val;
	}
	if (lengths[256] == 0)
		return -EINVAL;
	if (huff_build(&lit, lengths, nlen) || huff_build(&dist, lengths + nlen, ndist))
		return -EINVAL;
	return codes(b, o, &lit, &dist);
}

int inflate_raw(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
		size_t *out_len)
{
	struct bits b = { .in = in, .len = in_len };
	struct out o = { out, out_cap, 0 };
	int last, err;

	do {
		last = getbits(&b, 1);
		int type = getbits(&b, 2);

		if (b.overrun)
			return -EINVAL;
		switch (type) {
		case 0: err = stored(&b, &o); break;
		case 1: err = fixed(&b, &o); break;
		case 2: err = dynamic(&b, &o); break;
		default: err = -EINVAL; break;
		}
		if (err)
			return err;
		if (b.overrun)
			return -EINVAL;
	} while (!last);
	*out_len = o.len;
	return 0;
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
	static uint32_t table[256];
	uint32_t c = 0xffffffff;

	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t v = i;

			for (int k = 0; k < 8; k++)
				v = v & 1 ? 0xedb88320 ^ (v >> 1) : v >> 1;
			table[i] = v;
		}
	while (n--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

/* Decompresses one gzip member into a new heap buffer (checks size and CRC). */
int gunzip(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len)
{
	size_t pos = 10, got;
	uint32_t isize, crc;
	uint8_t flags;
	uint8_t *buf;
	int err;

	if (len < 18 || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8)
		return -EINVAL;
	flags = in[3];
	if (flags & 0xe0)
		return -EINVAL;
	if (flags & 4) {                       /* FEXTRA */
		if (pos + 2 > len)
			return -EINVAL;
		pos += 2 + (in[pos] | in[pos + 1] << 8);
	}
	for (int bit = 8; bit <= 16; bit <<= 1)  /* FNAME, FCOMMENT */
		if (flags & bit) {
			while (pos < len && in[pos])
				pos++;
			pos++;
		}
	if (flags & 2)                         /* FHCRC */
		pos += 2;
	if (pos + 8 > len)
		return -EINVAL;
	crc = in[len - 8] | in[len - 7] << 8 | in[len - 6] << 16 | (uint32_t)in[len - 5] << 24;
	isize = in[len - 4] | in[len - 3] << 8 | in[len - 2] << 16 | (uint32_t)in[len - 1] << 24;
	buf = kmalloc(isize ? isize : 1);
	if (!buf)
		return -ENOMEM;
	err = inflate_raw(in + pos, len - 8 - pos, buf, isize, &got);
	if (!err && (got != isize || crc32(buf, got) != crc))
		err = -EINVAL;
	if (err) {
		kfree(buf);
		return err;
	}
	*out = buf;
	*out_len = got;
	return 0;
}
