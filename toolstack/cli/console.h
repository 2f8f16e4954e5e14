/* `heron console`: the client side of heron-consoled's relay. */
#ifndef TOOLSTACK_CONSOLE_H
#define TOOLSTACK_CONSOLE_H

#include "heron.h"

/* Attaches stdin/stdout to domid's console until Ctrl-] or until the
 * daemon closes.  Returns a heron exit code. */
int console_attach(struct heron_env *env, domid_t domid);

#endif
