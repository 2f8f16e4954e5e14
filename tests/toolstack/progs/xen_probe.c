/*
 * xen-probe: raw hypercalls through /dev/xen/privcmd for the toolstack's
 * scenario tests, run in dom0 or in a test domU.
 *   xen-probe domctl              domctls (heron's hvm_build too) and a sysctl
 *                                 a domU must be refused
 *   xen-probe physinfo            free and total pages (exact, not MiB)
 *   xen-probe gnttab DOMID        GNTTABOP_dump_table: hv prints DOMID's grant
 *                                 table (frames, mappings it holds, pinned
 *                                 entries) on its console
 *   xen-probe shutdown REASON     SCHEDOP_shutdown of the caller itself
 *                                 (poweroff, reboot, crash), as a kernel does
 *   xen-probe ports               the caller's event channels in use
 *                                 (EVTCHNOP_status on each port): "ports N
 *                                 interdomain I"
 *   xen-probe domain ID           XEN_DOMCTL_getdomaininfo: "domain ID: STATE
 *                                 cpu_time_ns T" (STATE running, blocked,
 *                                 paused, shutdown, dying), or "domain ID:
 *                                 ESRCH"; works without xenstore
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
#include <public/sysctl.h>
#include <public/grant_table.h>
#include <public/sched.h>
#include <public/event_channel.h>
#include <xen/privcmd.h>

#define MAX_PORT 4096           /* ports per domain, as Xen's 2-level ABI */

static int privcmd = -1;
static void *buf;       /* one locked page: hv reads the arguments there */

static long hypercall3(unsigned int op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    struct privcmd_hypercall h = { .op = op, .arg = { a0, a1, a2, 0, 0 } };
    long rc = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &h);

    return rc < 0 ? -errno : rc;
}

static long hypercall(unsigned int op, uint64_t a0, uint64_t a1)
{
    return hypercall3(op, a0, a1, 0);
}

static const char *errname(long rc)
{
    static char s[32];

    switch (rc) {
    case 0: return "0";
    case -EPERM: return "EPERM";
    case -ESRCH: return "ESRCH";
    case -EINVAL: return "EINVAL";
    default:
        snprintf(s, sizeof(s), "%ld", rc);
        return s;
    }
}

static long domctl(uint32_t cmd, domid_t dom)
{
    struct xen_domctl *d = buf;

    memset(d, 0, sizeof(*d));
    d->cmd = cmd;
    d->domain = dom;
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    if (cmd == XEN_DOMCTL_createdomain) {
        d->u.createdomain.max_vcpus = 1;
        d->u.createdomain.grant_opts = 1;
        d->u.createdomain.max_grant_frames = -1;
        d->u.createdomain.max_maptrack_frames = -1;
    }
    return hypercall(__HYPERVISOR_domctl, (uintptr_t)d, 0);
}

static long physinfo(struct xen_sysctl_physinfo *pi)
{
    struct xen_sysctl *s = buf;
    long rc;

    memset(s, 0, sizeof(*s));
    s->cmd = XEN_SYSCTL_physinfo;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    rc = hypercall(__HYPERVISOR_sysctl, (uintptr_t)s, 0);
    if (!rc && pi)
        *pi = s->u.physinfo;
    return rc;
}

static int probe_domctl(void)
{
    printf("domctl createdomain: %s\n", errname(domctl(XEN_DOMCTL_createdomain, 0)));
    printf("domctl getdomaininfo 0: %s\n", errname(domctl(XEN_DOMCTL_getdomaininfo, 0)));
    printf("domctl pausedomain 0: %s\n", errname(domctl(XEN_DOMCTL_pausedomain, 0)));
    printf("domctl destroydomain 0: %s\n", errname(domctl(XEN_DOMCTL_destroydomain, 0)));
    printf("domctl hvm_build 0: %s\n", errname(domctl(HERON_DOMCTL_hvm_build, 0)));
    printf("sysctl physinfo: %s\n", errname(physinfo(NULL)));
    return 0;
}

static int probe_physinfo(void)
{
    struct xen_sysctl_physinfo pi;
    long rc = physinfo(&pi);

    if (rc) {
        fprintf(stderr, "xen-probe: physinfo: %s\n", errname(rc));
        return 1;
    }
    printf("free_pages %llu total_pages %llu\n", (unsigned long long)pi.free_pages,
           (unsigned long long)pi.total_pages);
    return 0;
}

static int probe_gnttab(const char *dom)
{
    struct gnttab_dump_table *d = buf;
    long rc;

    d->dom = (domid_t)strtoul(dom, NULL, 0);
    d->status = 0;
    rc = hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_dump_table, (uintptr_t)d, 1);
    printf("gnttab dump d%u: %s, status %d\n", d->dom, errname(rc), d->status);
    return rc || d->status ? 1 : 0;
}

static int probe_shutdown(const char *why)
{
    struct sched_shutdown *s = buf;
    long rc;

    if (!strcmp(why, "poweroff"))
        s->reason = SHUTDOWN_poweroff;
    else if (!strcmp(why, "reboot"))
        s->reason = SHUTDOWN_reboot;
    else if (!strcmp(why, "crash"))
        s->reason = SHUTDOWN_crash;
    else
        return 2;
    fflush(stdout);
    rc = hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uintptr_t)s);
    fprintf(stderr, "xen-probe: shutdown returned %s\n", errname(rc));
    return 1;
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
    const struct xen_domctl_getdomaininfo *info = &d->u.getdomaininfo;
    char *end;
    unsigned long id = strtoul(arg, &end, 10);
    const char *state;
    long rc;

    if (!*arg || *end || id >= DOMID_FIRST_RESERVED)
        return 2;
    rc = domctl(XEN_DOMCTL_getdomaininfo, (domid_t)id);
    /* getdomaininfo answers with the next domain up when this one is gone, as Xen's. */
    if (rc || info->domain != id) {
        printf("domain %lu: %s\n", id, rc && rc != -ESRCH ? errname(rc) : "ESRCH");
        return 1;
    }
    state = info->flags & XEN_DOMINF_dying ? "dying" :
            info->flags & XEN_DOMINF_shutdown ? "shutdown" :
            info->flags & XEN_DOMINF_paused ? "paused" :
            info->flags & XEN_DOMINF_running ? "running" : "blocked";
    printf("domain %lu: %s cpu_time_ns %llu\n", id, state, (unsigned long long)info->cpu_time);
    return 0;
}

int main(int argc, char **argv)
{
    privcmd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (privcmd < 0) {
        perror("xen-probe: /dev/xen/privcmd");
        return 1;
    }
    buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1, 0);
    if (buf == MAP_FAILED) {
        perror("xen-probe: mmap");
        return 1;
    }
    if (argc == 2 && !strcmp(argv[1], "domctl"))
        return probe_domctl();
    if (argc == 2 && !strcmp(argv[1], "physinfo"))
        return probe_physinfo();
    if (argc == 3 && !strcmp(argv[1], "gnttab"))
        return probe_gnttab(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "shutdown") && probe_shutdown(argv[2]) != 2)
        return 1;
    if (argc == 2 && !strcmp(argv[1], "ports"))
        return probe_ports();
    if (argc == 3 && !strcmp(argv[1], "domain")) {
        int rc = probe_domain(argv[2]);

        if (rc != 2)
            return rc;
    }
    fprintf(stderr, "usage: xen-probe domctl | physinfo | gnttab DOMID | "
            "shutdown poweroff|reboot|crash | ports | domain ID\n");
    return 2;
}
