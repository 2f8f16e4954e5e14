/*
 * The PV domain builder against the fake hv: the image it leaves
 * (start_info, page tables, p2m/M2P, grant entries, vCPU context) and
 * that a failure at any step leaves nothing behind.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/elf_loader.h>
#include <public/grant_table.h>

#include "fake_hv.h"
#include "bzimage.h"
#include "pv_builder.h"

#define KERNEL     HERON_BUILD_DIR "/pvops-guest.elf"
#define TEST_GUEST HERON_BUILD_DIR "/tests/guests/test_basics.elf"
#define LINUX_REF  HERON_BUILD_DIR "/linux-ref"
#define FRAMES     16384            /* a 64 MiB machine */

static void *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    void *buf;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    rewind(f);
    buf = malloc(*len);
    ck_assert(fread(buf, 1, *len, f) == *len);
    fclose(f);
    return buf;
}

static struct fake_hv *fh;
static void *kernel;
static size_t kernel_len;
static const char ramdisk[] = "pretend this is a cpio archive";
static char err[256];

static void setup(void)
{
    fh = fake_hv_new(FRAMES);
    kernel = slurp(KERNEL, &kernel_len);
}

static void teardown(void)
{
    fake_hv_free(fh);
    free(kernel);
}

static struct pv_build_request request(uint64_t mem_kb)
{
    return (struct pv_build_request){
        .kernel = kernel, .kernel_len = kernel_len, .ramdisk = ramdisk,
        .ramdisk_len = sizeof(ramdisk), .cmdline = "console=hvc0 quiet",
        .mem_kb = mem_kb, .maxmem_kb = mem_kb + 4096, .vcpus = 2,
        .handle = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 },
    };
}

/* Walks the guest's page tables from l4 (fake machine memory). */
static uint64_t walk(xen_pfn_t l4, uint64_t va, uint64_t *flags)
{
    xen_pfn_t mfn = l4;
    uint64_t e = 0;

    for (int level = 4; level >= 1; level--) {
        uint64_t *t = fake_hv_frame(fh, mfn);

        e = t[(va >> (12 + 9 * (level - 1))) & 511];
        ck_assert_msg(e & _PAGE_PRESENT, "va %#lx not present at L%d", (long)va, level);
        mfn = (e & 0x000ffffffffff000ull) >> 12;
    }
    *flags = e & 0xfff;
    return mfn;
}

START_TEST(builds_the_pvops_guest_image)
{
    struct pv_build_request req = request(32 * 1024);
    struct pv_build_result res;
    struct pv_image img;
    struct fake_domain *d;
    start_info_t *si;
    grant_entry_v1_t *g;
    uint64_t flags, *p2m;
    xen_pfn_t si_mfn;
    char why[128];
    unsigned int free0 = fake_hv_free_frames(fh);

    ck_assert_int_eq(pv_image_parse(kernel, kernel_len, &img, why, sizeof(why)), 0);
    ck_assert_msg(pv_build(fake_hv_ops(fh), &req, &res, err, sizeof(err)) == 0, "%s", err);
    ck_assert_int_eq(fake_hv_live_mappings(fh), 0);
    d = fake_hv_domain(fh, res.domid);
    ck_assert_ptr_nonnull(d);
    ck_assert(d->paused);
    ck_assert_int_eq(d->max_vcpus, 2);
    ck_assert_int_eq(d->max_kb, 36 * 1024);
    ck_assert_int_eq(d->tot_pages, 8192);
    ck_assert_int_eq(memcmp(d->cfg.handle, req.handle, 16), 0);
    /* 8192 domain frames, the grant frame and shared_info. */
    ck_assert_int_eq(fake_hv_free_frames(fh), free0 - 8192 - 2);

    /* vCPU 0: entry, stack, start_info, page tables. */
    ck_assert(d->has_ctx);
    ck_assert_int_eq(d->ctx.flags, VGCF_in_kernel | VGCF_online);
    ck_assert_uint_eq(d->ctx.user_regs.rip, img.entry);
    ck_assert_int_eq(d->ctx.user_regs.cs, FLAT_KERNEL_CS);
    ck_assert_int_eq(d->ctx.user_regs.ss, FLAT_KERNEL_SS);
    ck_assert_uint_eq(d->ctx.user_regs.rflags, 0x200);
    ck_assert_uint_eq(d->ctx.kernel_sp, d->ctx.user_regs.rsp);
    ck_assert_uint_eq(d->ctx.ctrlreg[3] >> 12, d->pinned_l4);
    ck_assert_uint_eq(res.entry, img.entry);

    /* Every page of the region maps its pfn; page tables read-only. */
    si_mfn = walk(d->pinned_l4, d->ctx.user_regs.rsi, &flags);
    si = fake_hv_frame(fh, si_mfn);
    ck_assert_str_eq(si->magic, XEN_START_INFO_MAGIC);
    ck_assert_uint_eq(si->nr_pages, 8192);
    ck_assert_uint_eq(si->shared_info, d->shared_info_mfn << 12);
    ck_assert_uint_eq(si->flags, 0);
    ck_assert_str_eq((char *)si->cmd_line, "console=hvc0 quiet");
    ck_assert_uint_eq(si->mod_len, sizeof(ramdisk));
    ck_assert_uint_eq(si->pt_base, res.v_end - (res.v_end - si->pt_base));
    ck_assert_uint_eq(walk(d->pinned_l4, si->pt_base, &flags), d->pinned_l4);
    ck_assert_uint_eq(flags & _PAGE_RW, 0);
    ck_assert_uint_eq(d->ctx.user_regs.rsp, si->pt_base + (si->nr_pt_frames + 1) * 4096);
    p2m = fake_hv_frame(fh, walk(d->pinned_l4, si->mfn_list, &flags));
    for (uint64_t va = res.v_start; va < res.v_end; va += 4096) {
        uint64_t pfn = (va - res.v_start) >> 12;
        xen_pfn_t mfn = walk(d->pinned_l4, va, &flags);
        bool is_pt = va >= si->pt_base && va < si->pt_base + si->nr_pt_frames * 4096;

        ck_assert_uint_eq(fake_hv_m2p(fh, mfn), pfn);
        ck_assert_int_eq(fake_hv_owner(fh, mfn), res.domid);
        ck_assert_uint_eq(!!(flags & _PAGE_RW), !is_pt);
        if (pfn < 512)
            ck_assert_uint_eq(p2m[pfn], mfn);
    }
    /* The p2m covers every page, M2P agrees. */
    for (uint64_t pfn = 0; pfn < 8192; pfn++) {
        uint64_t va = si->mfn_list + pfn * 8;
        uint64_t *e = (uint64_t *)((char *)fake_hv_frame(fh, walk(d->pinned_l4, va, &flags)) +
                                   (va & 4095));

        ck_assert_uint_eq(fake_hv_m2p(fh, *e), pfn);
    }
    /* Kernel bytes and the ramdisk are where the notes say. */
    ck_assert_int_eq(memcmp((char *)fake_hv_frame(fh, walk(d->pinned_l4, si->mod_start,
                                                           &flags)) + (si->mod_start & 4095),
                            ramdisk, sizeof(ramdisk)), 0);
    ck_assert_uint_eq(d->hypercall_mfn, walk(d->pinned_l4, img.hypercall_page, &flags));
    /* Console and xenstore: zeroed pages, event channels for dom0, grants 0 and 1. */
    ck_assert_uint_eq(si->console.domU.mfn, res.console_mfn);
    ck_assert_uint_eq(si->store_mfn, res.store_mfn);
    ck_assert_uint_eq(si->console.domU.evtchn, res.console_port);
    ck_assert_uint_eq(si->store_evtchn, res.store_port);
    ck_assert_uint_ne(res.console_port, res.store_port);
    ck_assert_int_eq(d->port_remote[res.console_port], 0);
    for (int i = 0; i < 4096; i++) {
        ck_assert_int_eq(((uint8_t *)fake_hv_frame(fh, res.console_mfn))[i], 0);
        ck_assert_int_eq(((uint8_t *)fake_hv_frame(fh, res.store_mfn))[i], 0);
    }
    g = fake_hv_frame(fh, d->grant_mfn);
    ck_assert_int_eq(g[GNTTAB_RESERVED_CONSOLE].flags, GTF_permit_access);
    ck_assert_int_eq(g[GNTTAB_RESERVED_CONSOLE].domid, 0);
    ck_assert_uint_eq(g[GNTTAB_RESERVED_CONSOLE].frame, res.console_mfn);
    ck_assert_int_eq(g[GNTTAB_RESERVED_XENSTORE].flags, GTF_permit_access);
    ck_assert_uint_eq(g[GNTTAB_RESERVED_XENSTORE].frame, res.store_mfn);
    ck_assert_int_eq(g[2].flags, 0);
}
END_TEST

START_TEST(builds_a_test_guest_without_ramdisk)
{
    size_t len;
    void *k = slurp(TEST_GUEST, &len);
    struct pv_build_request req = request(8 * 1024);
    struct pv_build_result res;
    struct fake_domain *d;
    start_info_t *si;
    uint64_t flags;

    req.kernel = k;
    req.kernel_len = len;
    req.ramdisk = NULL;
    req.cmdline = NULL;
    ck_assert_msg(pv_build(fake_hv_ops(fh), &req, &res, err, sizeof(err)) == 0, "%s", err);
    d = fake_hv_domain(fh, res.domid);
    si = fake_hv_frame(fh, walk(d->pinned_l4, d->ctx.user_regs.rsi, &flags));
    ck_assert_uint_eq(si->mod_start, 0);
    ck_assert_uint_eq(si->mod_len, 0);
    ck_assert_str_eq((char *)si->cmd_line, "");
    free(k);
}
END_TEST

/* A failure at operation n leaves no domain, no frame and no mapping. */
START_TEST(every_failure_is_undone)
{
    struct pv_build_request req = request(16 * 1024);
    struct pv_build_result res;
    unsigned int free0 = fake_hv_free_frames(fh), total;

    ck_assert_msg(pv_build(fake_hv_ops(fh), &req, &res, err, sizeof(err)) == 0, "%s", err);
    total = fake_hv_calls(fh);
    ck_assert_int_eq(fake_hv_ops(fh)->destroy(fake_hv_ops(fh)->ctx, res.domid), 0);
    ck_assert_int_eq(fake_hv_free_frames(fh), free0);
    for (unsigned int n = 1; n <= total; n++) {
        fake_hv_fail_at(fh, n);
        err[0] = '\0';
        ck_assert_int_eq(pv_build(fake_hv_ops(fh), &req, &res, err, sizeof(err)), -ENOMEM);
        ck_assert_msg(strstr(err, "Cannot allocate memory"), "step %u: '%s'", n, err);
        ck_assert_int_eq(fake_hv_nr_domains(fh), 0);
        ck_assert_int_eq(fake_hv_free_frames(fh), free0);
        ck_assert_int_eq(fake_hv_live_mappings(fh), 0);
        ck_assert_int_eq(res.domid, 0);
    }
    fake_hv_fail_at(fh, 0);
}
END_TEST

START_TEST(not_a_pv_kernel_is_refused_before_any_hypercall)
{
    static const char junk[] = "\177ELF but not really";
    struct pv_build_request req = request(16 * 1024);
    struct pv_build_result res;

    req.kernel = junk;
    req.kernel_len = sizeof(junk);
    ck_assert_int_eq(pv_build(fake_hv_ops(fh), &req, &res, err, sizeof(err)), -EINVAL);
    ck_assert_msg(strstr(err, "kernel is not a PV ELF image"), "%s", err);
    ck_assert_int_eq(fake_hv_calls(fh), 0);
}
END_TEST

/*
 * Debian's stock bzImage (build/linux-ref, fetched by the build): the
 * builder unpacks its xz payload and lays out Linux's initial domain.
 */
START_TEST(builds_the_debian_bzimage)
{
    FILE *why = fopen(LINUX_REF "/unavailable", "r");
    char reason[200] = "";
    size_t len, elf_len;
    void *k, *elf;
    struct pv_image img;
    struct pv_build_request req = request(128 * 1024);
    struct pv_build_result res;
    struct fake_domain *d;
    start_info_t *si;
    uint64_t flags;

    if (why) {
        ck_assert(fgets(reason, sizeof(reason), why) != NULL);
        fclose(why);
    }
    ck_assert_msg(!why, "the Debian kernel was not fetched: %s", reason);
    fake_hv_free(fh);
    fh = fake_hv_new(4 * FRAMES);   /* Linux's image alone spans 74 MiB */
    k = slurp(LINUX_REF "/vmlinuz", &len);
    ck_assert(bzimage_is(k, len));
    ck_assert_msg(bzimage_unpack(k, len, &elf, &elf_len, err, sizeof(err)) == 0, "%s", err);
    ck_assert_msg(pv_image_parse(elf, elf_len, &img, err, sizeof(err)) == 0, "%s", err);
    ck_assert_uint_eq(img.virt_base, 0xffffffff80000000ull);
    /* No HYPERCALL_PAGE: since XSA-466 Linux issues SYSCALL itself. */
    ck_assert_uint_eq(img.init_p2m, 0x8000000000ull);
    ck_assert(img.mod_start_pfn);
    ck_assert_uint_eq(img.features_required, 1u << XENFEAT_writable_page_tables);
    free(elf);

    req.kernel = k;
    req.kernel_len = len;
    req.vcpus = 1;
    ck_assert_msg(pv_build(fake_hv_ops(fh), &req, &res, err, sizeof(err)) == 0, "%s", err);
    ck_assert_uint_eq(res.entry, img.entry);
    d = fake_hv_domain(fh, res.domid);
    ck_assert_uint_eq(d->ctx.user_regs.rip, img.entry);
    si = fake_hv_frame(fh, walk(d->pinned_l4, d->ctx.user_regs.rsi, &flags));
    ck_assert_uint_eq(si->nr_pages, 128 * 256);
    ck_assert_str_eq((char *)si->cmd_line, "console=hvc0 quiet");
    free(k);
}
END_TEST

/* A damaged bzImage is refused with the reason, before any hypercall. */
START_TEST(bad_bzimages_are_refused_before_any_hypercall)
{
    static uint8_t img[0x1000];
    struct pv_build_request req = request(16 * 1024);
    struct pv_build_result res;
    void *elf;
    size_t elf_len;

    img[0x1fe] = 0x55;
    img[0x1ff] = 0xaa;
    memcpy(img + 0x202, "HdrS", 4);
    img[0x1f1] = 1;                 /* payload starts at 0x400 */
    img[0x206] = 0x07;              /* protocol 2.07: no payload fields */
    img[0x207] = 0x02;
    ck_assert(bzimage_is(img, sizeof(img)));
    ck_assert(!bzimage_is(img, 0x200));
    ck_assert_int_eq(bzimage_unpack(img, sizeof(img), &elf, &elf_len, err, sizeof(err)),
                     -EINVAL);
    ck_assert_msg(strstr(err, "no payload fields"), "%s", err);

    img[0x206] = 0x0f;
    img[0x248] = 0x00;              /* payload_offset 0 */
    img[0x24c] = 0x01;              /* payload_length 0xc01: past the end */
    img[0x24d] = 0x0c;
    ck_assert_int_eq(bzimage_unpack(img, sizeof(img), &elf, &elf_len, err, sizeof(err)),
                     -EINVAL);
    ck_assert_msg(strstr(err, "outside"), "%s", err);

    img[0x24d] = 0x01;              /* 0x101 bytes of gzip magic */
    img[0x400] = 0x1f;
    img[0x401] = 0x8b;
    ck_assert_int_eq(bzimage_unpack(img, sizeof(img), &elf, &elf_len, err, sizeof(err)),
                     -EINVAL);
    ck_assert_msg(strstr(err, "gzip (only xz"), "%s", err);

    memcpy(img + 0x400, "\xfd" "7zXZ\0garbage", 13);
    req.kernel = img;
    req.kernel_len = sizeof(img);
    ck_assert_int_eq(pv_build(fake_hv_ops(fh), &req, &res, err, sizeof(err)), -EINVAL);
    ck_assert_msg(strstr(err, "bzImage: xz payload does not decompress"), "%s", err);
    ck_assert_int_eq(fake_hv_calls(fh), 0);
}
END_TEST

START_TEST(bad_requests_are_refused_before_any_hypercall)
{
    struct pv_build_request req = request(16 * 1024);
    struct pv_build_result res;
    char longline[MAX_GUEST_CMDLINE + 1];

    req.vcpus = 0;
    ck_assert_int_eq(pv_build(fake_hv_ops(fh), &req, &res, err, sizeof(err)), -EINVAL);
    ck_assert_str_eq(err, "no vCPUs: Invalid argument");
    req = request(2048);
    ck_assert_int_eq(pv_build(fake_hv_ops(fh), &req, &res, err, sizeof(err)), -EINVAL);
    ck_assert_msg(strstr(err, "memory of 2048 KiB"), "%s", err);
    req = request(16 * 1024);
    req.maxmem_kb = 1024;
    ck_assert_int_eq(pv_build(fake_hv_ops(fh), &req, &res, err, sizeof(err)), -EINVAL);
    ck_assert_msg(strstr(err, "maxmem below memory"), "%s", err);
    memset(longline, 'x', sizeof(longline) - 1);
    longline[sizeof(longline) - 1] = '\0';
    req = request(16 * 1024);
    req.cmdline = longline;
    ck_assert_int_eq(pv_build(fake_hv_ops(fh), &req, &res, err, sizeof(err)), -EINVAL);
    ck_assert_msg(strstr(err, "command line longer"), "%s", err);
    /* A ramdisk the domain cannot hold. */
    req = request(8 * 1024);
    req.ramdisk_len = 9 << 20;
    req.ramdisk = calloc(1, req.ramdisk_len);
    ck_assert_int_eq(pv_build(fake_hv_ops(fh), &req, &res, err, sizeof(err)), -EINVAL);
    ck_assert_msg(strstr(err, "kernel layout"), "%s", err);
    free((void *)req.ramdisk);
    ck_assert_int_eq(fake_hv_calls(fh), 0);
}
END_TEST

START_TEST(memory_above_what_is_free_is_undone)
{
    struct pv_build_request req = request(80 * 1024);      /* the machine has 64 */
    struct pv_build_result res;
    unsigned int free0 = fake_hv_free_frames(fh);

    ck_assert_int_eq(pv_build(fake_hv_ops(fh), &req, &res, err, sizeof(err)), -ENOMEM);
    ck_assert_msg(strstr(err, "populate_physmap"), "%s", err);
    ck_assert_int_eq(fake_hv_nr_domains(fh), 0);
    ck_assert_int_eq(fake_hv_free_frames(fh), free0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toolstack_builder");
    TCase *tc = tcase_create("builder");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, builds_the_pvops_guest_image);
    tcase_add_test(tc, builds_a_test_guest_without_ramdisk);
    tcase_add_test(tc, every_failure_is_undone);
    tcase_add_test(tc, not_a_pv_kernel_is_refused_before_any_hypercall);
    tcase_add_test(tc, bad_requests_are_refused_before_any_hypercall);
    tcase_add_test(tc, builds_the_debian_bzimage);
    tcase_add_test(tc, bad_bzimages_are_refused_before_any_hypercall);
    tcase_add_test(tc, memory_above_what_is_free_is_undone);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
