/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alts_record.h - userspace codec for gRPC's ALTS record protocol.
 *
 * Frame on the wire:
 *	LE32(L) || 06 00 00 00 || body || tag(16),   L = 4 + payload + 16
 * The body is the ciphertext (ALTSRP_GCM_AES128[_REKEY]) or the payload in
 * clear (ALTSRP_GMAC_128). Every frame is sealed under an implicit 12-byte
 * counter: frame number little-endian in bytes 0..7, byte 11 = 0x80 for
 * server-to-client frames.
 *
 * Functions return a byte count or 0 on success and a negative errno on
 * failure, with the meanings of include/uapi/linux/alts.h:
 *	-EBADMSG	authentication failed
 *	-EMSGSIZE	L above the limit (or the output buffer is too small)
 *	-EPROTO		malformed frame (L < 20, type != 6, length mismatch)
 *	-EKEYEXPIRED	the frame counter is exhausted
 *	-ENOSPC		the output buffer is too small
 *	-EINVAL		bad arguments
 *	-ENOMEM		allocation or crypto library failure
 */
#ifndef ALTS_RECORD_H
#define ALTS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/alts.h>

enum {
	ALTS_LEN_FIELD_SIZE = 4,
	ALTS_TYPE_FIELD_SIZE = 4,
	ALTS_HEADER_SIZE = 8,
	ALTS_TAG_SIZE = 16,
	ALTS_COUNTER_SIZE = 12,
	ALTS_FRAME_TYPE = 6,
	/* smallest valid L: type field + tag, empty payload */
	ALTS_L_MIN = ALTS_TYPE_FIELD_SIZE + ALTS_TAG_SIZE,
	/* wire bytes a frame adds to its payload */
	ALTS_FRAME_OVERHEAD = ALTS_HEADER_SIZE + ALTS_TAG_SIZE,
	ALTS_OVERFLOW_LEN = 5,
	ALTS_OVERFLOW_LEN_REKEY = 8,
};

/* Wire size of the frame carrying @payload_len bytes. */
static inline size_t alts_frame_size(size_t payload_len)
{
	return payload_len + ALTS_FRAME_OVERHEAD;
}

/* Largest payload of a frame whose L is @max_l. */
static inline size_t alts_max_payload(uint32_t max_l)
{
	return max_l < ALTS_L_MIN ? 0 : max_l - ALTS_L_MIN;
}

struct alts_crypter;

/*
 * Create the sealing (@seal) or opening crypter of one direction of a
 * connection whose local end is @side. The first frame uses frame number
 * @counter, which must fit the protocol's counter (40 or 64 bits).
 * @key_len must be 16 (GCM, GMAC) or 44 (REKEY). The seal and open limits
 * on L start at ALTS_FRAME_LEN_MAX.
 */
int alts_crypter_new(struct alts_crypter **out,
		     enum alts_record_protocol proto, enum alts_side side,
		     bool seal, const uint8_t *key, size_t key_len,
		     uint64_t counter);
/* Wipe all key material and free. NULL is allowed. */
void alts_crypter_free(struct alts_crypter *c);

/* Largest L this crypter seals or accepts (20..0xffffffff). */
int alts_crypter_set_max_frame_len(struct alts_crypter *c, uint32_t max_l);
uint32_t alts_crypter_max_frame_len(const struct alts_crypter *c);

/* Raw access to the 12-byte counter (for vectors and tests). */
void alts_crypter_set_counter(struct alts_crypter *c,
			      const uint8_t ctr[ALTS_COUNTER_SIZE]);
void alts_crypter_get_counter(const struct alts_crypter *c,
			      uint8_t ctr[ALTS_COUNTER_SIZE]);
/* Frame number of the next frame (counter bytes 0..7). */
uint64_t alts_crypter_frame_number(const struct alts_crypter *c);

/*
 * Seal @len payload bytes into one complete frame at @out (room for
 * alts_frame_size(len) bytes). Returns the frame size. Advances the counter.
 */
ssize_t alts_frame_seal(struct alts_crypter *c, const void *payload,
			size_t len, void *out, size_t out_size);

/*
 * Open one complete frame of exactly @frame_len bytes, writing the payload
 * to @out. Returns the payload length. The counter advances only on
 * success. A frame that fails authentication leaves @out zeroed: no byte
 * of it is released.
 */
ssize_t alts_frame_open(struct alts_crypter *c, const void *frame,
			size_t frame_len, void *out, size_t out_size);

/*
 * Streaming parser: look at the first @len bytes of a stream.
 * Returns 1 if a complete frame starts @buf (*frame_size = its wire size),
 * 0 if more bytes are needed (*frame_size = the total bytes needed for the
 * next step: 4 until L is known, then 4 + L), or -EMSGSIZE (L > @max_l),
 * -EPROTO (L < 20 or type != 6) as soon as the header bytes show it.
 */
int alts_frame_parse(const void *buf, size_t len, uint32_t max_l,
		     size_t *frame_size);

/* Fill a counter for frame @frame_number sent by @sender. */
void alts_counter_init(uint8_t ctr[ALTS_COUNTER_SIZE], uint64_t frame_number,
		       enum alts_side sender);
/*
 * Increment the first @overflow_len bytes little-endian. Returns
 * -EKEYEXPIRED if that carried out of the last byte (all became zero).
 */
int alts_counter_inc(uint8_t ctr[ALTS_COUNTER_SIZE], size_t overflow_len);
/* Counting bytes of @proto's counter: 5, 8, or 0 if unknown. */
size_t alts_overflow_len(enum alts_record_protocol proto);
/* Key bytes @proto uses: 16, 44, or 0 if unknown. */
size_t alts_key_len(enum alts_record_protocol proto);

/*
 * REKEY key derivation: the AES-128 key of the epoch containing @ctr,
 * HMAC-SHA256(kdf_key, ctr[2..8) || 01)[0..16).
 */
int alts_rekey_derive(const uint8_t kdf_key[32],
		      const uint8_t ctr[ALTS_COUNTER_SIZE], uint8_t out[16]);

/*
 * Raw AEAD with AAD. @proto ALTSRP_GCM_AES128 takes a 16- or 32-byte
 * AES-GCM key and uses @nonce as is; ALTSRP_GCM_AES128_REKEY takes the
 * 44-byte key and an unmasked counter as @nonce. Seal writes
 * ciphertext || tag (@in_len + 16 bytes) and returns its length; open takes
 * ciphertext || tag and returns the plaintext length or -EBADMSG.
 */
ssize_t alts_aead_seal_raw(enum alts_record_protocol proto,
			   const uint8_t *key, size_t key_len,
			   const uint8_t nonce[ALTS_COUNTER_SIZE],
			   const void *aad, size_t aad_len,
			   const void *in, size_t in_len,
			   void *out, size_t out_size);
ssize_t alts_aead_open_raw(enum alts_record_protocol proto,
			   const uint8_t *key, size_t key_len,
			   const uint8_t nonce[ALTS_COUNTER_SIZE],
			   const void *aad, size_t aad_len,
			   const void *in, size_t in_len,
			   void *out, size_t out_size);

/*
 * Seal one frame under an explicit counter, without a crypter and without
 * the exhaustion check: lets tests build frames at any counter value.
 */
ssize_t alts_frame_seal_at(enum alts_record_protocol proto,
			   const uint8_t *key, size_t key_len,
			   const uint8_t ctr[ALTS_COUNTER_SIZE],
			   const void *payload, size_t len,
			   void *out, size_t out_size);

#endif /* ALTS_RECORD_H */
