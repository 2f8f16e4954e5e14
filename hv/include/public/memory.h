/* Reservations and memory maps (memory_op, hypercall 12). */
#ifndef HERON_PUBLIC_MEMORY_H
#define HERON_PUBLIC_MEMORY_H

#include "xen.h"

#define XENMEM_increase_reservation   0
#define XENMEM_decrease_reservation   1
#define XENMEM_maximum_ram_page       2
#define XENMEM_current_reservation    3
#define XENMEM_maximum_reservation    4
#define XENMEM_machphys_mfn_list      5
#define XENMEM_populate_physmap       6
#define XENMEM_add_to_physmap         7
#define XENMEM_memory_map             9
#define XENMEM_machine_memory_map    10
#define XENMEM_machphys_mapping      12
#define XENMEM_maximum_gpfn          14
#define XENMEM_acquire_resource      28
#define XENMEM_cmd_mask              0x3f

struct xen_memory_reservation {
    xen_guest_handle_t extent_start;    /* xen_pfn_t[] */
    uint64_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;
    domid_t  domid;
};

/* XENMEM_add_to_physmap: put a frame of `space` at guest frame gpfn
 * (translated guests: HVM). */
#define XENMAPSPACE_shared_info  0
#define XENMAPSPACE_grant_table  1
#define XENMAPSPACE_gmfn         2

struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;
    unsigned int space;
    xen_ulong_t idx;
    xen_pfn_t gpfn;
};

/* The same as a 32-bit guest lays it out (HVM, the 32-bit ABI). */
struct compat_add_to_physmap {
    uint16_t domid, size;
    uint32_t space, idx, gpfn;
};

struct xen_machphys_mapping {
    uint64_t v_start, v_end;
    uint64_t max_mfn;
};

struct xen_memory_map {
    uint32_t nr_entries;                /* in: room; out: entries written */
    uint32_t _pad;
    xen_guest_handle_t buffer;          /* struct e820entry[] */
};

/*
 * XENMEM_acquire_resource: frames of another domain's resource for a
 * privileged caller to map.  A PV caller gets MFNs in frame_list and maps
 * them with mmu_update naming that domain as FOREIGNDOM.  frame_list 0
 * and nr_frames 0 ask for the resource's size (in nr_frames).
 */
struct xen_mem_acquire_resource {
    domid_t  domid;
    uint16_t type;
#define XENMEM_resource_ioreq_server 0
#define XENMEM_resource_grant_table  1
#define XENMEM_resource_vmtrace_buf  2
    uint32_t id;
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1
    uint32_t nr_frames;
    uint32_t pad;                       /* must be 0 */
    uint64_t frame;                     /* first frame of the resource */
    xen_guest_handle_t frame_list;      /* xen_pfn_t[nr_frames], out */
};

/* Packed as the BIOS gives it: 20 bytes. */
struct e820entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __attribute__((packed));
#define E820_RAM       1
#define E820_RESERVED  2
#define E820_ACPI      3
#define E820_NVS       4
#define E820_UNUSABLE  5

#endif
