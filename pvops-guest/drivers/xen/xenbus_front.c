/*
 * The frontend half of xenbus: plain reads and writes for drivers, the
 * device state machine and device probing.  The toolstack creates
 * device/TYPE/ID with backend, backend-id and state = Initialising; a
 * driver walks its device through Initialised and Connected as the
 * backend's state (watched) allows, as Xen's io/xenbus.h describes and
 * Linux's xenbus_probe_frontend does.
 */
#include "blkfront.h"
#include "kalloc.h"
#include "lib.h"
#include "netfront.h"
#include "proc.h"
#include "xenbus.h"

static const struct {
	const char *type;
	int (*probe)(struct xenbus_device *dev);
} drivers[] = {
	{ "vbd", blkfront_probe },
	{ "vif", netfront_probe },
};

/* An XS_ERROR reply's name as -errno (the ones a frontend meets). */
static int xs_errno(const char *name)
{
	static const struct { const char *name; int err; } e[] = {
		{ "ENOENT", ENOENT }, { "EACCES", EACCES }, { "EINVAL", EINVAL },
		{ "EAGAIN", EAGAIN }, { "ENOSPC", ENOSPC }, { "EEXIST", EEXIST },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(e); i++)
		if (!strcmp(name, e[i].name))
			return -e[i].err;
	return -EIO;
}

static char reply[XENSTORE_PAYLOAD_MAX + 1];

static int request(uint32_t type, uint32_t tx, const void *body, size_t len, size_t *rlen)
{
	struct xsd_sockmsg m = { .type = type, .tx_id = tx, .len = (uint32_t)len };
	int rc = xenbus_talk(&m, body, reply);

	if (rc)
		return rc;
	reply[m.len] = 0;
	if (m.type == XS_ERROR)
		return xs_errno(reply);
	*rlen = m.len;
	return 0;
}

int xenbus_read(const char *path, char *buf, size_t size)
{
	size_t n;
	int rc = request(XS_READ, 0, path, strlen(path) + 1, &n);

	if (rc)
		return rc;
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(buf, reply, n);
	buf[n] = 0;
	return 0;
}

int xenbus_read_ull(const char *path, unsigned long long *v)
{
	char buf[24];
	int rc = xenbus_read(path, buf, sizeof(buf));

	if (rc)
		return rc;
	if (!buf[0])
		return -EINVAL;
	*v = 0;
	for (const char *p = buf; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		*v = *v * 10 + (unsigned long long)(*p - '0');
	}
	return 0;
}

int xenbus_write(uint32_t tx, const char *path, const char *value)
{
	static char body[XENSTORE_PAYLOAD_MAX];
	size_t plen = strlen(path) + 1, vlen = strlen(value), n;

	if (plen + vlen > sizeof(body))
		return -E2BIG;
	memcpy(body, path, plen);
	memcpy(body + plen, value, vlen);
	return request(XS_WRITE, tx, body, plen + vlen, &n);
}

int xenbus_switch_state(struct xenbus_device *dev, XenbusState state)
{
	char path[96], v[4];

	snprintf(path, sizeof(path), "%s/state", dev->nodename);
	snprintf(v, sizeof(v), "%u", state);
	return xenbus_write(0, path, v);
}

XenbusState xenbus_otherend_state(struct xenbus_device *dev)
{
	unsigned long long v;

	if (xenbus_read_ull(dev->otherend_state_path, &v) || v > XenbusStateReconfigured)
		return XenbusStateUnknown;
	return (XenbusState)v;
}

static void otherend_changed(struct xenbus_watch *w, const char *path)
{
	(void)path;
	container_of(w, struct xenbus_device, otherend_watch)->otherend_changed = true;
	wakeup(w);
}

XenbusState xenbus_wait_otherend(struct xenbus_device *dev, unsigned int mask,
				 uint64_t timeout_ns)
{
	uint64_t deadline = time_now_ns() + timeout_ns;
	XenbusState s;

	while (!((1u << (s = xenbus_otherend_state(dev))) & mask) && time_now_ns() < deadline)
		xenbus_wait(&dev->otherend_watch, MIN(deadline, time_now_ns() + 100000000UL));
	return s;
}

/* device/TYPE/ID: its backend, watched, then the driver's probe. */
static void probe_device(const char *type, const char *id,
			 int (*probe)(struct xenbus_device *dev))
{
	struct xenbus_device *dev = kzalloc(sizeof(*dev));
	struct xsd_sockmsg m;
	unsigned long long be_id;
	char path[96];
	int rc;

	if (!dev)
		return;
	snprintf(dev->nodename, sizeof(dev->nodename), "device/%s/%s", type, id);
	for (const char *p = id; *p; p++)
		dev->id = dev->id * 10 + (unsigned int)(*p - '0');
	snprintf(path, sizeof(path), "%s/backend", dev->nodename);
	rc = xenbus_read(path, dev->otherend, sizeof(dev->otherend));
	snprintf(path, sizeof(path), "%s/backend-id", dev->nodename);
	if (!rc)
		rc = xenbus_read_ull(path, &be_id);
	if (rc || be_id >= DOMID_FIRST_RESERVED) {
		printk("xenbus: %s: no usable backend (%d)\n", dev->nodename, rc);
		kfree(dev);
		return;
	}
	dev->otherend_id = (domid_t)be_id;
	snprintf(dev->otherend_state_path, sizeof(dev->otherend_state_path), "%s/state",
		 dev->otherend);
	dev->otherend_watch.path = dev->otherend_state_path;
	dev->otherend_watch.fn = otherend_changed;
	rc = xenbus_watch(&dev->otherend_watch, &m, reply);
	if (rc || m.type == XS_ERROR) {
		printk("xenbus: %s: cannot watch %s\n", dev->nodename, dev->otherend_state_path);
		kfree(dev);
		return;
	}
	if (probe(dev)) {
		xenbus_unwatch(&dev->otherend_watch, &m, reply);
		kfree(dev);
	}
}

void xenbus_probe_frontends(void)
{
	static char ids[XENSTORE_PAYLOAD_MAX + 1];

	if (!xenbus_connected())
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(drivers); i++) {
		char path[32];
		size_t n;

		snprintf(path, sizeof(path), "device/%s", drivers[i].type);
		if (request(XS_DIRECTORY, 0, path, strlen(path) + 1, &n))
			continue;
		memcpy(ids, reply, n);
		for (size_t off = 0; off < n; off += strlen(ids + off) + 1)
			if (ids[off])
				probe_device(drivers[i].type, ids + off, drivers[i].probe);
	}
}
