// SPDX-License-Identifier: GPL-2.0
/* Resumption tickets, the client's ticket cache and the server's replay cache. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "alts_handshake.pb-c.h"
#include "cert.h"
#include "kdf.h"
#include "ticket.h"

static void ticket_aad(uint8_t *aad, const uint8_t *hdr)
{
	memcpy(aad, hdr, ALTS_IDR_LEN + 1);
	memcpy(aad + ALTS_IDR_LEN + 1, ALTS_LABEL_TICKET, strlen(ALTS_LABEL_TICKET));
}

#define AAD_LEN (ALTS_IDR_LEN + 1 + sizeof(ALTS_LABEL_TICKET) - 1)

int alts_ticket_seal(const struct alts_res_key *k, alts_rng_fn rng, void *rng_ctx,
		     const struct alts_ticket_body *b, uint8_t *out, size_t cap, size_t *len)
{
	Kalts__Hs__TicketBody tb = KALTS__HS__TICKET_BODY__INIT;
	uint8_t aad[AAD_LEN];
	uint8_t *plain;
	size_t plen;
	int ret = -EINVAL;

	tb.resumption_secret.data = (uint8_t *)b->secret;
	tb.resumption_secret.len = ALTS_SECRET_LEN;
	tb.identity = (char *)b->identity;
	tb.issuer_identity = (char *)b->issuer_identity;
	tb.revocation_id = b->revocation_id;
	tb.master_revocation_id = b->master_revocation_id;
	tb.peer_not_after = b->peer_not_after;
	tb.issued_at = b->issued_at;
	tb.expires_at = b->expires_at;
	tb.record_protocol = (char *)b->record_protocol;
	tb.handshake_cipher = (char *)b->handshake_cipher;
	tb.pfs = b->pfs;
	tb.peer_cert_hash.data = (uint8_t *)b->cert_hash;
	tb.peer_cert_hash.len = ALTS_HASH_LEN;
	plen = kalts__hs__ticket_body__get_packed_size(&tb);
	if (ALTS_TICKET_HEADER_LEN + plen + ALTS_TICKET_TAG_LEN > cap)
		return -EMSGSIZE;
	plain = malloc(plen ? plen : 1);
	if (!plain)
		return -ENOMEM;
	kalts__hs__ticket_body__pack(&tb, plain);

	memcpy(out, k->idr, ALTS_IDR_LEN);
	out[ALTS_IDR_LEN] = ALTS_TICKET_VERSION;
	if (!rng(rng_ctx, out + ALTS_IDR_LEN + 1, ALTS_TICKET_NONCE_LEN))
		goto out;
	ticket_aad(aad, out);
	if (!alts_aes256gcm_seal(out + ALTS_TICKET_HEADER_LEN, k->key, out + ALTS_IDR_LEN + 1,
				 aad, sizeof(aad), plain, plen))
		goto out;
	*len = ALTS_TICKET_HEADER_LEN + plen + ALTS_TICKET_TAG_LEN;
	ret = 0;
out:
	OPENSSL_clear_free(plain, plen ? plen : 1);
	return ret;
}

const uint8_t *alts_ticket_nonce(const uint8_t *t)
{
	return t + ALTS_IDR_LEN + 1;
}

static bool copy_str(char *dst, const char *src, size_t max)
{
	if (!alts_str_ok(src, max))
		return false;
	strcpy(dst, src);
	return true;
}

int alts_ticket_open(const struct alts_secrets *sec, const uint8_t *t, size_t len,
		     struct alts_ticket_body *b)
{
	const struct alts_res_key *k = NULL;
	Kalts__Hs__TicketBody *tb = NULL;
	uint8_t aad[AAD_LEN];
	uint8_t *plain = NULL;
	size_t plen = 0, i;
	int ret = -EBADMSG;

	memset(b, 0, sizeof(*b));
	if (len < ALTS_TICKET_HEADER_LEN + ALTS_TICKET_TAG_LEN || len > ALTS_MAX_TICKET ||
	    t[ALTS_IDR_LEN] != ALTS_TICKET_VERSION)
		return -EBADMSG;
	for (i = 0; i < sec->n_res_keys && !k; i++)
		if (!CRYPTO_memcmp(sec->res_keys[i].idr, t, ALTS_IDR_LEN))
			k = &sec->res_keys[i];
	if (!k)
		return -ENOKEY;
	plen = len - ALTS_TICKET_HEADER_LEN - ALTS_TICKET_TAG_LEN;
	plain = malloc(plen ? plen : 1);
	if (!plain)
		return -ENOMEM;
	ticket_aad(aad, t);
	if (!alts_aes256gcm_open(plain, k->key, t + ALTS_IDR_LEN + 1, aad, sizeof(aad),
				 t + ALTS_TICKET_HEADER_LEN, len - ALTS_TICKET_HEADER_LEN))
		goto out;
	tb = kalts__hs__ticket_body__unpack(NULL, plen, plain);
	if (!tb || !alts_pb_clean(&tb->base) || tb->resumption_secret.len != ALTS_SECRET_LEN ||
	    tb->peer_cert_hash.len != ALTS_HASH_LEN ||
	    !tb->identity[0] || !copy_str(b->identity, tb->identity, ALTS_MAX_IDENTITY) ||
	    !copy_str(b->issuer_identity, tb->issuer_identity, ALTS_MAX_IDENTITY) ||
	    !copy_str(b->record_protocol, tb->record_protocol, ALTS_MAX_NAME) ||
	    !copy_str(b->handshake_cipher, tb->handshake_cipher, ALTS_MAX_NAME))
		goto out;
	memcpy(b->secret, tb->resumption_secret.data, ALTS_SECRET_LEN);
	b->revocation_id = tb->revocation_id;
	b->master_revocation_id = tb->master_revocation_id;
	b->peer_not_after = tb->peer_not_after;
	b->issued_at = tb->issued_at;
	b->expires_at = tb->expires_at;
	b->pfs = tb->pfs;
	memcpy(b->cert_hash, tb->peer_cert_hash.data, ALTS_HASH_LEN);
	ret = 0;
out:
	if (tb) {
		OPENSSL_cleanse(tb->resumption_secret.data, tb->resumption_secret.len);
		kalts__hs__ticket_body__free_unpacked(tb, NULL);
	}
	OPENSSL_clear_free(plain, plen ? plen : 1);
	if (ret)
		OPENSSL_cleanse(b, sizeof(*b));
	return ret;
}

/* Client ticket cache: one ticket per server identity, oldest evicted. */
struct alts_ticket_cache {
	size_t cap, n;
	struct alts_ticket t[];
};

struct alts_ticket_cache *alts_ticket_cache_new(size_t cap)
{
	struct alts_ticket_cache *c = calloc(1, sizeof(*c) + cap * sizeof(c->t[0]));

	if (c)
		c->cap = cap;
	return c;
}

void alts_ticket_cache_free(struct alts_ticket_cache *c)
{
	if (c)
		OPENSSL_clear_free(c, sizeof(*c) + c->cap * sizeof(c->t[0]));
}

static void cache_del(struct alts_ticket_cache *c, size_t i)
{
	OPENSSL_cleanse(&c->t[i], sizeof(c->t[i]));
	memmove(&c->t[i], &c->t[i + 1], (c->n - i - 1) * sizeof(c->t[0]));
	c->n--;
	OPENSSL_cleanse(&c->t[c->n], sizeof(c->t[0]));
}

void alts_ticket_cache_put(struct alts_ticket_cache *c, const struct alts_ticket *t)
{
	size_t i;

	if (!c->cap)
		return;
	for (i = 0; i < c->n; i++)
		if (!strcmp(c->t[i].peer_identity, t->peer_identity)) {
			cache_del(c, i);
			break;
		}
	if (c->n == c->cap)
		cache_del(c, 0);
	c->t[c->n++] = *t;
}

bool alts_ticket_cache_take(struct alts_ticket_cache *c, const char *peer_identity,
			    uint64_t now, struct alts_ticket *t)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (strcmp(c->t[i].peer_identity, peer_identity))
			continue;
		if (c->t[i].expires_at <= now) {
			cache_del(c, i);
			return false;
		}
		*t = c->t[i];
		cache_del(c, i);
		return true;
	}
	return false;
}

/*
 * Replay cache: open-addressed table of ticket nonces keyed by their first
 * bytes (nonces are random), shared across fork() so that every handshake
 * process of one daemon sees every ticket.
 */
struct replay_slot {
	uint8_t nonce[ALTS_TICKET_NONCE_LEN];
	uint64_t expires_at;
};

struct alts_replay_cache {
	pthread_mutex_t lock;
	size_t slots;
	size_t map_len;
	struct replay_slot s[];
};

struct alts_replay_cache *alts_replay_cache_new(size_t slots)
{
	size_t len = sizeof(struct alts_replay_cache) + slots * sizeof(struct replay_slot);
	pthread_mutexattr_t a;
	struct alts_replay_cache *rc;

	if (!slots)
		return NULL;
	rc = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rc == MAP_FAILED)
		return NULL;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&rc->lock, &a);
	pthread_mutexattr_destroy(&a);
	rc->slots = slots;
	rc->map_len = len;
	return rc;
}

void alts_replay_cache_free(struct alts_replay_cache *rc)
{
	if (rc)
		munmap(rc, rc->map_len);
}

bool alts_replay_cache_add(struct alts_replay_cache *rc, const uint8_t nonce[ALTS_TICKET_NONCE_LEN],
			   uint64_t expires_at, uint64_t now)
{
	uint64_t h;
	size_t i, victim = SIZE_MAX;
	bool fresh = true;

	memcpy(&h, nonce, sizeof(h));
	if (pthread_mutex_lock(&rc->lock) == EOWNERDEAD)
		pthread_mutex_consistent(&rc->lock);
	for (i = 0; i < 8; i++) {
		struct replay_slot *s = &rc->s[(h + i) % rc->slots];

		if (s->expires_at > now && !memcmp(s->nonce, nonce, ALTS_TICKET_NONCE_LEN)) {
			fresh = false;
			break;
		}
		if (victim == SIZE_MAX && s->expires_at <= now)
			victim = (h + i) % rc->slots;
	}
	/*
	 * A full neighbourhood means too many live tickets for the table:
	 * refuse rather than forget (the client falls back to a full handshake).
	 */
	if (fresh && victim == SIZE_MAX)
		fresh = false;
	if (fresh) {
		memcpy(rc->s[victim].nonce, nonce, ALTS_TICKET_NONCE_LEN);
		rc->s[victim].expires_at = expires_at;
	}
	pthread_mutex_unlock(&rc->lock);
	return fresh;
}

struct store_slot {
	bool used;
	uint8_t idr[ALTS_IDR_LEN];
	struct alts_ticket t;
};

struct alts_shared_store {
	pthread_mutex_t lock;
	size_t slots;
	size_t map_len;
	uint64_t clock;			/* insertion order, for eviction */
	uint64_t age[0];		/* followed by the slots */
};

static struct store_slot *store_slots(struct alts_shared_store *st)
{
	return (struct store_slot *)(st->age + st->slots);
}

struct alts_shared_store *alts_shared_store_new(size_t slots)
{
	size_t len = sizeof(struct alts_shared_store) +
		     slots * (sizeof(uint64_t) + sizeof(struct store_slot));
	pthread_mutexattr_t a;
	struct alts_shared_store *st;

	if (!slots)
		return NULL;
	st = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return NULL;
	(void)mlock(st, len);
	(void)madvise(st, len, MADV_DONTDUMP);
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&st->lock, &a);
	pthread_mutexattr_destroy(&a);
	st->slots = slots;
	st->map_len = len;
	return st;
}

void alts_shared_store_free(struct alts_shared_store *st)
{
	if (!st)
		return;
	OPENSSL_cleanse(store_slots(st), st->slots * sizeof(struct store_slot));
	munmap(st, st->map_len);
}

static void store_lock(struct alts_shared_store *st)
{
	if (pthread_mutex_lock(&st->lock) == EOWNERDEAD)
		pthread_mutex_consistent(&st->lock);
}

static void store_put(void *ctx, const uint8_t idr[ALTS_IDR_LEN], const struct alts_ticket *t)
{
	struct alts_shared_store *st = ctx;
	struct store_slot *s = store_slots(st);
	size_t i, victim = 0;

	store_lock(st);
	for (i = 0; i < st->slots; i++) {
		if (s[i].used && !memcmp(s[i].idr, idr, ALTS_IDR_LEN)) {
			victim = i;
			break;
		}
		if (!s[i].used || st->age[i] < st->age[victim] ||
		    (s[victim].used && !s[i].used))
			victim = i;
	}
	s[victim].used = true;
	memcpy(s[victim].idr, idr, ALTS_IDR_LEN);
	s[victim].t = *t;
	st->age[victim] = ++st->clock;
	pthread_mutex_unlock(&st->lock);
}

static bool store_take(void *ctx, const uint8_t idr[ALTS_IDR_LEN], struct alts_ticket *t)
{
	struct alts_shared_store *st = ctx;
	struct store_slot *s = store_slots(st);
	bool found = false;
	size_t i;

	store_lock(st);
	for (i = 0; i < st->slots && !found; i++) {
		if (!s[i].used || memcmp(s[i].idr, idr, ALTS_IDR_LEN))
			continue;
		*t = s[i].t;
		OPENSSL_cleanse(&s[i], sizeof(s[i]));
		found = true;
	}
	pthread_mutex_unlock(&st->lock);
	return found;
}

void alts_shared_store_ops(struct alts_shared_store *st, struct alts_server_store *ops)
{
	ops->put = store_put;
	ops->take = store_take;
	ops->ctx = st;
}
