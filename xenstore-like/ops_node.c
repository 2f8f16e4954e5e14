/* READ, WRITE, MKDIR, RM, DIRECTORY, DIRECTORY_PART, GET/SET_PERMS. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

/*
 * Finds path with the access perm.  A missing node reads as ENOENT only
 * to callers who would have had that access to its nearest ancestor, so
 * that an unreadable tree does not reveal what it holds.
 */
static int get_node(struct req *r, const char *path, unsigned perm,
                    const struct node **out)
{
    const struct node *n = view_get(&r->view, path);
    char *p, *up;

    *out = n;
    if (n)
        return (perm_for(&r->c->who, n->perms, n->nperms) & perm) == perm
               ? 0 : EACCES;
    p = strdup(path);
    while (p && strcmp(p, "/")) {
        up = path_parent(p);
        free(p);
        p = up;
        if (p && (n = view_get(&r->view, p)))
            break;
    }
    free(p);
    if (!p)
        return ENOMEM;
    return n && (perm_for(&r->c->who, n->perms, n->nperms) & perm) == perm
           ? ENOENT : EACCES;
}

/* Room for extra new entries, so a multi-node change cannot half-fail. */
static int view_reserve(struct view *v, size_t extra)
{
    if (!v->tx)
        return nodemap_reserve(&v->st->map, v->st->map.count + extra);
    if (nodemap_reserve(&v->tx->overlay, v->tx->overlay.count + extra) ||
        nodemap_reserve(&v->tx->access, v->tx->access.count + extra))
        return ENOMEM;
    return 0;
}

static void free_chain(struct node **v, size_t n)
{
    while (n)
        node_free(v[--n]);
    free(v);
}

/*
 * Creates path and its missing ancestors (empty, perms inherited, owned by
 * an unprivileged creator), then stores value in the last one.
 */
static int create_node(struct req *r, const char *path, const char *value,
                       uint32_t vlen)
{
    const struct node *anc = NULL;
    struct node **chain = NULL, *top = NULL;
    size_t n = 0, i;
    unsigned limit = xsd_limit(r->c, Q_NODES);
    char *p = strdup(path), *up;
    int err = ENOMEM;

    /* chain[0] is path itself, chain[n-1] the child of the ancestor. */
    while (p && !anc) {
        struct node **grown = realloc(chain, (n + 1) * sizeof(*chain));

        if (!grown || !(grown[n] = node_new(p))) {
            chain = grown ? grown : chain;
            break;
        }
        chain = grown;
        n++;
        up = path_parent(p);
        free(p);
        p = up;
        if (p)
            anc = view_get(&r->view, p);
    }
    free(p);
    if (!anc)
        goto out;
    if (limit && r->c->dom &&
        r->c->dom->nodes + (r->tx ? r->tx->nodes_delta : 0) + n > limit) {
        err = ENOSPC;
        goto out;
    }
    top = node_dup(anc);
    if (!top || node_add_child(top, path_leaf(chain[n - 1]->path)))
        goto out;
    for (i = n; i-- > 0;) {
        const struct node *parent = i + 1 < n ? chain[i + 1] : top;

        if (node_set_perms(chain[i], parent->perms, parent->nperms))
            goto out;
        if (!r->c->who.privileged)
            chain[i]->perms[0].domid = r->c->who.domid;
        if (i > 0 && node_add_child(chain[i], path_leaf(chain[i - 1]->path)))
            goto out;
    }
    if (node_set_value(chain[0], value, vlen) || view_reserve(&r->view, n + 1))
        goto out;
    view_put(&r->view, top);
    for (i = 0; i < n; i++)
        view_put(&r->view, chain[i]);
    if (r->tx)
        r->tx->nodes_delta += n;
    free(chain);
    return 0;
out:
    node_free(top);
    free_chain(chain, n);
    return err;
}

int op_read(struct req *r)
{
    const struct node *n;
    char *path;
    int err = req_path(r, req_onearg(r), false, &path);

    if (!err)
        err = get_node(r, path, XS_PERM_READ, &n);
    free(path);
    return err ? err : reply(r, n->value, n->vlen);
}

int op_write(struct req *r)
{
    const struct node *n;
    struct node *copy;
    const char *v[1];
    const char *value;
    uint32_t vlen;
    unsigned limit = xsd_limit(r->c, Q_NODE_SIZE);
    char *path = NULL;
    int err;

    if (!req_strings(r, v, 1))
        return EINVAL;
    value = v[0] + strlen(v[0]) + 1;
    vlen = r->len - (value - r->data);
    err = req_path(r, v[0], false, &path);
    if (!err && limit && vlen > limit)
        err = ENOSPC;
    if (!err)
        err = get_node(r, path, XS_PERM_WRITE, &n);
    if (err == ENOENT) {
        err = create_node(r, path, value, vlen);
    } else if (!err) {
        copy = node_dup(n);
        err = ENOMEM;
        if (copy && !node_set_value(copy, value, vlen) &&
            !view_reserve(&r->view, 1)) {
            view_put(&r->view, copy);
            err = 0;
        } else {
            node_free(copy);
        }
    }
    if (!err)
        watch_event(r->c->xsd, r->tx, path, MATCH_SUBTREE);
    free(path);
    return err ? err : reply_ok(r);
}

int op_mkdir(struct req *r)
{
    const struct node *n;
    char *path;
    int err = req_path(r, req_onearg(r), false, &path);

    if (!err)
        err = get_node(r, path, XS_PERM_WRITE, &n);
    if (err == ENOENT) {
        err = create_node(r, path, NULL, 0);
        if (!err)
            watch_event(r->c->xsd, r->tx, path, MATCH_SUBTREE);
    }
    free(path);
    return err ? err : reply_ok(r);
}

struct pathlist {
    char **v;
    size_t n, cap;
};

static int pathlist_add(struct pathlist *l, const char *p)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->v, cap * sizeof(*v));

        if (!v)
            return ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(p)))
        return ENOMEM;
    l->n++;
    return 0;
}

static void pathlist_free(struct pathlist *l)
{
    while (l->n)
        free(l->v[--l->n]);
    free(l->v);
}

/* Lists path and everything below it, parents before children. */
static int collect_subtree(struct view *v, const char *path,
                           struct pathlist *out)
{
    size_t i;

    if (pathlist_add(out, path))
        return ENOMEM;
    for (i = out->n - 1; i < out->n; i++) {
        const struct node *n = view_get(v, out->v[i]);
        uint32_t off;

        for (off = 0; n && off < n->childlen;
             off += strlen(n->children + off) + 1) {
            const char *base = out->v[i];
            size_t len = strlen(base) + strlen(n->children + off) + 2;
            char *child = malloc(len);
            int err;

            if (!child)
                return ENOMEM;
            snprintf(child, len, "%s%s%s", strcmp(base, "/") ? base : "",
                     "/", n->children + off);
            err = pathlist_add(out, child);
            free(child);
            if (err)
                return err;
        }
    }
    return 0;
}

int tree_remove(struct xsd *x, struct view *v, uint32_t caller,
                const char *path)
{
    struct pathlist sub = { 0 };
    const struct node *parent;
    struct node *pcopy = NULL;
    char *pname = path_parent(path);
    int err = ENOMEM, mine = 0;
    size_t i;

    if (!pname)
        return ENOMEM;
    parent = view_get(v, pname);
    if (!parent) {
        err = EIO;
        goto out;
    }
    if (collect_subtree(v, path, &sub) ||
        !(pcopy = node_dup(parent)) || view_reserve(v, sub.n + 1))
        goto out;
    node_del_child(pcopy, path_leaf(path));
    for (i = 0; i < sub.n; i++) {
        const struct node *n = view_get(v, sub.v[i]);

        if (n && node_owner(n) == caller)
            mine++;
    }
    view_put(v, pcopy);
    pcopy = NULL;
    for (i = sub.n; i-- > 0;)
        view_del(v, sub.v[i]);
    if (v->tx)
        v->tx->nodes_delta -= mine;
    for (i = 0; i < sub.n; i++)
        watch_event(x, v->tx, sub.v[i], i ? MATCH_EXACT : MATCH_SUBTREE);
    err = 0;
out:
    node_free(pcopy);
    pathlist_free(&sub);
    free(pname);
    return err;
}

int op_rm(struct req *r)
{
    const struct node *n;
    char *path, *pname;
    int err = req_path(r, req_onearg(r), false, &path);

    if (!err)
        err = get_node(r, path, XS_PERM_WRITE, &n);
    if (err == ENOENT) {
        /* Already gone is fine, as long as the parent is there. */
        pname = path_parent(path);
        err = !pname ? ENOMEM : view_get(&r->view, pname) ? 0 : ENOENT;
        free(pname);
    } else if (!err) {
        err = !strcmp(path, "/") ? EINVAL
              : tree_remove(r->c->xsd, &r->view, r->c->who.domid, path);
    }
    free(path);
    return err ? err : reply_ok(r);
}

int op_directory(struct req *r)
{
    const struct node *n;
    char *path;
    int err = req_path(r, req_onearg(r), false, &path);

    if (!err)
        err = get_node(r, path, XS_PERM_READ, &n);
    free(path);
    return err ? err : reply(r, n->children, n->childlen);
}

/*
 * <gen>\0 then as many whole child names from byte offset on as fit; an
 * extra \0 marks the end of the list.
 */
int op_directory_part(struct req *r)
{
    const struct node *n;
    const char *v[2];
    char *path = NULL, *end, buf[XENSTORE_PAYLOAD_MAX];
    unsigned long off;
    size_t glen, len = 0;
    int err;

    if (req_strings(r, v, 2) != 2)
        return EINVAL;
    errno = 0;
    off = strtoul(v[1], &end, 10);
    if (errno || *end || v[1][0] < '0' || v[1][0] > '9')
        return EINVAL;
    err = req_path(r, v[0], false, &path);
    if (!err)
        err = get_node(r, path, XS_PERM_READ, &n);
    free(path);
    if (err)
        return err;
    glen = snprintf(buf, sizeof(buf), "%" PRIu64, n->gen) + 1;
    if (off < n->childlen && off && n->children[off - 1] != '\0')
        return EINVAL;
    while (off + len < n->childlen) {
        size_t l = strlen(n->children + off + len) + 1;

        if (glen + len + l + 1 > sizeof(buf))
            break;
        len += l;
    }
    if (len)
        memcpy(buf + glen, n->children + off, len);
    if (off + len >= n->childlen)
        buf[glen + len++] = '\0';
    return reply(r, buf, glen + len);
}

static bool special_perms(struct xsd *x, const char *path, struct xs_perm **p,
                          uint32_t **n)
{
    if (!strcmp(path, "@introduceDomain")) {
        *p = x->intro_perms;
        *n = &x->n_intro_perms;
        return true;
    }
    if (!strcmp(path, "@releaseDomain")) {
        *p = x->release_perms;
        *n = &x->n_release_perms;
        return true;
    }
    return false;
}

int op_get_perms(struct req *r)
{
    const struct node *node = NULL;
    const struct xs_perm *p = NULL;
    struct xs_perm *sp;
    uint32_t *sn, n = 0, i;
    char *path, buf[XENSTORE_PAYLOAD_MAX];
    size_t len = 0;
    int err = req_path(r, req_onearg(r), true, &path);

    if (err)
        return err;
    if (special_perms(r->c->xsd, path, &sp, &sn)) {
        p = sp;
        n = *sn;
        if (!(perm_for(&r->c->who, p, n) & XS_PERM_READ))
            err = EACCES;
    } else if (path[0] == '@') {
        err = ENOENT;
    } else {
        err = get_node(r, path, XS_PERM_READ, &node);
    }
    free(path);
    if (err)
        return err;
    if (node) {
        p = node->perms;
        n = node->nperms;
    }
    for (i = 0; i < n; i++)
        len += perm_format(&p[i], buf + len, sizeof(buf) - len) + 1;
    return reply(r, buf, len);
}

int op_set_perms(struct req *r)
{
    const char *v[1 + XENSTORE_PAYLOAD_MAX / 2];
    struct xs_perm perms[XENSTORE_PAYLOAD_MAX / 2], *sp;
    const struct node *node;
    struct node *copy = NULL, *prev = NULL;
    uint32_t *sn;
    unsigned n = req_strings(r, v, 1 + XENSTORE_PAYLOAD_MAX / 2), i;
    unsigned limit = xsd_limit(r->c, Q_PERMS);
    char *path;
    int err;

    if (n < 2)
        return EINVAL;
    n--;
    if (limit && n > limit)
        return ENOSPC;
    for (i = 0; i < n; i++)
        if (perm_parse(v[i + 1], &perms[i]))
            return EINVAL;
    err = req_path(r, v[0], true, &path);
    if (err)
        return err;
    if (special_perms(r->c->xsd, path, &sp, &sn)) {
        if (!(perm_for(&r->c->who, sp, *sn) & XS_PERM_OWNER))
            err = EACCES;
        else if (n > SPECIAL_PERMS_MAX)
            err = ENOSPC;
        else if (!r->c->who.privileged && perms[0].domid != sp[0].domid)
            err = EPERM;
        if (!err) {
            memcpy(sp, perms, n * sizeof(*perms));
            *sn = n;
        }
        free(path);
        return err ? err : reply_ok(r);
    }
    if (path[0] == '@')
        err = ENOENT;
    if (!err)
        err = get_node(r, path, XS_PERM_WRITE | XS_PERM_OWNER, &node);
    if (!err && !r->c->who.privileged && perms[0].domid != node_owner(node))
        err = EPERM;
    if (!err) {
        prev = node_dup(node);
        copy = node_dup(node);
        err = ENOMEM;
        if (prev && copy && !node_set_perms(copy, perms, n) &&
            !view_reserve(&r->view, 1)) {
            view_put(&r->view, copy);
            copy = NULL;
            err = 0;
        }
    }
    if (!err) {
        /* Watchers who just lost access still hear about it. */
        if (r->tx)
            watch_event(r->c->xsd, r->tx, path, MATCH_SUBTREE);
        else
            watch_fire(r->c->xsd, path, MATCH_SUBTREE, prev->perms,
                       prev->nperms);
    }
    node_free(copy);
    node_free(prev);
    free(path);
    return err ? err : reply_ok(r);
}
