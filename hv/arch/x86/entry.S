/*
 * Exception and interrupt entry.  Every vector has a stub that makes the
 * frame uniform (a zero error code where the CPU pushes none, the vector
 * in the upper half of the error-code slot) and jumps to common_entry,
 * which saves the general registers so the stack holds a struct
 * cpu_user_regs, and calls do_entry().
 */
#include <hv/percpu.h>
#include <hv/desc.h>
#include <hv/traps.h>

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

        .text
        .balign 16
common_entry:
        SAVE_ALL
        cld
        /* Never run hv with EFLAGS.AC set from an interrupted stac window. */
        testb   $1, smap_active(%rip)
        jz      1f
        clac
1:      mov     %rsp, %rdi
        /* The CPU aligned the frame to 16; 21 quadwords leave RSP 8 off. */
        sub     $8, %rsp
        call    do_entry
        add     $8, %rsp
        RESTORE_ALL
        add     $8, %rsp                /* error code + vector */
        iretq

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

/*
 * SYSCALL lands in a per-CPU stub (see syscall.c) that stashes RAX in
 * cpu_info.scratch_rax, switches to the CPU's stack top with the guest
 * RSP in RAX, and jumps here.  Build a frame as an interrupt from ring 3
 * would have, then hand it to C.  There is no PV support yet: the C side
 * reports and stops.
 */
        .balign 16
        .globl syscall_entry
syscall_entry:
        push    $HV_DS_RING3            /* ss */
        push    %rax                    /* rsp */
        push    %r11                    /* rflags */
        push    $HV_CS64_RING3          /* cs */
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
        call    do_syscall_unhandled
        ud2
