/* Parser for "newc" cpio archives (070701/070702), as initramfs uses. */
#include <linux/errno.h>

#include "fs.h"
#include "lib.h"

#define HDR_LEN 110

static bool hex_field(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return false;
	}
	*out = v;
	return true;
}

static size_t align4(size_t x) { return (x + 3) & ~(size_t)3; }

/*
 * Calls fn for each entry until the TRAILER!!! entry.  Returns 0, -EINVAL
 * for a malformed archive (nothing after the bad header is reported), or the
 * first nonzero value fn returns.
 */
int cpio_parse(const uint8_t *buf, size_t len,
	       int (*fn)(void *arg, const struct cpio_entry *e), void *arg)
{
	size_t pos = 0;

	for (;;) {
		uint32_t f[13];
		struct cpio_entry e;
		size_t name_end, data_end;

		/* Archives may be padded with zeros to a block boundary. */
		if (pos + HDR_LEN > len)
			return -EINVAL;
		if (memcmp(buf + pos, "07070", 5) || (buf[pos + 5] != '1' && buf[pos + 5] != '2'))
			return -EINVAL;
		for (int i = 0; i < 13; i++)
			if (!hex_field(buf + pos + 6 + 8 * i, &f[i]))
				return -EINVAL;
		uint32_t namesize = f[11], filesize = f[6];

		if (namesize == 0 || namesize > len - pos - HDR_LEN)
			return -EINVAL;
		name_end = pos + HDR_LEN + namesize;
		if (buf[name_end - 1] != 0)
			return -EINVAL;
		if (align4(name_end) > len || filesize > len - align4(name_end))
			return -EINVAL;
		data_end = align4(name_end) + filesize;
		e.name = (const char *)buf + pos + HDR_LEN;
		e.mode = f[1];
		e.data = buf + align4(name_end);
		e.size = filesize;
		if (!strcmp(e.name, "TRAILER!!!"))
			return 0;
		int r = fn(arg, &e);

		if (r)
			return r;
		pos = align4(data_end);
	}
}
