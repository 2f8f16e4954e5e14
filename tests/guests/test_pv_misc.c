/*
 * hv's answers to the rest of the PV ABI: pvclock and wallclock, the
 * runstate area (with VMASST_TYPE_runstate_update_flag), PHYSDEVOP_set_iopl
 * with architectural IOPL and the port I/O it allows (in/out, rep ins/outs
 * both ways; a domU's ports, PCI configuration space too, read all ones), what a domU may not do, hypercalls hv does not
 * implement, SCHEDOP_shutdown_code and moving vcpu_info out of shared_info.
 *     [code=reboot]  set SHUTDOWN_reboot as the shutdown code first
 * hv only: the expectations are hv's (docs/abi-coverage.md).
 */
#include "lib/guest.h"
#include "lib/traps.h"
#include "lib/mm.h"
#include "lib/evtchn.h"
#include "lib/time.h"
#include <public/memory.h>
#include <public/physdev.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/features.h>
#include <public/callback.h>
#include <public/segbase.h>

const char test_title[] = "pv_misc";

#define RUNSTATE_UPDATE (1ULL << 63)
#define EFLAGS_IOPL 0x3000UL

static void check_time(void)
{
    const struct vcpu_time_info *t = &shared_info->vcpu_info[0].time;
    uint64_t a = now_ns(), b;

    CHECK_EQ(t->version & 1, 0, "pvclock version even (not mid-update)");
    CHECK(t->version > 0, "pvclock published");
    CHECK(t->flags & XEN_PVCLOCK_TSC_STABLE_BIT, "TSC_STABLE");
    CHECK(t->tsc_to_system_mul != 0, "mul");
    CHECK_EQ(sched_yield(), 0, "yield");
    b = now_ns();
    CHECK(b > a, "time goes forward (%lu, %lu)", a, b);
    CHECK_EQ(shared_info->wc_version & 1, 0, "wc_version even");
    CHECK(shared_info->wc_sec > 1600000000u, "wallclock %u s", shared_info->wc_sec);
    CHECK(shared_info->wc_nsec < 1000000000u, "wc_nsec %u", shared_info->wc_nsec);
}

static struct vcpu_time_info time_copy;

/* VCPUOP_register_vcpu_time_memory_area: a second copy of vcpu_info.time. */
static void check_time_area(void)
{
    const struct vcpu_time_info *t = &shared_info->vcpu_info[0].time;
    struct vcpu_register_time_memory_area reg = { .addr = PTR(&time_copy) };
    uint32_t before;

    reg.addr = 0xffff800000000000ULL;
    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_register_vcpu_time_memory_area, 0, PTR(&reg)),
             -XEN_EFAULT, "a time area in hv's hole");
    reg.addr = PTR(&time_copy);
    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_register_vcpu_time_memory_area, 0, PTR(&reg)),
             0, "register the time area");
    CHECK(time_copy.version > 0 && !(time_copy.version & 1), "written at once, version even");
    CHECK_EQ(time_copy.tsc_to_system_mul, t->tsc_to_system_mul, "same scale");
    CHECK(time_copy.flags & XEN_PVCLOCK_TSC_STABLE_BIT, "TSC_STABLE");
    CHECK_EQ(sched_yield(), 0, "yield");
    CHECK_EQ(time_copy.version, t->version, "refreshed with vcpu_info.time");
    reg.addr = 0;
    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_register_vcpu_time_memory_area, 0, PTR(&reg)),
             0, "unregister");
    before = time_copy.version;
    CHECK_EQ(sched_yield(), 0, "yield");
    CHECK_EQ(time_copy.version, before, "no longer written");
}

static struct vcpu_runstate_info area;

static void check_runstate(void)
{
    struct vcpu_register_runstate_memory_area reg = { .addr = PTR(&area) };
    struct vcpu_runstate_info now;

    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_register_runstate_memory_area, 0, PTR(&reg)),
             0, "register the runstate area");
    CHECK_EQ(area.state, RUNSTATE_running, "written at once: running");
    CHECK_EQ(hypercall2(HC(vm_assist), VMASST_CMD_enable,
                        VMASST_TYPE_runstate_update_flag), 0, "runstate_update_flag");
    for (int i = 0; i < 5; i++)
        CHECK_EQ(sched_yield(), 0, "yield");
    CHECK_EQ(area.state, RUNSTATE_running, "running after the yields");
    CHECK_EQ(area.state_entry_time & RUNSTATE_UPDATE, 0, "update flag clear");
    CHECK(area.state_entry_time > 0, "state entry time");
    /* The area is rewritten when the vCPU is switched in; the hypercall
     * also counts the run in progress. */
    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_get_runstate_info, 0, PTR(&now)), 0,
             "get_runstate_info");
    CHECK(now.time[RUNSTATE_running] > area.time[RUNSTATE_running],
          "get_runstate_info includes the current run");
    reg.addr = 0;
    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_register_runstate_memory_area, 0, PTR(&reg)),
             0, "unregister (NULL area)");
}

static long set_iopl(uint32_t iopl)
{
    struct physdev_set_iopl op = { .iopl = iopl };
    return hypercall2(HC(physdev_op), PHYSDEVOP_set_iopl, PTR(&op));
}

/* rep ins/outs run in one go, either direction; a bad buffer is a #PF. */
static void check_string_io(void)
{
    static uint8_t buf[8];
    uint8_t *dst = buf + 1;
    const uint8_t *src = buf;
    unsigned long cnt = 5;

    memset(buf, 0, sizeof(buf));
    last_trap.vector = TRAP_NONE;
    asm volatile("1: rep insb\n2:\n" ASM_EXTABLE(1b, 2b)
                 : "+D"(dst), "+c"(cnt) : "d"(0x80) : "memory");
    CHECK_EQ(last_trap.vector, TRAP_NONE, "rep insb with IOPL 3");
    CHECK(cnt == 0 && dst == buf + 6, "rep insb: RCX to 0, RDI up by 5");
    CHECK(buf[0] == 0 && buf[1] == 0xff && buf[5] == 0xff && buf[6] == 0,
          "rep insb: five bytes of all ones");

    memset(buf, 0, sizeof(buf));
    dst = buf + 6;
    cnt = 2;
    asm volatile("std\n1: rep insb\n2: cld\n" ASM_EXTABLE(1b, 2b)
                 : "+D"(dst), "+c"(cnt) : "d"(0x80) : "memory");
    CHECK(last_trap.vector == TRAP_NONE && cnt == 0 && dst == buf + 4,
          "rep insb with DF: RDI down by 2");
    CHECK(buf[4] == 0 && buf[5] == 0xff && buf[6] == 0xff && buf[7] == 0,
          "rep insb with DF: bytes 6 and 5");

    cnt = 8;
    asm volatile("1: rep outsb\n2:\n" ASM_EXTABLE(1b, 2b)
                 : "+S"(src), "+c"(cnt) : "d"(0x80) : "memory");
    CHECK(last_trap.vector == TRAP_NONE && cnt == 0 && src == buf + 8, "rep outsb");

    dst = (uint8_t *)0x1000;
    cnt = 3;
    asm volatile("1: rep insb\n2:\n" ASM_EXTABLE(1b, 2b)
                 : "+D"(dst), "+c"(cnt) : "d"(0x80) : "memory");
    CHECK_EQ(last_trap.vector, 14, "rep insb into an unmapped buffer: #PF");
    CHECK_EQ(last_trap.cr2, 0x1000, "#PF at the buffer");
    CHECK(cnt == 3 && dst == (uint8_t *)0x1000, "nothing done before the fault");
}

/* Physical IRQs are the hardware domain's: a domU maps and binds none. */
static void check_no_pirqs(void)
{
    struct physdev_map_pirq map = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI,
                                    .index = 1, .pirq = -1 };
    struct physdev_irq_status_query q = { .irq = 1, .flags = ~0u };
    struct physdev_eoi eoi = { .irq = 1 };
    struct evtchn_bind_pirq bind = { .pirq = 1 };

    CHECK_EQ(hypercall2(HC(physdev_op), PHYSDEVOP_map_pirq, PTR(&map)), -XEN_EPERM,
             "a domU maps no GSI");
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_pirq, &bind), -XEN_EPERM, "a domU binds no pirq");
    CHECK_EQ(hypercall2(HC(physdev_op), PHYSDEVOP_irq_status_query, PTR(&q)), 0,
             "irq_status_query");
    CHECK_EQ(q.flags, 0, "nothing to EOI");
    CHECK_EQ(hypercall2(HC(physdev_op), PHYSDEVOP_eoi, PTR(&eoi)), 0, "an EOI is a no-op");
}

static void check_iopl(void)
{
    CHECK_EQ(set_iopl(4), -XEN_EINVAL, "IOPL 4");
    CHECK_EQ(set_iopl(3), 0, "IOPL 3");
    CHECK_EQ(PROBE("int3"), 3, "int3");
    CHECK_EQ(last_trap.rflags & EFLAGS_IOPL, 0, "no IOPL in frames by default");
    CHECK_EQ(hypercall2(HC(vm_assist), VMASST_CMD_enable,
                        VMASST_TYPE_architectural_iopl), 0, "architectural_iopl");
    CHECK_EQ(PROBE("int3"), 3, "int3");
    CHECK_EQ(last_trap.rflags & EFLAGS_IOPL, EFLAGS_IOPL, "IOPL 3 in the frame");
    /* With IOPL, port I/O is emulated (Xen's rule); a port the domain
     * was not given reads as all ones. */
    {
        static volatile unsigned char got;

        CHECK_EQ(PROBE("inb $0x80, %%al; movb %%al, (%0)",
                       "r"(&got) : "rax"), TRAP_NONE, "in with IOPL 3");
        CHECK_EQ(got, 0xff, "a port not given to the domain reads all ones");
        CHECK_EQ(PROBE("outb %%al, $0x80", "a"(0)), TRAP_NONE, "out with IOPL 3");
    }
    /* PCI configuration space is the hardware domain's alone. */
    {
        static volatile uint32_t cf8, id;

        CHECK_EQ(PROBE("movl %%ecx, %%eax; movw $0xcf8, %%dx; outl %%eax, %%dx; "
                       "inl %%dx, %%eax; movl %%eax, (%0); movw $0xcfc, %%dx; "
                       "inl %%dx, %%eax; movl %%eax, (%1)",
                       "r"(&cf8), "r"(&id), "c"(0x80000000u) : "rax", "rdx", "memory"),
                 TRAP_NONE, "PCI config ports with IOPL 3");
        CHECK_EQ(cf8, 0xffffffffu, "a domU's CONFIG_ADDRESS reads all ones");
        CHECK_EQ(id, 0xffffffffu, "a domU's CONFIG_DATA reads all ones");
    }
    check_string_io();
    CHECK_EQ(set_iopl(0), 0, "IOPL 0");
    CHECK_EQ(hypercall2(HC(vm_assist), VMASST_CMD_disable,
                        VMASST_TYPE_architectural_iopl), 0, "architectural_iopl off");
    CHECK_EQ(hypercall2(HC(physdev_op), 99, 0), -XEN_ENOSYS, "unknown physdev_op");
    check_no_pirqs();
}

static void check_privilege(void)
{
    static xen_commandline_t cmdline;
    struct xen_feature_info fi = { 0 };
    struct sched_remote_shutdown rs = { .domain_id = 0, .reason = SHUTDOWN_poweroff };
    struct e820entry e820[4];
    struct xen_memory_map map = { .nr_entries = 4, .buffer = PTR(e820) };
    bool dom0 = is_dom0();

    CHECK_EQ(hypercall2(HC(xen_version), XENVER_get_features, PTR(&fi)), 0, "features");
    CHECK_EQ(!!(fi.submap & (1u << XENFEAT_dom0)), dom0, "XENFEAT_dom0 only for dom0");
    CHECK(fi.submap & (1u << XENFEAT_mmu_pt_update_preserve_ad), "preserve_ad");
    CHECK(fi.submap & (1u << XENFEAT_direct_mapped), "direct_mapped");
    CHECK(fi.submap & (1u << XENFEAT_gnttab_map_avail_bits), "gnttab_map_avail_bits");
    CHECK_EQ(hypercall2(HC(xen_version), XENVER_commandline, PTR(cmdline)), 0,
             "commandline");
    if (dom0) {
        CHECK_EQ(hypercall2(HC(memory_op), XENMEM_memory_map, PTR(&map)), -XEN_ENOSYS,
                 "dom0 has no pseudo-physical map");
        return;
    }
    CHECK(!strcmp(cmdline, "<denied>"), "hv's command line is dom0's: \"%s\"", cmdline);
    CHECK_EQ(hypercall2(HC(sched_op), SCHEDOP_remote_shutdown, PTR(&rs)), -XEN_EPERM,
             "remote_shutdown of dom0");
    CHECK_EQ(hypercall2(HC(memory_op), XENMEM_machine_memory_map, PTR(&map)),
             -XEN_EPERM, "machine_memory_map");
    CHECK_EQ(hypercall2(HC(memory_op), XENMEM_memory_map, PTR(&map)), 0, "memory_map");
    CHECK_EQ(map.nr_entries, 1, "one entry");
    CHECK_EQ(e820[0].addr, 0, "from 0");
    CHECK_EQ(e820[0].size, start_info->nr_pages * PAGE_SIZE, "our pages");
    CHECK_EQ(e820[0].type, E820_RAM, "RAM");
    CHECK_EQ(hypercall4(HC(update_va_mapping_otherdomain), PTR(alloc_page()), 0, 0, 0),
             -XEN_EPERM, "update_va_mapping_otherdomain of dom0");
}

/* rdmsr/wrmsr at the probe; the result of a read in *val. */
static uint64_t probe_rdmsr(uint32_t msr, uint64_t *val)
{
    static volatile uint32_t lo, hi;
    uint64_t vec;

    lo = hi = 0xdeadbeef;
    vec = PROBE("rdmsr; movl %%eax, (%1); movl %%edx, (%2)",
                "c"(msr), "r"(&lo), "r"(&hi) : "rax", "rdx", "memory");
    *val = ((uint64_t)hi << 32) | lo;
    return vec;
}

static uint64_t probe_wrmsr(uint32_t msr, uint64_t val)
{
    return PROBE("wrmsr", "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
}

/* The MSRs Linux PV touches at boot, emulated as Xen does. */
static void check_msrs(void)
{
    uint64_t gs, fs, efer, v;

    CHECK_EQ(probe_rdmsr(0xc0000101, &gs), TRAP_NONE, "rdmsr GS_BASE");
    CHECK_EQ(probe_wrmsr(0xc0000101, 0xffff888000001000ull), TRAP_NONE, "wrmsr GS_BASE");
    CHECK_EQ(probe_rdmsr(0xc0000101, &v), TRAP_NONE, "rdmsr GS_BASE again");
    CHECK_EQ(v, 0xffff888000001000ull, "GS_BASE reads back what was written");
    CHECK_EQ(probe_wrmsr(0xc0000101, gs), TRAP_NONE, "GS_BASE restored");
    CHECK_EQ(probe_rdmsr(0xc0000100, &fs), TRAP_NONE, "rdmsr FS_BASE");
    CHECK_EQ(probe_wrmsr(0xc0000100, 0x0000800000000000ull), 13,
             "a non-canonical FS_BASE: #GP");
    CHECK_EQ(probe_wrmsr(0xc0000100, 0x1234000), TRAP_NONE, "wrmsr FS_BASE");
    CHECK_EQ(probe_rdmsr(0xc0000100, &v), TRAP_NONE, "rdmsr FS_BASE again");
    CHECK_EQ(v, 0x1234000, "FS_BASE reads back");
    CHECK_EQ(probe_wrmsr(0xc0000100, fs), TRAP_NONE, "FS_BASE restored");
    CHECK_EQ(probe_rdmsr(0x1b, &v), TRAP_NONE, "rdmsr APIC_BASE");
    CHECK_EQ(v, 0xfee00900ull, "APIC_BASE: enabled, default base, BSP");
    CHECK_EQ(probe_rdmsr(0xc0000080, &efer), TRAP_NONE, "rdmsr EFER");
    CHECK_EQ(efer & 0x500, 0x500, "EFER: long mode active");
    CHECK_EQ(efer & (1u << 12), 0, "EFER: no SVME");
    CHECK_EQ(probe_wrmsr(0xc0000080, efer), TRAP_NONE, "EFER written back unchanged");
    CHECK_EQ(probe_wrmsr(0xc0000080, efer & ~1ull), 13, "EFER changed: #GP");
    CHECK_EQ(probe_rdmsr(0x12345678, &v), 13, "an MSR that does not exist: #GP");
    CHECK_EQ(probe_wrmsr(0x174, 0), 13, "SYSENTER_CS: #GP");
}

/* Linux's sync_core on CPUs without SERIALIZE: an IRETQ to the next
 * instruction with the current CS and SS (QEMU faults its pops under
 * SMAP; hv completes it). */
static void check_iret_to_self(void)
{
    static volatile uint8_t cf;
    uint64_t rsp_before, rsp_after;

    cf = 0;
    asm volatile("mov %%rsp, %0" : "=r"(rsp_before));
    CHECK_EQ(PROBE("mov %%ss, %%eax; pushq %%rax; pushq %%rsp; addq $8, (%%rsp); pushfq;"
                   "orq $1, (%%rsp); mov %%cs, %%eax; pushq %%rax; leaq 3f(%%rip), %%rax;"
                   "pushq %%rax; iretq; 3: setc (%0)", "r"(&cf) : "rax", "memory"),
             TRAP_NONE, "iretq to self");
    asm volatile("mov %%rsp, %0" : "=r"(rsp_after));
    CHECK_EQ(rsp_after, rsp_before, "the stack is back where it was");
    CHECK_EQ(cf, 1, "the flags came from the frame (CF set there)");
}

static void check_unimplemented(void)
{
    static const unsigned int nrs[] = {
        HC(sched_op_compat), HC(platform_op), HC(physdev_op_compat), HC(xsm_op),
        HC(nmi_op), HC(xenoprof_op), HC(hvm_op), HC(kexec_op),
    };
    for (unsigned int i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
        long rc = hypercall5(nrs[i], 0, 0, 0, 0, 0);
        if (rc != -XEN_ENOSYS)
            test_fail("hypercall %u: got %ld, want -ENOSYS", nrs[i], rc);
    }
    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_send_nmi, 0, 0), -XEN_ENOSYS,
             "VCPUOP_send_nmi");
    /* Implemented now (test_pv_smp): on the running vCPU 0, up changes
     * nothing and initialise reads its context first. */
    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_up, 0, 0), 0, "VCPUOP_up of vCPU 0");
    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_initialise, 0, 0), -XEN_EFAULT,
             "VCPUOP_initialise from NULL");
}

static long register_callback(uint16_t type, void *address)
{
    struct callback_register cb = { .type = type, .address = PTR(address) };
    return hypercall2(HC(callback_op), CALLBACKOP_register, PTR(&cb));
}

static void check_corners(void)
{
    uint8_t *a = alloc_page(), *b = alloc_page();

    CHECK_EQ(register_callback(CALLBACKTYPE_syscall32, check_corners), 0,
             "syscall32 callback");
    CHECK_EQ(register_callback(CALLBACKTYPE_sysenter, check_corners), -XEN_ENOSYS,
             "no sysenter callback");
    CHECK_EQ(hypercall2(HC(set_segment_base), SEGBASE_GS_USER_SEL, 0), 0,
             "SEGBASE_GS_USER_SEL with the null selector");
    CHECK_EQ(hypercall2(HC(set_segment_base), SEGBASE_GS_USER_SEL, 0x1233), 0,
             "a selector that does not load leaves GS null");

    memset(a, 0x5a, PAGE_SIZE);
    CHECK_EQ(mmuext1(MMUEXT_COPY_PAGE, virt_to_mfn(b), virt_to_mfn(a)), 0, "COPY_PAGE");
    CHECK_EQ(b[100], 0x5a, "copied");
    CHECK_EQ(mmuext1(MMUEXT_CLEAR_PAGE, virt_to_mfn(a), 0), 0, "CLEAR_PAGE");
    CHECK_EQ(a[100], 0, "cleared");
    CHECK_EQ(mmuext1(MMUEXT_CLEAR_PAGE, virt_to_mfn((void *)start_info->pt_base), 0),
             -XEN_EBUSY, "CLEAR_PAGE of our L4");
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, 0, 0), 0, "an empty LDT");
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, 0x1001, 1), -XEN_EINVAL, "an unaligned LDT");
}

/* set_gdt and update_descriptor (Xen's check_descriptor); debug registers. */
static void check_descriptors(void)
{
    uint64_t *page = alloc_page(), frame = virt_to_mfn(page);
    uint64_t maddr = frame << PAGE_SHIFT;

    CHECK_EQ(hypercall2(HC(set_gdt), PTR(&frame), 7169), -XEN_EINVAL,
             "set_gdt: more entries than the guest's 14 pages");
    CHECK_EQ(hypercall2(HC(set_gdt), PTR(&frame), 512), -XEN_EINVAL,
             "set_gdt: a frame we map writable");
    CHECK_EQ(hypercall2(HC(set_gdt), PTR(&frame), 0), 0, "set_gdt: no GDT");
    /* A DPL-0 data segment becomes DPL 3; a TSS is refused; alignment. */
    CHECK_EQ(hypercall2(HC(update_descriptor), maddr + 8, 0x00cf93000000ffffULL), 0,
             "update_descriptor of a data segment");
    CHECK_EQ(page[1], 0x00cff3000000ffffULL, "stored with DPL 3");
    CHECK_EQ(hypercall2(HC(update_descriptor), maddr + 16, 0x0000890000000067ULL),
             -XEN_EINVAL, "update_descriptor of a TSS");
    CHECK_EQ(page[2], 0, "nothing stored");
    CHECK_EQ(hypercall2(HC(update_descriptor), maddr + 4, 0), -XEN_EINVAL,
             "update_descriptor unaligned");
    CHECK_EQ(hypercall2(HC(update_descriptor), virt_to_mfn((void *)start_info->pt_base)
                        << PAGE_SHIFT, 0), -XEN_EINVAL, "update_descriptor in our L4");

    CHECK_EQ(hypercall1(HC(get_debugreg), 7), 0x400, "DR7 starts clear");
    CHECK_EQ(hypercall2(HC(set_debugreg), 0, 0x1000), 0, "DR0");
    CHECK_EQ(hypercall1(HC(get_debugreg), 0), 0x1000, "DR0 read back");
    CHECK_EQ(hypercall2(HC(set_debugreg), 0, 0xffff800000001000ULL), -XEN_EPERM,
             "DR0 in hv's hole");
    CHECK_EQ(hypercall2(HC(set_debugreg), 7, 1 << 13), -XEN_EPERM, "DR7.GD");
    CHECK_EQ(hypercall2(HC(set_debugreg), 6, 1ULL << 32), -XEN_EINVAL, "DR6 high bits");
    CHECK_EQ(hypercall2(HC(set_debugreg), 7, 0), 0, "DR7 cleared");
    CHECK_EQ(hypercall1(HC(get_debugreg), 8), -XEN_ENODEV, "no DR8");
}

static void check_vcpu_info(void)
{
    uint8_t *page = alloc_page();
    vcpu_info_t *vi = (vcpu_info_t *)(page + 64);
    struct vcpu_register_vcpu_info reg = { .mfn = virt_to_mfn(page), .offset = 64 };

    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_register_vcpu_info, 0, PTR(&reg)), 0,
             "register vcpu_info in our own page");
    CHECK_EQ(vi->evtchn_upcall_pending, 1, "everything marked pending");
    CHECK_EQ(vi->evtchn_pending_sel, ~0UL, "every selector bit");
    CHECK_EQ(vi->evtchn_upcall_mask, 1, "the mask moved along");
    CHECK(vi->time.version && !(vi->time.version & 1), "time published there");
    CHECK_EQ(hypercall3(HC(vcpu_op), VCPUOP_register_vcpu_info, 0, PTR(&reg)),
             -XEN_EINVAL, "only once");
    CHECK_EQ(map_frame(page, virt_to_mfn(page), 0), 0, "unmap the page");
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(page), 0), -XEN_EINVAL,
             "it cannot become a page table while it holds vcpu_info");
}

void test_main(void)
{
    char code[16];

    subtest("pvclock and wallclock", check_time);
    subtest("runstate area", check_runstate);
    subtest("vcpu time area", check_time_area);
    subtest("PHYSDEVOP_set_iopl", check_iopl);
    subtest("privilege", check_privilege);
    subtest("rdmsr and wrmsr", check_msrs);
    subtest("iretq to self", check_iret_to_self);
    subtest("hypercalls hv does not implement", check_unimplemented);
    subtest("descriptor tables and debug registers", check_descriptors);
    subtest("callbacks, GS selector, page copy and clear", check_corners);
    subtest("VCPUOP_register_vcpu_info", check_vcpu_info);
    if (cmdline_get("code", code, sizeof(code)) && !strcmp(code, "reboot")) {
        struct sched_shutdown sd = { .reason = SHUTDOWN_reboot };
        CHECK_EQ(hypercall2(HC(sched_op), SCHEDOP_shutdown_code, PTR(&sd)), 0,
                 "shutdown_code");
    }
}
