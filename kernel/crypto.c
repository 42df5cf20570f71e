// SPDX-License-Identifier: GPL-2.0
/*
 * Record crypters: AES-128-GCM keyed directly, AES-128-GCM with gRPC's
 * rekeying (a new AES key every 65536 frames, derived with HMAC-SHA256, and
 * a masked nonce), and integrity-only GMAC (the payload is authenticated as
 * associated data and stays in clear).
 *
 * Every call waits for the crypto API synchronously in process context:
 * gcm(aes) resolves to the AES-NI simd wrapper, which is asynchronous in
 * name only there, and nothing is left in flight that could race close.
 */
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "alts.h"

/**
 * alts_counter_build() - lay out the 12-byte counter of a frame
 * @counter: output
 * @frame: frame number
 * @dir: direction byte (byte 11)
 */
void alts_counter_build(u8 *counter, u64 frame, u8 dir)
{
	put_unaligned_le64(frame, counter);
	counter[8] = 0;
	counter[9] = 0;
	counter[10] = 0;
	counter[ALTS_COUNTER_DIR_BYTE] = dir;
}

/**
 * alts_key_len() - key bytes a record protocol uses
 * @protocol: enum alts_record_protocol
 *
 * Return: 16 or 44, or 0 for an unknown protocol.
 */
u32 alts_key_len(u16 protocol)
{
	switch (protocol) {
	case ALTSRP_GCM_AES128:
		return ALTS_GCM_AES128_KEY_SIZE;
	case ALTSRP_GCM_AES128_REKEY:
		return ALTS_GCM_AES128_REKEY_KEY_SIZE;
	case ALTSRP_GMAC_128:
		return ALTS_GMAC_128_KEY_SIZE;
	}
	return 0;
}

/* Derive the AES key of the epoch named by counter bytes 2..7:
 * HMAC-SHA256(kdf_key, counter[2..8) || 0x01), first 16 bytes.
 */
static int alts_crypter_rekey(struct alts_crypter *c, const u8 *kdf_counter)
{
	u8 msg[ALTS_KDF_COUNTER_LEN + 1];
	u8 digest[32];
	int err;

	memcpy(msg, kdf_counter, ALTS_KDF_COUNTER_LEN);
	msg[ALTS_KDF_COUNTER_LEN] = 0x01;
	err = crypto_shash_tfm_digest(c->kdf, msg, sizeof(msg), digest);
	if (!err)
		err = crypto_aead_setkey(c->aead, digest, ALTS_AES_KEY_LEN);
	memzero_explicit(digest, sizeof(digest));
	if (err) {
		c->kdf_valid = false;
		return err;
	}
	memcpy(c->kdf_counter, kdf_counter, ALTS_KDF_COUNTER_LEN);
	c->kdf_valid = true;
	return 0;
}

/**
 * alts_crypter_init() - set up one direction from a validated key install
 * @c: crypter, zeroed by the caller
 * @info: validated configuration (key length matches the protocol)
 * @tx: sealing (true) or opening (false)
 *
 * Frames sent by the server carry 0x80 in counter byte 11, so a server
 * seals with 0x80 and opens with 0x00, and a client the other way round.
 *
 * Return: 0 or a negative errno; on error nothing needs freeing.
 */
int alts_crypter_init(struct alts_crypter *c, const struct alts_crypto_info *info, bool tx)
{
	bool server = info->side == ALTS_SIDE_SERVER;
	int err;

	c->protocol = info->record_protocol;
	c->dir = server == tx ? ALTS_DIR_SERVER_TO_CLIENT : ALTS_DIR_CLIENT_TO_SERVER;
	c->frame = info->counter;
	if (c->protocol == ALTSRP_GCM_AES128_REKEY)
		c->frame_limit = U64_MAX;
	else
		c->frame_limit = BIT_ULL(8 * ALTS_COUNTER_OVERFLOW_LEN) - 1;

	c->aead = crypto_alloc_aead("gcm(aes)", 0, 0);
	if (IS_ERR(c->aead)) {
		err = PTR_ERR(c->aead);
		c->aead = NULL;
		return err;
	}
	err = crypto_aead_setauthsize(c->aead, ALTS_TAG_LEN);
	if (err)
		goto err_free;

	if (c->protocol == ALTSRP_GCM_AES128_REKEY) {
		c->kdf = crypto_alloc_shash("hmac(sha256)", 0, 0);
		if (IS_ERR(c->kdf)) {
			err = PTR_ERR(c->kdf);
			c->kdf = NULL;
			goto err_free;
		}
		err = crypto_shash_setkey(c->kdf, info->key, ALTS_KDF_KEY_LEN);
		if (err)
			goto err_free;
		memcpy(c->nonce_mask, info->key + ALTS_KDF_KEY_LEN, ALTS_NONCE_MASK_LEN);
	} else {
		err = crypto_aead_setkey(c->aead, info->key, alts_key_len(c->protocol));
		if (err)
			goto err_free;
	}

	c->req = kmalloc(sizeof(*c->req) + crypto_aead_reqsize(c->aead), GFP_KERNEL);
	if (!c->req) {
		err = -ENOMEM;
		goto err_free;
	}
	aead_request_set_tfm(c->req, c->aead);
	return 0;

err_free:
	alts_crypter_free(c);
	return err;
}

/**
 * alts_crypter_free() - release a crypter and wipe its key material
 * @c: crypter (may be partly initialised)
 *
 * Freeing a transform zeroes its key schedule (crypto_destroy_tfm wipes the
 * tfm with kfree_sensitive); the request and the nonce mask are wiped here.
 */
void alts_crypter_free(struct alts_crypter *c)
{
	kfree_sensitive(c->req);
	if (c->aead)
		crypto_free_aead(c->aead);
	if (c->kdf)
		crypto_free_shash(c->kdf);
	memzero_explicit(c, sizeof(*c));
}

/**
 * alts_crypter_run() - one AEAD operation under an explicit counter
 * @c: crypter
 * @counter: the 12-byte counter (unmasked)
 * @sg: in-place buffer: associated data, then text, then (encrypt) room for
 *	the tag or (decrypt) the tag
 * @assoclen: bytes of associated data
 * @cryptlen: bytes to encrypt, or to decrypt including the tag
 * @encrypt: seal or open
 *
 * The counter is not advanced: frame-level callers do that. Exposed for the
 * known-answer self-tests, whose vectors use arbitrary counters.
 *
 * Return: 0, -EBADMSG on authentication failure, or another negative errno.
 */
int alts_crypter_run(struct alts_crypter *c, const u8 *counter, struct scatterlist *sg,
		     u32 assoclen, u32 cryptlen, bool encrypt)
{
	const u8 *kdf_counter = counter + ALTS_KDF_COUNTER_OFF;
	DECLARE_CRYPTO_WAIT(wait);
	u8 iv[ALTS_COUNTER_LEN];
	int err, i;

	if (c->kdf) {
		if (!c->kdf_valid || memcmp(c->kdf_counter, kdf_counter, ALTS_KDF_COUNTER_LEN)) {
			err = alts_crypter_rekey(c, kdf_counter);
			if (err)
				return err;
		}
		for (i = 0; i < ALTS_COUNTER_LEN; i++)
			iv[i] = counter[i] ^ c->nonce_mask[i];
	} else {
		memcpy(iv, counter, ALTS_COUNTER_LEN);
	}

	aead_request_set_callback(c->req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(c->req, assoclen);
	aead_request_set_crypt(c->req, sg, sg, cryptlen, iv);
	if (encrypt)
		err = crypto_wait_req(crypto_aead_encrypt(c->req), &wait);
	else
		err = crypto_wait_req(crypto_aead_decrypt(c->req), &wait);
	return err;
}

static int alts_crypter_frame(struct alts_crypter *c, struct scatterlist *sg, u32 text_len,
			      bool encrypt)
{
	u8 counter[ALTS_COUNTER_LEN];
	u32 assoclen = 0;
	u32 cryptlen = text_len;
	int err;

	if (c->frame >= c->frame_limit)
		return -EKEYEXPIRED;

	/* Integrity only: the payload is associated data, nothing is
	 * encrypted, and the tag is all that is produced or checked.
	 */
	if (c->protocol == ALTSRP_GMAC_128) {
		assoclen = encrypt ? text_len : text_len - ALTS_TAG_LEN;
		cryptlen = encrypt ? 0 : ALTS_TAG_LEN;
	}

	alts_counter_build(counter, c->frame, c->dir);
	err = alts_crypter_run(c, counter, sg, assoclen, cryptlen, encrypt);
	if (!err)
		c->frame++;
	return err;
}

/**
 * alts_crypter_seal() - seal the next frame's body in place
 * @c: crypter
 * @sg: payload followed by ALTS_TAG_LEN bytes of room for the tag
 * @payload_len: payload bytes
 *
 * Return: 0, -EKEYEXPIRED when the counter is exhausted, or an errno.
 */
int alts_crypter_seal(struct alts_crypter *c, struct scatterlist *sg, u32 payload_len)
{
	return alts_crypter_frame(c, sg, payload_len, true);
}

/**
 * alts_crypter_open() - authenticate (and decrypt) the next frame's body
 * @c: crypter
 * @sg: body: ciphertext (or clear payload) followed by the tag
 * @body_len: payload + ALTS_TAG_LEN
 *
 * On failure the counter does not move, so the stream stays dead.
 *
 * Return: 0, -EBADMSG, -EKEYEXPIRED or another negative errno.
 */
int alts_crypter_open(struct alts_crypter *c, struct scatterlist *sg, u32 body_len)
{
	return alts_crypter_frame(c, sg, body_len, false);
}
