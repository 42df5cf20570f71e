// SPDX-License-Identifier: GPL-2.0
/*
 * Receiving a request on the local interface. A sender controls how many
 * descriptors arrive and in how many control messages: the kernel installs
 * every one that fits in our control buffer, so each must be found and
 * closed, or a caller exhausts the daemon's descriptors.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hsd.h"

ssize_t hsd_recv_request(int conn, uint8_t *buf, size_t len, int *fd)
{
	union {
		char buf[CMSG_SPACE(HSD_MAX_RECV_FDS * sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.buf,
			     .msg_controllen = sizeof(cbuf.buf) };
	struct cmsghdr *cm;
	size_t n_fds = 0;
	bool odd = false;
	ssize_t n;
	int got = -1;

	*fd = -1;
	n = recvmsg(conn, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return errno == EINTR || errno == EWOULDBLOCK ? -EAGAIN : -errno;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t i, k;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
		    cm->cmsg_len < CMSG_LEN(0)) {
			odd = true;
			continue;
		}
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
			int one;

			memcpy(&one, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (one < 0)
				continue;
			if (n_fds++ == 0)
				got = one;
			else
				close(one);
		}
	}
	if (n == 0 || odd || n_fds != 1 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (got >= 0)
			close(got);
		return -EBADMSG;
	}
	*fd = got;
	return n;
}
