/* libheronxs: requests and replies over a blocking UNIX socket. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <public/io/xs_wire.h>

#include "xs.h"

struct hxs_event {
    struct hxs_event *next;
    char *path, *token;
};

struct hxs {
    int fd;
    uint32_t next_req;
    struct hxs_event *ev_head, *ev_tail;
};

struct hxs *hxs_open(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct hxs *h;
    int saved;

    if (!path)
        path = getenv("XENSTORED_PATH");
    if (!path || !*path)
        path = HXS_DEFAULT_SOCKET;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    strcpy(sa.sun_path, path);
    h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->next_req = 1;
    h->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (h->fd >= 0 && !connect(h->fd, (struct sockaddr *)&sa, sizeof(sa)))
        return h;
    saved = errno;
    if (h->fd >= 0)
        close(h->fd);
    free(h);
    errno = saved;
    return NULL;
}

static void event_free(struct hxs_event *e)
{
    free(e->path);
    free(e->token);
    free(e);
}

void hxs_close(struct hxs *h)
{
    struct hxs_event *e;

    if (!h)
        return;
    while ((e = h->ev_head)) {
        h->ev_head = e->next;
        event_free(e);
    }
    close(h->fd);
    free(h);
}

int hxs_fileno(const struct hxs *h)
{
    return h->fd;
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : EIO;
        p += n;
        len -= n;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;

    while (len) {
        ssize_t n = read(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : EIO;     /* EOF: the daemon went away */
        p += n;
        len -= n;
    }
    return 0;
}

static int error_number(const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (strlen(xsd_errors[i].errstring) + 1 == len &&
            !memcmp(xsd_errors[i].errstring, name, len))
            return xsd_errors[i].errnum;
    return EINVAL;
}

static int queue_event(struct hxs *h, const char *data, size_t len)
{
    struct hxs_event *e;
    const char *tok = memchr(data, '\0', len);

    if (!tok || !memchr(tok + 1, '\0', len - (tok + 1 - data)))
        return EIO;
    e = calloc(1, sizeof(*e));
    if (!e || !(e->path = strdup(data)) || !(e->token = strdup(tok + 1))) {
        if (e)
            event_free(e);
        return ENOMEM;
    }
    if (h->ev_tail)
        h->ev_tail->next = e;
    else
        h->ev_head = e;
    h->ev_tail = e;
    return 0;
}

/* Reads one message; watch events are queued, anything else returned. */
static int read_message(struct hxs *h, struct xsd_sockmsg *hdr, char **data)
{
    int err = read_all(h->fd, hdr, sizeof(*hdr));

    *data = NULL;
    if (err)
        return err;
    if (hdr->len > XENSTORE_PAYLOAD_MAX)
        return EIO;
    *data = malloc(hdr->len + 1);
    if (!*data)
        return ENOMEM;
    err = read_all(h->fd, *data, hdr->len);
    (*data)[hdr->len] = '\0';
    if (!err && hdr->type == XS_WATCH_EVENT) {
        err = queue_event(h, *data, hdr->len);
        free(*data);
        *data = NULL;
    }
    if (err) {
        free(*data);
        *data = NULL;
    }
    return err;
}

int hxs_request(struct hxs *h, uint32_t type, uint32_t tx, const void *data,
                size_t len, char **reply, size_t *rlen)
{
    struct xsd_sockmsg hdr = { type, h->next_req++, tx, (uint32_t)len };
    char *in;
    int err;

    if (len > XENSTORE_PAYLOAD_MAX)
        return E2BIG;
    err = write_all(h->fd, &hdr, sizeof(hdr));
    if (!err && len)
        err = write_all(h->fd, data, len);
    while (!err) {
        struct xsd_sockmsg rh;

        err = read_message(h, &rh, &in);
        if (err)
            break;
        if (!in)
            continue;           /* a watch event */
        if (rh.req_id != hdr.req_id) {
            free(in);
            continue;
        }
        if (rh.type == XS_ERROR) {
            err = error_number(in, rh.len);
            free(in);
            break;
        }
        if (rh.type != type) {
            free(in);
            return EIO;
        }
        if (reply) {
            *reply = in;
            if (rlen)
                *rlen = rh.len;
        } else {
            free(in);
        }
        return 0;
    }
    return err;
}

/* Sends "s[0]\0s[1]\0...", then raw bytes as they are (WRITE's value). */
static int request_strings(struct hxs *h, uint32_t type, uint32_t tx,
                           const char *const *s, unsigned n,
                           const void *raw, size_t rawlen,
                           char **reply, size_t *rlen)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t len = 0, l;
    unsigned i;

    for (i = 0; i < n; i++) {
        l = strlen(s[i]) + 1;
        if (len + l > sizeof(buf))
            return E2BIG;
        memcpy(buf + len, s[i], l);
        len += l;
    }
    if (rawlen > sizeof(buf) - len)
        return E2BIG;
    if (rawlen)
        memcpy(buf + len, raw, rawlen);
    return hxs_request(h, type, tx, buf, len + rawlen, reply, rlen);
}

static int simple(struct hxs *h, uint32_t type, uint32_t tx, const char *a,
                  const char *b)
{
    const char *v[2] = { a, b };

    return request_strings(h, type, tx, v, b ? 2 : 1, NULL, 0, NULL, NULL);
}

int hxs_read(struct hxs *h, uint32_t tx, const char *path, char **val,
             size_t *len)
{
    return request_strings(h, XS_READ, tx, &path, 1, NULL, 0, val, len);
}

int hxs_write(struct hxs *h, uint32_t tx, const char *path, const void *val,
              size_t len)
{
    return request_strings(h, XS_WRITE, tx, &path, 1, val, len, NULL, NULL);
}

int hxs_mkdir(struct hxs *h, uint32_t tx, const char *path)
{
    return simple(h, XS_MKDIR, tx, path, NULL);
}

int hxs_rm(struct hxs *h, uint32_t tx, const char *path)
{
    return simple(h, XS_RM, tx, path, NULL);
}

/* Splits "a\0b\0" into a NULL-terminated array sharing one allocation. */
static int split(const char *data, size_t len, char ***out, unsigned *count)
{
    unsigned n = 0, i = 0;
    size_t off;
    char **v, *copy;

    for (off = 0; off < len; off++)
        n += data[off] == '\0';
    v = malloc((n + 1) * sizeof(*v) + len + 1);
    if (!v)
        return ENOMEM;
    copy = (char *)(v + n + 1);
    memcpy(copy, data, len);
    copy[len] = '\0';
    for (off = 0; i < n; off += strlen(copy + off) + 1)
        v[i++] = copy + off;
    v[n] = NULL;
    *out = v;
    *count = n;
    return 0;
}

int hxs_directory(struct hxs *h, uint32_t tx, const char *path,
                  char ***names, unsigned *count)
{
    char *data;
    size_t len;
    int err = request_strings(h, XS_DIRECTORY, tx, &path, 1, NULL, 0,
                              &data, &len);

    if (err)
        return err;
    err = split(data, len, names, count);
    free(data);
    return err;
}

int hxs_perm_parse(const char *s, struct hxs_perm *p)
{
    char *end;
    unsigned long id;

    switch (s[0]) {
    case 'n': p->perm = HXS_PERM_NONE; break;
    case 'r': p->perm = HXS_PERM_READ; break;
    case 'w': p->perm = HXS_PERM_WRITE; break;
    case 'b': p->perm = HXS_PERM_BOTH; break;
    default: return EINVAL;
    }
    if (s[1] < '0' || s[1] > '9')
        return EINVAL;
    id = strtoul(s + 1, &end, 10);
    if (*end || id > 0xffff)
        return EINVAL;
    p->domid = id;
    return 0;
}

void hxs_perm_format(const struct hxs_perm *p, char *buf, size_t cap)
{
    snprintf(buf, cap, "%c%u", "nrwb"[p->perm & 3], p->domid);
}

int hxs_get_perms(struct hxs *h, uint32_t tx, const char *path,
                  struct hxs_perm **perms, unsigned *count)
{
    char **v, *data;
    unsigned n, i;
    size_t len;
    int err = request_strings(h, XS_GET_PERMS, tx, &path, 1, NULL, 0,
                              &data, &len);

    if (err)
        return err;
    err = split(data, len, &v, &n);
    free(data);
    if (err)
        return err;
    *perms = malloc((n ? n : 1) * sizeof(**perms));
    if (!*perms)
        err = ENOMEM;
    for (i = 0; !err && i < n; i++)
        err = hxs_perm_parse(v[i], &(*perms)[i]) ? EIO : 0;
    free(v);
    if (err) {
        free(*perms);
        *perms = NULL;
        return err;
    }
    *count = n;
    return 0;
}

int hxs_set_perms(struct hxs *h, uint32_t tx, const char *path,
                  const struct hxs_perm *perms, unsigned count)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t len = strlen(path) + 1;
    unsigned i;

    if (len > sizeof(buf))
        return E2BIG;
    memcpy(buf, path, len);
    for (i = 0; i < count; i++) {
        char p[16];
        size_t l;

        hxs_perm_format(&perms[i], p, sizeof(p));
        l = strlen(p) + 1;
        if (len + l > sizeof(buf))
            return E2BIG;
        memcpy(buf + len, p, l);
        len += l;
    }
    return hxs_request(h, XS_SET_PERMS, tx, buf, len, NULL, NULL);
}

int hxs_transaction_start(struct hxs *h, uint32_t *tx)
{
    char *id, *end;
    unsigned long v;
    int err = hxs_request(h, XS_TRANSACTION_START, 0, "", 1, &id, NULL);

    if (err)
        return err;
    v = strtoul(id, &end, 10);
    err = *end || !*id || !v || v > 0xffffffffu ? EIO : 0;
    free(id);
    if (!err)
        *tx = v;
    return err;
}

int hxs_transaction_end(struct hxs *h, uint32_t tx, bool commit)
{
    return simple(h, XS_TRANSACTION_END, tx, commit ? "T" : "F", NULL);
}

int hxs_watch(struct hxs *h, const char *path, const char *token)
{
    return simple(h, XS_WATCH, 0, path, token);
}

int hxs_unwatch(struct hxs *h, const char *path, const char *token)
{
    return simple(h, XS_UNWATCH, 0, path, token);
}

int hxs_read_watch(struct hxs *h, char **path, char **token, int timeout_ms)
{
    struct hxs_event *e;

    while (!h->ev_head) {
        struct pollfd p = { .fd = h->fd, .events = POLLIN };
        struct xsd_sockmsg hdr;
        char *data;
        int r = poll(&p, 1, timeout_ms), err;

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return errno;
        if (r == 0)
            return ETIMEDOUT;
        err = read_message(h, &hdr, &data);
        if (err)
            return err;
        free(data);             /* a stray reply nobody waits for */
    }
    e = h->ev_head;
    h->ev_head = e->next;
    if (!h->ev_head)
        h->ev_tail = NULL;
    *path = e->path;
    *token = e->token;
    free(e);
    return 0;
}

bool hxs_events_queued(const struct hxs *h)
{
    return h->ev_head != NULL;
}

int hxs_introduce(struct hxs *h, unsigned domid, unsigned long gfn,
                  unsigned port)
{
    char d[16], g[24], p[16];
    const char *v[3] = { d, g, p };

    snprintf(d, sizeof(d), "%u", domid);
    snprintf(g, sizeof(g), "%lu", gfn);
    snprintf(p, sizeof(p), "%u", port);
    return request_strings(h, XS_INTRODUCE, 0, v, 3, NULL, 0, NULL, NULL);
}

static int domid_request(struct hxs *h, uint32_t type, unsigned domid,
                         char **reply)
{
    char d[16];
    const char *v = d;

    snprintf(d, sizeof(d), "%u", domid);
    return request_strings(h, type, 0, &v, 1, NULL, 0, reply, NULL);
}

int hxs_release(struct hxs *h, unsigned domid)
{
    return domid_request(h, XS_RELEASE, domid, NULL);
}

int hxs_get_domain_path(struct hxs *h, unsigned domid, char **path)
{
    return domid_request(h, XS_GET_DOMAIN_PATH, domid, path);
}

int hxs_is_domain_introduced(struct hxs *h, unsigned domid, bool *yes)
{
    char *r;
    int err = domid_request(h, XS_IS_DOMAIN_INTRODUCED, domid, &r);

    if (err)
        return err;
    *yes = r[0] == 'T';
    free(r);
    return 0;
}
