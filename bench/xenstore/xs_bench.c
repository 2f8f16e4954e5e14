/*
 * xenstore throughput and watch latency over a daemon's UNIX socket,
 * with many concurrent clients (one process and connection each).
 * Works against any xenstored (it speaks only the wire protocol).
 *
 *   xs_bench [-s SOCKET] [-c CLIENTS] [-t SECONDS] [-l LABEL]
 *
 * Prints one JSON object per line: {"daemon", "test", "clients",
 * "ops_per_s"} or, for watch latency, "median_us" and "p99_us".
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xs.h"

static const char *sock_path;
static const char *label = "heron-xenstored";

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, int err)
{
    fprintf(stderr, "xs_bench: %s: %s\n", what, strerror(err));
    exit(1);
}

enum test { T_READ, T_WRITE, T_DIRECTORY, T_TXN, T_COUNT };
static const char *const test_name[T_COUNT] = {
    "read", "write", "directory", "transaction_commit",
};

/* One client: runs test for secs, returns the operations completed. */
static long client(enum test t, int id, double secs)
{
    struct hxs *h = hxs_open(sock_path);
    char path[64], *v, **names;
    double end;
    unsigned n;
    size_t len;
    uint32_t tx;
    long ops = 0;
    int err;

    if (!h)
        die("connect", errno);
    snprintf(path, sizeof(path), "/bench/c%d/key", id);
    err = hxs_write(h, 0, path, "initial-value", 13);
    if (err)
        die("setup write", err);
    end = now() + secs;
    while (now() < end) {
        switch (t) {
        case T_READ:
            err = hxs_read(h, 0, path, &v, &len);
            if (!err)
                free(v);
            break;
        case T_WRITE:
            err = hxs_write(h, 0, path, "some-value-123", 14);
            break;
        case T_DIRECTORY:
            err = hxs_directory(h, 0, "/bench", &names, &n);
            if (!err)
                free(names);
            break;
        default:
            err = hxs_transaction_start(h, &tx);
            if (!err)
                err = hxs_write(h, tx, path, "in-a-transaction", 16);
            if (!err)
                err = hxs_transaction_end(h, tx, true);
            if (err == EAGAIN)
                err = 0;        /* a conflict is a completed round too */
            break;
        }
        if (err)
            die(test_name[t], err);
        ops++;
    }
    hxs_close(h);
    return ops;
}

static void throughput(enum test t, int clients, double secs)
{
    int fds[2], i;
    long total = 0, ops;
    double t0;

    if (pipe(fds))
        die("pipe", errno);
    t0 = now();
    for (i = 0; i < clients; i++) {
        if (fork() == 0) {
            close(fds[0]);
            ops = client(t, i, secs);
            if (write(fds[1], &ops, sizeof(ops)) != sizeof(ops))
                _exit(1);
            _exit(0);
        }
    }
    close(fds[1]);
    while (read(fds[0], &ops, sizeof(ops)) == sizeof(ops))
        total += ops;
    close(fds[0]);
    while (wait(NULL) > 0)
        ;
    printf("{\"daemon\": \"%s\", \"test\": \"%s\", \"clients\": %d, "
           "\"ops_per_s\": %.0f}\n", label, test_name[t], clients,
           total / (now() - t0));
    fflush(stdout);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Write on one connection, time until the watch event arrives on another. */
static void watch_latency(int background, double secs)
{
    enum { SAMPLES = 2000 };
    static double lat[SAMPLES];
    struct hxs *w = hxs_open(sock_path), *p = hxs_open(sock_path);
    char *path, *token;
    pid_t kids[256];
    int i, err;

    if (!w || !p)
        die("connect", errno);
    for (i = 0; i < background && i < 256; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            client(T_WRITE, 1000 + i, secs + 30);
            _exit(0);
        }
    }
    err = hxs_watch(w, "/bench/watched", "lat");
    if (!err)
        err = hxs_read_watch(w, &path, &token, 5000);
    if (err)
        die("watch", err);
    free(path);
    free(token);
    for (i = 0; i < SAMPLES; i++) {
        double t0 = now();

        err = hxs_write(p, 0, "/bench/watched", "x", 1);
        if (!err)
            err = hxs_read_watch(w, &path, &token, 5000);
        if (err)
            die("watch event", err);
        lat[i] = (now() - t0) * 1e6;
        free(path);
        free(token);
    }
    for (i = 0; i < background && i < 256; i++)
        kill(kids[i], SIGTERM);
    while (wait(NULL) > 0)
        ;
    qsort(lat, SAMPLES, sizeof(lat[0]), cmp_double);
    printf("{\"daemon\": \"%s\", \"test\": \"watch_latency\", \"clients\": %d, "
           "\"median_us\": %.1f, \"p99_us\": %.1f}\n", label, background + 2,
           lat[SAMPLES / 2], lat[SAMPLES * 99 / 100]);
    fflush(stdout);
    hxs_close(w);
    hxs_close(p);
}

int main(int argc, char **argv)
{
    int clients = 1, opt, t;
    double secs = 2;

    while ((opt = getopt(argc, argv, "s:c:t:l:")) != -1) {
        switch (opt) {
        case 's': sock_path = optarg; break;
        case 'c': clients = atoi(optarg); break;
        case 't': secs = atof(optarg); break;
        case 'l': label = optarg; break;
        default:
            fprintf(stderr, "usage: xs_bench [-s SOCKET] [-c CLIENTS] "
                    "[-t SECONDS] [-l LABEL]\n");
            return 2;
        }
    }
    if (clients < 1 || clients > 256 || secs <= 0) {
        fprintf(stderr, "xs_bench: 1..256 clients, positive seconds\n");
        return 2;
    }
    for (t = 0; t < T_COUNT; t++)
        throughput(t, clients, secs);
    watch_latency(clients - 1, secs);
    return 0;
}
