/*
 * Domains: the registry, creation, references, shutdown, crash and
 * destruction, and frame accounting.
 *
 * A domain's life: domain_create() (registered, vCPU 0 offline), the
 * builder fills it and brings vCPU 0 up; the guest runs; it shuts down
 * (SCHEDOP_shutdown) or is crashed: its vCPUs stop for good and it is
 * marked for reaping.  domain_reap(), on the exit path and in the idle
 * loop, destroys it once none of its vCPUs is on a CPU: event channels
 * closed, timers stopped, relinquish_domain_memory() returns every frame.
 * Frames another domain still maps are returned when that mapping goes;
 * until then the struct domain lives on (the frames name it as owner),
 * and it is freed when its last frame is back and its last reference
 * (get_domain) is dropped.
 *
 * Domains the toolstack created (domctl) are its own, as in Xen: a shutdown
 * only stops them (XEN_DOMINF_shutdown) and hv tells dom0 (VIRQ_DOM_EXC);
 * they go when the toolstack destroys them (domain_kill).  Boot-time
 * domains, which nobody would destroy, are reaped at once.
 *
 * dom0's shutdown acts on the machine, as in Xen: poweroff powers off,
 * reboot restarts, a crash follows on_panic.  Before that every domain is
 * destroyed, so the frame accounting line shows whether everything came
 * back.
 */
#include <hv/domain.h>
#include <hv/sched.h>
#include <hv/event.h>
#include <hv/pirq.h>
#include <hv/grant_table.h>
#include <hv/mm.h>
#include <hv/mm_seam.h>
#include <hv/pv.h>
#include <hv/pv_mm.h>
#include <hv/vtime.h>
#include <hv/console_io.h>
#include <hv/hvm.h>
#include <hv/mapping.h>
#include <hv/percpu.h>
#include <hv/processor.h>
#include <hv/shutdown.h>
#include <hv/traps.h>
#include <hv/time.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/hypercall.h>
#include <public/sched.h>

static LIST_HEAD(domain_list);      /* live domains, by creation */
static LIST_HEAD(zombie_list);      /* destroyed, frames still referenced */
static spinlock_t domlist_lock = SPIN_LOCK_UNLOCKED;
static struct domain *hwdom;
__hot_data bool domain_reap_requested;
static u64 frames_before_domains;
static bool accounting_started;

static const char *const shutdown_names[] = {
    [SHUTDOWN_poweroff] = "poweroff",
    [SHUTDOWN_reboot] = "reboot",
    [SHUTDOWN_suspend] = "suspend",
    [SHUTDOWN_crash] = "crash",
    [SHUTDOWN_watchdog] = "watchdog",
    [SHUTDOWN_soft_reset] = "soft_reset",
};

static const char *shutdown_name(unsigned int reason)
{
    return reason < ARRAY_SIZE(shutdown_names) ? shutdown_names[reason] : "unknown";
}

void domain_list_add(struct domain *d)
{
    spin_lock(&domlist_lock);
    list_add_tail(&d->domain_list, &domain_list);
    spin_unlock(&domlist_lock);
}

void domain_list_del(struct domain *d)
{
    spin_lock(&domlist_lock);
    list_del(&d->domain_list);
    spin_unlock(&domlist_lock);
}

struct domain *domain_by_id(domid_t id)
{
    struct domain *d, *found = NULL;

    spin_lock(&domlist_lock);
    list_for_each_entry(d, &domain_list, domain_list)
        if (d->domain_id == id) {
            found = d;
            break;
        }
    spin_unlock(&domlist_lock);
    return found;
}

struct domain *hardware_domain(void)
{
    return hwdom;
}

unsigned int domain_count(void)
{
    struct domain *d;
    unsigned int n = 0;

    spin_lock(&domlist_lock);
    list_for_each_entry(d, &domain_list, domain_list)
        n++;
    spin_unlock(&domlist_lock);
    return n;
}

bool get_domain(struct domain *d)
{
    bool ok;

    spin_lock(&domlist_lock);
    ok = d->shutdown_state != SHUTDOWN_DESTROYED;
    if (ok)
        d->refcnt++;
    spin_unlock(&domlist_lock);
    return ok;
}

void put_domain(struct domain *d)
{
    bool last;

    spin_lock(&domlist_lock);
    ASSERT(d->refcnt > 0);
    last = --d->refcnt == 0;
    spin_unlock(&domlist_lock);
    if (last) {
        ASSERT(d->tot_pages == 0 && d->shutdown_state == SHUTDOWN_DESTROYED);
        xfree(d);
    }
}

struct domain *get_domain_by_id(domid_t id)
{
    struct domain *d;

    spin_lock(&domlist_lock);
    list_for_each_entry(d, &domain_list, domain_list)
        if (d->domain_id == id) {
            d->refcnt++;
            spin_unlock(&domlist_lock);
            return d;
        }
    spin_unlock(&domlist_lock);
    return NULL;
}

struct domain *get_domain_for_caller(domid_t id, int *rc)
{
    struct domain *curd = current->domain, *d;

    if (id == DOMID_SELF || id == curd->domain_id) {
        get_domain(curd);
        return curd;
    }
    /* As Xen: the lookup first (-ESRCH), then the permission (-EPERM). */
    d = id < DOMID_FIRST_RESERVED ? get_domain_by_id(id) : NULL;
    if (!d) {
        *rc = -ESRCH;
        return NULL;
    }
    if (!curd->is_privileged) {
        put_domain(d);
        *rc = -EPERM;
        return NULL;
    }
    return d;
}

static void free_shared_info(struct domain *d)
{
    if (d->shared_info) {
        put_page_and_type(virt_to_page(d->shared_info));
        d->shared_info = NULL;
    }
}

static struct domain *create(domid_t id, enum domain_type type, bool privileged,
                             u64 max_pages, unsigned int max_vcpus, bool vcpu0,
                             int *rc)
{
    struct domain *d;
    struct page_info *pg;

    if (id >= DOMID_FIRST_RESERVED || max_vcpus == 0 || max_vcpus > MAX_VIRT_CPUS) {
        *rc = -EINVAL;
        return NULL;
    }
    if (domain_id_in_use(id)) {
        *rc = -EEXIST;
        return NULL;
    }
    d = xzalloc(sizeof(*d));
    if (!d) {
        *rc = -ENOMEM;
        return NULL;
    }
    d->domain_id = id;
    d->type = type;
    d->is_privileged = privileged;
    spin_lock_init(&d->page_alloc_lock);
    spin_lock_init(&d->shutdown_lock);
    spin_lock_init(&d->console_lock);
    list_init(&d->page_list);
    list_init(&d->domain_list);
    d->extra_pages = 1;                 /* shared_info */
    /* Room for the grant table's frames, which are the domain's too. */
    d->max_pages = max_pages + d->extra_pages + GNTTAB_DEFAULT_MAX_FRAMES;
    d->max_vcpus = max_vcpus;
    d->refcnt = 1;
    d->shutdown_code = SHUTDOWN_CODE_NONE;
    d->weight = DEFAULT_WEIGHT;

    /*
     * shared_info is one of the domain's frames so the guest can map it;
     * hv keeps it typed writable so it can never become a page table.
     */
    *rc = -ENOMEM;
    pg = alloc_domheap_pages(d, 0);
    if (!pg)
        goto fail;
    if (get_page_and_type(pg, d, PGT_writable)) {
        free_domheap_pages(pg, 0);
        goto fail;
    }
    free_domheap_pages(pg, 0);          /* the typed reference keeps it */
    d->shared_info = page_to_virt(pg);
    for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1;
    update_domain_wallclock_time(d);

    *rc = evtchn_init(d);
    if (*rc)
        goto fail;
    *rc = grant_table_init(d);
    if (*rc)
        goto fail;
    if (type == DOMAIN_HVM) {
        *rc = hvm_domain_initialise(d);
        if (*rc)
            goto fail;
    }
    *rc = -ENOMEM;
    if (vcpu0 && !vcpu_create(d, 0))
        goto fail;
    if (privileged && id == 0)
        hwdom = d;
    domain_list_add(d);
    *rc = 0;
    return d;

fail:
    domain_destroy_unstarted(d);
    return NULL;
}

struct domain *domain_create(domid_t id, bool privileged, u64 max_pages,
                             unsigned int max_vcpus, int *rc)
{
    return create(id, DOMAIN_PV, privileged, max_pages, max_vcpus, true, rc);
}

struct domain *domain_create_controlled(domid_t id, unsigned int max_vcpus,
                                        int *rc)
{
    struct domain *d = create(id, DOMAIN_PV, false, 0, max_vcpus, false, rc);

    if (d) {
        d->toolstack_owned = true;
        d->controller_pause_count = 1;
    }
    return d;
}

int domain_create_vcpus(struct domain *d)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v;

        if (d->vcpu[i])
            continue;
        v = vcpu_create(d, i);
        if (!v)
            return -ENOMEM;
        if (d->controller_pause_count)
            v->pause_flags |= VPF_paused;
        sched_add_vcpu(v);
    }
    return 0;
}

/* Xen's limit on the controller's pause count. */
#define MAX_CONTROLLER_PAUSES 255

int domain_pause_by_controller(struct domain *d)
{
    if (d->controller_pause_count == MAX_CONTROLLER_PAUSES)
        return -EOVERFLOW;
    if (d->controller_pause_count++ == 0)
        for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
            if (d->vcpu[i])
                vcpu_pause_flag(d->vcpu[i], VPF_paused);
    return 0;
}

int domain_unpause_by_controller(struct domain *d)
{
    if (d->controller_pause_count == 0)
        return -EINVAL;
    if (--d->controller_pause_count == 0)
        for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
            if (d->vcpu[i])
                vcpu_unpause_flag(d->vcpu[i], VPF_paused);
    return 0;
}

bool domain_id_in_use(domid_t id)
{
    struct domain *d;
    bool found = false;

    spin_lock(&domlist_lock);
    list_for_each_entry(d, &domain_list, domain_list)
        found |= d->domain_id == id;
    list_for_each_entry(d, &zombie_list, domain_list)
        found |= d->domain_id == id;
    spin_unlock(&domlist_lock);
    return found;
}

struct domain *get_domain_from_id(domid_t id)
{
    struct domain *d, *best = NULL;

    spin_lock(&domlist_lock);
    list_for_each_entry(d, &domain_list, domain_list)
        if (d->domain_id >= id && (!best || d->domain_id < best->domain_id))
            best = d;
    if (best)
        best->refcnt++;
    spin_unlock(&domlist_lock);
    return best;
}

struct domain *domain_create_hvm(domid_t id, u64 max_pages,
                                 unsigned int max_vcpus, int *rc)
{
    return create(id, DOMAIN_HVM, false, max_pages, max_vcpus, true, rc);
}

struct domain *domain_create_hvm_controlled(domid_t id, unsigned int max_vcpus,
                                            int *rc)
{
    struct domain *d = create(id, DOMAIN_HVM, false, 0, max_vcpus, false, rc);

    if (d) {
        d->toolstack_owned = true;
        d->controller_pause_count = 1;
    }
    return d;
}

/* Takes the domain's frames and hv state apart; no vCPU of d runs. */
static u64 domain_teardown(struct domain *d)
{
    u64 before;

    d->is_dying = true;
    pv_forget_domain(d);
    console_flush_domain(d);
    /* Devices and the p2m first: they hold timers and frame references. */
    hvm_domain_destroy(d);
    if (d->evtchn)
        evtchn_destroy(d);
    pirq_release_domain(d);
    for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
        if (d->vcpu[i]) {
            struct vcpu *v = d->vcpu[i];

            stop_timer(&v->singleshot_timer);
            stop_timer(&v->periodic_timer);
            stop_timer(&v->poll_timer);
        }
    /* Before relinquish: the table holds its frames (and d's mappings of
     * other domains' grants go with it). */
    grant_table_destroy(d);
    free_shared_info(d);
    before = d->tot_pages;
    /* pv_forget_domain's promise: nothing runs on the tables freed here. */
    if (mfn_to_page(maddr_to_mfn(read_cr3()))->owner == d)
        panic("d%u's teardown on its own page tables", d->domain_id);
    relinquish_domain_memory(d);
    for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
        if (d->vcpu[i])
            vcpu_destroy(d->vcpu[i]);
    hvm_domain_free(d);
    return before;
}

void domain_destroy_unstarted(struct domain *d)
{
    if (d == hwdom)
        hwdom = NULL;
    if (!list_empty(&d->domain_list))
        domain_list_del(d);
    domain_teardown(d);
    d->shutdown_state = SHUTDOWN_DESTROYED;
    if (d->tot_pages == 0) {
        put_domain(d);
    } else {
        spin_lock(&domlist_lock);
        list_add_tail(&d->domain_list, &zombie_list);
        spin_unlock(&domlist_lock);
    }
}

static void domain_destroy(struct domain *d)
{
    const char *why = d->shutdown_state == SHUTDOWN_DONE ?
                      shutdown_name(d->shutdown_reason) : "destroyed";
    s_time_t ran = 0;
    u64 before, held;

    for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
        if (d->vcpu[i])
            ran += vcpu_run_time(d->vcpu[i]);
    if (d == hwdom)
        hwdom = NULL;
    domain_list_del(d);
    before = domain_teardown(d);
    held = d->tot_pages;
    d->shutdown_state = SHUTDOWN_DESTROYED;
    printk("hv: domain %u died (%s%s): %lu frames returned, %lu held elsewhere; "
           "ran %lu ms\n", d->domain_id, why,
           d->crashed && d->shutdown_reason != SHUTDOWN_crash ? ", crashed" : "",
           (unsigned long)(before - held), (unsigned long)held,
           (unsigned long)(ran / MILLISECS(1)));
    hypercall_report(d);
    if (hwdom)
        send_guest_global_virq(hwdom, VIRQ_DOM_EXC);
    if (held == 0) {
        put_domain(d);
    } else {
        spin_lock(&domlist_lock);
        list_add_tail(&d->domain_list, &zombie_list);
        spin_unlock(&domlist_lock);
    }
}

/* Frees destroyed domains whose last frame came back. */
static void release_zombies(void)
{
    struct domain *d, *n;

    list_for_each_entry_safe(d, n, &zombie_list, domain_list) {
        if (d->tot_pages)
            continue;
        spin_lock(&domlist_lock);
        list_del(&d->domain_list);
        spin_unlock(&domlist_lock);
        printk("hv: domain %u: its last frames came back\n", d->domain_id);
        put_domain(d);
        if (hwdom)
            send_guest_global_virq(hwdom, VIRQ_DOM_EXC);
    }
}

static bool domain_is_running(const struct domain *d)
{
    for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
        if (d->vcpu[i] && d->vcpu[i]->is_running)
            return true;
    return false;
}

/* A zombie still waiting for frames is not work (the exit path would
 * spin on it): only its last frame coming back asks for a reap. */
void domain_last_frame_returned(struct domain *d)
{
    if (d->shutdown_state == SHUTDOWN_DESTROYED)
        domain_reap_requested = true;
}

void domain_reap(void)
{
    struct domain *d, *n;
    bool any = false;

    domain_reap_requested = false;
    list_for_each_entry_safe(d, n, &domain_list, domain_list) {
        if (d->shutdown_state != SHUTDOWN_DONE || d->toolstack_owned)
            continue;
        if (domain_is_running(d)) {
            domain_reap_requested = true;
            continue;
        }
        domain_destroy(d);
        any = true;
    }
    release_zombies();
    if (any && domain_count() == 0) {
        printk("hv: no domains left\n");
        domain_accounting_report();
        machine_power_off();
    }
}

void domain_accounting_start(void)
{
    frames_before_domains = free_frames();
    accounting_started = true;
}

void domain_accounting_report(void)
{
    u64 now = free_frames();

    if (!accounting_started)
        return;
    if (now == frames_before_domains)
        printk("hv: frame accounting: %lu free before domains, %lu free now: "
               "balanced\n", (unsigned long)frames_before_domains,
               (unsigned long)now);
    else {
        printk("hv: frame accounting: %lu free before domains, %lu free now: "
               "%ld frames %s\n", (unsigned long)frames_before_domains,
               (unsigned long)now, (long)(now > frames_before_domains ?
               now - frames_before_domains : frames_before_domains - now),
               now > frames_before_domains ? "extra" : "missing");
        mm_report();
    }
}

/* dom0 is gone: every domain goes, then the machine does what it asked. */
static void __noreturn hwdom_shutdown(struct domain *d, unsigned int reason)
{
    struct vcpu *v = current;
    struct domain *o, *n;

    printk("hv: domain 0 shut down (%s): stopping the machine\n",
           shutdown_name(reason));
    local_irq_disable();
    /* Leave the guest's page tables before they are taken apart. */
    write_cr3(idle_pg_table_maddr());
    if (!is_idle_vcpu(v)) {
        v->is_running = false;
        vcpu_runstate_change(v, RUNSTATE_offline, NOW());
        get_cpu_info()->current_vcpu = idle_vcpu_of(smp_processor_id());
    }
    d->shutdown_state = SHUTDOWN_DONE;
    d->shutdown_reason = reason;
    list_for_each_entry_safe(o, n, &domain_list, domain_list) {
        if (o->shutdown_state == SHUTDOWN_RUNNING) {
            o->shutdown_state = SHUTDOWN_DONE;
            o->shutdown_reason = SHUTDOWN_poweroff;
        }
        domain_destroy(o);
    }
    release_zombies();
    domain_accounting_report();

    switch (reason) {
    case SHUTDOWN_poweroff:
        machine_power_off();
    case SHUTDOWN_reboot:
    case SHUTDOWN_watchdog:
    case SHUTDOWN_soft_reset:
        machine_restart();
    default:
        printk("hv: domain 0 %s: following on_panic\n", shutdown_name(reason));
        machine_crash_stop();
    }
}

void domain_shutdown(struct domain *d, u8 reason)
{
    spin_lock(&d->shutdown_lock);
    if (d->shutdown_state != SHUTDOWN_RUNNING) {
        spin_unlock(&d->shutdown_lock);
        return;
    }
    /* A code set with SCHEDOP_shutdown_code takes precedence. */
    if (d->shutdown_code == SHUTDOWN_CODE_NONE)
        d->shutdown_code = reason;
    reason = d->shutdown_code;
    if (d == hwdom)
        hwdom_shutdown(d, reason);
    d->shutdown_state = SHUTDOWN_DONE;
    d->shutdown_reason = reason;
    spin_unlock(&d->shutdown_lock);

    for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
        if (d->vcpu[i])
            vcpu_pause_flag(d->vcpu[i], VPF_shutdown);
    if (!d->toolstack_owned)
        domain_reap_requested = true;
    /* As Xen: the toolstack learns of every shutdown. */
    send_guest_global_virq(hwdom, VIRQ_DOM_EXC);
}

int domain_kill(struct domain *d)
{
    if (d == hwdom || d == current->domain)
        return -EINVAL;
    for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
        if (d->vcpu[i])
            vcpu_pause_flag(d->vcpu[i], VPF_shutdown);
    if (domain_is_running(d))
        return -EAGAIN;
    domain_destroy(d);
    return 0;
}

void domain_crash(struct domain *d, const char *why)
{
    struct vcpu *v = current;

    if (d->shutdown_state != SHUTDOWN_RUNNING)
        return;
    printk("hv: domain %u crashed: %s\n", d->domain_id, why);
    if (v->domain == d && is_hvm_domain(d)) {
        hvm_dump_vcpu(v);
    } else if (v->domain == d) {
        const struct cpu_user_regs *r = &get_cpu_info()->guest_regs;

        printk("hv: d%u v%u %s mode: rip %04x:%016lx rsp %016lx rflags %08lx "
               "cr2 %016lx\n", d->domain_id, v->vcpu_id,
               v->arch.kernel_mode ? "kernel" : "user", r->cs, r->rip, r->rsp,
               r->rflags, v->vcpu_info->arch.cr2);
        pv_dump_guest_stack(r->rsp);
    }
    d->crashed = true;
    domain_shutdown(d, SHUTDOWN_crash);
}
