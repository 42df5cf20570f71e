// SPDX-License-Identifier: GPL-2.0
/*
 * altshd: holds a workload's handshake keys and runs handshakes on sockets
 * handed to it over a local SOCK_SEQPACKET interface (the kernel upcall
 * will feed the same path).
 *
 * Every handshake runs in its own forked process: a malformed or stalling
 * peer can only take down or delay its own handshake, the process has a
 * hard deadline (the parent kills it), and it works on a snapshot of the
 * credentials, so a reload (SIGHUP or a change in the configuration
 * directory) never disturbs handshakes in flight. Handshake processes run
 * as an unprivileged user in their own namespaces (confine.c) under a
 * seccomp allow-list (sandbox.c), or not at all. The parent only accepts,
 * checks the caller (callers.c), forks, reaps and keeps the client ticket
 * cache; the number of concurrent handshakes is bounded by not accepting
 * while all slots are busy, and each caller and peer address gets a share.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/alts.h>
#include <openssl/crypto.h>

#include "altshd.h"
#include "altshd.pb-c.h"
#include "cert.h"
#include "callers.h"
#include "hsd.h"
#include "ticket.h"

#define MAX_PENDING	64
#define PENDING_MS	2000
/* time a handshake process gets after its own deadline to answer and exit */
#define DEADLINE_GRACE_MS	1000
#define HSD_FIRST_BYTE_MS	1000

struct job {
	pid_t pid;
	int ticket_fd;		/* child -> parent: a new client ticket */
	int64_t deadline;	/* the parent kills it (SIGKILL) from then on */
	bool killed;
	uid_t caller;		/* who asked for it */
	struct hsd_source peer;	/* whom it talks to */
};

struct pending {
	int fd;
	int64_t since;
};

struct hsd {
	const char *confdir;
	const char *sock_path;
	mode_t sock_mode;
	int max_jobs;
	int per_caller, per_peer;	/* concurrent handshakes per caller uid, per peer address */
	int first_byte_ms;		/* a server handshake's peer must speak within this */
	int timeout_ms;
	enum alts_pfs pfs;
	unsigned int protocols;		/* record protocols a request may get */
	struct alts_creds *creds;
	struct callers *callers;	/* who may ask for what */
	struct alts_ticket_cache *tickets;
	struct alts_replay_cache *replay;
	struct alts_shared_store *store;	/* server-held tickets */
	struct alts_server_store store_ops;
	bool offer_server_tickets;
	struct hsd_user user;		/* handshake processes run as this user */
	struct hsd_ns ns;		/* and in their own namespaces */
	int listen_fd, sig_fd, ino_fd;
	size_t n_jobs;
	struct job jobs[ALTSHD_MAX_JOBS];
	size_t n_pending;
	struct pending pending[MAX_PENDING];
	bool quit;
};

static void log_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "altshd[%d]: ", (int)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *conf(const struct hsd *d, const char *name, char *buf, size_t len, bool optional)
{
	snprintf(buf, len, "%s/%s", d->confdir, name);
	if (optional && access(buf, F_OK))
		return NULL;
	return buf;
}

/* Load a new credential set and caller policy; the old ones stay in force if this fails. */
static int reload(struct hsd *d)
{
	char p[7][4096], err[512] = "";
	struct alts_creds_paths paths = {
		conf(d, "hs.cert", p[0], sizeof(p[0]), false),
		conf(d, "hs.key", p[1], sizeof(p[1]), false),
		conf(d, "roots", p[2], sizeof(p[2]), false),
		conf(d, "crl", p[3], sizeof(p[3]), false),
		conf(d, "policy", p[4], sizeof(p[4]), false),
		conf(d, "resumption.keys", p[5], sizeof(p[5]), true),
		.prev = d->creds,	/* a CRL once loaded stays required, its serial only grows */
	};
	struct callers *cl;
	struct alts_creds *c;
	int ret;

	ret = alts_creds_load(&c, &paths, err, sizeof(err));
	if (ret) {
		log_msg("reload failed, keeping the previous credentials: %s", err);
		return ret;
	}
	ret = callers_load(&cl, conf(d, "callers", p[6], sizeof(p[6]), false), err, sizeof(err));
	if (ret) {
		log_msg("reload failed, keeping the previous credentials and caller policy: %s",
			err[0] ? err : strerror(-ret));
		alts_creds_free(c);
		return ret;
	}
	alts_creds_free(d->creds);
	d->creds = c;
	callers_free(d->callers);
	d->callers = cl;
	log_msg("credentials loaded: %s, %zu roots, %zu revoked, %zu rules, %zu resumption keys",
		c->self.identity, c->n_roots, c->n_crl, c->n_rules, c->sec->n_res_keys);
	if (alts_creds_expiry_warning(c, (uint64_t)time(NULL), err, sizeof(err)))
		log_msg("warning: %s", err);
	if (access(p[6], F_OK))
		log_msg("caller policy: built in (root: keys returned; others: keys installed only)");
	else
		log_msg("caller policy: %zu rules from %s", cl->n_rules, p[6]);
	return 0;
}

static int send_response(int conn, const struct altshd_response *r)
{
	Kalts__Hsd__HandshakeResponse m = KALTS__HSD__HANDSHAKE_RESPONSE__INIT;
	uint8_t buf[ALTSHD_MAX_MSG];
	size_t len;
	ssize_t n;

	m.status = (uint32_t)r->status;
	m.errno_value = r->errno_value;
	m.record_protocol = r->record_protocol;
	m.key.data = (uint8_t *)r->key;
	m.key.len = r->key_len;
	m.max_frame_size = r->max_frame_size;
	m.peer_identity = (char *)r->peer_identity;
	m.local_identity = (char *)r->local_identity;
	m.application_protocol = (char *)r->app_protocol;
	m.resumed = r->resumed;
	m.pfs = r->pfs;
	m.keys_installed = r->keys_installed;
	len = kalts__hsd__handshake_response__get_packed_size(&m);
	kalts__hsd__handshake_response__pack(&m, buf);
	n = send(conn, buf, len, MSG_NOSIGNAL);
	OPENSSL_cleanse(buf, sizeof(buf));
	return n == (ssize_t)len ? 0 : -1;
}

/* Design 5.1 step 5: the record layer gets the key, the requester does not. */
static int install_keys(int fd, const struct alts_hs_result *res, enum alts_role role)
{
	struct alts_crypto_info ci;
	int ret = 0;

	memset(&ci, 0, sizeof(ci));
	ci.version = ALTS_CRYPTO_INFO_VERSION;
	ci.record_protocol = (uint16_t)res->record_protocol;
	ci.side = role == ALTS_SERVER ? ALTS_SIDE_SERVER : ALTS_SIDE_CLIENT;
	memcpy(ci.key, res->key, res->key_len);
	/* send at most the negotiated size; accept the default (1 MiB), as gRPC does */
	ci.max_frame_len = res->max_frame_size;
	if (setsockopt(fd, SOL_ALTS, ALTS_TX, &ci, sizeof(ci)))
		ret = -errno;
	ci.max_frame_len = 0;
	if (!ret && setsockopt(fd, SOL_ALTS, ALTS_RX, &ci, sizeof(ci)))
		ret = -errno;
	OPENSSL_cleanse(&ci, sizeof(ci));
	return ret;
}

static struct alts_ticket cached_ticket;

/* A server's peer speaks first: one that stays silent gives up its slot early. */
static int first_byte(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r > 0 ? ALTS_OK : r == 0 ? ALTS_ERR_TIMEOUT : ALTS_ERR_IO;
}

/* The child: one handshake, then exit. */
static void __attribute__((noreturn))
run_job(struct hsd *d, int conn, int fd, Kalts__Hsd__HandshakeRequest *req,
	const struct hsd_job_params *jp, bool has_ticket, int ticket_fd)
{
	struct alts_hs_config cfg = { 0 };
	struct alts_hs_result *res = OPENSSL_zalloc(sizeof(*res));
	struct altshd_response *out = OPENSSL_zalloc(sizeof(*out));
	bool entered;
	char why[160] = "";
	int err;

	log_msg("%s handshake started", req->role == 1 ? "server" : "client");
	if (!res || !out)
		_exit(1);
	/* the parent kills this process at its deadline (plus a grace period) */
	err = hsd_confine(&d->user, &d->ns, &entered, why, sizeof(why));
	if (err) {
		log_msg("refusing to run a handshake unconfined: %s", why);
		out->status = ALTS_ERR_INTERNAL;
		out->errno_value = -err;
		send_response(conn, out);
		_exit(1);
	}
	if (d->ns.enabled && !entered)
		log_msg("%s", why);
	err = altshd_sandbox();
	if (err) {
		log_msg("refusing to run a handshake unconfined: seccomp: %s", strerror(-err));
		out->status = ALTS_ERR_INTERNAL;
		out->errno_value = -err;
		send_response(conn, out);
		_exit(1);
	}
	cfg.role = req->role == 1 ? ALTS_SERVER : ALTS_CLIENT;
	cfg.creds = d->creds;
	cfg.pfs = jp->pfs;
	cfg.target_identities = (const char *const *)req->target_identities;
	cfg.n_target_identities = req->n_target_identities;
	cfg.record_protocols = jp->rps;
	cfg.n_record_protocols = jp->n_rps;
	cfg.ticket = has_ticket ? &cached_ticket : NULL;
	cfg.replay = d->replay;
	cfg.store = &d->store_ops;
	cfg.offer_server_ticket = d->offer_server_tickets;
	err = cfg.role == ALTS_SERVER ?
	      first_byte(fd, d->first_byte_ms < jp->timeout_ms ? d->first_byte_ms : jp->timeout_ms) :
	      ALTS_OK;
	if (!err)
		err = alts_hs_run_fd(fd, &cfg, jp->timeout_ms, res);
	if (!err && res->has_ticket && ticket_fd >= 0 &&
	    write(ticket_fd, &res->ticket, sizeof(res->ticket)) != sizeof(res->ticket))
		log_msg("could not keep the new ticket");
	if (!err && !req->return_key) {
		int r = install_keys(fd, res, cfg.role);

		if (r) {
			err = ALTS_ERR_CONFIG;
			out->errno_value = -r;
			log_msg("installing keys failed: %s", strerror(-r));
		} else {
			out->keys_installed = true;
		}
	}
	out->status = err;
	if (!out->errno_value)
		out->errno_value = alts_err_to_errno(err);
	if (!err) {
		out->record_protocol = res->record_protocol;
		if (req->return_key) {
			memcpy(out->key, res->key, res->key_len);
			out->key_len = res->key_len;
		}
		out->max_frame_size = res->max_frame_size;
		strcpy(out->peer_identity, res->peer.identity);
		strcpy(out->local_identity, res->local_identity);
		strcpy(out->app_protocol, res->app_protocol);
		out->resumed = res->resumed;
		out->pfs = res->pfs;
		log_msg("%s handshake with %s: %s, resumed=%d pfs=%d",
			cfg.role == ALTS_SERVER ? "server" : "client", res->peer.identity,
			alts_rp_name(res->record_protocol), res->resumed, res->pfs);
	} else {
		log_msg("%s handshake failed: %s", cfg.role == ALTS_SERVER ? "server" : "client",
			alts_strerror(err));
	}
	send_response(conn, out);
	OPENSSL_clear_free(res, sizeof(*res));
	OPENSSL_clear_free(out, sizeof(*out));
	OPENSSL_cleanse(&cached_ticket, sizeof(cached_ticket));
	_exit(err ? 2 : 0);
}

static bool request_ok(const Kalts__Hsd__HandshakeRequest *r)
{
	size_t i;

	if (r->base.n_unknown_fields || r->role > 1 || r->pfs > ALTS_PFS_REQUIRED ||
	    r->n_target_identities > 64 || r->n_record_protocols > ALTS_MAX_LIST ||
	    r->timeout_ms > 600000)
		return false;
	for (i = 0; i < r->n_record_protocols; i++)
		if (!alts_rp_name((enum alts_rp)r->record_protocols[i]))
			return false;
	for (i = 0; i < r->n_target_identities; i++)
		if (!alts_str_ok(r->target_identities[i], ALTS_MAX_IDENTITY))
			return false;
	return true;
}

static void reject(int conn, int status)
{
	struct altshd_response r = { .status = status, .errno_value = alts_err_to_errno(status) };

	send_response(conn, &r);
}

/* What the caller policy and the daemon's minimums let this caller have; false: refused. */
static bool admit(struct hsd *d, int conn, const Kalts__Hsd__HandshakeRequest *req,
		  struct hsd_job_params *jp, uid_t *caller)
{
	struct altshd_response no = { .status = ALTS_ERR_POLICY, .errno_value = EACCES };
	enum alts_rp rps[ALTS_MAX_LIST];
	struct caller_request cr = {
		.role = req->role == 1 ? ALTS_SERVER : ALTS_CLIENT,
		.local_identity = d->creds->self.identity,
		.targets = (const char *const *)req->target_identities,
		.n_targets = req->n_target_identities,
		.protocols = rps,
		.n_protocols = req->n_record_protocols,
		.return_key = req->return_key,
	};
	struct hsd_minimums m = { d->pfs, d->protocols, d->timeout_ms };
	struct caller_decision dec;
	struct ucred uc;
	socklen_t len = sizeof(uc);
	size_t i;

	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &uc, &len) || len != sizeof(uc)) {
		log_msg("SO_PEERCRED: %s", strerror(errno));
		reject(conn, ALTS_ERR_INTERNAL);
		return false;
	}
	for (i = 0; i < req->n_record_protocols; i++)
		rps[i] = (enum alts_rp)req->record_protocols[i];
	callers_decide(d->callers, uc.uid, uc.gid, &cr, &dec);
	if (dec.allowed && hsd_job_params(&m, dec.protocols, req, jp)) {
		dec.allowed = false;
		snprintf(dec.why, sizeof(dec.why), "record protocol not allowed by the daemon");
	}
	if (!dec.allowed) {
		log_msg("caller uid %u gid %u pid %d refused: %s (caller policy line %u)",
			(unsigned int)uc.uid, (unsigned int)uc.gid, (int)uc.pid, dec.why, dec.line);
		send_response(conn, &no);
		return false;
	}
	*caller = uc.uid;
	return true;
}

/* Per-source shares of the slots: no caller, no peer address takes them all. */
static bool within_limits(const struct hsd *d, uid_t caller, const struct hsd_source *peer)
{
	int by_caller = 0, by_peer = 0;
	size_t i;

	for (i = 0; i < d->n_jobs; i++) {
		by_caller += d->jobs[i].caller == caller;
		by_peer += hsd_same_source(&d->jobs[i].peer, peer);
	}
	if (by_caller >= d->per_caller) {
		log_msg("caller uid %u already runs %d handshakes: refused", (unsigned int)caller,
			by_caller);
		return false;
	}
	if (by_peer >= d->per_peer) {
		log_msg("%d handshakes with that peer address already: refused", by_peer);
		return false;
	}
	return true;
}

/* A request arrived on a pending connection: fork its handshake. */
static void start_job(struct hsd *d, int conn)
{
	Kalts__Hsd__HandshakeRequest *req = NULL;
	uint8_t buf[ALTSHD_MAX_MSG];
	struct hsd_job_params jp;
	struct hsd_source peer;
	uid_t caller;
	int fd = -1, pipefd[2] = { -1, -1 };
	bool has_ticket = false;
	ssize_t n;
	pid_t pid;

	n = hsd_recv_request(conn, buf, sizeof(buf), &fd);
	if (n > 0)
		req = kalts__hsd__handshake_request__unpack(NULL, (size_t)n, buf);
	if (!req || fd < 0 || !request_ok(req)) {
		reject(conn, ALTS_ERR_MALFORMED);
		goto out;
	}
	if (!d->creds) {
		reject(conn, ALTS_ERR_CONFIG);
		goto out;
	}
	if (!admit(d, conn, req, &jp, &caller))
		goto out;
	hsd_peer_source(fd, &peer);
	if (!within_limits(d, caller, &peer)) {
		struct altshd_response busy = { .status = ALTS_ERR_INTERNAL, .errno_value = EAGAIN };

		send_response(conn, &busy);
		goto out;
	}
	/* Client: take (single use) a ticket for the one server it wants. */
	if (req->role == 0 && req->n_target_identities == 1)
		has_ticket = alts_ticket_cache_take(d->tickets, req->target_identities[0],
						    (uint64_t)time(NULL), &cached_ticket);
	if (req->role == 0 && pipe2(pipefd, O_CLOEXEC))
		pipefd[0] = pipefd[1] = -1;
	pid = fork();
	if (pid == 0) {
		sigset_t all;

		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		signal(SIGPIPE, SIG_IGN);
		close(d->listen_fd);
		close(d->sig_fd);
		if (d->ino_fd >= 0)
			close(d->ino_fd);
		if (pipefd[0] >= 0)
			close(pipefd[0]);
		run_job(d, conn, fd, req, &jp, has_ticket, pipefd[1]);
	}
	OPENSSL_cleanse(&cached_ticket, sizeof(cached_ticket));
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (pid < 0) {
		log_msg("fork: %s", strerror(errno));
		reject(conn, ALTS_ERR_INTERNAL);
		if (pipefd[0] >= 0)
			close(pipefd[0]);
		goto out;
	}
	d->jobs[d->n_jobs++] = (struct job){ pid, pipefd[0],
					     now_ms() + jp.timeout_ms + DEADLINE_GRACE_MS, false,
					     caller, peer };
out:
	if (req)
		kalts__hsd__handshake_request__free_unpacked(req, NULL);
	if (fd >= 0)
		close(fd);
	close(conn);
}

static void read_ticket(struct hsd *d, struct job *j)
{
	struct alts_ticket t;
	ssize_t n = read(j->ticket_fd, &t, sizeof(t));

	if (n == sizeof(t) && t.len <= sizeof(t.data))
		alts_ticket_cache_put(d->tickets, &t);
	OPENSSL_cleanse(&t, sizeof(t));
	if (n <= 0) {
		close(j->ticket_fd);
		j->ticket_fd = -1;
	}
}

static void reap(struct hsd *d)
{
	pid_t pid;
	int st;
	size_t i;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < d->n_jobs; i++) {
			if (d->jobs[i].pid != pid)
				continue;
			if (d->jobs[i].ticket_fd >= 0) {
				read_ticket(d, &d->jobs[i]);
				if (d->jobs[i].ticket_fd >= 0)
					close(d->jobs[i].ticket_fd);
			}
			if (WIFSIGNALED(st))
				log_msg("handshake process %d killed by signal %d", (int)pid, WTERMSIG(st));
			else if (WIFEXITED(st) && WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 2)
				log_msg("handshake process %d died with status %d", (int)pid, WEXITSTATUS(st));
			d->jobs[i] = d->jobs[--d->n_jobs];
			break;
		}
	}
}

/* A handshake process past its deadline is stopped, stuck or hostile: kill it. */
static int enforce_deadlines(struct hsd *d)
{
	int64_t now = now_ms(), next = 500;
	size_t i;

	for (i = 0; i < d->n_jobs; i++) {
		struct job *j = &d->jobs[i];

		if (j->killed)
			continue;
		if (now >= j->deadline) {
			log_msg("handshake process %d overran its deadline: killed", (int)j->pid);
			kill(j->pid, SIGKILL);
			j->killed = true;
		} else if (j->deadline - now < next) {
			next = j->deadline - now;
		}
	}
	return (int)next;
}

static void handle_signals(struct hsd *d)
{
	struct signalfd_siginfo si;

	while (read(d->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			reload(d);
			break;
		case SIGCHLD:
			reap(d);
			break;
		default:
			d->quit = true;
		}
	}
}

static void handle_inotify(struct hsd *d)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;
	ssize_t n;

	while ((n = read(d->ino_fd, buf, sizeof(buf))) > 0) {
		char *p;

		for (p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;

			/* temporary files of atomic writes are not interesting */
			if (ev->len && !strstr(ev->name, ".tmp."))
				changed = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (changed)
		reload(d);
}

static void loop(struct hsd *d)
{
	struct pollfd p[3 + MAX_PENDING + ALTSHD_MAX_JOBS];

	while (!d->quit) {
		size_t n = 0, i, base_pending, base_jobs;
		int64_t now = now_ms();

		p[n++] = (struct pollfd){ d->sig_fd, POLLIN, 0 };
		p[n++] = (struct pollfd){ d->ino_fd, POLLIN, 0 };
		/* bounded concurrency: no accept while every slot is busy */
		p[n++] = (struct pollfd){ d->n_jobs < (size_t)d->max_jobs &&
					  d->n_pending < MAX_PENDING ? d->listen_fd : -1, POLLIN, 0 };
		base_pending = n;
		for (i = 0; i < d->n_pending; i++)
			p[n++] = (struct pollfd){ d->n_jobs < (size_t)d->max_jobs ?
						  d->pending[i].fd : -1, POLLIN, 0 };
		base_jobs = n;
		for (i = 0; i < d->n_jobs; i++)
			p[n++] = (struct pollfd){ d->jobs[i].ticket_fd, POLLIN, 0 };
		if (poll(p, n, enforce_deadlines(d)) < 0 && errno != EINTR)
			break;
		enforce_deadlines(d);
		if (p[0].revents)
			handle_signals(d);
		if (p[1].revents)
			handle_inotify(d);
		for (i = 0; i < d->n_jobs && base_jobs + i < n; i++)
			if (p[base_jobs + i].revents && d->jobs[i].ticket_fd >= 0)
				read_ticket(d, &d->jobs[i]);
		/* requests on accepted connections, oldest first; drop stale ones */
		{
			size_t n_pending = d->n_pending, kept = 0;
			bool ready[MAX_PENDING];

			for (i = 0; i < n_pending; i++)
				ready[i] = p[base_pending + i].revents != 0;
			for (i = 0; i < n_pending; i++) {
				struct pending pe = d->pending[i];

				if (ready[i] && d->n_jobs < (size_t)d->max_jobs)
					start_job(d, pe.fd);
				else if (now - pe.since > PENDING_MS)
					close(pe.fd);
				else
					d->pending[kept++] = pe;
			}
			d->n_pending = kept;
		}
		if (p[2].revents & POLLIN) {
			int c = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC);

			if (c >= 0)
				d->pending[d->n_pending++] = (struct pending){ c, now_ms() };
		}
	}
}

static int parse_protocols(const char *list, unsigned int *out)
{
	char buf[256], *save, *t;

	*out = 0;
	if (snprintf(buf, sizeof(buf), "%s", list) >= (int)sizeof(buf))
		return -1;
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		enum alts_rp rp = alts_rp_from_name(t);

		if (rp == ALTS_RP_UNSPEC)
			return -1;
		*out |= 1u << rp;
	}
	return *out ? 0 : -1;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"Usage: %s [-c CONFDIR] [-s SOCKET] [-j MAX_HANDSHAKES] [-t TIMEOUT_MS]\n"
		"          [--static-only | --pfs-required] [--offer-server-tickets] [--user USER]\n"
		"          [--record-protocols LIST] [--socket-mode MODE] [--per-caller N]\n"
		"          [--per-peer N] [--first-byte-timeout MS] [--version]\n"
		"CONFDIR (default " ALTSHD_CONFDIR ") holds hs.cert, hs.key (0600), roots, policy,\n"
		"and optionally crl and resumption.keys (0600). It is reloaded on SIGHUP and\n"
		"whenever a file in it changes.\n", prog);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "confdir", 1, 0, 'c' }, { "socket", 1, 0, 's' }, { "jobs", 1, 0, 'j' },
		{ "timeout", 1, 0, 't' }, { "static-only", 0, 0, 'S' }, { "pfs-required", 0, 0, 'P' },
		{ "offer-server-tickets", 0, 0, 'O' }, { "user", 1, 0, 'u' },
		{ "record-protocols", 1, 0, 'R' }, { "socket-mode", 1, 0, 'm' },
		{ "per-caller", 1, 0, 'C' }, { "per-peer", 1, 0, 'E' },
		{ "first-byte-timeout", 1, 0, 'F' },
		{ "version", 0, 0, 'V' }, { "help", 0, 0, 'h' }, { 0 },
	};
	struct hsd d = { .confdir = ALTSHD_CONFDIR, .sock_path = ALTSHD_SOCKET, .sock_mode = 0666,
			 .max_jobs = 16, .timeout_ms = ALTS_HS_TIMEOUT_MS, .pfs = ALTS_PFS_ON,
			 .protocols = (1u << ALTS_RP_GCM_AES128) | (1u << ALTS_RP_GCM_AES128_REKEY),
			 .ino_fd = -1, .ns = { .net = -1, .mnt = -1 } };
	const char *user = NULL;
	char why[256] = "";
	sigset_t mask;
	int ch, ret = 1;
	size_t i;

	while ((ch = getopt_long(argc, argv, "c:s:j:t:Vh", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': d.confdir = optarg; break;
		case 's': d.sock_path = optarg; break;
		case 'j': d.max_jobs = atoi(optarg); break;
		case 't': d.timeout_ms = atoi(optarg); break;
		case 'S': d.pfs = ALTS_PFS_OFF; break;
		case 'P': d.pfs = ALTS_PFS_REQUIRED; break;
		case 'O': d.offer_server_tickets = true; break;
		case 'u': user = optarg; break;
		case 'C': d.per_caller = atoi(optarg); break;
		case 'E': d.per_peer = atoi(optarg); break;
		case 'F': d.first_byte_ms = atoi(optarg); break;
		case 'R':
			if (parse_protocols(optarg, &d.protocols)) {
				fprintf(stderr, "--record-protocols: want names from %s, %s, %s\n",
					ALTS_RPN_GCM_AES128_REKEY, ALTS_RPN_GCM_AES128, ALTS_RPN_GMAC_128);
				return 1;
			}
			break;
		case 'm': {
			char *end;
			long m = strtol(optarg, &end, 8);

			if (*end || m < 0 || m > 0777) {
				fprintf(stderr, "--socket-mode: want an octal mode like 0660\n");
				return 1;
			}
			d.sock_mode = (mode_t)m;
			break;
		}
		case 'V': fputs(ALTS_HS_LABEL_TEXT, stdout); return 0;
		default: usage(argv[0]); return 1;
		}
	}
	if (d.max_jobs < 1 || d.max_jobs > ALTSHD_MAX_JOBS || d.timeout_ms < 1) {
		fprintf(stderr, "-j must be 1..%d and -t positive\n", ALTSHD_MAX_JOBS);
		return 1;
	}
	/* by default a caller gets three quarters of the slots, a peer address a quarter */
	if (!d.per_caller)
		d.per_caller = (3 * d.max_jobs + 3) / 4;
	if (!d.per_peer)
		d.per_peer = (d.max_jobs + 3) / 4;
	if (!d.first_byte_ms)
		d.first_byte_ms = HSD_FIRST_BYTE_MS;
	if (d.per_caller < 1 || d.per_peer < 1 || d.first_byte_ms < 1) {
		fprintf(stderr, "--per-caller, --per-peer and --first-byte-timeout must be positive\n");
		return 1;
	}
	if (hsd_user_lookup(user, &d.user, why, sizeof(why))) {
		fprintf(stderr, "--user: %s\n", why);
		return 1;
	}
	/* no core dumps or ptrace of a process that holds keys */
	prctl(PR_SET_DUMPABLE, 0);
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	d.sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	d.ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d.sig_fd < 0 || d.ino_fd < 0 ||
	    inotify_add_watch(d.ino_fd, d.confdir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_CREATE) < 0) {
		fprintf(stderr, "%s: cannot watch: %s\n", d.confdir, strerror(errno));
		return 1;
	}
	d.tickets = alts_ticket_cache_new(1024);
	d.replay = alts_replay_cache_new(1 << 16);
	d.store = alts_shared_store_new(256);
	if (!d.tickets || !d.replay || !d.store || reload(&d))
		goto out;
	alts_shared_store_ops(d.store, &d.store_ops);
	if (!d.user.switch_ids)
		log_msg("not running as root: handshake processes keep uid %d", (int)getuid());
	hsd_ns_prepare(&d.user, &d.ns, why, sizeof(why));
	if (!d.ns.enabled)
		log_msg("%s: handshake processes share the daemon's namespaces", why);
	if ((ret = hsd_listen(d.sock_path, d.sock_mode, &d.listen_fd))) {
		fprintf(stderr, "%s: %s\n", d.sock_path, strerror(-ret));
		ret = 1;
		goto out;
	}
	log_msg("listening on %s, at most %d concurrent handshakes (%d per caller, %d per peer "
		"address), timeout %d ms (first byte %d ms), PFS %s, handshakes as %s%s",
		d.sock_path, d.max_jobs, d.per_caller, d.per_peer, d.timeout_ms, d.first_byte_ms,
		d.pfs == ALTS_PFS_ON ? "on" : d.pfs == ALTS_PFS_OFF ? "off" : "required",
		d.user.switch_ids ? d.user.name : "the daemon's user",
		d.ns.enabled ? " in their own namespaces" : "");
	loop(&d);
	ret = 0;
	unlink(d.sock_path);
	close(d.listen_fd);
out:
	for (i = 0; i < d.n_pending; i++)
		close(d.pending[i].fd);
	alts_creds_free(d.creds);
	callers_free(d.callers);
	hsd_ns_release(&d.ns);
	alts_ticket_cache_free(d.tickets);
	alts_replay_cache_free(d.replay);
	alts_shared_store_free(d.store);
	return ret;
}
