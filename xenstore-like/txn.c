/* TRANSACTION_START/END and a connection's open transactions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

int txn_lookup(struct conn *c, uint32_t id, struct txn **out)
{
    struct txn *tx;

    *out = NULL;
    if (!id)
        return 0;
    for (tx = c->txns; tx; tx = tx->next) {
        if (tx->id == id) {
            *out = tx;
            return 0;
        }
    }
    return ENOENT;
}

void txn_free_all(struct conn *c)
{
    struct txn *tx;

    while ((tx = c->txns)) {
        c->txns = tx->next;
        txn_free(tx);
    }
    c->ntxns = 0;
}

int op_transaction_start(struct req *r)
{
    unsigned limit = xsd_limit(r->c, Q_TRANSACTIONS);
    struct txn *tx, *clash;
    char id[16];

    if (r->tx)
        return EBUSY;
    if (limit && r->c->ntxns >= limit)
        return ENOSPC;
    tx = calloc(1, sizeof(*tx));
    if (!tx)
        return ENOMEM;
    do {
        tx->id = r->c->next_txid++;
        txn_lookup(r->c, tx->id, &clash);
    } while (!tx->id || clash);
    tx->next = r->c->txns;
    r->c->txns = tx;
    r->c->ntxns++;
    snprintf(id, sizeof(id), "%u", tx->id);
    return reply_str(r, id);
}

int op_transaction_end(struct req *r)
{
    const char *arg = req_onearg(r);
    struct txn **pp, *tx = r->tx;
    unsigned limit = xsd_limit(r->c, Q_NODES);
    int err = 0;
    size_t i;

    if (!arg || (strcmp(arg, "T") && strcmp(arg, "F")))
        return EINVAL;
    if (!tx)
        return ENOENT;
    for (pp = &r->c->txns; *pp != tx; pp = &(*pp)->next)
        ;
    *pp = tx->next;
    r->c->ntxns--;
    if (!strcmp(arg, "T")) {
        if (limit && r->c->dom && tx->nodes_delta > 0 &&
            r->c->dom->nodes + tx->nodes_delta > limit)
            err = ENOSPC;
        if (!err)
            err = txn_commit(&r->c->xsd->store, tx);
        for (i = 0; !err && i < tx->nevents; i++)
            watch_fire(r->c->xsd, tx->events[i].path, tx->events[i].match,
                       NULL, 0);
    }
    txn_free(tx);
    return err ? err : reply_ok(r);
}
