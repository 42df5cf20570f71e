/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resumption tickets (design 5.9):
 *
 *	IDR (16) || version (1) || nonce (12) ||
 *	AES-256-GCM(K_res, nonce, TicketBody, AAD = IDR || version || label("ticket"))
 */
#ifndef KALTS_TICKET_H
#define KALTS_TICKET_H

#include "alts_hs.h"

struct alts_ticket_body {
	uint8_t secret[ALTS_SECRET_LEN];
	char identity[ALTS_MAX_IDENTITY + 1];
	char issuer_identity[ALTS_MAX_IDENTITY + 1];
	uint64_t revocation_id, master_revocation_id, peer_not_after;
	uint64_t issued_at, expires_at;
	char record_protocol[ALTS_MAX_NAME + 1];
	char handshake_cipher[ALTS_MAX_NAME + 1];
	bool pfs;
	uint8_t cert_hash[ALTS_HASH_LEN];
};

int alts_ticket_seal(const struct alts_res_key *k, alts_rng_fn rng, void *rng_ctx,
		     const struct alts_ticket_body *b, uint8_t *out, size_t cap, size_t *len);
/* Finds the key by IDR; -ENOKEY if none, -EBADMSG if it does not open or parse. */
int alts_ticket_open(const struct alts_secrets *sec, const uint8_t *t, size_t len,
		     struct alts_ticket_body *b);
const uint8_t *alts_ticket_nonce(const uint8_t *t);

struct alts_ticket_cache *alts_ticket_cache_new(size_t cap);
void alts_ticket_cache_free(struct alts_ticket_cache *c);
void alts_ticket_cache_put(struct alts_ticket_cache *c, const struct alts_ticket *t);
/* Single use: a ticket leaves the cache when it is taken. */
bool alts_ticket_cache_take(struct alts_ticket_cache *c, const char *peer_identity,
			    uint64_t now, struct alts_ticket *t);

/* Shared across fork(): lives in a MAP_SHARED mapping. */
struct alts_replay_cache *alts_replay_cache_new(size_t slots);
void alts_replay_cache_free(struct alts_replay_cache *rc);
/* true if the nonce was not seen before (and records it) */
bool alts_replay_cache_add(struct alts_replay_cache *rc, const uint8_t nonce[ALTS_TICKET_NONCE_LEN],
			   uint64_t expires_at, uint64_t now);

/*
 * Server-held tickets (server-side resumption) shared across fork(): slots
 * indexed by the client's IDR, each entry single use.
 */
struct alts_shared_store;

struct alts_shared_store *alts_shared_store_new(size_t slots);
void alts_shared_store_free(struct alts_shared_store *st);
void alts_shared_store_ops(struct alts_shared_store *st, struct alts_server_store *ops);

#endif /* KALTS_TICKET_H */
