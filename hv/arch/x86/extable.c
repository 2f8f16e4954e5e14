/* Sorting and searching the exception fixup table (.ex_table). */
#include <hv/extable.h>
#include <hv/lib.h>

extern struct exception_table_entry __start_ex_table[], __stop_ex_table[];

/* The table lives in read-only data: sort a writable copy at boot. */
#define MAX_EXTABLE 512
static struct exception_table_entry extable[MAX_EXTABLE];
static unsigned int nr_extable;

void extable_sort(void)
{
    unsigned int n = __stop_ex_table - __start_ex_table;

    if (n > MAX_EXTABLE)
        panic("extable: %u entries, room for %u", n, MAX_EXTABLE);
    for (unsigned int i = 0; i < n; i++) {
        struct exception_table_entry e = __start_ex_table[i];
        unsigned int j = i;

        for (; j > 0 && extable[j - 1].insn > e.insn; j--)
            extable[j] = extable[j - 1];
        extable[j] = e;
    }
    nr_extable = n;
}

unsigned long search_extable(unsigned long rip)
{
    unsigned int lo = 0, hi = nr_extable;

    while (lo < hi) {
        unsigned int mid = (lo + hi) / 2;

        if (extable[mid].insn == rip)
            return extable[mid].fixup;
        if (extable[mid].insn < rip)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
