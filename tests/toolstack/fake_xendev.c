/* The fake /dev/xen/evtchn and /dev/xen/gntdev (fake_xendev.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
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

#include "fake_xendev.h"

int __real_open(const char *path, int flags, ...);
int __real_ioctl(int fd, unsigned long req, void *arg);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);

static struct fake_xendev *dev;
static int page_fd = -1, daemon_end = -1, evtchn_fd = -1, gntdev_fd = -1;
static unsigned int dom, remote_port;

void fake_xendev_setup(struct fake_xendev *x, unsigned int domid, unsigned int port)
{
    volatile unsigned int *counters;
    int sv[2];

    page_fd = memfd_create("console-page", 0);
    if (page_fd < 0 || ftruncate(page_fd, 4096) ||
        socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
        abort();
    x->ring = __real_mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, page_fd, 0);
    counters = __real_mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (x->ring == MAP_FAILED || counters == MAP_FAILED)
        abort();
    x->notifies = &counters[0];
    x->unmaps = &counters[1];
    x->unbinds = &counters[2];
    x->event_fd = sv[0];
    daemon_end = sv[1];
    dom = domid;
    remote_port = port;
    dev = x;
}

int __wrap_open(const char *path, int flags, ...)
{
    va_list ap;
    int mode;

    if (dev && !strcmp(path, "/dev/xen/evtchn")) {
        evtchn_fd = dup(daemon_end);
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

static int evtchn_ioctl(unsigned long req, void *arg)
{
    if (req == IOCTL_EVTCHN_BIND_INTERDOMAIN) {
        struct ioctl_evtchn_bind_interdomain *b = arg;

        if (b->remote_domain != dom || b->remote_port != remote_port) {
            errno = EINVAL;
            return -1;
        }
        return FAKE_LOCAL_PORT;
    }
    if (req == IOCTL_EVTCHN_NOTIFY) {
        struct ioctl_evtchn_notify *n = arg;

        if (n->port != FAKE_LOCAL_PORT) {
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

        if (m->count != 1 || m->refs[0].domid != dom ||
            m->refs[0].ref != GNTTAB_RESERVED_CONSOLE) {
            errno = EINVAL;
            return -1;
        }
        m->index = 0;
        return 0;
    }
    if (req == IOCTL_GNTDEV_UNMAP_GRANT_REF) {
        (*dev->unmaps)++;
        return 0;
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
        if (off != 0 || len != 4096) {
            errno = EINVAL;
            return MAP_FAILED;
        }
        return __real_mmap(addr, len, prot, MAP_SHARED, page_fd, 0);
    }
    return __real_mmap(addr, len, prot, flags, fd, off);
}
