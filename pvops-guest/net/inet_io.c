/* Moving datagram bytes between iovecs (user or kernel) and a packet. */
#include "inet_sock.h"
#include "lib.h"
#include "uaccess.h"
#include "uapi.h"

size_t inet_io_len(const struct inet_io *io)
{
	size_t n = 0;

	for (size_t i = 0; i < io->niov; i++)
		n += io->iov[i].len;
	return n;
}

/* Copies the first len bytes of io's buffers to dst. */
int inet_io_gather(const struct inet_io *io, uint8_t *dst, size_t len)
{
	for (size_t i = 0; i < io->niov && len; i++) {
		size_t k = MIN(len, (size_t)io->iov[i].len);

		if (io->user ? copy_from_user(dst, io->iov[i].base, k) != 0
			     : (memcpy(dst, (const void *)(uintptr_t)io->iov[i].base, k), false))
			return -EFAULT;
		dst += k;
		len -= k;
	}
	return 0;
}

/* Copies len bytes of src into io's buffers, in order. */
int inet_io_scatter(const struct inet_io *io, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < io->niov && len; i++) {
		size_t k = MIN(len, (size_t)io->iov[i].len);

		if (io->user ? copy_to_user(io->iov[i].base, src, k) != 0
			     : (memcpy((void *)(uintptr_t)io->iov[i].base, src, k), false))
			return -EFAULT;
		src += k;
		len -= k;
	}
	return 0;
}
