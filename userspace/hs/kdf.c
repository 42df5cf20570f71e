// SPDX-License-Identifier: GPL-2.0
/*
 * Primitives over OpenSSL 3 and the kalts key schedule:
 *
 *	PRK = HKDF-Extract(label("full" | "resume"), IKM)
 *	M   = HKDF-Expand(PRK, label("record ") || record_protocol || TH, 16 | 44)
 *	A   = HKDF-Expand(PRK, label("authenticator") || TH, 32)
 *	R'  = HKDF-Expand(PRK, label("resumption") || TH, 32)
 *	R's = HKDF-Expand(PRK, label("server resumption") || TH, 32)
 *
 * with IKM = ss [|| ee] for a full handshake and R [|| ee] for a resumed
 * one, and authenticators
 *
 *	HMAC-SHA256(A, label("server finished" | "client finished") ||
 *		    SHA-256(the Finished message's ticket field))
 */
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "kdf.h"

static EVP_MAC *hmac_alg;
static EVP_MD *sha256_alg;
static pthread_once_t algs_once = PTHREAD_ONCE_INIT;

static void algs_fetch(void)
{
	hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
	sha256_alg = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static bool algs_ready(void)
{
	pthread_once(&algs_once, algs_fetch);
	return hmac_alg && sha256_alg;
}

bool alts_sha256(uint8_t out[ALTS_HASH_LEN], const struct alts_iov *iov, size_t n)
{
	EVP_MD_CTX *ctx;
	bool ret = false;
	size_t i;

	if (!algs_ready() || !(ctx = EVP_MD_CTX_new()))
		return false;
	if (!EVP_DigestInit_ex(ctx, sha256_alg, NULL))
		goto out;
	for (i = 0; i < n; i++)
		if (!EVP_DigestUpdate(ctx, iov[i].p, iov[i].len))
			goto out;
	ret = EVP_DigestFinal_ex(ctx, out, NULL) == 1;
out:
	EVP_MD_CTX_free(ctx);
	return ret;
}

bool alts_hmac_sha256(uint8_t out[ALTS_HASH_LEN], const uint8_t *key, size_t key_len,
		      const struct alts_iov *iov, size_t n)
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	bool ret = false;
	size_t i, olen;

	if (!algs_ready() || !(ctx = EVP_MAC_CTX_new(hmac_alg)))
		return false;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, key, key_len, params))
		goto out;
	for (i = 0; i < n; i++)
		if (!EVP_MAC_update(ctx, iov[i].p, iov[i].len))
			goto out;
	ret = EVP_MAC_final(ctx, out, &olen, ALTS_HASH_LEN) == 1 && olen == ALTS_HASH_LEN;
out:
	EVP_MAC_CTX_free(ctx);
	return ret;
}

/* RFC 5869 section 2.2; an empty salt is a string of HashLen zeros. */
bool alts_hkdf_extract(uint8_t prk[ALTS_HASH_LEN], const void *salt, size_t salt_len,
		       const uint8_t *ikm, size_t ikm_len)
{
	static const uint8_t zeros[ALTS_HASH_LEN];
	struct alts_iov iov = { ikm, ikm_len };

	if (!salt_len) {
		salt = zeros;
		salt_len = sizeof(zeros);
	}
	return alts_hmac_sha256(prk, salt, salt_len, &iov, 1);
}

/*
 * RFC 5869 section 2.3 with the info string given as pieces, so that no
 * label || name || TH buffer has to be assembled. The HMAC is keyed once
 * and duplicated per block.
 */
bool alts_hkdf_expand(uint8_t *out, size_t out_len, const uint8_t prk[ALTS_HASH_LEN],
		      const struct alts_iov *info, size_t n)
{
	struct alts_iov iov[8];
	uint8_t t[ALTS_HASH_LEN];
	size_t done = 0, tlen = 0, i;
	uint8_t ctr = 1;
	bool ret = false;

	if (n > 6 || out_len > 255 * ALTS_HASH_LEN)
		return false;
	while (done < out_len) {
		size_t k = 0, take;

		iov[k++] = (struct alts_iov){ t, tlen };
		for (i = 0; i < n; i++)
			iov[k++] = info[i];
		iov[k++] = (struct alts_iov){ &ctr, 1 };
		if (!alts_hmac_sha256(t, prk, ALTS_HASH_LEN, iov, k))
			goto out;
		tlen = ALTS_HASH_LEN;
		take = out_len - done < tlen ? out_len - done : tlen;
		memcpy(out + done, t, take);
		done += take;
		ctr++;
	}
	ret = true;
out:
	OPENSSL_cleanse(t, sizeof(t));
	return ret;
}

bool alts_x25519_public(uint8_t pub[ALTS_X25519_LEN], const uint8_t priv[ALTS_X25519_LEN])
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, ALTS_X25519_LEN);
	size_t len = ALTS_X25519_LEN;
	bool ret;

	if (!k)
		return false;
	ret = EVP_PKEY_get_raw_public_key(k, pub, &len) == 1 && len == ALTS_X25519_LEN;
	EVP_PKEY_free(k);
	return ret;
}

EVP_PKEY *alts_x25519_key(const uint8_t priv[ALTS_X25519_LEN], uint8_t pub[ALTS_X25519_LEN])
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, ALTS_X25519_LEN);
	size_t len = ALTS_X25519_LEN;

	if (k && pub && (EVP_PKEY_get_raw_public_key(k, pub, &len) != 1 || len != ALTS_X25519_LEN)) {
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

void alts_x25519_key_free(EVP_PKEY *key)
{
	EVP_PKEY_free(key);
}

/* Fails on an all-zero output (peer key of small order), compared in constant time. */
bool alts_x25519_derive(uint8_t out[ALTS_X25519_LEN], EVP_PKEY *k, const uint8_t pub[ALTS_X25519_LEN])
{
	static const uint8_t zeros[ALTS_X25519_LEN];
	EVP_PKEY *p = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t len = ALTS_X25519_LEN;
	bool ret = false;

	p = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, pub, ALTS_X25519_LEN);
	if (!k || !p || !(ctx = EVP_PKEY_CTX_new(k, NULL)))
		goto out;
	if (EVP_PKEY_derive_init(ctx) != 1 || EVP_PKEY_derive_set_peer(ctx, p) != 1 ||
	    EVP_PKEY_derive(ctx, out, &len) != 1 || len != ALTS_X25519_LEN)
		goto out;
	ret = CRYPTO_memcmp(out, zeros, ALTS_X25519_LEN) != 0;
out:
	if (!ret)
		OPENSSL_cleanse(out, ALTS_X25519_LEN);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(p);
	return ret;
}

bool alts_x25519(uint8_t out[ALTS_X25519_LEN], const uint8_t priv[ALTS_X25519_LEN],
		 const uint8_t pub[ALTS_X25519_LEN])
{
	EVP_PKEY *k = alts_x25519_key(priv, NULL);
	bool ret = alts_x25519_derive(out, k, pub);

	EVP_PKEY_free(k);
	return ret;
}

bool alts_ed25519_public(uint8_t pub[ALTS_ED25519_PUB_LEN], const uint8_t seed[32])
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	size_t len = ALTS_ED25519_PUB_LEN;
	bool ret;

	if (!k)
		return false;
	ret = EVP_PKEY_get_raw_public_key(k, pub, &len) == 1 && len == ALTS_ED25519_PUB_LEN;
	EVP_PKEY_free(k);
	return ret;
}

/* Signatures are domain-separated: Ed25519(label || msg). */
static uint8_t *labelled(const char *label, const uint8_t *msg, size_t len, size_t *out_len)
{
	size_t ll = strlen(label);
	uint8_t *buf = OPENSSL_malloc(ll + len + 1);

	if (!buf)
		return NULL;
	memcpy(buf, label, ll);
	if (len)
		memcpy(buf + ll, msg, len);
	*out_len = ll + len;
	return buf;
}

bool alts_ed25519_sign(uint8_t sig[ALTS_ED25519_SIG_LEN], const uint8_t seed[32],
		       const char *label, const uint8_t *msg, size_t len)
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t slen = ALTS_ED25519_SIG_LEN, blen;
	uint8_t *buf = labelled(label, msg, len, &blen);
	bool ret = false;

	if (!k || !ctx || !buf)
		goto out;
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) != 1 ||
	    EVP_DigestSign(ctx, sig, &slen, buf, blen) != 1)
		goto out;
	ret = slen == ALTS_ED25519_SIG_LEN;
out:
	OPENSSL_free(buf);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return ret;
}

bool alts_ed25519_verify(const uint8_t pub[ALTS_ED25519_PUB_LEN],
			 const uint8_t *sig, size_t sig_len,
			 const char *label, const uint8_t *msg, size_t len)
{
	EVP_PKEY *k;
	EVP_MD_CTX *ctx;
	uint8_t *buf;
	size_t blen;
	bool ret = false;

	if (sig_len != ALTS_ED25519_SIG_LEN)
		return false;
	k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, ALTS_ED25519_PUB_LEN);
	ctx = EVP_MD_CTX_new();
	buf = labelled(label, msg, len, &blen);
	if (!k || !ctx || !buf)
		goto out;
	if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k) != 1)
		goto out;
	ret = EVP_DigestVerify(ctx, sig, sig_len, buf, blen) == 1;
out:
	OPENSSL_free(buf);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return ret;
}

static bool gcm(bool enc, uint8_t *out, const uint8_t key[32], const uint8_t nonce[12],
		const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t in_len)
{
	EVP_CIPHER_CTX *ctx;
	size_t body = enc ? in_len : in_len - ALTS_TICKET_TAG_LEN;
	uint8_t tag[ALTS_TICKET_TAG_LEN];
	bool ret = false;
	int n;

	if (!enc && in_len < ALTS_TICKET_TAG_LEN)
		return false;
	if (body > INT32_MAX || aad_len > INT32_MAX || !(ctx = EVP_CIPHER_CTX_new()))
		return false;
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce, enc) != 1)
		goto out;
	if (aad_len && EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1)
		goto out;
	if (body && EVP_CipherUpdate(ctx, out, &n, in, (int)body) != 1)
		goto out;
	if (enc) {
		if (EVP_CipherFinal_ex(ctx, out + body, &n) != 1 ||
		    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, sizeof(tag), tag) != 1)
			goto out;
		memcpy(out + body, tag, sizeof(tag));
	} else {
		memcpy(tag, in + body, sizeof(tag));
		if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, sizeof(tag), tag) != 1 ||
		    EVP_CipherFinal_ex(ctx, out + body, &n) != 1) {
			OPENSSL_cleanse(out, body);
			goto out;
		}
	}
	ret = true;
out:
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

bool alts_aes256gcm_seal(uint8_t *out, const uint8_t key[32], const uint8_t nonce[12],
			 const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t in_len)
{
	return gcm(true, out, key, nonce, aad, aad_len, in, in_len);
}

bool alts_aes256gcm_open(uint8_t *out, const uint8_t key[32], const uint8_t nonce[12],
			 const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t in_len)
{
	return gcm(false, out, key, nonce, aad, aad_len, in, in_len);
}

bool alts_key_schedule(struct alts_keys *k, bool resumed,
		       const uint8_t *ikm, size_t ikm_len,
		       const char *record_protocol, size_t m_len,
		       const uint8_t th[ALTS_HASH_LEN])
{
	const char *salt = resumed ? ALTS_LABEL_RESUME : ALTS_LABEL_FULL;
	uint8_t prk[ALTS_HASH_LEN];
	bool ret = false;

	if (m_len > sizeof(k->m))
		return false;
	/* PRK */
	if (!alts_hkdf_extract(prk, salt, strlen(salt), ikm, ikm_len))
		goto out;
	/* M */
	{
		struct alts_iov info[] = {
			{ ALTS_LABEL_RECORD, strlen(ALTS_LABEL_RECORD) },
			{ record_protocol, strlen(record_protocol) },
			{ th, ALTS_HASH_LEN },
		};
		if (!alts_hkdf_expand(k->m, m_len, prk, info, 3))
			goto out;
		k->m_len = m_len;
	}
	/* A */
	{
		struct alts_iov info[] = {
			{ ALTS_LABEL_AUTH, strlen(ALTS_LABEL_AUTH) },
			{ th, ALTS_HASH_LEN },
		};
		if (!alts_hkdf_expand(k->a, sizeof(k->a), prk, info, 2))
			goto out;
	}
	/* R' */
	{
		struct alts_iov info[] = {
			{ ALTS_LABEL_RES, strlen(ALTS_LABEL_RES) },
			{ th, ALTS_HASH_LEN },
		};
		if (!alts_hkdf_expand(k->r, sizeof(k->r), prk, info, 2))
			goto out;
	}
	/* R's */
	{
		struct alts_iov info[] = {
			{ ALTS_LABEL_RES_SERVER, strlen(ALTS_LABEL_RES_SERVER) },
			{ th, ALTS_HASH_LEN },
		};
		if (!alts_hkdf_expand(k->rs, sizeof(k->rs), prk, info, 2))
			goto out;
	}
	ret = true;
out:
	OPENSSL_cleanse(prk, sizeof(prk));
	if (!ret)
		OPENSSL_cleanse(k, sizeof(*k));
	return ret;
}

bool alts_authenticator(uint8_t out[ALTS_AUTH_LEN], const uint8_t a[ALTS_AUTH_LEN],
			const char *label, const uint8_t *fields, size_t fields_len)
{
	uint8_t h[ALTS_HASH_LEN];
	struct alts_iov f = { fields, fields_len };
	struct alts_iov iov[2] = { { label, strlen(label) }, { h, sizeof(h) } };

	if (!alts_sha256(h, &f, 1))
		return false;
	return alts_hmac_sha256(out, a, ALTS_AUTH_LEN, iov, 2);
}
