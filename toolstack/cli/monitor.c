/* The per-domain monitor (monitor.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <public/sched.h>

#include "create.h"
#include "monitor.h"

static enum monitor_action for_policy(enum domain_action a)
{
    switch (a) {
    case ACTION_RESTART:
        return MONITOR_RESTART;
    case ACTION_PRESERVE:
        return MONITOR_PRESERVE;
    default:
        return MONITOR_DESTROY;
    }
}

enum monitor_action monitor_decide(const xen_domctl_getdomaininfo_t *info,
                                   const struct domain_cfg *dc)
{
    unsigned int reason;

    if (!info)
        return MONITOR_GONE;
    if (info->flags & XEN_DOMINF_dying)
        return MONITOR_GONE;
    if (!(info->flags & XEN_DOMINF_shutdown))
        return MONITOR_WAIT;
    reason = (info->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    switch (reason) {
    case SHUTDOWN_poweroff:
        return for_policy(dc->on_poweroff);
    case SHUTDOWN_reboot:
        return for_policy(dc->on_reboot);
    case SHUTDOWN_crash:
    case SHUTDOWN_watchdog:
        return for_policy(dc->on_crash);
    default:
        return MONITOR_WAIT;    /* suspend, soft_reset: not handled yet */
    }
}

int monitor_run(struct heron_env *env, const struct domain_cfg *dc, domid_t domid,
                unsigned int interval_ms)
{
    char err[512];
    int rc = hxs_watch(env->xs, "@releaseDomain", "heron-monitor");

    if (rc)
        fprintf(env->err, "heron monitor: no @releaseDomain watch (%s); polling\n",
                strerror(rc));
    for (;;) {
        xen_domctl_getdomaininfo_t info;
        char *path, *token;
        enum monitor_action act;

        rc = env->hv->domain_info(env->hv->ctx, domid, &info);
        act = monitor_decide(rc ? NULL : &info, dc);
        switch (act) {
        case MONITOR_WAIT:
            if (!hxs_read_watch(env->xs, &path, &token, (int)interval_ms)) {
                free(path);
                free(token);
            }
            continue;
        case MONITOR_GONE:
            return HERON_OK;
        case MONITOR_PRESERVE:
            fprintf(env->err, "heron monitor: domain %u (%s) shut down; preserved\n",
                    domid, dc->name);
            return HERON_OK;
        case MONITOR_DESTROY:
            fprintf(env->err, "heron monitor: domain %u (%s) shut down; destroying\n",
                    domid, dc->name);
            domain_destroy(env, domid);
            return HERON_OK;
        case MONITOR_RESTART:
            fprintf(env->err, "heron monitor: domain %u (%s) shut down; restarting\n",
                    domid, dc->name);
            domain_destroy(env, domid);
            rc = domain_create(env, dc, &domid, err, sizeof(err));
            if (rc) {
                fprintf(env->err, "heron monitor: restarting %s: %s\n", dc->name, err);
                return HERON_EFAIL;
            }
            fprintf(env->err, "heron monitor: %s restarted as domain %u\n", dc->name,
                    domid);
            continue;
        }
    }
}
