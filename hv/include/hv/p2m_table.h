/*
 * Second-level (guest-physical to host-physical) page tables built from an
 * HVM domain's p2m: one builder for AMD's nested page tables and Intel's
 * EPT, which differ only in how an entry spells "present", "table",
 * "leaf" and "2 MiB page".
 */
#ifndef HV_P2M_TABLE_H
#define HV_P2M_TABLE_H

#include <hv/types.h>

struct hvm_memory;

struct p2m_table_format {
    u64 present;        /* an entry with this bit set is in use */
    u64 table;          /* flags of an entry that points at a table */
    u64 leaf;           /* flags of a 4 KiB or 2 MiB mapping */
    u64 large;          /* the 2 MiB-page bit of an L2 leaf */
    bool superpages;    /* may 2 MiB leaves be used at all */
};

/*
 * Maps the p2m's RAM and nothing else into a new 4-level table whose root
 * frame goes to *root (set before any lower table is made, so a partial
 * build on -ENOMEM is still freed by p2m_table_free).
 */
int p2m_table_build(const struct hvm_memory *m, const struct p2m_table_format *f,
                    mfn_t *root);
void p2m_table_free(const struct p2m_table_format *f, mfn_t *root);
/*
 * Points gpfn at mfn (INVALID_MFN: unmapped) in the table at root; a
 * 2 MiB leaf covering it is split into 4 KiB ones first.  0 or -ENOMEM
 * (then the mapping is unchanged).  The caller flushes the guest's TLB.
 */
int p2m_table_set(const struct p2m_table_format *f, mfn_t root, u64 gpfn, mfn_t mfn);

#endif
