/* Generator of plausible, broken and hostile xenstore messages. */
#include <stdio.h>
#include <string.h>

#include "xs_chaos.h"

uint32_t chaos_next(struct chaos_rng *r)
{
    r->s ^= r->s << 13;     /* xorshift64 */
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (uint32_t)(r->s >> 16);
}

static const char *const paths[] = {
    "/", "/a", "/a/b", "/a/b/c", "/local/domain/5", "/local/domain/5/x",
    "/local/domain/6/y", "x", "x/y", "data/z", "/protected",
    "/protected/key", "@introduceDomain", "@releaseDomain",
    "@releaseDomain/5", "/bad//path", "/trailing/", "", "/a b", "rel",
};
static const char *const words[] = {
    "T", "F", "0", "1", "5", "6", "7", "65535", "70000", "-1", "n0", "r5",
    "b6", "w7", "nodes", "watches", "transactions", "node-size", "check",
    "help", "quota", "tok", "", "xyz", "9999999999999999999",
};

static const uint32_t common[] = {
    XS_READ, XS_WRITE, XS_WRITE, XS_MKDIR, XS_RM, XS_DIRECTORY, XS_WATCH,
    XS_UNWATCH, XS_TRANSACTION_START, XS_TRANSACTION_END, XS_GET_PERMS,
    XS_SET_PERMS, XS_DIRECTORY_PART,
};

#define PICK(r, a) ((a)[chaos_next(r) % (sizeof(a) / sizeof((a)[0]))])

static size_t add_str(char *buf, size_t len, size_t cap, const char *s)
{
    size_t l = strlen(s) + 1;

    if (len + l > cap)
        return len;
    memcpy(buf + len, s, l);
    return len + l;
}

size_t chaos_message(struct chaos_rng *r, char *buf, size_t cap,
                     uint32_t tx_hint)
{
    struct xsd_sockmsg h;
    size_t len = sizeof(h), i, n;
    uint32_t kind = chaos_next(r) % 100;

    if (kind < 3) {             /* pure garbage bytes */
        n = chaos_next(r) % 64;
        for (i = 0; i < n && i < cap; i++)
            buf[i] = (char)chaos_next(r);
        return i;
    }
    h.type = kind < 60 ? PICK(r, common)
             : chaos_next(r) % 8 ? chaos_next(r) % (XS_TYPE_COUNT + 2)
                                 : chaos_next(r);
    h.req_id = chaos_next(r);
    h.tx_id = chaos_next(r) % 4 ? 0 : chaos_next(r) % 2 ? tx_hint
                                                        : chaos_next(r) % 8;
    len = add_str(buf, len, cap, PICK(r, paths));
    n = chaos_next(r) % 4;
    for (i = 0; i < n; i++)
        len = add_str(buf, len, cap, PICK(r, words));
    if (chaos_next(r) % 10 == 0)        /* a value without its NUL */
        len -= len > sizeof(h) ? 1 : 0;
    if (chaos_next(r) % 20 == 0) {      /* a large value */
        n = chaos_next(r) % 3000;
        for (i = 0; i < n && len < cap; i++)
            buf[len++] = 'v';
    }
    h.len = len - sizeof(h);
    if (kind < 20) {            /* mutate */
        n = 1 + chaos_next(r) % 4;
        for (i = 0; i < n && len > sizeof(h); i++)
            buf[sizeof(h) + chaos_next(r) % (len - sizeof(h))] =
                (char)chaos_next(r);
        if (chaos_next(r) % 3 == 0)
            h.len = chaos_next(r) % 6 ? chaos_next(r) % (h.len + 8)
                                      : chaos_next(r);
    }
    memcpy(buf, &h, sizeof(h));
    return len;
}

void chaos_populate(struct xsd *x, struct conn *dom0)
{
    size_t len;
    const char *arg;

    (void)x;
    xt_write(dom0, 0, "/a/b/c", "abc");
    xt_write(dom0, 0, "/protected/key", "precious");
    xt_op1(dom0, XS_MKDIR, 0, "/local/domain/5");
    xt_op2(dom0, XS_SET_PERMS, 0, "/local/domain/5", "n5");
    xt_op1(dom0, XS_MKDIR, 0, "/local/domain/6");
    arg = xt_strs(&len, "/local/domain/6", "n6", "r5", NULL);
    xt_call(dom0, XS_SET_PERMS, 0, arg, len, NULL);
}

/* Order-independent: a sum of per-node hashes (the map's order varies). */
uint64_t chaos_protected_sum(struct xsd *x)
{
    const struct nodemap *m = &x->store.map;
    uint64_t sum = 0;
    size_t i;
    uint32_t j;

    for (i = 0; i < m->nbuckets; i++) {
        const struct node *n;

        for (n = m->buckets[i]; n; n = n->hnext) {
            uint64_t h = 1469598103934665603ull;

            if (strcmp(n->path, "/protected") &&
                strncmp(n->path, "/protected/", 11))
                continue;
            for (j = 0; j < strlen(n->path); j++)
                h = (h ^ (unsigned char)n->path[j]) * 1099511628211ull;
            for (j = 0; j < n->vlen; j++)
                h = (h ^ (unsigned char)n->value[j]) * 1099511628211ull;
            for (j = 0; j < n->nperms; j++)
                h = (h ^ (n->perms[j].domid * 4 + n->perms[j].perm)) *
                    1099511628211ull;
            sum += h;
        }
    }
    return sum;
}
