/*
 * The heron CLI on the host: argument parsing and help, and every
 * command against the fake hv and a real heron-xenstored on a temporary
 * socket (INTRODUCE answers EIO there, so a create runs to that step and
 * must then undo everything).
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <public/sched.h>

#include "create.h"
#include "fake_hv.h"
#include "heron.h"
#include "monitor.h"
#include "xs_domain.h"
#include "xsd_run.h"

#define KERNEL HERON_BUILD_DIR "/pvops-guest.elf"

static struct xsd_run xsd;
static char cfgpath[128];
static struct fake_hv *fh;
static struct heron_env env;
static char *out_buf, *err_buf;
static size_t out_len, err_len;

static void setup(void)
{
    xsd_start(&xsd);
    snprintf(cfgpath, sizeof(cfgpath), "%s/d.cfg", xsd.dir);
    fh = fake_hv_new(16384);
    env = (struct heron_env){ .hv = fake_hv_ops(fh), .xs = hxs_open(xsd.sock),
                              .console_socket = "/nonexistent/console.sock" };
    ck_assert_ptr_nonnull(env.xs);
    env.out = open_memstream(&out_buf, &out_len);
    env.err = open_memstream(&err_buf, &err_len);
    ck_assert_int_eq(hxs_write(env.xs, 0, "/local/domain/0/name", "Domain-0", 8), 0);
    /* Directories that stay once the first domain made them, as in Xen. */
    ck_assert_int_eq(hxs_mkdir(env.xs, 0, "/vm"), 0);
    ck_assert_int_eq(hxs_mkdir(env.xs, 0, "/libxl"), 0);
    ck_assert_int_eq(hxs_mkdir(env.xs, 0, "/local/domain/0/backend/vbd"), 0);
    ck_assert_int_eq(hxs_mkdir(env.xs, 0, "/local/domain/0/backend/vif"), 0);
}

static void teardown(void)
{
    hxs_close(env.xs);
    fclose(env.out);
    fclose(env.err);
    free(out_buf);
    free(err_buf);
    fake_hv_free(fh);
    xsd_stop(&xsd);
}

/* Runs `heron ARGS...`; output and errors in out_buf / err_buf. */
static int heron(const char *first, ...)
{
    char *argv[16] = { "heron", (char *)first };
    struct heron_cmd cmd;
    char err[512];
    int argc = 2, rc;
    va_list ap;

    va_start(ap, first);
    while ((argv[argc] = va_arg(ap, char *)))
        argc++;
    va_end(ap);
    fclose(env.out);
    fclose(env.err);
    free(out_buf);
    free(err_buf);
    env.out = open_memstream(&out_buf, &out_len);
    env.err = open_memstream(&err_buf, &err_len);
    rc = heron_parse_args(argc, argv, &cmd, err, sizeof(err));
    if (rc) {
        fprintf(env.err, "%s\n", err);
    } else {
        cmd.no_monitor = true;
        rc = heron_run(&env, &cmd);
    }
    fflush(env.out);
    fflush(env.err);
    return rc;
}

#define HERON(...) heron(__VA_ARGS__, (char *)NULL)

static void write_cfg(const char *text)
{
    FILE *f = fopen(cfgpath, "w");

    fputs(text, f);
    fclose(f);
}

/* Every node below path, counted (path itself included). */
static unsigned int count_nodes(const char *path)
{
    char **names;
    unsigned int n, total = 1;

    if (hxs_directory(env.xs, 0, path, &names, &n))
        return 0;
    for (unsigned int i = 0; i < n; i++) {
        char child[512];

        snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", names[i]);
        total += count_nodes(child);
    }
    free(names);
    return total;
}

static char *xs_get(const char *path)
{
    char *v;

    return hxs_read(env.xs, 0, path, &v, NULL) ? NULL : v;
}

static void xs_is(const char *path, const char *want)
{
    char *v = xs_get(path);

    ck_assert_msg(v != NULL, "%s missing", path);
    ck_assert_msg(!strcmp(v, want), "%s = '%s', want '%s'", path, v, want);
    free(v);
}

/* A built, named domain (what create leaves before INTRODUCE). */
static domid_t make_domain(const char *name, unsigned int mem_mb)
{
    struct domain_cfg dc = { .name = (char *)name, .memory_mb = mem_mb,
                             .maxmem_mb = mem_mb * 2, .vcpus = 2, .cmdline = "" };
    size_t len;
    void *k = read_whole_file(KERNEL, &len);
    struct pv_build_request req = { .kernel = k, .kernel_len = len,
                                    .mem_kb = mem_mb * 1024, .maxmem_kb = mem_mb * 2048,
                                    .vcpus = 2 };
    struct pv_build_result res;
    char err[256];

    ck_assert_msg(pv_build(env.hv, &req, &res, err, sizeof(err)) == 0, "%s", err);
    free(k);
    ck_assert_int_eq(xs_domain_write(env.xs, res.domid, &dc, &res,
                                     "00000000-0000-4000-8000-00000000000a"), 0);
    ck_assert_int_eq(env.hv->unpause(env.hv->ctx, res.domid), 0);
    return res.domid;
}

START_TEST(arguments)
{
    struct heron_cmd c;
    char err[256];
    char *a1[] = { "heron", "create", "-c", "x.cfg" };
    char *a2[] = { "heron", "list", "--json" };
    char *a3[] = { "heron", "mem-set", "web", "2g" };
    char *a4[] = { "heron", "shutdown", "-F", "-w", "7" };
    char *a5[] = { "heron" };
    char *a6[] = { "heron", "--help" };

    ck_assert_int_eq(heron_parse_args(4, a1, &c, err, sizeof(err)), 0);
    ck_assert(c.id == CMD_CREATE && c.console && !strcmp(c.config, "x.cfg"));
    ck_assert_int_eq(heron_parse_args(3, a2, &c, err, sizeof(err)), 0);
    ck_assert(c.id == CMD_LIST && c.json && !c.domain);
    ck_assert_int_eq(heron_parse_args(4, a3, &c, err, sizeof(err)), 0);
    ck_assert(c.id == CMD_MEM_SET && !strcmp(c.domain, "web"));
    ck_assert_uint_eq(c.mem_kb, 2ull << 20);
    ck_assert_int_eq(heron_parse_args(5, a4, &c, err, sizeof(err)), 0);
    ck_assert(c.force && c.wait && !strcmp(c.domain, "7"));
    ck_assert_int_eq(heron_parse_args(1, a5, &c, err, sizeof(err)), 0);
    ck_assert_int_eq(c.id, CMD_HELP);
    ck_assert_int_eq(heron_parse_args(2, a6, &c, err, sizeof(err)), 0);
    ck_assert_int_eq(c.id, CMD_HELP);
}
END_TEST

static void usage_error(const char *want, char *const *argv, int argc)
{
    struct heron_cmd c;
    char err[256];

    ck_assert_int_eq(heron_parse_args(argc, argv, &c, err, sizeof(err)), HERON_EUSAGE);
    ck_assert_msg(!strcmp(err, want), "got '%s' want '%s'", err, want);
}

#define USAGE(want, ...) do { char *v[] = { "heron", __VA_ARGS__ }; \
        usage_error(want, v, sizeof(v) / sizeof(v[0])); } while (0)

START_TEST(argument_errors)
{
    USAGE("heron: unknown command 'frob' (try 'heron help')", "frob");
    USAGE("heron: create: missing argument (usage: heron create [-c] [-n] CONFIG)", "create");
    USAGE("heron: create: unknown option '-x' (usage: heron create [-c] [-n] CONFIG)",
          "create", "-x", "a");
    USAGE("heron: destroy: too many arguments (usage: heron destroy DOMAIN)",
          "destroy", "a", "b");
    USAGE("heron: list: too many arguments (usage: heron list [--json] [DOMAIN])",
          "list", "a", "b", "c");
    USAGE("heron: list: unknown option '-c' (usage: heron list [--json] [DOMAIN])",
          "list", "-c");
    USAGE("heron: info: too many arguments (usage: heron info)", "info", "x");
    USAGE("heron: mem-set: missing argument (usage: heron mem-set DOMAIN MEMORY)",
          "mem-set", "web");
    USAGE("heron: mem-set: '12q' is not a memory size (MiB, or a number with k, m or g)",
          "mem-set", "web", "12q");
    USAGE("heron: mem-set: '0' is not a memory size (MiB, or a number with k, m or g)",
          "mem-set", "web", "0");
    USAGE("heron: mem-set: '-5' is not a memory size (MiB, or a number with k, m or g)",
          "mem-set", "web", "-5");
    USAGE("heron: mem-set: '1mm' is not a memory size (MiB, or a number with k, m or g)",
          "mem-set", "web", "1mm");
    USAGE("heron: pause: empty domain name", "pause", "");
    USAGE("heron: shutdown: unknown option '-c' (usage: heron shutdown [-F] [-w] DOMAIN)",
          "shutdown", "-c", "x");
    USAGE("heron: console: missing argument (usage: heron console DOMAIN)", "console");
}
END_TEST

START_TEST(help_text)
{
    static const char *const names[] = { "create", "list", "destroy", "shutdown", "reboot",
                                         "pause", "unpause", "console", "mem-set",
                                         "vcpu-list", "info", "help" };

    ck_assert_int_eq(HERON("help"), 0);
    for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char want[32];

        snprintf(want, sizeof(want), "  heron %s", names[i]);
        ck_assert_msg(strstr(out_buf, want), "help lacks %s", names[i]);
    }
    ck_assert_ptr_nonnull(strstr(out_buf, "4 no such domain"));
    ck_assert_int_eq(HERON("help", "console"), 0);
    ck_assert_str_eq(out_buf, "usage: heron console DOMAIN\n  attach to a domain's console "
                     "(Ctrl-] detaches)\n");
    ck_assert_int_eq(HERON("help", "nope"), HERON_EUSAGE);
    ck_assert_str_eq(out_buf, "heron: help: unknown command 'nope'\n");
}
END_TEST

START_TEST(xenstore_tree_of_a_domain)
{
    struct domain_cfg dc;
    struct pv_build_result res = { .store_port = 1, .console_port = 2, .store_mfn = 100,
                                   .console_mfn = 101 };
    struct hxs_perm *perms;
    unsigned int n, before = count_nodes("/");
    char err[256];
    domid_t id;

    write_cfg("name = 'web'\nkernel = '" KERNEL "'\nmemory = 64\nmaxmem = 96\nvcpus = 2\n"
              "disk = [ '/img,xvdb,r' ]\nvif = [ 'bridge=br0' ]\n");
    ck_assert_msg(domain_cfg_load(cfgpath, &dc, err, sizeof(err)) == 0, "%s", err);
    ck_assert_int_eq(xs_domain_write(env.xs, 7, &dc, &res,
                                     "01234567-89ab-4def-8123-456789abcdef"), 0);
    xs_is("/local/domain/7/name", "web");
    xs_is("/local/domain/7/domid", "7");
    xs_is("/local/domain/7/vm", "/vm/01234567-89ab-4def-8123-456789abcdef");
    xs_is("/vm/01234567-89ab-4def-8123-456789abcdef/name", "web");
    xs_is("/vm/01234567-89ab-4def-8123-456789abcdef/uuid",
          "01234567-89ab-4def-8123-456789abcdef");
    xs_is("/local/domain/7/memory/static-max", "98304");
    xs_is("/local/domain/7/memory/target", "65536");
    xs_is("/local/domain/7/cpu/0/availability", "online");
    xs_is("/local/domain/7/cpu/1/availability", "online");
    xs_is("/local/domain/7/store/port", "1");
    xs_is("/local/domain/7/store/ring-ref", "100");
    xs_is("/local/domain/7/console/port", "2");
    xs_is("/local/domain/7/console/ring-ref", "101");
    xs_is("/local/domain/7/console/type", "xenconsoled");
    xs_is("/local/domain/7/control/shutdown", "");
    xs_is("/local/domain/7/device/vbd/51728/backend", "/local/domain/0/backend/vbd/7/51728");
    xs_is("/local/domain/7/device/vbd/51728/virtual-device", "51728");
    xs_is("/local/domain/0/backend/vbd/7/51728/params", "/img");
    xs_is("/local/domain/0/backend/vbd/7/51728/mode", "r");
    xs_is("/local/domain/0/backend/vbd/7/51728/frontend-id", "7");
    xs_is("/local/domain/7/device/vif/0/mac", "00:16:3e:00:07:00");
    xs_is("/local/domain/0/backend/vif/7/0/bridge", "br0");
    xs_is("/local/domain/0/backend/vif/7/0/frontend", "/local/domain/7/device/vif/0");
    xs_is("/local/domain/0/backend/vif/7/0/mac", "00:16:3e:00:07:00");
    xs_is("/local/domain/0/backend/vif/7/0/handle", "0");
    xs_is("/libxl/7/type", "pv");
    /* The domain reads its home, writes control/shutdown and data only. */
    ck_assert_int_eq(hxs_get_perms(env.xs, 0, "/local/domain/7", &perms, &n), 0);
    ck_assert_int_eq(n, 2);
    ck_assert(perms[0].domid == 0 && perms[0].perm == HXS_PERM_NONE);
    ck_assert(perms[1].domid == 7 && perms[1].perm == HXS_PERM_READ);
    free(perms);
    ck_assert_int_eq(hxs_get_perms(env.xs, 0, "/local/domain/7/data", &perms, &n), 0);
    ck_assert(n == 1 && perms[0].domid == 7);
    free(perms);
    ck_assert_int_eq(xs_domain_by_name(env.xs, "web", &id), 0);
    ck_assert_int_eq(id, 7);
    ck_assert_int_eq(xs_domain_by_name(env.xs, "nope", &id), ENOENT);
    ck_assert_int_eq(xs_domain_remove(env.xs, 7), 0);
    ck_assert_int_eq(count_nodes("/"), before);
    ck_assert_ptr_null(xs_get("/libxl/7"));
    domain_cfg_free(&dc);
}
END_TEST

START_TEST(disk_device_numbers)
{
    ck_assert_int_eq(disk_devid("xvda"), 51712);
    ck_assert_int_eq(disk_devid("xvdb1"), 51729);
    ck_assert_int_eq(disk_devid("xvdq"), (1 << 28) | (16 << 8));
    ck_assert_int_eq(disk_devid("xvdaa"), (1 << 28) | (26 << 8));
    ck_assert_int_eq(disk_devid("hda"), 768);
    ck_assert_int_eq(disk_devid("hdc"), 5632);
    ck_assert_int_eq(disk_devid("sdb2"), 2066);
    ck_assert_int_eq(disk_devid("hde"), -1);
    ck_assert_int_eq(disk_devid("sdq"), -1);
    ck_assert_int_eq(disk_devid("xvd"), -1);
    ck_assert_int_eq(disk_devid("xvdabc"), -1);
    ck_assert_int_eq(disk_devid("xvda1x"), -1);
    ck_assert_int_eq(disk_devid("vda"), -1);
}
END_TEST

/* Create runs to INTRODUCE (EIO on a host) and must leave nothing. */
START_TEST(create_undoes_everything_on_failure)
{
    unsigned int free0 = fake_hv_free_frames(fh), nodes0 = count_nodes("/");

    write_cfg("name = 'web'\nkernel = '" KERNEL "'\nmemory = 32\nvcpus = 2\n"
              "disk = [ '/img,xvda,w' ]\nvif = [ '' ]\n");
    ck_assert_int_eq(HERON("create", cfgpath), HERON_EFAIL);
    ck_assert_str_eq(err_buf, "heron: create: introducing domain 1 to xenstored: "
                     "Input/output error\n");
    ck_assert_int_eq(fake_hv_nr_domains(fh), 0);
    ck_assert_int_eq(fake_hv_free_frames(fh), free0);
    ck_assert_int_eq(fake_hv_live_mappings(fh), 0);
    ck_assert_int_eq(count_nodes("/"), nodes0);
    /* Fifty times over: still nothing left. */
    for (int i = 0; i < 50; i++)
        ck_assert_int_eq(HERON("create", cfgpath), HERON_EFAIL);
    ck_assert_int_eq(fake_hv_nr_domains(fh), 0);
    ck_assert_int_eq(fake_hv_free_frames(fh), free0);
    ck_assert_int_eq(count_nodes("/"), nodes0);
}
END_TEST

START_TEST(create_refusals)
{
    unsigned int free0 = fake_hv_free_frames(fh), nodes0;
    char text[512];

    write_cfg("name = 'web'\nkernel = '" KERNEL "'\nbogus = 1\n");
    ck_assert_int_eq(HERON("create", cfgpath), HERON_ECONFIG);
    ck_assert_msg(strstr(err_buf, ":3: bogus: unknown key\n"), "%s", err_buf);
    /* Not a PV kernel: refused before hv is asked anything. */
    snprintf(text, sizeof(text), "name = 'web'\nkernel = '%s'\n", cfgpath);
    write_cfg(text);
    ck_assert_int_eq(HERON("create", cfgpath), HERON_ECONFIG);
    ck_assert_msg(strstr(err_buf, "building 'web': kernel is not a PV ELF image: not an "
                         "ELF image"), "%s", err_buf);
    ck_assert_int_eq(fake_hv_calls(fh), 0);
    /* An HVM config on a hv without SVM/VMX: hv's createdomain refuses,
     * heron says why, nothing is left. */
    write_cfg("name = 'hvm'\ntype = 'hvm'\nkernel = '" KERNEL "'\nmemory = 16\n");
    ck_assert_int_eq(HERON("create", cfgpath), HERON_EFAIL);
    ck_assert_str_eq(err_buf, "heron: create: building 'hvm': HVM domains are not "
                     "available: hv found no SVM with nested paging and no VMX with EPT "
                     "on this CPU (its boot log says which)\n");
    ck_assert_int_eq(fake_hv_nr_domains(fh), 0);
    ck_assert_int_eq(fake_hv_free_frames(fh), free0);
    /* More memory than the machine has free. */
    write_cfg("name = 'big'\nkernel = '" KERNEL "'\nmemory = 128\n");
    ck_assert_int_eq(HERON("create", cfgpath), HERON_EFAIL);
    ck_assert_msg(strstr(err_buf, "building 'big': populate_physmap of pfns"), "%s", err_buf);
    ck_assert_int_eq(fake_hv_nr_domains(fh), 0);
    ck_assert_int_eq(fake_hv_free_frames(fh), free0);
    /* A name in use. */
    make_domain("web", 16);
    nodes0 = count_nodes("/");
    free0 = fake_hv_free_frames(fh);
    write_cfg("name = 'web'\nkernel = '" KERNEL "'\nmemory = 16\n");
    ck_assert_int_eq(HERON("create", cfgpath), HERON_EFAIL);
    ck_assert_str_eq(err_buf, "heron: create: the name 'web' is in use by domain 1\n");
    ck_assert_int_eq(fake_hv_nr_domains(fh), 1);
    ck_assert_int_eq(fake_hv_free_frames(fh), free0);
    ck_assert_int_eq(count_nodes("/"), nodes0);
}
END_TEST

START_TEST(list_and_info)
{
    make_domain("alpha", 16);
    make_domain("beta", 24);
    ck_assert_int_eq(HERON("list"), 0);
    ck_assert_str_eq(out_buf,
        "Name                                ID     Mem VCPUs  State    Time(s)\n"
        "alpha                                1      16     1 -b----        0.0\n"
        "beta                                 2      24     1 -b----        0.0\n");
    ck_assert_int_eq(HERON("list", "--json", "beta"), 0);
    ck_assert_str_eq(out_buf, "[{\"id\":2,\"name\":\"beta\",\"memory_mb\":24,\"vcpus\":1,"
                     "\"state\":\"-b----\",\"cpu_time_s\":0.000}]\n");
    ck_assert_int_eq(HERON("list", "gamma"), HERON_ENODOMAIN);
    ck_assert_str_eq(err_buf, "heron: list: no domain named 'gamma'\n");
    ck_assert_int_eq(HERON("list", "9"), HERON_ENODOMAIN);
    ck_assert_str_eq(err_buf, "heron: list: no domain with id 9\n");
    ck_assert_int_eq(HERON("vcpu-list", "alpha"), 0);
    ck_assert_str_eq(out_buf,
        "Name                                ID  VCPU   CPU  State    Time(s)\n"
        "alpha                                1     0     0    -b-        0.0\n"
        "alpha                                1     1     -    ---          -\n");
    ck_assert_int_eq(HERON("info"), 0);
    ck_assert_ptr_nonnull(strstr(out_buf, "nr_cpus             : 2\n"));
    ck_assert_ptr_nonnull(strstr(out_buf, "total_memory        : 64\n"));
    ck_assert_ptr_nonnull(strstr(out_buf, "virt_caps           : pv \n"));
}
END_TEST

START_TEST(domain_commands)
{
    unsigned int free0 = fake_hv_free_frames(fh), nodes0 = count_nodes("/");
    domid_t a = make_domain("alpha", 16), b = make_domain("beta", 16);

    ck_assert_int_eq(HERON("pause", "alpha"), 0);
    ck_assert(fake_hv_domain(fh, a)->paused);
    ck_assert_int_eq(HERON("unpause", "1"), 0);
    ck_assert(!fake_hv_domain(fh, a)->paused);
    ck_assert_int_eq(HERON("shutdown", "alpha"), 0);
    xs_is("/local/domain/1/control/shutdown", "poweroff");
    ck_assert_int_eq(HERON("reboot", "alpha"), 0);
    xs_is("/local/domain/1/control/shutdown", "reboot");
    ck_assert_int_eq(HERON("reboot", "-F", "beta"), 0);
    ck_assert(fake_hv_domain(fh, b)->shut_down);
    ck_assert_int_eq(fake_hv_domain(fh, b)->shutdown_reason, SHUTDOWN_reboot);
    ck_assert_int_eq(HERON("mem-set", "alpha", "24"), 0);
    xs_is("/local/domain/1/memory/target", "24576");
    ck_assert_int_eq(HERON("mem-set", "alpha", "33m"), HERON_EFAIL);
    ck_assert_str_eq(err_buf, "heron: mem-set: 33792 KiB is above the domain's maxmem "
                     "(32768 KiB)\n");
    ck_assert_int_eq(HERON("destroy", "Domain-0"), HERON_EFAIL);
    ck_assert_str_eq(err_buf, "heron: destroy: not for dom0\n");
    ck_assert_int_eq(HERON("console", "alpha"), HERON_ENOENV);
    ck_assert_msg(strstr(err_buf, "cannot reach heron-consoled"), "%s", err_buf);
    ck_assert_int_eq(HERON("destroy", "alpha"), 0);
    ck_assert_int_eq(HERON("destroy", "alpha"), HERON_ENODOMAIN);
    ck_assert_int_eq(HERON("destroy", "2"), 0);
    ck_assert_int_eq(fake_hv_nr_domains(fh), 0);
    ck_assert_int_eq(fake_hv_free_frames(fh), free0);
    ck_assert_int_eq(count_nodes("/"), nodes0);
    ck_assert_int_eq(HERON("pause", "beta"), HERON_ENODOMAIN);
}
END_TEST

START_TEST(monitor_policies)
{
    struct domain_cfg dc = { .on_poweroff = ACTION_DESTROY, .on_reboot = ACTION_RESTART,
                             .on_crash = ACTION_PRESERVE };
    xen_domctl_getdomaininfo_t info = { .flags = XEN_DOMINF_blocked };

    ck_assert_int_eq(monitor_decide(NULL, &dc), MONITOR_GONE);
    ck_assert_int_eq(monitor_decide(&info, &dc), MONITOR_WAIT);
    info.flags = XEN_DOMINF_shutdown | SHUTDOWN_poweroff << XEN_DOMINF_shutdownshift;
    ck_assert_int_eq(monitor_decide(&info, &dc), MONITOR_DESTROY);
    info.flags = XEN_DOMINF_shutdown | SHUTDOWN_reboot << XEN_DOMINF_shutdownshift;
    ck_assert_int_eq(monitor_decide(&info, &dc), MONITOR_RESTART);
    info.flags = XEN_DOMINF_shutdown | SHUTDOWN_crash << XEN_DOMINF_shutdownshift;
    ck_assert_int_eq(monitor_decide(&info, &dc), MONITOR_PRESERVE);
    info.flags = XEN_DOMINF_shutdown | SHUTDOWN_watchdog << XEN_DOMINF_shutdownshift;
    ck_assert_int_eq(monitor_decide(&info, &dc), MONITOR_PRESERVE);
    info.flags = XEN_DOMINF_shutdown | SHUTDOWN_suspend << XEN_DOMINF_shutdownshift;
    ck_assert_int_eq(monitor_decide(&info, &dc), MONITOR_WAIT);
    info.flags |= XEN_DOMINF_dying;
    ck_assert_int_eq(monitor_decide(&info, &dc), MONITOR_GONE);
}
END_TEST

/* A domain that powers itself off is destroyed by its monitor. */
START_TEST(monitor_destroys_on_poweroff)
{
    struct domain_cfg dc = { .name = "alpha", .on_poweroff = ACTION_DESTROY };
    unsigned int free0 = fake_hv_free_frames(fh), nodes0 = count_nodes("/");
    domid_t a = make_domain("alpha", 16);

    ck_assert_int_eq(env.hv->shutdown(env.hv->ctx, a, SHUTDOWN_poweroff), 0);
    ck_assert_int_eq(monitor_run(&env, &dc, a, 10), HERON_OK);
    ck_assert_int_eq(fake_hv_nr_domains(fh), 0);
    ck_assert_int_eq(fake_hv_free_frames(fh), free0);
    ck_assert_int_eq(count_nodes("/"), nodes0);
}
END_TEST

/* on_reboot = restart: destroy, then create again (which fails at
 * INTRODUCE on a host and must leave nothing either). */
START_TEST(monitor_restart_is_undone_when_create_fails)
{
    unsigned int free0 = fake_hv_free_frames(fh), nodes0 = count_nodes("/");
    struct domain_cfg dc;
    char err[256];
    domid_t a;

    write_cfg("name = 'alpha'\nkernel = '" KERNEL "'\nmemory = 16\non_reboot = 'restart'\n");
    ck_assert_msg(domain_cfg_load(cfgpath, &dc, err, sizeof(err)) == 0, "%s", err);
    a = make_domain("alpha", 16);
    ck_assert_int_eq(env.hv->shutdown(env.hv->ctx, a, SHUTDOWN_reboot), 0);
    ck_assert_int_eq(monitor_run(&env, &dc, a, 10), HERON_EFAIL);
    fflush(env.err);
    ck_assert_msg(strstr(err_buf, "domain 1 (alpha) shut down; restarting\n"), "%s", err_buf);
    ck_assert_msg(strstr(err_buf, "restarting alpha: introducing domain 1 to xenstored: "
                         "Input/output error\n"), "%s", err_buf);
    ck_assert_int_eq(fake_hv_nr_domains(fh), 0);
    ck_assert_int_eq(fake_hv_free_frames(fh), free0);
    ck_assert_int_eq(count_nodes("/"), nodes0);
    domain_cfg_free(&dc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toolstack_cli");
    TCase *args = tcase_create("args"), *tc = tcase_create("commands");
    SRunner *sr;
    int failed;

    tcase_add_test(args, arguments);
    tcase_add_test(args, argument_errors);
    tcase_add_test(args, disk_device_numbers);
    tcase_add_test(args, monitor_policies);
    suite_add_tcase(s, args);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, help_text);
    tcase_add_test(tc, xenstore_tree_of_a_domain);
    tcase_add_test(tc, create_undoes_everything_on_failure);
    tcase_add_test(tc, create_refusals);
    tcase_add_test(tc, list_and_info);
    tcase_add_test(tc, domain_commands);
    tcase_add_test(tc, monitor_destroys_on_poweroff);
    tcase_add_test(tc, monitor_restart_is_undone_when_create_fails);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
