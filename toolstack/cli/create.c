/*
 * Domain creation and destruction (create.h).  The order is libxl's:
 * build (paused), write the xenstore tree, INTRODUCE, unpause.  Every
 * step after the build has an undo, run in reverse on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "create.h"
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

/* The tree goes before RELEASE: @releaseDomain then finds the home gone,
 * so heron-consoled lets go of the console grant at once and hv can free
 * every frame. */
int domain_destroy(struct heron_env *env, domid_t domid)
{
    xs_domain_remove(env->xs, domid);
    hxs_release(env->xs, domid);            /* ENOENT: never introduced */
    return env->hv->destroy(env->hv->ctx, domid);
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
