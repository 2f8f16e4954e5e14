/* Quota names as GET_QUOTA/SET_QUOTA spell them, and their defaults. */
#include <string.h>

#include "xsd.h"

const char *const quota_name[Q_COUNT] = {
    [Q_NODES] = "nodes",
    [Q_WATCHES] = "watches",
    [Q_TRANSACTIONS] = "transactions",
    [Q_NODE_SIZE] = "node-size",
    [Q_PERMS] = "node-permissions",
    [Q_PATH_MAX] = "path-max",
    [Q_REQUEST_SIZE] = "request-size",
};

/* Xen's defaults, plus the whole payload for requests. */
const unsigned quota_default[Q_COUNT] = {
    [Q_NODES] = 1000,
    [Q_WATCHES] = 128,
    [Q_TRANSACTIONS] = 10,
    [Q_NODE_SIZE] = 2048,
    [Q_PERMS] = 5,
    [Q_PATH_MAX] = XENSTORE_REL_PATH_MAX,
    [Q_REQUEST_SIZE] = XENSTORE_PAYLOAD_MAX,
};

int quota_lookup(const char *name)
{
    int q;

    for (q = 0; q < Q_COUNT; q++)
        if (!strcmp(quota_name[q], name))
            return q;
    return -1;
}
