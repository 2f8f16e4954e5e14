/*
 * hv's C entry: brings the boot CPU from the boot page tables to a
 * running hv with its own page tables, descriptor tables, console, time
 * and timers, creates the boot-time domains, then idles (the scheduler
 * runs the domains from the idle loop).
 */
#include <hv/setup.h>
#include <hv/bootinfo.h>
#include <hv/cmdline.h>
#include <hv/console.h>
#include <hv/cpufeature.h>
#include <hv/desc.h>
#include <hv/extable.h>
#include <hv/mapping.h>
#include <hv/mm.h>
#include <hv/acpi.h>
#include <hv/apic.h>
#include <hv/i8259.h>
#include <hv/pirq.h>
#include <hv/time.h>
#include <hv/timer.h>
#include <hv/softirq.h>
#include <hv/selftest.h>
#include <hv/shutdown.h>
#include <hv/percpu.h>
#include <hv/processor.h>
#include <hv/sched.h>
#include <hv/pv.h>
#include <hv/pv_build.h>
#include <hv/hvm.h>

#define HV_VERSION "0.1.0"

static char selftest_list[128];

static void parse_options(void)
{
    char val[16];

    if (cmdline_find(bootinfo.cmdline, "hv_selftest", selftest_list,
                     sizeof(selftest_list)))
        panic_action = PANIC_POWEROFF;
    if (cmdline_find(bootinfo.cmdline, "on_panic", val, sizeof(val))) {
        if (!strcmp(val, "halt"))
            panic_action = PANIC_HALT;
        else if (!strcmp(val, "poweroff"))
            panic_action = PANIC_POWEROFF;
        else if (!strcmp(val, "reboot"))
            panic_action = PANIC_REBOOT;
        else
            printk("boot: ignoring on_panic=%s (halt, poweroff or reboot)\n", val);
    }
}

/*
 * What a CPU does when no vCPU wants it: softirqs, dead domains, the
 * scheduler, else wait for an interrupt with interrupts on.  Also where a
 * CPU lands (on a fresh stack) when it switches to its idle vCPU.
 */
void idle_loop(void)
{
    unsigned int cpu = smp_processor_id();

    for (;;) {
        local_irq_disable();
        timer_raise_if_due();
        if (softirq_pending(cpu)) {
            local_irq_enable();
            do_softirq();
        } else if (domain_reap_pending()) {
            local_irq_enable();
            domain_reap();
        } else if (sched_pending()) {
            local_irq_enable();
            schedule();
        } else {
            safe_halt();
        }
    }
}

void start_hv(u32 magic, u32 info)
{
    serial_init();
    printk("heron hv " HV_VERSION " (gcc " __VERSION__ ")\n");

    percpu_desc_init(0);
    idt_init();
    extable_sort();

    multiboot_parse(magic, info);
    parse_options();

    cpu_identify();
    cpu_init();

    boot_alloc_init();
    paging_init();
    percpu_gdt_window_init(0);
    /* The direct map is live: the frame table and heap take over memory. */
    mm_init();
    boot_alloc_finish();
    set_pt_page_source(heap_pt_page);

    acpi_init();
    pic_init();
    pirq_init();
    time_init();
    lapic_init();
    lapic_timer_calibrate();
    timer_subsystem_init();
    syscall_init(0);
    scheduler_init();
    pv_cpu_init();
    /* After the SYSCALL MSRs and the FPU: SVM saves hv's state as it is. */
    hvm_init();

    for (unsigned int i = 0; i < bootinfo.nr_reserved; i++)
        printk("boot: reserved [%016lx-%016lx)\n", bootinfo.reserved[i].start,
               bootinfo.reserved[i].end);
    printk("hv: boot complete\n");

    local_irq_enable();
    if (selftest_list[0])
        selftest_start(selftest_list);
    else
        create_boot_domains();
    idle_loop();
}
