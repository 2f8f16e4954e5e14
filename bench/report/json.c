/* Recursive-descent JSON reader (see json.h). */
#include "json.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

struct parser {
	const char *text, *p;
	char *err;
	size_t errlen;
	int failed;
};

static struct json *error(struct parser *ps, const char *why)
{
	if (!ps->failed)
		snprintf(ps->err, ps->errlen, "offset %zu: %s", (size_t)(ps->p - ps->text), why);
	ps->failed = 1;
	return NULL;
}

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static struct json *new_value(enum json_type t)
{
	struct json *v = calloc(1, sizeof(*v));

	if (v)
		v->type = t;
	return v;
}

static int hex4(const char *s, unsigned int *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		*out = *out << 4 | (unsigned int)(isdigit((unsigned char)s[i]) ? s[i] - '0' :
						  tolower((unsigned char)s[i]) - 'a' + 10);
	}
	return 0;
}

static size_t put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Parses a string literal at ps->p into a fresh buffer. */
static char *parse_string(struct parser *ps)
{
	const char *start = ++ps->p;
	char *out, *o;

	/* Decoded text is never longer than its escaped form. */
	while (*ps->p && *ps->p != '"')
		ps->p += *ps->p == '\\' && ps->p[1] ? 2 : 1;
	if (*ps->p != '"') {
		error(ps, "unterminated string");
		return NULL;
	}
	out = o = malloc((size_t)(ps->p - start) + 1);
	if (!out) {
		error(ps, "out of memory");
		return NULL;
	}
	for (ps->p = start; *ps->p != '"'; ps->p++) {
		unsigned char c = (unsigned char)*ps->p;
		unsigned int cp, lo;

		if (c < 0x20) {
			error(ps, "control character in string");
			goto bad;
		}
		if (c != '\\') {
			*o++ = (char)c;
			continue;
		}
		switch (*++ps->p) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (hex4(ps->p + 1, &cp)) {
				error(ps, "bad \\u escape");
				goto bad;
			}
			ps->p += 4;
			if (cp >= 0xdc00 && cp < 0xe000) {
				error(ps, "lone low surrogate");
				goto bad;
			}
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (ps->p[1] != '\\' || ps->p[2] != 'u' || hex4(ps->p + 3, &lo) ||
				    lo < 0xdc00 || lo >= 0xe000) {
					error(ps, "unpaired surrogate");
					goto bad;
				}
				ps->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			o += put_utf8(o, cp);
			break;
		default:
			error(ps, "bad escape");
			goto bad;
		}
	}
	ps->p++;
	*o = 0;
	return out;
bad:
	free(out);
	return NULL;
}

static struct json *parse_number(struct parser *ps)
{
	const char *s = ps->p;
	struct json *v;

	if (*ps->p == '-')
		ps->p++;
	if (*ps->p == '0')
		ps->p++;
	else if (*ps->p >= '1' && *ps->p <= '9')
		while (isdigit((unsigned char)*ps->p))
			ps->p++;
	else
		return error(ps, "bad number");
	if (*ps->p == '.') {
		ps->p++;
		if (!isdigit((unsigned char)*ps->p))
			return error(ps, "bad fraction");
		while (isdigit((unsigned char)*ps->p))
			ps->p++;
	}
	if (*ps->p == 'e' || *ps->p == 'E') {
		ps->p++;
		if (*ps->p == '+' || *ps->p == '-')
			ps->p++;
		if (!isdigit((unsigned char)*ps->p))
			return error(ps, "bad exponent");
		while (isdigit((unsigned char)*ps->p))
			ps->p++;
	}
	v = new_value(JSON_NUMBER);
	if (!v)
		return error(ps, "out of memory");
	v->number = strtod(s, NULL);
	if (!isfinite(v->number)) {
		free(v);
		return error(ps, "number out of range");
	}
	return v;
}

static struct json *parse_value(struct parser *ps, int depth);

static int append(struct json *v, struct json *item, char *key)
{
	struct json **items = realloc(v->items, (v->n + 1) * sizeof(*items));

	if (!items)
		return -1;
	v->items = items;
	if (v->type == JSON_OBJECT) {
		char **keys = realloc(v->keys, (v->n + 1) * sizeof(*keys));

		if (!keys)
			return -1;
		v->keys = keys;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = item;
	return 0;
}

static struct json *parse_container(struct parser *ps, int depth, enum json_type t)
{
	char close = t == JSON_ARRAY ? ']' : '}';
	struct json *v = new_value(t);

	if (!v)
		return error(ps, "out of memory");
	ps->p++;
	skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct json *item;

		skip_ws(ps);
		if (t == JSON_OBJECT) {
			if (*ps->p != '"' || !(key = parse_string(ps))) {
				error(ps, "expected a member name");
				goto bad;
			}
			if (json_get(v, key)) {
				free(key);
				error(ps, "duplicate member name");
				goto bad;
			}
			skip_ws(ps);
			if (*ps->p++ != ':') {
				free(key);
				error(ps, "expected ':'");
				goto bad;
			}
		}
		item = parse_value(ps, depth + 1);
		if (!item || append(v, item, key)) {
			json_free(item);
			free(key);
			error(ps, "out of memory");
			goto bad;
		}
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == close) {
			ps->p++;
			return v;
		}
		error(ps, t == JSON_ARRAY ? "expected ',' or ']'" : "expected ',' or '}'");
		goto bad;
	}
bad:
	json_free(v);
	return NULL;
}

static struct json *literal(struct parser *ps, const char *word, enum json_type t, int b)
{
	struct json *v;

	if (strncmp(ps->p, word, strlen(word)))
		return error(ps, "unexpected character");
	ps->p += strlen(word);
	v = new_value(t);
	if (!v)
		return error(ps, "out of memory");
	v->boolean = b;
	return v;
}

static struct json *parse_value(struct parser *ps, int depth)
{
	struct json *v;

	if (depth > MAX_DEPTH)
		return error(ps, "nested too deeply");
	skip_ws(ps);
	switch (*ps->p) {
	case '{':
		return parse_container(ps, depth, JSON_OBJECT);
	case '[':
		return parse_container(ps, depth, JSON_ARRAY);
	case '"':
		v = new_value(JSON_STRING);
		if (!v)
			return error(ps, "out of memory");
		if (!(v->string = parse_string(ps))) {
			free(v);
			return NULL;
		}
		return v;
	case 't':
		return literal(ps, "true", JSON_BOOL, 1);
	case 'f':
		return literal(ps, "false", JSON_BOOL, 0);
	case 'n':
		return literal(ps, "null", JSON_NULL, 0);
	case 0:
		return error(ps, "unexpected end of text");
	default:
		return parse_number(ps);
	}
}

struct json *json_parse(const char *text, char *err, size_t errlen)
{
	struct parser ps = { .text = text, .p = text, .err = err, .errlen = errlen };
	struct json *v = parse_value(&ps, 0);

	if (!v)
		return NULL;
	skip_ws(&ps);
	if (*ps.p) {
		json_free(v);
		error(&ps, "text after the value");
		return NULL;
	}
	return v;
}

void json_free(struct json *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		json_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
	free(v);
}

const struct json *json_get(const struct json *v, const char *key)
{
	if (!v || v->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->keys[i], key))
			return v->items[i];
	return NULL;
}
