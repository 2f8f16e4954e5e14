/*
 * libFuzzer target: arbitrary bytes through the xl.cfg parser and the
 * domain-config checks (build/fuzz/fuzz_cfg, see toolstack/build.mk).
 * Every input must be accepted or refused with a message, never crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cfg.h"
#include "domain_cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cfg_file f;
    struct domain_cfg dc;
    char err[512];

    if (cfg_parse("fuzz.cfg", (const char *)data, size, &f, err, sizeof(err))) {
        if (!memchr(err, '\0', sizeof(err)) || !err[0])
            __builtin_trap();
        return 0;
    }
    if (!domain_cfg_from(&f, &dc, err, sizeof(err)))
        domain_cfg_free(&dc);
    else if (!err[0])
        __builtin_trap();
    for (unsigned int i = 0; i < f.nr_entries; i++) {
        const struct cfg_entry *e = &f.entries[i];

        for (unsigned int k = 0; e->kind == CFG_LIST && k < e->nr_items; k++) {
            struct disk_spec d;
            struct vif_spec v;

            if (!disk_spec_parse(e->items[k].text, &d, err, sizeof(err)))
                disk_spec_free(&d);
            if (!vif_spec_parse(e->items[k].text, &v, err, sizeof(err)))
                vif_spec_free(&v);
        }
    }
    cfg_free(&f);
    return 0;
}
