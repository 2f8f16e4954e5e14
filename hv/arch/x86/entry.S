/*
 * Exception and interrupt entry.  Every vector has a stub that makes the
 * frame uniform (a zero error code where the CPU pushes none, the vector
 * in the upper half of the error-code slot) and jumps to common_entry,
 * which saves the general registers so the stack holds a struct
 * cpu_user_regs, and calls do_entry().
 *
 * An entry from a guest (ring 3, through TSS.RSP0) leaves the frame in
 * cpu_info.guest_regs; it leaves through ret_to_guest, which lets
 * pv_prepare_exit() schedule and deliver events before the iretq.  Entries
 * on IST stacks (NMI, #DF, #MC) return straight to where they came from.
 */
#include <hv/percpu.h>
#include <hv/desc.h>
#include <hv/traps.h>
#include <hv/extable.h>

        .macro SAVE_ALL
        push    %rdi
        push    %rsi
        push    %rdx
        push    %rcx
        push    %rax
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        .endm

        .macro RESTORE_ALL
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rax
        pop     %rcx
        pop     %rdx
        pop     %rsi
        pop     %rdi
        .endm

/* %rsp := this CPU's cpu_info.guest_regs (the base of its cpu_info). */
        .macro GUEST_FRAME reg
        mov     %rsp, \reg
        or      $(STACK_SIZE - 1), \reg
        lea     1 - CPUINFO_SIZE(\reg), %rsp
        .endm

        /* The paths below are hot (__hot_path in hv/lib.h); the stubs are not. */
        .section .text.hot, "ax"
        .balign 16
common_entry:
        SAVE_ALL
        cld
        /* Never run hv with EFLAGS.AC set from an interrupted stac window. */
        testb   $1, smap_active(%rip)
        jz      1f
        clac
1:      mov     %rsp, %rdi
        /* A guest frame sits exactly at cpu_info.guest_regs. */
        mov     %rsp, %rax
        or      $(STACK_SIZE - 1), %rax
        lea     1 - CPUINFO_SIZE(%rax), %rax
        cmp     %rax, %rsp
        je      guest_entry
        /* The CPU aligned the frame to 16; 21 quadwords leave RSP 8 off. */
        sub     $8, %rsp
        call    do_entry
        add     $8, %rsp
        RESTORE_ALL
        add     $8, %rsp                /* error code + vector */
        iretq

guest_entry:
        sub     $8, %rsp
        call    do_entry
        jmp     ret_to_guest

/*
 * Back to the current vCPU: pv_prepare_exit() runs softirqs, the
 * scheduler (which may switch to another vCPU and come back here on a
 * fresh stack) and event delivery, and returns with interrupts off.
 * Then the frame in cpu_info.guest_regs is loaded.  CS, SS and RIP were
 * checked when they were set, so the iretq cannot fault; if it does
 * anyway, the fixup crashes the domain instead of hv.  A frame that came
 * in by SYSCALL leaves by SYSRET when pv_prepare_exit() allows it: no
 * descriptor loads from the GDT, as IRETQ has.
 */
        .globl ret_to_guest
ret_to_guest:
        GUEST_FRAME %rax
        sub     $8, %rsp
        call    pv_prepare_exit
        add     $8, %rsp
        test    %al, %al
        jnz     .Lsysret_to_guest
        RESTORE_ALL
        add     $8, %rsp
.Liret_to_guest:
        iretq
        _ASM_EXTABLE(.Liret_to_guest, .Liret_fault)

/*
 * Interrupts are off, so nothing runs on the guest's stack between the
 * RSP load and SYSRET; NMI, #MC and #DF have IST stacks.  SYSRET leaves
 * SS's hidden attributes as they were on AMD CPUs: after an entry from
 * ring 3 through an interrupt SS is null, so give it hv's data selector.
 */
.Lsysret_to_guest:
        mov     %ss, %eax
        test    %eax, %eax
        jnz     1f
        mov     $HV_DS, %eax
        mov     %eax, %ss
1:      RESTORE_ALL
        mov     32(%rsp), %rsp          /* past error code, rip, cs, rflags */
        sysretq

.Liret_fault:
        GUEST_FRAME %rax
        sub     $8, %rsp
        call    pv_iret_fault           /* does not return */
        ud2

/*
 * SYSCALL lands in a per-CPU stub (see syscall.c) that stashes RAX in
 * cpu_info.scratch_rax, switches to the CPU's stack top with the guest
 * RSP in RAX, and jumps here: syscall_entry from 64-bit code (LSTAR),
 * cstar_entry from compatibility mode (CSTAR).  Build the frame an
 * interrupt from ring 3 would have, in cpu_info.guest_regs, and let C
 * decide: a hypercall from guest kernel mode, or a bounce to the guest's
 * syscall callback from guest user mode.
 */
        .macro SYSCALL_FRAME cs
        push    $HV_DS_RING3            /* ss */
        push    %rax                    /* rsp */
        push    %r11                    /* rflags */
        push    $\cs                    /* cs */
        push    %rcx                    /* rip */
        push    $0
        movl    $TRAP_syscall, 4(%rsp)
        mov     %rsp, %rax
        or      $(STACK_SIZE - 1), %rax
        mov     CPUINFO_SCRATCH_RAX - CPUINFO_SIZE + 1(%rax), %rax
        SAVE_ALL
        cld
        mov     %rsp, %rdi
        sub     $8, %rsp
        .endm

        .balign 16
        .globl syscall_entry
syscall_entry:
        SYSCALL_FRAME HV_CS64_RING3
        call    pv_syscall_entry
        jmp     ret_to_guest

        .balign 16
        .globl cstar_entry
cstar_entry:
        SYSCALL_FRAME HV_CS32_RING3
        call    pv_cstar_entry
        jmp     ret_to_guest

        .text

        .pushsection .rodata
        .balign 8
        .globl entry_stubs
entry_stubs:
        .popsection

        vector = 0
        .rept 256
        .balign 16
1:
        has_errcode = 0
        .if vector < 32
        has_errcode = (TRAP_HAS_ERRCODE_MASK >> vector) & 1
        .endif
        .if has_errcode == 0
        push    $0
        .endif
        movl    $vector, 4(%rsp)
        jmp     common_entry
        .pushsection .rodata
        .quad   1b
        .popsection
        vector = vector + 1
        .endr
