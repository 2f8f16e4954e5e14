/*
 * Issue 9 on the real hv: Debian's stock kernel (its packaged bzImage,
 * build/linux-ref) as a PV domU created by `heron create` in dom0
 * (tests/linux-pv/linux_pv.sh through run-script, like test_domains),
 * with two vCPUs: Linux brings CPU 1 up (VCPUOP_initialise, VCPUOP_up),
 * /init sees both online, runs a task pinned to CPU 1 there, and takes
 * CPU 1 offline (VCPUOP_down from CPU 1) and online again.
 *
 * Linux boots to its busybox /init (tests/linux-pv/init): its early
 * console (console_io, earlyprintk=xen) reaches hv's log, then hvc0
 * (heron-consoled's ring) shows /init's output: `uname -r` equal to the
 * fetched kernel's version and the dmesg lines saying it booted as a Xen
 * PV guest.  /init powers off; the domain goes away and every page it had
 * comes back (free pages before/after, hv's frame accounting).
 * Before powering off, /init loads Debian's xen-blkfront module and uses
 * xvda, which dom0's heron-blkback serves from QEMU's disk (this test's
 * image): it writes a pattern over the first MiB and copies the second
 * (0x5a bytes from the host) over the third; after QEMU exits the host
 * checks the image by xxHash digest.
 * Then its network: /init loads Debian's xen-netfront module, whose eth0
 * is a vif on dom0's heron-netback bridge xenbr0 with a pvops-guest domU
 * ("peer", 10.0.1.2): Linux pings peer and peer pings Linux (commands
 * typed on their consoles by the script), none lost, and Linux sends
 * peer 1000 UDP datagrams of 64..1024 bytes (net-probe: Linux leaves
 * their checksums to the backend, peer checks checksums and payloads and
 * acknowledges), none lost or damaged; heron-netback
 * counts the frames both ways without an error, and Linux's netfront
 * closes cleanly at poweroff.  Peer is destroyed; the free pages come
 * back to what they were before either domain existed.
 * Last, a second Linux domU ("linux2", two vCPUs, no devices) is
 * destroyed with `heron destroy` while both its vCPUs spin: it goes,
 * never crashed, and the free pages come back to the baseline again.
 * docs/linux-pv.md lists the steps this depends on.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <xxhash.h>

/* run-script stages dom0's root and initrd next to the log: a directory of its own. */
#define LOG "build/tests/linux-pv/run/linux_pv.log"
#define IMAGE "build/tests/linux-pv/xvda.img"
#define CMD "HV_CMDLINE=dom0_mem=384M toolstack/dom0/run-script " \
            "tests/linux-pv/linux_pv.sh build/tests/linux-pv/dom0-root build/hv.elf " \
            "build/pvops-guest.elf " LOG " 500 qemu-system-x86_64 -cpu max -m 768 " \
            "-drive file=" IMAGE ",format=raw,if=ide,index=0 2>&1"

/* xvda: three MiB; the first gets /init's pattern, the second holds 0x5a
 * bytes (copied by Linux over the third, zero before). */
#define MIB (1u << 20)
#define PATTERN "heron-linux-pv-blk\n"

static void make_image(void)
{
    static unsigned char buf[MIB];
    FILE *f = fopen(IMAGE, "wb");

    ck_assert_ptr_nonnull(f);
    memset(buf, 0, MIB);
    ck_assert_int_eq(fwrite(buf, MIB, 1, f), 1);
    memset(buf, 0x5a, MIB);
    ck_assert_int_eq(fwrite(buf, MIB, 1, f), 1);
    memset(buf, 0, MIB);
    ck_assert_int_eq(fwrite(buf, MIB, 1, f), 1);
    ck_assert_int_eq(fclose(f), 0);
}

static XXH64_hash_t image_mib_digest(unsigned int mib)
{
    static unsigned char buf[MIB];
    FILE *f = fopen(IMAGE, "rb");

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, (long)mib * MIB, SEEK_SET), 0);
    ck_assert_int_eq(fread(buf, MIB, 1, f), 1);
    fclose(f);
    return XXH64(buf, MIB, 0);
}

/* `yes heron-linux-pv-blk | head -c 1048576`, and a MiB of 0x5a. */
static XXH64_hash_t expected_digest(unsigned int mib)
{
    static unsigned char buf[MIB];
    size_t plen = strlen(PATTERN);

    if (mib == 0)
        for (size_t i = 0; i < MIB; i++)
            buf[i] = PATTERN[i % plen];
    else
        memset(buf, 0x5a, MIB);
    return XXH64(buf, MIB, 0);
}

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
    FILE *why = fopen("build/linux-ref/unavailable", "r"), *p, *ver;
    char reason[256] = "", line[512], version[128] = "", uname[160];
    const char *dm;
    char *out = calloc(1, 1 << 20), *hv;
    size_t len = 0;
    long before = -1, after = -2;
    char udp_recv[160];
    unsigned long udp_bytes = 0, csum = 0, rx = 0, tx = 0, from = 0, from_err = 1, to = 0, to_err = 1;
    const char *f;
    unsigned int l2_id = 0, l2_mem = 0, l2_vcpus = 0;
    unsigned long l2_returned = 0, l2_held = 1;
    int st;

    if (why) {
        ck_assert(fgets(reason, sizeof(reason), why) != NULL);
        fclose(why);
    }
    ck_assert_msg(!why, "the Debian kernel was not fetched (build/linux-ref): %s", reason);
    ver = fopen("build/linux-ref/version", "r");
    ck_assert_msg(ver && fgets(version, sizeof(version), ver), "no build/linux-ref/version");
    fclose(ver);
    version[strcspn(version, "\n")] = '\0';
    snprintf(uname, sizeof(uname), "uname-r: %s\n", version);
    make_image();
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
    /* Linux's own console (hvc0, through heron-consoled): /init ran. */
    HAS(out, "printk: console [hvc0] enabled");
    HAS(out, "Run /init as init process");
    HAS(out, "=== LINUX PV INIT ===");
    HAS(out, uname);
    /* Two CPUs: both online, CPU 1 used, unplugged and back. */
    HAS(out, "smp: Brought up 1 node, 2 CPUs");
    HAS(out, "smp: nproc 2, online 0-1\n");
    HAS(out, "smp: pinned to cpu 1, ran on cpu 1\n");
    HAS(out, "smpboot: CPU 1 is now offline");
    HAS(out, "smp: cpu1 offline, online 0, nproc 1\n");
    HAS(out, "smp: taskset -c 1 refused while cpu1 is offline");
    HAS(out, "smp: cpu1 online again, online 0-1\n");
    HAS(out, "smp: pinned to cpu 1 again, ran on cpu 1\n");
    /* dmesg | grep -i xen, as /init printed it. */
    ck_assert_msg((dm = strstr(out, "--- dmesg xen ---")) != NULL, "no dmesg in:\n%s", out);
    HAS(dm, "Hypervisor detected: Xen PV");
    HAS(dm, "Booting kernel on Xen");
    HAS(dm, "Xen version: 4.17.0-heron");
    HAS(dm, "xen:events: Using 2-level ABI");
    HAS(dm, "clocksource: Switched to clocksource xen");
    /* VCPUOP_register_vcpu_time_memory_area: the vDSO gets its pvclock. */
    HASNT(out, "VDSO_CLOCKMODE_PVCLOCK not supported");
    /* Its network: netfront attached, pings both ways. */
    HAS(out, "created peer (id 3)");
    HAS(dm, "xen_netfront: Initialising Xen virtual ethernet driver");
    HAS(dm, "net: eth0 00:16:3e:4c:00:01\n");
    HAS(dm, "net: eth0 10.0.1.1 up");
    HAS(dm, "linux ping 10.0.1.2: 5 packets transmitted, 5 packets received, 0% packet loss");
    HAS(out, "peer: ping 10.0.1.1: 3 packets transmitted, 3 packets received, 0% packet loss");
    HAS(dm, "net send: 1000 datagrams, 1000 acknowledged\n");
    for (unsigned int n = 0; n < 1000; n++)
        udp_bytes += 64 + (n * 37u) % 961;      /* net-probe's datagram n */
    snprintf(udp_recv, sizeof(udp_recv), "peer: net recv: 1000 datagrams, %lu bytes, 0 lost, "
             "0 gaps, 0 bad, 0 out of order\n", udp_bytes);
    HAS(out, udp_recv);
    f = strstr(dm, "net: eth0 ");
    ck_assert_msg(f && (f = strstr(f + 1, " rx ")) != NULL, "no eth0 counters:\n%s", out);
    while (f > dm && f[-1] != '\n')
        f--;
    ck_assert_msg(sscanf(f, "net: eth0 %lu rx %lu tx packets", &rx, &tx) == 2,
                  "no eth0 counters:\n%s", out);
    ck_assert_msg(rx >= 8 + 62 && tx >= 8 + 1000, "eth0 counted %lu rx, %lu tx packets", rx, tx);
    HAS(out, "heron-netback: /local/domain/0/backend/vif/2/0: connected");
    f = strstr(out, "heron-netback: /local/domain/0/backend/vif/2/0: disconnected (frontend closing)");
    ck_assert_msg(f && sscanf(f, "heron-netback: /local/domain/0/backend/vif/2/0: disconnected "
                              "(frontend closing): from guest %lu frames, %lu errors; to guest "
                              "%lu frames, %lu errors", &from, &from_err, &to, &to_err) == 4 &&
                  (f = strstr(f, "; checksums completed ")) != NULL &&
                  sscanf(f, "; checksums completed %lu", &csum) == 1,
                  "no closing vif/2/0 in:\n%s", out);
    ck_assert_msg(from >= tx && to >= rx && !from_err && !to_err,
                  "netback: from guest %lu (%lu errors), to guest %lu (%lu errors); "
                  "eth0: %lu tx, %lu rx", from, from_err, to, to_err, tx, rx);
    /* Linux left its UDP checksums to the backend (NETTXF_csum_blank). */
    ck_assert_msg(csum >= 1000, "netback completed %lu checksums for Linux", csum);
    /* The backend's Closing reached Linux at poweroff (xenbus_dev_shutdown). */
    HASNT(out, "device/vif/0 timeout closing device");
    HASNT(out, "device/vbd/51712 timeout closing device");
    HAS(dm, "=== LINUX PV DONE ===");
    HASNT(out, "linux: still running");
    /* Its block device, then the image as the host sees it. */
    HAS(out, "blk: xvda 6144 sectors");
    HAS(out, "blk: pattern written");
    HAS(out, "blk: copied");
    ck_assert_msg(image_mib_digest(0) == expected_digest(0),
                  "MiB 0 of " IMAGE " is not /init's pattern");
    ck_assert_msg(image_mib_digest(1) == expected_digest(1), "MiB 1 of " IMAGE " changed");
    ck_assert_msg(image_mib_digest(2) == expected_digest(1),
                  "MiB 2 of " IMAGE " is not a copy of MiB 1");
    f = strstr(out, "free pages before ");
    ck_assert_msg(f && sscanf(f, "free pages before %ld after %ld", &before, &after) == 2,
                  "no free page counts:\n%s", out);
    ck_assert_msg(before == after, "free pages %ld before, %ld after", before, after);
    /* linux2: destroyed while running (both vCPUs online and spinning). */
    HAS(out, "created linux2 (id 4)");
    HAS(out, "=== LINUX PV WAITING ===");
    HAS(out, "=== LINUX PV SPINNING ===");
    f = strstr(out, "\nlinux2 ");
    ck_assert_msg(f && sscanf(f, "\nlinux2 %u %u %u", &l2_id, &l2_mem, &l2_vcpus) == 3 &&
                  l2_id == 4 && l2_vcpus == 2, "heron list did not show linux2 with 2 "
                  "vCPUs online:\n%s", out);
    HAS(out, "linux2: destroyed");
    HASNT(out, "linux2: still listed");
    f = strstr(out, "free pages before ");
    f = f ? strstr(f + 1, "free pages before ") : NULL;
    ck_assert_msg(f && sscanf(f, "free pages before %ld after linux2's destroy %ld",
                              &before, &after) == 2, "no free page counts after linux2:\n%s",
                  out);
    ck_assert_msg(before == after, "free pages %ld before, %ld after linux2's destroy",
                  before, after);

    hv = slurp(LOG ".txt");
    HAS(hv, "hv: domain 2 created by domain 0 (2 vCPUs)");
    HAS(hv, "hv: domain 3 created by domain 0 (1 vCPUs)");
    HAS(hv, "hv: domain 4 created by domain 0 (2 vCPUs)");
    /* Its early console (console_io): set_gdt and the PV setup done. */
    HAS(hv, "(d2) [    0.000000] Command line: console=hvc0");
    HAS(hv, "Booting kernel on Xen");
    HAS(hv, "Xen version: 4.17.0-heron");
    HAS(hv, "xen:events: Using 2-level ABI");
    /* No step of its boot crashed it (hv's report names the fault). */
    HASNT(hv, "hv: domain 2 crashed");
    HASNT(hv, "hv: domain 3 crashed");
    HASNT(hv, "hv: domain 4 crashed");
    /* linux2's frames: all back when it died, or once dom0 let go. */
    f = strstr(hv, "hv: domain 4 died (destroyed): ");
    ck_assert_msg(f && sscanf(f, "hv: domain 4 died (destroyed): %lu frames returned, %lu held",
                              &l2_returned, &l2_held) == 2 && l2_returned > 0,
                  "no death line for linux2: " LOG ".txt");
    ck_assert_msg(l2_held == 0 || strstr(hv, "hv: domain 4: its last frames came back"),
                  "linux2's %lu frames held elsewhere never came back", l2_held);
    /* Its frames: all back at once ("0 held elsewhere") or once dom0's
     * mappings go ("its last frames came back"); the free page counts
     * above and the balance below say they did. */
    HAS(hv, "hv: domain 2 died (poweroff)");
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

    tcase_set_timeout(tc, 560);
    tcase_add_test(tc, debian_kernel_as_pv_domu);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
