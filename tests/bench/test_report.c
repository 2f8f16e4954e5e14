/*
 * Unit tests of the report pipeline on canned raw records: the record
 * tokenizer, statistics, number formats, the model's validation, the
 * writers, and the checker (which must catch broken or disagreeing output).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checker.h"
#include "format.h"
#include "json.h"
#include "model.h"
#include "output.h"
#include "record.h"
#include "stats.h"

/* Three runs; pv's "b" failed in run 3; "c" is for later; "pend" pending;
 * "d" does not apply to the host or natively; pv is checked against a goal
 * (its own ratios) and against the Xen series over the host. */
static const char canned[] =
	"# canned\n"
	"META date=2025-01-02 runs=3 quick=0 qemu=\"QEMU 7.2\"\n"
	"BENCHDEF name=a title=\"bench a\"\n"
	"BENCHDEF name=b title=\"bench b\"\n"
	"BENCHDEF name=c title=\"bench c\" later=\"needs hv\"\n"
	"BENCHDEF name=d title=\"bench d\"\n"
	"CONFIG name=host role=reference modes=time title=\"the host\"\n"
	"NA config=host name=d note=\"no hv here\"\n"
	"CONFIG name=native role=baseline modes=time,icount title=\"native\"\n"
	"NA config=native name=d note=\"no hv natively\"\n"
	"CONFIG name=pv role=measured modes=time,icount title=\"pv on hv\"\n"
	"CONFIG name=pend role=measured modes=time title=\"later one\" pending=\"not yet\"\n"
	"TARGET series=xen-pv benchmark=a ratio=30.6 title=\"Xen PV\"\n"
	"TARGET series=goal benchmark=a ratio=2.5 title=\"Goal\"\n"
	"TARGET series=goal benchmark=b ratio=1.2 title=\"Goal\"\n"
	"CHECK series=goal config=pv\n"
	"CHECK series=xen-pv config=pv against=host\n"
	"RESULT config=host mode=time run=1 name=a unit=ns/op value=10 iters=100 tsc=30\n"
	"RESULT config=host mode=time run=2 name=a unit=ns/op value=12 iters=100 tsc=30\n"
	"RESULT config=host mode=time run=3 name=a unit=ns/op value=11 iters=100 tsc=30\n"
	"RESULT config=host mode=time run=1 name=b unit=ns/page value=5 iters=100 tsc=15\n"
	"RESULT config=host mode=time run=2 name=b unit=ns/page value=5 iters=100 tsc=15\n"
	"RESULT config=host mode=time run=3 name=b unit=ns/page value=6 iters=100 tsc=15\n"
	"RESULT config=native mode=time run=1 name=a unit=ns/op value=100 iters=9 tsc=300\n"
	"RESULT config=native mode=time run=2 name=a unit=ns/op value=300 iters=9 tsc=300\n"
	"RESULT config=native mode=time run=3 name=a unit=ns/op value=200 iters=9 tsc=300\n"
	"RESULT config=native mode=icount run=1 name=a unit=ns/op value=100 iters=9 tsc=400\n"
	"RESULT config=native mode=icount run=2 name=a unit=ns/op value=100 iters=9 tsc=400\n"
	"RESULT config=native mode=icount run=3 name=a unit=ns/op value=100 iters=9 tsc=400\n"
	"RESULT config=native mode=time run=1 name=b unit=ns/page value=50 iters=9 tsc=150\n"
	"RESULT config=native mode=time run=2 name=b unit=ns/page value=50 iters=9 tsc=150\n"
	"RESULT config=native mode=time run=3 name=b unit=ns/page value=50 iters=9 tsc=150\n"
	"RESULT config=native mode=icount run=1 name=b unit=ns/page value=9 iters=9 tsc=1000\n"
	"RESULT config=native mode=icount run=2 name=b unit=ns/page value=9 iters=9 tsc=1000\n"
	"RESULT config=native mode=icount run=3 name=b unit=ns/page value=9 iters=9 tsc=1000\n"
	"RESULT config=pv mode=time run=1 name=a unit=ns/op value=300 iters=9 tsc=900\n"
	"RESULT config=pv mode=time run=2 name=a unit=ns/op value=500 iters=9 tsc=900\n"
	"RESULT config=pv mode=time run=3 name=a unit=ns/op value=400 iters=9 tsc=900\n"
	"RESULT config=pv mode=icount run=1 name=a unit=ns/op value=9 iters=9 tsc=1200\n"
	"RESULT config=pv mode=icount run=2 name=a unit=ns/op value=9 iters=9 tsc=1200\n"
	"RESULT config=pv mode=icount run=3 name=a unit=ns/op value=9 iters=9 tsc=1200\n"
	"RESULT config=pv mode=time run=1 name=b unit=ns/page value=60 iters=9 tsc=150\n"
	"RESULT config=pv mode=time run=2 name=b unit=ns/page value=80 iters=9 tsc=150\n"
	"FAIL config=pv mode=time run=3 name=b note=\"exited with status 1\"\n"
	"RESULT config=pv mode=icount run=1 name=b unit=ns/page value=9 iters=9 tsc=2000\n"
	"RESULT config=pv mode=icount run=2 name=b unit=ns/page value=9 iters=9 tsc=2000\n"
	"RESULT config=pv mode=icount run=3 name=b unit=ns/page value=9 iters=9 tsc=2000\n"
	"RESULT config=pv mode=time run=1 name=d unit=ns/op value=10 iters=9 tsc=30\n"
	"RESULT config=pv mode=time run=2 name=d unit=ns/op value=12 iters=9 tsc=30\n"
	"RESULT config=pv mode=time run=3 name=d unit=ns/op value=11 iters=9 tsc=30\n"
	"RESULT config=pv mode=icount run=1 name=d unit=ns/op value=9 iters=9 tsc=50\n"
	"RESULT config=pv mode=icount run=2 name=d unit=ns/op value=9 iters=9 tsc=50\n"
	"RESULT config=pv mode=icount run=3 name=d unit=ns/op value=9 iters=9 tsc=50\n";

static char dir[64];

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static void write_text(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	path_in(path, sizeof(path), name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static char *read_text(const char *name)
{
	char path[128], *buf;
	FILE *f;
	long n;

	path_in(path, sizeof(path), name);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* Replaces the first occurrence of old in a file of the test directory. */
static void edit(const char *name, const char *old, const char *new)
{
	char *text = read_text(name), *at = strstr(text, old), *out;

	ck_assert_msg(at != NULL, "'%s' not in %s", old, name);
	out = malloc(strlen(text) + strlen(new) + 1);
	memcpy(out, text, (size_t)(at - text));
	strcpy(out + (at - text), new);
	strcat(out, at + strlen(old));
	write_text(name, out);
	free(text);
	free(out);
}

static int load(struct model *m, const char *raw, char *err, size_t len)
{
	char path[128];

	write_text("raw.txt", raw);
	path_in(path, sizeof(path), "raw.txt");
	return model_load(m, path, err, len);
}

/* Writes the report of the canned records into the test directory. */
static void report(const char *raw)
{
	char path[128], err[256];
	struct model m;
	FILE *f;

	ck_assert_msg(load(&m, raw, err, sizeof(err)) == 0, "%s", err);
	path_in(path, sizeof(path), "results.json");
	f = fopen(path, "w");
	ck_assert_int_eq(write_json(&m, f), 0);
	fclose(f);
	path_in(path, sizeof(path), "results.md");
	f = fopen(path, "w");
	ck_assert_int_eq(write_markdown(&m, f), 0);
	fclose(f);
	ck_assert_int_eq(write_plot(&m, dir), 0);
	model_free(&m);
}

static int problems(void)
{
	FILE *sink = fopen("/dev/null", "w");
	int n = check_results(dir, sink);

	fclose(sink);
	return n;
}

static void setup(void)
{
	strcpy(dir, "/tmp/bench-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_stats)
{
	double odd[] = { 5, 1, 3 }, even[] = { 4, 1, 3, 2 };
	struct stats s;

	ck_assert_int_eq(stats_compute(odd, 3, &s), 0);
	ck_assert(s.n == 3 && s.median == 3 && s.min == 1 && s.max == 5);
	ck_assert(odd[0] == 5);
	ck_assert_int_eq(stats_compute(even, 4, &s), 0);
	ck_assert(s.median == 2.5 && s.min == 1 && s.max == 4);
	ck_assert_int_eq(stats_compute(even, 0, &s), -1);
}
END_TEST

START_TEST(test_record)
{
	char line[] = "RESULT config=host title=\"a b c\" value=1.5\n";
	char bad[][48] = {
		"result a=1", "RESULT a", "RESULT a=\"x", "RESULT a=1 a=2",
		"RESULT a=x\"y", "RESULT a=\"x\"y", "RESULT A=1", "RESULT a=",
	};
	const char *err = NULL;
	struct record r;

	ck_assert_int_eq(record_parse(line, &r, &err), 0);
	ck_assert_str_eq(r.type, "RESULT");
	ck_assert_int_eq(r.nfields, 3);
	ck_assert_str_eq(record_get(&r, "title"), "a b c");
	ck_assert_str_eq(record_get(&r, "value"), "1.5");
	ck_assert_ptr_null(record_get(&r, "nothing"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		ck_assert_msg(record_parse(bad[i], &r, &err) == -1 && err, "accepted %s", bad[i]);
	}
	strcpy(line, "  # a comment");
	ck_assert_int_eq(record_parse(line, &r, &err), 0);
	ck_assert_ptr_null(r.type);
}
END_TEST

START_TEST(test_format)
{
	char b[32];

	fmt_time(165.16, b, sizeof(b));
	ck_assert_str_eq(b, "165 ns");
	fmt_time(2412.7, b, sizeof(b));
	ck_assert_str_eq(b, "2.41 µs");
	fmt_time(999.6, b, sizeof(b));
	ck_assert_str_eq(b, "1.00 µs");
	fmt_time(77165070, b, sizeof(b));
	ck_assert_str_eq(b, "77.2 ms");
	fmt_count(812, b, sizeof(b));
	ck_assert_str_eq(b, "812");
	fmt_count(2049000, b, sizeof(b));
	ck_assert_str_eq(b, "2.05 M");
	fmt_ratio(1, b, sizeof(b));
	ck_assert_str_eq(b, "1.00x");
	fmt_ratio(0.0712, b, sizeof(b));
	ck_assert_str_eq(b, "0.071x");
	fmt_ratio(30.6, b, sizeof(b));
	ck_assert_str_eq(b, "30.6x");
	fmt_ratio(412.4, b, sizeof(b));
	ck_assert_str_eq(b, "412x");
}
END_TEST

START_TEST(test_model_summaries)
{
	char err[256];
	struct model m;
	const struct summary *s;

	ck_assert_msg(load(&m, canned, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(m.runs, 3);
	ck_assert_int_eq(m.baseline, 1);
	ck_assert_str_eq(config_status(&m, 0), "measured");
	ck_assert_str_eq(config_status(&m, 3), "pending");
	s = model_summary(&m, 2, 0, METRIC_TIME);
	ck_assert_ptr_nonnull(s);
	ck_assert(s->st.n == 3 && s->st.median == 400 && s->st.min == 300 && s->st.max == 500);
	ck_assert(s->has_ratio && s->ratio == 2);
	s = model_summary(&m, 2, 1, METRIC_TIME);
	ck_assert(s->st.n == 2 && s->st.median == 70 && s->ratio == 1.4);
	s = model_summary(&m, 2, 1, METRIC_ICOUNT);
	ck_assert(s->st.median == 2000 && s->ratio == 2);
	ck_assert_ptr_null(model_summary(&m, 0, 0, METRIC_ICOUNT));
	ck_assert_ptr_null(model_summary(&m, 0, 2, METRIC_TIME));
	ck_assert_uint_eq(m.nr_failures, 1);
	ck_assert_str_eq(model_not_applicable(&m, 1, 3), "no hv natively");
	ck_assert_ptr_null(model_not_applicable(&m, 2, 3));
	ck_assert_ptr_null(model_not_applicable(&m, 1, 0));
	s = model_summary(&m, 2, 3, METRIC_TIME);
	ck_assert(s->st.median == 11 && !s->has_ratio);
	ck_assert_ptr_null(model_summary(&m, 1, 3, METRIC_TIME));
	model_free(&m);
}
END_TEST

/* Each bad record must be refused, naming the line. */
START_TEST(test_model_rejects)
{
	static const char head[] =
		"META date=2025-01-02 runs=2\n"
		"BENCHDEF name=a title=\"A\"\n"
		"BENCHDEF name=c title=\"C\" later=\"why\"\n"
		"CONFIG name=native role=baseline modes=time title=\"N\"\n"
		"CONFIG name=pend role=measured modes=time title=\"P\" pending=\"later\"\n";
	static const char *const bad[] = {
		"RESULT config=nope mode=time run=1 name=a unit=ns/op value=1 iters=1 tsc=1\n",
		"RESULT config=pend mode=time run=1 name=a unit=ns/op value=1 iters=1 tsc=1\n",
		"RESULT config=native mode=icount run=1 name=a unit=ns/op value=1 iters=1 tsc=1\n",
		"RESULT config=native mode=time run=3 name=a unit=ns/op value=1 iters=1 tsc=1\n",
		"RESULT config=native mode=time run=1 name=c unit=ns/op value=1 iters=1 tsc=1\n",
		"RESULT config=native mode=time run=1 name=a unit=ms value=1 iters=1 tsc=1\n",
		"RESULT config=native mode=time run=1 name=a unit=ns/op value=-1 iters=1 tsc=1\n",
		"RESULT config=native mode=time run=1 name=a unit=ns/op value=1 iters=0 tsc=1\n",
		"RESULT config=native mode=time run=1 name=a unit=ns/op value=1 iters=1\n",
		"RESULT config=native mode=time run=1 name=a unit=ns/op value=1 iters=1 tsc=1\n"
		"RESULT config=native mode=time run=1 name=a unit=ns/op value=2 iters=1 tsc=1\n",
		"RESULT config=native mode=time run=1 name=a unit=ns/op value=1 iters=1 tsc=1\n"
		"RESULT config=native mode=time run=2 name=a unit=ns/page value=2 iters=1 tsc=1\n",
		"CONFIG name=two role=baseline modes=time title=\"T\"\n",
		"CONFIG name=native role=measured modes=time title=\"again\"\n",
		"CONFIG name=x role=boss modes=time title=\"X\"\n",
		"CONFIG name=x role=measured modes=time,time title=\"X\"\n",
		"CONFIG name=x role=measured modes=time title=\"a|b\"\n",
		"CONFIG name=x role=measured modes=time title=\"X\" ratio_to=nope\n",
		"CONFIG name=x role=measured modes=time title=\"X\" ratio_to=y\n"
		"CONFIG name=y role=measured modes=time title=\"Y\"\n",
		"CONFIG name=b2 role=baseline modes=time title=\"B\" ratio_to=native\n",
		"TARGET series=s benchmark=zz ratio=1 title=\"S\"\n",
		"TARGET series=s benchmark=a ratio=0 title=\"S\"\n",
		"CHECK series=s config=native\n",
		"TARGET series=s benchmark=a ratio=1 title=\"S\"\nCHECK config=native\n",
		"TARGET series=s benchmark=a ratio=1 title=\"S\"\nCHECK series=s config=nope\n",
		"TARGET series=s benchmark=a ratio=1 title=\"S\"\n"
		"CHECK series=s config=native against=native\n",
		"TARGET series=s benchmark=a ratio=1 title=\"S\"\n"
		"CHECK series=s config=native against=nope\n",
		"TARGET series=s benchmark=a ratio=1 title=\"S\"\n"
		"CHECK series=s config=pend\nCHECK series=s config=pend\n",
		"FAIL config=native mode=time run=1 name=zz note=\"x\"\n",
		"FAIL config=native mode=time run=1\n",
		"META runs=3\n",
		"NOISE a=1\n",
		"NA config=nope name=a note=\"x\"\n",
		"NA config=native name=zz note=\"x\"\n",
		"NA config=native name=c note=\"x\"\n",
		"NA config=native name=a\n",
		"NA config=native name=a note=\"a|b\"\n",
		"NA config=native name=a note=\"x\"\nNA config=native name=a note=\"y\"\n",
		"NA config=native name=a note=\"x\"\n"
		"RESULT config=native mode=time run=1 name=a unit=ns/op value=1 iters=1 tsc=1\n",
		"FAIL config=native mode=time run=1 name=a note=\"x\"\n"
		"NA config=native name=a note=\"x\"\n",
	};
	char raw[2048], err[256];
	struct model m;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(raw, sizeof(raw), "%s%s", head, bad[i]);
		err[0] = 0;
		ck_assert_msg(load(&m, raw, err, sizeof(err)) == -1, "accepted: %s", bad[i]);
		ck_assert_msg(strstr(err, "raw.txt:"), "no location in '%s'", err);
		model_free(&m);
	}
	ck_assert_int_eq(load(&m, "BENCHDEF name=a title=\"A\"\n", err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "date= and runs="), "%s", err);
	model_free(&m);
	snprintf(raw, sizeof(raw), "%s", head);
	ck_assert_msg(load(&m, raw, err, sizeof(err)) == 0, "%s", err);
	model_free(&m);
}
END_TEST

START_TEST(test_report_passes_check)
{
	char *md, *gp;

	report(canned);
	ck_assert_int_eq(problems(), 0);
	md = read_text("results.md");
	ck_assert_msg(strstr(md, "| pv on hv | 400 ns (2.00x) | 70.0 ns (1.40x) |"), "%s", md);
	ck_assert_msg(strstr(md, "| later one | not yet | — |"), "%s", md);
	ck_assert_msg(strstr(md, "| the host | no instruction count: not run under QEMU | — |"), "%s", md);
	ck_assert_msg(strstr(md, "| bench c | needs hv |"), "%s", md);
	ck_assert_msg(strstr(md, "| bench a | 30.6x |"), "%s", md);
	ck_assert_msg(strstr(md, "| pv on hv | time | 3 | bench b | exited with status 1 |"), "%s", md);
	ck_assert_msg(strstr(md, "| native | 200 ns (1.00x) | 50.0 ns (1.00x) | n/a |"), "%s", md);
	ck_assert_msg(strstr(md, "| pv on hv | 400 ns (2.00x) | 70.0 ns (1.40x) | 11.0 ns |"), "%s", md);
	ck_assert_msg(strstr(md, "| the host | 11.0 ns (0.055x) | 5.00 ns (0.10x) | n/a |"), "%s", md);
	/* Verdicts: a ratio at or under the goal passes; over a row with no
	 * instruction count there is no figure. */
	ck_assert_msg(strstr(md, "| Goal | pv on hv | native | bench a | 2.50x | 2.00x pass | "
			     "3.00x **fail** |\n"), "%s", md);
	ck_assert_msg(strstr(md, "| Goal | pv on hv | native | bench b | 1.20x | 1.40x **fail** | "
			     "2.00x **fail** |\n"), "%s", md);
	ck_assert_msg(strstr(md, "| Xen PV | pv on hv | host | bench a | 30.6x | 36.4x **fail** | "
			     "no figure |\n"), "%s", md);
	ck_assert_msg(strstr(md, "## Not applicable\n\n| configuration | benchmark | why |\n"
			     "|---|---|---|\n| the host | bench d | no hv here |\n"
			     "| native | bench d | no hv natively |\n"), "%s", md);
	gp = read_text("chart.gp");
	ck_assert_msg(strstr(gp, "multiplot layout 2,1"), "%s", gp);
	free(md);
	free(gp);
	free(read_text("chart-time.dat"));
	free(read_text("chart-icount.dat"));
}
END_TEST

/* A report with nothing to compare with the baseline draws no chart. */
START_TEST(test_report_without_comparison)
{
	char *gp;

	report("META date=2025-01-02 runs=1\n"
	       "BENCHDEF name=a title=\"A\"\n"
	       "CONFIG name=native role=baseline modes=time title=\"N\"\n"
	       "RESULT config=native mode=time run=1 name=a unit=ns/op value=5 iters=1 tsc=9\n");
	ck_assert_int_eq(problems(), 0);
	gp = read_text("chart.gp");
	ck_assert_ptr_null(strstr(gp, "set terminal"));
	free(gp);
}
END_TEST

/* Rows with a baseline of their own (stock Linux over Linux native). */
static const char own_base[] =
	"META date=2025-01-02 runs=1\n"
	"BENCHDEF name=a title=\"A\"\n"
	"CONFIG name=native role=baseline modes=time title=\"N\"\n"
	"CONFIG name=hvm role=measured modes=time title=\"H\"\n"
	"CONFIG name=lnat role=measured modes=time title=\"LN\" ratio_to=lnat\n"
	"CONFIG name=lhvm role=measured modes=time title=\"LH\" ratio_to=lnat\n"
	"RESULT config=native mode=time run=1 name=a unit=ns/op value=100 iters=1 tsc=9\n"
	"RESULT config=hvm mode=time run=1 name=a unit=ns/op value=150 iters=1 tsc=9\n"
	"RESULT config=lnat mode=time run=1 name=a unit=ns/op value=400 iters=1 tsc=9\n"
	"RESULT config=lhvm mode=time run=1 name=a unit=ns/op value=1000 iters=1 tsc=9\n";

START_TEST(test_report_ratio_to)
{
	static const struct { const char *old, *new; } edits[] = {
		{ "\"title\": \"LH\", \"role\": \"measured\", \"modes\": [\"time\"], "
		  "\"ratio_to\": \"lnat\"",
		  "\"title\": \"LH\", \"role\": \"measured\", \"modes\": [\"time\"], "
		  "\"ratio_to\": \"native\"" },
		{ "\"title\": \"LH\", \"role\": \"measured\", \"modes\": [\"time\"], "
		  "\"ratio_to\": \"lnat\"",
		  "\"title\": \"LH\", \"role\": \"measured\", \"modes\": [\"time\"], "
		  "\"ratio_to\": \"nope\"" },
		{ "\"ratio_to\": \"native\"", "\"ratio_to\": \"hvm\"" },
	};
	char err[256], *md;
	struct model m;

	ck_assert_msg(load(&m, own_base, err, sizeof(err)) == 0, "%s", err);
	ck_assert(model_summary(&m, 1, 0, METRIC_TIME)->ratio == 1.5);
	ck_assert(model_summary(&m, 2, 0, METRIC_TIME)->ratio == 1);
	ck_assert(model_summary(&m, 3, 0, METRIC_TIME)->ratio == 2.5);
	model_free(&m);
	report(own_base);
	ck_assert_int_eq(problems(), 0);
	md = read_text("results.md");
	ck_assert_msg(strstr(md, "| LH | 1.00 µs (2.50x) |"), "%s", md);
	ck_assert_msg(strstr(md, "ratio to N; for lnat, to lnat; for lhvm, to lnat."), "%s", md);
	free(md);
	md = read_text("chart.gp");
	ck_assert_msg(strstr(md, "set ylabel 'ratio to baseline (or to the one a row names)'"),
		      "%s", md);
	free(md);
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		report(own_base);
		edit("results.json", edits[i].old, edits[i].new);
		ck_assert_msg(problems() > 0, "edit %zu not caught", i);
	}
}
END_TEST

START_TEST(test_check_catches_bad_json)
{
	static const struct { const char *old, *new; } edits[] = {
		{ "\n}\n", "\n" },                                   /* truncated */
		{ "\"schema\"", "\"schema\": 1, \"schema\"" },       /* duplicate key */
		{ "\"runs\": [", "\"runs\": [,"},                    /* stray comma */
		{ "\"value\": 10,", "\"value\": 010," },             /* leading zero */
		{ "\"the host\"", "\"the\\x host\"" },               /* bad escape */
		{ "\"median\": 400,", "\"median\": 401," },          /* median not from runs */
		{ "\"ratio\": 2}", "\"ratio\": 3}" },                /* wrong ratio */
		{ "\"role\": \"baseline\"", "\"role\": \"measured\"" },
		{ "\"status\": \"pending\", \"note\": \"not yet\"", "\"status\": \"pending\", \"note\": null" },
		{ "{\"config\": \"host\", \"mode\": \"time\", \"run\": 1, \"benchmark\": \"a\", "
		  "\"unit\": \"ns/op\", \"value\": 10, \"iters\": 100, \"tsc\": 30},", "" },
		{ "\"run\": 3, \"benchmark\": \"b\", \"note\"", "\"run\": 2, \"benchmark\": \"b\", \"note\"" },
		{ "\"iters\": 100,", "\"iters\": 1.5," },
		/* a missing figure no longer excused */
		{ "{\"config\": \"native\", \"benchmark\": \"d\", \"note\": \"no hv natively\"}", "" },
		{ "\"benchmark\": \"d\", \"note\": \"no hv here\"", "\"benchmark\": \"c\", \"note\": \"x\"" },
		{ "\"benchmark\": \"d\", \"note\": \"no hv here\"", "\"benchmark\": \"d\", \"note\": \"\"" },
		{ "\"config\": \"host\", \"benchmark\": \"d\"", "\"config\": \"pv\", \"benchmark\": \"d\"" },
		{ "\"config\": \"host\", \"benchmark\": \"d\"", "\"config\": \"native\", \"benchmark\": \"d\"" },
		{ "\"not_applicable\": [", "\"not_applicable\": {}, \"x\": [" },
	};

	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		report(canned);
		edit("results.json", edits[i].old, edits[i].new);
		ck_assert_msg(problems() > 0, "edit %zu not caught", i);
	}
}
END_TEST

START_TEST(test_check_catches_bad_markdown)
{
	static const struct { const char *old, *new; } edits[] = {
		{ "400 ns (2.00x)", "399 ns (2.00x)" },              /* disagrees with JSON */
		{ "| 400 ns (2.00x) |", "|" },                       /* a cell short */
		{ "|---|---:|", "|---|" },                           /* separator short */
		{ "| later one | not yet |", "| later one | soon |" },
		{ "| bench c | needs hv |\n", "" },
		{ "## Spread", "## Spreads" },
		{ "| pv on hv |", "| hv |" },
		{ "| 50.0 ns (1.00x) | n/a |", "| 50.0 ns (1.00x) | failed |" },
		{ "| native | bench d | no hv natively |", "| native | bench d | why not |" },
		{ "| the host | bench d | no hv here |\n", "" },
	};

	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		report(canned);
		edit("results.md", edits[i].old, edits[i].new);
		ck_assert_msg(problems() > 0, "edit %zu not caught", i);
	}
}
END_TEST

START_TEST(test_json_parser)
{
	static const char *const good[] = {
		"{}", "[]", "0", "-1.5e3", "\"a\\u00e9\\ud83d\\ude00\"", "[true, false, null]",
		" {\"a\": [1, {\"b\": \"c\"}]} ",
	};
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\" 1}", "{\"a\": 1,}", "01", "1.", "-", "1e", "tru",
		"\"\\ud800\"", "\"a\tb\"", "[1] 2", "{\"a\": 1, \"a\": 2}", "'a'", "NaN",
	};
	char err[128];
	struct json *v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = json_parse(good[i], err, sizeof(err));
		ck_assert_msg(v != NULL, "refused %s: %s", good[i], err);
		json_free(v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = json_parse(bad[i], err, sizeof(err));
		ck_assert_msg(v == NULL, "accepted %s", bad[i]);
	}
	v = json_parse("{\"s\": \"\\u00e9\\n\", \"n\": 2.5}", err, sizeof(err));
	ck_assert_str_eq(json_get(v, "s")->string, "\xc3\xa9\n");
	ck_assert(json_get(v, "n")->number == 2.5);
	ck_assert_ptr_null(json_get(v, "x"));
	json_free(v);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bench_report");
	TCase *tc = tcase_create("report");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_record);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_model_summaries);
	tcase_add_test(tc, test_model_rejects);
	tcase_add_test(tc, test_report_passes_check);
	tcase_add_test(tc, test_report_without_comparison);
	tcase_add_test(tc, test_report_ratio_to);
	tcase_add_test(tc, test_check_catches_bad_json);
	tcase_add_test(tc, test_check_catches_bad_markdown);
	tcase_add_test(tc, test_json_parser);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
