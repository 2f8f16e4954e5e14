/*
 * Scenario tests of issue 7 on the real hv: HVM domains created by
 * `heron create` in dom0 (toolstack/dom0/run-script, dom0_mem=128M of
 * QEMU's 512 MiB), whose root is the test dom0 root plus hvm-probe,
 * pvops-guest's busybox-script initrd and the HVM test kernel
 * (build/tests/toolstack/hvm-root).
 *  - hvm: pvops-guest (the file that boots natively) as an HVM domain runs
 *    the busybox script with the output of the native boot
 *    (tests/guest/expected/shell.out), its COM1 served by heron-dm and
 *    logged by heron-consoled; next to a PV domU and a second HVM domU
 *    that gets typed input through `heron console` and has two IDE disks
 *    served by heron-dm, which pvops-guest drives by bus-master DMA:
 *    blk-probe fills the first, 80 KiB, with a 64 KiB and a 16 KiB write
 *    (its image, dumped by dom0, must hold the pattern generated here) and
 *    cannot write the read-only second (heron-dm aborts the DMA command:
 *    EIO, image unchanged); pause/unpause; a
 *    triple-faulting HVM kernel crashes alone (on_crash = "preserve");
 *    after destroy the device models are gone and free pages and the
 *    xenstore tree are back; then bad HVM configs and hvm_build's
 *    argument checks (hvm-probe), all leaving nothing behind.
 *  - nosvm: QEMU -cpu max,-svm: hv says HVM is unavailable, heron create
 *    of an HVM config prints the documented message, PV works.
 *  - linux: Debian's kernel (fetched by the build, as for test_hvm_linux)
 *    as an HVM domU boots to its /init on heron-dm's COM1, finds PCI bus 0
 *    through hv's DSDT, pings a PV domU over xenbr0 with ne2k-pci on
 *    heron-dm's NE2000, fills heron-dm's IDE disk through ata_piix (by
 *    MWDMA2 on the PIIX3's bus master, not PIO) and sd_mod (the image's
 *    xxHash must be the pattern's) and powers off;
 *    without a fetched kernel the test fails saying why.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include "progs/blk_pattern.h"

#define RUN "HV_CMDLINE=dom0_mem=128M toolstack/dom0/run-script tests/toolstack/scripts/"
#define ROOT " build/tests/toolstack/hvm-root"
#define LINUX_ROOT " build/tests/toolstack/hvm-linux-root"
#define ARGS " build/hv.elf build/pvops-guest.elf "
#define LINUX_REF "build/linux-ref"
#define EXPECT_SHELL "tests/guest/expected/shell.out"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    ck_assert_msg(f != NULL, "cannot read %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, n + 1);
    ck_assert_int_eq(fread(buf, 1, n, f), n);
    fclose(f);
    return buf;
}

/*
 * Runs a script in dom0 with QEMU's -cpu cpu: its output in *out (without
 * hv's own lines), the whole console in *console; its status returned.
 * hv's frame accounting must balance at the end.
 */
static int run(const char *script, const char *root, const char *cpu, char **out,
               char **console)
{
    char cmd[512], log[128], line[1024];
    size_t len = 0, cap = 1 << 20;
    FILE *p;
    int st;

    snprintf(log, sizeof(log), "build/tests/toolstack/hvm-%s.log", script);
    snprintf(cmd, sizeof(cmd), RUN "%s.sh%s" ARGS "%s 300 qemu-system-x86_64 -cpu %s "
             "-m 512 2>&1", script, root, log, cpu);
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    *out = calloc(1, cap);
    while (fgets(line, sizeof(line), p)) {
        size_t l = strlen(line);

        if (strncmp(line, "hv: ", 4) && strncmp(line, "hvm: ", 5) && len + l < cap) {
            memcpy(*out + len, line, l);
            len += l;
        }
    }
    st = pclose(p);
    snprintf(line, sizeof(line), "%s.txt", log);
    *console = slurp(line);
    ck_assert_msg(strstr(*console, "hv: frame accounting:") &&
                  strstr(*console, ": balanced"),
                  "hv's frame accounting did not balance: %s", line);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The output can be long (the image dump): it goes to stderr, the
 * failure message names only the string. */
#define HAS(out, s)                                                          \
    do {                                                                     \
        if (!strstr(out, s))                                                 \
            fprintf(stderr, "%s\n", out);                                    \
        ck_assert_msg(strstr(out, s), "no '%s' in the output above", s);     \
    } while (0)
#define HASNT(out, s)                                                        \
    do {                                                                     \
        if (strstr(out, s))                                                  \
            fprintf(stderr, "%s\n", out);                                    \
        ck_assert_msg(!strstr(out, s), "'%s' in the output above", s);       \
    } while (0)

/* The lines between "=== BEGIN shell ===" and "=== END shell", as
 * test_hvm_pvops reads them (the kernel's "pvops-guest: " lines left out
 * by run-script already). */
static char *shell_section(const char *out)
{
    const char *b = strstr(out, "=== BEGIN shell ===\n"), *e;

    ck_assert_msg(b != NULL, "no shell section in:\n%s", out);
    b += strlen("=== BEGIN shell ===\n");
    e = strstr(b, "=== END shell (");
    ck_assert_msg(e != NULL, "the shell section does not end");
    return strndup(b, e - b);
}

/* The bytes of the disk image dom0 dumped (od -t x1) after its "=== IMAGE ===". */
static uint8_t *image_dump(const char *out, size_t *len)
{
    const char *p = strstr(out, "=== IMAGE ===\n"), *end = strstr(out, "=== END IMAGE ===");
    uint8_t *img = malloc(strlen(out) / 3 + 1);
    unsigned int byte;
    int used;

    ck_assert_msg(p && end, "no image dump");
    p += strlen("=== IMAGE ===\n");
    *len = 0;
    while (p < end && sscanf(p, " %2x%n", &byte, &used) == 1) {
        img[(*len)++] = (uint8_t)byte;
        p += used;
    }
    return img;
}

/* The disk image dom0 dumped must be blk_pattern(seed, b, 0) over blocks
 * blocks (compared by xxHash). */
static void check_image_digest(const char *out, uint64_t seed, unsigned int blocks)
{
    XXH64_state_t *st = XXH64_createState();
    uint8_t want[BLK_PATTERN_BLOCK];
    XXH64_hash_t h_want, h_img;
    size_t n;
    uint8_t *img = image_dump(out, &n);

    ck_assert_uint_eq(n, (size_t)blocks * BLK_PATTERN_BLOCK);
    XXH64_reset(st, 0);
    for (unsigned int b = 0; b < blocks; b++) {
        blk_pattern(seed, b, 0, want);
        XXH64_update(st, want, sizeof(want));
    }
    h_want = XXH64_digest(st);
    XXH64_freeState(st);
    h_img = XXH64(img, n, 0);
    ck_assert_msg(h_img == h_want, "the image's XXH64 is %016llx, the pattern's %016llx",
                  (unsigned long long)h_img, (unsigned long long)h_want);
    free(img);
}

START_TEST(hvm_domains)
{
    char *out, *hv;
    int st = run("hvm", ROOT, "max", &out, &hv);

    ck_assert_int_eq(st, 0);
    HAS(out, "created pvdom (id 2)\ncreated shell (id 3)\ncreated typed (id 4)\n");
    HAS(hv, "hv: domain 3 created by domain 0 (1 vCPUs, HVM)\n");
    HAS(hv, "hvm: domain 3: 64 MiB RAM, kernel [0x100000-");
    HAS(out, "shell: device model running\ntyped: device model running\n"
             "pvdom: no device model\n");
    HAS(out, "{\"id\":3,\"name\":\"shell\",\"memory_mb\":64,\"vcpus\":1,");
    HAS(out, "{\"id\":4,\"name\":\"typed\",\"memory_mb\":32,\"vcpus\":1,");
    /* heron-dm's PIIX3 bus master moves the data: a 64 KiB write among them. */
    HAS(out, "ata: bus master at 00:01.1");
    HAS(out, "ata: sda: heron-dm disk, 160 sectors (0 MiB), DMA, IRQ 14\n"
             "ata: sdb: heron-dm disk, 16 sectors (0 MiB), DMA, IRQ 14\n");
    HAS(out, "blk size: 8192\n");
    HAS(out, "blk fill: 20 blocks written, flushed and read back\n");
    HAS(out, "typed: input reached COM1\n");
    HAS(out, "blk write: I/O error\nread-only image unchanged\n");
    check_image_digest(out, 7, 20);
    HAS(out, "typed: paused\ntyped: unpaused\n");
    HAS(out, "shell: all done\n");
    ck_assert_str_eq(shell_section(out), slurp(EXPECT_SHELL));
    HAS(out, "=== END shell (status 0) ===");
    HAS(hv, "hvm: domain 3 wrote 0 to isa-debug-exit: powering it off");
    /* The triple fault stops domain 5 alone. */
    HAS(hv, "hv: domain 5 crashed: triple fault");
    HAS(out, "shell ---s--\ntriple ----c-\npvdom: not shut down\ntyped: not shut down\n"
             "pvdom still ticking\n");
    HAS(out, "heron: shutdown: domain 4 is an HVM domain without PV drivers: no "
             "graceful poweroff; use -F (hv's poweroff of the domain)\nshutdown: status 1\n"
             "typed: shut down and gone\ntyped: not listed\n");
    HAS(out, "typed: device model stopped\n");
    HAS(out, "state back to baseline\n");
    HAS(hv, "hv: domain 4 died (poweroff): 8192 frames returned, 0 held elsewhere");
    /* Refused configs and hvm_build arguments. */
    HAS(out, "building 'notkernel': hv's HVM build: bad kernel image: no multiboot "
             "header in the first 8 KiB\nnotkernel: status 3\n");
    HAS(out, "building 'bigrd': hv's HVM build: the initrd (5120 KiB) does not fit "
             "after the kernel in 4096 KiB of RAM\nbigrd: status 3\n");
    HAS(out, "twocpu.cfg:3: vcpus: HVM domains have one vCPU on heron\ntwocpu: status 3\n");
    HAS(out, "pvh.cfg:2: type: 'pvh' domains are not supported");
    HAS(out, "heron: create: 'cdrom': disk hdc: an HVM domain's disks are raw images "
             "served by its device model (no cdrom, other formats or backends)\n"
             "cdrom: status 3\n");
    HAS(out, "building 'huge': hv's HVM build: RAM of 4096000 KiB is more than hv has "
             "free");
    HAS(out, "huge: status 1\n");
    HAS(out, "hvm without hap: EOPNOTSUPP\nhvm with 2 vcpus: EINVAL\n"
             "ram not whole pages: EINVAL: RAM of 8190 KiB: not a whole number of pages "
             "of at least 2 MiB\n"
             "ram below 2 MiB: EINVAL: RAM of 1024 KiB: not a whole number of pages of "
             "at least 2 MiB\n"
             "ram above max_mem: EINVAL: RAM of 16384 KiB is above the domain's max_mem\n"
             "no kernel: EINVAL: no kernel, or a kernel above 64 MiB\n"
             "kernel of 0 bytes: EINVAL: no kernel, or a kernel above 64 MiB\n"
             "kernel above 64 MiB: EINVAL: no kernel, or a kernel above 64 MiB\n"
             "initrd without length: EINVAL: an initrd without a length, or above 64 MiB\n"
             "initrd above 64 MiB: EINVAL: an initrd without a length, or above 64 MiB\n"
             "command line of 4096 bytes: EINVAL: a command line of 4096 bytes (at most "
             "4095)\n"
             "NUL in the command line: EINVAL: a NUL inside the command line\n"
             "kernel at an unmapped address: EFAULT: cannot read the caller's buffers\n"
             "not a kernel: EINVAL: bad kernel image: no multiboot header in the first "
             "8 KiB\n"
             "initrd too big for RAM: EINVAL: the initrd (8192 KiB) does not fit after "
             "the kernel in 8192 KiB of RAM\n"
             "pages unchanged\n");
    HAS(out, "is not an HVM domain\ndom0 itself: EINVAL: domain 0 is not an HVM domain\n"
             "good build: 0\nRAM in place: yes\nsecond build: EEXIST: domain ");
    HAS(out, "destroy: 0 0\nstate back to baseline after refusals\n");
    HASNT(out, "timeout");
    HASNT(out, "differs");
    free(out);
    free(hv);
}
END_TEST

START_TEST(hvm_refused_without_svm)
{
    char *out, *hv;
    int st = run("hvm_nosvm", ROOT, "max,-svm", &out, &hv);

    ck_assert_int_eq(st, 0);
    HAS(hv, "hvm: no SVM/VMX on this CPU: HVM domains unavailable");
    HAS(out, "heron: create: building 'hvmdom': HVM domains are not available: hv found no SVM with nested "
             "paging and no VMX with EPT on this CPU (its boot log says which)\n"
             "hvm config: status 1\n");
    HAS(out, "virt_caps           : pv \n");
    HAS(out, "free pages unchanged\n");
    HAS(out, "test domU pvdom: up\npvdom destroyed\n");
    HASNT(out, "\nhvmdom ");
    free(out);
    free(hv);
}
END_TEST

START_TEST(debian_kernel_as_hvm_domu)
{
    char *out, *hv, *version, want[96];
    FILE *f = fopen(LINUX_REF "/unavailable", "r");
    int st;

    if (f) {
        char why[256] = "";

        ck_assert_ptr_nonnull(fgets(why, sizeof(why), f));
        fclose(f);
        ck_abort_msg("Debian's kernel is not available: %s", why);
    }
    ck_assert_msg(access(LINUX_REF "/vmlinuz", R_OK) == 0, "no " LINUX_REF "/vmlinuz: "
                  "the build did not fetch Debian's kernel (tests/hvm-guests/linux/"
                  "fetch-kernel)");
    version = slurp(LINUX_REF "/version");
    version[strcspn(version, "\n")] = 0;
    st = run("hvm_linux", LINUX_ROOT, "max", &out, &hv);
    ck_assert_int_eq(st, 0);
    HAS(out, "created pv (id 1)\ncreated debian (id 2)\n");
    HAS(hv, "hvm: domain 2: 128 MiB RAM, Linux bzImage (protocol ");
    snprintf(want, sizeof(want), "=== LINUX INIT ===\nuname-r: %s\nprocessors: 1\n"
             "hypervisor-flag: 1\n", version);
    HAS(out, want);
    HAS(out, "] Command line: console=ttyS0 quiet nic_ip=10.0.1.3 nic_peer=10.0.1.2 "
             "disk_seed=9\n");
    /* Linux's 8250 driver finds heron-dm's 16550 and its IRQ. */
    HAS(out, "] serial8250: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a "
             "16550A\n");
    /* hv's DSDT gives it the root bridge of bus 0 with its windows ... */
    HAS(out, "] ACPI: PCI Root Bridge [PCI0] (domain 0000 [bus 00])\n");
    HAS(out, "] pci_bus 0000:00: root bus resource [io  0x0d00-0xffff window]\n");
    HAS(out, "] pci_bus 0000:00: root bus resource [bus 00]\n");
    /*
     * ... on which it finds heron-dm's 440FX, PIIX3 (ISA, legacy IDE with
     * its bus master at BAR 4) and RTL8029 ...
     */
    HAS(out, "] pci 0000:00:00.0: [8086:1237] type 00 class 0x060000\n");
    HAS(out, "] pci 0000:00:01.0: [8086:7000] type 00 class 0x060100\n");
    HAS(out, "] pci 0000:00:01.1: [8086:7010] type 00 class 0x010180\n");
    HAS(out, "] pci 0000:00:01.1: BAR 4 [io  0xc000-0xc00f]\n");
    HAS(out, "] pci 0000:00:01.1: BAR 0 [io  0x01f0-0x01f7]: legacy IDE quirk\n");
    HAS(out, "] pci 0000:00:03.0: [10ec:8029] type 00 class 0x020000\n");
    HAS(out, "] pci 0000:00:03.0: BAR 0 [io  0xc100-0xc11f]\n");
    HAS(out, "] ne2k-pci 0000:00:03.0 eth0: RealTek RTL-8029(AS) found at 0xc100, IRQ 11, "
             "00:16:3e:00:00:03.\n");
    HASNT(out, "PCI: Discovered peer bus");
    HAS(out, "ne2k-pci loaded\n");
    HAS(out, "eth0 up: 10.0.1.3\n");
    /* The NIC's interrupt comes through the _PRT: GSI 11, level-triggered. */
    HAS(out, "eth0 irq: IO-APIC 11-fasteoi\n");
    /*
     * ... which reaches the PV domU through heron-netback's xenbr0, every
     * reply back (docs/hvm.md, "The lost ping replies").
     */
    HAS(out, "ping 10.0.1.2: 4 packets transmitted, 4 packets received, 0% packet loss\n");
    /*
     * ata_piix drives heron-dm's IDE disk by DMA (MWDMA2, the PIIX3's
     * best) through IRQ 14, and never falls back to PIO ...
     */
    HASNT(out, "falling back to PIO");
    HAS(out, "] ata1: PATA max MWDMA2 cmd 0x1f0 ctl 0x3f6 bmdma 0xc000 irq 14\n");
    HAS(out, "] ata2: PATA max MWDMA2 cmd 0x170 ctl 0x376 bmdma 0xc008 irq 15\n");
    HAS(out, "] ata1.00: ATA-7: heron-dm disk, 1.0, max MWDMA2\n");
    HASNT(out, "limiting speed");
    HASNT(out, "failed command");
    HASNT(out, "ata1: lost interrupt");
    HAS(out, "] ata1.00: 64 sectors, multi 0: LBA48 \n");
    HAS(out, "] sd 0:0:0:0: [sda] 64 512-byte logical blocks: (32.8 kB/32.0 KiB)\n");
    HAS(out, "] sd 0:0:0:0: [sda] Attached SCSI disk\n");
    HAS(out, "blk size: 32768\nblk fill: 8 blocks written, flushed and read back\n");
    HAS(out, "sda irq: IO-APIC 14-edge\n");
    HAS(out, "sda xfer mode: XFER_MW_DMA_2\n");
    HASNT(out, "insmod ");
    /* ... and the host finds the pattern in the image. */
    check_image_digest(out, 9, 8);
    HAS(out, "=== LINUX DONE ===\n");
    HAS(hv, "hvm: domain 2 entered ACPI S5: powering it off");
    HAS(hv, "hv: domain 2 died (poweroff): 32768 frames returned, 0 held elsewhere");
    HAS(out, "debian: gone\n");
    HAS(out, "free pages back\n");
    HASNT(out, "Call Trace");
    HASNT(out, "unchecked MSR");
    free(out);
    free(hv);
    free(version);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toolstack_hvm_domains");
    TCase *tc = tcase_create("hvm");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, hvm_domains);
    tcase_add_test(tc, hvm_refused_without_svm);
    tcase_add_test(tc, debian_kernel_as_hvm_domu);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
