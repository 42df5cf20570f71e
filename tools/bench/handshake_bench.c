// SPDX-License-Identifier: GPL-2.0
/*
 * Handshake throughput on one core: kalts full / resumed handshakes with
 * and without PFS, next to OpenSSL TLS 1.3 with mutual authentication
 * (X25519 key exchange, Ed25519 certificates under one CA). Both sides run
 * in this thread over memory, so a number is complete handshakes (client
 * and server work) per CPU-second.
 *
 *	make -C userspace bench [BENCH_SECONDS=2]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "alts_hs.h"
#include "testutil.h"

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct party srv, cli;

static int one_alts(enum alts_pfs pfs, struct alts_ticket *ticket, bool resume)
{
	struct alts_hs_config c = { 0 }, s = { 0 };
	struct alts_hs *hc, *hsv;
	struct alts_buf c2s = { 0 }, s2c = { 0 };
	struct alts_hs_result cr, sr;
	size_t used;
	int err;

	c.role = ALTS_CLIENT;
	c.creds = cli.creds;
	c.pfs = pfs;
	c.now = TEST_NOW;
	c.ticket = resume ? ticket : NULL;
	s.role = ALTS_SERVER;
	s.creds = srv.creds;
	s.pfs = pfs;
	s.now = TEST_NOW;
	if (alts_hs_new(&hc, &c) || alts_hs_new(&hsv, &s))
		abort();
	err = alts_hs_start(hc, &c2s);
	err |= alts_hs_next(hsv, c2s.data, c2s.len, &used, &s2c);
	c2s.len = 0;
	err |= alts_hs_next(hc, s2c.data, s2c.len, &used, &c2s);
	s2c.len = 0;
	err |= alts_hs_next(hsv, c2s.data, c2s.len, &used, &s2c);
	err |= alts_hs_result(hc, &cr);
	err |= alts_hs_result(hsv, &sr);
	if (err || cr.resumed != resume || memcmp(cr.key, sr.key, cr.key_len))
		abort();
	if (cr.has_ticket)
		*ticket = cr.ticket;
	alts_hs_result_wipe(&cr);
	alts_hs_result_wipe(&sr);
	alts_buf_free(&c2s);
	alts_buf_free(&s2c);
	alts_hs_free(hc);
	alts_hs_free(hsv);
	return 0;
}

static double run_alts(enum alts_pfs pfs, bool resume, double secs)
{
	struct alts_ticket t;
	double t0, el;
	long n = 0;

	one_alts(pfs, &t, false);
	t0 = cpu_now();
	do {
		one_alts(pfs, &t, resume);
		n++;
	} while ((el = cpu_now() - t0) < secs);
	return (double)n / el;
}

/* TLS 1.3 mTLS reference */

static EVP_PKEY *ed25519_key(void)
{
	EVP_PKEY *k = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);

	if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &k) != 1)
		abort();
	EVP_PKEY_CTX_free(ctx);
	return k;
}

static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key, bool ca)
{
	X509 *x = X509_new();
	X509_NAME *name;
	X509_EXTENSION *ext;
	X509V3_CTX v3;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), ca ? 1 : 2);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
	X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (!X509_sign(x, issuer_key, NULL))
		abort();
	return x;
}

static SSL_CTX *tls_ctx(bool server, X509 *cert, EVP_PKEY *key, X509 *ca)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());

	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set1_groups_list(ctx, "X25519");
	SSL_CTX_set1_sigalgs_list(ctx, "ed25519");
	if (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1)
		abort();
	X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	return ctx;
}

static void one_tls(SSL_CTX *cctx, SSL_CTX *sctx)
{
	SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
	BIO *cb, *sb;
	int i, rc, rs;

	BIO_new_bio_pair(&cb, 0, &sb, 0);
	SSL_set_bio(c, cb, cb);
	SSL_set_bio(s, sb, sb);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	for (i = 0; i < 10; i++) {
		rc = SSL_do_handshake(c);
		rs = SSL_do_handshake(s);
		if (rc == 1 && rs == 1)
			break;
	}
	if (rc != 1 || rs != 1 || SSL_get_verify_result(c) != X509_V_OK ||
	    SSL_get_verify_result(s) != X509_V_OK) {
		ERR_print_errors_fp(stderr);
		abort();
	}
	SSL_free(c);
	SSL_free(s);
}

static double run_tls(double secs)
{
	EVP_PKEY *cak = ed25519_key(), *sk = ed25519_key(), *ck = ed25519_key();
	X509 *ca = make_cert(cak, "bench-ca", NULL, cak, true);
	X509 *sc = make_cert(sk, "server", ca, cak, false), *cc = make_cert(ck, "client", ca, cak, false);
	SSL_CTX *sctx = tls_ctx(true, sc, sk, ca), *cctx = tls_ctx(false, cc, ck, ca);
	double t0, el;
	long n = 0;

	one_tls(cctx, sctx);
	t0 = cpu_now();
	do {
		one_tls(cctx, sctx);
		n++;
	} while ((el = cpu_now() - t0) < secs);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
	X509_free(ca);
	X509_free(sc);
	X509_free(cc);
	EVP_PKEY_free(cak);
	EVP_PKEY_free(sk);
	EVP_PKEY_free(ck);
	return (double)n / el;
}

#define DASHES "------------------------------------------------------------"

static void row(const char *what, double rate, double vs_tls, double vs_full)
{
	char full[32] = "";

	if (vs_full > 0)
		snprintf(full, sizeof(full), "%.2fx", vs_full);
	printf("| %-44s | %10.0f | %14.2fx | %11s |\n", what, rate, vs_tls, full);
}

int main(int argc, char **argv)
{
	struct party_opts so = { .identity = "server@kalts.test" }, co = { .identity = "client@kalts.test" };
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	double tls, full_s, full_p, res_s, res_p;

	if (secs <= 0)
		secs = 2.0;
	if (party_make(&srv, &so) || party_make(&cli, &co))
		abort();
	tls = run_tls(secs);
	full_s = run_alts(ALTS_PFS_OFF, false, secs);
	full_p = run_alts(ALTS_PFS_ON, false, secs);
	res_s = run_alts(ALTS_PFS_OFF, true, secs);
	res_p = run_alts(ALTS_PFS_ON, true, secs);

	printf("handshakes per CPU-second, one core, client+server in one thread, %s\n",
	       OpenSSL_version(OPENSSL_VERSION));
	printf("| %-44s | %10s | %15s | %11s |\n", "handshake", "per second", "vs TLS 1.3 mTLS",
	       "vs own full");
	printf("|%.46s|%.11s:|%.16s:|%.12s:|\n", DASHES, DASHES, DASHES, DASHES);
	row("OpenSSL TLS 1.3 mTLS (X25519, Ed25519 certs)", tls, 1.0, 0);
	row("kalts full, static only (PFS off)", full_s, full_s / tls, 1.0);
	row("kalts full, PFS on", full_p, full_p / tls, full_p / full_s);
	row("kalts resumed, PFS off", res_s, res_s / tls, res_s / full_s);
	row("kalts resumed, PFS on", res_p, res_p / tls, res_p / full_p);
	printf("(vs own full: resumed PFS on is compared with full PFS on)\n");
	printf("PFS cost: full %.0f%% fewer handshakes/s, resumed %.0f%% fewer\n",
	       100.0 * (1 - full_p / full_s), 100.0 * (1 - res_p / res_s));
	party_free(&srv);
	party_free(&cli);
	return 0;
}
