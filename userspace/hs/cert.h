/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Certificates (root -> master -> handshake), CRL, issuer policy and the
 * credential set a workload's handshakes run with.
 */
#ifndef KALTS_CERT_H
#define KALTS_CERT_H

#include <protobuf-c/protobuf-c.h>

#include "alts_hs.h"

bool alts_pb_clean(const ProtobufCMessage *m);
bool alts_str_ok(const char *s, size_t max);

/*
 * Longest validity (not_after - not_before) of a handshake certificate per
 * category, not counting the ALTS_CLOCK_SKEW an issuer backdates by.
 */
#define ALTS_HSCERT_MAX_LIFE_HUMAN	(24 * 3600ULL)
#define ALTS_HSCERT_MAX_LIFE_MACHINE	(24 * 3600ULL)
#define ALTS_HSCERT_MAX_LIFE_WORKLOAD	(72 * 3600ULL)
uint64_t alts_hscert_max_life(int category);

/* Design 5.11 steps 1-5; check_sigs false skips step 2's signatures and step 4. */
int alts_cert_verify(const struct alts_creds *creds, const uint8_t *cert, size_t len,
		     uint64_t now, bool check_sigs, struct alts_cert_info *info);
/* Structure only (step 1 and kinds), for printing and for parsing own certs. */
int alts_cert_parse(const uint8_t *cert, size_t len, struct alts_cert_info *info);
/* Master certificate alone, as printed by the cert tool. */
int alts_master_parse(const uint8_t *cert, size_t len, struct alts_cert_info *info);

bool alts_crl_contains(const struct alts_creds *creds, uint64_t id);

/*
 * Revocation IDs are written exactly as printed: "0x" and 16 hex digits,
 * the first two the category (01 human, 02 machine, 03 workload).
 * Returns NULL or what is wrong with s.
 */
#define ALTS_RID_STR_LEN	19
const char *alts_rid_parse(const char *s, uint64_t *id);
void alts_rid_format(char out[ALTS_RID_STR_LEN], uint64_t id);

/*
 * Signed CRL (a text file written by altsctl crl): a root's signature
 * over label("crl") and every byte above the signature line.
 */
#define ALTS_LABEL_CRL		ALTS_LABEL("crl")
#define ALTS_CRL_MAGIC		"kalts-crl v1"

struct alts_crl {
	char issuer[ALTS_MAX_NAME + 1];	/* the root that signs it */
	uint64_t serial;		/* grows with every new CRL, from 1 */
	uint64_t this_update, next_update;
	uint64_t *ids;			/* sorted, no duplicates */
	size_t n_ids;
};

int alts_crl_sign(const uint8_t root_seed[32], const struct alts_crl *crl, char **out,
		  size_t *out_len);
/* Parses text and checks its signature by a root of creds named crl->issuer. */
int alts_crl_parse(const char *name, const char *text, size_t len, const struct alts_creds *roots,
		   struct alts_crl *crl, char *err, size_t elen);
void alts_crl_free(struct alts_crl *crl);
int alts_creds_load_roots(struct alts_creds *c, const char *path, char *err, size_t elen);
int alts_policy_check(const struct alts_creds *creds, const struct alts_cert_info *info);
/*
 * One line of the policy file, comment already cut off ("ISSUER
 * CATEGORY[,CATEGORY]|* IDENTITY-GLOB"): 0 a rule, 1 blank, -EINVAL.
 * Changes line.
 */
#define ALTS_POLICY_ALL_CATS	(1u << ALTS_CAT_HUMAN | 1u << ALTS_CAT_MACHINE | 1u << ALTS_CAT_WORKLOAD)
int alts_policy_parse_line(char *line, struct alts_policy_rule *r);

struct alts_master_params {
	const char *identity;
	int category;
	const char *issuer;
	uint64_t revocation_id;
	uint64_t not_before, not_after;
	const uint8_t *public_key;		/* Ed25519, 32 bytes */
};

struct alts_hscert_params {
	const uint8_t *static_key;		/* X25519, 32 bytes */
	unsigned int ciphers;			/* ALTS_CIPHER_F_* */
	const struct alts_attr *attrs;
	size_t n_attrs;
	uint64_t revocation_id;			/* its own: not 0, not the master's */
	uint64_t not_before, not_after;
	const uint8_t *master_cert;
	size_t master_len;
};

int alts_master_issue(const uint8_t root_seed[32], const struct alts_master_params *p,
		      uint8_t **out, size_t *out_len);
int alts_hscert_issue(const uint8_t master_seed[32], const struct alts_hscert_params *p,
		      uint8_t **out, size_t *out_len);

/* Credential set. */
struct alts_creds_paths {
	const char *cert;	/* own handshake cert */
	const char *key;	/* its X25519 key, mode 0600 */
	const char *roots;
	const char *crl;	/* signed; a file that does not exist: none */
	const char *policy;
	const char *res_keys;	/* optional, mode 0600 */
	/*
	 * The set in force, if any: once it had a CRL, a missing one is an
	 * error, and a CRL's serial must not go down.
	 */
	const struct alts_creds *prev;
	uint64_t now;		/* 0: time(NULL) */
};

struct alts_creds *alts_creds_new(void);
void alts_creds_free(struct alts_creds *c);
int alts_creds_set_cert(struct alts_creds *c, const uint8_t *cert, size_t len,
			const uint8_t priv[ALTS_X25519_LEN]);
int alts_creds_add_root(struct alts_creds *c, const char *name, const uint8_t pub[32]);
int alts_creds_add_crl(struct alts_creds *c, uint64_t id);
int alts_creds_add_rule(struct alts_creds *c, const char *issuer, unsigned int cats,
			const char *pattern);
int alts_creds_add_res_key(struct alts_creds *c, const uint8_t idr[ALTS_IDR_LEN],
			   const uint8_t key[ALTS_RES_KEY_LEN]);
/*
 * Refuses, among the rest, an own certificate that peers would refuse:
 * expired or not yet valid (or its master), revoked by our own CRL.
 */
int alts_creds_load(struct alts_creds **out, const struct alts_creds_paths *p,
		    char *err, size_t err_len);
/*
 * 1 and a sentence in buf when the own certificate has less than a quarter
 * of its lifetime left, its master less than ALTS_MASTER_WARN, or the CRL
 * less than ALTS_CRL_WARN before it goes stale.
 */
#define ALTS_MASTER_WARN	(30 * 86400ULL)
#define ALTS_CRL_WARN		(86400ULL)
int alts_creds_expiry_warning(const struct alts_creds *c, uint64_t now, char *buf, size_t len);

/* Files (keyfile.c). */
enum alts_file_kind {
	ALTS_FILE_PLAIN,	/* certificates, requests: read as they are */
	ALTS_FILE_TRUST,	/* roots, policy, CRL: no symlink, owner, no group/world write */
	ALTS_FILE_SECRET,	/* keys: as TRUST, and no group/world access at all */
};

/* why (optional) receives what is wrong with the file, without its name. */
int alts_read_file_kind(const char *path, enum alts_file_kind kind, uint8_t **out, size_t *len,
			size_t max, char *why, size_t why_len);
int alts_read_file(const char *path, uint8_t **out, size_t *len, size_t max);
int alts_read_secret_file(const char *path, uint8_t **out, size_t *len, size_t max);
int alts_write_file(const char *path, const void *data, size_t len, int mode);
int alts_write_new_file(const char *path, const void *data, size_t len, int mode); /* -EEXIST */
int alts_read_key(const char *path, const char *type, uint8_t key[32]);
int alts_read_key_why(const char *path, const char *type, uint8_t key[32], char *why,
		      size_t why_len);
int alts_write_key(const char *path, const char *type, const uint8_t key[32]);
int alts_write_key_mode(const char *path, const char *type, const uint8_t key[32], bool replace);
int alts_hex_decode(uint8_t *out, size_t out_len, const char *hex, size_t hex_len);
void alts_hex_encode(char *out, const uint8_t *in, size_t len);

#endif /* KALTS_CERT_H */
