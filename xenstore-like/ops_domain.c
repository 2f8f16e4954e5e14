/*
 * Domain management: INTRODUCE, RELEASE, RESUME, SET_TARGET,
 * GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED, GET/SET_FEATURE, GET/SET_QUOTA.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/xen.h>

#include "xsd.h"

#define XSD_FEATURES (XENSTORE_SERVER_FEATURE_RECONNECTION | \
                      XENSTORE_SERVER_FEATURE_ERROR | \
                      XENSTORE_SERVER_FEATURE_WATCHDEPTH)

/* Decimal 0..max, nothing else. */
static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;

    if (!s || *s < '0' || *s > '9')
        return EINVAL;
    errno = 0;
    *out = strtoul(s, &end, 10);
    return errno || *end || *out > max ? EINVAL : 0;
}

static int parse_domid(const char *s, uint32_t *domid)
{
    unsigned long v = 0;
    int err = parse_uint(s, 0xffff, &v);

    *domid = v;
    return err;
}

/* A domain with a live ring connection, other than the control domain. */
static int connected_domain(struct req *r, const char *arg,
                            struct domain **out)
{
    uint32_t domid;
    int err = parse_domid(arg, &domid);

    if (err)
        return err;
    if (domid == 0)
        return EINVAL;
    *out = xsd_domain(r->c->xsd, domid, false);
    return *out && (*out)->introduced ? 0 : ENOENT;
}

int op_introduce(struct req *r)
{
    struct xsd *x = r->c->xsd;
    const char *v[3];
    struct domain *d;
    uint32_t domid;
    unsigned long port;
    long long gfn;
    char *end;
    int err;

    if (req_strings(r, v, 3) < 3)
        return EINVAL;
    err = parse_domid(v[0], &domid);
    if (!err && (domid == 0 || domid >= DOMID_FIRST_RESERVED))
        err = EINVAL;
    if (!err)
        err = parse_uint(v[2], 0xffffffffu, &port);
    if (!err && port == 0)
        err = EINVAL;
    errno = 0;
    gfn = strtoll(v[1], &end, 10);
    if (!err && (errno || *end || !*v[1]))
        err = EINVAL;
    if (err)
        return err;
    d = xsd_domain(x, domid, true);
    if (!d)
        return ENOMEM;
    if (d->introduced) {
        /* Re-introduction (resume, restore): start the ring afresh. */
        if (d->conn)
            conn_reset(d->conn);
        return reply_ok(r);
    }
    if (!x->backend)
        return EIO;
    err = x->backend->attach(x->backend->arg, domid, (uint64_t)gfn, port,
                             &d->intf, &d->port);
    if (err)
        return err == ENOMEM ? ENOMEM : EIO;
    d->conn = ring_conn_new(x, d);
    if (!d->conn) {
        x->backend->detach(x->backend->arg, domid, d->intf, d->port);
        d->intf = NULL;
        return ENOMEM;
    }
    d->introduced = true;
    d->shutdown_reported = false;
    d->intf->server_features = d->features;
    if (d->intf->connection == XENSTORE_RECONNECT) {
        d->intf->connection = XENSTORE_CONNECTED;
        x->backend->notify(x->backend->arg, d->port);
    }
    watch_fire_special(x, "@introduceDomain", domid);
    return reply_ok(r);
}

int op_release(struct req *r)
{
    struct domain *d;
    int err = connected_domain(r, req_onearg(r), &d);

    if (err)
        return err;
    domain_release(r->c->xsd, d);
    return reply_ok(r);
}

int op_resume(struct req *r)
{
    struct domain *d;
    int err = connected_domain(r, req_onearg(r), &d);

    if (err)
        return err;
    d->shutdown_reported = false;
    return reply_ok(r);
}

int op_set_target(struct req *r)
{
    const char *v[2];
    struct domain *d, *t;
    int err;

    if (req_strings(r, v, 2) < 2)
        return EINVAL;
    err = connected_domain(r, v[0], &d);
    if (!err)
        err = connected_domain(r, v[1], &t);
    if (err)
        return err;
    d->conn->who.target = t->domid;
    return reply_ok(r);
}

int op_get_domain_path(struct req *r)
{
    uint32_t domid;
    char path[32];
    int err = parse_domid(req_onearg(r), &domid);

    if (err)
        return err;
    path_home(domid, path, sizeof(path));
    return reply_str(r, path);
}

int op_is_domain_introduced(struct req *r)
{
    struct domain *d;
    uint32_t domid;
    int err = parse_domid(req_onearg(r), &domid);

    if (err)
        return err;
    d = xsd_domain(r->c->xsd, domid, false);
    return reply_str(r, domid == 0 || domid == DOMID_SELF ||
                        (d && d->introduced) ? "T" : "F");
}

int op_get_feature(struct req *r)
{
    const char *v[1];
    unsigned n = req_strings(r, v, 1);
    struct domain *d;
    uint32_t domid, features;
    char buf[16];
    int err;

    if (n == 0) {
        features = r->c->dom ? r->c->dom->features : XSD_FEATURES;
    } else {
        if (!r->c->who.privileged)
            return EACCES;
        if (n > 1)
            return EINVAL;
        err = parse_domid(v[0], &domid);
        if (err)
            return err;
        d = xsd_domain(r->c->xsd, domid, true);
        if (!d)
            return ENOMEM;
        features = d->features;
    }
    snprintf(buf, sizeof(buf), "%u", features);
    return reply_str(r, buf);
}

int op_set_feature(struct req *r)
{
    const char *v[2];
    struct domain *d;
    uint32_t domid;
    unsigned long features;
    int err;

    if (req_strings(r, v, 2) != 2)
        return EINVAL;
    err = parse_domid(v[0], &domid);
    if (!err)
        err = parse_uint(v[1], 0xffffffffu, &features);
    if (err)
        return err;
    if (features & ~(unsigned long)XSD_FEATURES)
        return EINVAL;
    d = xsd_domain(r->c->xsd, domid, true);
    if (!d)
        return ENOMEM;
    if (d->introduced)
        return EBUSY;
    d->features = features;
    return reply_ok(r);
}

/* Where the named quota of domid ("" = the defaults) lives. */
static int quota_slot(struct req *r, const char *dom, const char *name,
                      unsigned **slot)
{
    struct domain *d;
    uint32_t domid;
    int q = quota_lookup(name), err;

    if (q < 0)
        return EINVAL;
    if (!dom) {
        *slot = &r->c->xsd->quota[q];
        return 0;
    }
    err = parse_domid(dom, &domid);
    if (err)
        return err;
    d = xsd_domain(r->c->xsd, domid, true);
    if (!d)
        return ENOMEM;
    *slot = &d->quota[q];
    return 0;
}

int op_get_quota(struct req *r)
{
    const char *v[2];
    unsigned n = req_strings(r, v, 2), *slot;
    char buf[256];
    size_t len = 0;
    int q, err;

    if (n > 2)
        return EINVAL;
    if (n == 0) {
        for (q = 0; q < Q_COUNT; q++)
            len += snprintf(buf + len, sizeof(buf) - len, "%s%s",
                            q ? " " : "", quota_name[q]);
        return reply_str(r, buf);
    }
    err = quota_slot(r, n == 2 ? v[0] : NULL, v[n - 1], &slot);
    if (err)
        return err;
    snprintf(buf, sizeof(buf), "%u", *slot);
    return reply_str(r, buf);
}

int op_set_quota(struct req *r)
{
    const char *v[3];
    unsigned n = req_strings(r, v, 3), *slot;
    unsigned long val;
    int err;

    if (n < 2 || n > 3)
        return EINVAL;
    err = parse_uint(v[n - 1], 0xffffffffu, &val);
    if (!err && val == 0)
        err = EINVAL;
    if (!err)
        err = quota_slot(r, n == 3 ? v[0] : NULL, v[n - 2], &slot);
    if (err)
        return err;
    *slot = val;
    return reply_ok(r);
}
