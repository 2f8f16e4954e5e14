/* Grant tables (v1) for PV test guests: our own table and entry helpers. */
#ifndef GUEST_GRANT_H
#define GUEST_GRANT_H

#include "guest.h"
#include <public/grant_table.h>

/* Our grant table, mapped by gnttab_init(); NULL before. */
extern volatile grant_entry_v1_t *gnttab;
extern unsigned int gnttab_nr_frames;

long gnttab_op(unsigned int cmd, void *ops, unsigned int count);
/* Sets up and maps `nr_frames` frames of our table; panics on failure. */
void gnttab_init(unsigned int nr_frames);

/* Grants `domid` access to `mfn` through entry `ref`: frame, then flags. */
void gnttab_grant(grant_ref_t ref, domid_t domid, uint64_t mfn, bool readonly);
/* Revokes an entry unless the peer is using it; 0 or -XEN_EBUSY. */
long gnttab_revoke(grant_ref_t ref);

#endif
