/*
 * The guest's GDT: set_gdt, update_descriptor, loading it into a CPU,
 * and the CS/SS checks that depend on it (Xen's pv/descriptor-tables.c).
 * MMUEXT_SET_LDT is in mm/mmuext_op.c.
 *
 * A GDT frame takes the PGT_seg_desc type, which checks its descriptors
 * (hv/segdesc.h) and keeps it from being mapped writable anywhere: from
 * then on the guest changes it only through update_descriptor.  The
 * frames of the running vCPU are mapped in pages 0-13 of its CPU's GDT
 * window (hv/desc.h), pages it has none for show the zero page.
 */
#include <hv/domain.h>
#include <hv/desc.h>
#include <hv/mm.h>
#include <hv/segdesc.h>
#include <hv/guest_access.h>
#include <hv/percpu.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include "private.h"

/* What each CPU's window shows now, and whose frames they are. */
static mfn_t window_frames[NR_CPUS][FIRST_RESERVED_GDT_PAGE];
static const struct vcpu *window_vcpu[NR_CPUS];

static void window_show(unsigned int cpu, const struct vcpu *v,
                        const mfn_t frames[FIRST_RESERVED_GDT_PAGE])
{
    for (unsigned int i = 0; i < FIRST_RESERVED_GDT_PAGE; i++)
        if (window_frames[cpu][i] != frames[i]) {
            gdt_window_map(cpu, i, frames[i]);
            window_frames[cpu][i] = frames[i];
        }
    window_vcpu[cpu] = v;
}

void pv_load_descriptor_tables(struct vcpu *v)
{
    window_show(smp_processor_id(), v, v->arch.gdt_frames);
}

void pv_destroy_gdt(struct vcpu *v)
{
    static const mfn_t none[FIRST_RESERVED_GDT_PAGE];

    /* No CPU may keep showing frames that are about to go. */
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
        if (window_vcpu[cpu] == v)
            window_show(cpu, NULL, none);
    for (unsigned int i = 0; i < FIRST_RESERVED_GDT_PAGE; i++)
        if (v->arch.gdt_frames[i]) {
            put_page_and_type(mfn_to_page(v->arch.gdt_frames[i]));
            v->arch.gdt_frames[i] = 0;
        }
    v->arch.gdt_ents = 0;
    v->arch.iret_selectors_ok = 0;
}

int pv_set_gdt(struct vcpu *v, const mfn_t *list, unsigned int entries)
{
    mfn_t frames[FIRST_RESERVED_GDT_PAGE] = { 0 };
    unsigned int nr, i;

    if (entries > FIRST_RESERVED_GDT_ENTRY)
        return -EINVAL;
    nr = gdt_frames_for(entries);
    for (i = 0; i < nr; i++) {
        frames[i] = list[i];
        if (!mfn_valid(frames[i]) ||
            get_page_and_type(mfn_to_page(frames[i]), v->domain, PGT_seg_desc))
            break;
    }
    if (i < nr) {
        while (i-- > 0)
            put_page_and_type(mfn_to_page(frames[i]));
        return -EINVAL;
    }

    pv_destroy_gdt(v);
    memcpy(v->arch.gdt_frames, frames, sizeof(frames));
    v->arch.gdt_ents = entries;
    if (v == current)
        pv_load_descriptor_tables(v);
    return 0;
}

long do_set_gdt(xen_guest_handle_t frame_list, unsigned int entries)
{
    mfn_t frames[FIRST_RESERVED_GDT_PAGE];

    if (entries > FIRST_RESERVED_GDT_ENTRY)
        return -EINVAL;
    if (copy_from_guest(frames, frame_list,
                        gdt_frames_for(entries) * sizeof(frames[0])))
        return -EFAULT;
    return pv_set_gdt(current, frames, entries);
}

/* A descriptor of d changed: any vCPU's GDT may hold it. */
static void forget_good_selectors(struct domain *d)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            d->vcpu[i]->arch.iret_selectors_ok = 0;
}

/*
 * One descriptor at machine address maddr: in a frame of the caller's
 * that is a descriptor page or may be written (not a page table).
 */
long do_update_descriptor(u64 maddr, u64 desc)
{
    struct domain *d = current->domain;
    struct page_info *pg;
    enum page_type type;
    long rc;

    if ((maddr & 7) || !segdesc_check(&desc))
        return -EINVAL;
    if (!mfn_valid(maddr >> PAGE_SHIFT))
        return -EINVAL;
    pg = mfn_to_page(maddr >> PAGE_SHIFT);
    if (get_page(pg, d))
        return -EINVAL;
    type = pg->type == PGT_seg_desc ? PGT_seg_desc : PGT_writable;
    rc = get_page_type(pg, type) ? -EINVAL : 0;
    if (rc == 0) {
        u64 *slot = (u64 *)((u8 *)page_to_virt(pg) + (maddr & (PAGE_SIZE - 1)));

        __atomic_store_n(slot, desc, __ATOMIC_RELAXED);
        forget_good_selectors(d);
        put_page_type(pg);
    }
    put_page(pg);
    return rc;
}

/* The access rights LAR reports for sel, false if it reports none. */
static bool selector_rights(u16 sel, u32 *rights)
{
    bool ok;

    asm volatile("lar %k[sel], %k[ar]\n\t"
                 "setz %[ok]"
                 : [ar] "=r"(*rights), [ok] "=qm"(ok)
                 : [sel] "r"((u32)sel), "0"(0u)
                 : "cc");
    return ok;
}

/* LAR from ring 0 with RPL 3 only reports descriptors of DPL 3. */
static bool guest_cs_ok(u16 cs)
{
    u32 ar;

    if (pv_cs_ok(cs))
        return true;
    if ((cs >> 3) >= FIRST_RESERVED_GDT_ENTRY && !(cs & 4))
        return false;
    return (cs & 3) == 3 && selector_rights(cs, &ar) &&
           (ar & SEGDESC_P) && (ar & SEGDESC_S) && (ar & SEGDESC_CODE);
}

static bool guest_ss_ok(u16 ss)
{
    u32 ar;

    if (pv_ss_ok(ss))
        return true;
    if ((ss >> 3) >= FIRST_RESERVED_GDT_ENTRY && !(ss & 4))
        return false;
    /* Present, writable data (type bit 9, code bit clear). */
    return (ss & 3) == 3 && (ss & ~3) != 0 && selector_rights(ss, &ar) &&
           (ar & SEGDESC_P) && (ar & SEGDESC_S) && !(ar & SEGDESC_CODE) &&
           (ar & (1u << 9));
}

/*
 * Every return to guest user mode names the same two GDT selectors, and
 * a GDT only changes through set_gdt and update_descriptor, which forget
 * the pair: LAR (a descriptor walk under TCG) runs once per change.  LDT
 * selectors are checked every time (the LDT is guest memory).
 */
__hot_path bool pv_guest_selectors_ok(struct vcpu *v, u16 cs, u16 ss)
{
    u32 pair = ((u32)cs << 16) | ss;

    if (pair == v->arch.iret_selectors_ok)
        return true;
    if (!guest_cs_ok(cs) || !guest_ss_ok(ss))
        return false;
    if (!(cs & 4) && !(ss & 4))
        v->arch.iret_selectors_ok = pair;
    return true;
}
