/* Virtual IDT, callbacks and the common trap handler. */
#include "guest.h"
#include "traps.h"
#include <public/callback.h>

struct trap_record last_trap;
void (*event_handler)(void);
long (*trap_hook)(struct trap_frame *f);

struct ex_entry {
    uint64_t insn, fixup;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

/* Entry stubs in entry.S, indexed by vector (0 where there is none). */
extern const uint64_t trap_entries[256];
extern char event_entry[], failsafe_entry[];

/* The vectors the runtime handles; int3, into and int 0x80 may be raised
 * deliberately, so their gates have DPL 3. */
static const uint8_t handled_vectors[] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20, 21, 0x80,
};

static unsigned int default_dpl(unsigned int vector)
{
    return vector == 3 || vector == 4 || vector == 0x80 ? 3 : 0;
}

long set_trap(unsigned int vector, unsigned int flags)
{
    struct trap_info ti[2] = {
        { vector, flags, FLAT_KERNEL_CS, 0, trap_entries[vector] },
        { 0, 0, 0, 0, 0 },
    };
    return hypercall1(HC(set_trap_table), PTR(ti));
}

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
    struct trap_info table[sizeof(handled_vectors) + 1];
    unsigned int n = 0;

    for (; n < sizeof(handled_vectors); n++) {
        unsigned int v = handled_vectors[n];
        table[n] = (struct trap_info){ v, default_dpl(v), FLAT_KERNEL_CS, 0,
                                       trap_entries[v] };
    }
    table[n] = (struct trap_info){ 0, 0, 0, 0, 0 };

    long rc = hypercall1(HC(set_trap_table), PTR(table));
    if (rc)
        panic("set_trap_table: %ld", rc);
    rc = register_callback(CALLBACKTYPE_event, event_entry);
    if (rc)
        panic("register event callback: %ld", rc);
    rc = register_callback(CALLBACKTYPE_failsafe, failsafe_entry);
    if (rc)
        panic("register failsafe callback: %ld", rc);
}

/* Faults report the probe's own address; traps (#BP, #OF) and software
 * interrupts the one after it. */
static const struct ex_entry *find_fixup(uint64_t vector, uint64_t rip)
{
    bool is_trap = vector == 3 || vector == 4 || (vector >= 32 && vector < 256);

    for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++)
        if ((is_trap ? e->fixup : e->insn) == rip)
            return e;
    return 0;
}

void trap_record(const struct trap_frame *f)
{
    last_trap.count++;
    last_trap.vector = f->vector;
    last_trap.error_code = f->error_code;
    last_trap.rip = f->rip;
    last_trap.cs = f->cs;
    last_trap.rflags = f->rflags;
    last_trap.rsp = f->rsp;
    last_trap.ss = f->ss;
    last_trap.cr2 = shared_info->vcpu_info[0].arch.cr2;
    last_trap.upcall_mask = shared_info->vcpu_info[0].evtchn_upcall_mask;
}

/* Returns the flags word for the iret hypercall that resumes the frame. */
uint64_t do_trap(struct trap_frame *f)
{
    if (trap_hook) {
        long flags = trap_hook(f);
        if (flags != TRAP_UNHANDLED)
            return flags;
    }

    if (f->vector == TRAP_EVENT) {
        if (event_handler)
            event_handler();
        return 0;
    }

    const struct ex_entry *fix = find_fixup(f->vector, f->rip);
    if (!fix)
        panic("unexpected trap %lu err %#lx at %#lx (cs %#lx rsp %#lx cr2 %#lx)",
              f->vector, f->error_code, f->rip, f->cs, f->rsp,
              shared_info->vcpu_info[0].arch.cr2);

    trap_record(f);
    f->rip = fix->fixup;
    return 0;
}

void do_failsafe(uint64_t *frame)
{
    panic("failsafe callback: rip %#lx", frame[6]);
}
