/*
 * The per-domain monitor `heron create` leaves behind (as xl does): it
 * watches its domain and applies on_poweroff / on_reboot / on_crash when
 * the domain shuts down.
 */
#ifndef TOOLSTACK_MONITOR_H
#define TOOLSTACK_MONITOR_H

#include "domain_cfg.h"
#include "heron.h"

enum monitor_action {
    MONITOR_WAIT,           /* still running (or paused): keep watching */
    MONITOR_GONE,           /* destroyed by someone else: stop */
    MONITOR_DESTROY,
    MONITOR_RESTART,        /* destroy, then create again from the config */
    MONITOR_PRESERVE,       /* leave it shut down for inspection: stop */
};

/*
 * What to do about a domain in this state (info NULL: it no longer
 * exists).  SHUTDOWN_poweroff follows on_poweroff, reboot on_reboot,
 * crash and watchdog on_crash; suspend waits.
 */
enum monitor_action monitor_decide(const xen_domctl_getdomaininfo_t *info,
                                   const struct domain_cfg *dc);

/*
 * Runs the monitor loop for domid until the domain is gone or preserved
 * (polls hv every interval_ms, and wakes on @releaseDomain).  Returns
 * HERON_OK, or HERON_EFAIL if a restart failed.
 */
int monitor_run(struct heron_env *env, const struct domain_cfg *dc, domid_t domid,
                unsigned int interval_ms);

#endif
