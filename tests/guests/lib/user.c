/* Guest user mode: page tables, entry and the trap policy while it runs. */
#include "user.h"
#include "mm.h"
#include <public/callback.h>

void user_enter(uint64_t rip, uint64_t rsp, uint64_t arg);
void __attribute__((noreturn)) user_leave(void);

unsigned int user_resumed_ud, user_echoes;
uint64_t user_l4_mfn, user_kernel_sp, user_exit_frame_top;
static struct trap_frame exit_frame;
static uint8_t kernel_stack[2 * PAGE_SIZE] __attribute__((aligned(16)));

void user_init(const void *code, size_t len)
{
    uint8_t *code_page = alloc_page();
    uint8_t *stack_page = alloc_page();
    struct pt_chain chain;

    if (len > PAGE_SIZE)
        panic("user program too large");
    memcpy(code_page, code, len);

    uint64_t l1[3] = {
        (virt_to_mfn(code_page) << 12) | _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED,
        0,
        (virt_to_mfn(stack_page) << 12) | PTE_DATA | _PAGE_USER,
    };
    pt_chain_build(&chain, USER_CODE_VA, l1, 3);

    uint64_t *l4 = alloc_page();
    l4[L4_SLOT(USER_CODE_VA)] = (chain.l3_mfn << 12) | PTE_TABLE;
    make_readonly(l4);
    user_l4_mfn = virt_to_mfn(l4);

    long rc = mmuext1(MMUEXT_PIN_L4_TABLE, user_l4_mfn, 0);
    if (rc)
        panic("pinning the user L4: %ld", rc);
    rc = mmuext1(MMUEXT_NEW_USER_BASEPTR, user_l4_mfn, 0);
    if (rc)
        panic("NEW_USER_BASEPTR: %ld", rc);
    user_kernel_sp = PTR(kernel_stack + sizeof(kernel_stack));
    rc = hypercall2(HC(stack_switch), FLAT_KERNEL_SS, user_kernel_sp);
    if (rc)
        panic("stack_switch: %ld", rc);

    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall, .flags = 0, .address = PTR(syscall_entry),
    };
    rc = hypercall2(HC(callback_op), CALLBACKOP_register, PTR(&cb));
    if (rc)
        panic("register syscall callback: %ld", rc);
}

static long user_trap(struct trap_frame *f)
{
    if ((f->cs & 3) != 3 || f->vector == TRAP_EVENT)
        return TRAP_UNHANDLED;
    if (f->vector == TRAP_SYSCALL && f->rax == USER_SYS_ECHO) {
        user_echoes++;
        f->rax = f->rdi + 1;
        return VGCF_in_syscall;
    }
    if (f->vector == 6) {
        user_resumed_ud++;
        f->rip += 2;
        return 0;
    }
    trap_record(f);
    exit_frame = *f;
    user_exit_frame_top = PTR(f + 1);
    user_leave();
}

struct trap_frame user_run(uint64_t offset, uint64_t arg)
{
    volatile uint8_t *mask = &shared_info->vcpu_info[0].evtchn_upcall_mask;
    uint8_t saved_mask = *mask;
    long (*saved_hook)(struct trap_frame *) = trap_hook;

    trap_hook = user_trap;
    user_enter(USER_CODE_VA + offset, USER_STACK_TOP, arg);
    trap_hook = saved_hook;
    *mask = saved_mask;
    return exit_frame;
}
