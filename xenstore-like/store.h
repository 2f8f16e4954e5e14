/*
 * The node store: a flat map from canonical path to node, where each node
 * also lists its children's leaf names.  Changes go through a view, which
 * is either the live store or a transaction's private overlay on it.
 */
#ifndef XSD_STORE_H
#define XSD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XS_PERM_NONE  0u
#define XS_PERM_READ  1u
#define XS_PERM_WRITE 2u
#define XS_PERM_BOTH  (XS_PERM_READ | XS_PERM_WRITE)
#define XS_PERM_OWNER 4u    /* internal: the caller may change perms */

struct xs_perm {
    uint32_t domid;
    uint32_t perm;          /* XS_PERM_NONE/READ/WRITE/BOTH */
};

struct node {
    char *path;
    char *value;
    uint32_t vlen;
    struct xs_perm *perms;  /* perms[0].domid is the owner */
    uint32_t nperms;
    char *children;         /* leaf names, each NUL-terminated */
    uint32_t childlen;
    uint64_t gen;           /* store generation of the last change */
    bool tombstone;         /* overlay only: deleted in this transaction */
    struct node *hnext;
};

struct nodemap {
    struct node **buckets;
    size_t nbuckets;
    size_t count;
};

struct node *nodemap_get(const struct nodemap *m, const char *path);
/* Inserts n, replacing and returning any node with the same path. */
int nodemap_put(struct nodemap *m, struct node *n, struct node **old);
/* Grows the table so that up to count nodes fit without allocating. */
int nodemap_reserve(struct nodemap *m, size_t count);
struct node *nodemap_take(struct nodemap *m, const char *path);
/* Removes and returns some node, NULL when empty. */
struct node *nodemap_pop(struct nodemap *m);
void nodemap_clear(struct nodemap *m);

struct node *node_new(const char *path);
struct node *node_dup(const struct node *n);
void node_free(struct node *n);
int node_set_value(struct node *n, const void *data, uint32_t len);
int node_set_perms(struct node *n, const struct xs_perm *p, uint32_t count);
int node_add_child(struct node *n, const char *leaf);
void node_del_child(struct node *n, const char *leaf);
uint32_t node_owner(const struct node *n);

/* Called whenever a live node appears (+1) or disappears (-1) for owner. */
typedef void owner_hook_fn(void *arg, uint32_t owner, int delta);

struct store {
    struct nodemap map;
    uint64_t generation;
    owner_hook_fn *owner_hook;
    void *hook_arg;
};

struct txn_event {
    char *path;
    int match;              /* enum watch_match */
};

struct txn {
    uint32_t id;
    struct nodemap overlay; /* new versions and tombstones */
    struct nodemap access;  /* path -> generation seen (0 = absent) */
    struct txn_event *events;
    size_t nevents, cap;
    int nodes_delta;        /* nodes created minus removed for our domain */
    bool failed;            /* out of memory: commit must fail */
    struct txn *next;
};

struct view {
    struct store *st;
    struct txn *tx;         /* NULL: the live store */
};

int store_init(struct store *st, owner_hook_fn *hook, void *arg);
void store_destroy(struct store *st);

const struct node *view_get(struct view *v, const char *path);
/* Stores n (taking ownership) as the new version of n->path. */
int view_put(struct view *v, struct node *n);
void view_del(struct view *v, const char *path);

void txn_free(struct txn *tx);
int txn_queue_event(struct txn *tx, const char *path, int match);
/* Applies tx to the live store, or returns EAGAIN/ENOMEM changing nothing. */
int txn_commit(struct store *st, struct txn *tx);

#endif
