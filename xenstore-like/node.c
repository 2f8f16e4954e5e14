/* Nodes and the path-keyed node map. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

static size_t path_hash(const char *s)
{
    size_t h = 1469598103934665603ull;   /* FNV-1a */

    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

struct node *nodemap_get(const struct nodemap *m, const char *path)
{
    struct node *n;

    if (!m->nbuckets)
        return NULL;
    for (n = m->buckets[path_hash(path) & (m->nbuckets - 1)]; n; n = n->hnext)
        if (!strcmp(n->path, path))
            return n;
    return NULL;
}

static int nodemap_grow(struct nodemap *m)
{
    size_t nb = m->nbuckets ? m->nbuckets * 2 : 64, i;
    struct node **b = calloc(nb, sizeof(*b));

    if (!b)
        return ENOMEM;
    for (i = 0; i < m->nbuckets; i++) {
        struct node *n = m->buckets[i], *next;

        for (; n; n = next) {
            size_t slot = path_hash(n->path) & (nb - 1);

            next = n->hnext;
            n->hnext = b[slot];
            b[slot] = n;
        }
    }
    free(m->buckets);
    m->buckets = b;
    m->nbuckets = nb;
    return 0;
}

int nodemap_reserve(struct nodemap *m, size_t count)
{
    while (m->nbuckets <= count)
        if (nodemap_grow(m))
            return ENOMEM;
    return 0;
}

int nodemap_put(struct nodemap *m, struct node *n, struct node **old)
{
    struct node **pp;

    *old = NULL;
    if (m->count >= m->nbuckets && nodemap_grow(m))
        return ENOMEM;
    for (pp = &m->buckets[path_hash(n->path) & (m->nbuckets - 1)]; *pp;
         pp = &(*pp)->hnext) {
        if (!strcmp((*pp)->path, n->path)) {
            *old = *pp;
            n->hnext = (*pp)->hnext;
            *pp = n;
            return 0;
        }
    }
    n->hnext = NULL;
    *pp = n;
    m->count++;
    return 0;
}

struct node *nodemap_take(struct nodemap *m, const char *path)
{
    struct node **pp, *n;

    if (!m->nbuckets)
        return NULL;
    for (pp = &m->buckets[path_hash(path) & (m->nbuckets - 1)]; *pp;
         pp = &(*pp)->hnext) {
        if (!strcmp((*pp)->path, path)) {
            n = *pp;
            *pp = n->hnext;
            m->count--;
            return n;
        }
    }
    return NULL;
}

struct node *nodemap_pop(struct nodemap *m)
{
    size_t i;

    for (i = 0; m->count && i < m->nbuckets; i++) {
        struct node *n = m->buckets[i];

        if (n) {
            m->buckets[i] = n->hnext;
            m->count--;
            return n;
        }
    }
    return NULL;
}

void nodemap_clear(struct nodemap *m)
{
    struct node *n;

    while ((n = nodemap_pop(m)))
        node_free(n);
    free(m->buckets);
    m->buckets = NULL;
    m->nbuckets = 0;
}

struct node *node_new(const char *path)
{
    struct node *n = calloc(1, sizeof(*n));

    if (!n)
        return NULL;
    n->path = strdup(path);
    if (!n->path) {
        free(n);
        return NULL;
    }
    return n;
}

void node_free(struct node *n)
{
    if (!n)
        return;
    free(n->path);
    free(n->value);
    free(n->perms);
    free(n->children);
    free(n);
}

static void *dup_bytes(const void *p, size_t len, bool *fail)
{
    void *q;

    if (!len)
        return NULL;
    q = malloc(len);
    if (!q)
        *fail = true;
    else
        memcpy(q, p, len);
    return q;
}

struct node *node_dup(const struct node *n)
{
    struct node *d = node_new(n->path);
    bool fail = false;

    if (!d)
        return NULL;
    d->value = dup_bytes(n->value, n->vlen, &fail);
    d->vlen = n->vlen;
    d->perms = dup_bytes(n->perms, n->nperms * sizeof(*n->perms), &fail);
    d->nperms = n->nperms;
    d->children = dup_bytes(n->children, n->childlen, &fail);
    d->childlen = n->childlen;
    d->gen = n->gen;
    d->tombstone = n->tombstone;
    if (fail) {
        node_free(d);
        return NULL;
    }
    return d;
}

int node_set_value(struct node *n, const void *data, uint32_t len)
{
    bool fail = false;
    char *v = dup_bytes(data, len, &fail);

    if (fail)
        return ENOMEM;
    free(n->value);
    n->value = v;
    n->vlen = len;
    return 0;
}

int node_set_perms(struct node *n, const struct xs_perm *p, uint32_t count)
{
    bool fail = false;
    struct xs_perm *np = dup_bytes(p, count * sizeof(*p), &fail);

    if (fail)
        return ENOMEM;
    free(n->perms);
    n->perms = np;
    n->nperms = count;
    return 0;
}

int node_add_child(struct node *n, const char *leaf)
{
    size_t len = strlen(leaf) + 1;
    char *c = realloc(n->children, n->childlen + len);

    if (!c)
        return ENOMEM;
    memcpy(c + n->childlen, leaf, len);
    n->children = c;
    n->childlen += len;
    return 0;
}

void node_del_child(struct node *n, const char *leaf)
{
    uint32_t off = 0;

    while (off < n->childlen) {
        size_t len = strlen(n->children + off) + 1;

        if (!strcmp(n->children + off, leaf)) {
            memmove(n->children + off, n->children + off + len,
                    n->childlen - off - len);
            n->childlen -= len;
            return;
        }
        off += len;
    }
}

uint32_t node_owner(const struct node *n)
{
    return n->nperms ? n->perms[0].domid : 0;
}
