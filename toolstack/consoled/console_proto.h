/*
 * How `heron console` reaches heron-consoled: a UNIX stream socket (path
 * below, or $HERON_CONSOLE_SOCKET).  The client sends "attach DOMID\n";
 * the daemon answers "ok\n" and from then on relays raw bytes (the
 * domain's output to the client, the client's input to the domain), or
 * answers "error TEXT\n" and closes.  The client detaches by closing.
 */
#ifndef TOOLSTACK_CONSOLE_PROTO_H
#define TOOLSTACK_CONSOLE_PROTO_H

#define CONSOLE_SOCKET_DEFAULT  "/run/heron/console.sock"
#define CONSOLE_LOG_DIR         "/var/log/heron"
#define CONSOLE_DETACH_KEY      0x1d    /* Ctrl-] */

#endif
