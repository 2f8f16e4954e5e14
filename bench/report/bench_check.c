/* bench-check DIR: verifies DIR/results.json and DIR/results.md (checker.h). */
#include "checker.h"

int main(int argc, char **argv)
{
	int problems;

	if (argc != 2) {
		fprintf(stderr, "usage: bench-check RESULTS-DIR\n");
		return 2;
	}
	problems = check_results(argv[1], stderr);
	if (problems) {
		fprintf(stderr, "bench-check: %s: %d problem%s\n", argv[1], problems,
			problems == 1 ? "" : "s");
		return 1;
	}
	printf("bench-check: %s: results.json and results.md are well formed and agree\n", argv[1]);
	return 0;
}
