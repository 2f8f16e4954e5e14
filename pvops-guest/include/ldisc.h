/*
 * The tty line discipline: canonical line editing (erase, kill, EOF),
 * echo, signal characters, CR/NL mapping, output post-processing and raw
 * mode.  Pure logic over a struct termios; the tty driver (fs/tty.c)
 * supplies output and signal callbacks.  Unit-tested on the host.
 */
#ifndef GUEST_LDISC_H
#define GUEST_LDISC_H

#include <asm/termbits.h>

#include "kernel.h"

#define LDISC_BUF 4096
#define LDISC_LINE 1024
#define LDISC_MAX_LINES 64

struct ldisc {
	struct termios tio;
	/* Bytes ready for read(). */
	char buf[LDISC_BUF];
	size_t head, count;
	/* Canonical mode: lengths of completed lines in buf (0 = EOF mark). */
	uint16_t lines[LDISC_MAX_LINES];
	size_t line_head, nlines;
	/* Canonical mode: the line being edited. */
	char edit[LDISC_LINE];
	size_t edit_len;
	/* Callbacks. */
	void (*emit)(void *ctx, const char *s, size_t n);
	void (*signal)(void *ctx, int sig);
	void *ctx;
};

void ldisc_init(struct ldisc *ld);
void ldisc_input(struct ldisc *ld, char c);
bool ldisc_readable(const struct ldisc *ld);
/* Returns bytes copied; 0 with *eof set for end-of-file, 0 otherwise if empty. */
size_t ldisc_read(struct ldisc *ld, char *dst, size_t n, bool *eof);
void ldisc_write(struct ldisc *ld, const char *s, size_t n);
void ldisc_flush_input(struct ldisc *ld);

#endif
