/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altshd's local interface: a SOCK_SEQPACKET unix socket. A request is one
 * message, a packed kalts.hsd.HandshakeRequest with the socket to run the
 * handshake on attached as SCM_RIGHTS; the answer is one packed
 * kalts.hsd.HandshakeResponse.
 */
#ifndef KALTS_ALTSHD_H
#define KALTS_ALTSHD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alts_hs.h"

#define ALTSHD_SOCKET		"/run/altshd.sock"
#define ALTSHD_CONFDIR		"/etc/kalts"
#define ALTSHD_MAX_MSG		8192
#define ALTSHD_MAX_JOBS		64

struct altshd_request {
	enum alts_role role;
	const char *const *target_identities;
	size_t n_target_identities;
	const enum alts_rp *record_protocols;
	size_t n_record_protocols;
	uint32_t timeout_ms;
	bool return_key;
	enum alts_pfs pfs;
};

struct altshd_response {
	int status;			/* enum alts_err */
	int errno_value;
	enum alts_rp record_protocol;
	uint8_t key[ALTS_RECORD_KEY_MAX];
	size_t key_len;
	uint32_t max_frame_size;
	char peer_identity[ALTS_MAX_IDENTITY + 1];
	char local_identity[ALTS_MAX_IDENTITY + 1];
	char app_protocol[ALTS_MAX_NAME + 1];
	bool resumed, pfs, keys_installed;
};

/* Asks the daemon at @path to run a handshake on @fd; waits for the outcome. */
int altshd_handshake(const char *path, int fd, const struct altshd_request *req,
		     struct altshd_response *resp);

/* Confines a handshake process (seccomp); 0 or -errno. */
int altshd_sandbox(void);

#endif /* KALTS_ALTSHD_H */
