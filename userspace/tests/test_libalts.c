// SPDX-License-Identifier: GPL-2.0
/*
 * libalts: option checks and request encoding, then the library against
 * this machine's kernel (no alts.ko: TCP_ULP "alts" fails with ENOENT), then
 * against a fake of the kernel's socket options (include/uapi/linux/alts.h)
 * for the paths that need alts.ko. Every test counts the process's open
 * descriptors before and after.
 *
 * The fake: the unit binary is linked with --wrap=setsockopt,getsockopt, so
 * every setsockopt()/getsockopt() of this binary goes through the wrappers
 * below. They count calls, and while the fake is on they answer TCP_ULP and
 * SOL_ALTS as alts.ko would; everything else goes to the kernel.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <alts/alts.h>

#include "internal.h"
#include "tests.h"

int __real_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int __real_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int __wrap_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int __wrap_getsockopt(int fd, int level, int name, void *val, socklen_t *len);

#define FAKE_FDS 1024

static struct fake_kernel {
	bool on;
	unsigned int calls;		/* set/getsockopt calls, fake on or off */
	unsigned int ulp_sets;		/* TCP_ULP "alts" attached */
	unsigned int hs_requests;	/* ALTS_HANDSHAKE set */
	char ulp[FAKE_FDS][16];		/* per descriptor, as the kernel's name field */
	struct alts_handshake_req req;	/* the last request */
	int hs_errno;			/* what ALTS_HANDSHAKE fails with, 0: succeeds */
	struct alts_handshake_status status;
	struct alts_peer_info peer;
	int peer_errno;			/* what ALTS_PEER_INFO fails with */
} fake;

static int fake_fail(int err)
{
	errno = err;
	return -1;
}

static bool fake_fd(int fd)
{
	return fake.on && fd >= 0 && fd < FAKE_FDS;
}

int __wrap_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char probe[16];
	socklen_t plen = sizeof(probe);

	fake.calls++;
	if (!fake_fd(fd) || !((level == SOL_TCP && name == TCP_ULP) || level == SOL_ALTS))
		return __real_setsockopt(fd, level, name, val, len);

	if (level == SOL_TCP) {
		/* a TCP socket? (EBADF, ENOTSOCK, EOPNOTSUPP as TCP_ULP gives them) */
		if (__real_getsockopt(fd, SOL_TCP, TCP_ULP, probe, &plen))
			return -1;
		if (len != 4 || memcmp(val, "alts", 4))
			return fake_fail(ENOENT);
		if (fake.ulp[fd][0])
			return fake_fail(EEXIST);
		if (getpeername(fd, (struct sockaddr *)&ss, &sslen))
			return fake_fail(ENOTCONN);
		strcpy(fake.ulp[fd], "alts");
		fake.ulp_sets++;
		return 0;
	}
	if (strcmp(fake.ulp[fd], "alts"))
		return fake_fail(ENOPROTOOPT);
	if (name != ALTS_HANDSHAKE)
		return fake_fail(ENOPROTOOPT);
	if (len != sizeof(fake.req))
		return fake_fail(EINVAL);
	memcpy(&fake.req, val, sizeof(fake.req));
	fake.hs_requests++;
	return fake.hs_errno ? fake_fail(fake.hs_errno) : 0;
}

int __wrap_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	socklen_t asked = len ? *len : 0;

	fake.calls++;
	if (!fake_fd(fd) || !((level == SOL_TCP && name == TCP_ULP) || level == SOL_ALTS))
		return __real_getsockopt(fd, level, name, val, len);

	if (level == SOL_TCP) {
		if (__real_getsockopt(fd, level, name, val, len))
			return -1;
		if (fake.ulp[fd][0]) {
			/* the kernel copies its whole name field */
			*len = asked < 16 ? asked : 16;
			memcpy(val, fake.ulp[fd], *len);
		}
		return 0;
	}
	if (strcmp(fake.ulp[fd], "alts"))
		return fake_fail(EOPNOTSUPP);
	if (name == ALTS_HANDSHAKE) {
		if (*len < sizeof(fake.status))
			return fake_fail(EINVAL);
		memcpy(val, &fake.status, sizeof(fake.status));
		*len = sizeof(fake.status);
		return 0;
	}
	if (name == ALTS_PEER_INFO) {
		if (*len < sizeof(fake.peer))
			return fake_fail(EINVAL);
		if (fake.peer_errno)
			return fake_fail(fake.peer_errno);
		memcpy(val, &fake.peer, sizeof(fake.peer));
		*len = sizeof(fake.peer);
		return 0;
	}
	return fake_fail(ENOPROTOOPT);
}

static int fake_setup(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	return 0;
}

static void fake_on(void)
{
	fake.on = true;
	fake.status.state = ALTS_HS_DONE;
	fake.peer.version = ALTS_HANDSHAKE_VERSION;
	fake.peer.record_protocol = ALTSRP_GCM_AES128_REKEY;
	fake.peer.security_level = ALTS_SECURITY_INTEGRITY_AND_PRIVACY;
	fake.peer.flags = ALTS_PEER_F_PFS;
	fake.peer.max_frame_len = ALTS_FRAME_LEN_DEFAULT_TX;
	strcpy(fake.peer.peer_identity, "spiffe://test/server");
	strcpy(fake.peer.local_identity, "spiffe://test/client");
	strcpy(fake.peer.app_protocol, "grpc");
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* A loopback listener; its port in decimal goes to @port. */
static int listener(char port[8], int flags)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	snprintf(port, 8, "%u", ntohs(a.sin_port));
	return fd;
}

/* A connected pair over loopback: *client and the accepted *server. */
static void tcp_pair(int *client, int *server)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char port[8];
	int lfd = listener(port, 0);

	a.sin_port = htons((uint16_t)atoi(port));
	*client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(*client >= 0);
	assert_int_equal(connect(*client, (struct sockaddr *)&a, sizeof(a)), 0);
	*server = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(*server >= 0);
	close(lfd);
}

static void assert_cloexec_blocking(int fd)
{
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_false(fcntl(fd, F_GETFL) & O_NONBLOCK);
}

static const char *const one_target[] = { "spiffe://test/server", NULL };

/* --- options and the request, no system call --- */

static void expect_einval(const struct alts_opts *o, enum alts_hs_role role)
{
	struct alts_handshake_req req;
	unsigned int calls = fake.calls;

	errno = 0;
	assert_int_equal(alts_lib_encode_request(&req, role, o), -1);
	assert_int_equal(errno, EINVAL);
	/* fd -1 would give EBADF had a system call been made */
	errno = 0;
	assert_int_equal(alts_handshake(-1, role, o), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(fake.calls, calls);
}

static void expect_ok(const struct alts_opts *o, enum alts_hs_role role)
{
	struct alts_handshake_req req;

	assert_int_equal(alts_lib_encode_request(&req, role, o), 0);
}

static void test_opts_client_names_peer(T_STATE)
{
	const char *const none[] = { NULL };
	struct alts_opts o = { .target_identities = none };
	int before = open_fds();

	expect_einval(NULL, ALTS_ROLE_CLIENT);
	expect_einval(&o, ALTS_ROLE_CLIENT);
	/* alts_connect checks before resolving or opening anything */
	errno = 0;
	assert_int_equal(alts_connect("127.0.0.1", "1", &o, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(fake.calls, 0);
	o.any_peer = true;
	expect_ok(&o, ALTS_ROLE_CLIENT);
	o.any_peer = false;
	o.target_identities = one_target;
	expect_ok(&o, ALTS_ROLE_CLIENT);
	/* a server may name no client */
	expect_ok(NULL, ALTS_ROLE_SERVER);
	/* ... but "any peer" is a client's word */
	o.any_peer = true;
	expect_einval(&o, ALTS_ROLE_SERVER);
	errno = 0;
	assert_int_equal(alts_accept(-1, &o, NULL), -1);
	assert_int_equal(errno, EINVAL);
	expect_einval(&o, (enum alts_hs_role)2);
	assert_int_equal(open_fds(), before);
}

static void test_opts_identities(T_STATE)
{
	char *max = malloc(ALTS_IDENTITY_MAX_LEN + 2);
	const char *targets[3] = { "a", max, NULL };
	struct alts_opts o = { .target_identities = targets };

	assert_non_null(max);
	memset(max, 'x', ALTS_IDENTITY_MAX_LEN);
	max[ALTS_IDENTITY_MAX_LEN] = 0;
	expect_ok(&o, ALTS_ROLE_CLIENT);
	max[ALTS_IDENTITY_MAX_LEN] = 'x';	/* 513 bytes */
	max[ALTS_IDENTITY_MAX_LEN + 1] = 0;
	expect_einval(&o, ALTS_ROLE_CLIENT);
	expect_einval(&o, ALTS_ROLE_SERVER);
	targets[1] = "";			/* empty target */
	expect_einval(&o, ALTS_ROLE_CLIENT);
	expect_einval(&o, ALTS_ROLE_SERVER);
	targets[1] = NULL;
	o.local_identity = "";			/* empty local: the agent's choice */
	expect_ok(&o, ALTS_ROLE_CLIENT);
	o.local_identity = max;			/* 513 bytes */
	expect_einval(&o, ALTS_ROLE_CLIENT);
	max[ALTS_IDENTITY_MAX_LEN] = 0;
	expect_ok(&o, ALTS_ROLE_CLIENT);
	free(max);
}

static void test_opts_target_count(T_STATE)
{
	const char *t[ALTS_HS_MAX_TARGETS + 2] = {};
	struct alts_opts o = { .target_identities = t };
	struct alts_handshake_req req;
	int i;

	for (i = 0; i <= ALTS_HS_MAX_TARGETS; i++)
		t[i] = "peer";
	expect_einval(&o, ALTS_ROLE_CLIENT);	/* 9 */
	expect_einval(&o, ALTS_ROLE_SERVER);
	t[ALTS_HS_MAX_TARGETS] = NULL;		/* 8 */
	assert_int_equal(alts_lib_encode_request(&req, ALTS_ROLE_CLIENT, &o), 0);
	assert_int_equal(req.n_targets, ALTS_HS_MAX_TARGETS);
}

static void test_opts_limits(T_STATE)
{
	struct alts_opts o = { .any_peer = true };

	o.timeout_ms = ALTS_HS_TIMEOUT_MAX_MS;
	expect_ok(&o, ALTS_ROLE_CLIENT);
	o.timeout_ms = ALTS_HS_TIMEOUT_MAX_MS + 1;
	expect_einval(&o, ALTS_ROLE_CLIENT);
	o.timeout_ms = 0;

	o.max_frame_len = ALTS_FRAME_LEN_MIN;
	expect_ok(&o, ALTS_ROLE_CLIENT);
	o.max_frame_len = ALTS_FRAME_LEN_MAX;
	expect_ok(&o, ALTS_ROLE_CLIENT);
	o.max_frame_len = ALTS_FRAME_LEN_MIN - 1;
	expect_einval(&o, ALTS_ROLE_CLIENT);
	o.max_frame_len = ALTS_FRAME_LEN_MAX + 1;
	expect_einval(&o, ALTS_ROLE_CLIENT);
	o.max_frame_len = 0;

	o.record_protocols = ALTS_RECORD_PROTOCOL_BIT(ALTSRP_GCM_AES128) |
			     ALTS_RECORD_PROTOCOL_BIT(ALTSRP_GCM_AES128_REKEY) |
			     ALTS_RECORD_PROTOCOL_BIT(ALTSRP_GMAC_128);
	expect_ok(&o, ALTS_ROLE_CLIENT);
	o.record_protocols = ALTS_RECORD_PROTOCOL_BIT(ALTSRP_UNSPEC);
	expect_einval(&o, ALTS_ROLE_CLIENT);
	o.record_protocols = ALTS_RECORD_PROTOCOL_BIT(ALTSRP_GMAC_128 + 1);
	expect_einval(&o, ALTS_ROLE_CLIENT);
}

static void test_request_encoding(T_STATE)
{
	const char *const targets[] = { "spiffe://a", "spiffe://bb", NULL };
	const struct alts_opts o = {
		.target_identities = targets,
		.local_identity = "me",
		.record_protocols = ALTS_RECORD_PROTOCOL_BIT(ALTSRP_GCM_AES128_REKEY),
		.timeout_ms = 2500,
		.max_frame_len = 4096,
		.require_pfs = true,
	};
	struct alts_handshake_req req, want;

	/* what the kernel expects, byte for byte: all else zero */
	memset(&want, 0, sizeof(want));
	want.version = ALTS_HANDSHAKE_VERSION;
	want.role = ALTS_ROLE_CLIENT;
	want.n_targets = 2;
	want.flags = ALTS_HS_F_REQUIRE_PFS;
	want.record_protocols = 1u << ALTSRP_GCM_AES128_REKEY;
	want.timeout_ms = 2500;
	want.max_frame_len = 4096;
	memcpy(want.local_identity, "me", 2);
	memcpy(want.target_identities[0], "spiffe://a", 10);
	memcpy(want.target_identities[1], "spiffe://bb", 11);

	memset(&req, 0xa5, sizeof(req));	/* stale bytes must not survive */
	assert_int_equal(alts_lib_encode_request(&req, ALTS_ROLE_CLIENT, &o), 0);
	assert_memory_equal(&req, &want, sizeof(req));

	/* any peer, server role, defaults */
	const struct alts_opts any = { .any_peer = true };

	memset(&want, 0, sizeof(want));
	want.version = ALTS_HANDSHAKE_VERSION;
	want.role = ALTS_ROLE_CLIENT;
	want.flags = ALTS_HS_F_ANY_PEER;
	memset(&req, 0xa5, sizeof(req));
	assert_int_equal(alts_lib_encode_request(&req, ALTS_ROLE_CLIENT, &any), 0);
	assert_memory_equal(&req, &want, sizeof(req));

	want.role = ALTS_ROLE_SERVER;
	want.flags = 0;
	memset(&req, 0xa5, sizeof(req));
	assert_int_equal(alts_lib_encode_request(&req, ALTS_ROLE_SERVER, NULL), 0);
	assert_memory_equal(&req, &want, sizeof(req));

	/* a refused request leaves nothing behind either */
	memset(&want, 0, sizeof(want));
	memset(&req, 0xa5, sizeof(req));
	assert_int_equal(alts_lib_encode_request(&req, ALTS_ROLE_SERVER, &any), -1);
	assert_memory_equal(&req, &want, sizeof(req));
}

static void test_names(T_STATE)
{
	assert_string_equal(alts_record_protocol_name(ALTSRP_GCM_AES128), "ALTSRP_GCM_AES128");
	assert_string_equal(alts_record_protocol_name(ALTSRP_GCM_AES128_REKEY),
			    "ALTSRP_GCM_AES128_REKEY");
	assert_string_equal(alts_record_protocol_name(ALTSRP_GMAC_128), "ALTSRP_GMAC_128");
	assert_null(alts_record_protocol_name(ALTSRP_UNSPEC));
	assert_null(alts_record_protocol_name(4));

	assert_non_null(strstr(alts_errstr(ESRCH), "altshd"));
	assert_non_null(strstr(alts_errstr(ENOENT), "alts.ko"));
	assert_string_equal(alts_errstr(EPERM), "Operation not permitted");
	assert_string_equal(alts_errstr(-1), "unknown error");
	assert_string_equal(alts_errstr(100000), "unknown error");
}

/* --- this machine's kernel: no alts.ko --- */

static void assert_no_alts_module(void)
{
	int c, s, r;

	tcp_pair(&c, &s);
	r = setsockopt(c, SOL_TCP, TCP_ULP, "alts", 4);
	if (!r)
		fail_msg("alts.ko is loaded on this machine; these tests expect it absent");
	assert_int_equal(errno, ENOENT);
	close(c);
	close(s);
}

static void test_real_connect_accept_enoent(T_STATE)
{
	const struct alts_opts o = { .target_identities = one_target };
	struct alts_peer peer;
	char port[8];
	int lfd, before;

	assert_no_alts_module();
	lfd = listener(port, 0);
	before = open_fds();
	/* connects, fails to attach the ULP, closes what it opened */
	errno = 0;
	assert_int_equal(alts_connect("127.0.0.1", port, &o, &peer), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(open_fds(), before);
	/* the connection it closed waits in the backlog: accepted, then closed */
	errno = 0;
	assert_int_equal(alts_accept(lfd, NULL, &peer), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(open_fds(), before);
	/* the same with a connect timeout (non-blocking connect) */
	const struct alts_opts t = { .any_peer = true, .connect_timeout_ms = 60000 };

	errno = 0;
	assert_int_equal(alts_connect("localhost", port, &t, NULL), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(alts_accept(lfd, NULL, NULL), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(open_fds(), before);
	close(lfd);
}

static void test_real_handshake_keeps_fd(T_STATE)
{
	int c, s, before;
	char b = 0;

	tcp_pair(&c, &s);
	before = open_fds();
	errno = 0;
	assert_int_equal(alts_handshake(c, ALTS_ROLE_CLIENT, &(struct alts_opts){ .any_peer = true }),
			 -1);
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_int_equal(alts_handshake(s, ALTS_ROLE_SERVER, NULL), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(open_fds(), before);
	/* the caller's connection is untouched and still works */
	assert_int_equal(send(c, "x", 1, 0), 1);
	assert_int_equal(recv(s, &b, 1, 0), 1);
	assert_int_equal(b, 'x');
	/* without the ULP there is no handshake state nor peer */
	struct alts_peer peer;

	errno = 0;
	assert_int_equal(alts_handshake_result(c), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	errno = 0;
	assert_int_equal(alts_peer_info(c, &peer), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	close(c);
	close(s);
}

static void test_real_bad_descriptors(T_STATE)
{
	const struct alts_opts o = { .any_peer = true };
	struct alts_peer peer;
	int u[2], before, file;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, u), 0);
	file = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	assert_true(file >= 0);
	before = open_fds();
	errno = 0;
	assert_int_equal(alts_handshake(u[0], ALTS_ROLE_CLIENT, &o), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	errno = 0;
	assert_int_equal(alts_handshake(file, ALTS_ROLE_CLIENT, &o), -1);
	assert_int_equal(errno, ENOTSOCK);
	errno = 0;
	assert_int_equal(alts_handshake(-1, ALTS_ROLE_CLIENT, &o), -1);
	assert_int_equal(errno, EBADF);
	errno = 0;
	assert_int_equal(alts_peer_info(-1, &peer), -1);
	assert_int_equal(errno, EBADF);
	errno = 0;
	assert_int_equal(alts_handshake_result(file), -1);
	assert_int_equal(errno, ENOTSOCK);
	/* accept on what is not a listener */
	errno = 0;
	assert_int_equal(alts_accept(u[0], NULL, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(open_fds(), before);
	close(u[0]);
	close(u[1]);
	close(file);
}

static void test_real_connect_errors(T_STATE)
{
	const struct alts_opts o = { .any_peer = true };
	const struct alts_opts t = { .any_peer = true, .connect_timeout_ms = 60000 };
	char port[8];
	int lfd, before;

	/* a port nobody listens on: take one, then close it */
	lfd = listener(port, 0);
	close(lfd);
	before = open_fds();
	errno = 0;
	assert_int_equal(alts_connect("127.0.0.1", port, &o, NULL), -1);
	assert_int_equal(errno, ECONNREFUSED);
	errno = 0;
	assert_int_equal(alts_connect("127.0.0.1", port, &t, NULL), -1);
	assert_int_equal(errno, ECONNREFUSED);
	/* every address of "localhost" refuses: the last one's error */
	errno = 0;
	assert_int_equal(alts_connect("localhost", port, &o, NULL), -1);
	assert_int_equal(errno, ECONNREFUSED);
	/* resolver errors map to errno */
	errno = 0;
	assert_int_equal(alts_connect("127.0.0.1", "no-such-service-kalts", &o, NULL), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(alts_connect(NULL, port, &o, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(open_fds(), before);

	/* a non-blocking listener with nobody waiting */
	lfd = listener(port, SOCK_NONBLOCK);
	before = open_fds();
	errno = 0;
	assert_int_equal(alts_accept(lfd, NULL, NULL), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(open_fds(), before);
	close(lfd);
}

/* Each address in turn: refused, another family, refused, then one that listens. */
static void test_real_connect_first(T_STATE)
{
	struct sockaddr_in closed = { .sin_family = AF_INET,
				      .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in open_ = closed;
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct addrinfo ai[4] = {};
	char port[8], cport[8];
	int lfd, fd, before, s;
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);

	lfd = listener(cport, 0);
	close(lfd);			/* a port nobody listens on */
	lfd = listener(port, 0);
	closed.sin_port = htons((uint16_t)atoi(cport));
	open_.sin_port = htons((uint16_t)atoi(port));
	v6.sin6_port = closed.sin_port;

	ai[0] = (struct addrinfo){ .ai_family = AF_INET, .ai_addr = (struct sockaddr *)&closed,
				   .ai_addrlen = sizeof(closed), .ai_next = &ai[1] };
	ai[1] = (struct addrinfo){ .ai_family = AF_INET6, .ai_addr = (struct sockaddr *)&v6,
				   .ai_addrlen = sizeof(v6), .ai_next = &ai[2] };
	ai[2] = ai[0];
	ai[2].ai_next = &ai[3];
	ai[3] = (struct addrinfo){ .ai_family = AF_INET, .ai_addr = (struct sockaddr *)&open_,
				   .ai_addrlen = sizeof(open_) };
	before = open_fds();
	fd = alts_lib_connect_first(ai, 0);
	assert_true(fd >= 0);
	assert_cloexec_blocking(fd);
	assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
	assert_int_equal(peer.sin_port, open_.sin_port);
	assert_int_equal(open_fds(), before + 1);
	close(fd);
	s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	close(s);

	/* the same through non-blocking connects */
	fd = alts_lib_connect_first(ai, 60000);
	assert_true(fd >= 0);
	assert_cloexec_blocking(fd);
	close(fd);

	/* every address refuses: the last one's error, nothing left open */
	ai[2].ai_next = NULL;
	errno = 0;
	assert_int_equal(alts_lib_connect_first(ai, 0), -1);
	assert_int_equal(errno, ECONNREFUSED);
	errno = 0;
	assert_int_equal(alts_lib_connect_first(NULL, 0), -1);
	assert_int_equal(errno, ENXIO);
	assert_int_equal(open_fds(), before);
	close(lfd);
}

/* --- the fake kernel: what needs alts.ko --- */

static void test_fake_handshake_request(T_STATE)
{
	struct alts_handshake_req want;
	const struct alts_opts o = { .target_identities = one_target, .local_identity = "me" };
	int c, s;

	tcp_pair(&c, &s);
	fake_on();
	assert_int_equal(alts_handshake(c, ALTS_ROLE_CLIENT, &o), 0);
	assert_int_equal(fake.ulp_sets, 1);
	assert_int_equal(fake.hs_requests, 1);
	assert_int_equal(alts_lib_encode_request(&want, ALTS_ROLE_CLIENT, &o), 0);
	assert_memory_equal(&fake.req, &want, sizeof(want));
	assert_int_equal(alts_handshake_result(c), 0);

	/* the ULP already attached is used as it is */
	fake.hs_errno = EISCONN;
	errno = 0;
	assert_int_equal(alts_handshake(c, ALTS_ROLE_CLIENT, &o), -1);
	assert_int_equal(errno, EISCONN);
	assert_int_equal(fake.ulp_sets, 1);
	assert_int_equal(fake.hs_requests, 2);

	/* another ULP: EEXIST, no request */
	strcpy(fake.ulp[s], "tls");
	errno = 0;
	assert_int_equal(alts_handshake(s, ALTS_ROLE_SERVER, NULL), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(fake.hs_requests, 2);
	/* a ULP whose name starts like ours is another one */
	strcpy(fake.ulp[s], "altsx");
	errno = 0;
	assert_int_equal(alts_handshake(s, ALTS_ROLE_SERVER, NULL), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(fake.hs_requests, 2);
	close(c);
	close(s);
}

static void test_fake_nonblocking(T_STATE)
{
	static const struct {
		struct alts_handshake_status st;
		int err;
	} outcomes[] = {
		{ { ALTS_HS_PENDING, 0 }, EINPROGRESS },
		{ { ALTS_HS_RUNNING, 0 }, EINPROGRESS },
		{ { ALTS_HS_FAILED, EACCES }, EACCES },
		{ { ALTS_HS_FAILED, ETIMEDOUT }, ETIMEDOUT },
		{ { ALTS_HS_FAILED, 0 }, EIO },
		{ { ALTS_HS_NONE, 0 }, EINVAL },
		{ { 7, 0 }, EPROTO },
		{ { ALTS_HS_DONE, 0 }, 0 },
	};
	int c, s;
	size_t i;

	tcp_pair(&c, &s);
	assert_int_equal(fcntl(c, F_SETFL, O_NONBLOCK), 0);
	fake_on();
	fake.hs_errno = EINPROGRESS;
	errno = 0;
	assert_int_equal(alts_handshake(c, ALTS_ROLE_CLIENT,
					&(struct alts_opts){ .any_peer = true }), -1);
	assert_int_equal(errno, EINPROGRESS);
	for (i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++) {
		fake.status = outcomes[i].st;
		errno = 0;
		assert_int_equal(alts_handshake_result(c), outcomes[i].err ? -1 : 0);
		if (outcomes[i].err)
			assert_int_equal(errno, outcomes[i].err);
	}
	close(c);
	close(s);
}

static void test_fake_peer_info(T_STATE)
{
	struct alts_peer peer;
	int c, s;

	tcp_pair(&c, &s);
	fake_on();
	assert_int_equal(alts_handshake(c, ALTS_ROLE_CLIENT,
					&(struct alts_opts){ .target_identities = one_target }), 0);
	memset(&peer, 0xa5, sizeof(peer));
	assert_int_equal(alts_peer_info(c, &peer), 0);
	assert_string_equal(peer.peer_identity, "spiffe://test/server");
	assert_string_equal(peer.local_identity, "spiffe://test/client");
	assert_string_equal(peer.app_protocol, "grpc");
	assert_int_equal(peer.record_protocol, ALTSRP_GCM_AES128_REKEY);
	assert_int_equal(peer.security_level, ALTS_SECURITY_INTEGRITY_AND_PRIVACY);
	assert_int_equal(peer.max_frame_len, ALTS_FRAME_LEN_DEFAULT_TX);
	assert_true(peer.pfs);
	assert_false(peer.resumed);
	/* the rest of each string is zero */
	assert_int_equal(peer.peer_identity[ALTS_IDENTITY_SIZE - 1], 0);
	assert_int_equal(peer.app_protocol[ALTS_APP_PROTOCOL_SIZE - 1], 0);

	fake.peer.flags = ALTS_PEER_F_RESUMED;
	assert_int_equal(alts_peer_info(c, &peer), 0);
	assert_true(peer.resumed);
	assert_false(peer.pfs);

	/* strings come out terminated even if the kernel's are not */
	memset(fake.peer.peer_identity, 'p', sizeof(fake.peer.peer_identity));
	memset(fake.peer.app_protocol, 'a', sizeof(fake.peer.app_protocol));
	assert_int_equal(alts_peer_info(c, &peer), 0);
	assert_int_equal(strlen(peer.peer_identity), ALTS_IDENTITY_SIZE - 1);
	assert_int_equal(strlen(peer.app_protocol), ALTS_APP_PROTOCOL_SIZE - 1);

	/* an answer of an unknown version */
	fake.peer.version = ALTS_HANDSHAKE_VERSION + 1;
	errno = 0;
	assert_int_equal(alts_peer_info(c, &peer), -1);
	assert_int_equal(errno, EPROTO);
	fake.peer_errno = ENODATA;
	errno = 0;
	assert_int_equal(alts_peer_info(c, &peer), -1);
	assert_int_equal(errno, ENODATA);
	close(c);
	close(s);
}

static void test_fake_connect_accept(T_STATE)
{
	const struct alts_opts co = { .target_identities = one_target, .connect_timeout_ms = 60000 };
	const struct alts_opts so = { .local_identity = "spiffe://test/server" };
	struct alts_handshake_req want;
	struct alts_peer peer;
	char port[8];
	int lfd, before, c, s;

	lfd = listener(port, 0);
	before = open_fds();
	fake_on();
	memset(&peer, 0, sizeof(peer));
	c = alts_connect("localhost", port, &co, &peer);
	assert_true(c >= 0);
	assert_cloexec_blocking(c);
	assert_string_equal(peer.peer_identity, "spiffe://test/server");
	assert_int_equal(alts_lib_encode_request(&want, ALTS_ROLE_CLIENT, &co), 0);
	assert_memory_equal(&fake.req, &want, sizeof(want));

	s = alts_accept(lfd, &so, NULL);
	assert_true(s >= 0);
	assert_cloexec_blocking(s);
	assert_int_equal(alts_lib_encode_request(&want, ALTS_ROLE_SERVER, &so), 0);
	assert_memory_equal(&fake.req, &want, sizeof(want));
	assert_int_equal(fake.ulp_sets, 2);
	assert_int_equal(open_fds(), before + 2);
	close(c);
	close(s);
	close(lfd);
}

static void test_fake_failures_close(T_STATE)
{
	static const int errs[] = { EACCES, ESRCH, ETIMEDOUT, EINTR, ECONNRESET, EPROTO };
	const struct alts_opts o = { .target_identities = one_target };
	struct alts_peer peer;
	char port[8];
	int lfd, before;
	size_t i;

	lfd = listener(port, 0);
	before = open_fds();
	fake_on();
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		memset(fake.ulp, 0, sizeof(fake.ulp));	/* descriptors are reused */
		fake.hs_errno = errs[i];
		errno = 0;
		assert_int_equal(alts_connect("127.0.0.1", port, &o, &peer), -1);
		assert_int_equal(errno, errs[i]);
		errno = 0;
		assert_int_equal(alts_accept(lfd, NULL, &peer), -1);
		assert_int_equal(errno, errs[i]);
		assert_int_equal(open_fds(), before);
	}
	/* the handshake succeeds but the peer cannot be read */
	memset(fake.ulp, 0, sizeof(fake.ulp));
	fake.hs_errno = 0;
	fake.peer_errno = ENODATA;
	errno = 0;
	assert_int_equal(alts_connect("127.0.0.1", port, &o, &peer), -1);
	assert_int_equal(errno, ENODATA);
	errno = 0;
	assert_int_equal(alts_accept(lfd, NULL, &peer), -1);
	assert_int_equal(errno, ENODATA);
	assert_int_equal(open_fds(), before);
	/* no peer asked for: nothing to read, so success */
	memset(fake.ulp, 0, sizeof(fake.ulp));
	int c = alts_connect("127.0.0.1", port, &o, NULL);

	assert_true(c >= 0);
	close(c);
	close(lfd);
}

static const struct CMUnitTest libalts_tests[] = {
	cmocka_unit_test_setup(test_opts_client_names_peer, fake_setup),
	cmocka_unit_test_setup(test_opts_identities, fake_setup),
	cmocka_unit_test_setup(test_opts_target_count, fake_setup),
	cmocka_unit_test_setup(test_opts_limits, fake_setup),
	cmocka_unit_test_setup(test_request_encoding, fake_setup),
	cmocka_unit_test_setup(test_names, fake_setup),
	cmocka_unit_test_setup(test_real_connect_accept_enoent, fake_setup),
	cmocka_unit_test_setup(test_real_handshake_keeps_fd, fake_setup),
	cmocka_unit_test_setup(test_real_bad_descriptors, fake_setup),
	cmocka_unit_test_setup(test_real_connect_errors, fake_setup),
	cmocka_unit_test_setup(test_real_connect_first, fake_setup),
	cmocka_unit_test_setup(test_fake_handshake_request, fake_setup),
	cmocka_unit_test_setup(test_fake_nonblocking, fake_setup),
	cmocka_unit_test_setup(test_fake_peer_info, fake_setup),
	cmocka_unit_test_setup(test_fake_connect_accept, fake_setup),
	cmocka_unit_test_setup(test_fake_failures_close, fake_setup),
};

static int libalts_teardown(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	return 0;
}

GROUP_TEARDOWN(libalts_group, "libalts", libalts_tests, libalts_teardown);
