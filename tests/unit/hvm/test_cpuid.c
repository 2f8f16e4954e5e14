/* The guest's CPUID (hv/arch/x86/hvm/cpuid.c) from a fake host. */
#include <hv/hvm.h>
#include "hvm_unit.h"

/* A host that has everything: every bit of every leaf set. */
static void host_all(u32 leaf, u32 sub, u32 r[4])
{
    (void)sub;
    r[0] = r[1] = r[2] = r[3] = 0xffffffff;
    if (leaf == 0)
        r[0] = 0x16;
    if (leaf == 0x80000000u)
        r[0] = 0x80000021u;
}

static void guest(u32 leaf, u32 sub, u32 out[4])
{
    hvm_cpuid_policy(leaf, sub, 0, host_all, out);
}

START_TEST(virtualization_and_xsave_hidden)
{
    u32 r[4];

    guest(0, 0, r);
    ck_assert_uint_eq(r[0], 0xd);                   /* max basic leaf capped */
    guest(1, 0, r);
    ck_assert(r[2] & (1u << 31));                   /* hypervisor */
    ck_assert(!(r[2] & (1u << 5)));                 /* VMX */
    ck_assert(!(r[2] & (1u << 3)));                 /* MONITOR */
    ck_assert(r[2] & (1u << 21));                   /* x2APIC: emulated */
    ck_assert(!(r[2] & (1u << 24)));                /* TSC-deadline */
    ck_assert(!(r[2] & (7u << 26)));                /* XSAVE, OSXSAVE, AVX */
    ck_assert(r[3] & (1u << 9));                    /* APIC */
    ck_assert(!(r[3] & ((1u << 7) | (1u << 12) | (1u << 14) | (1u << 22))));
    ck_assert_uint_eq(r[1] >> 16 & 0xff, 1);        /* one logical CPU */
    guest(0x80000001u, 0, r);
    ck_assert(!(r[2] & (1u << 2)));                 /* SVM */
    ck_assert(!(r[2] & (1u << 12)));                /* SKINIT */
    ck_assert(!(r[3] & (1u << 27)));                /* RDTSCP */
    ck_assert(r[3] & (1u << 29));                   /* long mode */
    ck_assert(r[3] & (1u << 20));                   /* NX */
    guest(0x8000000au, 0, r);                       /* SVM leaf */
    ck_assert(!r[0] && !r[1] && !r[2] && !r[3]);
    guest(0xd, 0, r);                               /* XSAVE leaf */
    ck_assert(!r[0] && !r[1] && !r[2] && !r[3]);
    guest(7, 0, r);
    ck_assert(!(r[1] & (1u << 5)));                 /* AVX2 */
    ck_assert(r[1] & (1u << 7));                    /* SMEP */
    ck_assert_uint_eq(r[0], 0);
    ck_assert_uint_eq(r[3], 0);
    guest(7, 1, r);
    ck_assert_uint_eq(r[1], 0);
}
END_TEST

START_TEST(hypervisor_leaves_and_ranges)
{
    u32 r[4];

    guest(0x40000000u, 0, r);
    ck_assert_uint_eq(r[0], 0x40000002u);
    ck_assert(!memcmp(&r[1], "Hero", 4) && !memcmp(&r[2], "nHer", 4) &&
              !memcmp(&r[3], "onHV", 4));
    guest(0x40000001u, 0, r);
    ck_assert_uint_eq(r[0], 1);                     /* version 0.1 */
    guest(0x40000002u, 0, r);                       /* one hypercall page */
    ck_assert(r[0] == 1 && r[1] == 0x40000000u && !r[2] && !r[3]);
    guest(0x40000003u, 0, r);
    ck_assert(!r[0] && !r[1] && !r[2] && !r[3]);
    guest(0x20, 0, r);                              /* above the max: zero */
    ck_assert(!r[0] && !r[1] && !r[2] && !r[3]);
    guest(0x80000000u, 0, r);
    ck_assert_uint_eq(r[0], 0x80000008u);
    guest(0x80000010u, 0, r);
    ck_assert(!r[0] && !r[1] && !r[2] && !r[3]);
    hvm_cpuid_policy(1, 0, 3, host_all, r);
    ck_assert_uint_eq(r[1] >> 24, 3);               /* the vCPU's APIC ID */
}
END_TEST

TCase *tcase_cpuid(void)
{
    TCase *tc = tcase_create("cpuid");

    tcase_add_test(tc, virtualization_and_xsave_hidden);
    tcase_add_test(tc, hypervisor_leaves_and_ranges);
    return tc;
}
