/*
 * kernel_main: the common kernel start, entered by either entry point once
 * pv_ops is filled in.  Nothing here knows which mode it runs in.
 */
#include "blkdev.h"
#include "fs.h"
#include "inet.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "xenbus.h"

struct pv_ops pv_ops;

static int64_t wall_seconds(void)
{
	return time_wall_ns() / 1000000000;
}

/* Kernel options are consumed; every other word is an argument for /init. */
static const char *parse_cmdline(const char *cmdline, char *rest, size_t size)
{
	size_t n = 0;

	while (*cmdline) {
		const char *w = cmdline;
		size_t len = 0;

		while (w[len] && w[len] != ' ')
			len++;
		if (len == 6 && !memcmp(w, "kdebug", 6))
			kernel_debug = true;
		else if (len && n + len + 1 < size) {
			memcpy(rest + n, w, len);
			n += len;
			rest[n++] = ' ';
		}
		cmdline = w + len;
		while (*cmdline == ' ')
			cmdline++;
	}
	rest[n] = 0;
	return rest;
}

_Noreturn void kernel_main(struct boot_info *bi)
{
	static char init_args[1024];
	const char *args = parse_cmdline(bi->cmdline, init_args, sizeof(init_args));
	int err;

	printk("pvops-guest: booting in %s mode, %lu MiB\n", pv_ops.name,
	       bi->nr_pfns >> (20 - PAGE_SHIFT));
	frame_init(bi);
	paging_init(bi);
	ramfs_init();
	fs_clock = wall_seconds;
	if (!bi->initrd_paddr)
		panic("no initrd");
	err = initrd_unpack((const uint8_t *)pfn_to_virt(bi->initrd_paddr >> PAGE_SHIFT) +
			    (bi->initrd_paddr & (PAGE_SIZE - 1)), bi->initrd_len);
	if (err)
		panic("bad initrd (error %d)", err);
	devices_init();
	block_init();
	net_init();
	sched_init();
	xenbus_probe_frontends();
	proc_init_first(args);
	if (kernel_debug)
		printk("pvops-guest: %lu of %lu frames free, starting /init\n",
		       frames_free_count(), frames_total());
	sched_start();
}
