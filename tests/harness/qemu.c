/* QEMU scenario-test harness (see qemu.h). */
#include "qemu.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS      64
#define TAIL_LINES    30

struct qemu {
    pid_t pid;
    int fd;                     /* read end of QEMU's stdout+stderr */
    bool exited;
    int status;
    char *buf;
    size_t len, cap;
    size_t cursor;              /* qemu_expect() searches from here */
    char *line;                 /* last matched line */
    FILE *log;
    char log_path[PATH_MAX];
    time_t deadline;
    struct qemu *next;          /* live instances, for the atexit handler */
};

static struct qemu *live;
static bool atexit_registered;

static void kill_all(void)
{
    for (struct qemu *q = live; q; q = q->next)
        if (!q->exited && q->pid > 0) {
            kill(q->pid, SIGKILL);
            waitpid(q->pid, NULL, 0);
        }
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void append(struct qemu *q, const char *data, size_t n)
{
    if (q->len + n + 1 > q->cap) {
        q->cap = (q->len + n + 1) * 2;
        q->buf = realloc(q->buf, q->cap);
        ck_assert_msg(q->buf != NULL, "out of memory");
    }
    memcpy(q->buf + q->len, data, n);
    q->len += n;
    q->buf[q->len] = '\0';
    if (q->log) {
        fwrite(data, 1, n, q->log);
        fflush(q->log);
    }
}

/* The last TAIL_LINES lines of output, for failure messages. */
static const char *tail(struct qemu *q)
{
    size_t i = q->len;
    int lines = 0;

    while (i > 0 && lines <= TAIL_LINES)
        if (q->buf[--i] == '\n')
            lines++;
    return q->buf + i;
}

static void __attribute__((noreturn)) harness_fail(struct qemu *q, const char *fmt, const char *arg)
{
    char msg[512];

    snprintf(msg, sizeof(msg), fmt, arg);
    fprintf(stderr, "qemu harness: %s\n--- last output (log: %s) ---\n%s\n---\n",
            msg, q->log_path, tail(q));
    ck_abort_msg("%s (log: %s); last output:\n%s", msg, q->log_path, tail(q));
}

static void reap(struct qemu *q, bool block)
{
    int status;

    if (q->exited)
        return;
    if (waitpid(q->pid, &status, block ? 0 : WNOHANG) == q->pid) {
        q->exited = true;
        q->status = status;
    }
}

/* Reads what is available within timeout_ms; returns false at EOF. */
static bool pump(struct qemu *q, int timeout_ms)
{
    struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
    char chunk[4096];
    ssize_t n;

    if (q->fd < 0)
        return false;
    if (poll(&pfd, 1, timeout_ms) <= 0)
        return true;
    n = read(q->fd, chunk, sizeof(chunk));
    if (n > 0) {
        append(q, chunk, n);
        return true;
    }
    if (n < 0 && errno == EINTR)
        return true;
    close(q->fd);
    q->fd = -1;
    return false;
}

static void log_path_for(char *out, size_t len, const char *name)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

    if (n <= 0)
        snprintf(exe, sizeof(exe), ".");
    else
        exe[n] = '\0';
    snprintf(out, len, "%s/%s.serial.log", dirname(exe), name);
}

/* "path args,path2" with commas in args doubled, as QEMU's -initrd wants. */
static char *initrd_arg(const struct qemu_config *cfg)
{
    size_t cap = 1;
    char *s, *p;

    for (unsigned int i = 0; i < cfg->nr_modules; i++)
        cap += strlen(cfg->modules[i].path) + 2 +
               2 * (cfg->modules[i].args ? strlen(cfg->modules[i].args) : 0) + 1;
    s = p = calloc(1, cap);
    ck_assert_msg(s != NULL, "out of memory");
    for (unsigned int i = 0; i < cfg->nr_modules; i++) {
        const char *a = cfg->modules[i].args;

        if (i)
            *p++ = ',';
        p = stpcpy(p, cfg->modules[i].path);
        if (a && *a) {
            *p++ = ' ';
            for (; *a; a++) {
                if (*a == ',')
                    *p++ = ',';
                *p++ = *a;
            }
        }
    }
    *p = '\0';
    return s;
}

struct qemu *qemu_start(const struct qemu_config *cfg)
{
    const char *argv[MAX_ARGS];
    char mem[16], *initrd = NULL;
    unsigned int argc = 0;
    struct qemu *q;
    int pipefd[2];

    ck_assert_msg(cfg->name != NULL, "qemu_start: cfg->name is required");
    q = calloc(1, sizeof(*q));
    ck_assert_msg(q != NULL, "out of memory");
    q->fd = -1;
    q->deadline = time(NULL) + (cfg->timeout_s ? cfg->timeout_s : 60);
    log_path_for(q->log_path, sizeof(q->log_path), cfg->name);
    q->log = fopen(q->log_path, "w");
    append(q, "", 0);

    snprintf(mem, sizeof(mem), "%u", cfg->mem_mb ? cfg->mem_mb : 256);
    argv[argc++] = "qemu-system-x86_64";
    argv[argc++] = "-accel";
    argv[argc++] = "tcg";
    argv[argc++] = "-cpu";
    argv[argc++] = cfg->cpu ? cfg->cpu : "max";
    argv[argc++] = "-m";
    argv[argc++] = mem;
    argv[argc++] = "-nodefaults";
    argv[argc++] = "-display";
    argv[argc++] = "none";
    argv[argc++] = "-monitor";
    argv[argc++] = "none";
    argv[argc++] = "-serial";
    argv[argc++] = "stdio";
    argv[argc++] = "-no-reboot";
    argv[argc++] = "-device";
    argv[argc++] = "isa-debug-exit,iobase=0xf4,iosize=4";
    if (cfg->cdrom) {
        ck_assert_msg(!cfg->hv && !cfg->nr_modules && !cfg->cmdline,
                      "qemu_start: a cdrom boot takes hv, modules and cmdline "
                      "from the ISO");
        argv[argc++] = "-cdrom";
        argv[argc++] = cfg->cdrom;
        argv[argc++] = "-boot";
        argv[argc++] = "d";
    } else {
        argv[argc++] = "-kernel";
        argv[argc++] = cfg->hv ? cfg->hv : HERON_BUILD_DIR "/hv.elf";
        argv[argc++] = "-append";
        argv[argc++] = cfg->cmdline ? cfg->cmdline : "";
    }
    if (cfg->nr_modules) {
        initrd = initrd_arg(cfg);
        argv[argc++] = "-initrd";
        argv[argc++] = initrd;
    }
    for (unsigned int i = 0; cfg->extra_args && cfg->extra_args[i]; i++) {
        ck_assert_msg(argc < MAX_ARGS - 1, "too many QEMU arguments");
        argv[argc++] = cfg->extra_args[i];
    }
    argv[argc] = NULL;

    if (q->log) {
        fprintf(q->log, "# qemu");
        for (unsigned int i = 1; i < argc; i++)
            fprintf(q->log, " '%s'", argv[i]);
        fprintf(q->log, "\n");
        fflush(q->log);
    }

    ck_assert_msg(pipe2(pipefd, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
    if (!atexit_registered) {
        atexit(kill_all);
        atexit_registered = true;
    }
    q->pid = fork();
    ck_assert_msg(q->pid >= 0, "fork: %s", strerror(errno));
    if (q->pid == 0) {
        int null = open("/dev/null", O_RDONLY);

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(null, 0);
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    q->fd = pipefd[0];
    q->next = live;
    live = q;
    free(initrd);
    return q;
}

static double wait_deadline(struct qemu *q, unsigned int timeout_s)
{
    double d = now_s() + timeout_s;
    double overall = now_s() + (double)(q->deadline - time(NULL));

    return d < overall ? d : overall;
}

const char *qemu_expect(struct qemu *q, const char *text, unsigned int timeout_s)
{
    double deadline = wait_deadline(q, timeout_s);

    for (;;) {
        char *hit = strstr(q->buf + q->cursor, text);

        if (hit) {
            char *start = hit, *end = hit + strlen(text);
            size_t n;

            /* Only a complete line counts: wait for its newline. */
            while (*end && *end != '\n')
                end++;
            if (*end == '\n' || q->fd < 0) {
                while (start > q->buf && start[-1] != '\n')
                    start--;
                n = end - start;
                if (n && start[n - 1] == '\r')
                    n--;
                free(q->line);
                q->line = strndup(start, n);
                q->cursor = end - q->buf;
                return q->line;
            }
        }
        if (now_s() >= deadline)
            harness_fail(q, "timed out waiting for \"%s\"", text);
        if (!pump(q, 50) && !strstr(q->buf + q->cursor, text)) {
            reap(q, true);
            harness_fail(q, "QEMU exited before printing \"%s\"", text);
        }
    }
}

/* Reads whatever output is already waiting. */
static void drain(struct qemu *q)
{
    while (q->fd >= 0) {
        struct pollfd pfd = { .fd = q->fd, .events = POLLIN };

        if (poll(&pfd, 1, 0) <= 0 || !pump(q, 0))
            break;
    }
}

void qemu_expect_absent(struct qemu *q, const char *text)
{
    drain(q);
    if (strstr(q->buf, text))
        harness_fail(q, "unexpected \"%s\" in the output", text);
}

unsigned int qemu_count(struct qemu *q, const char *text)
{
    unsigned int n = 0;

    for (const char *p = q->buf; (p = strstr(p, text)); p += strlen(text))
        n++;
    return n;
}

int qemu_wait_exit(struct qemu *q, unsigned int timeout_s)
{
    double deadline = wait_deadline(q, timeout_s);

    while (now_s() < deadline) {
        if (!pump(q, 50)) {
            reap(q, true);
            break;
        }
        reap(q, false);
        if (q->exited) {
            drain(q);
            break;
        }
    }
    if (!q->exited)
        harness_fail(q, "QEMU did not exit within the timeout%s", "");
    if (WIFSIGNALED(q->status))
        harness_fail(q, "QEMU killed by signal %s", strsignal(WTERMSIG(q->status)));
    return WEXITSTATUS(q->status);
}

const char *qemu_output(struct qemu *q)
{
    return q->buf;
}

void qemu_stop(struct qemu *q)
{
    struct qemu **pp;

    if (!q)
        return;
    if (!q->exited) {
        kill(q->pid, SIGKILL);
        reap(q, true);
    }
    if (q->fd >= 0)
        close(q->fd);
    if (q->log)
        fclose(q->log);
    for (pp = &live; *pp; pp = &(*pp)->next)
        if (*pp == q) {
            *pp = q->next;
            break;
        }
    free(q->line);
    free(q->buf);
    free(q);
}
