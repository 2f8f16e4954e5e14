/*
 * fault-probe: dom0's view of hv for the fault tests (scripts/faults.sh),
 * where heron itself may be unusable (xenstored killed).
 *   fault-probe ports        dom0's event channels in use (EVTCHNOP_status
 *                            on each port): "ports N interdomain I"
 *   fault-probe domain ID    XEN_DOMCTL_getdomaininfo: "domain ID: STATE
 *                            cpu_time_ns T" (STATE running, blocked,
 *                            paused, shutdown, dying), or "domain ID: ESRCH"
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <public/xen.h>
#include <public/domctl.h>
#include <public/event_channel.h>
#include <xen/privcmd.h>

#define MAX_PORT 4096           /* hv's ports per domain, as Xen's 2-level ABI */

static int privcmd = -1;
static void *buf;               /* one locked page: hv reads the arguments there */

static long hypercall(unsigned int op, uint64_t a0, uint64_t a1)
{
    struct privcmd_hypercall h = { .op = op, .arg = { a0, a1, 0, 0, 0 } };
    long rc = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &h);

    return rc < 0 ? -errno : rc;
}

static int probe_ports(void)
{
    struct evtchn_status *st = buf;
    unsigned int used = 0, interdomain = 0;

    for (evtchn_port_t p = 1; p < MAX_PORT; p++) {
        memset(st, 0, sizeof(*st));
        st->dom = DOMID_SELF;
        st->port = p;
        if (hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_status, (uintptr_t)st))
            continue;
        used += st->status != EVTCHNSTAT_closed;
        interdomain += st->status == EVTCHNSTAT_interdomain;
    }
    printf("ports %u interdomain %u\n", used, interdomain);
    return 0;
}

static int probe_domain(const char *arg)
{
    struct xen_domctl *d = buf;
    char *end;
    unsigned long id = strtoul(arg, &end, 10);
    const char *state;
    long rc;

    if (!*arg || *end || id >= DOMID_FIRST_RESERVED)
        return 2;
    memset(d, 0, sizeof(*d));
    d->cmd = XEN_DOMCTL_getdomaininfo;
    d->domain = (domid_t)id;
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    rc = hypercall(__HYPERVISOR_domctl, (uintptr_t)d, 0);
    /* getdomaininfo answers with the next domain up when this one is gone, as Xen's. */
    if (rc || d->u.getdomaininfo.domain != id) {
        printf("domain %lu: %s\n", id, rc && rc != -ESRCH ? strerror((int)-rc) : "ESRCH");
        return 1;
    }
    state = d->u.getdomaininfo.flags & XEN_DOMINF_dying ? "dying" :
            d->u.getdomaininfo.flags & XEN_DOMINF_shutdown ? "shutdown" :
            d->u.getdomaininfo.flags & XEN_DOMINF_paused ? "paused" :
            d->u.getdomaininfo.flags & XEN_DOMINF_running ? "running" : "blocked";
    printf("domain %lu: %s cpu_time_ns %llu\n", id, state,
           (unsigned long long)d->u.getdomaininfo.cpu_time);
    return 0;
}

int main(int argc, char **argv)
{
    privcmd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (privcmd < 0) {
        perror("fault-probe: /dev/xen/privcmd");
        return 1;
    }
    buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1, 0);
    if (buf == MAP_FAILED) {
        perror("fault-probe: mmap");
        return 1;
    }
    if (argc == 2 && !strcmp(argv[1], "ports"))
        return probe_ports();
    if (argc == 3 && !strcmp(argv[1], "domain")) {
        int rc = probe_domain(argv[2]);

        if (rc != 2)
            return rc;
    }
    fprintf(stderr, "usage: fault-probe ports | domain ID\n");
    return 2;
}
