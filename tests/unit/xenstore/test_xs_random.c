/*
 * Soak test: a fixed-seed stream of valid, mutated and garbage requests
 * from dom0, two domains over pipes and one over a ring, with
 * disconnects and releases mixed in.  Built with ASan and UBSan: any
 * crash, overflow or leak fails it.  The store must stay consistent and
 * what only dom0 may change must not change.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_chaos.h"

#define ITERATIONS 400000

static struct xsd x;
static struct xt_rings rings;

static void introduce(struct conn *dom0, const char *domid)
{
    size_t len;
    const char *arg = xt_strs(&len, domid, "1", "2", NULL);

    xt_call(dom0, XS_INTRODUCE, 0, arg, len, NULL);
}

/* Writes what fits into domain 7's ring and throws replies away. */
static void ring_feed(struct xenstore_domain_interface *in, const char *buf,
                      size_t len)
{
    size_t off = 0;
    int rounds = 0;

    while (off < len && rounds++ < 8) {
        while (off < len && in->req_prod - in->req_cons < XENSTORE_RING_SIZE) {
            in->req[MASK_XENSTORE_IDX(in->req_prod)] = buf[off++];
            in->req_prod++;
        }
        domain_service_all(&x);
        in->rsp_cons = in->rsp_prod;
        domain_service_all(&x);
    }
    if (in->error && rounds % 2) {
        in->connection = XENSTORE_RECONNECT;
        domain_service_all(&x);
    }
}

START_TEST(random_messages_never_break_the_store)
{
    struct chaos_rng rng = { 0x5eed5eed5eedull };
    struct conn *dom0, *probe;
    struct xenstore_domain_interface *ring7;
    char buf[XENSTORE_PAYLOAD_MAX + 256];
    uint64_t protected_sum;
    long i, successes = 0, errors = 0;
    static struct xt_msg m;

    xt_rings_init(&rings);
    ck_assert_int_eq(xsd_init(&x, &rings.backend), 0);
    dom0 = xt_conn(&x, 0, true);
    probe = xt_conn(&x, 0, true);
    introduce(dom0, "5");
    introduce(dom0, "6");
    introduce(dom0, "7");
    xt_domain_conn(&x, 5);
    xt_domain_conn(&x, 6);
    ring7 = rings.page[7];
    chaos_populate(&x, dom0);
    xt_drain(dom0);
    protected_sum = chaos_protected_sum(&x);

    for (i = 0; i < ITERATIONS; i++) {
        uint32_t who = chaos_next(&rng) % 4;
        size_t len = chaos_message(&rng, buf, sizeof(buf),
                                   1 + chaos_next(&rng) % 4);
        struct conn *c;

        if (dom0->dead) {
            xsd_reap(&x);
            dom0 = xt_conn(&x, 0, true);
        }
        if (who == 3) {
            ring_feed(ring7, buf, len);
            continue;
        }
        if (who == 0) {
            /* dom0 may change anything; keep it off the canary. */
            if (memmem(buf, len, "protected", 9))
                continue;
            c = dom0;
        } else {
            c = xt_domain_conn(&x, who == 1 ? 5 : 6);
        }
        xt_feed(c, buf, len);
        while (xt_reply(c, &m))
            (m.hdr.type == XS_ERROR ? &errors : &successes)[0]++;
        xt_drain(c);
        xt_drain(probe);
        if (i % 997 == 0) {
            /* Vanish mid-whatever; the domain comes back on a new conn. */
            conn_destroy(xt_domain_conn(&x, 5));
            xt_domain_conn(&x, 5);
        }
        if (i % 4001 == 0) {
            xt_op1(probe, XS_RELEASE, 0, "6");
            introduce(probe, "6");
            xt_domain_conn(&x, 6);
            xt_drain(probe);
        }
        if (i % 1000 == 0 && !dom0->dead) {
            xsd_reap(&x);
            ck_assert_msg(store_check(&x) == 0, "inconsistent at %ld", i);
        }
    }
    xsd_reap(&x);
    /* The mix really exercised both the handlers and their refusals. */
    ck_assert_int_gt(successes, ITERATIONS / 40);
    ck_assert_int_gt(errors, ITERATIONS / 20);
    ck_assert_uint_gt(x.store.map.count, 10);
    ck_assert_int_eq(store_check(&x), 0);
    ck_assert_uint_eq(chaos_protected_sum(&x), protected_sum);
    /* Still serving normally afterwards. */
    ck_assert_int_eq(xt_write(probe, 0, "/after", "ok"), 0);
    ck_assert_int_eq(xt_read(probe, 0, "/after", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "ok");
    xsd_fini(&x);
    xt_rings_fini(&rings);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xenstored_random");
    TCase *tc = tcase_create("soak");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, random_messages_never_break_the_store);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    /* In-process, so LeakSanitizer sees the whole run at exit. */
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
