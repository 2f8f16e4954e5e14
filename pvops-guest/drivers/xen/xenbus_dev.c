/*
 * /dev/xen/xenbus: the kernel's xenstore connection for programs, as
 * Linux's xenbus_dev_frontend offers it.  A program writes whole
 * xsd_sockmsg requests (in as many writes as it likes) and reads the
 * replies, with its own req_id, and the events of its watches, with its
 * own token.  Watches and transactions belong to the open file: closing
 * it removes the watches and aborts the transactions still open.
 */
#include <public/io/xs_wire.h>

#include "fs.h"
#include "kalloc.h"
#include "lib.h"
#include "proc.h"
#include "xenbus.h"

#define MAX_TX 16

struct xb_msg {
	struct xb_msg *next;
	size_t len, off;
	char data[];
};

struct xb_user_watch {
	struct xenbus_watch w;    /* first: the handler's pointer is ours */
	struct xb_file *file;
	struct xb_user_watch *next;
	char *path, *token;
};

struct xb_file {
	size_t wlen;              /* bytes of the request being written */
	struct xb_msg *head, *tail;   /* replies and events to read */
	struct xb_user_watch *watches;
	uint32_t tx[MAX_TX];      /* open transactions (0: free slot) */
	char wbuf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
	char reply[XENSTORE_PAYLOAD_MAX];
};

/* Queues header + a + b for read(); false if out of memory. */
static bool queue(struct xb_file *u, const struct xsd_sockmsg *h, const char *a, size_t alen,
		  const char *b, size_t blen)
{
	struct xb_msg *m = kmalloc(sizeof(*m) + sizeof(*h) + alen + blen);

	if (!m)
		return false;
	m->next = NULL;
	m->off = 0;
	m->len = sizeof(*h) + alen + blen;
	memcpy(m->data, h, sizeof(*h));
	memcpy(m->data + sizeof(*h), a, alen);
	memcpy(m->data + sizeof(*h) + alen, b, blen);
	if (u->tail)
		u->tail->next = m;
	else
		u->head = m;
	u->tail = m;
	wakeup(u);
	return true;
}

static bool queue_error(struct xb_file *u, const struct xsd_sockmsg *req, const char *err)
{
	struct xsd_sockmsg h = { .type = XS_ERROR, .req_id = req->req_id, .tx_id = req->tx_id,
				 .len = strlen(err) + 1 };

	return queue(u, &h, err, h.len, NULL, 0);
}

/* From the event handler: "PATH\0TOKEN\0" with the program's token. */
static void user_watch_fired(struct xenbus_watch *w, const char *path)
{
	struct xb_user_watch *uw = (struct xb_user_watch *)w;
	size_t plen = strlen(path) + 1, tlen = strlen(uw->token) + 1;
	struct xsd_sockmsg h = { .type = XS_WATCH_EVENT, .len = plen + tlen };

	queue(uw->file, &h, path, plen, uw->token, tlen);
}

static void user_watch_free(struct xb_user_watch *uw)
{
	kfree(uw->path);
	kfree(uw->token);
	kfree(uw);
}

static char *kstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = kmalloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

/* "PATH\0TOKEN\0", both non-empty. */
static int split_watch(const char *body, size_t len, const char **path, const char **token)
{
	size_t plen = strnlen(body, len);

	if (!plen || plen + 2 > len || body[len - 1] || strnlen(body + plen + 1, len - plen - 1) + plen + 2 != len)
		return -EINVAL;
	*path = body;
	*token = body + plen + 1;
	return 0;
}

static int do_watch(struct xb_file *u, struct xsd_sockmsg *req, const char *body)
{
	struct xsd_sockmsg m;
	struct xb_user_watch *uw;
	const char *path, *token;
	int rc;

	if (split_watch(body, req->len, &path, &token))
		return -EINVAL;
	uw = kzalloc(sizeof(*uw));
	if (!uw)
		return -ENOMEM;
	uw->path = kstrdup(path);
	uw->token = kstrdup(token);
	if (!uw->path || !uw->token) {
		user_watch_free(uw);
		return -ENOMEM;
	}
	uw->w.path = uw->path;
	uw->w.fn = user_watch_fired;
	uw->file = u;
	rc = xenbus_watch(&uw->w, &m, u->reply);
	if (rc == -ENOSPC) {
		user_watch_free(uw);
		return queue_error(u, req, "ENOSPC") ? 0 : -ENOMEM;
	}
	if (rc || m.type == XS_ERROR) {
		user_watch_free(uw);
		if (rc)
			return rc;
	} else {
		uw->next = u->watches;
		u->watches = uw;
	}
	m.req_id = req->req_id;
	m.tx_id = req->tx_id;
	return queue(u, &m, u->reply, m.len, NULL, 0) ? 0 : -ENOMEM;
}

static int do_unwatch(struct xb_file *u, struct xsd_sockmsg *req, const char *body)
{
	struct xb_user_watch **p, *uw;
	struct xsd_sockmsg m;
	const char *path, *token;
	int rc;

	if (split_watch(body, req->len, &path, &token))
		return -EINVAL;
	for (p = &u->watches; *p; p = &(*p)->next)
		if (!strcmp((*p)->path, path) && !strcmp((*p)->token, token))
			break;
	if (!*p)
		return queue_error(u, req, "ENOENT") ? 0 : -ENOMEM;
	uw = *p;
	*p = uw->next;
	rc = xenbus_unwatch(&uw->w, &m, u->reply);
	user_watch_free(uw);
	if (rc)
		return rc;
	m.req_id = req->req_id;
	m.tx_id = req->tx_id;
	return queue(u, &m, u->reply, m.len, NULL, 0) ? 0 : -ENOMEM;
}

static void tx_note(struct xb_file *u, uint32_t type, uint32_t req_tx, const struct xsd_sockmsg *m,
		    const char *reply)
{
	uint32_t id = 0;

	if (m->type == XS_ERROR)
		return;
	if (type == XS_TRANSACTION_START) {
		for (size_t i = 0; i < m->len && reply[i] >= '0' && reply[i] <= '9'; i++)
			id = id * 10 + (uint32_t)(reply[i] - '0');
		for (unsigned int i = 0; i < MAX_TX; i++)
			if (!u->tx[i]) {
				u->tx[i] = id;
				return;
			}
	} else if (type == XS_TRANSACTION_END) {
		for (unsigned int i = 0; i < MAX_TX; i++)
			if (u->tx[i] == req_tx)
				u->tx[i] = 0;
	}
}

/* The requests Linux passes through for programs. */
static bool passed_through(uint32_t type)
{
	switch (type) {
	case XS_DIRECTORY: case XS_READ: case XS_GET_PERMS: case XS_TRANSACTION_START:
	case XS_TRANSACTION_END: case XS_GET_DOMAIN_PATH: case XS_WRITE: case XS_MKDIR:
	case XS_RM: case XS_SET_PERMS: case XS_IS_DOMAIN_INTRODUCED: case XS_DIRECTORY_PART:
		return true;
	default:
		return false;
	}
}

static int do_request(struct xb_file *u)
{
	struct xsd_sockmsg req, m;
	const char *body = u->wbuf + sizeof(req);
	int rc;

	memcpy(&req, u->wbuf, sizeof(req));
	if (req.type == XS_WATCH)
		return do_watch(u, &req, body);
	if (req.type == XS_UNWATCH)
		return do_unwatch(u, &req, body);
	if (!passed_through(req.type))
		return -EINVAL;
	if (req.type == XS_TRANSACTION_START) {
		unsigned int i;

		for (i = 0; i < MAX_TX && u->tx[i]; i++)
			;
		if (i == MAX_TX)
			return queue_error(u, &req, "ENOSPC") ? 0 : -ENOMEM;
	}
	m = req;
	rc = xenbus_talk(&m, body, u->reply);
	if (rc)
		return rc;
	tx_note(u, req.type, req.tx_id, &m, u->reply);
	m.req_id = req.req_id;
	m.tx_id = req.tx_id;
	return queue(u, &m, u->reply, m.len, NULL, 0) ? 0 : -ENOMEM;
}

static ssize_t xenbus_dev_write(struct file *f, const char *buf, size_t n)
{
	struct xb_file *u = f->priv;
	size_t done = 0;

	if (!xenbus_connected())
		return -EIO;
	while (done < n) {
		struct xsd_sockmsg h;
		size_t want = sizeof(h), take;
		int rc;

		if (u->wlen >= sizeof(h)) {
			memcpy(&h, u->wbuf, sizeof(h));
			want += h.len;
		}
		take = MIN(want - u->wlen, n - done);
		memcpy(u->wbuf + u->wlen, buf + done, take);
		u->wlen += take;
		done += take;
		if (u->wlen == sizeof(h)) {
			memcpy(&h, u->wbuf, sizeof(h));
			if (h.len > XENSTORE_PAYLOAD_MAX) {
				u->wlen = 0;
				return -EINVAL;
			}
			if (h.len)
				continue;
		}
		if (u->wlen < want)
			continue;
		u->wlen = 0;
		rc = do_request(u);
		if (rc)
			return rc;
	}
	return done;
}

static ssize_t xenbus_dev_read(struct file *f, char *buf, size_t n)
{
	struct xb_file *u = f->priv;
	size_t got = 0;

	while (!u->head) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on(u))
			return -ERESTARTSYS;
	}
	while (u->head && got < n) {
		struct xb_msg *m = u->head;
		size_t take = MIN(m->len - m->off, n - got);

		memcpy(buf + got, m->data + m->off, take);
		m->off += take;
		got += take;
		if (m->off == m->len) {
			u->head = m->next;
			if (!u->head)
				u->tail = NULL;
			kfree(m);
		}
	}
	return got;
}

static unsigned int xenbus_dev_poll(struct file *f)
{
	struct xb_file *u = f->priv;

	return POLLOUT | POLLWRNORM | (u->head ? POLLIN | POLLRDNORM : 0);
}

static int xenbus_dev_open(struct file *f)
{
	if (!xenbus_connected())
		return -ENOENT;
	f->priv = kzalloc(sizeof(struct xb_file));
	return f->priv ? 0 : -ENOMEM;
}

static void xenbus_dev_release(struct file *f)
{
	struct xb_file *u = f->priv;
	struct xsd_sockmsg m;

	while (u->watches) {
		struct xb_user_watch *uw = u->watches;

		u->watches = uw->next;
		xenbus_unwatch(&uw->w, &m, u->reply);
		user_watch_free(uw);
	}
	for (unsigned int i = 0; i < MAX_TX; i++) {
		if (!u->tx[i])
			continue;
		m = (struct xsd_sockmsg){ .type = XS_TRANSACTION_END, .tx_id = u->tx[i], .len = 2 };
		xenbus_talk(&m, "F", u->reply);
	}
	while (u->head) {
		struct xb_msg *next = u->head->next;

		kfree(u->head);
		u->head = next;
	}
	kfree(u);
}

const struct file_ops xenbus_dev_ops = {
	.read = xenbus_dev_read,
	.write = xenbus_dev_write,
	.poll = xenbus_dev_poll,
	.open = xenbus_dev_open,
	.release = xenbus_dev_release,
};
