/*
 * hvops_privcmd.c through a stand-in /dev/xen/privcmd (fake_privcmd.c):
 * the exact hypercalls a domain build issues, each decoded from Xen's
 * ABI structures as hv will see it, and the answers decoded back; the
 * builder's rollback through the same path.  The expected sequence here
 * is what hv's domctl work must serve.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/sched.h>

#include "fake_privcmd.h"
#include "pv_builder.h"

#define KERNEL HERON_BUILD_DIR "/pvops-guest.elf"

static struct fake_hv *fh;
static struct hv_ops *pc;
static void *kernel;
static size_t kernel_len;
static char err[256];

static void setup(void)
{
    FILE *f = fopen(KERNEL, "rb");

    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    kernel_len = ftell(f);
    rewind(f);
    kernel = malloc(kernel_len);
    ck_assert(fread(kernel, 1, kernel_len, f) == kernel_len);
    fclose(f);
    fh = fake_hv_new(16384);
    fake_privcmd_attach(fh);
    pc = hvops_privcmd_open();
    ck_assert_ptr_nonnull(pc);
    fake_privcmd_clear_trace();
}

static void teardown(void)
{
    hvops_privcmd_close(pc);
    fake_hv_free(fh);
    free(kernel);
}

static struct pv_build_request request(void)
{
    return (struct pv_build_request){
        .kernel = kernel, .kernel_len = kernel_len, .cmdline = "quiet",
        .mem_kb = 32 * 1024, .maxmem_kb = 32 * 1024, .vcpus = 1,
    };
}

START_TEST(no_device_no_handle)
{
    fake_privcmd_attach(NULL);
    errno = 0;
    ck_assert_ptr_null(hvops_privcmd_open());
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(build_issues_the_documented_hypercalls)
{
    struct pv_build_request req = request();
    struct pv_build_result res;
    struct fake_domain *d;
    char want[1024] = "domctl:1\ndomctl:15\ndomctl:11\n"
                      "event_channel_op:6\nevent_channel_op:6\n";

    for (int i = 0; i < 8; i++)             /* 8192 pages, 1024 a call */
        strcat(want, "memory_op:6\n");
    strcat(want, "domctl:5\ndomctl:22\nmmuext_op:3\ngrant_table_op:2\ndomctl:12\n");
    ck_assert_msg(pv_build(pc, &req, &res, err, sizeof(err)) == 0, "%s", err);
    ck_assert_str_eq(fake_privcmd_trace(), want);
    d = fake_hv_domain(fh, res.domid);
    ck_assert_ptr_nonnull(d);
    ck_assert(d->paused && d->has_ctx);
    ck_assert_int_eq(d->tot_pages, 8192);
    ck_assert_uint_eq(d->ctx.ctrlreg[3] >> 12, d->pinned_l4);
    ck_assert_uint_ne(d->hypercall_mfn, 0);
    ck_assert_int_eq(d->ctx.user_regs.cs, FLAT_KERNEL_CS);
    ck_assert_int_eq(d->port_remote[res.store_port], 0);
    ck_assert_int_eq(fake_hv_live_mappings(fh), 0);
}
END_TEST

START_TEST(failures_through_privcmd_are_undone)
{
    struct pv_build_request req = request();
    struct pv_build_result res;
    unsigned int free0 = fake_hv_free_frames(fh), total;

    ck_assert_msg(pv_build(pc, &req, &res, err, sizeof(err)) == 0, "%s", err);
    total = fake_hv_calls(fh);
    ck_assert_int_eq(pc->destroy(pc->ctx, res.domid), 0);
    for (unsigned int n = 1; n <= total; n++) {
        fake_hv_fail_at(fh, n);
        ck_assert_int_lt(pv_build(pc, &req, &res, err, sizeof(err)), 0);
        ck_assert_int_eq(fake_hv_nr_domains(fh), 0);
        ck_assert_int_eq(fake_hv_free_frames(fh), free0);
        ck_assert_int_eq(fake_hv_live_mappings(fh), 0);
    }
}
END_TEST

START_TEST(queries_and_controls)
{
    struct pv_build_request req = request();
    struct pv_build_result res;
    xen_domctl_getdomaininfo_t info[4];
    struct xen_domctl_getvcpuinfo vi;
    struct xen_sysctl_physinfo pi;
    unsigned int n;

    ck_assert_msg(pv_build(pc, &req, &res, err, sizeof(err)) == 0, "%s", err);
    fake_privcmd_clear_trace();
    ck_assert_int_eq(pc->domain_info(pc->ctx, res.domid, &info[0]), 0);
    ck_assert_int_eq(info[0].domain, res.domid);
    ck_assert_int_eq(info[0].tot_pages, 8192);
    ck_assert(info[0].flags & XEN_DOMINF_paused);
    ck_assert_int_eq(pc->domain_info(pc->ctx, 9, &info[0]), -ESRCH);
    ck_assert_int_eq(pc->list_domains(pc->ctx, 0, info, 4, &n), 0);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(info[0].domain, res.domid);
    ck_assert_int_eq(pc->vcpu_info(pc->ctx, res.domid, 0, &vi), 0);
    ck_assert(vi.online);
    ck_assert_int_eq(pc->vcpu_info(pc->ctx, res.domid, 1, &vi), -EINVAL);
    ck_assert_int_eq(pc->physinfo(pc->ctx, &pi), 0);
    ck_assert_int_eq(pi.total_pages, 16384);
    ck_assert_int_eq(pc->unpause(pc->ctx, res.domid), 0);
    ck_assert(!fake_hv_domain(fh, res.domid)->paused);
    ck_assert_int_eq(pc->pause(pc->ctx, res.domid), 0);
    ck_assert(fake_hv_domain(fh, res.domid)->paused);
    ck_assert_int_eq(pc->shutdown(pc->ctx, res.domid, SHUTDOWN_crash), 0);
    ck_assert_int_eq(fake_hv_domain(fh, res.domid)->shutdown_reason, SHUTDOWN_crash);
    ck_assert_int_eq(pc->destroy(pc->ctx, res.domid), 0);
    ck_assert_int_eq(pc->destroy(pc->ctx, res.domid), -ESRCH);
    ck_assert_str_eq(fake_privcmd_trace(),
                     "domctl:5\ndomctl:5\nsysctl:6\ndomctl:14\ndomctl:14\nsysctl:3\n"
                     "domctl:4\ndomctl:3\nsched_op:4\ndomctl:2\ndomctl:2\n");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toolstack_privcmd");
    TCase *tc = tcase_create("privcmd");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, no_device_no_handle);
    tcase_add_test(tc, build_issues_the_documented_hypercalls);
    tcase_add_test(tc, failures_through_privcmd_are_undone);
    tcase_add_test(tc, queries_and_controls);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
