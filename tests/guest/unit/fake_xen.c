/* The simulated PV machine (see fake_xen.h). */
#include <stdlib.h>
#include <string.h>

#include "fake_xen.h"

#define P 0x1UL
#define W 0x2UL
#define ADDR 0x000ffffffffff000UL
#define NO_PFN ((pfn_t)-1)

struct fake_xen fx;

void *fx_frame(pfn_t pfn)
{
	return fx.mem + pfn * 4096;
}

static pfn_t mfn_pfn(uint64_t mfn)
{
	if (mfn < FX_MFN_BASE || mfn >= FX_MFN_BASE + FX_PAGES)
		return NO_PFN;
	return fx.m2p[mfn];
}

void fx_init(pfn_t p2m_pfn)
{
	xen_pfn_t *p2m;

	free(fx.mem);
	memset(&fx, 0, sizeof(fx));
	fx.mem = aligned_alloc(4096, FX_PAGES * 4096);
	memset(fx.mem, 0, FX_PAGES * 4096);
	p2m = fx_frame(p2m_pfn);
	for (pfn_t p = 0; p < FX_PAGES; p++) {
		fx.m2p[p + FX_MFN_BASE] = p;
		p2m[p] = p + FX_MFN_BASE;
		fx.writable[p] = true;
	}
}

/* Marks the tables of root's tree and the frames its L1s map writable. */
static void collect(pfn_t table, int level, bool *tables, bool *rw)
{
	const uint64_t *e = fx_frame(table);

	tables[table] = true;
	for (int i = 0; i < 512; i++) {
		pfn_t p;

		if (level == 4 && i >= 256 && i < 272)
			continue;                     /* the hypervisor's slots */
		if (!(e[i] & P) || (p = mfn_pfn((e[i] & ADDR) >> 12)) == NO_PFN)
			continue;
		if (level == 1) {
			if (e[i] & W)
				rw[p] = true;
		} else if (!tables[p]) {
			collect(p, level - 1, tables, rw);
		}
	}
}

bool fx_in_tree(pfn_t root, pfn_t pfn)
{
	static bool tables[FX_PAGES], rw[FX_PAGES];

	memset(tables, 0, sizeof(tables));
	memset(rw, 0, sizeof(rw));
	collect(root, 4, tables, rw);
	return tables[pfn];
}

/* Xen's rule over every pinned or loaded tree; returns 0 or -EINVAL. */
static long check_types(void)
{
	static bool tables[FX_PAGES], rw[FX_PAGES];

	memset(tables, 0, sizeof(tables));
	memset(rw, 0, sizeof(rw));
	for (pfn_t p = 0; p < FX_PAGES; p++)
		if (fx.pinned[p] || p == fx.base || (fx.user_base && p == fx.user_base))
			collect(p, 4, tables, rw);
	for (pfn_t p = 0; p < FX_PAGES; p++)
		if (tables[p] && (rw[p] || fx.writable[p]))
			return -22;
	return 0;
}

static void log_call(uint64_t op, unsigned int cmd, uint64_t arg, uint64_t val)
{
	if (fx.nr_log < FX_MAX_LOG)
		fx.log[fx.nr_log++] = (struct fx_call){ op, cmd, arg, val };
}

static long mmu_update(const struct mmu_update *u, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		pfn_t p = mfn_pfn(u[i].ptr >> 12);

		if ((u[i].ptr & 7) != MMU_NORMAL_PT_UPDATE || p == NO_PFN)
			return -22;
		*(uint64_t *)((uint8_t *)fx_frame(p) + (u[i].ptr & 0xff8)) = u[i].val;
		log_call(__HYPERVISOR_mmu_update, 0, p, u[i].val);
	}
	return 0;
}

static long mmuext(const struct mmuext_op *o, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uint64_t a = o[i].arg1.mfn;
		pfn_t p = mfn_pfn(a);
		bool by_mfn = o[i].cmd != MMUEXT_INVLPG_LOCAL && o[i].cmd != MMUEXT_TLB_FLUSH_LOCAL;

		log_call(__HYPERVISOR_mmuext_op, o[i].cmd, by_mfn ? p : a, 0);
		switch (o[i].cmd) {
		case MMUEXT_PIN_L4_TABLE:
			if (p == NO_PFN || fx.pinned[p])
				return -22;
			fx.pinned[p] = true;
			break;
		case MMUEXT_UNPIN_TABLE:
			if (p == NO_PFN || !fx.pinned[p])
				return -22;
			fx.pinned[p] = false;
			break;
		case MMUEXT_NEW_BASEPTR:
			if (p == NO_PFN)
				return -22;
			fx.base = p;
			break;
		case MMUEXT_NEW_USER_BASEPTR:
			if (a && p == NO_PFN)
				return -22;
			fx.user_base = a ? p : 0;
			break;
		case MMUEXT_INVLPG_LOCAL:
		case MMUEXT_TLB_FLUSH_LOCAL:
			break;
		default:
			return -38;
		}
	}
	return 0;
}

/* The L1 entry for va in the loaded tree, or NULL. */
static uint64_t *current_l1e(uint64_t va)
{
	pfn_t t = fx.base;

	for (int level = 4; level > 1; level--) {
		uint64_t e = ((uint64_t *)fx_frame(t))[(va >> (12 + 9 * (level - 1))) & 511];

		if (!(e & P) || (t = mfn_pfn((e & ADDR) >> 12)) == NO_PFN)
			return NULL;
	}
	return &((uint64_t *)fx_frame(t))[(va >> 12) & 511];
}

/*
 * A VA inside our memory window stands for the frame's page in the guest's
 * current mapping: the direct map once the guest's own tables are loaded
 * (so the entry in them changes too), the builder's mapping before.
 */
static long update_va_mapping(uint64_t va, uint64_t val)
{
	uintptr_t mem = (uintptr_t)fx.mem;
	uint64_t *e;

	log_call(__HYPERVISOR_update_va_mapping, 0, va, val);
	if (va < mem || va >= mem + FX_PAGES * 4096) {
		fx.special_va = va;
		fx.special_maddr = val;
		return 0;
	}
	if (mfn_pfn((val & ADDR) >> 12) != (va - mem) / 4096)
		return -22;
	fx.writable[(va - mem) / 4096] = (val & (P | W)) == (P | W);
	e = current_l1e(DIRECT_MAP_BASE + (va - mem));
	if (e)
		*e = val;
	return 0;
}

void fx_issue(struct multicall_entry *calls, unsigned int n)
{
	fx.nr_issues++;
	for (unsigned int i = 0; i < n; i++) {
		struct multicall_entry *c = &calls[i];

		switch (c->op) {
		case __HYPERVISOR_mmu_update:
			c->result = mmu_update((const void *)(uintptr_t)c->args[0], c->args[1]);
			break;
		case __HYPERVISOR_mmuext_op:
			c->result = mmuext((const void *)(uintptr_t)c->args[0], c->args[1]);
			break;
		case __HYPERVISOR_update_va_mapping:
			c->result = update_va_mapping(c->args[0], c->args[1]);
			break;
		default:
			log_call(c->op, 0, c->args[0], c->args[1]);
			c->result = 0;
			break;
		}
		if (!c->result)
			c->result = check_types();
		if (c->result)
			fx.error = c->result;
	}
}

int fx_find(unsigned int from, uint64_t op, unsigned int cmd, uint64_t arg)
{
	for (unsigned int i = from; i < fx.nr_log; i++)
		if (fx.log[i].op == op && fx.log[i].cmd == cmd && fx.log[i].arg == arg)
			return i;
	return -1;
}
