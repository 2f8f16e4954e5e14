/*
 * One line of a raw results file: a record type, then KEY=VALUE fields.
 * A value is either free of spaces and quotes, or double-quoted (and then
 * free of quotes).  Example:
 *
 *   RESULT config=host mode=time run=1 name=syscall unit=ns/op value=52.1 iters=5000000 tsc=140.2
 *   CONFIG name=pv-hv role=measured modes=time,icount title="pvops-guest PV domU on hv" pending="..."
 *   NA config=native name=hypercall note="natively there is no hypervisor to call"
 */
#ifndef BENCH_RECORD_H
#define BENCH_RECORD_H

#define RECORD_MAX_FIELDS 32

struct record {
	const char *type;
	int nfields;
	const char *key[RECORD_MAX_FIELDS];
	const char *val[RECORD_MAX_FIELDS];
};

/*
 * Splits line (modified in place; the record points into it).  Returns 0,
 * or -1 with *err naming the problem.  A blank line or a '#' comment gives
 * a record with type NULL.
 */
int record_parse(char *line, struct record *r, const char **err);

/* The value of key, or NULL when the record has no such field. */
const char *record_get(const struct record *r, const char *key);

#endif
