/*
 * Guest user mode for PV test guests.  user_init() builds a separate user
 * L4 (registered with NEW_USER_BASEPTR) that maps a copy of a test's user
 * program, a guard page and a stack at low addresses, and nothing of the
 * kernel.  user_run() enters it with the iret hypercall (CS RPL 3) and
 * returns when the program stops:
 *   - SYSCALL with RAX = USER_SYS_ECHO returns to user mode at once
 *     (iret with VGCF_in_syscall) with RAX = RDI + 1;
 *   - #UD is resumed after the two-byte ud2 (plain iret back to user);
 *   - any other SYSCALL, int $0x80 or exception ends the run.
 * Events taken in user mode are handled and return to user mode.
 */
#ifndef GUEST_USER_H
#define GUEST_USER_H

#include "guest.h"
#include "traps.h"

#define USER_CODE_VA    0x200000UL      /* the program, read-only */
#define USER_GUARD_VA   0x201000UL      /* never mapped */
#define USER_STACK_VA   0x202000UL      /* one read-write page */
#define USER_STACK_TOP  (USER_STACK_VA + PAGE_SIZE)

#define USER_SYS_EXIT   0
#define USER_SYS_ECHO   1

extern char syscall_entry[];

/* The program is position independent code from `code` to `code + len`. */
void user_init(const void *code, size_t len);
/* Runs the program from byte `offset` with RDI = arg.  The frame that
 * ended the run (vector, error code, registers) is returned; last_trap
 * records it too. */
struct trap_frame user_run(uint64_t offset, uint64_t arg);
/* How many ud2s were resumed and echo syscalls served during the runs. */
extern unsigned int user_resumed_ud, user_echoes;
/* The user L4's MFN; the kernel stack registered with stack_switch; and
 * the top of the frame that ended the last run (it should be that stack). */
extern uint64_t user_l4_mfn, user_kernel_sp, user_exit_frame_top;

#endif
