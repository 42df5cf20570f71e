// SPDX-License-Identifier: GPL-2.0
/*
 * Receiving a request on the local interface. A sender controls how many
 * descriptors arrive and in how many control messages: the kernel installs
 * every one that fits in our control buffer, so each must be found and
 * closed, or a caller exhausts the daemon's descriptors.
 *
 * Then what a request gets: never less than the daemon's minimums.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <netinet/in.h>
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

static int pfs_strength(enum alts_pfs pfs)
{
	return pfs == ALTS_PFS_OFF ? 0 : pfs == ALTS_PFS_ON ? 1 : 2;
}

int hsd_job_params(const struct hsd_minimums *m, unsigned int caller_protocols,
		   const Kalts__Hsd__HandshakeRequest *req, struct hsd_job_params *p)
{
	/* the library's default order, then what only a request can ask for */
	static const enum alts_rp def[] = {
		ALTS_RP_GCM_AES128_REKEY, ALTS_RP_GCM_AES128, ALTS_RP_GMAC_128,
	};
	unsigned int allowed = m->protocols & caller_protocols;
	enum alts_pfs asked = (enum alts_pfs)req->pfs;
	size_t i, n = req->n_record_protocols ? req->n_record_protocols : 3;

	memset(p, 0, sizeof(*p));
	/* 0 (ALTS_PFS_ON) in a request means "the daemon's mode" */
	p->pfs = req->pfs && pfs_strength(asked) > pfs_strength(m->pfs) ? asked : m->pfs;
	p->timeout_ms = req->timeout_ms && (int64_t)req->timeout_ms < m->timeout_ms ?
			(int)req->timeout_ms : m->timeout_ms;
	for (i = 0; i < n && i < ALTS_MAX_LIST; i++) {
		enum alts_rp rp = req->n_record_protocols ?
				  (enum alts_rp)req->record_protocols[i] : def[i];

		if ((unsigned int)rp < 32 && (allowed & (1u << rp)))
			p->rps[p->n_rps++] = rp;
		else if (req->n_record_protocols)
			return -EACCES;		/* asked for one it may not have */
	}
	return p->n_rps ? 0 : -EACCES;
}

void hsd_peer_source(int fd, struct hsd_source *src)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(src, 0, sizeof(*src));
	if (getpeername(fd, (struct sockaddr *)&ss, &len))
		return;
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;

		memcpy(src->addr, &in->sin_addr, 4);
		src->known = true;
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;

		/* an IPv4-mapped address counts as that IPv4 address; else its /64 */
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			memcpy(src->addr, in6->sin6_addr.s6_addr + 12, 4);
		else
			memcpy(src->addr, in6->sin6_addr.s6_addr, 8);
		src->known = true;
	}
}

bool hsd_same_source(const struct hsd_source *a, const struct hsd_source *b)
{
	return a->known && b->known && !memcmp(a->addr, b->addr, sizeof(a->addr));
}
