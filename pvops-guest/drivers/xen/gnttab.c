/*
 * The kernel's own grant table (v1), for its frontends: frame 0 of the
 * table, which the toolstack already set up (its entries 0 and 1 grant
 * the console and store pages, as Xen's builder does), mapped over a page
 * of the kernel image as shared_info is.  Entries below
 * GNTTAB_NR_RESERVED are the toolstack's; the rest are handed out here.
 */
#include <public/grant_table.h>

#include "gnttab.h"
#include "hypercall.h"
#include "lib.h"
#include "mm.h"
#include "pv.h"
#include "uapi.h"

#define GNTTAB_NR_RESERVED 8     /* as Linux: the toolstack's entries */
#define NR_ENTRIES (PAGE_SIZE / sizeof(struct grant_entry_v1))

static uint8_t table_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static volatile struct grant_entry_v1 *table;
static bool used[NR_ENTRIES];

int gnttab_init(void)
{
	uint64_t mfn = 0;
	struct gnttab_setup_table op = { .dom = DOMID_SELF, .nr_frames = 1,
					 .frame_list = HPTR(&mfn) };
	long rc;

	if (table)
		return 0;
	rc = hypercall3(HYPERCALL(grant_table_op), GNTTABOP_setup_table, HPTR(&op), 1);
	if (rc || op.status) {
		printk("gnttab: setup_table: %ld/%d\n", rc, op.status);
		return -EIO;
	}
	rc = hypercall3(HYPERCALL(update_va_mapping), HPTR(table_page),
			(mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
			_PAGE_DIRTY | _PAGE_NX, UVMF_INVLPG);
	if (rc) {
		printk("gnttab: mapping the table frame: %ld\n", rc);
		return -EIO;
	}
	table = (volatile struct grant_entry_v1 *)table_page;
	return 0;
}

grant_ref_t gnttab_grant(domid_t domid, mfn_t mfn, bool readonly)
{
	for (grant_ref_t ref = GNTTAB_NR_RESERVED; ref < NR_ENTRIES; ref++) {
		if (used[ref])
			continue;
		used[ref] = true;
		table[ref].domid = domid;
		table[ref].frame = (uint32_t)mfn;
		/* flags last: the entry is valid only once domid and frame are */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		table[ref].flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
		return ref;
	}
	return 0;
}

/* Clears ref's flags unless the other end maps it (hv sets reading/writing). */
static bool revoke(grant_ref_t ref)
{
	uint16_t flags = table[ref].flags;

	do {
		if (flags & (GTF_reading | GTF_writing))
			return false;
	} while (!__atomic_compare_exchange_n(&table[ref].flags, &flags, 0, false,
					      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	return true;
}

bool gnttab_end(grant_ref_t ref)
{
	if (!revoke(ref))
		return false;
	used[ref] = false;
	return true;
}

/* Revoked while the frame changes, so it is never seen half made. */
bool gnttab_retarget(grant_ref_t ref, mfn_t mfn, bool readonly)
{
	if (!revoke(ref))
		return false;
	table[ref].frame = (uint32_t)mfn;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	table[ref].flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
	return true;
}
