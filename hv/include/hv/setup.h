/* Boot-time entry points of the x86 setup code (called from setup.c). */
#ifndef HV_SETUP_H
#define HV_SETUP_H

#include <hv/lib.h>

void __noreturn start_hv(u32 magic, u32 info);
void syscall_init(unsigned int cpu);
void __noreturn idle_loop(void);

#endif
