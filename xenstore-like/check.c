/*
 * Consistency check of the live store (CONTROL check, and the tests):
 * every node but the root is listed by its parent, every listed child
 * exists, and the per-owner node counts match.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

static bool lists_child(const struct node *parent, const char *leaf)
{
    uint32_t off;

    for (off = 0; off < parent->childlen;
         off += strlen(parent->children + off) + 1)
        if (!strcmp(parent->children + off, leaf))
            return true;
    return false;
}

static bool children_exist(const struct nodemap *m, const struct node *n)
{
    uint32_t off;
    char path[XENSTORE_ABS_PATH_MAX + 2];

    if (n->childlen && n->children[n->childlen - 1] != '\0')
        return false;
    for (off = 0; off < n->childlen; off += strlen(n->children + off) + 1) {
        snprintf(path, sizeof(path), "%s/%s",
                 strcmp(n->path, "/") ? n->path : "", n->children + off);
        if (!nodemap_get(m, path))
            return false;
    }
    return true;
}

int store_check(struct xsd *x)
{
    const struct nodemap *m = &x->store.map;
    struct domain *d;
    size_t i;

    for (d = x->domains; d; d = d->next) {
        unsigned owned = 0;

        for (i = 0; i < m->nbuckets; i++) {
            const struct node *n;

            for (n = m->buckets[i]; n; n = n->hnext)
                owned += node_owner(n) == d->domid;
        }
        if (owned != d->nodes)
            return EIO;
    }
    for (i = 0; i < m->nbuckets; i++) {
        const struct node *n;

        for (n = m->buckets[i]; n; n = n->hnext) {
            char *pname = path_parent(n->path);
            const struct node *p = pname ? nodemap_get(m, pname) : NULL;
            bool ok = !strcmp(n->path, "/") ||
                      (p && lists_child(p, path_leaf(n->path)));

            free(pname);
            if (!ok || !n->nperms || !children_exist(m, n))
                return EIO;
        }
    }
    return nodemap_get(m, "/") ? 0 : EIO;
}
