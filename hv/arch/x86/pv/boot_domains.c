/*
 * Boot-time domains from multiboot modules (docs/pv.md, "Boot options";
 * docs/hvm.md for hvm=).
 *
 *   module 0            dom0's kernel; its command line is dom0's
 *   module 1            dom0's initrd, unless a domu= or hvm= option uses it
 *   domu=IDX:MEM[:initrd=IDX][:weight=W][:vcpus=V][:paused]   (repeatable)
 *                       module IDX becomes domain N (N-th domu= or hvm=
 *                       option), with MEM of memory (K, M or G suffix;
 *                       none = KiB) and V vCPUs (default 1; all but
 *                       vCPU 0 start offline, for VCPUOP_initialise/up);
 *                       paused: built paused by the controller, as
 *                       `xl create -p`, until dom0's domctl unpauses it
 *   hvm=IDX:MEM[:initrd=IDX][:weight=W][:paused]    (repeatable)
 *                       the same for an HVM domain: module IDX is a
 *                       multiboot kernel, the initrd its module
 *   dom0_mem=MEM        dom0's memory (default: what the domUs leave, less
 *                       a reserve for hv)
 *   dom0_weight=W       dom0's scheduler weight (default 256)
 *
 * A bad option or module is reported and that domain is not created; hv
 * carries on with the others.
 */
#include <hv/pv_build.h>
#include <hv/hvm_build.h>
#include <hv/bootinfo.h>
#include <hv/cmdline.h>
#include <hv/console_io.h>
#include <hv/mm.h>
#include <hv/page.h>
#include <hv/lib.h>

#define MAX_BOOT_DOMUS   (BOOT_MAX_MODULES - 1)
#define NO_MODULE        (~0u)
#define MIN_MEM_PAGES    256             /* 1 MiB */
#define MAX_WEIGHT       65535

struct boot_domu {
    bool ok;                    /* the option parsed and checked out */
    bool hvm;                   /* hvm= rather than domu= */
    unsigned int kernel, initrd;
    u64 pages;
    unsigned int weight;
    unsigned int vcpus;
    bool paused;
    char opt[64];
};

static struct boot_domu domus[MAX_BOOT_DOMUS];
static unsigned int nr_domus;

/* "64M", "65536K", "1G", "1024" (KiB, as Xen); 0 on error. */
static u64 parse_size(const char *s, const char **end)
{
    u64 v = 0;

    if (*s < '0' || *s > '9')
        return 0;
    while (*s >= '0' && *s <= '9') {
        if (v > (~0UL >> 4) / 10)
            return 0;
        v = v * 10 + (u64)(*s++ - '0');
    }
    switch (*s) {
    case 'G': case 'g': v <<= 30; s++; break;
    case 'M': case 'm': v <<= 20; s++; break;
    case 'K': case 'k': v <<= 10; s++; break;
    default: v <<= 10; break;
    }
    *end = s;
    return v;
}

static bool parse_uint(const char *s, const char **end, unsigned int *out)
{
    unsigned long v = 0;

    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9' && v <= 0xffffffffUL)
        v = v * 10 + (unsigned long)(*s++ - '0');
    if (v > 0xffffffffUL)
        return false;
    *out = v;
    *end = s;
    return true;
}

static bool bad_domu(struct boot_domu *u, unsigned int n, const char *why)
{
    printk("boot: %s=%s: %s; domain %u not created\n", u->hvm ? "hvm" : "domu",
           u->opt, why, n);
    return false;
}

/* Parses "IDX:MEM[:initrd=IDX][:weight=W][:vcpus=V][:paused]" for domain n. */
static bool parse_domu(struct boot_domu *u, unsigned int n)
{
    const char *p = u->opt, *e;
    u64 bytes;

    u->initrd = NO_MODULE;
    u->weight = DEFAULT_WEIGHT;
    u->vcpus = 1;
    u->paused = false;
    if (!parse_uint(p, &e, &u->kernel) || *e != ':')
        return bad_domu(u, n, "expected IDX:MEM");
    bytes = parse_size(e + 1, &p);
    if (!bytes)
        return bad_domu(u, n, "bad memory size");
    u->pages = bytes >> PAGE_SHIFT;
    while (*p == ':') {
        p++;
        if (!strncmp(p, "initrd=", 7)) {
            if (!parse_uint(p + 7, &p, &u->initrd))
                return bad_domu(u, n, "bad initrd module index");
        } else if (!strncmp(p, "weight=", 7)) {
            if (!parse_uint(p + 7, &p, &u->weight) || u->weight < 1 ||
                u->weight > MAX_WEIGHT)
                return bad_domu(u, n, "weight must be 1-65535");
        } else if (!strncmp(p, "vcpus=", 6)) {
            if (!parse_uint(p + 6, &p, &u->vcpus) || u->vcpus < 1 ||
                u->vcpus > MAX_VIRT_CPUS || (u->hvm && u->vcpus != 1))
                return bad_domu(u, n, "vcpus must be 1-32 (1 for HVM)");
        } else if (!strncmp(p, "paused", 6) && (p[6] == ':' || !p[6])) {
            u->paused = true;
            p += 6;
        } else {
            return bad_domu(u, n, "unknown key (initrd=, weight=, vcpus=, paused)");
        }
    }
    if (*p)
        return bad_domu(u, n, "trailing characters");
    if (u->pages < MIN_MEM_PAGES)
        return bad_domu(u, n, "memory below 1 MiB");
    if (u->hvm && u->pages < (HVM_MIN_RAM >> PAGE_SHIFT))
        return bad_domu(u, n, "memory below 2 MiB");
    if (u->kernel == 0 || u->kernel >= bootinfo.nr_modules)
        return bad_domu(u, n, "no such module for the kernel (module 0 is dom0's)");
    if (u->initrd != NO_MODULE && (u->initrd == 0 || u->initrd >= bootinfo.nr_modules ||
                                   u->initrd == u->kernel))
        return bad_domu(u, n, "no such module for the initrd");
    return true;
}

/* Collects every domu= and hvm= word, in order (cmdline_find only sees
 * the last one). */
static void find_domu_options(void)
{
    const char *p = bootinfo.cmdline;

    while (*p) {
        const char *w;
        size_t len, skip;

        while (*p == ' ')
            p++;
        w = p;
        while (*p && *p != ' ')
            p++;
        len = p - w;
        if (len > 5 && !strncmp(w, "domu=", 5))
            skip = 5;
        else if (len > 4 && !strncmp(w, "hvm=", 4))
            skip = 4;
        else
            continue;
        if (nr_domus == MAX_BOOT_DOMUS) {
            printk("boot: more than %u domu=/hvm= options; the rest are ignored\n",
                   MAX_BOOT_DOMUS);
            return;
        }
        domus[nr_domus].hvm = skip == 4;
        len = min(len - skip, sizeof(domus[0].opt) - 1);
        memcpy(domus[nr_domus].opt, w + skip, len);
        domus[nr_domus].opt[len] = '\0';
        nr_domus++;
    }
}

/* Kernels may not be shared, and a kernel module is nobody's initrd. */
static void check_module_use(void)
{
    for (unsigned int i = 0; i < nr_domus; i++) {
        struct boot_domu *u = &domus[i];

        if (!u->ok)
            continue;
        for (unsigned int j = 0; j < nr_domus; j++) {
            if (j == i || !domus[j].ok)
                continue;
            if (j < i && domus[j].kernel == u->kernel) {
                u->ok = bad_domu(u, i + 1, "module already used by another domu");
                break;
            }
            if (u->initrd != NO_MODULE && u->initrd == domus[j].kernel) {
                u->ok = bad_domu(u, i + 1, "initrd module is another domu's kernel");
                break;
            }
        }
    }
}

static bool module_claimed(unsigned int idx)
{
    for (unsigned int i = 0; i < nr_domus; i++)
        if (domus[i].ok && (domus[i].kernel == idx || domus[i].initrd == idx))
            return true;
    return false;
}

static bool read_weight(const char *opt, unsigned int *w)
{
    char val[16];
    const char *e;

    *w = DEFAULT_WEIGHT;
    if (!cmdline_find(bootinfo.cmdline, opt, val, sizeof(val)))
        return true;
    if (!parse_uint(val, &e, w) || *e || *w < 1 || *w > MAX_WEIGHT) {
        printk("boot: ignoring %s=%s (1-65535)\n", opt, val);
        *w = DEFAULT_WEIGHT;
        return false;
    }
    return true;
}

/* dom0_mem=, or everything the domUs leave but a reserve for hv. */
static u64 dom0_pages(void)
{
    char val[32];
    const char *e;
    u64 avail = free_frames(), reserve, want = 0;

    if (cmdline_find(bootinfo.cmdline, "dom0_mem", val, sizeof(val))) {
        u64 bytes = parse_size(val, &e);

        if (bytes && !*e && (bytes >> PAGE_SHIFT) >= MIN_MEM_PAGES)
            return bytes >> PAGE_SHIFT;
        printk("boot: ignoring dom0_mem=%s (a size of at least 1M)\n", val);
    }
    for (unsigned int i = 0; i < nr_domus; i++)
        if (domus[i].ok)
            want += domus[i].pages;
    reserve = min(avail / 16, (u64)(128UL << (20 - PAGE_SHIFT)));
    return avail > want + reserve ? avail - want - reserve : 0;
}

static const void *module_data(unsigned int idx, size_t *len)
{
    const struct boot_module *m = &bootinfo.modules[idx];

    *len = m->end - m->start;
    return maddr_to_virt(m->start);
}

static struct domain *build_hvm_domain(domid_t id, unsigned int kernel,
                                       unsigned int initrd, u64 pages,
                                       unsigned int weight, char *err,
                                       size_t errlen)
{
    struct hvm_build_params p = {
        .domid = id,
        .nr_pages = pages,
        .weight = weight,
        .cmdline = bootinfo.modules[kernel].cmdline,
    };

    p.image = module_data(kernel, &p.image_len);
    if (initrd != NO_MODULE) {
        p.initrd = module_data(initrd, &p.initrd_len);
        p.initrd_cmdline = bootinfo.modules[initrd].cmdline;
    }
    return hvm_build_domain(&p, err, errlen);
}

static struct domain *build_pv_domain(domid_t id, unsigned int kernel,
                                      unsigned int initrd, u64 pages,
                                      unsigned int weight, unsigned int vcpus,
                                      char *err, size_t errlen)
{
    struct pv_build_params p = {
        .domid = id,
        .privileged = id == 0,
        .nr_pages = pages,
        .weight = weight,
        .max_vcpus = vcpus,
        .cmdline = bootinfo.modules[kernel].cmdline,
    };

    p.image = module_data(kernel, &p.image_len);
    if (initrd != NO_MODULE)
        p.initrd = module_data(initrd, &p.initrd_len);
    return pv_build_domain(&p, err, errlen);
}

static struct domain *build_boot_domain(domid_t id, bool hvm, unsigned int kernel,
                                        unsigned int initrd, u64 pages,
                                        unsigned int weight, unsigned int vcpus)
{
    char err[160];
    struct domain *d = hvm
        ? build_hvm_domain(id, kernel, initrd, pages, weight, err, sizeof(err))
        : build_pv_domain(id, kernel, initrd, pages, weight, vcpus, err, sizeof(err));

    if (!d)
        printk("boot: domain %u (module %u): %s; not created\n", id, kernel, err);
    return d;
}

void create_boot_domains(void)
{
    struct domain *built[1 + MAX_BOOT_DOMUS];
    bool paused[1 + MAX_BOOT_DOMUS] = { false };
    unsigned int nr = 0, w0;
    u64 pages0;

    if (bootinfo.nr_modules == 0) {
        printk("boot: no modules: no domains to start\n");
        return;
    }
    find_domu_options();
    for (unsigned int i = 0; i < nr_domus; i++)
        domus[i].ok = parse_domu(&domus[i], i + 1);
    check_module_use();

    domain_accounting_start();
    read_weight("dom0_weight", &w0);
    pages0 = dom0_pages();
    if (pages0 < MIN_MEM_PAGES)
        printk("boot: domain 0: not enough memory left (%lu KiB); not created\n",
               (unsigned long)(pages0 << 2));
    else if ((built[nr] = build_boot_domain(0, false, 0,
                  bootinfo.nr_modules > 1 && !module_claimed(1) ? 1 : NO_MODULE,
                  pages0, w0, 1)) != NULL)
        nr++;
    for (unsigned int i = 0; i < nr_domus; i++)
        if (domus[i].ok &&
            (built[nr] = build_boot_domain(i + 1, domus[i].hvm, domus[i].kernel,
                                           domus[i].initrd, domus[i].pages,
                                           domus[i].weight, domus[i].vcpus)) != NULL)
            paused[nr++] = domus[i].paused;
    for (unsigned int i = 0; i < bootinfo.nr_modules; i++)
        if (i > 1 && !module_claimed(i))
            printk("boot: module %u is not used by any domain\n", i);

    if (hardware_domain())
        console_rx_init();
    for (unsigned int i = 0; i < nr; i++) {
        if (paused[i]) {
            domain_pause_by_controller(built[i]);
            printk("boot: domain %u paused until its controller unpauses it\n",
                   built[i]->domain_id);
        }
        if (built[i]->type == DOMAIN_HVM)
            hvm_start_domain(built[i]);
        else
            pv_start_domain(built[i]);
    }
    printk("boot: %u domain%s started\n", nr, nr == 1 ? "" : "s");
}
