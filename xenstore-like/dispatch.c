/*
 * One request in, one reply out: checks what every request shares (type,
 * privilege, size, transaction) and calls the handler for its type.
 */
#include <string.h>

#include "xsd.h"

#define F_PRIV  1u      /* control domain only */
#define F_NOTX  2u      /* tx_id is ignored */

static const struct {
    int (*fn)(struct req *r);
    unsigned flags;
} handlers[XS_TYPE_COUNT] = {
    [XS_CONTROL]              = { op_control, F_PRIV },
    [XS_DIRECTORY]            = { op_directory, 0 },
    [XS_READ]                 = { op_read, 0 },
    [XS_GET_PERMS]            = { op_get_perms, 0 },
    [XS_WATCH]                = { op_watch, F_NOTX },
    [XS_UNWATCH]              = { op_unwatch, F_NOTX },
    [XS_TRANSACTION_START]    = { op_transaction_start, 0 },
    [XS_TRANSACTION_END]      = { op_transaction_end, 0 },
    [XS_INTRODUCE]            = { op_introduce, F_PRIV },
    [XS_RELEASE]              = { op_release, F_PRIV },
    [XS_GET_DOMAIN_PATH]      = { op_get_domain_path, 0 },
    [XS_WRITE]                = { op_write, 0 },
    [XS_MKDIR]                = { op_mkdir, 0 },
    [XS_RM]                   = { op_rm, 0 },
    [XS_SET_PERMS]            = { op_set_perms, 0 },
    [XS_IS_DOMAIN_INTRODUCED] = { op_is_domain_introduced, F_PRIV },
    [XS_RESUME]               = { op_resume, F_PRIV },
    [XS_SET_TARGET]           = { op_set_target, F_PRIV },
    [XS_RESET_WATCHES]        = { op_reset_watches, F_NOTX },
    [XS_DIRECTORY_PART]       = { op_directory_part, 0 },
    [XS_GET_FEATURE]          = { op_get_feature, 0 },
    [XS_SET_FEATURE]          = { op_set_feature, F_PRIV },
    [XS_GET_QUOTA]            = { op_get_quota, F_PRIV },
    [XS_SET_QUOTA]            = { op_set_quota, F_PRIV },
};

void dispatch(struct conn *c, const struct xsd_sockmsg *hdr, const char *data)
{
    struct req r = { .c = c, .hdr = hdr, .data = data, .len = hdr->len };
    unsigned max = xsd_limit(c, Q_REQUEST_SIZE);
    int err;

    if (hdr->type >= XS_TYPE_COUNT || !handlers[hdr->type].fn) {
        err = ENOSYS;
        goto fail;
    }
    if ((handlers[hdr->type].flags & F_PRIV) && !c->who.privileged) {
        err = EACCES;
        goto fail;
    }
    if (max && hdr->len > max) {
        err = E2BIG;
        goto fail;
    }
    if (!(handlers[hdr->type].flags & F_NOTX)) {
        err = txn_lookup(c, hdr->tx_id, &r.tx);
        if (err)
            goto fail;
    }
    r.view.st = &c->xsd->store;
    r.view.tx = r.tx;
    err = handlers[hdr->type].fn(&r);
    if (!err)
        return;
fail:
    conn_send_error(c, hdr, err);
}

int reply(struct req *r, const void *data, size_t len)
{
    if (len > XENSTORE_PAYLOAD_MAX)
        return E2BIG;
    conn_send(r->c, r->hdr->type, r->hdr->req_id, r->hdr->tx_id, data, len);
    return 0;
}

int reply_ok(struct req *r)
{
    return reply(r, "OK", 3);
}

int reply_str(struct req *r, const char *s)
{
    return reply(r, s, strlen(s) + 1);
}

unsigned req_strings(const struct req *r, const char **v, unsigned max)
{
    unsigned n = 0;
    uint32_t off = 0;

    while (off < r->len) {
        const char *nul = memchr(r->data + off, '\0', r->len - off);

        if (!nul)
            break;
        if (n < max)
            v[n] = r->data + off;
        n++;
        off = nul - r->data + 1;
    }
    return n;
}

const char *req_onearg(const struct req *r)
{
    if (!r->len || strlen(r->data) + 1 != r->len)
        return NULL;
    return r->data;
}

int req_path(struct req *r, const char *in, bool allow_special, char **out)
{
    return path_canonical(r->c->who.domid, xsd_limit(r->c, Q_PATH_MAX), in,
                          allow_special, out);
}
