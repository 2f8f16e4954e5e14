/*
 * What heron-dm asks of hv, through dom0's /dev/xen/privcmd and
 * /dev/xen/evtchn (Linux's ioctl ABI): dm_op for the ioreq server and the
 * ISA IRQ line, foreign mappings of the ioreq page and of the guest
 * pages string port I/O and bus-master DMA move data in, the ioreq
 * event channel, and getdomaininfo to notice the domain's end.
 */
#ifndef TOOLSTACK_DM_HV_H
#define TOOLSTACK_DM_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/xen.h>
#include <public/hvm/ioreq.h>

/* The page size of the mappings (and of the guest's frames). */
#define DM_PAGE_BYTES 4096

struct dm_hv {
    domid_t domid;
    int privcmd, evtchn;
    uint8_t *arg;               /* locked hypercall argument page */
    uint16_t server;            /* ioservid_t */
    bool have_server;
    shared_iopage_t *page;      /* the ioreq page, mapped */
    uint64_t ioreq_gfn;         /* its frame number */
    uint8_t *guest;             /* the guest page last mapped, or NULL */
    uint64_t guest_gfn;         /* its frame number */
    uint32_t port;              /* our end of the ioreq event channel */
};

/*
 * Opens the devices, creates an ioreq server for domid, maps its page and
 * binds the event channel.  0, or a negative errno with the step in err
 * (all undone).
 */
int dm_hv_open(struct dm_hv *h, domid_t domid, char *err, size_t errlen);
/* Claims ports [first, first + n) for the server. */
int dm_hv_claim_ports(struct dm_hv *h, uint16_t first, unsigned int n);
/* Gives back ports [first, first + n), claimed as one range before. */
int dm_hv_release_ports(struct dm_hv *h, uint16_t first, unsigned int n);
/* Enables the server: hv sends the claimed accesses from now on. */
int dm_hv_enable(struct dm_hv *h);
/* Destroys the server (hv serves its ports again) and closes everything. */
void dm_hv_close(struct dm_hv *h);
/* Sets ISA IRQ irq's level (XEN_DMOP_set_isa_irq_level). */
int dm_hv_set_irq(struct dm_hv *h, unsigned int irq, bool level);
/* Reads and unmasks fired ports (call when the evtchn fd is readable). */
void dm_hv_ack_events(struct dm_hv *h);
/* Guest RAM frame gfn, mapped (kept until another is asked for or the
 * close); NULL if it cannot be. */
uint8_t *dm_hv_guest_page(struct dm_hv *h, uint64_t gfn);
/* Tells hv the request on the page is answered. */
void dm_hv_notify(struct dm_hv *h);
/* True while the domain exists and is not dying. */
bool dm_hv_domain_alive(struct dm_hv *h);

#endif
