/*
 * The xl.cfg lexer and parser (syntax as Xen's libxlu_cfg_l.l and
 * libxlu_cfg_y.y accept it; our own code).  One pass over the text with
 * one token of lookahead; every error names the file and line.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

enum tok { T_EOF, T_NEWLINE, T_IDENT, T_NUMBER, T_STRING, T_COMMA, T_LBRACK,
           T_RBRACK, T_ASSIGN, T_APPEND, T_SEMI };

struct lexer {
    const char *name, *p, *end;
    int line;               /* line of the next character */
    enum tok tok;           /* current token ... */
    int tok_line;           /* ... its line ... */
    char *text;             /* ... and its text (IDENT, NUMBER, STRING) */
    char *err;
    size_t errlen;
};

static int fail(struct lexer *lx, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct lexer *lx, int line, const char *fmt, ...)
{
    int n = snprintf(lx->err, lx->errlen, "%s:%d: ", lx->name, line);
    va_list ap;

    if (n >= 0 && (size_t)n < lx->errlen) {
        va_start(ap, fmt);
        vsnprintf(lx->err + n, lx->errlen - n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static bool is_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
}

static bool is_number_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == 'x';
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* One backslash escape at lx->p (just past the backslash) into *out. */
static int lex_escape(struct lexer *lx, char *out)
{
    static const char plain[] = "\"\"''\\\\a\ab\bf\fn\nr\rt\tv\v";
    char c = *lx->p++;
    int v = 0, n;

    for (const char *s = plain; *s; s += 2)
        if (c == s[0]) {
            *out = s[1];
            return 0;
        }
    if (c == 'x') {
        int hi = lx->p < lx->end ? hex_digit(lx->p[0]) : -1;
        int lo = lx->p + 1 < lx->end ? hex_digit(lx->p[1]) : -1;

        if (hi < 0 || lo < 0)
            return fail(lx, lx->line, "\\x needs two hex digits in a quoted string");
        v = hi * 16 + lo;
        lx->p += 2;
    } else if (c >= '0' && c <= '7') {
        v = c - '0';
        for (n = 1; n < 3 && lx->p < lx->end && *lx->p >= '0' && *lx->p <= '7'; n++)
            v = v * 8 + (*lx->p++ - '0');
        if (v > 255)
            return fail(lx, lx->line, "octal escape above \\377 in a quoted string");
    } else {
        return fail(lx, lx->line, "invalid escape '\\%c' in a quoted string", c);
    }
    if (v == 0)
        return fail(lx, lx->line, "NUL character in a quoted string");
    *out = (char)v;
    return 0;
}

static int lex_string(struct lexer *lx)
{
    char quote = *lx->p++;
    char *out = malloc(lx->end - lx->p + 1);
    size_t n = 0;

    if (!out)
        return fail(lx, lx->line, "out of memory");
    lx->text = out;
    for (;;) {
        if (lx->p == lx->end || *lx->p == '\n')
            return fail(lx, lx->line, "unterminated string");
        if (*lx->p == quote) {
            lx->p++;
            break;
        }
        if (*lx->p == '\\') {
            lx->p++;
            if (lx->p == lx->end || *lx->p == '\n')
                return fail(lx, lx->line, "unterminated string");
            if (lex_escape(lx, &out[n++]))
                return -1;
        } else {
            out[n++] = *lx->p++;
        }
    }
    out[n] = '\0';
    lx->tok = T_STRING;
    return 0;
}

static int lex_word(struct lexer *lx, bool (*in_word)(char), enum tok tok)
{
    const char *start = lx->p;

    while (lx->p < lx->end && in_word(*lx->p))
        lx->p++;
    lx->text = strndup(start, lx->p - start);
    if (!lx->text)
        return fail(lx, lx->line, "out of memory");
    lx->tok = tok;
    return 0;
}

/* Advances to the next token.  Returns -1 (err set) on a lexical error. */
static int next(struct lexer *lx)
{
    free(lx->text);
    lx->text = NULL;
    while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r'))
        lx->p++;
    lx->tok_line = lx->line;
    if (lx->p == lx->end) {
        lx->tok = T_EOF;
        return 0;
    }
    switch (*lx->p) {
    case '#':
        while (lx->p < lx->end && *lx->p != '\n')
            lx->p++;
        if (lx->p == lx->end) {
            lx->tok = T_NEWLINE;
            return 0;
        }
        /* fall through */
    case '\n':
        lx->p++;
        lx->line++;
        lx->tok = T_NEWLINE;
        return 0;
    case ',': lx->p++; lx->tok = T_COMMA; return 0;
    case '[': lx->p++; lx->tok = T_LBRACK; return 0;
    case ']': lx->p++; lx->tok = T_RBRACK; return 0;
    case ';': lx->p++; lx->tok = T_SEMI; return 0;
    case '=': lx->p++; lx->tok = T_ASSIGN; return 0;
    case '+':
        if (lx->p + 1 < lx->end && lx->p[1] == '=') {
            lx->p += 2;
            lx->tok = T_APPEND;
            return 0;
        }
        break;
    case '\'':
    case '"':
        return lex_string(lx);
    default:
        if (*lx->p >= 'a' && *lx->p <= 'z')
            return lex_word(lx, is_ident_char, T_IDENT);
        if (*lx->p >= '0' && *lx->p <= '9')
            return lex_word(lx, is_number_char, T_NUMBER);
        break;
    }
    if (*lx->p == '\0')
        return fail(lx, lx->line, "NUL character in the file");
    if ((unsigned char)*lx->p < 0x20 || (unsigned char)*lx->p >= 0x7f)
        return fail(lx, lx->line, "unexpected character \\x%02x",
                    (unsigned char)*lx->p);
    return fail(lx, lx->line, "unexpected '%c'%s", *lx->p,
                *lx->p >= 'A' && *lx->p <= 'Z' ? " (keys are lower case)" : "");
}

static int skip_newlines(struct lexer *lx)
{
    while (lx->tok == T_NEWLINE)
        if (next(lx))
            return -1;
    return 0;
}

static const char *tok_name(enum tok t)
{
    static const char *const names[] = {
        [T_EOF] = "end of file", [T_NEWLINE] = "end of line", [T_IDENT] = "a key",
        [T_NUMBER] = "a number", [T_STRING] = "a string", [T_COMMA] = "','",
        [T_LBRACK] = "'['", [T_RBRACK] = "']'", [T_ASSIGN] = "'='",
        [T_APPEND] = "'+='", [T_SEMI] = "';'",
    };
    return names[t];
}

/* Takes the current NUMBER or STRING token as an atom. */
static int take_atom(struct lexer *lx, struct cfg_atom *a, const char *key)
{
    if (lx->tok == T_LBRACK)
        return fail(lx, lx->tok_line, "%s: nested lists are not supported", key);
    if (lx->tok != T_NUMBER && lx->tok != T_STRING)
        return fail(lx, lx->tok_line, "%s: expected a value, found %s", key,
                    tok_name(lx->tok));
    a->kind = lx->tok == T_NUMBER ? CFG_NUMBER : CFG_STRING;
    a->text = lx->text;
    a->line = lx->tok_line;
    lx->text = NULL;
    return next(lx);
}

static void free_atoms(struct cfg_atom *items, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        free(items[i].text);
    free(items);
}

/* '[' nlok [ atom nlok { ',' nlok atom nlok } [ ',' nlok ] ] ']' */
static int parse_list(struct lexer *lx, struct cfg_entry *e)
{
    unsigned int cap = 0;
    int rc;

    if (next(lx) || skip_newlines(lx))
        return -1;
    while (lx->tok != T_RBRACK) {
        if (e->nr_items == cap) {
            struct cfg_atom *grown = realloc(e->items, (cap = cap * 2 + 4) *
                                                           sizeof(*grown));

            if (!grown)
                return fail(lx, lx->tok_line, "out of memory");
            e->items = grown;
        }
        if (lx->tok == T_EOF)
            return fail(lx, lx->tok_line, "%s: list not closed with ']'", e->key);
        e->items[e->nr_items].text = NULL;
        rc = take_atom(lx, &e->items[e->nr_items], e->key);
        if (e->items[e->nr_items].text)     /* taken, even if the next token is bad */
            e->nr_items++;
        if (rc)
            return -1;
        if (skip_newlines(lx))
            return -1;
        if (lx->tok == T_COMMA) {
            if (next(lx) || skip_newlines(lx))
                return -1;
        } else if (lx->tok != T_RBRACK) {
            return fail(lx, lx->tok_line, "%s: expected ',' or ']' in the list, "
                        "found %s", e->key, tok_name(lx->tok));
        }
    }
    return next(lx);
}

static int parse_value(struct lexer *lx, struct cfg_entry *e)
{
    if (lx->tok == T_LBRACK) {
        e->kind = CFG_LIST;
        return parse_list(lx, e);
    }
    if (take_atom(lx, &e->atom, e->key))
        return -1;
    e->kind = e->atom.kind;
    return 0;
}

static void free_entry(struct cfg_entry *e)
{
    free(e->key);
    free(e->atom.text);
    free_atoms(e->items, e->nr_items);
}

static struct cfg_entry *find(struct cfg_file *f, const char *key)
{
    for (unsigned int i = 0; i < f->nr_entries; i++)
        if (!strcmp(f->entries[i].key, key))
            return &f->entries[i];
    return NULL;
}

/* KEY += VALUE onto an existing entry of the same kind. */
static int append(struct lexer *lx, struct cfg_entry *old, struct cfg_entry *add)
{
    if (old->kind != add->kind || old->kind == CFG_NUMBER)
        return fail(lx, add->line, "%s: '+=' needs a %s like the first "
                    "assignment (line %d)", add->key,
                    old->kind == CFG_LIST ? "list" : "string", old->line);
    if (old->kind == CFG_STRING) {
        size_t a = strlen(old->atom.text), b = strlen(add->atom.text);
        char *s = realloc(old->atom.text, a + b + 1);

        if (!s)
            return fail(lx, add->line, "out of memory");
        memcpy(s + a, add->atom.text, b + 1);
        old->atom.text = s;
        return 0;
    }
    if (add->nr_items) {
        struct cfg_atom *items = realloc(old->items, (old->nr_items + add->nr_items) *
                                                         sizeof(*items));

        if (!items)
            return fail(lx, add->line, "out of memory");
        memcpy(items + old->nr_items, add->items, add->nr_items * sizeof(*items));
        old->items = items;
        old->nr_items += add->nr_items;
        free(add->items);
        add->items = NULL;
        add->nr_items = 0;
    }
    return 0;
}

static int parse_statement(struct lexer *lx, struct cfg_file *f)
{
    struct cfg_entry e = { .key = lx->text, .line = lx->tok_line };
    struct cfg_entry *old, *grown;
    bool add;
    int rc = -1;

    lx->text = NULL;
    if (next(lx))
        goto out;
    if (lx->tok != T_ASSIGN && lx->tok != T_APPEND) {
        fail(lx, lx->tok_line, "%s: expected '=' or '+=', found %s", e.key,
             tok_name(lx->tok));
        goto out;
    }
    add = lx->tok == T_APPEND;
    if (next(lx) || parse_value(lx, &e))
        goto out;
    if (lx->tok != T_NEWLINE && lx->tok != T_SEMI && lx->tok != T_EOF) {
        fail(lx, lx->tok_line, "%s: expected the end of the statement, found %s",
             e.key, tok_name(lx->tok));
        goto out;
    }
    old = find(f, e.key);
    if (old && !add) {
        fail(lx, e.line, "%s: duplicate key (first set on line %d)", e.key, old->line);
        goto out;
    }
    if (old) {
        rc = append(lx, old, &e);
        goto out;
    }
    grown = realloc(f->entries, (f->nr_entries + 1) * sizeof(*grown));
    if (!grown) {
        fail(lx, e.line, "out of memory");
        goto out;
    }
    f->entries = grown;
    f->entries[f->nr_entries++] = e;
    return 0;
out:
    free_entry(&e);
    return rc;
}

int cfg_parse(const char *name, const char *text, size_t len, struct cfg_file *f,
              char *err, size_t errlen)
{
    struct lexer lx = { .name = name, .p = text, .end = text + len, .line = 1,
                        .err = err, .errlen = errlen };
    int rc = 0;

    memset(f, 0, sizeof(*f));
    if (errlen)
        err[0] = '\0';
    f->name = strdup(name);
    if (!f->name)
        return fail(&lx, 0, "out of memory");
    if (memchr(text, '\0', len)) {
        const char *nul = memchr(text, '\0', len);
        int line = 1;

        for (const char *p = text; p < nul; p++)
            line += *p == '\n';
        rc = fail(&lx, line, "NUL character in the file");
    }
    if (!rc)
        rc = next(&lx);
    while (!rc && lx.tok != T_EOF) {
        if (lx.tok == T_NEWLINE || lx.tok == T_SEMI)
            rc = next(&lx);
        else if (lx.tok == T_IDENT)
            rc = parse_statement(&lx, f);
        else
            rc = fail(&lx, lx.tok_line, "expected a key, found %s", tok_name(lx.tok));
    }
    free(lx.text);
    if (rc)
        cfg_free(f);
    return rc;
}

const struct cfg_entry *cfg_find(const struct cfg_file *f, const char *key)
{
    return find((struct cfg_file *)f, key);
}

void cfg_free(struct cfg_file *f)
{
    for (unsigned int i = 0; i < f->nr_entries; i++)
        free_entry(&f->entries[i]);
    free(f->entries);
    free(f->name);
    memset(f, 0, sizeof(*f));
}
