/*
 * Port I/O for the hardware domain: as Linux does for a PV dom0, ask for
 * virtual IOPL 1, which lets the kernel (ring 1 in Xen's view of a PV
 * guest) execute IN/OUT; the hypervisor emulates each one on its #GP and
 * passes it to the hardware for the ports the domain was given.  A domU
 * gets no ports, so its pv_ops.io stays empty.
 */
#include <public/xen.h>
#include <public/physdev.h>

#include "hypercall.h"
#include "lib.h"
#include "pv.h"

void pv_io_init(const struct start_info *si)
{
	struct physdev_set_iopl iopl = { .iopl = 1 };
	long rc;

	if (!(si->flags & SIF_INITDOMAIN))
		return;
	rc = hypercall2(HYPERCALL(physdev_op), PHYSDEVOP_set_iopl, HPTR(&iopl));
	if (rc) {
		printk("pv: set_iopl refused (%ld): no port I/O\n", rc);
		return;
	}
	pv_ops.io = x86_port_io_ops;
}
