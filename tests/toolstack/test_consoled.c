/*
 * heron-consoled on the host: the daemon's main() in a child process with
 * stand-in /dev/xen devices (fake_xendev.c) and a real heron-xenstored.
 * A domain's output reaches its log and an attached client, the client's
 * input reaches the ring, bad attach requests are refused, and the domain
 * is let go when its xenstore home disappears.  A device model (heron-dm)
 * as an HVM domain's console source: its bytes are logged and relayed,
 * clients' input reaches it, bad source requests are refused, and its
 * leaving ends the domain's console.
 */
#include <check.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fake_xendev.h"
#include "xs.h"
#include "xsd_run.h"

int consoled_main(int argc, char *argv[]);

static struct xsd_run xsd;
static struct fake_xendev dev;
static char sock[128], logpath[128];
static pid_t daemon_pid;

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){ .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 },
              NULL);
}

/* The guest writes s to its console and kicks the port. */
static void guest_puts(const char *s)
{
    uint32_t port = FAKE_LOCAL_PORT;

    for (; *s; s++) {
        dev.ring->out[MASK_XENCONS_IDX(dev.ring->out_prod, XENCONS_OUT_SIZE)] = *s;
        __atomic_store_n(&dev.ring->out_prod, dev.ring->out_prod + 1, __ATOMIC_RELEASE);
    }
    ck_assert_int_eq(write(dev.event_fd, &port, sizeof(port)), (int)sizeof(port));
}

static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    size_t n = 0;

    if (f) {
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
    return buf;
}

static bool wait_for_log(const char *want)
{
    for (int i = 0; i < 250; i++, sleep_ms(20))
        if (strstr(slurp(logpath), want))
            return true;
    return false;
}

static int client(const char *request, char *reply, size_t cap)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    size_t n = 0;

    strcpy(sa.sun_path, sock);
    for (int i = 0; i < 250 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)); i++)
        sleep_ms(20);
    ck_assert_int_eq(write(fd, request, strlen(request)), (int)strlen(request));
    while (n + 1 < cap && read(fd, reply + n, 1) == 1 && reply[n] != '\n')
        n++;
    reply[n] = '\0';
    return fd;
}

static void setup(void)
{
    struct hxs *xs;

    xsd_start(&xsd);
    snprintf(sock, sizeof(sock), "%s/console.sock", xsd.dir);
    snprintf(logpath, sizeof(logpath), "%s/console-3.log", xsd.dir);
    xs = hxs_open(xsd.sock);
    ck_assert_ptr_nonnull(xs);
    ck_assert_int_eq(hxs_write(xs, 0, "/local/domain/3/console/port", "5", 1), 0);
    hxs_close(xs);
    fake_xendev_setup(&dev, 3, 5);
    setenv("XENSTORED_PATH", xsd.sock, 1);
    setenv("HERON_CONSOLE_SOCKET", sock, 1);
    setenv("HERON_CONSOLE_LOG_DIR", xsd.dir, 1);
    daemon_pid = fork();
    if (daemon_pid == 0) {
        char *argv[] = { "heron-consoled", NULL };

        _exit(consoled_main(1, argv));
    }
}

static void teardown(void)
{
    int st;

    if (daemon_pid > 0) {
        kill(daemon_pid, SIGKILL);
        waitpid(daemon_pid, &st, 0);
    }
    xsd_stop(&xsd);
}

START_TEST(output_logged_and_relayed_input_delivered)
{
    char reply[128], buf[64];
    struct pollfd p;
    int fd, bad, st;
    struct hxs *xs;
    ssize_t n;

    guest_puts("hello from domU\n");
    ck_assert_msg(wait_for_log("hello from domU\n"), "log: '%s'", slurp(logpath));
    ck_assert_uint_eq(dev.ring->out_cons, dev.ring->out_prod);
    ck_assert_uint_gt(*dev.notifies, 0);

    bad = client("attach 4\n", reply, sizeof(reply));
    ck_assert_str_eq(reply, "error domain 4 has no console served here");
    close(bad);
    bad = client("hello\n", reply, sizeof(reply));
    ck_assert_str_eq(reply, "error bad request");
    close(bad);

    fd = client("attach 3\n", reply, sizeof(reply));
    ck_assert_str_eq(reply, "ok");
    guest_puts("second line\n");
    p = (struct pollfd){ .fd = fd, .events = POLLIN };
    ck_assert_int_eq(poll(&p, 1, 5000), 1);
    n = read(fd, buf, sizeof(buf) - 1);
    ck_assert_int_eq(n, 12);
    buf[n] = '\0';
    ck_assert_str_eq(buf, "second line\n");
    ck_assert_int_eq(write(fd, "ls\r", 3), 3);
    for (int i = 0; i < 250 && dev.ring->in_prod != 3; i++)
        sleep_ms(20);
    ck_assert_uint_eq(dev.ring->in_prod, 3);
    ck_assert_int_eq(memcmp(dev.ring->in, "ls\r", 3), 0);
    ck_assert(wait_for_log("hello from domU\nsecond line\n"));

    /* The domain's home goes: the daemon lets go and closes the client. */
    xs = hxs_open(xsd.sock);
    ck_assert_int_eq(hxs_rm(xs, 0, "/local/domain/3"), 0);
    hxs_close(xs);
    ck_assert_int_eq(poll(&p, 1, 5000), 1);
    ck_assert_int_eq(read(fd, buf, sizeof(buf)), 0);
    close(fd);
    ck_assert_uint_eq(*dev.unmaps, 1);
    ck_assert_uint_eq(*dev.unbinds, 1);

    kill(daemon_pid, SIGTERM);
    ck_assert_int_eq(waitpid(daemon_pid, &st, 0), daemon_pid);
    daemon_pid = 0;
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ck_assert_int_ne(access(sock, F_OK), 0);
}
END_TEST

/* Reads exactly n bytes (5 s at most) from fd into buf, NUL-terminated. */
static void read_n(int fd, char *buf, size_t n)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    size_t got = 0;

    while (got < n) {
        ssize_t r;

        ck_assert_int_eq(poll(&p, 1, 5000), 1);
        r = read(fd, buf + got, n - got);
        ck_assert_int_gt(r, 0);
        got += (size_t)r;
    }
    buf[n] = '\0';
}

START_TEST(device_model_as_console_source)
{
    char reply[128], buf[64], log7[160];
    struct hxs *xs = hxs_open(xsd.sock);
    int src, cl, bad;

    ck_assert_int_eq(hxs_write(xs, 0, "/local/domain/7/name", "hvm7", 4), 0);
    hxs_close(xs);
    bad = client("source 8\n", reply, sizeof(reply));
    ck_assert_str_eq(reply, "error no such domain in xenstore");
    close(bad);
    bad = client("source 0\n", reply, sizeof(reply));
    ck_assert_str_eq(reply, "error bad domain id");
    close(bad);
    bad = client("source 3\n", reply, sizeof(reply));     /* a ring console already */
    ck_assert_str_eq(reply, "error domain already has a console");
    close(bad);

    src = client("source 7\n", reply, sizeof(reply));
    ck_assert_str_eq(reply, "ok");
    bad = client("source 7\n", reply, sizeof(reply));
    ck_assert_str_eq(reply, "error domain already has a console");
    close(bad);
    ck_assert_int_eq(write(src, "dm output\n", 10), 10);
    snprintf(log7, sizeof(log7), "%s/console-7.log", xsd.dir);
    for (int i = 0; i < 250 && !strstr(slurp(log7), "dm output\n"); i++)
        sleep_ms(20);
    ck_assert_str_eq(slurp(log7), "dm output\n");

    cl = client("attach 7\n", reply, sizeof(reply));
    ck_assert_str_eq(reply, "ok");
    ck_assert_int_eq(write(src, "more\n", 5), 5);
    read_n(cl, buf, 5);
    ck_assert_str_eq(buf, "more\n");
    ck_assert_int_eq(write(cl, "typed\r", 6), 6);
    read_n(src, buf, 6);
    ck_assert_str_eq(buf, "typed\r");

    /* The device model goes: so does the console, and its client. */
    close(src);
    ck_assert_int_eq(read(cl, buf, sizeof(buf)), 0);
    close(cl);
    bad = client("attach 7\n", reply, sizeof(reply));
    ck_assert_str_eq(reply, "error domain 7 has no console served here");
    close(bad);
    ck_assert_str_eq(slurp(log7), "dm output\nmore\n");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toolstack_consoled");
    TCase *tc = tcase_create("consoled");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, output_logged_and_relayed_input_delivered);
    tcase_add_test(tc, device_model_as_console_source);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
