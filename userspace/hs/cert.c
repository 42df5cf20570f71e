// SPDX-License-Identifier: GPL-2.0
/*
 * Certificate chain: root (Ed25519, configured) signs a master certificate
 * (Ed25519 key, identity, category, revocation ID); the master key signs
 * short-lived handshake certificates (X25519 static key, ciphers,
 * attributes) that embed the master certificate. Chain depth is exactly 2.
 *
 * Signatures are Ed25519 over label("master cert" | "handshake cert") ||
 * tbs, with tbs exactly the bytes carried in SignedCert.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "alts_handshake.pb-c.h"
#include "cert.h"
#include "kdf.h"

bool alts_pb_clean(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	unsigned int i;

	if (m->n_unknown_fields)
		return false;
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const void *member = (const char *)m + f->offset;

		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)((const char *)m + f->quantifier_offset);
			ProtobufCMessage *const *arr = *(ProtobufCMessage *const *const *)member;
			size_t j;

			for (j = 0; j < n; j++)
				if (!alts_pb_clean(arr[j]))
					return false;
		} else {
			const ProtobufCMessage *sub = *(ProtobufCMessage *const *)member;

			if (sub && !alts_pb_clean(sub))
				return false;
		}
	}
	return true;
}

bool alts_str_ok(const char *s, size_t max)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (n >= max || (unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static bool cat_ok(int cat)
{
	return cat >= ALTS_CAT_HUMAN && cat <= ALTS_CAT_WORKLOAD;
}

uint64_t alts_hscert_max_life(int cat)
{
	switch (cat) {
	case ALTS_CAT_HUMAN:
		return ALTS_HSCERT_MAX_LIFE_HUMAN;
	case ALTS_CAT_MACHINE:
		return ALTS_HSCERT_MAX_LIFE_MACHINE;
	case ALTS_CAT_WORKLOAD:
		return ALTS_HSCERT_MAX_LIFE_WORKLOAD;
	default:
		return 0;
	}
}

static bool hs_life_ok(int cat, uint64_t not_before, uint64_t not_after)
{
	return not_after - not_before <= alts_hscert_max_life(cat) + ALTS_CLOCK_SKEW;
}

static int parse_master(const uint8_t *buf, size_t len, struct alts_cert_info *info,
			Kalts__Hs__SignedCert **sc_out, Kalts__Hs__MasterCertTbs **tbs_out)
{
	Kalts__Hs__SignedCert *sc;
	Kalts__Hs__MasterCertTbs *t = NULL;
	int err = ALTS_ERR_BAD_CERT;

	if (len > ALTS_MAX_CERT)
		return ALTS_ERR_BAD_CERT;
	sc = kalts__hs__signed_cert__unpack(NULL, len, buf);
	if (!sc)
		return ALTS_ERR_BAD_CERT;
	if (!alts_pb_clean(&sc->base) || sc->signature.len != ALTS_ED25519_SIG_LEN)
		goto out;
	t = kalts__hs__master_cert_tbs__unpack(NULL, sc->tbs.len, sc->tbs.data);
	if (!t || !alts_pb_clean(&t->base))
		goto out;
	if (t->version != ALTS_HS_VERSION || t->kind != KALTS__HS__CERT_KIND__CERT_KIND_MASTER ||
	    t->public_key.len != ALTS_ED25519_PUB_LEN || !cat_ok(t->category) ||
	    !t->identity[0] || !alts_str_ok(t->identity, ALTS_MAX_IDENTITY) ||
	    !t->issuer[0] || !alts_str_ok(t->issuer, ALTS_MAX_NAME) ||
	    (t->revocation_id >> 56) != (uint64_t)t->category ||
	    (t->not_after && t->not_after < t->not_before))
		goto out;
	strcpy(info->identity, t->identity);
	strcpy(info->issuer, t->issuer);
	info->category = t->category;
	info->master_revocation_id = t->revocation_id;
	info->master_not_after = t->not_after;
	memcpy(info->master_key, t->public_key.data, ALTS_ED25519_PUB_LEN);
	info->not_before = t->not_before;
	info->not_after = t->not_after;
	info->revocation_id = t->revocation_id;
	err = ALTS_OK;
out:
	if (err || !tbs_out)
		kalts__hs__master_cert_tbs__free_unpacked(t, NULL);
	else
		*tbs_out = t;
	if (err || !sc_out)
		kalts__hs__signed_cert__free_unpacked(sc, NULL);
	else
		*sc_out = sc;
	return err;
}

int alts_master_parse(const uint8_t *cert, size_t len, struct alts_cert_info *info)
{
	memset(info, 0, sizeof(*info));
	return parse_master(cert, len, info, NULL, NULL);
}

static unsigned int cipher_flags(char **names, size_t n, bool *ok)
{
	unsigned int f = 0;
	size_t i;

	*ok = n <= ALTS_MAX_LIST;
	for (i = 0; i < n && *ok; i++) {
		if (!strcmp(names[i], ALTS_CIPHER_STATIC))
			f |= ALTS_CIPHER_F_STATIC;
		else if (!strcmp(names[i], ALTS_CIPHER_PFS))
			f |= ALTS_CIPHER_F_PFS;
		else if (!alts_str_ok(names[i], ALTS_MAX_NAME))
			*ok = false;
	}
	return f;
}

struct chain {
	Kalts__Hs__SignedCert *hs_sc, *m_sc;
	Kalts__Hs__HandshakeCertTbs *hs;
	Kalts__Hs__MasterCertTbs *m;
};

static void chain_free(struct chain *c)
{
	kalts__hs__handshake_cert_tbs__free_unpacked(c->hs, NULL);
	kalts__hs__signed_cert__free_unpacked(c->hs_sc, NULL);
	kalts__hs__master_cert_tbs__free_unpacked(c->m, NULL);
	kalts__hs__signed_cert__free_unpacked(c->m_sc, NULL);
}

/* Step 1 and the structural part of step 2. */
static int parse_chain(const uint8_t *buf, size_t len, struct alts_cert_info *info,
		       struct chain *c)
{
	struct alts_cert_info m;
	Kalts__Hs__HandshakeCertTbs *t;
	bool ok;
	size_t i;
	int err;

	memset(c, 0, sizeof(*c));
	memset(info, 0, sizeof(*info));
	if (len > ALTS_MAX_CERT)
		return ALTS_ERR_BAD_CERT;
	c->hs_sc = kalts__hs__signed_cert__unpack(NULL, len, buf);
	if (!c->hs_sc || !alts_pb_clean(&c->hs_sc->base) ||
	    c->hs_sc->signature.len != ALTS_ED25519_SIG_LEN)
		return ALTS_ERR_BAD_CERT;
	t = c->hs = kalts__hs__handshake_cert_tbs__unpack(NULL, c->hs_sc->tbs.len,
							 c->hs_sc->tbs.data);
	if (!t || !alts_pb_clean(&t->base))
		return ALTS_ERR_BAD_CERT;
	if (t->version != ALTS_HS_VERSION || t->kind != KALTS__HS__CERT_KIND__CERT_KIND_HANDSHAKE ||
	    t->static_key.len != ALTS_X25519_LEN || !t->not_after ||
	    t->not_after < t->not_before || t->n_attributes > ALTS_MAX_ATTRS ||
	    !alts_str_ok(t->identity, ALTS_MAX_IDENTITY))
		return ALTS_ERR_BAD_CERT;
	info->ciphers = cipher_flags(t->handshake_ciphers, t->n_handshake_ciphers, &ok);
	if (!ok || !info->ciphers)
		return ALTS_ERR_BAD_CERT;
	for (i = 0; i < t->n_attributes; i++) {
		Kalts__Hs__Attribute *a = t->attributes[i];

		if (!a->key[0] || !alts_str_ok(a->key, ALTS_MAX_NAME) ||
		    !alts_str_ok(a->value, ALTS_MAX_ATTR_VALUE))
			return ALTS_ERR_BAD_CERT;
		strcpy(info->attrs[i].key, a->key);
		strcpy(info->attrs[i].value, a->value);
	}
	info->n_attrs = t->n_attributes;

	memset(&m, 0, sizeof(m));
	err = parse_master(t->master_cert.data, t->master_cert.len, &m, &c->m_sc, &c->m);
	if (err)
		return err;
	/* The handshake cert speaks for its master's identity and category. */
	if (t->identity[0] && strcmp(t->identity, m.identity))
		return ALTS_ERR_BAD_CERT;
	if (t->revocation_id && (t->revocation_id >> 56) != (uint64_t)m.category)
		return ALTS_ERR_BAD_CERT;
	strcpy(info->identity, m.identity);
	strcpy(info->issuer, m.issuer);
	info->category = m.category;
	info->master_revocation_id = m.master_revocation_id;
	info->master_not_after = m.master_not_after;
	memcpy(info->master_key, m.master_key, sizeof(m.master_key));
	info->revocation_id = t->revocation_id ? t->revocation_id : m.master_revocation_id;
	info->not_before = t->not_before;
	info->not_after = t->not_after;
	memcpy(info->static_key, t->static_key.data, ALTS_X25519_LEN);
	return ALTS_OK;
}

int alts_cert_parse(const uint8_t *cert, size_t len, struct alts_cert_info *info)
{
	struct chain c;
	int err = parse_chain(cert, len, info, &c);

	chain_free(&c);
	return err;
}

bool alts_crl_contains(const struct alts_creds *creds, uint64_t id)
{
	size_t lo = 0, hi = creds->n_crl;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (creds->crl[mid] == id)
			return true;
		if (creds->crl[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

const char *alts_rid_parse(const char *s, uint64_t *id)
{
	uint64_t v = 0;
	size_t i;

	if (s[0] != '0' || s[1] != 'x')
		return "must start with 0x (as altsctl prints it, e.g. 0x0300000000000007)";
	for (i = 2; s[i]; i++) {
		int d = hex_digit(s[i]);

		if (d < 0)
			return "must be 0x and 16 hex digits";
		v = v << 4 | (uint64_t)d;
		if (i >= 18)
			return "must be 0x and exactly 16 hex digits";
	}
	if (i != 18)
		return "must be 0x and exactly 16 hex digits (as altsctl prints it, e.g. 0x0300000000000007)";
	if (!cat_ok((int)(v >> 56)))
		return "its first byte is not a category (01 human, 02 machine, 03 workload)";
	*id = v;
	return NULL;
}

void alts_rid_format(char out[ALTS_RID_STR_LEN], uint64_t id)
{
	snprintf(out, ALTS_RID_STR_LEN, "0x%016llx", (unsigned long long)id);
}

void alts_crl_free(struct alts_crl *crl)
{
	free(crl->ids);
	memset(crl, 0, sizeof(*crl));
}

int alts_crl_sign(const uint8_t root_seed[32], const struct alts_crl *crl, char **out,
		  size_t *out_len)
{
	static const char head[] =
		"# kalts certificate revocation list, written by `altsctl crl'. The signature\n"
		"# covers every byte above it: change this file only with altsctl.\n";
	uint8_t sig[ALTS_ED25519_SIG_LEN];
	size_t cap, n, i;
	char *buf, rid[ALTS_RID_STR_LEN];

	if (!crl->issuer[0] || !alts_str_ok(crl->issuer, ALTS_MAX_NAME) ||
	    strpbrk(crl->issuer, " \t") || !crl->serial || crl->next_update <= crl->this_update)
		return ALTS_ERR_CONFIG;
	for (i = 0; i < crl->n_ids; i++)
		if (!cat_ok((int)(crl->ids[i] >> 56)) || (i && crl->ids[i] <= crl->ids[i - 1]))
			return ALTS_ERR_CONFIG;
	cap = sizeof(head) + 256 + strlen(crl->issuer) + crl->n_ids * 32 + 2 * sizeof(sig) + 16;
	buf = malloc(cap);
	if (!buf)
		return ALTS_ERR_NOMEM;
	n = (size_t)snprintf(buf, cap, "%s%s\nissuer %s\nserial %llu\nthis-update %llu\n"
			     "next-update %llu\n", head, ALTS_CRL_MAGIC, crl->issuer,
			     (unsigned long long)crl->serial, (unsigned long long)crl->this_update,
			     (unsigned long long)crl->next_update);
	for (i = 0; i < crl->n_ids; i++) {
		alts_rid_format(rid, crl->ids[i]);
		n += (size_t)snprintf(buf + n, cap - n, "revoked %s\n", rid);
	}
	if (!alts_ed25519_sign(sig, root_seed, ALTS_LABEL_CRL, (const uint8_t *)buf, n)) {
		free(buf);
		return ALTS_ERR_INTERNAL;
	}
	memcpy(buf + n, "signature ", 10);
	n += 10;
	alts_hex_encode(buf + n, sig, sizeof(sig));
	n += 2 * sizeof(sig);
	buf[n++] = '\n';
	buf[n] = 0;
	*out = buf;
	*out_len = n;
	return ALTS_OK;
}

/* Decimal, digits only, no overflow. */
static bool parse_dec(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return true;
}

enum crl_field { F_MAGIC, F_ISSUER, F_SERIAL, F_THIS, F_NEXT, F_REVOKED, F_SIG };

int alts_crl_parse(const char *name, const char *text, size_t len, const struct alts_creds *roots,
		   struct alts_crl *crl, char *err, size_t elen)
{
	static const char *const keys[] = { "", "issuer", "serial", "this-update", "next-update",
					    "revoked", "signature" };
	enum crl_field want = F_MAGIC;
	const char *line = text, *end = text + len, *signed_end = NULL;
	uint8_t sig[ALTS_ED25519_SIG_LEN];
	bool verified = false;
	char buf[640];
	int lineno = 0;
	size_t i;

	memset(crl, 0, sizeof(*crl));
	if (memchr(text, 0, len)) {
		snprintf(err, elen, "%s: contains a NUL byte", name);
		return -EINVAL;
	}
	for (; line < end; line = memchr(line, '\n', (size_t)(end - line)) + 1) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = (size_t)(nl ? nl - line : end - line);
		char *val;
		enum crl_field f;
		uint64_t v;

		lineno++;
		if (!nl) {
			snprintf(err, elen, "%s:%d: the last line has no newline", name, lineno);
			goto bad;
		}
		if (want == F_SIG + 1) {
			snprintf(err, elen, "%s:%d: nothing may follow the signature", name, lineno);
			goto bad;
		}
		if (!n || line[0] == '#')
			continue;
		if (n >= sizeof(buf)) {
			snprintf(err, elen, "%s:%d: line too long", name, lineno);
			goto bad;
		}
		memcpy(buf, line, n);
		buf[n] = 0;
		if (want == F_MAGIC) {
			if (strcmp(buf, ALTS_CRL_MAGIC)) {
				snprintf(err, elen, "%s:%d: not a signed CRL (expected `%s'; "
					 "create it with `altsctl crl create')", name, lineno,
					 ALTS_CRL_MAGIC);
				goto bad;
			}
			want = F_ISSUER;
			continue;
		}
		val = strchr(buf, ' ');
		if (val)
			*val++ = 0;
		for (f = F_ISSUER; f <= F_SIG; f++)
			if (!strcmp(buf, keys[f]))
				break;
		/* fields in order; revoked lines may repeat or be absent */
		if (f > F_SIG || !val || !*val || strpbrk(val, " \t\r") ||
		    (f != want && !(want == F_REVOKED && f == F_SIG) &&
		     !(f == F_REVOKED && want == F_SIG && crl->n_ids))) {
			snprintf(err, elen, "%s:%d: expected `%s %s'", name, lineno, keys[want],
				 want == F_ISSUER ? "ROOT-NAME" : want == F_REVOKED ? "REVOCATION-ID" :
				 want == F_SIG ? "HEX" : "NUMBER");
			goto bad;
		}
		switch (f) {
		case F_ISSUER:
			if (strlen(val) > ALTS_MAX_NAME || !alts_str_ok(val, ALTS_MAX_NAME)) {
				snprintf(err, elen, "%s:%d: issuer is not a root name", name, lineno);
				goto bad;
			}
			strcpy(crl->issuer, val);
			break;
		case F_SERIAL:
		case F_THIS:
		case F_NEXT:
			if (!parse_dec(val, &v) || (f == F_SERIAL && !v)) {
				snprintf(err, elen, "%s:%d: %s is not a %snumber: `%s'", name, lineno,
					 keys[f], f == F_SERIAL ? "positive " : "", val);
				goto bad;
			}
			if (f == F_SERIAL)
				crl->serial = v;
			else if (f == F_THIS)
				crl->this_update = v;
			else if (v <= crl->this_update) {
				snprintf(err, elen, "%s:%d: next-update is not after this-update",
					 name, lineno);
				goto bad;
			} else
				crl->next_update = v;
			break;
		case F_REVOKED: {
			const char *why = alts_rid_parse(val, &v);
			uint64_t *ids;

			if (why) {
				snprintf(err, elen, "%s:%d: revocation ID `%s' %s", name, lineno, val, why);
				goto bad;
			}
			if (crl->n_ids && v <= crl->ids[crl->n_ids - 1]) {
				snprintf(err, elen, "%s:%d: revocation IDs must be sorted and unique",
					 name, lineno);
				goto bad;
			}
			ids = realloc(crl->ids, (crl->n_ids + 1) * sizeof(*ids));
			if (!ids) {
				snprintf(err, elen, "%s: out of memory", name);
				alts_crl_free(crl);
				return -ENOMEM;
			}
			crl->ids = ids;
			crl->ids[crl->n_ids++] = v;
			break;
		}
		case F_SIG:
			if (alts_hex_decode(sig, sizeof(sig), val, strlen(val))) {
				snprintf(err, elen, "%s:%d: signature is not %zu hex digits", name,
					 lineno, 2 * sizeof(sig));
				goto bad;
			}
			signed_end = line;
			break;
		default:
			break;
		}
		want = f == F_REVOKED ? F_SIG : f + 1;
	}
	if (want != F_SIG + 1) {
		snprintf(err, elen, "%s: ends before its %s line", name,
			 want == F_MAGIC ? "`" ALTS_CRL_MAGIC "'" : keys[want]);
		goto bad;
	}
	for (i = 0; roots && i < roots->n_roots && !verified; i++)
		verified = !strcmp(roots->roots[i].name, crl->issuer) &&
			   alts_ed25519_verify(roots->roots[i].pub, sig, sizeof(sig), ALTS_LABEL_CRL,
					       (const uint8_t *)text,
					       (size_t)(signed_end - text));
	if (!verified) {
		for (i = 0; roots && i < roots->n_roots; i++)
			if (!strcmp(roots->roots[i].name, crl->issuer))
				break;
		if (!roots || i == roots->n_roots)
			snprintf(err, elen, "%s: issuer `%s' is not a configured root", name,
				 crl->issuer);
		else
			snprintf(err, elen, "%s: signature does not verify with root `%s'", name,
				 crl->issuer);
		alts_crl_free(crl);
		return -EBADMSG;
	}
	return 0;
bad:
	alts_crl_free(crl);
	return -EINVAL;
}

static void utc(char out[32], uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(out, 32, "%llu", (unsigned long long)t);
}

int alts_policy_check(const struct alts_creds *creds, const struct alts_cert_info *info)
{
	size_t i;

	for (i = 0; i < creds->n_rules; i++) {
		const struct alts_policy_rule *r = &creds->rules[i];

		if (strcmp(r->issuer, "*") && strcmp(r->issuer, info->issuer))
			continue;
		if (!(r->categories & (1u << info->category)))
			continue;
		if (!fnmatch(r->pattern, info->identity, 0))
			return ALTS_OK;
	}
	return ALTS_ERR_POLICY;
}

int alts_cert_verify(const struct alts_creds *creds, const uint8_t *cert, size_t len,
		     uint64_t now, bool check_sigs, struct alts_cert_info *info)
{
	struct chain c;
	bool trusted = false;
	size_t i;
	int err;

	/* 1: parse and size-check; a short life and a revocation ID of its own */
	err = parse_chain(cert, len, info, &c);
	if (err)
		goto out;
	err = ALTS_ERR_BAD_CERT;
	if (!hs_life_ok(info->category, info->not_before, info->not_after) ||
	    !c.hs->revocation_id || c.hs->revocation_id == info->master_revocation_id)
		goto out;
	/* 2: handshake cert signed by the master key, master by a root */
	if (check_sigs) {
		err = ALTS_ERR_BAD_CERT;
		if (!alts_ed25519_verify(info->master_key, c.hs_sc->signature.data,
					 c.hs_sc->signature.len, ALTS_LABEL_HSCERT,
					 c.hs_sc->tbs.data, c.hs_sc->tbs.len))
			goto out;
		for (i = 0; i < creds->n_roots && !trusted; i++)
			if (!strcmp(creds->roots[i].name, info->issuer) &&
			    alts_ed25519_verify(creds->roots[i].pub, c.m_sc->signature.data,
						c.m_sc->signature.len, ALTS_LABEL_MASTER,
						c.m_sc->tbs.data, c.m_sc->tbs.len))
				trusted = true;
		err = ALTS_ERR_UNTRUSTED;
		if (!trusted)
			goto out;
	}
	/* 3: validity */
	err = ALTS_ERR_NOT_YET_VALID;
	if (now + ALTS_CLOCK_SKEW < info->not_before || now + ALTS_CLOCK_SKEW < c.m->not_before)
		goto out;
	err = ALTS_ERR_EXPIRED;
	if (now > info->not_after + ALTS_CLOCK_SKEW ||
	    (info->master_not_after && now > info->master_not_after + ALTS_CLOCK_SKEW))
		goto out;
	/* 4: issuer policy */
	if (check_sigs) {
		err = alts_policy_check(creds, info);
		if (err)
			goto out;
	}
	/* 5: CRL, which must be fresh once there is one */
	err = ALTS_ERR_CONFIG;
	if (creds->crl_next_update && now >= creds->crl_next_update)
		goto out;
	err = ALTS_ERR_REVOKED;
	if (alts_crl_contains(creds, info->revocation_id) ||
	    alts_crl_contains(creds, info->master_revocation_id))
		goto out;
	err = ALTS_OK;
out:
	chain_free(&c);
	return err;
}

static int sign_cert(const uint8_t seed[32], const char *label, const uint8_t *tbs,
		     size_t tbs_len, uint8_t **out, size_t *out_len)
{
	Kalts__Hs__SignedCert sc = KALTS__HS__SIGNED_CERT__INIT;
	uint8_t sig[ALTS_ED25519_SIG_LEN];
	uint8_t *buf;

	if (!alts_ed25519_sign(sig, seed, label, tbs, tbs_len))
		return ALTS_ERR_INTERNAL;
	sc.tbs.data = (uint8_t *)tbs;
	sc.tbs.len = tbs_len;
	sc.signature.data = sig;
	sc.signature.len = sizeof(sig);
	*out_len = kalts__hs__signed_cert__get_packed_size(&sc);
	if (*out_len > ALTS_MAX_CERT)
		return ALTS_ERR_CONFIG;
	buf = malloc(*out_len);
	if (!buf)
		return ALTS_ERR_NOMEM;
	kalts__hs__signed_cert__pack(&sc, buf);
	*out = buf;
	return ALTS_OK;
}

int alts_master_issue(const uint8_t root_seed[32], const struct alts_master_params *p,
		      uint8_t **out, size_t *out_len)
{
	Kalts__Hs__MasterCertTbs t = KALTS__HS__MASTER_CERT_TBS__INIT;
	uint8_t *tbs;
	size_t len;
	int err;

	if (!cat_ok(p->category) || !p->identity[0] || !alts_str_ok(p->identity, ALTS_MAX_IDENTITY) ||
	    !p->issuer[0] || !alts_str_ok(p->issuer, ALTS_MAX_NAME) ||
	    (p->revocation_id >> 56) != (uint64_t)p->category)
		return ALTS_ERR_CONFIG;
	t.version = ALTS_HS_VERSION;
	t.kind = KALTS__HS__CERT_KIND__CERT_KIND_MASTER;
	t.public_key.data = (uint8_t *)p->public_key;
	t.public_key.len = ALTS_ED25519_PUB_LEN;
	t.identity = (char *)p->identity;
	t.category = p->category;
	t.issuer = (char *)p->issuer;
	t.revocation_id = p->revocation_id;
	t.not_before = p->not_before;
	t.not_after = p->not_after;
	len = kalts__hs__master_cert_tbs__get_packed_size(&t);
	tbs = malloc(len);
	if (!tbs)
		return ALTS_ERR_NOMEM;
	kalts__hs__master_cert_tbs__pack(&t, tbs);
	err = sign_cert(root_seed, ALTS_LABEL_MASTER, tbs, len, out, out_len);
	free(tbs);
	return err;
}

int alts_hscert_issue(const uint8_t master_seed[32], const struct alts_hscert_params *p,
		      uint8_t **out, size_t *out_len)
{
	Kalts__Hs__HandshakeCertTbs t = KALTS__HS__HANDSHAKE_CERT_TBS__INIT;
	Kalts__Hs__Attribute attr[ALTS_MAX_ATTRS], *attrp[ALTS_MAX_ATTRS];
	char *ciphers[2];
	struct alts_cert_info m;
	uint8_t pub[ALTS_ED25519_PUB_LEN];
	uint8_t *tbs;
	size_t len, i;
	int err;

	err = alts_master_parse(p->master_cert, p->master_len, &m);
	if (err)
		return err;
	if (!alts_ed25519_public(pub, master_seed) ||
	    CRYPTO_memcmp(pub, m.master_key, sizeof(pub)))
		return ALTS_ERR_CONFIG;	/* key does not belong to this master cert */
	if (p->n_attrs > ALTS_MAX_ATTRS || !p->not_after || p->not_after < p->not_before ||
	    !hs_life_ok(m.category, p->not_before, p->not_after) ||
	    !p->revocation_id || p->revocation_id == m.master_revocation_id ||
	    (p->revocation_id >> 56) != (uint64_t)m.category)
		return ALTS_ERR_CONFIG;
	t.version = ALTS_HS_VERSION;
	t.kind = KALTS__HS__CERT_KIND__CERT_KIND_HANDSHAKE;
	t.static_key.data = (uint8_t *)p->static_key;
	t.static_key.len = ALTS_X25519_LEN;
	t.n_handshake_ciphers = 0;
	if (p->ciphers & ALTS_CIPHER_F_PFS)
		ciphers[t.n_handshake_ciphers++] = ALTS_CIPHER_PFS;
	if (p->ciphers & ALTS_CIPHER_F_STATIC)
		ciphers[t.n_handshake_ciphers++] = ALTS_CIPHER_STATIC;
	if (!t.n_handshake_ciphers)
		return ALTS_ERR_CONFIG;
	t.handshake_ciphers = ciphers;
	t.identity = m.identity;
	for (i = 0; i < p->n_attrs; i++) {
		kalts__hs__attribute__init(&attr[i]);
		attr[i].key = (char *)p->attrs[i].key;
		attr[i].value = (char *)p->attrs[i].value;
		attrp[i] = &attr[i];
	}
	t.n_attributes = p->n_attrs;
	t.attributes = attrp;
	t.revocation_id = p->revocation_id;
	t.not_before = p->not_before;
	t.not_after = p->not_after;
	t.master_cert.data = (uint8_t *)p->master_cert;
	t.master_cert.len = p->master_len;
	len = kalts__hs__handshake_cert_tbs__get_packed_size(&t);
	tbs = malloc(len);
	if (!tbs)
		return ALTS_ERR_NOMEM;
	kalts__hs__handshake_cert_tbs__pack(&t, tbs);
	err = sign_cert(master_seed, ALTS_LABEL_HSCERT, tbs, len, out, out_len);
	free(tbs);
	return err;
}

/* Credentials */

struct alts_creds *alts_creds_new(void)
{
	struct alts_creds *c = calloc(1, sizeof(*c));
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	if (!c)
		return NULL;
	if (page < (long)sizeof(struct alts_secrets) || posix_memalign(&p, page, page)) {
		free(c);
		return NULL;
	}
	memset(p, 0, page);
	/* Best effort: not swapped, not in core dumps. */
	(void)mlock(p, page);
	(void)madvise(p, page, MADV_DONTDUMP);
	c->sec = p;
	return c;
}

void alts_creds_free(struct alts_creds *c)
{
	long page = sysconf(_SC_PAGESIZE);

	if (!c)
		return;
	alts_x25519_key_free(c->static_key);
	OPENSSL_cleanse(c->sec, page);
	munlock(c->sec, page);
	free(c->sec);
	free(c->cert);
	free(c->roots);
	free(c->crl);
	free(c->rules);
	free(c);
}

int alts_creds_set_cert(struct alts_creds *c, const uint8_t *cert, size_t len,
			const uint8_t priv[ALTS_X25519_LEN])
{
	uint8_t pub[ALTS_X25519_LEN];
	int err;

	err = alts_cert_parse(cert, len, &c->self);
	if (err)
		return err;
	if (!alts_x25519_public(pub, priv) || CRYPTO_memcmp(pub, c->self.static_key, sizeof(pub)))
		return ALTS_ERR_CONFIG;	/* key does not match the certificate */
	free(c->cert);
	c->cert = malloc(len);
	if (!c->cert)
		return ALTS_ERR_NOMEM;
	memcpy(c->cert, cert, len);
	c->cert_len = len;
	memcpy(c->sec->static_priv, priv, ALTS_X25519_LEN);
	alts_x25519_key_free(c->static_key);
	c->static_key = alts_x25519_key(priv, NULL);
	return c->static_key ? ALTS_OK : ALTS_ERR_NOMEM;
}

static void *grow(void *arr, size_t n, size_t size)
{
	return realloc(arr, (n + 1) * size);
}

int alts_creds_add_root(struct alts_creds *c, const char *name, const uint8_t pub[32])
{
	struct alts_root *r;

	if (!name[0] || !alts_str_ok(name, ALTS_MAX_NAME))
		return ALTS_ERR_CONFIG;
	r = grow(c->roots, c->n_roots, sizeof(*r));
	if (!r)
		return ALTS_ERR_NOMEM;
	c->roots = r;
	r = &c->roots[c->n_roots++];
	strcpy(r->name, name);
	memcpy(r->pub, pub, sizeof(r->pub));
	return ALTS_OK;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int alts_creds_add_crl(struct alts_creds *c, uint64_t id)
{
	uint64_t *v = grow(c->crl, c->n_crl, sizeof(*v));

	if (!v)
		return ALTS_ERR_NOMEM;
	c->crl = v;
	v[c->n_crl++] = id;
	qsort(c->crl, c->n_crl, sizeof(*v), cmp_u64);
	return ALTS_OK;
}

int alts_creds_add_rule(struct alts_creds *c, const char *issuer, unsigned int cats,
			const char *pattern)
{
	struct alts_policy_rule *r;

	if (!issuer[0] || !alts_str_ok(issuer, ALTS_MAX_NAME) || !pattern[0] ||
	    !alts_str_ok(pattern, ALTS_MAX_IDENTITY))
		return ALTS_ERR_CONFIG;
	r = grow(c->rules, c->n_rules, sizeof(*r));
	if (!r)
		return ALTS_ERR_NOMEM;
	c->rules = r;
	r = &c->rules[c->n_rules++];
	strcpy(r->issuer, issuer);
	strcpy(r->pattern, pattern);
	r->categories = cats;
	return ALTS_OK;
}

int alts_creds_add_res_key(struct alts_creds *c, const uint8_t idr[ALTS_IDR_LEN],
			   const uint8_t key[ALTS_RES_KEY_LEN])
{
	struct alts_secrets *s = c->sec;

	if (s->n_res_keys >= ALTS_MAX_RES_KEYS)
		return ALTS_ERR_CONFIG;
	memcpy(s->res_keys[s->n_res_keys].idr, idr, ALTS_IDR_LEN);
	memcpy(s->res_keys[s->n_res_keys].key, key, ALTS_RES_KEY_LEN);
	s->n_res_keys++;
	return ALTS_OK;
}

/* Line-oriented text files: '#' starts a comment, fields are blank-separated. */
static char *next_line(char **cur)
{
	char *line = *cur, *nl, *hash;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = 0;
		*cur = nl + 1;
	} else {
		*cur = line + strlen(line);
	}
	hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	return line;
}

/* A trust or secret text file; on failure err names the file and the reason. */
static int load_text(const char *path, enum alts_file_kind kind, char **out, char *err,
		     size_t elen)
{
	char why[256] = "";
	uint8_t *buf;
	size_t len;
	int ret;

	ret = alts_read_file_kind(path, kind, &buf, &len, 1 << 20, why, sizeof(why));
	if (ret) {
		snprintf(err, elen, "%s: %s", path, why[0] ? why : strerror(-ret));
		return ret;
	}
	if (memchr(buf, 0, len)) {
		OPENSSL_clear_free(buf, len + 1);
		snprintf(err, elen, "%s: contains a NUL byte", path);
		return -EINVAL;
	}
	*out = (char *)buf;
	return 0;
}

#define SEP " \t\r"

int alts_creds_load_roots(struct alts_creds *c, const char *path, char *err, size_t elen)
{
	char *text, *cur, *line, *save;
	int ret = 0, lineno = 0;

	if ((ret = load_text(path, ALTS_FILE_TRUST, &text, err, elen)))
		return ret;
	cur = text;
	while ((line = next_line(&cur))) {
		char *name = strtok_r(line, SEP, &save), *hex = strtok_r(NULL, SEP, &save);
		uint8_t pub[32];

		lineno++;
		if (!name)
			continue;
		if (!hex || strtok_r(NULL, SEP, &save) || alts_hex_decode(pub, 32, hex, strlen(hex)) ||
		    alts_creds_add_root(c, name, pub)) {
			snprintf(err, elen, "%s:%d: expected `NAME ED25519-PUBLIC-KEY-HEX'", path, lineno);
			ret = -EINVAL;
			break;
		}
	}
	free(text);
	return ret;
}

/*
 * The CRL: signed by a configured root, fresh, and never older than the
 * one in force. Once the set in force has a CRL, a missing one is an error.
 */
static int load_crl(struct alts_creds *c, const struct alts_creds_paths *p, uint64_t now,
		    char *err, size_t elen)
{
	const struct alts_creds *prev = p->prev;
	bool had = prev && prev->has_crl;
	struct alts_crl crl;
	char *text, when[32];
	int ret;

	if (!p->crl) {
		if (!had)
			return 0;
		snprintf(err, elen, "no CRL configured, but CRL serial %llu is in force: "
			 "refusing to run without one", (unsigned long long)prev->crl_serial);
		return -ENOENT;
	}
	ret = load_text(p->crl, ALTS_FILE_TRUST, &text, err, elen);
	if (ret == -ENOENT && !had)
		return 0;
	if (ret == -ENOENT) {
		snprintf(err, elen, "%s: missing, but CRL serial %llu is in force: "
			 "refusing to run without one", p->crl, (unsigned long long)prev->crl_serial);
		return ret;
	}
	if (ret)
		return ret;
	ret = alts_crl_parse(p->crl, text, strlen(text), c, &crl, err, elen);
	free(text);
	if (ret)
		return ret;
	ret = -EINVAL;
	if (now + ALTS_CLOCK_SKEW < crl.this_update) {
		utc(when, crl.this_update);
		snprintf(err, elen, "%s: issued in the future (this-update %s)", p->crl, when);
	} else if (now >= crl.next_update) {
		utc(when, crl.next_update);
		snprintf(err, elen, "%s: stale: its next-update %s has passed (serial %llu); "
			 "renew it with `altsctl crl renew'", p->crl, when,
			 (unsigned long long)crl.serial);
	} else if (had && crl.serial < prev->crl_serial) {
		snprintf(err, elen, "%s: serial %llu is lower than serial %llu in force "
			 "(an older CRL?)", p->crl, (unsigned long long)crl.serial,
			 (unsigned long long)prev->crl_serial);
	} else {
		free(c->crl);
		c->crl = crl.ids;
		c->n_crl = crl.n_ids;
		crl.ids = NULL;
		c->has_crl = true;
		c->crl_serial = crl.serial;
		c->crl_next_update = crl.next_update;
		ret = 0;
	}
	alts_crl_free(&crl);
	return ret;
}

int alts_policy_parse_line(char *line, struct alts_policy_rule *r)
{
	char *save, *s2, *cat;
	char *issuer = strtok_r(line, SEP, &save), *cats, *pat;
	unsigned int mask = 0;

	memset(r, 0, sizeof(*r));
	if (!issuer)
		return 1;
	cats = strtok_r(NULL, SEP, &save);
	pat = strtok_r(NULL, SEP, &save);
	if (!cats || !pat || strtok_r(NULL, SEP, &save))
		return -EINVAL;
	for (cat = strtok_r(cats, ",", &s2); cat; cat = strtok_r(NULL, ",", &s2)) {
		int v = alts_category_from_name(cat);

		if (!strcmp(cat, "*"))
			mask |= ALTS_POLICY_ALL_CATS;
		else if (v > 0)
			mask |= 1u << v;
		else
			return -EINVAL;
	}
	if (!mask || !issuer[0] || strlen(issuer) > ALTS_MAX_NAME ||
	    !alts_str_ok(issuer, ALTS_MAX_NAME) || strlen(pat) > ALTS_MAX_IDENTITY ||
	    !alts_str_ok(pat, ALTS_MAX_IDENTITY))
		return -EINVAL;
	strcpy(r->issuer, issuer);
	strcpy(r->pattern, pat);
	r->categories = mask;
	return 0;
}

static int load_policy(struct alts_creds *c, const char *path, char *err, size_t elen)
{
	char *text, *cur, *line;
	int ret, lineno = 0;

	if ((ret = load_text(path, ALTS_FILE_TRUST, &text, err, elen)))
		return ret;
	cur = text;
	while ((line = next_line(&cur))) {
		struct alts_policy_rule r;
		int v;

		lineno++;
		v = alts_policy_parse_line(line, &r);
		if (v == 1)
			continue;
		if (v || alts_creds_add_rule(c, r.issuer, r.categories, r.pattern)) {
			snprintf(err, elen, "%s:%d: expected `ISSUER CATEGORY[,CATEGORY] "
				 "IDENTITY-PATTERN'", path, lineno);
			ret = -EINVAL;
			break;
		}
	}
	free(text);
	return ret;
}

static int load_res_keys(struct alts_creds *c, const char *path, char *err, size_t elen)
{
	char *text, *cur, *line, *save;
	int ret, lineno = 0;
	size_t len;

	if ((ret = load_text(path, ALTS_FILE_SECRET, &text, err, elen)))
		return ret;
	len = strlen(text);
	cur = text;
	while ((line = next_line(&cur))) {
		char *idr = strtok_r(line, SEP, &save), *key;
		uint8_t bidr[ALTS_IDR_LEN], bkey[ALTS_RES_KEY_LEN];
		bool bad;

		lineno++;
		if (!idr)
			continue;
		key = strtok_r(NULL, SEP, &save);
		bad = !key || strtok_r(NULL, SEP, &save) ||
		      alts_hex_decode(bidr, sizeof(bidr), idr, strlen(idr)) ||
		      alts_hex_decode(bkey, sizeof(bkey), key, strlen(key)) ||
		      (c->sec->n_res_keys < ALTS_MAX_RES_KEYS && alts_creds_add_res_key(c, bidr, bkey));
		OPENSSL_cleanse(bkey, sizeof(bkey));
		if (bad) {
			snprintf(err, elen, "%s:%d: expected `IDR-HEX KEY-HEX'", path, lineno);
			ret = -EINVAL;
			break;
		}
	}
	OPENSSL_clear_free(text, len);
	return ret;
}

/*
 * Our own certificate as a peer would see it: in its validity window (its
 * master's too), not revoked by our CRL, within the lifetime cap and with
 * a revocation ID of its own. Its chain is for the peers' roots to judge.
 */
static int check_own_cert(struct alts_creds *c, const char *path, uint64_t now, char *err,
			  size_t elen)
{
	struct alts_cert_info *info = calloc(1, sizeof(*info));
	char when[32], rid[ALTS_RID_STR_LEN];
	int ret;

	if (!info)
		return -ENOMEM;
	ret = alts_cert_verify(c, c->cert, c->cert_len, now, false, info);
	switch (ret) {
	case ALTS_OK:
		break;
	case ALTS_ERR_EXPIRED:
		if (info->master_not_after && now > info->master_not_after + ALTS_CLOCK_SKEW) {
			utc(when, info->master_not_after);
			snprintf(err, elen, "%s: own master certificate expired at %s", path, when);
		} else {
			utc(when, info->not_after);
			snprintf(err, elen, "%s: own certificate expired at %s; issue a new one "
				 "(altsctl cert rotate)", path, when);
		}
		ret = -EKEYEXPIRED;
		break;
	case ALTS_ERR_NOT_YET_VALID:
		utc(when, info->not_before);
		snprintf(err, elen, "%s: own certificate not valid before %s", path, when);
		ret = -EKEYEXPIRED;
		break;
	case ALTS_ERR_REVOKED:
		alts_rid_format(rid, alts_crl_contains(c, info->revocation_id) ?
				info->revocation_id : info->master_revocation_id);
		snprintf(err, elen, "%s: own certificate is revoked (revocation ID %s)", path, rid);
		ret = -EKEYREVOKED;
		break;
	default:
		snprintf(err, elen, "%s: peers would refuse own certificate: %s (lifetime over "
			 "the category's cap, or no revocation ID of its own)", path,
			 alts_strerror(ret));
		ret = -EINVAL;
		break;
	}
	free(info);
	return ret;
}

int alts_creds_expiry_warning(const struct alts_creds *c, uint64_t now, char *buf, size_t len)
{
	const struct alts_cert_info *s = &c->self;
	char when[32];

	if (s->not_after > now && s->not_after - now < (s->not_after - s->not_before) / 4) {
		utc(when, s->not_after);
		snprintf(buf, len, "own certificate expires at %s, in less than a quarter of "
			 "its lifetime", when);
		return 1;
	}
	if (s->master_not_after > now && s->master_not_after - now < ALTS_MASTER_WARN) {
		utc(when, s->master_not_after);
		snprintf(buf, len, "own master certificate expires at %s, in less than %llu days",
			 when, (unsigned long long)(ALTS_MASTER_WARN / 86400));
		return 1;
	}
	if (c->crl_next_update > now && c->crl_next_update - now < ALTS_CRL_WARN) {
		utc(when, c->crl_next_update);
		snprintf(buf, len, "the CRL goes stale at %s, in less than a day, and then every "
			 "peer is refused: renew it (altsctl crl renew)", when);
		return 1;
	}
	return 0;
}

int alts_creds_load(struct alts_creds **out, const struct alts_creds_paths *p,
		    char *err, size_t elen)
{
	struct alts_creds *c = alts_creds_new();
	uint8_t priv[32], *cert = NULL;
	uint64_t now = p->now ? p->now : (uint64_t)time(NULL);
	char why[256] = "";
	size_t cert_len;
	int ret;

	if (!c)
		return -ENOMEM;
	ret = alts_read_file(p->cert, &cert, &cert_len, ALTS_MAX_CERT);
	if (ret) {
		snprintf(err, elen, "%s: %s", p->cert, strerror(-ret));
		goto fail;
	}
	ret = alts_read_key_why(p->key, "x25519", priv, why, sizeof(why));
	if (ret) {
		snprintf(err, elen, "%s: %s", p->key, why[0] ? why : strerror(-ret));
		goto fail;
	}
	ret = alts_creds_set_cert(c, cert, cert_len, priv);
	OPENSSL_cleanse(priv, sizeof(priv));
	if (ret) {
		snprintf(err, elen, "%s: %s", p->cert, ret == ALTS_ERR_CONFIG ?
			 "certificate does not match the private key" : "not a handshake certificate");
		ret = -EINVAL;
		goto fail;
	}
	if ((ret = alts_creds_load_roots(c, p->roots, err, elen)))
		goto fail;
	if ((ret = load_crl(c, p, now, err, elen)))
		goto fail;
	if ((ret = load_policy(c, p->policy, err, elen)))
		goto fail;
	if (p->res_keys && (ret = load_res_keys(c, p->res_keys, err, elen)))
		goto fail;
	if ((ret = check_own_cert(c, p->cert, now, err, elen)))
		goto fail;
	free(cert);
	*out = c;
	return 0;
fail:
	free(cert);
	alts_creds_free(c);
	return ret < 0 ? ret : -EINVAL;
}
