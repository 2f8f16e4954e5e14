/*
 * Grant tables as the rest of hv uses them (the hypercall interface is
 * do_grant_table_op).  Implemented in hv/common/grant_table*.c.
 */
#ifndef HV_GRANT_TABLE_H
#define HV_GRANT_TABLE_H

#include <hv/domain.h>

int grant_table_init(struct domain *d);
/* Drops every mapping d holds of others' grants; frees d's table. */
void grant_table_destroy(struct domain *d);

/* The MFN of grant-table frame idx of d, growing the table if needed
 * (builders pre-fill entries 0 and 1 for console and xenstore). */
int grant_table_frame(struct domain *d, unsigned int idx, mfn_t *mfn);

long do_grant_table_op(unsigned int cmd, xen_guest_handle_t uops,
                       unsigned int count);

#endif
