/*
 * bench-report RAW DIR: turns a raw results file written by bench/run into
 * DIR/results.json, DIR/results.md and the chart's gnuplot input.
 */
#include "output.h"

#include <stdio.h>

static int write_file(const char *dir, const char *name, const struct model *m,
		      int (*writer)(const struct model *, FILE *))
{
	char path[4096];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return -1;
	}
	rc = writer(m, f);
	if (fclose(f) || rc) {
		fprintf(stderr, "bench-report: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct model m;
	char err[512];
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: bench-report RAW-FILE OUTPUT-DIR\n");
		return 2;
	}
	if (model_load(&m, argv[1], err, sizeof(err))) {
		fprintf(stderr, "bench-report: %s\n", err);
		goto out;
	}
	if (write_file(argv[2], "results.json", &m, write_json) ||
	    write_file(argv[2], "results.md", &m, write_markdown))
		goto out;
	if (write_plot(&m, argv[2])) {
		fprintf(stderr, "bench-report: cannot write the chart files in %s\n", argv[2]);
		goto out;
	}
	rc = 0;
out:
	model_free(&m);
	return rc;
}
