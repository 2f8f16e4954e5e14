/*
 * CONTROL (formerly DEBUG): implementation-defined commands for the
 * control domain.  Supported: help, check, print, quota.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

static int ctl_quota(struct req *r, const char *const *args, unsigned n)
{
    char buf[512];
    size_t len = 0;
    struct domain *d;
    uint32_t domid;
    char *end;
    int q;

    if (n == 0) {
        for (q = 0; q < Q_COUNT; q++)
            len += snprintf(buf + len, sizeof(buf) - len, "%-18s %u\n",
                            quota_name[q], r->c->xsd->quota[q]);
        return reply_str(r, buf);
    }
    domid = strtoul(args[0], &end, 10);
    if (n != 1 || *end || !*args[0] || domid > 0xffff)
        return EINVAL;
    d = xsd_domain(r->c->xsd, domid, false);
    if (!d)
        return ENOENT;
    snprintf(buf, sizeof(buf), "nodes %u/%u introduced %s\n", d->nodes,
             d->quota[Q_NODES], d->introduced ? "yes" : "no");
    return reply_str(r, buf);
}

int op_control(struct req *r)
{
    const char *v[4];
    unsigned n = req_strings(r, v, 4);

    if (n == 0)
        return EINVAL;
    if (!strcmp(v[0], "help") && n == 1)
        return reply_str(r, "help\ncheck\nprint <string>\nquota [<domid>]\n");
    if (!strcmp(v[0], "check") && n == 1)
        return store_check(r->c->xsd) ? EIO : reply_ok(r);
    if (!strcmp(v[0], "print") && n == 2) {
        fprintf(stderr, "heron-xenstored: %s\n", v[1]);
        return reply_ok(r);
    }
    if (!strcmp(v[0], "quota") && n <= 2)
        return ctl_quota(r, v + 1, n - 1);
    return EINVAL;
}
