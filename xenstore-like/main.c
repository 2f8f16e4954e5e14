/*
 * heron-xenstored: serves the store on a UNIX socket (dom0-privileged
 * clients, e.g. libxenstore) and on the rings of introduced domains,
 * in the foreground until SIGTERM or SIGINT.  The system's instance (the
 * one on the default socket) keeps its pid in PID_FILE while it runs, so
 * that dom0's scripts (no /proc there) can signal it; instances on
 * sockets of their own (tests) run side by side and write none.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xen_dev.h"
#include "xsd.h"

#define DEFAULT_SOCKET "/run/xenstored/socket"
#define PID_DIR "/run/heron"
#define PID_FILE PID_DIR "/heron-xenstored.pid"

static volatile int stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: heron-xenstored [--socket PATH]\n"
               "  --socket PATH  listen here (default: $XENSTORED_PATH, "
               "else " DEFAULT_SOCKET ")\n");
}

/* One left by a killed daemon is overwritten; a failure is logged, not fatal. */
static void pid_file_write(void)
{
    char line[24];
    int fd, len = snprintf(line, sizeof(line), "%ld\n", (long)getpid());

    mkdir(PID_DIR, 0755);
    fd = open(PID_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, line, (size_t)len) != len)
        fprintf(stderr, "heron-xenstored: " PID_FILE ": %s\n", strerror(errno));
    if (fd >= 0)
        close(fd);
}

static int listen_on(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char dir[sizeof(sa.sun_path)];
    char *slash;
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "heron-xenstored: socket path too long: %s\n", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    strcpy(dir, path);
    slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        mkdir(dir, 0755);
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        goto fail;
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0600) ||
        listen(fd, 64))
        goto fail;
    return fd;
fail:
    fprintf(stderr, "heron-xenstored: %s: %s\n", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return -1;
}

int main(int argc, char **argv)
{
    const char *path = getenv("XENSTORED_PATH");
    struct sigaction sa = { .sa_handler = on_signal };
    struct xen_dev xd;
    struct xsd x;
    sigset_t block;
    bool sys_instance;
    int fd, i, err;

    if (!path || !*path)
        path = DEFAULT_SOCKET;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--socket") && i + 1 < argc) {
            path = argv[++i];
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    /* Signals stay blocked except inside the loop's ppoll(). */
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    fd = listen_on(path);
    if (fd < 0)
        return 1;
    sys_instance = !strcmp(path, DEFAULT_SOCKET);
    if (sys_instance)
        pid_file_write();
    xen_dev_init(&xd);
    if (xsd_init(&x, &xd.backend)) {
        fprintf(stderr, "heron-xenstored: out of memory\n");
        return 1;
    }
    err = xsd_run(&x, fd, &stop);
    xsd_fini(&x);
    xen_dev_fini(&xd);
    close(fd);
    unlink(path);
    if (sys_instance)
        unlink(PID_FILE);
    if (err)
        fprintf(stderr, "heron-xenstored: %s\n", strerror(err));
    return err ? 1 : 0;
}
