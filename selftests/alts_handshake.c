// SPDX-License-Identifier: GPL-2.0
/*
 * Handshakes through the kernel: setsockopt(ALTS_HANDSHAKE), the "alts"
 * generic netlink upcall and ALTS_PEER_INFO, against a scripted agent.
 *
 * The agent (agent_start()) is a forked process that joins the group,
 * accepts requests and, per request, forks a worker that claims the socket
 * with the request's cookie, exchanges a fake 8-byte hello with the peer's
 * worker, installs the test keys and reports its outcome; the agent then
 * sends DONE. Its behaviour is scripted per test (enum agent_mode). The
 * real handshake daemon is tested end to end elsewhere; these tests pin
 * the kernel's side of the contract.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>

#include "alts_common.h"
#include "alts_genl.h"

#define HELLO_LEN	8
#define PEER_ID(role)	((role) == ALTS_ROLE_CLIENT ? "spiffe://test/server" : \
						      "spiffe://test/client")
#define LOCAL_ID(role)	((role) == ALTS_ROLE_CLIENT ? "spiffe://test/client" : \
						      "spiffe://test/server")

enum agent_mode {
	AGENT_OK,		/* hello, keys, DONE success */
	AGENT_REFUSE,		/* DONE with EACCES, no I/O */
	AGENT_NO_KEYS,		/* hello, then DONE success without keys */
	AGENT_HOLD,		/* claim, report the cookie, wait for the test */
	AGENT_DIE,		/* accept, then exit without DONE */
	AGENT_WAIT_DATA,	/* like OK, but a client installs RX only once
				 * the server's first record is queued */
};

/* What a worker tells its agent (and, with AGENT_HOLD, the test). */
struct worker_report {
	uint32_t status;
	uint32_t proto;
	uint64_t cookie;
	int hold_send_errno;	/* AGENT_HOLD: errno of the worker's send after
				 * the test took over the socket */
};

struct agent {
	pid_t pid;
	int ctl[2];		/* test -> agent: bytes release held workers */
	int rep[2];		/* agent -> test: struct worker_report (HOLD) */
};

static unsigned int test_scale(void)
{
	const char *env = getenv("ALTS_TEST_SCALE");
	unsigned int scale = env ? strtoul(env, NULL, 10) : 1;

	return scale >= 1 && scale <= 100 ? scale : 1;
}

/* One counter of /proc/net/alts_stat, or -1. */
static long alts_stat(const char *name)
{
	char line[256], key[128];
	long val, ret = -1;
	FILE *f = fopen("/proc/net/alts_stat", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %ld", key, &val) == 2 && !strcmp(key, name))
			ret = val;
	fclose(f);
	return ret;
}

/* Wait until counter @name reads @want. */
static bool stat_becomes(const char *name, long want, int timeout_ms)
{
	int i;

	for (i = 0; i < timeout_ms / 10; i++) {
		if (alts_stat(name) == want)
			return true;
		usleep(10000);
	}
	return alts_stat(name) == want;
}

static void hs_req_init(struct alts_handshake_req *r, uint8_t role, uint32_t protos,
			uint32_t timeout_ms)
{
	memset(r, 0, sizeof(*r));
	r->version = ALTS_HANDSHAKE_VERSION;
	r->role = role;
	r->record_protocols = protos;
	r->timeout_ms = timeout_ms;
	r->n_targets = 1;
	strcpy(r->target_identities[0], PEER_ID(role));
}

static int hs_request(int fd, uint8_t role, uint32_t protos, uint32_t timeout_ms)
{
	struct alts_handshake_req r;

	hs_req_init(&r, role, protos, timeout_ms);
	return setsockopt(fd, SOL_ALTS, ALTS_HANDSHAKE, &r, sizeof(r)) ? -errno : 0;
}

static struct alts_handshake_status hs_status(int fd)
{
	struct alts_handshake_status st = { .state = 0xff };
	socklen_t len = sizeof(st);

	getsockopt(fd, SOL_ALTS, ALTS_HANDSHAKE, &st, &len);
	return st;
}

static bool hs_state_becomes(int fd, uint32_t state, int timeout_ms)
{
	int i;

	for (i = 0; i < timeout_ms / 5; i++) {
		if (hs_status(fd).state == state)
			return true;
		usleep(5000);
	}
	return hs_status(fd).state == state;
}

static int so_error(int fd)
{
	int err = -1;
	socklen_t len = sizeof(err);

	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	return err;
}

static uint16_t first_proto(uint32_t mask)
{
	uint16_t p;

	for (p = ALTSRP_GCM_AES128; p <= ALTSRP_GMAC_128; p++)
		if (mask & (1u << p))
			return p;
	return ALTSRP_GCM_AES128;
}

/*
 * The agent shares the application's open file: it leaves its flags alone
 * and waits with poll.
 */
static bool io_exact(int fd, void *buf, size_t len, bool wr)
{
	char *p = buf;

	while (len) {
		struct pollfd pfd = { .fd = fd, .events = wr ? POLLOUT : POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 10000) != 1)
			return false;
		n = wr ? send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT) :
			 recv(fd, p, len, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

/* The fake handshake: the client speaks first, each side sends 8 bytes. */
static bool fake_hello(int fd, uint8_t role)
{
	char mine[HELLO_LEN] = "ALTS-CH", theirs[HELLO_LEN], want[HELLO_LEN] = "ALTS-SH";

	if (role == ALTS_ROLE_SERVER) {
		memcpy(mine, "ALTS-SH", HELLO_LEN);
		memcpy(want, "ALTS-CH", HELLO_LEN);
	}
	if (role == ALTS_ROLE_CLIENT && !io_exact(fd, mine, HELLO_LEN, true))
		return false;
	if (!io_exact(fd, theirs, HELLO_LEN, false) || memcmp(theirs, want, HELLO_LEN))
		return false;
	if (role == ALTS_ROLE_SERVER && !io_exact(fd, mine, HELLO_LEN, true))
		return false;
	return true;
}

static int install_both(int fd, uint16_t proto, uint8_t role)
{
	uint8_t side = role == ALTS_ROLE_CLIENT ? ALTS_SIDE_CLIENT : ALTS_SIDE_SERVER;

	if (alts_install(fd, ALTS_TX, proto, side, 0, 0) ||
	    alts_install(fd, ALTS_RX, proto, side, 0, 0))
		return errno;
	return 0;
}

/* A worker: one request, in its own process, as the real daemon does. */
static void __attribute__((noreturn))
worker(const struct genl_request *r, enum agent_mode mode, int out, const struct agent *a)
{
	struct worker_report rep = { .status = EIO, .proto = first_proto(r->record_protocols) };
	char c;
	int i;

	if (mode == AGENT_REFUSE) {
		rep.status = EACCES;
		goto report;
	}
	if (setsockopt(r->fd, SOL_ALTS, ALTS_HANDSHAKE_CLAIM, &r->cookie, 8))
		goto report;
	if (mode == AGENT_HOLD) {
		rep.cookie = r->cookie;
		if (write(a->rep[1], &rep, sizeof(rep)) != sizeof(rep) ||
		    read(a->ctl[0], &c, 1) != 1)
			_exit(1);
		/* The test claimed the socket meanwhile: this process is no
		 * longer the one doing the handshake's I/O.
		 */
		rep.hold_send_errno = send(r->fd, "x", 1, MSG_DONTWAIT) < 0 ? errno : 0;
		if (write(a->rep[1], &rep, sizeof(rep)) != sizeof(rep))
			_exit(1);
		rep.status = ECONNABORTED;
		goto report;
	}
	if (!fake_hello(r->fd, r->role)) {
		rep.status = EPROTO;
		goto report;
	}
	if (mode == AGENT_NO_KEYS) {
		rep.status = 0;
		goto report;
	}
	if (mode == AGENT_WAIT_DATA && r->role == ALTS_ROLE_CLIENT) {
		/* Let the server's first record arrive before RX is keyed. */
		for (i = 0; i < 2000; i++) {
			int inq = 0;

			if (!ioctl(r->fd, FIONREAD, &inq) && inq > 0)
				break;
			usleep(1000);
		}
	}
	rep.status = install_both(r->fd, rep.proto, r->role);
report:
	if (write(out, &rep, sizeof(rep)) != sizeof(rep))
		_exit(1);
	_exit(0);
}

struct pending_worker {
	pid_t pid;
	int pipe;
	struct genl_request req;
};

static void agent_finish(struct genl_agent *ag, struct pending_worker *w)
{
	struct worker_report rep;
	struct genl_outcome o = { .resumed = -1, .pfs = -1 };

	if (read(w->pipe, &rep, sizeof(rep)) != sizeof(rep))
		rep.status = EIO;
	o.status = rep.status;
	if (!o.status) {
		o.peer_identity = PEER_ID(w->req.role);
		o.local_identity = LOCAL_ID(w->req.role);
		o.app_protocol = "grpc";
		o.record_protocol = rep.proto;
		o.resumed = 0;
		o.pfs = 1;
	}
	genl_done(ag, w->req.fd, w->req.handle, &o);
	close(w->req.fd);
	close(w->pipe);
	waitpid(w->pid, NULL, 0);
}

#define AGENT_MAX_WORKERS	1024

static void __attribute__((noreturn)) agent_main(struct agent *a, enum agent_mode mode,
						 int ready_fd)
{
	static struct pending_worker w[AGENT_MAX_WORKERS];
	struct genl_agent ag;
	int n = 0, i;
	char ok = 1;

	if (genl_agent_open(&ag, true))
		_exit(1);
	if (write(ready_fd, &ok, 1) != 1)
		_exit(1);
	close(ready_fd);
	for (;;) {
		struct pollfd p[AGENT_MAX_WORKERS + 1];
		int np = 0;

		/* Take every waiting request. */
		while (n < AGENT_MAX_WORKERS) {
			struct genl_request *r = &w[n].req;
			int pp[2];

			if (genl_accept(&ag, r))
				break;
			if (mode == AGENT_DIE)
				_exit(0);
			if (pipe(pp))
				_exit(1);
			w[n].pid = fork();
			if (!w[n].pid) {
				close(pp[0]);
				worker(r, mode, pp[1], a);
			}
			close(pp[1]);
			w[n].pipe = pp[0];
			n++;
		}
		p[np++] = (struct pollfd){ .fd = ag.fd, .events = POLLIN };
		for (i = 0; i < n; i++)
			p[np++] = (struct pollfd){ .fd = w[i].pipe, .events = POLLIN };
		if (poll(p, np, 100) < 0 && errno != EINTR)
			_exit(1);
		if (p[0].revents)
			genl_wait_ready(&ag, 0);
		for (i = n - 1; i >= 0; i--) {
			if (!p[1 + i].revents)
				continue;
			agent_finish(&ag, &w[i]);
			w[i] = w[--n];
		}
	}
}

/* A forked agent must not keep the application's sockets open. */
static void close_other_fds(int keep1, int keep2, int keep3)
{
	int fd;

	for (fd = 3; fd < 1024; fd++)
		if (fd != keep1 && fd != keep2 && fd != keep3)
			close(fd);
}

/* Start an agent in @mode; returns once it has joined the group. */
static bool agent_start(struct agent *a, enum agent_mode mode)
{
	int ready[2];
	char c;

	if (pipe(ready) || pipe(a->ctl) || pipe(a->rep))
		return false;
	a->pid = fork();
	if (a->pid < 0)
		return false;
	if (!a->pid) {
		close_other_fds(ready[1], a->ctl[0], a->rep[1]);
		agent_main(a, mode, ready[1]);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		return false;
	}
	close(ready[0]);
	return true;
}

static void agent_stop(struct agent *a)
{
	if (a->pid > 0) {
		kill(a->pid, SIGKILL);
		waitpid(a->pid, NULL, 0);
	}
	a->pid = 0;
	close(a->ctl[0]);
	close(a->ctl[1]);
	close(a->rep[0]);
	close(a->rep[1]);
}

/* A joined agent that never accepts: requests wait until their deadline. */
static pid_t idle_agent_start(void)
{
	int ready[2];
	pid_t pid;
	char c = 1;

	if (pipe(ready))
		return -1;
	pid = fork();
	if (!pid) {
		struct genl_agent ag;

		close_other_fds(ready[1], -1, -1);
		if (genl_agent_open(&ag, true) || write(ready[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		pid = -1;
	close(ready[0]);
	return pid;
}

static void child_stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* A connected pair with the ULP on both ends. */
static bool hs_pair(int family, int *cli, int *srv)
{
	if (tcp_pair(family, cli, srv))
		return false;
	return !alts_attach(*cli) && !alts_attach(*srv);
}

struct server_thread {
	pthread_t tid;
	int fd;
	uint32_t protos;
	int ret;
};

static void *server_thread_fn(void *arg)
{
	struct server_thread *t = arg;

	t->ret = hs_request(t->fd, ALTS_ROLE_SERVER, t->protos, 10000);
	return NULL;
}

/* Both ends ask for a blocking handshake; returns the client's result. */
static int hs_both(int cli, int srv, uint32_t protos, int *srv_ret)
{
	struct server_thread t = { .fd = srv, .protos = protos };
	int ret;

	if (pthread_create(&t.tid, NULL, server_thread_fn, &t))
		return -EAGAIN;
	ret = hs_request(cli, ALTS_ROLE_CLIENT, protos, 10000);
	pthread_join(t.tid, NULL);
	*srv_ret = t.ret;
	return ret;
}

static bool key_bytes_absent(const void *buf, size_t len)
{
	uint8_t key[ALTS_KEY_MAX_SIZE];
	size_t i;

	alts_test_key(key);
	for (i = 0; i + 8 <= len; i++)
		if (!memcmp((const uint8_t *)buf + i, key, 8))
			return false;
	return true;
}

FIXTURE(hs)
{
	int cli, srv;
	struct agent agent;
};

FIXTURE_VARIANT(hs)
{
	int family;
	uint16_t proto;
};

ALTS_FIXTURE_VARIANTS(hs);

FIXTURE_SETUP(hs)
{
	memset(&self->agent, 0, sizeof(self->agent));
	self->cli = self->srv = -1;
	ASSERT_TRUE(hs_pair(variant->family, &self->cli, &self->srv));
}

FIXTURE_TEARDOWN(hs)
{
	close(self->cli);
	close(self->srv);
	agent_stop(&self->agent);
}

/* Both ends complete, see each other's identity and exchange data. */
TEST_F(hs, blocking_success)
{
	struct alts_peer_info pi;
	struct alts_crypto_info ci;
	socklen_t len = sizeof(pi);
	char buf[64];
	int sret;

	ASSERT_TRUE(agent_start(&self->agent, AGENT_OK));
	ASSERT_EQ(hs_both(self->cli, self->srv, 1u << variant->proto, &sret), 0);
	ASSERT_EQ(sret, 0);
	EXPECT_EQ(hs_status(self->cli).state, ALTS_HS_DONE);
	EXPECT_EQ(hs_status(self->srv).state, ALTS_HS_DONE);

	ASSERT_EQ(getsockopt(self->cli, SOL_ALTS, ALTS_PEER_INFO, &pi, &len), 0);
	EXPECT_EQ(len, sizeof(pi));
	EXPECT_EQ(pi.version, ALTS_HANDSHAKE_VERSION);
	EXPECT_STREQ(pi.peer_identity, "spiffe://test/server");
	EXPECT_STREQ(pi.local_identity, "spiffe://test/client");
	EXPECT_STREQ(pi.app_protocol, "grpc");
	EXPECT_EQ(pi.record_protocol, variant->proto);
	EXPECT_EQ(pi.security_level, variant->proto == ALTSRP_GMAC_128 ?
		  ALTS_SECURITY_INTEGRITY_ONLY : ALTS_SECURITY_INTEGRITY_AND_PRIVACY);
	EXPECT_EQ(pi.flags, ALTS_PEER_F_PFS);
	EXPECT_EQ(pi.max_frame_len, ALTS_FRAME_LEN_DEFAULT_TX);
	EXPECT_TRUE(key_bytes_absent(&pi, sizeof(pi)));
	len = sizeof(pi);
	ASSERT_EQ(getsockopt(self->srv, SOL_ALTS, ALTS_PEER_INFO, &pi, &len), 0);
	EXPECT_STREQ(pi.peer_identity, "spiffe://test/client");

	/* Keys never come back out. */
	len = sizeof(ci);
	ASSERT_EQ(getsockopt(self->cli, SOL_ALTS, ALTS_TX, &ci, &len), 0);
	EXPECT_EQ(ci.record_protocol, variant->proto);
	EXPECT_TRUE(key_bytes_absent(&ci, sizeof(ci)));

	/* Data flows, sealed with the keys the agent installed. */
	ASSERT_TRUE(write_all(self->cli, "ping", 4));
	ASSERT_EQ(read_full(self->srv, buf, 4, 5000), 4);
	EXPECT_EQ(memcmp(buf, "ping", 4), 0);
	ASSERT_TRUE(write_all(self->srv, "pong!", 5));
	ASSERT_EQ(read_full(self->cli, buf, 5, 5000), 5);
	EXPECT_EQ(memcmp(buf, "pong!", 5), 0);
}

/* Records the server sends at once wait in TCP until the client keys RX. */
TEST_F(hs, data_right_after_handshake)
{
	static char data[3 * ALTS_PAYLOAD_MAX + 77], got[sizeof(data)];
	int sret;

	fill_pattern(data, sizeof(data), 0, 9);
	ASSERT_TRUE(agent_start(&self->agent, AGENT_WAIT_DATA));
	set_nonblock(self->cli, true);
	ASSERT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 1u << variant->proto, 10000),
		  -EINPROGRESS);
	ASSERT_EQ(hs_request(self->srv, ALTS_ROLE_SERVER, 1u << variant->proto, 10000), 0);
	ASSERT_TRUE(write_all(self->srv, data, sizeof(data)));
	ASSERT_TRUE(hs_state_becomes(self->cli, ALTS_HS_DONE, 10000));
	set_nonblock(self->cli, false);
	sret = read_full(self->cli, got, sizeof(got), 5000);
	ASSERT_EQ(sret, (int)sizeof(got));
	EXPECT_TRUE(check_pattern(got, sizeof(got), 0, 9));
}

/* EINPROGRESS, then writable with SO_ERROR 0 once done. */
TEST_F(hs, nonblocking_success)
{
	struct pollfd p[2];
	int i;

	ASSERT_TRUE(agent_start(&self->agent, AGENT_OK));
	set_nonblock(self->cli, true);
	set_nonblock(self->srv, true);
	ASSERT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 1u << variant->proto, 10000),
		  -EINPROGRESS);
	ASSERT_EQ(hs_request(self->srv, ALTS_ROLE_SERVER, 1u << variant->proto, 10000),
		  -EINPROGRESS);
	for (i = 0; i < 2; i++) {
		p[i].fd = i ? self->srv : self->cli;
		p[i].events = POLLOUT;
		ASSERT_EQ(poll(&p[i], 1, 10000), 1);
		EXPECT_TRUE(p[i].revents & POLLOUT);
		EXPECT_FALSE(p[i].revents & POLLERR);
		EXPECT_EQ(so_error(p[i].fd), 0);
		EXPECT_EQ(hs_status(p[i].fd).state, ALTS_HS_DONE);
	}
	ASSERT_EQ(send(self->cli, "hi", 2, 0), 2);
	ASSERT_TRUE(wait_inq(self->srv, 1, 5000));
}

/* A refused handshake: its errno, a dead data path, SO_ERROR, POLLERR. */
TEST_F(hs, refused)
{
	struct pollfd p = { .events = POLLOUT | POLLIN };
	struct alts_peer_info pi;
	socklen_t len = sizeof(pi);
	char c;

	ASSERT_TRUE(agent_start(&self->agent, AGENT_REFUSE));
	ASSERT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 0, 10000), -EACCES);
	EXPECT_EQ(hs_status(self->cli).state, ALTS_HS_FAILED);
	EXPECT_EQ(hs_status(self->cli).error, EACCES);
	EXPECT_EQ(send(self->cli, "x", 1, 0), -1);
	EXPECT_EQ(errno, EACCES);
	EXPECT_EQ(recv(self->cli, &c, 1, MSG_DONTWAIT), -1);
	EXPECT_EQ(errno, EACCES);
	EXPECT_EQ(getsockopt(self->cli, SOL_ALTS, ALTS_PEER_INFO, &pi, &len), -1);
	EXPECT_EQ(errno, ENODATA);
	EXPECT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 0, 10000), -EALREADY);
	EXPECT_EQ(so_error(self->cli), EACCES);

	set_nonblock(self->srv, true);
	ASSERT_EQ(hs_request(self->srv, ALTS_ROLE_SERVER, 0, 10000), -EINPROGRESS);
	p.fd = self->srv;
	ASSERT_EQ(poll(&p, 1, 10000), 1);
	EXPECT_TRUE(p.revents & POLLERR);
	EXPECT_EQ(so_error(self->srv), EACCES);
	EXPECT_EQ(hs_status(self->srv).error, EACCES);
}

/* While the agent works, the application can neither read nor write. */
TEST_F(hs, application_io_busy)
{
	struct worker_report rep;
	struct pollfd p = { .events = POLLIN | POLLOUT };
	struct alts_peer_info pi;
	socklen_t len = sizeof(pi);
	int pfd[2];
	char c;

	ASSERT_TRUE(agent_start(&self->agent, AGENT_HOLD));
	set_nonblock(self->cli, true);
	ASSERT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 0, 10000), -EINPROGRESS);
	ASSERT_EQ(read(self->agent.rep[0], &rep, sizeof(rep)), (ssize_t)sizeof(rep));
	EXPECT_EQ(hs_status(self->cli).state, ALTS_HS_RUNNING);

	/* the peer's bytes are there, but not for the application */
	ASSERT_TRUE(write_all(self->srv, "hello", 5));
	ASSERT_TRUE(wait_inq(self->cli, 5, 5000));
	EXPECT_EQ(send(self->cli, "x", 1, 0), -1);
	EXPECT_EQ(errno, EBUSY);
	EXPECT_EQ(recv(self->cli, &c, 1, 0), -1);
	EXPECT_EQ(errno, EBUSY);
	EXPECT_EQ(recv(self->cli, &c, 1, MSG_PEEK), -1);
	EXPECT_EQ(errno, EBUSY);
	ASSERT_EQ(pipe(pfd), 0);
	EXPECT_EQ(splice(self->cli, NULL, pfd[1], NULL, 1, SPLICE_F_NONBLOCK), -1);
	EXPECT_EQ(errno, EBUSY);
	close(pfd[0]);
	close(pfd[1]);
	EXPECT_EQ(shutdown(self->cli, SHUT_WR), -1);
	EXPECT_EQ(errno, EBUSY);
	EXPECT_EQ(alts_install(self->cli, ALTS_TX, ALTSRP_GCM_AES128, ALTS_SIDE_CLIENT, 0, 0),
		  -1);
	EXPECT_EQ(errno, EBUSY);
	p.fd = self->cli;
	EXPECT_EQ(poll(&p, 1, 50), 0);
	EXPECT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 0, 10000), -EALREADY);
	EXPECT_EQ(getsockopt(self->cli, SOL_ALTS, ALTS_PEER_INFO, &pi, &len), -1);
	EXPECT_EQ(errno, ENODATA);

	/* The cookie moves the I/O to whoever presents it, and only them. */
	rep.cookie ^= 1;
	EXPECT_EQ(setsockopt(self->cli, SOL_ALTS, ALTS_HANDSHAKE_CLAIM, &rep.cookie, 8), -1);
	EXPECT_EQ(errno, EPERM);
	rep.cookie ^= 1;
	ASSERT_EQ(setsockopt(self->cli, SOL_ALTS, ALTS_HANDSHAKE_CLAIM, &rep.cookie, 8), 0);
	ASSERT_EQ(recv(self->cli, &c, 1, MSG_PEEK), 1);
	EXPECT_EQ(c, 'h');
	ASSERT_EQ(write(self->agent.ctl[1], "g", 1), 1);
	ASSERT_EQ(read(self->agent.rep[0], &rep, sizeof(rep)), (ssize_t)sizeof(rep));
	EXPECT_EQ(rep.hold_send_errno, EBUSY);

	/* The worker then fails the handshake. */
	ASSERT_TRUE(hs_state_becomes(self->cli, ALTS_HS_FAILED, 5000));
	EXPECT_EQ(hs_status(self->cli).error, ECONNABORTED);
	EXPECT_EQ(so_error(self->cli), ECONNABORTED);
}

/* DONE "success" without both directions keyed is refused. */
TEST_F(hs, done_needs_keys)
{
	ASSERT_TRUE(agent_start(&self->agent, AGENT_NO_KEYS));
	set_nonblock(self->cli, true);
	set_nonblock(self->srv, true);
	ASSERT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 0, 600), -EINPROGRESS);
	ASSERT_EQ(hs_request(self->srv, ALTS_ROLE_SERVER, 0, 600), -EINPROGRESS);
	/* the refused DONE leaves the request running until its deadline */
	ASSERT_TRUE(hs_state_becomes(self->cli, ALTS_HS_FAILED, 5000));
	EXPECT_EQ(hs_status(self->cli).error, ETIMEDOUT);
	EXPECT_EQ(so_error(self->cli), ETIMEDOUT);
}

FIXTURE(solo)
{
	int cli, srv;
	pid_t helper;
};

FIXTURE_SETUP(solo)
{
	self->helper = 0;
	ASSERT_TRUE(hs_pair(AF_INET, &self->cli, &self->srv));
}

FIXTURE_TEARDOWN(solo)
{
	child_stop(self->helper);
	close(self->cli);
	close(self->srv);
	EXPECT_TRUE(stat_becomes("CurrHandshakes", 0, 5000));
}

TEST_F(solo, no_agent)
{
	long before = alts_stat("HandshakesRequested");

	ASSERT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 0, 0), -ESRCH);
	EXPECT_EQ(alts_stat("HandshakesRequested"), before);
	EXPECT_EQ(hs_status(self->cli).state, ALTS_HS_NONE);
	/* the socket is still usable, e.g. with keys installed by hand */
	EXPECT_EQ(alts_install(self->cli, ALTS_TX, ALTSRP_GCM_AES128, ALTS_SIDE_CLIENT, 0, 0),
		  0);
}

TEST_F(solo, bad_requests)
{
	struct alts_handshake_req r;

#define EXPECT_EINVAL(mutate) do {						\
		hs_req_init(&r, ALTS_ROLE_CLIENT, 0, 0);			\
		mutate;								\
		EXPECT_EQ(setsockopt(self->cli, SOL_ALTS, ALTS_HANDSHAKE, &r,	\
				     sizeof(r)), -1);				\
		EXPECT_EQ(errno, EINVAL);					\
	} while (0)

	self->helper = idle_agent_start();
	ASSERT_GT(self->helper, 0);
	EXPECT_EINVAL(r.version = 2);
	EXPECT_EINVAL(r.role = 2);
	EXPECT_EINVAL(r.flags = 0x80);
	EXPECT_EINVAL(r.reserved[1] = 1);
	EXPECT_EINVAL(r.record_protocols = 1u << 4);
	EXPECT_EINVAL(r.record_protocols = 1u << ALTSRP_UNSPEC);
	EXPECT_EINVAL(r.timeout_ms = ALTS_HS_TIMEOUT_MAX_MS + 1);
	EXPECT_EINVAL(r.max_frame_len = 100);
	EXPECT_EINVAL(r.n_targets = 0);
	EXPECT_EINVAL(r.n_targets = ALTS_HS_MAX_TARGETS + 1);
	EXPECT_EINVAL(r.target_identities[0][0] = 0);
	EXPECT_EINVAL(memset(r.target_identities[0], 'a', ALTS_IDENTITY_SIZE));
	EXPECT_EINVAL(r.target_identities[1][3] = 'x');
	EXPECT_EINVAL(memset(r.local_identity, 'a', ALTS_IDENTITY_SIZE));
	EXPECT_EINVAL(strcpy(r.local_identity, "a"); r.local_identity[100] = 'b');
	EXPECT_EINVAL(r.role = ALTS_ROLE_SERVER; r.flags = ALTS_HS_F_ANY_PEER);
	hs_req_init(&r, ALTS_ROLE_CLIENT, 0, 0);
	EXPECT_EQ(setsockopt(self->cli, SOL_ALTS, ALTS_HANDSHAKE, &r, sizeof(r) - 1), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(alts_stat("CurrHandshakes"), 0);
#undef EXPECT_EINVAL
}

/* A client may ask for any peer, explicitly; keys installed forbid it. */
TEST_F(solo, any_peer_and_keyed)
{
	struct alts_handshake_req r;

	self->helper = idle_agent_start();
	ASSERT_GT(self->helper, 0);
	hs_req_init(&r, ALTS_ROLE_CLIENT, 0, 0);
	r.n_targets = 0;
	memset(r.target_identities[0], 0, ALTS_IDENTITY_SIZE);
	r.flags = ALTS_HS_F_ANY_PEER;
	set_nonblock(self->cli, true);
	EXPECT_EQ(setsockopt(self->cli, SOL_ALTS, ALTS_HANDSHAKE, &r, sizeof(r)), -1);
	EXPECT_EQ(errno, EINPROGRESS);
	EXPECT_EQ(hs_status(self->cli).state, ALTS_HS_PENDING);

	ASSERT_EQ(alts_install(self->srv, ALTS_RX, ALTSRP_GCM_AES128, ALTS_SIDE_SERVER, 0, 0),
		  0);
	EXPECT_EQ(hs_request(self->srv, ALTS_ROLE_SERVER, 0, 0), -EISCONN);
}

TEST_F(solo, timeout_without_accept)
{
	long before = alts_stat("HandshakesTimedOut");

	self->helper = idle_agent_start();
	ASSERT_GT(self->helper, 0);
	ASSERT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 0, 300), -ETIMEDOUT);
	EXPECT_EQ(alts_stat("HandshakesTimedOut"), before + 1);
	EXPECT_EQ(hs_status(self->cli).error, ETIMEDOUT);
	EXPECT_EQ(send(self->cli, "x", 1, 0), -1);
	EXPECT_EQ(errno, ETIMEDOUT);
}

/* Requests die with the netlink socket that accepted them, not later. */
TEST_F(solo, agent_dies_after_accept)
{
	struct agent a = { 0 };
	struct timespec t0, t1;

	ASSERT_TRUE(agent_start(&a, AGENT_DIE));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 0, ALTS_HS_TIMEOUT_MAX_MS),
		  -ECONNABORTED);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* an outcome, not the deadline ten minutes away */
	EXPECT_LT(t1.tv_sec - t0.tv_sec, ALTS_HS_TIMEOUT_MAX_MS / 1000);
	agent_stop(&a);
}

/*
 * A request may complete while its submitter is still on its way out:
 * deadlines that pass at once, and an agent that refuses at once.
 */
TEST_F(solo, immediate_outcomes)
{
	struct agent a = { 0 };
	int i, n = 200 / test_scale(), c, s, ret;

	self->helper = idle_agent_start();
	ASSERT_GT(self->helper, 0);
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(hs_pair(AF_INET, &c, &s));
		ret = hs_request(c, ALTS_ROLE_CLIENT, 0, 1);
		EXPECT_EQ(ret, -ETIMEDOUT);
		close(c);
		close(s);
	}
	child_stop(self->helper);
	self->helper = 0;
	ASSERT_TRUE(agent_start(&a, AGENT_REFUSE));
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(hs_pair(AF_INET6, &c, &s));
		set_nonblock(c, i & 1);
		ret = hs_request(c, ALTS_ROLE_CLIENT, 0, 1 + i % 3);
		if (i & 1) {
			EXPECT_EQ(ret, -EINPROGRESS);
		} else {
			EXPECT_TRUE(ret == -EACCES || ret == -ETIMEDOUT);
		}
		close(c);
		close(s);
	}
	agent_stop(&a);
}

static void *blocked_reader(void *arg)
{
	char c;

	return (void *)(long)recv(*(int *)arg, &c, 1, 0);
}

/* A plain read already asleep in TCP would take the agent's bytes. */
TEST_F(solo, refused_while_a_reader_waits)
{
	pthread_t tid;
	void *ret;

	self->helper = idle_agent_start();
	ASSERT_GT(self->helper, 0);
	ASSERT_EQ(pthread_create(&tid, NULL, blocked_reader, &self->cli), 0);
	usleep(200000);
	EXPECT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 0, 10000), -EBUSY);
	EXPECT_EQ(hs_status(self->cli).state, ALTS_HS_NONE);
	ASSERT_TRUE(write_all(self->srv, "z", 1));
	pthread_join(tid, &ret);
	EXPECT_EQ((long)ret, 1);
	/* with the reader gone, the request goes through */
	set_nonblock(self->cli, true);
	EXPECT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 0, 10000), -EINPROGRESS);
}

static void on_alarm(int sig)
{
	(void)sig;
}

TEST_F(solo, signal_cancels)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	long before = alts_stat("HandshakesCancelled");

	self->helper = idle_agent_start();
	ASSERT_GT(self->helper, 0);
	sa.sa_flags = SA_RESTART;	/* a cancel is final even so */
	ASSERT_EQ(sigaction(SIGALRM, &sa, NULL), 0);
	ualarm(200000, 0);
	ASSERT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 0, 10000), -EINTR);
	EXPECT_EQ(alts_stat("HandshakesCancelled"), before + 1);
	EXPECT_EQ(alts_stat("CurrHandshakes"), 0);
	EXPECT_EQ(hs_status(self->cli).state, ALTS_HS_FAILED);
	EXPECT_EQ(hs_status(self->cli).error, ECANCELED);
	EXPECT_EQ(send(self->cli, "x", 1, 0), -1);
	EXPECT_EQ(errno, ECANCELED);
	signal(SIGALRM, SIG_DFL);
}

TEST_F(solo, close_while_pending)
{
	long before = alts_stat("HandshakesCancelled");

	self->helper = idle_agent_start();
	ASSERT_GT(self->helper, 0);
	set_nonblock(self->cli, true);
	ASSERT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 0, 10000), -EINPROGRESS);
	EXPECT_EQ(alts_stat("CurrHandshakes"), 1);
	close(self->cli);
	self->cli = socket(AF_INET, SOCK_STREAM, 0);
	EXPECT_EQ(alts_stat("CurrHandshakes"), 0);
	EXPECT_EQ(alts_stat("HandshakesCancelled"), before + 1);
}

TEST_F(solo, owner_killed_while_waiting)
{
	pid_t pid;

	self->helper = idle_agent_start();
	ASSERT_GT(self->helper, 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		hs_request(self->cli, ALTS_ROLE_CLIENT, 0, 60000);
		_exit(0);
	}
	close(self->cli);
	self->cli = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_TRUE(stat_becomes("CurrHandshakes", 1, 5000));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT_TRUE(stat_becomes("CurrHandshakes", 0, 5000));
}

TEST_F(solo, pending_cap)
{
	static const char param[] = "/sys/module/alts/parameters/hs_max_pending";
	char old[32] = "";
	int fd[3][2], i;
	FILE *f;

	self->helper = idle_agent_start();
	ASSERT_GT(self->helper, 0);
	f = fopen(param, "r+");
	ASSERT_NE(f, NULL);
	ASSERT_NE(fgets(old, sizeof(old), f), NULL);
	fclose(f);
	f = fopen(param, "w");
	ASSERT_NE(f, NULL);
	fputs("2\n", f);
	fclose(f);
	for (i = 0; i < 3; i++) {
		ASSERT_TRUE(hs_pair(AF_INET, &fd[i][0], &fd[i][1]));
		set_nonblock(fd[i][0], true);
		EXPECT_EQ(hs_request(fd[i][0], ALTS_ROLE_CLIENT, 0, 10000),
			  i < 2 ? -EINPROGRESS : -EAGAIN);
	}
	for (i = 0; i < 3; i++) {
		close(fd[i][0]);
		close(fd[i][1]);
	}
	f = fopen(param, "w");
	ASSERT_NE(f, NULL);
	fputs(old, f);
	fclose(f);
}

/* Only the netlink socket that accepted may report, once, for its socket. */
TEST_F(solo, done_authorization)
{
	struct genl_outcome fail = { .status = EACCES, .resumed = -1, .pfs = -1 };
	struct genl_outcome ok = { .peer_identity = "p", .resumed = -1, .pfs = -1 };
	struct genl_agent ag, other;
	struct genl_request r;

	ASSERT_EQ(genl_agent_open(&ag, true), 0);
	ASSERT_EQ(genl_agent_open(&other, false), 0);
	EXPECT_EQ(genl_accept(&ag, &r), -ENOENT);
	EXPECT_STRNE(ag.ext_ack, "");
	set_nonblock(self->cli, true);
	ASSERT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 0, 10000), -EINPROGRESS);
	ASSERT_TRUE(genl_wait_ready(&ag, 5000));
	ASSERT_EQ(genl_accept(&ag, &r), 0);
	EXPECT_EQ(r.role, ALTS_ROLE_CLIENT);
	EXPECT_EQ(r.n_targets, 1);
	EXPECT_STREQ(r.targets[0], "spiffe://test/server");
	EXPECT_EQ(r.uid, getuid());
	EXPECT_EQ(r.pid, (uint32_t)getpid());
	EXPECT_EQ(r.peer.ss_family, AF_INET);
	EXPECT_EQ(r.local.ss_family, AF_INET);
	EXPECT_GT(r.timeout_ms, 0);
	EXPECT_LE(r.timeout_ms, 10000);
	EXPECT_EQ(hs_status(self->cli).state, ALTS_HS_RUNNING);

	EXPECT_EQ(genl_done(&other, r.fd, r.handle, &fail), -EPERM);
	EXPECT_EQ(genl_done(&ag, r.fd, r.handle + 1, &fail), -ENOENT);
	EXPECT_EQ(genl_done(&ag, self->srv, r.handle, &fail), -ENOENT);
	EXPECT_EQ(genl_done(&ag, r.fd, r.handle, &ok), -EKEYREJECTED);
	EXPECT_STRNE(ag.ext_ack, "");
	ok.peer_identity = NULL;
	EXPECT_EQ(genl_done(&ag, r.fd, r.handle, &ok), -EINVAL);
	ok.peer_identity = "";
	EXPECT_EQ(genl_done(&ag, r.fd, r.handle, &ok), -EKEYREJECTED);
	ok.peer_identity = "p";
	/* keyed, but for the wrong side: refused */
	ASSERT_EQ(install_both(r.fd, ALTSRP_GCM_AES128, ALTS_ROLE_SERVER), 0);
	EXPECT_EQ(genl_done(&ag, r.fd, r.handle, &ok), -EKEYREJECTED);
	EXPECT_EQ(hs_status(self->cli).state, ALTS_HS_RUNNING);
	EXPECT_EQ(genl_done(&ag, r.fd, r.handle, &fail), 0);
	EXPECT_EQ(genl_done(&ag, r.fd, r.handle, &fail), -ENOENT);
	EXPECT_EQ(hs_status(self->cli).error, EACCES);
	close(r.fd);
	genl_agent_close(&ag);
	genl_agent_close(&other);
}

/* DONE success must hold what the application asked for. */
TEST_F(solo, done_checks_the_request)
{
	struct genl_outcome ok = { .peer_identity = "p", .resumed = 0, .pfs = 0 };
	struct genl_outcome st = { .resumed = -1, .pfs = -1 };
	struct alts_handshake_req req;
	struct genl_agent ag;
	struct genl_request r;
	int c[4], s[4], i;

	ASSERT_EQ(genl_agent_open(&ag, true), 0);
	for (i = 0; i < 4; i++) {
		ASSERT_TRUE(hs_pair(AF_INET, &c[i], &s[i]));
		set_nonblock(c[i], true);
		hs_req_init(&req, ALTS_ROLE_CLIENT, 1u << ALTSRP_GCM_AES128, 10000);
		if (i == 1)
			req.flags = ALTS_HS_F_REQUIRE_PFS;
		ASSERT_EQ(setsockopt(c[i], SOL_ALTS, ALTS_HANDSHAKE, &req, sizeof(req)), -1);
		ASSERT_EQ(errno, EINPROGRESS);
		ASSERT_EQ(genl_accept(&ag, &r), 0);
		switch (i) {
		case 0:
			/* integrity only where the application wanted privacy */
			ASSERT_EQ(install_both(r.fd, ALTSRP_GMAC_128, ALTS_ROLE_CLIENT), 0);
			EXPECT_EQ(genl_done(&ag, r.fd, r.handle, &ok), -EKEYREJECTED);
			st.status = 512;	/* ERESTARTSYS is the kernel's own */
			break;
		case 1:
			ASSERT_EQ(install_both(r.fd, ALTSRP_GCM_AES128, ALTS_ROLE_CLIENT), 0);
			EXPECT_EQ(genl_done(&ag, r.fd, r.handle, &ok), -EKEYREJECTED);
			st.status = EAGAIN;
			break;
		case 2:
			ASSERT_EQ(install_both(r.fd, ALTSRP_GCM_AES128, ALTS_ROLE_CLIENT), 0);
			ok.record_protocol = ALTSRP_GMAC_128;	/* a report that lies */
			EXPECT_EQ(genl_done(&ag, r.fd, r.handle, &ok), -EKEYREJECTED);
			st.status = EPROTO;
			break;
		case 3:
			st.status = 4000;
			break;
		}
		EXPECT_EQ(genl_done(&ag, r.fd, r.handle, &st), 0);
		EXPECT_EQ(hs_status(c[i]).state, ALTS_HS_FAILED);
		EXPECT_EQ(hs_status(c[i]).error, i == 2 ? EPROTO : EIO);
		close(r.fd);
		close(c[i]);
		close(s[i]);
	}
	genl_agent_close(&ag);
}

/* Without CAP_NET_ADMIN: no group, no ACCEPT, no DONE. */
TEST_F(solo, unprivileged_agent)
{
	struct genl_agent ag;
	struct genl_request r;
	struct genl_outcome fail = { .status = EACCES, .resumed = -1, .pfs = -1 };
	int status, pp[2];
	pid_t pid;

	self->helper = idle_agent_start();
	ASSERT_GT(self->helper, 0);
	set_nonblock(self->cli, true);
	ASSERT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 0, 10000), -EINPROGRESS);
	ASSERT_EQ(pipe(pp), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		int res[3];

		if (setgid(65534) || setuid(65534))
			_exit(2);
		res[0] = genl_agent_open(&ag, true);
		genl_agent_close(&ag);
		if (genl_agent_open(&ag, false))
			_exit(3);
		res[1] = genl_accept(&ag, &r);
		res[2] = genl_done(&ag, self->cli, 1, &fail);
		if (write(pp[1], res, sizeof(res)) != sizeof(res))
			_exit(4);
		_exit(0);
	}
	close(pp[1]);
	{
		int res[3];

		ASSERT_EQ(read(pp[0], res, sizeof(res)), (ssize_t)sizeof(res));
		EXPECT_EQ(res[0], -EPERM);
		EXPECT_EQ(res[1], -EPERM);
		EXPECT_EQ(res[2], -EPERM);
	}
	close(pp[0]);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(hs_status(self->cli).state, ALTS_HS_PENDING);
}

/* Each namespace's agent sees only its own namespace's requests. */
TEST_F(solo, namespaces_are_separate)
{
	int status, pp[2];
	pid_t pid;

	self->helper = idle_agent_start();
	ASSERT_GT(self->helper, 0);
	set_nonblock(self->cli, true);
	ASSERT_EQ(hs_request(self->cli, ALTS_ROLE_CLIENT, 0, 10000), -EINPROGRESS);
	ASSERT_EQ(pipe(pp), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct genl_agent ag;
		struct genl_request r;
		int res[2], c, s;

		if (unshare(CLONE_NEWNET) || system("ip link set lo up"))
			_exit(2);
		/* no agent here: a request fails at once */
		if (!hs_pair(AF_INET, &c, &s))
			_exit(3);
		res[0] = hs_request(c, ALTS_ROLE_CLIENT, 0, 10000);
		/* an agent here does not see the first namespace's request */
		if (genl_agent_open(&ag, true))
			_exit(4);
		res[1] = genl_accept(&ag, &r);
		if (write(pp[1], res, sizeof(res)) != sizeof(res))
			_exit(5);
		_exit(0);
	}
	close(pp[1]);
	{
		int res[2];

		ASSERT_EQ(read(pp[0], res, sizeof(res)), (ssize_t)sizeof(res));
		EXPECT_EQ(res[0], -ESRCH);
		EXPECT_EQ(res[1], -ENOENT);
	}
	close(pp[0]);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(hs_status(self->cli).state, ALTS_HS_PENDING);
}

/* Hundreds of handshakes at once; every request and context goes away. */
TEST_F_TIMEOUT(solo, many_concurrent, 600)
{
	int n = 200 / test_scale(), i, done = 0;
	long completed = alts_stat("HandshakesCompleted");
	long contexts = alts_stat("CurrCtx");
	struct agent a = { 0 };
	int (*fd)[2];

	fd = calloc(n, sizeof(*fd));
	ASSERT_NE(fd, NULL);
	ASSERT_TRUE(agent_start(&a, AGENT_OK));
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(hs_pair(i & 1 ? AF_INET6 : AF_INET, &fd[i][0], &fd[i][1]));
		set_nonblock(fd[i][0], true);
		set_nonblock(fd[i][1], true);
		ASSERT_EQ(hs_request(fd[i][0], ALTS_ROLE_CLIENT, 0, 60000), -EINPROGRESS);
		ASSERT_EQ(hs_request(fd[i][1], ALTS_ROLE_SERVER, 0, 60000), -EINPROGRESS);
	}
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(hs_state_becomes(fd[i][0], ALTS_HS_DONE, 60000));
		ASSERT_TRUE(hs_state_becomes(fd[i][1], ALTS_HS_DONE, 60000));
		done++;
	}
	EXPECT_EQ(done, n);
	EXPECT_EQ(alts_stat("HandshakesCompleted"), completed + 2 * n);
	EXPECT_EQ(alts_stat("CurrHandshakes"), 0);
	for (i = 0; i < n; i++) {
		close(fd[i][0]);
		close(fd[i][1]);
	}
	agent_stop(&a);
	free(fd);
	EXPECT_TRUE(stat_becomes("CurrCtx", contexts, 10000));
}

TEST_HARNESS_MAIN
