// SPDX-License-Identifier: GPL-2.0
/* Resumption tickets: format, single use, fallback, server-side resumption. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"
#include "testutil.h"
#include "ticket.h"

#define SERVER_ID	"server@kalts.test"
#define CLIENT_ID	"client@kalts.test"

static void body(struct alts_ticket_body *b)
{
	memset(b, 0, sizeof(*b));
	memset(b->secret, 0x42, sizeof(b->secret));
	strcpy(b->identity, CLIENT_ID);
	strcpy(b->issuer_identity, SERVER_ID);
	b->revocation_id = 7;
	b->expires_at = TEST_NOW + 100;
	strcpy(b->record_protocol, ALTS_RPN_GCM_AES128);
	strcpy(b->handshake_cipher, ALTS_CIPHER_PFS);
	b->pfs = true;
}

static void seal_open(T_STATE)
{
	struct alts_secrets sec = { 0 };
	struct alts_ticket_body b, back;
	struct test_rng r;
	uint8_t t[ALTS_MAX_TICKET];
	size_t len, i;

	test_rng_init(&r, "ticket");
	sec.n_res_keys = 2;
	memset(sec.res_keys[0].idr, 1, ALTS_IDR_LEN);
	memset(sec.res_keys[1].idr, 2, ALTS_IDR_LEN);
	memset(sec.res_keys[1].key, 3, ALTS_RES_KEY_LEN);
	body(&b);
	/* sealed under an older key that is still configured */
	assert_int_equal(alts_ticket_seal(&sec.res_keys[1], test_rng_fn, &r, &b, t, sizeof(t), &len), 0);
	assert_memory_equal(t, sec.res_keys[1].idr, ALTS_IDR_LEN);
	assert_int_equal(t[ALTS_IDR_LEN], ALTS_TICKET_VERSION);
	assert_int_equal(alts_ticket_open(&sec, t, len, &back), 0);
	assert_memory_equal(back.secret, b.secret, 32);
	assert_string_equal(back.identity, CLIENT_ID);
	assert_int_equal(back.revocation_id, 7);
	assert_true(back.pfs);
	/* every byte is authenticated (IDR and version too) */
	for (i = 0; i < len; i++) {
		t[i] ^= 0x10;
		assert_int_not_equal(alts_ticket_open(&sec, t, len, &back), 0);
		t[i] ^= 0x10;
	}
	for (i = 0; i < len; i++)
		assert_int_not_equal(alts_ticket_open(&sec, t, i, &back), 0);
	/* key rotated away */
	sec.n_res_keys = 1;
	assert_int_equal(alts_ticket_open(&sec, t, len, &back), -ENOKEY);
	assert_int_equal(alts_ticket_seal(&sec.res_keys[0], test_rng_fn, &r, &b, t, 40, &len), -EMSGSIZE);
}

static void cache_single_use(T_STATE)
{
	struct alts_ticket_cache *c = alts_ticket_cache_new(2);
	struct alts_ticket t = { 0 }, out;

	t.len = 10;
	t.expires_at = TEST_NOW + 10;
	strcpy(t.peer_identity, "a");
	alts_ticket_cache_put(c, &t);
	assert_true(alts_ticket_cache_take(c, "a", TEST_NOW, &out));
	assert_false(alts_ticket_cache_take(c, "a", TEST_NOW, &out));
	alts_ticket_cache_put(c, &t);
	assert_false(alts_ticket_cache_take(c, "b", TEST_NOW, &out));
	assert_false(alts_ticket_cache_take(c, "a", TEST_NOW + 10, &out));	/* expired */
	/* eviction keeps the newest */
	strcpy(t.peer_identity, "b");
	alts_ticket_cache_put(c, &t);
	strcpy(t.peer_identity, "c");
	alts_ticket_cache_put(c, &t);
	strcpy(t.peer_identity, "d");
	alts_ticket_cache_put(c, &t);
	assert_false(alts_ticket_cache_take(c, "b", TEST_NOW, &out));
	assert_true(alts_ticket_cache_take(c, "d", TEST_NOW, &out));
	alts_ticket_cache_free(c);
}

static void replay_cache(T_STATE)
{
	struct alts_replay_cache *rc = alts_replay_cache_new(64);
	uint8_t n1[12] = { 1 }, n2[12] = { 2 };

	assert_true(alts_replay_cache_add(rc, n1, TEST_NOW + 10, TEST_NOW));
	assert_false(alts_replay_cache_add(rc, n1, TEST_NOW + 10, TEST_NOW));
	assert_true(alts_replay_cache_add(rc, n2, TEST_NOW + 10, TEST_NOW));
	/* expired entries are forgotten (the ticket itself is expired by then) */
	assert_true(alts_replay_cache_add(rc, n1, TEST_NOW + 30, TEST_NOW + 20));
	alts_replay_cache_free(rc);
}

static struct party srv, cli, other;
static bool ready;

struct env {
	struct test_rng cr, sr;
	struct alts_hs_config c, s;
};

static void env_init(struct env *e, int round)
{
	char label[32];

	if (!ready) {
		struct party_opts s = { .identity = SERVER_ID }, c = { .identity = CLIENT_ID };
		struct party_opts o = { .identity = "other@kalts.test" };

		assert_int_equal(party_make(&srv, &s), 0);
		assert_int_equal(party_make(&cli, &c), 0);
		assert_int_equal(party_make(&other, &o), 0);
		ready = true;
	}
	snprintf(label, sizeof(label), "client%d", round);
	test_rng_init(&e->cr, label);
	snprintf(label, sizeof(label), "server%d", round);
	test_rng_init(&e->sr, label);
	test_config(&e->c, ALTS_CLIENT, &cli, &e->cr);
	test_config(&e->s, ALTS_SERVER, &srv, &e->sr);
}

static void first_ticket(struct alts_ticket *t)
{
	struct env e;
	struct pump pm;

	env_init(&e, 0);
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_int_equal(pm.cerr, 0);
	assert_int_equal(pm.serr, 0);
	assert_true(pm.cres.has_ticket);
	assert_false(pm.sres.has_ticket);
	*t = pm.cres.ticket;
	assert_string_equal(t->peer_identity, SERVER_ID);
	assert_int_equal(t->expires_at, TEST_NOW + ALTS_TICKET_LIFETIME);
	pump_free(&pm);
}

/* A replayed ticket is refused by the server's replay cache: full handshake. */
static void replayed_ticket(T_STATE)
{
	struct alts_replay_cache *rc = alts_replay_cache_new(128);
	struct alts_ticket t;
	struct env e;
	struct pump pm;

	first_ticket(&t);
	env_init(&e, 1);
	e.c.ticket = &t;
	e.s.replay = rc;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_int_equal(pm.cerr, 0);
	assert_true(pm.cres.resumed);
	pump_free(&pm);

	env_init(&e, 2);
	e.c.ticket = &t;
	e.s.replay = rc;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_int_equal(pm.cerr, 0);
	assert_int_equal(pm.serr, 0);
	assert_false(pm.cres.resumed);
	assert_false(pm.sres.resumed);
	pump_free(&pm);
	alts_replay_cache_free(rc);
}

static void fallback(struct alts_ticket *t, void (*tweak)(struct env *e), int want_err)
{
	struct env e;
	struct pump pm;

	env_init(&e, 3);
	e.c.ticket = t;
	tweak(&e);
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_int_equal(pm.serr, want_err);
	if (!want_err) {
		assert_int_equal(pm.cerr, 0);
		assert_false(pm.cres.resumed);
		assert_false(pm.sres.resumed);
	}
	pump_free(&pm);
}

static void tw_expired(struct env *e)
{
	e->s.now = e->c.now = TEST_NOW + ALTS_TICKET_LIFETIME;
}

static void tw_no_tickets(struct env *e)
{
	e->s.no_tickets = true;
}

static void tw_other_client(struct env *e)
{
	e->c.creds = other.creds;
}

static struct alts_creds *rotated;

static void tw_rotated(struct env *e)
{
	e->s.creds = rotated;
}

static void ticket_fallbacks(T_STATE)
{
	struct party_opts so = { .identity = SERVER_ID, .no_res_key = true };
	struct party s2;
	struct alts_ticket t, bad;

	first_ticket(&t);
	fallback(&t, tw_expired, 0);
	fallback(&t, tw_no_tickets, 0);
	fallback(&t, tw_other_client, 0);
	/* a server without that K_res (rotated, or another cell) */
	assert_int_equal(party_make(&s2, &so), 0);
	rotated = s2.creds;
	fallback(&t, tw_rotated, 0);
	party_free(&s2);
	/* garbage and truncated tickets */
	bad = t;
	bad.data[40] ^= 1;
	fallback(&bad, tw_no_tickets, 0);
	fallback(&bad, tw_expired, 0);
	bad = t;
	bad.len = 20;
	fallback(&bad, tw_expired, 0);
}

/* Revoked after the ticket was issued: the ticket's revocation ID is checked. */
static void revoked_after_issue(T_STATE)
{
	struct alts_ticket t;
	struct env e;
	struct pump pm;
	struct alts_creds *saved_crl_owner = srv.creds;

	first_ticket(&t);
	assert_int_equal(alts_creds_add_crl(saved_crl_owner, (3ULL << 56) | 1), 0);
	env_init(&e, 4);
	e.c.ticket = &t;
	pump_run(&pm, &e.c, &e.s, NULL);
	/* no resumption, and the full handshake finds the revoked certificate */
	assert_int_equal(pm.serr, ALTS_ERR_REVOKED);
	assert_int_equal(pm.cerr, ALTS_ERR_REVOKED);
	pump_free(&pm);
	free(saved_crl_owner->crl);
	saved_crl_owner->crl = NULL;
	saved_crl_owner->n_crl = 0;
}

/* The client's R must match: a stolen ticket without R fails the handshake. */
static void ticket_without_secret(T_STATE)
{
	struct alts_ticket t;
	struct env e;
	struct pump pm;

	first_ticket(&t);
	memset(t.secret, 0, sizeof(t.secret));
	env_init(&e, 5);
	e.c.ticket = &t;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_int_equal(pm.cerr, ALTS_ERR_BAD_AUTHENTICATOR);
	assert_false(pm.sdone);
	pump_free(&pm);
}

/*
 * Resumption skips signature checks, so it is bound to the exact
 * certificate R was agreed with: another certificate (even for the same
 * identity, e.g. one with forged attributes) does not resume.
 */
static void ticket_bound_to_certificate(T_STATE)
{
	struct party_opts o = { .identity = CLIENT_ID, .hs_na = TEST_NOW + 7200 };
	struct party rotated_client;
	struct alts_ticket t;
	struct env e;
	struct pump pm;

	first_ticket(&t);
	/* the client rotated its handshake certificate: full handshake */
	assert_int_equal(party_make(&rotated_client, &o), 0);
	env_init(&e, 30);
	e.c.ticket = &t;
	e.c.creds = rotated_client.creds;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_int_equal(pm.cerr, 0);
	assert_int_equal(pm.serr, 0);
	assert_false(pm.sres.resumed);
	pump_free(&pm);
	party_free(&rotated_client);

	/* the server answers a resumption with a certificate other than the one R belongs to */
	first_ticket(&t);
	t.peer_cert_hash[0] ^= 1;
	env_init(&e, 31);
	e.c.ticket = &t;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_int_equal(pm.cerr, ALTS_ERR_RESUMPTION);
	assert_false(pm.cdone);
	pump_free(&pm);
}

/* Server-side resumption: the server holds the client's ticket. */
struct store {
	bool full;
	uint8_t idr[ALTS_IDR_LEN];
	struct alts_ticket t;
};

static void store_put(void *ctx, const uint8_t idr[ALTS_IDR_LEN], const struct alts_ticket *t)
{
	struct store *s = ctx;

	memcpy(s->idr, idr, ALTS_IDR_LEN);
	s->t = *t;
	s->full = true;
}

static bool store_take(void *ctx, const uint8_t idr[ALTS_IDR_LEN], struct alts_ticket *t)
{
	struct store *s = ctx;

	if (!s->full || memcmp(s->idr, idr, ALTS_IDR_LEN))
		return false;
	*t = s->t;
	s->full = false;
	return true;
}

static void server_side_resumption(T_STATE)
{
	struct store st = { 0 };
	struct alts_server_store ops = { store_put, store_take, &st };
	struct env e;
	struct pump pm;
	int i;

	env_init(&e, 6);
	e.c.offer_server_ticket = true;
	e.s.store = &ops;
	e.s.no_tickets = false;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_int_equal(pm.cerr, 0);
	assert_int_equal(pm.serr, 0);
	assert_true(st.full);
	assert_string_equal(st.t.peer_identity, CLIENT_ID);
	pump_free(&pm);

	for (i = 0; i < 3; i++) {
		env_init(&e, 7 + i);
		e.c.offer_server_ticket = true;
		e.s.store = &ops;
		pump_run(&pm, &e.c, &e.s, NULL);
		assert_int_equal(pm.cerr, 0);
		assert_int_equal(pm.serr, 0);
		assert_true(pm.cres.resumed);
		assert_true(pm.sres.resumed);
		assert_memory_equal(pm.cres.key, pm.sres.key, pm.cres.key_len);
		/* each resumed session leaves a fresh ticket behind */
		assert_true(st.full);
		pump_free(&pm);
	}
	/* single use: taken tickets are gone */
	env_init(&e, 20);
	e.s.store = &ops;
	st.full = false;
	pump_run(&pm, &e.c, &e.s, NULL);
	assert_int_equal(pm.cerr, 0);
	assert_false(pm.cres.resumed);
	pump_free(&pm);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(seal_open),
	cmocka_unit_test(cache_single_use),
	cmocka_unit_test(replay_cache),
	cmocka_unit_test(replayed_ticket),
	cmocka_unit_test(ticket_fallbacks),
	cmocka_unit_test(revoked_after_issue),
	cmocka_unit_test(ticket_without_secret),
	cmocka_unit_test(ticket_bound_to_certificate),
	cmocka_unit_test(server_side_resumption),
};

GROUP(ticket_group, "ticket", tests);
