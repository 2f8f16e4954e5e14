/*
 * The live store, views on it, and transaction overlays.
 *
 * A transaction never touches the live map: its writes go to an overlay
 * (new node versions and tombstones) and every path it looks at is
 * remembered with the generation it had.  Commit succeeds only if none
 * of those paths changed since, so conflicts are per node, not global.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

static void owner_change(struct store *st, const struct node *old,
                         const struct node *new)
{
    if (!st->owner_hook)
        return;
    if (old)
        st->owner_hook(st->hook_arg, node_owner(old), -1);
    if (new)
        st->owner_hook(st->hook_arg, node_owner(new), +1);
}

int store_init(struct store *st, owner_hook_fn *hook, void *arg)
{
    struct xs_perm root_perm = { 0, XS_PERM_NONE };
    struct node *root = node_new("/"), *old;

    memset(st, 0, sizeof(*st));
    if (!root || node_set_perms(root, &root_perm, 1) ||
        nodemap_put(&st->map, root, &old)) {
        node_free(root);
        return ENOMEM;
    }
    root->gen = ++st->generation;
    st->owner_hook = hook;
    st->hook_arg = arg;
    owner_change(st, NULL, root);
    return 0;
}

void store_destroy(struct store *st)
{
    nodemap_clear(&st->map);
}

/* Remembers what the live store holds at path, the first time we look. */
static void txn_note_access(struct store *st, struct txn *tx, const char *path)
{
    const struct node *live;
    struct node *rec, *old;

    if (nodemap_get(&tx->access, path))
        return;
    rec = node_new(path);
    if (!rec || nodemap_put(&tx->access, rec, &old)) {
        node_free(rec);
        tx->failed = true;
        return;
    }
    live = nodemap_get(&st->map, path);
    rec->gen = live ? live->gen : 0;
}

const struct node *view_get(struct view *v, const char *path)
{
    const struct node *n;

    if (!v->tx)
        return nodemap_get(&v->st->map, path);
    txn_note_access(v->st, v->tx, path);
    n = nodemap_get(&v->tx->overlay, path);
    if (n)
        return n->tombstone ? NULL : n;
    return nodemap_get(&v->st->map, path);
}

int view_put(struct view *v, struct node *n)
{
    struct node *old;
    int err;

    n->tombstone = false;
    if (v->tx) {
        txn_note_access(v->st, v->tx, n->path);
        err = nodemap_put(&v->tx->overlay, n, &old);
    } else {
        n->gen = ++v->st->generation;
        err = nodemap_put(&v->st->map, n, &old);
        if (!err)
            owner_change(v->st, old, n);
    }
    if (err)
        return err;
    node_free(old);
    return 0;
}

void view_del(struct view *v, const char *path)
{
    struct node *old, *tomb;

    if (!v->tx) {
        old = nodemap_take(&v->st->map, path);
        if (old) {
            v->st->generation++;
            owner_change(v->st, old, NULL);
            node_free(old);
        }
        return;
    }
    txn_note_access(v->st, v->tx, path);
    tomb = node_new(path);
    if (!tomb || nodemap_put(&v->tx->overlay, tomb, &old)) {
        node_free(tomb);
        v->tx->failed = true;
        return;
    }
    tomb->tombstone = true;
    node_free(old);
}

void txn_free(struct txn *tx)
{
    size_t i;

    if (!tx)
        return;
    nodemap_clear(&tx->overlay);
    nodemap_clear(&tx->access);
    for (i = 0; i < tx->nevents; i++)
        free(tx->events[i].path);
    free(tx->events);
    free(tx);
}

int txn_queue_event(struct txn *tx, const char *path, int match)
{
    char *p;

    if (tx->nevents == tx->cap) {
        size_t cap = tx->cap ? tx->cap * 2 : 8;
        struct txn_event *e = realloc(tx->events, cap * sizeof(*e));

        if (!e)
            goto fail;
        tx->events = e;
        tx->cap = cap;
    }
    p = strdup(path);
    if (!p)
        goto fail;
    tx->events[tx->nevents].path = p;
    tx->events[tx->nevents++].match = match;
    return 0;
fail:
    tx->failed = true;
    return ENOMEM;
}

static bool txn_conflicts(const struct store *st, struct txn *tx)
{
    size_t i;

    for (i = 0; i < tx->access.nbuckets; i++) {
        const struct node *rec;

        for (rec = tx->access.buckets[i]; rec; rec = rec->hnext) {
            const struct node *live = nodemap_get(&st->map, rec->path);

            if ((live ? live->gen : 0) != rec->gen)
                return true;
        }
    }
    return false;
}

int txn_commit(struct store *st, struct txn *tx)
{
    struct node *n, *old;

    if (tx->failed)
        return ENOMEM;
    if (txn_conflicts(st, tx))
        return EAGAIN;
    /* Make room first so that applying the overlay cannot fail halfway. */
    if (nodemap_reserve(&st->map, st->map.count + tx->overlay.count))
        return ENOMEM;
    while ((n = nodemap_pop(&tx->overlay))) {
        if (n->tombstone) {
            old = nodemap_take(&st->map, n->path);
            if (old)
                owner_change(st, old, NULL);
            node_free(old);
            node_free(n);
            st->generation++;
            continue;
        }
        n->gen = ++st->generation;
        nodemap_put(&st->map, n, &old);
        owner_change(st, old, n);
        node_free(old);
    }
    return 0;
}
