/*
 * The shared-ring transport over a page in ordinary memory: the test
 * plays the guest, writing requests into req[] and reading rsp[].
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_harness.h"

static struct xsd x;
static struct xt_rings rings;
static struct conn *dom0;
static struct xenstore_domain_interface *ring;

/* Introduces domain 3 and returns its ring page. */
static void setup(void)
{
    size_t len;
    const char *arg;

    xt_rings_init(&rings);
    ck_assert_int_eq(xsd_init(&x, &rings.backend), 0);
    dom0 = xt_conn(&x, 0, true);
    arg = xt_strs(&len, "3", "100", "5", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_INTRODUCE, 0, arg, len, NULL), 0);
    ring = rings.page[3];
    ck_assert_ptr_nonnull(ring);
    ck_assert_uint_eq(ring->server_features, 7);
    /* Indices are free-running and need not start at 0: start near wrap. */
    ring->req_cons = ring->req_prod = 0xfffffe00u;
    ring->rsp_cons = ring->rsp_prod = 0xfffffd80u;
    xt_op1(dom0, XS_MKDIR, 0, "/local/domain/3");
    xt_op2(dom0, XS_SET_PERMS, 0, "/local/domain/3", "n3");
}

static void teardown(void)
{
    ck_assert_int_eq(store_check(&x), 0);
    xsd_fini(&x);
    xt_rings_fini(&rings);
}

static size_t guest_put(const void *buf, size_t len)
{
    uint32_t space = XENSTORE_RING_SIZE - (ring->req_prod - ring->req_cons);
    size_t i, n = len < space ? len : space;

    for (i = 0; i < n; i++)
        ring->req[MASK_XENSTORE_IDX(ring->req_prod + i)] = ((const char *)buf)[i];
    ring->req_prod += n;
    return n;
}

static size_t guest_get(void *buf, size_t cap)
{
    uint32_t avail = ring->rsp_prod - ring->rsp_cons;
    size_t i, n = cap < avail ? cap : avail;

    for (i = 0; i < n; i++)
        ((char *)buf)[i] = ring->rsp[MASK_XENSTORE_IDX(ring->rsp_cons + i)];
    ring->rsp_cons += n;
    return n;
}

static void kick(void)
{
    domain_service_all(&x);
}

/* Sends a whole request, kicking the server whenever the ring is full. */
static void guest_send(uint32_t type, uint32_t req_id, const void *p,
                       size_t len)
{
    struct xsd_sockmsg h = { type, req_id, 0, (uint32_t)len };
    char buf[sizeof(h) + XENSTORE_PAYLOAD_MAX + 64];
    size_t off = 0, total = sizeof(h) + len;
    int rounds = 0;

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), p, len);
    while (off < total) {
        off += guest_put(buf + off, total - off);
        kick();
        ck_assert_int_lt(++rounds, 100);
    }
}

/* Reads one whole message, consuming and kicking as the server refills. */
static void guest_recv(struct xt_msg *m)
{
    char buf[sizeof(m->hdr) + XENSTORE_PAYLOAD_MAX];
    size_t got = 0, want = sizeof(m->hdr);
    int rounds = 0;

    while (got < want) {
        got += guest_get(buf + got, want - got);
        if (want == sizeof(m->hdr) && got == want) {
            memcpy(&m->hdr, buf, sizeof(m->hdr));
            ck_assert_uint_le(m->hdr.len, XENSTORE_PAYLOAD_MAX);
            want += m->hdr.len;
        }
        kick();
        ck_assert_int_lt(++rounds, 100);
    }
    memcpy(m->data, buf + sizeof(m->hdr), m->hdr.len);
    m->data[m->hdr.len] = '\0';
}

START_TEST(request_and_reply_across_the_wrap)
{
    struct xt_msg m;
    int i;

    for (i = 0; i < 40; i++) {
        char path[32], val[32];
        size_t pl;

        pl = snprintf(path, sizeof(path), "k%d", i) + 1;
        snprintf(path + pl, sizeof(path) - pl, "value-%d", i);
        guest_send(XS_WRITE, i, path, pl + strlen(path + pl));
        guest_recv(&m);
        ck_assert_uint_eq(m.hdr.type, XS_WRITE);
        ck_assert_uint_eq(m.hdr.req_id, i);
        guest_send(XS_READ, 1000 + i, path, pl);
        guest_recv(&m);
        snprintf(val, sizeof(val), "value-%d", i);
        ck_assert_str_eq(m.data, val);
    }
    /* Both indices went past 2^32 and the ring offsets wrapped many times. */
    ck_assert_uint_lt(ring->req_prod, 0x1000);
    ck_assert_uint_lt(ring->rsp_prod, 0x1000);
    ck_assert_uint_gt(rings.kicks[3], 0);
}
END_TEST

START_TEST(partial_messages_wait)
{
    struct xsd_sockmsg h = { XS_READ, 9, 0, 5 };
    struct xt_msg m;

    xt_write(dom0, 0, "/local/domain/3/p", "part");
    guest_put(&h, 10);
    kick();
    ck_assert_uint_eq(ring->rsp_prod, ring->rsp_cons);
    guest_put((char *)&h + 10, sizeof(h) - 10);
    guest_put("p\0", 1);
    kick();
    ck_assert_uint_eq(ring->rsp_prod, ring->rsp_cons);
    guest_put("\0", 1);             /* payload "p\0" is 2 bytes, len said 5 */
    guest_put("xyz", 3);
    kick();
    guest_recv(&m);
    ck_assert_uint_eq(m.hdr.type, XS_ERROR);
    ck_assert_uint_eq(m.hdr.req_id, 9);
    ck_assert_str_eq(m.data, "EINVAL");
}
END_TEST

START_TEST(flow_control_both_ways)
{
    char big[4000], path_val[XENSTORE_PAYLOAD_MAX];
    struct xt_msg m;
    size_t pl;

    /* A request four times the ring: the server must drain as we fill. */
    memset(big, 'b', sizeof(big));
    pl = strlen("big") + 1;
    memcpy(path_val, "big", pl);
    memcpy(path_val + pl, big, 2000);
    guest_send(XS_WRITE, 1, path_val, pl + 2000);
    guest_recv(&m);
    ck_assert_uint_eq(m.hdr.type, XS_WRITE);
    xt_write(dom0, 0, "/local/domain/3/huge", "");
    memcpy(path_val, "/local/domain/3/huge", 21);
    memcpy(path_val + 21, big, 4000);
    ck_assert_int_eq(xt_call(dom0, XS_WRITE, 0, path_val, 21 + 4000, NULL), 0);
    /* A reply bigger than the ring goes out in pieces as we consume. */
    guest_send(XS_READ, 2, "huge", 5);
    guest_recv(&m);
    ck_assert_uint_eq(m.hdr.type, XS_READ);
    ck_assert_uint_eq(m.hdr.len, 4000);
    ck_assert_mem_eq(m.data, big, 4000);
    /* A guest that stops reading does not stop the server or others. */
    guest_send(XS_READ, 3, "huge", 5);
    guest_send(XS_READ, 4, "huge", 5);
    kick();
    ck_assert_uint_eq(ring->rsp_prod - ring->rsp_cons, XENSTORE_RING_SIZE);
    ck_assert_int_eq(xt_write(dom0, 0, "/elsewhere", "fine"), 0);
    guest_recv(&m);
    ck_assert_uint_eq(m.hdr.req_id, 3);
    guest_recv(&m);
    ck_assert_uint_eq(m.hdr.req_id, 4);
    ck_assert_uint_eq(m.hdr.len, 4000);
}
END_TEST

START_TEST(reconnect_resets_the_session)
{
    struct conn *c = xsd_domain(&x, 3, false)->conn;
    struct xsd_sockmsg h = { XS_READ, 1, 0, 100 };
    struct xt_msg m;
    unsigned kicks;

    guest_send(XS_WATCH, 1, "w\0tok\0", 6);
    guest_recv(&m);
    guest_recv(&m);                 /* the initial event */
    ck_assert_uint_eq(m.hdr.type, XS_WATCH_EVENT);
    guest_send(XS_TRANSACTION_START, 2, "", 1);
    guest_recv(&m);
    ck_assert_uint_eq(c->nwatches, 1);
    ck_assert_uint_eq(c->ntxns, 1);
    guest_put(&h, sizeof(h));       /* a half-sent request */
    kick();
    kicks = rings.kicks[3];
    ring->connection = XENSTORE_RECONNECT;
    kick();
    ck_assert_uint_eq(ring->connection, XENSTORE_CONNECTED);
    ck_assert_uint_eq(ring->req_prod, 0);
    ck_assert_uint_eq(ring->req_cons, 0);
    ck_assert_uint_eq(ring->rsp_prod, 0);
    ck_assert_uint_eq(ring->rsp_cons, 0);
    ck_assert_uint_eq(c->nwatches, 0);
    ck_assert_uint_eq(c->ntxns, 0);
    ck_assert_uint_gt(rings.kicks[3], kicks);
    /* Packet boundary: the next request is understood. */
    guest_send(XS_GET_DOMAIN_PATH, 5, "3", 2);
    guest_recv(&m);
    ck_assert_str_eq(m.data, "/local/domain/3");
}
END_TEST

START_TEST(oversized_message_sets_error)
{
    struct xsd_sockmsg h = { XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
    size_t nodes = x.store.map.count;
    struct xt_msg m;

    guest_put(&h, sizeof(h));
    kick();
    ck_assert_uint_eq(ring->error, XENSTORE_ERROR_PROTO);
    ck_assert_uint_eq(ring->rsp_prod, ring->rsp_cons);
    /* Stalled: further requests are not served... */
    guest_send(XS_GET_DOMAIN_PATH, 2, "3", 2);
    ck_assert_uint_eq(ring->rsp_prod, ring->rsp_cons);
    ck_assert_uint_eq(x.store.map.count, nodes);
    /* ...until the guest reconnects. */
    ring->connection = XENSTORE_RECONNECT;
    kick();
    ck_assert_uint_eq(ring->error, XENSTORE_ERROR_NONE);
    guest_send(XS_GET_DOMAIN_PATH, 3, "3", 2);
    guest_recv(&m);
    ck_assert_uint_eq(m.hdr.req_id, 3);
}
END_TEST

START_TEST(bad_indices_set_error)
{
    ring->req_prod = ring->req_cons + XENSTORE_RING_SIZE + 1;
    kick();
    ck_assert_uint_eq(ring->error, XENSTORE_ERROR_RINGIDX);
    ring->connection = XENSTORE_RECONNECT;
    kick();
    ck_assert_uint_eq(ring->error, XENSTORE_ERROR_NONE);
    ring->rsp_cons = ring->rsp_prod + 5;    /* consumer ahead of producer */
    guest_send(XS_GET_DOMAIN_PATH, 3, "3", 2);
    ck_assert_uint_eq(ring->error, XENSTORE_ERROR_RINGIDX);
}
END_TEST

START_TEST(error_field_only_with_the_feature)
{
    struct xsd_sockmsg h = { XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
    size_t len;
    const char *arg;

    ck_assert_int_eq(xt_op2(dom0, XS_SET_FEATURE, 0, "4", "1"), 0);
    arg = xt_strs(&len, "4", "100", "6", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_INTRODUCE, 0, arg, len, NULL), 0);
    ring = rings.page[4];
    ck_assert_uint_eq(ring->server_features, 1);
    guest_put(&h, sizeof(h));
    kick();
    ck_assert_uint_eq(ring->error, XENSTORE_ERROR_NONE);
    ck_assert(xsd_domain(&x, 4, false)->conn->stalled);
}
END_TEST

START_TEST(introduce_completes_a_pending_reconnect)
{
    size_t len;
    const char *arg;

    rings.page[5] = calloc(1, 4096);
    rings.page[5]->connection = XENSTORE_RECONNECT;
    arg = xt_strs(&len, "5", "100", "6", NULL);
    ck_assert_int_eq(xt_call(dom0, XS_INTRODUCE, 0, arg, len, NULL), 0);
    ck_assert_uint_eq(rings.page[5]->connection, XENSTORE_CONNECTED);
    ck_assert_uint_gt(rings.kicks[5], 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xenstored_ring");
    TCase *tc = tcase_create("ring");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, request_and_reply_across_the_wrap);
    tcase_add_test(tc, partial_messages_wait);
    tcase_add_test(tc, flow_control_both_ways);
    tcase_add_test(tc, reconnect_resets_the_session);
    tcase_add_test(tc, oversized_message_sets_error);
    tcase_add_test(tc, bad_indices_set_error);
    tcase_add_test(tc, error_field_only_with_the_feature);
    tcase_add_test(tc, introduce_completes_a_pending_reconnect);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
