/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Primitives (SHA-256, HKDF, HMAC, X25519, Ed25519, AES-256-GCM) over
 * OpenSSL 3 libcrypto, and the kalts key schedule built from them.
 */
#ifndef KALTS_KDF_H
#define KALTS_KDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "messages.h"

struct alts_iov {
	const void *p;
	size_t len;
};

bool alts_sha256(uint8_t out[ALTS_HASH_LEN], const struct alts_iov *iov, size_t n);
bool alts_hmac_sha256(uint8_t out[ALTS_HASH_LEN], const uint8_t *key, size_t key_len,
		      const struct alts_iov *iov, size_t n);
bool alts_hkdf_extract(uint8_t prk[ALTS_HASH_LEN], const void *salt, size_t salt_len,
		       const uint8_t *ikm, size_t ikm_len);
bool alts_hkdf_expand(uint8_t *out, size_t out_len, const uint8_t prk[ALTS_HASH_LEN],
		      const struct alts_iov *info, size_t n);

bool alts_x25519_public(uint8_t pub[ALTS_X25519_LEN], const uint8_t priv[ALTS_X25519_LEN]);
bool alts_x25519(uint8_t out[ALTS_X25519_LEN], const uint8_t priv[ALTS_X25519_LEN],
		 const uint8_t pub[ALTS_X25519_LEN]);

/* X25519 with a prepared key: the public key is computed once, at creation. */
struct evp_pkey_st;
struct evp_pkey_st *alts_x25519_key(const uint8_t priv[ALTS_X25519_LEN],
				    uint8_t pub[ALTS_X25519_LEN]);
bool alts_x25519_derive(uint8_t out[ALTS_X25519_LEN], struct evp_pkey_st *key,
			const uint8_t pub[ALTS_X25519_LEN]);
void alts_x25519_key_free(struct evp_pkey_st *key);

bool alts_ed25519_public(uint8_t pub[ALTS_ED25519_PUB_LEN], const uint8_t seed[32]);
bool alts_ed25519_sign(uint8_t sig[ALTS_ED25519_SIG_LEN], const uint8_t seed[32],
		       const char *label, const uint8_t *msg, size_t len);
bool alts_ed25519_verify(const uint8_t pub[ALTS_ED25519_PUB_LEN],
			 const uint8_t *sig, size_t sig_len,
			 const char *label, const uint8_t *msg, size_t len);

bool alts_aes256gcm_seal(uint8_t *out, const uint8_t key[32], const uint8_t nonce[12],
			 const uint8_t *aad, size_t aad_len,
			 const uint8_t *in, size_t in_len);
bool alts_aes256gcm_open(uint8_t *out, const uint8_t key[32], const uint8_t nonce[12],
			 const uint8_t *aad, size_t aad_len,
			 const uint8_t *in, size_t in_len);

/* Outputs of one handshake's key schedule (design 5.7). */
struct alts_keys {
	uint8_t m[ALTS_RECORD_KEY_MAX];	/* record key, m_len bytes */
	size_t m_len;
	uint8_t a[ALTS_AUTH_LEN];	/* authenticator key */
	uint8_t r[ALTS_SECRET_LEN];	/* next resumption secret R' (client-held ticket) */
	uint8_t rs[ALTS_SECRET_LEN];	/* the same for a server-held ticket */
};

bool alts_key_schedule(struct alts_keys *k, bool resumed,
		       const uint8_t *ikm, size_t ikm_len,
		       const char *record_protocol, size_t m_len,
		       const uint8_t th[ALTS_HASH_LEN]);

bool alts_authenticator(uint8_t out[ALTS_AUTH_LEN], const uint8_t a[ALTS_AUTH_LEN],
			const char *label, const uint8_t *fields, size_t fields_len);

#endif /* KALTS_KDF_H */
