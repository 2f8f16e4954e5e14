/* Virtual IDT, callbacks and the common trap handler. */
#include "guest.h"
#include "traps.h"
#include <public/callback.h>

struct trap_record last_trap;
void (*event_handler)(void);

struct ex_entry {
    uint64_t insn, fixup;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

#define DECLARE_ENTRY(n) extern char trap_entry_##n[]
DECLARE_ENTRY(0); DECLARE_ENTRY(1); DECLARE_ENTRY(2); DECLARE_ENTRY(3);
DECLARE_ENTRY(4); DECLARE_ENTRY(5); DECLARE_ENTRY(6); DECLARE_ENTRY(7);
DECLARE_ENTRY(8); DECLARE_ENTRY(10); DECLARE_ENTRY(11); DECLARE_ENTRY(12);
DECLARE_ENTRY(13); DECLARE_ENTRY(14); DECLARE_ENTRY(16); DECLARE_ENTRY(17);
DECLARE_ENTRY(18); DECLARE_ENTRY(19); DECLARE_ENTRY(20); DECLARE_ENTRY(21);
DECLARE_ENTRY(128); DECLARE_ENTRY(256);
extern char failsafe_entry[];

#define TRAP(n, dpl) { n, dpl, FLAT_KERNEL_CS, 0, PTR(trap_entry_##n) }

/* int3 and into may be raised deliberately from kernel mode (DPL 3). */
static const struct trap_info trap_table[] = {
    TRAP(0, 0), TRAP(1, 0), TRAP(2, 0), TRAP(3, 3), TRAP(4, 3), TRAP(5, 0),
    TRAP(6, 0), TRAP(7, 0), TRAP(8, 0), TRAP(10, 0), TRAP(11, 0), TRAP(12, 0),
    TRAP(13, 0), TRAP(14, 0), TRAP(16, 0), TRAP(17, 0), TRAP(18, 0),
    TRAP(19, 0), TRAP(20, 0), TRAP(21, 0), TRAP(128, 3),
    { 0, 0, 0, 0, 0 },
};

static long register_callback(unsigned int type, void *entry)
{
    struct callback_register cb = {
        .type = type,
        .flags = 0,
        .address = PTR(entry),
    };
    return hypercall2(HC(callback_op), CALLBACKOP_register, PTR(&cb));
}

void traps_init(void)
{
    long rc = hypercall1(HC(set_trap_table), PTR(trap_table));
    if (rc)
        panic("set_trap_table: %ld", rc);
    rc = register_callback(CALLBACKTYPE_event, trap_entry_256);
    if (rc)
        panic("register event callback: %ld", rc);
    rc = register_callback(CALLBACKTYPE_failsafe, failsafe_entry);
    if (rc)
        panic("register failsafe callback: %ld", rc);
}

/* Faults report the probe's own address; traps (#BP, #OF) the one after it. */
static const struct ex_entry *find_fixup(uint64_t vector, uint64_t rip)
{
    bool is_trap = vector == 3 || vector == 4;

    for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++)
        if ((is_trap ? e->fixup : e->insn) == rip)
            return e;
    return 0;
}

void do_trap(struct trap_frame *f)
{
    if (f->vector == TRAP_EVENT) {
        if (event_handler)
            event_handler();
        return;
    }

    const struct ex_entry *fix = find_fixup(f->vector, f->rip);
    if (!fix)
        panic("unexpected trap %lu err %#lx at %#lx (cs %#lx rsp %#lx cr2 %#lx)",
              f->vector, f->error_code, f->rip, f->cs, f->rsp,
              shared_info->vcpu_info[0].arch.cr2);

    last_trap.count++;
    last_trap.vector = f->vector;
    last_trap.error_code = f->error_code;
    last_trap.rip = f->rip;
    last_trap.cr2 = shared_info->vcpu_info[0].arch.cr2;
    f->rip = fix->fixup;
}

void do_failsafe(uint64_t *frame)
{
    panic("failsafe callback: rip %#lx", frame[6]);
}
