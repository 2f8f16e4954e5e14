/* Ending a domain's session: its ring, its nodes, @releaseDomain. */
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

/* Some live node (not the root) that domid owns, or NULL. */
static const struct node *owned_node(struct xsd *x, uint32_t domid)
{
    const struct nodemap *m = &x->store.map;
    size_t i;

    for (i = 0; i < m->nbuckets; i++) {
        const struct node *n;

        for (n = m->buckets[i]; n; n = n->hnext)
            if (node_owner(n) == domid && strcmp(n->path, "/"))
                return n;
    }
    return NULL;
}

void domain_release(struct xsd *x, struct domain *d)
{
    struct view live = { &x->store, NULL };
    const struct node *n;
    struct conn *c = d->conn;

    if (c) {
        /* Its own watches must not hear about the cleanup below. */
        conn_reset(c);
        c->dead = true;
        c->dom = NULL;
        d->conn = NULL;
    }
    if (x->backend && d->intf)
        x->backend->detach(x->backend->arg, d->domid, d->intf, d->port);
    d->intf = NULL;
    d->port = 0;
    d->introduced = false;
    /* What a domain owned dies with it, subtrees included. */
    while ((n = owned_node(x, d->domid))) {
        char *path = strdup(n->path);

        if (!path || tree_remove(x, &live, 0, path)) {
            free(path);
            break;
        }
        free(path);
    }
    watch_fire_special(x, "@releaseDomain", d->domid);
}

void domain_service_all(struct xsd *x)
{
    struct conn *c;

    for (c = x->conns; c; c = c->next)
        if (c->fd < 0)
            conn_service(c);
}
