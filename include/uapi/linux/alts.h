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
#define ALTS_HANDSHAKE		3	/* alts_handshake_req / _status */
#define ALTS_PEER_INFO		4	/* get: struct alts_peer_info */
#define ALTS_HANDSHAKE_CLAIM	5	/* set: __u64 cookie (handshake agent) */

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
 * Handshakes through the kernel
 * -----------------------------
 * setsockopt(fd, SOL_ALTS, ALTS_HANDSHAKE, &req, sizeof(req)) on a connected
 * socket with the "alts" ULP asks the handshake agent of the socket's network
 * namespace (altshd) to run an ALTS handshake on that socket and to install
 * both directions' keys. Keys never reach the application.
 *
 * A blocking socket waits (interruptibly) for the outcome: 0, or the
 * handshake's error. A non-blocking socket gets EINPROGRESS and polls
 * writable once the handshake has ended; SO_ERROR and getsockopt(
 * ALTS_HANDSHAKE) then tell the outcome. While the handshake runs, send,
 * recv, sendfile, splice and shutdown by the application fail with EBUSY
 * and poll reports neither readable nor writable; after a failed handshake
 * they fail with the handshake's error (ECANCELED after a cancel), which is
 * also the socket error: the stream is in an unknown state and the socket
 * can only be closed. Any signal ends the wait of a blocking socket and
 * cancels the handshake (also a stop signal or a debugger attaching;
 * system suspend does not).
 *
 * Errors of ALTS_HANDSHAKE itself:
 *	EINVAL		bad request (version, role, flags, reserved fields,
 *			unterminated or empty strings, no target identity for
 *			a client without ALTS_HS_F_ANY_PEER, unknown record
 *			protocol, timeout above ALTS_HS_TIMEOUT_MAX_MS)
 *	ENOTCONN	the socket is not connected (any more)
 *	EISCONN		keys are installed or a handshake already succeeded
 *	EALREADY	a handshake is already running (or failed) on the socket
 *	EBUSY		another thread is reading the socket (a plain recv or
 *			splice would take the handshake's bytes)
 *	ESRCH		no handshake agent listens in this network namespace
 *	EAGAIN		too many handshakes pending in this network namespace
 *	EINPROGRESS	non-blocking socket: the handshake started
 *	EINTR		a signal interrupted the call; the handshake, if it
 *			had started, is cancelled
 *	ETIMEDOUT	no outcome before the deadline (enforced by the kernel)
 *	ECONNABORTED	the agent that took the request went away
 *	EACCES		the peer was not authenticated or not authorized, or
 *			the agent's policy refused this caller's request
 *	ECONNRESET	the peer closed the connection during the handshake
 *	EPROTO		the peer sent a malformed handshake
 *	EIO		any other handshake failure
 * (an agent may report other errnos; codes meaning "try again" become EIO)
 */
#define ALTS_HANDSHAKE_VERSION		1
#define ALTS_IDENTITY_MAX		512	/* bytes of an identity, at most */
#define ALTS_IDENTITY_SIZE		520	/* room for one, its NUL, padding */
#define ALTS_APP_PROTOCOL_MAX		64
#define ALTS_APP_PROTOCOL_SIZE		72
#define ALTS_HS_MAX_TARGETS		8
#define ALTS_HS_TIMEOUT_DEFAULT_MS	10000
#define ALTS_HS_TIMEOUT_MAX_MS		600000

enum alts_hs_role {
	ALTS_ROLE_CLIENT = 0,
	ALTS_ROLE_SERVER = 1,
};

/* alts_handshake_req.flags */
#define ALTS_HS_F_ANY_PEER	0x1	/* client: accept any identity policy allows */
#define ALTS_HS_F_REQUIRE_PFS	0x2	/* refuse a handshake without ephemeral keys */
#define ALTS_HS_F_ALL		(ALTS_HS_F_ANY_PEER | ALTS_HS_F_REQUIRE_PFS)

/**
 * struct alts_handshake_req - what the application asks for
 * @version: ALTS_HANDSHAKE_VERSION
 * @role: an enum alts_hs_role value
 * @n_targets: entries used in @target_identities (0..ALTS_HS_MAX_TARGETS).
 *	A client needs at least one, or ALTS_HS_F_ANY_PEER; for a server
 *	they restrict the clients accepted (0: any the policy allows).
 * @flags: ALTS_HS_F_* bits
 * @record_protocols: bit (1 << ALTSRP_*) for each record protocol the
 *	application accepts; 0 lets the agent's policy choose
 * @timeout_ms: deadline from the call, 0 for ALTS_HS_TIMEOUT_DEFAULT_MS,
 *	at most ALTS_HS_TIMEOUT_MAX_MS
 * @max_frame_len: largest frame (L) this side sends, 0 for the default,
 *	else ALTS_FRAME_LEN_MIN..ALTS_FRAME_LEN_MAX
 * @reserved: must be zero
 * @local_identity: identity to present, NUL-terminated; empty to let the
 *	agent choose
 * @target_identities: acceptable peer identities, each NUL-terminated and
 *	non-empty; entries past @n_targets must be all zero
 */
struct alts_handshake_req {
	__u16 version;
	__u8 role;
	__u8 n_targets;
	__u32 flags;
	__u32 record_protocols;
	__u32 timeout_ms;
	__u32 max_frame_len;
	__u32 reserved[3];
	char local_identity[ALTS_IDENTITY_SIZE];
	char target_identities[ALTS_HS_MAX_TARGETS][ALTS_IDENTITY_SIZE];
};

enum alts_hs_state {
	ALTS_HS_NONE = 0,	/* no handshake asked for */
	ALTS_HS_PENDING = 1,	/* waiting for the agent to accept it */
	ALTS_HS_RUNNING = 2,	/* the agent is running it */
	ALTS_HS_DONE = 3,	/* succeeded, both directions keyed */
	ALTS_HS_FAILED = 4,	/* failed, timed out or cancelled */
};

/**
 * struct alts_handshake_status - getsockopt(ALTS_HANDSHAKE)
 * @state: an enum alts_hs_state value
 * @error: positive errno of a failed handshake, else 0
 */
struct alts_handshake_status {
	__u32 state;
	__s32 error;
};

enum alts_security_level {
	ALTS_SECURITY_NONE = 0,
	ALTS_SECURITY_INTEGRITY_ONLY = 1,
	ALTS_SECURITY_INTEGRITY_AND_PRIVACY = 2,
};

/* alts_peer_info.flags */
#define ALTS_PEER_F_RESUMED	0x1	/* the session was resumed */
#define ALTS_PEER_F_PFS		0x2	/* ephemeral keys were used */

/**
 * struct alts_peer_info - getsockopt(ALTS_PEER_INFO) after a handshake
 *	through the kernel succeeded (ENODATA before); shaped like gRPC's
 *	AltsContext. Never holds key material.
 * @version: ALTS_HANDSHAKE_VERSION
 * @record_protocol: an enum alts_record_protocol value
 * @security_level: an enum alts_security_level value
 * @reserved0: zero
 * @flags: ALTS_PEER_F_* bits
 * @max_frame_len: largest frame (L) this side sends
 * @reserved: zero
 * @peer_identity: the authenticated peer identity
 * @local_identity: the identity this side presented
 * @app_protocol: the negotiated application protocol, may be empty
 */
struct alts_peer_info {
	__u16 version;
	__u16 record_protocol;
	__u8 security_level;
	__u8 reserved0[3];
	__u32 flags;
	__u32 max_frame_len;
	__u32 reserved[2];
	char peer_identity[ALTS_IDENTITY_SIZE];
	char local_identity[ALTS_IDENTITY_SIZE];
	char app_protocol[ALTS_APP_PROTOCOL_SIZE];
};

/*
 * Generic netlink family ALTS_GENL_NAME: how the kernel hands handshakes
 * to the agent. Only CAP_NET_ADMIN (in the namespace's user namespace) may
 * join ALTS_GENL_MCGRP_AGENT, ACCEPT or send DONE; each namespace's
 * requests are seen only by agents in that namespace.
 *
 *	READY	kernel -> agent, multicast: a request is waiting
 *	ACCEPT	agent -> kernel: take the oldest waiting request. The reply
 *		carries a new descriptor for the socket (SOCKFD), the request
 *		(HANDLE, COOKIE, ROLE, FLAGS, TARGET_IDENTITY..., LOCAL_IDENTITY,
 *		RECORD_PROTOCOLS, MAX_FRAME_LEN, TIMEOUT_MS left, PEER_ADDR,
 *		LOCAL_ADDR) and who asked (UID, GID, PID, CGROUP_ID, as seen
 *		from the agent). ENOENT when nothing waits.
 *	DONE	agent -> kernel: HANDLE, SOCKFD, STATUS (0 or a positive
 *		errno) and, on success, PEER_IDENTITY, LOCAL_IDENTITY,
 *		RECORD_PROTOCOL, MAX_FRAME_LEN, APP_PROTOCOL, RESUMED, PFS.
 *		Accepted once, only from the netlink socket that accepted the
 *		request and for that socket; success only with both
 *		directions' keys installed (EKEYREJECTED otherwise).
 *
 * The agent does the handshake's I/O on SOCKFD from the process that
 * accepted it, or from a process that first presents COOKIE with
 * setsockopt(SOCKFD, SOL_ALTS, ALTS_HANDSHAKE_CLAIM, &cookie, 8); it
 * installs ALTS_TX and ALTS_RX itself. SOCKFD refers to the application's
 * own open file: the agent must not change its flags (O_NONBLOCK, O_ASYNC,
 * owner) and uses MSG_DONTWAIT and poll instead. Success is refused
 * (EKEYREJECTED) unless both directions are keyed for the request's role,
 * with a record protocol the request allowed and PFS if it required it.
 * Requests an agent accepted fail with ECONNABORTED when its netlink
 * socket is closed.
 */
#define ALTS_GENL_NAME		"alts"
#define ALTS_GENL_VERSION	1
#define ALTS_GENL_MCGRP_AGENT	"agent"

enum alts_genl_cmd {
	ALTS_CMD_UNSPEC,
	ALTS_CMD_READY,
	ALTS_CMD_ACCEPT,
	ALTS_CMD_DONE,
	__ALTS_CMD_MAX
};

#define ALTS_CMD_MAX (__ALTS_CMD_MAX - 1)

enum alts_genl_attr {
	ALTS_A_UNSPEC,
	ALTS_A_PAD,
	ALTS_A_SOCKFD,			/* s32 */
	ALTS_A_HANDLE,			/* u64 */
	ALTS_A_COOKIE,			/* u64 */
	ALTS_A_ROLE,			/* u8, enum alts_hs_role */
	ALTS_A_FLAGS,			/* u32, ALTS_HS_F_* */
	ALTS_A_TARGET_IDENTITY,		/* string, repeated */
	ALTS_A_LOCAL_IDENTITY,		/* string */
	ALTS_A_RECORD_PROTOCOLS,	/* u32, bit (1 << ALTSRP_*) */
	ALTS_A_MAX_FRAME_LEN,		/* u32 */
	ALTS_A_TIMEOUT_MS,		/* u32 */
	ALTS_A_PEER_ADDR,		/* binary: struct sockaddr_in or _in6 */
	ALTS_A_LOCAL_ADDR,		/* binary: struct sockaddr_in or _in6 */
	ALTS_A_UID,			/* u32 */
	ALTS_A_GID,			/* u32 */
	ALTS_A_PID,			/* u32 */
	ALTS_A_CGROUP_ID,		/* u64 */
	ALTS_A_STATUS,			/* u32, 0 or a positive errno */
	ALTS_A_PEER_IDENTITY,		/* string */
	ALTS_A_RECORD_PROTOCOL,		/* u32, enum alts_record_protocol */
	ALTS_A_APP_PROTOCOL,		/* string */
	ALTS_A_RESUMED,			/* u8, 0 or 1 */
	ALTS_A_PFS,			/* u8, 0 or 1 */
	__ALTS_A_MAX
};

#define ALTS_A_MAX (__ALTS_A_MAX - 1)

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
