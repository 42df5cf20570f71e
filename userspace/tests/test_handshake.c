// SPDX-License-Identifier: GPL-2.0
/* The handshake core: matrix, transcript vector, negotiation, tampering, framing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alts_handshake.pb-c.h"
#include "kdf.h"
#include "tests.h"
#include "testutil.h"

#define SERVER_ID	"server@kalts.test"
#define CLIENT_ID	"client@kalts.test"

static struct party srv, cli;
static bool ready;

static void fixtures(void)
{
	struct party_opts s = { .identity = SERVER_ID }, c = { .identity = CLIENT_ID };

	if (ready)
		return;
	assert_int_equal(party_make(&srv, &s), ALTS_OK);
	assert_int_equal(party_make(&cli, &c), ALTS_OK);
	ready = true;
}

struct env {
	struct test_rng cr, sr;
	struct alts_hs_config c, s;
};

static void env_init(struct env *e)
{
	fixtures();
	test_rng_init(&e->cr, "client");
	test_rng_init(&e->sr, "server");
	test_config(&e->c, ALTS_CLIENT, &cli, &e->cr);
	test_config(&e->s, ALTS_SERVER, &srv, &e->sr);
}

static void assert_agree(const struct pump *pm)
{
	assert_int_equal(pm->cerr, ALTS_OK);
	assert_int_equal(pm->serr, ALTS_OK);
	assert_true(pm->cdone && pm->sdone);
	assert_int_equal(pm->cres.key_len, pm->sres.key_len);
	assert_int_equal(pm->cres.key_len, alts_rp_key_len(pm->cres.record_protocol));
	assert_memory_equal(pm->cres.key, pm->sres.key, pm->cres.key_len);
	assert_int_equal(pm->cres.record_protocol, pm->sres.record_protocol);
	assert_string_equal(pm->cres.peer.identity, SERVER_ID);
	assert_string_equal(pm->sres.peer.identity, CLIENT_ID);
	assert_string_equal(pm->cres.local_identity, CLIENT_ID);
	assert_string_equal(pm->sres.local_identity, SERVER_ID);
	assert_int_equal(pm->cres.resumed, pm->sres.resumed);
	assert_int_equal(pm->cres.pfs, pm->sres.pfs);
	assert_string_equal(pm->cres.app_protocol, "grpc");
	assert_string_equal(pm->sres.app_protocol, "grpc");
}

/* Matrix: full / resumed x PFS on, off, required x record protocol, both sides. */
struct matrix_case {
	enum alts_rp rp;
	enum alts_pfs pfs;
	bool resumed;
};

static void matrix(void **state)
{
	const struct matrix_case *mc = *state;
	struct alts_ticket ticket;
	struct env e;
	struct pump pm;

	env_init(&e);
	e.c.record_protocols = e.s.record_protocols = &mc->rp;
	e.c.n_record_protocols = e.s.n_record_protocols = 1;
	e.c.pfs = e.s.pfs = mc->pfs;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_agree(&pm);
	assert_int_equal(pm.cres.record_protocol, mc->rp);
	assert_false(pm.cres.resumed);
	assert_int_equal(pm.cres.pfs, mc->pfs != ALTS_PFS_OFF);
	assert_true(pm.cres.has_ticket);
	ticket = pm.cres.ticket;
	pump_free(&pm);
	if (!mc->resumed)
		return;

	e.c.ticket = &ticket;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_agree(&pm);
	assert_true(pm.cres.resumed);
	assert_int_equal(pm.cres.pfs, mc->pfs != ALTS_PFS_OFF);
	assert_int_equal(pm.cres.record_protocol, mc->rp);
	/* a resumed session mints a fresh ticket with a fresh R' */
	assert_true(pm.cres.has_ticket);
	assert_memory_not_equal(pm.cres.ticket.secret, ticket.secret, ALTS_SECRET_LEN);
	pump_free(&pm);
}

#define MC(rp, pfs, res) { ALTS_RP_##rp, ALTS_PFS_##pfs, res }
static const struct matrix_case mcases[] = {
	MC(GCM_AES128_REKEY, ON, false), MC(GCM_AES128_REKEY, OFF, false), MC(GCM_AES128_REKEY, REQUIRED, false),
	MC(GCM_AES128, ON, false), MC(GCM_AES128, OFF, false), MC(GCM_AES128, REQUIRED, false),
	MC(GMAC_128, ON, false), MC(GMAC_128, OFF, false), MC(GMAC_128, REQUIRED, false),
	MC(GCM_AES128_REKEY, ON, true), MC(GCM_AES128_REKEY, OFF, true), MC(GCM_AES128_REKEY, REQUIRED, true),
	MC(GCM_AES128, ON, true), MC(GCM_AES128, OFF, true), MC(GCM_AES128, REQUIRED, true),
	MC(GMAC_128, ON, true), MC(GMAC_128, OFF, true), MC(GMAC_128, REQUIRED, true),
};

/* Default configuration: PFS on, REKEY first. */
static void defaults(T_STATE)
{
	struct env e;
	struct pump pm;

	env_init(&e);
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_agree(&pm);
	assert_int_equal(pm.cres.record_protocol, ALTS_RP_GCM_AES128_REKEY);
	assert_int_equal(pm.cres.key_len, 44);
	assert_true(pm.cres.pfs);
	assert_int_equal(pm.cres.max_frame_size, 1048576);
	assert_int_equal(pm.cres.peer_max_frame_size, 1048576);
	assert_int_equal(pm.cres.rpc_major, 2);
	assert_int_equal(pm.cres.rpc_minor, 1);
	assert_int_equal(pm.cres.peer.category, ALTS_CAT_WORKLOAD);
	assert_int_equal(pm.cres.peer.n_attrs, 1);
	assert_string_equal(pm.cres.peer.attrs[0].key, "role");
	/* ServerInit and ServerFinished travel together, as two frames */
	assert_int_equal(pm.n_flights, 3);
	assert_int_equal(get_le32(pm.flight[1] + 4), ALTS_FRAME_SERVER_INIT);
	assert_int_equal(get_le32(pm.flight[1] + 4 + get_le32(pm.flight[1]) + 4),
			 ALTS_FRAME_SERVER_FINISHED);
	pump_free(&pm);
}

/*
 * Fixed transcript vector. With the RNGs and credentials fixed, every
 * frame is fixed; the key is recomputed here from the frames, the test's
 * private keys and the (independently checked) key schedule.
 */
static void transcript_vector(T_STATE)
{
	static const char want_key[] =
		"e27c58d90f18ce6e6cf6dfca61d038da04aaf038b85e3b340b3902ae3955dde402ba413044ef7a3a48fa4c26";
	struct env e;
	struct pump pm;
	Kalts__Hs__ServerInit *si;
	struct test_rng r;
	uint8_t th[32], nonce[32], eph[32], ikm[64], spub[32];
	size_t ci_len, si_len;
	struct alts_keys k;
	char hex[2 * 44 + 1];

	env_init(&e);
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_agree(&pm);
	ci_len = pm.flight_len[0];
	si_len = get_le32(pm.flight[1]) + 4;
	{
		struct alts_iov iov[2] = { { pm.flight[0], ci_len }, { pm.flight[1], si_len } };

		assert_true(alts_sha256(th, iov, 2));
	}
	/* the client's RNG gives n_c, then e_c */
	test_rng_init(&r, "client");
	test_rng_fn(&r, nonce, 32);
	test_rng_fn(&r, eph, 32);
	si = kalts__hs__server_init__unpack(NULL, si_len - 8, pm.flight[1] + 8);
	assert_non_null(si);
	assert_int_equal(si->ephemeral.len, 32);
	/* ss || ee */
	alts_x25519_public(spub, srv.static_priv);
	assert_true(alts_x25519(ikm, cli.static_priv, spub));
	assert_true(alts_x25519(ikm + 32, eph, si->ephemeral.data));
	kalts__hs__server_init__free_unpacked(si, NULL);
	assert_true(alts_key_schedule(&k, false, ikm, 64, ALTS_RPN_GCM_AES128_REKEY, 44, th));
	assert_memory_equal(k.m, pm.cres.key, 44);
	/* both authenticators, from A and the Finished messages' tickets */
	{
		Kalts__Hs__ServerFinished *sf;
		Kalts__Hs__ClientFinished *cf;
		uint8_t mac[32];

		sf = kalts__hs__server_finished__unpack(NULL, pm.flight_len[1] - si_len - 8,
							pm.flight[1] + si_len + 8);
		cf = kalts__hs__client_finished__unpack(NULL, pm.flight_len[2] - 8, pm.flight[2] + 8);
		assert_non_null(sf);
		assert_non_null(cf);
		assert_true(sf->ticket.len > 0);
		assert_true(alts_authenticator(mac, k.a, ALTS_LABEL_SFIN, sf->ticket.data, sf->ticket.len));
		assert_memory_equal(mac, sf->authenticator.data, 32);
		assert_true(alts_authenticator(mac, k.a, ALTS_LABEL_CFIN, NULL, 0));
		assert_memory_equal(mac, cf->authenticator.data, 32);
		/* the client's new ticket carries R' of this transcript */
		assert_memory_equal(pm.cres.ticket.secret, k.r, 32);
		kalts__hs__server_finished__free_unpacked(sf, NULL);
		kalts__hs__client_finished__free_unpacked(cf, NULL);
	}
	bin2hex(hex, pm.cres.key, 44);
	assert_string_equal(hex, want_key);
	pump_free(&pm);
}

/*
 * Fixed vector for a resumed handshake with PFS: IKM = R || ee, with R the
 * ticket secret from the previous (fixed) full handshake.
 */
static void resumed_transcript_vector(T_STATE)
{
	static const char want_key[] =
		"2057798e829d5d7a7d65530d2884af023ff4ac6a02210b2cdbb1d2f3eef7f8fe13946172929047d1160643cf";
	struct alts_ticket ticket;
	struct env e;
	struct pump pm;
	Kalts__Hs__ServerInit *si;
	struct test_rng r;
	uint8_t th[32], buf[32], eph[32], ikm[64];
	size_t si_len;
	struct alts_keys k;
	char hex[2 * 44 + 1];

	env_init(&e);
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_agree(&pm);
	ticket = pm.cres.ticket;
	pump_free(&pm);

	test_rng_init(&e.cr, "client-2");
	test_rng_init(&e.sr, "server-2");
	e.c.ticket = &ticket;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_agree(&pm);
	assert_true(pm.cres.resumed);
	si_len = get_le32(pm.flight[1]) + 4;
	{
		struct alts_iov iov[2] = { { pm.flight[0], pm.flight_len[0] }, { pm.flight[1], si_len } };

		assert_true(alts_sha256(th, iov, 2));
	}
	test_rng_init(&r, "client-2");
	test_rng_fn(&r, buf, 32);	/* n_c */
	test_rng_fn(&r, eph, 32);	/* e_c */
	si = kalts__hs__server_init__unpack(NULL, si_len - 8, pm.flight[1] + 8);
	assert_non_null(si);
	assert_int_equal(si->resumption, KALTS__HS__RESUMPTION_OUTCOME__RESUMPTION_CLIENT_TICKET_ACCEPTED);
	memcpy(ikm, ticket.secret, 32);
	assert_true(alts_x25519(ikm + 32, eph, si->ephemeral.data));
	kalts__hs__server_init__free_unpacked(si, NULL);
	assert_true(alts_key_schedule(&k, true, ikm, 64, ALTS_RPN_GCM_AES128_REKEY, 44, th));
	assert_memory_equal(k.m, pm.cres.key, 44);
	bin2hex(hex, pm.cres.key, 44);
	assert_string_equal(hex, want_key);
	pump_free(&pm);
}

/* An active attacker rewrites the ClientInit offers: the authenticators catch it. */
struct rewrite {
	bool drop_pfs;
	bool swap_rp;
};

static void rewrite_ci(void *ctx, int flight, uint8_t *buf, size_t *len)
{
	const struct rewrite *rw = ctx;
	Kalts__Hs__ClientInit *ci;
	char *first;
	size_t n;

	if (flight != 0)
		return;
	ci = kalts__hs__client_init__unpack(NULL, *len - 8, buf + 8);
	assert_non_null(ci);
	first = ci->handshake_ciphers[0];
	if (rw->drop_pfs) {
		ci->handshake_ciphers[0] = ci->handshake_ciphers[1];
		ci->n_handshake_ciphers = 1;
		ci->ephemeral.len = 0;
	}
	if (rw->swap_rp) {
		char *t = ci->record_protocols[0];

		ci->record_protocols[0] = ci->record_protocols[1];
		ci->record_protocols[1] = t;
	}
	n = kalts__hs__client_init__pack(ci, buf + 8);
	put_le32(buf, (uint32_t)n + 4);
	*len = n + 8;
	/* restore the pointers owned by the unpacked message before freeing */
	if (rw->swap_rp) {
		char *t = ci->record_protocols[0];

		ci->record_protocols[0] = ci->record_protocols[1];
		ci->record_protocols[1] = t;
	}
	if (rw->drop_pfs) {
		ci->handshake_ciphers[0] = first;
		ci->n_handshake_ciphers = 2;
	}
	kalts__hs__client_init__free_unpacked(ci, NULL);
}

static void downgrade_cipher(T_STATE)
{
	struct rewrite rw = { .drop_pfs = true };
	struct flight_hook h = { rewrite_ci, &rw };
	struct env e;
	struct pump pm;

	env_init(&e);
	pump_run(&pm, &e.c, &e.s, &h);
	/* the server happily picks static-only; the client notices */
	assert_int_equal(pm.cerr, ALTS_ERR_BAD_AUTHENTICATOR);
	assert_false(pm.sdone);
	pump_free(&pm);
}

static void downgrade_record_protocol(T_STATE)
{
	struct rewrite rw = { .swap_rp = true };
	struct flight_hook h = { rewrite_ci, &rw };
	struct env e;
	struct pump pm;

	env_init(&e);
	pump_run(&pm, &e.c, &e.s, &h);
	assert_int_equal(pm.cerr, ALTS_ERR_BAD_AUTHENTICATOR);
	assert_false(pm.sdone);
	pump_free(&pm);
}

/* Flip each byte of one flight in turn; the side that checks it must fail. */
struct flip {
	int flight;
	size_t off;
	uint8_t mask;
};

static void flip_byte(void *ctx, int flight, uint8_t *buf, size_t *len)
{
	const struct flip *f = ctx;

	if (flight == f->flight && f->off < *len)
		buf[f->off] ^= f->mask;
}

static void tamper_all(bool resumed, bool server_ticket)
{
	struct alts_ticket ticket;
	struct env e;
	struct pump pm;
	size_t lens[3], off;
	int flight, tried = 0;

	env_init(&e);
	if (resumed) {
		pump_run(&pm, &e.c, &e.s, NULL);
		assert_true(pm.cres.has_ticket);
		ticket = pm.cres.ticket;
		pump_free(&pm);
		e.c.ticket = &ticket;
	}
	(void)server_ticket;
	env_init(&e);
	if (resumed)
		e.c.ticket = &ticket;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_agree(&pm);
	assert_int_equal(pm.cres.resumed, resumed);
	assert_int_equal(pm.n_flights, 3);
	for (flight = 0; flight < 3; flight++)
		lens[flight] = pm.flight_len[flight];
	pump_free(&pm);

	for (flight = 0; flight < 3; flight++) {
		for (off = 0; off < lens[flight]; off++) {
			struct flip f = { flight, off, (uint8_t)(off % 3 == 0 ? 0x80 : 0x01) };
			struct flight_hook h = { flip_byte, &f };

			env_init(&e);
			if (resumed)
				e.c.ticket = &ticket;
			pump_run(&pm, &e.c, &e.s, &h);
			if (flight < 2) {
				/* ClientInit or ServerInit/Finished changed: client must not finish */
				if (pm.cdone && !pm.cerr) {
					fprintf(stderr, "flight %d byte %zu accepted by client\n", flight, off);
					fail();
				}
			} else if (pm.sdone && !pm.serr) {
				fprintf(stderr, "ClientFinished byte %zu accepted by server\n", off);
				fail();
			}
			pump_free(&pm);
			tried++;
		}
	}
	assert_true(tried > 500);
}

static void tamper_every_byte_full(T_STATE)
{
	tamper_all(false, false);
}

static void tamper_every_byte_resumed(T_STATE)
{
	tamper_all(true, false);
}

static void no_common_cipher(T_STATE)
{
	struct env e;
	struct pump pm;

	env_init(&e);
	e.c.pfs = ALTS_PFS_REQUIRED;
	e.s.pfs = ALTS_PFS_OFF;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_int_equal(pm.serr, ALTS_ERR_NO_COMMON_PROTOCOL);
	/* the Alert carries the reason to the client */
	assert_int_equal(pm.cerr, ALTS_ERR_NO_COMMON_PROTOCOL);
	pump_free(&pm);
}

static void no_common_record_protocol(T_STATE)
{
	static const enum alts_rp c_rp = ALTS_RP_GMAC_128;
	struct env e;
	struct pump pm;

	env_init(&e);
	e.c.record_protocols = &c_rp;
	e.c.n_record_protocols = 1;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_int_equal(pm.serr, ALTS_ERR_NO_COMMON_PROTOCOL);
	assert_int_equal(pm.cerr, ALTS_ERR_NO_COMMON_PROTOCOL);
	pump_free(&pm);
}

static void no_common_app_protocol(T_STATE)
{
	static const char *const apps[] = { "h2" };
	struct env e;
	struct pump pm;

	env_init(&e);
	e.c.app_protocols = apps;
	e.c.n_app_protocols = 1;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_int_equal(pm.serr, ALTS_ERR_NO_COMMON_PROTOCOL);
	pump_free(&pm);
}

static void rpc_versions_incompatible(T_STATE)
{
	struct env e;
	struct pump pm;

	env_init(&e);
	e.c.rpc_max_major = e.c.rpc_min_major = 3;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_int_equal(pm.serr, ALTS_ERR_NO_COMMON_PROTOCOL);
	pump_free(&pm);
}

static void server_prefers_client_order(T_STATE)
{
	static const enum alts_rp c_rp[] = { ALTS_RP_GCM_AES128, ALTS_RP_GCM_AES128_REKEY };
	struct env e;
	struct pump pm;

	env_init(&e);
	e.c.record_protocols = c_rp;
	e.c.n_record_protocols = 2;
	e.s.pfs = ALTS_PFS_OFF;		/* server static-only, client PFS on: static */
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_agree(&pm);
	assert_int_equal(pm.cres.record_protocol, ALTS_RP_GCM_AES128);
	assert_false(pm.cres.pfs);
	pump_free(&pm);
}

static void target_identity_mismatch(T_STATE)
{
	static const char *const want[] = { "other@kalts.test" };
	static const char *const ok[] = { "x@kalts.test", SERVER_ID };
	struct env e;
	struct pump pm;

	env_init(&e);
	e.c.target_identities = want;
	e.c.n_target_identities = 1;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_int_equal(pm.cerr, ALTS_ERR_IDENTITY_MISMATCH);
	assert_false(pm.sdone);
	pump_free(&pm);

	env_init(&e);
	e.c.target_identities = ok;
	e.c.n_target_identities = 2;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_agree(&pm);
	pump_free(&pm);
}

static void server_allow_list(T_STATE)
{
	static const char *const allow[] = { "someone@kalts.test" };
	struct env e;
	struct pump pm;

	env_init(&e);
	e.s.target_identities = allow;
	e.s.n_target_identities = 1;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_int_equal(pm.serr, ALTS_ERR_IDENTITY_MISMATCH);
	assert_int_equal(pm.cerr, ALTS_ERR_IDENTITY_MISMATCH);
	pump_free(&pm);
}

/* Feed a server core raw bytes and return its verdict. */
static int server_eats(const uint8_t *buf, size_t len, size_t *consumed, struct alts_buf *out)
{
	struct alts_hs *s;
	struct env e;
	int err;

	env_init(&e);
	assert_int_equal(alts_hs_new(&s, &e.s), ALTS_OK);
	err = alts_hs_next(s, buf, len, consumed, out);
	alts_hs_free(s);
	return err;
}

static void frame_header_limits(T_STATE)
{
	struct alts_buf out = { 0 };
	uint8_t h[8];
	size_t used;

	/* oversized: rejected from the header alone, with an Alert */
	put_le32(h, ALTS_FRAME_MAX);
	put_le32(h + 4, ALTS_FRAME_CLIENT_INIT);
	assert_int_equal(server_eats(h, 8, &used, &out), ALTS_ERR_MALFORMED);
	assert_int_equal(used, 8);
	assert_true(out.len >= 8);
	assert_int_equal(get_le32(out.data + 4), ALTS_FRAME_ALERT);
	out.len = 0;
	/* largest allowed header is accepted and waits for the body */
	put_le32(h, ALTS_FRAME_MAX - 4);
	assert_int_equal(server_eats(h, 8, &used, &out), ALTS_OK);
	/* length below the type field */
	put_le32(h, 3);
	assert_int_equal(server_eats(h, 8, &used, &out), ALTS_ERR_MALFORMED);
	out.len = 0;
	/* record data frame (type 6) and unknown types */
	put_le32(h, 4);
	put_le32(h + 4, 6);
	assert_int_equal(server_eats(h, 8, &used, &out), ALTS_ERR_MALFORMED);
	put_le32(h + 4, 0);
	assert_int_equal(server_eats(h, 8, &used, &out), ALTS_ERR_MALFORMED);
	/* a valid frame of the wrong type for the state */
	put_le32(h + 4, ALTS_FRAME_CLIENT_FINISHED);
	assert_int_equal(server_eats(h, 8, &used, &out), ALTS_ERR_MALFORMED);
	/* empty ClientInit */
	put_le32(h + 4, ALTS_FRAME_CLIENT_INIT);
	assert_int_equal(server_eats(h, 8, &used, &out), ALTS_ERR_MALFORMED);
	alts_buf_free(&out);
}

static void truncated_frames(T_STATE)
{
	struct alts_hs *c;
	struct alts_buf ci = { 0 }, out = { 0 };
	struct env e;
	size_t used, cut;
	uint8_t *buf;

	env_init(&e);
	assert_int_equal(alts_hs_new(&c, &e.c), ALTS_OK);
	assert_int_equal(alts_hs_start(c, &ci), ALTS_OK);
	alts_hs_free(c);
	buf = malloc(ci.len);
	/* every strict prefix: the server waits for more and consumes all of it */
	for (cut = 0; cut < ci.len; cut++) {
		assert_int_equal(server_eats(ci.data, cut, &used, &out), ALTS_OK);
		assert_int_equal(used, cut);
		assert_int_equal(out.len, 0);
	}
	/* truncated body inside a consistent frame header: malformed */
	for (cut = 9; cut < ci.len; cut += 7) {
		memcpy(buf, ci.data, cut);
		put_le32(buf, (uint32_t)cut - 4);
		out.len = 0;
		if (server_eats(buf, cut, &used, &out) == ALTS_OK)
			/* a prefix can itself be a valid, smaller ClientInit only if it parses */
			assert_true(out.len > 0);
		else
			assert_int_equal(get_le32(out.data + 4), ALTS_FRAME_ALERT);
	}
	free(buf);
	alts_buf_free(&ci);
	alts_buf_free(&out);
}

static void unknown_field_rejected(T_STATE)
{
	struct alts_hs *c;
	struct alts_buf ci = { 0 }, out = { 0 };
	struct env e;
	size_t used;
	uint8_t *buf;

	env_init(&e);
	assert_int_equal(alts_hs_new(&c, &e.c), ALTS_OK);
	assert_int_equal(alts_hs_start(c, &ci), ALTS_OK);
	alts_hs_free(c);
	buf = malloc(ci.len + 3);
	memcpy(buf, ci.data, ci.len);
	buf[ci.len] = 0x98;		/* field 99, varint: tag 0x318 */
	buf[ci.len + 1] = 0x06;
	buf[ci.len + 2] = 1;
	put_le32(buf, (uint32_t)ci.len + 3 - 4);
	assert_int_equal(server_eats(buf, ci.len + 3, &used, &out), ALTS_ERR_MALFORMED);
	free(buf);
	alts_buf_free(&ci);
	alts_buf_free(&out);
}

/* Byte-at-a-time delivery works, and bytes after the last frame are left alone. */
static void chunking_and_leftover(T_STATE)
{
	struct alts_hs *c, *s;
	struct alts_buf c2s = { 0 }, s2c = { 0 };
	struct alts_hs_result cr, sr;
	struct env e;
	size_t used, i;
	uint8_t *buf;
	static const uint8_t record[] = "\x10\x00\x00\x00\x06\x00\x00\x00record-bytes";

	env_init(&e);
	assert_int_equal(alts_hs_new(&c, &e.c), ALTS_OK);
	assert_int_equal(alts_hs_new(&s, &e.s), ALTS_OK);
	assert_int_equal(alts_hs_start(c, &c2s), ALTS_OK);
	for (i = 0; i < c2s.len; i++) {
		assert_int_equal(alts_hs_next(s, c2s.data + i, 1, &used, &s2c), ALTS_OK);
		assert_int_equal(used, 1);
	}
	c2s.len = 0;
	assert_int_equal(alts_hs_next(c, s2c.data, s2c.len, &used, &c2s), ALTS_OK);
	assert_int_equal(used, s2c.len);
	assert_true(alts_hs_done(c));
	/* ClientFinished followed by the client's first record in one segment */
	buf = malloc(c2s.len + sizeof(record));
	memcpy(buf, c2s.data, c2s.len);
	memcpy(buf + c2s.len, record, sizeof(record));
	s2c.len = 0;
	assert_int_equal(alts_hs_next(s, buf, c2s.len + sizeof(record), &used, &s2c), ALTS_OK);
	assert_int_equal(used, c2s.len);
	assert_true(alts_hs_done(s));
	assert_int_equal(s2c.len, 0);
	assert_int_equal(alts_hs_result(c, &cr), ALTS_OK);
	assert_int_equal(alts_hs_result(s, &sr), ALTS_OK);
	assert_memory_equal(cr.key, sr.key, 44);
	/* once done, the core takes nothing more */
	assert_int_equal(alts_hs_next(s, record, sizeof(record), &used, &s2c), ALTS_OK);
	assert_int_equal(used, 0);
	alts_hs_result_wipe(&cr);
	alts_hs_result_wipe(&sr);
	free(buf);
	alts_buf_free(&c2s);
	alts_buf_free(&s2c);
	alts_hs_free(c);
	alts_hs_free(s);
}

static void api_state_checks(T_STATE)
{
	struct alts_hs *c;
	struct alts_buf out = { 0 };
	struct alts_hs_result r;
	struct env e;
	size_t used;
	uint8_t b = 0;

	env_init(&e);
	assert_int_equal(alts_hs_new(&c, &e.c), ALTS_OK);
	assert_int_equal(alts_hs_next(c, &b, 1, &used, &out), ALTS_ERR_STATE);
	assert_int_equal(alts_hs_result(c, &r), ALTS_ERR_STATE);
	assert_int_equal(alts_hs_start(c, &out), ALTS_OK);
	assert_int_equal(alts_hs_start(c, &out), ALTS_ERR_STATE);
	alts_hs_free(c);
	/* a config that cannot work is refused up front */
	e.c.pfs = ALTS_PFS_REQUIRED;
	{
		struct party p;
		struct party_opts o = { .identity = "static-only", .ciphers = ALTS_CIPHER_F_STATIC };

		assert_int_equal(party_make(&p, &o), ALTS_OK);
		e.c.creds = p.creds;
		assert_int_equal(alts_hs_new(&c, &e.c), ALTS_ERR_CONFIG);
		party_free(&p);
	}
	alts_buf_free(&out);
}

/* Design 5.12 list limits: 16 entries per list, names of at most 64 bytes. */
struct grow {
	int which;	/* 0 ciphers, 1 record protocols, 2 app protocols, 3 long name */
	size_t n;
};

static void grow_ci(void *ctx, int flight, uint8_t *buf, size_t *len)
{
	const struct grow *g = ctx;
	Kalts__Hs__ClientInit *ci;
	char *names[32], longname[80], **saved;
	size_t i, n, saved_n;

	if (flight != 0)
		return;
	ci = kalts__hs__client_init__unpack(NULL, *len - 8, buf + 8);
	assert_non_null(ci);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	for (i = 0; i < g->n; i++)
		names[i] = g->which == 0 ? ci->handshake_ciphers[0] :
			   g->which == 1 ? ci->record_protocols[0] : "grpc";
	if (g->which == 3)
		names[0] = longname;
	saved = g->which == 0 ? ci->handshake_ciphers : g->which == 1 ? ci->record_protocols :
		ci->application_protocols;
	saved_n = g->which == 0 ? ci->n_handshake_ciphers : g->which == 1 ? ci->n_record_protocols :
		ci->n_application_protocols;
	if (g->which == 0) {
		ci->handshake_ciphers = names;
		ci->n_handshake_ciphers = g->n;
	} else if (g->which == 1) {
		ci->record_protocols = names;
		ci->n_record_protocols = g->n;
	} else {
		ci->application_protocols = names;
		ci->n_application_protocols = g->n;
	}
	n = kalts__hs__client_init__pack(ci, buf + 8);
	put_le32(buf, (uint32_t)n + 4);
	*len = n + 8;
	if (g->which == 0) {
		ci->handshake_ciphers = saved;
		ci->n_handshake_ciphers = saved_n;
	} else if (g->which == 1) {
		ci->record_protocols = saved;
		ci->n_record_protocols = saved_n;
	} else {
		ci->application_protocols = saved;
		ci->n_application_protocols = saved_n;
	}
	kalts__hs__client_init__free_unpacked(ci, NULL);
}

static void list_limits(T_STATE)
{
	static const struct grow cases[] = {
		{ 0, 16 }, { 0, 17 }, { 1, 16 }, { 1, 17 }, { 2, 16 }, { 2, 17 }, { 3, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct flight_hook h = { grow_ci, (void *)&cases[i] };
		struct env e;
		struct pump pm;
		env_init(&e);
		pump_run(&pm, &e.c, &e.s, &h);
		if (cases[i].n == 16) {
			/* accepted by the server; the client sees its offer changed and says so */
			assert_int_equal(pm.cerr, ALTS_ERR_BAD_AUTHENTICATOR);
			assert_int_equal(pm.serr, ALTS_ERR_BAD_AUTHENTICATOR);
		} else {
			assert_int_equal(pm.serr, ALTS_ERR_MALFORMED);
			assert_int_equal(pm.cerr, ALTS_ERR_MALFORMED);
		}
		pump_free(&pm);
	}
}

static void frame_size_negotiation(T_STATE)
{
	struct env e;
	struct pump pm;

	env_init(&e);
	e.c.max_frame_size = 65536;
	e.s.max_frame_size = 4096;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_agree(&pm);
	/* gRPC's rule: max(16 KiB, min(peer, local)) */
	assert_int_equal(pm.cres.peer_max_frame_size, 4096);
	assert_int_equal(pm.cres.max_frame_size, 16384);
	assert_int_equal(pm.sres.peer_max_frame_size, 65536);
	assert_int_equal(pm.sres.max_frame_size, 16384);
	pump_free(&pm);
}

#define MT(i) cmocka_unit_test_prestate(matrix, (void *)&mcases[i])
static const struct CMUnitTest tests[] = {
	MT(0), MT(1), MT(2), MT(3), MT(4), MT(5), MT(6), MT(7), MT(8),
	MT(9), MT(10), MT(11), MT(12), MT(13), MT(14), MT(15), MT(16), MT(17),
	cmocka_unit_test(defaults),
	cmocka_unit_test(transcript_vector),
	cmocka_unit_test(resumed_transcript_vector),
	cmocka_unit_test(downgrade_cipher),
	cmocka_unit_test(downgrade_record_protocol),
	cmocka_unit_test(tamper_every_byte_full),
	cmocka_unit_test(tamper_every_byte_resumed),
	cmocka_unit_test(no_common_cipher),
	cmocka_unit_test(no_common_record_protocol),
	cmocka_unit_test(no_common_app_protocol),
	cmocka_unit_test(rpc_versions_incompatible),
	cmocka_unit_test(server_prefers_client_order),
	cmocka_unit_test(target_identity_mismatch),
	cmocka_unit_test(server_allow_list),
	cmocka_unit_test(frame_header_limits),
	cmocka_unit_test(truncated_frames),
	cmocka_unit_test(unknown_field_rejected),
	cmocka_unit_test(chunking_and_leftover),
	cmocka_unit_test(api_state_checks),
	cmocka_unit_test(frame_size_negotiation),
	cmocka_unit_test(list_limits),
};

GROUP(handshake_group, "handshake", tests);
