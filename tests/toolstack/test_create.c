/*
 * heron end to end on the host: the CLI with the fake hv, heron-xenstored's
 * and heron-consoled's own main() in child processes, both reaching the
 * fake hv's domains through stand-in /dev/xen devices (fake_xendev.c in
 * "use_hv" mode: grants resolve to the fake machine's frames).  So create
 * runs every step (INTRODUCE maps the real store page), the console page
 * the builder seeded is served, and destroy, 50 cycles and the monitor's
 * policies can be checked for leaks.
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <public/io/console.h>
#include <public/io/xs_wire.h>
#include <public/sched.h>

#include "domain_cfg.h"
#include "fake_hv.h"
#include "fake_xendev.h"
#include "heron.h"
#include "monitor.h"

#define KERNEL HERON_BUILD_DIR "/pvops-guest.elf"

int xsd_main(int argc, char *argv[]);
int consoled_main(int argc, char *argv[]);

static char dir[64], xs_sock[96], con_sock[96], cfgpath[96];
static pid_t xsd_pid, con_pid;
static struct fake_hv *fh;
static struct fake_xendev dev;
static struct heron_env env;
static char *out_buf, *err_buf;
static size_t out_len, err_len;

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){ .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 },
              NULL);
}

static void wait_socket(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    strcpy(sa.sun_path, path);
    for (int i = 0; i < 250; i++, sleep_ms(20)) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);

        if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
            close(fd);
            return;
        }
        close(fd);
    }
    ck_abort_msg("nothing listens on %s", path);
}

static pid_t spawn(int (*fn)(int, char **), char **argv)
{
    pid_t pid = fork();

    if (pid == 0) {
        int null = open("/dev/null", 0);
        int argc = 0;

        dup2(null, 2);
        while (argv[argc])
            argc++;
        _exit(fn(argc, argv));
    }
    return pid;
}

static void setup(void)
{
    char *xsd_argv[] = { "heron-xenstored", "--socket", xs_sock, NULL };
    char *con_argv[] = { "heron-consoled", NULL };

    strcpy(dir, "/tmp/heron-e2e-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(xs_sock, sizeof(xs_sock), "%s/xenstored.sock", dir);
    snprintf(con_sock, sizeof(con_sock), "%s/console.sock", dir);
    snprintf(cfgpath, sizeof(cfgpath), "%s/web.cfg", dir);
    fh = fake_hv_new(16384);
    fake_xendev_use_hv(&dev, fh);
    xsd_pid = spawn(xsd_main, xsd_argv);
    wait_socket(xs_sock);
    env = (struct heron_env){ .hv = fake_hv_ops(fh), .xs = hxs_open(xs_sock),
                              .console_socket = con_sock };
    ck_assert_ptr_nonnull(env.xs);
    ck_assert_int_eq(hxs_write(env.xs, 0, "/local/domain/0/name", "Domain-0", 8), 0);
    ck_assert_int_eq(hxs_mkdir(env.xs, 0, "/vm"), 0);
    ck_assert_int_eq(hxs_mkdir(env.xs, 0, "/libxl"), 0);
    ck_assert_int_eq(hxs_mkdir(env.xs, 0, "/local/domain/0/backend/vbd"), 0);
    ck_assert_int_eq(hxs_mkdir(env.xs, 0, "/local/domain/0/backend/vif"), 0);
    setenv("XENSTORED_PATH", xs_sock, 1);
    setenv("HERON_CONSOLE_SOCKET", con_sock, 1);
    setenv("HERON_CONSOLE_LOG_DIR", dir, 1);
    con_pid = spawn(consoled_main, con_argv);
    wait_socket(con_sock);
    env.out = open_memstream(&out_buf, &out_len);
    env.err = open_memstream(&err_buf, &err_len);
}

static void teardown(void)
{
    char cmd[128];
    int st;

    hxs_close(env.xs);
    fclose(env.out);
    fclose(env.err);
    free(out_buf);
    free(err_buf);
    kill(con_pid, SIGKILL);
    kill(xsd_pid, SIGKILL);
    waitpid(con_pid, &st, 0);
    waitpid(xsd_pid, &st, 0);
    fake_hv_free(fh);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static int heron(const char *first, ...)
{
    char *argv[16] = { "heron", (char *)first };
    struct heron_cmd cmd;
    char err[512];
    int argc = 2, rc;
    va_list ap;

    va_start(ap, first);
    while ((argv[argc] = va_arg(ap, char *)))
        argc++;
    va_end(ap);
    fclose(env.out);
    fclose(env.err);
    free(out_buf);
    free(err_buf);
    env.out = open_memstream(&out_buf, &out_len);
    env.err = open_memstream(&err_buf, &err_len);
    rc = heron_parse_args(argc, argv, &cmd, err, sizeof(err));
    ck_assert_msg(rc == 0, "%s", err);
    cmd.no_monitor = true;
    rc = heron_run(&env, &cmd);
    fflush(env.out);
    fflush(env.err);
    return rc;
}

#define HERON(...) heron(__VA_ARGS__, (char *)NULL)

static unsigned int count_nodes(const char *path)
{
    char **names;
    unsigned int n, total = 1;

    if (hxs_directory(env.xs, 0, path, &names, &n))
        return 0;
    for (unsigned int i = 0; i < n; i++) {
        char child[512];

        snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", names[i]);
        total += count_nodes(child);
    }
    free(names);
    return total;
}

static unsigned long xs_number(const char *path)
{
    char *v;
    unsigned long n;

    ck_assert_msg(hxs_read(env.xs, 0, path, &v, NULL) == 0, "%s", path);
    n = strtoul(v, NULL, 10);
    free(v);
    return n;
}

static bool introduced(domid_t domid)
{
    bool yes = false;

    ck_assert_int_eq(hxs_is_domain_introduced(env.xs, domid, &yes), 0);
    return yes;
}

static void write_cfg(const char *extra)
{
    FILE *f = fopen(cfgpath, "w");

    fprintf(f, "name = 'web'\nkernel = '" KERNEL "'\nmemory = 32\nvcpus = 2\n"
            "disk = [ '/img,xvda,w' ]\nvif = [ '' ]\n%s", extra);
    fclose(f);
}

START_TEST(create_serve_destroy)
{
    unsigned int free0 = fake_hv_free_frames(fh), nodes0 = count_nodes("/");
    struct xenstore_domain_interface *store;
    struct xencons_interface *con;
    char log[128], buf[256] = "";
    const char *hello = "Linux version heron\n";
    FILE *f;

    write_cfg("");
    ck_assert_int_eq(HERON("create", cfgpath), 0);
    ck_assert_str_eq(out_buf, "created web (id 1)\n");
    ck_assert(!fake_hv_domain(fh, 1)->paused);
    ck_assert(introduced(1));
    /* heron-xenstored mapped the store page through grant 1 and set it up. */
    store = fake_hv_frame(fh, xs_number("/local/domain/1/store/ring-ref"));
    ck_assert_uint_ne(store->server_features, 0);
    ck_assert_int_eq(HERON("list", "web"), 0);
    ck_assert_msg(strstr(out_buf, "\nweb                                  1      32     1 "
                         "-b----"), "%s", out_buf);

    /* The guest's console output, through grant 0, reaches the log. */
    con = fake_hv_frame(fh, xs_number("/local/domain/1/console/ring-ref"));
    for (const char *p = hello; *p; p++)
        con->out[MASK_XENCONS_IDX(con->out_prod++, XENCONS_OUT_SIZE)] = *p;
    snprintf(log, sizeof(log), "%s/console-1.log", dir);
    for (int i = 0; i < 250 && !strstr(buf, hello); i++, sleep_ms(20))
        if ((f = fopen(log, "r"))) {
            buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
            fclose(f);
        }
    ck_assert_str_eq(buf, hello);
    ck_assert_uint_eq(con->out_cons, con->out_prod);

    ck_assert_int_eq(HERON("destroy", "web"), 0);
    ck_assert(!introduced(1));
    ck_assert_int_eq(fake_hv_nr_domains(fh), 0);
    ck_assert_int_eq(fake_hv_free_frames(fh), free0);
    ck_assert_int_eq(count_nodes("/"), nodes0);
    /* Both daemons let go: xenstored's store page, consoled's console page. */
    for (int i = 0; i < 250 && *dev.unmaps < 2; i++)
        sleep_ms(20);
    ck_assert_uint_eq(*dev.unmaps, 2);
}
END_TEST

START_TEST(fifty_cycles_leak_nothing)
{
    unsigned int free0 = fake_hv_free_frames(fh), nodes0 = count_nodes("/");

    write_cfg("");
    for (int i = 0; i < 50; i++) {
        ck_assert_int_eq(HERON("create", cfgpath), 0);
        ck_assert_int_eq(HERON("create", cfgpath), HERON_EFAIL);    /* name in use */
        ck_assert_int_eq(HERON("destroy", "web"), 0);
    }
    ck_assert_int_eq(fake_hv_nr_domains(fh), 0);
    ck_assert_int_eq(fake_hv_free_frames(fh), free0);
    ck_assert_int_eq(count_nodes("/"), nodes0);
    ck_assert(!introduced(1));
}
END_TEST

/* The monitor: reboot restarts (a new domain, introduced again), then a
 * poweroff destroys. */
START_TEST(monitor_restarts_then_destroys)
{
    unsigned int free0 = fake_hv_free_frames(fh), nodes0 = count_nodes("/");
    struct domain_cfg dc;
    char err[256];
    pid_t mon;
    int st;

    write_cfg("on_reboot = 'restart'\non_poweroff = 'destroy'\n");
    ck_assert_msg(domain_cfg_load(cfgpath, &dc, err, sizeof(err)) == 0, "%s", err);
    ck_assert_int_eq(HERON("create", cfgpath), 0);
    mon = fork();
    if (mon == 0) {
        env.xs = hxs_open(xs_sock);
        _exit(monitor_run(&env, &dc, 1, 20));
    }
    ck_assert_int_eq(env.hv->shutdown(env.hv->ctx, 1, SHUTDOWN_reboot), 0);
    /* Restarted: the same name, a fresh domain, running and introduced. */
    for (int i = 0; i < 250 && !(fake_hv_domain(fh, 1) && !fake_hv_domain(fh, 1)->shut_down &&
                                 !fake_hv_domain(fh, 1)->paused && introduced(1)); i++)
        sleep_ms(20);
    ck_assert_ptr_nonnull(fake_hv_domain(fh, 1));
    ck_assert(!fake_hv_domain(fh, 1)->shut_down);
    ck_assert(introduced(1));
    ck_assert_int_eq(env.hv->shutdown(env.hv->ctx, 1, SHUTDOWN_poweroff), 0);
    ck_assert_int_eq(waitpid(mon, &st, 0), mon);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == HERON_OK);
    ck_assert_int_eq(fake_hv_nr_domains(fh), 0);
    ck_assert_int_eq(fake_hv_free_frames(fh), free0);
    ck_assert_int_eq(count_nodes("/"), nodes0);
    ck_assert(!introduced(1));
    domain_cfg_free(&dc);
}
END_TEST

/* The first session, on the host: three domUs, list, destroy. */
START_TEST(three_domains)
{
    static const char *const names[] = { "small", "two", "disk" };
    unsigned int free0 = fake_hv_free_frames(fh), nodes0 = count_nodes("/");
    char path[3][128];

    for (int i = 0; i < 3; i++) {
        FILE *f;

        snprintf(path[i], sizeof(path[i]), "%s/%s.cfg", dir, names[i]);
        f = fopen(path[i], "w");
        fprintf(f, "name = '%s'\nkernel = '" KERNEL "'\nmemory = %d\nvcpus = %d\n",
                names[i], 8 * (i + 1), i + 1);
        fclose(f);
        ck_assert_int_eq(HERON("create", path[i]), 0);
    }
    ck_assert_int_eq(HERON("list"), 0);
    ck_assert_str_eq(out_buf,
        "Name                                ID     Mem VCPUs  State    Time(s)\n"
        "small                                1       8     1 -b----        0.0\n"
        "two                                  2      16     1 -b----        0.0\n"
        "disk                                 3      24     1 -b----        0.0\n");
    ck_assert_int_eq(HERON("list", "--json"), 0);
    ck_assert_msg(strstr(out_buf, "{\"id\":3,\"name\":\"disk\",\"memory_mb\":24"),
                  "%s", out_buf);
    for (int i = 0; i < 3; i++)
        ck_assert(introduced((domid_t)(i + 1)));
    ck_assert_int_eq(HERON("destroy", "two"), 0);
    ck_assert_int_eq(HERON("destroy", "1"), 0);
    ck_assert_int_eq(HERON("destroy", "disk"), 0);
    ck_assert_int_eq(HERON("list"), 0);
    ck_assert_str_eq(out_buf,
        "Name                                ID     Mem VCPUs  State    Time(s)\n");
    ck_assert_int_eq(fake_hv_free_frames(fh), free0);
    ck_assert_int_eq(count_nodes("/"), nodes0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toolstack_end_to_end");
    TCase *tc = tcase_create("e2e");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, create_serve_destroy);
    tcase_add_test(tc, three_domains);
    tcase_add_test(tc, fifty_cycles_leak_nothing);
    tcase_add_test(tc, monitor_restarts_then_destroys);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
