/*
 * hvm-probe: HERON_DOMCTL_hvm_build's refusals, through dom0's
 * /dev/xen/privcmd, for test_hvm_domains.
 *   hvm-probe refusals KERNEL   createdomain's HVM checks; every bad
 *                               argument of hvm_build on a fresh HVM
 *                               domain (the domain's pages and hv's free
 *                               pages unchanged after each); a PV domain,
 *                               dom0 itself; a good build of KERNEL, then
 *                               a second one; both domains destroyed.
 * Prints one "what: ERRNO" line per check, then "pages unchanged" or
 * what changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <public/xen.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include <xen/privcmd.h>

static int privcmd = -1;
static uint8_t *buf;    /* locked pages: the domctl, the message, a zero page */

static long hypercall(unsigned int op, uint64_t a0)
{
    struct privcmd_hypercall h = { .op = op, .arg = { a0, 0, 0, 0, 0 } };
    long rc = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &h);

    return rc < 0 ? -errno : rc;
}

static const char *errname(long rc)
{
    static char s[32];

    switch (rc) {
    case 0: return "0";
    case -EPERM: return "EPERM";
    case -EINVAL: return "EINVAL";
    case -EFAULT: return "EFAULT";
    case -EEXIST: return "EEXIST";
    case -EOPNOTSUPP: return "EOPNOTSUPP";
    default:
        snprintf(s, sizeof(s), "%ld", rc);
        return s;
    }
}

static long domctl(struct xen_domctl *d)
{
    struct xen_domctl *b = (struct xen_domctl *)buf;
    long rc;

    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    *b = *d;
    rc = hypercall(__HYPERVISOR_domctl, (uintptr_t)b);
    *d = *b;
    return rc;
}

static long create(uint32_t flags, uint32_t vcpus, domid_t *id)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_createdomain };
    long rc;

    d.u.createdomain = (struct xen_domctl_createdomain){
        .flags = flags, .max_vcpus = vcpus, .grant_opts = 1, .max_grant_frames = -1,
        .max_maptrack_frames = -1,
    };
    rc = domctl(&d);
    *id = d.domain;
    return rc;
}

static long simple(uint32_t cmd, domid_t id, uint64_t arg)
{
    struct xen_domctl d = { .cmd = cmd, .domain = id };

    if (cmd == XEN_DOMCTL_max_vcpus)
        d.u.max_vcpus.max = (uint32_t)arg;
    else if (cmd == XEN_DOMCTL_max_mem)
        d.u.max_mem.max_memkb = arg;
    return domctl(&d);
}

static uint64_t tot_pages(domid_t id)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_getdomaininfo, .domain = id };

    return domctl(&d) ? ~0ull : d.u.getdomaininfo.tot_pages;
}

static uint64_t free_pages(void)
{
    struct xen_sysctl *s = (struct xen_sysctl *)(buf + 2048);

    memset(s, 0, sizeof(*s));
    s->cmd = XEN_SYSCTL_physinfo;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return hypercall(__HYPERVISOR_sysctl, (uintptr_t)s) ? ~0ull : s->u.physinfo.free_pages;
}

static char *msg(void)
{
    return (char *)buf + 4096;
}

static long build(domid_t id, struct heron_domctl_hvm_build b)
{
    struct xen_domctl d = { .cmd = HERON_DOMCTL_hvm_build, .domain = id };

    memset(msg(), 0, 256);
    b.msg = (uintptr_t)msg();
    b.msg_len = 256;
    d.u.hvm_build = b;
    return domctl(&d);
}

static int refusals(const char *kernel_path)
{
    struct heron_domctl_hvm_build good = { .ram_kb = 8192 }, b;
    uint8_t *zero = buf + 8192;
    char *cmdline = (char *)buf + 12288;
    int fd = open(kernel_path, O_RDONLY);
    struct stat st;
    uint8_t *kernel, *big = mmap(NULL, 8 << 20, PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    domid_t hvm, pv;
    uint64_t pages, free_before;
    bool same = true;

    if (big == MAP_FAILED || fd < 0 || fstat(fd, &st) || (kernel = malloc(st.st_size)) == NULL ||
        read(fd, kernel, st.st_size) != st.st_size) {
        perror(kernel_path);
        return 1;
    }
    close(fd);
    printf("hvm without hap: %s\n",
           errname(create(XEN_DOMCTL_CDF_hvm, 1, &hvm)));
    printf("hvm with 2 vcpus: %s\n",
           errname(create(XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap, 2, &hvm)));
    if (create(XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap, 1, &hvm) ||
        simple(XEN_DOMCTL_max_vcpus, hvm, 1) || simple(XEN_DOMCTL_max_mem, hvm, 9216) ||
        create(0, 1, &pv)) {
        printf("cannot create the domains\n");
        return 1;
    }
    good.image = (uintptr_t)kernel;
    good.image_len = st.st_size;
    pages = tot_pages(hvm);
    free_before = free_pages();
#define TRY(what, ...)                                                        \
    do {                                                                      \
        b = good;                                                             \
        __VA_ARGS__;                                                          \
        printf("%s: %s", what, errname(build(hvm, b)));                       \
        printf("%s%s\n", msg()[0] ? ": " : "", msg());                        \
        same &= tot_pages(hvm) == pages && free_pages() == free_before;       \
    } while (0)
    TRY("ram not whole pages", b.ram_kb = 8190);
    TRY("ram below 2 MiB", b.ram_kb = 1024);
    TRY("ram above max_mem", b.ram_kb = 16384);
    TRY("no kernel", b.image = 0);
    TRY("kernel of 0 bytes", b.image_len = 0);
    TRY("kernel above 64 MiB", b.image_len = 65ull << 20);
    TRY("initrd without length", b.initrd = (uintptr_t)kernel);
    TRY("initrd above 64 MiB", b.initrd = (uintptr_t)kernel; b.initrd_len = 65ull << 20);
    TRY("command line of 4096 bytes", b.cmdline = (uintptr_t)cmdline;
        b.cmdline_len = 4096);
    TRY("NUL in the command line", memcpy(cmdline, "a\0b", 3);
        b.cmdline = (uintptr_t)cmdline; b.cmdline_len = 3);
    TRY("kernel at an unmapped address", b.image = 0x1000);
    TRY("not a kernel", b.image = (uintptr_t)zero; b.image_len = 4096);
    TRY("initrd too big for RAM", b.initrd = (uintptr_t)big; b.initrd_len = 8 << 20);
#undef TRY
    printf("%s\n", same ? "pages unchanged" : "pages changed");
    printf("PV domain: %s: %s\n", errname(build(pv, good)), msg());
    printf("dom0 itself: %s: %s\n", errname(build(0, good)), msg());
    printf("good build: %s\n", errname(build(hvm, good)));
    printf("RAM in place: %s\n", tot_pages(hvm) >= pages + 2048 ? "yes" : "no");
    printf("second build: %s: %s\n", errname(build(hvm, good)), msg());
    printf("destroy: %s %s\n", errname(simple(XEN_DOMCTL_destroydomain, hvm, 0)),
           errname(simple(XEN_DOMCTL_destroydomain, pv, 0)));
    free(kernel);
    munmap(big, 8 << 20);
    return 0;
}

int main(int argc, char **argv)
{
    privcmd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    buf = mmap(NULL, 16384, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (privcmd < 0 || buf == MAP_FAILED) {
        perror("hvm-probe");
        return 1;
    }
    mlock(buf, 16384);
    if (argc == 3 && !strcmp(argv[1], "refusals"))
        return refusals(argv[2]);
    fprintf(stderr, "usage: hvm-probe refusals KERNEL\n");
    return 2;
}
