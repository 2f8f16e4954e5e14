/*
 * Helpers of the Bochs (VT-x) scenario tests, test_hvm_vmx*.c: boot one of
 * the GRUB ISOs hv/build.mk makes for them (VMX_ISOS) with
 * tests/harness/bochs-run and read its serial log, then look for lines,
 * exit counts and domain output in it.  The logs stay in the test
 * directory as hvm_vmx_<name>.serial.log and .bochs.log.
 */
#ifndef HERON_TEST_HVM_VMX_LIB_H
#define HERON_TEST_HVM_VMX_LIB_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCENARIO_DIR    HERON_BUILD_DIR "/tests/scenario"
#define BOCHS_SECONDS   "400"

/* The serial log of the last boot. */
static char *out;

static inline char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, n + 1);
    if (buf && fread(buf, 1, n, f) != (size_t)n)
        buf[0] = 0;
    fclose(f);
    return buf;
}

/* Boots the ISO of run `name` in Bochs on CPU model `model` (NULL: the
 * default, corei7_haswell_4770); out is the serial log. */
static inline void boot_model(const char *name, const char *model)
{
    char cmd[1024], serial[512];
    int rc;

    snprintf(serial, sizeof(serial), SCENARIO_DIR "/hvm_vmx_%s.serial.log", name);
    snprintf(cmd, sizeof(cmd), "tests/harness/bochs-run " SCENARIO_DIR
             "/hvm-vmx-%s.iso %s " SCENARIO_DIR "/hvm_vmx_%s.bochs.log "
             BOCHS_SECONDS " %s", name, serial, name, model ? model : "");
    rc = system(cmd);
    ck_assert_msg(rc == 0, "bochs-run failed (%d): %s", rc, cmd);
    free(out);
    out = slurp(serial);
    ck_assert_msg(out != NULL, "no serial log %s", serial);
}

static inline void boot(const char *name)
{
    boot_model(name, NULL);
}

static inline void teardown(void)
{
    free(out);
    out = NULL;
}

static inline unsigned int count(const char *text)
{
    unsigned int n = 0;

    for (const char *p = out; (p = strstr(p, text)); p++)
        n++;
    return n;
}

static inline void expect(const char *text)
{
    ck_assert_msg(strstr(out, text), "missing from the output: \"%s\"", text);
}

static inline void absent(const char *text)
{
    ck_assert_msg(!strstr(out, text), "unexpected in the output: \"%s\"", text);
}

/* The number after `key` in the first line containing it. */
static inline long long value_after(const char *key)
{
    const char *p = strstr(out, key);

    ck_assert_msg(p != NULL, "missing from the output: \"%s\"", key);
    return strtoll(p + strlen(key), NULL, 10);
}

/* The count of exit `name` in "hvm: domain N exits: ..." (0 if absent). */
static inline long long exit_count(unsigned int dom, const char *name)
{
    char key[48], item[48];
    const char *line, *end, *p;

    snprintf(key, sizeof(key), "hvm: domain %u exits: ", dom);
    line = strstr(out, key);
    ck_assert_msg(line != NULL, "no exit counts for domain %u", dom);
    end = strchr(line, '\n');
    snprintf(item, sizeof(item), " %s ", name);
    p = strstr(line, item);
    if (!p || (end && p > end))
        return 0;
    return strtoll(p + strlen(item), NULL, 10);
}

static inline void expect_vmx_and_balance(void)
{
    expect("hvm: VMX with EPT available");
    expect("ept unrestricted-guest");
    expect("hvm: VMX enabled: HVM domains available");
    expect("Test result: PASS (pv_dom0)");
    expect("hv: frame accounting: ");
    expect("free now: balanced");
    absent("FATAL");
    absent("PANIC");
    absent("VMLAUNCH failed");
    absent("VMRESUME failed");
    absent("refused the guest state");
}

/* What domain dom printed between "(dN) === BEGIN name ===" and its end,
 * without the prefixes and the kernel's own "pvops-guest: " lines. */
static inline char *section(unsigned int dom, const char *name)
{
    char prefix[16], begin[64], end[64];
    const char *p, *stop;
    char *s = calloc(1, strlen(out) + 1), *o = s;
    size_t plen = snprintf(prefix, sizeof(prefix), "(d%u) ", dom);

    snprintf(begin, sizeof(begin), "%s=== BEGIN %s ===", prefix, name);
    snprintf(end, sizeof(end), "%s=== END %s (", prefix, name);
    p = strstr(out, begin);
    ck_assert_msg(p != NULL && strchr(p, '\n'), "no %s section", name);
    p = strchr(p, '\n') + 1;
    stop = strstr(p, end);
    ck_assert_msg(stop != NULL, "%s section does not end", name);
    while (p < stop) {
        const char *nl = memchr(p, '\n', stop - p);
        size_t len = nl ? (size_t)(nl - p + 1) : (size_t)(stop - p);

        if (len > plen && !strncmp(p, prefix, plen) &&
            strncmp(p + plen, "pvops-guest: ", 13)) {
            for (size_t i = plen; i < len; i++)
                if (p[i] != '\r')
                    *o++ = p[i];
        }
        p += len;
    }
    return s;
}

#endif
