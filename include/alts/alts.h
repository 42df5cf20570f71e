/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libalts - ALTS-protected TCP sockets through the kalts kernel module.
 *
 * The handshake runs in the handshake agent (altshd); keys go from the agent
 * to the kernel and never reach the application. What an application gets is
 * a connected TCP socket on which every byte is sealed in gRPC's ALTS record
 * format, and the verified identity of its peer:
 *
 *	const char *targets[] = { "spiffe://example.org/db", NULL };
 *	struct alts_opts opts = { .target_identities = targets };
 *	struct alts_peer peer;
 *	int fd = alts_connect("db.example.org", "5000", &opts, &peer);
 *
 *	if (fd < 0)
 *		fprintf(stderr, "alts_connect: %s\n", alts_errstr(errno));
 *
 * Conventions: every function returns -1 (or NULL) and sets errno on
 * failure; the errno values are the kernel's (include/uapi/linux/alts.h)
 * plus those of the socket calls named below. Functions keep no state
 * between calls and are safe to call from any thread. Descriptors the
 * library creates are close-on-exec, and it closes every descriptor it
 * created on every error path; a descriptor the caller passed in is never
 * closed.
 *
 * Errors a handshake can end with (alts_connect, alts_accept,
 * alts_handshake, alts_handshake_result):
 *	EINVAL		the options are invalid (checked before any system call)
 *	ENOENT		the "alts" TCP upper layer protocol is not available:
 *			alts.ko is not loaded and could not be loaded
 *	EEXIST		the socket already uses another upper layer protocol
 *	ENOTCONN	the socket is not connected
 *	EOPNOTSUPP	the descriptor is not a TCP socket
 *	EISCONN		the socket already has keys or a finished handshake
 *	EALREADY	a handshake is already running (or failed) on the socket
 *	ESRCH		no handshake agent runs in this network namespace
 *	EAGAIN		too many handshakes are pending in this namespace
 *	EINTR		a signal interrupted the wait; the handshake is cancelled
 *	ETIMEDOUT	the handshake did not end before its deadline
 *	EACCES		the peer was not authenticated or not authorized, or the
 *			agent's policy refused the request
 *	ECONNRESET	the peer closed the connection during the handshake
 *	EPROTO		the peer sent a malformed handshake
 *	EIO		any other handshake failure
 * After a handshake failed (any of the errors from ETIMEDOUT down, and EINTR)
 * the connection is in an unknown state and can only be closed.
 */
#ifndef ALTS_ALTS_H
#define ALTS_ALTS_H

#include <stdbool.h>
#include <linux/alts.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIBALTS_VERSION_MAJOR	0
#define LIBALTS_VERSION_MINOR	1

/* Bit of an enum alts_record_protocol value in alts_opts.record_protocols. */
#define ALTS_RECORD_PROTOCOL_BIT(rp)	(1u << (rp))

/* Longest identity, application protocol name (without the NUL). */
#define ALTS_IDENTITY_MAX_LEN		(ALTS_IDENTITY_SIZE - 8)
#define ALTS_APP_PROTOCOL_MAX_LEN	(ALTS_APP_PROTOCOL_SIZE - 8)

/**
 * struct alts_opts - what a handshake must achieve
 *
 * Meant for designated initialisers: every field left zero takes its
 * default, and a NULL struct alts_opts pointer means all defaults (which a
 * client cannot use: it must name its peer or set @any_peer).
 *
 * @target_identities: identities the peer may have, a NULL-terminated array
 *	of at most ALTS_HS_MAX_TARGETS non-empty strings of at most
 *	ALTS_IDENTITY_MAX_LEN bytes. A client needs at least one, or @any_peer.
 *	For a server they restrict the clients accepted; none (NULL or an
 *	empty array) accepts any client the agent's policy allows.
 * @local_identity: identity to present, at most ALTS_IDENTITY_MAX_LEN
 *	bytes; NULL or "" lets the agent choose
 * @record_protocols: ALTS_RECORD_PROTOCOL_BIT() of each record protocol the
 *	application accepts; 0 lets the agent's policy choose
 * @timeout_ms: handshake deadline, 0 for ALTS_HS_TIMEOUT_DEFAULT_MS, at
 *	most ALTS_HS_TIMEOUT_MAX_MS; enforced by the kernel
 * @max_frame_len: largest record frame this side sends, 0 for the default,
 *	else ALTS_FRAME_LEN_MIN..ALTS_FRAME_LEN_MAX
 * @connect_timeout_ms: alts_connect() only: how long to wait for each
 *	address to accept the TCP connection; 0 waits as long as the kernel
 *	does (minutes)
 * @any_peer: client only: accept any peer identity the agent's policy
 *	allows. A server with @any_peer set is refused (EINVAL); it accepts
 *	any client when it names none.
 * @require_pfs: refuse a handshake without ephemeral keys (resumption
 *	without a fresh key exchange, for instance)
 */
struct alts_opts {
	const char *const *target_identities;
	const char *local_identity;
	unsigned int record_protocols;
	unsigned int timeout_ms;
	unsigned int max_frame_len;
	unsigned int connect_timeout_ms;
	bool any_peer;
	bool require_pfs;
};

/**
 * struct alts_peer - what a finished handshake established (the fields of
 *	gRPC's AltsContext that ALTS defines). Holds no key material. Every
 *	string is NUL-terminated.
 * @peer_identity: the authenticated identity of the peer
 * @local_identity: the identity this side presented
 * @app_protocol: the negotiated application protocol, may be empty
 * @record_protocol: an enum alts_record_protocol value
 * @security_level: an enum alts_security_level value
 * @max_frame_len: largest record frame this side sends
 * @resumed: the session was resumed from an earlier one
 * @pfs: ephemeral keys were used (perfect forward secrecy)
 */
struct alts_peer {
	char peer_identity[ALTS_IDENTITY_SIZE];
	char local_identity[ALTS_IDENTITY_SIZE];
	char app_protocol[ALTS_APP_PROTOCOL_SIZE];
	unsigned int record_protocol;
	unsigned int security_level;
	unsigned int max_frame_len;
	bool resumed;
	bool pfs;
};

/**
 * alts_connect() - connect to @host:@port and run a client handshake
 * @host: host name or numeric IPv4/IPv6 address
 * @port: service name or port number
 * @opts: the handshake's options (a client must name its peer or set
 *	any_peer)
 * @peer: if not NULL, filled with what the handshake established
 *
 * Tries every address getaddrinfo() gives for @host, IPv6 and IPv4, in its
 * order, until one accepts the TCP connection; then attaches the "alts"
 * upper layer protocol and waits for the handshake. A failed handshake ends
 * the call: it is not retried on the next address.
 *
 * Return: a connected, blocking, close-on-exec socket whose keys are
 * installed, or -1 with errno set to one of the handshake errors above,
 * or to:
 *	ENXIO		@host does not resolve to any address
 *	EAGAIN		temporary name resolution failure
 *	ENOMEM		out of memory
 *	ETIMEDOUT	no address connected within connect_timeout_ms (or
 *			the kernel's TCP timeout), or the handshake timed out
 *	ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, ...
 *			connect() of the last address tried failed so
 *	EMFILE, ENFILE, ENOBUFS
 *			socket() failed
 */
int alts_connect(const char *host, const char *port, const struct alts_opts *opts,
		 struct alts_peer *peer);

/**
 * alts_accept() - accept a connection and run a server handshake on it
 * @listen_fd: a listening TCP socket
 * @opts: the handshake's options, NULL for the defaults
 * @peer: if not NULL, filled with what the handshake established
 *
 * The accepted socket is blocking and the handshake is waited for, even if
 * @listen_fd is non-blocking. A server that must not wait accepts by itself
 * and calls alts_handshake() on a non-blocking socket. If the handshake
 * fails the accepted connection is closed: call alts_accept() again.
 *
 * Return: the accepted, close-on-exec socket whose keys are installed, or
 * -1 with errno set to what accept4() failed with (EAGAIN on a
 * non-blocking @listen_fd with no connection waiting, EMFILE, EBADF,
 * EINVAL if @listen_fd is not listening, ...), or to one of the handshake
 * errors above.
 */
int alts_accept(int listen_fd, const struct alts_opts *opts, struct alts_peer *peer);

/**
 * alts_handshake() - run a handshake on a connected TCP socket
 * @fd: a connected TCP socket, owned by the caller (never closed here)
 * @role: ALTS_ROLE_CLIENT or ALTS_ROLE_SERVER
 * @opts: the handshake's options (NULL for the defaults)
 *
 * Attaches the "alts" upper layer protocol unless @fd already has it, then
 * asks the kernel for the handshake. On a blocking socket the call waits
 * for the outcome. On a non-blocking socket it fails with EINPROGRESS once
 * the handshake has started: poll @fd for POLLOUT (it reports neither
 * readable nor writable while the handshake runs) and call
 * alts_handshake_result(). Until the handshake ends, the application's
 * send, recv, sendfile and splice on @fd fail with EBUSY.
 *
 * Failing with EINVAL, ENOENT, EEXIST, ENOTCONN, EOPNOTSUPP, EISCONN,
 * EALREADY, ESRCH or EAGAIN, the call started no handshake and left the
 * connection as it was, except that the upper layer protocol stays
 * attached once it was (without keys the socket is still plain TCP). After
 * ESRCH or EAGAIN, alts_handshake() may be tried again later.
 *
 * Return: 0 once both directions' keys are installed, or -1 with errno set
 * to EINPROGRESS, to one of the handshake errors above, or to EBADF or
 * ENOTSOCK.
 */
int alts_handshake(int fd, enum alts_hs_role role, const struct alts_opts *opts);

/**
 * alts_handshake_result() - the outcome of a handshake on @fd
 * @fd: a socket alts_handshake() was called on
 *
 * Return: 0 if the handshake succeeded, or -1 with errno set to
 * EINPROGRESS while it is still running, to the handshake's error once it
 * failed (and the socket's pending error, SO_ERROR, is then cleared), to
 * EINVAL if no handshake was asked for on @fd, or to EOPNOTSUPP if @fd
 * does not use the "alts" upper layer protocol.
 */
int alts_handshake_result(int fd);

/**
 * alts_peer_info() - what the handshake on @fd established
 * @fd: a socket whose handshake through the kernel succeeded
 * @peer: filled on success
 *
 * Return: 0, or -1 with errno set to ENODATA if no handshake has succeeded
 * on @fd yet (none asked for, still running, failed, or keys installed
 * without the kernel's handshake), EOPNOTSUPP if @fd does not use the
 * "alts" upper layer protocol, EPROTO if the kernel answered in a version
 * this library does not know, or EBADF or ENOTSOCK.
 */
int alts_peer_info(int fd, struct alts_peer *peer);

/**
 * alts_record_protocol_name() - gRPC's name of a record protocol
 * @record_protocol: an enum alts_record_protocol value
 *
 * Return: "ALTSRP_GCM_AES128", "ALTSRP_GCM_AES128_REKEY", "ALTSRP_GMAC_128",
 * or NULL for any other value.
 */
const char *alts_record_protocol_name(unsigned int record_protocol);

/**
 * alts_errstr() - describe an errno value as the library means it
 * @err: an errno value a libalts function set
 *
 * Several errno values mean something specific here (ESRCH: no handshake
 * agent; ENOENT: the kernel module is missing; EACCES: the peer was not
 * authorized, ...), which strerror() cannot tell. Other values are
 * described as strerror() would.
 *
 * Return: a constant string, never NULL; safe from any thread.
 */
const char *alts_errstr(int err);

#ifdef __cplusplus
}
#endif

#endif /* ALTS_ALTS_H */
