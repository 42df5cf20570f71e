// SPDX-License-Identifier: GPL-2.0
/* Deterministic fixtures for tests and the benchmark. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "kdf.h"
#include "testutil.h"

void test_seed(uint8_t out[32], const char *a, const char *b)
{
	struct alts_iov iov[3] = { { a, strlen(a) }, { "/", 1 }, { b, strlen(b) } };

	alts_sha256(out, iov, 3);
}

void test_rng_init(struct test_rng *r, const char *label)
{
	test_seed(r->seed, "rng", label);
	r->ctr = 0;
}

bool test_rng_fn(void *ctx, uint8_t *buf, size_t len)
{
	struct test_rng *r = ctx;
	uint8_t block[32];

	while (len) {
		struct alts_iov iov[2] = { { r->seed, 32 }, { &r->ctr, sizeof(r->ctr) } };
		size_t n = len < 32 ? len : 32;

		alts_sha256(block, iov, 2);
		memcpy(buf, block, n);
		buf += n;
		len -= n;
		r->ctr++;
	}
	return true;
}

void root_seed(uint8_t seed[32], const char *label)
{
	test_seed(seed, "root", label);
}

int party_make(struct party *p, const struct party_opts *o)
{
	uint8_t rseed[32], rpub[32], mpub[32], spub[32], idr[ALTS_IDR_LEN], key[32];
	struct alts_master_params mp = { 0 };
	struct alts_hscert_params hp = { 0 };
	struct alts_attr attr = { "role", "test" };
	int err;

	memset(p, 0, sizeof(*p));
	root_seed(rseed, o->root_label ? o->root_label : TEST_ROOT);
	test_seed(p->master_seed, "master", o->identity);
	test_seed(p->static_priv, "static", o->identity);
	alts_ed25519_public(mpub, p->master_seed);
	alts_x25519_public(spub, p->static_priv);

	mp.identity = o->identity;
	mp.category = o->category ? o->category : ALTS_CAT_WORKLOAD;
	mp.issuer = o->issuer ? o->issuer : TEST_ROOT;
	mp.revocation_id = o->revocation_id ? o->revocation_id : ((uint64_t)mp.category << 56 | 1);
	mp.not_before = o->master_nb ? o->master_nb : TEST_NOW - 86400;
	mp.not_after = o->master_na;
	mp.public_key = mpub;
	err = alts_master_issue(rseed, &mp, &p->master_cert, &p->master_len);
	if (err)
		return err;

	hp.static_key = spub;
	hp.ciphers = o->ciphers ? o->ciphers : ALTS_CIPHER_F_PFS | ALTS_CIPHER_F_STATIC;
	hp.attrs = &attr;
	hp.n_attrs = 1;
	hp.revocation_id = o->hs_revocation_id ? o->hs_revocation_id : mp.revocation_id + 1;
	hp.not_before = o->hs_nb ? o->hs_nb : TEST_NOW - 3600;
	hp.not_after = o->hs_na ? o->hs_na : TEST_NOW + 48 * 3600;
	hp.master_cert = p->master_cert;
	hp.master_len = p->master_len;
	err = alts_hscert_issue(p->master_seed, &hp, &p->hs_cert, &p->hs_len);
	if (err)
		return err;

	p->creds = alts_creds_new();
	if (!p->creds)
		return ALTS_ERR_NOMEM;
	err = alts_creds_set_cert(p->creds, p->hs_cert, p->hs_len, p->static_priv);
	if (err)
		return err;
	root_seed(rseed, TEST_ROOT);
	alts_ed25519_public(rpub, rseed);
	err = alts_creds_add_root(p->creds, TEST_ROOT, rpub);
	if (!err)
		err = alts_creds_add_rule(p->creds, "*", 0xe, "*");
	if (!err && !o->no_res_key) {
		test_seed(key, "reskey", o->identity);
		test_seed(rseed, "idr", o->identity);
		memcpy(idr, rseed, sizeof(idr));
		err = alts_creds_add_res_key(p->creds, idr, key);
	}
	OPENSSL_cleanse(rseed, sizeof(rseed));
	return err;
}

void party_free(struct party *p)
{
	alts_creds_free(p->creds);
	free(p->master_cert);
	free(p->hs_cert);
	OPENSSL_cleanse(p, sizeof(*p));
}

void test_config(struct alts_hs_config *cfg, enum alts_role role, const struct party *p,
		 struct test_rng *rng)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->role = role;
	cfg->creds = p->creds;
	cfg->now = TEST_NOW;
	cfg->rng = test_rng_fn;
	cfg->rng_ctx = rng;
}

static void keep_flight(struct pump *pm, const uint8_t *buf, size_t len)
{
	if (pm->n_flights >= 4)
		return;
	pm->flight[pm->n_flights] = malloc(len ? len : 1);
	memcpy(pm->flight[pm->n_flights], buf, len);
	pm->flight_len[pm->n_flights++] = len;
}

static void step(struct alts_hs *hs, int *err, bool *done,
		 struct alts_buf *in, struct alts_buf *out, struct alts_hs_result *res)
{
	size_t consumed;

	if (*err || *done || !in->len)
		return;
	*err = alts_hs_next(hs, in->data, in->len, &consumed, out);
	in->len = 0;
	if (!*err && alts_hs_done(hs)) {
		*done = true;
		*err = alts_hs_result(hs, res);
	}
}

void pump_run(struct pump *pm, const struct alts_hs_config *ccfg,
	      const struct alts_hs_config *scfg, const struct flight_hook *hook)
{
	struct alts_hs *c = NULL, *s = NULL;
	struct alts_buf c2s = { 0 }, s2c = { 0 }, tmp = { 0 };
	int flight = 0, rounds;

	memset(pm, 0, sizeof(*pm));
	pm->cerr = alts_hs_new(&c, ccfg);
	pm->serr = alts_hs_new(&s, scfg);
	if (pm->cerr || pm->serr)
		goto out;
	pm->cerr = alts_hs_start(c, &c2s);
	alts_hs_start(s, &s2c);
	for (rounds = 0; rounds < 8; rounds++) {
		bool moved = false;

		if (c2s.len) {
			if (hook && hook->fn)
				hook->fn(hook->ctx, flight, c2s.data, &c2s.len);
			keep_flight(pm, c2s.data, c2s.len);
			flight++;
			tmp.len = 0;
			step(s, &pm->serr, &pm->sdone, &c2s, &s2c, &pm->sres);
			moved = true;
		}
		if (s2c.len) {
			if (hook && hook->fn)
				hook->fn(hook->ctx, flight, s2c.data, &s2c.len);
			keep_flight(pm, s2c.data, s2c.len);
			flight++;
			step(c, &pm->cerr, &pm->cdone, &s2c, &c2s, &pm->cres);
			moved = true;
		}
		if (!moved)
			break;
	}
out:
	alts_buf_free(&c2s);
	alts_buf_free(&s2c);
	alts_buf_free(&tmp);
	alts_hs_free(c);
	alts_hs_free(s);
}

void pump_free(struct pump *pm)
{
	size_t i;

	for (i = 0; i < pm->n_flights; i++)
		free(pm->flight[i]);
	alts_hs_result_wipe(&pm->cres);
	alts_hs_result_wipe(&pm->sres);
}

void hex2bin(uint8_t *out, const char *hex)
{
	alts_hex_decode(out, strlen(hex) / 2, hex, strlen(hex));
}

void bin2hex(char *out, const uint8_t *in, size_t len)
{
	alts_hex_encode(out, in, len);
}
