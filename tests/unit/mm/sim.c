/* The simulated machine behind hv's mm seam (hv/include/hv/mm_seam.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <hv/guest_access.h>
#include <hv/mm_layout.h>
#include <hv/mm_seam.h>
#include <hv/errno.h>
#include <hv/cpufeature.h>
#include "sim.h"

unsigned long hosted_hv_hole;
/* The simulated CPU: what mm code asks of it (grant PTEs use NX). */
struct cpuinfo_x86 boot_cpu_data = { .nx = true };
struct sim_hooks sim_hooks;
struct sim_map_call sim_map_calls[16];
unsigned int sim_nr_map_calls;
struct vcpu *sim_current;
u64 sim_root_l4[PT_ENTRIES];

static int memfd = -1;
static paddr_t bootmem_next = SIM_BOOTMEM_START;
static unsigned char *guest_win;

static const struct { paddr_t start, end; } ram_map[] = {
    { 0x0, 0x9f000 },
    { 0x100000, SIM_HOLE_START },
    { SIM_HOLE_END, SIM_MEM_BYTES },
};

#define SIM_MAX_DOMAINS 8
static struct domain *domains[SIM_MAX_DOMAINS];
static unsigned int nr_domains;

static void die(const char *what)
{
    perror(what);
    abort();
}

void sim_init(void)
{
    size_t hole = HV_HOLE_END - HV_HOLE_START;
    void *p;

    memfd = memfd_create("sim-machine", 0);
    if (memfd < 0 || ftruncate(memfd, SIM_MEM_BYTES))
        die("memfd");
    p = mmap(NULL, hole, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        die("reserve hv hole");
    hosted_hv_hole = (unsigned long)p;
    if (mmap((void *)HV_VA(DIRECTMAP_VIRT_START), SIM_MEM_BYTES,
             PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, memfd, 0)
        == MAP_FAILED)
        die("direct map");

    guest_win = calloc(1, GUEST_WIN_SIZE);
    for (unsigned int i = HV_FIRST_L4_SLOT;
         i < HV_FIRST_L4_SLOT + HV_NR_L4_SLOTS; i++)
        sim_root_l4[i] = 0x7000000000000063UL | ((u64)(0x100 + i) << PAGE_SHIFT);
    mm_init();
}

void *sim_guest_ptr(u64 gva)
{
    return guest_win + (gva - GUEST_WIN_BASE);
}

struct domain *sim_new_domain(domid_t id, u64 max_pages, bool privileged)
{
    struct domain *d = calloc(1, sizeof(*d));
    struct vcpu *v = calloc(1, sizeof(*v));

    d->domain_id = id;
    d->type = DOMAIN_PV;
    d->is_privileged = privileged;
    d->max_pages = max_pages;
    list_init(&d->page_list);
    d->max_vcpus = 1;
    d->vcpu[0] = v;
    v->domain = d;
    if (nr_domains == SIM_MAX_DOMAINS)
        abort();
    domains[nr_domains++] = d;
    return d;
}

struct domain *sim_domain(unsigned int idx)
{
    return domains[idx];
}

unsigned int sim_nr_domains(void)
{
    return nr_domains;
}

/* --- boot information --- */

bool bootinfo_ram_range(unsigned int idx, paddr_t *start, paddr_t *end)
{
    if (idx >= sizeof(ram_map) / sizeof(ram_map[0]))
        return false;
    *start = ram_map[idx].start;
    *end = ram_map[idx].end;
    return true;
}

static bool overlaps(paddr_t s, paddr_t e, paddr_t rs, paddr_t re)
{
    return s < re && rs < e;
}

bool bootinfo_is_reserved(paddr_t start, paddr_t end)
{
    return overlaps(start, end, 0, 0x100000) ||
           overlaps(start, end, SIM_IMAGE_START, SIM_IMAGE_END) ||
           overlaps(start, end, SIM_MODULE_START, SIM_MODULE_END) ||
           overlaps(start, end, SIM_BOOTMEM_START, bootmem_next);
}

/* Like hv's: contiguous, zeroed, never freed. */
paddr_t boot_alloc_pages(unsigned int nr)
{
    paddr_t a = bootmem_next;
    size_t size = (size_t)nr << PAGE_SHIFT;

    if (a + size > SIM_BOOTMEM_END)
        panic("sim: boot allocator exhausted");
    bootmem_next = a + size;
    memset(maddr_to_virt(a), 0, size);
    return a;
}

int map_pages_to_hv(unsigned long va, mfn_t mfn, unsigned long nr,
                    unsigned int flags)
{
    int prot = PROT_READ | ((flags & MAP_RW) ? PROT_WRITE : 0);

    if (va < HV_HOLE_START || va + (nr << PAGE_SHIFT) > HV_HOLE_END ||
        (mfn + nr) > SIM_MAX_MFN)
        return -EINVAL;
    if (mmap((void *)HV_VA(va), nr << PAGE_SHIFT, prot,
             MAP_SHARED | MAP_FIXED, memfd, mfn << PAGE_SHIFT) == MAP_FAILED)
        return -ENOMEM;
    if (sim_nr_map_calls < 16)
        sim_map_calls[sim_nr_map_calls++] =
            (struct sim_map_call){ va, mfn, nr, flags };
    return 0;
}

const u64 *hv_root_l4(void)
{
    return sim_root_l4;
}

/* --- execution context --- */

struct vcpu *current_vcpu(void)
{
    return sim_current;
}

struct domain *domain_by_id(domid_t id)
{
    for (unsigned int i = 0; i < nr_domains; i++)
        if (domains[i]->domain_id == id)
            return domains[i];
    return NULL;
}

/* --- TLB and CR3: recorded; full flushes and CR3 loads tick the clock
 * as write_cr3 does --- */

u64 tlb_clock;

void flush_tlb_local(void)
{
    sim_hooks.flush_local++;
    tlb_clock++;
}

void flush_tlb_one_local(u64 va)
{
    sim_hooks.flush_one_local++;
    sim_hooks.last_flush_va = va;
}

void flush_tlb_all(void)
{
    sim_hooks.flush_all++;
    tlb_clock++;
}

bool tlb_guest_globals(void)
{
    return sim_hooks.guest_globals;
}

void flush_tlb_one_all(u64 va)
{
    sim_hooks.flush_one_all++;
    sim_hooks.last_flush_va = va;
}

/* The simulator's domains are all PV: none translates frame numbers. */
int mm_foreign_gfn_frame(struct domain *d, u64 gfn, mfn_t *mfn)
{
    (void)d;
    (void)gfn;
    (void)mfn;
    return -EINVAL;
}

void load_guest_cr3(mfn_t l4_mfn)
{
    sim_hooks.cr3_writes++;
    sim_hooks.last_cr3 = l4_mfn;
    tlb_clock++;
}

/* The simulator has no domain reaper: a zombie's last frame needs no one. */
void domain_last_frame_returned(struct domain *d)
{
    (void)d;
}

/* --- guest access over the guest window --- */

static bool in_window(u64 gva, size_t len)
{
    return gva >= GUEST_WIN_BASE && len <= GUEST_WIN_SIZE &&
           gva - GUEST_WIN_BASE <= GUEST_WIN_SIZE - len;
}

int copy_from_guest(void *dst, xen_guest_handle_t src, size_t len)
{
    if (!in_window(src, len))
        return -EFAULT;
    memcpy(dst, sim_guest_ptr(src), len);
    return 0;
}

u64 sim_guest_ro_start, sim_guest_ro_end;

int copy_to_guest(xen_guest_handle_t dst, const void *src, size_t len)
{
    if (!in_window(dst, len) ||
        (dst < sim_guest_ro_end && dst + len > sim_guest_ro_start))
        return -EFAULT;
    memcpy(sim_guest_ptr(dst), src, len);
    return 0;
}

/* --- console --- */

char sim_console[8192];

void printk(const char *fmt, ...)
{
    size_t used = strlen(sim_console);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sim_console + used, sizeof(sim_console) - used, fmt, ap);
    va_end(ap);
    if (getenv("MM_TEST_VERBOSE") != NULL)
        fputs(sim_console + used, stderr);
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("panic: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}
