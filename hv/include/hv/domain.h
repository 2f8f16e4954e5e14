/*
 * Domains and vCPUs.  This is the arch-neutral core; later work adds fields
 * (scheduler, event channels, grant table, arch state) by appending them.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <hv/types.h>
#include <hv/list.h>
#include <hv/spinlock.h>
#include <hv/timer.h>
#include <hv/pv.h>
#include <hv/percpu.h>
#include <public/vcpu.h>
#include <public/xen.h>

#define MAX_VIRT_CPUS 32

enum domain_type {
    DOMAIN_PV,
    DOMAIN_HVM,
};

struct domain;
struct evtchn_domain;
struct grant_table;
struct hvm_domain;
struct hvm_vcpu;

/* Why a vCPU may not run (vcpu.pause_flags); runnable iff none is set. */
#define VPF_blocked   (1u << 0)     /* SCHEDOP_block / poll: waits for an event */
#define VPF_down      (1u << 1)     /* offline: never brought up */
#define VPF_shutdown  (1u << 2)     /* its domain shut down, crashed or dies */
#define VPF_paused    (1u << 3)     /* the toolstack paused its domain (domctl) */

/* The scheduler's per-vCPU state (hv/common/sched.c). */
struct sched_vcpu {
    struct list_head runq_elem;     /* on the run queue while queued */
    bool on_runq;
    s64 vtime;                      /* weighted run time: lowest runs next */
    s_time_t started;               /* when it was last switched in */
    bool yielded;                   /* SCHEDOP_yield: let others go first */
    bool boosted;                   /* woke from a block: runs first */
};

struct vcpu {
    unsigned int vcpu_id;
    struct domain *domain;
    vcpu_info_t *vcpu_info;     /* in shared_info (or registered elsewhere) */

    /* PV MMU: base pointers, each holding an L4 type reference; 0 = none. */
    mfn_t guest_table;          /* kernel-mode L4 (CR3 in guest kernel mode) */
    mfn_t guest_table_user;     /* user-mode L4 */

    /* Scheduling. */
    unsigned int processor;
    unsigned int pause_flags;   /* VPF_* */
    bool is_running;            /* on a CPU now */
    struct sched_vcpu sched;

    /* Runstate accounting and the guest's registered copy (0 = none). */
    struct vcpu_runstate_info runstate;
    xen_guest_handle_t runstate_guest;
    /* VCPUOP_register_vcpu_time_memory_area: a guest copy of vcpu_info.time
     * (0 = none), written with it while the vCPU is in kernel mode. */
    xen_guest_handle_t time_info_guest;

    /* Timers raising VIRQ_TIMER, and the SCHEDOP_poll timeout. */
    struct timer singleshot_timer;
    struct timer periodic_timer;
    struct timer poll_timer;
    s_time_t periodic_period;
    s_time_t periodic_last_event;
    int poll_evtchn;            /* polled port; -1 any; 0 not polling */

    /* Event channels: the port each VIRQ is bound to (0 = none). */
    evtchn_port_t virq_to_evtchn[NR_VIRQS];

    /* VCPUOP_register_vcpu_info: the frame holding vcpu_info (typed
     * writable while registered), NULL while it lives in shared_info. */
    struct page_info *vcpu_info_page;

    /* HVM state (hv/include/hv/hvm.h); NULL for PV vCPUs. */
    struct hvm_vcpu *hvm;

    /* Its context was set (domctl setvcpucontext, or the boot builder). */
    bool is_initialised;

    /* PV CPU state: registers, callbacks, FPU, virtual IDT (hv/pv.h).
     * Last: its fields used on every guest entry and exit still fall in
     * the vCPU's first page (it is page-aligned), the IDT after them. */
    struct pv_vcpu arch;
};

/* Domain states on the way out (domain.shutdown_state). */
enum shutdown_state {
    SHUTDOWN_RUNNING = 0,
    SHUTDOWN_DONE,          /* shut down or crashed: vCPUs stopped, reaping due */
    SHUTDOWN_DESTROYED,     /* torn down; waits for foreign references */
};

#define SHUTDOWN_CODE_NONE 0xff

struct domain {
    domid_t domain_id;
    enum domain_type type;
    bool is_privileged;         /* dom0: may use domctl, foreign mappings */
    bool is_dying;

    /* Every frame this domain owns is on page_list; counts balance on death. */
    spinlock_t page_alloc_lock;
    struct list_head page_list;
    u64 tot_pages;
    u64 max_pages;

    unsigned int max_vcpus;
    struct vcpu *vcpu[MAX_VIRT_CPUS];

    struct list_head domain_list;

    /* VMASST_TYPE_* bits the guest enabled with vm_assist. */
    unsigned long vm_assist;

    /* One of its L1 entries was made global: a CR3 write does not drop
     * its translations, so leaving it needs a global flush (context.c). */
    bool global_ptes;

    /* The shared_info frame (a domheap page the domain owns). */
    shared_info_t *shared_info;

    /* Event channels and grant table (hv/common/event_channel*.c, grant*.c). */
    struct evtchn_domain *evtchn;
    struct grant_table *grant_table;

    /* References: the domain's own (dropped once destroyed and its last
     * frame is back) plus one per get_domain(). */
    u32 refcnt;

    /* Shutdown: reason (SHUTDOWN_*), code from SCHEDOP_shutdown_code. */
    spinlock_t shutdown_lock;
    enum shutdown_state shutdown_state;
    u8 shutdown_reason;
    u8 shutdown_code;
    bool crashed;

    /* Hypercalls made (multicall entries too) and, for those whose first
     * argument is a sub-op, the sub-ops below 64 seen: printed when the
     * domain dies (hypercall_report), e.g. to list what a kernel uses. */
    u32 hypercall_count[NR_HYPERCALLS];
    u64 hypercall_subops[NR_HYPERCALLS];

    /* Frames hv allocated for itself from the domain's quota (shared_info):
     * not part of the guest's reservation. */
    u64 extra_pages;

    /* Builder facts the hypercalls need. */
    bool has_memory_map;        /* XENMEM_memory_map: [0, max_pages) RAM */

    /* Scheduler weight (relative CPU share). */
    unsigned int weight;

    /* console_io: the current partial line. */
    spinlock_t console_lock;
    unsigned int console_len;
    char console_buf[160];

    /* The hardware domain's last dword write to port 0xcf8 (PCI
     * CONFIG_ADDRESS, pv/ioport.c): latched here, never written to the
     * port, which hv sets itself for each configuration access. */
    u32 pci_cf8;

    /* vCPUs in SCHEDOP_poll (bit per vCPU id). */
    unsigned long poll_mask;

    /* HVM state (hv/include/hv/hvm.h); NULL for PV domains. */
    struct hvm_domain *hvm;

    /*
     * Made by the toolstack (domctl createdomain): after a shutdown it
     * stays until the toolstack destroys it.  Its pause count and the
     * facts getdomaininfo reports back.
     */
    bool toolstack_owned;
    unsigned int controller_pause_count;
    u8 handle[16];
    bool is_xs_domain;
};

static inline bool vm_assist_enabled(const struct domain *d, unsigned int t)
{
    return d->vm_assist & (1UL << t);
}

/* Registry of live domains (hv/common/domain.c). */
void domain_list_add(struct domain *d);
void domain_list_del(struct domain *d);

/* --- lifecycle (hv/common/domain.c) --- */

#define DEFAULT_WEIGHT 256

/* A new PV domain with max_vcpus vCPUs (vCPU 0 allocated, offline) and a
 * shared_info frame; NULL with *rc set on failure. */
struct domain *domain_create(domid_t id, bool privileged, u64 max_pages,
                             unsigned int max_vcpus, int *rc);
/* The same for an HVM domain: -EOPNOTSUPP when the CPU cannot run one
 * (hvm_unavailable_reason() says why). */
struct domain *domain_create_hvm(domid_t id, u64 max_pages,
                                 unsigned int max_vcpus, int *rc);
/* A domain for the toolstack (domctl createdomain): no memory, no vCPUs
 * yet (domain_create_vcpus), paused once by the controller. */
struct domain *domain_create_controlled(domid_t id, unsigned int max_vcpus,
                                        int *rc);
/* The same for an HVM domain (HVM state, no RAM: HERON_DOMCTL_hvm_build
 * adds it); -EOPNOTSUPP when the CPU cannot run one. */
struct domain *domain_create_hvm_controlled(domid_t id, unsigned int max_vcpus,
                                            int *rc);
/* Creates vCPUs 0 .. d->max_vcpus - 1 that do not exist yet (offline). */
int domain_create_vcpus(struct domain *d);
/* The toolstack's pause count (domctl pause/unpausedomain). */
int domain_pause_by_controller(struct domain *d);
int domain_unpause_by_controller(struct domain *d);
/* domctl destroydomain: stops d and takes it apart now; -EAGAIN while
 * one of its vCPUs is still on a CPU. */
int domain_kill(struct domain *d);
/* Whether id names a domain, live or destroyed and waiting for frames. */
bool domain_id_in_use(domid_t id);
/* The live domain with the lowest id >= id, with a reference; or NULL. */
struct domain *get_domain_from_id(domid_t id);
/* Undoes a domain_create whose domain never ran. */
void domain_destroy_unstarted(struct domain *d);

/* References: get_domain fails (false) once the domain is destroyed. */
bool get_domain(struct domain *d);
void put_domain(struct domain *d);
/* Looks a live domain up by id and takes a reference; NULL if none. */
struct domain *get_domain_by_id(domid_t id);
/* DOMID_SELF or the caller's id: the caller; another existing domain
 * (-ESRCH if none) needs a privileged caller (-EPERM). */
struct domain *get_domain_for_caller(domid_t id, int *rc);

/* Stops d for good with a SHUTDOWN_* reason; it is reaped when no vCPU of
 * it runs.  dom0's shutdown acts on the machine (power off, reboot...). */
void domain_shutdown(struct domain *d, u8 reason);
/* domain_shutdown(SHUTDOWN_crash) with a report of the current vCPU. */
void domain_crash(struct domain *d, const char *why);

/* Destroys shut-down domains nobody runs any more (exit path, idle). */
void domain_reap(void);

/* Set when a domain shut down or a zombie's last frame came back; read
 * on every exit to a guest. */
extern bool domain_reap_requested;

static inline bool domain_reap_pending(void)
{
    return __atomic_load_n(&domain_reap_requested, __ATOMIC_RELAXED);
}

/* A destroyed domain's last frame came back: it can be freed. */
void domain_last_frame_returned(struct domain *d);

/* Frame accounting: free frames before boot domains, and a report. */
void domain_accounting_start(void);
void domain_accounting_report(void);
unsigned int domain_count(void);

/* dom0 while it lives (no reference taken), else NULL. */
struct domain *hardware_domain(void);

/* The idle domain and each CPU's idle vCPU. */
extern struct domain idle_domain;
struct vcpu *idle_vcpu_of(unsigned int cpu);
static inline bool is_idle_vcpu(const struct vcpu *v)
{
    return v->domain == &idle_domain;
}

/* --- vCPUs (hv/common/vcpu.c) --- */

struct vcpu *vcpu_create(struct domain *d, unsigned int id);
void vcpu_destroy(struct vcpu *v);
/* The domain's vCPU id, or NULL if out of range or not allocated. */
struct vcpu *domain_vcpu(const struct domain *d, unsigned int id);
/* The periodic timer (runs only while v runs; 0 = off). */
void vcpu_set_periodic_timer(struct vcpu *v, s_time_t period);
void vcpu_periodic_timer_work(struct vcpu *v);
/* Moves v's runstate to state at time now. */
void vcpu_runstate_change(struct vcpu *v, int state, s_time_t now);
/* Copies v's runstate into its registered guest area (v is current);
 * false if the area is not mapped in the current page tables. */
bool vcpu_update_runstate_area(struct vcpu *v);

/* Events need delivering: upcall pending and not masked. */
static inline bool vcpu_events_need_delivery(const struct vcpu *v)
{
    return __atomic_load_n(&v->vcpu_info->evtchn_upcall_pending, __ATOMIC_SEQ_CST) &&
           !__atomic_load_n(&v->vcpu_info->evtchn_upcall_mask, __ATOMIC_SEQ_CST);
}

#endif
