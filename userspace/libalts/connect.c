// SPDX-License-Identifier: GPL-2.0
/* Sockets the library opens itself: alts_connect() and alts_accept(). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "internal.h"

/* Resolver failures in errno terms (see alts_connect() in alts.h). */
static int gai_errno(int gai_err)
{
	switch (gai_err) {
	case EAI_SYSTEM:
		return errno ? errno : EIO;
	case EAI_AGAIN:
		return EAGAIN;
	case EAI_MEMORY:
		return ENOMEM;
	case EAI_NONAME:
	case EAI_NODATA:
	case EAI_ADDRFAMILY:
	case EAI_FAIL:
		return ENXIO;
	case EAI_SERVICE:
	case EAI_SOCKTYPE:
	case EAI_FAMILY:
	case EAI_BADFLAGS:
		return EINVAL;
	default:
		return EIO;
	}
}

/* Waits up to @timeout_ms for a non-blocking connect() to end. */
static int wait_connected(int fd, unsigned int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int r, err = 0;

	r = poll(&pfd, 1, (int)timeout_ms);
	if (r < 0)
		return -1;
	if (!r) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		return -1;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

static int set_blocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return -1;
	return fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
}

/* A blocking, close-on-exec socket connected to @ai, or -1. With a
 * timeout, connect() runs non-blocking and is waited for with poll().
 */
static int connect_one(const struct addrinfo *ai, unsigned int timeout_ms)
{
	int type = SOCK_STREAM | SOCK_CLOEXEC | (timeout_ms ? SOCK_NONBLOCK : 0);
	int fd;

	fd = socket(ai->ai_family, type, ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) &&
	    (errno != EINPROGRESS || !timeout_ms || wait_connected(fd, timeout_ms)))
		return alts_lib_close_fail(fd);
	if (timeout_ms && set_blocking(fd))
		return alts_lib_close_fail(fd);
	return fd;
}

/* Finishes a connection the library opened: handshake, peer, or close. */
static int finish(int fd, const struct alts_handshake_req *req, struct alts_peer *peer)
{
	if (alts_lib_request(fd, req))
		return alts_lib_close_fail(fd);
	if (peer && alts_peer_info(fd, peer))
		return alts_lib_close_fail(fd);
	return fd;
}

/* connect() failures after which the next address may do better. */
static bool try_next_address(int err)
{
	switch (err) {
	case EINTR:
	case ENOMEM:
	case EMFILE:
	case ENFILE:
		return false;
	default:
		return true;
	}
}

/**
 * alts_lib_connect_first() - connect to the first address of @list that accepts
 * @list: getaddrinfo()'s answer
 * @timeout_ms: per address, 0 for the kernel's
 *
 * Return: a blocking, close-on-exec socket, or -1 with errno from the last
 * address tried (ENXIO for an empty list).
 */
int alts_lib_connect_first(const struct addrinfo *list, unsigned int timeout_ms)
{
	const struct addrinfo *ai;
	int fd = -1;

	errno = ENXIO;
	for (ai = list; ai; ai = ai->ai_next) {
		fd = connect_one(ai, timeout_ms);
		if (fd >= 0 || !try_next_address(errno))
			break;
	}
	return fd;
}

ALTS_PUBLIC int alts_connect(const char *host, const char *port, const struct alts_opts *opts,
			     struct alts_peer *peer)
{
	const struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_protocol = IPPROTO_TCP,
	};
	unsigned int timeout_ms = opts ? opts->connect_timeout_ms : 0;
	struct alts_handshake_req req;
	struct addrinfo *res;
	int fd, err;

	if (alts_lib_encode_request(&req, ALTS_ROLE_CLIENT, opts))
		return -1;
	if (!host || !port || timeout_ms > INT_MAX) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	err = getaddrinfo(host, port, &hints, &res);
	if (err) {
		errno = gai_errno(err);
		return -1;
	}
	fd = alts_lib_connect_first(res, timeout_ms);
	err = errno;
	freeaddrinfo(res);
	if (fd < 0) {
		errno = err;
		return -1;
	}
	return finish(fd, &req, peer);
}

ALTS_PUBLIC int alts_accept(int listen_fd, const struct alts_opts *opts, struct alts_peer *peer)
{
	struct alts_handshake_req req;
	int fd;

	if (alts_lib_encode_request(&req, ALTS_ROLE_SERVER, opts))
		return -1;
	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return -1;
	return finish(fd, &req, peer);
}
