/*
 * The backend's side of a PV console ring (public/io/console.h): the
 * guest produces `out`, we consume it; we produce `in`, the guest
 * consumes it.  Indices are free-running; anything inconsistent (a
 * producer more than a ring ahead) is treated as empty/full, never
 * followed outside the page.
 */
#ifndef TOOLSTACK_CONSOLE_RING_H
#define TOOLSTACK_CONSOLE_RING_H

#include <stddef.h>

#include <public/io/console.h>

/* Takes up to cap bytes of the guest's output.  Returns how many. */
size_t cons_ring_take_output(struct xencons_interface *intf, char *buf, size_t cap);

/* Gives up to n bytes of input to the guest.  Returns how many fit. */
size_t cons_ring_give_input(struct xencons_interface *intf, const char *buf, size_t n);

#endif
