/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kalts handshake library: credentials, the I/O-free handshake core and a
 * file-descriptor driver.
 *
 * The core has the shape of gRPC's handshaker service
 * (grpc/gcp/handshaker.proto): alts_hs_start() is the start request,
 * alts_hs_next() takes in_bytes and returns out_frames and bytes_consumed,
 * and alts_hs_result() is the HandshakerResult.
 */
#ifndef KALTS_ALTS_HS_H
#define KALTS_ALTS_HS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "messages.h"

/*
 * Outcomes an application can act on. Values 1..ALTS_ERR_INTERNAL double
 * as Alert codes on the wire.
 */
enum alts_err {
	ALTS_OK = 0,
	ALTS_ERR_MALFORMED = 1,		/* bad frame or message */
	ALTS_ERR_BAD_CERT = 2,		/* bad signature or structure */
	ALTS_ERR_UNTRUSTED = 3,		/* no configured root signed it */
	ALTS_ERR_EXPIRED = 4,
	ALTS_ERR_NOT_YET_VALID = 5,
	ALTS_ERR_REVOKED = 6,
	ALTS_ERR_POLICY = 7,		/* issuer not allowed for identity */
	ALTS_ERR_IDENTITY_MISMATCH = 8,
	ALTS_ERR_NO_COMMON_PROTOCOL = 9,
	ALTS_ERR_BAD_AUTHENTICATOR = 10,
	ALTS_ERR_RESUMPTION = 11,
	ALTS_ERR_INTERNAL = 12,
	/* local only, never sent */
	ALTS_ERR_TIMEOUT = 13,
	ALTS_ERR_CLOSED = 14,		/* peer closed the stream */
	ALTS_ERR_STATE = 15,		/* API used out of order */
	ALTS_ERR_IO = 16,
	ALTS_ERR_NOMEM = 17,
	ALTS_ERR_CONFIG = 18,
	__ALTS_ERR_MAX
};

#define ALTS_ALERT_MAX	ALTS_ERR_INTERNAL

const char *alts_strerror(int err);
int alts_err_to_errno(int err);

enum alts_role {
	ALTS_CLIENT = 0,
	ALTS_SERVER = 1,
};

/* Numbering of include/uapi/linux/alts.h enum alts_record_protocol. */
enum alts_rp {
	ALTS_RP_UNSPEC = 0,
	ALTS_RP_GCM_AES128 = 1,
	ALTS_RP_GCM_AES128_REKEY = 2,
	ALTS_RP_GMAC_128 = 3,
};

const char *alts_rp_name(enum alts_rp rp);
enum alts_rp alts_rp_from_name(const char *name);
size_t alts_rp_key_len(enum alts_rp rp);

enum alts_category {
	ALTS_CAT_UNSPEC = 0,
	ALTS_CAT_HUMAN = 1,
	ALTS_CAT_MACHINE = 2,
	ALTS_CAT_WORKLOAD = 3,
};

const char *alts_category_name(int cat);
int alts_category_from_name(const char *name);

enum alts_pfs {
	ALTS_PFS_ON = 0,	/* offer ephemeral first, accept static-only */
	ALTS_PFS_OFF,		/* whitepaper default: static keys only */
	ALTS_PFS_REQUIRED,	/* ephemeral or nothing */
};

struct alts_attr {
	char key[ALTS_MAX_NAME + 1];
	char value[ALTS_MAX_ATTR_VALUE + 1];
};

/* What a verified (or, when resuming, parsed) peer certificate says. */
struct alts_cert_info {
	char identity[ALTS_MAX_IDENTITY + 1];
	char issuer[ALTS_MAX_NAME + 1];
	int category;
	uint64_t revocation_id;
	uint64_t master_revocation_id;
	uint64_t not_before;
	uint64_t not_after;
	uint64_t master_not_after;
	unsigned int ciphers;		/* ALTS_CIPHER_F_* */
	uint8_t static_key[ALTS_X25519_LEN];
	uint8_t master_key[ALTS_ED25519_PUB_LEN];
	size_t n_attrs;
	struct alts_attr attrs[ALTS_MAX_ATTRS];
};

#define ALTS_CIPHER_F_STATIC	0x1
#define ALTS_CIPHER_F_PFS	0x2

struct alts_root {
	char name[ALTS_MAX_NAME + 1];
	uint8_t pub[ALTS_ED25519_PUB_LEN];
};

struct alts_policy_rule {
	char issuer[ALTS_MAX_NAME + 1];	/* "*" matches any issuer */
	unsigned int categories;	/* bit (1 << category) */
	char pattern[ALTS_MAX_IDENTITY + 1];	/* fnmatch(3) pattern */
};

struct alts_res_key {
	uint8_t idr[ALTS_IDR_LEN];
	uint8_t key[ALTS_RES_KEY_LEN];
};

#define ALTS_MAX_RES_KEYS	4

/* Secret material, kept in its own locked, non-dumpable page. */
struct alts_secrets {
	uint8_t static_priv[ALTS_X25519_LEN];
	size_t n_res_keys;		/* [0] mints tickets, all open them */
	struct alts_res_key res_keys[ALTS_MAX_RES_KEYS];
};

/* Everything a workload's handshakes need; read-only while in use. */
struct alts_creds {
	uint8_t *cert;			/* own SignedCert(handshake) */
	size_t cert_len;
	struct alts_cert_info self;
	struct alts_secrets *sec;
	struct evp_pkey_st *static_key;	/* prepared from sec->static_priv */
	struct alts_root *roots;
	size_t n_roots;
	uint64_t *crl;			/* sorted */
	size_t n_crl;
	bool has_crl;			/* a signed CRL was loaded */
	uint64_t crl_serial;
	uint64_t crl_next_update;	/* 0: none; from then on verification fails */
	struct alts_policy_rule *rules;
	size_t n_rules;
};

/* A client-held resumption ticket and what goes with it. */
struct alts_ticket {
	uint8_t data[ALTS_MAX_TICKET];
	size_t len;
	uint8_t secret[ALTS_SECRET_LEN];	/* R */
	char peer_identity[ALTS_MAX_IDENTITY + 1];
	uint64_t expires_at;
	bool pfs;
	uint8_t peer_cert_hash[ALTS_HASH_LEN];	/* the certificate R was agreed with */
};

struct alts_ticket_cache;

/* Server: single-use check for ticket nonces (optional). */
struct alts_replay_cache;

/*
 * Server-side resumption (design 5.9 v2): the server keeps the client's
 * ticket and R' indexed by the client's IDR. Both callbacks are optional.
 */
struct alts_server_store {
	void (*put)(void *ctx, const uint8_t idr[ALTS_IDR_LEN], const struct alts_ticket *t);
	bool (*take)(void *ctx, const uint8_t idr[ALTS_IDR_LEN], struct alts_ticket *t);
	void *ctx;
};

typedef bool (*alts_rng_fn)(void *ctx, uint8_t *buf, size_t len);

struct alts_hs_config {
	enum alts_role role;
	const struct alts_creds *creds;
	/* Preference order; NULL: REKEY, GCM_AES128 (GMAC_128 is opt-in). */
	const enum alts_rp *record_protocols;
	size_t n_record_protocols;
	enum alts_pfs pfs;
	/* Client: acceptable server identities; server: allowed clients. Empty: any. */
	const char *const *target_identities;
	size_t n_target_identities;
	const char *const *app_protocols;	/* NULL: "grpc" */
	size_t n_app_protocols;
	uint32_t rpc_max_major, rpc_max_minor, rpc_min_major, rpc_min_minor; /* 0: 2.1 */
	uint32_t max_frame_size;		/* 0: 1 MiB */
	uint64_t now;				/* 0: time(NULL) */
	alts_rng_fn rng;			/* NULL: RAND_bytes */
	void *rng_ctx;
	/* client: a ticket to offer, already taken out of its cache (single use);
	 * it must stay valid until the handshake ends */
	const struct alts_ticket *ticket;
	/* client: hand the server a ticket to hold (server-side resumption) */
	bool offer_server_ticket;
	/* server */
	bool no_tickets;
	struct alts_replay_cache *replay;
	const struct alts_server_store *store;
};

struct alts_hs_result {
	enum alts_rp record_protocol;
	uint8_t key[ALTS_RECORD_KEY_MAX];
	size_t key_len;
	uint32_t max_frame_size;	/* negotiated, gRPC's rule */
	uint32_t peer_max_frame_size;
	char app_protocol[ALTS_MAX_NAME + 1];
	uint32_t rpc_major, rpc_minor;
	char local_identity[ALTS_MAX_IDENTITY + 1];
	struct alts_cert_info peer;
	bool resumed;
	bool pfs;
	/* client: a new ticket to cache for the next connection */
	bool has_ticket;
	struct alts_ticket ticket;
};

/* Growable output buffer for frames. */
struct alts_buf {
	uint8_t *data;
	size_t len, cap;
};

void alts_buf_free(struct alts_buf *b);

struct alts_hs;

int alts_hs_new(struct alts_hs **out, const struct alts_hs_config *cfg);
int alts_hs_start(struct alts_hs *hs, struct alts_buf *out);
int alts_hs_next(struct alts_hs *hs, const uint8_t *in, size_t in_len,
		 size_t *consumed, struct alts_buf *out);
bool alts_hs_done(const struct alts_hs *hs);
bool alts_hs_peer_alerted(const struct alts_hs *hs);
int alts_hs_result(struct alts_hs *hs, struct alts_hs_result *res);
void alts_hs_free(struct alts_hs *hs);
void alts_hs_result_wipe(struct alts_hs_result *res);

/* fd driver: reads exactly one frame at a time; timeout_ms 0: default. */
int alts_hs_run_fd(int fd, const struct alts_hs_config *cfg, int timeout_ms,
		   struct alts_hs_result *res);

#endif /* KALTS_ALTS_HS_H */
