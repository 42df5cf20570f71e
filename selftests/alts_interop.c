// SPDX-License-Identifier: GPL-2.0
/*
 * alts_interop - the kernel record layer against the userspace record
 * codec, byte for byte, in both directions: frame sizes and limits, frame
 * boundaries, crossing a rekey epoch, counters read back with
 * getsockopt(), and keys installed after frames have already arrived.
 */
#include <sys/sendfile.h>

#include "alts_peer.h"

FIXTURE(interop)
{
	int kc, rs;	/* kernel client socket, raw server peer */
	struct alts_crypter *open;	/* server opener of client frames */
	struct alts_crypter *reseal;	/* client sealer, for comparison */
};

FIXTURE_VARIANT(interop)
{
	int family;
	uint16_t proto;
};

ALTS_FIXTURE_VARIANTS(interop);

FIXTURE_SETUP(interop)
{
	ASSERT_EQ(tcp_pair(variant->family, &self->kc, &self->rs), 0);
	ASSERT_EQ(alts_attach(self->kc), 0);
	set_nodelay(self->rs);
	self->open = peer_crypter(variant->proto, ALTS_SIDE_SERVER, false, 0);
	self->reseal = peer_crypter(variant->proto, ALTS_SIDE_CLIENT, true, 0);
	ASSERT_NE(self->open, NULL);
	ASSERT_NE(self->reseal, NULL);
}

FIXTURE_TEARDOWN(interop)
{
	close(self->kc);
	close(self->rs);
	alts_crypter_free(self->open);
	alts_crypter_free(self->reseal);
}

static long recv_ret_all(int fd, void *buf, size_t len)
{
	return recv_ret(fd, buf, len, MSG_WAITALL);
}

/*
 * Kernel TX -> raw: every send without MSG_MORE ends a frame; each frame
 * opens with the codec and equals the codec's own sealing.
 */
TEST_F(interop, kernel_tx_codec_open)
{
	static const size_t sizes[] = {
		1, 100, ALTS_PAYLOAD_MAX, ALTS_PAYLOAD_MAX + 1, 40000, 2, 4096,
	};
	uint8_t *buf = malloc(40000), *out = malloc(40000);
	size_t i, total_frames = 0;

	ASSERT_NE(buf, NULL);
	ASSERT_NE(out, NULL);
	ASSERT_EQ(alts_install(self->kc, ALTS_TX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t len = sizes[i], k, sum = 0;
		struct capture cap;

		fill_pattern(buf, len, 0, i);
		ASSERT_EQ(send(self->kc, buf, len, 0), (ssize_t)len);
		capture_frames(self->rs, self->open, self->reseal, out, len,
			       &cap);
		EXPECT_EQ(cap.err, 0) TH_LOG("send %zu: codec error %d", len,
					     cap.err);
		EXPECT_EQ(cap.payload, len);
		EXPECT_TRUE(check_pattern(out, len, 0, i));
		EXPECT_LE(cap.max_l, ALTS_FRAME_LEN_DEFAULT_TX);
		/* full frames except the last */
		EXPECT_EQ(cap.frames, (len + ALTS_PAYLOAD_MAX - 1) /
				      ALTS_PAYLOAD_MAX);
		for (k = 0; k < cap.frames && k < 64; k++) {
			EXPECT_GE(cap.l[k], 21);
			sum += cap.l[k] - 20;
		}
		EXPECT_EQ(sum, len);
		total_frames += cap.frames;
	}
	EXPECT_EQ(alts_crypter_frame_number(self->open), total_frames);
	free(buf);
	free(out);
}

/* With a TX limit, frames are cut at that L. */
TEST_F(interop, kernel_tx_max_frame_len)
{
	static const uint32_t limits[] = { ALTS_FRAME_LEN_MIN, 4096, 65536,
					   ALTS_FRAME_LEN_MAX };
	const size_t len = 200000;
	uint8_t *buf = malloc(len), *out = malloc(len);
	unsigned int i;

	ASSERT_NE(buf, NULL);
	ASSERT_NE(out, NULL);
	for (i = 0; i < ARRAY_SIZE(limits); i++) {
		struct alts_crypter *open = peer_crypter(variant->proto,
							 ALTS_SIDE_SERVER,
							 false, 0);
		struct alts_crypter *reseal = peer_crypter(variant->proto,
							   ALTS_SIDE_CLIENT,
							   true, 0);
		size_t max_payload = limits[i] - 20;
		struct capture cap;
		int kc, rs, status;
		pid_t pid;

		ASSERT_EQ(tcp_pair(variant->family, &kc, &rs), 0);
		ASSERT_EQ(alts_attach(kc), 0);
		ASSERT_EQ(alts_install(kc, ALTS_TX, variant->proto,
				       ALTS_SIDE_CLIENT, 0, limits[i]), 0);
		fill_pattern(buf, len, 0, i + 30);
		pid = fork();
		ASSERT_GE(pid, 0);
		if (!pid)
			_exit(send(kc, buf, len, 0) == (ssize_t)len ? 0 : 1);
		capture_frames(rs, open, reseal, out, len, &cap);
		EXPECT_EQ(cap.err, 0);
		EXPECT_EQ(cap.payload, len);
		EXPECT_TRUE(check_pattern(out, len, 0, i + 30));
		EXPECT_LE(cap.max_l, limits[i]);
		EXPECT_EQ(cap.frames, (len + max_payload - 1) / max_payload)
			TH_LOG("limit %u", limits[i]);
		EXPECT_EQ(cap.l[0], len < max_payload ? len + 20 : limits[i]);
		EXPECT_EQ(waitpid(pid, &status, 0), pid);
		EXPECT_EQ(status, 0);
		alts_crypter_free(open);
		alts_crypter_free(reseal);
		close(kc);
		close(rs);
	}
	free(buf);
	free(out);
}

/* MSG_MORE sends are coalesced into one frame. */
TEST_F(interop, kernel_tx_msg_more_coalesces)
{
	struct capture cap;
	uint8_t out[30];
	int i;

	ASSERT_EQ(alts_install(self->kc, ALTS_TX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	for (i = 0; i < 9; i++)
		ASSERT_EQ(send(self->kc, "abc", 3, MSG_MORE), 3);
	ASSERT_EQ(send(self->kc, "xyz", 3, 0), 3);
	capture_frames(self->rs, self->open, self->reseal, out, 30, &cap);
	EXPECT_EQ(cap.err, 0);
	EXPECT_EQ(cap.frames, 1);
	EXPECT_EQ(memcmp(out, "abcabcabc", 9), 0);
	EXPECT_EQ(memcmp(out + 27, "xyz", 3), 0);
}

/* GMAC carries the payload in clear; the GCM modes never do. */
TEST_F(interop, kernel_tx_body_encoding)
{
	static const char msg[] = "a payload that is easy to spot";
	uint8_t raw[sizeof(msg) + ALTS_WIRE_OVERHEAD];

	ASSERT_EQ(alts_install(self->kc, ALTS_TX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	ASSERT_EQ(send(self->kc, msg, sizeof(msg), 0), (ssize_t)sizeof(msg));
	ASSERT_EQ(read_full(self->rs, raw, sizeof(raw), 2000), sizeof(raw));
	EXPECT_EQ(raw[0], sizeof(msg) + 20);
	EXPECT_EQ(raw[4], 6);
	if (variant->proto == ALTSRP_GMAC_128) {
		EXPECT_EQ(memcmp(raw + 8, msg, sizeof(msg)), 0);
	} else {
		EXPECT_NE(memcmp(raw + 8, msg, sizeof(msg)), 0);
	}
}

/* Codec -> kernel RX: frames of every size, written in uneven pieces. */
TEST_F(interop, codec_seal_kernel_rx)
{
	static const size_t sizes[] = { 0, 1, 100, 16364, 0, 70000, 300000, 5 };
	struct alts_crypter *s = peer_crypter(variant->proto, ALTS_SIDE_SERVER,
					      true, 0);
	size_t total = 0, wire = 0, i, off;
	uint8_t *data, *stream, *got;
	struct alts_crypto_info get;
	socklen_t glen = sizeof(get);
	int status;
	pid_t pid;

	ASSERT_NE(s, NULL);
	ASSERT_EQ(alts_install(self->kc, ALTS_RX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		total += sizes[i];
	data = malloc(total);
	got = malloc(total);
	stream = malloc(total + ARRAY_SIZE(sizes) * ALTS_WIRE_OVERHEAD);
	ASSERT_NE(data, NULL);
	ASSERT_NE(got, NULL);
	ASSERT_NE(stream, NULL);
	fill_pattern(data, total, 0, 40);
	for (i = 0, off = 0; i < ARRAY_SIZE(sizes); i++) {
		ssize_t n = alts_frame_seal(s, data + off, sizes[i],
					    stream + wire,
					    alts_frame_size(sizes[i]));

		ASSERT_GT(n, 0);
		wire += n;
		off += sizes[i];
	}
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		size_t w = 0, step = 1;

		while (w < wire) {
			size_t n = wire - w < step ? wire - w : step;

			if (!write_all(self->rs, stream + w, n))
				_exit(1);
			w += n;
			step = step * 7 % 10007 + 1;
		}
		_exit(0);
	}
	EXPECT_EQ(recv_ret_all(self->kc, got, total), (long)total);
	EXPECT_TRUE(check_pattern(got, total, 0, 40));
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	EXPECT_EQ(getsockopt(self->kc, SOL_ALTS, ALTS_RX, &get, &glen), 0);
	EXPECT_EQ(get.counter, ARRAY_SIZE(sizes));
	free(data);
	free(got);
	free(stream);
	alts_crypter_free(s);
}

/* Frames written one byte per segment. */
TEST_F(interop, codec_byte_at_a_time)
{
	struct alts_crypter *s = peer_crypter(variant->proto, ALTS_SIDE_SERVER,
					      true, 0);
	uint8_t stream[3 * 64], got[3 * 40], data[3 * 40];
	size_t wire = 0, i;

	ASSERT_NE(s, NULL);
	ASSERT_EQ(alts_install(self->kc, ALTS_RX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	fill_pattern(data, sizeof(data), 0, 41);
	for (i = 0; i < 3; i++) {
		ssize_t n = alts_frame_seal(s, data + 40 * i, 40, stream + wire,
					    sizeof(stream) - wire);

		ASSERT_GT(n, 0);
		wire += n;
	}
	for (i = 0; i < wire; i++) {
		ASSERT_EQ(send(self->rs, stream + i, 1, 0), 1);
		if (i % 16 == 0)
			usleep(1000);
	}
	EXPECT_EQ(recv_ret_all(self->kc, got, sizeof(got)), (long)sizeof(got));
	EXPECT_EQ(memcmp(got, data, sizeof(data)), 0);
	alts_crypter_free(s);
}

/*
 * Counters start 3 frames before the first rekey boundary (65536); 10
 * frames each way cross it. Checked against the codec byte for byte.
 */
TEST_F(interop, rekey_boundary)
{
	const uint64_t start = 65536 - 3;
	struct alts_crypter *open = peer_crypter(variant->proto,
						 ALTS_SIDE_SERVER, false,
						 start);
	struct alts_crypter *reseal = peer_crypter(variant->proto,
						   ALTS_SIDE_CLIENT, true,
						   start);
	struct alts_crypter *seal = peer_crypter(variant->proto,
						 ALTS_SIDE_SERVER, true, start);
	struct alts_crypto_info get;
	socklen_t len;
	char msg[32], got[32];
	int i;

	ASSERT_NE(open, NULL);
	ASSERT_NE(reseal, NULL);
	ASSERT_NE(seal, NULL);
	ASSERT_EQ(alts_install(self->kc, ALTS_TX, variant->proto,
			       ALTS_SIDE_CLIENT, start, 0), 0);
	ASSERT_EQ(alts_install(self->kc, ALTS_RX, variant->proto,
			       ALTS_SIDE_CLIENT, start, 0), 0);
	for (i = 0; i < 10; i++) {
		struct capture cap;
		int n = snprintf(msg, sizeof(msg), "client frame %d", i);

		ASSERT_EQ(send(self->kc, msg, n, 0), n);
		capture_frames(self->rs, open, reseal, (uint8_t *)got, n, &cap);
		EXPECT_EQ(cap.err, 0) TH_LOG("frame %d: %d", i, cap.err);
		EXPECT_EQ(cap.frames, 1);
		EXPECT_EQ(memcmp(got, msg, n), 0);

		n = snprintf(msg, sizeof(msg), "server frame %d", i);
		ASSERT_TRUE(peer_send(self->rs, seal, msg, n));
		EXPECT_EQ(recv_ret_all(self->kc, got, n), n);
		EXPECT_EQ(memcmp(got, msg, n), 0);
	}
	len = sizeof(get);
	EXPECT_EQ(getsockopt(self->kc, SOL_ALTS, ALTS_TX, &get, &len), 0);
	EXPECT_EQ(get.counter, start + 10);
	len = sizeof(get);
	EXPECT_EQ(getsockopt(self->kc, SOL_ALTS, ALTS_RX, &get, &len), 0);
	EXPECT_EQ(get.counter, start + 10);
	alts_crypter_free(open);
	alts_crypter_free(reseal);
	alts_crypter_free(seal);
}

/* Later epochs too: bytes 2..7 of the counter all take part. */
TEST_F(interop, rekey_high_epochs)
{
	static const uint64_t starts[] = {
		(1ULL << 24) - 2, (1ULL << 32) - 2, (1ULL << 39) - 2,
		(1ULL << 40) - 3,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(starts); i++) {
		struct alts_crypter *open = peer_crypter(variant->proto,
							 ALTS_SIDE_SERVER,
							 false, starts[i]);
		struct alts_crypter *reseal = peer_crypter(variant->proto,
							   ALTS_SIDE_CLIENT,
							   true, starts[i]);
		struct capture cap;
		uint8_t out[12];
		int kc, rs;

		ASSERT_NE(open, NULL);
		ASSERT_NE(reseal, NULL);
		ASSERT_EQ(tcp_pair(variant->family, &kc, &rs), 0);
		ASSERT_EQ(alts_attach(kc), 0);
		ASSERT_EQ(alts_install(kc, ALTS_TX, variant->proto,
				       ALTS_SIDE_CLIENT, starts[i], 0), 0);
		ASSERT_EQ(send(kc, "epoch", 5, 0), 5);
		ASSERT_EQ(send(kc, "crossed", 7, 0), 7);
		capture_frames(rs, open, reseal, out, 12, &cap);
		EXPECT_EQ(cap.err, 0) TH_LOG("start %llu",
					     (unsigned long long)starts[i]);
		EXPECT_EQ(cap.frames, 2);
		EXPECT_EQ(memcmp(out, "epochcrossed", 12), 0);
		close(kc);
		close(rs);
		alts_crypter_free(open);
		alts_crypter_free(reseal);
	}
}

/* Kernel to kernel across the boundary, both directions. */
TEST_F(interop, kernel_kernel_rekey_boundary)
{
	const uint64_t start = 65536 - 3;
	char msg[32], got[32];
	int kc, ks, i;

	ASSERT_EQ(tcp_pair(variant->family, &kc, &ks), 0);
	ASSERT_EQ(alts_attach(kc), 0);
	ASSERT_EQ(alts_attach(ks), 0);
	ASSERT_EQ(alts_install(kc, ALTS_TX, variant->proto, ALTS_SIDE_CLIENT, start, 0), 0);
	ASSERT_EQ(alts_install(kc, ALTS_RX, variant->proto, ALTS_SIDE_CLIENT, start, 0), 0);
	ASSERT_EQ(alts_install(ks, ALTS_TX, variant->proto, ALTS_SIDE_SERVER, start, 0), 0);
	ASSERT_EQ(alts_install(ks, ALTS_RX, variant->proto, ALTS_SIDE_SERVER, start, 0), 0);
	for (i = 0; i < 10; i++) {
		int n = snprintf(msg, sizeof(msg), "c2s %d", i);

		ASSERT_EQ(send(kc, msg, n, 0), n);
		EXPECT_EQ(recv_ret_all(ks, got, n), n);
		EXPECT_EQ(memcmp(got, msg, n), 0);
		n = snprintf(msg, sizeof(msg), "s2c %d", i);
		ASSERT_EQ(send(ks, msg, n, 0), n);
		EXPECT_EQ(recv_ret_all(kc, got, n), n);
		EXPECT_EQ(memcmp(got, msg, n), 0);
	}
	close(kc);
	close(ks);
}

/* Frames queued before RX keys are installed are decrypted. */
TEST_F(interop, keys_after_frames_queued)
{
	struct alts_crypter *s = peer_crypter(variant->proto, ALTS_SIDE_SERVER,
					      true, 0);
	uint8_t data[3 * 1000], got[3 * 1000];
	size_t total_wire = 0;
	int i;

	ASSERT_NE(s, NULL);
	fill_pattern(data, sizeof(data), 0, 50);
	for (i = 0; i < 3; i++) {
		size_t flen;

		ASSERT_TRUE(peer_send(self->rs, s, data + 1000 * i, 1000));
		flen = alts_frame_size(1000);
		total_wire += flen;
	}
	ASSERT_TRUE(wait_inq(self->kc, total_wire, 2000));
	ASSERT_EQ(alts_install(self->kc, ALTS_RX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	EXPECT_EQ(recv_ret_all(self->kc, got, sizeof(got)), (long)sizeof(got));
	EXPECT_EQ(memcmp(got, data, sizeof(data)), 0);
	alts_crypter_free(s);
}

/* Same, with a partial frame queued: the rest arrives after install. */
TEST_F(interop, keys_after_partial_frame)
{
	struct alts_crypter *s = peer_crypter(variant->proto, ALTS_SIDE_SERVER,
					      true, 0);
	uint8_t data[500], got[500];
	size_t flen;
	uint8_t *f;

	ASSERT_NE(s, NULL);
	fill_pattern(data, sizeof(data), 0, 51);
	f = peer_seal(s, data, sizeof(data), &flen);
	ASSERT_NE(f, NULL);
	ASSERT_TRUE(write_all(self->rs, f, 100));
	ASSERT_TRUE(wait_inq(self->kc, 100, 2000));
	ASSERT_EQ(alts_install(self->kc, ALTS_RX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	ASSERT_TRUE(write_all(self->rs, f + 100, flen - 100));
	EXPECT_EQ(recv_ret_all(self->kc, got, sizeof(got)), (long)sizeof(got));
	EXPECT_EQ(memcmp(got, data, sizeof(data)), 0);
	free(f);
	alts_crypter_free(s);
}

/*
 * The handshake case: plain bytes, then frames, in one segment. The
 * application reads exactly the plain bytes, installs keys, and the
 * frames already queued behind them are decrypted.
 */
TEST_F(interop, handshake_leftover)
{
	struct alts_crypter *s = peer_crypter(variant->proto, ALTS_SIDE_SERVER,
					      true, 0);
	uint8_t stream[512], got[64], out[8];
	struct capture cap;
	size_t wire = 5;
	ssize_t n;

	ASSERT_NE(s, NULL);
	memcpy(stream, "HELLO", 5);
	n = alts_frame_seal(s, "first frame", 11, stream + wire,
			    sizeof(stream) - wire);
	ASSERT_GT(n, 0);
	wire += n;
	n = alts_frame_seal(s, "second", 6, stream + wire,
			    sizeof(stream) - wire);
	ASSERT_GT(n, 0);
	wire += n;
	ASSERT_TRUE(write_all(self->rs, stream, wire));

	EXPECT_EQ(recv_ret_all(self->kc, got, 5), 5);
	EXPECT_EQ(memcmp(got, "HELLO", 5), 0);
	ASSERT_EQ(alts_install(self->kc, ALTS_RX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	ASSERT_EQ(alts_install(self->kc, ALTS_TX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	EXPECT_EQ(recv_ret_all(self->kc, got, 17), 17);
	EXPECT_EQ(memcmp(got, "first framesecond", 17), 0);

	EXPECT_EQ(send(self->kc, "reply", 5, 0), 5);
	capture_frames(self->rs, self->open, self->reseal, out, 5, &cap);
	EXPECT_EQ(cap.err, 0);
	EXPECT_EQ(memcmp(out, "reply", 5), 0);
	alts_crypter_free(s);
}

/* A large bidirectional exchange with the codec on the other side. */
TEST_F(interop, codec_bulk_both_ways)
{
	const size_t total = 1 << 20, chunk = 10000;
	struct alts_crypter *s = peer_crypter(variant->proto, ALTS_SIDE_SERVER,
					      true, 0);
	uint8_t *buf = malloc(total), *out = malloc(total);
	struct capture cap;
	int status;
	pid_t pid;

	ASSERT_NE(s, NULL);
	ASSERT_NE(buf, NULL);
	ASSERT_NE(out, NULL);
	ASSERT_EQ(alts_install(self->kc, ALTS_TX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	ASSERT_EQ(alts_install(self->kc, ALTS_RX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		size_t off;

		/* child: the kernel sends while the codec peer sends back */
		fill_pattern(buf, total, 0, 60);
		for (off = 0; off < total; off += chunk) {
			size_t n = total - off < chunk ? total - off : chunk;

			if (send(self->kc, buf + off, n, 0) != (ssize_t)n)
				_exit(1);
		}
		_exit(0);
	}
	{
		pid_t writer = fork();

		ASSERT_GE(writer, 0);
		if (!writer) {
			size_t off;

			fill_pattern(buf, total, 0, 61);
			for (off = 0; off < total; off += 3 * chunk) {
				size_t n = total - off < 3 * chunk ?
					   total - off : 3 * chunk;

				if (!peer_send(self->rs, s, buf + off, n))
					_exit(1);
			}
			_exit(0);
		}
		capture_frames(self->rs, self->open, self->reseal, out, total,
			       &cap);
		EXPECT_EQ(cap.err, 0);
		EXPECT_TRUE(check_pattern(out, total, 0, 60));
		EXPECT_EQ(recv_ret_all(self->kc, out, total), (long)total);
		EXPECT_TRUE(check_pattern(out, total, 0, 61));
		EXPECT_EQ(waitpid(writer, &status, 0), writer);
		EXPECT_EQ(status, 0);
	}
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	free(buf);
	free(out);
	alts_crypter_free(s);
}

/* sendfile and splice produce the same frames as send. */
TEST_F(interop, kernel_tx_sendfile_frames)
{
	const size_t len = 50000;
	char name[] = "/tmp/alts_interop.XXXXXX";
	uint8_t *buf = malloc(len), *out = malloc(len);
	struct capture cap;
	int fd = mkstemp(name), status;
	off_t off = 0;
	pid_t pid;

	ASSERT_GE(fd, 0);
	ASSERT_NE(buf, NULL);
	ASSERT_NE(out, NULL);
	unlink(name);
	fill_pattern(buf, len, 0, 70);
	ASSERT_EQ(write(fd, buf, len), (ssize_t)len);
	ASSERT_EQ(alts_install(self->kc, ALTS_TX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(sendfile(self->kc, fd, &off, len) == (ssize_t)len ? 0 : 1);
	capture_frames(self->rs, self->open, self->reseal, out, len, &cap);
	EXPECT_EQ(cap.err, 0);
	EXPECT_TRUE(check_pattern(out, len, 0, 70));
	EXPECT_LE(cap.max_l, ALTS_FRAME_LEN_DEFAULT_TX);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	close(fd);
	free(buf);
	free(out);
}

/*
 * ALTS_TX installed while a plain send is blocked: the install waits for
 * it, so the peer sees all of the plain bytes and then frames, never a
 * frame in the middle of the plain bytes.
 */
TEST_F(interop, tx_install_after_blocked_plain_send)
{
	const size_t plain = 2 << 20;
	uint8_t *buf = malloc(plain), got[8];
	int small = 32 << 10, status;
	struct capture cap;
	pid_t sender, installer;

	ASSERT_NE(buf, NULL);
	ASSERT_EQ(setsockopt(self->kc, SOL_SOCKET, SO_SNDBUF, &small,
			     sizeof(small)), 0);
	ASSERT_EQ(setsockopt(self->rs, SOL_SOCKET, SO_RCVBUF, &small,
			     sizeof(small)), 0);
	fill_pattern(buf, plain, 0, 80);
	sender = fork();
	ASSERT_GE(sender, 0);
	if (!sender)
		_exit(send(self->kc, buf, plain, MSG_NOSIGNAL) ==
		      (ssize_t)plain ? 0 : 1);
	/* Bytes at the peer: the plain send (far larger than the buffers)
	 * has started and cannot have finished.
	 */
	ASSERT_TRUE(wait_inq(self->rs, 1, 20000));
	installer = fork();
	ASSERT_GE(installer, 0);
	if (!installer) {
		if (alts_install(self->kc, ALTS_TX, variant->proto,
				 ALTS_SIDE_CLIENT, 0, 0))
			_exit(1);
		_exit(send(self->kc, "framed", 6, 0) == 6 ? 0 : 2);
	}
	usleep(200000);		/* let the install run into the send */

	ASSERT_EQ(read_full(self->rs, buf, plain, 20000), plain);
	EXPECT_TRUE(check_pattern(buf, plain, 0, 80));
	capture_frames(self->rs, self->open, self->reseal, got, 6, &cap);
	EXPECT_EQ(cap.err, 0);
	EXPECT_EQ(cap.frames, 1);
	EXPECT_EQ(memcmp(got, "framed", 6), 0);
	EXPECT_EQ(waitpid(sender, &status, 0), sender);
	EXPECT_EQ(status, 0);
	EXPECT_EQ(waitpid(installer, &status, 0), installer);
	EXPECT_EQ(status, 0);
	free(buf);
}

TEST_HARNESS_MAIN
