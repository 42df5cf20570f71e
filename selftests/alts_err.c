// SPDX-License-Identifier: GPL-2.0
/*
 * alts_err - what a keyed ALTS socket does with bad input and at its
 * limits: tampered, replayed, reordered or misdirected frames, malformed
 * headers, oversize frames, a stream ending inside a frame, and counter
 * exhaustion on both directions.
 *
 * Frames are made by the userspace record codec and written into a kernel
 * RX socket by a plain TCP peer ("peer" -> "rx"); kernel TX output is read
 * raw ("tx" -> "cap"). Once RX fails, every later receive fails the same
 * way (include/uapi/linux/alts.h).
 */
#include "alts_peer.h"

FIXTURE(alts_err)
{
	int tx, cap;		/* kernel TX (client) -> raw capture */
	int peer, rx;		/* raw writer -> kernel RX (server) */
	struct alts_crypter *seal;	/* the peer's sealer (client) */
};

FIXTURE_VARIANT(alts_err)
{
	int family;
	uint16_t proto;
};

ALTS_FIXTURE_VARIANTS(alts_err);

static void set_rcvtimeo(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* A raw client -> keyed server connection: 0 or -1. */
static int rx_pair(int family, uint16_t proto, uint64_t counter,
		   uint32_t max_frame_len, int *peer, int *rx)
{
	if (tcp_pair(family, peer, rx))
		return -1;
	if (alts_attach(*rx) ||
	    alts_install(*rx, ALTS_RX, proto, ALTS_SIDE_SERVER, counter,
			 max_frame_len)) {
		close(*peer);
		close(*rx);
		return -1;
	}
	set_nodelay(*peer);
	/* a receive that should fail but waits instead fails the test fast */
	set_rcvtimeo(*rx, 3000);
	return 0;
}

FIXTURE_SETUP(alts_err)
{
	ASSERT_EQ(tcp_pair(variant->family, &self->tx, &self->cap), 0);
	ASSERT_EQ(alts_attach(self->tx), 0);
	ASSERT_EQ(alts_install(self->tx, ALTS_TX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	ASSERT_EQ(rx_pair(variant->family, variant->proto, 0, 0, &self->peer,
			  &self->rx), 0);
	self->seal = peer_crypter(variant->proto, ALTS_SIDE_CLIENT, true, 0);
	ASSERT_NE(self->seal, NULL);
}

FIXTURE_TEARDOWN(alts_err)
{
	close(self->tx);
	close(self->cap);
	close(self->peer);
	close(self->rx);
	alts_crypter_free(self->seal);
}

/* Seal @len bytes of pattern @seed with the fixture's sealer. */
static uint8_t *seal_pattern(FIXTURE_DATA(alts_err) *self, size_t len,
			     uint8_t seed, size_t *flen)
{
	uint8_t *p = malloc(len ? len : 1), *f;

	if (!p)
		return NULL;
	fill_pattern(p, len, 0, seed);
	f = peer_seal(self->seal, p, len, flen);
	free(p);
	return f;
}

/* The next two receives (blocking, then not) both fail with @err. */
static void expect_sticky(struct __test_metadata *_metadata, int fd, int err)
{
	uint8_t buf[256];

	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(recv_ret(fd, buf, sizeof(buf), 0), -err);
	EXPECT_EQ(recv_ret(fd, buf, sizeof(buf), 0), -err);
	EXPECT_EQ(recv_ret(fd, buf, sizeof(buf), MSG_DONTWAIT), -err);
	EXPECT_EQ(recv_ret(fd, buf, sizeof(buf), MSG_PEEK), -err);
	/* nothing was copied out */
	EXPECT_EQ(buf[0] | buf[1] | buf[100] | buf[255], 0);
}

/* Send one good frame, check its delivery. */
static void good_frame(struct __test_metadata *_metadata,
		       FIXTURE_DATA(alts_err) *self, size_t len, uint8_t seed)
{
	uint8_t *got = malloc(len + 1);
	size_t flen;
	uint8_t *f = seal_pattern(self, len, seed, &flen);

	ASSERT_NE(f, NULL);
	ASSERT_NE(got, NULL);
	ASSERT_TRUE(write_all(self->peer, f, flen));
	EXPECT_EQ(recv_ret(self->rx, got, len, MSG_WAITALL), (long)len);
	EXPECT_TRUE(check_pattern(got, len, 0, seed));
	free(f);
	free(got);
}

/* A frame whose byte @off is flipped. */
static void tampered(struct __test_metadata *_metadata,
		     FIXTURE_DATA(alts_err) *self, size_t len, long off)
{
	size_t flen;
	uint8_t *f = seal_pattern(self, len, 0x11, &flen);

	ASSERT_NE(f, NULL);
	if (off < 0)
		off += flen;
	f[off] ^= 0x20;
	ASSERT_TRUE(write_all(self->peer, f, flen));
	expect_sticky(_metadata, self->rx, EBADMSG);
	free(f);
}

TEST_F(alts_err, bad_tag)
{
	tampered(_metadata, self, 64, -1);
}

TEST_F(alts_err, bad_tag_first_byte)
{
	tampered(_metadata, self, 64, -16);
}

TEST_F(alts_err, bad_body)
{
	tampered(_metadata, self, 64, 8);
}

TEST_F(alts_err, bad_body_last)
{
	tampered(_metadata, self, 64, 8 + 63);
}

TEST_F(alts_err, bad_empty_frame)
{
	tampered(_metadata, self, 0, 8);
}

TEST_F(alts_err, bad_after_good)
{
	good_frame(_metadata, self, 100, 1);
	good_frame(_metadata, self, 5000, 2);
	tampered(_metadata, self, 64, 20);
}

/* Three frames in one write, the third corrupt: the first two arrive. */
TEST_F(alts_err, bad_in_large_read)
{
	uint8_t *f[3], *all, buf[3 * 64];
	size_t flen[3], off = 0, got = 0;
	long n;
	int i;

	for (i = 0; i < 3; i++) {
		f[i] = seal_pattern(self, 64, 0x40 + i, &flen[i]);
		ASSERT_NE(f[i], NULL);
	}
	f[2][flen[2] - 3] ^= 1;
	all = malloc(flen[0] + flen[1] + flen[2]);
	ASSERT_NE(all, NULL);
	for (i = 0; i < 3; i++) {
		memcpy(all + off, f[i], flen[i]);
		off += flen[i];
	}
	ASSERT_TRUE(write_all(self->peer, all, off));

	while (got < sizeof(buf) && (n = recv_ret(self->rx, buf + got,
						  sizeof(buf) - got, 0)) > 0)
		got += n;
	EXPECT_EQ(n, -EBADMSG);
	EXPECT_EQ(got, 128);
	EXPECT_TRUE(check_pattern(buf, 64, 0, 0x40));
	EXPECT_TRUE(check_pattern(buf + 64, 64, 0, 0x41));
	expect_sticky(_metadata, self->rx, EBADMSG);
	for (i = 0; i < 3; i++)
		free(f[i]);
	free(all);
}

/* A large read waiting for more gets the good frames, then the error. */
TEST_F(alts_err, bad_during_waitall)
{
	uint8_t buf[300];
	size_t flen;
	uint8_t *f = seal_pattern(self, 100, 3, &flen);
	long n;

	ASSERT_NE(f, NULL);
	ASSERT_TRUE(write_all(self->peer, f, flen));
	free(f);
	f = seal_pattern(self, 100, 4, &flen);
	f[10] ^= 1;
	ASSERT_TRUE(write_all(self->peer, f, flen));
	n = recv_ret(self->rx, buf, sizeof(buf), MSG_WAITALL);
	/* kTLS returns what it copied before the error */
	EXPECT_EQ(n, 100);
	EXPECT_TRUE(check_pattern(buf, 100, 0, 3));
	expect_sticky(_metadata, self->rx, EBADMSG);
	free(f);
}

TEST_F(alts_err, replayed_frame)
{
	size_t flen;
	uint8_t *f = seal_pattern(self, 50, 5, &flen);
	uint8_t buf[50];

	ASSERT_NE(f, NULL);
	ASSERT_TRUE(write_all(self->peer, f, flen));
	ASSERT_TRUE(write_all(self->peer, f, flen));
	EXPECT_EQ(recv_ret(self->rx, buf, 50, MSG_WAITALL), 50);
	EXPECT_TRUE(check_pattern(buf, 50, 0, 5));
	expect_sticky(_metadata, self->rx, EBADMSG);
	free(f);
}

TEST_F(alts_err, reordered_frames)
{
	size_t l1, l2;
	uint8_t *f1 = seal_pattern(self, 30, 6, &l1);
	uint8_t *f2 = seal_pattern(self, 30, 7, &l2);

	ASSERT_NE(f1, NULL);
	ASSERT_NE(f2, NULL);
	ASSERT_TRUE(write_all(self->peer, f2, l2));
	ASSERT_TRUE(write_all(self->peer, f1, l1));
	expect_sticky(_metadata, self->rx, EBADMSG);
	free(f1);
	free(f2);
}

TEST_F(alts_err, dropped_frame)
{
	size_t l1, l2;
	uint8_t *f1 = seal_pattern(self, 30, 6, &l1);
	uint8_t *f2 = seal_pattern(self, 30, 7, &l2);

	ASSERT_NE(f1, NULL);
	ASSERT_NE(f2, NULL);
	ASSERT_TRUE(write_all(self->peer, f2, l2));
	expect_sticky(_metadata, self->rx, EBADMSG);
	free(f1);
	free(f2);
}

/* A frame of the server's own direction fed back to it. */
TEST_F(alts_err, reflected_frame)
{
	struct alts_crypter *s = peer_crypter(variant->proto, ALTS_SIDE_SERVER,
					      true, 0);
	size_t flen;
	uint8_t *f;

	ASSERT_NE(s, NULL);
	f = peer_seal(s, "reflected", 9, &flen);
	ASSERT_NE(f, NULL);
	ASSERT_TRUE(write_all(self->peer, f, flen));
	expect_sticky(_metadata, self->rx, EBADMSG);
	free(f);
	alts_crypter_free(s);
}

/* The kernel's own TX output, written back into a kernel RX socket. */
TEST_F(alts_err, reflected_kernel_frame)
{
	int c2, s2;
	uint8_t buf[64];

	/* a server whose TX frames go to a server RX */
	ASSERT_EQ(tcp_pair(variant->family, &c2, &s2), 0);
	ASSERT_EQ(alts_attach(s2), 0);
	ASSERT_EQ(alts_install(s2, ALTS_TX, variant->proto, ALTS_SIDE_SERVER,
			       0, 0), 0);
	ASSERT_EQ(send(s2, "mirror", 6, 0), 6);
	ASSERT_EQ(read_full(c2, buf, 6 + ALTS_WIRE_OVERHEAD, 2000),
		  6 + ALTS_WIRE_OVERHEAD);
	ASSERT_TRUE(write_all(self->peer, buf, 6 + ALTS_WIRE_OVERHEAD));
	expect_sticky(_metadata, self->rx, EBADMSG);
	close(c2);
	close(s2);
}

/* The right key one frame ahead, and a different key. */
TEST_F(alts_err, wrong_counter)
{
	size_t flen;
	uint8_t *f = peer_seal_at(variant->proto, ALTS_SIDE_CLIENT, 1, "x", 1,
				  &flen);

	ASSERT_NE(f, NULL);
	ASSERT_TRUE(write_all(self->peer, f, flen));
	expect_sticky(_metadata, self->rx, EBADMSG);
	free(f);
}

TEST_F(alts_err, wrong_key)
{
	uint8_t key[ALTS_KEY_MAX_SIZE], frame[64];
	struct alts_crypter *c;
	ssize_t n;

	alts_test_key(key);
	key[7] ^= 1;
	ASSERT_EQ(alts_crypter_new(&c, variant->proto, ALTS_SIDE_CLIENT, true,
				   key, alts_proto_key_len(variant->proto), 0),
		  0);
	n = alts_frame_seal(c, "wrong key", 9, frame, sizeof(frame));
	ASSERT_GT(n, 0);
	ASSERT_TRUE(write_all(self->peer, frame, n));
	expect_sticky(_metadata, self->rx, EBADMSG);
	alts_crypter_free(c);
}

/* The header's L one short: the body loses its last byte. */
TEST_F(alts_err, length_minus_one)
{
	size_t flen;
	uint8_t *f = seal_pattern(self, 40, 8, &flen);

	ASSERT_NE(f, NULL);
	f[0]--;
	ASSERT_TRUE(write_all(self->peer, f, flen));
	expect_sticky(_metadata, self->rx, EBADMSG);
	free(f);
}

static void write_header(struct __test_metadata *_metadata, int fd,
			 uint32_t l, uint32_t type, size_t body)
{
	uint8_t buf[8 + 64];

	ASSERT_LE(body, 64);
	put_le32(buf, l);
	put_le32(buf + 4, type);
	memset(buf + 8, 0x33, body);
	ASSERT_TRUE(write_all(fd, buf, 8 + body));
}

TEST_F(alts_err, bad_type)
{
	write_header(_metadata, self->peer, 36, 7, 32);
	expect_sticky(_metadata, self->rx, EPROTO);
}

/* grpc-go only checks the low byte; the contract checks all 32 bits. */
TEST_F(alts_err, bad_type_high_bits)
{
	size_t flen;
	uint8_t *f = seal_pattern(self, 10, 9, &flen);

	ASSERT_NE(f, NULL);
	f[5] = 1;	/* type 0x106 */
	ASSERT_TRUE(write_all(self->peer, f, flen));
	expect_sticky(_metadata, self->rx, EPROTO);
	free(f);
}

TEST_F(alts_err, bad_type_after_good)
{
	good_frame(_metadata, self, 33, 10);
	write_header(_metadata, self->peer, 20, 0x06000000, 16);
	expect_sticky(_metadata, self->rx, EPROTO);
}

/* grpc-go's TestIncorrectMsgType frame. */
TEST_F(alts_err, go_incorrect_msg_type)
{
	write_header(_metadata, self->peer, 4, 0x22, 0);
	expect_sticky(_metadata, self->rx, EPROTO);
}

/* The peer writes @len bytes and ends the stream; RX fails with @err. */
static void end_after(struct __test_metadata *_metadata,
		      FIXTURE_DATA(alts_err) *self, const void *buf, size_t len,
		      int err)
{
	if (len)
		ASSERT_TRUE(write_all(self->peer, buf, len));
	usleep(20000);
	ASSERT_EQ(shutdown(self->peer, SHUT_WR), 0);
	expect_sticky(_metadata, self->rx, err);
}

/*
 * A header is judged on the bytes that have arrived: a bad L or a bad type
 * byte is reported even when the stream ends before the header is whole.
 */
static void partial_header(struct __test_metadata *_metadata,
			   FIXTURE_DATA(alts_err) *self, uint32_t l,
			   const uint8_t *type, size_t type_bytes, int err)
{
	uint8_t buf[8];

	put_le32(buf, l);
	memcpy(buf + 4, type, type_bytes);
	end_after(_metadata, self, buf, 4 + type_bytes, err);
}

TEST_F(alts_err, partial_header_undersize)
{
	partial_header(_metadata, self, 19, NULL, 0, EPROTO);
}

TEST_F(alts_err, partial_header_oversize)
{
	partial_header(_metadata, self, ALTS_FRAME_LEN_MAX + 1, NULL, 0,
		       EMSGSIZE);
}

TEST_F(alts_err, partial_header_bad_type_byte)
{
	static const uint8_t type[] = { 6, 0, 1 };

	partial_header(_metadata, self, 100, type, sizeof(type), EPROTO);
}

/* A good partial header that ends is a truncated frame. */
TEST_F(alts_err, partial_header_good_prefix)
{
	static const uint8_t type[] = { 6, 0, 0 };

	partial_header(_metadata, self, 100, type, sizeof(type), ECONNRESET);
}

/* Every L below 20, each on its own connection. */
TEST_F(alts_err, undersize)
{
	static const uint32_t ls[] = { 0, 1, 2, 3, 4, 5, 16, 19 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ls); i++) {
		int peer, rx;

		ASSERT_EQ(rx_pair(variant->family, variant->proto, 0, 0, &peer,
				  &rx), 0);
		write_header(_metadata, peer, ls[i], 6, 32);
		expect_sticky(_metadata, rx, EPROTO);
		close(peer);
		close(rx);
	}
}

/* Oversize L is refused from the header alone (no body is sent). */
TEST_F(alts_err, oversize)
{
	static const uint32_t ls[] = {
		ALTS_FRAME_LEN_MAX + 1, ALTS_FRAME_LEN_MAX + 4096,
		0x55555555, 0x7fffffff, 0x80000000, 0xffffffff,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ls); i++) {
		int peer, rx;

		ASSERT_EQ(rx_pair(variant->family, variant->proto, 0, 0, &peer,
				  &rx), 0);
		write_header(_metadata, peer, ls[i], 6, 0);
		expect_sticky(_metadata, rx, EMSGSIZE);
		close(peer);
		close(rx);
	}
}

/* kTLS's bad_rec: 64 bytes of garbage. */
TEST_F(alts_err, garbage)
{
	uint8_t buf[64];

	memset(buf, 0x55, sizeof(buf));
	ASSERT_TRUE(write_all(self->peer, buf, sizeof(buf)));
	expect_sticky(_metadata, self->rx, EMSGSIZE);
}

/* A configured RX limit: L = limit is accepted, limit + 1 refused. */
TEST_F(alts_err, over_rx_limit)
{
	static const uint32_t limits[] = { ALTS_FRAME_LEN_MIN, 4096, 16384 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(limits); i++) {
		struct alts_crypter *s = peer_crypter(variant->proto,
						      ALTS_SIDE_CLIENT, true, 0);
		size_t plen = limits[i] - 20, flen;
		uint8_t *p = malloc(plen + 1), *f;
		int peer, rx;

		ASSERT_NE(s, NULL);
		ASSERT_NE(p, NULL);
		ASSERT_EQ(rx_pair(variant->family, variant->proto, 0, limits[i],
				  &peer, &rx), 0);
		fill_pattern(p, plen + 1, 0, 12);
		f = peer_seal(s, p, plen, &flen);
		ASSERT_NE(f, NULL);
		ASSERT_TRUE(write_all(peer, f, flen));
		free(f);
		memset(p, 0, plen + 1);
		EXPECT_EQ(recv_ret(rx, p, plen, MSG_WAITALL), (long)plen);
		EXPECT_TRUE(check_pattern(p, plen, 0, 12));
		fill_pattern(p, plen + 1, 0, 12);
		f = peer_seal(s, p, plen + 1, &flen);
		ASSERT_NE(f, NULL);
		ASSERT_TRUE(write_all(peer, f, flen));
		expect_sticky(_metadata, rx, EMSGSIZE);
		free(f);
		free(p);
		alts_crypter_free(s);
		close(peer);
		close(rx);
	}
}

/*
 * The largest frame (L = 1 MiB, payload 1048556) is accepted even when the
 * receive buffer is much smaller than the frame.
 */
TEST_F(alts_err, max_frame_small_rcvbuf)
{
	const size_t plen = ALTS_FRAME_LEN_MAX - 20;
	uint8_t *p = malloc(plen);
	int rcvbuf = 16384, peer, rx, status;
	pid_t pid;

	ASSERT_NE(p, NULL);
	ASSERT_EQ(tcp_pair(variant->family, &peer, &rx), 0);
	ASSERT_EQ(setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			     sizeof(rcvbuf)), 0);
	ASSERT_EQ(alts_attach(rx), 0);
	ASSERT_EQ(alts_install(rx, ALTS_RX, variant->proto, ALTS_SIDE_SERVER,
			       0, 0), 0);
	set_rcvtimeo(rx, 20000);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		size_t flen;
		uint8_t *f;

		fill_pattern(p, plen, 0, 13);
		f = peer_seal(self->seal, p, plen, &flen);
		if (!f || flen != ALTS_FRAME_LEN_MAX + 4 ||
		    !write_all(peer, f, flen))
			_exit(1);
		f = peer_seal(self->seal, "tail", 4, &flen);
		_exit(f && write_all(peer, f, flen) ? 0 : 1);
	}
	EXPECT_EQ(recv_ret(rx, p, plen, MSG_WAITALL), (long)plen);
	EXPECT_TRUE(check_pattern(p, plen, 0, 13));
	EXPECT_EQ(recv_ret(rx, p, 4, MSG_WAITALL), 4);
	EXPECT_EQ(memcmp(p, "tail", 4), 0);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	close(peer);
	close(rx);
	free(p);
}

/* An empty frame (L = 20) carries nothing and is not end of stream. */
TEST_F(alts_err, empty_frame)
{
	size_t flen;
	uint8_t *f = seal_pattern(self, 0, 0, &flen);
	uint8_t buf[16];

	ASSERT_NE(f, NULL);
	EXPECT_EQ(flen, 24);
	ASSERT_TRUE(write_all(self->peer, f, flen));
	free(f);
	usleep(50000);
	EXPECT_EQ(recv_ret(self->rx, buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN);
	good_frame(_metadata, self, 7, 14);
	/* and the counter moved past it */
	{
		struct alts_crypto_info get;
		socklen_t len = sizeof(get);

		EXPECT_EQ(getsockopt(self->rx, SOL_ALTS, ALTS_RX, &get, &len), 0);
		EXPECT_EQ(get.counter, 2);
	}
}

/* The stream ends inside a frame: ECONNRESET, not 0. */
static void eof_after(struct __test_metadata *_metadata,
		      FIXTURE_DATA(alts_err) *self, size_t keep)
{
	size_t flen;
	uint8_t *f = seal_pattern(self, 100, 15, &flen);

	ASSERT_NE(f, NULL);
	ASSERT_LT(keep, flen);
	end_after(_metadata, self, f, keep, ECONNRESET);
	free(f);
}

TEST_F(alts_err, eof_mid_length)
{
	eof_after(_metadata, self, 3);
}

TEST_F(alts_err, eof_mid_type)
{
	eof_after(_metadata, self, 6);
}

TEST_F(alts_err, eof_after_header)
{
	eof_after(_metadata, self, 8);
}

TEST_F(alts_err, eof_mid_body)
{
	eof_after(_metadata, self, 60);
}

TEST_F(alts_err, eof_mid_tag)
{
	eof_after(_metadata, self, 124 - 1);
}

TEST_F(alts_err, eof_mid_frame_after_good)
{
	good_frame(_metadata, self, 20, 16);
	eof_after(_metadata, self, 50);
}

/* The stream ends between frames: data, then 0, then 0 again. */
TEST_F(alts_err, eof_at_boundary)
{
	size_t flen;
	uint8_t *f = seal_pattern(self, 77, 17, &flen);
	uint8_t buf[100];

	ASSERT_NE(f, NULL);
	ASSERT_TRUE(write_all(self->peer, f, flen));
	ASSERT_EQ(shutdown(self->peer, SHUT_WR), 0);
	EXPECT_EQ(recv_ret(self->rx, buf, sizeof(buf), MSG_WAITALL), 77);
	EXPECT_TRUE(check_pattern(buf, 77, 0, 17));
	EXPECT_EQ(recv_ret(self->rx, buf, sizeof(buf), 0), 0);
	EXPECT_EQ(recv_ret(self->rx, buf, sizeof(buf), 0), 0);
	free(f);
}

TEST_F(alts_err, eof_empty_stream)
{
	uint8_t buf[8];

	ASSERT_EQ(shutdown(self->peer, SHUT_WR), 0);
	EXPECT_EQ(recv_ret(self->rx, buf, sizeof(buf), 0), 0);
	EXPECT_EQ(recv_ret(self->rx, buf, sizeof(buf), 0), 0);
}

/* Poll reports POLLIN only once a whole frame is there. */
static void partial_poll(struct __test_metadata *_metadata,
			 FIXTURE_DATA(alts_err) *self, size_t first)
{
	struct pollfd pfd = { .fd = self->rx, .events = POLLIN };
	size_t flen;
	uint8_t *f = seal_pattern(self, 200, 18, &flen);
	uint8_t buf[200];

	ASSERT_NE(f, NULL);
	ASSERT_TRUE(write_all(self->peer, f, first));
	EXPECT_EQ(poll(&pfd, 1, 100), 0);
	EXPECT_EQ(recv_ret(self->rx, buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN);
	ASSERT_TRUE(write_all(self->peer, f + first, flen - first));
	EXPECT_EQ(poll(&pfd, 1, 2000), 1);
	EXPECT_EQ(pfd.revents & POLLIN, POLLIN);
	EXPECT_EQ(recv_ret(self->rx, buf, sizeof(buf), MSG_DONTWAIT), 200);
	EXPECT_TRUE(check_pattern(buf, 200, 0, 18));
	free(f);
}

TEST_F(alts_err, partial_frame_no_pollin)
{
	partial_poll(_metadata, self, 112);
}

TEST_F(alts_err, partial_header_no_pollin)
{
	partial_poll(_metadata, self, 3);
}

TEST_F(alts_err, header_only_no_pollin)
{
	partial_poll(_metadata, self, 8);
}

TEST_F(alts_err, all_but_one_byte_no_pollin)
{
	partial_poll(_metadata, self, 200 + ALTS_WIRE_OVERHEAD - 1);
}

/* An error is readable: poll wakes up and recv reports it. */
TEST_F(alts_err, error_wakes_poll)
{
	struct pollfd pfd = { .fd = self->rx, .events = POLLIN };
	size_t flen;
	uint8_t *f = seal_pattern(self, 10, 19, &flen);
	uint8_t buf[16];

	ASSERT_NE(f, NULL);
	f[9] ^= 4;
	ASSERT_TRUE(write_all(self->peer, f, flen));
	EXPECT_EQ(poll(&pfd, 1, 2000), 1);
	EXPECT_NE(pfd.revents & (POLLIN | POLLERR), 0);
	EXPECT_EQ(recv_ret(self->rx, buf, sizeof(buf), MSG_DONTWAIT), -EBADMSG);
	free(f);
}

/* A reader blocked before the bad frame arrives is woken with the error. */
TEST_F(alts_err, error_wakes_reader)
{
	size_t flen;
	uint8_t *f = seal_pattern(self, 10, 20, &flen);
	pid_t pid;
	int status;

	ASSERT_NE(f, NULL);
	f[flen - 1] ^= 4;
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		usleep(100000);
		_exit(write_all(self->peer, f, flen) ? 0 : 1);
	}
	expect_sticky(_metadata, self->rx, EBADMSG);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	free(f);
}

/* Last usable frame numbers: 2^40 - 2 (GCM, GMAC), 2^64 - 2 (REKEY). */
static uint64_t last_usable(uint16_t proto)
{
	return alts_counter_limit(proto) - 1;
}

TEST_F(alts_err, tx_counter_exhaustion)
{
	uint64_t start = last_usable(variant->proto);
	struct alts_crypter *open = peer_crypter(variant->proto,
						 ALTS_SIDE_SERVER, false,
						 start);
	struct alts_crypter *reseal = peer_crypter(variant->proto,
						   ALTS_SIDE_CLIENT, true,
						   start);
	struct pollfd pfd;
	struct capture cap;
	struct alts_crypto_info get;
	socklen_t len = sizeof(get);
	uint8_t out[16];
	int tx, c;

	ASSERT_NE(open, NULL);
	ASSERT_NE(reseal, NULL);
	ASSERT_EQ(tcp_pair(variant->family, &tx, &c), 0);
	ASSERT_EQ(alts_attach(tx), 0);
	ASSERT_EQ(alts_install(tx, ALTS_TX, variant->proto, ALTS_SIDE_CLIENT,
			       start, 0), 0);
	EXPECT_EQ(send(tx, "last", 4, 0), 4);
	EXPECT_EQ(send(tx, "over", 4, 0), -1);
	EXPECT_EQ(errno, EKEYEXPIRED);
	EXPECT_EQ(send(tx, "over", 4, MSG_DONTWAIT), -1);
	EXPECT_EQ(errno, EKEYEXPIRED);
	EXPECT_EQ(getsockopt(tx, SOL_ALTS, ALTS_TX, &get, &len), 0);
	EXPECT_EQ(get.counter, start + 1);

	capture_frames(c, open, reseal, out, 4, &cap);
	EXPECT_EQ(cap.err, 0);
	EXPECT_EQ(cap.frames, 1);
	EXPECT_EQ(memcmp(out, "last", 4), 0);
	pfd.fd = c;
	pfd.events = POLLIN;
	EXPECT_EQ(poll(&pfd, 1, 100), 0);	/* nothing else was sent */
	close(tx);
	close(c);
	alts_crypter_free(open);
	alts_crypter_free(reseal);
}

/* Exhaustion also stops a frame being filled with MSG_MORE. */
TEST_F(alts_err, tx_counter_exhaustion_more)
{
	uint64_t start = last_usable(variant->proto);
	int tx, c;

	ASSERT_EQ(tcp_pair(variant->family, &tx, &c), 0);
	ASSERT_EQ(alts_attach(tx), 0);
	ASSERT_EQ(alts_install(tx, ALTS_TX, variant->proto, ALTS_SIDE_CLIENT,
			       start + 1, 0), 0);
	EXPECT_EQ(send(tx, "x", 1, MSG_MORE), -1);
	EXPECT_EQ(errno, EKEYEXPIRED);
	EXPECT_EQ(send(tx, "x", 1, 0), -1);
	EXPECT_EQ(errno, EKEYEXPIRED);
	close(tx);
	close(c);
}

TEST_F(alts_err, rx_counter_exhaustion)
{
	uint64_t start = last_usable(variant->proto);
	struct alts_crypter *s = peer_crypter(variant->proto, ALTS_SIDE_CLIENT,
					      true, start);
	size_t l1, l2;
	uint8_t *f1, *f2, buf[8];
	int peer, rx;

	ASSERT_NE(s, NULL);
	ASSERT_EQ(rx_pair(variant->family, variant->proto, start, 0, &peer,
			  &rx), 0);
	f1 = peer_seal(s, "last", 4, &l1);
	ASSERT_NE(f1, NULL);
	/* the codec refuses the last value; build that frame explicitly */
	EXPECT_EQ(peer_seal(s, "over", 4, &l2), NULL);
	f2 = peer_seal_at(variant->proto, ALTS_SIDE_CLIENT, start + 1, "over",
			  4, &l2);
	ASSERT_NE(f2, NULL);
	ASSERT_TRUE(write_all(peer, f1, l1));
	ASSERT_TRUE(write_all(peer, f2, l2));
	EXPECT_EQ(recv_ret(rx, buf, 4, MSG_WAITALL), 4);
	EXPECT_EQ(memcmp(buf, "last", 4), 0);
	expect_sticky(_metadata, rx, EKEYEXPIRED);
	free(f1);
	free(f2);
	alts_crypter_free(s);
	close(peer);
	close(rx);
}

/* TX counter 2^40 - 1 installed: nothing can be sent at all. */
TEST_F(alts_err, tx_installed_exhausted)
{
	int tx, c, ret;

	ASSERT_EQ(tcp_pair(variant->family, &tx, &c), 0);
	ASSERT_EQ(alts_attach(tx), 0);
	ret = alts_install(tx, ALTS_TX, variant->proto, ALTS_SIDE_CLIENT,
			   alts_counter_limit(variant->proto), 0);
	if (ret == 0) {
		EXPECT_EQ(send(tx, "x", 1, 0), -1);
		EXPECT_EQ(errno, EKEYEXPIRED);
	} else {
		EXPECT_EQ(errno, EINVAL);
	}
	close(tx);
	close(c);
}

/* A frame the peer never finished does not block other sockets' data. */
TEST_F(alts_err, rcvtimeo_partial)
{
	struct timeval tv = { .tv_usec = 50000 };
	size_t flen;
	uint8_t *f = seal_pattern(self, 100, 21, &flen);
	uint8_t buf[100];

	ASSERT_NE(f, NULL);
	ASSERT_EQ(setsockopt(self->rx, SOL_SOCKET, SO_RCVTIMEO, &tv,
			     sizeof(tv)), 0);
	ASSERT_TRUE(write_all(self->peer, f, 50));
	EXPECT_EQ(recv_ret(self->rx, buf, sizeof(buf), 0), -EAGAIN);
	ASSERT_TRUE(write_all(self->peer, f + 50, flen - 50));
	EXPECT_EQ(recv_ret(self->rx, buf, sizeof(buf), 0), 100);
	EXPECT_TRUE(check_pattern(buf, 100, 0, 21));
	free(f);
}

/* kTLS's timeo: two readers of an empty socket both time out. */
TEST_F(alts_err, timeo)
{
	struct timeval tv = { .tv_usec = 10000, };
	char buf[128];
	int ret;

	ret = setsockopt(self->rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ASSERT_EQ(ret, 0);

	ret = fork();
	ASSERT_GE(ret, 0);

	if (ret) {
		int status;

		usleep(1000);
		EXPECT_EQ(recv_ret(self->rx, buf, sizeof(buf), 0), -EAGAIN);
		EXPECT_EQ(recv_ret(self->rx, buf, sizeof(buf), 0), -EAGAIN);
		EXPECT_EQ(wait(&status), ret);
		EXPECT_EQ(status, 0);
	} else {
		_exit(recv_ret(self->rx, buf, sizeof(buf), 0) == -EAGAIN ? 0 : 1);
	}
}

/*
 * A failure is fatal for the whole connection (record-protocol.md §9): as
 * in kTLS, the socket error also fails later sends, and nothing goes out.
 */
TEST_F(alts_err, rx_error_fails_send)
{
	struct pollfd pfd = { .fd = self->peer, .events = POLLIN };

	ASSERT_EQ(alts_install(self->rx, ALTS_TX, variant->proto,
			       ALTS_SIDE_SERVER, 0, 0), 0);
	tampered(_metadata, self, 10, 9);
	EXPECT_EQ(send(self->rx, "not sent", 8, MSG_DONTWAIT), -1);
	EXPECT_EQ(errno, EBADMSG);
	EXPECT_EQ(poll(&pfd, 1, 100), 0);
}

/* The fixture's TX pair works (so the RX results above are meaningful). */
TEST_F(alts_err, tx_sanity)
{
	struct alts_crypter *open = peer_crypter(variant->proto,
						 ALTS_SIDE_SERVER, false, 0);
	struct alts_crypter *reseal = peer_crypter(variant->proto,
						   ALTS_SIDE_CLIENT, true, 0);
	struct capture cap;
	uint8_t out[5];

	ASSERT_NE(open, NULL);
	ASSERT_NE(reseal, NULL);
	EXPECT_EQ(send(self->tx, "hello", 5, 0), 5);
	capture_frames(self->cap, open, reseal, out, 5, &cap);
	EXPECT_EQ(cap.err, 0);
	EXPECT_EQ(cap.frames, 1);
	EXPECT_EQ(memcmp(out, "hello", 5), 0);
	alts_crypter_free(open);
	alts_crypter_free(reseal);
}

TEST_HARNESS_MAIN
