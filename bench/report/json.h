/*
 * A strict JSON (RFC 8259) reader for the checker: the whole text must be
 * one value, objects may not repeat a key, nesting is limited.
 */
#ifndef BENCH_JSON_H
#define BENCH_JSON_H

#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	int boolean;
	double number;
	char *string;                   /* decoded, UTF-8 */
	size_t n;                       /* elements or members */
	struct json **items;            /* array elements, object values */
	char **keys;                    /* object keys */
};

/* Returns the parsed value, or NULL with "offset N: why" in err. */
struct json *json_parse(const char *text, char *err, size_t errlen);
void json_free(struct json *v);

/* An object's member, or NULL when absent (or v is not an object). */
const struct json *json_get(const struct json *v, const char *key);

#endif
