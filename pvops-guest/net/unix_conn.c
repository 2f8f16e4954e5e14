/*
 * AF_UNIX names and connection set-up.  A bound socket is an S_IFSOCK
 * node in the ramfs whose priv points at the socket while it is open.
 * connect() makes the server's end at once and queues it on the
 * listener; accept() takes the oldest.  Abstract names (a leading NUL)
 * and autobind are not supported.
 */
#include "lib.h"
#include "net.h"
#include "proc.h"

static struct k_ucred current_cred(void)
{
	return (struct k_ucred){ current->pid, 0, 0 };
}

/* The path in a, NUL-terminated (sun_path need not be). */
static int addr_path(const struct unix_addr *a, char *path, size_t size)
{
	size_t n = a->len - offsetof(struct sockaddr_un, sun_path);

	if (n == 0 || a->sun.sun_path[0] == '\0')
		return -EINVAL;
	n = strnlen(a->sun.sun_path, n);
	if (n >= size)
		return -EINVAL;
	memcpy(path, a->sun.sun_path, n);
	path[n] = '\0';
	return 0;
}

int unix_bind(struct unix_sock *s, const struct unix_addr *a)
{
	char path[sizeof(a->sun.sun_path) + 1], name[256];
	struct inode *dir, *ino;
	int err = addr_path(a, path, sizeof(path));

	if (err)
		return err;
	if (s->addr.len > offsetof(struct sockaddr_un, sun_path))
		return -EINVAL;             /* already bound */
	err = path_parent(fs_root, current->cwd, path, &dir, name, sizeof(name));
	if (err)
		return err;
	err = ramfs_create(dir, name, S_IFSOCK | (0777 & ~current->umask), &ino);
	if (err)
		return err == -EEXIST ? -EADDRINUSE : err;
	inode_get(ino);
	ino->priv = s;
	s->node = ino;
	s->addr.len = offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
	memset(&s->addr.sun, 0, sizeof(s->addr.sun));
	s->addr.sun.sun_family = AF_UNIX;
	memcpy(s->addr.sun.sun_path, path, strlen(path));
	return 0;
}

int unix_listen(struct unix_sock *s, int backlog)
{
	if (s->state == US_CONNECTED || !s->node)
		return -EINVAL;
	if ((unsigned int)backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	s->backlog = backlog;
	s->state = US_LISTENING;
	s->cred = current_cred();
	unix_wake(s);                   /* connectors waiting for room */
	return 0;
}

/* The listening socket bound at a's path. */
static int find_listener(const struct unix_addr *a, struct unix_sock **out)
{
	char path[sizeof(a->sun.sun_path) + 1];
	struct inode *ino;
	int err = addr_path(a, path, sizeof(path));

	if (err)
		return err;
	err = path_lookup(fs_root, current->cwd, path, LOOKUP_FOLLOW, &ino);
	if (err)
		return err;
	if (!S_ISSOCK(ino->mode) || !ino->priv)
		return -ECONNREFUSED;
	*out = ino->priv;
	return 0;
}

int unix_connect(struct unix_sock *s, const struct unix_addr *a, bool nonblock)
{
	struct unix_sock *l, *n = NULL;
	int err = find_listener(a, &l);

	if (err)
		return err;
	if (s->state == US_CONNECTED)
		return -EISCONN;
	if (s->state == US_LISTENING)
		return -EINVAL;
	/* Hold the listener across sleeps: it may be closed meanwhile. */
	l->refs++;
	for (;;) {
		if (l->closed || l->state != US_LISTENING || (l->shutdown & RCV_SHUTDOWN)) {
			err = -ECONNREFUSED;
			break;
		}
		if (l->qlen <= l->backlog)
			break;
		if (nonblock) {
			err = -EAGAIN;
			break;
		}
		if (sleep_on(l)) {
			err = -ERESTARTSYS;
			break;
		}
	}
	if (!err && s->state != US_UNCONNECTED)
		err = s->state == US_CONNECTED ? -EISCONN : -EINVAL;
	if (!err && !(n = unix_sock_new()))
		err = -ENOMEM;
	if (err) {
		unix_sock_put(l);
		return err;
	}
	/* n: one reference for the queue (later its file), one for s->peer. */
	n->state = US_CONNECTED;
	n->addr = l->addr;
	n->cred = current_cred();
	n->peer = s;
	s->refs++;
	s->peer = n;
	n->refs++;
	s->state = US_CONNECTED;
	s->cred = l->cred;
	struct unix_sock **tail = &l->queue;

	while (*tail)
		tail = &(*tail)->next;
	*tail = n;
	l->qlen++;
	unix_wake(l);
	unix_sock_put(l);
	return 0;
}

int unix_accept(struct unix_sock *l, bool nonblock, struct unix_sock **out)
{
	struct unix_sock *n;

	if (l->state != US_LISTENING)
		return -EINVAL;
	while (!l->queue) {
		if (nonblock)
			return -EAGAIN;
		if (sleep_on(l))
			return -ERESTARTSYS;
		if (l->state != US_LISTENING)
			return -EINVAL;
	}
	n = l->queue;
	l->queue = n->next;
	n->next = NULL;
	l->qlen--;
	unix_wake(l);                   /* connectors waiting for room */
	*out = n;                       /* the queue's reference moves to the caller */
	return 0;
}

void unix_pair(struct unix_sock *a, struct unix_sock *b)
{
	a->peer = b;
	b->peer = a;
	a->refs++;
	b->refs++;
	a->state = b->state = US_CONNECTED;
	a->cred = b->cred = current_cred();
}
