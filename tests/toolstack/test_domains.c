/*
 * Scenario tests of issue 5 on the real hv: `make run SCRIPT=FILE`'s
 * machinery (toolstack/dom0/run-script) boots hv with pvops-guest as dom0
 * (dom0_mem=128M of QEMU's 512 MiB) and runs each script of
 * tests/toolstack/scripts/ in dom0, whose root is dom0's own plus the
 * test domU's initrd and xen-probe (build/tests/toolstack/dom0-root).
 * The domUs are pvops-guest, created by heron from config files.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define RUN "HV_CMDLINE=dom0_mem=128M toolstack/dom0/run-script tests/toolstack/scripts/"
#define ARGS " build/tests/toolstack/dom0-root build/hv.elf build/pvops-guest.elf "
#define QEMU " 500 qemu-system-x86_64 -cpu max -m 512 2>&1"

/* Runs a script in dom0: its output (runs of spaces squeezed to one) in
 * *out, its status returned; hv's frame accounting must balance at the
 * end (the console log is read for it). */
static int run(const char *script, char **out)
{
    char cmd[512], log[128], line[512];
    size_t len = 0, cap = 1 << 20;
    bool balanced = false;
    FILE *p;
    int st, c, prev = 0;

    snprintf(log, sizeof(log), "build/tests/toolstack/domains-%s.log", script);
    snprintf(cmd, sizeof(cmd), RUN "%s.sh" ARGS "%s" QEMU, script, log);
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    *out = calloc(1, cap);
    /* hv's own log lines ("hv: domain N died ...") share the console. */
    while (fgets(line, sizeof(line), p)) {
        if (!strncmp(line, "hv: ", 4))
            continue;
        for (const char *q = line; (c = *q) && len + 1 < cap; q++, prev = c)
            if (c != ' ' || prev != ' ')
                (*out)[len++] = (char)c;
    }
    st = pclose(p);
    snprintf(line, sizeof(line), "%s.txt", log);
    p = fopen(line, "r");
    ck_assert_ptr_nonnull(p);
    while (fgets(line, sizeof(line), p))
        if (strstr(line, "hv: frame accounting:") && strstr(line, ": balanced"))
            balanced = true;
    fclose(p);
    ck_assert_msg(balanced, "hv's frame accounting did not balance: %s", log);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define HAS(out, s) ck_assert_msg(strstr(out, s), "no '%s' in:\n%s", s, out)
#define HASNT(out, s) ck_assert_msg(!strstr(out, s), "'%s' in:\n%s", s, out)

/* `heron list`'s line for name: id, MiB, vCPUs, running or blocked (not
 * shut down, crashed or dying), some CPU time. */
static void check_listed(const char *out, const char *name, int id, int mb, int vcpus)
{
    char want[64], state[16];
    const char *l;
    int m, v;
    double t;

    snprintf(want, sizeof(want), "\n%s %d ", name, id);
    l = strstr(out, want);
    ck_assert_msg(l, "%s not listed:\n%s", name, out);
    ck_assert_int_eq(sscanf(l + strlen(want), "%d %d %15s %lf", &m, &v, state, &t), 4);
    ck_assert_int_eq(m, mb);
    ck_assert_int_eq(v, vcpus);
    ck_assert_msg(strlen(state) == 6 && !strcmp(state + 2, "----") && state[0] != 'p',
                  "%s state %s", name, state);
    ck_assert_msg(t > 0, "%s cpu time %f", name, t);
}

START_TEST(three_domus)
{
    char *out;
    int st = run("three_domus", &out);

    ck_assert_int_eq(st, 0);
    HAS(out, "warm-up kept 1 page(s)\n");
    HAS(out, "created alpha (id 2)\ncreate alpha: 0\n");
    HAS(out, "created beta (id 3)\ncreate beta: 0\n");
    HAS(out, "created gamma (id 4)\ncreate gamma: 0\n");
    HAS(out, "Name ID Mem VCPUs State Time(s)\nDomain-0 0 128 1 r----- ");
    check_listed(out, "alpha", 2, 32, 1);
    /* xl's VCPUs column counts online vCPUs: beta's second is offline
     * (pvops-guest does not bring it up). */
    check_listed(out, "beta", 3, 40, 1);
    HAS(out, "\nbeta 3 0 0 ");
    HAS(out, "\nbeta 3 1 - --- -\n");
    check_listed(out, "gamma", 4, 24, 1);
    HAS(out, "{\"id\":3,\"name\":\"beta\",\"memory_mb\":40,\"vcpus\":1,\"state\":\"");
    HAS(out, "log alpha: test domU alpha: up\nxenstore alpha: alpha 2 \n");
    HAS(out, "log beta: test domU beta: up\nxenstore beta: beta 3 \n");
    HAS(out, "log gamma: test domU gamma: up\nxenstore gamma: gamma 4 \n");
    HAS(out, "console alpha: 0\n");
    HAS(out, "console beta: 0\n");
    HAS(out, "console gamma: 0\n");
    HAS(out, "test domU alpha: tick");
    HAS(out, "test domU beta: tick");
    HAS(out, "test domU gamma: tick");
    HAS(out, "heron: console: no domain named 'nosuch'\nconsole nosuch: 4\n");
    HAS(out, "destroy alpha: 0\n");
    HAS(out, "destroy gamma: 0\n");
    HAS(out, "Name ID Mem VCPUs State Time(s)\nDomain-0 0 128 1 r----- ");
    HASNT(out, "\nalpha 2 32 1 ----");
    HAS(out, "xenstore: back (7 nodes)\n");
    /* The registration event, then one per domain. */
    HAS(out, "introduce watch: @introduceDomain @introduceDomain @introduceDomain "
             "@introduceDomain \n");
    HAS(out, "release watch: @releaseDomain @releaseDomain @releaseDomain @releaseDomain");
    {
        unsigned long before, after;
        const char *l = strstr(out, "free pages: ");

        ck_assert_ptr_nonnull(l);
        ck_assert_int_eq(sscanf(l, "free pages: %lu before, %lu after", &before, &after), 2);
        ck_assert_uint_eq(before, after);
    }
    free(out);
}
END_TEST

START_TEST(fifty_cycles)
{
    char *out;
    int st = run("cycles", &out);

    ck_assert_int_eq(st, 0);
    HASNT(out, "failed");
    HASNT(out, "never came up");
    HAS(out, "free memory: back\n");
    HAS(out, "xenstore: back (7 nodes)\n");
    /* Only dom0 is left; 50 console logs were written. */
    HAS(out, "\nDomain-0 0 128 1 r----- ");
    HAS(out, "\n50\n49 cycles took");
    HASNT(out, "\ncycle ");
    free(out);
}
END_TEST

START_TEST(domu_rights_and_refusals)
{
    char *out;
    int st = run("refusals", &out);

    ck_assert_int_eq(st, 0);
    HAS(out, "domctl createdomain: EPERM\ndomctl getdomaininfo 0: EPERM\n"
             "domctl pausedomain 0: EPERM\ndomctl destroydomain 0: EPERM\n"
             "domctl hvm_build 0: EPERM\nsysctl physinfo: EPERM\n");
    /* The domU's kernel xenbus on its own store ring, served by
     * heron-xenstored (features written at INTRODUCE), with the domU's
     * permissions. */
    HAS(out, "xenbus: store ring connected, server features 0x7\n");
    HAS(out, "xs read name: probe\n"
             "xs read domid: 1\n"
             "xs read /local/domain/0/name: error EACCES\n"
             "xs read nosuch: error ENOENT\n");
    HAS(out, "heron: create: /tmp/unknown.cfg:3: colour: unknown key\nunknown: 3\n");
    HAS(out, "heron: create: building 'huge': populate_physmap of pfns");
    HAS(out, "Out of memory\nhuge: 1\n");
    HAS(out, "heron: create: building 'notelf': kernel is not a PV ELF image: "
             "not an ELF image");
    HAS(out, "notelf: 3\n");
    HAS(out, "heron: create: building 'noxen': kernel is not a PV ELF image: "
             "no Xen ELF notes");
    HAS(out, "noxen: 3\n");
    HAS(out, "heron: create: the name 'probe' is in use by domain 1\ndup: 1\n");
    HAS(out, "nothing left behind\nDomain-0 0 128\nprobe 1 16\n");
    HAS(out, "destroy: 0\n");
    free(out);
}
END_TEST

START_TEST(xenbus)
{
    char *out;
    int st = run("xenbus", &out);

    ck_assert_int_eq(st, 0);
    HAS(out, "created xb (id 2)\n"
             "xenbus: store ring connected, server features 0x7\n"
             "xs write data/greeting: OK\n"
             "xs read data/greeting: hello\n"
             "xs write data/dir/a: OK\n"
             "xs write data/dir/b: OK\n"
             "xs directory data/dir: a b\n"
             "xs transaction: started\n"
             "xs write in tx data/tx: OK\n"
             "xs read outside tx data/tx: error ENOENT\n"
             "xs commit T: OK\n"
             "xs read data/tx: committed\n"
             "xs write in tx data/aborted: OK\n"
             "xs abort F: OK\n"
             "xs read data/aborted: error ENOENT\n"
             "xs watch data/flag: OK\n"
             /* A new watch fires once at once (Xen's rule), then at dom0's write. */
             "xs watch event: data/flag flagtok\n"
             "xs watching\n"
             "xs watch event: data/flag flagtok\n"
             "xs read data/flag: 42\n"
             "xs unwatch data/flag: OK\n"
             "xs unwatch data/flag: error ENOENT\n"
             "xs rm data/greeting: OK\n"
             "xs read data/greeting: error ENOENT\n"
             "xs read /local/domain/0/name: error EACCES\n"
             "xs write name: error EACCES\n"
             "xs introduce: Invalid argument\n"
             "xs oversized: Invalid argument\n"
             "dom0 reads tx: committed\n"
             "dom0 lists data: dir tx flag \n"
             "destroy: 0\n"
             "xenstore and free memory: back\n");
    HASNT(out, "no '");
    free(out);
}
END_TEST

START_TEST(policies)
{
    char *out;
    int st = run("policies", &out);

    ck_assert_int_eq(st, 0);
    /* keeper was the warm-up (domain 1). */
    HAS(out, "up: 2 3 4 5\n");
    /* New domains (ids 6 and 7, in the order the monitors got there). */
    HAS(out, "rebooter: 2 -> ");
    HAS(out, "\nrebooter log: pvops-guest: reboot\n");
    HAS(out, "phoenix: 5 -> ");
    HASNT(out, "-> none");
    HAS(out, "\nkeeper 4 16 1 ----c-\n");
    HAS(out, "domain 3 (crasher) shut down; destroying\n");
    HAS(out, "domain 4 (keeper) shut down; preserved\n");
    HAS(out, "domain 5 (phoenix) shut down; restarting\n");
    HAS(out, "domain 2 (rebooter) shut down; restarting\n");
    HASNT(out, "\ncrasher ");
    HAS(out, "destroy rebooter: 0\n");
    HAS(out, "destroy phoenix: 0\n");
    HAS(out, "destroy keeper: 0\n");
    HAS(out, "free memory: back\nxenstore: back\n");
    free(out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toolstack_domains");
    TCase *tc = tcase_create("domains");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, three_domus);
    tcase_add_test(tc, fifty_cycles);
    tcase_add_test(tc, domu_rights_and_refusals);
    tcase_add_test(tc, policies);
    tcase_add_test(tc, xenbus);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
