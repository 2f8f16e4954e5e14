/*
 * Disk and network device specs, the strings inside `disk = [...]` and
 * `vif = [...]` (xl-disk-configuration(5), xl-network-configuration(5)).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_cfg.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *const format_names[] = {
    [DISK_RAW] = "raw", [DISK_QCOW] = "qcow", [DISK_QCOW2] = "qcow2",
    [DISK_VHD] = "vhd", [DISK_QED] = "qed",
};

const char *disk_format_name(enum disk_format f)
{
    return format_names[f];
}

static int find_format(const char *s)
{
    for (unsigned int i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
        if (!strcmp(s, format_names[i]))
            return i;
    return -1;
}

int disk_devid(const char *vdev)
{
    const char *p;
    size_t letters, digits;
    int disk, part = 0;

    if (!strncmp(vdev, "xvd", 3))
        p = vdev + 3;
    else if (!strncmp(vdev, "hd", 2) || !strncmp(vdev, "sd", 2))
        p = vdev + 2;
    else
        return -1;
    letters = strspn(p, "abcdefghijklmnopqrstuvwxyz");
    if (letters == 1)
        disk = p[0] - 'a';
    else if (letters == 2)                  /* "aa" follows "z" */
        disk = 26 * (p[0] - 'a' + 1) + (p[1] - 'a');
    else
        return -1;
    p += letters;
    digits = strspn(p, "0123456789");
    if (p[digits] || digits > 3)
        return -1;
    for (size_t i = 0; i < digits; i++)
        part = part * 10 + (p[i] - '0');
    if (vdev[0] == 'x') {
        if (disk < 16 && part < 16)
            return (202 << 8) | (disk << 4) | part;
        return part < 256 ? (1 << 28) | (disk << 8) | part : -1;
    }
    if (vdev[0] == 's')
        return disk < 16 && part < 16 ? (8 << 8) | (disk << 4) | part : -1;
    if (disk > 3 || part > 63)
        return -1;
    return disk < 2 ? (3 << 8) | (disk << 6) | part : (22 << 8) | ((disk - 2) << 6) | part;
}

static bool vdev_valid(const char *s)
{
    return disk_devid(s) >= 0;
}

/* Replaces *slot with a copy of [s, s+n); slot must be unset. */
static int set_once(char **slot, const char *what, const char *s, size_t n,
                    char *err, size_t errlen)
{
    if (*slot)
        return fail(err, errlen, "%s given twice", what);
    *slot = strndup(s, n);
    if (!*slot)
        return fail(err, errlen, "out of memory");
    return 0;
}

struct disk_parse {
    struct disk_spec *d;
    char *format, *access, *devtype;
    bool target_set, depr_prefix;
    unsigned int positional;
    char *err;
    size_t errlen;
};

/* Deprecated "raw:/path", "phy:/path", ... prefixes on the target;
 * NULL if the prefix names a format already given. */
static const char *strip_prefix(struct disk_parse *p, const char *s)
{
    static const char *const formats[] = { "raw", "qcow", "qcow2", "vhd" };
    static const char *const plain[] = { "phy", "file", "aio", "tap", "tap2" };
    const char *colon = strchr(s, ':');
    size_t n;

    if (!colon || colon[1] != '/')
        return s;
    n = colon - s;
    for (unsigned int i = 0; i < 4; i++)
        if (strlen(formats[i]) == n && !strncmp(s, formats[i], n)) {
            if (p->format)
                return NULL;            /* format= came first */
            p->format = strndup(s, n);
            p->depr_prefix = true;
            return colon + 1;
        }
    for (unsigned int i = 0; i < 5; i++)
        if (strlen(plain[i]) == n && !strncmp(s, plain[i], n)) {
            p->depr_prefix = true;
            return colon + 1;
        }
    return s;
}

static int disk_positional(struct disk_parse *p, const char *s, size_t n)
{
    char *v = strndup(s, n);
    int rc = 0;

    if (!v)
        return fail(p->err, p->errlen, "out of memory");
    /* target, format, vdev, access; a second field that is a device name
     * rather than a format is the vdev (the old "IMAGE,xvda,w" form). */
    if (p->positional == 0) {
        const char *t = strip_prefix(p, v);

        if (!t) {
            free(v);
            return fail(p->err, p->errlen, "format given twice");
        }
        p->d->target = strdup(t);
        p->target_set = true;
        p->positional = p->depr_prefix ? 2 : 1;
    } else if (p->positional == 1 && (*v == '\0' || find_format(v) >= 0 ||
                                      !vdev_valid(v))) {
        if (*v)
            rc = set_once(&p->format, "format", v, n, p->err, p->errlen);
        p->positional = 2;
    } else if (p->positional <= 2) {
        if (*v)
            rc = set_once(&p->d->vdev, "vdev", v, n, p->err, p->errlen);
        p->positional = 3;
    } else if (p->positional == 3) {
        if (*v)
            rc = set_once(&p->access, "access", v, n, p->err, p->errlen);
        p->positional = 4;
    } else {
        rc = fail(p->err, p->errlen, "too many positional parameters at '%s'", v);
    }
    free(v);
    return rc;
}

static int disk_keyword(struct disk_parse *p, const char *s, size_t n)
{
    const char *eq = memchr(s, '=', n);
    size_t klen = eq - s, vlen = n - klen - 1;
    static const char *const keys[] = { "format", "vdev", "access", "devtype",
                                        "backend", "backendtype", "script" };
    char **slots[] = { &p->format, &p->d->vdev, &p->access, &p->devtype,
                       &p->d->backend, &p->d->backendtype, &p->d->script };

    for (unsigned int i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strlen(keys[i]) == klen && !strncmp(s, keys[i], klen))
            return set_once(slots[i], keys[i], eq + 1, vlen, p->err, p->errlen);
    return fail(p->err, p->errlen, "unknown parameter '%.*s'", (int)klen, s);
}

static int disk_finish(struct disk_parse *p)
{
    struct disk_spec *d = p->d;
    int f = DISK_RAW;

    if (p->format && *p->format && (f = find_format(p->format)) < 0)
        return fail(p->err, p->errlen, "unknown format '%s' (raw, qcow, qcow2, vhd, "
                    "qed)", p->format);
    d->format = f;
    if (p->devtype) {
        if (!strcmp(p->devtype, "cdrom"))
            d->cdrom = true;
        else if (strcmp(p->devtype, "disk"))
            return fail(p->err, p->errlen, "unknown devtype '%s' (cdrom, disk)",
                        p->devtype);
    }
    d->readonly = d->cdrom;
    if (p->access && *p->access) {
        if (!strcmp(p->access, "ro") || !strcmp(p->access, "r"))
            d->readonly = true;
        else if (!strcmp(p->access, "rw") || !strcmp(p->access, "w"))
            d->readonly = false;
        else
            return fail(p->err, p->errlen, "unknown access '%s' (ro, r, rw, w)",
                        p->access);
    }
    if (d->backendtype && strcmp(d->backendtype, "phy") &&
        strcmp(d->backendtype, "qdisk") && strcmp(d->backendtype, "standalone"))
        return fail(p->err, p->errlen, "unknown backendtype '%s' (phy, qdisk, "
                    "standalone)", d->backendtype);
    if (!d->vdev || !*d->vdev)
        return fail(p->err, p->errlen, "no vdev (the guest's device name, e.g. xvda)");
    if (!vdev_valid(d->vdev))
        return fail(p->err, p->errlen, "vdev '%s' is not a disk name like xvda, "
                    "hdc or sdb", d->vdev);
    if (!d->target)
        d->target = strdup("");
    if (!*d->target && !d->cdrom)
        return fail(p->err, p->errlen, "no target (image or device path)");
    return 0;
}

int disk_spec_parse(const char *s, struct disk_spec *d, char *err, size_t errlen)
{
    struct disk_parse p = { .d = d, .err = err, .errlen = errlen };
    int rc = 0;

    memset(d, 0, sizeof(*d));
    while (!rc && *s) {
        size_t n;

        while (*s == ' ' || *s == '\t')
            s++;
        if (!strncmp(s, "target=", 7)) {
            /* target= takes the rest of the spec, commas included. */
            if (p.target_set && *d->target)
                rc = fail(err, errlen, "target given twice");
            else if (!rc) {
                free(d->target);
                d->target = strdup(s + 7);
                p.target_set = true;
                if (!p.positional)
                    p.positional = 1;
            }
            break;
        }
        n = strcspn(s, ",");
        if (n == 5 && !strncmp(s, "cdrom", 5))
            d->cdrom = true;
        else if (memchr(s, '=', n))
            rc = disk_keyword(&p, s, n);
        else
            rc = disk_positional(&p, s, n);
        s += n;
        if (*s == ',')
            s++;
    }
    if (!rc)
        rc = disk_finish(&p);
    free(p.format);
    free(p.access);
    free(p.devtype);
    if (rc)
        disk_spec_free(d);
    return rc;
}

void disk_spec_free(struct disk_spec *d)
{
    free(d->target);
    free(d->vdev);
    free(d->backend);
    free(d->backendtype);
    free(d->script);
    memset(d, 0, sizeof(*d));
}

static int parse_mac(const char *s, size_t n, uint8_t mac[6])
{
    if (n != 17)
        return -1;
    for (unsigned int i = 0; i < 6; i++) {
        const char *b = s + 3 * i;

        if (!isxdigit((unsigned char)b[0]) || !isxdigit((unsigned char)b[1]) ||
            (i < 5 && b[2] != ':'))
            return -1;
        mac[i] = (uint8_t)strtoul((char[]){ b[0], b[1], 0 }, NULL, 16);
    }
    return 0;
}

static int vif_keyword(struct vif_spec *v, const char *s, size_t n, char *err,
                       size_t errlen)
{
    const char *eq = memchr(s, '=', n);
    size_t klen, vlen;
    static const char *const keys[] = { "bridge", "ip", "model", "type", "vifname",
                                        "script", "backend" };
    char **slots[] = { &v->bridge, &v->ip, &v->model, &v->type, &v->vifname,
                       &v->script, &v->backend };

    if (!eq)
        return fail(err, errlen, "'%.*s' is not KEY=VALUE", (int)n, s);
    klen = eq - s;
    vlen = n - klen - 1;
    if (klen == 3 && !strncmp(s, "mac", 3)) {
        if (v->has_mac)
            return fail(err, errlen, "mac given twice");
        if (parse_mac(eq + 1, vlen, v->mac))
            return fail(err, errlen, "mac '%.*s' is not six hex bytes "
                        "XX:XX:XX:XX:XX:XX", (int)vlen, eq + 1);
        if (v->mac[0] & 1)
            return fail(err, errlen, "mac '%.*s' is a multicast address",
                        (int)vlen, eq + 1);
        v->has_mac = true;
        return 0;
    }
    if (klen == 3 && !strncmp(s, "mtu", 3)) {
        char buf[16], *end;
        unsigned long mtu;

        if (v->mtu)
            return fail(err, errlen, "mtu given twice");
        snprintf(buf, sizeof(buf), "%.*s", (int)vlen, eq + 1);
        mtu = strtoul(buf, &end, 10);
        if (!vlen || vlen >= sizeof(buf) || *end || mtu < 68 || mtu > 65535)
            return fail(err, errlen, "mtu '%.*s' is not a number from 68 to 65535",
                        (int)vlen, eq + 1);
        v->mtu = mtu;
        return 0;
    }
    for (unsigned int i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strlen(keys[i]) == klen && !strncmp(s, keys[i], klen)) {
            if (!vlen)
                return fail(err, errlen, "%s has an empty value", keys[i]);
            return set_once(slots[i], keys[i], eq + 1, vlen, err, errlen);
        }
    return fail(err, errlen, "unknown parameter '%.*s'", (int)klen, s);
}

int vif_spec_parse(const char *s, struct vif_spec *v, char *err, size_t errlen)
{
    int rc = 0;

    memset(v, 0, sizeof(*v));
    while (!rc && *s) {
        size_t n;

        while (*s == ' ' || *s == '\t')
            s++;
        n = strcspn(s, ",");
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        if (n)
            rc = vif_keyword(v, s, n, err, errlen);
        s += strcspn(s, ",");
        if (*s == ',')
            s++;
    }
    if (!rc && v->type && strcmp(v->type, "vif") && strcmp(v->type, "ioemu"))
        rc = fail(err, errlen, "unknown type '%s' (vif, ioemu)", v->type);
    if (rc)
        vif_spec_free(v);
    return rc;
}

void vif_spec_free(struct vif_spec *v)
{
    free(v->bridge);
    free(v->ip);
    free(v->model);
    free(v->type);
    free(v->vifname);
    free(v->script);
    free(v->backend);
    memset(v, 0, sizeof(*v));
}
