/*
 * Running a dom0 script on the real hv from a Check test (toolstack/dom0/
 * run-script's command line), and reading what it and hv said.
 */
#ifndef TESTS_TOOLSTACK_DOM0_SCRIPT_H
#define TESTS_TOOLSTACK_DOM0_SCRIPT_H

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Check's messages are short: the end of the output says where it stopped. */
#define TAIL(out) (strlen(out) > 3000 ? (out) + strlen(out) - 3000 : (out))
#define HAS(out, s) ck_assert_msg(strstr(out, s), "no '%s' in:\n%s", s, TAIL(out))
#define HASNT(out, s) ck_assert_msg(!strstr(out, s), "'%s' in:\n%s", s, TAIL(out))

/* Every line of p (without hv's "hv: " lines if skip_hv), up to 2 MiB. */
char *slurp_lines(FILE *p, bool skip_hv);

/*
 * Runs cmd (run-script's command line, stderr joined) and fails the test
 * unless it exits 0.  Returns the script's output without hv's lines;
 * *console gets the whole console log (log_txt: run-script's LOG.txt).
 */
char *dom0_script_run(const char *cmd, const char *log_txt, char **console);

/* Whether some line of text holds both a and b. */
bool line_has(const char *text, const char *a, const char *b);

/* hv's books for dead domain d: nothing held by others when it died, or
 * its last frames came back later (dom0 let go of them). */
bool frames_released(const char *console, unsigned int d);

#endif
