/* SPDX-License-Identifier: GPL-2.0 */
/* Deterministic fixtures: RNG, a small PKI, and an in-memory handshake pump. */
#ifndef KALTS_TESTUTIL_H
#define KALTS_TESTUTIL_H

#include "alts_hs.h"
#include "cert.h"

#define TEST_NOW	1800000000ULL
#define TEST_ROOT	"kalts-test-root"

/* SHA-256 in counter mode over a label: the same bytes on every run. */
struct test_rng {
	uint8_t seed[32];
	uint64_t ctr;
};

void test_rng_init(struct test_rng *r, const char *label);
bool test_rng_fn(void *ctx, uint8_t *buf, size_t len);
void test_seed(uint8_t out[32], const char *a, const char *b);

struct party_opts {
	const char *identity;
	int category;
	uint64_t revocation_id;		/* 0: category << 56 | 1 */
	uint64_t hs_revocation_id;	/* 0: the master's + 1 */
	const char *root_label;		/* NULL: the configured root */
	const char *issuer;		/* NULL: TEST_ROOT */
	uint64_t master_nb, master_na;	/* 0/0: now - 1 d, no expiry */
	uint64_t hs_nb, hs_na;		/* 0/0: now - 1 h, now + 48 h */
	unsigned int ciphers;		/* 0: both */
	bool no_res_key;
};

struct party {
	struct alts_creds *creds;
	uint8_t master_seed[32];
	uint8_t *master_cert;
	size_t master_len;
	uint8_t static_priv[32];
	uint8_t *hs_cert;
	size_t hs_len;
};

/* Builds a party whose creds trust TEST_ROOT and allow "* * *". */
int party_make(struct party *p, const struct party_opts *o);
void party_free(struct party *p);
void root_seed(uint8_t seed[32], const char *label);

/* In-memory handshake: client and server cores pass flights to each other. */
struct flight_hook {
	/* called for every flight before delivery; may change buf/len */
	void (*fn)(void *ctx, int flight, uint8_t *buf, size_t *len);
	void *ctx;
};

struct pump {
	int cerr, serr;
	bool cdone, sdone;
	struct alts_hs_result cres, sres;
	/* the flights as delivered: 0 ClientInit, 1 ServerInit+Finished, 2 ClientFinished */
	uint8_t *flight[4];
	size_t flight_len[4];
	size_t n_flights;
};

void test_config(struct alts_hs_config *cfg, enum alts_role role, const struct party *p,
		 struct test_rng *rng);
void pump_run(struct pump *pm, const struct alts_hs_config *ccfg,
	      const struct alts_hs_config *scfg, const struct flight_hook *hook);
void pump_free(struct pump *pm);
void hex2bin(uint8_t *out, const char *hex);
void bin2hex(char *out, const uint8_t *in, size_t len);

#endif /* KALTS_TESTUTIL_H */
