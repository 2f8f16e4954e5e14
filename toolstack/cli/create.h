/*
 * Making and unmaking a domain end to end: the builder, the xenstore
 * tree, INTRODUCE to xenstored, unpause; and the reverse.
 */
#ifndef TOOLSTACK_CREATE_H
#define TOOLSTACK_CREATE_H

#include "domain_cfg.h"
#include "heron.h"

/*
 * Builds dc's domain and starts it.  Returns HERON_OK with *domid, or an
 * exit code with the reason in err; on failure nothing is left: no
 * domain, no frames, no xenstore nodes, not introduced.
 */
int domain_create(struct heron_env *env, const struct domain_cfg *dc, domid_t *domid,
                  char *err, size_t errlen);

/*
 * Destroys domid: its xenstore tree, RELEASE to xenstored, then domctl
 * destroydomain.  Returns 0 or a negative errno from hv.
 */
int domain_destroy(struct heron_env *env, domid_t domid);

/* Reads a whole file; NULL with errno set on failure. */
void *read_whole_file(const char *path, size_t *len);

#endif
