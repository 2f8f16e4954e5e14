/*
 * A guest whose kernel stack points nowhere takes a trap: hv cannot write
 * the bounce frame and must crash this domain, not itself.  (Xen does the
 * same; this guest is for hv's multi-domain runs, where the others must
 * carry on.)
 */
#include "lib/guest.h"

const char test_title[] = "pv_badstack";

void test_main(void)
{
    printk("trapping with RSP in unmapped memory: the domain must be crashed\n");
    asm volatile ("mov $0x1000, %%rsp\n"
                  "ud2" ::: "memory");
    test_fail("the domain survived a trap with no usable stack");
}
