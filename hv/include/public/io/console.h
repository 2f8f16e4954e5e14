/* The PV console ring page shared between a guest and its console backend. */
#ifndef HERON_PUBLIC_IO_CONSOLE_H
#define HERON_PUBLIC_IO_CONSOLE_H

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;
#define XENCONS_IN_SIZE   1024
#define XENCONS_OUT_SIZE  2048
#define MASK_XENCONS_IDX(idx, size)  ((idx) & ((size) - 1))

struct xencons_interface {
    char in[XENCONS_IN_SIZE];       /* backend -> guest */
    char out[XENCONS_OUT_SIZE];     /* guest -> backend */
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
    uint8_t connection;             /* 0: connected */
};

#endif
