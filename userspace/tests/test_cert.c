// SPDX-License-Identifier: GPL-2.0
/* Certificates, policy, CRL and credential files: every check of design 5.11. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alts_handshake.pb-c.h"
#include "kdf.h"
#include "tests.h"
#include "testutil.h"

static int verify_party(const struct party_opts *o, const struct alts_creds *verifier,
			struct alts_cert_info *info)
{
	struct party p;
	int err;

	assert_int_equal(party_make(&p, o), ALTS_OK);
	err = alts_cert_verify(verifier ? verifier : p.creds, p.hs_cert, p.hs_len, TEST_NOW,
			       true, info);
	party_free(&p);
	return err;
}

static void valid_chain(T_STATE)
{
	struct party_opts o = { .identity = "svc@kalts.test", .category = ALTS_CAT_MACHINE,
				.hs_na = TEST_NOW + 12 * 3600 };
	struct alts_cert_info info;

	assert_int_equal(verify_party(&o, NULL, &info), ALTS_OK);
	assert_string_equal(info.identity, "svc@kalts.test");
	assert_string_equal(info.issuer, TEST_ROOT);
	assert_int_equal(info.category, ALTS_CAT_MACHINE);
	assert_int_equal(info.master_revocation_id, (uint64_t)ALTS_CAT_MACHINE << 56 | 1);
	assert_int_equal(info.revocation_id, (uint64_t)ALTS_CAT_MACHINE << 56 | 2);
	assert_int_equal(info.not_after, TEST_NOW + 12 * 3600);
	assert_int_equal(info.ciphers, ALTS_CIPHER_F_PFS | ALTS_CIPHER_F_STATIC);
}

static void wrong_root(T_STATE)
{
	struct party_opts o = { .identity = "a", .root_label = "some other root" };
	struct party_opts o2 = { .identity = "a", .issuer = "unknown-root" };
	struct alts_cert_info info;

	assert_int_equal(verify_party(&o, NULL, &info), ALTS_ERR_UNTRUSTED);
	assert_int_equal(verify_party(&o2, NULL, &info), ALTS_ERR_UNTRUSTED);
}

static void validity_windows(T_STATE)
{
	struct party_opts expired = { .identity = "a", .hs_nb = TEST_NOW - 7200, .hs_na = TEST_NOW - 61 };
	struct party_opts skew = { .identity = "a", .hs_nb = TEST_NOW + 59, .hs_na = TEST_NOW - 59 + 7200 };
	struct party_opts early = { .identity = "a", .hs_nb = TEST_NOW + 61, .hs_na = TEST_NOW + 7200 };
	struct party_opts m_exp = { .identity = "a", .master_na = TEST_NOW - 100 };
	struct party_opts m_early = { .identity = "a", .master_nb = TEST_NOW + 3600,
				      .master_na = TEST_NOW + 7200 };
	struct alts_cert_info info;

	assert_int_equal(verify_party(&expired, NULL, &info), ALTS_ERR_EXPIRED);
	assert_int_equal(verify_party(&skew, NULL, &info), ALTS_OK);
	assert_int_equal(verify_party(&early, NULL, &info), ALTS_ERR_NOT_YET_VALID);
	assert_int_equal(verify_party(&m_exp, NULL, &info), ALTS_ERR_EXPIRED);
	assert_int_equal(verify_party(&m_early, NULL, &info), ALTS_ERR_NOT_YET_VALID);
}

static void revoked(T_STATE)
{
	struct party_opts o = { .identity = "a", .hs_revocation_id = (3ULL << 56) | 77 };
	struct alts_cert_info info;
	struct party p;

	assert_int_equal(party_make(&p, &o), ALTS_OK);
	assert_int_equal(alts_cert_verify(p.creds, p.hs_cert, p.hs_len, TEST_NOW, true, &info), ALTS_OK);
	assert_int_equal(alts_creds_add_crl(p.creds, 5), ALTS_OK);
	assert_int_equal(alts_creds_add_crl(p.creds, (3ULL << 56) | 77), ALTS_OK);
	assert_int_equal(alts_cert_verify(p.creds, p.hs_cert, p.hs_len, TEST_NOW, true, &info),
			 ALTS_ERR_REVOKED);
	/* also without signature checks (the resumption path) */
	assert_int_equal(alts_cert_verify(p.creds, p.hs_cert, p.hs_len, TEST_NOW, false, &info),
			 ALTS_ERR_REVOKED);
	party_free(&p);

	/* revoking the master revokes every handshake cert under it */
	o.hs_revocation_id = 0;
	assert_int_equal(party_make(&p, &o), ALTS_OK);
	assert_int_equal(alts_creds_add_crl(p.creds, (3ULL << 56) | 1), ALTS_OK);
	assert_int_equal(alts_cert_verify(p.creds, p.hs_cert, p.hs_len, TEST_NOW, true, &info),
			 ALTS_ERR_REVOKED);
	party_free(&p);
}

static void policy(T_STATE)
{
	struct party_opts o = { .identity = "db@prod", .category = ALTS_CAT_WORKLOAD };
	struct alts_cert_info info;
	struct alts_creds *c;
	struct party p;
	uint8_t seed[32], pub[32];

	assert_int_equal(party_make(&p, &o), ALTS_OK);
	root_seed(seed, TEST_ROOT);
	alts_ed25519_public(pub, seed);
	/* no rule at all: nothing is allowed */
	c = alts_creds_new();
	assert_int_equal(alts_creds_add_root(c, TEST_ROOT, pub), ALTS_OK);
	assert_int_equal(alts_cert_verify(c, p.hs_cert, p.hs_len, TEST_NOW, true, &info), ALTS_ERR_POLICY);
	/* wrong issuer, wrong category, wrong identity pattern */
	assert_int_equal(alts_creds_add_rule(c, "other-root", 1u << ALTS_CAT_WORKLOAD, "*"), ALTS_OK);
	assert_int_equal(alts_creds_add_rule(c, TEST_ROOT, 1u << ALTS_CAT_HUMAN, "*"), ALTS_OK);
	assert_int_equal(alts_creds_add_rule(c, TEST_ROOT, 1u << ALTS_CAT_WORKLOAD, "*@staging"), ALTS_OK);
	assert_int_equal(alts_cert_verify(c, p.hs_cert, p.hs_len, TEST_NOW, true, &info), ALTS_ERR_POLICY);
	assert_int_equal(alts_creds_add_rule(c, TEST_ROOT, 1u << ALTS_CAT_WORKLOAD, "*@prod"), ALTS_OK);
	assert_int_equal(alts_cert_verify(c, p.hs_cert, p.hs_len, TEST_NOW, true, &info), ALTS_OK);
	alts_creds_free(c);
	party_free(&p);
}

/* Every byte of a handshake certificate matters. */
static void tampered_cert_bytes(T_STATE)
{
	struct party_opts o = { .identity = "a" };
	struct alts_cert_info info;
	struct party p;
	size_t i, accepted = 0;
	int bit;

	assert_int_equal(party_make(&p, &o), ALTS_OK);
	for (i = 0; i < p.hs_len; i++) {
		for (bit = 0; bit < 8; bit += 7) {
			p.hs_cert[i] ^= (uint8_t)(1 << bit);
			if (alts_cert_verify(p.creds, p.hs_cert, p.hs_len, TEST_NOW, true, &info) == ALTS_OK) {
				fprintf(stderr, "byte %zu bit %d accepted\n", i, bit);
				accepted++;
			}
			p.hs_cert[i] ^= (uint8_t)(1 << bit);
		}
	}
	assert_int_equal(accepted, 0);
	/* truncations */
	for (i = 0; i < p.hs_len; i++)
		assert_int_not_equal(alts_cert_verify(p.creds, p.hs_cert, i, TEST_NOW, true, &info), ALTS_OK);
	party_free(&p);
}

static void kinds_and_structure(T_STATE)
{
	struct party_opts o = { .identity = "a" };
	struct alts_master_params mp = { 0 };
	struct alts_cert_info info;
	struct party p;
	uint8_t seed[32], pub[32], *out;
	size_t len;

	assert_int_equal(party_make(&p, &o), ALTS_OK);
	/* a master certificate is not a handshake certificate (chain depth 2) */
	assert_int_equal(alts_cert_verify(p.creds, p.master_cert, p.master_len, TEST_NOW, true, &info),
			 ALTS_ERR_BAD_CERT);
	assert_int_equal(alts_master_parse(p.master_cert, p.master_len, &info), ALTS_OK);
	assert_int_equal(alts_master_parse(p.hs_cert, p.hs_len, &info), ALTS_ERR_BAD_CERT);
	/* the revocation ID's top byte is the category */
	root_seed(seed, TEST_ROOT);
	alts_ed25519_public(pub, seed);
	mp.identity = "x";
	mp.category = ALTS_CAT_HUMAN;
	mp.issuer = TEST_ROOT;
	mp.revocation_id = (3ULL << 56) | 1;
	mp.public_key = pub;
	assert_int_equal(alts_master_issue(seed, &mp, &out, &len), ALTS_ERR_CONFIG);
	/* a handshake cert can only be issued with the master's own key */
	{
		struct alts_hscert_params hp = { 0 };
		uint8_t spub[32] = { 9 };

		hp.static_key = spub;
		hp.ciphers = ALTS_CIPHER_F_PFS;
		hp.not_after = TEST_NOW + 10;
		hp.master_cert = p.master_cert;
		hp.master_len = p.master_len;
		assert_int_equal(alts_hscert_issue(seed, &hp, &out, &len), ALTS_ERR_CONFIG);
	}
	/* own cert must match the static key */
	assert_int_equal(alts_creds_set_cert(p.creds, p.hs_cert, p.hs_len, seed), ALTS_ERR_CONFIG);
	party_free(&p);
}

/* The same checks seen through a handshake: error codes and Alerts on both sides. */
struct hs_case {
	struct party_opts client;
	uint64_t server_crl;
	int server_err, client_err;
};

static void hs_negative(void **state)
{
	const struct hs_case *hc = *state;
	struct party_opts so = { .identity = "server@kalts.test" };
	struct party s, c;
	struct test_rng cr, sr;
	struct alts_hs_config ccfg, scfg;
	struct pump pm;

	assert_int_equal(party_make(&s, &so), ALTS_OK);
	assert_int_equal(party_make(&c, &hc->client), ALTS_OK);
	if (hc->server_crl)
		alts_creds_add_crl(s.creds, hc->server_crl);
	test_rng_init(&cr, "c");
	test_rng_init(&sr, "s");
	test_config(&ccfg, ALTS_CLIENT, &c, &cr);
	test_config(&scfg, ALTS_SERVER, &s, &sr);
	pump_run(&pm, &ccfg, &scfg, NULL);
	assert_int_equal(pm.serr, hc->server_err);
	assert_int_equal(pm.cerr, hc->client_err);
	assert_false(pm.sdone);
	assert_false(pm.cdone);
	pump_free(&pm);
	party_free(&s);
	party_free(&c);
}

static const struct hs_case hs_cases[] = {
	{ { .identity = "c", .root_label = "rogue" }, 0, ALTS_ERR_UNTRUSTED, ALTS_ERR_UNTRUSTED },
	{ { .identity = "c", .hs_nb = TEST_NOW - 9000, .hs_na = TEST_NOW - 3600 }, 0,
	  ALTS_ERR_EXPIRED, ALTS_ERR_EXPIRED },
	{ { .identity = "c", .hs_nb = TEST_NOW + 3600, .hs_na = TEST_NOW + 9000 }, 0,
	  ALTS_ERR_NOT_YET_VALID, ALTS_ERR_NOT_YET_VALID },
	{ { .identity = "c", .hs_revocation_id = (3ULL << 56) | 9 }, (3ULL << 56) | 9,
	  ALTS_ERR_REVOKED, ALTS_ERR_REVOKED },
	{ { .identity = "c", .ciphers = ALTS_CIPHER_F_STATIC }, 0, ALTS_OK, ALTS_OK },
};

static void hs_static_only_client(T_STATE)
{
	/* a static-only client cert still works with a PFS-on server, without PFS */
	struct party_opts so = { .identity = "server@kalts.test" }, co = hs_cases[4].client;
	struct party s, c;
	struct test_rng cr, sr;
	struct alts_hs_config ccfg, scfg;
	struct pump pm;

	assert_int_equal(party_make(&s, &so), ALTS_OK);
	assert_int_equal(party_make(&c, &co), ALTS_OK);
	test_rng_init(&cr, "c");
	test_rng_init(&sr, "s");
	test_config(&ccfg, ALTS_CLIENT, &c, &cr);
	test_config(&scfg, ALTS_SERVER, &s, &sr);
	pump_run(&pm, &ccfg, &scfg, NULL);
	assert_int_equal(pm.cerr, ALTS_OK);
	assert_int_equal(pm.serr, ALTS_OK);
	assert_false(pm.cres.pfs);
	pump_free(&pm);
	/* ... but a server that requires PFS refuses it */
	test_rng_init(&cr, "c");
	test_rng_init(&sr, "s");
	scfg.pfs = ALTS_PFS_REQUIRED;
	pump_run(&pm, &ccfg, &scfg, NULL);
	assert_int_equal(pm.serr, ALTS_ERR_NO_COMMON_PROTOCOL);
	pump_free(&pm);
	party_free(&s);
	party_free(&c);
}

static void hs_policy_violation(T_STATE)
{
	struct party_opts so = { .identity = "server@kalts.test" }, co = { .identity = "c" };
	struct party s, c;
	struct test_rng cr, sr;
	struct alts_hs_config ccfg, scfg;
	struct pump pm;

	assert_int_equal(party_make(&s, &so), ALTS_OK);
	assert_int_equal(party_make(&c, &co), ALTS_OK);
	/* the client only lets this root vouch for humans */
	c.creds->rules[0].categories = 1u << ALTS_CAT_HUMAN;
	test_rng_init(&cr, "c");
	test_rng_init(&sr, "s");
	test_config(&ccfg, ALTS_CLIENT, &c, &cr);
	test_config(&scfg, ALTS_SERVER, &s, &sr);
	pump_run(&pm, &ccfg, &scfg, NULL);
	assert_int_equal(pm.cerr, ALTS_ERR_POLICY);
	/* the server accepted the client but learns why the client gave up */
	assert_int_equal(pm.serr, ALTS_ERR_POLICY);
	assert_false(pm.sdone);
	pump_free(&pm);
	party_free(&s);
	party_free(&c);
}

/* Sign arbitrary TBS bytes the way an issuer would, to get past the issuing checks. */
static uint8_t *sign_tbs(const uint8_t seed[32], const char *label, const ProtobufCMessage *tbs,
			 size_t *len)
{
	Kalts__Hs__SignedCert sc = KALTS__HS__SIGNED_CERT__INIT;
	uint8_t sig[64], *t, *out;
	size_t tlen = protobuf_c_message_get_packed_size(tbs);

	t = malloc(tlen);
	protobuf_c_message_pack(tbs, t);
	assert_true(alts_ed25519_sign(sig, seed, label, t, tlen));
	sc.tbs.data = t;
	sc.tbs.len = tlen;
	sc.signature.data = sig;
	sc.signature.len = 64;
	*len = kalts__hs__signed_cert__get_packed_size(&sc);
	out = malloc(*len);
	kalts__hs__signed_cert__pack(&sc, out);
	free(t);
	return out;
}

/* Re-sign a party's handshake TBS with one field changed. */
static uint8_t *resign_hs(const struct party *p, uint64_t nb, uint64_t na, uint64_t rid,
			  size_t *len)
{
	Kalts__Hs__SignedCert *sc = kalts__hs__signed_cert__unpack(NULL, p->hs_len, p->hs_cert);
	Kalts__Hs__HandshakeCertTbs *t;
	uint8_t *out;

	assert_non_null(sc);
	t = kalts__hs__handshake_cert_tbs__unpack(NULL, sc->tbs.len, sc->tbs.data);
	assert_non_null(t);
	t->not_before = nb;
	t->not_after = na;
	t->revocation_id = rid;
	out = sign_tbs(p->master_seed, ALTS_LABEL_HSCERT, &t->base, len);
	kalts__hs__handshake_cert_tbs__free_unpacked(t, NULL);
	kalts__hs__signed_cert__free_unpacked(sc, NULL);
	return out;
}

/*
 * Handshake certificates live at most a day (humans, machines) or three
 * days (workloads), and each has a revocation ID of its own, so revoking a
 * leaked handshake key does not revoke the whole identity.
 */
static void hscert_life_and_rid(T_STATE)
{
	static const struct { int cat; uint64_t max; } caps[] = {
		{ ALTS_CAT_HUMAN, 24 * 3600 }, { ALTS_CAT_MACHINE, 24 * 3600 },
		{ ALTS_CAT_WORKLOAD, 72 * 3600 },
	};
	struct alts_hscert_params hp = { 0 };
	struct alts_cert_info info;
	uint8_t spub[32] = { 9 }, *cert;
	uint64_t mrid, nb = TEST_NOW - ALTS_CLOCK_SKEW;
	size_t i, len;

	for (i = 0; i < 3; i++) {
		struct party_opts o = { .identity = "life@kalts.test", .category = caps[i].cat,
					.hs_na = TEST_NOW + 3600 };
		struct party p;

		assert_int_equal(party_make(&p, &o), ALTS_OK);
		mrid = (uint64_t)caps[i].cat << 56 | 1;
		/* the cap, plus the skew an issuer backdates by: fine; a second more: not */
		cert = resign_hs(&p, nb, nb + caps[i].max + ALTS_CLOCK_SKEW, mrid + 5, &len);
		assert_int_equal(alts_cert_verify(p.creds, cert, len, TEST_NOW, true, &info), ALTS_OK);
		free(cert);
		cert = resign_hs(&p, nb, nb + caps[i].max + ALTS_CLOCK_SKEW + 1, mrid + 5, &len);
		assert_int_equal(alts_cert_verify(p.creds, cert, len, TEST_NOW, true, &info),
				 ALTS_ERR_BAD_CERT);
		free(cert);
		/* a year-long handshake certificate */
		cert = resign_hs(&p, nb, nb + 365 * 86400ULL, mrid + 5, &len);
		assert_int_equal(alts_cert_verify(p.creds, cert, len, TEST_NOW, false, &info),
				 ALTS_ERR_BAD_CERT);
		free(cert);
		/* no revocation ID of its own (the master's by default), or the master's */
		cert = resign_hs(&p, nb, nb + 3600, 0, &len);
		assert_int_equal(alts_cert_verify(p.creds, cert, len, TEST_NOW, true, &info),
				 ALTS_ERR_BAD_CERT);
		free(cert);
		cert = resign_hs(&p, nb, nb + 3600, mrid, &len);
		assert_int_equal(alts_cert_verify(p.creds, cert, len, TEST_NOW, true, &info),
				 ALTS_ERR_BAD_CERT);
		free(cert);

		/* the issuer refuses the same */
		hp.static_key = spub;
		hp.ciphers = ALTS_CIPHER_F_PFS;
		hp.master_cert = p.master_cert;
		hp.master_len = p.master_len;
		hp.not_before = nb;
		hp.not_after = nb + caps[i].max + ALTS_CLOCK_SKEW;
		hp.revocation_id = mrid + 5;
		assert_int_equal(alts_hscert_issue(p.master_seed, &hp, &cert, &len), ALTS_OK);
		free(cert);
		hp.not_after++;
		assert_int_equal(alts_hscert_issue(p.master_seed, &hp, &cert, &len), ALTS_ERR_CONFIG);
		hp.not_after = nb + 3600;
		hp.revocation_id = 0;
		assert_int_equal(alts_hscert_issue(p.master_seed, &hp, &cert, &len), ALTS_ERR_CONFIG);
		hp.revocation_id = mrid;
		assert_int_equal(alts_hscert_issue(p.master_seed, &hp, &cert, &len), ALTS_ERR_CONFIG);
		party_free(&p);
	}
}

/* Design 5.12 limits on certificates: identity length, attribute count, size. */
static void cert_limits(T_STATE)
{
	struct party_opts o = { .identity = "limits@kalts.test" };
	Kalts__Hs__HandshakeCertTbs *t;
	Kalts__Hs__SignedCert *sc;
	Kalts__Hs__MasterCertTbs m = KALTS__HS__MASTER_CERT_TBS__INIT;
	Kalts__Hs__Attribute attr[40], *ap[40];
	struct alts_cert_info info;
	struct party p;
	char longid[ALTS_MAX_IDENTITY + 2];
	uint8_t rseed[32], mpub[32], *cert, *mcert, *big;
	size_t len, mlen, i, saved_n;
	Kalts__Hs__Attribute **saved;
	ProtobufCBinaryData saved_master;
	char *saved_id;

	assert_int_equal(party_make(&p, &o), 0);
	sc = kalts__hs__signed_cert__unpack(NULL, p.hs_len, p.hs_cert);
	t = kalts__hs__handshake_cert_tbs__unpack(NULL, sc->tbs.len, sc->tbs.data);
	assert_non_null(t);
	/* control: re-signing the same TBS verifies */
	cert = sign_tbs(p.master_seed, ALTS_LABEL_HSCERT, &t->base, &len);
	assert_int_equal(alts_cert_verify(p.creds, cert, len, TEST_NOW, true, &info), 0);
	free(cert);
	/* 32 attributes are fine, 33 are not */
	for (i = 0; i < 40; i++) {
		kalts__hs__attribute__init(&attr[i]);
		attr[i].key = "k";
		attr[i].value = "v";
		ap[i] = &attr[i];
	}
	saved = t->attributes;
	saved_n = t->n_attributes;
	t->attributes = ap;
	t->n_attributes = ALTS_MAX_ATTRS;
	cert = sign_tbs(p.master_seed, ALTS_LABEL_HSCERT, &t->base, &len);
	assert_int_equal(alts_cert_verify(p.creds, cert, len, TEST_NOW, true, &info), 0);
	free(cert);
	t->n_attributes = ALTS_MAX_ATTRS + 1;
	cert = sign_tbs(p.master_seed, ALTS_LABEL_HSCERT, &t->base, &len);
	assert_int_equal(alts_cert_verify(p.creds, cert, len, TEST_NOW, true, &info), ALTS_ERR_BAD_CERT);
	free(cert);
	/* an attribute value with a control character */
	t->n_attributes = 1;
	attr[0].value = "a\nb";
	cert = sign_tbs(p.master_seed, ALTS_LABEL_HSCERT, &t->base, &len);
	assert_int_equal(alts_cert_verify(p.creds, cert, len, TEST_NOW, true, &info), ALTS_ERR_BAD_CERT);
	free(cert);
	t->attributes = saved;
	t->n_attributes = saved_n;

	/* identity of 512 bytes is fine, 513 is not (master signed by the root) */
	root_seed(rseed, TEST_ROOT);
	alts_ed25519_public(mpub, p.master_seed);
	memset(longid, 'a', sizeof(longid));
	m.version = 1;
	m.kind = KALTS__HS__CERT_KIND__CERT_KIND_MASTER;
	m.public_key.data = mpub;
	m.public_key.len = 32;
	m.category = KALTS__HS__CATEGORY__CATEGORY_WORKLOAD;
	m.issuer = TEST_ROOT;
	m.revocation_id = 3ULL << 56;
	m.identity = longid;
	saved_master = t->master_cert;
	saved_id = t->identity;
	t->identity = "";
	for (i = ALTS_MAX_IDENTITY; i <= ALTS_MAX_IDENTITY + 1; i++) {
		longid[i] = 0;
		mcert = sign_tbs(rseed, ALTS_LABEL_MASTER, &m.base, &mlen);
		t->master_cert.data = mcert;
		t->master_cert.len = mlen;
		cert = sign_tbs(p.master_seed, ALTS_LABEL_HSCERT, &t->base, &len);
		assert_int_equal(alts_cert_verify(p.creds, cert, len, TEST_NOW, true, &info),
				 i == ALTS_MAX_IDENTITY ? ALTS_OK : ALTS_ERR_BAD_CERT);
		free(cert);
		free(mcert);
		longid[i] = 'a';
	}
	t->master_cert = saved_master;
	t->identity = saved_id;
	/* certificates over 8 KiB are refused before parsing */
	big = calloc(1, ALTS_MAX_CERT + 1);
	memcpy(big, p.hs_cert, p.hs_len);
	assert_int_equal(alts_cert_verify(p.creds, big, ALTS_MAX_CERT + 1, TEST_NOW, true, &info),
			 ALTS_ERR_BAD_CERT);
	free(big);
	kalts__hs__handshake_cert_tbs__free_unpacked(t, NULL);
	kalts__hs__signed_cert__free_unpacked(sc, NULL);
	party_free(&p);
}

static char tmpdir[64];

static const char *tpath(const char *name)
{
	static char buf[8][128];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static void key_files(T_STATE)
{
	uint8_t key[32], back[32];

	strcpy(tmpdir, "/tmp/kalts-test-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	test_seed(key, "k", "f");
	assert_int_equal(alts_write_key(tpath("k"), "x25519", key), 0);
	assert_int_equal(alts_read_key(tpath("k"), "x25519", back), 0);
	assert_memory_equal(key, back, 32);
	assert_int_equal(alts_read_key(tpath("k"), "ed25519", back), -EINVAL);
	assert_int_equal(chmod(tpath("k"), 0640), 0);
	assert_int_equal(alts_read_key(tpath("k"), "x25519", back), -EPERM);
	assert_int_equal(chmod(tpath("k"), 0604), 0);
	assert_int_equal(alts_read_key(tpath("k"), "x25519", back), -EPERM);
	assert_int_equal(alts_read_key(tpath("missing"), "x25519", back), -ENOENT);
	assert_int_equal(symlink(tpath("k"), tpath("link")), 0);
	assert_int_equal(chmod(tpath("k"), 0600), 0);
	assert_int_not_equal(alts_read_key(tpath("link"), "x25519", back), 0);
	unlink(tpath("link"));
	unlink(tpath("k"));
	rmdir(tmpdir);
}

static void write_text(const char *path, const char *text, int mode)
{
	assert_int_equal(alts_write_file(path, text, strlen(text), mode), 0);
}

/*
 * A signed CRL built here rather than by alts_crl_sign(), so the format is
 * pinned independently: label("crl") || every byte above "signature ".
 */
static char *crl_by_hand(const char *root_label, const char *issuer, uint64_t serial,
			 uint64_t this_update, uint64_t next_update, const char *revoked_lines)
{
	uint8_t seed[32], sig[64];
	char *text = malloc(4096);
	size_t n;

	root_seed(seed, root_label);
	n = (size_t)snprintf(text, 4096, "kalts-crl v1\nissuer %s\nserial %llu\nthis-update %llu\n"
			     "next-update %llu\n%s", issuer, (unsigned long long)serial,
			     (unsigned long long)this_update, (unsigned long long)next_update,
			     revoked_lines);
	assert_true(alts_ed25519_sign(sig, seed, "kalts-alts v1 crl", (const uint8_t *)text, n));
	strcpy(text + n, "signature ");
	bin2hex(text + n + 10, sig, 64);
	strcat(text, "\n");
	return text;
}

static void write_crl(const char *path, char *text)
{
	assert_int_equal(alts_write_file(path, text, strlen(text), 0644), 0);
	free(text);
}

static void utc_str(char *out, size_t len, uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static void creds_from_files(T_STATE)
{
	struct party_opts o = { .identity = "files@kalts.test" };
	struct alts_creds_paths paths;
	struct alts_creds *c = NULL;
	struct party p;
	uint8_t seed[32], pub[32];
	char line[256], err[256];

	strcpy(tmpdir, "/tmp/kalts-test-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	assert_int_equal(party_make(&p, &o), ALTS_OK);
	assert_int_equal(alts_write_file(tpath("hs.cert"), p.hs_cert, p.hs_len, 0644), 0);
	assert_int_equal(alts_write_key(tpath("hs.key"), "x25519", p.static_priv), 0);
	root_seed(seed, TEST_ROOT);
	alts_ed25519_public(pub, seed);
	strcpy(line, TEST_ROOT " ");
	bin2hex(line + strlen(line), pub, 32);
	strcat(line, "\n");
	write_text(tpath("roots"), line, 0644);
	write_crl(tpath("crl"), crl_by_hand(TEST_ROOT, TEST_ROOT, 1, (uint64_t)time(NULL) - 60,
					     TEST_NOW + 86400,
					     "revoked 0x010000000000000c\nrevoked 0x0300000000000005\n"));
	write_text(tpath("policy"), "kalts-test-root workload,machine *@kalts.test\n", 0644);
	write_text(tpath("res"), "000102030405060708090a0b0c0d0e0f "
		   "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", 0600);
	paths = (struct alts_creds_paths){ .cert = strdup(tpath("hs.cert")),
					   .key = strdup(tpath("hs.key")),
					   .roots = strdup(tpath("roots")), .crl = strdup(tpath("crl")),
					   .policy = strdup(tpath("policy")), .res_keys = strdup(tpath("res")),
					   .now = TEST_NOW };
	assert_int_equal(alts_creds_load(&c, &paths, err, sizeof(err)), 0);
	assert_string_equal(c->self.identity, "files@kalts.test");
	assert_int_equal(c->n_roots, 1);
	assert_int_equal(c->n_crl, 2);
	assert_int_equal(c->crl[0], (1ULL << 56) | 12);
	assert_int_equal(c->n_rules, 1);
	assert_int_equal(c->sec->n_res_keys, 1);
	{
		struct alts_cert_info info;

		assert_int_equal(alts_cert_verify(c, p.hs_cert, p.hs_len, TEST_NOW, true, &info), 0);
	}
	alts_creds_free(c);

	/* errors name the file and line */
	write_text(tpath("policy"), "kalts-test-root\n", 0644);
	assert_int_equal(alts_creds_load(&c, &paths, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "policy:1"));
	write_text(tpath("policy"), "* * *\n", 0644);
	assert_int_equal(chmod(tpath("res"), 0644), 0);
	{ int r_ = alts_creds_load(&c, &paths, err, sizeof(err)); if (r_ != -EPERM) printf("ERR %s\n", err); assert_int_equal(r_, -EPERM); }
	assert_int_equal(chmod(tpath("res"), 0600), 0);
	assert_int_equal(chmod(tpath("hs.key"), 0644), 0);
	assert_int_equal(alts_creds_load(&c, &paths, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "group or others"));
	/* the key must belong to the certificate */
	assert_int_equal(alts_write_key(tpath("hs.key"), "x25519", seed), 0);
	assert_int_equal(alts_creds_load(&c, &paths, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "does not match"));
	party_free(&p);
	{
		const char *names[] = { "hs.cert", "hs.key", "roots", "crl", "policy", "res" };
		size_t i;

		for (i = 0; i < 6; i++)
			unlink(tpath(names[i]));
	}
	free((char *)paths.cert);
	free((char *)paths.key);
	free((char *)paths.roots);
	free((char *)paths.crl);
	free((char *)paths.policy);
	free((char *)paths.res_keys);
	rmdir(tmpdir);
}

static int sh(const char *fmt, ...);
static void slurp(const char *path, char *buf, size_t len);

/* A credential directory as the daemon has it; returns its paths (static storage). */
static void write_cred_dir(const char *dir, const struct party *p, struct alts_creds_paths *paths,
			   char path[6][128])
{
	static const char *const names[] = { "hs.cert", "hs.key", "roots", "crl", "policy", "res" };
	uint8_t seed[32], pub[32];
	char line[256];
	size_t i;

	for (i = 0; i < 6; i++)
		snprintf(path[i], 128, "%s/%s", dir, names[i]);
	assert_int_equal(alts_write_file(path[0], p->hs_cert, p->hs_len, 0644), 0);
	assert_int_equal(alts_write_key(path[1], "x25519", p->static_priv), 0);
	root_seed(seed, TEST_ROOT);
	alts_ed25519_public(pub, seed);
	strcpy(line, TEST_ROOT " ");
	bin2hex(line + strlen(line), pub, 32);
	strcat(line, "\n");
	write_text(path[2], line, 0644);
	write_text(path[4], "* workload *@kalts.test\n", 0644);
	write_text(path[5], "000102030405060708090a0b0c0d0e0f "
		   "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", 0600);
	*paths = (struct alts_creds_paths){ .cert = path[0], .key = path[1], .roots = path[2],
					    .policy = path[4], .res_keys = path[5],
					    .now = TEST_NOW };
}

static int load_err(const struct alts_creds_paths *paths, char *err, size_t elen)
{
	struct alts_creds *c = NULL;
	int ret;

	err[0] = 0;
	ret = alts_creds_load(&c, paths, err, elen);
	alts_creds_free(c);
	return ret;
}

/*
 * Trust files (roots, policy) and secret files (keys) are refused when
 * someone other than root or the daemon's user owns them or their
 * directory, when others can write them, or through symbolic links.
 */
static void trust_file_ownership(T_STATE)
{
	struct party_opts o = { .identity = "owner@kalts.test" };
	struct alts_creds_paths paths, via_link;
	struct party p;
	char d[64], link[80], path[6][128], lpath[6][128], err[512], want[512], keyhex[65];

	assert_int_equal(geteuid(), 0);	/* chown to another uid needs root */
	strcpy(d, "/tmp/kalts-own-XXXXXX");
	assert_non_null(mkdtemp(d));
	assert_int_equal(party_make(&p, &o), ALTS_OK);
	bin2hex(keyhex, p.static_priv, 32);
	write_cred_dir(d, &p, &paths, path);
	assert_int_equal(load_err(&paths, err, sizeof(err)), 0);

	/* a trust file owned by another user */
	assert_int_equal(chown(path[2], 4242, 4242), 0);
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EPERM);
	snprintf(want, sizeof(want), "%s: owned by uid 4242, not root or uid 0", path[2]);
	assert_string_equal(err, want);
	assert_int_equal(chown(path[2], 0, 0), 0);

	/* a trust file others can write */
	assert_int_equal(chmod(path[4], 0664), 0);
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EPERM);
	snprintf(want, sizeof(want), "%s: writable by group or others (mode 0664)", path[4]);
	assert_string_equal(err, want);
	assert_int_equal(chmod(path[4], 0644), 0);

	/* a trust file that is a symbolic link (even to a good file) */
	snprintf(link, sizeof(link), "%s/roots.real", d);
	assert_int_equal(rename(path[2], link), 0);
	assert_int_equal(symlink(link, path[2]), 0);
	assert_int_equal(load_err(&paths, err, sizeof(err)), -ELOOP);
	snprintf(want, sizeof(want), "%s: is a symbolic link", path[2]);
	assert_string_equal(err, want);
	assert_int_equal(unlink(path[2]), 0);
	assert_int_equal(rename(link, path[2]), 0);

	/* a secret file with the right mode but another owner; the key is never printed */
	assert_int_equal(chown(path[1], 4242, 4242), 0);
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EPERM);
	snprintf(want, sizeof(want), "%s: owned by uid 4242, not root or uid 0", path[1]);
	assert_string_equal(err, want);
	assert_null(strstr(err, keyhex));
	assert_int_equal(chown(path[1], 0, 0), 0);
	assert_int_equal(chown(path[5], 4242, 0), 0);
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EPERM);
	snprintf(want, sizeof(want), "%s: owned by uid 4242, not root or uid 0", path[5]);
	assert_string_equal(err, want);
	assert_int_equal(chown(path[5], 0, 0), 0);

	/* the directory: writable by others, owned by another user, a symbolic link */
	assert_int_equal(chmod(d, 0777), 0);
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EPERM);
	snprintf(want, sizeof(want), "%s: directory %s is writable by group or others (mode 0777)",
		 path[1], d);
	assert_string_equal(err, want);
	assert_int_equal(chmod(d, 0755), 0);
	assert_int_equal(chown(d, 4242, 0), 0);
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EPERM);
	snprintf(want, sizeof(want), "%s: directory %s is owned by uid 4242, not root or uid 0",
		 path[1], d);
	assert_string_equal(err, want);
	assert_int_equal(chown(d, 0, 0), 0);
	snprintf(link, sizeof(link), "%s.link", d);
	assert_int_equal(symlink(d, link), 0);
	write_cred_dir(link, &p, &via_link, lpath);
	assert_int_equal(load_err(&via_link, err, sizeof(err)), -ELOOP);
	snprintf(want, sizeof(want), "%s: directory %s is a symbolic link", lpath[1], link);
	assert_string_equal(err, want);
	assert_int_equal(unlink(link), 0);

	/* everything back in order: loads again */
	assert_int_equal(load_err(&paths, err, sizeof(err)), 0);
	party_free(&p);
	assert_int_equal(sh("rm -rf %s", d), 0);
}

/* A party whose certificates are valid now (load time is the real clock). */
static void party_now(struct party *p, const char *identity, uint64_t now, uint64_t rid)
{
	struct party_opts o = { .identity = identity, .master_nb = now - 86400,
				.hs_nb = now - 3600, .hs_na = now + 86400,
				.hs_revocation_id = (3ULL << 56) | rid };

	assert_int_equal(party_make(p, &o), ALTS_OK);
}

/*
 * The CRL is signed by a configured root and carries a serial and a
 * next-update time; an unsigned list, a forged or tampered one, a
 * revocation ID in any other syntax than the one printed, and a stale CRL
 * are refused with a message that says which.
 */
static void crl_signed_and_fresh(T_STATE)
{
	uint64_t now = (uint64_t)time(NULL);
	struct alts_creds_paths paths;
	struct alts_creds *c = NULL;
	struct alts_cert_info info;
	struct party p, peer;
	char d[64], path[6][128], err[512], want[512], when[64], *text;

	strcpy(d, "/tmp/kalts-crl-XXXXXX");
	assert_non_null(mkdtemp(d));
	party_now(&p, "crl@kalts.test", now, 0x41);
	write_cred_dir(d, &p, &paths, path);
	paths.crl = path[3];
	paths.now = 0;

	write_crl(path[3], crl_by_hand(TEST_ROOT, TEST_ROOT, 3, now - 60, now + 600,
				       "revoked 0x0300000000000042\nrevoked 0x0300000000000077\n"));
	assert_int_equal(alts_creds_load(&c, &paths, err, sizeof(err)), 0);
	assert_int_equal(c->n_crl, 2);
	party_now(&peer, "peer@kalts.test", now, 0x43);
	assert_int_equal(alts_cert_verify(c, peer.hs_cert, peer.hs_len, now, true, &info), ALTS_OK);
	party_free(&peer);
	party_now(&peer, "peer@kalts.test", now, 0x42);
	assert_int_equal(alts_cert_verify(c, peer.hs_cert, peer.hs_len, now, true, &info),
			 ALTS_ERR_REVOKED);
	/* once its next-update has passed, nothing verifies (the certificate still would) */
	assert_int_equal(alts_cert_verify(c, peer.hs_cert, peer.hs_len, now + 600, true, &info),
			 ALTS_ERR_CONFIG);
	assert_int_equal(alts_cert_verify(c, peer.hs_cert, peer.hs_len, now + 600, false, &info),
			 ALTS_ERR_CONFIG);
	party_free(&peer);
	alts_creds_free(c);

	/* the old unsigned list of IDs */
	write_text(path[3], "0x0300000000000042\n", 0644);
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:1: not a signed CRL (expected `kalts-crl v1'; "
		 "create it with `altsctl crl create')", path[3]);
	assert_string_equal(err, want);

	/* a revoked line taken out after signing */
	text = crl_by_hand(TEST_ROOT, TEST_ROOT, 3, now - 60, now + 600,
			   "revoked 0x0300000000000042\nrevoked 0x0300000000000077\n");
	memmove(strstr(text, "revoked 0x0300000000000042"),
		strstr(text, "revoked 0x0300000000000077"),
		strlen(strstr(text, "revoked 0x0300000000000077")) + 1);
	write_crl(path[3], text);
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EBADMSG);
	snprintf(want, sizeof(want), "%s: signature does not verify with root `%s'", path[3], TEST_ROOT);
	assert_string_equal(err, want);

	/* signed by a key that is not the named root's; naming a root nobody configured */
	write_crl(path[3], crl_by_hand("rogue", TEST_ROOT, 9, now - 60, now + 600, ""));
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, want);
	write_crl(path[3], crl_by_hand("rogue", "rogue", 9, now - 60, now + 600, ""));
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EBADMSG);
	snprintf(want, sizeof(want), "%s: issuer `rogue' is not a configured root", path[3]);
	assert_string_equal(err, want);

	/* `7' would silently match nothing: refused, properly signed or not */
	write_crl(path[3], crl_by_hand(TEST_ROOT, TEST_ROOT, 4, now - 60, now + 600, "revoked 7\n"));
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:6: revocation ID `7' must start with 0x "
		 "(as altsctl prints it, e.g. 0x0300000000000007)", path[3]);
	assert_string_equal(err, want);
	write_crl(path[3], crl_by_hand(TEST_ROOT, TEST_ROOT, 4, now - 60, now + 600,
				       "revoked 0x0000000000000007\n"));
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:6: revocation ID `0x0000000000000007' its first byte is "
		 "not a category (01 human, 02 machine, 03 workload)", path[3]);
	assert_string_equal(err, want);

	/* stale */
	write_crl(path[3], crl_by_hand(TEST_ROOT, TEST_ROOT, 4, now - 7200, now - 3600, ""));
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EINVAL);
	utc_str(when, sizeof(when), now - 3600);
	snprintf(want, sizeof(want), "%s: stale: its next-update %s has passed (serial 4); "
		 "renew it with `altsctl crl renew'", path[3], when);
	assert_string_equal(err, want);

	party_free(&p);
	assert_int_equal(sh("rm -rf %s", d), 0);
}

/* Once a CRL is in force, a missing one or one with a lower serial is refused. */
static void crl_once_configured(T_STATE)
{
	uint64_t now = (uint64_t)time(NULL);
	struct alts_creds_paths paths;
	struct alts_creds *c = NULL, *c2 = NULL;
	struct alts_crl crl = { .serial = 7, .this_update = 1000, .next_update = 2000 }, back;
	uint64_t ids[2] = { (1ULL << 56) | 5, (3ULL << 56) | 9 };
	struct party p;
	char d[64], path[6][128], err[512], want[512], *text;
	size_t len;

	strcpy(d, "/tmp/kalts-crl-XXXXXX");
	assert_non_null(mkdtemp(d));
	party_now(&p, "crl@kalts.test", now, 0x41);
	write_cred_dir(d, &p, &paths, path);
	paths.crl = path[3];
	paths.now = 0;

	/* no CRL file and none before: nothing configured yet */
	assert_int_equal(alts_creds_load(&c, &paths, err, sizeof(err)), 0);
	assert_false(c->has_crl);
	alts_creds_free(c);

	write_crl(path[3], crl_by_hand(TEST_ROOT, TEST_ROOT, 5, now - 60, now + 600, ""));
	assert_int_equal(alts_creds_load(&c, &paths, err, sizeof(err)), 0);
	assert_true(c->has_crl);
	assert_int_equal(c->crl_serial, 5);
	assert_int_equal(c->crl_next_update, now + 600);
	paths.prev = c;
	/* the same serial again (a reload) and a higher one are fine */
	assert_int_equal(load_err(&paths, err, sizeof(err)), 0);
	write_crl(path[3], crl_by_hand(TEST_ROOT, TEST_ROOT, 6, now - 60, now + 600, ""));
	assert_int_equal(load_err(&paths, err, sizeof(err)), 0);
	/* a lower one is an older CRL */
	write_crl(path[3], crl_by_hand(TEST_ROOT, TEST_ROOT, 4, now - 60, now + 600, ""));
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s: serial 4 is lower than serial 5 in force (an older CRL?)",
		 path[3]);
	assert_string_equal(err, want);
	/* gone */
	assert_int_equal(unlink(path[3]), 0);
	assert_int_equal(load_err(&paths, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "%s: missing, but CRL serial 5 is in force: "
		 "refusing to run without one", path[3]);
	assert_string_equal(err, want);
	paths.crl = NULL;
	assert_int_equal(load_err(&paths, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "no CRL configured, but CRL serial 5 is in force: "
				 "refusing to run without one");
	/* the load clock: stale at next-update */
	paths.crl = path[3];
	write_crl(path[3], crl_by_hand(TEST_ROOT, TEST_ROOT, 5, now - 60, now + 600, ""));
	paths.now = now + 600;
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ": stale: "));
	paths.now = now + 599;
	assert_int_equal(alts_creds_load(&c2, &paths, err, sizeof(err)), 0);
	alts_creds_free(c2);
	alts_creds_free(c);

	/* alts_crl_sign() writes what the loader reads */
	strcpy(crl.issuer, TEST_ROOT);
	crl.ids = ids;
	crl.n_ids = 2;
	{
		uint8_t seed[32];
		struct alts_creds *roots = alts_creds_new();

		root_seed(seed, TEST_ROOT);
		assert_int_equal(alts_creds_load_roots(roots, path[2], err, sizeof(err)), 0);
		assert_int_equal(alts_crl_sign(seed, &crl, &text, &len), ALTS_OK);
		assert_int_equal(alts_crl_parse("x", text, len, roots, &back, err, sizeof(err)), 0);
		assert_string_equal(back.issuer, TEST_ROOT);
		assert_int_equal(back.serial, 7);
		assert_int_equal(back.this_update, 1000);
		assert_int_equal(back.next_update, 2000);
		assert_int_equal(back.n_ids, 2);
		assert_memory_equal(back.ids, ids, sizeof(ids));
		assert_non_null(strstr(text, "\nrevoked 0x0100000000000005\nrevoked 0x0300000000000009\n"));
		alts_crl_free(&back);
		free(text);
		/* unsorted or uncategorised IDs are not signed */
		ids[0] = (3ULL << 56) | 10;
		assert_int_equal(alts_crl_sign(seed, &crl, &text, &len), ALTS_ERR_CONFIG);
		ids[0] = 5;
		assert_int_equal(alts_crl_sign(seed, &crl, &text, &len), ALTS_ERR_CONFIG);
		alts_creds_free(roots);
	}
	party_free(&p);
	assert_int_equal(sh("rm -rf %s", d), 0);
}

static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* The cert tool end to end: root, master, handshake cert, rotation, show. */
static void altsctl_end_to_end(T_STATE)
{
	const char *bin = getenv("ALTSCTL") ? getenv("ALTSCTL") : "build/san/altsctl";
	struct alts_creds_paths paths;
	struct alts_creds *c = NULL;
	struct alts_cert_info info, info2;
	uint8_t *cert;
	size_t len;
	char err[256], d[64], p[6][128];
	struct stat st;

	strcpy(d, "/tmp/kalts-ctl-XXXXXX");
	assert_non_null(mkdtemp(d));
	assert_int_equal(sh("%s cert create-root --name ctl-root --key %s/root.key > %s/roots", bin, d, d), 0);
	assert_int_equal(stat(strcat(strcpy(p[0], d), "/root.key"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(sh("%s cert issue-master --root-key %s/root.key --roots %s/roots "
			    "--issuer ctl-root --identity api@kalts.test --category workload "
			    "--revocation-id 0x0300000000000007 --key %s/m.key --out %s/m.cert",
			    bin, d, d, d, d), 0);
	assert_int_equal(sh("%s cert issue-handshake --master-key %s/m.key --master-cert %s/m.cert "
			    "--attr team=infra --lifetime 2h --key %s/hs.key --out %s/hs.cert",
			    bin, d, d, d, d), 0);
	assert_int_equal(sh("%s cert resumption-key --out %s/res", bin, d), 0);
	assert_int_equal(sh("%s cert resumption-key --out %s/res", bin, d), 0);
	assert_int_equal(sh("%s policy add --policy %s/policy --roots %s/roots --issuer ctl-root "
			    "--categories workload --identity '*@kalts.test' >/dev/null", bin, d, d), 0);
	assert_int_equal(sh("%s cert show %s/hs.cert | grep -q 'attribute       team=infra'", bin, d), 0);
	assert_int_equal(sh("%s cert show %s/m.cert | grep -q 'kalts master certificate'", bin, d), 0);
	/* private keys never appear in what the tool prints */
	assert_int_equal(sh("%s cert show %s/hs.key >/dev/null 2>&1", bin, d) == 0, 0);
	snprintf(p[0], sizeof(p[0]), "%s/hs.cert", d);
	snprintf(p[1], sizeof(p[1]), "%s/hs.key", d);
	snprintf(p[2], sizeof(p[2]), "%s/roots", d);
	snprintf(p[3], sizeof(p[3]), "%s/policy", d);
	snprintf(p[4], sizeof(p[4]), "%s/res", d);
	paths = (struct alts_creds_paths){ .cert = p[0], .key = p[1], .roots = p[2],
					   .policy = p[3], .res_keys = p[4] };
	assert_int_equal(alts_creds_load(&c, &paths, err, sizeof(err)), 0);
	assert_int_equal(c->sec->n_res_keys, 2);
	assert_int_equal(alts_cert_verify(c, c->cert, c->cert_len, (uint64_t)time(NULL), true, &info), 0);
	assert_string_equal(info.identity, "api@kalts.test");
	assert_int_equal(info.master_revocation_id, (3ULL << 56) | 7);
	/* the handshake certificate has a revocation ID of its own */
	assert_int_equal(info.revocation_id >> 56, 3);
	assert_int_not_equal(info.revocation_id, info.master_revocation_id);
	assert_true(info.not_after - info.not_before <= 2 * 3600 + ALTS_CLOCK_SKEW);
	alts_creds_free(c);
	/* rotation: new static key, same identity and attributes */
	assert_int_equal(sh("%s cert rotate --master-key %s/m.key --master-cert %s/m.cert "
			    "--cert %s/hs.cert --key %s/hs.key", bin, d, d, d, d), 0);
	assert_int_equal(alts_read_file(p[0], &cert, &len, ALTS_MAX_CERT), 0);
	assert_int_equal(alts_cert_parse(cert, len, &info2), 0);
	free(cert);
	assert_string_equal(info2.identity, info.identity);
	assert_string_equal(info2.attrs[0].value, "infra");
	assert_memory_not_equal(info2.static_key, info.static_key, 32);
	assert_int_not_equal(info2.revocation_id, info.revocation_id);
	assert_int_not_equal(info2.revocation_id, info.master_revocation_id);
	assert_int_equal(alts_creds_load(&c, &paths, err, sizeof(err)), 0);
	alts_creds_free(c);
	/* wrong master key, loose key file modes, bad input: refused with a message */
	assert_int_not_equal(sh("%s cert issue-handshake --master-key %s/root.key --master-cert %s/m.cert "
				"--key %s/x.key --out %s/x.cert 2>/dev/null", bin, d, d, d, d), 0);
	assert_int_equal(sh("chmod 644 %s/m.key", d), 0);
	assert_int_equal(sh("%s cert issue-handshake --master-key %s/m.key --master-cert %s/m.cert "
			    "--key %s/x.key --out %s/x.cert 2>&1 | grep -q 'group or others'", bin, d, d, d, d), 0);
	assert_int_not_equal(sh("%s cert issue-master --root-key %s/root.key --roots %s/roots "
				"--issuer ctl-root --identity x --category robot "
				"--revocation-id 0x0300000000000001 --key %s/y.key --out %s/y.cert 2>/dev/null",
				bin, d, d, d, d), 0);
	assert_int_equal(sh("%s version | grep -q 'does not interoperate'", bin), 0);
	assert_int_equal(sh("rm -rf %s", d), 0);
}

/*
 * The own certificate is checked at load as a peer would check it: an
 * expired (or not yet valid) one, or one under an expired master, or one
 * our own CRL revokes, is refused with the time or ID that is wrong.
 */
static void own_cert_at_load(T_STATE)
{
	uint64_t now = (uint64_t)time(NULL);
	struct party_opts expired = { .identity = "own@kalts.test", .master_nb = now - 86400,
				      .hs_nb = now - 7200, .hs_na = now - 3600 };
	struct party_opts early = expired, m_expired = expired, fine = expired;
	struct alts_creds_paths paths;
	struct alts_creds *c = NULL;
	struct party p;
	char d[64], path[6][128], err[512], want[512], when[64];

	early.hs_nb = now + 3600;
	early.hs_na = now + 7200;
	m_expired.master_na = now - 600;
	m_expired.hs_na = now + 3600;
	fine.hs_nb = now - 48 * 3600;
	fine.hs_na = now + 3600;
	strcpy(d, "/tmp/kalts-own-XXXXXX");
	assert_non_null(mkdtemp(d));

	assert_int_equal(party_make(&p, &expired), ALTS_OK);
	write_cred_dir(d, &p, &paths, path);
	paths.now = 0;
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EKEYEXPIRED);
	utc_str(when, sizeof(when), now - 3600);
	snprintf(want, sizeof(want), "%s: own certificate expired at %s; issue a new one "
		 "(altsctl cert rotate)", path[0], when);
	assert_string_equal(err, want);
	party_free(&p);

	assert_int_equal(party_make(&p, &early), ALTS_OK);
	write_cred_dir(d, &p, &paths, path);
	paths.now = 0;
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EKEYEXPIRED);
	utc_str(when, sizeof(when), now + 3600);
	snprintf(want, sizeof(want), "%s: own certificate not valid before %s", path[0], when);
	assert_string_equal(err, want);
	party_free(&p);

	assert_int_equal(party_make(&p, &m_expired), ALTS_OK);
	write_cred_dir(d, &p, &paths, path);
	paths.now = 0;
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EKEYEXPIRED);
	utc_str(when, sizeof(when), now - 600);
	snprintf(want, sizeof(want), "%s: own master certificate expired at %s", path[0], when);
	assert_string_equal(err, want);
	party_free(&p);

	/* valid, but revoked by our own CRL */
	assert_int_equal(party_make(&p, &fine), ALTS_OK);
	write_cred_dir(d, &p, &paths, path);
	paths.now = 0;
	paths.crl = path[3];
	write_crl(path[3], crl_by_hand(TEST_ROOT, TEST_ROOT, 1, now - 60, now + 600,
				       "revoked 0x0300000000000002\n"));
	assert_int_equal(load_err(&paths, err, sizeof(err)), -EKEYREVOKED);
	snprintf(want, sizeof(want), "%s: own certificate is revoked (revocation ID "
		 "0x0300000000000002)", path[0]);
	assert_string_equal(err, want);
	write_crl(path[3], crl_by_hand(TEST_ROOT, TEST_ROOT, 2, now - 60, now + 600, ""));
	assert_int_equal(alts_creds_load(&c, &paths, err, sizeof(err)), 0);
	/* an hour left of 49 h: warned; with 40 h left, not */
	assert_int_equal(alts_creds_expiry_warning(c, now, err, sizeof(err)), 1);
	utc_str(when, sizeof(when), now + 3600);
	snprintf(want, sizeof(want), "own certificate expires at %s, in less than a quarter of "
		 "its lifetime", when);
	assert_string_equal(err, want);
	/* a CRL close to its next-update warns too (here it has 20 h + 10 min left) */
	assert_int_equal(alts_creds_expiry_warning(c, now - 20 * 3600, err, sizeof(err)), 1);
	utc_str(when, sizeof(when), now + 600);
	snprintf(want, sizeof(want), "the CRL goes stale at %s, in less than a day, and then "
		 "every peer is refused: renew it (altsctl crl renew)", when);
	assert_string_equal(err, want);
	c->crl_next_update = now + 2 * 86400;
	assert_int_equal(alts_creds_expiry_warning(c, now - 20 * 3600, err, sizeof(err)), 0);
	alts_creds_free(c);
	party_free(&p);
	assert_int_equal(sh("rm -rf %s", d), 0);
}

/* altshd itself: refuses to start with an expired own certificate, warns near expiry. */
static void daemon_own_cert(T_STATE)
{
	const char *bin = getenv("ALTSHD") ? getenv("ALTSHD") : "build/san/altshd";
	uint64_t now = (uint64_t)time(NULL);
	struct party_opts o = { .identity = "own@kalts.test", .master_nb = now - 86400,
				.hs_nb = now - 7200, .hs_na = now - 3600 };
	struct alts_creds_paths paths;
	struct party p;
	char d[64], path[6][128], log[128], sock[128], text[4096], want[256], when[64];
	int round, i, st = 0;
	pid_t pid;

	strcpy(d, "/tmp/kalts-own-XXXXXX");
	assert_non_null(mkdtemp(d));
	snprintf(log, sizeof(log), "%s.log", d);
	snprintf(sock, sizeof(sock), "%s.sock", d);
	for (round = 0; round < 2; round++) {
		if (round == 1) {
			o.hs_nb = now - 40 * 3600;
			o.hs_na = now + 3600;
		}
		assert_int_equal(party_make(&p, &o), ALTS_OK);
		write_cred_dir(d, &p, &paths, path);
		rename(path[5], strcat(strcpy(text, d), "/resumption.keys"));
		party_free(&p);
		pid = fork();
		assert_true(pid >= 0);
		if (!pid) {
			if (!freopen(log, "w", stderr) || !freopen("/dev/null", "w", stdout))
				_exit(126);
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			execl(bin, bin, "-c", d, "-s", sock, "-j", "1", (char *)NULL);
			_exit(127);
		}
		for (i = 0; i < 500; i++) {
			text[0] = 0;
			if (waitpid(pid, &st, WNOHANG) == pid)
				break;
			slurp(log, text, sizeof(text));
			if (strstr(text, "listening on"))
				break;
			usleep(10000);
		}
		assert_true(i < 500);
		slurp(log, text, sizeof(text));
		if (round == 0) {
			/* it exited, saying why */
			assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
			utc_str(when, sizeof(when), now - 3600);
			snprintf(want, sizeof(want), "hs.cert: own certificate expired at %s", when);
			assert_non_null(strstr(text, want));
		} else {
			kill(pid, SIGTERM);
			waitpid(pid, &st, 0);
			utc_str(when, sizeof(when), now + 3600);
			snprintf(want, sizeof(want), "warning: own certificate expires at %s", when);
			assert_non_null(strstr(text, want));
		}
	}
	unlink(log);
	unlink(sock);
	assert_int_equal(sh("rm -rf %s", d), 0);
}

static const char *ctl_bin(void)
{
	return getenv("ALTSCTL") ? getenv("ALTSCTL") : "build/san/altsctl";
}

/* Runs an altsctl command line (stdout and stderr into out); returns its exit status. */
static int ctl(char *out, size_t outlen, const char *fmt, ...)
{
	char cmd[2048], args[1800];
	va_list ap;
	size_t n = 0;
	FILE *f;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", ctl_bin(), args);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (n + 1 < outlen && !feof(f)) {
		size_t r = fread(out + n, 1, outlen - 1 - n, f);

		if (!r)
			break;
		n += r;
	}
	out[n] = 0;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* What `altsctl ...' printed must be exactly want (printf-formatted). */
static void ctl_fails(int want_status, const char *out, const char *fmt, ...)
{
	char want[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	if (strcmp(out, want))
		fprintf(stderr, "got: %s\nwant: %s\n", out, want);
	assert_int_equal(want_status, 1);
	assert_string_equal(out, want);
}

/* The file's text in buf; empty if there is no such file. */
static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	buf[0] = 0;
	if (!f)
		return;
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
}

/* A root, a roots file and a workload master in a fresh directory. */
static void ctl_pki(char *d)
{
	char out[1024];

	strcpy(d, "/tmp/kalts-ctl-XXXXXX");
	assert_non_null(mkdtemp(d));
	assert_int_equal(sh("%s cert create-root --name ctl-root --key %s/root.key > %s/roots",
			    ctl_bin(), d, d), 0);
	assert_int_equal(ctl(out, sizeof(out), "cert issue-master --root-key %s/root.key --roots %s/roots "
			     "--issuer ctl-root --identity api@kalts.test --category workload "
			     "--revocation-id 0x0300000000000007 --key %s/m.key --out %s/m.cert",
			     d, d, d, d), 0);
}

/*
 * altsctl refuses what it would otherwise do wrong, and says why: an
 * existing root key, an issuer that is no root (or not this key's), any
 * revocation ID not written as it prints them, and bad lifetimes.
 */
static void altsctl_refusals(T_STATE)
{
	char d[64], out[1024], before[256], after[256], key[256];
	struct stat st;

	ctl_pki(d);
	/* create-root over an existing key */
	slurp(strcat(strcpy(key, d), "/root.key"), before, sizeof(before));
	ctl_fails(ctl(out, sizeof(out), "cert create-root --name ctl-root --key %s", key), out,
		  "%s: exists; refusing to overwrite a root key (with --force it is replaced, "
		  "and nothing it signed verifies any more)\n", key);
	slurp(key, after, sizeof(after));
	assert_string_equal(before, after);
	assert_int_equal(ctl(out, sizeof(out), "cert create-root --name other --key %s/other.key", d), 0);
	/* the printed line holds the public key, never the private one */
	slurp(strcat(strcpy(key, d), "/other.key"), before, sizeof(before));
	assert_null(strstr(out, before + strlen("ed25519 ")));

	/* --issuer: not a root; a root, but of another key; no roots file to check */
	ctl_fails(ctl(out, sizeof(out), "cert issue-master --root-key %s/root.key --roots %s/roots "
		      "--issuer nosuch --identity x@y --category workload --revocation-id "
		      "0x0300000000000001 --key %s/y.key --out %s/y.cert", d, d, d, d), out,
		  "Issuer `nosuch' is not a root in %s/roots\n", d);
	ctl_fails(ctl(out, sizeof(out), "cert issue-master --root-key %s/other.key --roots %s/roots "
		      "--issuer ctl-root --identity x@y --category workload --revocation-id "
		      "0x0300000000000001 --key %s/y.key --out %s/y.cert", d, d, d, d), out,
		  "Issuer `ctl-root' in %s/roots has another public key than the root key given\n", d);
	ctl_fails(ctl(out, sizeof(out), "cert issue-master --root-key %s/root.key --issuer ctl-root "
		      "--identity x@y --category workload --revocation-id 0x0300000000000001 "
		      "--key %s/y.key --out %s/y.cert", d, d, d), out, "Missing --roots\n");
	assert_int_not_equal(stat(strcat(strcpy(key, d), "/y.cert"), &st), 0);

	/* revocation IDs exactly as printed */
#define MASTER(rid, extra) \
	ctl(out, sizeof(out), "cert issue-master --root-key %s/root.key --roots %s/roots " \
	    "--issuer ctl-root --identity x@y --category workload --revocation-id " rid " " \
	    extra " --key %s/y.key --out %s/y.cert", d, d, d, d)
	ctl_fails(MASTER("7", ""), out, "Invalid revocation ID `7': must start with 0x "
		  "(as altsctl prints it, e.g. 0x0300000000000007)\n");
	ctl_fails(MASTER("0x03000000000007", ""), out, "Invalid revocation ID `0x03000000000007': "
		  "must be 0x and exactly 16 hex digits (as altsctl prints it, e.g. 0x0300000000000007)\n");
	ctl_fails(MASTER("0x030000000000000g", ""), out, "Invalid revocation ID `0x030000000000000g': "
		  "must be 0x and 16 hex digits\n");
	ctl_fails(MASTER("0x0200000000000007", ""), out, "Invalid revocation ID `0x0200000000000007': "
		  "its category byte 02 is not workload (03)\n");
	ctl_fails(MASTER("0x0700000000000007", ""), out, "Invalid revocation ID `0x0700000000000007': "
		  "its first byte is not a category (01 human, 02 machine, 03 workload)\n");

	/* lifetimes */
	ctl_fails(MASTER("0x0300000000000001", "--lifetime 0s"), out,
		  "Invalid lifetime `0s': must be more than zero\n");
	ctl_fails(MASTER("0x0300000000000001", "--lifetime -5s"), out,
		  "Invalid lifetime `-5s': must not be negative\n");
	ctl_fails(MASTER("0x0300000000000001", "--lifetime 10y"), out,
		  "Invalid lifetime `10y': unknown unit `y' (use s, m, h or d)\n");
	ctl_fails(MASTER("0x0300000000000001", "--lifetime 10"), out,
		  "Invalid lifetime `10': missing unit (s, m, h or d)\n");
	ctl_fails(MASTER("0x0300000000000001", "--lifetime soon"), out,
		  "Invalid lifetime `soon': not a number followed by s, m, h or d\n");
	ctl_fails(MASTER("0x0300000000000001", "--lifetime 99999999999d"), out,
		  "Invalid lifetime `99999999999d': too long\n");
	ctl_fails(MASTER("0x0300000000000001", "--lifetime none"), out,
		  "Invalid lifetime `none': only machine master certificates may have no expiry\n");
#undef MASTER
	assert_int_not_equal(stat(strcat(strcpy(key, d), "/y.cert"), &st), 0);

	/* handshake certificates: the category's cap, and a revocation ID of their own */
	ctl_fails(ctl(out, sizeof(out), "cert issue-handshake --master-key %s/m.key --master-cert "
		      "%s/m.cert --lifetime 4d --key %s/h.key --out %s/h.cert", d, d, d, d), out,
		  "Invalid lifetime `4d': workload handshake certificates live at most 72h\n");
	ctl_fails(ctl(out, sizeof(out), "cert issue-handshake --master-key %s/m.key --master-cert "
		      "%s/m.cert --revocation-id 0x0300000000000007 --key %s/h.key --out %s/h.cert",
		      d, d, d, d), out, "Invalid revocation ID `0x0300000000000007': it is the master "
		  "certificate's; a handshake certificate needs its own\n");
	ctl_fails(ctl(out, sizeof(out), "cert resumption-key --out %s/res --keep x", d), out,
		  "Invalid --keep `x': must be 0, 1, 2 or 3\n");
	assert_int_equal(sh("rm -rf %s", d), 0);
}

/* Master certificates expire by default (machines included); "none" is explicit. */
static void altsctl_master_expiry(T_STATE)
{
	char d[64], out[1024], path[128];
	struct alts_cert_info info;
	uint64_t now = (uint64_t)time(NULL);
	uint8_t *cert;
	size_t len;

	ctl_pki(d);
	assert_int_equal(ctl(out, sizeof(out), "cert issue-master --root-key %s/root.key --roots "
			     "%s/roots --issuer ctl-root --identity host1 --category machine "
			     "--revocation-id 0x0200000000000001 --key %s/mm.key --out %s/mm.cert",
			     d, d, d, d), 0);
	snprintf(path, sizeof(path), "%s/mm.cert", d);
	assert_int_equal(alts_read_file(path, &cert, &len, ALTS_MAX_CERT), 0);
	assert_int_equal(alts_master_parse(cert, len, &info), 0);
	free(cert);
	assert_true(info.not_after >= now + 365 * 86400ULL &&
		    info.not_after <= now + 365 * 86400ULL + 3600);
	assert_int_equal(ctl(out, sizeof(out), "cert issue-master --root-key %s/root.key --roots "
			     "%s/roots --issuer ctl-root --identity host1 --category machine "
			     "--revocation-id 0x0200000000000001 --lifetime none --key %s/mm.key "
			     "--out %s/mm.cert", d, d, d, d), 0);
	assert_int_equal(alts_read_file(path, &cert, &len, ALTS_MAX_CERT), 0);
	assert_int_equal(alts_master_parse(cert, len, &info), 0);
	free(cert);
	assert_int_equal(info.not_after, 0);
	assert_int_equal(sh("rm -rf %s", d), 0);
}

static struct alts_creds *ctl_creds(const char *d, const char *crl, char *err, size_t elen, int *ret)
{
	char p[6][128];
	struct alts_creds_paths paths;
	struct alts_creds *c = NULL;

	snprintf(p[0], 128, "%s/hs.cert", d);
	snprintf(p[1], 128, "%s/hs.key", d);
	snprintf(p[2], 128, "%s/roots", d);
	snprintf(p[3], 128, "%s/%s", d, crl ? crl : "none");
	snprintf(p[4], 128, "%s/policy", d);
	paths = (struct alts_creds_paths){ .cert = p[0], .key = p[1], .roots = p[2],
					   .crl = p[3], .policy = p[4] };
	*ret = alts_creds_load(&c, &paths, err, elen);
	return c;
}

/* altsctl crl and altsctl policy write what the daemon reads, and refuse the rest. */
static void altsctl_crl_and_policy(T_STATE)
{
	char d[64], out[2048], err[512], rid[64], line[256], *p;
	struct alts_cert_info info;
	struct alts_creds *c;
	int ret;

	ctl_pki(d);
	assert_int_equal(ctl(out, sizeof(out), "cert issue-handshake --master-key %s/m.key "
			     "--master-cert %s/m.cert --key %s/hs.key --out %s/hs.cert", d, d, d, d), 0);
	/* policy: the issuer must be a root; rules the daemon would not read are refused */
	ctl_fails(ctl(out, sizeof(out), "policy add --policy %s/policy --roots %s/roots --issuer "
		      "nosuch --categories workload --identity '*'", d, d), out,
		  "Issuer `nosuch' is not a root in %s/roots\n", d);
	ctl_fails(ctl(out, sizeof(out), "policy add --policy %s/policy --roots %s/roots --issuer "
		      "ctl-root --categories robot --identity '*'", d, d), out,
		  "Not a rule: issuer `ctl-root', categories `robot' (human, machine, workload or *), "
		  "identity pattern `*'\n");
	ctl_fails(ctl(out, sizeof(out), "policy add --policy %s/policy --roots %s/roots --issuer "
		      "ctl-root --categories workload --identity 'a#b'", d, d), out,
		  "Issuer, categories and identity pattern may not contain blanks or `#'\n");
	assert_int_equal(ctl(out, sizeof(out), "policy add --policy %s/policy --roots %s/roots "
			     "--issuer ctl-root --categories workload,human --identity '*@kalts.test'",
			     d, d), 0);
	assert_int_equal(ctl(out, sizeof(out), "policy add --policy %s/policy --roots %s/roots "
			     "--issuer ctl-root --categories human,workload --identity '*@kalts.test'",
			     d, d), 0);
	assert_string_equal(out, "already allowed: ctl-root human,workload *@kalts.test\n");
	assert_int_equal(ctl(out, sizeof(out), "policy list --policy %s/policy", d), 0);
	assert_string_equal(out, "  1  ctl-root human,workload *@kalts.test\n");

	/* crl: created empty, signed, serial 1; not created twice */
	assert_int_equal(ctl(out, sizeof(out), "crl create --root-key %s/root.key --roots %s/roots "
			     "--issuer ctl-root --crl %s/crl", d, d, d), 0);
	ctl_fails(ctl(out, sizeof(out), "crl create --root-key %s/root.key --roots %s/roots "
		      "--issuer ctl-root --crl %s/crl", d, d, d), out,
		  "%s/crl: exists; change it with `%s crl add' or `%s crl renew'\n", d, ctl_bin(),
		  ctl_bin());
	c = ctl_creds(d, "crl", err, sizeof(err), &ret);
	assert_int_equal(ret, 0);
	assert_int_equal(c->crl_serial, 1);
	assert_int_equal(alts_cert_verify(c, c->cert, c->cert_len, (uint64_t)time(NULL), true, &info), 0);
	alts_creds_free(c);

	/* the revocation ID `cert show' prints is what `crl add' takes, and it revokes */
	assert_int_equal(ctl(out, sizeof(out), "cert show %s/hs.cert", d), 0);
	p = strstr(out, "revocation id   ");
	assert_non_null(p);
	sscanf(p + 16, "%63s", rid);
	ctl_fails(ctl(out, sizeof(out), "crl add --root-key %s/root.key --roots %s/roots --crl %s/crl 7",
		      d, d, d), out, "Invalid revocation ID `7': must start with 0x "
		  "(as altsctl prints it, e.g. 0x0300000000000007)\n");
	/* only the CRL's own root signs it */
	assert_int_equal(sh("%s cert create-root --name other --key %s/other.key >/dev/null",
			    ctl_bin(), d), 0);
	ctl_fails(ctl(out, sizeof(out), "crl add --root-key %s/other.key --roots %s/roots --crl %s/crl %s",
		      d, d, d, rid), out,
		  "Issuer `ctl-root' in %s/roots has another public key than the root key given\n", d);
	assert_int_equal(ctl(out, sizeof(out), "crl add --root-key %s/root.key --roots %s/roots "
			     "--crl %s/crl %s", d, d, d, rid), 0);
	assert_string_equal(out, "serial 2, 1 revoked\n");
	c = ctl_creds(d, "crl", err, sizeof(err), &ret);
	assert_int_equal(ret, -EKEYREVOKED);
	snprintf(line, sizeof(line), "%s/hs.cert: own certificate is revoked (revocation ID %s)",
		 d, rid);
	assert_string_equal(err, line);
	alts_creds_free(c);
	assert_int_equal(ctl(out, sizeof(out), "crl list --roots %s/roots --crl %s/crl", d, d), 0);
	snprintf(line, sizeof(line), "  revoked         %s\n", rid);
	assert_non_null(strstr(out, line));
	assert_non_null(strstr(out, "  serial          2\n"));
	assert_int_equal(ctl(out, sizeof(out), "crl renew --root-key %s/root.key --roots %s/roots "
			     "--crl %s/crl --next-update 1d", d, d, d), 0);
	assert_string_equal(out, "serial 3, 1 revoked\n");
	ctl_fails(ctl(out, sizeof(out), "crl renew --root-key %s/root.key --roots %s/roots "
		      "--crl %s/crl --next-update 91d", d, d, d), out,
		  "Invalid next-update `91d': at most 90d\n");
	/* a hand edit breaks the signature, and the tool says so */
	assert_int_equal(sh("sed -i '/^revoked/d' %s/crl", d), 0);
	ctl_fails(ctl(out, sizeof(out), "crl list --roots %s/roots --crl %s/crl", d, d), out,
		  "%s/crl: signature does not verify with root `ctl-root'\n", d);

	/* policy remove: exactly that rule; afterwards nothing is allowed */
	ctl_fails(ctl(out, sizeof(out), "policy remove --policy %s/policy --issuer ctl-root "
		      "--categories workload --identity '*@kalts.test'", d), out,
		  "No rule `ctl-root workload *@kalts.test' in %s/policy\n", d);
	assert_int_equal(ctl(out, sizeof(out), "policy remove --policy %s/policy --issuer ctl-root "
			     "--categories workload,human --identity '*@kalts.test'", d), 0);
	assert_int_equal(ctl(out, sizeof(out), "policy list --policy %s/policy", d), 0);
	assert_string_equal(out, "no rules: every peer certificate is refused\n");
	assert_int_equal(sh("rm -rf %s", d), 0);
}

/*
 * Handshake certificates against a request: the host makes its key and a
 * request, the master key's holder signs it; the master key never goes to
 * the host and the host's private key never leaves it.
 */
static void altsctl_request(T_STATE)
{
	char d[64], host[80], out[1024], keyline[256], *nl;
	struct alts_creds_paths paths;
	struct alts_creds *c = NULL;
	struct alts_cert_info info;
	char p[4][128], err[512];
	struct stat st;

	ctl_pki(d);
	snprintf(host, sizeof(host), "%s/host", d);
	assert_int_equal(mkdir(host, 0700), 0);
	assert_int_equal(ctl(out, sizeof(out), "cert request --identity api@kalts.test --ciphers pfs "
			     "--attr team=infra --key %s/hs.key --out %s/hs.req", host, host), 0);
	assert_int_equal(strncmp(out, "static key ", 11), 0);
	snprintf(p[0], 128, "%s/hs.key", host);
	assert_int_equal(stat(p[0], &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	slurp(p[0], keyline, sizeof(keyline));
	nl = strchr(keyline, '\n');
	*nl = 0;
	assert_null(strstr(out, keyline + strlen("x25519 ")));
	snprintf(p[1], 128, "%s/hs.req", host);
	slurp(p[1], out, sizeof(out));
	assert_null(strstr(out, keyline + strlen("x25519 ")));
	assert_non_null(strstr(out, "identity api@kalts.test\n"));

	/* signed by the master's holder, in the other directory */
	assert_int_equal(ctl(out, sizeof(out), "cert sign-request --master-key %s/m.key --master-cert "
			     "%s/m.cert --request %s/hs.req --lifetime 6h --out %s/hs.cert",
			     d, d, host, host), 0);
	assert_int_equal(strncmp(out, "signed static key ", 18), 0);
	snprintf(p[2], 128, "%s/hs.cert", host);
	snprintf(p[3], 128, "%s/roots", d);
	assert_int_equal(sh("%s policy add --policy %s/policy --issuer '*' --categories '*' "
			    "--identity '*' >/dev/null", ctl_bin(), host), 0);
	snprintf(out, sizeof(out), "%s/policy", host);
	paths = (struct alts_creds_paths){ .cert = p[2], .key = p[0], .roots = p[3], .policy = out };
	assert_int_equal(alts_creds_load(&c, &paths, err, sizeof(err)), 0);
	assert_int_equal(alts_cert_verify(c, c->cert, c->cert_len, (uint64_t)time(NULL), true, &info), 0);
	assert_string_equal(info.identity, "api@kalts.test");
	assert_string_equal(info.attrs[0].key, "team");
	assert_string_equal(info.attrs[0].value, "infra");
	assert_int_equal(info.ciphers, ALTS_CIPHER_F_PFS);
	assert_true(info.not_after - info.not_before <= 6 * 3600 + ALTS_CLOCK_SKEW);
	assert_int_not_equal(info.revocation_id, info.master_revocation_id);
	alts_creds_free(c);

	/* a request for another identity, a broken request */
	assert_int_equal(ctl(out, sizeof(out), "cert request --identity db@kalts.test --key "
			     "%s/x.key --out %s/x.req", host, host), 0);
	ctl_fails(ctl(out, sizeof(out), "cert sign-request --master-key %s/m.key --master-cert "
		      "%s/m.cert --request %s/x.req --out %s/x.cert", d, d, host, host), out,
		  "The request is for `db@kalts.test', but %s/m.cert is for `api@kalts.test'\n", d);
	assert_int_equal(sh("sed -i 's/^static-key .*/static-key 00/' %s/x.req", host), 0);
	ctl_fails(ctl(out, sizeof(out), "cert sign-request --master-key %s/m.key --master-cert "
		      "%s/m.cert --request %s/x.req --out %s/x.cert", d, d, host, host), out,
		  "%s/x.req:3: static-key is not 64 hex digits\n", host);
	assert_int_not_equal(stat(strcat(strcpy(p[1], host), "/x.cert"), &st), 0);
	assert_int_equal(sh("rm -rf %s", d), 0);
}

#define HC(i) cmocka_unit_test_prestate(hs_negative, (void *)&hs_cases[i])
static const struct CMUnitTest tests[] = {
	cmocka_unit_test(valid_chain),
	cmocka_unit_test(wrong_root),
	cmocka_unit_test(validity_windows),
	cmocka_unit_test(revoked),
	cmocka_unit_test(policy),
	cmocka_unit_test(tampered_cert_bytes),
	cmocka_unit_test(kinds_and_structure),
	cmocka_unit_test(cert_limits),
	cmocka_unit_test(hscert_life_and_rid),
	HC(0), HC(1), HC(2), HC(3),
	cmocka_unit_test(hs_static_only_client),
	cmocka_unit_test(hs_policy_violation),
	cmocka_unit_test(key_files),
	cmocka_unit_test(creds_from_files),
	cmocka_unit_test(trust_file_ownership),
	cmocka_unit_test(crl_signed_and_fresh),
	cmocka_unit_test(crl_once_configured),
	cmocka_unit_test(own_cert_at_load),
	cmocka_unit_test(daemon_own_cert),
	cmocka_unit_test(altsctl_end_to_end),
	cmocka_unit_test(altsctl_refusals),
	cmocka_unit_test(altsctl_master_expiry),
	cmocka_unit_test(altsctl_crl_and_policy),
	cmocka_unit_test(altsctl_request),
};

GROUP(cert_group, "cert", tests);
