/*
 * What hv needs to emulate an MMIO access without decode assists: the
 * instruction decoder (decode.c) and the guest page-table walker
 * (guest_walk.c).  Both are pure functions, host-tested.
 */
#ifndef HV_HVM_EMULATE_H
#define HV_HVM_EMULATE_H

#include <hv/types.h>

struct hvm_paging;

enum x86_mode { X86_MODE_16, X86_MODE_32, X86_MODE_64 };

/* A decoded memory access by one of the MOV forms drivers use on MMIO. */
struct x86_mmio_op {
    unsigned int len;           /* instruction length */
    bool write;                 /* a store to memory */
    unsigned int size;          /* bytes of memory accessed */
    bool has_imm;               /* store of an immediate */
    u64 imm;
    unsigned int reg;           /* the register operand, 0-15 */
    bool reg_high8;             /* AH, CH, DH, BH */
    unsigned int dest_size;     /* a load: bytes written to reg */
    bool sign_extend;           /* movsx */
};

/*
 * Decodes the instruction in buf[0..len) executing in mode: MOV r/m,r
 * and r,r/m (88, 89, 8a, 8b), MOV r/m,imm (c6, c7), MOV to and from moffs
 * (a0-a3), MOVZX and MOVSX (0f b6/b7/be/bf), with operand/address-size,
 * segment and REX prefixes.  0, or -EINVAL for anything else (register
 * operands, other opcodes, LOCK/REP, truncated bytes).
 */
int x86_decode_mmio(const u8 *buf, unsigned int len, enum x86_mode mode,
                    struct x86_mmio_op *op);

/* MOV to a control register (0f 22 /r, REX allowed in 64-bit mode):
 * which CR, which source register, the length.  0 or -EINVAL. */
int x86_decode_mov_to_cr(const u8 *buf, unsigned int len, enum x86_mode mode,
                         unsigned int *cr, unsigned int *gpr, unsigned int *insn_len);

/* Reads len bytes of guest-physical memory at gpa: 0 or -EFAULT. */
typedef int (*gphys_read_fn)(void *ctx, u64 gpa, void *buf, size_t len);

/*
 * Translates linear address va with the guest's paging state: none,
 * 2-level 32-bit (4 MiB pages with CR4.PSE), PAE, 4-level long mode
 * (2 MiB and 1 GiB pages).  Only presence is checked: the guest's own
 * access already passed its permission checks.  0, or -EFAULT if va is
 * not mapped.
 */
int guest_walk(const struct hvm_paging *p, u64 va, u64 *gpa, gphys_read_fn read,
               void *ctx);
/* The same, and *writable: whether every level of the mapping has R/W. */
int guest_walk_rw(const struct hvm_paging *p, u64 va, u64 *gpa, bool *writable,
                  gphys_read_fn read, void *ctx);

#endif
