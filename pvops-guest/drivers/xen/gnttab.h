/* The kernel's grant table (gnttab.c), for frontends. */
#ifndef GUEST_GNTTAB_H
#define GUEST_GNTTAB_H

#include <public/grant_table.h>

#include "kernel.h"

int gnttab_init(void);                       /* 0 or -EIO */
/* A new grant of frame mfn to domid; 0 if the table is full. */
grant_ref_t gnttab_grant(domid_t domid, mfn_t mfn, bool readonly);
/* Revokes ref unless domid still maps it (then false, ref stays granted). */
bool gnttab_end(grant_ref_t ref);
/* Points granted ref at frame mfn instead, unless the other end maps it
 * (then false, ref unchanged). */
bool gnttab_retarget(grant_ref_t ref, mfn_t mfn, bool readonly);

#endif
