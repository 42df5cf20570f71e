/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wire format of the kalts handshake in one place: frame header, frame
 * types, sizes, limits, names and KDF labels.
 *
 * A handshake frame has the shape of an ALTS record frame:
 *
 *	u32 LE length (covers type and body, not itself) || u32 LE type || body
 *
 * and the body is one protobuf message from alts_handshake.proto.
 */
#ifndef KALTS_MESSAGES_H
#define KALTS_MESSAGES_H

#include <stddef.h>
#include <stdint.h>

enum alts_frame_type {
	ALTS_FRAME_CLIENT_INIT = 1,
	ALTS_FRAME_SERVER_INIT = 2,
	ALTS_FRAME_SERVER_FINISHED = 3,
	ALTS_FRAME_CLIENT_FINISHED = 4,
	ALTS_FRAME_ALERT = 5,
	/* 6 is the record layer's data frame: never a handshake frame. */
};

enum alts_hs_lengths {
	ALTS_FRAME_HEADER_LEN = 8,
	ALTS_FRAME_LEN_FIELD = 4,
	ALTS_FRAME_MAX = 65536,		/* whole frame, header included */
	ALTS_NONCE_LEN = 32,
	ALTS_X25519_LEN = 32,
	ALTS_ED25519_PUB_LEN = 32,
	ALTS_ED25519_SIG_LEN = 64,
	ALTS_HASH_LEN = 32,
	ALTS_AUTH_LEN = 32,
	ALTS_SECRET_LEN = 32,
	ALTS_IDR_LEN = 16,
	ALTS_RES_KEY_LEN = 32,
	ALTS_TICKET_NONCE_LEN = 12,
	ALTS_TICKET_TAG_LEN = 16,
	ALTS_TICKET_VERSION = 1,
	ALTS_TICKET_HEADER_LEN = ALTS_IDR_LEN + 1 + ALTS_TICKET_NONCE_LEN,
	ALTS_RECORD_KEY_MAX = 44,
};

enum alts_hs_limits {
	ALTS_HS_VERSION = 1,
	ALTS_MAX_IDENTITY = 512,
	ALTS_MAX_NAME = 64,		/* cipher, protocol, attribute key */
	ALTS_MAX_ATTR_VALUE = 512,
	ALTS_MAX_LIST = 16,		/* ciphers, protocols, identities */
	ALTS_MAX_ATTRS = 32,
	ALTS_MAX_CERT = 8192,
	ALTS_MAX_TICKET = 2048,
	ALTS_CLOCK_SKEW = 60,		/* seconds */
	ALTS_TICKET_LIFETIME = 7200,	/* seconds, capped by cert expiry */
	ALTS_HS_TIMEOUT_MS = 10000,
};

#define ALTS_CIPHER_STATIC	"ALTS1_X25519_HKDF_SHA256_HMAC_SHA256"
#define ALTS_CIPHER_PFS		"ALTS1_X25519E_HKDF_SHA256_HMAC_SHA256"

#define ALTS_RPN_GCM_AES128_REKEY	"ALTSRP_GCM_AES128_REKEY"
#define ALTS_RPN_GCM_AES128		"ALTSRP_GCM_AES128"
#define ALTS_RPN_GMAC_128		"ALTSRP_GMAC_128"

/* Every KDF, MAC and signature label starts with this prefix. */
#define ALTS_LABEL_PREFIX	"kalts-alts v1 "
#define ALTS_LABEL(x)		ALTS_LABEL_PREFIX x

#define ALTS_LABEL_FULL		ALTS_LABEL("full")
#define ALTS_LABEL_RESUME	ALTS_LABEL("resume")
#define ALTS_LABEL_RECORD	ALTS_LABEL("record ")
#define ALTS_LABEL_AUTH		ALTS_LABEL("authenticator")
#define ALTS_LABEL_RES		ALTS_LABEL("resumption")
#define ALTS_LABEL_RES_SERVER	ALTS_LABEL("server resumption")
#define ALTS_LABEL_SFIN		ALTS_LABEL("server finished")
#define ALTS_LABEL_CFIN		ALTS_LABEL("client finished")
#define ALTS_LABEL_TICKET	ALTS_LABEL("ticket")
#define ALTS_LABEL_MASTER	ALTS_LABEL("master cert")
#define ALTS_LABEL_HSCERT	ALTS_LABEL("handshake cert")

#define ALTS_HS_LABEL_TEXT \
	"kalts handshake: an ALTS-style handshake as described in Google's ALTS\n" \
	"whitepaper (December 2017). It follows the whitepaper's message flow, key\n" \
	"exchange, secrets and resumption model, but its wire encoding, labels and\n" \
	"formats are kalts's own: it does not interoperate with Google's ALTS\n" \
	"handshake, which is not publicly specified. The record layer is\n" \
	"byte-compatible with gRPC's ALTS record protocol.\n"

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

#endif /* KALTS_MESSAGES_H */
