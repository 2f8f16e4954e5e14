/*
 * MBR partition tables: the four primary entries of sector 0 (offset 446,
 * 16 bytes each, signature 0x55 0xaa at 510).  Extended partitions (types
 * 0x05, 0x0f, 0x85) and their logical drives are not followed; GPT (a
 * protective 0xee entry) is not read.  An entry that does not fit on the
 * disk is skipped, as Linux warns and skips it.
 */
#include <linux/errno.h>

#include "blkdev.h"

#define MBR_TABLE 446
#define MBR_ENTRY 16

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

int mbr_parse(const uint8_t sector0[SECTOR_SIZE], uint64_t disk_sectors,
	      struct mbr_part parts[4])
{
	int n = 0;

	if (sector0[510] != 0x55 || sector0[511] != 0xaa)
		return -EINVAL;
	for (unsigned int i = 0; i < 4; i++) {
		const uint8_t *e = sector0 + MBR_TABLE + i * MBR_ENTRY;
		uint64_t start = le32(e + 8), size = le32(e + 12);

		if (!e[4] || is_extended(e[4]) || !size || !start)
			continue;
		if (start >= disk_sectors || size > disk_sectors - start)
			continue;
		parts[n++] = (struct mbr_part){ .index = i + 1, .type = e[4],
						.start = start, .nr_sectors = size };
	}
	return n;
}
