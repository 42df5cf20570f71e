// SPDX-License-Identifier: GPL-2.0
/*
 * alts_record.c - userspace codec for gRPC's ALTS record protocol, on
 * OpenSSL 3 libcrypto. See alts_record.h and record-protocol.md.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "alts_record.h"

enum {
	KDF_KEY_SIZE = 32,
	KDF_COUNTER_OFFSET = 2,
	KDF_COUNTER_SIZE = 6,
	AES128_KEY_SIZE = 16,
	NONCE_MASK_OFFSET = 32,
};

struct alts_crypter {
	EVP_CIPHER_CTX *ctx;
	enum alts_record_protocol proto;
	bool seal;
	bool keyed;
	uint32_t max_l;
	size_t overflow_len;
	uint8_t ctr[ALTS_COUNTER_SIZE];
	uint8_t kdf_ctr[KDF_COUNTER_SIZE];	/* epoch of the key in ctx */
	uint8_t key[ALTS_KEY_MAX_SIZE];
	size_t key_len;
};

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

size_t alts_overflow_len(enum alts_record_protocol proto)
{
	switch (proto) {
	case ALTSRP_GCM_AES128:
	case ALTSRP_GMAC_128:
		return ALTS_OVERFLOW_LEN;
	case ALTSRP_GCM_AES128_REKEY:
		return ALTS_OVERFLOW_LEN_REKEY;
	default:
		return 0;
	}
}

size_t alts_key_len(enum alts_record_protocol proto)
{
	switch (proto) {
	case ALTSRP_GCM_AES128:
		return ALTS_GCM_AES128_KEY_SIZE;
	case ALTSRP_GMAC_128:
		return ALTS_GMAC_128_KEY_SIZE;
	case ALTSRP_GCM_AES128_REKEY:
		return ALTS_GCM_AES128_REKEY_KEY_SIZE;
	default:
		return 0;
	}
}

void alts_counter_init(uint8_t ctr[ALTS_COUNTER_SIZE], uint64_t frame_number,
		       enum alts_side sender)
{
	int i;

	memset(ctr, 0, ALTS_COUNTER_SIZE);
	for (i = 0; i < 8; i++)
		ctr[i] = frame_number >> (8 * i);
	if (sender == ALTS_SIDE_SERVER)
		ctr[ALTS_COUNTER_SIZE - 1] = 0x80;
}

int alts_counter_inc(uint8_t ctr[ALTS_COUNTER_SIZE], size_t overflow_len)
{
	size_t i;

	for (i = 0; i < overflow_len; i++)
		if (++ctr[i])
			return 0;
	return -EKEYEXPIRED;
}

/* The last value of the counting bytes may not be used (spec §4). */
static bool counter_exhausted(const uint8_t *ctr, size_t overflow_len)
{
	size_t i;

	for (i = 0; i < overflow_len; i++)
		if (ctr[i] != 0xff)
			return false;
	return true;
}

int alts_rekey_derive(const uint8_t kdf_key[32],
		      const uint8_t ctr[ALTS_COUNTER_SIZE], uint8_t out[16])
{
	uint8_t msg[KDF_COUNTER_SIZE + 1];
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	int ret = 0;

	memcpy(msg, ctr + KDF_COUNTER_OFFSET, KDF_COUNTER_SIZE);
	msg[KDF_COUNTER_SIZE] = 0x01;
	if (!HMAC(EVP_sha256(), kdf_key, KDF_KEY_SIZE, msg, sizeof(msg), mac,
		  &mac_len) || mac_len < AES128_KEY_SIZE)
		ret = -ENOMEM;
	else
		memcpy(out, mac, AES128_KEY_SIZE);
	OPENSSL_cleanse(mac, sizeof(mac));
	return ret;
}

/*
 * One AES-GCM operation on a keyed context. Seal writes @in_len bytes to
 * @out and the tag to @tag; open reads the tag from @tag and returns
 * -EBADMSG (with @out wiped) if it does not verify.
 */
static int gcm_crypt(EVP_CIPHER_CTX *ctx, bool seal,
		     const uint8_t nonce[ALTS_COUNTER_SIZE],
		     const uint8_t *aad, size_t aad_len,
		     const uint8_t *in, size_t in_len,
		     uint8_t *out, uint8_t tag[ALTS_TAG_SIZE])
{
	uint8_t fin[ALTS_TAG_SIZE];
	int n, enc = seal ? 1 : 0;

	if (aad_len > INT_MAX || in_len > INT_MAX)
		return -EMSGSIZE;
	if (!EVP_CipherInit_ex(ctx, NULL, NULL, NULL, nonce, enc))
		return -ENOMEM;
	if (aad_len && !EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len))
		return -ENOMEM;
	if (in_len && !EVP_CipherUpdate(ctx, out, &n, in, (int)in_len))
		return -ENOMEM;
	if (seal) {
		if (!EVP_CipherFinal_ex(ctx, fin, &n) ||
		    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
					 ALTS_TAG_SIZE, tag))
			return -ENOMEM;
		return 0;
	}
	if (!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, ALTS_TAG_SIZE,
				 tag))
		return -ENOMEM;
	if (EVP_CipherFinal_ex(ctx, fin, &n) <= 0) {
		if (in_len)
			OPENSSL_cleanse(out, in_len);
		return -EBADMSG;
	}
	return 0;
}

static const EVP_CIPHER *gcm_cipher(size_t key_len)
{
	switch (key_len) {
	case 16:
		return EVP_aes_128_gcm();
	case 24:
		return EVP_aes_192_gcm();
	case 32:
		return EVP_aes_256_gcm();
	default:
		return NULL;
	}
}

static int ctx_set_key(EVP_CIPHER_CTX *ctx, bool seal, const uint8_t *key,
		       size_t key_len)
{
	const EVP_CIPHER *cipher = gcm_cipher(key_len);

	if (!cipher)
		return -EINVAL;
	if (!EVP_CipherInit_ex(ctx, cipher, NULL, key, NULL, seal ? 1 : 0))
		return -ENOMEM;
	return 0;
}

/* Key the context for the frame about to use c->ctr; build its nonce. */
static int crypter_prepare(struct alts_crypter *c,
			   uint8_t nonce[ALTS_COUNTER_SIZE])
{
	uint8_t k[AES128_KEY_SIZE];
	int i, ret;

	memcpy(nonce, c->ctr, ALTS_COUNTER_SIZE);
	if (c->proto != ALTSRP_GCM_AES128_REKEY) {
		if (c->keyed)
			return 0;
		ret = ctx_set_key(c->ctx, c->seal, c->key, AES128_KEY_SIZE);
		c->keyed = !ret;
		return ret;
	}

	for (i = 0; i < ALTS_COUNTER_SIZE; i++)
		nonce[i] ^= c->key[NONCE_MASK_OFFSET + i];
	if (c->keyed && !memcmp(c->kdf_ctr, c->ctr + KDF_COUNTER_OFFSET,
				KDF_COUNTER_SIZE))
		return 0;
	c->keyed = false;
	ret = alts_rekey_derive(c->key, c->ctr, k);
	if (!ret)
		ret = ctx_set_key(c->ctx, c->seal, k, sizeof(k));
	OPENSSL_cleanse(k, sizeof(k));
	if (ret)
		return ret;
	memcpy(c->kdf_ctr, c->ctr + KDF_COUNTER_OFFSET, KDF_COUNTER_SIZE);
	c->keyed = true;
	return 0;
}

int alts_crypter_new(struct alts_crypter **out,
		     enum alts_record_protocol proto, enum alts_side side,
		     bool seal, const uint8_t *key, size_t key_len,
		     uint64_t counter)
{
	size_t olen = alts_overflow_len(proto);
	struct alts_crypter *c;
	enum alts_side sender;

	*out = NULL;
	if (!olen || key_len != alts_key_len(proto) || !key)
		return -EINVAL;
	if (side != ALTS_SIDE_CLIENT && side != ALTS_SIDE_SERVER)
		return -EINVAL;
	if (olen < 8 && counter >> (8 * olen))
		return -EINVAL;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->ctx = EVP_CIPHER_CTX_new();
	if (!c->ctx) {
		free(c);
		return -ENOMEM;
	}
	c->proto = proto;
	c->seal = seal;
	c->max_l = ALTS_FRAME_LEN_MAX;
	c->overflow_len = olen;
	memcpy(c->key, key, key_len);
	c->key_len = key_len;
	/* sealing uses our own direction, opening the peer's */
	if (seal)
		sender = side;
	else
		sender = side == ALTS_SIDE_CLIENT ? ALTS_SIDE_SERVER :
						    ALTS_SIDE_CLIENT;
	alts_counter_init(c->ctr, counter, sender);
	*out = c;
	return 0;
}

void alts_crypter_free(struct alts_crypter *c)
{
	if (!c)
		return;
	EVP_CIPHER_CTX_free(c->ctx);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

int alts_crypter_set_max_frame_len(struct alts_crypter *c, uint32_t max_l)
{
	if (max_l < ALTS_L_MIN)
		return -EINVAL;
	c->max_l = max_l;
	return 0;
}

uint32_t alts_crypter_max_frame_len(const struct alts_crypter *c)
{
	return c->max_l;
}

void alts_crypter_set_counter(struct alts_crypter *c,
			      const uint8_t ctr[ALTS_COUNTER_SIZE])
{
	memcpy(c->ctr, ctr, ALTS_COUNTER_SIZE);
}

void alts_crypter_get_counter(const struct alts_crypter *c,
			      uint8_t ctr[ALTS_COUNTER_SIZE])
{
	memcpy(ctr, c->ctr, ALTS_COUNTER_SIZE);
}

uint64_t alts_crypter_frame_number(const struct alts_crypter *c)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | c->ctr[i];
	return v;
}

/* Seal without limit or exhaustion checks; @out has room for the frame. */
static ssize_t crypter_seal(struct alts_crypter *c, const uint8_t *payload,
			    size_t len, uint8_t *out)
{
	uint8_t nonce[ALTS_COUNTER_SIZE];
	uint8_t *body = out + ALTS_HEADER_SIZE;
	int ret;

	ret = crypter_prepare(c, nonce);
	if (ret)
		return ret;
	if (c->proto == ALTSRP_GMAC_128) {
		if (len)
			memmove(body, payload, len);
		ret = gcm_crypt(c->ctx, true, nonce, body, len, NULL, 0, NULL,
				body + len);
	} else {
		ret = gcm_crypt(c->ctx, true, nonce, NULL, 0, payload, len,
				body, body + len);
	}
	if (ret)
		return ret;
	put_le32(out, (uint32_t)(len + ALTS_L_MIN));
	put_le32(out + ALTS_LEN_FIELD_SIZE, ALTS_FRAME_TYPE);
	return alts_frame_size(len);
}

ssize_t alts_frame_seal(struct alts_crypter *c, const void *payload,
			size_t len, void *out, size_t out_size)
{
	ssize_t ret;

	if (!c->seal)
		return -EINVAL;
	if (len > alts_max_payload(c->max_l))
		return -EMSGSIZE;
	if (out_size < alts_frame_size(len))
		return -ENOSPC;
	if (counter_exhausted(c->ctr, c->overflow_len))
		return -EKEYEXPIRED;
	ret = crypter_seal(c, payload, len, out);
	if (ret < 0)
		return ret;
	alts_counter_inc(c->ctr, c->overflow_len);
	return ret;
}

ssize_t alts_frame_seal_at(enum alts_record_protocol proto,
			   const uint8_t *key, size_t key_len,
			   const uint8_t ctr[ALTS_COUNTER_SIZE],
			   const void *payload, size_t len,
			   void *out, size_t out_size)
{
	struct alts_crypter *c;
	ssize_t ret;

	if (out_size < alts_frame_size(len))
		return -ENOSPC;
	if (len > UINT32_MAX - ALTS_L_MIN)
		return -EMSGSIZE;
	ret = alts_crypter_new(&c, proto, ALTS_SIDE_CLIENT, true, key, key_len,
			       0);
	if (ret)
		return ret;
	alts_crypter_set_counter(c, ctr);
	ret = crypter_seal(c, payload, len, out);
	alts_crypter_free(c);
	return ret;
}

int alts_frame_parse(const void *buf, size_t len, uint32_t max_l,
		     size_t *frame_size)
{
	const uint8_t *p = buf;
	uint32_t l;

	if (len < ALTS_LEN_FIELD_SIZE) {
		*frame_size = ALTS_LEN_FIELD_SIZE;
		return 0;
	}
	l = get_le32(p);
	if (l > max_l)
		return -EMSGSIZE;
	if (l < ALTS_L_MIN)
		return -EPROTO;
	*frame_size = ALTS_LEN_FIELD_SIZE + (size_t)l;
	if (len >= ALTS_HEADER_SIZE &&
	    get_le32(p + ALTS_LEN_FIELD_SIZE) != ALTS_FRAME_TYPE)
		return -EPROTO;
	return len >= *frame_size;
}

ssize_t alts_frame_open(struct alts_crypter *c, const void *frame,
			size_t frame_len, void *out, size_t out_size)
{
	uint8_t nonce[ALTS_COUNTER_SIZE];
	uint8_t tag[ALTS_TAG_SIZE];
	const uint8_t *body;
	size_t fsize, plen;
	int ret;

	if (c->seal)
		return -EINVAL;
	ret = alts_frame_parse(frame, frame_len, c->max_l, &fsize);
	if (ret < 0)
		return ret;
	if (ret == 0 || fsize != frame_len)
		return -EPROTO;
	plen = frame_len - ALTS_FRAME_OVERHEAD;
	if (out_size < plen)
		return -ENOSPC;
	if (counter_exhausted(c->ctr, c->overflow_len))
		return -EKEYEXPIRED;
	ret = crypter_prepare(c, nonce);
	if (ret)
		return ret;

	body = (const uint8_t *)frame + ALTS_HEADER_SIZE;
	memcpy(tag, body + plen, ALTS_TAG_SIZE);
	if (c->proto == ALTSRP_GMAC_128) {
		ret = gcm_crypt(c->ctx, false, nonce, body, plen, NULL, 0,
				NULL, tag);
		if (!ret && plen)
			memmove(out, body, plen);
	} else {
		ret = gcm_crypt(c->ctx, false, nonce, NULL, 0, body, plen,
				out, tag);
	}
	if (ret) {
		if (plen)
			OPENSSL_cleanse(out, plen);
		return ret;
	}
	alts_counter_inc(c->ctr, c->overflow_len);
	return (ssize_t)plen;
}

static ssize_t aead_raw(bool seal, enum alts_record_protocol proto,
			const uint8_t *key, size_t key_len,
			const uint8_t nonce[ALTS_COUNTER_SIZE],
			const void *aad, size_t aad_len,
			const uint8_t *in, size_t in_len,
			uint8_t *out, size_t out_size)
{
	uint8_t n[ALTS_COUNTER_SIZE], k[AES128_KEY_SIZE], tag[ALTS_TAG_SIZE];
	size_t text_len, i;
	EVP_CIPHER_CTX *ctx;
	ssize_t ret;

	if (seal) {
		text_len = in_len;
		if (out_size < in_len + ALTS_TAG_SIZE)
			return -ENOSPC;
	} else {
		if (in_len < ALTS_TAG_SIZE)
			return -EBADMSG;
		text_len = in_len - ALTS_TAG_SIZE;
		if (out_size < text_len)
			return -ENOSPC;
		memcpy(tag, in + text_len, ALTS_TAG_SIZE);
	}

	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	memcpy(n, nonce, sizeof(n));
	switch (proto) {
	case ALTSRP_GCM_AES128:
	case ALTSRP_GMAC_128:
		ret = ctx_set_key(ctx, seal, key, key_len);
		break;
	case ALTSRP_GCM_AES128_REKEY:
		if (key_len != ALTS_GCM_AES128_REKEY_KEY_SIZE) {
			ret = -EINVAL;
			break;
		}
		for (i = 0; i < sizeof(n); i++)
			n[i] ^= key[NONCE_MASK_OFFSET + i];
		ret = alts_rekey_derive(key, nonce, k);
		if (!ret)
			ret = ctx_set_key(ctx, seal, k, sizeof(k));
		OPENSSL_cleanse(k, sizeof(k));
		break;
	default:
		ret = -EINVAL;
	}
	if (!ret)
		ret = gcm_crypt(ctx, seal, n, aad, aad_len, in, text_len, out,
				seal ? out + text_len : tag);
	EVP_CIPHER_CTX_free(ctx);
	if (ret)
		return ret;
	return seal ? (ssize_t)(text_len + ALTS_TAG_SIZE) : (ssize_t)text_len;
}

ssize_t alts_aead_seal_raw(enum alts_record_protocol proto,
			   const uint8_t *key, size_t key_len,
			   const uint8_t nonce[ALTS_COUNTER_SIZE],
			   const void *aad, size_t aad_len,
			   const void *in, size_t in_len,
			   void *out, size_t out_size)
{
	return aead_raw(true, proto, key, key_len, nonce, aad, aad_len, in,
			in_len, out, out_size);
}

ssize_t alts_aead_open_raw(enum alts_record_protocol proto,
			   const uint8_t *key, size_t key_len,
			   const uint8_t nonce[ALTS_COUNTER_SIZE],
			   const void *aad, size_t aad_len,
			   const void *in, size_t in_len,
			   void *out, size_t out_size)
{
	return aead_raw(false, proto, key, key_len, nonce, aad, aad_len, in,
			in_len, out, out_size);
}
