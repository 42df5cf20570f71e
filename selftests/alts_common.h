/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alts_common.h - helpers shared by the ALTS selftests: loopback TCP pairs,
 * attaching the ULP, building and installing struct alts_crypto_info.
 *
 * In every pair "cli" is the socket that connected (ALTS_SIDE_CLIENT) and
 * "srv" the accepted one (ALTS_SIDE_SERVER).
 */
#ifndef ALTS_COMMON_H
#define ALTS_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/alts.h>

#include "kselftest.h"

#define ALTS_STAT_PATH		"/proc/net/alts_stat"

/*
 * After every test, once the test's process has exited, the harness checks
 * that the live-object counters of /proc/net/alts_stat are back to 0
 * (sockets are closed synchronously, so they normally are at once; a
 * process that still holds a socket is given 10 s). A missing counter line
 * or any other value fails the test that just ran.
 */
static inline bool alts_stat_curr_zero(void)
{
	static const char *const names[] = {
		"CurrCtx", "CurrTx", "CurrRx", "CurrFrameBufs", "CurrHandshakes",
	};
	enum { N_CURR = sizeof(names) / sizeof(names[0]) };
	unsigned long long val[N_CURR];
	bool seen[N_CURR], busy;
	int tries, i;

	for (tries = 0; tries < 100; tries++) {
		char name[64];
		unsigned long long v;
		FILE *f = fopen(ALTS_STAT_PATH, "r");

		memset(seen, 0, sizeof(seen));
		if (!f) {
			ksft_print_msg("%s: %s\n", ALTS_STAT_PATH,
				       strerror(errno));
			return false;
		}
		while (fscanf(f, "%63s %llu", name, &v) == 2)
			for (i = 0; i < N_CURR; i++)
				if (!strcmp(name, names[i])) {
					seen[i] = true;
					val[i] = v;
				}
		fclose(f);
		busy = false;
		for (i = 0; i < N_CURR; i++) {
			if (!seen[i]) {
				ksft_print_msg("%s: no %s line\n",
					       ALTS_STAT_PATH, names[i]);
				return false;
			}
			busy |= val[i] != 0;
		}
		if (!busy)
			return true;
		usleep(100 * 1000);
	}
	for (i = 0; i < N_CURR; i++)
		if (val[i])
			ksft_print_msg("%s: %s %llu after the test\n",
				       ALTS_STAT_PATH, names[i], val[i]);
	return false;
}

/*
 * The harness reports each test through ksft_test_result(t->passed, ...),
 * in the parent once the test's process is gone: the counters are checked
 * there, and a test that leaves live objects behind is reported and
 * counted as failed.
 */
#undef ksft_test_result
#define ksft_test_result(passed, fmt, ...) do {				\
	if (!alts_stat_curr_zero())					\
		(passed) = 0;						\
	if (passed)							\
		ksft_test_result_pass(fmt, ##__VA_ARGS__);		\
	else								\
		ksft_test_result_fail(fmt, ##__VA_ARGS__);		\
} while (0)

#include "kselftest_harness.h"

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define ALTS_ULP_NAME		"alts"
/* largest payload of a frame with the default TX limit (L = 16384) */
#define ALTS_PAYLOAD_MAX	(ALTS_FRAME_LEN_DEFAULT_TX - 20)
#define ALTS_WIRE_OVERHEAD	24	/* wire bytes a frame adds */

/* The key every test uses: 44 distinct, non-zero bytes. */
static inline void alts_test_key(uint8_t key[ALTS_KEY_MAX_SIZE])
{
	int i;

	for (i = 0; i < ALTS_KEY_MAX_SIZE; i++)
		key[i] = 0x5c ^ (uint8_t)(i * 0x9d + 0x17);
}

static inline size_t alts_proto_key_len(uint16_t proto)
{
	switch (proto) {
	case ALTSRP_GCM_AES128:
		return ALTS_GCM_AES128_KEY_SIZE;
	case ALTSRP_GCM_AES128_REKEY:
		return ALTS_GCM_AES128_REKEY_KEY_SIZE;
	case ALTSRP_GMAC_128:
		return ALTS_GMAC_128_KEY_SIZE;
	default:
		return 0;
	}
}

/* Largest counter the protocol accepts at install: 2^40 - 1 or 2^64 - 1. */
static inline uint64_t alts_counter_limit(uint16_t proto)
{
	return proto == ALTSRP_GCM_AES128_REKEY ? UINT64_MAX :
						  (1ULL << 40) - 1;
}

static inline void alts_info_init(struct alts_crypto_info *ci, uint16_t proto,
				  uint8_t side, uint64_t counter,
				  uint32_t max_frame_len)
{
	uint8_t key[ALTS_KEY_MAX_SIZE];

	memset(ci, 0, sizeof(*ci));
	ci->version = ALTS_CRYPTO_INFO_VERSION;
	ci->record_protocol = proto;
	ci->side = side;
	ci->max_frame_len = max_frame_len;
	ci->counter = counter;
	alts_test_key(key);
	memcpy(ci->key, key, alts_proto_key_len(proto));
}

static inline int alts_attach(int fd)
{
	return setsockopt(fd, IPPROTO_TCP, TCP_ULP, ALTS_ULP_NAME,
			  sizeof(ALTS_ULP_NAME));
}

/* setsockopt(SOL_ALTS, @dir) with the test key; returns its result. */
static inline int alts_install(int fd, int dir, uint16_t proto, uint8_t side,
			       uint64_t counter, uint32_t max_frame_len)
{
	struct alts_crypto_info ci;

	alts_info_init(&ci, proto, side, counter, max_frame_len);
	return setsockopt(fd, SOL_ALTS, dir, &ci, sizeof(ci));
}

static inline socklen_t alts_loopback(int family, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		return sizeof(*a);
	}
	{
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof(*a);
	}
}

/* A loopback listener on an ephemeral port, or -1. */
static inline int tcp_listener(int family)
{
	struct sockaddr_storage ss;
	socklen_t len = alts_loopback(family, &ss);
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 128)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Connect to @lfd and accept: 0 on success, -1 with errno set. */
static inline int tcp_pair_from(int lfd, int *cli, int *srv)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int c;

	*cli = *srv = -1;
	if (getsockname(lfd, (struct sockaddr *)&ss, &len))
		return -1;
	c = socket(ss.ss_family, SOCK_STREAM, 0);
	if (c < 0)
		return -1;
	if (connect(c, (struct sockaddr *)&ss, len)) {
		close(c);
		return -1;
	}
	*srv = accept(lfd, NULL, NULL);
	if (*srv < 0) {
		close(c);
		return -1;
	}
	*cli = c;
	return 0;
}

static inline int tcp_pair(int family, int *cli, int *srv)
{
	int lfd = tcp_listener(family), ret;

	if (lfd < 0)
		return -1;
	ret = tcp_pair_from(lfd, cli, srv);
	close(lfd);
	return ret;
}

static inline void memrnd(void *s, size_t n)
{
	uint8_t *p = s;

	while (n--)
		*p++ = rand();
}

/* Deterministic data so a receiver can check any range it gets. */
static inline uint8_t pattern_byte(size_t off, uint8_t seed)
{
	return (uint8_t)(off * 131 + (off >> 8) * 7 + seed);
}

static inline void fill_pattern(void *s, size_t n, size_t off, uint8_t seed)
{
	uint8_t *p = s;
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = pattern_byte(off + i, seed);
}

static inline bool check_pattern(const void *s, size_t n, size_t off,
				 uint8_t seed)
{
	const uint8_t *p = s;
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != pattern_byte(off + i, seed))
			return false;
	return true;
}

/* Write all of @buf (blocking socket); false on error. */
static inline bool write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

/*
 * Read exactly @len bytes unless EOF, an error or @timeout_ms without
 * progress intervenes. Returns the bytes read.
 */
static inline size_t read_full(int fd, void *buf, size_t len, int timeout_ms)
{
	uint8_t *p = buf;
	size_t got = 0;

	while (got < len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, timeout_ms) <= 0)
			break;
		n = recv(fd, p + got, len - got, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	return got;
}

static inline void set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL, 0);

	fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

static inline void set_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* Wait until @fd's TCP receive queue holds at least @len bytes. */
static inline bool wait_inq(int fd, int len, int timeout_ms)
{
	int i, inq = 0;

	for (i = 0; i < timeout_ms; i++) {
		if (ioctl(fd, FIONREAD, &inq) == 0 && inq >= len)
			return true;
		usleep(1000);
	}
	return false;
}

static inline const char *alts_proto_name(uint16_t proto)
{
	switch (proto) {
	case ALTSRP_GCM_AES128:
		return "gcm";
	case ALTSRP_GCM_AES128_REKEY:
		return "rekey";
	case ALTSRP_GMAC_128:
		return "gmac";
	default:
		return "?";
	}
}

/*
 * The six variants (address family x record protocol) of a fixture whose
 * FIXTURE_VARIANT has { int family; uint16_t proto; }.
 */
#define ALTS_FIXTURE_VARIANTS(f)					\
	FIXTURE_VARIANT_ADD(f, v4_gcm) {				\
		.family = AF_INET, .proto = ALTSRP_GCM_AES128,		\
	};								\
	FIXTURE_VARIANT_ADD(f, v6_gcm) {				\
		.family = AF_INET6, .proto = ALTSRP_GCM_AES128,		\
	};								\
	FIXTURE_VARIANT_ADD(f, v4_rekey) {				\
		.family = AF_INET, .proto = ALTSRP_GCM_AES128_REKEY,	\
	};								\
	FIXTURE_VARIANT_ADD(f, v6_rekey) {				\
		.family = AF_INET6, .proto = ALTSRP_GCM_AES128_REKEY,	\
	};								\
	FIXTURE_VARIANT_ADD(f, v4_gmac) {				\
		.family = AF_INET, .proto = ALTSRP_GMAC_128,		\
	};								\
	FIXTURE_VARIANT_ADD(f, v6_gmac) {				\
		.family = AF_INET6, .proto = ALTSRP_GMAC_128,		\
	}

#endif /* ALTS_COMMON_H */
