/* tty line discipline (see include/ldisc.h). */
#include <linux/signal.h>

#include "ldisc.h"
#include "lib.h"

void ldisc_init(struct ldisc *ld)
{
	struct termios *t = &ld->tio;

	memset(t, 0, sizeof(*t));
	t->c_iflag = ICRNL | IXON;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = B38400 | CS8 | CREAD | HUPCL;
	t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	t->c_cc[VINTR] = 3;
	t->c_cc[VQUIT] = 0x1c;
	t->c_cc[VERASE] = 0x7f;
	t->c_cc[VKILL] = 0x15;
	t->c_cc[VEOF] = 4;
	t->c_cc[VMIN] = 1;
	t->c_cc[VSTART] = 0x11;
	t->c_cc[VSTOP] = 0x13;
	t->c_cc[VSUSP] = 0x1a;
	t->c_cc[VREPRINT] = 0x12;
	t->c_cc[VWERASE] = 0x17;
	t->c_cc[VLNEXT] = 0x16;
	ld->head = ld->count = ld->line_head = ld->nlines = ld->edit_len = 0;
}

void ldisc_write(struct ldisc *ld, const char *s, size_t n)
{
	bool onlcr = (ld->tio.c_oflag & OPOST) && (ld->tio.c_oflag & ONLCR);
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (onlcr && s[i] == '\n') {
			if (i > start)
				ld->emit(ld->ctx, s + start, i - start);
			ld->emit(ld->ctx, "\r\n", 2);
			start = i + 1;
		}
	}
	if (n > start)
		ld->emit(ld->ctx, s + start, n - start);
}

static void echo_char(struct ldisc *ld, char c)
{
	if (!(ld->tio.c_lflag & ECHO)) {
		if (c == '\n' && (ld->tio.c_lflag & ECHONL))
			ldisc_write(ld, "\n", 1);
		return;
	}
	if ((ld->tio.c_lflag & ECHOCTL) && (unsigned char)c < 0x20 &&
	    c != '\n' && c != '\t') {
		char ctl[2] = { '^', c + '@' };

		ldisc_write(ld, ctl, 2);
		return;
	}
	ldisc_write(ld, &c, 1);
}

static bool buf_put(struct ldisc *ld, char c)
{
	if (ld->count == LDISC_BUF)
		return false;
	ld->buf[(ld->head + ld->count++) % LDISC_BUF] = c;
	return true;
}

static void commit_line(struct ldisc *ld)
{
	size_t len = ld->edit_len;

	if (ld->nlines == LDISC_MAX_LINES || LDISC_BUF - ld->count < len) {
		ld->edit_len = 0;       /* no room: the line is lost, as on overflow */
		return;
	}
	for (size_t i = 0; i < len; i++)
		buf_put(ld, ld->edit[i]);
	ld->lines[(ld->line_head + ld->nlines++) % LDISC_MAX_LINES] = len;
	ld->edit_len = 0;
}

void ldisc_flush_input(struct ldisc *ld)
{
	ld->head = ld->count = ld->line_head = ld->nlines = ld->edit_len = 0;
}

static void erase_one(struct ldisc *ld)
{
	if (ld->edit_len == 0)
		return;
	char c = ld->edit[--ld->edit_len];

	if ((ld->tio.c_lflag & ECHO) && (ld->tio.c_lflag & ECHOE)) {
		ldisc_write(ld, "\b \b", 3);
		if ((ld->tio.c_lflag & ECHOCTL) && (unsigned char)c < 0x20 && c != '\t')
			ldisc_write(ld, "\b \b", 3);
	}
}

void ldisc_input(struct ldisc *ld, char c)
{
	const struct termios *t = &ld->tio;
	const cc_t *cc = t->c_cc;

	if (t->c_iflag & ISTRIP)
		c &= 0x7f;
	if (c == '\r') {
		if (t->c_iflag & IGNCR)
			return;
		if (t->c_iflag & ICRNL)
			c = '\n';
	} else if (c == '\n' && (t->c_iflag & INLCR)) {
		c = '\r';
	}
	if (t->c_lflag & ISIG) {
		int sig = 0;

		if (cc[VINTR] && c == (char)cc[VINTR])
			sig = SIGINT;
		else if (cc[VQUIT] && c == (char)cc[VQUIT])
			sig = SIGQUIT;
		else if (cc[VSUSP] && c == (char)cc[VSUSP])
			sig = SIGTSTP;
		if (sig) {
			if (!(t->c_lflag & NOFLSH))
				ldisc_flush_input(ld);
			echo_char(ld, c);
			ld->signal(ld->ctx, sig);
			return;
		}
	}
	if (!(t->c_lflag & ICANON)) {
		if (buf_put(ld, c))
			echo_char(ld, c);
		return;
	}
	if (cc[VERASE] && c == (char)cc[VERASE]) {
		erase_one(ld);
		return;
	}
	if (cc[VKILL] && c == (char)cc[VKILL]) {
		while (ld->edit_len)
			erase_one(ld);
		return;
	}
	if (cc[VEOF] && c == (char)cc[VEOF]) {
		commit_line(ld);
		return;
	}
	if (c == '\n' || (cc[VEOL] && c == (char)cc[VEOL])) {
		ld->edit[ld->edit_len++] = c;
		echo_char(ld, c);
		commit_line(ld);
		return;
	}
	if (ld->edit_len < LDISC_LINE - 1) {   /* keep room for the newline */
		ld->edit[ld->edit_len++] = c;
		echo_char(ld, c);
	}
}

bool ldisc_readable(const struct ldisc *ld)
{
	if (ld->tio.c_lflag & ICANON)
		return ld->nlines > 0;
	return ld->count > 0;
}

size_t ldisc_read(struct ldisc *ld, char *dst, size_t n, bool *eof)
{
	size_t take;

	*eof = false;
	if (ld->tio.c_lflag & ICANON) {
		if (ld->nlines == 0)
			return 0;
		uint16_t *len = &ld->lines[ld->line_head];

		if (*len == 0) {
			ld->line_head = (ld->line_head + 1) % LDISC_MAX_LINES;
			ld->nlines--;
			*eof = true;
			return 0;
		}
		take = MIN(n, (size_t)*len);
		*len -= take;
		if (*len == 0) {
			ld->line_head = (ld->line_head + 1) % LDISC_MAX_LINES;
			ld->nlines--;
		}
	} else {
		take = MIN(n, ld->count);
	}
	for (size_t i = 0; i < take; i++)
		dst[i] = ld->buf[(ld->head + i) % LDISC_BUF];
	ld->head = (ld->head + take) % LDISC_BUF;
	ld->count -= take;
	return take;
}
