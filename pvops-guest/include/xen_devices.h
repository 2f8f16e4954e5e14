/*
 * Linux's Xen devices under /dev/xen (drivers/xen/): privcmd, evtchn and
 * gntdev with the ioctl ABI of Linux's uapi headers <xen/privcmd.h>,
 * <xen/evtchn.h> and <xen/gntdev.h>.  They exist only under Xen PV
 * (docs/xen-devices.md).
 */
#ifndef GUEST_XEN_DEVICES_H
#define GUEST_XEN_DEVICES_H

#include "kernel.h"

struct inode;
struct file_ops;

/* Creates /dev/xen/{privcmd,evtchn,gntdev} in dev when running PV. */
void xen_devices_init(struct inode *dev);

extern const struct file_ops privcmd_ops, evtchn_ops, gntdev_ops;
void evtchn_dev_init(void);
/* True if a program bound this port through /dev/xen/evtchn (gntdev's notify). */
bool evtchn_user_port(unsigned int port);

#endif
