/*
 * A PV kernel that faults with no trap table must be crashed by the
 * hypervisor; nothing else may happen to the machine.  The guest clears
 * the table the runtime installed (the same state as never registering
 * one) and takes a page fault.
 *
 * On Xen, where this guest is dom0, the crash shows as "Hardware Dom0
 * crashed".  On hv only this domain dies; other domains keep running.
 * If the guest is still alive after the fault, it reports FAIL.
 *
 * xen-ref: crash
 */
#include "lib/guest.h"

const char test_title[] = "crash_no_handler";

void test_main(void)
{
    CHECK_EQ(hypercall1(HC(set_trap_table), 0), 0, "clear the trap table");
    printk("faulting with no trap handler: the domain must be crashed\n");
    *(volatile uint64_t *)0x1000 = 0;
    test_fail("the domain survived a page fault with no handler");
}
