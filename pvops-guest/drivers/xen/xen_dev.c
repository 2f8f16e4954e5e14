/* /dev/xen: the Xen devices exist only when the kernel runs PV on a hypervisor. */
#include "fs.h"
#include "lib.h"
#include "pv.h"
#include "xen_devices.h"
#include "xenbus.h"

/* Linux registers them as misc devices (major 10) with dynamic minors. */
#define MISC_DEV(minor) ((10 << 8) | (minor))

void xen_devices_init(struct inode *dev)
{
	struct inode *xen;

	if (!pv_shared_info)          /* native: no hypervisor to talk to */
		return;
	xen = ramfs_lookup(dev, "xen", 3);
	if (!xen && ramfs_create(dev, "xen", S_IFDIR | 0755, &xen))
		panic("cannot create /dev/xen");
	dev_mknod(xen, "privcmd", MISC_DEV(120), &privcmd_ops);
	dev_mknod(xen, "evtchn", MISC_DEV(121), &evtchn_ops);
	dev_mknod(xen, "gntdev", MISC_DEV(122), &gntdev_ops);
	evtchn_dev_init();
	xenbus_init();
	if (xenbus_connected())
		dev_mknod(xen, "xenbus", MISC_DEV(123), &xenbus_dev_ops);
}
