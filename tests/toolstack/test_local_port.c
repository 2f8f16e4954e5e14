/*
 * xenbr0's local ports (toolstack/netback/local_port.c) on a temporary
 * socket: ports joining, length-prefixed frames switched between them
 * and towards the vifs (the deliver callback), frames split across
 * writes, bad lengths, a port leaving the bridge.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "local_port.h"

#define BASE 32

static const uint8_t mac_a[6] = { 0x00, 0x16, 0x3e, 0, 0, 0xa };
static const uint8_t mac_b[6] = { 0x00, 0x16, 0x3e, 0, 0, 0xb };
static const uint8_t mac_vif[6] = { 0x00, 0x16, 0x3e, 0, 0, 0x3 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct local_ports lp;
static struct bridge br;
static char path[64];
static int a = -1, b = -1;
static int last_out, last_in, delivered;
static size_t last_len;

static void deliver(void *ctx, int out, int in, const uint8_t *frame, size_t len)
{
    ck_assert_ptr_eq(ctx, &delivered);
    ck_assert(frame != NULL);
    last_out = out;
    last_in = in;
    last_len = len;
    delivered++;
}

/* One round of netback's loop for the local ports. */
static void round_trip(void)
{
    struct pollfd p[LOCAL_PORT_POLLFDS];
    unsigned int n = local_ports_pollfds(&lp, p);

    ck_assert_int_ge(poll(p, n, 1000), 1);
    local_ports_serve(&lp, p, n, &br, 1, deliver, &delivered);
}

static int join(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    strcpy(sa.sun_path, path);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    round_trip();
    return fd;
}

static void setup(void)
{
    snprintf(path, sizeof(path), "/tmp/heron-lp-%d/xenbr0.sock", (int)getpid());
    bridge_init(&br, BRIDGE_AGEING_NS);
    ck_assert_int_eq(local_ports_open(&lp, path, BASE), 0);
    delivered = 0;
    a = join();
    b = join();
}

static void teardown(void)
{
    char dir[64];

    close(a);
    close(b);
    local_ports_close(&lp);
    ck_assert_int_eq(access(path, F_OK), -1);          /* the socket is gone */
    snprintf(dir, sizeof(dir), "/tmp/heron-lp-%d", (int)getpid());
    rmdir(dir);
}

static size_t frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, size_t len)
{
    memset(f, 0x5a, len);
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    return len;
}

/* Sends a frame as local_port.h frames it; returns its length. */
static ssize_t put(int fd, const uint8_t *f, size_t len)
{
    uint8_t hdr[2] = { (uint8_t)len, (uint8_t)(len >> 8) };

    ck_assert_int_eq(send(fd, hdr, 2, 0), 2);
    return send(fd, f, len, 0);
}

/* The next frame waiting on fd (its length), or -1 if none comes within 100 ms. */
static ssize_t next_frame(int fd, uint8_t *buf, size_t size)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    uint8_t hdr[2];
    size_t len, got = 0;

    if (poll(&p, 1, 100) != 1 || recv(fd, hdr, 2, MSG_WAITALL) != 2)
        return -1;
    len = hdr[0] | (size_t)hdr[1] << 8;
    ck_assert_uint_le(len, size);
    while (got < len) {
        ssize_t n = recv(fd, buf + got, len - got, 0);

        ck_assert_int_gt(n, 0);
        got += (size_t)n;
    }
    return (ssize_t)len;
}

START_TEST(broadcast_floods_and_unicast_follows_learning)
{
    uint8_t f[LOCAL_PORT_FRAME_MAX], got[2048];

    ck_assert_int_eq(put(a, f, frame(f, bcast, mac_a, 60)), 60);
    round_trip();
    ck_assert_int_eq(next_frame(b, got, sizeof(got)), 60);
    ck_assert_mem_eq(got, f, 60);
    ck_assert_int_eq(next_frame(a, got, sizeof(got)), -1);     /* not back to its sender */
    ck_assert_int_eq(delivered, 1);
    ck_assert_int_eq(last_out, BRIDGE_FLOOD);
    ck_assert_int_eq(last_in, BASE);
    ck_assert_uint_eq(last_len, 60);
    /* B answers A: learnt on port BASE, so only A gets it. */
    ck_assert_int_eq(put(b, f, frame(f, mac_a, mac_b, 98)), 98);
    round_trip();
    ck_assert_int_eq(next_frame(a, got, sizeof(got)), 98);
    ck_assert_int_eq(last_out, BASE);
    ck_assert_int_eq(last_in, BASE + 1);
}
END_TEST

START_TEST(frames_to_and_from_vifs)
{
    uint8_t f[LOCAL_PORT_FRAME_MAX], got[2048];

    /* A vif's frame to A (as switch_batch hands it over). */
    ck_assert_int_eq(put(a, f, frame(f, bcast, mac_a, 60)), 60);
    round_trip();
    ck_assert_int_eq(next_frame(b, got, sizeof(got)), 60);
    frame(f, mac_a, mac_vif, 60);
    local_ports_send(&lp, bridge_forward(&br, f, 60, 3, 1), 3, f, 60);
    ck_assert_int_eq(next_frame(a, got, sizeof(got)), 60);
    ck_assert_int_eq(next_frame(b, got, sizeof(got)), -1);
    /* A to the vif: delivered to port 3, not to B. */
    ck_assert_int_eq(put(a, f, frame(f, mac_vif, mac_a, 60)), 60);
    round_trip();
    ck_assert_int_eq(last_out, 3);
    ck_assert_int_eq(next_frame(b, got, sizeof(got)), -1);
    /* A frame for some other vif goes to no local port. */
    local_ports_send(&lp, 5, 3, f, 60);
    ck_assert_int_eq(next_frame(a, got, sizeof(got)), -1);
    ck_assert_int_eq(next_frame(b, got, sizeof(got)), -1);
}
END_TEST

START_TEST(bad_frames_are_dropped)
{
    static const uint8_t too_long[2] = { (LOCAL_PORT_FRAME_MAX + 1) & 0xff,
                                         (LOCAL_PORT_FRAME_MAX + 1) >> 8 };
    uint8_t f[LOCAL_PORT_FRAME_MAX], got[2048];

    /* A group source address: nowhere, and never learnt. */
    ck_assert_int_eq(put(a, f, frame(f, bcast, bcast, 60)), 60);
    round_trip();
    ck_assert_int_eq(delivered, 0);
    ck_assert_int_eq(next_frame(b, got, sizeof(got)), -1);
    ck_assert_uint_eq(bridge_fdb_count(&br, 1), 0);
    /* A frame split across writes arrives whole, once complete. */
    frame(f, bcast, mac_a, LOCAL_PORT_FRAME_MAX);
    ck_assert_int_eq(send(a, (uint8_t[]){ LOCAL_PORT_FRAME_MAX & 0xff }, 1, 0), 1);
    round_trip();
    ck_assert_int_eq(send(a, (uint8_t[]){ LOCAL_PORT_FRAME_MAX >> 8 }, 1, 0), 1);
    ck_assert_int_eq(send(a, f, 100, 0), 100);
    round_trip();
    ck_assert_int_eq(delivered, 0);
    ck_assert_int_eq(send(a, f + 100, LOCAL_PORT_FRAME_MAX - 100, 0),
                     LOCAL_PORT_FRAME_MAX - 100);
    round_trip();
    ck_assert_int_eq(delivered, 1);
    ck_assert_int_eq(next_frame(b, got, sizeof(got)), LOCAL_PORT_FRAME_MAX);
    ck_assert_mem_eq(got, f, LOCAL_PORT_FRAME_MAX);
    /* A length Ethernet cannot have ends the port: its peer sees EOF. */
    ck_assert_int_eq(send(a, too_long, 2, 0), 2);
    round_trip();
    ck_assert_int_eq(recv(a, got, sizeof(got), 0), 0);
    ck_assert_uint_eq(bridge_fdb_count(&br, 1), 0);
    ck_assert_int_eq(put(b, f, frame(f, bcast, mac_b, 60)), 60);
    round_trip();
    ck_assert_int_eq(delivered, 2);             /* B still works */
}
END_TEST

START_TEST(a_port_that_leaves_is_forgotten)
{
    uint8_t f[LOCAL_PORT_FRAME_MAX], got[2048];

    ck_assert_int_eq(put(a, f, frame(f, bcast, mac_a, 60)), 60);
    round_trip();
    ck_assert_int_eq(next_frame(b, got, sizeof(got)), 60);
    ck_assert_uint_eq(bridge_fdb_count(&br, 1), 1);
    close(a);
    a = -1;
    round_trip();
    ck_assert_uint_eq(bridge_fdb_count(&br, 1), 0);
    /* B floods: only the callback sees it now. */
    ck_assert_int_eq(put(b, f, frame(f, bcast, mac_b, 60)), 60);
    round_trip();
    ck_assert_int_eq(last_in, BASE + 1);
    ck_assert_int_eq(next_frame(b, got, sizeof(got)), -1);
    /* The freed slot is taken by the next port. */
    a = join();
    ck_assert_int_eq(put(a, f, frame(f, mac_b, mac_a, 60)), 60);
    round_trip();
    ck_assert_int_eq(last_in, BASE);
    ck_assert_int_eq(next_frame(b, got, sizeof(got)), 60);
}
END_TEST

START_TEST(open_refuses_a_long_path)
{
    struct local_ports other;
    char longp[200];

    memset(longp, 'x', sizeof(longp) - 1);
    longp[sizeof(longp) - 1] = '\0';
    ck_assert_int_eq(local_ports_open(&other, longp, BASE), -ENAMETOOLONG);
    ck_assert_int_eq(other.listen_fd, -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("local_port");
    TCase *tc = tcase_create("local_port");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, broadcast_floods_and_unicast_follows_learning);
    tcase_add_test(tc, frames_to_and_from_vifs);
    tcase_add_test(tc, bad_frames_are_dropped);
    tcase_add_test(tc, a_port_that_leaves_is_forgotten);
    tcase_add_test(tc, open_refuses_a_long_path);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
