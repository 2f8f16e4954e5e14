/*
 * /dev/xen/{privcmd,evtchn,gntdev} as dom0 of hv: every call's outcome,
 * error paths included, one line each ("ok" or "FAIL ..."), compared with
 * tests/guest/expected/xendev.out.  Lines name errno values, never
 * numbers that differ between boots (ports, frames).
 *
 * With no second domain to talk to, everything is done with our own
 * domain: frames of our own (DOMID_SELF), event channels bound to
 * ourselves, and a page granted to ourselves through the grant table that
 * we map with privcmd.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <public/xen.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/version.h>
#include <xen/evtchn.h>
#include <xen/gntdev.h>
#include <xen/privcmd.h>

#define PG 4096UL
#define GREF 10                 /* the grant entry the test uses */

static int failures;
static int privcmd;

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case EFBIG: return "EFBIG";
	case ENOSYS: return "ENOSYS";
	case ENOTCONN: return "ENOTCONN";
	default: return "other";
	}
}

static void check(const char *what, int cond)
{
	printf("%s: %s\n", what, cond ? "ok" : "FAIL");
	if (!cond)
		failures++;
}

/* A call expected to fail with errno want. */
static void check_err(const char *what, long rc, int want)
{
	int e = errno;

	if (rc == -1 && e == want) {
		printf("%s: %s\n", what, ename(want));
		return;
	}
	printf("%s: FAIL (rc %ld, errno %s, wanted %s)\n", what, rc, ename(e), ename(want));
	failures++;
}

static long hypercall(unsigned int op, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct privcmd_hypercall h = { .op = op, .arg = { a0, a1, a2 } };

	return ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &h);
}

static long mmapbatch(void *addr, unsigned int num, domid_t dom, const xen_pfn_t *arr,
		      int *err)
{
	struct privcmd_mmapbatch_v2 m = {
		.num = num, .dom = dom, .addr = (uintptr_t)addr, .arr = arr, .err = err,
	};

	return ioctl(privcmd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m);
}

/* The machine frames of our grant table (as many as asked), through privcmd. */
static int grant_table_frames(xen_pfn_t *mfns, unsigned int n)
{
	struct gnttab_setup_table op = {
		.dom = DOMID_SELF, .nr_frames = n, .frame_list = (uintptr_t)mfns,
	};
	long rc = hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
			    (uintptr_t)&op, 1);

	return rc == 0 && op.status == GNTST_okay ? 0 : -1;
}

/* Runs fn in a child; true if the child died of SIGSEGV. */
static int child_segfaults(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

static void touch(void *p)
{
	*(volatile char *)p = 1;
}

static void test_hypercalls(void)
{
	static xen_extraversion_t extra;
	domid_t self = DOMID_SELF;
	char *fresh, *populated;
	long rc;

	rc = hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
	check("privcmd hypercall xen_version", rc > 0 && (rc >> 16) >= 3);
	memset(extra, 0x55, sizeof(extra));
	rc = hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, (uintptr_t)extra, 0);
	check("privcmd xen_version writes the program's buffer",
	      rc == 0 && memchr(extra, 0, sizeof(extra)) && extra[0] != 0x55);
	rc = hypercall(__HYPERVISOR_memory_op, XENMEM_current_reservation, (uintptr_t)&self, 0);
	check("privcmd memory_op reads the program's buffer", rc > 0);
	self = 0x7777;
	rc = hypercall(__HYPERVISOR_memory_op, XENMEM_current_reservation, (uintptr_t)&self, 0);
	check_err("privcmd memory_op for no such domain", rc, ESRCH);

	/* The hypervisor does not fault pages in, as on Linux. */
	fresh = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rc = hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, (uintptr_t)fresh, 0);
	check_err("privcmd buffer never touched", rc, EFAULT);
	populated = mmap(NULL, PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	rc = hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, (uintptr_t)populated, 0);
	check("privcmd buffer mapped with MAP_POPULATE", rc == 0 && populated[0] != 0);
	munmap(fresh, PG);
	munmap(populated, PG);

	check_err("privcmd buffer unmapped", hypercall(__HYPERVISOR_xen_version,
		  XENVER_extraversion, 0x1000, 0), EFAULT);
	check_err("privcmd hypercall hv does not have", hypercall(60, 0, 0, 0), ENOSYS);
	check_err("privcmd hypercall number past the page", hypercall(128, 0, 0, 0), EINVAL);
	check_err("privcmd hypercall struct unreadable",
		  ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, (void *)8), EFAULT);
	check_err("privcmd unknown ioctl", ioctl(privcmd, _IOC(_IOC_NONE, 'P', 99, 8), 0), ENOTTY);
}

static void test_restrict(void)
{
	int fd = open("/dev/xen/privcmd", O_RDWR), saved = privcmd, err;
	domid_t dom = 0;
	xen_pfn_t mfn = 0;
	void *area = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);

	privcmd = fd;
	check("privcmd restrict to domain 0", ioctl(fd, IOCTL_PRIVCMD_RESTRICT, &dom) == 0 &&
	      ioctl(fd, IOCTL_PRIVCMD_RESTRICT, &dom) == 0);
	check_err("privcmd restricted: hypercall",
		  hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0), EPERM);
	check_err("privcmd restricted: mmapbatch of another domain",
		  mmapbatch(area, 1, DOMID_SELF, &mfn, &err), EPERM);
	dom = 1;
	check_err("privcmd restrict to a second domain", ioctl(fd, IOCTL_PRIVCMD_RESTRICT, &dom),
		  EINVAL);
	privcmd = saved;
	munmap(area, PG);
	close(fd);
}

static void test_mmapbatch(void)
{
	xen_pfn_t gt, arr[4];
	int err[4];
	char *area, *area2;
	long rc;

	check("grant table frame through privcmd", grant_table_frames(&gt, 1) == 0);
	area = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd, 0);
	check("privcmd mmap", area != MAP_FAILED);

	arr[0] = gt;
	check_err("mmapbatch num 0", mmapbatch(area, 0, DOMID_SELF, arr, err), EINVAL);
	check_err("mmapbatch first call not the whole area",
		  mmapbatch(area, 2, DOMID_SELF, arr, err), EINVAL);
	check_err("mmapbatch outside a privcmd area",
		  mmapbatch(err, 1, DOMID_SELF, arr, err), EINVAL);
	check_err("mmapbatch unreadable frame list",
		  mmapbatch(area, 4, DOMID_SELF, (void *)8, err), EFAULT);
	check_err("mmapbatch unwritable error list",
		  mmapbatch(area, 4, DOMID_SELF, arr, (void *)8), EFAULT);

	/* good, too big for a PTE, not ours (hv's frame 0), good */
	arr[0] = gt;
	arr[1] = 1UL << 52;
	arr[2] = 0;
	arr[3] = gt;
	memset(err, 0x7f, sizeof(err));
	rc = mmapbatch(area, 4, DOMID_SELF, arr, err);
	check("mmapbatch mixed entries returns 0", rc == 0);
	printf("mmapbatch errors: %s %s %s %s\n", ename(-err[0]), ename(-err[1]),
	       ename(-err[2]), ename(-err[3]));
	area[3 * PG + 100] = 42;
	check("mmapbatch: two mappings of one frame", area[100] == 42);
	check("mmapbatch: failed entries stay unmapped", child_segfaults(touch, area + PG));
	check("privcmd area not inherited by fork", child_segfaults(touch, area));
	check_err("mmapbatch again over mapped pages",
		  mmapbatch(area, 2, DOMID_SELF, arr, err), EINVAL);
	arr[0] = gt;
	rc = mmapbatch(area + PG, 1, DOMID_SELF, arr, err);
	check("mmapbatch fills a hole later", rc == 0 && area[PG + 100] == 42);
	rc = mmapbatch(area + 2 * PG, 1, 0x7777, arr, err);
	check("mmapbatch of a missing domain returns 0", rc == 0);
	printf("mmapbatch missing domain: %s\n", ename(-err[0]));
	check_err("privcmd area mprotect", mprotect(area, PG, PROT_READ), EACCES);
	check("privcmd area munmap", munmap(area, 4 * PG) == 0);

	/* IOCTL_PRIVCMD_MMAP: ranges from the start of a fresh area */
	area2 = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd, 0);
	{
		struct privcmd_mmap_entry e[2] = {
			{ .va = (uintptr_t)area2, .mfn = gt, .npages = 1 },
			{ .va = (uintptr_t)area2 + PG, .mfn = gt, .npages = 1 },
		};
		struct privcmd_mmap m = { .num = 2, .dom = DOMID_SELF, .entry = e };

		rc = ioctl(privcmd, IOCTL_PRIVCMD_MMAP, &m);
		check("privcmd mmap ranges", rc == 0 && area2[PG + 100] == 42 && area2[100] == 42);
		check_err("privcmd mmap ranges on a used area", ioctl(privcmd, IOCTL_PRIVCMD_MMAP, &m),
			  EINVAL);
	}
	area2[100] = 0;
	/* left mapped: exit tears it down */

	/* V1: errors as flag bits in the frame list */
	area = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd, 0);
	{
		xen_pfn_t v1arr[2] = { gt, 1UL << 52 };
		struct privcmd_mmapbatch m = {
			.num = 2, .dom = DOMID_SELF, .addr = (uintptr_t)area, .arr = v1arr,
		};

		rc = ioctl(privcmd, IOCTL_PRIVCMD_MMAPBATCH, &m);
		check("mmapbatch V1 mixed entries", rc == 0 && v1arr[0] == gt &&
		      v1arr[1] == ((1UL << 52) | PRIVCMD_MMAPBATCH_MFN_ERROR) && area[PG - 1] == 0);
		m.num = -1;
		check_err("mmapbatch V1 negative num", ioctl(privcmd, IOCTL_PRIVCMD_MMAPBATCH, &m),
			  EINVAL);
	}
	munmap(area, 2 * PG);
}

/* In a child: maps our grant table frame and exits with it mapped. */
static void exit_with_foreign_mapping(void *arg)
{
	xen_pfn_t gt = *(xen_pfn_t *)arg;
	int err;
	char *a = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd, 0);

	if (a == MAP_FAILED || mmapbatch(a, 1, DOMID_SELF, &gt, &err) != 0)
		_exit(1);
	_exit(a[100] == 0 ? 3 : 2);
}

static int evtchn_open_nb(void)
{
	return open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK);
}

static long bind_unbound(int fd)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = 0 };

	return ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);
}

static long bind_interdomain(int fd, unsigned int port)
{
	struct ioctl_evtchn_bind_interdomain b = { .remote_domain = 0, .remote_port = port };

	return ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
}

static long notify(int fd, unsigned int port)
{
	struct ioctl_evtchn_notify n = { .port = port };

	return ioctl(fd, IOCTL_EVTCHN_NOTIFY, &n);
}

static long unbind(int fd, unsigned int port)
{
	struct ioctl_evtchn_unbind u = { .port = port };

	return ioctl(fd, IOCTL_EVTCHN_UNBIND, &u);
}

static int readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

static void test_evtchn(void)
{
	int fd = evtchn_open_nb(), fd2 = evtchn_open_nb(), blocking;
	long a, b, c, vp;
	uint32_t got[4];
	struct ioctl_evtchn_bind_virq v = { .virq = VIRQ_TIMER };

	check("evtchn open", fd >= 0 && fd2 >= 0);
	a = bind_unbound(fd);
	b = bind_interdomain(fd2, a);
	check("evtchn bind_unbound_port + bind_interdomain to ourselves", a > 0 && b > 0 && a != b);
	/* As Xen does, binding sets the new port pending, for events the peer sent before. */
	check("evtchn bind_interdomain: the new port starts pending",
	      readable(fd2, 1000) && read(fd2, got, sizeof(got)) == 4 && got[0] == b);
	check("evtchn write of a port back", write(fd2, got, 4) == 4);
	check_err("evtchn read with nothing pending", read(fd, got, 4), EAGAIN);
	check("evtchn poll with nothing pending", !readable(fd, 0));
	check("evtchn notify", notify(fd2, b) == 0);
	check("evtchn poll readiness", readable(fd, 1000));
	check("evtchn poll: the other end's fd has nothing", !readable(fd2, 0));
	check("evtchn read the port", read(fd, got, sizeof(got)) == 4 && got[0] == a);
	check("evtchn read returns 0 below one port", read(fd, got, 3) == 0);
	notify(fd2, b);
	check("evtchn port stays masked until written back", !readable(fd, 100));
	/* Delivered by the write itself: a lost unmask would wait for a tick. */
	check("evtchn write unmasks", write(fd, &got[0], 4) == 4 && readable(fd, 0) &&
	      read(fd, got, 4) == 4 && got[0] == a);
	write(fd, &got[0], 4);
	notify(fd, a);
	check("evtchn the other way round", readable(fd2, 1000) &&
	      read(fd2, got, 4) == 4 && got[0] == b);
	write(fd2, &got[0], 4);
	notify(fd2, b);
	readable(fd, 1000);
	check("evtchn reset empties the ring", ioctl(fd, IOCTL_EVTCHN_RESET, 0) == 0 &&
	      read(fd, got, 4) == -1 && errno == EAGAIN);

	blocking = open("/dev/xen/evtchn", O_RDWR);
	c = bind_interdomain(blocking, a);
	check_err("evtchn bind_interdomain to a bound port", c, EINVAL);
	c = bind_unbound(blocking);
	{
		long d = bind_interdomain(fd, c);

		notify(fd, d);
		check("evtchn blocking read", read(blocking, got, 4) == 4 && got[0] == c);
		unbind(fd, d);
	}

	check_err("evtchn notify a port of another fd", notify(fd, b), ENOTCONN);
	check_err("evtchn notify a port out of range", notify(fd, 5000), EINVAL);
	check_err("evtchn unbind a port of another fd", unbind(fd, b), ENOTCONN);
	check_err("evtchn bind_virq already bound by the kernel",
		  ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &v), EEXIST);
	v.virq = VIRQ_DOM_EXC;        /* what xenstored binds */
	vp = ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &v);
	check("evtchn bind_virq VIRQ_DOM_EXC", vp > 0);
	check_err("evtchn bind_virq twice", ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &v), EEXIST);
	check("evtchn unbind closes the virq's port", unbind(fd, vp) == 0 &&
	      (vp = ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &v)) > 0 && unbind(fd, vp) == 0);
	v.virq = 99;
	check_err("evtchn bind_virq bad virq", ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &v), EINVAL);
	check_err("evtchn bind_interdomain no such domain",
		  ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN,
			&(struct ioctl_evtchn_bind_interdomain){ 0x7777, 1 }), ESRCH);
	check_err("evtchn unknown ioctl", ioctl(fd, _IOC(_IOC_NONE, 'E', 77, 4), 0), ENOSYS);
	check_err("evtchn struct unreadable", ioctl(fd, IOCTL_EVTCHN_NOTIFY, (void *)8), EFAULT);

	check("evtchn unbind", unbind(fd2, b) == 0);
	check_err("evtchn notify after unbind", notify(fd2, b), ENOTCONN);
	check("evtchn unbound port can be bound again", (b = bind_interdomain(fd2, a)) > 0);

	/* Closing a file closes its ports: a's peer b goes, a can be bound again. */
	close(fd2);
	b = bind_interdomain(fd, a);
	check("evtchn closing the fd closed its port (the peer binds again)", b > 0);
	unbind(fd, b);
	close(blocking);
	check_err("evtchn closing the fd closed its port (gone)", bind_interdomain(fd, c), EINVAL);
	close(fd);
}

static long gntdev_map(int g, uint32_t ref, uint64_t *index)
{
	struct ioctl_gntdev_map_grant_ref op = { .count = 1, .refs = { { 0, ref } } };
	long rc = ioctl(g, IOCTL_GNTDEV_MAP_GRANT_REF, &op);

	*index = op.index;
	return rc;
}

static long gntdev_unmap(int g, uint64_t index, uint32_t count)
{
	struct ioctl_gntdev_unmap_grant_ref op = { .index = index, .count = count };

	return ioctl(g, IOCTL_GNTDEV_UNMAP_GRANT_REF, &op);
}

static uint16_t grant_flags(volatile grant_entry_v1_t *table)
{
	return table[GREF].flags;
}

/* In a child: maps the grant through a fresh gntdev and exits with it mapped. */
static void exit_with_grant_mapping(void *arg)
{
	int g = open("/dev/xen/gntdev", O_RDWR);
	uint64_t index;
	char *p;

	(void)arg;
	if (g < 0 || gntdev_map(g, GREF, &index))
		_exit(1);
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, g, index);
	_exit(p != MAP_FAILED && p[0] == 'g' ? 3 : 2);
}

static void write_readonly(void *arg)
{
	*(volatile char *)arg = 'w';
}

static void test_gntdev(void)
{
	xen_pfn_t frame = 0, mfns[2];
	struct xen_memory_reservation r = {
		.extent_start = (uintptr_t)&frame, .nr_extents = 1, .domid = DOMID_SELF,
	};
	int err[2], g = open("/dev/xen/gntdev", O_RDWR), status;
	volatile grant_entry_v1_t *table;
	char *area, *own, *gmap, *ro;
	uint64_t index, index2, bad;
	struct ioctl_gntdev_get_offset_for_vaddr off;
	struct ioctl_gntdev_unmap_notify notif;
	int ev;
	uint32_t ea, eb, got;
	pid_t pid;
	long rc;

	check("gntdev open", g >= 0);
	/* A frame of our own that the kernel does not know: a fresh one from hv. */
	rc = hypercall(__HYPERVISOR_memory_op, XENMEM_increase_reservation, (uintptr_t)&r, 0);
	check("a new frame through privcmd memory_op", rc == 1 && frame != 0);
	check("grant table frame", grant_table_frames(&mfns[0], 1) == 0);
	mfns[1] = frame;
	area = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd, 0);
	rc = mmapbatch(area, 2, DOMID_SELF, mfns, err);
	check("grant table and the frame mapped with privcmd", rc == 0 && !err[0] && !err[1]);
	table = (volatile grant_entry_v1_t *)area;
	own = area + PG;
	memset(own, 0, PG);
	strcpy(own, "granted to ourselves");
	table[GREF].domid = 0;
	table[GREF].frame = frame;
	__sync_synchronize();
	table[GREF].flags = GTF_permit_access;

	check("gntdev map_grant_ref", gntdev_map(g, GREF, &index) == 0 && index == 0);
	check_err("gntdev mmap private writable",
		  (long)mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, g, index), EINVAL);
	check_err("gntdev mmap at an offset with no grants",
		  (long)mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, g, 64 * PG), EINVAL);
	check_err("gntdev mmap longer than the record",
		  (long)mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, g, index), EINVAL);
	gmap = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, g, index);
	check("gntdev mmap maps the grant", gmap != MAP_FAILED);
	check("gntdev bytes through both mappings", strcmp(gmap, "granted to ourselves") == 0);
	gmap[100] = 'x';
	own[200] = 'y';
	check("gntdev writes through both mappings", own[100] == 'x' && gmap[200] == 'y');
	check("grant entry says reading+writing while mapped",
	      (grant_flags(table) & (GTF_reading | GTF_writing)) == (GTF_reading | GTF_writing));
	check_err("gntdev mmap of a record already mapped",
		  (long)mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, g, index), EINVAL);
	off.vaddr = (uintptr_t)gmap;
	check("gntdev get_offset_for_vaddr",
	      ioctl(g, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &off) == 0 && off.offset == index &&
	      off.count == 1);
	off.vaddr = (uintptr_t)own;
	check_err("gntdev get_offset_for_vaddr elsewhere",
		  ioctl(g, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &off), EINVAL);
	check("gntdev area not inherited by fork", child_segfaults(touch, gmap));
	check_err("gntdev area mprotect", mprotect(gmap, PG, PROT_READ), EACCES);

	/* unmap notification: clear a byte when its page goes, signal when the record goes */
	ev = evtchn_open_nb();
	ea = bind_unbound(ev);
	eb = bind_interdomain(ev, ea);
	readable(ev, 1000);
	ioctl(ev, IOCTL_EVTCHN_RESET, 0);
	write(ev, &eb, 4);
	notif = (struct ioctl_gntdev_unmap_notify){ index + 300, UNMAP_NOTIFY_CLEAR_BYTE |
		UNMAP_NOTIFY_SEND_EVENT, eb };
	check("gntdev set_unmap_notify", ioctl(g, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &notif) == 0);
	notif.action = 4;
	check_err("gntdev set_unmap_notify unknown action",
		  ioctl(g, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &notif), EINVAL);
	notif.action = UNMAP_NOTIFY_SEND_EVENT;
	notif.event_channel_port = 4000;
	check_err("gntdev set_unmap_notify port not bound",
		  ioctl(g, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &notif), EINVAL);
	notif.action = UNMAP_NOTIFY_CLEAR_BYTE;
	notif.index = 64 * PG;
	check_err("gntdev set_unmap_notify outside every record",
		  ioctl(g, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &notif), ENOENT);
	gmap[300] = 'z';

	check_err("gntdev unmap_grant_ref unknown offset", gntdev_unmap(g, 5 * PG, 1), ENOENT);
	check_err("gntdev unmap_grant_ref wrong count", gntdev_unmap(g, index, 2), ENOENT);
	check("gntdev unmap_grant_ref while mmapped", gntdev_unmap(g, index, 1) == 0);
	check("gntdev mapping outlives its record", gmap[100] == 'x');
	check("gntdev unmap notify waits for the record", !readable(ev, 100));
	check("gntdev munmap", munmap(gmap, PG) == 0);
	check("grant entry released after munmap",
	      (grant_flags(table) & (GTF_reading | GTF_writing)) == 0);
	check("gntdev unmap notify cleared the byte", own[300] == 0 && own[100] == 'x');
	check("gntdev unmap notify sent the event",
	      readable(ev, 1000) && read(ev, &got, 4) == 4 && got == (uint32_t)ea);
	close(ev);
	check_err("gntdev unmap_grant_ref twice", gntdev_unmap(g, index, 1), ENOENT);

	/* read-only: a private read-only mapping is allowed, writes fault */
	check("gntdev map_grant_ref again", gntdev_map(g, GREF, &index2) == 0);
	ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, g, index2);
	check("gntdev read-only mapping", ro != MAP_FAILED && ro[100] == 'x' &&
	      (grant_flags(table) & (GTF_reading | GTF_writing)) == GTF_reading);
	check("gntdev read-only mapping refuses writes", child_segfaults(write_readonly, ro));
	notif = (struct ioctl_gntdev_unmap_notify){ index2, UNMAP_NOTIFY_CLEAR_BYTE, 0 };
	check_err("gntdev set_unmap_notify clear byte of a read-only mapping",
		  ioctl(g, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &notif), EINVAL);
	munmap(ro, PG);
	gntdev_unmap(g, index2, 1);

	/* two grants in one record, one in the next; partial munmap */
	{
		struct {
			struct ioctl_gntdev_map_grant_ref m;
			struct ioctl_gntdev_grant_ref more;
		} two = { .m = { .count = 2, .refs = { { 0, GREF } } }, .more = { 0, GREF } };
		uint64_t one;
		char *p;

		check("gntdev map_grant_ref of two grants",
		      ioctl(g, IOCTL_GNTDEV_MAP_GRANT_REF, &two) == 0);
		check("gntdev offsets follow each other",
		      gntdev_map(g, GREF, &one) == 0 && one == two.m.index + 2 * PG);
		p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, g, two.m.index);
		check("gntdev two pages, one frame", p != MAP_FAILED && p[100] == 'x' &&
		      p[PG + 100] == 'x');
		munmap(p, PG);
		check("gntdev partial munmap keeps the rest",
		      p[PG + 200] == 'y' && (grant_flags(table) & GTF_writing));
		munmap(p + PG, PG);
		check("gntdev all unmapped", (grant_flags(table) & (GTF_reading | GTF_writing)) == 0);
		check("gntdev unmap_grant_ref of both records",
		      gntdev_unmap(g, two.m.index, 2) == 0 && gntdev_unmap(g, one, 1) == 0);
	}

	/* bad references */
	check("gntdev map_grant_ref of a bad ref is only recorded", gntdev_map(g, 5000, &bad) == 0);
	check_err("gntdev mmap of a ref past the table",
		  (long)mmap(NULL, PG, PROT_READ, MAP_SHARED, g, bad), EINVAL);
	gntdev_unmap(g, bad, 1);
	check("gntdev map_grant_ref of an unused ref", gntdev_map(g, GREF + 1, &bad) == 0);
	check_err("gntdev mmap of a ref not granted",
		  (long)mmap(NULL, PG, PROT_READ, MAP_SHARED, g, bad), EINVAL);
	{
		struct ioctl_gntdev_map_grant_ref op = { .count = 0 };

		check_err("gntdev map_grant_ref count 0",
			  ioctl(g, IOCTL_GNTDEV_MAP_GRANT_REF, &op), EINVAL);
	}
	check_err("gntdev unknown ioctl", ioctl(g, _IOC(_IOC_NONE, 'G', 99, 8), 0), ENOTTY);

	/* a process that exits with the grant mapped leaves it unmapped */
	pid = fork();
	if (pid == 0)
		exit_with_grant_mapping(NULL);
	waitpid(pid, &status, 0);
	check("exit with a grant mapped", WIFEXITED(status) && WEXITSTATUS(status) == 3 &&
	      (grant_flags(table) & (GTF_reading | GTF_writing)) == 0);
	close(g);

	/* give everything back: revoke, unmap, return the frame */
	table[GREF].flags = 0;
	munmap(area, 2 * PG);
	r.extent_start = (uintptr_t)&frame;
	rc = hypercall(__HYPERVISOR_memory_op, XENMEM_decrease_reservation, (uintptr_t)&r, 0);
	check("the frame given back", rc == 1);
}

int main(void)
{
	xen_pfn_t gt;
	pid_t pid;
	int status;

	setvbuf(stdout, NULL, _IONBF, 0);
	privcmd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	check("open /dev/xen/privcmd", privcmd >= 0);
	test_hypercalls();
	test_restrict();
	test_mmapbatch();
	test_evtchn();
	test_gntdev();

	grant_table_frames(&gt, 1);
	pid = fork();
	if (pid == 0)
		exit_with_foreign_mapping(&gt);
	waitpid(pid, &status, 0);
	check("exit with a foreign mapping in place", WIFEXITED(status) && WEXITSTATUS(status) == 3);
	printf("== %d failures\n", failures);
	return failures != 0;
}
