/*
 * Domain creation and destruction (create.h).  The order is libxl's:
 * build (paused), write the xenstore tree, INTRODUCE, unpause.  Every
 * step after the build has an undo, run in reverse on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console_proto.h"
#include "create.h"
#include "hvm_builder.h"
#include "pv_builder.h"
#include "xs_domain.h"

void *read_whole_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0;

    *len = 0;
    if (!f)
        return NULL;
    for (;;) {
        size_t n;

        if (*len == cap) {
            char *grown = realloc(buf, cap = cap ? cap * 2 : 1 << 20);

            if (!grown) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = grown;
        }
        n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        errno = EIO;
        return NULL;
    }
    fclose(f);
    return buf;
}

/* A random (version 4) UUID for /vm/UUID and the domain handle. */
static void make_uuid(uint8_t u[16])
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, u, 16) : -1;

    if (n != 16)            /* no urandom: time and pid still make it unique here */
        for (unsigned int i = 0; i < 16; i++)
            u[i] = (uint8_t)((unsigned long)time(NULL) >> (i % 4 * 8) ^ getpid() >> i);
    if (fd >= 0)
        close(fd);
    u[6] = (u[6] & 0x0f) | 0x40;
    u[8] = (u[8] & 0x3f) | 0x80;
}

/* An HVM domain's device model, if it has one: its pid from xenstore. */
static pid_t dm_pid(struct hxs *xs, domid_t domid)
{
    char path[48], *val;
    long pid = 0;

    snprintf(path, sizeof(path), "/libxl/%u/dm-pid", domid);
    if (!hxs_read(xs, 0, path, &val, NULL)) {
        pid = strtol(val, NULL, 10);
        free(val);
    }
    return pid > 1 ? (pid_t)pid : 0;
}

/* The tree goes before RELEASE: @releaseDomain then finds the home gone,
 * so heron-consoled lets go of the console grant at once and hv can free
 * every frame.  An HVM domain's device model is told to go (it unmaps the
 * ioreq page as it exits, which lets hv free that frame). */
int domain_destroy(struct heron_env *env, domid_t domid)
{
    pid_t dm = dm_pid(env->xs, domid);

    if (dm)
        kill(dm, SIGTERM);
    xs_domain_remove(env->xs, domid);
    hxs_release(env->xs, domid);            /* ENOENT: never introduced */
    return env->hv->destroy(env->hv->ctx, domid);
}

/* HVM disks are the device model's IDE disks: the primary channel's
 * master and slave, raw images. */
static int check_hvm_disks(const struct domain_cfg *dc, char *err, size_t errlen)
{
    if (dc->nr_disks > 2) {
        snprintf(err, errlen, "'%s': an HVM domain has at most 2 disks (the primary "
                 "IDE channel)", dc->name);
        return HERON_ECONFIG;
    }
    for (unsigned int i = 0; i < dc->nr_disks; i++) {
        const struct disk_spec *d = &dc->disks[i];

        if (d->cdrom || d->format != DISK_RAW || !d->target[0] || d->backend) {
            snprintf(err, errlen, "'%s': disk %s: an HVM domain's disks are raw images "
                     "served by its device model (no cdrom, other formats or backends)",
                     dc->name, d->vdev);
            return HERON_ECONFIG;
        }
    }
    return HERON_OK;
}

/* An HVM vif is the device model's NE2000 on xenbr0: one at most. */
static int check_hvm_vifs(const struct domain_cfg *dc, char *err, size_t errlen)
{
    const struct vif_spec *v = dc->vifs;

    if (dc->nr_vifs > 1) {
        snprintf(err, errlen, "'%s': an HVM domain has at most 1 vif (its device model's "
                 "NE2000)", dc->name);
        return HERON_ECONFIG;
    }
    if (dc->nr_vifs && ((v->bridge && strcmp(v->bridge, "xenbr0")) ||
                        (v->model && strcmp(v->model, "ne2k_pci")) || v->backend)) {
        snprintf(err, errlen, "'%s': an HVM domain's vif is an NE2000 (model=ne2k_pci) on "
                 "dom0's xenbr0", dc->name);
        return HERON_ECONFIG;
    }
    return HERON_OK;
}

/*
 * Starts heron-dm for domid ($HERON_DM, else heron-dm on PATH), detached
 * (double fork: it is nobody's child to reap), its stderr in
 * DM_LOG_DIR/dm-N.log, with dc's disks and vif (the MAC xs_domain.c
 * writes for it: mac= or 00:16:3e:DD:DD:00).  It says "ready PID" on fd 3 once
 * it serves its devices; returns that pid, or 0 with the reason in err.
 */
static pid_t start_dm(domid_t domid, const struct domain_cfg *dc, char *err,
                      size_t errlen)
{
    const char *dm = getenv("HERON_DM");
    const char *dir = getenv("HERON_CONSOLE_LOG_DIR");
    char id[8], line[32] = "", log[256], disks[2][4096], nic[24];
    char *argv[7] = { NULL };
    unsigned int argc = 3;
    int fds[2], status;
    struct pollfd p;
    size_t n = 0;
    long pid = 0;
    pid_t child;

    if (!dm || !*dm)
        dm = "heron-dm";
    if (!dir || !*dir)
        dir = CONSOLE_LOG_DIR;
    snprintf(id, sizeof(id), "%u", domid);
    snprintf(log, sizeof(log), "%s/dm-%u.log", dir, domid);
    if (pipe(fds)) {
        snprintf(err, errlen, "starting the device model: %s", strerror(errno));
        return 0;
    }
    child = fork();
    if (child == 0) {
        int fd;

        setsid();
        if (fork() != 0)
            _exit(0);
        mkdir(dir, 0755);
        fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        dup2(fds[1], 3);
        fd = open("/dev/null", O_RDONLY);
        if (fd >= 0)
            dup2(fd, 0);
        for (fd = 4; fd < 256; fd++)
            close(fd);
        argv[0] = "heron-dm";
        argv[1] = id;
        argv[2] = "3";
        for (unsigned int i = 0; i < dc->nr_disks && i < 2; i++) {
            snprintf(disks[i], sizeof(disks[i]), "%s:%s",
                     dc->disks[i].readonly ? "ro" : "rw", dc->disks[i].target);
            argv[argc++] = disks[i];
        }
        if (dc->nr_vifs) {
            const uint8_t *m = dc->vifs[0].mac, dflt[6] = { 0x00, 0x16, 0x3e,
                (uint8_t)(domid >> 8), (uint8_t)domid, 0 };

            if (!dc->vifs[0].has_mac)
                m = dflt;
            snprintf(nic, sizeof(nic), "nic:%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
                     m[3], m[4], m[5]);
            argv[argc++] = nic;
        }
        execvp(dm, argv);
        fprintf(stderr, "heron: cannot run %s: %s\n", dm, strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    if (child > 0)
        waitpid(child, &status, 0);
    p = (struct pollfd){ .fd = fds[0], .events = POLLIN };
    while (n + 1 < sizeof(line) && poll(&p, 1, 10000) == 1) {
        ssize_t r = read(fds[0], line + n, sizeof(line) - 1 - n);

        if (r <= 0)
            break;
        n += (size_t)r;
        line[n] = '\0';
        if (strchr(line, '\n'))
            break;
    }
    close(fds[0]);
    if (child < 0 || sscanf(line, "ready %ld", &pid) != 1 || pid <= 1) {
        snprintf(err, errlen, "the device model did not start (see %s)", log);
        return 0;
    }
    return (pid_t)pid;
}

static int record_dm(struct hxs *xs, domid_t domid, pid_t pid)
{
    char path[48], val[24];

    snprintf(path, sizeof(path), "/libxl/%u/dm-pid", domid);
    snprintf(val, sizeof(val), "%ld", (long)pid);
    return hxs_write(xs, 0, path, val, strlen(val));
}

/*
 * An HVM domain: hv builds it (hvm_builder.h), the xenstore tree (no
 * store or PV console ring), its device model started and recorded, then
 * unpaused.  Not introduced to xenstored: it has no store ring.
 */
static int create_hvm(struct heron_env *env, const struct domain_cfg *dc,
                      const void *kernel, size_t kernel_len, const void *ramdisk,
                      size_t ramdisk_len, domid_t *domid, char *err, size_t errlen)
{
    struct hvm_build_request req = {
        .kernel = kernel, .kernel_len = kernel_len, .ramdisk = ramdisk,
        .ramdisk_len = ramdisk_len, .cmdline = dc->cmdline ? dc->cmdline : "",
        .mem_kb = dc->memory_mb * 1024ull, .maxmem_kb = dc->maxmem_mb * 1024ull,
    };
    struct pv_build_result none = { 0 };
    char why[384], uuid[37];
    domid_t id;
    pid_t dm;
    int rc, xerr;

    rc = check_hvm_disks(dc, err, errlen);
    if (!rc)
        rc = check_hvm_vifs(dc, err, errlen);
    if (rc)
        return rc;
    make_uuid(req.handle);
    uuid_format(req.handle, uuid);
    rc = hvm_build(env->hv, &req, &id, why, sizeof(why));
    if (rc) {
        snprintf(err, errlen, "building '%s': %s", dc->name, why);
        return rc == -EINVAL ? HERON_ECONFIG : HERON_EFAIL;
    }
    none.domid = id;
    xerr = xs_domain_write(env->xs, id, dc, &none, uuid);
    if (xerr) {
        snprintf(err, errlen, "writing the xenstore tree of domain %u: %s", id,
                 strerror(xerr));
        goto undo;
    }
    dm = start_dm(id, dc, why, sizeof(why));
    if (!dm) {
        snprintf(err, errlen, "domain %u: %s", id, why);
        goto undo;
    }
    xerr = record_dm(env->xs, id, dm);
    if (xerr) {
        kill(dm, SIGTERM);
        snprintf(err, errlen, "recording domain %u's device model: %s", id,
                 strerror(xerr));
        goto undo;
    }
    rc = env->hv->unpause(env->hv->ctx, id);
    if (rc) {
        snprintf(err, errlen, "unpausing domain %u: %s", id, strerror(-rc));
        goto undo;
    }
    *domid = id;
    return HERON_OK;
undo:
    domain_destroy(env, id);
    return HERON_EFAIL;
}

int domain_create(struct heron_env *env, const struct domain_cfg *dc, domid_t *domid,
                  char *err, size_t errlen)
{
    struct pv_build_request req = {
        .cmdline = dc->cmdline, .mem_kb = dc->memory_mb * 1024ull,
        .maxmem_kb = dc->maxmem_mb * 1024ull, .vcpus = dc->vcpus,
    };
    struct pv_build_result res;
    char why[256], uuid[37];
    void *kernel, *ramdisk = NULL;
    domid_t other;
    int rc, xerr;

    if (!xs_domain_by_name(env->xs, dc->name, &other)) {
        snprintf(err, errlen, "the name '%s' is in use by domain %u", dc->name, other);
        return HERON_EFAIL;
    }
    kernel = read_whole_file(dc->kernel, &req.kernel_len);
    if (!kernel) {
        snprintf(err, errlen, "cannot read kernel '%s': %s", dc->kernel, strerror(errno));
        return HERON_ECONFIG;
    }
    if (dc->ramdisk && !(ramdisk = read_whole_file(dc->ramdisk, &req.ramdisk_len))) {
        snprintf(err, errlen, "cannot read ramdisk '%s': %s", dc->ramdisk, strerror(errno));
        free(kernel);
        return HERON_ECONFIG;
    }
    if (dc->hvm) {
        rc = create_hvm(env, dc, kernel, req.kernel_len, ramdisk, req.ramdisk_len, domid,
                        err, errlen);
        free(kernel);
        free(ramdisk);
        return rc;
    }
    req.kernel = kernel;
    req.ramdisk = ramdisk;
    make_uuid(req.handle);
    uuid_format(req.handle, uuid);
    rc = pv_build(env->hv, &req, &res, why, sizeof(why));
    free(kernel);
    free(ramdisk);
    if (rc) {
        snprintf(err, errlen, "building '%s': %s", dc->name, why);
        return rc == -EINVAL ? HERON_ECONFIG : HERON_EFAIL;
    }
    xerr = xs_domain_write(env->xs, res.domid, dc, &res, uuid);
    if (xerr) {
        snprintf(err, errlen, "writing the xenstore tree of domain %u: %s", res.domid,
                 strerror(xerr));
        goto undo;
    }
    xerr = hxs_introduce(env->xs, res.domid, res.store_mfn, res.store_port);
    if (xerr) {
        snprintf(err, errlen, "introducing domain %u to xenstored: %s", res.domid,
                 strerror(xerr));
        goto undo;
    }
    rc = env->hv->unpause(env->hv->ctx, res.domid);
    if (rc) {
        snprintf(err, errlen, "unpausing domain %u: %s", res.domid, strerror(-rc));
        goto undo;
    }
    *domid = res.domid;
    return HERON_OK;
undo:
    domain_destroy(env, res.domid);
    return HERON_EFAIL;
}
