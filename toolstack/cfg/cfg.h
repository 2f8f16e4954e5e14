/*
 * xl.cfg syntax (Xen's docs/man/xl.cfg.5): `KEY = VALUE` or `KEY += VALUE`
 * statements ended by a newline or ';', values that are numbers, strings
 * in '...' or "..." (backslash escapes as xl's), or lists `[ v, v, ]`
 * that may span lines; '#' comments to the end of the line.  This layer
 * knows the syntax only; domain_cfg.h gives the keys their meaning.
 */
#ifndef TOOLSTACK_CFG_H
#define TOOLSTACK_CFG_H

#include <stddef.h>

enum cfg_kind {
    CFG_NUMBER,         /* a bare number token, kept as written */
    CFG_STRING,         /* a quoted string, escapes resolved */
    CFG_LIST,           /* a list of numbers and strings */
};

struct cfg_atom {
    enum cfg_kind kind; /* CFG_NUMBER or CFG_STRING */
    char *text;
    int line;
};

struct cfg_entry {
    char *key;
    int line;           /* of the key's first assignment */
    enum cfg_kind kind;
    struct cfg_atom atom;           /* NUMBER, STRING */
    struct cfg_atom *items;         /* LIST */
    unsigned int nr_items;
};

struct cfg_file {
    char *name;         /* for messages: "name:line: ..." */
    struct cfg_entry *entries;
    unsigned int nr_entries;
};

/*
 * Parses text (len bytes, NULs not allowed) into *f, entries in file
 * order.  Returns 0, or -1 with "name:line: what" in err.  A key given
 * twice with '=' is an error; '+=' appends to a list or string of the
 * same kind (or defines the key).  Nested lists are refused.
 */
int cfg_parse(const char *name, const char *text, size_t len, struct cfg_file *f,
              char *err, size_t errlen);

/* The entry for key, or NULL. */
const struct cfg_entry *cfg_find(const struct cfg_file *f, const char *key);

void cfg_free(struct cfg_file *f);

#endif
