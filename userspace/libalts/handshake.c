// SPDX-License-Identifier: GPL-2.0
/*
 * Handshakes on a socket the caller owns: attach the "alts" upper layer
 * protocol, hand the request to the kernel, read the outcome and the peer.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "internal.h"

static const char ulp_name[] = "alts";

int alts_lib_close_fail(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
	return -1;
}

/**
 * alts_lib_attach_ulp() - make @fd use the "alts" ULP unless it already does
 * @fd: a TCP socket
 *
 * Return: 0, or -1 with errno EEXIST (another ULP), or what getsockopt or
 * setsockopt(TCP_ULP) failed with (ENOENT: no alts.ko, ENOTCONN, ...).
 */
int alts_lib_attach_ulp(int fd)
{
	char name[16] = "";	/* TCP_ULP_NAME_MAX */
	socklen_t len = sizeof(name);

	if (getsockopt(fd, SOL_TCP, TCP_ULP, name, &len))
		return -1;
	if (len) {
		/* The kernel copies its whole NUL-padded name field. */
		if (len > sizeof(name))
			len = sizeof(name);
		if (strnlen(name, len) == sizeof(ulp_name) - 1 &&
		    !memcmp(name, ulp_name, sizeof(ulp_name) - 1))
			return 0;
		errno = EEXIST;
		return -1;
	}
	return setsockopt(fd, SOL_TCP, TCP_ULP, ulp_name, sizeof(ulp_name) - 1);
}

int alts_lib_request(int fd, const struct alts_handshake_req *req)
{
	if (alts_lib_attach_ulp(fd))
		return -1;
	return setsockopt(fd, SOL_ALTS, ALTS_HANDSHAKE, req, sizeof(*req));
}

ALTS_PUBLIC int alts_handshake(int fd, enum alts_hs_role role, const struct alts_opts *opts)
{
	struct alts_handshake_req req;

	if (alts_lib_encode_request(&req, role, opts))
		return -1;
	return alts_lib_request(fd, &req);
}

ALTS_PUBLIC int alts_handshake_result(int fd)
{
	struct alts_handshake_status st = {};
	socklen_t len = sizeof(st);
	int soerr;

	if (getsockopt(fd, SOL_ALTS, ALTS_HANDSHAKE, &st, &len))
		return -1;
	if (len < sizeof(st)) {
		errno = EPROTO;
		return -1;
	}
	switch (st.state) {
	case ALTS_HS_DONE:
		return 0;
	case ALTS_HS_PENDING:
	case ALTS_HS_RUNNING:
		errno = EINPROGRESS;
		return -1;
	case ALTS_HS_NONE:
		errno = EINVAL;
		return -1;
	case ALTS_HS_FAILED:
		/* A non-blocking handshake also left its error in SO_ERROR:
		 * reported here, it is not reported again by the next call.
		 */
		len = sizeof(soerr);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
		errno = st.error > 0 ? st.error : EIO;
		return -1;
	default:
		errno = EPROTO;
		return -1;
	}
}

static void copy_string(char *dst, const char *src, size_t size)
{
	size_t len = strnlen(src, size - 1);

	memcpy(dst, src, len);
	memset(dst + len, 0, size - len);
}

ALTS_PUBLIC int alts_peer_info(int fd, struct alts_peer *peer)
{
	struct alts_peer_info info = {};
	socklen_t len = sizeof(info);

	if (getsockopt(fd, SOL_ALTS, ALTS_PEER_INFO, &info, &len))
		return -1;
	if (len < sizeof(info) || info.version != ALTS_HANDSHAKE_VERSION) {
		errno = EPROTO;
		return -1;
	}
	memset(peer, 0, sizeof(*peer));
	copy_string(peer->peer_identity, info.peer_identity, sizeof(peer->peer_identity));
	copy_string(peer->local_identity, info.local_identity, sizeof(peer->local_identity));
	copy_string(peer->app_protocol, info.app_protocol, sizeof(peer->app_protocol));
	peer->record_protocol = info.record_protocol;
	peer->security_level = info.security_level;
	peer->max_frame_len = info.max_frame_len;
	peer->resumed = info.flags & ALTS_PEER_F_RESUMED;
	peer->pfs = info.flags & ALTS_PEER_F_PFS;
	return 0;
}

ALTS_PUBLIC const char *alts_record_protocol_name(unsigned int record_protocol)
{
	switch (record_protocol) {
	case ALTSRP_GCM_AES128:
		return "ALTSRP_GCM_AES128";
	case ALTSRP_GCM_AES128_REKEY:
		return "ALTSRP_GCM_AES128_REKEY";
	case ALTSRP_GMAC_128:
		return "ALTSRP_GMAC_128";
	default:
		return NULL;
	}
}
