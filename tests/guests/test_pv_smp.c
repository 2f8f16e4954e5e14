/*
 * A PV domain's other vCPUs (boot option domu=...:vcpus=3): VCPUOP_initialise,
 * up, down and is_up, hostile contexts first, then vCPU 1 brought up,
 * taking IPIs and its own one-shot timer, taking itself down and being
 * brought back, and being taken down by vCPU 0 while it waits.  vCPU 2
 * is never initialised.
 *
 * Every refused VCPUOP_initialise must change nothing: vCPU 1 stays
 * down and uninitialised (VCPUOP_up -EINVAL), and a GDT frame a refused
 * context named is a plain page again (it may be mapped writable).
 * Error numbers are Xen 4.17's, except where hv is stricter (a null or
 * hv-private CS/SS: -EINVAL; Xen would fix the RPL and fail the first
 * return) or lacks the feature (a non-empty LDT: -EOPNOTSUPP).
 *
 * vCPU 1 never prints (vCPU 0 may be in the middle of a line): it
 * records what it saw in ap_* and vCPU 0 checks.
 *     mode=lastdown: vCPU 0 takes itself down at once, the domain's last
 *     online vCPU: the domain powers off (nothing after it may print).
 */
#include "lib/guest.h"
#include "lib/mm.h"
#include "lib/evtchn.h"
#include "lib/time.h"
#include <public/vcpu.h>
#include <public/memory.h>

const char test_title[] = "pv_smp";

#define M2P_SLOT        256
#define NONCANONICAL    0x0000800000000000UL
#define HV_DIRECTMAP    0xffff830000000000UL
#define WAIT_YIELDS     100000

static volatile uint64_t ap_runs, ap_is_up, ap_state, ap_ipis, ap_timer_wakes;
static volatile uint64_t ap_waiting;        /* 1 while it waits for an IPI */
static volatile long ap_down_rc = 1;
static evtchn_port_t ap_ipi, ap_timer;
static struct vcpu_runstate_info ap_runstate;

static uint8_t ap_stack[4 * 4096] __attribute__((aligned(16)));

static long vcpu_op(unsigned int cmd, unsigned int id, const void *arg)
{
    return hypercall3(HC(vcpu_op), cmd, id, PTR(arg));
}

static long is_up(unsigned int id)
{
    return vcpu_op(VCPUOP_is_up, id, NULL);
}

/* Yields until *flag reads want (vCPU 1 runs meanwhile); false if never. */
static bool wait_for(volatile uint64_t *flag, uint64_t want)
{
    for (unsigned int i = 0; i < WAIT_YIELDS; i++) {
        if (*flag == want)
            return true;
        sched_yield();
    }
    return false;
}

static bool wait_down(unsigned int id)
{
    for (unsigned int i = 0; i < WAIT_YIELDS; i++) {
        if (is_up(id) == 0)
            return true;
        sched_yield();
    }
    return false;
}

/* vCPU 1: each round waits for an IPI, sleeps on its own one-shot timer,
 * and takes itself down; VCPUOP_down returns when vCPU 0 brings it back. */
static void __attribute__((noreturn)) ap_main(void)
{
    for (;;) {
        struct vcpu_set_singleshot_timer t;

        ap_is_up = is_up(1);
        vcpu_op(VCPUOP_get_runstate_info, 1, &ap_runstate);
        ap_state = ap_runstate.state;
        ap_waiting = 1;
        ap_runs++;
        while (!evtchn_pending(ap_ipi))
            sched_poll(&ap_ipi, 1, 0);
        ap_waiting = 0;
        evtchn_clear_pending(ap_ipi);
        ap_ipis++;

        t = (struct vcpu_set_singleshot_timer){ .timeout_abs_ns = now_ns() + 1000000 };
        if (vcpu_op(VCPUOP_set_singleshot_timer, 1, &t) == 0) {
            while (!evtchn_pending(ap_timer))
                sched_poll(&ap_timer, 1, 0);
            evtchn_clear_pending(ap_timer);
            ap_timer_wakes++;
        }
        ap_down_rc = vcpu_op(VCPUOP_down, 1, NULL);
    }
}

/* A context vCPU 1 could start with: kernel mode on our page tables. */
static void good_context(struct vcpu_guest_context *c)
{
    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel;
    c->user_regs.rip = PTR(ap_main);
    /* As after a call: the stack is 16-byte aligned plus the return slot. */
    c->user_regs.rsp = PTR(ap_stack + sizeof(ap_stack) - 8);
    c->user_regs.cs = FLAT_KERNEL_CS;
    c->user_regs.ss = FLAT_KERNEL_SS;
    c->user_regs.ds = c->user_regs.es = FLAT_KERNEL_DS;
    c->kernel_ss = FLAT_KERNEL_SS;
    c->kernel_sp = c->user_regs.rsp;
    c->ctrlreg[3] = virt_to_mfn((void *)start_info->pt_base) << 12;
}

/* A RAM frame that is not ours (as test_mmu finds one). */
static uint64_t foreign_ram_mfn(void)
{
    const uint64_t *p2m = (const uint64_t *)start_info->mfn_list;
    long max_mfn = hypercall2(HC(memory_op), XENMEM_maximum_ram_page, 0);

    for (uint64_t mfn = (uint64_t)max_mfn - 1; mfn > 0; mfn--) {
        uint64_t pfn = machine_to_phys[mfn];
        if ((pfn >= start_info->nr_pages || p2m[pfn] != mfn) &&
            mmu_update1((mfn << 12) | MMU_MACHPHYS_UPDATE, pfn) != 0)
            return mfn;
    }
    panic("no foreign RAM frame");
}

static struct vcpu_guest_context ctx;

/* Each context below is good_context() with one thing wrong. */
static void expect_refused(const char *what, long want)
{
    CHECK_EQ(vcpu_op(VCPUOP_initialise, 1, &ctx), want, what);
    CHECK_EQ(is_up(1), 0, "vCPU 1 still down");
    good_context(&ctx);
}

static void check_hostile_initialise(void)
{
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    uint64_t hv_mfn = PTE_MFN(l4[M2P_SLOT]);
    uint64_t *data = alloc_page(), *gdt = alloc_page();
    uint64_t data_mfn = virt_to_mfn(data), gdt_mfn = virt_to_mfn(gdt);

    CHECK_EQ(vcpu_op(VCPUOP_initialise, 1, NULL), -XEN_EFAULT, "context at NULL");
    CHECK_EQ(vcpu_op(VCPUOP_initialise, 3, &ctx), -XEN_ENOENT, "vCPU 3 (of 3)");
    CHECK_EQ(vcpu_op(VCPUOP_initialise, ~0u, &ctx), -XEN_ENOENT, "vCPU ~0");
    good_context(&ctx);
    CHECK_EQ(vcpu_op(VCPUOP_initialise, 0, &ctx), -XEN_EEXIST, "vCPU 0 (running)");

    ctx.ctrlreg[3] = 0;
    expect_refused("CR3 0", -XEN_EINVAL);
    ctx.ctrlreg[3] = hv_mfn << 12;
    expect_refused("CR3 a frame of hv's (M2P L3)", -XEN_EINVAL);
    ctx.ctrlreg[3] = foreign_ram_mfn() << 12;
    expect_refused("CR3 another domain's frame", -XEN_EINVAL);
    ctx.ctrlreg[3] = data_mfn << 12;
    expect_refused("CR3 a writable data page", -XEN_EINVAL);
    ctx.ctrlreg[3] = PTE_MFN(pte_read(data, 2)) << 12;
    expect_refused("CR3 an L1 table", -XEN_EINVAL);
    ctx.ctrlreg[3] = 1UL << 50;
    expect_refused("CR3 beyond RAM", -XEN_EINVAL);

    ctx.user_regs.cs = 0xe008;
    expect_refused("CS hv's ring-0 code", -XEN_EINVAL);
    ctx.user_regs.cs = 0;
    expect_refused("CS null", -XEN_EINVAL);
    ctx.user_regs.ss = 0xe010;
    expect_refused("SS hv's ring-0 data", -XEN_EINVAL);
    ctx.kernel_ss = 0xe040;
    expect_refused("kernel_ss hv's TSS", -XEN_EINVAL);
    ctx.user_regs.rip = NONCANONICAL;
    expect_refused("non-canonical RIP", -XEN_EINVAL);
    ctx.kernel_sp = NONCANONICAL;
    expect_refused("non-canonical kernel_sp", -XEN_EINVAL);
    ctx.event_callback_eip = NONCANONICAL;
    expect_refused("non-canonical event callback", -XEN_EINVAL);
    ctx.failsafe_callback_eip = NONCANONICAL;
    expect_refused("non-canonical failsafe callback", -XEN_EINVAL);
    ctx.syscall_callback_eip = NONCANONICAL;
    expect_refused("non-canonical syscall callback", -XEN_EINVAL);
    ctx.trap_ctxt[14].vector = 14;
    ctx.trap_ctxt[14].address = NONCANONICAL;
    expect_refused("non-canonical #PF handler", -XEN_EINVAL);
    ctx.flags = 0;
    expect_refused("user mode without a user L4", -XEN_EINVAL);

    ctx.gdt_ents = 7169;
    expect_refused("7169 GDT entries", -XEN_EINVAL);
    ctx.gdt_ents = 16;
    ctx.gdt_frames[0] = data_mfn;
    expect_refused("GDT frame mapped writable", -XEN_EINVAL);
    ctx.gdt_ents = 16;
    ctx.gdt_frames[0] = hv_mfn;
    expect_refused("GDT frame of hv's", -XEN_EINVAL);
    ctx.ldt_ents = 1;
    ctx.ldt_base = 0x1234;
    expect_refused("LDT base not page aligned", -XEN_EINVAL);
    ctx.ldt_ents = 1;
    ctx.ldt_base = PTR(data);
    expect_refused("a non-empty LDT (hv has none yet)", -XEN_EOPNOTSUPP);

    ctx.debugreg[7] = 0x2000;
    expect_refused("DR7 general detect", -XEN_EPERM);
    ctx.debugreg[7] = 0x10001;
    expect_refused("DR7 data breakpoint", -XEN_EPERM);
    ctx.debugreg[0] = HV_DIRECTMAP;
    expect_refused("DR0 in hv's space", -XEN_EPERM);
    ctx.debugreg[6] = 1UL << 32;
    expect_refused("DR6 above 32 bits", -XEN_EINVAL);

    /* The GDT is taken before CR3: a refused CR3 must give it back. */
    make_readonly(gdt);
    ctx.gdt_ents = 16;
    ctx.gdt_frames[0] = gdt_mfn;
    ctx.ctrlreg[3] = data_mfn << 12;
    expect_refused("good GDT, bad CR3", -XEN_EINVAL);
    CHECK_EQ(map_frame(gdt, gdt_mfn, PTE_DATA), 0,
             "that GDT frame may be mapped writable again");

    CHECK_EQ(vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL, "up: vCPU 1 still uninitialised");
    CHECK_EQ(vcpu_op(VCPUOP_up, 2, NULL), -XEN_EINVAL, "up: vCPU 2 uninitialised");
    CHECK_EQ(vcpu_op(VCPUOP_up, 3, NULL), -XEN_ENOENT, "up: vCPU 3 (of 3)");
    CHECK_EQ(vcpu_op(VCPUOP_down, 3, NULL), -XEN_ENOENT, "down: vCPU 3 (of 3)");
    CHECK_EQ(vcpu_op(VCPUOP_down, 2, NULL), 0, "down: vCPU 2 (already down)");
    CHECK_EQ(is_up(2), 0, "vCPU 2 is down");
    CHECK_EQ(is_up(3), -XEN_ENOENT, "is_up: vCPU 3 (of 3)");
}

static long bind_on(unsigned int cmd, uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_virq v = { .virq = virq, .vcpu = vcpu };
    struct evtchn_bind_ipi i = { .vcpu = vcpu };
    long rc = cmd == EVTCHNOP_bind_ipi ? evtchn_op(cmd, &i) : evtchn_op(cmd, &v);

    *port = cmd == EVTCHNOP_bind_ipi ? i.port : v.port;
    return rc;
}

static void check_bring_up(void)
{
    struct vcpu_register_runstate_memory_area area = { .addr = PTR(&ap_runstate) };
    struct evtchn_bind_vcpu bv;
    uint8_t *gdt = alloc_page();

    CHECK_EQ(bind_on(EVTCHNOP_bind_ipi, 0, 1, &ap_ipi), 0, "bind an IPI to vCPU 1");
    CHECK_EQ(bind_on(EVTCHNOP_bind_virq, VIRQ_TIMER, 1, &ap_timer), 0,
             "bind VIRQ_TIMER to vCPU 1");
    bv = (struct evtchn_bind_vcpu){ .port = ap_ipi, .vcpu = 0 };
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_vcpu, &bv), -XEN_EINVAL, "bind_vcpu of an IPI");
    /* vCPU 1 polls with events masked, as Linux starts its CPUs. */
    shared_info->vcpu_info[1].evtchn_upcall_mask = 1;

    ap_runstate.state = -1;
    CHECK_EQ(vcpu_op(VCPUOP_register_runstate_memory_area, 1, &area), 0,
             "vCPU 0 registers vCPU 1's runstate area");
    CHECK_EQ(ap_runstate.state, RUNSTATE_offline, "written at once: offline");

    make_readonly(gdt);
    good_context(&ctx);
    ctx.gdt_ents = 16;
    ctx.gdt_frames[0] = virt_to_mfn(gdt);
    CHECK_EQ(vcpu_op(VCPUOP_initialise, 1, &ctx), 0, "initialise vCPU 1 (with a GDT)");
    CHECK_EQ(vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EEXIST, "initialise it twice");
    CHECK_EQ(is_up(1), 0, "initialised, still down");
    CHECK_EQ(map_frame(gdt, virt_to_mfn(gdt), PTE_DATA), -XEN_EBUSY,
             "its GDT frame is a descriptor page now (no writable mapping)");

    CHECK_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0, "up vCPU 1");
    CHECK_EQ(is_up(1), 1, "vCPU 1 is up");
    CHECK(wait_for(&ap_runs, 1), "vCPU 1 never ran");
    CHECK_EQ(ap_is_up, 1, "vCPU 1 sees itself up");
    CHECK_EQ(ap_state, RUNSTATE_running, "vCPU 1's runstate while it ran");
    CHECK_EQ(evtchn_send(ap_ipi), 0, "IPI to vCPU 1");
    CHECK(wait_down(1), "vCPU 1 never took itself down");
    CHECK_EQ(ap_ipis, 1, "vCPU 1 took the IPI");
    CHECK_EQ(ap_timer_wakes, 1, "vCPU 1 woke from its own one-shot timer");
    CHECK_EQ(ap_runstate.state, RUNSTATE_offline, "vCPU 1's runstate area: offline");
}

static void check_down_and_up_again(void)
{
    CHECK_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0, "up vCPU 1 again");
    CHECK(wait_for(&ap_runs, 2), "vCPU 1 did not come back");
    CHECK_EQ(ap_down_rc, 0, "its VCPUOP_down returned 0 when it came back");
    CHECK_EQ(ap_ipis, 1, "no IPI yet in round 2");

    /* Taken down by vCPU 0 while it polls: an event does not run it. */
    CHECK(wait_for(&ap_waiting, 1), "vCPU 1 not waiting");
    CHECK_EQ(vcpu_op(VCPUOP_down, 1, NULL), 0, "vCPU 0 takes vCPU 1 down");
    CHECK_EQ(is_up(1), 0, "vCPU 1 is down");
    CHECK_EQ(evtchn_send(ap_ipi), 0, "IPI to the down vCPU 1");
    for (unsigned int i = 0; i < 100; i++)
        sched_yield();
    CHECK_EQ(ap_ipis, 1, "a down vCPU does not run, even with its event pending");
    CHECK_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0, "up vCPU 1 once more");
    CHECK(wait_down(1) && ap_ipis == 2, "vCPU 1 took the pending IPI once up (%lu)",
          (unsigned long)ap_ipis);
    CHECK_EQ(ap_timer_wakes, 2, "and its timer");
}

static void check_flush_multi(void)
{
    uint64_t mask = 3, *bad = (uint64_t *)NONCANONICAL;

    CHECK_EQ(mmuext1(MMUEXT_TLB_FLUSH_MULTI, 0, PTR(&mask)), 0, "TLB_FLUSH_MULTI {0,1}");
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_MULTI, PTR(&mask), PTR(&mask)), 0, "INVLPG_MULTI {0,1}");
    CHECK_EQ(mmuext1(MMUEXT_TLB_FLUSH_MULTI, 0, PTR(bad)), -XEN_EINVAL,
             "TLB_FLUSH_MULTI, unreadable mask");
}

void test_main(void)
{
    char mode[16] = "";

    cmdline_get("mode", mode, sizeof(mode));
    if (!strcmp(mode, "lastdown")) {
        long rc = vcpu_op(VCPUOP_down, 0, NULL);

        printk("lastdown: VCPUOP_down returned %ld\n", rc);
        test_fail("the last vCPU went down and the domain ran on");
        return;
    }
    CHECK_EQ(is_up(0), 1, "vCPU 0 is up");
    CHECK_EQ(is_up(1), 0, "vCPU 1 starts down");
    subtest("hostile VCPUOP_initialise/up/down", check_hostile_initialise);
    subtest("vCPU 1 up, IPI, timer, down", check_bring_up);
    subtest("down and up again", check_down_and_up_again);
    subtest("TLB flushes for a vCPU mask", check_flush_multi);
}
