/*
 * The xl.cfg parser and the domain config keys: syntax, every key, every
 * error path (each must name file:line and the key), disk and vif specs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "domain_cfg.h"

#define KERNEL "/tmp/heron-test-kernel"
#define RAMDISK "/tmp/heron-test-ramdisk"

static char err[512];

static void setup(void)
{
    FILE *f = fopen(KERNEL, "w");

    ck_assert_ptr_nonnull(f);
    fputs("kernel", f);
    fclose(f);
    f = fopen(RAMDISK, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
}

static int parse(const char *text, struct cfg_file *f)
{
    return cfg_parse("t.cfg", text, strlen(text), f, err, sizeof(err));
}

static void parse_fails(const char *text, const char *want)
{
    struct cfg_file f;

    ck_assert_msg(parse(text, &f) == -1, "accepted: %s", text);
    ck_assert_msg(!strcmp(err, want), "for <<%s>>\n got: %s\nwant: %s", text, err, want);
    ck_assert_int_eq(f.nr_entries, 0);
}

static int load(const char *text, struct domain_cfg *dc)
{
    struct cfg_file f;
    int rc;

    if (parse(text, &f))
        return -1;
    rc = domain_cfg_from(&f, dc, err, sizeof(err));
    cfg_free(&f);
    return rc;
}

static void load_fails(const char *text, const char *want)
{
    struct domain_cfg dc;

    ck_assert_msg(load(text, &dc) == -1, "accepted: %s", text);
    ck_assert_msg(!strcmp(err, want), "for <<%s>>\n got: %s\nwant: %s", text, err, want);
    ck_assert_ptr_null(dc.name);
}

#define BASE "name = 'd'\nkernel = '" KERNEL "'\n"

START_TEST(syntax_values_lists_comments)
{
    struct cfg_file f;
    const struct cfg_entry *e;

    ck_assert_msg(parse("# comment\n  a = 1 ; b = 'x y' # trailing\n"
                        "c = \"dq\\t\\x41\\101\\\\\\\"\"\n"
                        "d = [ 'one',\n  2, # comment in a list\n\n 'three', ]\n"
                        "e = []\r\nf=0x10", &f) == 0, "%s", err);
    ck_assert_int_eq(f.nr_entries, 6);
    e = cfg_find(&f, "a");
    ck_assert_int_eq(e->kind, CFG_NUMBER);
    ck_assert_str_eq(e->atom.text, "1");
    ck_assert_int_eq(e->line, 2);
    e = cfg_find(&f, "b");
    ck_assert_int_eq(e->kind, CFG_STRING);
    ck_assert_str_eq(e->atom.text, "x y");
    ck_assert_str_eq(cfg_find(&f, "c")->atom.text, "dq\tAA\\\"");
    e = cfg_find(&f, "d");
    ck_assert_int_eq(e->kind, CFG_LIST);
    ck_assert_int_eq(e->nr_items, 3);
    ck_assert_str_eq(e->items[0].text, "one");
    ck_assert_int_eq(e->items[1].kind, CFG_NUMBER);
    ck_assert_int_eq(e->items[2].line, 7);
    ck_assert_int_eq(cfg_find(&f, "e")->nr_items, 0);
    ck_assert_str_eq(cfg_find(&f, "f")->atom.text, "0x10");
    ck_assert_ptr_null(cfg_find(&f, "g"));
    cfg_free(&f);
    ck_assert_int_eq(parse("", &f), 0);
    ck_assert_int_eq(f.nr_entries, 0);
    cfg_free(&f);
}
END_TEST

START_TEST(append_operator)
{
    struct cfg_file f;

    ck_assert_msg(parse("a = 'x'\na += 'y'\nl = ['1']\nl += ['2', '3']\nn += 'new'\n",
                        &f) == 0, "%s", err);
    ck_assert_str_eq(cfg_find(&f, "a")->atom.text, "xy");
    ck_assert_int_eq(cfg_find(&f, "l")->nr_items, 3);
    ck_assert_str_eq(cfg_find(&f, "l")->items[2].text, "3");
    ck_assert_str_eq(cfg_find(&f, "n")->atom.text, "new");
    cfg_free(&f);
    parse_fails("a = 'x'\na += ['y']\n",
                "t.cfg:2: a: '+=' needs a string like the first assignment (line 1)");
    parse_fails("a = 1\na += 2\n",
                "t.cfg:2: a: '+=' needs a string like the first assignment (line 1)");
}
END_TEST

START_TEST(syntax_errors_name_the_line)
{
    parse_fails("a = 1\nb = 'open\n", "t.cfg:2: unterminated string");
    parse_fails("a = 'bad \\q'", "t.cfg:1: invalid escape '\\q' in a quoted string");
    parse_fails("a = '\\x4'", "t.cfg:1: \\x needs two hex digits in a quoted string");
    parse_fails("a = '\\0'", "t.cfg:1: NUL character in a quoted string");
    parse_fails("a = '\\777'", "t.cfg:1: octal escape above \\377 in a quoted string");
    parse_fails("a = 'x\\", "t.cfg:1: unterminated string");
    parse_fails("\n\nName = 1", "t.cfg:3: unexpected 'N' (keys are lower case)");
    parse_fails("a = 1\n$", "t.cfg:2: unexpected '$'");
    parse_fails("a = \x01", "t.cfg:1: unexpected character \\x01");
    parse_fails("a 1", "t.cfg:1: a: expected '=' or '+=', found a number");
    parse_fails("a =\n1", "t.cfg:1: a: expected a value, found end of line");
    parse_fails("a = 1 2", "t.cfg:1: a: expected the end of the statement, found a number");
    parse_fails("a = [ 1 2 ]", "t.cfg:1: a: expected ',' or ']' in the list, found a number");
    parse_fails("a = [ 1,\n", "t.cfg:2: a: list not closed with ']'");
    parse_fails("a = [ [1] ]", "t.cfg:1: a: nested lists are not supported");
    parse_fails("a = [ , ]", "t.cfg:1: a: expected a value, found ','");
    parse_fails("= 1", "t.cfg:1: expected a key, found '='");
    parse_fails("a = 1\n\na = 2\n", "t.cfg:3: a: duplicate key (first set on line 1)");
    {
        struct cfg_file f;

        ck_assert_int_eq(cfg_parse("n.cfg", "a = 1\nb\0", 8, &f, err, sizeof(err)), -1);
        ck_assert_str_eq(err, "n.cfg:2: NUL character in the file");
    }
}
END_TEST

START_TEST(a_full_config)
{
    struct domain_cfg dc;

    ck_assert_msg(load("name = \"web-1\"\ntype = 'pv'\nmemory = 256\nmaxmem = '512'\n"
                       "vcpus = 2\nkernel = '" KERNEL "'\nramdisk = '" RAMDISK "'\n"
                       "root = '/dev/xvda1'\nextra = 'console=hvc0'\n"
                       "disk = [ '/img/a.raw,xvda,w', 'format=qcow2, vdev=xvdb, "
                       "access=ro, target=/img/b,c.qcow2' ]\n"
                       "vif = [ 'bridge=xenbr1,mac=00:16:3e:01:02:03', '' ]\n"
                       "on_poweroff = 'destroy'; on_reboot = 'restart'\n"
                       "on_crash = 'preserve'\n", &dc) == 0, "%s", err);
    ck_assert_str_eq(dc.name, "web-1");
    ck_assert_int_eq(dc.memory_mb, 256);
    ck_assert_int_eq(dc.maxmem_mb, 512);
    ck_assert_int_eq(dc.vcpus, 2);
    ck_assert_str_eq(dc.kernel, KERNEL);
    ck_assert_str_eq(dc.ramdisk, RAMDISK);
    ck_assert_str_eq(dc.cmdline, "root=/dev/xvda1 console=hvc0");
    ck_assert_int_eq(dc.nr_disks, 2);
    ck_assert_str_eq(dc.disks[0].target, "/img/a.raw");
    ck_assert_str_eq(dc.disks[0].vdev, "xvda");
    ck_assert(!dc.disks[0].readonly);
    ck_assert_int_eq(dc.disks[1].format, DISK_QCOW2);
    ck_assert_str_eq(dc.disks[1].target, "/img/b,c.qcow2");
    ck_assert(dc.disks[1].readonly);
    ck_assert_int_eq(dc.nr_vifs, 2);
    ck_assert_str_eq(dc.vifs[0].bridge, "xenbr1");
    ck_assert(dc.vifs[0].has_mac);
    ck_assert_int_eq(dc.vifs[0].mac[5], 3);
    ck_assert(!dc.vifs[1].has_mac);
    ck_assert_int_eq(dc.on_crash, ACTION_PRESERVE);
    ck_assert_int_eq(dc.on_reboot, ACTION_RESTART);
    domain_cfg_free(&dc);
}
END_TEST

START_TEST(defaults)
{
    struct domain_cfg dc;

    ck_assert_msg(load(BASE, &dc) == 0, "%s", err);
    ck_assert_int_eq(dc.memory_mb, 128);
    ck_assert_int_eq(dc.maxmem_mb, 128);
    ck_assert_int_eq(dc.vcpus, 1);
    ck_assert_ptr_null(dc.ramdisk);
    ck_assert_str_eq(dc.cmdline, "");
    ck_assert_int_eq(dc.nr_disks, 0);
    ck_assert_int_eq(dc.on_poweroff, ACTION_DESTROY);
    ck_assert_int_eq(dc.on_reboot, ACTION_RESTART);
    ck_assert_int_eq(dc.on_crash, ACTION_DESTROY);
    domain_cfg_free(&dc);
    ck_assert_msg(load(BASE "cmdline = 'a b'\nmemory = 64\n", &dc) == 0, "%s", err);
    ck_assert_str_eq(dc.cmdline, "a b");
    ck_assert_int_eq(dc.maxmem_mb, 64);
    domain_cfg_free(&dc);
    ck_assert_msg(load(BASE "extra = 'x'\n", &dc) == 0, "%s", err);
    ck_assert_str_eq(dc.cmdline, "x");
    domain_cfg_free(&dc);
    ck_assert_str_eq(domain_action_name(ACTION_COREDUMP_RESTART), "coredump-restart");
}
END_TEST

START_TEST(key_errors_name_file_line_and_key)
{
    load_fails(BASE "bogus = 1\n", "t.cfg:3: bogus: unknown key");
    load_fails("kernel = '" KERNEL "'\n", "t.cfg: name: missing (required)");
    load_fails("name = 'x'\n", "t.cfg: kernel: missing (required)");
    load_fails(BASE "name += 'x'\nmemory = [1]",
               "t.cfg:4: memory: must be a number, not a list");
    load_fails("name = 5\n", "t.cfg:1: name: must be a quoted string, not a number");
    load_fails("name = ['a']\n", "t.cfg:1: name: must be a quoted string, not a list");
    load_fails("name = ''\n", "t.cfg:1: name: must not be empty");
    load_fails("name = 'a/b'\n",
               "t.cfg:1: name: 'a/b': only letters, digits, '-', '_' and '.' are allowed");
    load_fails("name = '42'\n", "t.cfg:1: name: '42' is all digits (it would read as a "
               "domain id)");
    load_fails("name = 'Domain-0'\n", "t.cfg:1: name: 'Domain-0' is dom0's name");
    load_fails("name = '" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "'\n",
               "t.cfg:1: name: longer than 64 characters");
    load_fails(BASE "type = 'pvh'\n", "t.cfg:3: type: 'pvh' domains are not supported by "
               "heron's toolstack (\"pv\" or \"hvm\")");
    load_fails(BASE "type = 'hvm'\nbuilder = 'generic'\n",
               "t.cfg:4: builder: 'generic' contradicts type");
    load_fails(BASE "builder = 'hvm'\ntype = 'pv'\n", "t.cfg:4: type: 'pv' contradicts builder");
    load_fails(BASE "builder = 'linux'\n",
               "t.cfg:3: builder: unknown builder 'linux' (generic, hvm)");
    load_fails(BASE "type = 'hvm'\nvcpus = 2\n",
               "t.cfg:4: vcpus: HVM domains have one vCPU on heron");
    load_fails(BASE "type = 'vm'\n", "t.cfg:3: type: unknown type 'vm' (pv, hvm, pvh)");
    load_fails(BASE "memory = 'lots'\n", "t.cfg:3: memory: 'lots' is not a number");
    load_fails(BASE "memory = 12ab\n", "t.cfg:3: memory: '12ab' is not a number");
    load_fails(BASE "memory = 2\n", "t.cfg:3: memory: 2 is out of range (4 to 1048576)");
    load_fails(BASE "memory = '-5'\n", "t.cfg:3: memory: '-5' is not a number");
    load_fails(BASE "memory = 99999999999999999999\n",
               "t.cfg:3: memory: '99999999999999999999' is not a number");
    load_fails(BASE "memory = 64\nmaxmem = 32\n",
               "t.cfg:4: maxmem: 32 MiB is below memory (64 MiB)");
    load_fails(BASE "vcpus = 0\n", "t.cfg:3: vcpus: 0 is out of range (1 to 128)");
    load_fails(BASE "vcpus = 129\n", "t.cfg:3: vcpus: 129 is out of range (1 to 128)");
    load_fails("name = 'd'\nkernel = '/nonexistent/vmlinuz'\n",
               "t.cfg:2: kernel: cannot open '/nonexistent/vmlinuz': No such file or directory");
    load_fails("name = 'd'\nkernel = '/tmp'\n", "t.cfg:2: kernel: '/tmp' is not a regular file");
    load_fails("name = 'd'\nkernel = ''\n", "t.cfg:2: kernel: must not be empty");
    load_fails(BASE "ramdisk = '/nonexistent'\n",
               "t.cfg:3: ramdisk: cannot open '/nonexistent': No such file or directory");
    load_fails(BASE "cmdline = 'a'\nroot = '/dev/xvda'\n",
               "t.cfg:3: cmdline: cannot be combined with root or extra (cmdline "
               "replaces them)");
    load_fails(BASE "root = 1\n", "t.cfg:3: root: must be a quoted string, not a number");
    load_fails(BASE "extra = [ ]\n", "t.cfg:3: extra: must be a quoted string, not a list");
    load_fails(BASE "on_crash = 'explode'\n",
               "t.cfg:3: on_crash: unknown action 'explode' (destroy, restart, preserve)");
    load_fails(BASE "on_reboot = 'rename-restart'\n",
               "t.cfg:3: on_reboot: 'rename-restart' is not supported yet (destroy, "
               "restart, preserve)");
    load_fails(BASE "on_poweroff = 'coredump-destroy'\n",
               "t.cfg:3: on_poweroff: 'coredump-destroy' is not supported yet (destroy, "
               "restart, preserve)");
    load_fails(BASE "disk = '/img,xvda,w'\n",
               "t.cfg:3: disk: must be a list of strings, not a string");
    load_fails(BASE "disk = [ 7 ]\n",
               "t.cfg:3: disk: entry 1 (line 3) must be a quoted string");
    load_fails(BASE "disk = [ '/a,xvda', '/b,xvda' ]\n",
               "t.cfg:3: disk: entry 2 (line 3): vdev xvda is used twice");
    load_fails(BASE "disk = [\n'/a,xvda',\n'/b,,xvdb,rx' ]\n",
               "t.cfg:3: disk: entry 2 (line 5) '/b,,xvdb,rx': unknown access 'rx' "
               "(ro, r, rw, w)");
    load_fails(BASE "vif = 'bridge=x'\n", "t.cfg:3: vif: must be a list of strings, not a string");
    load_fails(BASE "vif = [ 1 ]\n", "t.cfg:3: vif: entry 1 (line 3) must be a quoted string");
    load_fails(BASE "vif = [ 'mac=01:00:00:00:00:00' ]\n",
               "t.cfg:3: vif: entry 1 (line 3) 'mac=01:00:00:00:00:00': mac "
               "'01:00:00:00:00:00' is a multicast address");
    {
        char text[2048];

        snprintf(text, sizeof(text), BASE "cmdline = '%01100d'\n", 0);
        load_fails(text, "t.cfg:3: cmdline: longer than 1023 characters");
        snprintf(text, sizeof(text), BASE "extra = '%01100d'\n", 0);
        load_fails(text, "t.cfg: root and extra make a command line longer than 1023 "
                   "characters");
    }
}
END_TEST

START_TEST(hvm_type_and_builder)
{
    struct domain_cfg dc;

    ck_assert_int_eq(load(BASE "type = 'hvm'\nmemory = 64\n", &dc), 0);
    ck_assert(dc.hvm);
    ck_assert_uint_eq(dc.memory_mb, 64);
    domain_cfg_free(&dc);
    ck_assert_int_eq(load(BASE "builder = \"hvm\"\ntype = 'hvm'\n", &dc), 0);
    ck_assert(dc.hvm);
    domain_cfg_free(&dc);
    ck_assert_int_eq(load(BASE "builder = 'generic'\n", &dc), 0);
    ck_assert(!dc.hvm);
    domain_cfg_free(&dc);
    ck_assert_int_eq(load(BASE, &dc), 0);
    ck_assert(!dc.hvm);
    domain_cfg_free(&dc);
}
END_TEST

START_TEST(load_reads_files)
{
    struct domain_cfg dc;
    FILE *f = fopen("/tmp/heron-test.cfg", "w");

    fputs(BASE "memory = 64\n", f);
    fclose(f);
    ck_assert_msg(domain_cfg_load("/tmp/heron-test.cfg", &dc, err, sizeof(err)) == 0,
                  "%s", err);
    ck_assert_int_eq(dc.memory_mb, 64);
    domain_cfg_free(&dc);
    f = fopen("/tmp/heron-test.cfg", "w");
    fputs(BASE "memory = 'x'\n", f);
    fclose(f);
    ck_assert_int_eq(domain_cfg_load("/tmp/heron-test.cfg", &dc, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "/tmp/heron-test.cfg:3: memory: 'x' is not a number");
    f = fopen("/tmp/heron-test.cfg", "w");
    fputs("a = (", f);
    fclose(f);
    ck_assert_int_eq(domain_cfg_load("/tmp/heron-test.cfg", &dc, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "/tmp/heron-test.cfg:1: unexpected '('");
    unlink("/tmp/heron-test.cfg");
    ck_assert_int_eq(domain_cfg_load("/tmp/heron-test.cfg", &dc, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "/tmp/heron-test.cfg: cannot open: No such file or directory");
}
END_TEST

static void disk_ok(const char *spec, const char *target, enum disk_format fmt,
                    const char *vdev, bool ro, bool cdrom)
{
    struct disk_spec d;

    ck_assert_msg(disk_spec_parse(spec, &d, err, sizeof(err)) == 0, "%s: %s", spec, err);
    ck_assert_str_eq(d.target, target);
    ck_assert_int_eq(d.format, fmt);
    ck_assert_str_eq(d.vdev, vdev);
    ck_assert_int_eq(d.readonly, ro);
    ck_assert_int_eq(d.cdrom, cdrom);
    disk_spec_free(&d);
}

static void disk_bad(const char *spec, const char *want)
{
    struct disk_spec d;

    ck_assert_msg(disk_spec_parse(spec, &d, err, sizeof(err)) == -1, "accepted %s", spec);
    ck_assert_msg(!strcmp(err, want), "%s: got '%s' want '%s'", spec, err, want);
    ck_assert_ptr_null(d.target);
}

START_TEST(disk_specs)
{
    /* xl-disk-configuration(5)'s equivalent spellings. */
    disk_ok("/dev/vg/guest-volume,,hda", "/dev/vg/guest-volume", DISK_RAW, "hda", false, false);
    disk_ok("/dev/vg/guest-volume,raw,hda,rw", "/dev/vg/guest-volume", DISK_RAW, "hda", false, false);
    disk_ok("format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume",
            "/dev/vg/guest-volume", DISK_RAW, "hda", false, false);
    disk_ok("raw:/dev/vg/guest-volume,hda,w", "/dev/vg/guest-volume", DISK_RAW, "hda", false, false);
    disk_ok("/root/image.iso,,hdc,cdrom", "/root/image.iso", DISK_RAW, "hdc", true, true);
    disk_ok("/root/image.iso,raw,hdc,devtype=cdrom", "/root/image.iso", DISK_RAW, "hdc", true, true);
    disk_ok("format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/root/image.iso",
            "/root/image.iso", DISK_RAW, "hdc", true, true);
    disk_ok("/img.raw,xvda,w", "/img.raw", DISK_RAW, "xvda", false, false);
    disk_ok("phy:/dev/sdb1,xvdb1,r", "/dev/sdb1", DISK_RAW, "xvdb1", true, false);
    disk_ok("/q.img,qcow2,sdc,ro", "/q.img", DISK_QCOW2, "sdc", true, false);
    disk_ok("vdev=xvdz, devtype=cdrom, target=", "", DISK_RAW, "xvdz", true, true);
}
END_TEST

START_TEST(disk_spec_errors)
{
    disk_bad("/img", "no vdev (the guest's device name, e.g. xvda)");
    disk_bad("/img,raw,floppy", "vdev 'floppy' is not a disk name like xvda, hdc or sdb");
    disk_bad("/img,fat,xvda", "unknown format 'fat' (raw, qcow, qcow2, vhd, qed)");
    disk_bad("/img,,xvda,rx", "unknown access 'rx' (ro, r, rw, w)");
    disk_bad("/img,,xvda,w,extra", "too many positional parameters at 'extra'");
    disk_bad("/img,xvda,colour=red", "unknown parameter 'colour'");
    disk_bad("/img,xvda,devtype=tape", "unknown devtype 'tape' (cdrom, disk)");
    disk_bad("/img,xvda,backendtype=nbd", "unknown backendtype 'nbd' (phy, qdisk, standalone)");
    disk_bad("vdev=xvda,vdev=xvdb,target=/x", "vdev given twice");
    disk_bad("vdev=xvda", "no target (image or device path)");
    disk_bad("/a,xvda,target=/b", "target given twice");
    disk_bad("raw:/a,format=raw,xvda", "format given twice");
    disk_bad("format=raw,raw:/a,xvda", "format given twice");
    disk_bad("format=raw,/a,qcow2,xvda", "format given twice");
    disk_bad("vdev=xvda,/a,,xvdb", "vdev given twice");
    disk_bad("access=ro,/a,,xvdb,rw", "access given twice");
}
END_TEST

START_TEST(vif_specs)
{
    struct vif_spec v;

    ck_assert_int_eq(vif_spec_parse(" mac=00:16:3E:aa:bb:cc , bridge=br0,ip=10.0.0.2,"
                                    "model=e1000,type=vif,vifname=v1,script=vif-br,"
                                    "backend=0,mtu=9000", &v, err, sizeof(err)), 0);
    ck_assert(v.has_mac);
    ck_assert_int_eq(v.mac[3], 0xaa);
    ck_assert_str_eq(v.bridge, "br0");
    ck_assert_str_eq(v.ip, "10.0.0.2");
    ck_assert_str_eq(v.vifname, "v1");
    ck_assert_int_eq(v.mtu, 9000);
    vif_spec_free(&v);
    ck_assert_int_eq(vif_spec_parse("", &v, err, sizeof(err)), 0);
    ck_assert(!v.has_mac);
    ck_assert_ptr_null(v.bridge);
#define VIF_BAD(s, want) do { \
        ck_assert_int_eq(vif_spec_parse(s, &v, err, sizeof(err)), -1); \
        ck_assert_str_eq(err, want); } while (0)
    VIF_BAD("bridge", "'bridge' is not KEY=VALUE");
    VIF_BAD("colour=red", "unknown parameter 'colour'");
    VIF_BAD("mac=00:16:3e:00:00", "mac '00:16:3e:00:00' is not six hex bytes XX:XX:XX:XX:XX:XX");
    VIF_BAD("mac=00:16:3e:00:00:zz", "mac '00:16:3e:00:00:zz' is not six hex bytes XX:XX:XX:XX:XX:XX");
    VIF_BAD("mac=00:16:3e:00:00:01,mac=00:16:3e:00:00:02", "mac given twice");
    VIF_BAD("mtu=10", "mtu '10' is not a number from 68 to 65535");
    VIF_BAD("mtu=1500,mtu=1500", "mtu given twice");
    VIF_BAD("bridge=", "bridge has an empty value");
    VIF_BAD("bridge=a,bridge=b", "bridge given twice");
    VIF_BAD("type=tap", "unknown type 'tap' (vif, ioemu)");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toolstack_cfg");
    TCase *tc = tcase_create("cfg");
    SRunner *sr;
    int failed;

    tcase_add_unchecked_fixture(tc, setup, NULL);
    tcase_add_test(tc, syntax_values_lists_comments);
    tcase_add_test(tc, append_operator);
    tcase_add_test(tc, syntax_errors_name_the_line);
    tcase_add_test(tc, a_full_config);
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, key_errors_name_file_line_and_key);
    tcase_add_test(tc, hvm_type_and_builder);
    tcase_add_test(tc, load_reads_files);
    tcase_add_test(tc, disk_specs);
    tcase_add_test(tc, disk_spec_errors);
    tcase_add_test(tc, vif_specs);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
