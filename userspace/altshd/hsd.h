/* SPDX-License-Identifier: GPL-2.0 */
/* altshd's internals shared between its source files (not a client interface). */
#ifndef KALTS_ALTSHD_HSD_H
#define KALTS_ALTSHD_HSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "alts_hs.h"
#include "altshd.pb-c.h"

/* More descriptors than this in one request are dropped by the kernel (and the request refused). */
#define HSD_MAX_RECV_FDS	16

/*
 * Receives one request message from @conn into @buf. Every descriptor that
 * came with it is closed unless the message is well formed and carried
 * exactly one, which is then stored in *@fd. Returns the message length,
 * -EAGAIN if nothing was there yet, or -EBADMSG / another -errno (no
 * descriptor is left open then).
 */
ssize_t hsd_recv_request(int conn, uint8_t *buf, size_t len, int *fd);

/* Where a handshake's peer is, for per-source limits: an IPv4 address or an IPv6 /64. */
struct hsd_source {
	bool known;		/* false: not an IP socket (no per-peer limit) */
	uint8_t addr[8];
};

void hsd_peer_source(int fd, struct hsd_source *src);
bool hsd_same_source(const struct hsd_source *a, const struct hsd_source *b);

/*
 * Creates the listening socket at @path with @mode, without a moment in
 * which it exists with another mode (see listener.c). 0 or -errno.
 */
int hsd_listen(const char *path, mode_t mode, int *fd);

/* What no request can lower: the daemon's PFS mode, record protocols and timeout. */
struct hsd_minimums {
	enum alts_pfs pfs;
	unsigned int protocols;		/* bit (1 << enum alts_rp) */
	int timeout_ms;
};

/* What a handshake process runs with. */
struct hsd_job_params {
	enum alts_pfs pfs;
	int timeout_ms;
	size_t n_rps;
	enum alts_rp rps[ALTS_MAX_LIST];
};

/*
 * Combines a request with the daemon's minimums and the record protocols
 * the caller policy allows (@caller_protocols): the stronger PFS mode, the
 * shorter timeout, and the requested record protocols (by default the
 * library's list, then GMAC) that both allow. 0, or -EACCES if the request
 * names a protocol not allowed or none is left.
 */
int hsd_job_params(const struct hsd_minimums *m, unsigned int caller_protocols,
		   const Kalts__Hsd__HandshakeRequest *req, struct hsd_job_params *p);

/* Who handshake processes run as: --user, else "altshd" if it exists, else nobody. */
#define HSD_DEFAULT_USER	"altshd"
#define HSD_NOBODY		65534

struct hsd_user {
	uid_t uid;
	gid_t gid;
	char name[64];
	bool switch_ids;	/* the daemon is root: handshake processes become uid/gid */
};

/* @name NULL: the default. 0, or -errno with a reason in @err. */
int hsd_user_lookup(const char *name, struct hsd_user *u, char *err, size_t len);

/* The namespaces handshake processes run in. */
struct hsd_ns {
	bool enabled;		/* they get namespaces of their own */
	int net, mnt;		/* made once by a root daemon and joined by each; else -1 */
};

/*
 * At start: makes the shared namespaces (a root daemon) and checks that a
 * handshake process gets its namespaces; if not, ns->enabled is false and
 * @err says why.
 */
void hsd_ns_prepare(const struct hsd_user *u, struct hsd_ns *ns, char *err, size_t len);
void hsd_ns_release(struct hsd_ns *ns);

/*
 * In a handshake process, before anything else: become @u, drop every
 * capability, and enter new user, mount and network namespaces if
 * @ns->enabled (*@entered tells whether it did; if not, @err says why).
 * 0, or -errno with the reason in @err: the process must not go on then.
 */
int hsd_confine(const struct hsd_user *u, const struct hsd_ns *ns, bool *entered,
		char *err, size_t len);

#endif /* KALTS_ALTSHD_HSD_H */
