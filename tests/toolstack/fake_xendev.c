/* The fake /dev/xen/evtchn and /dev/xen/gntdev (fake_xendev.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <public/xen.h>
#include <public/grant_table.h>
#include <xen/evtchn.h>
#include <xen/gntdev.h>

#include "fake_hv.h"
#include "fake_xendev.h"

#define MAX_MAPS 64

int __real_open(const char *path, int flags, ...);
int __real_ioctl(int fd, unsigned long req, void *arg);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);

static struct fake_xendev *dev;
static struct fake_hv *hv;                  /* mode "use_hv" */
static int page_fd = -1, daemon_end = -1, evtchn_fd = -1, gntdev_fd = -1;
static unsigned int dom, remote_port, next_port = 10;
static struct { bool used; int fd; off_t off; void *va; } maps[MAX_MAPS];  /* by index */

static volatile unsigned int *counters(struct fake_xendev *x)
{
    volatile unsigned int *c = __real_mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                           MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    if (c == MAP_FAILED)
        abort();
    x->notifies = &c[0];
    x->unmaps = &c[1];
    x->unbinds = &c[2];
    return c;
}

void fake_xendev_setup(struct fake_xendev *x, unsigned int domid, unsigned int port)
{
    int sv[2];

    page_fd = memfd_create("console-page", 0);
    if (page_fd < 0 || ftruncate(page_fd, 4096) ||
        socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
        abort();
    x->ring = __real_mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, page_fd, 0);
    if (x->ring == MAP_FAILED)
        abort();
    counters(x);
    x->event_fd = sv[0];
    daemon_end = sv[1];
    dom = domid;
    remote_port = port;
    dev = x;
}

void fake_xendev_use_hv(struct fake_xendev *x, struct fake_hv *f)
{
    counters(x);
    x->ring = NULL;
    x->event_fd = -1;
    hv = f;
    dev = x;
}

int __wrap_open(const char *path, int flags, ...)
{
    va_list ap;
    int mode, sv[2];

    if (dev && !strcmp(path, "/dev/xen/evtchn")) {
        if (hv) {
            /* The other end stays open and silent: no event ever fires. */
            if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
                return -1;
            evtchn_fd = sv[1];
        } else {
            evtchn_fd = dup(daemon_end);
        }
        if (flags & O_NONBLOCK)
            fcntl(evtchn_fd, F_SETFL, O_NONBLOCK);
        return evtchn_fd;
    }
    if (dev && !strcmp(path, "/dev/xen/gntdev"))
        return gntdev_fd = __real_open("/dev/null", O_RDWR);
    if (!(flags & O_CREAT))
        return __real_open(path, flags);
    va_start(ap, flags);
    mode = va_arg(ap, int);
    va_end(ap);
    return __real_open(path, flags, mode);
}

static bool port_ok(unsigned int domid, unsigned int port)
{
    struct fake_domain *d;

    if (!hv)
        return domid == dom && port == remote_port;
    d = fake_hv_domain(hv, (domid_t)domid);
    return d && port >= 1 && port <= d->nr_ports && d->port_remote[port] == 0;
}

static int evtchn_ioctl(unsigned long req, void *arg)
{
    if (req == IOCTL_EVTCHN_BIND_INTERDOMAIN) {
        struct ioctl_evtchn_bind_interdomain *b = arg;

        if (!port_ok(b->remote_domain, b->remote_port)) {
            errno = EINVAL;
            return -1;
        }
        return hv ? (int)next_port++ : FAKE_LOCAL_PORT;
    }
    if (req == IOCTL_EVTCHN_NOTIFY) {
        struct ioctl_evtchn_notify *n = arg;

        if (!hv && n->port != FAKE_LOCAL_PORT) {
            errno = EINVAL;
            return -1;
        }
        (*dev->notifies)++;
        return 0;
    }
    if (req == IOCTL_EVTCHN_UNBIND) {
        (*dev->unbinds)++;
        return 0;
    }
    errno = ENOTTY;
    return -1;
}

static int gntdev_ioctl(unsigned long req, void *arg)
{
    if (req == IOCTL_GNTDEV_MAP_GRANT_REF) {
        struct ioctl_gntdev_map_grant_ref *m = arg;
        unsigned int i;
        int fd = page_fd;
        off_t off = 0;

        if (m->count != 1 ||
            (hv ? fake_hv_grant_page(hv, (domid_t)m->refs[0].domid, m->refs[0].ref,
                                     &fd, &off)
                : m->refs[0].domid != dom || m->refs[0].ref != GNTTAB_RESERVED_CONSOLE)) {
            errno = EINVAL;
            return -1;
        }
        for (i = 0; i < MAX_MAPS && maps[i].used; i++)
            ;
        if (i == MAX_MAPS) {
            errno = ENOMEM;
            return -1;
        }
        maps[i].used = true;
        maps[i].fd = fd;
        maps[i].off = off;
        maps[i].va = NULL;
        m->index = (uint64_t)i * 4096;
        return 0;
    }
    if (req == IOCTL_GNTDEV_UNMAP_GRANT_REF) {
        struct ioctl_gntdev_unmap_grant_ref *u = arg;

        if (u->index / 4096 >= MAX_MAPS || !maps[u->index / 4096].used) {
            errno = EINVAL;
            return -1;
        }
        maps[u->index / 4096].used = false;
        (*dev->unmaps)++;
        return 0;
    }
    if (req == IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR) {
        struct ioctl_gntdev_get_offset_for_vaddr *g = arg;

        for (unsigned int i = 0; i < MAX_MAPS; i++)
            if (maps[i].used && maps[i].va == (void *)(uintptr_t)g->vaddr) {
                g->offset = (uint64_t)i * 4096;
                g->count = 1;
                return 0;
            }
        errno = EINVAL;
        return -1;
    }
    errno = ENOTTY;
    return -1;
}

int __wrap_ioctl(int fd, unsigned long req, void *arg)
{
    if (dev && fd >= 0 && fd == evtchn_fd)
        return evtchn_ioctl(req, arg);
    if (dev && fd >= 0 && fd == gntdev_fd)
        return gntdev_ioctl(req, arg);
    return __real_ioctl(fd, req, arg);
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    if (dev && fd >= 0 && fd == gntdev_fd) {
        unsigned long i = (unsigned long)off / 4096;

        if (off % 4096 || i >= MAX_MAPS || !maps[i].used || len != 4096) {
            errno = EINVAL;
            return MAP_FAILED;
        }
        maps[i].va = __real_mmap(addr, len, prot, MAP_SHARED, maps[i].fd, maps[i].off);
        return maps[i].va;
    }
    return __real_mmap(addr, len, prot, flags, fd, off);
}
