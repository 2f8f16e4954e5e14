/* Daemon-wide state: the store, the domain table and per-caller limits. */
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

#define XSD_FEATURES (XENSTORE_SERVER_FEATURE_RECONNECTION | \
                      XENSTORE_SERVER_FEATURE_ERROR | \
                      XENSTORE_SERVER_FEATURE_WATCHDEPTH)

struct domain *xsd_domain(struct xsd *x, uint32_t domid, bool create)
{
    struct domain *d;

    for (d = x->domains; d; d = d->next)
        if (d->domid == domid)
            return d;
    if (!create)
        return NULL;
    d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->domid = domid;
    memcpy(d->quota, x->quota, sizeof(d->quota));
    d->features = XSD_FEATURES;
    d->next = x->domains;
    x->domains = d;
    return d;
}

unsigned xsd_limit(const struct conn *c, enum quota_item q)
{
    if (c->who.privileged)
        return 0;
    return c->dom ? c->dom->quota[q] : c->xsd->quota[q];
}

void xsd_reap(struct xsd *x)
{
    struct conn *c, *next;

    for (c = x->conns; c; c = next) {
        next = c->next;
        if (c->dead)
            conn_destroy(c);
    }
}

static void count_owner(void *arg, uint32_t owner, int delta)
{
    struct domain *d = xsd_domain(arg, owner, true);

    if (d)
        d->nodes += delta;
}

int xsd_init(struct xsd *x, const struct ring_backend *backend)
{
    memset(x, 0, sizeof(*x));
    memcpy(x->quota, quota_default, sizeof(x->quota));
    x->backend = backend;
    x->intro_perms[0] = (struct xs_perm){ 0, XS_PERM_NONE };
    x->release_perms[0] = (struct xs_perm){ 0, XS_PERM_NONE };
    x->n_intro_perms = x->n_release_perms = 1;
    return store_init(&x->store, count_owner, x);
}

void xsd_fini(struct xsd *x)
{
    struct domain *d;

    while (x->conns)
        conn_destroy(x->conns);
    /* Releasing may account nodes to (new) domains: free those last. */
    for (d = x->domains; d; d = d->next)
        if (d->introduced)
            domain_release(x, d);
    while ((d = x->domains)) {
        x->domains = d->next;
        free(d);
    }
    store_destroy(&x->store);
}
