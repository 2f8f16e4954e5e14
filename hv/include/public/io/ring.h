/*
 * Shared request/response rings of the split drivers (Xen's io/ring.h):
 * one page holds a header of four free-running indices and the slots, a
 * power of two of them, each a union of one request and one response.
 * The frontend produces requests and consumes responses; the backend the
 * reverse.  req_event and rsp_event are the consumer's "notify me when the
 * producer passes this index" marks, which the *_CHECK_NOTIFY macros test.
 */
#ifndef HERON_PUBLIC_IO_RING_H
#define HERON_PUBLIC_IO_RING_H

#include <stdint.h>

typedef unsigned int RING_IDX;

/* Largest power of two not above x (x < 2^32). */
#define __RD2(x)  (((x) & 0x00000002) ? 0x2 : ((x) & 0x1))
#define __RD4(x)  (((x) & 0x0000000c) ? __RD2((x) >> 2) << 2 : __RD2(x))
#define __RD8(x)  (((x) & 0x000000f0) ? __RD4((x) >> 4) << 4 : __RD4(x))
#define __RD16(x) (((x) & 0x0000ff00) ? __RD8((x) >> 8) << 8 : __RD8(x))
#define __RD32(x) (((x) & 0xffff0000) ? __RD16((x) >> 16) << 16 : __RD16(x))

/* Slots in a ring of _sz bytes whose shared header is _s. */
#define __CONST_RING_SIZE(_s, _sz) \
    (__RD32(((_sz) - offsetof(struct _s##_sring, ring)) / \
            sizeof(((struct _s##_sring *)0)->ring[0])))

#define DEFINE_RING_TYPES(__name, __req_t, __rsp_t)                      \
union __name##_sring_entry {                                             \
    __req_t req;                                                         \
    __rsp_t rsp;                                                         \
};                                                                       \
struct __name##_sring {                                                  \
    RING_IDX req_prod, req_event;                                        \
    RING_IDX rsp_prod, rsp_event;                                        \
    union {                                                              \
        struct { uint8_t smartpoll_active; } netif;                      \
        struct { uint8_t msg; } tapif_user;                              \
        uint8_t pvt_pad[4];                                              \
    } pvt;                                                               \
    uint8_t __pad[44];                                                   \
    union __name##_sring_entry ring[];                                   \
};                                                                       \
struct __name##_front_ring {                                             \
    RING_IDX req_prod_pvt;                                               \
    RING_IDX rsp_cons;                                                   \
    unsigned int nr_ents;                                                \
    struct __name##_sring *sring;                                        \
};                                                                       \
struct __name##_back_ring {                                              \
    RING_IDX rsp_prod_pvt;                                               \
    RING_IDX req_cons;                                                   \
    unsigned int nr_ents;                                                \
    struct __name##_sring *sring;                                        \
};                                                                       \
typedef struct __name##_sring __name##_sring_t;                          \
typedef struct __name##_front_ring __name##_front_ring_t;                \
typedef struct __name##_back_ring __name##_back_ring_t

/* Slots in a ring of _sz bytes at _s (a pointer to the shared header). */
#define __RING_SIZE(_s, _sz) \
    (__RD32(((_sz) - (long)(_s)->ring + (long)(_s)) / sizeof((_s)->ring[0])))

/* The frontend initialises the shared page; each end its private view. */
#define SHARED_RING_INIT(_s) do {                                        \
    (_s)->req_prod = (_s)->rsp_prod = 0;                                 \
    (_s)->req_event = (_s)->rsp_event = 1;                               \
    memset((_s)->pvt.pvt_pad, 0, sizeof((_s)->pvt.pvt_pad));             \
    memset((_s)->__pad, 0, sizeof((_s)->__pad));                         \
} while (0)

#define FRONT_RING_INIT(_r, _s, __size) do {                             \
    (_r)->req_prod_pvt = 0;                                              \
    (_r)->rsp_cons = 0;                                                  \
    (_r)->nr_ents = __RING_SIZE(_s, __size);                             \
    (_r)->sring = (_s);                                                  \
} while (0)

#define BACK_RING_INIT(_r, _s, __size) do {                              \
    (_r)->rsp_prod_pvt = 0;                                              \
    (_r)->req_cons = 0;                                                  \
    (_r)->nr_ents = __RING_SIZE(_s, __size);                             \
    (_r)->sring = (_s);                                                  \
} while (0)

#define RING_SIZE(_r) ((_r)->nr_ents)
#define RING_FREE_REQUESTS(_r) \
    (RING_SIZE(_r) - ((_r)->req_prod_pvt - (_r)->rsp_cons))
#define RING_FULL(_r) (RING_FREE_REQUESTS(_r) == 0)

#define RING_HAS_UNCONSUMED_RESPONSES(_r) \
    ((_r)->sring->rsp_prod - (_r)->rsp_cons)
/* Requests the backend may take: those produced, less those whose
 * responses would not fit yet. */
#define RING_HAS_UNCONSUMED_REQUESTS(_r) ({                              \
    unsigned int req = (_r)->sring->req_prod - (_r)->req_cons;           \
    unsigned int rsp = RING_SIZE(_r) - ((_r)->req_cons - (_r)->rsp_prod_pvt); \
    req < rsp ? req : rsp;                                               \
})

#define RING_GET_REQUEST(_r, _idx) \
    (&((_r)->sring->ring[((_idx) & (RING_SIZE(_r) - 1))].req))
#define RING_GET_RESPONSE(_r, _idx) \
    (&((_r)->sring->ring[((_idx) & (RING_SIZE(_r) - 1))].rsp))

/* A backend that finds more requests pending than the ring can hold
 * is talking to a broken or hostile frontend. */
#define RING_REQUEST_CONS_OVERFLOW(_r, _cons) \
    (((_cons) - (_r)->rsp_prod_pvt) >= RING_SIZE(_r))
#define RING_REQUEST_PROD_OVERFLOW(_r, _prod) \
    (((_prod) - (_r)->rsp_prod_pvt) > RING_SIZE(_r))

/* Publish private producer indices; _notify says whether the other end
 * asked to be told (its event index lies in the newly produced range). */
#define RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(_r, _notify) do {            \
    RING_IDX __old = (_r)->sring->req_prod;                              \
    RING_IDX __new = (_r)->req_prod_pvt;                                 \
    __atomic_thread_fence(__ATOMIC_RELEASE);                             \
    (_r)->sring->req_prod = __new;                                       \
    __atomic_thread_fence(__ATOMIC_SEQ_CST);                             \
    (_notify) = ((RING_IDX)(__new - (_r)->sring->req_event) <            \
                 (RING_IDX)(__new - __old));                             \
} while (0)

#define RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(_r, _notify) do {           \
    RING_IDX __old = (_r)->sring->rsp_prod;                              \
    RING_IDX __new = (_r)->rsp_prod_pvt;                                 \
    __atomic_thread_fence(__ATOMIC_RELEASE);                             \
    (_r)->sring->rsp_prod = __new;                                       \
    __atomic_thread_fence(__ATOMIC_SEQ_CST);                             \
    (_notify) = ((RING_IDX)(__new - (_r)->sring->rsp_event) <            \
                 (RING_IDX)(__new - __old));                             \
} while (0)

/* Before sleeping: ask to be notified of the next item, then look again
 * (one may have arrived in between). */
#define RING_FINAL_CHECK_FOR_REQUESTS(_r, _work_to_do) do {              \
    (_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);                    \
    if (_work_to_do)                                                     \
        break;                                                           \
    (_r)->sring->req_event = (_r)->req_cons + 1;                         \
    __atomic_thread_fence(__ATOMIC_SEQ_CST);                             \
    (_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);                    \
} while (0)

#define RING_FINAL_CHECK_FOR_RESPONSES(_r, _work_to_do) do {             \
    (_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);                   \
    if (_work_to_do)                                                     \
        break;                                                           \
    (_r)->sring->rsp_event = (_r)->rsp_cons + 1;                         \
    __atomic_thread_fence(__ATOMIC_SEQ_CST);                             \
    (_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);                   \
} while (0)

#endif
