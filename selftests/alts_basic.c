// SPDX-License-Identifier: GPL-2.0
/*
 * alts_basic - attaching the "alts" ULP and the SOL_ALTS socket options:
 * when the ULP may be attached, what a keyless ALTS socket does, every
 * validation rule of struct alts_crypto_info, what getsockopt() reports
 * (never key bytes), and the socket calls that must keep working.
 */
#include <sys/syscall.h>

#include "alts_common.h"

static const uint16_t protos[] = {
	ALTSRP_GCM_AES128, ALTSRP_GCM_AES128_REKEY, ALTSRP_GMAC_128,
};
static const int families[] = { AF_INET, AF_INET6 };

static void non_established(struct __test_metadata *_metadata, int family)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int lfd, fd, srv;

	lfd = tcp_listener(family);
	ASSERT_GE(lfd, 0);
	fd = socket(family, SOCK_STREAM, 0);
	ASSERT_GE(fd, 0);

	/* unconnected */
	EXPECT_EQ(alts_attach(fd), -1);
	EXPECT_EQ(errno, ENOTCONN);
	/* listener */
	EXPECT_EQ(alts_attach(lfd), -1);
	EXPECT_EQ(errno, ENOTCONN);

	ASSERT_EQ(getsockname(lfd, (struct sockaddr *)&ss, &len), 0);
	ASSERT_EQ(connect(fd, (struct sockaddr *)&ss, len), 0);
	srv = accept(lfd, NULL, NULL);
	ASSERT_GE(srv, 0);

	EXPECT_EQ(alts_attach(fd), 0);
	EXPECT_EQ(alts_attach(fd), -1);
	EXPECT_EQ(errno, EEXIST);
	EXPECT_EQ(alts_attach(srv), 0);
	EXPECT_EQ(alts_attach(srv), -1);
	EXPECT_EQ(errno, EEXIST);

	/* the listener still accepts plain connections, without the ULP */
	{
		int c2, s2;
		char name[16];
		socklen_t nlen = sizeof(name);

		ASSERT_EQ(tcp_pair_from(lfd, &c2, &s2), 0);
		EXPECT_EQ(getsockopt(s2, IPPROTO_TCP, TCP_ULP, name, &nlen), 0);
		EXPECT_EQ(nlen == 0 || name[0] == 0, true);
		close(c2);
		close(s2);
	}
	close(fd);
	close(srv);
	close(lfd);
}

TEST(non_established_v4)
{
	non_established(_metadata, AF_INET);
}

TEST(non_established_v6)
{
	non_established(_metadata, AF_INET6);
}

/* The socket reports its ULP by name. */
TEST(ulp_name)
{
	char name[16] = {};
	socklen_t len = sizeof(name);
	int fd, cfd;

	ASSERT_EQ(tcp_pair(AF_INET, &fd, &cfd), 0);
	ASSERT_EQ(alts_attach(fd), 0);
	EXPECT_EQ(getsockopt(fd, IPPROTO_TCP, TCP_ULP, name, &len), 0);
	EXPECT_STREQ(name, ALTS_ULP_NAME);
	close(fd);
	close(cfd);
}

/* SOL_ALTS on a TCP socket without the ULP is unknown to TCP. */
TEST(sol_alts_without_ulp)
{
	struct alts_crypto_info ci;
	socklen_t len = sizeof(ci);
	int fd, cfd;

	ASSERT_EQ(tcp_pair(AF_INET, &fd, &cfd), 0);
	alts_info_init(&ci, ALTSRP_GCM_AES128, ALTS_SIDE_CLIENT, 0, 0);
	EXPECT_EQ(setsockopt(fd, SOL_ALTS, ALTS_TX, &ci, sizeof(ci)), -1);
	EXPECT_EQ(errno, ENOPROTOOPT);
	EXPECT_EQ(setsockopt(fd, SOL_ALTS, ALTS_RX, &ci, sizeof(ci)), -1);
	EXPECT_EQ(errno, ENOPROTOOPT);
	/* getsockopt answers what TCP answers for an unknown level */
	EXPECT_EQ(getsockopt(fd, SOL_ALTS, ALTS_TX, &ci, &len), -1);
	EXPECT_TRUE(errno == EOPNOTSUPP || errno == ENOPROTOOPT);
	/* and the connection still carries plain bytes */
	EXPECT_EQ(send(fd, "plain", 5, 0), 5);
	EXPECT_EQ(recv(cfd, &ci, 5, MSG_WAITALL), 5);
	EXPECT_EQ(memcmp(&ci, "plain", 5), 0);
	close(fd);
	close(cfd);
}

/* Keyless ALTS sockets: ULP on both ends, no keys. */
FIXTURE(keyless)
{
	int fd, cfd;
};

FIXTURE_VARIANT(keyless)
{
	int family;
};

FIXTURE_VARIANT_ADD(keyless, v4)
{
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(keyless, v6)
{
	.family = AF_INET6,
};

FIXTURE_SETUP(keyless)
{
	ASSERT_EQ(tcp_pair(variant->family, &self->fd, &self->cfd), 0);
	ASSERT_EQ(alts_attach(self->fd), 0);
	ASSERT_EQ(alts_attach(self->cfd), 0);
}

FIXTURE_TEARDOWN(keyless)
{
	close(self->fd);
	close(self->cfd);
}

/* Without keys, data passes as plain TCP, in both directions. */
TEST_F(keyless, base_base)
{
	char const *test_str = "test_read";
	int send_len = 10;
	char buf[10];

	EXPECT_EQ(send(self->fd, test_str, send_len, 0), send_len);
	EXPECT_EQ(recv(self->cfd, buf, send_len, MSG_WAITALL), send_len);
	EXPECT_EQ(memcmp(buf, test_str, send_len), 0);
	EXPECT_EQ(send(self->cfd, test_str, send_len, 0), send_len);
	EXPECT_EQ(recv(self->fd, buf, send_len, MSG_WAITALL), send_len);
	EXPECT_EQ(memcmp(buf, test_str, send_len), 0);
}

/* Large plain transfers, splice and sendfile work without keys. */
TEST_F(keyless, plain_bulk)
{
	const size_t len = 300000;
	uint8_t *buf = malloc(len), *got = malloc(len);
	pid_t pid;
	int status;

	ASSERT_NE(buf, NULL);
	ASSERT_NE(got, NULL);
	fill_pattern(buf, len, 0, 7);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(write_all(self->fd, buf, len) ? 0 : 1);
	EXPECT_EQ(recv(self->cfd, got, len, MSG_WAITALL), (ssize_t)len);
	EXPECT_EQ(memcmp(buf, got, len), 0);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	free(buf);
	free(got);
}

/* What a handshake does: plain bytes, then keys, then ALTS frames. */
TEST_F(keyless, plain_then_keys)
{
	char buf[32];
	int p;

	for (p = 0; p < (int)ARRAY_SIZE(protos); p++) {
		int fd, cfd;

		ASSERT_EQ(tcp_pair(variant->family, &fd, &cfd), 0);
		ASSERT_EQ(alts_attach(fd), 0);
		ASSERT_EQ(alts_attach(cfd), 0);
		EXPECT_EQ(send(fd, "hello", 5, 0), 5);
		EXPECT_EQ(recv(cfd, buf, 5, MSG_WAITALL), 5);
		EXPECT_EQ(send(cfd, "olleh", 5, 0), 5);
		EXPECT_EQ(recv(fd, buf, 5, MSG_WAITALL), 5);
		EXPECT_EQ(memcmp(buf, "olleh", 5), 0);

		ASSERT_EQ(alts_install(fd, ALTS_TX, protos[p], ALTS_SIDE_CLIENT, 0, 0), 0);
		ASSERT_EQ(alts_install(fd, ALTS_RX, protos[p], ALTS_SIDE_CLIENT, 0, 0), 0);
		ASSERT_EQ(alts_install(cfd, ALTS_RX, protos[p], ALTS_SIDE_SERVER, 0, 0), 0);
		ASSERT_EQ(alts_install(cfd, ALTS_TX, protos[p], ALTS_SIDE_SERVER, 0, 0), 0);
		EXPECT_EQ(send(fd, "sealed c2s", 10, 0), 10);
		EXPECT_EQ(recv(cfd, buf, 10, MSG_WAITALL), 10);
		EXPECT_EQ(memcmp(buf, "sealed c2s", 10), 0);
		EXPECT_EQ(send(cfd, "sealed s2c", 10, 0), 10);
		EXPECT_EQ(recv(fd, buf, 10, MSG_WAITALL), 10);
		EXPECT_EQ(memcmp(buf, "sealed s2c", 10), 0);
		close(fd);
		close(cfd);
	}
}

/* A keyless receiver sees the frames of a keyed sender as raw bytes. */
TEST_F(keyless, tx_only_is_framed)
{
	uint8_t buf[64];

	ASSERT_EQ(alts_install(self->fd, ALTS_TX, ALTSRP_GCM_AES128,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	EXPECT_EQ(send(self->fd, "0123456789", 10, 0), 10);
	EXPECT_EQ(recv(self->cfd, buf, 10 + ALTS_WIRE_OVERHEAD, MSG_WAITALL),
		  10 + ALTS_WIRE_OVERHEAD);
	EXPECT_EQ(buf[0], 10 + 20);
	EXPECT_EQ(buf[1] | buf[2] | buf[3], 0);
	EXPECT_EQ(buf[4], 6);
	EXPECT_EQ(buf[5] | buf[6] | buf[7], 0);
	EXPECT_NE(memcmp(buf + 8, "0123456789", 10), 0);
	/* the other direction is still plain */
	EXPECT_EQ(send(self->cfd, "plain", 5, 0), 5);
	EXPECT_EQ(recv(self->fd, buf, 5, MSG_WAITALL), 5);
	EXPECT_EQ(memcmp(buf, "plain", 5), 0);
}

/* getsockopt of a direction without keys returns no configuration. */
TEST_F(keyless, getsockopt_unset)
{
	struct alts_crypto_info ci;
	socklen_t len = sizeof(ci);

	EXPECT_EQ(getsockopt(self->fd, SOL_ALTS, ALTS_TX, &ci, &len), -1);
	/* a direction without a key reads back as ENOKEY */
	EXPECT_EQ(errno, ENOKEY);
	len = sizeof(ci);
	EXPECT_EQ(getsockopt(self->fd, SOL_ALTS, ALTS_RX, &ci, &len), -1);
	EXPECT_EQ(errno, ENOKEY);
	ASSERT_EQ(alts_install(self->fd, ALTS_TX, ALTSRP_GCM_AES128,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	len = sizeof(ci);
	EXPECT_EQ(getsockopt(self->fd, SOL_ALTS, ALTS_RX, &ci, &len), -1);
	EXPECT_EQ(errno, ENOKEY);
}

/* Unknown option names at SOL_ALTS. */
TEST_F(keyless, unknown_optname)
{
	struct alts_crypto_info ci;
	socklen_t len = sizeof(ci);

	alts_info_init(&ci, ALTSRP_GCM_AES128, ALTS_SIDE_CLIENT, 0, 0);
	EXPECT_EQ(setsockopt(self->fd, SOL_ALTS, ALTS_HANDSHAKE_CLAIM + 1, &ci, sizeof(ci)), -1);
	EXPECT_EQ(errno, ENOPROTOOPT);
	EXPECT_EQ(setsockopt(self->fd, SOL_ALTS, 0, &ci, sizeof(ci)), -1);
	EXPECT_EQ(errno, ENOPROTOOPT);
	EXPECT_EQ(getsockopt(self->fd, SOL_ALTS, ALTS_HANDSHAKE_CLAIM + 1, &ci, &len), -1);
	EXPECT_EQ(errno, ENOPROTOOPT);
	/* set-only options have nothing to read */
	EXPECT_EQ(getsockopt(self->fd, SOL_ALTS, ALTS_HANDSHAKE_CLAIM, &ci, &len), -1);
	EXPECT_EQ(errno, ENOPROTOOPT);
	/* TCP options still reach TCP */
	{
		int one = 1, v = 0;
		socklen_t vl = sizeof(v);

		EXPECT_EQ(setsockopt(self->fd, IPPROTO_TCP, TCP_NODELAY, &one,
				     sizeof(one)), 0);
		EXPECT_EQ(getsockopt(self->fd, IPPROTO_TCP, TCP_NODELAY, &v,
				     &vl), 0);
		EXPECT_EQ(v, 1);
	}
}

/* One install attempt on a fresh keyless socket; returns errno or 0. */
static int try_install(int family, int dir, const struct alts_crypto_info *ci,
		       socklen_t optlen)
{
	int fd, cfd, ret;

	if (tcp_pair(family, &fd, &cfd))
		return -1;
	if (alts_attach(fd)) {
		ret = -2;
	} else {
		ret = setsockopt(fd, SOL_ALTS, dir, ci, optlen) ? errno : 0;
	}
	close(fd);
	close(cfd);
	return ret;
}

/* Every invalid struct alts_crypto_info is EINVAL, in either direction. */
TEST(setsockopt_validation)
{
	struct alts_crypto_info ci;
	unsigned int f, p, d, i;
	static const int dirs[] = { ALTS_TX, ALTS_RX };

	for (f = 0; f < ARRAY_SIZE(families); f++)
	for (p = 0; p < ARRAY_SIZE(protos); p++)
	for (d = 0; d < ARRAY_SIZE(dirs); d++) {
		int fam = families[f], dir = dirs[d];
		uint16_t proto = protos[p];
		size_t klen = alts_proto_key_len(proto);

#define INVALID(what, ...) do {						\
		alts_info_init(&ci, proto, ALTS_SIDE_CLIENT, 0, 0);	\
		__VA_ARGS__;						\
		EXPECT_EQ(try_install(fam, dir, &ci, sizeof(ci)), EINVAL) \
			TH_LOG("%s %s dir %d: %s", fam == AF_INET ? "v4" : "v6", \
			       alts_proto_name(proto), dir, what);	\
	} while (0)
#define VALID(what, ...) do {						\
		alts_info_init(&ci, proto, ALTS_SIDE_CLIENT, 0, 0);	\
		__VA_ARGS__;						\
		EXPECT_EQ(try_install(fam, dir, &ci, sizeof(ci)), 0)	\
			TH_LOG("%s %s dir %d: %s", fam == AF_INET ? "v4" : "v6", \
			       alts_proto_name(proto), dir, what);	\
	} while (0)

		VALID("defaults");
		alts_info_init(&ci, proto, ALTS_SIDE_CLIENT, 0, 0);
		EXPECT_EQ(try_install(fam, dir, &ci, sizeof(ci) - 1), EINVAL);
		EXPECT_EQ(try_install(fam, dir, &ci, sizeof(ci) + 1), EINVAL);
		EXPECT_EQ(try_install(fam, dir, &ci, 4), EINVAL);
		EXPECT_EQ(try_install(fam, dir, &ci, 0), EINVAL);
		EXPECT_EQ(try_install(fam, dir, NULL, sizeof(ci)), EFAULT);

		INVALID("version 0", ci.version = 0);
		INVALID("version 2", ci.version = 2);
		INVALID("version 0x100", ci.version = 0x100);
		INVALID("protocol 0", ci.record_protocol = ALTSRP_UNSPEC);
		INVALID("protocol 4", ci.record_protocol = 4);
		INVALID("protocol 0xffff", ci.record_protocol = 0xffff);
		INVALID("side 2", ci.side = 2);
		INVALID("side 0x80", ci.side = 0x80);
		INVALID("side 0xff", ci.side = 0xff);
		for (i = 0; i < sizeof(ci.reserved0); i++)
			INVALID("reserved0", ci.reserved0[i] = 1);
		INVALID("reserved1", ci.reserved1 = 1);
		INVALID("reserved1 high", ci.reserved1 = 0x80000000);
		for (i = 0; i < sizeof(ci.reserved2); i++)
			INVALID("reserved2", ci.reserved2[i] = 0x40);
		if (klen < ALTS_KEY_MAX_SIZE) {
			INVALID("first unused key byte", ci.key[klen] = 1);
			INVALID("last unused key byte",
				ci.key[ALTS_KEY_MAX_SIZE - 1] = 0x80);
		}
		INVALID("max_frame_len 1", ci.max_frame_len = 1);
		INVALID("max_frame_len 20", ci.max_frame_len = 20);
		INVALID("max_frame_len 1023",
			ci.max_frame_len = ALTS_FRAME_LEN_MIN - 1);
		INVALID("max_frame_len 1 MiB + 1",
			ci.max_frame_len = ALTS_FRAME_LEN_MAX + 1);
		INVALID("max_frame_len 0xffffffff",
			ci.max_frame_len = 0xffffffff);
		VALID("max_frame_len 1024", ci.max_frame_len = ALTS_FRAME_LEN_MIN);
		VALID("max_frame_len 1 MiB", ci.max_frame_len = ALTS_FRAME_LEN_MAX);
		VALID("max_frame_len 16384", ci.max_frame_len = 16384);
		VALID("server side", ci.side = ALTS_SIDE_SERVER);
		if (proto == ALTSRP_GCM_AES128_REKEY) {
			VALID("counter 2^40", ci.counter = 1ULL << 40);
			VALID("counter 2^63", ci.counter = 1ULL << 63);
		} else {
			VALID("counter 2^40 - 2", ci.counter = (1ULL << 40) - 2);
			INVALID("counter 2^40", ci.counter = 1ULL << 40);
			INVALID("counter 2^63", ci.counter = 1ULL << 63);
			INVALID("counter 2^64 - 1", ci.counter = UINT64_MAX);
		}
		/* an all-zero key is a key like any other */
		VALID("zero key", memset(ci.key, 0, sizeof(ci.key)));
#undef INVALID
#undef VALID
	}
}

/* Install order, repeats, and agreement between the two directions. */
TEST(setsockopt_install_rules)
{
	unsigned int f, p, q;

	for (f = 0; f < ARRAY_SIZE(families); f++)
	for (p = 0; p < ARRAY_SIZE(protos); p++) {
		int fam = families[f], fd, cfd;
		uint16_t proto = protos[p];
		struct alts_crypto_info ci;

		/* a failed install leaves the direction free */
		ASSERT_EQ(tcp_pair(fam, &fd, &cfd), 0);
		ASSERT_EQ(alts_attach(fd), 0);
		alts_info_init(&ci, proto, ALTS_SIDE_CLIENT, 0, 0);
		ci.version = 9;
		EXPECT_EQ(setsockopt(fd, SOL_ALTS, ALTS_TX, &ci, sizeof(ci)), -1);
		EXPECT_EQ(errno, EINVAL);
		EXPECT_EQ(alts_install(fd, ALTS_TX, proto, ALTS_SIDE_CLIENT, 0, 0), 0);
		/* second install of the same direction */
		EXPECT_EQ(alts_install(fd, ALTS_TX, proto, ALTS_SIDE_CLIENT, 0, 0), -1);
		EXPECT_EQ(errno, EBUSY);
		/* other direction: other protocol or side refused */
		for (q = 0; q < ARRAY_SIZE(protos); q++) {
			if (protos[q] == proto)
				continue;
			EXPECT_EQ(alts_install(fd, ALTS_RX, protos[q],
					       ALTS_SIDE_CLIENT, 0, 0), -1);
			EXPECT_EQ(errno, EINVAL);
		}
		EXPECT_EQ(alts_install(fd, ALTS_RX, proto, ALTS_SIDE_SERVER, 0, 0), -1);
		EXPECT_EQ(errno, EINVAL);
		/* and the matching one is accepted, once */
		EXPECT_EQ(alts_install(fd, ALTS_RX, proto, ALTS_SIDE_CLIENT, 0, 0), 0);
		EXPECT_EQ(alts_install(fd, ALTS_RX, proto, ALTS_SIDE_CLIENT, 0, 0), -1);
		EXPECT_EQ(errno, EBUSY);
		close(fd);
		close(cfd);

		/* RX first, then a mismatching TX */
		ASSERT_EQ(tcp_pair(fam, &fd, &cfd), 0);
		ASSERT_EQ(alts_attach(cfd), 0);
		EXPECT_EQ(alts_install(cfd, ALTS_RX, proto, ALTS_SIDE_SERVER, 0, 0), 0);
		EXPECT_EQ(alts_install(cfd, ALTS_TX, proto, ALTS_SIDE_CLIENT, 0, 0), -1);
		EXPECT_EQ(errno, EINVAL);
		EXPECT_EQ(alts_install(cfd, ALTS_TX,
				       protos[(p + 1) % ARRAY_SIZE(protos)],
				       ALTS_SIDE_SERVER, 0, 0), -1);
		EXPECT_EQ(errno, EINVAL);
		EXPECT_EQ(alts_install(cfd, ALTS_TX, proto, ALTS_SIDE_SERVER, 0, 0), 0);
		EXPECT_EQ(alts_install(cfd, ALTS_RX, proto, ALTS_SIDE_SERVER, 0, 0), -1);
		EXPECT_EQ(errno, EBUSY);
		close(fd);
		close(cfd);
	}
}

/*
 * getsockopt() reports version, protocol, side, limit and next counter,
 * and zeroes the key field; short buffers are EINVAL.
 */
TEST(getsockopt_no_key_material)
{
	unsigned int f, p, d, i;
	static const int dirs[] = { ALTS_TX, ALTS_RX };

	for (f = 0; f < ARRAY_SIZE(families); f++)
	for (p = 0; p < ARRAY_SIZE(protos); p++)
	for (d = 0; d < ARRAY_SIZE(dirs); d++) {
		uint16_t proto = protos[p];
		int fd, cfd, dir = dirs[d];
		uint64_t counter = proto == ALTSRP_GCM_AES128_REKEY ?
					   0x123456789abcULL : 0x12345678ULL;
		struct alts_crypto_info get;
		socklen_t len;
		bool zero = true;

		ASSERT_EQ(tcp_pair(families[f], &fd, &cfd), 0);
		ASSERT_EQ(alts_attach(fd), 0);
		ASSERT_EQ(alts_install(fd, dir, proto, ALTS_SIDE_SERVER,
				       counter, 4096), 0);
		memset(&get, 0xa5, sizeof(get));
		len = sizeof(get);
		EXPECT_EQ(getsockopt(fd, SOL_ALTS, dir, &get, &len), 0);
		EXPECT_EQ(len, sizeof(get));
		EXPECT_EQ(get.version, ALTS_CRYPTO_INFO_VERSION);
		EXPECT_EQ(get.record_protocol, proto);
		EXPECT_EQ(get.side, ALTS_SIDE_SERVER);
		EXPECT_EQ(get.max_frame_len, 4096);
		EXPECT_EQ(get.counter, counter);
		for (i = 0; i < sizeof(get.key); i++)
			zero = zero && !get.key[i];
		EXPECT_TRUE(zero) TH_LOG("key bytes returned by getsockopt");
		EXPECT_EQ(get.reserved0[0] | get.reserved0[1] |
			  get.reserved0[2], 0);
		EXPECT_EQ(get.reserved1, 0);
		EXPECT_EQ(get.reserved2[0] | get.reserved2[1] |
			  get.reserved2[2] | get.reserved2[3], 0);

		/* wrong optlen */
		len = sizeof(get) - 1;
		EXPECT_EQ(getsockopt(fd, SOL_ALTS, dir, &get, &len), -1);
		EXPECT_EQ(errno, EINVAL);
		len = 0;
		EXPECT_EQ(getsockopt(fd, SOL_ALTS, dir, &get, &len), -1);
		EXPECT_EQ(errno, EINVAL);
		len = 8;
		EXPECT_EQ(getsockopt(fd, SOL_ALTS, dir, &get, &len), -1);
		EXPECT_EQ(errno, EINVAL);
		/* a larger buffer is EINVAL or filled with exactly the struct */
		{
			uint8_t big[sizeof(get) + 8];

			len = sizeof(big);
			memset(big, 0xee, sizeof(big));
			if (getsockopt(fd, SOL_ALTS, dir, big, &len)) {
				EXPECT_EQ(errno, EINVAL);
			} else {
				EXPECT_EQ(len, sizeof(get));
				EXPECT_EQ(big[sizeof(get)], 0xee);
			}
		}
		close(fd);
		close(cfd);
	}
}

/* max_frame_len 0 reads back as 0 or as the documented default. */
TEST(getsockopt_default_limits)
{
	struct alts_crypto_info get;
	socklen_t len = sizeof(get);
	int fd, cfd;

	ASSERT_EQ(tcp_pair(AF_INET, &fd, &cfd), 0);
	ASSERT_EQ(alts_attach(fd), 0);
	ASSERT_EQ(alts_install(fd, ALTS_TX, ALTSRP_GCM_AES128_REKEY,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	ASSERT_EQ(alts_install(fd, ALTS_RX, ALTSRP_GCM_AES128_REKEY,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	EXPECT_EQ(getsockopt(fd, SOL_ALTS, ALTS_TX, &get, &len), 0);
	EXPECT_TRUE(get.max_frame_len == 0 ||
		    get.max_frame_len == ALTS_FRAME_LEN_DEFAULT_TX);
	len = sizeof(get);
	EXPECT_EQ(getsockopt(fd, SOL_ALTS, ALTS_RX, &get, &len), 0);
	EXPECT_TRUE(get.max_frame_len == 0 ||
		    get.max_frame_len == ALTS_FRAME_LEN_MAX);
	close(fd);
	close(cfd);
}

/* The counter read back is the number of the next frame. */
TEST(getsockopt_counter_advances)
{
	struct alts_crypto_info get;
	socklen_t len;
	char buf[64];
	int fd, cfd, i;

	ASSERT_EQ(tcp_pair(AF_INET6, &fd, &cfd), 0);
	ASSERT_EQ(alts_attach(fd), 0);
	ASSERT_EQ(alts_attach(cfd), 0);
	ASSERT_EQ(alts_install(fd, ALTS_TX, ALTSRP_GCM_AES128,
			       ALTS_SIDE_CLIENT, 1000, 0), 0);
	ASSERT_EQ(alts_install(cfd, ALTS_RX, ALTSRP_GCM_AES128,
			       ALTS_SIDE_SERVER, 1000, 0), 0);
	for (i = 0; i < 7; i++)
		ASSERT_EQ(send(fd, "frame", 5, 0), 5);
	EXPECT_EQ(recv(cfd, buf, 35, MSG_WAITALL), 35);
	len = sizeof(get);
	EXPECT_EQ(getsockopt(fd, SOL_ALTS, ALTS_TX, &get, &len), 0);
	EXPECT_EQ(get.counter, 1007);
	len = sizeof(get);
	EXPECT_EQ(getsockopt(cfd, SOL_ALTS, ALTS_RX, &get, &len), 0);
	EXPECT_EQ(get.counter, 1007);
	close(fd);
	close(cfd);
}

/* With keys installed on IPv6, the v6 socket calls still answer v6. */
TEST(v6ops)
{
	struct sockaddr_in6 addr, addr2, peer, peer2;
	socklen_t len, len2;
	int fd, cfd;

	ASSERT_EQ(tcp_pair(AF_INET6, &fd, &cfd), 0);
	len = sizeof(addr);
	ASSERT_EQ(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	len2 = sizeof(peer);
	ASSERT_EQ(getpeername(fd, (struct sockaddr *)&peer, &len2), 0);

	ASSERT_EQ(alts_attach(fd), 0);
	ASSERT_EQ(alts_install(fd, ALTS_TX, ALTSRP_GCM_AES128,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	ASSERT_EQ(alts_install(fd, ALTS_RX, ALTSRP_GCM_AES128,
			       ALTS_SIDE_CLIENT, 0, 0), 0);

	len2 = sizeof(addr2);
	ASSERT_EQ(getsockname(fd, (struct sockaddr *)&addr2, &len2), 0);
	EXPECT_EQ(len2, len);
	EXPECT_EQ(addr2.sin6_family, AF_INET6);
	EXPECT_EQ(memcmp(&addr, &addr2, len), 0);
	len2 = sizeof(peer2);
	ASSERT_EQ(getpeername(fd, (struct sockaddr *)&peer2, &len2), 0);
	EXPECT_EQ(len2, sizeof(peer2));
	EXPECT_EQ(memcmp(&peer, &peer2, sizeof(peer)), 0);
	{
		int v6only = -1;
		socklen_t vl = sizeof(v6only);

		EXPECT_EQ(getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
				     &vl), 0);
	}
	close(fd);
	close(cfd);
}

TEST(v4ops)
{
	struct sockaddr_in addr, addr2;
	socklen_t len = sizeof(addr), len2 = sizeof(addr2);
	int fd, cfd;

	ASSERT_EQ(tcp_pair(AF_INET, &fd, &cfd), 0);
	ASSERT_EQ(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	ASSERT_EQ(alts_attach(fd), 0);
	ASSERT_EQ(alts_install(fd, ALTS_TX, ALTSRP_GMAC_128,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	ASSERT_EQ(getsockname(fd, (struct sockaddr *)&addr2, &len2), 0);
	EXPECT_EQ(len2, len);
	EXPECT_EQ(memcmp(&addr, &addr2, len), 0);
	close(fd);
	close(cfd);
}

/* MSG_OOB cannot be framed. */
TEST(msg_oob)
{
	unsigned int f, p;

	for (f = 0; f < ARRAY_SIZE(families); f++)
	for (p = 0; p < ARRAY_SIZE(protos); p++) {
		int fd, cfd;

		ASSERT_EQ(tcp_pair(families[f], &fd, &cfd), 0);
		ASSERT_EQ(alts_attach(fd), 0);
		ASSERT_EQ(alts_install(fd, ALTS_TX, protos[p],
				       ALTS_SIDE_CLIENT, 0, 0), 0);
		EXPECT_EQ(send(fd, "x", 1, MSG_OOB), -1);
		EXPECT_EQ(errno, EOPNOTSUPP);
		close(fd);
		close(cfd);
	}
}

/*
 * TCP_ZEROCOPY_RECEIVE must not hand frames to the application behind the
 * record layer's back: it fails, and the frame is still delivered in clear.
 */
TEST(zerocopy_receive_blocked)
{
	/* struct tcp_zerocopy_receive as of 6.1 */
	struct {
		uint64_t address;
		uint32_t length;
		uint32_t recv_skip_hint;
		uint32_t inq;
		int32_t err;
		uint64_t copybuf_address;
		int32_t copybuf_len;
		uint32_t flags;
		uint64_t msg_control;
		uint64_t msg_controllen;
		uint32_t msg_flags;
		uint32_t reserved;
	} zc;
	socklen_t zl = sizeof(zc);
	static char buf[4096];
	int fd, cfd;

	ASSERT_EQ(tcp_pair(AF_INET, &fd, &cfd), 0);
	ASSERT_EQ(alts_attach(fd), 0);
	ASSERT_EQ(alts_attach(cfd), 0);
	ASSERT_EQ(alts_install(fd, ALTS_TX, ALTSRP_GCM_AES128,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	ASSERT_EQ(alts_install(cfd, ALTS_RX, ALTSRP_GCM_AES128,
			       ALTS_SIDE_SERVER, 0, 0), 0);
	ASSERT_EQ(send(fd, "zerocopy", 8, 0), 8);
	usleep(20000);
	/* copybuf larger than the queue: TCP would copy the raw frame out */
	memset(&zc, 0, sizeof(zc));
	zc.copybuf_address = (uintptr_t)buf;
	zc.copybuf_len = sizeof(buf);
	EXPECT_EQ(getsockopt(cfd, IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE, &zc, &zl),
		  -1);
	EXPECT_EQ(recv(cfd, buf, 8, MSG_WAITALL), 8);
	EXPECT_EQ(memcmp(buf, "zerocopy", 8), 0);
	close(fd);
	close(cfd);
}

/* The module cannot be unloaded while a socket uses it. */
TEST(unload_refused)
{
	int fd, cfd;

	ASSERT_EQ(tcp_pair(AF_INET, &fd, &cfd), 0);
	ASSERT_EQ(alts_attach(fd), 0);
	ASSERT_EQ(alts_install(fd, ALTS_TX, ALTSRP_GCM_AES128_REKEY,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	EXPECT_EQ(syscall(SYS_delete_module, "alts", O_NONBLOCK), -1);
	EXPECT_TRUE(errno == EWOULDBLOCK || errno == EBUSY)
		TH_LOG("delete_module: %s", strerror(errno));
	/* the socket still works */
	EXPECT_EQ(send(fd, "alive", 5, 0), 5);
	close(fd);
	close(cfd);
}

/*
 * Many sockets attached, keyed and closed in every state. Where the peer
 * (no ULP) is still open after the close, it must receive exactly what was
 * sent: nothing, or the one frame of "data" (L = 4 + 4 + 16), also when
 * it was still open under MSG_MORE at close(); then a clean end.
 */
TEST(lifecycle)
{
	int i;

	for (i = 0; i < 60; i++) {
		uint16_t proto = protos[i % 3];
		bool data = i % 4 == 3, more = i % 8 == 3;
		uint8_t wire[64];
		int fd, cfd;
		size_t got;

		ASSERT_EQ(tcp_pair(families[(i / 3) % 2], &fd, &cfd), 0);
		ASSERT_EQ(alts_attach(fd), 0);
		if (i % 4 >= 1)
			ASSERT_EQ(alts_install(fd, ALTS_TX, proto,
					       ALTS_SIDE_CLIENT, 0, 0), 0);
		if (i % 4 >= 2)
			ASSERT_EQ(alts_install(fd, ALTS_RX, proto,
					       ALTS_SIDE_CLIENT, 0, 0), 0);
		if (data) {
			ASSERT_EQ(send(fd, "data", 4, more ? MSG_MORE : 0), 4);
			/* unread data makes close() reset the connection,
			 * so it is left only where nothing is checked
			 */
			if (i % 5 == 0)
				ASSERT_EQ(send(cfd, "unread", 6, 0), 6);
		}
		if (i % 5 == 0) {
			close(cfd);
			close(fd);
			continue;
		}
		close(fd);
		got = read_full(cfd, wire, sizeof(wire), 2000);
		if (data) {
			ASSERT_EQ(got, 4 + 4 + 4 + 16) TH_LOG("pair %d", i);
			EXPECT_EQ(wire[0], 24);
			EXPECT_EQ(wire[1] | wire[2] | wire[3], 0);
			EXPECT_EQ(wire[4], 6);
			EXPECT_EQ(wire[5] | wire[6] | wire[7], 0);
			if (proto == ALTSRP_GMAC_128)
				EXPECT_EQ(memcmp(wire + 8, "data", 4), 0);
		} else {
			EXPECT_EQ(got, 0) TH_LOG("pair %d", i);
		}
		EXPECT_EQ(recv(cfd, wire, sizeof(wire), MSG_DONTWAIT), 0);
		close(cfd);
	}
}

TEST_HARNESS_MAIN
