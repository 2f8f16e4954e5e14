/*
 * Integration: the real heron-xenstored binary on a temporary socket,
 * driven by heron-xs, by libheronxs, by raw sockets and by Debian's
 * libxenstore-based xenstore-utils (found via XENSTORED_PATH).
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <public/io/xs_wire.h>

#include "xs.h"

static char dir[64], sock[96];
static pid_t daemon_pid;

static int raw_connect(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    strcpy(sa.sun_path, sock);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static void start_daemon(void)
{
    int i, fd;

    strcpy(dir, "/tmp/heron-xs-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sock, sizeof(sock), "%s/socket", dir);
    setenv("XENSTORED_PATH", sock, 1);
    daemon_pid = fork();
    if (daemon_pid == 0) {
        execl(XSD_BIN, XSD_BIN, "--socket", sock, (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 500; i++) {
        fd = raw_connect();
        if (fd >= 0) {
            close(fd);
            return;
        }
        usleep(10000);
    }
    ck_abort_msg("daemon did not come up on %s", sock);
}

static int stop_daemon(void)
{
    int status = -1;

    if (daemon_pid > 0) {
        kill(daemon_pid, SIGTERM);
        waitpid(daemon_pid, &status, 0);
        daemon_pid = 0;
    }
    unlink(sock);
    rmdir(dir);
    return status;
}

static void setup(void)
{
    start_daemon();
}

static void teardown(void)
{
    stop_daemon();
}

/* Runs a shell command; returns its exit status and its stdout. */
static int run(char *out, size_t cap, const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    FILE *p;
    size_t n;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define HXS HERON_XS_BIN

START_TEST(heron_xs_tool)
{
    char out[4096];

    ck_assert_int_eq(run(out, sizeof(out), HXS " write /vm/1/name guest /vm/1/mem 512"), 0);
    ck_assert_int_eq(run(out, sizeof(out), HXS " read /vm/1/name /vm/1/mem"), 0);
    ck_assert_str_eq(out, "guest\n512\n");
    ck_assert_int_eq(run(out, sizeof(out), HXS " ls /vm/1"), 0);
    ck_assert_str_eq(out, "name\nmem\n");
    ck_assert_int_eq(run(out, sizeof(out), HXS " ls -r /vm"), 0);
    ck_assert_str_eq(out, "/vm/1 = \"\"\n/vm/1/name = \"guest\"\n/vm/1/mem = \"512\"\n");
    ck_assert_int_eq(run(out, sizeof(out), HXS " chmod /vm/1 n0 r3"), 0);
    ck_assert_int_eq(run(out, sizeof(out), HXS " perms /vm/1"), 0);
    ck_assert_str_eq(out, "n0 r3\n");
    ck_assert_int_eq(run(out, sizeof(out), HXS " mkdir /vm/2/dev"), 0);
    ck_assert_int_eq(run(out, sizeof(out), HXS " rm /vm/1"), 0);
    ck_assert_int_eq(run(out, sizeof(out), HXS " ls /vm"), 0);
    ck_assert_str_eq(out, "2\n");
    ck_assert_int_eq(run(out, sizeof(out), HXS " read /vm/1/name 2>/dev/null"), 1);
    ck_assert_int_eq(run(out, sizeof(out), HXS " chmod /vm/2 q9 2>/dev/null"), 1);
    ck_assert_int_eq(run(out, sizeof(out), HXS " domain-path 4"), 0);
    ck_assert_str_eq(out, "/local/domain/4\n");
    ck_assert_int_eq(run(out, sizeof(out), HXS " -s %s/none read / 2>/dev/null", dir), 1);
    ck_assert_int_eq(run(out, sizeof(out), HXS " bogus 2>/dev/null"), 2);
    /* No /dev/xen here: INTRODUCE must fail cleanly, not pretend. */
    ck_assert_int_eq(run(out, sizeof(out), HXS " introduce 3 100 5 2>/dev/null"), 1);
}
END_TEST

START_TEST(heron_xs_watch)
{
    char out[4096];
    FILE *w;
    size_t n;

    w = popen(HXS " watch -n 3 /wt", "r");
    ck_assert_ptr_nonnull(w);
    /* The first line is the initial event: the watch is registered. */
    ck_assert_ptr_nonnull(fgets(out, sizeof(out), w));
    ck_assert_str_eq(out, "/wt heron-xs\n");
    ck_assert_int_eq(run(out, sizeof(out), HXS " write /wt/a 1 /unrelated 2 /wt/b/c 3"), 0);
    n = fread(out, 1, sizeof(out) - 1, w);
    out[n] = '\0';
    ck_assert_str_eq(out, "/wt/a heron-xs\n/wt/b/c heron-xs\n");
    ck_assert_int_eq(pclose(w), 0);
}
END_TEST

START_TEST(debian_xenstore_utils_interop)
{
    char out[4096];

    ck_assert_msg(access("/usr/bin/xenstore-read", X_OK) == 0,
                  "xenstore-utils missing: run .ci/deps");
    ck_assert_int_eq(run(out, sizeof(out), "xenstore-write /deb/a hello /deb/b 'two words'"), 0);
    ck_assert_int_eq(run(out, sizeof(out), "xenstore-read /deb/a"), 0);
    ck_assert_str_eq(out, "hello\n");
    ck_assert_int_eq(run(out, sizeof(out), HXS " read /deb/b"), 0);
    ck_assert_str_eq(out, "two words\n");
    ck_assert_int_eq(run(out, sizeof(out), HXS " write /deb/c from-heron"), 0);
    ck_assert_int_eq(run(out, sizeof(out), "xenstore-list /deb"), 0);
    ck_assert_str_eq(out, "a\nb\nc\n");
    ck_assert_int_eq(run(out, sizeof(out), "xenstore-ls -f /deb"), 0);
    ck_assert_str_eq(out, "/deb/a = \"hello\"\n/deb/b = \"two words\"\n"
                          "/deb/c = \"from-heron\"\n");
    ck_assert_int_eq(run(out, sizeof(out), "xenstore-chmod /deb/a n5 r6"), 0);
    ck_assert_int_eq(run(out, sizeof(out), HXS " perms /deb/a"), 0);
    ck_assert_str_eq(out, "n5 r6\n");
    ck_assert_int_eq(run(out, sizeof(out), "xenstore-exists /deb/a"), 0);
    ck_assert_int_eq(run(out, sizeof(out), "xenstore-rm /deb/a"), 0);
    ck_assert_int_ne(run(out, sizeof(out), "xenstore-exists /deb/a"), 0);
    ck_assert_int_ne(run(out, sizeof(out), "xenstore-read /deb/nope 2>/dev/null"), 0);
    /* Transactions: xenstore-write -s wraps its writes in one. */
    ck_assert_int_eq(run(out, sizeof(out), "xenstore-write -s /deb/t1 x /deb/t2 y"), 0);
    ck_assert_int_eq(run(out, sizeof(out), HXS " read /deb/t1 /deb/t2"), 0);
    ck_assert_str_eq(out, "x\ny\n");
    /* A watch through libxenstore's reader thread. */
    ck_assert_int_eq(run(out, sizeof(out),
        "(xenstore-watch -n 2 /deb/w & sleep 0.5; xenstore-write /deb/w/x 1;"
        " wait) 2>&1"), 0);
    ck_assert_str_eq(out, "/deb/w\n/deb/w/x\n");
}
END_TEST

START_TEST(library_transactions_and_watches)
{
    struct hxs *a = hxs_open(NULL), *b = hxs_open(sock);
    char *v, *path, *token, **names;
    unsigned n;
    size_t len;
    uint32_t tx;
    bool yes;

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(hxs_write(a, 0, "/lib/x", "1", 1), 0);
    ck_assert_int_eq(hxs_watch(b, "/lib", "tk"), 0);
    ck_assert_int_eq(hxs_read_watch(b, &path, &token, 1000), 0);
    ck_assert_str_eq(path, "/lib");
    ck_assert_str_eq(token, "tk");
    free(path);
    free(token);

    ck_assert_int_eq(hxs_transaction_start(a, &tx), 0);
    ck_assert_int_eq(hxs_read(a, tx, "/lib/x", &v, &len), 0);
    free(v);
    ck_assert_int_eq(hxs_write(a, tx, "/lib/y", "2", 1), 0);
    ck_assert_int_eq(hxs_write(b, 0, "/lib/x", "changed", 7), 0);
    ck_assert_int_eq(hxs_transaction_end(a, tx, true), EAGAIN);
    ck_assert_int_eq(hxs_read(b, 0, "/lib/y", &v, &len), ENOENT);
    /* Retry, as every client does after EAGAIN. */
    ck_assert_int_eq(hxs_transaction_start(a, &tx), 0);
    ck_assert_int_eq(hxs_write(a, tx, "/lib/y", "2", 1), 0);
    ck_assert_int_eq(hxs_transaction_end(a, tx, true), 0);
    ck_assert_int_eq(hxs_directory(b, 0, "/lib", &names, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(names[1], "y");
    free(names);
    /* Events arrived for b's own write and a's commit, read off the
     * socket while b waited for its replies. */
    ck_assert(hxs_events_queued(b));
    ck_assert_int_eq(hxs_read_watch(b, &path, &token, 1000), 0);
    ck_assert_str_eq(path, "/lib/x");
    free(path);
    free(token);
    ck_assert_int_eq(hxs_read_watch(b, &path, &token, 1000), 0);
    ck_assert_str_eq(path, "/lib/y");
    free(path);
    free(token);
    ck_assert_int_eq(hxs_read_watch(b, &path, &token, 50), ETIMEDOUT);
    ck_assert(!hxs_events_queued(b));
    ck_assert_int_eq(hxs_unwatch(b, "/lib", "tk"), 0);
    ck_assert_int_eq(hxs_unwatch(b, "/lib", "tk"), ENOENT);
    ck_assert_int_eq(hxs_is_domain_introduced(a, 9, &yes), 0);
    ck_assert(!yes);
    ck_assert_int_eq(hxs_release(a, 9), ENOENT);
    hxs_close(a);
    hxs_close(b);
}
END_TEST

START_TEST(hostile_clients_over_the_socket)
{
    struct xsd_sockmsg big = { XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
    struct xsd_sockmsg tx = { XS_TRANSACTION_START, 2, 0, 1 };
    struct hxs *h = hxs_open(sock), *stuck_watch;
    char buf[64], *v;
    size_t len;
    int fd, i;
    time_t t0;

    /* Oversized: the daemon hangs up on that client only. */
    fd = raw_connect();
    ck_assert_int_eq(write(fd, &big, sizeof(big)), sizeof(big));
    ck_assert_int_eq(read(fd, buf, sizeof(buf)), 0);
    close(fd);

    /* Half a header, then silence: others are served meanwhile. */
    fd = raw_connect();
    ck_assert_int_eq(write(fd, &big, 7), 7);
    ck_assert_int_eq(hxs_write(h, 0, "/h/ok", "1", 1), 0);
    close(fd);

    /* A transaction abandoned by a vanishing client leaves nothing. */
    fd = raw_connect();
    ck_assert_int_eq(write(fd, &tx, sizeof(tx)), sizeof(tx));
    ck_assert_int_eq(write(fd, "", 1), 1);
    ck_assert_int_gt(read(fd, buf, sizeof(buf)), (ssize_t)sizeof(tx));
    {
        struct xsd_sockmsg w = { XS_WRITE, 3, 1, 9 };

        ck_assert_int_eq(write(fd, &w, sizeof(w)), sizeof(w));
        ck_assert_int_eq(write(fd, "/h/tx\0abc", 9), 9);
    }
    ck_assert_int_gt(read(fd, buf, sizeof(buf)), 0);
    close(fd);
    ck_assert_int_eq(hxs_read(h, 0, "/h/tx", &v, &len), ENOENT);

    /* A watcher that never reads does not slow a writer down. */
    stuck_watch = hxs_open(sock);
    ck_assert_int_eq(hxs_request(stuck_watch, XS_WATCH, 0, "/h\0t\0", 5,
                                 NULL, NULL), 0);
    t0 = time(NULL);
    for (i = 0; i < 20000; i++) {
        snprintf(buf, sizeof(buf), "/h/n%d", i % 50);
        ck_assert_int_eq(hxs_write(h, 0, buf, "value-value-value", 17), 0);
    }
    ck_assert_int_lt(time(NULL) - t0, 60);
    ck_assert_int_eq(hxs_read(h, 0, "/h/ok", &v, &len), 0);
    free(v);
    hxs_close(stuck_watch);
    hxs_close(h);
}
END_TEST

START_TEST(sigterm_exits_cleanly)
{
    int status = stop_daemon();
    struct stat st;

    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    ck_assert_int_ne(stat(sock, &st), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xenstored_integration");
    TCase *tc = tcase_create("daemon");
    SRunner *sr;
    int failed;

    signal(SIGPIPE, SIG_IGN);
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, heron_xs_tool);
    tcase_add_test(tc, heron_xs_watch);
    tcase_add_test(tc, debian_xenstore_utils_interop);
    tcase_add_test(tc, library_transactions_and_watches);
    tcase_add_test(tc, hostile_clients_over_the_socket);
    tcase_add_test(tc, sigterm_exits_cleanly);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
