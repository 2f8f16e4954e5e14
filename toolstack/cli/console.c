/*
 * `heron console DOMAIN`: attaches the terminal to heron-consoled's
 * relay for the domain (console_proto.h).  Ctrl-] detaches.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"
#include "console_proto.h"

static int connect_daemon(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
        int saved = errno;

        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* The daemon's one-line answer. */
static int read_reply(int fd, char *line, size_t cap)
{
    size_t n = 0;

    while (n + 1 < cap) {
        ssize_t r = read(fd, line + n, 1);

        if (r <= 0)
            return -1;
        if (line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Relays until Ctrl-] on in_fd, or until the daemon closes. */
static void relay(int sock, int in_fd, int out_fd)
{
    struct pollfd p[2] = { { .fd = sock, .events = POLLIN },
                           { .fd = in_fd, .events = POLLIN } };
    char buf[4096];

    for (;;) {
        ssize_t n;

        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if (p[0].revents) {
            n = read(sock, buf, sizeof(buf));
            if (n <= 0 || write_all(out_fd, buf, (size_t)n))
                return;
        }
        if (p[1].revents) {
            char *key;

            n = read(in_fd, buf, sizeof(buf));
            if (n <= 0)
                return;
            key = memchr(buf, CONSOLE_DETACH_KEY, (size_t)n);
            if (key)
                n = key - buf;
            if (n && write_all(sock, buf, (size_t)n))
                return;
            if (key)
                return;
        }
    }
}

int console_attach(struct heron_env *env, domid_t domid)
{
    const char *path = env->console_socket;
    struct termios saved, raw;
    bool tty = isatty(STDIN_FILENO);
    char line[256];
    int fd = connect_daemon(path);

    if (fd < 0) {
        fprintf(env->err, "heron: console: cannot reach heron-consoled at %s: %s\n",
                path, strerror(errno));
        return HERON_ENOENV;
    }
    snprintf(line, sizeof(line), "attach %u\n", domid);
    if (write_all(fd, line, strlen(line)) || read_reply(fd, line, sizeof(line))) {
        fprintf(env->err, "heron: console: heron-consoled closed the connection\n");
        close(fd);
        return HERON_EFAIL;
    }
    if (strcmp(line, "ok")) {
        fprintf(env->err, "heron: console: %s\n",
                strncmp(line, "error ", 6) ? line : line + 6);
        close(fd);
        return HERON_EFAIL;
    }
    fflush(env->out);
    if (tty && !tcgetattr(STDIN_FILENO, &saved)) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    } else {
        tty = false;
    }
    relay(fd, STDIN_FILENO, STDOUT_FILENO);
    if (tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    close(fd);
    return HERON_OK;
}
