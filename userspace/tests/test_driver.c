// SPDX-License-Identifier: GPL-2.0
/*
 * The fd driver over socketpairs: both sides, one-frame-at-a-time reads
 * (record bytes after ClientFinished stay in the socket), slow-loris and
 * truncation, and the handshake keys driving the record codec.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_ALTS_RECORD
#include "alts_record.h"
#endif
#include "tests.h"
#include "testutil.h"

static struct party srv, cli;
static bool ready;

static void fixtures(void)
{
	struct party_opts s = { .identity = "server@kalts.test" }, c = { .identity = "client@kalts.test" };

	if (ready)
		return;
	assert_int_equal(party_make(&srv, &s), 0);
	assert_int_equal(party_make(&cli, &c), 0);
	ready = true;
}

struct side {
	pthread_t th;
	int fd;
	int timeout_ms;
	struct test_rng rng;
	struct alts_hs_config cfg;
	struct alts_hs_result res;
	int err;
};

static void *run_side(void *arg)
{
	struct side *s = arg;

	s->err = alts_hs_run_fd(s->fd, &s->cfg, s->timeout_ms, &s->res);
	return NULL;
}

static void side_init(struct side *s, enum alts_role role, int fd)
{
	fixtures();
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->timeout_ms = 5000;
	test_rng_init(&s->rng, role == ALTS_CLIENT ? "fd-client" : "fd-server");
	test_config(&s->cfg, role, role == ALTS_CLIENT ? &cli : &srv, &s->rng);
}

static void run_pair(struct side *c, struct side *s)
{
	pthread_create(&s->th, NULL, run_side, s);
	pthread_create(&c->th, NULL, run_side, c);
	pthread_join(c->th, NULL);
	pthread_join(s->th, NULL);
}

/* A connected TCP pair over loopback, or a unix socketpair. */
static void make_pair(bool tcp, int sv[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int l, one = 1;

	if (!tcp) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		return;
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(l >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &alen), 0);
	sv[0] = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(sv[0], (struct sockaddr *)&a, sizeof(a)), 0);
	sv[1] = accept(l, NULL, NULL);
	assert_true(sv[1] >= 0);
	setsockopt(sv[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	close(l);
}

#ifdef HAVE_ALTS_RECORD
/* The client sends a record to the server and back, with the handshake keys. */
static void records_flow(const struct alts_hs_result *cr, const struct alts_hs_result *sr,
			 int cfd, int sfd)
{
	struct alts_crypter *cseal, *sopen, *sseal, *copen;
	enum alts_record_protocol rp = (enum alts_record_protocol)cr->record_protocol;
	uint8_t frame[256], plain[256];
	ssize_t n, m;

	assert_int_equal(alts_crypter_new(&cseal, rp, ALTS_SIDE_CLIENT, true, cr->key, cr->key_len, 0), 0);
	assert_int_equal(alts_crypter_new(&copen, rp, ALTS_SIDE_CLIENT, false, cr->key, cr->key_len, 0), 0);
	assert_int_equal(alts_crypter_new(&sseal, rp, ALTS_SIDE_SERVER, true, sr->key, sr->key_len, 0), 0);
	assert_int_equal(alts_crypter_new(&sopen, rp, ALTS_SIDE_SERVER, false, sr->key, sr->key_len, 0), 0);
	n = alts_frame_seal(cseal, "ping", 4, frame, sizeof(frame));
	assert_true(n > 0);
	assert_int_equal(write(cfd, frame, (size_t)n), n);
	assert_int_equal(read(sfd, frame, sizeof(frame)), n);
	m = alts_frame_open(sopen, frame, (size_t)n, plain, sizeof(plain));
	assert_int_equal(m, 4);
	assert_memory_equal(plain, "ping", 4);
	n = alts_frame_seal(sseal, "pong!", 5, frame, sizeof(frame));
	assert_int_equal(write(sfd, frame, (size_t)n), n);
	assert_int_equal(read(cfd, frame, sizeof(frame)), n);
	assert_int_equal(alts_frame_open(copen, frame, (size_t)n, plain, sizeof(plain)), 5);
	assert_memory_equal(plain, "pong!", 5);
	/* a frame sealed by the client does not open as a server frame */
	n = alts_frame_seal(cseal, "x", 1, frame, sizeof(frame));
	assert_true(alts_frame_open(copen, frame, (size_t)n, plain, sizeof(plain)) < 0);
	alts_crypter_free(cseal);
	alts_crypter_free(copen);
	alts_crypter_free(sseal);
	alts_crypter_free(sopen);
}
#endif

static void socketpair_handshake(void **state)
{
	const enum alts_rp *rp = *state;
	struct side c, s;
	int sv[2];

	/* unix socketpair for the first protocol, TCP loopback for the others */
	make_pair(*rp != ALTS_RP_GCM_AES128_REKEY, sv);
	side_init(&c, ALTS_CLIENT, sv[0]);
	side_init(&s, ALTS_SERVER, sv[1]);
	c.cfg.record_protocols = s.cfg.record_protocols = rp;
	c.cfg.n_record_protocols = s.cfg.n_record_protocols = 1;
	run_pair(&c, &s);
	assert_int_equal(c.err, 0);
	assert_int_equal(s.err, 0);
	assert_int_equal(c.res.record_protocol, *rp);
	assert_memory_equal(c.res.key, s.res.key, c.res.key_len);
#ifdef HAVE_ALTS_RECORD
	records_flow(&c.res, &s.res, sv[0], sv[1]);
#endif
	alts_hs_result_wipe(&c.res);
	alts_hs_result_wipe(&s.res);
	close(sv[0]);
	close(sv[1]);
}

static const enum alts_rp rps[] = { ALTS_RP_GCM_AES128_REKEY, ALTS_RP_GCM_AES128, ALTS_RP_GMAC_128 };

/* ClientFinished and the first record in one segment: the record stays queued. */
static void leftover_stays_in_socket(void **state)
{
	const bool tcp = *state != NULL;
	struct alts_hs *c;
	struct alts_buf out = { 0 };
	struct alts_hs_result cr;
	struct side s;
	uint8_t buf[65536], tail[] = "first-record-bytes";
	size_t used;
	ssize_t n;
	int sv[2];

	make_pair(tcp, sv);
	side_init(&s, ALTS_SERVER, sv[1]);
	pthread_create(&s.th, NULL, run_side, &s);
	{
		struct test_rng r;
		struct alts_hs_config cfg;

		test_rng_init(&r, "leftover");
		test_config(&cfg, ALTS_CLIENT, &cli, &r);
		assert_int_equal(alts_hs_new(&c, &cfg), 0);
		assert_int_equal(alts_hs_start(c, &out), 0);
		assert_int_equal(write(sv[0], out.data, out.len), (ssize_t)out.len);
		out.len = 0;
		/* ServerInit and ServerFinished come in one write (TCP may still split it) */
		while (!alts_hs_done(c)) {
			n = read(sv[0], buf, sizeof(buf));
			assert_true(n > 0);
			assert_int_equal(alts_hs_next(c, buf, (size_t)n, &used, &out), 0);
			assert_int_equal(used, (size_t)n);
		}
		assert_true(alts_hs_done(c));
		memcpy(out.data + out.len, tail, sizeof(tail));
		assert_int_equal(write(sv[0], out.data, out.len + sizeof(tail)),
				 (ssize_t)(out.len + sizeof(tail)));
	}
	pthread_join(s.th, NULL);
	assert_int_equal(s.err, 0);
	assert_int_equal(alts_hs_result(c, &cr), 0);
	assert_memory_equal(cr.key, s.res.key, 44);
	n = recv(sv[1], buf, sizeof(buf), 0);
	assert_int_equal(n, sizeof(tail));
	assert_memory_equal(buf, tail, sizeof(tail));
	alts_hs_result_wipe(&cr);
	alts_hs_result_wipe(&s.res);
	alts_hs_free(c);
	alts_buf_free(&out);
	close(sv[0]);
	close(sv[1]);
}

/* A peer that trickles one byte every 100 ms runs into the handshake timeout. */
struct loris {
	int fd;
	const uint8_t *data;
	size_t len;
	int delay_ms;
};

static void *loris_fn(void *arg)
{
	struct loris *l = arg;
	struct timespec ts = { 0, (long)l->delay_ms * 1000000L };
	size_t i;

	for (i = 0; i < l->len; i++) {
		if (send(l->fd, l->data + i, 1, MSG_NOSIGNAL) != 1)
			break;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void client_init_bytes(struct alts_buf *out)
{
	struct alts_hs *c;
	struct test_rng r;
	struct alts_hs_config cfg;

	fixtures();
	test_rng_init(&r, "bytes");
	test_config(&cfg, ALTS_CLIENT, &cli, &r);
	assert_int_equal(alts_hs_new(&c, &cfg), 0);
	assert_int_equal(alts_hs_start(c, out), 0);
	alts_hs_free(c);
}

static void slow_loris(T_STATE)
{
	struct alts_buf ci = { 0 };
	struct loris l;
	pthread_t th;
	struct side s;
	struct timespec t0, t1;
	long ms;
	int sv[2];

	client_init_bytes(&ci);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	side_init(&s, ALTS_SERVER, sv[1]);
	s.timeout_ms = 600;
	l = (struct loris){ sv[0], ci.data, ci.len, 100 };
	pthread_create(&th, NULL, loris_fn, &l);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run_side(&s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_int_equal(s.err, ALTS_ERR_TIMEOUT);
	assert_true(ms >= 550 && ms < 4000);
	shutdown(sv[0], SHUT_RDWR);
	close(sv[1]);
	pthread_join(th, NULL);
	close(sv[0]);
	alts_buf_free(&ci);
}

static void silent_peer_times_out(T_STATE)
{
	struct side c;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	side_init(&c, ALTS_CLIENT, sv[0]);
	c.timeout_ms = 200;
	run_side(&c);
	assert_int_equal(c.err, ALTS_ERR_TIMEOUT);
	close(sv[0]);
	close(sv[1]);
}

static void truncated_then_closed(T_STATE)
{
	struct alts_buf ci = { 0 };
	struct side s;
	size_t cut[] = { 0, 3, 8, 20 };
	size_t i;
	int sv[2];

	client_init_bytes(&ci);
	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		side_init(&s, ALTS_SERVER, sv[1]);
		assert_int_equal(write(sv[0], ci.data, cut[i]), (ssize_t)cut[i]);
		shutdown(sv[0], SHUT_WR);
		run_side(&s);
		assert_int_equal(s.err, ALTS_ERR_CLOSED);
		close(sv[0]);
		close(sv[1]);
	}
	alts_buf_free(&ci);
}

static void oversized_frame_fd(T_STATE)
{
	uint8_t h[8], alert[64];
	struct side s;
	ssize_t n;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	side_init(&s, ALTS_SERVER, sv[1]);
	put_le32(h, 1u << 20);
	put_le32(h + 4, ALTS_FRAME_CLIENT_INIT);
	assert_int_equal(write(sv[0], h, 8), 8);
	run_side(&s);
	assert_int_equal(s.err, ALTS_ERR_MALFORMED);
	/* the peer is told, with an Alert frame */
	n = recv(sv[0], alert, sizeof(alert), MSG_DONTWAIT);
	assert_true(n >= 8);
	assert_int_equal(get_le32(alert + 4), ALTS_FRAME_ALERT);
	close(sv[0]);
	close(sv[1]);
}

static void peer_alert_over_fd(T_STATE)
{
	static const char *const want[] = { "nobody@kalts.test" };
	struct side c, s;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	side_init(&c, ALTS_CLIENT, sv[0]);
	side_init(&s, ALTS_SERVER, sv[1]);
	s.cfg.target_identities = want;
	s.cfg.n_target_identities = 1;
	run_pair(&c, &s);
	assert_int_equal(s.err, ALTS_ERR_IDENTITY_MISMATCH);
	assert_int_equal(c.err, ALTS_ERR_IDENTITY_MISMATCH);
	assert_int_equal(alts_err_to_errno(c.err), EACCES);
	close(sv[0]);
	close(sv[1]);
}

static void errno_mapping(T_STATE)
{
	assert_int_equal(alts_err_to_errno(ALTS_ERR_REVOKED), EKEYREVOKED);
	assert_int_equal(alts_err_to_errno(ALTS_ERR_EXPIRED), EKEYEXPIRED);
	assert_int_equal(alts_err_to_errno(ALTS_ERR_TIMEOUT), ETIMEDOUT);
	assert_int_equal(alts_err_to_errno(ALTS_ERR_MALFORMED), EBADMSG);
	assert_int_equal(alts_err_to_errno(ALTS_ERR_BAD_AUTHENTICATOR), EPROTO);
	assert_int_equal(alts_err_to_errno(ALTS_ERR_POLICY), EACCES);
	assert_string_equal(alts_strerror(ALTS_ERR_REVOKED), "certificate revoked");
	assert_string_equal(alts_strerror(999), "unknown error");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_prestate(socketpair_handshake, (void *)&rps[0]),
	cmocka_unit_test_prestate(socketpair_handshake, (void *)&rps[1]),
	cmocka_unit_test_prestate(socketpair_handshake, (void *)&rps[2]),
	cmocka_unit_test_prestate(leftover_stays_in_socket, NULL),
	cmocka_unit_test_prestate(leftover_stays_in_socket, (void *)1),
	cmocka_unit_test(slow_loris),
	cmocka_unit_test(silent_peer_times_out),
	cmocka_unit_test(truncated_then_closed),
	cmocka_unit_test(oversized_frame_fd),
	cmocka_unit_test(peer_alert_over_fd),
	cmocka_unit_test(errno_mapping),
};

GROUP(driver_group, "driver", tests);
