/* Tokenizer of raw result lines (see record.h). */
#include "record.h"

#include <ctype.h>
#include <string.h>

static int is_key_char(char c)
{
	return islower((unsigned char)c) || isdigit((unsigned char)c) || c == '_';
}

int record_parse(char *line, struct record *r, const char **err)
{
	char *p = line;

	memset(r, 0, sizeof(*r));
	p[strcspn(p, "\r\n")] = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#')
		return 0;
	if (!isupper((unsigned char)*p)) {
		*err = "record type must be an upper-case word";
		return -1;
	}
	r->type = p;
	while (isupper((unsigned char)*p) || *p == '_')
		p++;
	if (*p && *p != ' ') {
		*err = "record type must be an upper-case word";
		return -1;
	}
	while (*p) {
		char *key, *val;

		*p++ = 0;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		key = p;
		while (is_key_char(*p))
			p++;
		if (p == key || *p != '=') {
			*err = "expected KEY=VALUE";
			return -1;
		}
		*p++ = 0;
		if (*p == '"') {
			val = ++p;
			p = strchr(p, '"');
			if (!p) {
				*err = "unterminated quoted value";
				return -1;
			}
			*p++ = 0;
			if (*p && *p != ' ') {
				*err = "text after a quoted value";
				return -1;
			}
		} else {
			val = p;
			while (*p && *p != ' ' && *p != '"')
				p++;
			if (*p == '"' || p == val) {
				*err = *p == '"' ? "quote inside an unquoted value" : "empty value";
				return -1;
			}
		}
		if (record_get(r, key)) {
			*err = "duplicate key";
			return -1;
		}
		if (r->nfields == RECORD_MAX_FIELDS) {
			*err = "too many fields";
			return -1;
		}
		r->key[r->nfields] = key;
		r->val[r->nfields] = val;
		r->nfields++;
	}
	return 0;
}

const char *record_get(const struct record *r, const char *key)
{
	for (int i = 0; i < r->nfields; i++)
		if (!strcmp(r->key[i], key))
			return r->val[i];
	return NULL;
}
