/*
 * Exception fixup table: an instruction that may fault (guest memory
 * access, probing an MSR) registers a fixup address; the #PF/#GP handler
 * resumes there instead of reporting a fatal fault.
 */
#ifndef HV_EXTABLE_H
#define HV_EXTABLE_H

#ifdef __ASSEMBLY__
#define _ASM_EXTABLE(from, to)          \
    .pushsection .ex_table, "a";        \
    .balign 8;                          \
    .quad from, to;                     \
    .popsection
#else
#define _ASM_EXTABLE(from, to)          \
    ".pushsection .ex_table, \"a\"\n"   \
    ".balign 8\n"                       \
    ".quad " #from ", " #to "\n"        \
    ".popsection\n"

struct exception_table_entry {
    unsigned long insn, fixup;
};

void extable_sort(void);
/* The fixup for a faulting RIP, or 0. */
unsigned long search_extable(unsigned long rip);
#endif

#endif
