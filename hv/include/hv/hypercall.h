/*
 * Hypercall handlers (Xen numbering, public/xen.h) and the machinery they
 * share: continuations for long operations and the multicall state.  The
 * table and the dispatcher are in hv/arch/x86/pv/hypercall.c; docs/pv.md
 * lists every hypercall and sub-op with its status.
 *
 * Each handler validates all of its arguments before it changes anything
 * and returns a value >= 0 or a negative errno (hv/errno.h).
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <hv/types.h>
#include <public/arch-x86_64.h>

/* --- PV CPU (hv/arch/x86/pv/) --- */
long do_set_trap_table(xen_guest_handle_t traps);
long do_stack_switch(u64 ss, u64 esp);
long do_set_callbacks(u64 event, u64 failsafe, u64 syscall);
long do_callback_op(int cmd, xen_guest_handle_t arg);
long do_fpu_taskswitch(int set);
long do_set_segment_base(unsigned int which, u64 base);
long do_physdev_op(int cmd, xen_guest_handle_t arg);
/* The iret hypercall rewrites the guest frame; returns the guest's RAX. */
long do_iret(struct cpu_user_regs *regs);

/* --- arch-neutral (hv/common/) --- */
long do_memory_op(u64 cmd, xen_guest_handle_t arg);
long do_multicall(xen_guest_handle_t list, unsigned int nr_calls);
long do_set_timer_op(s64 timeout);
long do_xen_version(int cmd, xen_guest_handle_t arg);
long do_console_io(unsigned int cmd, unsigned int count, xen_guest_handle_t buf);
long do_vm_assist(unsigned int cmd, unsigned int type);
long do_vcpu_op(int cmd, unsigned int vcpuid, xen_guest_handle_t arg);
long do_sched_op(int cmd, xen_guest_handle_t arg);
/* SCHEDOP_poll on a request already copied in (the HVM 32-bit ABI's
 * layout differs). */
struct sched_poll;
long sched_op_poll(const struct sched_poll *p);
long do_domctl(xen_guest_handle_t arg);
long do_sysctl(xen_guest_handle_t arg);

/* Runs hypercall `op` with args[0..4] for the current vCPU (dispatcher
 * and multicall). */
long hypercall_call(u64 op, const u64 args[5]);
/* Prints d's hypercall counts and sub-ops seen (one line, if any). */
struct domain;
void hypercall_report(const struct domain *d);

/*
 * Continuations.  A long hypercall checks hypercall_preempt_check()
 * between units of work; when it is true it saves its progress in its
 * arguments with hypercall_create_continuation() and returns: the guest
 * then re-executes the SYSCALL with the new arguments after hv has run
 * what was pending.  Inside a multicall there are no continuations (the
 * check is always false).
 */
bool hypercall_preempt_check(void);
long hypercall_create_continuation(unsigned int op, u64 a0, u64 a1, u64 a2,
                                   u64 a3, u64 a4);

#endif
