/* WATCH, UNWATCH, RESET_WATCHES and delivering WATCH_EVENTs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

static void watch_free(struct watch *w)
{
    free(w->path);
    free(w->token);
    free(w);
}

void watch_free_all(struct conn *c)
{
    struct watch *w;

    while ((w = c->watches)) {
        c->watches = w->next;
        watch_free(w);
    }
    c->nwatches = 0;
}

/*
 * Queues one event; false once c has failed.  A send past CONN_OUT_LIMIT
 * fails the connection, which frees its watches (w included): callers
 * must stop walking c's watches then.
 */
static bool send_event(struct conn *c, const struct watch *w, const char *path)
{
    size_t plen, tlen;
    char *buf;

    if (c->dead || c->stalled)
        return false;
    tlen = strlen(w->token) + 1;
    if (strlen(path) >= w->strip)
        path += w->strip;
    plen = strlen(path) + 1;
    buf = malloc(plen + tlen);
    if (!buf)
        return true;
    memcpy(buf, path, plen);
    memcpy(buf + plen, w->token, tlen);
    conn_send(c, XS_WATCH_EVENT, 0, 0, buf, plen + tlen);
    free(buf);
    return !c->dead && !c->stalled;
}

/* Whether c may learn that path changed: it can read it or its parent. */
static bool may_see(struct xsd *x, const struct conn *c, const char *path,
                    const struct xs_perm *old, uint32_t nold)
{
    struct view live = { &x->store, NULL };
    const struct node *n;
    char *parent;
    bool ok;

    if (c->who.privileged)
        return true;
    if (old && (perm_for(&c->who, old, nold) & XS_PERM_READ))
        return true;
    n = view_get(&live, path);
    if (n)
        return perm_for(&c->who, n->perms, n->nperms) & XS_PERM_READ;
    parent = path_parent(path);
    n = parent ? view_get(&live, parent) : NULL;
    ok = n && (perm_for(&c->who, n->perms, n->nperms) & XS_PERM_READ);
    free(parent);
    return ok;
}

void watch_fire(struct xsd *x, const char *path, enum watch_match m,
                const struct xs_perm *old, uint32_t nold)
{
    struct conn *c;
    struct watch *w;

    for (c = x->conns; c; c = c->next) {
        if (c->dead || c->stalled || !c->watches ||
            !may_see(x, c, path, old, nold))
            continue;
        for (w = c->watches; w; w = w->next) {
            bool hit = m == MATCH_EXACT ? !strcmp(path, w->path)
                                        : path_is_child(path, w->path, w->depth);
            if (hit && !send_event(c, w, path))
                break;
        }
    }
}

void watch_event(struct xsd *x, struct txn *tx, const char *path,
                 enum watch_match m)
{
    if (tx)
        txn_queue_event(tx, path, m);
    else
        watch_fire(x, path, m, NULL, 0);
}

void watch_fire_special(struct xsd *x, const char *name, uint32_t domid)
{
    bool intro = !strcmp(name, "@introduceDomain");
    const struct xs_perm *p = intro ? x->intro_perms : x->release_perms;
    uint32_t n = intro ? x->n_intro_perms : x->n_release_perms;
    char withdom[40];
    struct conn *c;
    struct watch *w;

    snprintf(withdom, sizeof(withdom), "%s/%u", name, domid);
    for (c = x->conns; c; c = c->next) {
        if (c->dead || c->stalled ||
            !(perm_for(&c->who, p, n) & XS_PERM_READ))
            continue;
        for (w = c->watches; w; w = w->next) {
            bool sent = true;

            if (!strcmp(w->path, name) && w->depth < 0)
                sent = send_event(c, w, name);
            else if (!strcmp(w->path, withdom) ||
                     (w->depth > 0 && !strcmp(w->path, name)))
                sent = send_event(c, w, withdom);
            if (!sent)
                break;
        }
    }
}

static bool feature_on(const struct conn *c, uint32_t f)
{
    return !c->dom || (c->dom->features & f);
}

int op_watch(struct req *r)
{
    const char *v[3];
    unsigned n = req_strings(r, v, 3);
    unsigned limit = xsd_limit(r->c, Q_WATCHES);
    struct watch *w, **pp;
    char *path, *end, home[32];
    long depth = -1;
    int err;

    if (n == 3 && feature_on(r->c, XENSTORE_SERVER_FEATURE_WATCHDEPTH)) {
        errno = 0;
        depth = strtol(v[2], &end, 10);
        if (errno || *end || !*v[2] || depth < 0 || depth > 0xffff)
            return EINVAL;
    } else if (n != 2) {
        return EINVAL;
    }
    err = req_path(r, v[0], true, &path);
    if (err)
        return err;
    for (w = r->c->watches; w; w = w->next) {
        if (!strcmp(w->path, path) && !strcmp(w->token, v[1])) {
            free(path);
            return EEXIST;
        }
    }
    if (limit && r->c->nwatches >= limit) {
        free(path);
        return ENOSPC;
    }
    w = calloc(1, sizeof(*w));
    if (!w || !(w->token = strdup(v[1]))) {
        free(w);
        free(path);
        return ENOMEM;
    }
    w->path = path;
    w->depth = depth;
    if (v[0][0] != '/' && v[0][0] != '@')
        w->strip = path_home(r->c->who.domid, home, sizeof(home)) + 1;
    /* Appended: events go out in the order watches were set. */
    for (pp = &r->c->watches; *pp; pp = &(*pp)->next)
        ;
    *pp = w;
    r->c->nwatches++;
    reply_ok(r);
    /* Every new watch fires once, so clients need no separate read (not
     * if the reply failed the connection: w is gone with its watches). */
    send_event(r->c, w, w->path);
    return 0;
}

int op_unwatch(struct req *r)
{
    const char *v[2];
    struct watch **pp, *w;
    char *path;
    int err;

    if (req_strings(r, v, 2) < 2)
        return EINVAL;
    err = req_path(r, v[0], true, &path);
    if (err)
        return err;
    for (pp = &r->c->watches; (w = *pp); pp = &w->next) {
        if (!strcmp(w->path, path) && !strcmp(w->token, v[1])) {
            *pp = w->next;
            watch_free(w);
            r->c->nwatches--;
            free(path);
            return reply_ok(r);
        }
    }
    free(path);
    return ENOENT;
}

int op_reset_watches(struct req *r)
{
    watch_free_all(r->c);
    txn_free_all(r->c);
    return reply_ok(r);
}
