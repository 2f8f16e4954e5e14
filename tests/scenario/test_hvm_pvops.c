/*
 * pvops-guest, the same file that boots natively under QEMU
 * (tests/guest/test_guest_native.c), as a boot-time HVM domain of hv next
 * to a PV dom0: it runs the busybox test script and the musl ABI program
 * from the same initrd with the same command line, and their output must
 * be what the native boot prints (tests/guest/expected/shell.out, and the
 * ABI program run on the host).  Its power-off through isa-debug-exit
 * stops that domain only; dom0 sees it die and powers the machine off.
 * hv's exit counts for the run are checked and printed.
 */
#include "test_hvm_lib.h"
#include "run_suite.h"

#define EXPECT_SHELL "tests/guest/expected/shell.out"
#define HOST_ABI     HERON_BUILD_DIR "/guest/host/abi_test"

static struct qemu *q;

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, n + 1);
    if (fread(buf, 1, n, f) != (size_t)n)
        buf[0] = 0;
    fclose(f);
    return buf;
}

/* The lines between "=== BEGIN name ===" and "=== END name", without the
 * kernel's own "pvops-guest: " lines (as the native test reads them). */
static char *section(const char *out, const char *name)
{
    char begin[64], end[64];
    const char *b, *e;
    char *s, *o;

    snprintf(begin, sizeof(begin), "=== BEGIN %s ===\n", name);
    snprintf(end, sizeof(end), "=== END %s (", name);
    b = strstr(out, begin);
    ck_assert_msg(b != NULL, "no %s section", name);
    b += strlen(begin);
    e = strstr(b, end);
    ck_assert_msg(e != NULL, "%s section does not end", name);
    s = o = calloc(1, e - b + 1);
    while (b < e) {
        const char *nl = memchr(b, '\n', e - b);
        size_t len = nl ? (size_t)(nl - b + 1) : (size_t)(e - b);

        if (strncmp(b, "pvops-guest: ", 13)) {
            memcpy(o, b, len);
            o += len;
        }
        b += len;
    }
    return s;
}

static char *host_abi_output(void)
{
    char dir[] = "/tmp/hvm-abi-XXXXXX", cmd[512], tmp[] = "/tmp/hvm-abi-out-XXXXXX";
    char *out;
    int fd;

    ck_assert(mkdtemp(dir) != NULL);
    fd = mkstemp(tmp);
    ck_assert(fd >= 0);
    close(fd);
    snprintf(cmd, sizeof(cmd), HOST_ABI " %s > %s 2>&1; rm -rf %s", dir, tmp, dir);
    ck_assert_int_ne(system(cmd), -1);
    out = slurp(tmp);
    unlink(tmp);
    return out;
}

START_TEST(busybox_script_as_hvm_domain)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=1" },
        { PVOPS_GUEST, "shell abi" },
        { GUEST_INITRD, NULL },
    };
    struct qemu_config cfg = {
        .name = "hvm_pvops", .modules = mods, .nr_modules = 3, .mem_mb = 256,
        .timeout_s = 150, .cmdline = "dom0_mem=16M hvm=1:128M:initrd=2",
    };
    char *out, *want = slurp(EXPECT_SHELL), *host;
    const char *exits;

    q = qemu_start(&cfg);
    qemu_expect(q, "hvm: SVM enabled: HVM domains available", 30);
    qemu_expect(q, "boot: 2 domains started", 30);
    qemu_expect(q, "(d1) pvops-guest: booting in native mode, 128 MiB", 30);
    qemu_expect(q, "(d1) === ALL DONE ===", 120);
    qemu_expect(q, "hvm: domain 1 wrote 0 to isa-debug-exit: powering it off", 10);
    ck_assert_int_eq(qemu_wait_exit(q, 30), EXIT_POWEROFF);

    out = domain_output(q, 1);
    ck_assert_msg(want != NULL, "missing " EXPECT_SHELL);
    ck_assert_str_eq(section(out, "shell"), want);
    ck_assert_msg(strstr(out, "=== END shell (status 0) ==="), "shell script failed");
    host = host_abi_output();
    ck_assert_msg(host && strstr(host, "== done\n"), "host run of abi_test failed");
    ck_assert_str_eq(section(out, "abi"), host);
    ck_assert_msg(strstr(out, "=== END abi (status 0) ==="), "abi program failed");

    /* Port I/O (the UART, the PIT), HLT in the idle loop, interrupts. */
    exits = strstr(qemu_output(q), "hvm: domain 1 exits: ");
    ck_assert(exits != NULL);
    printf("%.*s\n", (int)strcspn(exits, "\r\n"), exits);
    ck_assert_int_gt(exit_count(q, 1, "io"), 0);
    ck_assert_int_gt(exit_count(q, 1, "hlt"), 0);
    ck_assert_int_gt(exit_count(q, 1, "intr"), 0);
    ck_assert_int_eq(exit_count(q, 1, "shutdown"), 0);
    expect_output(q, "hv: domain 1 died (poweroff)");
    expect_output(q, "0 held elsewhere");
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "crashed");
    qemu_expect_absent(q, "FATAL");
    qemu_expect_absent(q, "KERNEL PANIC");
    qemu_expect_absent(q, "KERNEL FAULT");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hvm_pvops");
    TCase *tc = tcase_create("pvops");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 200);
    tcase_add_test(tc, busybox_script_as_hvm_domain);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
