/*
 * xen-probe: raw hypercalls through /dev/xen/privcmd for the toolstack's
 * scenario tests, run in dom0 or in a test domU.
 *   xen-probe domctl              domctls and a sysctl a domU must be refused
 *   xen-probe physinfo            free and total pages (exact, not MiB)
 *   xen-probe shutdown REASON     SCHEDOP_shutdown of the caller itself
 *                                 (poweroff, reboot, crash), as a kernel does
 *   xen-probe xs-read MFN PORT PATH...
 *                                 in a domU: XS_READ of each PATH over the
 *                                 domain's own xenstore ring (its frame MFN,
 *                                 its event channel PORT), as a kernel's
 *                                 xenbus does; prints the value or error
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
#include <public/sched.h>
#include <public/event_channel.h>
#include <public/io/xs_wire.h>
#include <xen/privcmd.h>

static int privcmd = -1;
static void *buf;       /* one locked page: hv reads the arguments there */

static long hypercall(unsigned int op, uint64_t a0, uint64_t a1)
{
    struct privcmd_hypercall h = { .op = op, .arg = { a0, a1, 0, 0, 0 } };
    long rc = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &h);

    return rc < 0 ? -errno : rc;
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

/* Copies n bytes into the request ring, waiting for room. */
static int ring_put(struct xenstore_domain_interface *xs, const void *p, size_t n)
{
    const char *b = p;

    while (n) {
        XENSTORE_RING_IDX prod = xs->req_prod;

        if (prod - __atomic_load_n(&xs->req_cons, __ATOMIC_ACQUIRE) >= XENSTORE_RING_SIZE) {
            usleep(1000);
            continue;
        }
        xs->req[MASK_XENSTORE_IDX(prod)] = *b++;
        __atomic_store_n(&xs->req_prod, prod + 1, __ATOMIC_RELEASE);
        n--;
    }
    return 0;
}

/* Takes n bytes from the response ring; -1 after two seconds without. */
static int ring_get(struct xenstore_domain_interface *xs, void *p, size_t n)
{
    char *b = p;
    int waited = 0;

    while (n) {
        XENSTORE_RING_IDX cons = xs->rsp_cons;

        if (cons == __atomic_load_n(&xs->rsp_prod, __ATOMIC_ACQUIRE)) {
            if (++waited > 2000)
                return -1;
            usleep(1000);
            continue;
        }
        *b++ = xs->rsp[MASK_XENSTORE_IDX(cons)];
        __atomic_store_n(&xs->rsp_cons, cons + 1, __ATOMIC_RELEASE);
        n--;
    }
    return 0;
}

static int probe_xs_read(unsigned long mfn, unsigned int port, int n, char **paths)
{
    xen_pfn_t frame = mfn;
    int err = 0;
    struct privcmd_mmapbatch_v2 batch = { .num = 1, .dom = DOMID_SELF, .arr = &frame,
                                          .err = &err };
    struct xenstore_domain_interface *xs;
    struct evtchn_send *send = buf;
    static char payload[XENSTORE_PAYLOAD_MAX + 1];

    xs = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd, 0);
    if (xs == MAP_FAILED) {
        perror("xen-probe: mmap of privcmd");
        return 1;
    }
    batch.addr = (uintptr_t)xs;
    if (ioctl(privcmd, IOCTL_PRIVCMD_MMAPBATCH_V2, &batch) || err) {
        fprintf(stderr, "xen-probe: mapping the store frame: %s\n", errname(err ? err : -errno));
        return 1;
    }
    printf("xs ring: connection %u, server features %#x\n", xs->connection,
           xs->server_features);
    for (int i = 0; i < n; i++) {
        struct xsd_sockmsg m = { .type = XS_READ, .req_id = (uint32_t)i + 1,
                                 .len = (uint32_t)strlen(paths[i]) + 1 };
        long rc;

        ring_put(xs, &m, sizeof(m));
        ring_put(xs, paths[i], m.len);
        send->port = port;
        rc = hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uintptr_t)send);
        if (rc) {
            printf("xs read %s: send: %s\n", paths[i], errname(rc));
            return 1;
        }
        if (ring_get(xs, &m, sizeof(m)) || m.len > XENSTORE_PAYLOAD_MAX ||
            ring_get(xs, payload, m.len)) {
            printf("xs read %s: no reply\n", paths[i]);
            return 1;
        }
        payload[m.len] = 0;
        printf("xs read %s: %s%s (req_id %u)\n", paths[i],
               m.type == XS_ERROR ? "error " : "", payload, m.req_id);
    }
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
    if (argc == 3 && !strcmp(argv[1], "shutdown") && probe_shutdown(argv[2]) != 2)
        return 1;
    if (argc >= 5 && !strcmp(argv[1], "xs-read"))
        return probe_xs_read(strtoul(argv[2], NULL, 0), (unsigned int)strtoul(argv[3], NULL, 0),
                             argc - 4, argv + 4);
    fprintf(stderr, "usage: xen-probe domctl | physinfo | shutdown poweroff|reboot|crash |\n"
                    "       xs-read MFN PORT PATH...\n");
    return 2;
}
