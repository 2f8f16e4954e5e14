/* Path syntax: validation, relative-to-absolute, parents and matching. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

static bool valid_chars(const char *p)
{
    static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "abcdefghijklmnopqrstuvwxyz"
                             "0123456789-/_@";

    return p[strspn(p, ok)] == '\0';
}

int path_home(uint32_t domid, char *buf, size_t cap)
{
    return snprintf(buf, cap, "/local/domain/%u", domid);
}

/* Length of "/local/domain/<n>/" at the start of p, or 0. */
static size_t home_prefix_len(const char *p)
{
    const char *s = "/local/domain/";
    size_t n = strlen(s), digits;

    if (strncmp(p, s, n))
        return 0;
    digits = strspn(p + n, "0123456789");
    if (!digits || digits > 5 || p[n + digits] != '/')
        return 0;
    return n + digits + 1;
}

int path_canonical(uint32_t domid, unsigned rel_max, const char *in,
                   bool allow_special, char **out)
{
    char home[32];
    char *p;
    size_t len;

    *out = NULL;
    if (!in || !*in || !valid_chars(in) || (in[0] == '@' && !allow_special))
        return EINVAL;
    if (in[0] == '/' || in[0] == '@') {
        p = strdup(in);
    } else {
        len = path_home(domid, home, sizeof(home)) + 1 + strlen(in) + 1;
        p = malloc(len);
        if (p)
            snprintf(p, len, "%s/%s", home, in);
    }
    if (!p)
        return ENOMEM;
    len = strlen(p);
    if ((len > 1 && p[len - 1] == '/') || strstr(p, "//") ||
        len > XENSTORE_ABS_PATH_MAX ||
        (rel_max && len - home_prefix_len(p) > rel_max)) {
        free(p);
        return EINVAL;
    }
    *out = p;
    return 0;
}

char *path_parent(const char *p)
{
    const char *slash = strrchr(p, '/');

    if (!slash || slash == p)
        return strdup("/");
    return strndup(p, slash - p);
}

const char *path_leaf(const char *p)
{
    const char *slash = strrchr(p, '/');

    return slash ? slash + 1 : p;
}

bool path_is_child(const char *child, const char *parent, int depth)
{
    size_t len = strlen(parent);
    int levels = 0;
    const char *rest;

    if (!strcmp(parent, "/")) {
        if (child[0] != '/')
            return false;
        rest = child;
    } else {
        if (strncmp(child, parent, len) ||
            (child[len] != '/' && child[len] != '\0'))
            return false;
        rest = child + len;
    }
    if (depth < 0 || !strcmp(child, parent))
        return true;
    for (; *rest; rest++)
        if (*rest == '/')
            levels++;
    return levels <= depth;
}
