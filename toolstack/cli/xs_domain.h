/*
 * A domain's xenstore tree as Xen's libxl writes it for a PV domU, and
 * finding domains by name or id.
 */
#ifndef TOOLSTACK_XS_DOMAIN_H
#define TOOLSTACK_XS_DOMAIN_H

#include "domain_cfg.h"
#include "hvops.h"
#include "pv_builder.h"
#include "xs.h"

/*
 * Writes, in one transaction: under /local/domain/N name, domid, vm,
 * memory, cpu/I/availability, store, console, control, device/vbd and
 * device/vif, data, drivers, feature, attr, error; the disk and vif backends'
 * directories under /local/domain/0/backend, /vm/UUID/{uuid, name,
 * image/ostype, start_time}, /libxl/N/{type, device/...}.  Returns 0 or
 * an errno; on failure nothing is written.
 */
int xs_domain_write(struct hxs *xs, domid_t domid, const struct domain_cfg *dc,
                    const struct pv_build_result *r, const char *uuid);

/* Removes everything xs_domain_write wrote.  Returns 0 or an errno. */
int xs_domain_remove(struct hxs *xs, domid_t domid);

/* The name in /local/domain/N/name (malloc'd), or NULL. */
char *xs_domain_name(struct hxs *xs, domid_t domid);

/* The domain whose name is name (any domid < DOMID_FIRST_RESERVED). */
int xs_domain_by_name(struct hxs *xs, const char *name, domid_t *domid);

/* 36-character UUID text of 16 bytes. */
void uuid_format(const uint8_t u[16], char out[37]);

#endif
