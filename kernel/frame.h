/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ALTS record format as gRPC puts it on the wire, in one place:
 *
 *	LE32(L) || LE32(6) || body		L = 4 + payload + 16
 *
 * body is ciphertext || tag (AES-128-GCM, with or without rekeying) or
 * payload || tag (integrity-only GMAC). The 12-byte nonce is an implicit
 * per-direction frame counter: little-endian frame number in bytes 0..7,
 * zero bytes 8..10 and the direction in byte 11 (0x80 for frames sent by
 * the server).
 */
#ifndef _ALTS_FRAME_H
#define _ALTS_FRAME_H

#include <linux/bits.h>

enum alts_frame_sizes {
	ALTS_FRAME_LEN_FIELD = 4,
	ALTS_FRAME_TYPE_FIELD = 4,
	ALTS_FRAME_HDR_LEN = ALTS_FRAME_LEN_FIELD + ALTS_FRAME_TYPE_FIELD,
	ALTS_TAG_LEN = 16,
	/* smallest valid L: type field and tag around an empty payload */
	ALTS_FRAME_L_MIN = ALTS_FRAME_TYPE_FIELD + ALTS_TAG_LEN,
	/* bytes a frame adds around its payload on the wire */
	ALTS_FRAME_OVERHEAD = ALTS_FRAME_HDR_LEN + ALTS_TAG_LEN,
};

#define ALTS_FRAME_TYPE		6	/* the only message type gRPC sends */

enum alts_counter_layout {
	ALTS_COUNTER_LEN = 12,
	ALTS_COUNTER_DIR_BYTE = 11,
	/* bytes of the counter that count: 40-bit or 64-bit frame numbers */
	ALTS_COUNTER_OVERFLOW_LEN = 5,
	ALTS_COUNTER_OVERFLOW_LEN_REKEY = 8,
	/* counter bytes 2..7 select the rekeyed AES key (an "epoch") */
	ALTS_KDF_COUNTER_OFF = 2,
	ALTS_KDF_COUNTER_LEN = 6,
};

#define ALTS_DIR_CLIENT_TO_SERVER	0x00
#define ALTS_DIR_SERVER_TO_CLIENT	0x80

enum alts_key_sizes {
	ALTS_AES_KEY_LEN = 16,
	ALTS_KDF_KEY_LEN = 32,
	ALTS_NONCE_MASK_LEN = 12,
};

#endif /* _ALTS_FRAME_H */
