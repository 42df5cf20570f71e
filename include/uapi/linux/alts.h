/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * alts.h - user API of the ALTS record layer (alts.ko).
 *
 * A connected TCP socket becomes an ALTS socket with
 *	setsockopt(fd, SOL_TCP, TCP_ULP, "alts", 5);
 * after which the session keys agreed by the handshake are installed, one
 * direction at a time, with
 *	setsockopt(fd, SOL_ALTS, ALTS_TX, &info, sizeof(info));
 *	setsockopt(fd, SOL_ALTS, ALTS_RX, &info, sizeof(info));
 * From then on every byte sent or received in that direction is framed and
 * sealed in gRPC's ALTS record format.
 */
#ifndef _UAPI_LINUX_ALTS_H
#define _UAPI_LINUX_ALTS_H

#include <linux/types.h>

/*
 * Socket option level. Upstream SOL_* values are allocated sequentially
 * (SOL_VSOCK = 287 in 6.1, and 288 is already contested by out-of-tree
 * protocols), so an out-of-tree module must not take the next free number.
 * This value spells "ALTS" in ASCII and is far outside that sequence; the
 * socket layer passes any level other than SOL_SOCKET to the protocol
 * (sock_common_setsockopt), so no kernel change is needed.
 */
#define SOL_ALTS		0x414c5453

/*
 * Socket options at level SOL_ALTS. On a socket without the "alts" ULP,
 * TCP answers setsockopt(SOL_ALTS) with ENOPROTOOPT and getsockopt with
 * EOPNOTSUPP. getsockopt of a direction without a key gives ENOKEY.
 */
#define ALTS_TX			1	/* struct alts_crypto_info, set once */
#define ALTS_RX			2	/* struct alts_crypto_info, set once */

#define ALTS_CRYPTO_INFO_VERSION	1

/* Record protocols, as gRPC names them. */
enum alts_record_protocol {
	ALTSRP_UNSPEC = 0,
	ALTSRP_GCM_AES128 = 1,		/* AES-128-GCM, 16-byte key */
	ALTSRP_GCM_AES128_REKEY = 2,	/* AES-128-GCM, rekeyed, 44-byte key */
	ALTSRP_GMAC_128 = 3,		/* integrity only, 16-byte key */
};

#define ALTS_GCM_AES128_KEY_SIZE	16
#define ALTS_GCM_AES128_REKEY_KEY_SIZE	44
#define ALTS_GMAC_128_KEY_SIZE		16
#define ALTS_KEY_MAX_SIZE		44

/* Which end of the handshake this socket was: it selects the counter
 * direction bit (server-to-client frames carry 0x80 in counter byte 11).
 */
enum alts_side {
	ALTS_SIDE_CLIENT = 0,
	ALTS_SIDE_SERVER = 1,
};

/*
 * Frame length limits, counted as gRPC counts them: L, the value of the
 * little-endian length field, which covers the 4-byte message type, the
 * payload and the 16-byte tag but not itself.
 */
#define ALTS_FRAME_LEN_MIN		1024		/* smallest settable limit */
#define ALTS_FRAME_LEN_DEFAULT_TX	16384		/* what every gRPC peer accepts */
#define ALTS_FRAME_LEN_MAX		1048576		/* largest L ever accepted */

/**
 * struct alts_crypto_info - key and parameters of one direction
 * @version: ALTS_CRYPTO_INFO_VERSION
 * @record_protocol: an enum alts_record_protocol value; both directions of
 *	a socket must use the same one
 * @side: an enum alts_side value; both directions must agree
 * @reserved0: must be zero
 * @max_frame_len: ALTS_TX: largest L this socket sends; ALTS_RX: largest L
 *	it accepts. 0 selects the default (16384 for TX, 1 MiB for RX);
 *	otherwise ALTS_FRAME_LEN_MIN..ALTS_FRAME_LEN_MAX.
 * @reserved1: must be zero
 * @counter: frame number of the first frame sealed or opened with this
 *	key, normally 0. Lets a connection resume a counter and lets tests
 *	start close to a rekey or exhaustion boundary. Must fit the record
 *	protocol's counter (40 bits, or 64 bits with rekeying). getsockopt()
 *	reports the number of the next frame.
 * @key: key bytes; the record protocol fixes how many are used (16 or
 *	44), the rest must be zero. getsockopt() never returns them: the
 *	field reads back as zeros.
 * @reserved2: must be zero
 */
struct alts_crypto_info {
	__u16 version;
	__u16 record_protocol;
	__u8 side;
	__u8 reserved0[3];
	__u32 max_frame_len;
	__u32 reserved1;
	__aligned_u64 counter;
	__u8 key[ALTS_KEY_MAX_SIZE];
	__u8 reserved2[4];
};

/*
 * Errors the record layer reports on a keyed socket. Once RX fails, every
 * later receive fails the same way (the stream cannot be resynchronised).
 *
 *	EBADMSG		a frame failed authentication
 *	EMSGSIZE	a frame's length exceeds the RX limit
 *	EPROTO		a frame is malformed (L < 20 or message type != 6)
 *	ECONNRESET	the peer closed the stream inside a frame
 *	EKEYEXPIRED	the frame counter is exhausted; open a new connection
 */

#endif /* _UAPI_LINUX_ALTS_H */
