/*
 * The heron commands (heron.h).  Output on env->out is stable for
 * scripts; errors go to env->err as "heron: COMMAND: what".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <public/sched.h>

#include "console.h"
#include "console_proto.h"
#include "create.h"
#include "heron.h"
#include "monitor.h"
#include "xs_domain.h"

#define MAX_LIST 256

static int report(struct heron_env *env, const struct heron_cmd *cmd, int code,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int report(struct heron_env *env, const struct heron_cmd *cmd, int code,
                  const char *fmt, ...)
{
    va_list ap;

    fprintf(env->err, "heron: %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(env->err, fmt, ap);
    va_end(ap);
    fputc('\n', env->err);
    return code;
}

/* A domain by id (digits) or by name; dom0 is also "Domain-0". */
static int resolve(struct heron_env *env, const struct heron_cmd *cmd, domid_t *domid)
{
    const char *s = cmd->domain;
    xen_domctl_getdomaininfo_t info;
    char *end;
    unsigned long id;

    if (s[0] >= '0' && s[0] <= '9') {
        id = strtoul(s, &end, 10);
        if (*end || id >= DOMID_FIRST_RESERVED ||
            env->hv->domain_info(env->hv->ctx, (domid_t)id, &info))
            return report(env, cmd, HERON_ENODOMAIN, "no domain with id %s", s);
        *domid = (domid_t)id;
        return HERON_OK;
    }
    if (!strcmp(s, "Domain-0")) {
        *domid = 0;
        return HERON_OK;
    }
    if (xs_domain_by_name(env->xs, s, domid) ||
        env->hv->domain_info(env->hv->ctx, *domid, &info))
        return report(env, cmd, HERON_ENODOMAIN, "no domain named '%s'", s);
    return HERON_OK;
}

static int not_dom0(struct heron_env *env, const struct heron_cmd *cmd, domid_t domid)
{
    if (domid == 0)
        return report(env, cmd, HERON_EFAIL, "not for dom0");
    return HERON_OK;
}

/* xl's six state letters: running, blocked, paused, shutdown, crashed, dying. */
static void state_string(uint32_t flags, char out[7])
{
    unsigned int reason = (flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    bool down = flags & XEN_DOMINF_shutdown;

    snprintf(out, 7, "%c%c%c%c%c%c", flags & XEN_DOMINF_running ? 'r' : '-',
             flags & XEN_DOMINF_blocked ? 'b' : '-', flags & XEN_DOMINF_paused ? 'p' : '-',
             down && reason != SHUTDOWN_crash ? 's' : '-',
             down && reason == SHUTDOWN_crash ? 'c' : '-',
             flags & XEN_DOMINF_dying ? 'd' : '-');
}

static char *name_of(struct heron_env *env, domid_t domid)
{
    char *name = xs_domain_name(env->xs, domid);

    return name ? name : strdup(domid == 0 ? "Domain-0" : "(unnamed)");
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(out, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(out, "\\u%04x", *s);
        else
            fputc(*s, out);
    }
    fputc('"', out);
}

/* The domains to show: one (cmd->domain) or all. */
static int gather(struct heron_env *env, const struct heron_cmd *cmd,
                  xen_domctl_getdomaininfo_t *info, unsigned int *n)
{
    domid_t one;
    int rc;

    if (cmd->domain) {
        rc = resolve(env, cmd, &one);
        if (rc)
            return rc;
        rc = env->hv->domain_info(env->hv->ctx, one, info);
        *n = 1;
    } else {
        rc = env->hv->list_domains(env->hv->ctx, 0, info, MAX_LIST, n);
    }
    if (rc)
        return report(env, cmd, HERON_EFAIL, "listing domains: %s", strerror(-rc));
    return HERON_OK;
}

static int cmd_list(struct heron_env *env, const struct heron_cmd *cmd)
{
    xen_domctl_getdomaininfo_t *info = calloc(MAX_LIST, sizeof(*info));
    unsigned int n = 0;
    int rc = info ? gather(env, cmd, info, &n) : HERON_EFAIL;

    if (rc) {
        free(info);
        return rc;
    }
    if (cmd->json)
        fputc('[', env->out);
    else
        fprintf(env->out, "%-32s %5s %7s %5s %6s %10s\n", "Name", "ID", "Mem", "VCPUs",
                "State", "Time(s)");
    for (unsigned int i = 0; i < n; i++) {
        const xen_domctl_getdomaininfo_t *d = &info[i];
        char *name = name_of(env, d->domain), state[7];
        unsigned long long mem = d->tot_pages * 4 / 1024;
        double secs = d->cpu_time / 1e9;

        state_string(d->flags, state);
        if (cmd->json) {
            fprintf(env->out, "%s{\"id\":%u,\"name\":", i ? "," : "", d->domain);
            json_string(env->out, name);
            fprintf(env->out, ",\"memory_mb\":%llu,\"vcpus\":%u,\"state\":\"%s\","
                    "\"cpu_time_s\":%.3f}", mem, d->nr_online_vcpus, state, secs);
        } else {
            fprintf(env->out, "%-32s %5u %7llu %5u %6s %10.1f\n", name, d->domain, mem,
                    d->nr_online_vcpus, state, secs);
        }
        free(name);
    }
    if (cmd->json)
        fputs("]\n", env->out);
    free(info);
    return HERON_OK;
}

static int cmd_vcpu_list(struct heron_env *env, const struct heron_cmd *cmd)
{
    xen_domctl_getdomaininfo_t *info = calloc(MAX_LIST, sizeof(*info));
    unsigned int n = 0;
    int rc = info ? gather(env, cmd, info, &n) : HERON_EFAIL;

    if (rc) {
        free(info);
        return rc;
    }
    fprintf(env->out, "%-32s %5s %5s %5s %6s %10s\n", "Name", "ID", "VCPU", "CPU",
            "State", "Time(s)");
    for (unsigned int i = 0; i < n && !rc; i++) {
        char *name = name_of(env, info[i].domain);

        for (unsigned int v = 0; info[i].max_vcpu_id != XEN_INVALID_MAX_VCPU_ID &&
                                 v <= info[i].max_vcpu_id; v++) {
            struct xen_domctl_getvcpuinfo vi;
            int err = env->hv->vcpu_info(env->hv->ctx, info[i].domain, v, &vi);

            if (err) {
                rc = report(env, cmd, HERON_EFAIL, "vCPU %u of domain %u: %s", v,
                            info[i].domain, strerror(-err));
                break;
            }
            if (!vi.online)
                fprintf(env->out, "%-32s %5u %5u %5s %6s %10s\n", name, info[i].domain,
                        v, "-", "---", "-");
            else
                fprintf(env->out, "%-32s %5u %5u %5u %6s %10.1f\n", name,
                        info[i].domain, v, vi.cpu,
                        vi.running ? "r--" : vi.blocked ? "-b-" : "--p",
                        vi.cpu_time / 1e9);
        }
        free(name);
    }
    free(info);
    return rc;
}

static int cmd_info(struct heron_env *env, const struct heron_cmd *cmd)
{
    struct xen_sysctl_physinfo pi;
    int rc = env->hv->physinfo(env->hv->ctx, &pi);

    if (rc)
        return report(env, cmd, HERON_EFAIL, "physinfo: %s", strerror(-rc));
    fprintf(env->out, "%-20s: %u\n", "nr_cpus", pi.nr_cpus);
    fprintf(env->out, "%-20s: %u\n", "cores_per_socket", pi.cores_per_socket);
    fprintf(env->out, "%-20s: %u\n", "threads_per_core", pi.threads_per_core);
    fprintf(env->out, "%-20s: %u\n", "cpu_mhz", pi.cpu_khz / 1000);
    fprintf(env->out, "%-20s: %s%s%s\n", "virt_caps",
            pi.capabilities & XEN_SYSCTL_PHYSCAP_pv ? "pv " : "",
            pi.capabilities & XEN_SYSCTL_PHYSCAP_hvm ? "hvm " : "",
            pi.capabilities & XEN_SYSCTL_PHYSCAP_hap ? "hap" : "");
    fprintf(env->out, "%-20s: %llu\n", "total_memory",
            (unsigned long long)pi.total_pages * 4 / 1024);
    fprintf(env->out, "%-20s: %llu\n", "free_memory",
            (unsigned long long)pi.free_pages * 4 / 1024);
    return HERON_OK;
}

static int cmd_destroy(struct heron_env *env, const struct heron_cmd *cmd)
{
    domid_t domid;
    int rc = resolve(env, cmd, &domid);

    if (!rc)
        rc = not_dom0(env, cmd, domid);
    if (rc)
        return rc;
    rc = domain_destroy(env, domid);
    if (rc)
        return report(env, cmd, HERON_EFAIL, "domain %u: %s", domid, strerror(-rc));
    return HERON_OK;
}

static int cmd_pause(struct heron_env *env, const struct heron_cmd *cmd)
{
    domid_t domid;
    int rc = resolve(env, cmd, &domid);

    if (!rc)
        rc = not_dom0(env, cmd, domid);
    if (rc)
        return rc;
    rc = cmd->id == CMD_PAUSE ? env->hv->pause(env->hv->ctx, domid)
                              : env->hv->unpause(env->hv->ctx, domid);
    if (rc)
        return report(env, cmd, HERON_EFAIL, "domain %u: %s", domid, strerror(-rc));
    return HERON_OK;
}

/* shutdown / reboot: control/shutdown for the guest, or hv's remote_shutdown. */
static int cmd_shutdown(struct heron_env *env, const struct heron_cmd *cmd)
{
    const char *what = cmd->id == CMD_REBOOT ? "reboot" : "poweroff";
    xen_domctl_getdomaininfo_t info;
    char path[64];
    domid_t domid;
    int rc = resolve(env, cmd, &domid);

    if (!rc)
        rc = not_dom0(env, cmd, domid);
    if (rc)
        return rc;
    /* An HVM guest has no PV drivers to read control/shutdown (as xl
     * says: no graceful shutdown); -F is hv's hard one. */
    if (!cmd->force && !env->hv->domain_info(env->hv->ctx, domid, &info) &&
        (info.flags & XEN_DOMINF_hvm_guest))
        return report(env, cmd, HERON_EFAIL, "domain %u is an HVM domain without PV "
                      "drivers: no graceful %s; use -F (hv's %s of the domain)", domid,
                      what, what);
    if (cmd->force) {
        rc = env->hv->shutdown(env->hv->ctx, domid,
                               cmd->id == CMD_REBOOT ? SHUTDOWN_reboot : SHUTDOWN_poweroff);
        if (rc)
            return report(env, cmd, HERON_EFAIL, "domain %u: %s", domid, strerror(-rc));
    } else {
        snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", domid);
        rc = hxs_write(env->xs, 0, path, what, strlen(what));
        if (rc)
            return report(env, cmd, HERON_EFAIL, "writing %s: %s", path, strerror(rc));
    }
    while (cmd->wait && !env->hv->domain_info(env->hv->ctx, domid, &info))
        nanosleep(&(struct timespec){ .tv_nsec = 200000000 }, NULL);
    return HERON_OK;
}

static int cmd_mem_set(struct heron_env *env, const struct heron_cmd *cmd)
{
    char path[64], *max, val[24];
    unsigned long long max_kb;
    domid_t domid;
    int rc = resolve(env, cmd, &domid);

    if (rc)
        return rc;
    snprintf(path, sizeof(path), "/local/domain/%u/memory/static-max", domid);
    rc = hxs_read(env->xs, 0, path, &max, NULL);
    if (rc)
        return report(env, cmd, HERON_EFAIL, "reading %s: %s", path, strerror(rc));
    max_kb = strtoull(max, NULL, 10);
    free(max);
    if (cmd->mem_kb > max_kb)
        return report(env, cmd, HERON_EFAIL, "%llu KiB is above the domain's maxmem "
                      "(%llu KiB)", cmd->mem_kb, max_kb);
    snprintf(path, sizeof(path), "/local/domain/%u/memory/target", domid);
    snprintf(val, sizeof(val), "%llu", cmd->mem_kb);
    rc = hxs_write(env->xs, 0, path, val, strlen(val));
    if (rc)
        return report(env, cmd, HERON_EFAIL, "writing %s: %s", path, strerror(rc));
    return HERON_OK;
}

/* The monitor runs detached, logging to /var/log/heron/monitor-NAME.log. */
static void start_monitor(struct heron_env *env, const struct domain_cfg *dc,
                          domid_t domid)
{
    char log[256];
    pid_t pid = fork();
    int fd;

    if (pid != 0)
        return;
    setsid();
    mkdir(CONSOLE_LOG_DIR, 0755);
    snprintf(log, sizeof(log), CONSOLE_LOG_DIR "/monitor-%s.log", dc->name);
    fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    dup2(fd, STDIN_FILENO);
    env->xs = hxs_open(NULL);       /* the parent keeps using its connection */
    env->out = stdout;
    env->err = stderr;
    if (!env->xs)
        _exit(HERON_ENOENV);
    _exit(monitor_run(env, dc, domid, 1000));
}

static int cmd_create(struct heron_env *env, const struct heron_cmd *cmd)
{
    struct domain_cfg dc;
    char err[512];
    domid_t domid;
    int rc;

    if (domain_cfg_load(cmd->config, &dc, err, sizeof(err)))
        return report(env, cmd, HERON_ECONFIG, "%s", err);
    rc = domain_create(env, &dc, &domid, err, sizeof(err));
    if (rc) {
        domain_cfg_free(&dc);
        return report(env, cmd, rc, "%s", err);
    }
    fprintf(env->out, "created %s (id %u)\n", dc.name, domid);
    fflush(env->out);
    if (!cmd->no_monitor)
        start_monitor(env, &dc, domid);
    domain_cfg_free(&dc);
    return cmd->console ? console_attach(env, domid) : HERON_OK;
}

static int cmd_console(struct heron_env *env, const struct heron_cmd *cmd)
{
    domid_t domid;
    int rc = resolve(env, cmd, &domid);

    if (!rc)
        rc = not_dom0(env, cmd, domid);
    return rc ? rc : console_attach(env, domid);
}

int heron_run(struct heron_env *env, const struct heron_cmd *cmd)
{
    switch (cmd->id) {
    case CMD_HELP:      return heron_help(env->out, cmd->topic);
    case CMD_CREATE:    return cmd_create(env, cmd);
    case CMD_LIST:      return cmd_list(env, cmd);
    case CMD_DESTROY:   return cmd_destroy(env, cmd);
    case CMD_SHUTDOWN:
    case CMD_REBOOT:    return cmd_shutdown(env, cmd);
    case CMD_PAUSE:
    case CMD_UNPAUSE:   return cmd_pause(env, cmd);
    case CMD_CONSOLE:   return cmd_console(env, cmd);
    case CMD_MEM_SET:   return cmd_mem_set(env, cmd);
    case CMD_VCPU_LIST: return cmd_vcpu_list(env, cmd);
    case CMD_INFO:      return cmd_info(env, cmd);
    }
    return HERON_EUSAGE;
}
