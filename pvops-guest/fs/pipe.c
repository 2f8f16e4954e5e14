/* Pipes: a 4 KiB ring between a read end and a write end. */

#include "fs.h"
#include "kalloc.h"
#include "lib.h"
#include "proc.h"

#define PIPE_SIZE 4096

struct pipe {
	char buf[PIPE_SIZE];
	size_t head, count;
	int readers, writers;
};

static ssize_t pipe_read(struct file *f, char *dst, size_t n)
{
	struct pipe *p = f->priv;

	while (p->count == 0) {
		if (p->writers == 0)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on(p))
			return -ERESTARTSYS;
	}
	n = MIN(n, p->count);
	for (size_t i = 0; i < n; i++)
		dst[i] = p->buf[(p->head + i) % PIPE_SIZE];
	p->head = (p->head + n) % PIPE_SIZE;
	p->count -= n;
	wakeup(p);
	return n;
}

static ssize_t pipe_write(struct file *f, const char *src, size_t n)
{
	struct pipe *p = f->priv;
	size_t done = 0;

	while (done < n) {
		if (p->readers == 0) {
			signal_send(current, SIGPIPE);
			return done ? (ssize_t)done : -EPIPE;
		}
		if (p->count == PIPE_SIZE) {
			if (f->flags & O_NONBLOCK)
				return done ? (ssize_t)done : -EAGAIN;
			if (sleep_on(p))
				return done ? (ssize_t)done : -ERESTARTSYS;
			continue;
		}
		size_t k = MIN(n - done, PIPE_SIZE - p->count);

		for (size_t i = 0; i < k; i++)
			p->buf[(p->head + p->count + i) % PIPE_SIZE] = src[done + i];
		p->count += k;
		done += k;
		wakeup(p);
	}
	return done;
}

static unsigned int pipe_poll(struct file *f)
{
	struct pipe *p = f->priv;
	unsigned int m = 0;

	if ((f->flags & O_ACCMODE) == O_RDONLY) {
		if (p->count)
			m |= POLLIN;
		if (!p->writers)
			m |= POLLHUP;
	} else {
		if (p->count < PIPE_SIZE)
			m |= POLLOUT;
		if (!p->readers)
			m |= POLLERR;
	}
	return m;
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	wakeup(p);
	if (!p->readers && !p->writers)
		kfree(p);
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.release = pipe_release,
};

int pipe_create(struct file **rd, struct file **wr)
{
	struct pipe *p = kzalloc(sizeof(*p));
	struct inode *ino = ramfs_new_inode(S_IFIFO | 0600);

	if (!p || !ino) {
		kfree(p);
		kfree(ino);
		return -ENOMEM;
	}
	*rd = file_new(ino, O_RDONLY, &pipe_ops);
	*wr = file_new(ino, O_WRONLY, &pipe_ops);
	if (!*rd || !*wr) {
		if (*rd)
			file_put(*rd);
		kfree(*wr);
		kfree(p);
		return -ENOMEM;
	}
	(*rd)->priv = (*wr)->priv = p;
	p->readers = p->writers = 1;
	return 0;
}
