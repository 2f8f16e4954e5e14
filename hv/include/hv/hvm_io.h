/*
 * Port I/O and MMIO of HVM domains (hv/arch/x86/hvm/io.c, mmio.c) and the
 * ioreq interface to device models (ioreq.c, dm_op.c).
 *
 * An access goes, in order, to a device hv emulates itself (PIC, PIT,
 * RTC, ACPI PM, debug exit; LAPIC and IOAPIC for MMIO), to the ioreq
 * server that claimed its range, to a fallback device of hv (the COM1
 * UART), else nowhere: reads give all ones, writes are dropped (port I/O)
 * or the domain is crashed (MMIO outside RAM and devices).
 */
#ifndef HV_HVM_IO_H
#define HV_HVM_IO_H

#include <hv/hvm.h>
#include <public/hvm/dm_op.h>

enum hvm_io_result {
    HVM_IO_DONE,            /* completed; *val holds a read's value */
    HVM_IO_WAIT,            /* sent to an ioreq server: the vCPU waits */
    HVM_IO_UNHANDLED,       /* nobody emulates it */
};

/* Registers a port range with d (at domain build). */
void hvm_register_portio(struct domain *d, u16 start, u16 len, bool fallback,
                         hvm_portio_fn fn);

/* One port access of size 1, 2 or 4 bytes. */
enum hvm_io_result hvm_portio(struct vcpu *v, unsigned int port,
                              unsigned int size, bool write, u32 *val);

/* The ioreq server every access of size bytes to port goes to (no device
 * of hv's own claims it), or NULL. */
struct ioreq_server *hvm_portio_server(struct domain *d, unsigned int port,
                                       unsigned int size);

/*
 * IN/OUT of size bytes at port (not the string forms): performs it and
 * completes the instruction (RAX for IN, RIP = next_rip), or leaves the
 * vCPU waiting for an ioreq server.
 */
void hvm_handle_io_insn(struct vcpu *v, unsigned int port, unsigned int size,
                        bool in, u64 next_rip);

/*
 * INS/OUTS (with or without REP) of size bytes at port: copies between
 * the port and guest memory, updates rSI/rDI and rCX, injects #GP/#SS or
 * #PF for a bad buffer, and moves RIP past the instruction when done.
 */
void hvm_handle_string_io(struct vcpu *v, unsigned int port, unsigned int size, bool in);

/*
 * A guest access to gpa that is not RAM (nested page fault).  If gpa is
 * an emulated device's or an ioreq server's, the faulting instruction is
 * decoded (from insn if the CPU provided its bytes, else fetched through
 * the guest's page tables) and emulated.  False if gpa is nobody's.
 */
bool hvm_handle_mmio(struct vcpu *v, u64 gpa, const u8 *insn,
                     unsigned int insn_len);

/* XENMEM_add_to_physmap, XENMAPSPACE_shared_info (p2m.c): 0, -EINVAL
 * unless gpfn is RAM, -ENOMEM. */
int hvm_map_shared_info(struct domain *d, u64 gpfn);
/* The machine frame of guest RAM frame gfn of d, or INVALID_MFN. */
mfn_t hvm_ram_frame(struct domain *d, u64 gfn);
/* Guest-physical memory access through the p2m (RAM only): 0 or -EFAULT. */
int hvm_copy_to_gphys(struct domain *d, u64 gpa, const void *src, size_t len);
int hvm_copy_from_gphys(struct domain *d, void *dst, u64 gpa, size_t len);
/* hvm_copy_from_gphys as the guest walker's reader (a gphys_read_fn). */
int hvm_gphys_read(void *d, u64 gpa, void *buf, size_t len);

/* --- ioreq servers (ioreq.c) --- */

/* The server claiming port (or MMIO address) addr for an access, or NULL. */
struct ioreq_server *ioreq_server_for(struct domain *d, bool mmio, u64 addr);
/* Sends v's access to s; the vCPU waits until s answers. */
void ioreq_send(struct ioreq_server *s, struct vcpu *v, bool mmio, u64 addr,
                unsigned int size, bool write, u64 data);
/*
 * Sends v's string port I/O to s: count elements of size bytes between
 * port and guest memory from gpa, upwards or (df) downwards, all in one
 * page of RAM (data_is_ptr: the device model reads or writes the guest's
 * memory itself).  The vCPU waits until s answers.
 */
void ioreq_send_string(struct ioreq_server *s, struct vcpu *v, unsigned int port,
                       unsigned int size, bool write, u32 count, u64 gpa, bool df);
/* Called before entering v: if its ioreq was answered, completes the
 * instruction; true if v must keep waiting. */
bool ioreq_wait_pending(struct vcpu *v);
/* Tears down every server of d (its death). */
void ioreq_destroy_all(struct domain *d);

/*
 * Server management for dm_op, by the device model's domain (emulator):
 * 0 or -ENOENT (no such server), -EPERM (another emulator's), -ENOSPC,
 * -ENOMEM, -EINVAL, -EEXIST (overlapping range), -EOPNOTSUPP (PCI).
 */
int ioreq_server_create(struct domain *d, domid_t emulator, ioservid_t *id);
/* The guest frame number a device model maps the server's page by. */
int ioreq_server_gfn(struct domain *d, domid_t emulator, ioservid_t id, u64 *gfn);
/* The machine frame of the server page at gfn of d; -EINVAL if none is. */
int ioreq_server_page_at(struct domain *d, u64 gfn, mfn_t *mfn);
int ioreq_server_map_range(struct domain *d, domid_t emulator, ioservid_t id,
                           u32 type, u64 start, u64 end, bool map);
int ioreq_server_set_state(struct domain *d, domid_t emulator, ioservid_t id,
                           bool enabled);
int ioreq_server_destroy(struct domain *d, domid_t emulator, ioservid_t id);

/* The dm_op hypercall (41): ioreq servers for a device model. */
long do_dm_op(domid_t domid, unsigned int nr_bufs, xen_guest_handle_t bufs);

#endif
