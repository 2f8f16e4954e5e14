/* Power off, reset and halt. */
#include <hv/shutdown.h>
#include <hv/acpi.h>
#include <hv/cpufeature.h>
#include <hv/processor.h>
#include <hv/desc.h>
#include <hv/time.h>
#include <hv/io.h>

#define FW_CFG_PORT_SEL   0x510
#define FW_CFG_PORT_DATA  0x511
#define FW_CFG_SIGNATURE  0x0000
#define DEBUG_EXIT_PORT   0xf4      /* -device isa-debug-exit,iobase=0xf4 */

enum panic_action panic_action = PANIC_HALT;

/* Only poke QEMU's test devices on QEMU: it answers fw_cfg's signature. */
static bool running_on_qemu(void)
{
    char sig[4];

    if (!boot_cpu_data.hypervisor)
        return false;
    outw(FW_CFG_SIGNATURE, FW_CFG_PORT_SEL);
    for (int i = 0; i < 4; i++)
        sig[i] = inb(FW_CFG_PORT_DATA);
    return sig[0] == 'Q' && sig[1] == 'E' && sig[2] == 'M' && sig[3] == 'U';
}

/* QEMU exits with status (code << 1) | 1 if the device is present. */
static void qemu_debug_exit(u32 code)
{
    if (running_on_qemu())
        outl(code, DEBUG_EXIT_PORT);
}

void machine_halt(void)
{
    printk("hv: system halted\n");
    for (;;)
        asm volatile("cli; hlt");
}

void machine_power_off(void)
{
    local_irq_disable();
    printk("hv: powering off\n");
    acpi_power_off();
    printk("hv: ACPI power off did not take effect\n");
    qemu_debug_exit(0);
    printk("hv: power off failed\n");
    machine_halt();
}

void machine_restart(void)
{
    static const struct desc_ptr no_idt = { 0, 0 };

    local_irq_disable();
    printk("hv: restarting\n");
    acpi_reset();
    for (int i = 0; i < 10; i++) {
        outb(0xfe, 0x64);                   /* keyboard controller pulse */
        udelay(50000);
    }
    outb(0x02, 0xcf9);                      /* PCI reset control: hard reset */
    outb(0x06, 0xcf9);
    udelay(50000);
    lidt(&no_idt);                          /* last resort: triple fault */
    asm volatile("int3");
    machine_halt();
}

void machine_crash_stop(void)
{
    switch (panic_action) {
    case PANIC_POWEROFF:
        printk("hv: crashed; powering off (on_panic=poweroff)\n");
        qemu_debug_exit(1);
        acpi_power_off();
        machine_halt();
    case PANIC_REBOOT:
        machine_restart();
    case PANIC_HALT:
        break;
    }
    machine_halt();
}
