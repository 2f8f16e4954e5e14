/*
 * Boot-time self tests, chosen with hv_selftest=a,b,... on the hv command
 * line (hidden: for scenario tests).  Known tests, run in this order:
 *   guest_access  copy_{from,to}_guest/clear_guest: range checks, faults, SMAP
 *   timer         timers fire in expiry order, after their deadlines
 *   timer_lost_irq  a due timer runs although its interrupt was lost
 *   syscall       SYSCALL reaches the per-CPU stub and the entry (panics)
 *   fault         a #PF in hv: full fault report (crashes)
 *   double_fault  stack overflow into the guard page: #DF report (crashes)
 * After the last test hv powers off; "poweroff" alone just powers off.
 */
#ifndef HV_SELFTEST_H
#define HV_SELFTEST_H

/* Starts the tests named in `list`; returns while an asynchronous test
 * (timer) runs, and powers off when all are done. */
void selftest_start(const char *list);

#endif
