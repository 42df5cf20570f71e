// SPDX-License-Identifier: GPL-2.0
/* What an errno value means when a libalts function set it. */
#include <errno.h>
#include <string.h>

#include "internal.h"

ALTS_PUBLIC const char *alts_errstr(int err)
{
	const char *s;

	switch (err) {
	case ENOENT:
		return "the alts TCP upper layer protocol is not available (alts.ko not loaded)";
	case EEXIST:
		return "the socket already uses another TCP upper layer protocol";
	case ESRCH:
		return "no ALTS handshake agent (altshd) runs in this network namespace";
	case EAGAIN:
		return "resource temporarily unavailable (too many pending handshakes, or name resolution)";
	case EACCES:
		return "the peer was not authenticated or not authorized, or policy refused the handshake";
	case EISCONN:
		return "the socket already has ALTS keys or a finished handshake";
	case EALREADY:
		return "a handshake is already running, or has failed, on this socket";
	case EINPROGRESS:
		return "the handshake is in progress";
	case ETIMEDOUT:
		return "timed out (connection or handshake deadline)";
	case ECONNRESET:
		return "the peer closed the connection";
	case EPROTO:
		return "ALTS protocol error (malformed handshake or record)";
	case EBUSY:
		return "a handshake is running on this socket";
	case ECANCELED:
		return "the handshake was cancelled";
	case ENODATA:
		return "no handshake through the kernel has succeeded on this socket";
	case EBADMSG:
		return "an ALTS record failed authentication";
	case EMSGSIZE:
		return "an ALTS record is larger than allowed";
	case EKEYEXPIRED:
		return "the ALTS frame counter is exhausted; open a new connection";
	case ENXIO:
		return "the host name does not resolve";
	case EOPNOTSUPP:
		return "not a TCP socket using the alts upper layer protocol";
	}
	s = strerrordesc_np(err);
	return s ? s : "unknown error";
}
