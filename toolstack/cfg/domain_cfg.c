/*
 * The keys of a PV domain's config file (xl.cfg(5) names and meanings)
 * and their checks.  Each key has a handler; the table is the list of
 * what heron supports.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain_cfg.h"

struct ctx {
    const struct cfg_file *f;
    struct domain_cfg *dc;
    const char *root, *extra;   /* combined into the command line at the end */
    bool kind_set;              /* type or builder seen */
    char *err;
    size_t errlen;
};

static int fail(struct ctx *c, const struct cfg_entry *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct ctx *c, const struct cfg_entry *e, const char *fmt, ...)
{
    int n = snprintf(c->err, c->errlen, "%s:%d: %s: ", c->f->name, e->line, e->key);
    va_list ap;

    if (n >= 0 && (size_t)n < c->errlen) {
        va_start(ap, fmt);
        vsnprintf(c->err + n, c->errlen - n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static const char *kind_name(enum cfg_kind k)
{
    return k == CFG_LIST ? "a list" : k == CFG_STRING ? "a string" : "a number";
}

static int want_string(struct ctx *c, const struct cfg_entry *e)
{
    if (e->kind != CFG_STRING)
        return fail(c, e, "must be a quoted string, not %s", kind_name(e->kind));
    return 0;
}

/* A number (bare, or quoted as xl also accepts) from min to max. */
static int want_uint(struct ctx *c, const struct cfg_entry *e, unsigned long min,
                     unsigned long max, unsigned int *out)
{
    unsigned long long v;
    char *end;

    if (e->kind == CFG_LIST)
        return fail(c, e, "must be a number, not a list");
    errno = 0;
    v = strtoull(e->atom.text, &end, 0);
    if (!*e->atom.text || *end || errno || e->atom.text[0] == '-')
        return fail(c, e, "'%s' is not a number", e->atom.text);
    if (v < min || v > max)
        return fail(c, e, "%llu is out of range (%lu to %lu)", v, min, max);
    *out = (unsigned int)v;
    return 0;
}

static int copy_string(struct ctx *c, const struct cfg_entry *e, char **out)
{
    if (want_string(c, e))
        return -1;
    *out = strdup(e->atom.text);
    return *out ? 0 : fail(c, e, "out of memory");
}

static int key_name(struct ctx *c, const struct cfg_entry *e)
{
    const char *s = e->atom.text;
    bool digits = true;

    if (want_string(c, e))
        return -1;
    if (!*s)
        return fail(c, e, "must not be empty");
    if (strlen(s) > DOMAIN_NAME_MAX)
        return fail(c, e, "longer than %d characters", DOMAIN_NAME_MAX);
    for (; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
            return fail(c, e, "'%s': only letters, digits, '-', '_' and '.' are "
                        "allowed", e->atom.text);
        digits &= *s >= '0' && *s <= '9';
    }
    if (digits)
        return fail(c, e, "'%s' is all digits (it would read as a domain id)",
                    e->atom.text);
    if (!strcmp(e->atom.text, "Domain-0"))
        return fail(c, e, "'Domain-0' is dom0's name");
    return copy_string(c, e, &c->dc->name);
}

/* type and xl's older builder say the same thing; both must agree. */
static int set_hvm(struct ctx *c, const struct cfg_entry *e, bool hvm)
{
    const char *other = strcmp(e->key, "type") ? "type" : "builder";

    if (c->kind_set && c->dc->hvm != hvm)
        return fail(c, e, "'%s' contradicts %s", e->atom.text, other);
    c->kind_set = true;
    c->dc->hvm = hvm;
    return 0;
}

static int key_type(struct ctx *c, const struct cfg_entry *e)
{
    if (want_string(c, e))
        return -1;
    if (!strcmp(e->atom.text, "pv") || !strcmp(e->atom.text, "hvm"))
        return set_hvm(c, e, !strcmp(e->atom.text, "hvm"));
    if (!strcmp(e->atom.text, "pvh"))
        return fail(c, e, "'pvh' domains are not supported by heron's toolstack "
                    "(\"pv\" or \"hvm\")");
    return fail(c, e, "unknown type '%s' (pv, hvm, pvh)", e->atom.text);
}

/* xl's deprecated spelling: builder = "hvm", or "generic" (PV). */
static int key_builder(struct ctx *c, const struct cfg_entry *e)
{
    if (want_string(c, e))
        return -1;
    if (!strcmp(e->atom.text, "generic") || !strcmp(e->atom.text, "hvm"))
        return set_hvm(c, e, !strcmp(e->atom.text, "hvm"));
    return fail(c, e, "unknown builder '%s' (generic, hvm)", e->atom.text);
}

static int key_memory(struct ctx *c, const struct cfg_entry *e)
{
    return want_uint(c, e, 4, DOMAIN_MEMORY_MAX, &c->dc->memory_mb);
}

static int key_maxmem(struct ctx *c, const struct cfg_entry *e)
{
    return want_uint(c, e, 4, DOMAIN_MEMORY_MAX, &c->dc->maxmem_mb);
}

static int key_vcpus(struct ctx *c, const struct cfg_entry *e)
{
    return want_uint(c, e, 1, DOMAIN_VCPUS_MAX, &c->dc->vcpus);
}

/* A readable regular file (the builder reads it whole). */
static int check_file(struct ctx *c, const struct cfg_entry *e)
{
    struct stat st;
    int fd;

    if (!*e->atom.text)
        return fail(c, e, "must not be empty");
    fd = open(e->atom.text, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(c, e, "cannot open '%s': %s", e->atom.text, strerror(errno));
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(c, e, "'%s' is not a regular file", e->atom.text);
    }
    close(fd);
    return 0;
}

static int key_kernel(struct ctx *c, const struct cfg_entry *e)
{
    if (want_string(c, e) || check_file(c, e))
        return -1;
    return copy_string(c, e, &c->dc->kernel);
}

static int key_ramdisk(struct ctx *c, const struct cfg_entry *e)
{
    if (want_string(c, e) || check_file(c, e))
        return -1;
    return copy_string(c, e, &c->dc->ramdisk);
}

static int key_cmdline(struct ctx *c, const struct cfg_entry *e)
{
    if (want_string(c, e))
        return -1;
    if (strlen(e->atom.text) >= DOMAIN_CMDLINE_MAX)
        return fail(c, e, "longer than %d characters", DOMAIN_CMDLINE_MAX - 1);
    return copy_string(c, e, &c->dc->cmdline);
}

static int key_root(struct ctx *c, const struct cfg_entry *e)
{
    if (want_string(c, e))
        return -1;
    c->root = e->atom.text;
    return 0;
}

static int key_extra(struct ctx *c, const struct cfg_entry *e)
{
    if (want_string(c, e))
        return -1;
    c->extra = e->atom.text;
    return 0;
}

static int key_disk(struct ctx *c, const struct cfg_entry *e)
{
    char why[256];

    if (e->kind != CFG_LIST)
        return fail(c, e, "must be a list of strings, not %s", kind_name(e->kind));
    c->dc->disks = calloc(e->nr_items ? e->nr_items : 1, sizeof(*c->dc->disks));
    if (!c->dc->disks)
        return fail(c, e, "out of memory");
    for (unsigned int i = 0; i < e->nr_items; i++) {
        const struct cfg_atom *a = &e->items[i];

        if (a->kind != CFG_STRING)
            return fail(c, e, "entry %u (line %d) must be a quoted string", i + 1,
                        a->line);
        if (disk_spec_parse(a->text, &c->dc->disks[i], why, sizeof(why)))
            return fail(c, e, "entry %u (line %d) '%s': %s", i + 1, a->line,
                        a->text, why);
        c->dc->nr_disks++;
        for (unsigned int j = 0; j < i; j++)
            if (!strcmp(c->dc->disks[j].vdev, c->dc->disks[i].vdev))
                return fail(c, e, "entry %u (line %d): vdev %s is used twice",
                            i + 1, a->line, c->dc->disks[i].vdev);
    }
    return 0;
}

static int key_vif(struct ctx *c, const struct cfg_entry *e)
{
    char why[256];

    if (e->kind != CFG_LIST)
        return fail(c, e, "must be a list of strings, not %s", kind_name(e->kind));
    c->dc->vifs = calloc(e->nr_items ? e->nr_items : 1, sizeof(*c->dc->vifs));
    if (!c->dc->vifs)
        return fail(c, e, "out of memory");
    for (unsigned int i = 0; i < e->nr_items; i++) {
        const struct cfg_atom *a = &e->items[i];

        if (a->kind != CFG_STRING)
            return fail(c, e, "entry %u (line %d) must be a quoted string", i + 1,
                        a->line);
        if (vif_spec_parse(a->text, &c->dc->vifs[i], why, sizeof(why)))
            return fail(c, e, "entry %u (line %d) '%s': %s", i + 1, a->line,
                        a->text, why);
        c->dc->nr_vifs++;
    }
    return 0;
}

static const char *const action_names[] = {
    [ACTION_DESTROY] = "destroy", [ACTION_RESTART] = "restart",
    [ACTION_PRESERVE] = "preserve", [ACTION_RENAME_RESTART] = "rename-restart",
    [ACTION_COREDUMP_DESTROY] = "coredump-destroy",
    [ACTION_COREDUMP_RESTART] = "coredump-restart", [ACTION_SOFT_RESET] = "soft-reset",
};

const char *domain_action_name(enum domain_action a)
{
    return action_names[a];
}

static int want_action(struct ctx *c, const struct cfg_entry *e, enum domain_action *out)
{
    if (want_string(c, e))
        return -1;
    for (unsigned int i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
        if (strcmp(e->atom.text, action_names[i]))
            continue;
        if (i > ACTION_PRESERVE)
            return fail(c, e, "'%s' is not supported yet (destroy, restart, "
                        "preserve)", e->atom.text);
        *out = i;
        return 0;
    }
    return fail(c, e, "unknown action '%s' (destroy, restart, preserve)",
                e->atom.text);
}

static int key_on_poweroff(struct ctx *c, const struct cfg_entry *e)
{
    return want_action(c, e, &c->dc->on_poweroff);
}

static int key_on_reboot(struct ctx *c, const struct cfg_entry *e)
{
    return want_action(c, e, &c->dc->on_reboot);
}

static int key_on_crash(struct ctx *c, const struct cfg_entry *e)
{
    return want_action(c, e, &c->dc->on_crash);
}

static const struct {
    const char *key;
    int (*handle)(struct ctx *c, const struct cfg_entry *e);
} keys[] = {
    { "name", key_name },           { "type", key_type },
    { "builder", key_builder },
    { "memory", key_memory },       { "maxmem", key_maxmem },
    { "vcpus", key_vcpus },         { "kernel", key_kernel },
    { "ramdisk", key_ramdisk },     { "cmdline", key_cmdline },
    { "root", key_root },           { "extra", key_extra },
    { "disk", key_disk },           { "vif", key_vif },
    { "on_poweroff", key_on_poweroff }, { "on_reboot", key_on_reboot },
    { "on_crash", key_on_crash },
};

static int missing(struct ctx *c, const char *key)
{
    snprintf(c->err, c->errlen, "%s: %s: missing (required)", c->f->name, key);
    return -1;
}

/* xl's rule: cmdline as given, else "root=ROOT EXTRA". */
static int finish_cmdline(struct ctx *c)
{
    const struct cfg_entry *e = cfg_find(c->f, "cmdline");
    size_t n;

    if (e && (c->root || c->extra))
        return fail(c, e, "cannot be combined with root or extra (cmdline "
                    "replaces them)");
    if (e)
        return 0;
    n = (c->root ? strlen(c->root) + 6 : 0) + (c->extra ? strlen(c->extra) + 1 : 0);
    if (n >= DOMAIN_CMDLINE_MAX) {
        snprintf(c->err, c->errlen, "%s: root and extra make a command line longer "
                 "than %d characters", c->f->name, DOMAIN_CMDLINE_MAX - 1);
        return -1;
    }
    c->dc->cmdline = calloc(1, n + 1);
    if (!c->dc->cmdline)
        return -1;
    if (c->root)
        strcat(strcat(c->dc->cmdline, "root="), c->root);
    if (c->root && c->extra)
        strcat(c->dc->cmdline, " ");
    if (c->extra)
        strcat(c->dc->cmdline, c->extra);
    return 0;
}

int domain_cfg_from(const struct cfg_file *f, struct domain_cfg *dc, char *err,
                    size_t errlen)
{
    struct ctx c = { .f = f, .dc = dc, .err = err, .errlen = errlen };
    const struct cfg_entry *mem;
    int rc = 0;

    memset(dc, 0, sizeof(*dc));
    dc->memory_mb = 128;
    dc->vcpus = 1;
    dc->on_poweroff = ACTION_DESTROY;
    dc->on_reboot = ACTION_RESTART;
    dc->on_crash = ACTION_DESTROY;
    for (unsigned int i = 0; !rc && i < f->nr_entries; i++) {
        const struct cfg_entry *e = &f->entries[i];
        unsigned int k;

        for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
            if (!strcmp(e->key, keys[k].key))
                break;
        if (k == sizeof(keys) / sizeof(keys[0]))
            rc = fail(&c, e, "unknown key");
        else
            rc = keys[k].handle(&c, e);
    }
    if (!rc && !dc->name)
        rc = missing(&c, "name");
    if (!rc && !dc->kernel)
        rc = missing(&c, "kernel");
    mem = cfg_find(f, "maxmem");
    if (!rc && !mem)
        dc->maxmem_mb = dc->memory_mb;
    if (!rc && dc->maxmem_mb < dc->memory_mb)
        rc = fail(&c, mem, "%u MiB is below memory (%u MiB)", dc->maxmem_mb,
                  dc->memory_mb);
    if (!rc && dc->hvm && dc->vcpus != 1)
        rc = fail(&c, cfg_find(f, "vcpus"), "HVM domains have one vCPU on heron");
    if (!rc)
        rc = finish_cmdline(&c);
    if (rc)
        domain_cfg_free(dc);
    return rc;
}

int domain_cfg_load(const char *path, struct domain_cfg *dc, char *err, size_t errlen)
{
    struct cfg_file f;
    char *text = NULL;
    size_t len = 0;
    FILE *fp = fopen(path, "rb");
    int rc;

    memset(dc, 0, sizeof(*dc));
    if (!fp) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    for (;;) {
        char *grown = realloc(text, len + 4096);
        size_t n;

        if (!grown) {
            free(text);
            fclose(fp);
            snprintf(err, errlen, "%s: out of memory", path);
            return -1;
        }
        text = grown;
        n = fread(text + len, 1, 4096, fp);
        len += n;
        if (n < 4096)
            break;
    }
    rc = ferror(fp);
    fclose(fp);
    if (rc) {
        free(text);
        snprintf(err, errlen, "%s: read error", path);
        return -1;
    }
    rc = cfg_parse(path, text, len, &f, err, errlen);
    free(text);
    if (rc)
        return rc;
    rc = domain_cfg_from(&f, dc, err, errlen);
    cfg_free(&f);
    return rc;
}

void domain_cfg_free(struct domain_cfg *dc)
{
    for (unsigned int i = 0; i < dc->nr_disks; i++)
        disk_spec_free(&dc->disks[i]);
    for (unsigned int i = 0; i < dc->nr_vifs; i++)
        vif_spec_free(&dc->vifs[i]);
    free(dc->disks);
    free(dc->vifs);
    free(dc->name);
    free(dc->kernel);
    free(dc->ramdisk);
    free(dc->cmdline);
    memset(dc, 0, sizeof(*dc));
}
