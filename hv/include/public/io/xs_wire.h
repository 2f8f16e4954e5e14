/*
 * The xenstore wire protocol and the per-domain xenstore ring page.
 *
 * Numbers and layouts are Xen's (xen/include/public/io/xs_wire.h,
 * docs/misc/xenstore.txt, docs/misc/xenstore-ring.txt) so that Xen PV
 * kernels and libxenstore talk to heron's xenstore-like daemon unchanged.
 *
 * Every message in either direction is a struct xsd_sockmsg header
 * followed by len bytes of payload, usually NUL-terminated strings.
 */
#ifndef HERON_PUBLIC_IO_XS_WIRE_H
#define HERON_PUBLIC_IO_XS_WIRE_H

#include <stdint.h>

enum xsd_sockmsg_type {
    XS_CONTROL              = 0,    /* formerly XS_DEBUG */
    XS_DIRECTORY            = 1,
    XS_READ                 = 2,
    XS_GET_PERMS            = 3,
    XS_WATCH                = 4,
    XS_UNWATCH              = 5,
    XS_TRANSACTION_START    = 6,
    XS_TRANSACTION_END      = 7,
    XS_INTRODUCE            = 8,
    XS_RELEASE              = 9,
    XS_GET_DOMAIN_PATH      = 10,
    XS_WRITE                = 11,
    XS_MKDIR                = 12,
    XS_RM                   = 13,
    XS_SET_PERMS            = 14,
    XS_WATCH_EVENT          = 15,   /* server -> client only */
    XS_ERROR                = 16,   /* server -> client only */
    XS_IS_DOMAIN_INTRODUCED = 17,
    XS_RESUME               = 18,
    XS_SET_TARGET           = 19,
    /* 20 was XS_RESTRICT; the number stays invalid. */
    XS_RESET_WATCHES        = 21,
    XS_DIRECTORY_PART       = 22,
    XS_GET_FEATURE          = 23,
    XS_SET_FEATURE          = 24,
    XS_GET_QUOTA            = 25,
    XS_SET_QUOTA            = 26,
    XS_TYPE_COUNT,
    XS_INVALID              = 0xffff
};
#define XS_DEBUG XS_CONTROL

struct xsd_sockmsg {
    uint32_t type;      /* enum xsd_sockmsg_type */
    uint32_t req_id;    /* echoed in the reply */
    uint32_t tx_id;     /* transaction, 0 for none */
    uint32_t len;       /* payload bytes after this header */
};

/* Index of the path and the token in a WATCH_EVENT payload. */
enum xs_watch_type {
    XS_WATCH_PATH  = 0,
    XS_WATCH_TOKEN = 1
};

/*
 * Errors travel as the errno *name* ("ENOENT"), not the number, since the
 * numbers differ between client OSes.  The table order is part of the ABI
 * (libxenstore searches it front to back and falls back to the first).
 */
struct xsd_errors {
    int errnum;
    const char *errstring;
};
#ifdef EINVAL
#define XSD_ERROR_ENTRY(e) { e, #e }
static const struct xsd_errors xsd_errors[] __attribute__((unused)) = {
    XSD_ERROR_ENTRY(EINVAL),
    XSD_ERROR_ENTRY(EACCES),
    XSD_ERROR_ENTRY(EEXIST),
    XSD_ERROR_ENTRY(EISDIR),
    XSD_ERROR_ENTRY(ENOENT),
    XSD_ERROR_ENTRY(ENOMEM),
    XSD_ERROR_ENTRY(ENOSPC),
    XSD_ERROR_ENTRY(EIO),
    XSD_ERROR_ENTRY(ENOTEMPTY),
    XSD_ERROR_ENTRY(ENOSYS),
    XSD_ERROR_ENTRY(EROFS),
    XSD_ERROR_ENTRY(EBUSY),
    XSD_ERROR_ENTRY(EAGAIN),
    XSD_ERROR_ENTRY(EISCONN),
    XSD_ERROR_ENTRY(E2BIG),
    XSD_ERROR_ENTRY(EPERM),
};
#undef XSD_ERROR_ENTRY
#endif

/* The shared ring page between a domain and the xenstore server. */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];   /* domain -> server */
    char rsp[XENSTORE_RING_SIZE];   /* server -> domain: replies, events */
    XENSTORE_RING_IDX req_cons, req_prod;   /* free-running */
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features;       /* XENSTORE_SERVER_FEATURE_* */
    uint32_t connection;            /* XENSTORE_CONNECTED / _RECONNECT */
    uint32_t error;                 /* XENSTORE_ERROR_* */
    uint32_t evtchn_port;           /* set by the builder for dom0less */
};

/* A payload above this kills the connection. */
#define XENSTORE_PAYLOAD_MAX 4096

/* Longer paths just get EINVAL. */
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR        2
#define XENSTORE_SERVER_FEATURE_WATCHDEPTH   4
#define XENSTORE_SERVER_FEATURE_DOMID_ANY    8

#define XENSTORE_CONNECTED 0
#define XENSTORE_RECONNECT 1

#define XENSTORE_ERROR_NONE    0
#define XENSTORE_ERROR_COMM    1    /* event channel not working */
#define XENSTORE_ERROR_RINGIDX 2    /* producer/consumer out of range */
#define XENSTORE_ERROR_PROTO   3    /* payload too long */

#endif
