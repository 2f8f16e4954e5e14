/*
 * Issue 9 on the real hv: Debian's stock kernel (its packaged bzImage,
 * build/linux-ref) as a PV domU created by `heron create` in dom0
 * (tests/linux-pv/linux_pv.sh through run-script, like test_domains).
 *
 * Today Linux boots through start_kernel with hv's GDT, CLI/STI and
 * CPUID handling, prints through console_io (earlyprintk=xen) and then
 * hvc0 (heron-consoled's ring), switches to the Xen clocksource and runs
 * its kernel threads until the first native xchg on a page-table entry
 * (docs/linux-pv.md): the test asserts those markers, that the builder
 * took the bzImage, that the domain goes away (destroyed by the script
 * after 60 s) and that its memory comes back exactly.  The console
 * markers of tests/linux-pv/init are the next ones to assert.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* run-script stages dom0's root and initrd next to the log: a directory of its own. */
#define LOG "build/tests/linux-pv/run/linux_pv.log"
#define CMD "HV_CMDLINE=dom0_mem=384M toolstack/dom0/run-script " \
            "tests/linux-pv/linux_pv.sh build/tests/linux-pv/dom0-root build/hv.elf " \
            "build/pvops-guest.elf " LOG " 400 qemu-system-x86_64 -cpu max -m 768 2>&1"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    size_t cap = 1 << 22, len;
    char *buf;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    buf = calloc(1, cap);
    len = fread(buf, 1, cap - 1, f);
    buf[len] = '\0';
    fclose(f);
    return buf;
}

#define HAS(out, s) ck_assert_msg(strstr(out, s), "no '%s' in:\n%s", s, out)
#define HASNT(out, s) ck_assert_msg(!strstr(out, s), "'%s' in:\n%s", s, out)

START_TEST(debian_kernel_as_pv_domu)
{
    FILE *why = fopen("build/linux-ref/unavailable", "r"), *p;
    char reason[256] = "", line[512];
    char *out = calloc(1, 1 << 20), *hv;
    size_t len = 0;
    long before = -1, after = -2;
    const char *f, *crash;
    int st;

    if (why) {
        ck_assert(fgets(reason, sizeof(reason), why) != NULL);
        fclose(why);
    }
    ck_assert_msg(!why, "the Debian kernel was not fetched (build/linux-ref): %s", reason);
    p = popen(CMD, "r");
    ck_assert_ptr_nonnull(p);
    while (fgets(line, sizeof(line), p) && len + sizeof(line) < (1 << 20)) {
        strcpy(out + len, line);
        len += strlen(line);
    }
    st = pclose(p);
    printf("%s", out);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "script status %d:\n%s", st, out);
    HAS(out, "created linux (id 2)");
    /* Linux's own console (hvc0, through heron-consoled). */
    HAS(out, "printk: console [hvc0] enabled");
    HAS(out, "clocksource: Switched to clocksource xen");
    HAS(out, "Grant table initialized");
    f = strstr(out, "free pages before ");
    ck_assert_msg(f && sscanf(f, "free pages before %ld after %ld", &before, &after) == 2,
                  "no free page counts:\n%s", out);
    ck_assert_msg(before == after, "free pages %ld before, %ld after", before, after);

    hv = slurp(LOG ".txt");
    HAS(hv, "hv: domain 2 created by domain 0 (1 vCPUs)");
    /* Its early console (console_io): set_gdt and the PV setup done. */
    HAS(hv, "(d2) [    0.000000] Command line: console=hvc0");
    HAS(hv, "Booting kernel on Xen");
    HAS(hv, "Xen version: 4.17.0-heron");
    HAS(hv, "xen:events: Using 2-level ABI");
    /* The steps hv now emulates: startup_xen's wrmsr, sync_core's iretq. */
    HASNT(hv, "hv: domain 2 crashed: unhandled #GP");
    HASNT(hv, "hv: domain 2 crashed: unhandled #PF");
    /* Its frames: all back at once ("0 held elsewhere") or once dom0's
     * mappings go ("its last frames came back"); the free page counts
     * above and the balance below say they did. */
    HAS(hv, "hv: domain 2 died");
    crash = strstr(hv, "hv: domain 2 crashed:");
    if (crash)
        printf("how far Linux got: %.*s\n", (int)strcspn(crash, "\n"), crash);
    ck_assert_msg(strstr(hv, "hv: frame accounting:") && strstr(hv, ": balanced"),
                  "hv's frame accounting did not balance: " LOG ".txt");
    free(hv);
    free(out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("linux_pv");
    TCase *tc = tcase_create("linux_pv");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 450);
    tcase_add_test(tc, debian_kernel_as_pv_domu);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
