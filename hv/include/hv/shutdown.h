/* Stopping the machine. */
#ifndef HV_SHUTDOWN_H
#define HV_SHUTDOWN_H

#include <hv/lib.h>

enum panic_action { PANIC_HALT, PANIC_POWEROFF, PANIC_REBOOT };
extern enum panic_action panic_action;

/* ACPI S5, else QEMU's isa-debug-exit (status 1), else halt. */
void __noreturn machine_power_off(void);
/* ACPI reset register, keyboard controller, port 0xcf9, triple fault. */
void __noreturn machine_restart(void);
/* Stops every CPU for good (only the BSP runs today). */
void __noreturn machine_halt(void);
/* The end of a panic or fatal fault: acts on panic_action.  Under QEMU,
 * poweroff exits through isa-debug-exit with code 1 (QEMU status 3) so a
 * test can tell a crash from a clean power off (status 0). */
void __noreturn machine_crash_stop(void);

#endif
