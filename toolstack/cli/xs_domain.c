/*
 * A domain's xenstore tree (xs_domain.h).  Keys and permissions follow
 * libxl (tools/libs/light/libxl_create.c, libxl_dom.c, libxl_console.c):
 * the domain may read its home, write only where its drivers talk.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xs_domain.h"

enum perm_set { PERM_DOM0_ONLY, PERM_DOMAIN_READ, PERM_DOMAIN_WRITE };

struct tree {
    struct hxs *xs;
    uint32_t tx;
    domid_t domid;
    int err;
};

/* Writes value at the printf-formatted path with one of libxl's perm sets. */
static void put(struct tree *t, enum perm_set ps, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void put(struct tree *t, enum perm_set ps, const char *value, const char *fmt, ...)
{
    struct hxs_perm perms[2];
    unsigned int n = 1;
    char path[256];
    va_list ap;

    if (t->err)
        return;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    switch (ps) {
    case PERM_DOM0_ONLY:
        perms[0] = (struct hxs_perm){ 0, HXS_PERM_NONE };
        break;
    case PERM_DOMAIN_READ:
        perms[0] = (struct hxs_perm){ 0, HXS_PERM_NONE };
        perms[1] = (struct hxs_perm){ t->domid, HXS_PERM_READ };
        n = 2;
        break;
    case PERM_DOMAIN_WRITE:
        perms[0] = (struct hxs_perm){ t->domid, HXS_PERM_NONE };
        break;
    }
    t->err = value ? hxs_write(t->xs, t->tx, path, value, strlen(value))
                   : hxs_mkdir(t->xs, t->tx, path);
    if (!t->err)
        t->err = hxs_set_perms(t->xs, t->tx, path, perms, n);
}

static const char *num(char *buf, unsigned long long v)
{
    snprintf(buf, 24, "%llu", v);
    return buf;
}

void uuid_format(const uint8_t u[16], char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5], u[6],
             u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

static void put_disk(struct tree *t, const struct disk_spec *d, int devid)
{
    const char *be = "/local/domain/0/backend/vbd";
    const char *fe = "/local/domain";
    char n[24], path[200], fpath[96];

    snprintf(path, sizeof(path), "%s/%u/%d", be, t->domid, devid);
    put(t, PERM_DOMAIN_WRITE, NULL, "%s/%u/device/vbd/%d", fe, t->domid, devid);
    put(t, PERM_DOMAIN_WRITE, path, "%s/%u/device/vbd/%d/backend", fe, t->domid, devid);
    put(t, PERM_DOMAIN_WRITE, "0", "%s/%u/device/vbd/%d/backend-id", fe, t->domid, devid);
    put(t, PERM_DOMAIN_WRITE, "1", "%s/%u/device/vbd/%d/state", fe, t->domid, devid);
    put(t, PERM_DOMAIN_WRITE, num(n, devid), "%s/%u/device/vbd/%d/virtual-device", fe,
        t->domid, devid);
    put(t, PERM_DOMAIN_WRITE, d->cdrom ? "cdrom" : "disk", "%s/%u/device/vbd/%d/device-type",
        fe, t->domid, devid);
    put(t, PERM_DOMAIN_READ, NULL, "%s", path);
    snprintf(n, sizeof(n), "%u", t->domid);
    put(t, PERM_DOMAIN_READ, n, "%s/frontend-id", path);
    snprintf(fpath, sizeof(fpath), "%s/%u/device/vbd/%d", fe, t->domid, devid);
    put(t, PERM_DOMAIN_READ, fpath, "%s/frontend", path);
    put(t, PERM_DOMAIN_READ, "1", "%s/online", path);
    put(t, PERM_DOMAIN_READ, "1", "%s/state", path);
    put(t, PERM_DOMAIN_READ, d->target, "%s/params", path);
    put(t, PERM_DOMAIN_READ, disk_format_name(d->format), "%s/type", path);
    put(t, PERM_DOMAIN_READ, d->readonly ? "r" : "w", "%s/mode", path);
    put(t, PERM_DOMAIN_READ, d->vdev, "%s/dev", path);
    put(t, PERM_DOMAIN_READ, d->cdrom ? "cdrom" : "disk", "%s/device-type", path);
    put(t, PERM_DOM0_ONLY, path, "/libxl/%u/device/vbd/%d/backend", t->domid, devid);
}

/* libxl's vif nodes; without mac= the MAC is 00:16:3e:DD:DD:NN (domid, devid), not random. */
static void put_vif(struct tree *t, const struct vif_spec *v, int devid)
{
    char n[24], path[200], fpath[96], mac[18];
    uint8_t m[6] = { 0x00, 0x16, 0x3e, (uint8_t)(t->domid >> 8), (uint8_t)t->domid,
                     (uint8_t)devid };

    if (v->has_mac)
        memcpy(m, v->mac, 6);
    snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
             m[4], m[5]);
    snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u/%d", t->domid, devid);
    put(t, PERM_DOMAIN_WRITE, NULL, "/local/domain/%u/device/vif/%d", t->domid, devid);
    put(t, PERM_DOMAIN_WRITE, path, "/local/domain/%u/device/vif/%d/backend", t->domid, devid);
    put(t, PERM_DOMAIN_WRITE, "0", "/local/domain/%u/device/vif/%d/backend-id", t->domid, devid);
    put(t, PERM_DOMAIN_WRITE, "1", "/local/domain/%u/device/vif/%d/state", t->domid, devid);
    put(t, PERM_DOMAIN_WRITE, num(n, devid), "/local/domain/%u/device/vif/%d/handle",
        t->domid, devid);
    put(t, PERM_DOMAIN_WRITE, mac, "/local/domain/%u/device/vif/%d/mac", t->domid, devid);
    put(t, PERM_DOMAIN_READ, NULL, "%s", path);
    snprintf(n, sizeof(n), "%u", t->domid);
    put(t, PERM_DOMAIN_READ, n, "%s/frontend-id", path);
    snprintf(fpath, sizeof(fpath), "/local/domain/%u/device/vif/%d", t->domid, devid);
    put(t, PERM_DOMAIN_READ, fpath, "%s/frontend", path);
    put(t, PERM_DOMAIN_READ, "1", "%s/online", path);
    put(t, PERM_DOMAIN_READ, "1", "%s/state", path);
    put(t, PERM_DOMAIN_READ, num(n, devid), "%s/handle", path);
    put(t, PERM_DOMAIN_READ, "vif", "%s/type", path);
    put(t, PERM_DOMAIN_READ, mac, "%s/mac", path);
    put(t, PERM_DOMAIN_READ, v->bridge ? v->bridge : "xenbr0", "%s/bridge", path);
    if (v->ip)
        put(t, PERM_DOMAIN_READ, v->ip, "%s/ip", path);
    if (v->mtu)
        put(t, PERM_DOMAIN_READ, num(n, v->mtu), "%s/mtu", path);
    put(t, PERM_DOM0_ONLY, path, "/libxl/%u/device/vif/%d/backend", t->domid, devid);
}

static void put_tree(struct tree *t, const struct domain_cfg *dc,
                     const struct pv_build_result *r, const char *uuid)
{
    char home[32], vm[64], n[24];
    static const char *const rw_dirs[] = { "data", "drivers", "feature", "attr", "error" };
    static const char *const control[] = { "control/shutdown", "control/feature-poweroff",
                                           "control/feature-reboot",
                                           "control/feature-suspend", "control/sysrq" };

    snprintf(home, sizeof(home), "/local/domain/%u", t->domid);
    snprintf(vm, sizeof(vm), "/vm/%s", uuid);
    put(t, PERM_DOMAIN_READ, NULL, "%s", home);
    put(t, PERM_DOMAIN_READ, NULL, "%s", vm);
    put(t, PERM_DOMAIN_READ, uuid, "%s/uuid", vm);
    put(t, PERM_DOMAIN_READ, dc->name, "%s/name", vm);
    put(t, PERM_DOMAIN_READ, dc->hvm ? "hvm" : "linux", "%s/image/ostype", vm);
    put(t, PERM_DOMAIN_READ, num(n, (unsigned long long)time(NULL)), "%s/start_time", vm);
    put(t, PERM_DOM0_ONLY, NULL, "/libxl/%u", t->domid);
    put(t, PERM_DOM0_ONLY, NULL, "/libxl/%u/device", t->domid);
    put(t, PERM_DOM0_ONLY, dc->hvm ? "hvm" : "pv", "/libxl/%u/type", t->domid);
    put(t, PERM_DOMAIN_READ, vm, "%s/vm", home);
    put(t, PERM_DOMAIN_READ, dc->name, "%s/name", home);
    put(t, PERM_DOMAIN_READ, num(n, t->domid), "%s/domid", home);
    put(t, PERM_DOMAIN_READ, NULL, "%s/cpu", home);
    for (unsigned int i = 0; i < dc->vcpus; i++)
        put(t, PERM_DOMAIN_READ, "online", "%s/cpu/%u/availability", home, i);
    put(t, PERM_DOMAIN_READ, NULL, "%s/memory", home);
    put(t, PERM_DOMAIN_READ, num(n, dc->maxmem_mb * 1024ull), "%s/memory/static-max", home);
    put(t, PERM_DOMAIN_READ, num(n, dc->memory_mb * 1024ull), "%s/memory/target", home);
    put(t, PERM_DOMAIN_READ, "0", "%s/memory/videoram", home);
    /* An HVM domain has no store ring or PV console: its console is the
     * device model's COM1. */
    if (!dc->hvm) {
        put(t, PERM_DOMAIN_READ, num(n, r->store_port), "%s/store/port", home);
        put(t, PERM_DOMAIN_READ, num(n, r->store_mfn), "%s/store/ring-ref", home);
        put(t, PERM_DOMAIN_READ, num(n, r->console_port), "%s/console/port", home);
        put(t, PERM_DOMAIN_READ, num(n, r->console_mfn), "%s/console/ring-ref", home);
    }
    put(t, PERM_DOMAIN_READ, "0", "%s/console/backend-id", home);
    put(t, PERM_DOMAIN_READ, dc->hvm ? "ioemu" : "xenconsoled", "%s/console/type", home);
    put(t, PERM_DOMAIN_READ, "pty", "%s/console/output", home);
    put(t, PERM_DOMAIN_READ, "1048576", "%s/console/limit", home);
    put(t, PERM_DOMAIN_READ, NULL, "%s/control", home);
    for (unsigned int i = 0; i < sizeof(control) / sizeof(control[0]); i++)
        put(t, PERM_DOMAIN_WRITE, NULL, "%s/%s", home, control[i]);
    put(t, PERM_DOMAIN_READ, "1", "%s/control/platform-feature-xs_reset_watches", home);
    put(t, PERM_DOMAIN_READ, NULL, "%s/device", home);
    for (unsigned int i = 0; i < sizeof(rw_dirs) / sizeof(rw_dirs[0]); i++)
        put(t, PERM_DOMAIN_WRITE, NULL, "%s/%s", home, rw_dirs[i]);
    /* An HVM domain's disks and vif are its device model's IDE disks and
     * NE2000, not vbds and vifs: it has no PV frontends (no platform
     * device) for a backend to wait on. */
    for (unsigned int i = 0; i < dc->nr_disks && !dc->hvm; i++)
        put_disk(t, &dc->disks[i], disk_devid(dc->disks[i].vdev));
    for (unsigned int i = 0; i < dc->nr_vifs && !dc->hvm; i++)
        put_vif(t, &dc->vifs[i], (int)i);
}

int xs_domain_write(struct hxs *xs, domid_t domid, const struct domain_cfg *dc,
                    const struct pv_build_result *r, const char *uuid)
{
    for (;;) {
        struct tree t = { .xs = xs, .domid = domid };
        int err = hxs_transaction_start(xs, &t.tx);

        if (err)
            return err;
        put_tree(&t, dc, r, uuid);
        err = hxs_transaction_end(xs, t.tx, t.err == 0);
        if (t.err)
            return t.err;
        if (err != EAGAIN)
            return err;
    }
}

/* RM that treats a missing node as done. */
static int rm(struct hxs *xs, uint32_t tx, const char *path)
{
    int err = hxs_rm(xs, tx, path);

    return err == ENOENT ? 0 : err;
}

int xs_domain_remove(struct hxs *xs, domid_t domid)
{
    static const char *const backends[] = { "vbd", "vif", "console" };
    char path[96];

    for (;;) {
        char *vm = NULL;
        uint32_t tx;
        int err = hxs_transaction_start(xs, &tx), end;

        if (err)
            return err;
        snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
        if (!hxs_read(xs, tx, path, &vm, NULL) && !strncmp(vm, "/vm/", 4))
            err = rm(xs, tx, vm);
        free(vm);
        snprintf(path, sizeof(path), "/local/domain/%u", domid);
        if (!err)
            err = rm(xs, tx, path);
        snprintf(path, sizeof(path), "/libxl/%u", domid);
        if (!err)
            err = rm(xs, tx, path);
        for (unsigned int i = 0; !err && i < 3; i++) {
            snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", backends[i],
                     domid);
            err = rm(xs, tx, path);
        }
        end = hxs_transaction_end(xs, tx, err == 0);
        if (err)
            return err;
        if (end != EAGAIN)
            return end;
    }
}

char *xs_domain_name(struct hxs *xs, domid_t domid)
{
    char path[48], *name;

    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    if (hxs_read(xs, 0, path, &name, NULL))
        return NULL;
    return name;
}

int xs_domain_by_name(struct hxs *xs, const char *name, domid_t *domid)
{
    char **ids;
    unsigned int n;
    int err = hxs_directory(xs, 0, "/local/domain", &ids, &n);

    if (err)
        return err;
    err = ENOENT;
    for (unsigned int i = 0; i < n && err; i++) {
        char *end, *have;
        unsigned long id = strtoul(ids[i], &end, 10);

        if (*end || id >= DOMID_FIRST_RESERVED)
            continue;
        have = xs_domain_name(xs, (domid_t)id);
        if (have && !strcmp(have, name)) {
            *domid = (domid_t)id;
            err = 0;
        }
        free(have);
    }
    free(ids);
    return err;
}
