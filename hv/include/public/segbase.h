/* set_segment_base (hypercall 25): which base a 64-bit PV guest sets. */
#ifndef HERON_PUBLIC_SEGBASE_H
#define HERON_PUBLIC_SEGBASE_H

#define SEGBASE_FS          0   /* FS base (shared by kernel and user mode) */
#define SEGBASE_GS_USER     1   /* GS base user mode will see */
#define SEGBASE_GS_KERNEL   2   /* GS base of kernel mode (the active one) */
#define SEGBASE_GS_USER_SEL 3   /* load the user GS selector; base from GDT/LDT */

#endif
