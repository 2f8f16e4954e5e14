/*
 * The boot allocator: a bump pointer over bootinfo.ram, above everything
 * already reserved (first MiB, hv image, modules).  It serves the page
 * tables and other boot-time pages until the heap exists; whatever it hands
 * out is recorded in bootinfo.reserved so the heap never reuses it.
 */
#include <hv/bootinfo.h>
#include <hv/page.h>
#include <hv/lib.h>

static paddr_t alloc_next;          /* lowest address still free */
static paddr_t alloc_limit;         /* allocations stay below this */
static bool alloc_finished;

void bootinfo_reserve(paddr_t start, paddr_t end)
{
    struct mem_range *r = bootinfo.reserved;
    unsigned int i, n = bootinfo.nr_reserved;

    start = ROUNDDOWN(start, PAGE_SIZE);
    end = ROUNDUP(end, PAGE_SIZE);
    if (start >= end)
        return;
    /* Keep the list sorted; merge with overlapping or touching ranges. */
    for (i = 0; i < n && r[i].end < start; i++)
        ;
    if (i < n && r[i].start <= end) {
        r[i].start = min(r[i].start, start);
        r[i].end = max(r[i].end, end);
        while (i + 1 < n && r[i + 1].start <= r[i].end) {
            r[i].end = max(r[i].end, r[i + 1].end);
            memmove(&r[i + 1], &r[i + 2], (n - i - 2) * sizeof(*r));
            n--;
        }
    } else {
        if (n == BOOT_MAX_RESERVED)
            panic("bootinfo: too many reserved ranges");
        memmove(&r[i + 1], &r[i], (n - i) * sizeof(*r));
        r[i].start = start;
        r[i].end = end;
        n++;
    }
    bootinfo.nr_reserved = n;
}

bool bootinfo_is_reserved(paddr_t start, paddr_t end)
{
    for (unsigned int i = 0; i < bootinfo.nr_reserved; i++)
        if (bootinfo.reserved[i].start < end && start < bootinfo.reserved[i].end)
            return true;
    return false;
}

bool bootinfo_ram_range(unsigned int idx, paddr_t *start, paddr_t *end)
{
    if (idx >= bootinfo.nr_ram)
        return false;
    *start = bootinfo.ram[idx].start;
    *end = bootinfo.ram[idx].end;
    return true;
}

void boot_alloc_init(void)
{
    bootinfo_reserve(0, MB(1));
    bootinfo_reserve(virt_to_maddr(__image_start), virt_to_maddr(__bss_end));
    for (unsigned int i = 0; i < bootinfo.nr_modules; i++)
        bootinfo_reserve(bootinfo.modules[i].start, bootinfo.modules[i].end);
    alloc_next = virt_to_maddr(__bss_end);
    alloc_limit = GB(4);
}

void boot_alloc_set_limit(paddr_t limit)
{
    alloc_limit = limit;
}

paddr_t boot_alloc_pages(unsigned int nr)
{
    paddr_t size = (paddr_t)nr * PAGE_SIZE;

    if (alloc_finished)
        panic("boot_alloc_pages() after the heap took over");
    for (unsigned int i = 0; i < bootinfo.nr_ram; i++) {
        const struct mem_range *r = &bootinfo.ram[i];
        paddr_t s = max(r->start, alloc_next);

        /* Skip reserved ranges (modules) inside this RAM range. */
        while (s + size <= r->end && bootinfo_is_reserved(s, s + size)) {
            for (unsigned int j = 0; j < bootinfo.nr_reserved; j++)
                if (bootinfo.reserved[j].start < s + size &&
                    s < bootinfo.reserved[j].end)
                    s = bootinfo.reserved[j].end;
        }
        if (s + size > r->end || s + size > alloc_limit)
            continue;
        alloc_next = s + size;
        bootinfo_reserve(s, s + size);
        memset(maddr_to_virt(s), 0, size);
        return s;
    }
    panic("boot allocator: out of memory for %u pages", nr);
}

void boot_alloc_finish(void)
{
    alloc_finished = true;
}
