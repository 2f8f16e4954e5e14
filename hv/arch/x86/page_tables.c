/*
 * hv's page tables: the idle L4 every CPU runs on while no guest is
 * loaded, and whose hypervisor-hole slots (256-271) every guest L4 copies.
 * All 16 slots get their L3 table at boot, so later mappings anywhere in
 * the hole appear in every address space without touching guest L4s.
 *
 * Tables are reached through the direct map: before paging_init() that is
 * the boot mapping of the first 4 GiB (and the boot allocator stays there).
 */
#include <hv/mapping.h>
#include <hv/bootinfo.h>
#include <hv/cpufeature.h>
#include <hv/processor.h>
#include <hv/flushtlb.h>
#include <hv/percpu.h>
#include <hv/spinlock.h>
#include <hv/errno.h>
#include <hv/page.h>
#include <hv/lib.h>

#define MAP_VALID_FLAGS (MAP_RW | MAP_USER | MAP_NX | MAP_SMALL_PAGES | MAP_CACHE_MASK)
#define TABLE_FLAGS     (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

static spinlock_t map_lock = SPIN_LOCK_UNLOCKED;
static intpte_t *idle_l4;
static paddr_t idle_l4_ma;

static mfn_t boot_pt_page(void)
{
    return maddr_to_mfn(boot_alloc_pages(1));
}

static pt_page_source_t pt_page_source = boot_pt_page;

void set_pt_page_source(pt_page_source_t fn)
{
    pt_page_source = fn;
}

__hot_path paddr_t idle_pg_table_maddr(void)
{
    return idle_l4_ma;
}

static intpte_t *table_of(intpte_t e)
{
    return maddr_to_virt(e & PTE_ADDR_MASK);
}

/* Leaf entry flags for `flags` at `level` (1: 4 KiB, 2: 2 MiB, 3: 1 GiB). */
static intpte_t leaf_flags(unsigned int flags, unsigned int level, unsigned long va)
{
    unsigned int cache = (flags & MAP_CACHE_MASK) >> MAP_CACHE_SHIFT;
    intpte_t f = _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY;

    if (flags & MAP_RW)
        f |= _PAGE_RW;
    if (flags & MAP_USER)
        f |= _PAGE_USER;
    if ((flags & MAP_NX) && cpu_has_nx)
        f |= _PAGE_NX;
    if (va >= HYPERVISOR_VIRT_START && va < HYPERVISOR_VIRT_END)
        f |= _PAGE_GLOBAL;
    if (cache & 1)
        f |= _PAGE_PWT;
    if (cache & 2)
        f |= _PAGE_PCD;
    if (cache & 4)
        f |= level == 1 ? _PAGE_PAT : _PAGE_PAT_LARGE;
    if (level > 1)
        f |= _PAGE_PSE;
    return f;
}

static bool is_superpage(intpte_t e, unsigned int level)
{
    return level > 1 && (e & _PAGE_PRESENT) && (e & _PAGE_PSE);
}

/* Replaces the superpage at *entry (a level-`level` entry) by a table of
 * the next level mapping the same memory. */
static int split_superpage(intpte_t *entry, unsigned int level)
{
    unsigned long child_size = 1UL << (L1_PAGETABLE_SHIFT + 9 * (level - 2));
    intpte_t e = *entry, flags, *t;
    paddr_t base;
    mfn_t mfn = pt_page_source();

    if (mfn == INVALID_MFN)
        return -ENOMEM;
    t = mfn_to_virt(mfn);
    base = e & PTE_ADDR_MASK & ~((child_size << 9) - 1);
    flags = e & ~PTE_ADDR_MASK;
    if (level == 2) {
        /* Children are 4 KiB entries: no PSE, PAT moves to bit 7. */
        flags &= ~(_PAGE_PSE | _PAGE_PAT_LARGE);
        if (e & _PAGE_PAT_LARGE)
            flags |= _PAGE_PAT;
    } else {
        flags |= e & _PAGE_PAT_LARGE;
    }
    for (unsigned int i = 0; i < PAGETABLE_ENTRIES; i++)
        t[i] = (base + i * child_size) | flags;
    *entry = mfn_to_maddr(mfn) | TABLE_FLAGS | (e & _PAGE_USER);
    flush_tlb_all();
    return 0;
}

/* The table an entry points to; allocates or splits as needed (alloc), or
 * returns NULL for a non-present entry (!alloc). */
static intpte_t *next_table(intpte_t *entry, unsigned int level,
                            unsigned int flags, bool alloc, int *rc)
{
    *rc = 0;
    if (!(*entry & _PAGE_PRESENT)) {
        mfn_t mfn;

        if (!alloc)
            return NULL;
        mfn = pt_page_source();
        if (mfn == INVALID_MFN) {
            *rc = -ENOMEM;
            return NULL;
        }
        *entry = mfn_to_maddr(mfn) | TABLE_FLAGS;
    } else if (is_superpage(*entry, level)) {
        *rc = split_superpage(entry, level);
        if (*rc)
            return NULL;
    }
    if (flags & MAP_USER)
        *entry |= _PAGE_USER;
    return table_of(*entry);
}

static bool range_ok(unsigned long va, unsigned long nr)
{
    unsigned long last = va + nr * PAGE_SIZE - 1;

    return !(va & ~PAGE_MASK) && nr && nr <= (1UL << 36) && last > va &&
           is_canonical_address(va) && is_canonical_address(last) &&
           ((va ^ last) >> 63) == 0;
}

static bool can_use_superpage(unsigned long va, mfn_t mfn, unsigned long nr,
                              unsigned int flags, unsigned int level)
{
    unsigned long pages = 1UL << (9 * (level - 1));

    if (flags & MAP_SMALL_PAGES)
        return false;
    if (level == 3 && !cpu_has_page1gb)
        return false;
    return !((va >> PAGE_SHIFT) & (pages - 1)) && !(mfn & (pages - 1)) &&
           nr >= pages;
}

/* Sets a leaf; returns true if a mapping was replaced (TLB flush needed). */
static bool set_leaf(intpte_t *entry, intpte_t val)
{
    bool was_present = *entry & _PAGE_PRESENT;

    *entry = val;
    return was_present;
}

int map_pages_to_hv(unsigned long va, mfn_t mfn, unsigned long nr,
                    unsigned int flags)
{
    bool flush = false;
    int rc = 0;

    if (!range_ok(va, nr) || (flags & ~MAP_VALID_FLAGS) ||
        ((flags & MAP_CACHE_MASK) >> MAP_CACHE_SHIFT) > 5 ||
        mfn + nr > (1UL << (PADDR_BITS - PAGE_SHIFT)))
        return -EINVAL;

    spin_lock(&map_lock);
    while (nr) {
        intpte_t *l3, *l2, *l1;
        unsigned long pages;

        l3 = next_table(&idle_l4[l4_table_offset(va)], 4, flags, true, &rc);
        if (!l3)
            break;
        if (can_use_superpage(va, mfn, nr, flags, 3)) {
            flush |= set_leaf(&l3[l3_table_offset(va)],
                              mfn_to_maddr(mfn) | leaf_flags(flags, 3, va));
            pages = 1UL << 18;
            goto next;
        }
        l2 = next_table(&l3[l3_table_offset(va)], 3, flags, true, &rc);
        if (!l2)
            break;
        if (can_use_superpage(va, mfn, nr, flags, 2)) {
            flush |= set_leaf(&l2[l2_table_offset(va)],
                              mfn_to_maddr(mfn) | leaf_flags(flags, 2, va));
            pages = 1UL << 9;
            goto next;
        }
        l1 = next_table(&l2[l2_table_offset(va)], 2, flags, true, &rc);
        if (!l1)
            break;
        flush |= set_leaf(&l1[l1_table_offset(va)],
                          mfn_to_maddr(mfn) | leaf_flags(flags, 1, va));
        pages = 1;
    next:
        va += pages << PAGE_SHIFT;
        mfn += pages;
        nr -= pages;
    }
    if (flush)
        flush_tlb_all();
    spin_unlock(&map_lock);
    return rc;
}

int unmap_pages_from_hv(unsigned long va, unsigned long nr)
{
    int rc = 0;

    if (!range_ok(va, nr))
        return -EINVAL;

    spin_lock(&map_lock);
    while (nr) {
        intpte_t *l4e = &idle_l4[l4_table_offset(va)], *l3e, *l2e;
        unsigned long pages;

        /* An absent or whole superpage entry covers `pages` at once. */
        pages = 1UL << 27;
        if (!(*l4e & _PAGE_PRESENT))
            goto skip;
        l3e = &table_of(*l4e)[l3_table_offset(va)];
        pages = 1UL << 18;
        if (!(*l3e & _PAGE_PRESENT))
            goto skip;
        if (is_superpage(*l3e, 3)) {
            if (!((va >> PAGE_SHIFT) & (pages - 1)) && nr >= pages) {
                *l3e = 0;
                goto skip;
            }
            rc = split_superpage(l3e, 3);
            if (rc)
                break;
        }
        l2e = &table_of(*l3e)[l2_table_offset(va)];
        pages = 1UL << 9;
        if (!(*l2e & _PAGE_PRESENT))
            goto skip;
        if (is_superpage(*l2e, 2)) {
            if (!((va >> PAGE_SHIFT) & (pages - 1)) && nr >= pages) {
                *l2e = 0;
                goto skip;
            }
            rc = split_superpage(l2e, 2);
            if (rc)
                break;
        }
        table_of(*l2e)[l1_table_offset(va)] = 0;
        pages = 1;
    skip:
        /* Advance to the end of the skipped entry, not past the range. */
        pages -= (va >> PAGE_SHIFT) & (pages - 1);
        pages = min(pages, nr);
        va += pages << PAGE_SHIFT;
        nr -= pages;
    }
    flush_tlb_all();
    spin_unlock(&map_lock);
    return rc;
}

void *ioremap(paddr_t pa, size_t len)
{
    static unsigned long next = IOREMAP_VIRT_START;
    paddr_t start = ROUNDDOWN(pa, PAGE_SIZE);
    unsigned long nr = (ROUNDUP(pa + len, PAGE_SIZE) - start) >> PAGE_SHIFT;
    unsigned long va;

    spin_lock(&map_lock);
    va = next;
    if (va + (nr << PAGE_SHIFT) > IOREMAP_VIRT_END)
        panic("ioremap: area exhausted");
    next += (nr + 1) << PAGE_SHIFT;         /* one guard page between */
    spin_unlock(&map_lock);
    if (map_pages_to_hv(va, maddr_to_mfn(start), nr, PAGE_HV_UC | MAP_SMALL_PAGES))
        panic("ioremap: cannot map %016lx", pa);
    return (void *)(va + (pa - start));
}

static void map_or_panic(unsigned long va, paddr_t pa, unsigned long size,
                         unsigned int flags, const char *what)
{
    int rc = map_pages_to_hv(va, maddr_to_mfn(pa), size >> PAGE_SHIFT, flags);

    if (rc)
        panic("paging: cannot map %s: %d", what, rc);
}

static void map_direct(paddr_t start, paddr_t end)
{
    start = ROUNDDOWN(start, PAGE_SIZE);
    end = ROUNDUP(end, PAGE_SIZE);
    if (end > DIRECTMAP_SIZE)
        panic("paging: memory above %lu GiB cannot be direct-mapped",
              DIRECTMAP_SIZE >> 30);
    map_or_panic(DIRECTMAP_VIRT_START + start, start, end - start, PAGE_HV_RW,
                 "the direct map");
}

static void map_image_part(const char *s, const char *e, unsigned int flags,
                           const char *what)
{
    map_or_panic((unsigned long)s, virt_to_maddr(s), e - s, flags, what);
}

void paging_init(void)
{
    unsigned long slot;
    unsigned int i;

    idle_l4_ma = boot_alloc_pages(1);
    idle_l4 = maddr_to_virt(idle_l4_ma);
    for (slot = HV_FIRST_L4_SLOT; slot <= HV_LAST_L4_SLOT; slot++)
        idle_l4[slot] = boot_alloc_pages(1) | TABLE_FLAGS;

    /* The whole first 4 GiB (firmware tables, legacy areas) and every
     * range the firmware describes above it. */
    map_direct(0, GB(4));
    for (i = 0; i < bootinfo.nr_e820; i++)
        if (bootinfo.e820[i].end > GB(4))
            map_direct(max(bootinfo.e820[i].start, GB(4)), bootinfo.e820[i].end);

    map_image_part(__image_start, __text_end, PAGE_HV_RX, "hv text");
    map_image_part(__text_end, __rodata_end, PAGE_HV_RO, "hv rodata");
    map_image_part(__rodata_end, __bss_end, PAGE_HV_RW, "hv data");

    /* A stack overflow must fault (and become a #DF on its IST stack). */
    if (unmap_pages_from_hv((unsigned long)cpu0_stack + STACK_GUARD_PAGE * PAGE_SIZE, 1))
        panic("paging: cannot unmap the stack guard page");

    write_cr3(idle_l4_ma);
    flush_tlb_all();
    boot_alloc_set_limit(~0UL);
    printk("paging: hv page tables live (L4 at %016lx), direct map up to %016lx\n",
           idle_l4_ma, max(GB(4), bootinfo.max_ram_addr));
}
