/*
 * Bad arguments to every hypercall in hv's list: pointers that are NULL,
 * unmapped, in the hypervisor hole, non-canonical, or straddling into an
 * unmapped page; absurd counts; unknown sub-ops; unknown hypercall
 * numbers.  The expectations are what Xen 4.17 returns; the guest must
 * survive every call, and what it relies on afterwards must still work.
 *
 * xen-ref: pass
 */
#include "lib/guest.h"
#include "lib/traps.h"
#include "lib/mm.h"
#include "lib/evtchn.h"
#include "lib/grant.h"
#include <public/callback.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/segbase.h>
#include <public/vcpu.h>
#include <public/version.h>

const char test_title[] = "hypercall_args";

/* The ways a guest pointer can be bad. */
enum { P_NULL, P_UNMAPPED, P_HOLE, P_XEN_TEXT, P_NONCANON, P_NONCANON_HI, P_STRADDLE,
       NR_BAD };
static const char *const bad_name[NR_BAD] = {
    "NULL", "unmapped", "hypervisor hole", "hypervisor text", "non-canonical",
    "non-canonical (high)", "straddling a hole",
};
static uint64_t bad_ptr[NR_BAD];
static uint8_t *hole_end;           /* the first byte that is not mapped */

static void init_bad_pointers(void)
{
    hole_end = alloc_page_before_hole() + PAGE_SIZE;
    bad_ptr[P_NULL] = 0;
    bad_ptr[P_UNMAPPED] = 0x1000;
    bad_ptr[P_HOLE] = HYPERVISOR_VIRT_START + 0x10000;  /* inside the readable M2P */
    bad_ptr[P_XEN_TEXT] = 0xffff82d080200000UL;
    bad_ptr[P_NONCANON] = 0x0000800000000000UL;
    bad_ptr[P_NONCANON_HI] = 0x8000000000000000UL;
    bad_ptr[P_STRADDLE] = PTR(hole_end - 1);   /* any argument of 2+ bytes */
}

/* Calls `fn` with each bad pointer but those in `skip` (a mask of P_*);
 * each must give `want`. */
static void expect_bad_but(const char *what, long (*fn)(uint64_t), long want,
                           unsigned int skip)
{
    for (unsigned int i = 0; i < NR_BAD; i++) {
        if (skip & (1U << i))
            continue;
        long rc = fn(bad_ptr[i]);
        if (rc != want)
            test_fail("%s, %s pointer: got %ld, want %ld", what, bad_name[i], rc, want);
    }
}

static void expect_bad(const char *what, long (*fn)(uint64_t), long want)
{
    expect_bad_but(what, fn, want, 0);
}

/* --- set_trap_table ------------------------------------------------------- */

static long hc_set_trap_table(uint64_t p) { return hypercall1(HC(set_trap_table), p); }

static void check_set_trap_table(void)
{
    /* NULL means "clear the table": below. */
    expect_bad_but("set_trap_table", hc_set_trap_table, -XEN_EFAULT, 1U << P_NULL);

    CHECK_EQ(hc_set_trap_table(0), 0, "NULL clears the table");
    traps_init();
    CHECK_EQ(PROBE("ud2"), 6, "traps work after reinstalling");

    /* A table without a terminator running into the hole. */
    struct trap_info *ti = (struct trap_info *)hole_end - 1;
    *ti = (struct trap_info){ 6, 0, FLAT_KERNEL_CS, 0, PTR(hole_end) };
    CHECK_EQ(hc_set_trap_table(PTR(ti)), -XEN_EFAULT, "unterminated table");
    traps_init();
    CHECK_EQ(PROBE("ud2"), 6, "traps still work");
}

/* --- mmu_update, mmuext_op, update_va_mapping ------------------------------- */

static long hc_mmu_update(uint64_t p) { return hypercall4(HC(mmu_update), p, 1, 0, DOMID_SELF); }
static long hc_mmu_update_done(uint64_t p)
{
    /* A valid no-op update (rewrite an M2P entry) with a bad done pointer. */
    static struct mmu_update u;
    uint64_t mfn = virt_to_mfn(hole_end - PAGE_SIZE);
    u = (struct mmu_update){ (mfn << 12) | MMU_MACHPHYS_UPDATE, machine_to_phys[mfn] };
    return hypercall4(HC(mmu_update), PTR(&u), 1, p, DOMID_SELF);
}
static long hc_mmuext_op(uint64_t p) { return hypercall4(HC(mmuext_op), p, 1, 0, DOMID_SELF); }
static long hc_mmuext_done(uint64_t p)
{
    static struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    return hypercall4(HC(mmuext_op), PTR(&op), 1, p, DOMID_SELF);
}

static void check_mmu_calls(void)
{
    expect_bad("mmu_update", hc_mmu_update, -XEN_EFAULT);
    /* Xen does not report a failure to write the done count. */
    expect_bad("mmu_update's done", hc_mmu_update_done, 0);
    expect_bad("mmuext_op", hc_mmuext_op, -XEN_EFAULT);
    expect_bad("mmuext_op's done", hc_mmuext_done, 0);

    struct mmu_update *tail = (struct mmu_update *)hole_end - 1;
    uint64_t mfn = virt_to_mfn(hole_end - PAGE_SIZE);
    *tail = (struct mmu_update){ (mfn << 12) | MMU_MACHPHYS_UPDATE, machine_to_phys[mfn] };
    unsigned int done = 0;
    CHECK_EQ(hypercall4(HC(mmu_update), PTR(tail), 0x7fffffff, PTR(&done), DOMID_SELF),
             -XEN_EFAULT, "mmu_update with count 0x7fffffff");
    CHECK_EQ(done, 1, "the one real update was done");
    CHECK_EQ(hypercall4(HC(mmu_update), PTR(tail), 0, 0, DOMID_SELF), 0, "count 0");
    CHECK_EQ(hypercall4(HC(mmu_update), PTR(tail), 1, 0, 0x7000), -XEN_ESRCH,
             "mmu_update for a data domain that does not exist");
    CHECK_EQ(hypercall4(HC(mmu_update), PTR(tail), 1, 0, 0x7001U << 16), -XEN_ESRCH,
             "mmu_update for a page-table domain that does not exist");

    struct mmuext_op *otail = (struct mmuext_op *)hole_end - 1;
    *otail = (struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    CHECK_EQ(hypercall4(HC(mmuext_op), PTR(otail), 0x7fffffff, PTR(&done), DOMID_SELF),
             -XEN_EFAULT, "mmuext_op with count 0x7fffffff");
    CHECK_EQ(done, 1, "the one real op was done");
    CHECK_EQ(hypercall4(HC(mmuext_op), PTR(otail), 1, 0, 0x7000), -XEN_ESRCH,
             "mmuext_op for a domain that does not exist");
    CHECK_EQ(mmuext1(77, 0, 0), -XEN_ENOSYS, "unknown mmuext command");
}

static long hc_uvm_va(uint64_t va)
{
    return hypercall3(HC(update_va_mapping), va, 0, UVMF_INVLPG);
}
static long hc_uvm_mask(uint64_t p)
{
    /* UVMF_MULTI: the flags word is a pointer to a vCPU bitmap. */
    return hypercall3(HC(update_va_mapping), PTR(hole_end - PAGE_SIZE),
                      (virt_to_mfn(hole_end - PAGE_SIZE) << 12) | PTE_DATA,
                      p | UVMF_INVLPG);
}

static void check_update_va_mapping(void)
{
    /* The VA selects a page: "straddling" means nothing there. */
    expect_bad_but("update_va_mapping's VA", hc_uvm_va, -XEN_EINVAL, 1U << P_STRADDLE);
    /* A one-vCPU mask is one byte: it cannot straddle; NULL means "local". */
    expect_bad_but("update_va_mapping's vCPU mask", hc_uvm_mask, -XEN_EFAULT,
                   (1U << P_STRADDLE) | (1U << P_NULL));
    CHECK_EQ(hypercall3(HC(update_va_mapping), PTR(hole_end - PAGE_SIZE),
                        (virt_to_mfn(hole_end - PAGE_SIZE) << 12) | PTE_DATA, 7), 0,
             "flush type 3 (both bits) is ignored");
    *(hole_end - 1) = 1;
    CHECK_EQ(*(hole_end - 1), 1, "our page is still mapped");
}

/* --- stack_switch, callbacks, segment bases, fpu_taskswitch ----------------- */

static uint8_t kernel_stack[PAGE_SIZE] __attribute__((aligned(16)));

static long hc_callback_register(uint64_t p)
{
    return hypercall2(HC(callback_op), CALLBACKOP_register, p);
}
static long hc_callback_unregister(uint64_t p)
{
    return hypercall2(HC(callback_op), CALLBACKOP_unregister, p);
}

static long register_callback(uint16_t type, uint64_t address)
{
    struct callback_register cb = { .type = type, .address = address };
    return hc_callback_register(PTR(&cb));
}

static void check_entry_points(void)
{
    /* Xen stores any stack; it only matters at the next user->kernel entry. */
    CHECK_EQ(hypercall2(HC(stack_switch), 0, 0x8000000000000000UL), 0,
             "stack_switch with a non-canonical stack");
    CHECK_EQ(hypercall2(HC(stack_switch), FLAT_KERNEL_SS, PTR(kernel_stack + PAGE_SIZE)),
             0, "stack_switch back to a real stack");

    expect_bad("callback_op register", hc_callback_register, -XEN_EFAULT);
    expect_bad("callback_op unregister", hc_callback_unregister, -XEN_EFAULT);
    CHECK_EQ(register_callback(CALLBACKTYPE_event, 0x8000000000000000UL), -XEN_EINVAL,
             "non-canonical event callback");
    CHECK_EQ(register_callback(3, PTR(kernel_stack)), -XEN_ENOSYS, "callback type 3");
    CHECK_EQ(register_callback(99, PTR(kernel_stack)), -XEN_ENOSYS, "callback type 99");
    struct callback_unregister un = { .type = CALLBACKTYPE_event };
    CHECK_EQ(hc_callback_unregister(PTR(&un)), -XEN_EINVAL, "unregister the event callback");
    un.type = CALLBACKTYPE_nmi;
    CHECK_EQ(hc_callback_unregister(PTR(&un)), 0, "unregister the NMI callback");
    un.type = 99;
    CHECK_EQ(hc_callback_unregister(PTR(&un)), -XEN_ENOSYS, "unregister type 99");
    CHECK_EQ(hypercall2(HC(callback_op), 7, PTR(&un)), -XEN_ENOSYS, "unknown callback_op");
    /* set_callbacks ignores the refusals of the three registrations. */
    CHECK_EQ(hypercall3(HC(set_callbacks), 0x8000000000000000UL, 0x8000000000000000UL,
                        0x8000000000000000UL), 0,
             "set_callbacks with non-canonical addresses");
    evtchn_port_t ipi;
    unsigned int upcalls = evtchn_upcalls;
    events_init();
    CHECK_EQ(evtchn_bind_ipi(&ipi), 0, "bind an IPI");
    CHECK_EQ(evtchn_send(ipi), 0, "send it");
    events_enable();
    events_disable();
    CHECK_EQ(evtchn_upcalls, upcalls + 1, "the event callback is unchanged");
    CHECK_EQ(evtchn_close(ipi), 0, "close the IPI");
    CHECK_EQ(register_callback(CALLBACKTYPE_syscall, 0), 0, "no syscall callback");

    CHECK_EQ(hypercall2(HC(set_segment_base), 4, 0), -XEN_EINVAL, "set_segment_base 4");
    CHECK_EQ(hypercall2(HC(set_segment_base), ~0UL, 0), -XEN_EINVAL, "set_segment_base ~0");
    CHECK_EQ(hypercall2(HC(set_segment_base), SEGBASE_FS, 0x0000800000000000UL),
             -XEN_EINVAL, "non-canonical FS base");

    CHECK_EQ(hypercall1(HC(fpu_taskswitch), ~0UL), 0, "fpu_taskswitch(~0) sets TS");
    CHECK_EQ(PROBE("fninit"), 7, "#NM");
    CHECK_EQ(hypercall1(HC(fpu_taskswitch), 0), 0, "fpu_taskswitch(0)");
}

/* --- multicall ------------------------------------------------------------- */

static long hc_multicall(uint64_t p) { return hypercall2(HC(multicall), p, 1); }

static void check_multicall(void)
{
    expect_bad("multicall", hc_multicall, -XEN_EFAULT);
}

/* --- sched_op, set_timer_op, vcpu_op ------------------------------------------ */

static long hc_shutdown(uint64_t p) { return hypercall2(HC(sched_op), SCHEDOP_shutdown, p); }
static long hc_poll(uint64_t p) { return hypercall2(HC(sched_op), SCHEDOP_poll, p); }
static long hc_remote_shutdown(uint64_t p)
{
    return hypercall2(HC(sched_op), SCHEDOP_remote_shutdown, p);
}
static long hc_poll_ports(uint64_t p)
{
    struct sched_poll poll = { .ports = p, .nr_ports = 1, .timeout = 1 };
    return hypercall2(HC(sched_op), SCHEDOP_poll, PTR(&poll));
}

static void check_sched_op(void)
{
    expect_bad("SCHEDOP_shutdown", hc_shutdown, -XEN_EFAULT);
    expect_bad("SCHEDOP_poll", hc_poll, -XEN_EFAULT);
    expect_bad("SCHEDOP_poll's port list", hc_poll_ports, -XEN_EFAULT);
    expect_bad("SCHEDOP_remote_shutdown", hc_remote_shutdown, -XEN_EFAULT);
    struct sched_remote_shutdown rs = { .domain_id = 0x7000, .reason = SHUTDOWN_poweroff };
    CHECK_EQ(hypercall2(HC(sched_op), SCHEDOP_remote_shutdown, PTR(&rs)), -XEN_ESRCH,
             "remote_shutdown of a domain that does not exist");
    CHECK_EQ(hypercall2(HC(sched_op), SCHEDOP_yield, 0x8000000000000000UL), 0,
             "yield ignores its argument");
    CHECK_EQ(hypercall2(HC(sched_op), 99, 0), -XEN_ENOSYS, "unknown sched_op");

    /* Absurd timer values: past, negative (Xen makes those 100 ms). */
    CHECK_EQ(hypercall1(HC(set_timer_op), 1), 0, "set_timer_op(1)");
    CHECK_EQ(hypercall1(HC(set_timer_op), ~0UL), 0, "set_timer_op(~0)");
    CHECK_EQ(hypercall1(HC(set_timer_op), 0), 0, "cancel");
}

static long hc_runstate(uint64_t p)
{
    return hypercall3(HC(vcpu_op), VCPUOP_get_runstate_info, 0, p);
}
static long hc_periodic(uint64_t p)
{
    return hypercall3(HC(vcpu_op), VCPUOP_set_periodic_timer, 0, p);
}
static long hc_singleshot(uint64_t p)
{
    return hypercall3(HC(vcpu_op), VCPUOP_set_singleshot_timer, 0, p);
}
static long hc_register_vcpu_info(uint64_t p)
{
    return hypercall3(HC(vcpu_op), VCPUOP_register_vcpu_info, 0, p);
}
static long hc_register_runstate(uint64_t p)
{
    return hypercall3(HC(vcpu_op), VCPUOP_register_runstate_memory_area, 0, p);
}

static void check_vcpu_op(void)
{
    expect_bad("VCPUOP_get_runstate_info", hc_runstate, -XEN_EFAULT);
    expect_bad("VCPUOP_set_periodic_timer", hc_periodic, -XEN_EFAULT);
    expect_bad("VCPUOP_set_singleshot_timer", hc_singleshot, -XEN_EFAULT);
    expect_bad("VCPUOP_register_vcpu_info", hc_register_vcpu_info, -XEN_EFAULT);
    expect_bad("VCPUOP_register_runstate_memory_area", hc_register_runstate, -XEN_EFAULT);

    struct vcpu_runstate_info rs;
    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_get_runstate_info, 0, PTR(&rs)), 0,
             "get_runstate_info");
    CHECK_EQ(rs.state, RUNSTATE_running, "we are running");
    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_get_runstate_info, 1, PTR(&rs)), -XEN_ENOENT,
             "vCPU 1");
    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_is_up, ~0U, 0), -XEN_ENOENT, "vCPU ~0");
    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_is_up, 0, 0), 1, "vCPU 0 is up");
    CHECK_EQ(hypercall3(HC(vcpu_op), 99, 0, 0), -XEN_ENOSYS, "unknown vcpu_op");

    /* Periods below 1 ms are refused. */
    struct vcpu_set_periodic_timer p = { .period_ns = 1 };
    CHECK_EQ(hc_periodic(PTR(&p)), -XEN_EINVAL, "1 ns period");
    p.period_ns = 999999;
    CHECK_EQ(hc_periodic(PTR(&p)), -XEN_EINVAL, "period just under 1 ms");
    struct vcpu_register_vcpu_info vi = { .mfn = ~0UL, .offset = 0 };
    CHECK_EQ(hc_register_vcpu_info(PTR(&vi)), -XEN_EINVAL, "vcpu_info in MFN ~0");
    vi = (struct vcpu_register_vcpu_info){ .mfn = virt_to_mfn(hole_end - PAGE_SIZE),
                                           .offset = PAGE_SIZE - 32 };
    CHECK_EQ(hc_register_vcpu_info(PTR(&vi)), -XEN_ENXIO, "vcpu_info crossing a page");
    vi.offset = 4;
    CHECK_EQ(hc_register_vcpu_info(PTR(&vi)), -XEN_ENXIO, "misaligned vcpu_info");
}

/* --- event_channel_op, grant_table_op ------------------------------------------- */

static unsigned int op_cmd;
static long hc_evtchn(uint64_t p) { return hypercall2(HC(event_channel_op), op_cmd, p); }
static long hc_evtchn_compat(uint64_t p) { return hypercall1(HC(event_channel_op_compat), p); }
static long hc_gnttab(uint64_t p) { return hypercall3(HC(grant_table_op), op_cmd, p, 1); }

static void check_event_channel_op(void)
{
    static const unsigned int cmds[] = {
        EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_bind_pirq, EVTCHNOP_close,
        EVTCHNOP_send, EVTCHNOP_status, EVTCHNOP_alloc_unbound, EVTCHNOP_bind_ipi,
        EVTCHNOP_bind_vcpu, EVTCHNOP_unmask, EVTCHNOP_reset,
    };
    for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        op_cmd = cmds[i];
        expect_bad("event_channel_op", hc_evtchn, -XEN_EFAULT);
    }
    expect_bad("event_channel_op_compat", hc_evtchn_compat, -XEN_EFAULT);
    op_cmd = 99;
    CHECK_EQ(hc_evtchn(0), -XEN_ENOSYS, "unknown event_channel_op");
    struct evtchn_op compat = { .cmd = 99 };
    CHECK_EQ(hc_evtchn_compat(PTR(&compat)), -XEN_ENOSYS, "unknown compat op");
}

static void check_grant_table_op(void)
{
    static const unsigned int cmds[] = {
        GNTTABOP_map_grant_ref, GNTTABOP_unmap_grant_ref, GNTTABOP_setup_table,
        GNTTABOP_copy, GNTTABOP_query_size,
    };
    for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        op_cmd = cmds[i];
        expect_bad("grant_table_op", hc_gnttab, -XEN_EFAULT);
    }
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    CHECK_EQ(gnttab_op(GNTTABOP_query_size, &q, 0x80000000U), -XEN_EINVAL,
             "negative count");
    CHECK_EQ(gnttab_op(GNTTABOP_copy, hole_end - sizeof(struct gnttab_copy), 0x7fffffff),
             -XEN_EFAULT, "copy with count 0x7fffffff");
    CHECK_EQ(gnttab_op(99, 0, 1), -XEN_ENOSYS, "unknown grant_table_op");
    CHECK_EQ(gnttab_op(GNTTABOP_query_size, &q, 1), 0, "query_size still works");
    CHECK_EQ(q.status, GNTST_okay, "status");
}

/* --- console_io, xen_version, memory_op, vm_assist -------------------------------- */

static long hc_console_write(uint64_t p)
{
    return hypercall3(HC(console_io), CONSOLEIO_write, 16, p);
}

static void check_console_io(void)
{
    expect_bad("console_io write", hc_console_write, -XEN_EFAULT);
    CHECK_EQ(hypercall3(HC(console_io), CONSOLEIO_write, 0, 0), 0, "write 0 bytes from NULL");
    memcpy(hole_end - 6, "tail\n", 5);
    CHECK_EQ(hypercall3(HC(console_io), CONSOLEIO_write, 0x7fffffff, PTR(hole_end - 6)),
             -XEN_EFAULT, "write 0x7fffffff bytes running into a hole");
    CHECK_EQ(hypercall3(HC(console_io), 2, 1, PTR(hole_end - 6)), -XEN_ENOSYS,
             "unknown console_io command");
}

static long hc_xen_version(uint64_t p) { return hypercall2(HC(xen_version), op_cmd, p); }
static long hc_memory_op(uint64_t p) { return hypercall2(HC(memory_op), op_cmd, p); }

static void check_xen_version(void)
{
    static const unsigned int cmds[] = {
        XENVER_extraversion, XENVER_compile_info, XENVER_capabilities, XENVER_changeset,
        XENVER_platform_parameters, XENVER_get_features, XENVER_guest_handle,
        XENVER_commandline,
    };
    for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        op_cmd = cmds[i];
        expect_bad("xen_version", hc_xen_version, -XEN_EFAULT);
    }
    CHECK_EQ(hypercall2(HC(xen_version), 99, 0), -XEN_ENOSYS, "unknown xen_version");
    /* Sub-op numbers are 32 bits: the high half is ignored. */
    CHECK_EQ(hypercall2(HC(xen_version), XENVER_version | (1UL << 32), 0),
             hypercall2(HC(xen_version), XENVER_version, 0), "sub-op with bits above 32");
}

static void check_memory_op(void)
{
    static const unsigned int fault_cmds[] = {
        XENMEM_current_reservation, XENMEM_maximum_reservation, XENMEM_maximum_gpfn,
        XENMEM_memory_map, XENMEM_machphys_mapping,
    };
    static const unsigned int extent_cmds[] = {
        XENMEM_increase_reservation, XENMEM_decrease_reservation, XENMEM_populate_physmap,
    };
    for (unsigned int i = 0; i < sizeof(fault_cmds) / sizeof(fault_cmds[0]); i++) {
        op_cmd = fault_cmds[i];
        expect_bad("memory_op", hc_memory_op, -XEN_EFAULT);
    }
    /* The reservation calls return how many extents they did: none. */
    for (unsigned int i = 0; i < sizeof(extent_cmds) / sizeof(extent_cmds[0]); i++) {
        op_cmd = extent_cmds[i];
        expect_bad("memory_op (extents)", hc_memory_op, 0);
    }
    CHECK_EQ(hypercall2(HC(memory_op), 63, 0), -XEN_ENOSYS, "unknown memory_op");
    CHECK_EQ(hypercall2(HC(vm_assist), 2, 0), -XEN_ENOSYS, "vm_assist command 2");
    CHECK_EQ(hypercall2(HC(vm_assist), VMASST_CMD_enable, 40), -XEN_EINVAL,
             "vm_assist type 40");
}

/* --- unknown hypercall numbers ------------------------------------------------------ */

/* A hypercall without the hypercall page: SYSCALL with RAX as given. */
static long raw_syscall(uint64_t rax, uint64_t rdi, uint64_t rsi)
{
    long ret;
    asm volatile ("syscall" : "=a"(ret), "+D"(rdi), "+S"(rsi) : "a"(rax)
                  : "rcx", "r11", "rdx", "r10", "r8", "memory");
    return ret;
}

static void check_unknown_hypercalls(void)
{
    static const unsigned int unused[] = {
        11, 38, 39, 43, 44, 45, 46, 47, 50, 55, 56, 60, 63, 64, 65, 100, 127,
    };
    for (unsigned int i = 0; i < sizeof(unused) / sizeof(unused[0]); i++) {
        long rc = hypercall5(unused[i], 1, 2, 3, 4, 5);
        if (rc != -XEN_ENOSYS)
            test_fail("hypercall %u: got %ld, want -ENOSYS", unused[i], rc);
    }
    CHECK_EQ(raw_syscall(128, 0, 0), -XEN_ENOSYS, "raw hypercall 128");
    CHECK_EQ(raw_syscall(4096, 0, 0), -XEN_ENOSYS, "raw hypercall 4096");
    CHECK_EQ(raw_syscall((1UL << 32) | HC(xen_version), 0, 0), -XEN_ENOSYS,
             "raw hypercall with bits above 32");
    CHECK_EQ(raw_syscall(~0UL, 0, 0), -XEN_ENOSYS, "raw hypercall ~0");
    CHECK_EQ(raw_syscall(HC(xen_version), XENVER_version, 0),
             hypercall2(HC(xen_version), XENVER_version, 0),
             "a raw SYSCALL hypercall works like the page's stub");
}

void test_main(void)
{
    init_bad_pointers();
    subtest("set_trap_table", check_set_trap_table);
    subtest("mmu_update and mmuext_op", check_mmu_calls);
    subtest("update_va_mapping", check_update_va_mapping);
    subtest("stack_switch, callbacks, set_segment_base, fpu_taskswitch",
            check_entry_points);
    subtest("multicall", check_multicall);
    subtest("sched_op and set_timer_op", check_sched_op);
    subtest("vcpu_op", check_vcpu_op);
    subtest("event_channel_op", check_event_channel_op);
    subtest("grant_table_op", check_grant_table_op);
    subtest("console_io", check_console_io);
    subtest("xen_version", check_xen_version);
    subtest("memory_op and vm_assist", check_memory_op);
    subtest("unknown hypercall numbers", check_unknown_hypercalls);
}
