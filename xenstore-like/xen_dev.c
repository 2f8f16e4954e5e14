/*
 * Reaching a domain's xenstore ring through Linux's Xen devices, as
 * Xen's own xenstored does: the page is grant reference 1
 * (GNTTAB_RESERVED_XENSTORE), mapped with /dev/xen/gntdev; the event
 * channel is bound with /dev/xen/evtchn.  Only a dom0 (Linux under Xen,
 * later heron's dom0) has these devices.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* Linux's uapi headers expect domid_t and grant_ref_t from Xen's ABI. */
#include <public/xen.h>
#include <public/grant_table.h>
#include <xen/evtchn.h>
#include <xen/gntdev.h>

#include "xen_dev.h"

static int open_devices(struct xen_dev *xd)
{
    if (xd->evtchn_fd < 0)
        xd->evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (xd->gntdev_fd < 0)
        xd->gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (xd->evtchn_fd < 0 || xd->gntdev_fd < 0) {
        fprintf(stderr, "heron-xenstored: cannot open /dev/xen/evtchn or "
                "/dev/xen/gntdev (%s): rings need a dom0\n", strerror(errno));
        return EIO;
    }
    return 0;
}

static int xd_attach(void *arg, uint32_t domid, uint64_t gfn,
                     uint32_t remote_port,
                     struct xenstore_domain_interface **intf,
                     uint32_t *local_port)
{
    struct xen_dev *xd = arg;
    struct ioctl_gntdev_map_grant_ref map = { .count = 1 };
    struct ioctl_gntdev_unmap_grant_ref unmap = { .count = 1 };
    struct ioctl_evtchn_bind_interdomain bind = {
        .remote_domain = domid, .remote_port = remote_port };
    void *page;
    int port, err = open_devices(xd);

    (void)gfn;      /* the grant is preferred; both must name the same page */
    if (err)
        return err;
    map.refs[0].domid = domid;
    map.refs[0].ref = GNTTAB_RESERVED_XENSTORE;
    if (ioctl(xd->gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map))
        return EIO;
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
                xd->gntdev_fd, map.index);
    if (page == MAP_FAILED)
        goto unmap;
    port = ioctl(xd->evtchn_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
    if (port < 0) {
        munmap(page, 4096);
        goto unmap;
    }
    *intf = page;
    *local_port = port;
    return 0;
unmap:
    unmap.index = map.index;
    ioctl(xd->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
    return EIO;
}

static void xd_detach(void *arg, uint32_t domid,
                      struct xenstore_domain_interface *intf,
                      uint32_t local_port)
{
    struct xen_dev *xd = arg;
    struct ioctl_gntdev_get_offset_for_vaddr where = {
        .vaddr = (uintptr_t)intf };
    struct ioctl_gntdev_unmap_grant_ref unmap = { .count = 1 };
    struct ioctl_evtchn_unbind unbind = { .port = local_port };

    (void)domid;
    ioctl(xd->evtchn_fd, IOCTL_EVTCHN_UNBIND, &unbind);
    if (ioctl(xd->gntdev_fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &where))
        where.offset = ~0ull;
    munmap(intf, 4096);
    if (where.offset != ~0ull) {
        unmap.index = where.offset;
        ioctl(xd->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
    }
}

static void xd_notify(void *arg, uint32_t local_port)
{
    struct xen_dev *xd = arg;
    struct ioctl_evtchn_notify kick = { .port = local_port };

    ioctl(xd->evtchn_fd, IOCTL_EVTCHN_NOTIFY, &kick);
}

static int xd_poll_fd(void *arg)
{
    return ((struct xen_dev *)arg)->evtchn_fd;
}

/* Reading returns the ports that fired; writing them back unmasks them. */
static void xd_drain(void *arg)
{
    struct xen_dev *xd = arg;
    uint32_t ports[64];
    ssize_t n;

    while ((n = read(xd->evtchn_fd, ports, sizeof(ports))) > 0)
        if (write(xd->evtchn_fd, ports, n) != n)
            break;
}

void xen_dev_init(struct xen_dev *xd)
{
    xd->evtchn_fd = xd->gntdev_fd = -1;
    xd->backend = (struct ring_backend){
        .attach = xd_attach,
        .detach = xd_detach,
        .notify = xd_notify,
        .poll_fd = xd_poll_fd,
        .drain = xd_drain,
        .arg = xd,
    };
}

void xen_dev_fini(struct xen_dev *xd)
{
    if (xd->evtchn_fd >= 0)
        close(xd->evtchn_fd);
    if (xd->gntdev_fd >= 0)
        close(xd->gntdev_fd);
}
