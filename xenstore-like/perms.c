/* Node permissions: who may do what, and their wire spelling ("r5"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

static bool names_caller(const struct caller *c, uint32_t domid)
{
    return domid == c->domid || (c->target >= 0 && domid == (uint32_t)c->target);
}

unsigned perm_for(const struct caller *c, const struct xs_perm *p, uint32_t n)
{
    uint32_t i;

    if (c->privileged || !n || names_caller(c, p[0].domid))
        return XS_PERM_BOTH | XS_PERM_OWNER;
    for (i = 1; i < n; i++)
        if (names_caller(c, p[i].domid))
            return p[i].perm;
    return p[0].perm;
}

int perm_parse(const char *s, struct xs_perm *out)
{
    char *end;
    unsigned long id;

    switch (s[0]) {
    case 'n': out->perm = XS_PERM_NONE; break;
    case 'r': out->perm = XS_PERM_READ; break;
    case 'w': out->perm = XS_PERM_WRITE; break;
    case 'b': out->perm = XS_PERM_BOTH; break;
    default: return EINVAL;
    }
    if (s[1] < '0' || s[1] > '9')
        return EINVAL;
    errno = 0;
    id = strtoul(s + 1, &end, 10);
    if (errno || *end || id > 0xffff)
        return EINVAL;
    out->domid = id;
    return 0;
}

size_t perm_format(const struct xs_perm *p, char *buf, size_t cap)
{
    static const char letter[] = "nrwb";

    return snprintf(buf, cap, "%c%u", letter[p->perm & XS_PERM_BOTH], p->domid);
}
