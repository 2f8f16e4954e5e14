/*
 * xenbus-probe: a test domU's program that talks to xenstore through its
 * kernel's xenbus (/dev/xen/xenbus, the store ring's one client), for
 * test_domains.
 *   xenbus-probe read PATH...   XS_READ of each PATH; the value or error
 *   xenbus-probe selftest       write, read, directory, transactions
 *                               (committed and aborted), rm, a watch that
 *                               fires at once and again when dom0 writes
 *                               data/flag (it says "xs watching" first),
 *                               unwatch, refused paths and requests
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <public/io/xs_wire.h>

struct msg {
    struct xsd_sockmsg h;
    char body[XENSTORE_PAYLOAD_MAX + 1];
};

static int fd;
static uint32_t req_id;
static struct msg events[8];    /* watch events read while awaiting a reply */
static int nr_events;

static int read_full(void *p, size_t n, int timeout_ms)
{
    char *b = p;

    while (n) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t r;

        if (poll(&pfd, 1, timeout_ms) != 1)
            return -1;
        r = read(fd, b, n);
        if (r <= 0)
            return -1;
        b += r;
        n -= (size_t)r;
    }
    return 0;
}

static int next_msg(struct msg *m, int timeout_ms)
{
    if (read_full(&m->h, sizeof(m->h), timeout_ms) || m->h.len > XENSTORE_PAYLOAD_MAX ||
        read_full(m->body, m->h.len, timeout_ms))
        return -1;
    m->body[m->h.len] = 0;
    return 0;
}

/* Sends type with the given parts (each NUL-terminated on the wire unless
 * raw) and returns the reply, keeping the watch events that come first. */
static int talk(uint32_t type, uint32_t tx, const char *a, const char *b, struct msg *reply)
{
    char buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    struct xsd_sockmsg h = { .type = type, .req_id = ++req_id, .tx_id = tx };
    size_t alen = a ? strlen(a) + 1 : 0, blen = b ? strlen(b) : 0;

    /* XS_WRITE's value is not NUL-terminated; a watch's token is. */
    if (type != XS_WRITE && b)
        blen++;
    h.len = (uint32_t)(alen + blen);
    memcpy(buf, &h, sizeof(h));
    if (a)
        memcpy(buf + sizeof(h), a, alen);
    if (b)
        memcpy(buf + sizeof(h) + alen, b, blen);
    if (write(fd, buf, sizeof(h) + h.len) != (ssize_t)(sizeof(h) + h.len))
        return -errno;
    for (;;) {
        if (next_msg(reply, 5000))
            return -ETIMEDOUT;
        if (reply->h.type != XS_WATCH_EVENT)
            break;
        if (nr_events < 8)
            events[nr_events++] = *reply;
    }
    if (reply->h.req_id != h.req_id || reply->h.tx_id != tx)
        printf("xs: reply req_id %u tx_id %u for %u/%u\n", reply->h.req_id, reply->h.tx_id,
               h.req_id, tx);
    return 0;
}

/* Prints "xs WHAT ARG: VALUE" or "xs WHAT ARG: error E"; the directory's
 * NUL-separated names joined by spaces. */
static void say(const char *what, const char *arg, int rc, struct msg *r)
{
    if (rc) {
        printf("xs %s %s: %s\n", what, arg, strerror(-rc));
        return;
    }
    for (uint32_t i = 0; r->h.type == XS_DIRECTORY && i + 1 < r->h.len; i++)
        if (!r->body[i])
            r->body[i] = ' ';
    printf("xs %s %s: %s%s\n", what, arg, r->h.type == XS_ERROR ? "error " : "", r->body);
}

static void op(uint32_t type, uint32_t tx, const char *what, const char *path, const char *val)
{
    struct msg r;

    say(what, path, talk(type, tx, path, val, &r), &r);
}

static int await_event(const char *what)
{
    struct msg m;

    if (nr_events) {
        m = events[0];
        memmove(events, events + 1, --nr_events * sizeof(events[0]));
    } else {
        do {
            if (next_msg(&m, 30000)) {
                printf("xs %s: no watch event\n", what);
                return -1;
            }
        } while (m.h.type != XS_WATCH_EVENT);
    }
    printf("xs %s: %s %s\n", what, m.body, m.body + strlen(m.body) + 1);
    return 0;
}

static uint32_t tx_start(void)
{
    struct msg r;

    if (talk(XS_TRANSACTION_START, 0, "", NULL, &r) || r.h.type == XS_ERROR)
        return 0;
    return (uint32_t)strtoul(r.body, NULL, 10);
}

static int selftest(void)
{
    uint32_t tx;
    char big[sizeof(struct xsd_sockmsg)];
    struct xsd_sockmsg bad = { .type = XS_INTRODUCE, .len = 0 };

    op(XS_WRITE, 0, "write", "data/greeting", "hello");
    op(XS_READ, 0, "read", "data/greeting", NULL);
    op(XS_WRITE, 0, "write", "data/dir/a", "1");
    op(XS_WRITE, 0, "write", "data/dir/b", "2");
    op(XS_DIRECTORY, 0, "directory", "data/dir", NULL);

    tx = tx_start();
    printf("xs transaction: %s\n", tx ? "started" : "refused");
    op(XS_WRITE, tx, "write in tx", "data/tx", "committed");
    op(XS_READ, 0, "read outside tx", "data/tx", NULL);
    op(XS_TRANSACTION_END, tx, "commit", "T", NULL);
    op(XS_READ, 0, "read", "data/tx", NULL);
    tx = tx_start();
    op(XS_WRITE, tx, "write in tx", "data/aborted", "x");
    op(XS_TRANSACTION_END, tx, "abort", "F", NULL);
    op(XS_READ, 0, "read", "data/aborted", NULL);

    op(XS_WATCH, 0, "watch", "data/flag", "flagtok");
    if (await_event("watch event"))
        return 1;
    printf("xs watching\n");
    fflush(stdout);
    if (await_event("watch event"))
        return 1;
    op(XS_READ, 0, "read", "data/flag", NULL);
    op(XS_UNWATCH, 0, "unwatch", "data/flag", "flagtok");
    op(XS_UNWATCH, 0, "unwatch", "data/flag", "flagtok");

    op(XS_RM, 0, "rm", "data/greeting", NULL);
    op(XS_READ, 0, "read", "data/greeting", NULL);
    op(XS_READ, 0, "read", "/local/domain/0/name", NULL);
    op(XS_WRITE, 0, "write", "name", "renamed");
    memcpy(big, &bad, sizeof(bad));
    printf("xs introduce: %s\n", write(fd, big, sizeof(bad)) < 0 ? strerror(errno) : "sent");
    bad.type = XS_READ;
    bad.len = XENSTORE_PAYLOAD_MAX + 1;
    memcpy(big, &bad, sizeof(bad));
    printf("xs oversized: %s\n", write(fd, big, sizeof(bad)) < 0 ? strerror(errno) : "sent");
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    fd = open("/dev/xen/xenbus", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        perror("xenbus-probe: /dev/xen/xenbus");
        return 1;
    }
    if (argc >= 3 && !strcmp(argv[1], "read")) {
        for (int i = 2; i < argc; i++)
            op(XS_READ, 0, "read", argv[i], NULL);
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "selftest"))
        return selftest();
    fprintf(stderr, "usage: xenbus-probe read PATH... | selftest\n");
    return 2;
}
