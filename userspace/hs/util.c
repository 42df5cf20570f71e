// SPDX-License-Identifier: GPL-2.0
/* Names and error mapping. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "alts_hs.h"

static const char *const err_names[__ALTS_ERR_MAX] = {
	[ALTS_OK] = "success",
	[ALTS_ERR_MALFORMED] = "malformed message",
	[ALTS_ERR_BAD_CERT] = "bad certificate",
	[ALTS_ERR_UNTRUSTED] = "certificate not signed by a trusted root",
	[ALTS_ERR_EXPIRED] = "certificate expired",
	[ALTS_ERR_NOT_YET_VALID] = "certificate not yet valid",
	[ALTS_ERR_REVOKED] = "certificate revoked",
	[ALTS_ERR_POLICY] = "issuer policy violation",
	[ALTS_ERR_IDENTITY_MISMATCH] = "peer identity not acceptable",
	[ALTS_ERR_NO_COMMON_PROTOCOL] = "no common protocol",
	[ALTS_ERR_BAD_AUTHENTICATOR] = "bad authenticator",
	[ALTS_ERR_RESUMPTION] = "resumption failed",
	[ALTS_ERR_INTERNAL] = "internal error",
	[ALTS_ERR_TIMEOUT] = "handshake timed out",
	[ALTS_ERR_CLOSED] = "peer closed the connection",
	[ALTS_ERR_STATE] = "handshake API used out of order",
	[ALTS_ERR_IO] = "I/O error",
	[ALTS_ERR_NOMEM] = "out of memory",
	[ALTS_ERR_CONFIG] = "bad configuration",
};

const char *alts_strerror(int err)
{
	if (err < 0 || err >= __ALTS_ERR_MAX)
		return "unknown error";
	return err_names[err];
}

/* Design 5.12: what the application sees. */
int alts_err_to_errno(int err)
{
	switch (err) {
	case ALTS_OK:
		return 0;
	case ALTS_ERR_MALFORMED:
		return EBADMSG;
	case ALTS_ERR_BAD_CERT:
	case ALTS_ERR_BAD_AUTHENTICATOR:
	case ALTS_ERR_RESUMPTION:
		return EPROTO;
	case ALTS_ERR_UNTRUSTED:
	case ALTS_ERR_POLICY:
	case ALTS_ERR_IDENTITY_MISMATCH:
		return EACCES;
	case ALTS_ERR_EXPIRED:
	case ALTS_ERR_NOT_YET_VALID:
		return EKEYEXPIRED;
	case ALTS_ERR_REVOKED:
		return EKEYREVOKED;
	case ALTS_ERR_NO_COMMON_PROTOCOL:
		return EPROTONOSUPPORT;
	case ALTS_ERR_TIMEOUT:
		return ETIMEDOUT;
	case ALTS_ERR_CLOSED:
		return ECONNRESET;
	case ALTS_ERR_NOMEM:
		return ENOMEM;
	case ALTS_ERR_IO:
		return EIO;
	default:
		return EINVAL;
	}
}

static const char *const rp_names[] = {
	[ALTS_RP_GCM_AES128] = ALTS_RPN_GCM_AES128,
	[ALTS_RP_GCM_AES128_REKEY] = ALTS_RPN_GCM_AES128_REKEY,
	[ALTS_RP_GMAC_128] = ALTS_RPN_GMAC_128,
};

const char *alts_rp_name(enum alts_rp rp)
{
	if (rp <= ALTS_RP_UNSPEC || rp > ALTS_RP_GMAC_128)
		return NULL;
	return rp_names[rp];
}

enum alts_rp alts_rp_from_name(const char *name)
{
	int i;

	for (i = ALTS_RP_GCM_AES128; i <= ALTS_RP_GMAC_128; i++)
		if (!strcmp(name, rp_names[i]))
			return i;
	return ALTS_RP_UNSPEC;
}

size_t alts_rp_key_len(enum alts_rp rp)
{
	switch (rp) {
	case ALTS_RP_GCM_AES128_REKEY:
		return 44;
	case ALTS_RP_GCM_AES128:
	case ALTS_RP_GMAC_128:
		return 16;
	default:
		return 0;
	}
}

static const char *const cat_names[] = { "unspec", "human", "machine", "workload" };

const char *alts_category_name(int cat)
{
	if (cat < 0 || cat > ALTS_CAT_WORKLOAD)
		return "invalid";
	return cat_names[cat];
}

int alts_category_from_name(const char *name)
{
	int i;

	for (i = ALTS_CAT_HUMAN; i <= ALTS_CAT_WORKLOAD; i++)
		if (!strcmp(name, cat_names[i]))
			return i;
	return -1;
}

void alts_buf_free(struct alts_buf *b)
{
	if (b->data)
		OPENSSL_clear_free(b->data, b->cap);
	b->data = NULL;
	b->len = b->cap = 0;
}
