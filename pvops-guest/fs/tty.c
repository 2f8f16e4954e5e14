/*
 * The console tty: the line discipline over pv_ops.console, its input
 * interrupt, and the termios/job-control ioctls.  /dev/console and /dev/tty
 * both name it.
 */
#include "fs.h"
#include "ldisc.h"
#include "lib.h"
#include "proc.h"
#include "pvops.h"
#include "tty.h"
#include "uaccess.h"

static struct tty {
	struct ldisc ld;
	int pgrp, sid;
	struct k_winsize ws;
} tty;

static void tty_emit(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	while (n--)
		pv_ops.console.putc(*s++);
}

static void tty_signal(void *ctx, int sig)
{
	(void)ctx;
	if (tty.pgrp > 0)
		signal_pgrp(tty.pgrp, sig);
}

static void tty_irq(void)
{
	int c;

	while ((c = pv_ops.console.getc()) >= 0)
		ldisc_input(&tty.ld, c);
	wakeup(&tty);
}

static ssize_t tty_read(struct file *f, char *buf, size_t n)
{
	for (;;) {
		bool eof;
		size_t got = ldisc_read(&tty.ld, buf, n, &eof);

		if (got || eof)
			return got;
		if (!(tty.ld.tio.c_lflag & ICANON) && tty.ld.tio.c_cc[VMIN] == 0)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on(&tty))
			return -ERESTARTSYS;
	}
}

static ssize_t tty_write(struct file *f, const char *buf, size_t n)
{
	(void)f;
	ldisc_write(&tty.ld, buf, n);
	return n;
}

static unsigned int tty_poll(struct file *f)
{
	(void)f;
	return (ldisc_readable(&tty.ld) ? POLLIN : 0) | POLLOUT;
}

static long tty_ioctl(struct file *f, unsigned int cmd, uintptr_t arg)
{
	int v;

	(void)f;
	switch (cmd) {
	case TCGETS:
		return copy_to_user(arg, &tty.ld.tio, sizeof(tty.ld.tio));
	case TCSETSF:
		ldisc_flush_input(&tty.ld);
		/* fall through */
	case TCSETS:
	case TCSETSW: {
		struct termios t;

		if (copy_from_user(&t, arg, sizeof(t)))
			return -EFAULT;
		tty.ld.tio = t;
		wakeup(&tty);
		return 0;
	}
	case TIOCGWINSZ:
		return copy_to_user(arg, &tty.ws, sizeof(tty.ws));
	case TIOCSWINSZ:
		return copy_from_user(&tty.ws, arg, sizeof(tty.ws));
	case TIOCGPGRP:
		return copy_to_user(arg, &tty.pgrp, sizeof(int));
	case TIOCSPGRP:
		if (copy_from_user(&v, arg, sizeof(v)))
			return -EFAULT;
		if (v <= 0)
			return -EINVAL;
		tty.pgrp = v;
		return 0;
	case TIOCGSID:
		return copy_to_user(arg, &tty.sid, sizeof(int));
	case TIOCSCTTY:
		tty.sid = current->sid;
		tty.pgrp = current->pgid;
		return 0;
	case TIOCNOTTY:
		return 0;
	case FIONREAD:
		v = tty.ld.count;
		return copy_to_user(arg, &v, sizeof(v));
	case TCFLSH:
		if (arg == TCIFLUSH || arg == TCIOFLUSH)
			ldisc_flush_input(&tty.ld);
		return 0;
	case TCXONC:
	case TCSBRK:
		return 0;
	default:
		return -ENOTTY;
	}
}

const struct file_ops tty_ops = {
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
};

void tty_init(void)
{
	ldisc_init(&tty.ld);
	tty.ld.emit = tty_emit;
	tty.ld.signal = tty_signal;
	tty.ws = (struct k_winsize){ .ws_row = 24, .ws_col = 80 };
	tty.pgrp = 1;
	tty.sid = 1;
	if (pv_ops.console.console_irq >= 0)
		irq_register(pv_ops.console.console_irq, tty_irq);
}
