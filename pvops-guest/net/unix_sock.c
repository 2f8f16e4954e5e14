/*
 * AF_UNIX socket objects and the files that hold them.  A socket lives
 * while its file (or, before accept, its listener's queue) and its peer
 * refer to it; the peer reference lets a survivor still name the closed
 * end (getpeername) without ever touching its buffer again.
 */
#include "kalloc.h"
#include "lib.h"
#include "net.h"
#include "proc.h"
#include "uaccess.h"


struct unix_sock *unix_sock_new(void)
{
	struct unix_sock *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->buf = kmalloc(UNIX_BUF_SIZE);
	if (!s->buf) {
		kfree(s);
		return NULL;
	}
	s->refs = 1;
	s->state = US_UNCONNECTED;
	s->addr.len = sizeof(s->addr.sun.sun_family);
	s->addr.sun.sun_family = AF_UNIX;
	s->sndbuf = s->rcvbuf = DEFAULT_BUF_OPT;
	s->cred = (struct k_ucred){ 0, (uint32_t)-1, (uint32_t)-1 };
	return s;
}

void unix_sock_put(struct unix_sock *s)
{
	if (--s->refs)
		return;
	kfree(s->buf);
	kfree(s);
}

/* Sleepers on a socket: its readers, and writers waiting for its buffer. */
void unix_wake(struct unix_sock *s)
{
	wakeup(s);
}

/*
 * The last descriptor (or, for an embryo, the listener) is gone: unbind,
 * refuse pending connections, hang up, drop the holder's reference.
 */
void unix_close(struct unix_sock *s, bool embryo)
{
	s->closed = true;
	if (s->node) {
		s->node->priv = NULL;     /* the node stays; connect gets ECONNREFUSED */
		inode_put(s->node);
		s->node = NULL;
	}
	while (s->queue) {
		struct unix_sock *n = s->queue;

		s->queue = n->next;
		s->qlen--;
		unix_close(n, true);
	}
	unix_disconnect(s, embryo);
	unix_wake(s);
	unix_sock_put(s);
}

static ssize_t unix_file_read(struct file *f, char *buf, size_t n)
{
	return unix_recv(f->priv, buf, n, 0, f->flags & O_NONBLOCK);
}

static ssize_t unix_file_write(struct file *f, const char *buf, size_t n)
{
	return unix_send(f->priv, buf, n, 0, f->flags & O_NONBLOCK);
}

static unsigned int unix_file_poll(struct file *f)
{
	return unix_poll_mask(f->priv);
}

static long unix_file_ioctl(struct file *f, unsigned int cmd, uintptr_t arg)
{
	struct unix_sock *s = f->priv;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	if (s->state == US_LISTENING)
		return -EINVAL;
	n = s->count;
	return copy_to_user(arg, &n, sizeof(n)) ? -EFAULT : 0;
}

static void unix_file_release(struct file *f)
{
	unix_close(f->priv, false);
}

const struct file_ops unix_file_ops = {
	.read = unix_file_read,
	.write = unix_file_write,
	.ioctl = unix_file_ioctl,
	.poll = unix_file_poll,
	.release = unix_file_release,
};

/* A file for s, taking over the caller's reference to s. */
struct file *unix_file_new(struct unix_sock *s, unsigned int flags)
{
	struct inode *ino = ramfs_new_inode(S_IFSOCK | 0777);
	struct file *f;

	if (!ino)
		return NULL;
	f = file_new(ino, O_RDWR | flags, &unix_file_ops);
	if (!f) {
		kfree(ino);
		return NULL;
	}
	f->priv = s;
	return f;
}

struct unix_sock *unix_sock_of(struct file *f)
{
	return f && f->ops == &unix_file_ops ? f->priv : NULL;
}
