/* Console ring transfers (ring.h), with the fences the protocol needs. */
#include <string.h>

#include "ring.h"

size_t cons_ring_take_output(struct xencons_interface *intf, char *buf, size_t cap)
{
    XENCONS_RING_IDX cons = intf->out_cons;
    XENCONS_RING_IDX prod = __atomic_load_n(&intf->out_prod, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX avail = prod - cons;
    size_t n = 0;

    if (avail > XENCONS_OUT_SIZE) {     /* corrupt: drop what is there */
        avail = 0;
        cons = prod;
    }
    while (n < cap && avail) {
        buf[n++] = intf->out[MASK_XENCONS_IDX(cons, XENCONS_OUT_SIZE)];
        cons++;
        avail--;
    }
    __atomic_store_n(&intf->out_cons, cons, __ATOMIC_RELEASE);
    return n;
}

size_t cons_ring_give_input(struct xencons_interface *intf, const char *buf, size_t n)
{
    XENCONS_RING_IDX prod = intf->in_prod;
    XENCONS_RING_IDX cons = __atomic_load_n(&intf->in_cons, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX used = prod - cons;
    size_t done = 0;

    if (used > XENCONS_IN_SIZE)         /* corrupt: give nothing */
        return 0;
    while (done < n && used < XENCONS_IN_SIZE) {
        intf->in[MASK_XENCONS_IDX(prod, XENCONS_IN_SIZE)] = buf[done++];
        prod++;
        used++;
    }
    __atomic_store_n(&intf->in_prod, prod, __ATOMIC_RELEASE);
    return done;
}
