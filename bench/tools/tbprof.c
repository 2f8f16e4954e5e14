/*
 * A QEMU TCG plugin for bench/tools/counts.sh -p: counts how often each
 * translated block runs and, when QEMU exits, writes one line per block
 * that ran, "VADDR INSNS COUNT", to $TBPROF_OUT.
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
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
        void (*cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb));
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
        enum qemu_plugin_op op, void *ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
        void (*cb)(qemu_plugin_id_t id, void *userdata), void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

struct block {
    struct block *next;
    uint64_t vaddr, insns, count;
};

static struct block *blocks;

/* Each translation gets its own counter, bumped inline on every run. */
static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    struct block *b = calloc(1, sizeof(*b));

    (void)id;
    if (!b)
        abort();
    b->vaddr = qemu_plugin_tb_vaddr(tb);
    b->insns = qemu_plugin_tb_n_insns(tb);
    b->next = __atomic_exchange_n(&blocks, b, __ATOMIC_SEQ_CST);
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
                                             &b->count, 1);
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
            fprintf(f, "%llx %llu %llu\n", (unsigned long long)b->vaddr,
                    (unsigned long long)b->insns,
                    (unsigned long long)b->count);
    fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc,
                        char **argv)
{
    (void)info;
    (void)argc;
    (void)argv;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, write_counts, NULL);
    return 0;
}
