// SPDX-License-Identifier: GPL-2.0
/*
 * alts_fuzz - feed keyed ALTS RX sockets random and mutated frame streams.
 *
 * Every connection gets a stream built with the userspace record codec:
 * valid frames (some empty), then usually one bad unit - a bit flip or
 * random byte anywhere, a length from every class (0, 1..3, 4..19, 20, the
 * limit, limit + 1, 2^32 - 1, random), truncation at every offset of a
 * frame, a bad type, a replayed, reordered, skipped or misdirected frame,
 * random garbage - sometimes followed by more valid frames, then EOF.
 *
 * The same stream is run through a reference model (the codec's parser and
 * opener, at the same counter and limit). The kernel must deliver exactly
 * the model's plaintext, byte for byte, and then end with the model's
 * result: 0 at a clean end, else one of the documented errors
 * (EBADMSG, EMSGSIZE, EPROTO, ECONNRESET, EKEYEXPIRED), again on the next
 * call. A bad frame kills a connection, so there are thousands of them,
 * all accepted from one listener per address family.
 *
 * ALTS_FUZZ_SEED=n in the environment repeats a run.
 */
#include "alts_peer.h"

#define FRAMES_MIN		17000	/* per variant; 6 variants: >= 102000 */
#define FRAMES_TARGET		200000	/* per variant, unless time runs out */
#define TIME_PER_VARIANT	30	/* seconds, a bound under TCG */
#define MAX_STREAM		(256 * 1024)
/* what the peer writes before anyone reads must fit in socket buffers */
#define STREAM_CAP		(48 * 1024)

enum result {
	R_EOF = 1 << 0,
	R_EBADMSG = 1 << 1,
	R_EMSGSIZE = 1 << 2,
	R_EPROTO = 1 << 3,
	R_ECONNRESET = 1 << 4,
	R_EKEYEXPIRED = 1 << 5,
	R_OTHER = 1 << 6,
	R_HANG = 1 << 7,
};

static const char *result_name(unsigned int r)
{
	switch (r) {
	case R_EOF: return "EOF";
	case R_EBADMSG: return "EBADMSG";
	case R_EMSGSIZE: return "EMSGSIZE";
	case R_EPROTO: return "EPROTO";
	case R_ECONNRESET: return "ECONNRESET";
	case R_EKEYEXPIRED: return "EKEYEXPIRED";
	case R_HANG: return "no answer (timeout)";
	default: return "other error";
	}
}

static unsigned int errno_result(int err)
{
	switch (err) {
	case EBADMSG: return R_EBADMSG;
	case EMSGSIZE: return R_EMSGSIZE;
	case EPROTO: return R_EPROTO;
	case ECONNRESET: return R_ECONNRESET;
	case EKEYEXPIRED: return R_EKEYEXPIRED;
	case EAGAIN: return R_HANG;
	default: return R_OTHER;
	}
}

/* xorshift64*: fast, and a printed seed repeats a run */
static uint64_t rng_state;

static uint64_t rnd64(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

enum mutation {
	M_NONE,			/* valid frames only */
	M_BITFLIP,
	M_BYTE,
	M_LENGTH,
	M_TRUNCATE,
	M_TYPE,
	M_REPLAY,
	M_REORDER,
	M_SKIP,
	M_WRONG_DIR,
	M_GARBAGE,
	M_MULTI,
	M_COUNT,
};

struct stream {
	uint8_t *buf;
	size_t len;
	uint8_t *plain;		/* every payload sealed, in order */
	size_t plain_len;
	size_t frames;		/* frame-like units in the stream */
	size_t last_off[2];	/* offsets of the two most recent frames */
	size_t last_len[2];
};

struct conn_cfg {
	uint16_t proto;
	uint64_t counter;
	uint32_t max_l;		/* as installed (0 = default) */
	uint32_t limit;		/* effective RX limit */
	bool keys_late;
	bool use_poll;
};

struct stats {
	unsigned long conns, frames, results[8], mutations[M_COUNT];
	unsigned long bytes_delivered;
};

static size_t pick_payload(uint32_t limit)
{
	size_t max = limit - 20, n;

	/* mostly small: the parser, not the cipher, is under test */
	switch (rnd(128)) {
	case 0 ... 7:
		n = 0;
		break;
	case 8 ... 11:
		n = rnd(4096);
		break;
	case 12:
		n = rnd(17000);
		break;
	default:
		n = rnd(120);
	}
	return n > max ? max : n;
}

/* Append one frame sealed by @c with fresh pattern bytes. */
static bool append_frame(struct stream *st, struct alts_crypter *c,
			 size_t plen, bool record_plain)
{
	size_t flen = alts_frame_size(plen);
	uint8_t tmp[17000];
	ssize_t n;

	if (st->len + flen > STREAM_CAP || plen > sizeof(tmp))
		return false;
	fill_pattern(tmp, plen, st->plain_len + st->frames, (uint8_t)rnd64());
	n = alts_frame_seal(c, tmp, plen, st->buf + st->len, flen);
	if (n < 0)
		return false;
	if (record_plain) {
		memcpy(st->plain + st->plain_len, tmp, plen);
		st->plain_len += plen;
	}
	st->last_off[1] = st->last_off[0];
	st->last_len[1] = st->last_len[0];
	st->last_off[0] = st->len;
	st->last_len[0] = n;
	st->len += n;
	st->frames++;
	return true;
}

static void append_bytes(struct stream *st, const uint8_t *p, size_t n)
{
	if (st->len + n > STREAM_CAP)
		n = STREAM_CAP - st->len;
	memmove(st->buf + st->len, p, n);
	st->len += n;
}

/* A length from the class @k, relative to the RX limit. */
static uint32_t length_class(unsigned int k, uint32_t limit, uint32_t actual)
{
	switch (k) {
	case 0: return 0;
	case 1: return 1 + rnd(3);
	case 2: return 4 + rnd(16);
	case 3: return 20;
	case 4: return limit;
	case 5: return limit + 1;
	case 6: return 0xffffffff;
	case 7: return (uint32_t)rnd64();
	case 8: return actual + 1 + rnd(40);
	default: return actual > 20 ? 20 + rnd(actual - 20) : 21;
	}
}

/*
 * Build one connection's stream. Returns the mutation applied. @seal is
 * the peer's sealer at the connection's starting counter.
 */
static enum mutation build_stream(struct stream *st, const struct conn_cfg *cfg,
				  struct alts_crypter *seal,
				  unsigned long conn_no)
{
	enum mutation m = rnd(5) == 0 ? M_NONE : 1 + rnd(M_COUNT - 1);
	unsigned int n_valid = rnd(4) == 0 ? 0 : rnd(200), i;
	size_t off;
	uint8_t *f;

	st->len = st->plain_len = st->frames = 0;
	memset(st->last_off, 0, sizeof(st->last_off));
	memset(st->last_len, 0, sizeof(st->last_len));
	for (i = 0; i < n_valid && st->len < STREAM_CAP / 2; i++)
		if (!append_frame(st, seal, pick_payload(cfg->limit), true))
			break;

	switch (m) {
	case M_NONE:
		break;
	case M_BITFLIP:
		append_frame(st, seal, pick_payload(cfg->limit), true);
		off = st->last_off[0] + rnd(st->last_len[0]);
		st->buf[off] ^= 1 << rnd(8);
		break;
	case M_BYTE:
		append_frame(st, seal, pick_payload(cfg->limit), true);
		off = st->last_off[0] + rnd(st->last_len[0]);
		st->buf[off] = (uint8_t)rnd64();
		break;
	case M_LENGTH:
		append_frame(st, seal, pick_payload(cfg->limit), true);
		put_le32(st->buf + st->last_off[0],
			 length_class(rnd(10), cfg->limit,
				      st->last_len[0] - 4));
		break;
	case M_TRUNCATE:
		/* a 30-byte payload, cut at each offset in turn */
		append_frame(st, seal, 30, true);
		st->len = st->last_off[0] + conn_no % (30 + ALTS_WIRE_OVERHEAD);
		return m;	/* nothing may follow a truncation */
	case M_TYPE: {
		static const uint32_t types[] = {
			0, 5, 7, 0x16, 0x106, 0x06000000, 0x80000006,
			0xffffffff,
		};
		uint32_t t = rnd(3) ? types[rnd(ARRAY_SIZE(types))] :
				      (uint32_t)rnd64();

		if (t == 6)
			t = 0x206;
		append_frame(st, seal, pick_payload(cfg->limit), true);
		put_le32(st->buf + st->last_off[0] + 4, t);
		break;
	}
	case M_REPLAY:
		if (!st->last_len[0])
			append_frame(st, seal, pick_payload(cfg->limit), true);
		f = malloc(st->last_len[0]);
		if (!f)
			break;
		memcpy(f, st->buf + st->last_off[0], st->last_len[0]);
		append_bytes(st, f, st->last_len[0]);
		st->frames++;
		free(f);
		break;
	case M_REORDER: {
		size_t a_off, a_len, b_len;

		append_frame(st, seal, pick_payload(cfg->limit), true);
		append_frame(st, seal, pick_payload(cfg->limit), true);
		a_off = st->last_off[1];
		a_len = st->last_len[1];
		b_len = st->last_len[0];
		f = malloc(a_len + b_len);
		if (!f)
			break;
		memcpy(f, st->buf + st->last_off[0], b_len);
		memcpy(f + b_len, st->buf + a_off, a_len);
		memcpy(st->buf + a_off, f, a_len + b_len);
		free(f);
		break;
	}
	case M_SKIP:
		/* seal a frame that never goes out, then the next one */
		append_frame(st, seal, pick_payload(cfg->limit), false);
		st->len = st->last_off[0];
		st->frames--;
		append_frame(st, seal, pick_payload(cfg->limit), true);
		break;
	case M_WRONG_DIR: {
		uint8_t ctr[ALTS_COUNTER_SIZE];
		struct alts_crypter *s;

		s = peer_crypter(cfg->proto, ALTS_SIDE_SERVER, true, 0);
		if (!s)
			break;
		alts_crypter_get_counter(seal, ctr);
		ctr[11] = 0x80;
		alts_crypter_set_counter(s, ctr);
		append_frame(st, s, pick_payload(cfg->limit), true);
		alts_crypter_free(s);
		break;
	}
	case M_GARBAGE: {
		uint8_t g[64];
		size_t n = 1 + rnd(sizeof(g)), k;

		for (k = 0; k < n; k++)
			g[k] = (uint8_t)rnd64();
		if (rnd(2)) {
			/* a plausible header in front of the garbage */
			put_le32(g, 20 + rnd(40));
			if (n >= 8)
				put_le32(g + 4, 6);
		}
		append_bytes(st, g, n);
		st->frames++;
		break;
	}
	case M_MULTI:
		append_frame(st, seal, pick_payload(cfg->limit), true);
		append_frame(st, seal, pick_payload(cfg->limit), true);
		for (i = 0; i < 1 + rnd(6); i++) {
			off = st->last_off[1] +
			      rnd(st->last_len[0] + st->last_len[1]);
			st->buf[off] ^= 1 << rnd(8);
		}
		break;
	default:
		break;
	}
	/* valid frames after the bad unit must never be delivered */
	if (m != M_NONE && rnd(2)) {
		n_valid = 1 + rnd(5);
		for (i = 0; i < n_valid; i++)
			if (!append_frame(st, seal, pick_payload(cfg->limit),
					  true))
				break;
	}
	return m;
}

static bool counter_exhausted(struct alts_crypter *o, uint16_t proto)
{
	return alts_crypter_frame_number(o) == alts_counter_limit(proto);
}

/*
 * Run @st through the codec as the receiver would. Sets *delivered to the
 * plaintext (into @out) and returns the acceptable final results.
 */
static unsigned int model(const struct stream *st, const struct conn_cfg *cfg,
			  uint8_t *out, size_t *delivered)
{
	struct alts_crypter *o = peer_crypter(cfg->proto, ALTS_SIDE_SERVER,
					      false, cfg->counter);
	size_t off = 0, got = 0;
	unsigned int res = 0;

	if (!o || alts_crypter_set_max_frame_len(o, cfg->limit))
		return 0;
	for (;;) {
		size_t avail = st->len - off, fs;
		const uint8_t *p = st->buf + off;
		ssize_t n;
		int ret;

		if (!avail) {
			res = R_EOF;
			break;
		}
		if (counter_exhausted(o, cfg->proto))
			res |= R_EKEYEXPIRED;
		ret = alts_frame_parse(p, avail, cfg->limit, &fs);
		if (ret < 0) {
			res |= ret == -EMSGSIZE ? R_EMSGSIZE : R_EPROTO;
			if (avail >= 8) {
				uint32_t l = get_le32(p);
				bool l_bad = l < 20 || l > cfg->limit;
				bool t_bad = get_le32(p + 4) != 6;

				/* either check may come first */
				if (l_bad && t_bad)
					res |= R_EPROTO;
			} else {
				/* or the receiver waits for the whole header */
				res |= R_ECONNRESET;
			}
			break;
		}
		if (ret == 0) {
			res |= R_ECONNRESET;
			if (avail > 4 && memcmp(p + 4, "\x06\0\0\0", avail - 4))
				res |= R_EPROTO;
			break;
		}
		n = alts_frame_open(o, p, fs, out + got, MAX_STREAM - got);
		if (n < 0) {
			res |= n == -EBADMSG ? R_EBADMSG :
			       n == -EKEYEXPIRED ? R_EKEYEXPIRED : R_OTHER;
			if (res & R_EKEYEXPIRED)
				res |= R_EBADMSG;
			break;
		}
		got += n;
		off += fs;
	}
	alts_crypter_free(o);
	*delivered = got;
	return res;
}

static void linger0(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

/* Read until EOF or error; returns the result bit, bytes in *got. */
static unsigned int drain(int fd, uint8_t *buf, size_t cap, size_t *got,
			  bool use_poll, int *second)
{
	unsigned int res;
	int spurious = 0;

	*got = 0;
	for (;;) {
		size_t want = 1 + rnd(rnd(4) ? 8192 : 16);
		ssize_t n;

		if (*got + want > cap)
			want = cap - *got;
		if (!want) {
			res = R_OTHER;	/* more than the model allows */
			break;
		}
		if (use_poll) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			if (poll(&pfd, 1, 5000) != 1) {
				res = R_HANG;
				break;
			}
			n = recv(fd, buf + *got, want, MSG_DONTWAIT);
			if (n < 0 && errno == EAGAIN && ++spurious < 100)
				continue;
		} else {
			n = recv(fd, buf + *got, want, 0);
		}
		if (n > 0) {
			*got += n;
			continue;
		}
		res = n == 0 ? R_EOF : errno_result(errno);
		break;
	}
	/* the end is sticky */
	{
		uint8_t b[16];
		ssize_t n = recv(fd, b, sizeof(b), MSG_DONTWAIT);

		*second = n == 0 ? R_EOF : n > 0 ? R_OTHER : (int)errno_result(errno);
	}
	return res;
}

static void pick_cfg(struct conn_cfg *cfg, uint16_t proto)
{
	static const uint32_t limits[] = { 0, 0, 0, 1024, 4096, 16384,
					   ALTS_FRAME_LEN_MAX };

	cfg->proto = proto;
	cfg->max_l = limits[rnd(ARRAY_SIZE(limits))];
	cfg->limit = cfg->max_l ? cfg->max_l : ALTS_FRAME_LEN_MAX;
	switch (rnd(12)) {
	case 0:
		cfg->counter = 65536 - 1 - rnd(40);	/* rekey epoch */
		break;
	case 1:
		cfg->counter = alts_counter_limit(proto) - 1 - rnd(30);
		break;
	case 2:
		cfg->counter = rnd64() & ((1ULL << 40) - 1);
		break;
	default:
		cfg->counter = 0;
	}
	cfg->keys_late = rnd(5) == 0;
	cfg->use_poll = rnd(4) == 0;
}

FIXTURE(fuzz)
{
	int lfd;
	struct stream st;
	uint8_t *expect, *got;
};

FIXTURE_VARIANT(fuzz)
{
	int family;
	uint16_t proto;
};

ALTS_FIXTURE_VARIANTS(fuzz);

FIXTURE_SETUP(fuzz)
{
	const char *seed = getenv("ALTS_FUZZ_SEED");

	self->lfd = tcp_listener(variant->family);
	ASSERT_GE(self->lfd, 0);
	self->st.buf = malloc(MAX_STREAM);
	self->st.plain = malloc(MAX_STREAM);
	self->expect = malloc(MAX_STREAM);
	self->got = malloc(MAX_STREAM + 16384);
	ASSERT_NE(self->st.buf, NULL);
	ASSERT_NE(self->st.plain, NULL);
	ASSERT_NE(self->expect, NULL);
	ASSERT_NE(self->got, NULL);
	rng_state = seed ? strtoull(seed, NULL, 0) :
			   (uint64_t)time(NULL) * 2654435761ULL ^ getpid();
	rng_state ^= (uint64_t)variant->family << 32 | variant->proto;
	if (!rng_state)
		rng_state = 1;
	ksft_print_msg("fuzz %s/%s: seed 0x%llx\n",
		       variant->family == AF_INET ? "v4" : "v6",
		       alts_proto_name(variant->proto),
		       (unsigned long long)rng_state);
}

FIXTURE_TEARDOWN(fuzz)
{
	close(self->lfd);
	free(self->st.buf);
	free(self->st.plain);
	free(self->expect);
	free(self->got);
}

TEST_F_TIMEOUT(fuzz, rx_streams, TIME_PER_VARIANT + 60)
{
	struct stats s = {};
	time_t start = time(NULL);
	unsigned long failures = 0;

	while (s.frames < FRAMES_TARGET &&
	       time(NULL) - start < TIME_PER_VARIANT && failures < 5) {
		struct alts_crypter *seal;
		struct conn_cfg cfg;
		enum mutation m;
		size_t exp_len, got_len;
		unsigned int allowed, res;
		int cli, srv, second;

		pick_cfg(&cfg, variant->proto);
		seal = peer_crypter(cfg.proto, ALTS_SIDE_CLIENT, true,
				    cfg.counter);
		ASSERT_NE(seal, NULL);
		m = build_stream(&self->st, &cfg, seal, s.conns);
		alts_crypter_free(seal);
		allowed = model(&self->st, &cfg, self->expect, &exp_len);
		ASSERT_NE(allowed, 0);

		ASSERT_EQ(tcp_pair_from(self->lfd, &cli, &srv), 0);
		linger0(cli);
		linger0(srv);
		ASSERT_EQ(alts_attach(srv), 0);
		if (!cfg.keys_late)
			ASSERT_EQ(alts_install(srv, ALTS_RX, cfg.proto,
					       ALTS_SIDE_SERVER, cfg.counter,
					       cfg.max_l), 0);
		{
			struct timeval tv = { .tv_sec = 5 };

			setsockopt(srv, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		}
		if (rnd(3)) {
			ASSERT_TRUE(write_all(cli, self->st.buf, self->st.len));
		} else {
			size_t cut = rnd(self->st.len + 1);

			ASSERT_TRUE(write_all(cli, self->st.buf, cut));
			usleep(rnd(2) ? 0 : 200);
			ASSERT_TRUE(write_all(cli, self->st.buf + cut,
					      self->st.len - cut));
		}
		ASSERT_EQ(shutdown(cli, SHUT_WR), 0);
		if (cfg.keys_late)
			ASSERT_EQ(alts_install(srv, ALTS_RX, cfg.proto,
					       ALTS_SIDE_SERVER, cfg.counter,
					       cfg.max_l), 0);

		res = drain(srv, self->got, exp_len + 16384, &got_len,
			    cfg.use_poll, &second);
		if (!(res & allowed) || got_len != exp_len ||
		    memcmp(self->got, self->expect, got_len) ||
		    (unsigned int)second != res) {
			failures++;
			TH_LOG("connection %lu (mutation %d, %s, counter %llu, limit %u%s%s): "
			       "got %zu bytes then %s (again: %s); model: %zu bytes then mask 0x%x; stream %zu bytes",
			       s.conns, m, alts_proto_name(cfg.proto),
			       (unsigned long long)cfg.counter, cfg.limit,
			       cfg.keys_late ? ", keys late" : "",
			       cfg.use_poll ? ", poll" : "", got_len,
			       result_name(res), result_name(second), exp_len,
			       allowed, self->st.len);
			if (got_len == exp_len &&
			    memcmp(self->got, self->expect, got_len))
				TH_LOG("delivered bytes differ from the sealed plaintext");
		}
		close(cli);
		close(srv);
		s.conns++;
		s.frames += self->st.frames;
		s.mutations[m]++;
		s.bytes_delivered += got_len;
		s.results[__builtin_ctz(res)]++;
	}
	ksft_print_msg("fuzz %s/%s: %lu connections, %lu frames, %lu bytes delivered, %lu s\n",
		       variant->family == AF_INET ? "v4" : "v6",
		       alts_proto_name(variant->proto), s.conns, s.frames,
		       s.bytes_delivered, (unsigned long)(time(NULL) - start));
	ksft_print_msg("fuzz results: EOF %lu EBADMSG %lu EMSGSIZE %lu EPROTO %lu ECONNRESET %lu EKEYEXPIRED %lu other %lu hang %lu\n",
		       s.results[0], s.results[1], s.results[2], s.results[3],
		       s.results[4], s.results[5], s.results[6], s.results[7]);
	EXPECT_EQ(failures, 0);
	EXPECT_GE(s.frames, FRAMES_MIN)
		TH_LOG("time bound reached before the minimum frame count");
	EXPECT_EQ(s.results[6] + s.results[7], 0);
}

TEST_HARNESS_MAIN
