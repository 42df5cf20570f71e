// SPDX-License-Identifier: GPL-2.0
/*
 * struct alts_opts -> struct alts_handshake_req. Checks everything the
 * kernel checks, so a bad option fails with EINVAL before any system call.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define KNOWN_RECORD_PROTOCOLS (ALTS_RECORD_PROTOCOL_BIT(ALTSRP_GCM_AES128) | \
				ALTS_RECORD_PROTOCOL_BIT(ALTSRP_GCM_AES128_REKEY) | \
				ALTS_RECORD_PROTOCOL_BIT(ALTSRP_GMAC_128))

/* Copies @s into a zeroed field of ALTS_IDENTITY_SIZE bytes. */
static bool put_identity(char *field, const char *s, bool may_be_empty)
{
	size_t len = strnlen(s, ALTS_IDENTITY_MAX_LEN + 1);

	if (len > ALTS_IDENTITY_MAX_LEN || (!len && !may_be_empty))
		return false;
	memcpy(field, s, len);
	return true;
}

/**
 * alts_lib_encode_request() - build the kernel's request from @opts
 * @req: filled; every byte not set from @opts is zero
 * @role: ALTS_ROLE_CLIENT or ALTS_ROLE_SERVER
 * @opts: the caller's options, NULL for the defaults
 *
 * Return: 0, or -1 with errno EINVAL.
 */
int alts_lib_encode_request(struct alts_handshake_req *req, enum alts_hs_role role,
			    const struct alts_opts *opts)
{
	static const struct alts_opts defaults;
	unsigned int n = 0;

	memset(req, 0, sizeof(*req));
	if (!opts)
		opts = &defaults;
	if (role != ALTS_ROLE_CLIENT && role != ALTS_ROLE_SERVER)
		goto invalid;
	if (opts->record_protocols & ~KNOWN_RECORD_PROTOCOLS)
		goto invalid;
	if (opts->timeout_ms > ALTS_HS_TIMEOUT_MAX_MS)
		goto invalid;
	if (opts->max_frame_len && (opts->max_frame_len < ALTS_FRAME_LEN_MIN ||
				    opts->max_frame_len > ALTS_FRAME_LEN_MAX))
		goto invalid;
	if (opts->any_peer && role != ALTS_ROLE_CLIENT)
		goto invalid;
	if (opts->local_identity && !put_identity(req->local_identity, opts->local_identity, true))
		goto invalid;
	for (n = 0; opts->target_identities && opts->target_identities[n]; n++) {
		if (n == ALTS_HS_MAX_TARGETS ||
		    !put_identity(req->target_identities[n], opts->target_identities[n], false))
			goto invalid;
	}
	if (role == ALTS_ROLE_CLIENT && !n && !opts->any_peer)
		goto invalid;

	req->version = ALTS_HANDSHAKE_VERSION;
	req->role = (__u8)role;
	req->n_targets = (__u8)n;
	req->flags = (opts->any_peer ? ALTS_HS_F_ANY_PEER : 0) |
		     (opts->require_pfs ? ALTS_HS_F_REQUIRE_PFS : 0);
	req->record_protocols = opts->record_protocols;
	req->timeout_ms = opts->timeout_ms;
	req->max_frame_len = opts->max_frame_len;
	return 0;

invalid:
	memset(req, 0, sizeof(*req));
	errno = EINVAL;
	return -1;
}
