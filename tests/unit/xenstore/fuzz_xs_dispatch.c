/*
 * libFuzzer target: the input is a byte stream from one client (first
 * byte picks dom0, a domain over a pipe, or a domain's ring), parsed and
 * dispatched against a small populated store.  Any crash, sanitizer
 * report or leak is a finding; so is an inconsistent store afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "xs_chaos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xt_rings rings;
    struct xsd x;
    struct conn *dom0, *c;
    uint64_t sum;
    size_t len;
    const char *arg;

    if (!size)
        return 0;
    xt_rings_init(&rings);
    if (xsd_init(&x, &rings.backend))
        abort();
    dom0 = xt_conn(&x, 0, true);
    arg = xt_strs(&len, "5", "1", "2", NULL);
    xt_call(dom0, XS_INTRODUCE, 0, arg, len, NULL);
    chaos_populate(&x, dom0);
    sum = chaos_protected_sum(&x);
    if (data[0] % 3 == 2) {
        struct xenstore_domain_interface *in = rings.page[5];
        size_t off = 1;

        while (off < size) {
            while (off < size && in->req_prod - in->req_cons < XENSTORE_RING_SIZE)
                in->req[MASK_XENSTORE_IDX(in->req_prod++)] = data[off++];
            domain_service_all(&x);
            in->rsp_cons = in->rsp_prod;
            domain_service_all(&x);
            if (in->error || xsd_domain(&x, 5, false)->conn->stalled)
                break;
        }
    } else {
        c = data[0] % 3 ? xt_domain_conn(&x, 5) : xt_conn(&x, 0, true);
        xt_feed(c, data + 1, size - 1);
        xt_drain(c);
    }
    xsd_reap(&x);
    if (store_check(&x) || (data[0] % 3 && chaos_protected_sum(&x) != sum))
        abort();
    xsd_fini(&x);
    xt_rings_fini(&rings);
    return 0;
}
