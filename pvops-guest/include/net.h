/*
 * AF_UNIX sockets: SOCK_STREAM connections between processes, named by
 * S_IFSOCK nodes in the ramfs or made in pairs.  The socket ABI values
 * below are the ones the Linux UAPI headers leave to libc.
 */
#ifndef GUEST_NET_H
#define GUEST_NET_H

#include "fs.h"
#include "uapi.h"
#include <linux/un.h>
#include <asm/socket.h>

#define AF_UNIX         1
#define SOCK_STREAM     1
#define SOCK_TYPE_MASK  0xf
#define SOCK_NONBLOCK   O_NONBLOCK
#define SOCK_CLOEXEC    O_CLOEXEC
#define SOMAXCONN       4096
#define UIO_MAXIOV      1024

#define MSG_OOB         0x1
#define MSG_PEEK        0x2
#define MSG_TRUNC       0x20
#define MSG_DONTWAIT    0x40
#define MSG_WAITALL     0x100
#define MSG_NOSIGNAL    0x4000

#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2

/* struct msghdr as the kernel reads it (x86-64). */
struct k_msghdr {
	uint64_t name;
	int32_t namelen;
	uint64_t iov;
	uint64_t iovlen;
	uint64_t control;
	uint64_t controllen;
	uint32_t flags;
};

struct k_ucred {
	int32_t pid;
	uint32_t uid, gid;
};

/* sun_path plus the family: what bind/connect take and get*name return. */
struct unix_addr {
	unsigned int len;           /* bytes of sockaddr_un used; 2 = unnamed */
	struct sockaddr_un sun;
};

enum unix_state { US_UNCONNECTED, US_LISTENING, US_CONNECTED };

/* Shutdown bits, per direction of this socket. */
#define RCV_SHUTDOWN  1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

#define UNIX_BUF_SIZE 16384     /* each socket's receive ring */
#define DEFAULT_BUF_OPT 212992u /* Linux's default SO_SNDBUF/SO_RCVBUF */
#define UNIX_MIN_BUF_OPT 4608u  /* Linux's floor for a set SO_SNDBUF/SO_RCVBUF */

struct unix_sock {
	enum unix_state state;
	unsigned int refs;          /* its file (or listener queue), its peer */
	bool closed;                /* the last descriptor went away */
	int shutdown;               /* RCV_SHUTDOWN | SEND_SHUTDOWN */
	int err;                    /* pending SO_ERROR (ECONNRESET) */
	struct unix_sock *peer;
	char *buf;                  /* receive ring, UNIX_BUF_SIZE bytes */
	size_t head, count;
	/* Listening: connections not yet accepted, oldest first. */
	struct unix_sock *queue, *next;
	unsigned int qlen, backlog;
	struct unix_addr addr;
	struct inode *node;         /* the bound S_IFSOCK node */
	struct k_ucred cred;        /* SO_PEERCRED: the peer's, at connect */
	unsigned int sndbuf, rcvbuf; /* SO_SNDBUF/SO_RCVBUF as set (reporting only) */
	bool reuseaddr;
};

/* net/unix_sock.c: objects, files and their lifetime. */
extern const struct file_ops unix_file_ops;
struct unix_sock *unix_sock_new(void);
void unix_sock_put(struct unix_sock *s);
struct file *unix_file_new(struct unix_sock *s, unsigned int flags);
struct unix_sock *unix_sock_of(struct file *f);   /* NULL: not a socket */
void unix_wake(struct unix_sock *s);
void unix_close(struct unix_sock *s, bool embryo);

/* net/unix_stream.c: moving bytes. */
ssize_t unix_send(struct unix_sock *s, const char *buf, size_t n, int flags, bool nonblock);
ssize_t unix_recv(struct unix_sock *s, char *buf, size_t n, int flags, bool nonblock);
unsigned int unix_poll_mask(struct unix_sock *s);
int unix_shutdown(struct unix_sock *s, int how);
void unix_disconnect(struct unix_sock *s, bool embryo);

/* net/unix_conn.c: the address namespace and connection set-up. */
int unix_bind(struct unix_sock *s, const struct unix_addr *a);
int unix_listen(struct unix_sock *s, int backlog);
int unix_connect(struct unix_sock *s, const struct unix_addr *a, bool nonblock);
int unix_accept(struct unix_sock *l, bool nonblock, struct unix_sock **out);
void unix_pair(struct unix_sock *a, struct unix_sock *b);

/* net/sockopt.c */
long unix_getsockopt(struct unix_sock *s, int level, int name, uintptr_t val, uintptr_t lenp);
long unix_setsockopt(struct unix_sock *s, int level, int name, uintptr_t val, unsigned int len);
/* Shared by every family: getsockopt's length (-EFAULT, -EINVAL if
 * negative); its answer, min(len, size) bytes and that length; a
 * setter's int (-EINVAL if shorter, -EFAULT). */
long sockopt_len_from_user(uintptr_t ulen, int *len);
long sockopt_to_user(uintptr_t uval, uintptr_t ulen, int len, const void *src, size_t size);
long sockopt_int_from_user(uintptr_t uval, unsigned int len, int *v);

#endif
