// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD fake of alts.ko's socket options, for running the examples
 * over plain loopback TCP on a machine without alts.ko: TCP_ULP "alts" is
 * accepted, ALTS_HANDSHAKE succeeds at once (after the kernel's request
 * checks), and ALTS_PEER_INFO names the peer $FAKE_ALTS_PEER. Nothing is
 * encrypted: this exercises the examples' own protocol and libalts's calls,
 * not ALTS.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <linux/alts.h>

#define MAX_FD 1024

static struct {
	bool ulp;
	bool done;
	char local[ALTS_IDENTITY_SIZE];
} socks[MAX_FD];

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

static int fail(int err)
{
	errno = err;
	return -1;
}

static bool is_alts(int fd)
{
	return fd >= 0 && fd < MAX_FD && socks[fd].ulp;
}

int close(int fd)
{
	if (fd >= 0 && fd < MAX_FD)
		memset(&socks[fd], 0, sizeof(socks[fd]));
	return REAL(close)(fd);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	const struct alts_handshake_req *req = val;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);

	if (level == SOL_TCP && name == TCP_ULP && len == 4 && !memcmp(val, "alts", 4) &&
	    fd >= 0 && fd < MAX_FD) {
		if (socks[fd].ulp)
			return fail(EEXIST);
		if (getpeername(fd, (struct sockaddr *)&ss, &sslen))
			return fail(ENOTCONN);
		socks[fd].ulp = true;
		return 0;
	}
	if (level != SOL_ALTS)
		return REAL(setsockopt)(fd, level, name, val, len);
	if (!is_alts(fd) || name != ALTS_HANDSHAKE)
		return fail(ENOPROTOOPT);
	if (len != sizeof(*req) || req->version != ALTS_HANDSHAKE_VERSION || req->role > 1 ||
	    req->n_targets > ALTS_HS_MAX_TARGETS ||
	    (req->role == ALTS_ROLE_CLIENT && !req->n_targets && !(req->flags & ALTS_HS_F_ANY_PEER)))
		return fail(EINVAL);
	if (socks[fd].done)
		return fail(EISCONN);
	memcpy(socks[fd].local, req->local_identity, sizeof(socks[fd].local));
	socks[fd].done = true;
	return 0;
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	if (level == SOL_TCP && name == TCP_ULP && is_alts(fd)) {
		*len = *len < 16 ? *len : 16;
		memset(val, 0, *len);
		memcpy(val, "alts", *len < 4 ? *len : 4);
		return 0;
	}
	if (level != SOL_ALTS)
		return REAL(getsockopt)(fd, level, name, val, len);
	if (!is_alts(fd))
		return fail(EOPNOTSUPP);
	if (name == ALTS_HANDSHAKE && *len >= sizeof(struct alts_handshake_status)) {
		struct alts_handshake_status st = { socks[fd].done ? ALTS_HS_DONE : ALTS_HS_NONE, 0 };

		memcpy(val, &st, sizeof(st));
		*len = sizeof(st);
		return 0;
	}
	if (name == ALTS_PEER_INFO && *len >= sizeof(struct alts_peer_info)) {
		struct alts_peer_info info = {
			.version = ALTS_HANDSHAKE_VERSION,
			.record_protocol = ALTSRP_GCM_AES128_REKEY,
			.security_level = ALTS_SECURITY_INTEGRITY_AND_PRIVACY,
			.flags = ALTS_PEER_F_PFS,
			.max_frame_len = ALTS_FRAME_LEN_DEFAULT_TX,
		};
		const char *peer = getenv("FAKE_ALTS_PEER");

		if (!socks[fd].done)
			return fail(ENODATA);
		strncpy(info.peer_identity, peer ? peer : "", sizeof(info.peer_identity) - 1);
		memcpy(info.local_identity, socks[fd].local, sizeof(info.local_identity));
		memcpy(val, &info, sizeof(info));
		*len = sizeof(info);
		return 0;
	}
	return fail(EINVAL);
}
