/*
 * A QEMU TCG plugin for bench/tools/counts.sh -p: counts how often each
 * translated block runs and, when QEMU exits, writes one line per block
 * that ran, "VADDR INSNS COUNT FLUSHES", to $TBPROF_OUT.  FLUSHES is 1 for
 * a block with a MOV to CR3 or CR4 in it: each one makes TCG drop its
 * whole TLB and its block lookup cache, the largest cost of a PV guest's
 * user/kernel switch under TCG.
 *
 * With TBPROF_TLB=1 in the environment it also models what each flush
 * costs afterwards: from one CR3/CR4 write to the next it notes the
 * distinct blocks run (each one found again through TCG's hash table)
 * and the distinct pages fetched from or accessed (each one a TLB refill,
 * a page walk), by hv (its own TLB, ring 0) or the guest, and writes the
 * totals as a last line "# tlb FLUSHES BLOCKS HV-CODE HV-DATA GUEST-CODE
 * GUEST-DATA".  A model: TCG's TLB is finite, blocks reached by a direct
 * jump within a page need no lookup, and a guest kernel in ring 0 (HVM,
 * native) shares the guest's column.
 *
 * Debian's QEMU 7.2 loads plugins but ships no qemu-plugin.h, so the few
 * entry points of plugin API version 1 used here are declared below.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef uint32_t qemu_plugin_meminfo_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
enum qemu_plugin_mem_rw { QEMU_PLUGIN_MEM_RW = 3 };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
        void (*cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb));
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
                                                 size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
        enum qemu_plugin_op op, void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
        void (*cb)(unsigned int vcpu, void *userdata),
        enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn,
        void (*cb)(unsigned int vcpu, qemu_plugin_meminfo_t info,
                   uint64_t vaddr, void *userdata),
        enum qemu_plugin_cb_flags flags, enum qemu_plugin_mem_rw rw,
        void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
        void (*cb)(qemu_plugin_id_t id, void *userdata), void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

struct block {
    struct block *next;
    uint64_t vaddr, insns, count;
    int flushes;
};

static struct block *blocks;

/* The TLB model: one vCPU is assumed (the benchmarks boot one). */
enum { HV_CODE, HV_DATA, GUEST_CODE, GUEST_DATA, NKINDS };
#define HV_START 0xffff800000000000ULL  /* hv's slots, as in Xen */
#define HV_END   0xffff880000000000ULL
#define SEEN_BITS 16

static int tlb_model;
static uint64_t epoch = 1, flushes, lookups, refills[NKINDS];
static int flush_pending;
static uint64_t epoch_keys;
static struct seen { uint64_t key, epoch; } seen[1 << SEEN_BITS];

/*
 * True the first time KEY is met in this epoch.  An epoch that fills half
 * the table (a long run without a flush) starts over: TCG's TLB is finite
 * too.
 */
static int first_in_epoch(uint64_t key)
{
    uint64_t h = (key * 0x9e3779b97f4a7c15ULL) >> (64 - SEEN_BITS);

    for (;; h = (h + 1) & ((1 << SEEN_BITS) - 1)) {
        if (seen[h].epoch != epoch) {
            if (++epoch_keys == (1 << (SEEN_BITS - 1))) {
                epoch++;
                epoch_keys = 1;
            }
            seen[h].key = key;
            seen[h].epoch = epoch;
            return 1;
        }
        if (seen[h].key == key)
            return 0;
    }
}

static int is_hv(uint64_t va)
{
    return va >= HV_START && va < HV_END;
}

/* Block keys are odd, page keys even, TLB (hv's or the guest's) in bit 1. */
static void on_block_run(unsigned int vcpu, void *userdata)
{
    const struct block *b = userdata;
    int hv = is_hv(b->vaddr);

    (void)vcpu;
    if (flush_pending) {
        flush_pending = 0;
        flushes++;
        epoch++;
        epoch_keys = 0;
    }
    if (first_in_epoch(b->vaddr << 1 | 1))
        lookups++;
    if (first_in_epoch((b->vaddr >> 12) << 2 | (uint64_t)hv << 1))
        refills[hv ? HV_CODE : GUEST_CODE]++;
    if (b->flushes)
        flush_pending = 1;
}

static void on_access(unsigned int vcpu, qemu_plugin_meminfo_t info,
                      uint64_t vaddr, void *userdata)
{
    int hv = userdata != NULL;

    (void)vcpu;
    (void)info;
    if (first_in_epoch((vaddr >> 12) << 2 | (uint64_t)hv << 1))
        refills[hv ? HV_DATA : GUEST_DATA]++;
}

/* MOV to CR3 or CR4: 0f 22 /r with reg 3 or 4, after any prefixes. */
static int writes_cr3_cr4(const struct qemu_plugin_insn *insn)
{
    const uint8_t *p = qemu_plugin_insn_data(insn);
    size_t n = qemu_plugin_insn_size(insn), i = 0;

    while (i < n && (p[i] == 0x66 || p[i] == 0xf2 || p[i] == 0xf3 ||
                     (p[i] & 0xf0) == 0x40))
        i++;
    if (i + 2 >= n || p[i] != 0x0f || p[i + 1] != 0x22)
        return 0;
    return ((p[i + 2] >> 3) & 7) == 3 || ((p[i + 2] >> 3) & 7) == 4;
}

/* Each translation gets its own counter, bumped inline on every run. */
static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    struct block *b = calloc(1, sizeof(*b));

    (void)id;
    if (!b)
        abort();
    b->vaddr = qemu_plugin_tb_vaddr(tb);
    b->insns = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < b->insns; i++)
        if (writes_cr3_cr4(qemu_plugin_tb_get_insn(tb, i)))
            b->flushes = 1;
    b->next = __atomic_exchange_n(&blocks, b, __ATOMIC_SEQ_CST);
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
                                             &b->count, 1);
    if (!tlb_model)
        return;
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block_run,
                                         QEMU_PLUGIN_CB_NO_REGS, b);
    for (size_t i = 0; i < b->insns; i++)
        qemu_plugin_register_vcpu_mem_cb(qemu_plugin_tb_get_insn(tb, i),
                                         on_access, QEMU_PLUGIN_CB_NO_REGS,
                                         QEMU_PLUGIN_MEM_RW,
                                         is_hv(b->vaddr) ? b : NULL);
}

static void write_counts(qemu_plugin_id_t id, void *userdata)
{
    const char *path = getenv("TBPROF_OUT");
    FILE *f;

    (void)id;
    (void)userdata;
    f = fopen(path ? path : "tbprof.out", "w");
    if (!f)
        return;
    for (const struct block *b = blocks; b; b = b->next)
        if (b->count)
            fprintf(f, "%llx %llu %llu %d\n", (unsigned long long)b->vaddr,
                    (unsigned long long)b->insns,
                    (unsigned long long)b->count, b->flushes);
    if (tlb_model)
        fprintf(f, "# tlb %llu %llu %llu %llu %llu %llu\n",
                (unsigned long long)flushes, (unsigned long long)lookups,
                (unsigned long long)refills[HV_CODE],
                (unsigned long long)refills[HV_DATA],
                (unsigned long long)refills[GUEST_CODE],
                (unsigned long long)refills[GUEST_DATA]);
    fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc,
                        char **argv)
{
    (void)info;
    (void)argc;
    (void)argv;
    tlb_model = getenv("TBPROF_TLB") && getenv("TBPROF_TLB")[0] == '1';
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, write_counts, NULL);
    return 0;
}
