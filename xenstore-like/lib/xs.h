/*
 * libheronxs: a small xenstore client over the daemon's UNIX socket,
 * speaking Xen's wire protocol (so it works with any xenstored).
 *
 * Every call returns 0 or a positive errno value (the daemon's error
 * name mapped back: ENOENT, EACCES, EAGAIN, ...).  Results are malloc'd
 * and owned by the caller.  A handle is not thread-safe.  Watch events
 * that arrive while waiting for a reply are queued for hxs_read_watch().
 * Only POSIX calls are used, so it builds with musl -static too.
 */
#ifndef HERON_XS_H
#define HERON_XS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HXS_DEFAULT_SOCKET "/run/xenstored/socket"

#define HXS_PERM_NONE  0u
#define HXS_PERM_READ  1u
#define HXS_PERM_WRITE 2u
#define HXS_PERM_BOTH  3u

struct hxs_perm {
    unsigned domid;
    unsigned perm;          /* HXS_PERM_* */
};

struct hxs;

/* path NULL: $XENSTORED_PATH if set, else HXS_DEFAULT_SOCKET.  NULL on
 * failure with errno set. */
struct hxs *hxs_open(const char *path);
void hxs_close(struct hxs *h);
/* Readable when a watch event may be waiting. */
int hxs_fileno(const struct hxs *h);

/* tx is 0 outside a transaction.  *val gets a NUL after len bytes. */
int hxs_read(struct hxs *h, uint32_t tx, const char *path, char **val,
             size_t *len);
int hxs_write(struct hxs *h, uint32_t tx, const char *path, const void *val,
              size_t len);
int hxs_mkdir(struct hxs *h, uint32_t tx, const char *path);
int hxs_rm(struct hxs *h, uint32_t tx, const char *path);
/* *names is one allocation: free(*names) frees the strings too. */
int hxs_directory(struct hxs *h, uint32_t tx, const char *path,
                  char ***names, unsigned *count);
int hxs_get_perms(struct hxs *h, uint32_t tx, const char *path,
                  struct hxs_perm **perms, unsigned *count);
int hxs_set_perms(struct hxs *h, uint32_t tx, const char *path,
                  const struct hxs_perm *perms, unsigned count);

int hxs_transaction_start(struct hxs *h, uint32_t *tx);
/* commit false aborts; EAGAIN: a conflicting change won, retry. */
int hxs_transaction_end(struct hxs *h, uint32_t tx, bool commit);

int hxs_watch(struct hxs *h, const char *path, const char *token);
int hxs_unwatch(struct hxs *h, const char *path, const char *token);
/* Next event; timeout_ms < 0 waits forever, ETIMEDOUT when none came. */
int hxs_read_watch(struct hxs *h, char **path, char **token, int timeout_ms);
/* Events already read off the socket (while waiting for a reply) and
 * queued: poll() on hxs_fileno() does not show them. */
bool hxs_events_queued(const struct hxs *h);

/* Toolstack calls (dom0 only). */
int hxs_introduce(struct hxs *h, unsigned domid, unsigned long gfn,
                  unsigned port);
int hxs_release(struct hxs *h, unsigned domid);
int hxs_get_domain_path(struct hxs *h, unsigned domid, char **path);
int hxs_is_domain_introduced(struct hxs *h, unsigned domid, bool *yes);

/* Any request: payload in, reply payload out (NUL-terminated copy). */
int hxs_request(struct hxs *h, uint32_t type, uint32_t tx, const void *data,
                size_t len, char **reply, size_t *rlen);

/* "r5" <-> struct hxs_perm. */
int hxs_perm_parse(const char *s, struct hxs_perm *p);
void hxs_perm_format(const struct hxs_perm *p, char *buf, size_t cap);

#endif
