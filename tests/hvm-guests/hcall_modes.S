/*
 * Hypercalls from the modes C cannot be compiled for here: a 64-bit code
 * segment in long mode (the 64-bit register ABI) and ring 3.  Both are
 * called with interrupts off; hypercall.c sets up the page tables, the
 * TSS and the ring-3 gate.
 */
        .text
        .code32

/*
 * uint64_t hcall_64bit(const uint64_t regs[6], uint32_t fn): with
 * CR4.PAE, EFER.LME and CR3 ready, turns paging on (long mode), enters
 * the 64-bit segment, loads RAX, RDI, RSI, RDX, R10, R8 from regs, calls
 * fn, and comes back to 32-bit protected mode with paging off.
 * Returns RAX.
 */
        .globl  hcall_64bit
hcall_64bit:
        push    %ebp
        push    %ebx
        push    %esi
        push    %edi
        mov     20(%esp), %esi
        mov     24(%esp), %edi
        mov     %cr0, %eax
        or      $0x80000000, %eax
        mov     %eax, %cr0
        ljmp    $0x18, $1f
        .code64
1:      mov     %esp, %esp              /* zero the upper halves */
        mov     %esi, %esi
        mov     %edi, %r9d
        mov     0(%rsi), %rax
        mov     8(%rsi), %rdi
        mov     24(%rsi), %rdx
        mov     32(%rsi), %r10
        mov     40(%rsi), %r8
        mov     16(%rsi), %rsi
        call    *%r9
        mov     %rax, %rdx
        shr     $32, %rdx
        pushq   $0x08
        mov     $2f, %ecx               /* a 32-bit relocation: ELF32 has no 32S */
        pushq   %rcx
        lretq
        .code32
2:      mov     %cr0, %ecx
        and     $0x7fffffff, %ecx
        mov     %ecx, %cr0
        pop     %edi
        pop     %esi
        pop     %ebx
        pop     %ebp
        ret

/*
 * uint32_t hcall_ring3(uint32_t fn, uint32_t ebx, uint32_t user_stack):
 * calls fn at CPL 3 with EBX set, then "int $0x81" (a DPL-3 gate to
 * hcall_ring3_return) comes back to ring 0.  Returns EAX.
 */
        .globl  hcall_ring3
hcall_ring3:
        push    %ebp
        push    %ebx
        push    %esi
        push    %edi
        mov     %esp, ring0_esp
        mov     20(%esp), %edx
        mov     24(%esp), %ebx
        mov     28(%esp), %ecx
        push    $0x2b
        push    %ecx
        pushf
        push    $0x23
        push    $3f
        iret
3:      call    *%edx
        int     $0x81

        .globl  hcall_ring3_return
hcall_ring3_return:
        mov     $0x10, %ecx
        mov     %ecx, %ds
        mov     %ecx, %es
        mov     %ecx, %fs
        mov     %ecx, %gs
        mov     ring0_esp, %esp
        pop     %edi
        pop     %esi
        pop     %ebx
        pop     %ebp
        ret

/* A bare VMMCALL and return, for a hypercall number the page's slots
 * cannot hold (the same bytes in 32- and 64-bit code). */
        .globl  hcall_raw_vmmcall
hcall_raw_vmmcall:
        .byte   0x0f, 0x01, 0xd9
        ret

        .bss
        .balign 4
ring0_esp:
        .skip   4
