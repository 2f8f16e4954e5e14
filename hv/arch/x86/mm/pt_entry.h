/* References held by one guest page-table entry (pt_validate.c). */
#ifndef HV_ARCH_X86_MM_PT_ENTRY_H
#define HV_ARCH_X86_MM_PT_ENTRY_H

#include "private.h"

bool pte_flags_ok(pte_t e, unsigned int level);
int get_page_from_pte(pte_t e, unsigned int level,
                      const struct domain *pt_owner,
                      const struct domain *pg_owner);
void put_page_from_pte(pte_t e, unsigned int level);

#endif
