/* xenstore helpers for backend daemons (backend.h): nodes by directory and key. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

char *backend_get(struct backend *be, const char *dir, const char *key)
{
    char path[192], *v;

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return hxs_read(be->xs, 0, path, &v, NULL) ? NULL : v;
}

int backend_read_num(struct backend *be, const char *dir, const char *key, long *n)
{
    char path[192], *v, *end;
    int err;

    *n = -1;
    snprintf(path, sizeof(path), "%s/%s", dir, key);
    err = hxs_read(be->xs, 0, path, &v, NULL);
    if (err)
        return err;
    *n = strtol(v, &end, 10);
    if (!*v || *end || *n < 0) {
        *n = -1;
        err = EINVAL;
    }
    free(v);
    return err;
}

long backend_get_num(struct backend *be, const char *dir, const char *key)
{
    long n;

    backend_read_num(be, dir, key, &n);
    return n;
}

int backend_put(struct backend *be, uint32_t tx, const char *dir, const char *key,
                const char *val)
{
    char path[192];

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return hxs_write(be->xs, tx, path, val, strlen(val));
}

int backend_put_num(struct backend *be, uint32_t tx, const char *dir, const char *key,
                    unsigned long long val)
{
    char s[24];

    snprintf(s, sizeof(s), "%llu", val);
    return backend_put(be, tx, dir, key, s);
}
