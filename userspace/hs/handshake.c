// SPDX-License-Identifier: GPL-2.0
/*
 * The kalts handshake state machine: bytes in, frames out, no I/O.
 *
 *   Client                                                  Server
 *   ClientInit { cert_c, ciphers, protocols, n_c, [e_c], [ticket], [IDR_c] } -->
 *        <-- ServerInit { cert_s, cipher, protocol, n_s, [e_s], resumption, [ticket_s] }
 *        <-- ServerFinished { auth_s = HMAC(A, "server finished" || H(ticket')), [ticket'] }
 *   ClientFinished { auth_c = HMAC(A, "client finished" || H(ticket_s')), [ticket_s'] } -->
 *
 *   TH  = SHA-256(ClientInit frame || ServerInit frame)
 *   IKM = ss [|| ee]            full handshake
 *   IKM = R  [|| ee]            resumed handshake (R from ticket or ticket_s)
 *   M, A, R', R's = HKDF(IKM, TH)    (kdf.c)
 *
 * Each consume function checks the state first, does all its work on
 * locals, commits them to the handshake only on success and wipes its
 * stack secrets at its single exit.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "alts_handshake.pb-c.h"
#include "cert.h"
#include "kdf.h"
#include "ticket.h"

enum hs_state {
	HS_ZEROED,
	HS_CLIENT_SENT_INIT,		/* awaiting ServerInit */
	HS_CLIENT_CONSUMED_INIT,	/* awaiting ServerFinished */
	HS_SERVER_AWAIT_INIT,		/* awaiting ClientInit */
	HS_SERVER_SENT_FINISHED,	/* awaiting ClientFinished */
	HS_DONE,
	HS_FAILED,
};

struct rpcv {
	uint32_t max_major, max_minor, min_major, min_minor;
	bool present;
};

struct alts_hs {
	enum hs_state state;
	struct alts_hs_config cfg;
	const struct alts_creds *creds;
	uint64_t now;
	int err;
	bool peer_alerted;

	enum alts_rp rps[ALTS_MAX_LIST];
	size_t n_rps;
	unsigned int my_ciphers;	/* ALTS_CIPHER_F_* this side will use */

	uint8_t nonce[ALTS_NONCE_LEN];
	uint8_t eph_priv[ALTS_X25519_LEN];
	uint8_t eph_pub[ALTS_X25519_LEN];
	struct evp_pkey_st *eph;

	uint8_t *ci_frame;		/* kept for TH */
	size_t ci_len;
	uint8_t client_idr[ALTS_IDR_LEN];
	bool has_client_idr;

	struct alts_keys keys;
	struct alts_hs_result res;
	uint8_t peer_cert_hash[ALTS_HASH_LEN];

	size_t rlen;
	uint8_t rbuf[ALTS_FRAME_MAX];
};

static bool default_rng(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	return RAND_priv_bytes(buf, (int)len) == 1;
}

static bool rng(struct alts_hs *hs, uint8_t *buf, size_t len)
{
	return hs->cfg.rng(hs->cfg.rng_ctx, buf, len);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static bool buf_reserve(struct alts_buf *b, size_t more)
{
	size_t cap;
	uint8_t *p;

	if (b->cap - b->len >= more)
		return true;
	cap = b->len + more < 4096 ? 4096 : 2 * (b->len + more);
	p = OPENSSL_realloc(b->data, cap);
	if (!p)
		return false;
	b->data = p;
	b->cap = cap;
	return true;
}

/* Appends one frame; *off receives its offset in out. */
static int emit(struct alts_buf *out, uint32_t type, const ProtobufCMessage *m, size_t *off)
{
	size_t body = protobuf_c_message_get_packed_size(m);
	uint8_t *p;

	if (ALTS_FRAME_HEADER_LEN + body > ALTS_FRAME_MAX)
		return ALTS_ERR_INTERNAL;
	if (!buf_reserve(out, ALTS_FRAME_HEADER_LEN + body))
		return ALTS_ERR_NOMEM;
	p = out->data + out->len;
	put_le32(p, (uint32_t)(4 + body));
	put_le32(p + 4, type);
	protobuf_c_message_pack(m, p + ALTS_FRAME_HEADER_LEN);
	if (off)
		*off = out->len;
	out->len += ALTS_FRAME_HEADER_LEN + body;
	return ALTS_OK;
}

static void emit_alert(struct alts_buf *out, int code)
{
	Kalts__Hs__Alert a = KALTS__HS__ALERT__INIT;

	if (code <= ALTS_OK || code > ALTS_ALERT_MAX)
		code = ALTS_ERR_INTERNAL;
	a.code = (uint32_t)code;
	emit(out, ALTS_FRAME_ALERT, &a.base, NULL);
}

static const char *cipher_name(unsigned int f)
{
	return f == ALTS_CIPHER_F_PFS ? ALTS_CIPHER_PFS : ALTS_CIPHER_STATIC;
}

static unsigned int cipher_flag(const char *name)
{
	if (!strcmp(name, ALTS_CIPHER_PFS))
		return ALTS_CIPHER_F_PFS;
	if (!strcmp(name, ALTS_CIPHER_STATIC))
		return ALTS_CIPHER_F_STATIC;
	return 0;
}

static bool strs_ok(char **s, size_t n, size_t max_len)
{
	size_t i;

	if (n > ALTS_MAX_LIST)
		return false;
	for (i = 0; i < n; i++)
		if (!alts_str_ok(s[i], max_len))
			return false;
	return true;
}

static bool rp_allowed(const struct alts_hs *hs, enum alts_rp rp)
{
	size_t i;

	for (i = 0; i < hs->n_rps; i++)
		if (hs->rps[i] == rp)
			return true;
	return false;
}

static bool str_in_list(const char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

static bool app_allowed(const struct alts_hs *hs, const char *name)
{
	return str_in_list(hs->cfg.app_protocols, hs->cfg.n_app_protocols, name);
}

/* No target identities: any authenticated peer will do. */
static bool identity_allowed(const struct alts_hs *hs, const char *identity)
{
	return !hs->cfg.n_target_identities ||
	       str_in_list(hs->cfg.target_identities, hs->cfg.n_target_identities, identity);
}

static void rpcv_local(const struct alts_hs *hs, struct rpcv *v)
{
	v->max_major = hs->cfg.rpc_max_major;
	v->max_minor = hs->cfg.rpc_max_minor;
	v->min_major = hs->cfg.rpc_min_major;
	v->min_minor = hs->cfg.rpc_min_minor;
	v->present = true;
}

static bool rpcv_from_pb(const Kalts__Hs__RpcVersions *pb, struct rpcv *v)
{
	memset(v, 0, sizeof(*v));
	if (!pb)
		return true;
	if (!pb->max_rpc_version || !pb->min_rpc_version)
		return false;
	v->max_major = pb->max_rpc_version->major;
	v->max_minor = pb->max_rpc_version->minor;
	v->min_major = pb->min_rpc_version->major;
	v->min_minor = pb->min_rpc_version->minor;
	v->present = true;
	return true;
}

static int ver_cmp(uint32_t a_major, uint32_t a_minor, uint32_t b_major, uint32_t b_minor)
{
	if (a_major != b_major)
		return a_major < b_major ? -1 : 1;
	return a_minor < b_minor ? -1 : a_minor > b_minor;
}

/* gRPC RpcProtocolVersions check: highest version both support, if any. */
static bool rpcv_negotiate(const struct rpcv *a, const struct rpcv *b,
			   uint32_t *major, uint32_t *minor)
{
	uint32_t hi_major, hi_minor, lo_major, lo_minor;

	if (!b->present) {
		*major = *minor = 0;
		return true;
	}
	if (ver_cmp(a->max_major, a->max_minor, b->max_major, b->max_minor) < 0)
		hi_major = a->max_major, hi_minor = a->max_minor;
	else
		hi_major = b->max_major, hi_minor = b->max_minor;
	if (ver_cmp(a->min_major, a->min_minor, b->min_major, b->min_minor) > 0)
		lo_major = a->min_major, lo_minor = a->min_minor;
	else
		lo_major = b->min_major, lo_minor = b->min_minor;
	if (ver_cmp(lo_major, lo_minor, hi_major, hi_minor) > 0)
		return false;
	*major = hi_major;
	*minor = hi_minor;
	return true;
}

static void rpcv_to_pb(const struct rpcv *v, Kalts__Hs__RpcVersions *pb,
		       Kalts__Hs__RpcVersion *max, Kalts__Hs__RpcVersion *min)
{
	kalts__hs__rpc_versions__init(pb);
	kalts__hs__rpc_version__init(max);
	kalts__hs__rpc_version__init(min);
	max->major = v->max_major;
	max->minor = v->max_minor;
	min->major = v->min_major;
	min->minor = v->min_minor;
	pb->max_rpc_version = max;
	pb->min_rpc_version = min;
}

static uint32_t frame_size(const struct alts_hs *hs, uint32_t peer)
{
	uint32_t local = hs->cfg.max_frame_size;

	if (!peer)
		return 16384;
	peer = peer < local ? peer : local;
	return peer < 16384 ? 16384 : peer;
}

static void set_result_common(struct alts_hs *hs)
{
	strcpy(hs->res.local_identity, hs->creds->self.identity);
}

int alts_hs_new(struct alts_hs **out, const struct alts_hs_config *cfg)
{
	static const enum alts_rp def_rps[] = { ALTS_RP_GCM_AES128_REKEY, ALTS_RP_GCM_AES128 };
	static const char *const def_apps[] = { "grpc" };
	struct alts_hs *hs;
	unsigned int want;
	size_t i;

	*out = NULL;
	if (!cfg->creds || !cfg->creds->cert || cfg->role > ALTS_SERVER || cfg->pfs > ALTS_PFS_REQUIRED)
		return ALTS_ERR_CONFIG;
	if (cfg->n_record_protocols > ALTS_MAX_LIST || cfg->n_app_protocols > ALTS_MAX_LIST ||
	    cfg->n_target_identities > 64)
		return ALTS_ERR_CONFIG;
	hs = OPENSSL_zalloc(sizeof(*hs));
	if (!hs)
		return ALTS_ERR_NOMEM;
	hs->cfg = *cfg;
	hs->creds = cfg->creds;
	if (!hs->cfg.rng)
		hs->cfg.rng = default_rng;
	hs->now = cfg->now ? cfg->now : (uint64_t)time(NULL);
	if (!cfg->record_protocols) {
		hs->cfg.record_protocols = def_rps;
		hs->cfg.n_record_protocols = 2;
	}
	for (i = 0; i < hs->cfg.n_record_protocols; i++) {
		if (!alts_rp_name(hs->cfg.record_protocols[i]))
			goto bad;
		hs->rps[hs->n_rps++] = hs->cfg.record_protocols[i];
	}
	if (!cfg->app_protocols) {
		hs->cfg.app_protocols = def_apps;
		hs->cfg.n_app_protocols = 1;
	}
	for (i = 0; i < hs->cfg.n_app_protocols; i++)
		if (!alts_str_ok(hs->cfg.app_protocols[i], ALTS_MAX_NAME))
			goto bad;
	if (!cfg->rpc_max_major && !cfg->rpc_min_major) {
		hs->cfg.rpc_max_major = hs->cfg.rpc_min_major = 2;
		hs->cfg.rpc_max_minor = hs->cfg.rpc_min_minor = 1;
	}
	if (!hs->cfg.max_frame_size)
		hs->cfg.max_frame_size = 1048576;
	want = cfg->pfs == ALTS_PFS_ON ? ALTS_CIPHER_F_PFS | ALTS_CIPHER_F_STATIC :
	       cfg->pfs == ALTS_PFS_OFF ? ALTS_CIPHER_F_STATIC : ALTS_CIPHER_F_PFS;
	hs->my_ciphers = want & cfg->creds->self.ciphers;
	if (!hs->n_rps || !hs->my_ciphers)
		goto bad;
	hs->state = cfg->role == ALTS_SERVER ? HS_SERVER_AWAIT_INIT : HS_ZEROED;
	*out = hs;
	return ALTS_OK;
bad:
	OPENSSL_clear_free(hs, sizeof(*hs));
	return ALTS_ERR_CONFIG;
}

void alts_hs_free(struct alts_hs *hs)
{
	if (!hs)
		return;
	OPENSSL_clear_free(hs->ci_frame, hs->ci_len);
	alts_x25519_key_free(hs->eph);
	OPENSSL_clear_free(hs, sizeof(*hs));
}

bool alts_hs_done(const struct alts_hs *hs)
{
	return hs->state == HS_DONE;
}

bool alts_hs_peer_alerted(const struct alts_hs *hs)
{
	return hs->peer_alerted;
}

void alts_hs_result_wipe(struct alts_hs_result *res)
{
	OPENSSL_cleanse(res, sizeof(*res));
}

int alts_hs_result(struct alts_hs *hs, struct alts_hs_result *res)
{
	if (hs->state != HS_DONE)
		return hs->state == HS_FAILED ? hs->err : ALTS_ERR_STATE;
	*res = hs->res;
	OPENSSL_cleanse(&hs->res, sizeof(hs->res));
	return ALTS_OK;
}

/* ClientInit */
int alts_hs_start(struct alts_hs *hs, struct alts_buf *out)
{
	Kalts__Hs__ClientInit ci = KALTS__HS__CLIENT_INIT__INIT;
	Kalts__Hs__RpcVersions rv;
	Kalts__Hs__RpcVersion rmax, rmin;
	char *ciphers[2], *rps[ALTS_MAX_LIST];
	const struct alts_secrets *sec = hs->creds->sec;
	struct rpcv v;
	size_t off, i, start = out->len;
	int err;

	if (hs->cfg.role == ALTS_SERVER && hs->state == HS_SERVER_AWAIT_INIT)
		return ALTS_OK;
	if (hs->state != HS_ZEROED)
		return ALTS_ERR_STATE;
	err = ALTS_ERR_INTERNAL;
	/* n_c */
	if (!rng(hs, hs->nonce, sizeof(hs->nonce)))
		goto out;
	/* e_c */
	if (hs->my_ciphers & ALTS_CIPHER_F_PFS) {
		if (!rng(hs, hs->eph_priv, sizeof(hs->eph_priv)) ||
		    !(hs->eph = alts_x25519_key(hs->eph_priv, hs->eph_pub)))
			goto out;
		OPENSSL_cleanse(hs->eph_priv, sizeof(hs->eph_priv));
		ci.ephemeral.data = hs->eph_pub;
		ci.ephemeral.len = ALTS_X25519_LEN;
	}
	ci.version = ALTS_HS_VERSION;
	ci.cert.data = hs->creds->cert;
	ci.cert.len = hs->creds->cert_len;
	if (hs->my_ciphers & ALTS_CIPHER_F_PFS)
		ciphers[ci.n_handshake_ciphers++] = ALTS_CIPHER_PFS;
	if (hs->my_ciphers & ALTS_CIPHER_F_STATIC)
		ciphers[ci.n_handshake_ciphers++] = ALTS_CIPHER_STATIC;
	ci.handshake_ciphers = ciphers;
	for (i = 0; i < hs->n_rps; i++)
		rps[i] = (char *)alts_rp_name(hs->rps[i]);
	ci.n_record_protocols = hs->n_rps;
	ci.record_protocols = rps;
	ci.nonce.data = hs->nonce;
	ci.nonce.len = ALTS_NONCE_LEN;
	ci.n_application_protocols = hs->cfg.n_app_protocols;
	ci.application_protocols = (char **)hs->cfg.app_protocols;
	rpcv_local(hs, &v);
	rpcv_to_pb(&v, &rv, &rmax, &rmin);
	ci.rpc_versions = &rv;
	ci.max_frame_size = hs->cfg.max_frame_size;
	/* Single use: the caller took this ticket out of its cache. */
	if (hs->cfg.ticket && hs->cfg.ticket->len) {
		ci.ticket.data = (uint8_t *)hs->cfg.ticket->data;
		ci.ticket.len = hs->cfg.ticket->len;
	}
	if (sec->n_res_keys) {
		ci.client_idr.data = (uint8_t *)sec->res_keys[0].idr;
		ci.client_idr.len = ALTS_IDR_LEN;
	}
	err = emit(out, ALTS_FRAME_CLIENT_INIT, &ci.base, &off);
	if (err)
		goto out;
	hs->ci_len = out->len - off;
	hs->ci_frame = OPENSSL_memdup(out->data + off, hs->ci_len);
	if (!hs->ci_frame) {
		err = ALTS_ERR_NOMEM;
		out->len = start;
		goto out;
	}
	hs->state = HS_CLIENT_SENT_INIT;
	err = ALTS_OK;
out:
	if (err) {
		hs->state = HS_FAILED;
		hs->err = err;
	}
	return err;
}

static int transcript(uint8_t th[ALTS_HASH_LEN], const uint8_t *ci, size_t ci_len,
		      const uint8_t *si, size_t si_len)
{
	struct alts_iov iov[2] = { { ci, ci_len }, { si, si_len } };

	return alts_sha256(th, iov, 2) ? ALTS_OK : ALTS_ERR_INTERNAL;
}

static int derive(struct alts_keys *keys, bool resumed, const uint8_t *first,
		  const uint8_t *ee, enum alts_rp rp, const uint8_t th[ALTS_HASH_LEN])
{
	uint8_t ikm[2 * ALTS_SECRET_LEN];
	size_t ikm_len = ALTS_SECRET_LEN;
	bool ok;

	memcpy(ikm, first, ALTS_SECRET_LEN);
	if (ee) {
		memcpy(ikm + ALTS_SECRET_LEN, ee, ALTS_SECRET_LEN);
		ikm_len += ALTS_SECRET_LEN;
	}
	ok = alts_key_schedule(keys, resumed, ikm, ikm_len, alts_rp_name(rp),
			       alts_rp_key_len(rp), th);
	OPENSSL_cleanse(ikm, sizeof(ikm));
	return ok ? ALTS_OK : ALTS_ERR_INTERNAL;
}

static int verify_peer_cert(struct alts_hs *hs, const uint8_t *cert, size_t len,
			    bool check_sigs, unsigned int cipher, struct alts_cert_info *info)
{
	int err = alts_cert_verify(hs->creds, cert, len, hs->now, check_sigs, info);

	if (err)
		return err;
	/* 6: authorization */
	if (!identity_allowed(hs, info->identity))
		return ALTS_ERR_IDENTITY_MISMATCH;
	if (!(info->ciphers & cipher))
		return ALTS_ERR_NO_COMMON_PROTOCOL;
	return ALTS_OK;
}

static bool cert_hash(uint8_t out[ALTS_HASH_LEN], const ProtobufCBinaryData *cert)
{
	struct alts_iov iov = { cert->data, cert->len };

	return alts_sha256(out, &iov, 1);
}

static void make_ticket_body(struct alts_hs *hs, struct alts_ticket_body *b,
			     const struct alts_cert_info *peer, const uint8_t r[ALTS_SECRET_LEN],
			     enum alts_rp rp, unsigned int cipher, const uint8_t hash[ALTS_HASH_LEN])
{
	memset(b, 0, sizeof(*b));
	memcpy(b->cert_hash, hash, ALTS_HASH_LEN);
	memcpy(b->secret, r, ALTS_SECRET_LEN);
	strcpy(b->identity, peer->identity);
	strcpy(b->issuer_identity, hs->creds->self.identity);
	b->revocation_id = peer->revocation_id;
	b->master_revocation_id = peer->master_revocation_id;
	b->peer_not_after = peer->not_after;
	b->issued_at = hs->now;
	b->expires_at = min_u64(min_u64(hs->now + ALTS_TICKET_LIFETIME, peer->not_after),
				hs->creds->self.not_after);
	strcpy(b->record_protocol, alts_rp_name(rp));
	strcpy(b->handshake_cipher, cipher_name(cipher));
	b->pfs = cipher == ALTS_CIPHER_F_PFS;
}

/* ServerInit, as the client sees it */
static int consume_server_init(struct alts_hs *hs, const uint8_t *frame, size_t len)
{
	Kalts__Hs__ServerInit *si;
	struct alts_cert_info *peer = NULL;
	struct alts_ticket_body tb;
	struct alts_keys keys;
	struct rpcv mine, theirs;
	uint8_t th[ALTS_HASH_LEN], ss[ALTS_X25519_LEN], ee[ALTS_X25519_LEN], ch[ALTS_HASH_LEN];
	const uint8_t *first;
	unsigned int cipher;
	enum alts_rp rp;
	bool resumed = false;
	int err = ALTS_ERR_MALFORMED;

	memset(&tb, 0, sizeof(tb));
	si = kalts__hs__server_init__unpack(NULL, len - ALTS_FRAME_HEADER_LEN,
					    frame + ALTS_FRAME_HEADER_LEN);
	/* 1: parse and size-check */
	if (!si || !alts_pb_clean(&si->base) || si->version != ALTS_HS_VERSION ||
	    si->cert.len > ALTS_MAX_CERT || si->nonce.len != ALTS_NONCE_LEN ||
	    !alts_str_ok(si->application_protocol, ALTS_MAX_NAME) ||
	    si->server_ticket.len > ALTS_MAX_TICKET ||
	    !rpcv_from_pb(si->rpc_versions, &theirs))
		goto out;
	/* negotiation: the server must have picked something we offered */
	err = ALTS_ERR_NO_COMMON_PROTOCOL;
	cipher = cipher_flag(si->handshake_cipher);
	rp = alts_rp_from_name(si->record_protocol);
	if (!(cipher & hs->my_ciphers) || !rp_allowed(hs, rp))
		goto out;
	if (hs->cfg.n_app_protocols && !app_allowed(hs, si->application_protocol))
		goto out;
	rpcv_local(hs, &mine);
	if (!rpcv_negotiate(&mine, &theirs, &hs->res.rpc_major, &hs->res.rpc_minor))
		goto out;
	err = ALTS_ERR_MALFORMED;
	if (si->ephemeral.len != (cipher == ALTS_CIPHER_F_PFS ? ALTS_X25519_LEN : 0))
		goto out;

	peer = OPENSSL_zalloc(sizeof(*peer));
	if (!peer || !cert_hash(ch, &si->cert)) {
		err = ALTS_ERR_NOMEM;
		goto out;
	}
	switch (si->resumption) {
	case KALTS__HS__RESUMPTION_OUTCOME__RESUMPTION_NONE:
		/* 2-6: full verification of the server's certificate */
		err = verify_peer_cert(hs, si->cert.data, si->cert.len, true, cipher, peer);
		if (err)
			goto out;
		/* ss */
		err = ALTS_ERR_BAD_CERT;
		if (!alts_x25519_derive(ss, hs->creds->static_key, peer->static_key))
			goto out;
		first = ss;
		break;
	case KALTS__HS__RESUMPTION_OUTCOME__RESUMPTION_CLIENT_TICKET_ACCEPTED:
		err = ALTS_ERR_RESUMPTION;
		if (!hs->cfg.ticket || !hs->cfg.ticket->len)
			goto out;
		err = verify_peer_cert(hs, si->cert.data, si->cert.len, false, cipher, peer);
		if (err)
			goto out;
		if (strcmp(peer->identity, hs->cfg.ticket->peer_identity)) {
			err = ALTS_ERR_IDENTITY_MISMATCH;
			goto out;
		}
		/* signatures were checked when R was agreed, on exactly this certificate */
		err = ALTS_ERR_RESUMPTION;
		if (CRYPTO_memcmp(ch, hs->cfg.ticket->peer_cert_hash, ALTS_HASH_LEN))
			goto out;
		first = hs->cfg.ticket->secret;	/* R */
		resumed = true;
		break;
	case KALTS__HS__RESUMPTION_OUTCOME__RESUMPTION_SERVER_TICKET:
		err = ALTS_ERR_RESUMPTION;
		if (!hs->creds->sec->n_res_keys ||
		    alts_ticket_open(hs->creds->sec, si->server_ticket.data, si->server_ticket.len, &tb) ||
		    tb.expires_at <= hs->now || !strcmp(tb.issuer_identity, "") ||
		    strcmp(tb.issuer_identity, hs->creds->self.identity))
			goto out;
		err = verify_peer_cert(hs, si->cert.data, si->cert.len, false, cipher, peer);
		if (err)
			goto out;
		err = ALTS_ERR_REVOKED;
		if (alts_crl_contains(hs->creds, tb.revocation_id) ||
		    alts_crl_contains(hs->creds, tb.master_revocation_id))
			goto out;
		err = ALTS_ERR_IDENTITY_MISMATCH;
		if (strcmp(peer->identity, tb.identity))
			goto out;
		err = ALTS_ERR_RESUMPTION;
		if (CRYPTO_memcmp(ch, tb.cert_hash, ALTS_HASH_LEN))
			goto out;
		first = tb.secret;		/* R */
		resumed = true;
		break;
	default:
		goto out;
	}
	/* ee */
	if (cipher == ALTS_CIPHER_F_PFS) {
		err = ALTS_ERR_MALFORMED;
		if (!alts_x25519_derive(ee, hs->eph, si->ephemeral.data))
			goto out;
	}
	/* TH */
	err = transcript(th, hs->ci_frame, hs->ci_len, frame, len);
	if (err)
		goto out;
	/* M, A, R' */
	err = derive(&keys, resumed, first, cipher == ALTS_CIPHER_F_PFS ? ee : NULL, rp, th);
	if (err)
		goto out;

	hs->keys = keys;
	memcpy(hs->peer_cert_hash, ch, ALTS_HASH_LEN);
	hs->res.record_protocol = rp;
	hs->res.resumed = resumed;
	hs->res.pfs = cipher == ALTS_CIPHER_F_PFS;
	hs->res.peer = *peer;
	hs->res.peer_max_frame_size = si->max_frame_size;
	hs->res.max_frame_size = frame_size(hs, si->max_frame_size);
	strcpy(hs->res.app_protocol, si->application_protocol);
	hs->state = HS_CLIENT_CONSUMED_INIT;
	err = ALTS_OK;
out:
	OPENSSL_cleanse(ss, sizeof(ss));
	OPENSSL_cleanse(ee, sizeof(ee));
	OPENSSL_cleanse(&keys, sizeof(keys));
	OPENSSL_cleanse(&tb, sizeof(tb));
	OPENSSL_clear_free(peer, sizeof(*peer));
	kalts__hs__server_init__free_unpacked(si, NULL);
	return err;
}

/* Check a Finished message's authenticator: HMAC(A, label, its ticket). */
static int verify_finished(const struct alts_hs *hs, const char *label,
			   const ProtobufCBinaryData *ticket,
			   const ProtobufCBinaryData *authenticator)
{
	uint8_t mac[ALTS_AUTH_LEN];
	int err = ALTS_ERR_INTERNAL;

	if (alts_authenticator(mac, hs->keys.a, label, ticket->data, ticket->len))
		err = CRYPTO_memcmp(mac, authenticator->data, ALTS_AUTH_LEN) ?
		      ALTS_ERR_BAD_AUTHENTICATOR : ALTS_OK;
	OPENSSL_cleanse(mac, sizeof(mac));
	return err;
}

/* ServerFinished, then ClientFinished */
static int consume_server_finished(struct alts_hs *hs, const uint8_t *frame, size_t len,
				   struct alts_buf *out)
{
	Kalts__Hs__ServerFinished *sf;
	Kalts__Hs__ClientFinished cf = KALTS__HS__CLIENT_FINISHED__INIT;
	struct alts_ticket_body tb;
	uint8_t auth[ALTS_AUTH_LEN];
	uint8_t ticket[ALTS_MAX_TICKET];
	size_t ticket_len = 0;
	int err = ALTS_ERR_MALFORMED;

	memset(&tb, 0, sizeof(tb));
	sf = kalts__hs__server_finished__unpack(NULL, len - ALTS_FRAME_HEADER_LEN,
						frame + ALTS_FRAME_HEADER_LEN);
	if (!sf || !alts_pb_clean(&sf->base) || sf->authenticator.len != ALTS_AUTH_LEN ||
	    sf->ticket.len > ALTS_MAX_TICKET)
		goto out;
	/* auth_s */
	err = verify_finished(hs, ALTS_LABEL_SFIN, &sf->ticket, &sf->authenticator);
	if (err)
		goto out;
	/* {ticket_s}: a ticket for the server to hold, under our own K_res */
	if (hs->cfg.offer_server_ticket && hs->creds->sec->n_res_keys) {
		make_ticket_body(hs, &tb, &hs->res.peer, hs->keys.rs, hs->res.record_protocol,
				 hs->res.pfs ? ALTS_CIPHER_F_PFS : ALTS_CIPHER_F_STATIC,
				 hs->peer_cert_hash);
		err = ALTS_ERR_INTERNAL;
		if (alts_ticket_seal(&hs->creds->sec->res_keys[0], hs->cfg.rng, hs->cfg.rng_ctx,
				     &tb, ticket, sizeof(ticket), &ticket_len))
			goto out;
		cf.ticket.data = ticket;
		cf.ticket.len = ticket_len;
	}
	/* auth_c */
	err = ALTS_ERR_INTERNAL;
	if (!alts_authenticator(auth, hs->keys.a, ALTS_LABEL_CFIN, ticket, ticket_len))
		goto out;
	cf.authenticator.data = auth;
	cf.authenticator.len = ALTS_AUTH_LEN;
	err = emit(out, ALTS_FRAME_CLIENT_FINISHED, &cf.base, NULL);
	if (err)
		goto out;

	if (sf->ticket.len) {
		struct alts_ticket *t = &hs->res.ticket;

		memcpy(t->data, sf->ticket.data, sf->ticket.len);
		t->len = sf->ticket.len;
		memcpy(t->secret, hs->keys.r, ALTS_SECRET_LEN);
		strcpy(t->peer_identity, hs->res.peer.identity);
		t->expires_at = min_u64(min_u64(hs->now + ALTS_TICKET_LIFETIME,
						hs->res.peer.not_after), hs->creds->self.not_after);
		t->pfs = hs->res.pfs;
		memcpy(t->peer_cert_hash, hs->peer_cert_hash, ALTS_HASH_LEN);
		hs->res.has_ticket = true;
	}
	memcpy(hs->res.key, hs->keys.m, hs->keys.m_len);
	hs->res.key_len = hs->keys.m_len;
	set_result_common(hs);
	hs->state = HS_DONE;
	err = ALTS_OK;
out:
	OPENSSL_cleanse(&tb, sizeof(tb));
	kalts__hs__server_finished__free_unpacked(sf, NULL);
	return err;
}

/*
 * Server: may the client's ticket be used? Any failure silently means a
 * full handshake (design 5.9); returns the ticket body on success.
 */
static bool accept_client_ticket(struct alts_hs *hs, const Kalts__Hs__ClientInit *ci,
				 unsigned int cipher, struct alts_ticket_body *tb,
				 struct alts_cert_info *peer, const uint8_t ch[ALTS_HASH_LEN])
{
	if (!ci->ticket.len || hs->cfg.no_tickets || !hs->creds->sec->n_res_keys)
		return false;
	if (alts_ticket_open(hs->creds->sec, ci->ticket.data, ci->ticket.len, tb))
		return false;
	if (tb->expires_at <= hs->now || strcmp(tb->issuer_identity, hs->creds->self.identity))
		return false;
	if (alts_crl_contains(hs->creds, tb->revocation_id) ||
	    alts_crl_contains(hs->creds, tb->master_revocation_id))
		return false;
	/* the certificate R was agreed with, so its signatures were checked then */
	if (CRYPTO_memcmp(ch, tb->cert_hash, ALTS_HASH_LEN))
		return false;
	if (verify_peer_cert(hs, ci->cert.data, ci->cert.len, false, cipher, peer) ||
	    strcmp(peer->identity, tb->identity))
		return false;
	if (hs->cfg.replay && !alts_replay_cache_add(hs->cfg.replay, alts_ticket_nonce(ci->ticket.data),
						     tb->expires_at, hs->now))
		return false;
	return true;
}

static bool accept_server_ticket(struct alts_hs *hs, const Kalts__Hs__ClientInit *ci,
				 unsigned int cipher, struct alts_ticket *st,
				 struct alts_cert_info *peer, const uint8_t ch[ALTS_HASH_LEN])
{
	if (ci->client_idr.len != ALTS_IDR_LEN || !hs->cfg.store || !hs->cfg.store->take)
		return false;
	if (!hs->cfg.store->take(hs->cfg.store->ctx, ci->client_idr.data, st))
		return false;
	if (st->expires_at <= hs->now || CRYPTO_memcmp(ch, st->peer_cert_hash, ALTS_HASH_LEN))
		return false;
	if (verify_peer_cert(hs, ci->cert.data, ci->cert.len, false, cipher, peer) ||
	    strcmp(peer->identity, st->peer_identity))
		return false;
	return true;
}

/* ClientInit, as the server sees it; answers ServerInit + ServerFinished. */
static int consume_client_init(struct alts_hs *hs, const uint8_t *frame, size_t len,
			       struct alts_buf *out)
{
	Kalts__Hs__ClientInit *ci;
	Kalts__Hs__ServerInit si = KALTS__HS__SERVER_INIT__INIT;
	Kalts__Hs__ServerFinished sf = KALTS__HS__SERVER_FINISHED__INIT;
	Kalts__Hs__RpcVersions rv;
	Kalts__Hs__RpcVersion rmax, rmin;
	struct alts_cert_info *peer = NULL;
	struct alts_ticket_body tb;
	struct alts_ticket *st = NULL;
	struct alts_keys keys;
	struct rpcv mine, theirs;
	struct evp_pkey_st *eph = NULL;
	uint8_t th[ALTS_HASH_LEN], ss[ALTS_X25519_LEN], ee[ALTS_X25519_LEN];
	uint8_t nonce[ALTS_NONCE_LEN], eph_priv[ALTS_X25519_LEN], eph_pub[ALTS_X25519_LEN];
	uint8_t ticket[ALTS_MAX_TICKET], auth[ALTS_AUTH_LEN], ch[ALTS_HASH_LEN];
	size_t ticket_len = 0, si_off, i, start = out->len;
	const uint8_t *first;
	const char *app = "";
	unsigned int cipher = 0;
	enum alts_rp rp = ALTS_RP_UNSPEC;
	bool resumed = false;
	int err = ALTS_ERR_MALFORMED;

	memset(&tb, 0, sizeof(tb));
	ci = kalts__hs__client_init__unpack(NULL, len - ALTS_FRAME_HEADER_LEN,
					    frame + ALTS_FRAME_HEADER_LEN);
	/* 1: parse and size-check */
	if (!ci || !alts_pb_clean(&ci->base) || ci->version != ALTS_HS_VERSION ||
	    ci->cert.len > ALTS_MAX_CERT || ci->nonce.len != ALTS_NONCE_LEN ||
	    (ci->ephemeral.len && ci->ephemeral.len != ALTS_X25519_LEN) ||
	    ci->ticket.len > ALTS_MAX_TICKET ||
	    (ci->client_idr.len && ci->client_idr.len != ALTS_IDR_LEN) ||
	    !strs_ok(ci->handshake_ciphers, ci->n_handshake_ciphers, ALTS_MAX_NAME) ||
	    !strs_ok(ci->record_protocols, ci->n_record_protocols, ALTS_MAX_NAME) ||
	    !strs_ok(ci->application_protocols, ci->n_application_protocols, ALTS_MAX_NAME) ||
	    !rpcv_from_pb(ci->rpc_versions, &theirs))
		goto out;
	/* negotiation: first client entry the server supports */
	err = ALTS_ERR_NO_COMMON_PROTOCOL;
	for (i = 0; i < ci->n_handshake_ciphers && !cipher; i++)
		cipher = cipher_flag(ci->handshake_ciphers[i]) & hs->my_ciphers;
	for (i = 0; i < ci->n_record_protocols && !rp; i++) {
		rp = alts_rp_from_name(ci->record_protocols[i]);
		if (!rp_allowed(hs, rp))
			rp = ALTS_RP_UNSPEC;
	}
	if (!cipher || !rp)
		goto out;
	if (ci->n_application_protocols) {
		app = NULL;
		for (i = 0; i < ci->n_application_protocols && !app; i++)
			if (app_allowed(hs, ci->application_protocols[i]))
				app = ci->application_protocols[i];
		if (!app)
			goto out;
	}
	rpcv_local(hs, &mine);
	if (!rpcv_negotiate(&mine, &theirs, &hs->res.rpc_major, &hs->res.rpc_minor))
		goto out;
	err = ALTS_ERR_MALFORMED;
	if (cipher == ALTS_CIPHER_F_PFS && ci->ephemeral.len != ALTS_X25519_LEN)
		goto out;

	peer = OPENSSL_zalloc(sizeof(*peer));
	st = OPENSSL_zalloc(sizeof(*st));
	if (!peer || !st || !cert_hash(ch, &ci->cert)) {
		err = ALTS_ERR_NOMEM;
		goto out;
	}
	if (accept_client_ticket(hs, ci, cipher, &tb, peer, ch)) {
		si.resumption = KALTS__HS__RESUMPTION_OUTCOME__RESUMPTION_CLIENT_TICKET_ACCEPTED;
		first = tb.secret;		/* R */
		resumed = true;
	} else if (accept_server_ticket(hs, ci, cipher, st, peer, ch)) {
		si.resumption = KALTS__HS__RESUMPTION_OUTCOME__RESUMPTION_SERVER_TICKET;
		si.server_ticket.data = st->data;
		si.server_ticket.len = st->len;
		first = st->secret;		/* R */
		resumed = true;
	} else {
		/* 2-6: full verification of the client's certificate */
		err = verify_peer_cert(hs, ci->cert.data, ci->cert.len, true, cipher, peer);
		if (err)
			goto out;
		/* ss */
		err = ALTS_ERR_BAD_CERT;
		if (!alts_x25519_derive(ss, hs->creds->static_key, peer->static_key))
			goto out;
		first = ss;
	}
	/* n_s */
	err = ALTS_ERR_INTERNAL;
	if (!rng(hs, nonce, sizeof(nonce)))
		goto out;
	/* e_s, ee */
	if (cipher == ALTS_CIPHER_F_PFS) {
		if (!rng(hs, eph_priv, sizeof(eph_priv)) || !(eph = alts_x25519_key(eph_priv, eph_pub)))
			goto out;
		err = ALTS_ERR_MALFORMED;
		if (!alts_x25519_derive(ee, eph, ci->ephemeral.data))
			goto out;
		si.ephemeral.data = eph_pub;
		si.ephemeral.len = ALTS_X25519_LEN;
	}
	si.version = ALTS_HS_VERSION;
	si.cert.data = hs->creds->cert;
	si.cert.len = hs->creds->cert_len;
	si.handshake_cipher = (char *)cipher_name(cipher);
	si.record_protocol = (char *)alts_rp_name(rp);
	si.application_protocol = (char *)app;
	si.nonce.data = nonce;
	si.nonce.len = ALTS_NONCE_LEN;
	rpcv_to_pb(&mine, &rv, &rmax, &rmin);
	si.rpc_versions = &rv;
	si.max_frame_size = hs->cfg.max_frame_size;
	err = emit(out, ALTS_FRAME_SERVER_INIT, &si.base, &si_off);
	if (err)
		goto out;
	/* TH */
	err = transcript(th, frame, len, out->data + si_off, out->len - si_off);
	if (err)
		goto out;
	/* M, A, R' */
	err = derive(&keys, resumed, first, cipher == ALTS_CIPHER_F_PFS ? ee : NULL, rp, th);
	if (err)
		goto out;
	/* {ticket'} */
	if (!hs->cfg.no_tickets && hs->creds->sec->n_res_keys) {
		make_ticket_body(hs, &tb, peer, keys.r, rp, cipher, ch);
		err = ALTS_ERR_INTERNAL;
		if (alts_ticket_seal(&hs->creds->sec->res_keys[0], hs->cfg.rng, hs->cfg.rng_ctx,
				     &tb, ticket, sizeof(ticket), &ticket_len))
			goto out;
		sf.ticket.data = ticket;
		sf.ticket.len = ticket_len;
	}
	/* auth_s */
	err = ALTS_ERR_INTERNAL;
	if (!alts_authenticator(auth, keys.a, ALTS_LABEL_SFIN, ticket, ticket_len))
		goto out;
	sf.authenticator.data = auth;
	sf.authenticator.len = ALTS_AUTH_LEN;
	err = emit(out, ALTS_FRAME_SERVER_FINISHED, &sf.base, NULL);
	if (err)
		goto out;

	hs->keys = keys;
	memcpy(hs->peer_cert_hash, ch, ALTS_HASH_LEN);
	if (ci->client_idr.len) {
		memcpy(hs->client_idr, ci->client_idr.data, ALTS_IDR_LEN);
		hs->has_client_idr = true;
	}
	hs->res.record_protocol = rp;
	hs->res.resumed = resumed;
	hs->res.pfs = cipher == ALTS_CIPHER_F_PFS;
	hs->res.peer = *peer;
	hs->res.peer_max_frame_size = ci->max_frame_size;
	hs->res.max_frame_size = frame_size(hs, ci->max_frame_size);
	strcpy(hs->res.app_protocol, app);
	hs->state = HS_SERVER_SENT_FINISHED;
	err = ALTS_OK;
out:
	if (err)
		out->len = start;
	OPENSSL_cleanse(ss, sizeof(ss));
	OPENSSL_cleanse(ee, sizeof(ee));
	OPENSSL_cleanse(eph_priv, sizeof(eph_priv));
	alts_x25519_key_free(eph);
	OPENSSL_cleanse(&keys, sizeof(keys));
	OPENSSL_cleanse(&tb, sizeof(tb));
	OPENSSL_clear_free(st, sizeof(*st));
	OPENSSL_clear_free(peer, sizeof(*peer));
	kalts__hs__client_init__free_unpacked(ci, NULL);
	return err;
}

/* ClientFinished, as the server sees it */
static int consume_client_finished(struct alts_hs *hs, const uint8_t *frame, size_t len)
{
	Kalts__Hs__ClientFinished *cf;
	int err = ALTS_ERR_MALFORMED;

	cf = kalts__hs__client_finished__unpack(NULL, len - ALTS_FRAME_HEADER_LEN,
						frame + ALTS_FRAME_HEADER_LEN);
	if (!cf || !alts_pb_clean(&cf->base) || cf->authenticator.len != ALTS_AUTH_LEN ||
	    cf->ticket.len > ALTS_MAX_TICKET)
		goto out;
	/* auth_c */
	err = verify_finished(hs, ALTS_LABEL_CFIN, &cf->ticket, &cf->authenticator);
	if (err)
		goto out;
	/* {ticket_s}: hold the client's ticket for server-side resumption */
	if (cf->ticket.len && hs->has_client_idr && hs->cfg.store && hs->cfg.store->put &&
	    !hs->cfg.no_tickets) {
		struct alts_ticket *t = OPENSSL_zalloc(sizeof(*t));

		if (t) {
			memcpy(t->data, cf->ticket.data, cf->ticket.len);
			t->len = cf->ticket.len;
			memcpy(t->secret, hs->keys.rs, ALTS_SECRET_LEN);
			memcpy(t->peer_cert_hash, hs->peer_cert_hash, ALTS_HASH_LEN);
			strcpy(t->peer_identity, hs->res.peer.identity);
			t->expires_at = min_u64(min_u64(hs->now + ALTS_TICKET_LIFETIME,
							hs->res.peer.not_after),
						hs->creds->self.not_after);
			t->pfs = hs->res.pfs;
			hs->cfg.store->put(hs->cfg.store->ctx, hs->client_idr, t);
			OPENSSL_clear_free(t, sizeof(*t));
		}
	}
	memcpy(hs->res.key, hs->keys.m, hs->keys.m_len);
	hs->res.key_len = hs->keys.m_len;
	set_result_common(hs);
	hs->state = HS_DONE;
	err = ALTS_OK;
out:
	kalts__hs__client_finished__free_unpacked(cf, NULL);
	return err;
}

static int consume_alert(struct alts_hs *hs, const uint8_t *frame, size_t len)
{
	Kalts__Hs__Alert *a = kalts__hs__alert__unpack(NULL, len - ALTS_FRAME_HEADER_LEN,
						       frame + ALTS_FRAME_HEADER_LEN);
	int err = ALTS_ERR_MALFORMED;

	if (a && alts_pb_clean(&a->base) && a->code > ALTS_OK && a->code <= ALTS_ALERT_MAX)
		err = (int)a->code;
	kalts__hs__alert__free_unpacked(a, NULL);
	hs->peer_alerted = true;
	return err;
}

static int consume_frame(struct alts_hs *hs, const uint8_t *frame, size_t len,
			 struct alts_buf *out)
{
	uint32_t type = get_le32(frame + ALTS_FRAME_LEN_FIELD);

	if (type == ALTS_FRAME_ALERT)
		return consume_alert(hs, frame, len);
	switch (hs->state) {
	case HS_CLIENT_SENT_INIT:
		if (type == ALTS_FRAME_SERVER_INIT)
			return consume_server_init(hs, frame, len);
		break;
	case HS_CLIENT_CONSUMED_INIT:
		if (type == ALTS_FRAME_SERVER_FINISHED)
			return consume_server_finished(hs, frame, len, out);
		break;
	case HS_SERVER_AWAIT_INIT:
		if (type == ALTS_FRAME_CLIENT_INIT)
			return consume_client_init(hs, frame, len, out);
		break;
	case HS_SERVER_SENT_FINISHED:
		if (type == ALTS_FRAME_CLIENT_FINISHED)
			return consume_client_finished(hs, frame, len);
		break;
	default:
		return ALTS_ERR_STATE;
	}
	return ALTS_ERR_MALFORMED;
}

/* Bytes the current frame still needs; 0 once the header is bad. */
static int frame_need(const struct alts_hs *hs, size_t *need)
{
	uint32_t l, type;

	if (hs->rlen < ALTS_FRAME_HEADER_LEN) {
		*need = ALTS_FRAME_HEADER_LEN;
		return ALTS_OK;
	}
	l = get_le32(hs->rbuf);
	type = get_le32(hs->rbuf + ALTS_FRAME_LEN_FIELD);
	if (l < 4 || l > ALTS_FRAME_MAX - ALTS_FRAME_LEN_FIELD ||
	    type < ALTS_FRAME_CLIENT_INIT || type > ALTS_FRAME_ALERT)
		return ALTS_ERR_MALFORMED;
	*need = ALTS_FRAME_LEN_FIELD + l;
	return ALTS_OK;
}

int alts_hs_next(struct alts_hs *hs, const uint8_t *in, size_t in_len,
		 size_t *consumed, struct alts_buf *out)
{
	size_t used = 0, need, take;
	int err = ALTS_OK;

	if (consumed)
		*consumed = 0;
	if (hs->state == HS_FAILED)
		return hs->err;
	if (hs->state == HS_DONE)
		return ALTS_OK;
	if (hs->state == HS_ZEROED)
		return ALTS_ERR_STATE;
	/*
	 * Take bytes one frame at a time and never past the last frame of the
	 * handshake: what follows belongs to the record layer.
	 */
	while (used < in_len && hs->state != HS_DONE) {
		err = frame_need(hs, &need);
		if (err)
			break;
		take = need - hs->rlen;
		if (take > in_len - used)
			take = in_len - used;
		memcpy(hs->rbuf + hs->rlen, in + used, take);
		hs->rlen += take;
		used += take;
		if (hs->rlen < need)
			continue;
		if (need == ALTS_FRAME_HEADER_LEN) {
			err = frame_need(hs, &need);
			if (err)
				break;
			if (need > ALTS_FRAME_HEADER_LEN)
				continue;
		}
		err = consume_frame(hs, hs->rbuf, hs->rlen, out);
		OPENSSL_cleanse(hs->rbuf, hs->rlen);
		hs->rlen = 0;
		if (err)
			break;
	}
	if (consumed)
		*consumed = used;
	if (err) {
		if (!hs->peer_alerted && err != ALTS_ERR_STATE)
			emit_alert(out, err);
		hs->state = HS_FAILED;
		hs->err = err;
		OPENSSL_cleanse(&hs->keys, sizeof(hs->keys));
		OPENSSL_cleanse(&hs->res, sizeof(hs->res));
		alts_x25519_key_free(hs->eph);
		hs->eph = NULL;
	} else if (hs->state == HS_DONE) {
		OPENSSL_cleanse(&hs->keys, sizeof(hs->keys));
		alts_x25519_key_free(hs->eph);
		hs->eph = NULL;
	}
	return err;
}
