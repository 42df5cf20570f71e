// SPDX-License-Identifier: GPL-2.0
/*
 * altsctl cert: roots, master and handshake certificates, requests for
 * handshake certificates, rotation, resumption keys, and a readable dump
 * of any certificate.
 *
 * Private keys are only ever read from and written to files of mode 0600
 * (never argv, never printed). Whatever the tool does not understand
 * exactly (a revocation ID, a lifetime, an issuer) it refuses, saying why.
 */
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "alts_handshake.pb-c.h"
#include "altsctl.h"
#include "cert.h"
#include "kdf.h"

#define REQUEST_MAGIC	"kalts-request v1"
#define MASTER_LIFE	(365 * 86400ULL)

struct opts {
	const char *name, *key, *out, *root_key, *issuer, *identity, *category, *roots;
	const char *master_key, *master_cert, *cert, *lifetime, *ciphers, *request, *rid;
	bool force;
	int keep;
	size_t n_attrs;
	struct alts_attr attrs[ALTS_MAX_ATTRS];
};

static void usage(void)
{
	fprintf(stderr,
		"Usage: %s cert <command> [options]\n"
		"  create-root --name NAME --key ROOT.key [--force]\n"
		"      new Ed25519 root; prints its line for the roots file. An existing\n"
		"      ROOT.key is only replaced with --force\n"
		"  root-line --name NAME --key ROOT.key\n"
		"      prints the roots-file line of an existing root\n"
		"  issue-master --root-key ROOT.key --roots ROOTS --issuer NAME --identity ID\n"
		"      --category human|machine|workload --revocation-id ID\n"
		"      [--lifetime DURATION|none] --key MASTER.key --out MASTER.cert\n"
		"      NAME must be the root of ROOT.key in ROOTS. Masters live 365d unless\n"
		"      told otherwise (none: no expiry, machines only)\n"
		"  issue-handshake --master-key MASTER.key --master-cert MASTER.cert\n"
		"      [--lifetime DURATION] [--ciphers pfs,static] [--attr KEY=VALUE]...\n"
		"      [--revocation-id ID] --key HS.key --out HS.cert\n"
		"  request --identity ID [--ciphers pfs,static] [--attr KEY=VALUE]...\n"
		"      --key HS.key --out HS.req\n"
		"      on the host: a new static key and a request for its certificate\n"
		"  sign-request --master-key MASTER.key --master-cert MASTER.cert\n"
		"      --request HS.req [--lifetime DURATION] [--revocation-id ID] --out HS.cert\n"
		"      by the master key's holder: the certificate a request asks for\n"
		"  rotate --master-key MASTER.key --master-cert MASTER.cert\n"
		"      --cert HS.cert --key HS.key [--lifetime DURATION]\n"
		"      new static key and certificate with the same attributes\n"
		"  resumption-key --out RES.keys [--keep 0..3]\n"
		"      adds a new resumption key (and identifier) first, keeps N older\n"
		"  show FILE\n"
		"DURATION is a positive whole number with s, m, h or d. Handshake certificates\n"
		"default to 12h (machine), 20h (human), 48h (workload) and live at most 24h,\n"
		"24h and 72h. ID is a revocation ID as printed: 0x and 16 hex digits, the\n"
		"first two the category (01 human, 02 machine, 03 workload). A handshake\n"
		"certificate gets a random one of its own unless --revocation-id is given.\n",
		prog);
}

bool parse_lifetime(const char *s, uint64_t *secs)
{
	const uint64_t max = 100ULL * 365 * 86400;
	const char *p = s;
	uint64_t v = 0, mul;

	if (*p == '-') {
		fprintf(stderr, "Invalid lifetime `%s': must not be negative\n", s);
		return false;
	}
	if (*p < '0' || *p > '9') {
		fprintf(stderr, "Invalid lifetime `%s': not a number followed by s, m, h or d\n", s);
		return false;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max) {
			fprintf(stderr, "Invalid lifetime `%s': too long\n", s);
			return false;
		}
	}
	if (!*p) {
		fprintf(stderr, "Invalid lifetime `%s': missing unit (s, m, h or d)\n", s);
		return false;
	}
	switch (p[1] ? 0 : *p) {
	case 's': mul = 1; break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = 86400; break;
	default:
		fprintf(stderr, "Invalid lifetime `%s': unknown unit `%s' (use s, m, h or d)\n", s, p);
		return false;
	}
	if (!v) {
		fprintf(stderr, "Invalid lifetime `%s': must be more than zero\n", s);
		return false;
	}
	if (v * mul > max) {
		fprintf(stderr, "Invalid lifetime `%s': too long\n", s);
		return false;
	}
	*secs = v * mul;
	return true;
}

bool parse_rid_or_complain(const char *s, uint64_t *id)
{
	const char *why = alts_rid_parse(s, id);

	if (why)
		fprintf(stderr, "Invalid revocation ID `%s': %s\n", s, why);
	return !why;
}

static bool parse_attr(const char *arg, struct opts *o)
{
	const char *eq = strchr(arg, '=');
	struct alts_attr *a;

	if (o->n_attrs >= ALTS_MAX_ATTRS || !eq || eq == arg ||
	    (size_t)(eq - arg) > ALTS_MAX_NAME || strlen(eq + 1) > ALTS_MAX_ATTR_VALUE) {
		fprintf(stderr, "Attribute is not KEY=VALUE or too long: `%s'\n", arg);
		return false;
	}
	a = &o->attrs[o->n_attrs++];
	memcpy(a->key, arg, (size_t)(eq - arg));
	a->key[eq - arg] = 0;
	strcpy(a->value, eq + 1);
	if (!alts_str_ok(a->key, ALTS_MAX_NAME) || !alts_str_ok(a->value, ALTS_MAX_ATTR_VALUE)) {
		fprintf(stderr, "Attribute contains a control character: `%s'\n", arg);
		return false;
	}
	return true;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "name", 1, 0, 'n' }, { "key", 1, 0, 'k' }, { "out", 1, 0, 'o' },
		{ "root-key", 1, 0, 'R' }, { "issuer", 1, 0, 'I' }, { "identity", 1, 0, 'i' },
		{ "category", 1, 0, 'c' }, { "revocation-id", 1, 0, 'r' }, { "lifetime", 1, 0, 'l' },
		{ "master-key", 1, 0, 'M' }, { "master-cert", 1, 0, 'C' }, { "cert", 1, 0, 'x' },
		{ "ciphers", 1, 0, 'p' }, { "attr", 1, 0, 'a' }, { "keep", 1, 0, 'K' },
		{ "roots", 1, 0, 'T' }, { "request", 1, 0, 'Q' }, { "force", 0, 0, 'F' },
		{ "help", 0, 0, 'h' }, { 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->keep = 2;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case 'n': o->name = optarg; break;
		case 'k': o->key = optarg; break;
		case 'o': o->out = optarg; break;
		case 'R': o->root_key = optarg; break;
		case 'I': o->issuer = optarg; break;
		case 'i': o->identity = optarg; break;
		case 'c': o->category = optarg; break;
		case 'l': o->lifetime = optarg; break;
		case 'M': o->master_key = optarg; break;
		case 'C': o->master_cert = optarg; break;
		case 'x': o->cert = optarg; break;
		case 'p': o->ciphers = optarg; break;
		case 'r': o->rid = optarg; break;
		case 'T': o->roots = optarg; break;
		case 'Q': o->request = optarg; break;
		case 'F': o->force = true; break;
		case 'K':
			if (optarg[0] < '0' || optarg[0] > '3' || optarg[1]) {
				fprintf(stderr, "Invalid --keep `%s': must be 0, 1, 2 or 3\n", optarg);
				return -1;
			}
			o->keep = optarg[0] - '0';
			break;
		case 'a':
			if (!parse_attr(optarg, o))
				return -1;
			break;
		default:
			usage();
			return -1;
		}
	}
	return 0;
}

static int need(const char *v, const char *opt)
{
	if (v)
		return 0;
	fprintf(stderr, "Missing --%s\n", opt);
	return -1;
}

static int write_key_or_complain(const char *path, const char *type, const uint8_t key[32])
{
	int ret = alts_write_key(path, type, key);

	if (ret)
		fprintf(stderr, "%s: %s\n", path, strerror(-ret));
	return ret;
}

int read_key_or_complain(const char *path, const char *type, uint8_t key[32])
{
	char why[256] = "";
	int ret = alts_read_key_why(path, type, key, why, sizeof(why));

	if (ret)
		fprintf(stderr, "%s: %s\n", path, why[0] ? why : strerror(-ret));
	return ret;
}

struct alts_creds *load_roots_or_complain(const char *path)
{
	struct alts_creds *c = alts_creds_new();
	char err[512] = "";

	if (!c) {
		fprintf(stderr, "Out of memory\n");
		return NULL;
	}
	if (alts_creds_load_roots(c, path, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		alts_creds_free(c);
		return NULL;
	}
	return c;
}

/* The issuer must be a root of the roots file, and root_seed its key. */
int check_issuer(const char *roots_path, const char *issuer, const uint8_t root_seed[32])
{
	struct alts_creds *c = load_roots_or_complain(roots_path);
	uint8_t pub[32];
	bool named = false, match = false;
	size_t i;

	if (!c)
		return -1;
	if (!alts_ed25519_public(pub, root_seed)) {
		alts_creds_free(c);
		return -1;
	}
	for (i = 0; i < c->n_roots; i++) {
		if (strcmp(c->roots[i].name, issuer))
			continue;
		named = true;
		match |= !CRYPTO_memcmp(c->roots[i].pub, pub, sizeof(pub));
	}
	alts_creds_free(c);
	if (!named)
		fprintf(stderr, "Issuer `%s' is not a root in %s\n", issuer, roots_path);
	else if (!match)
		fprintf(stderr, "Issuer `%s' in %s has another public key than the root key given\n",
			issuer, roots_path);
	return match ? 0 : -1;
}

static int new_key(uint8_t key[32])
{
	return RAND_priv_bytes(key, 32) == 1 ? 0 : -1;
}

static int print_root_line(const char *name, const uint8_t seed[32])
{
	uint8_t pub[32];
	char hex[65];

	if (!alts_ed25519_public(pub, seed))
		return -1;
	alts_hex_encode(hex, pub, 32);
	printf("%s %s\n", name, hex);
	return 0;
}

static int cmd_create_root(struct opts *o, bool create)
{
	uint8_t seed[32];
	int ret = -1, err;

	if (need(o->name, "name") || need(o->key, "key"))
		return -1;
	if (!alts_str_ok(o->name, ALTS_MAX_NAME) || strpbrk(o->name, " \t#")) {
		fprintf(stderr, "Root name is not valid: `%s'\n", o->name);
		return -1;
	}
	if (create) {
		if (new_key(seed))
			goto out;
		err = alts_write_key_mode(o->key, "ed25519", seed, o->force);
		if (err == -EEXIST)
			fprintf(stderr, "%s: exists; refusing to overwrite a root key (with --force "
				"it is replaced, and nothing it signed verifies any more)\n", o->key);
		else if (err)
			fprintf(stderr, "%s: %s\n", o->key, strerror(-err));
		if (err)
			goto out;
	} else if (read_key_or_complain(o->key, "ed25519", seed)) {
		goto out;
	}
	ret = print_root_line(o->name, seed);
out:
	OPENSSL_cleanse(seed, sizeof(seed));
	return ret;
}

static int write_cert(const char *path, const uint8_t *cert, size_t len)
{
	int ret = alts_write_file(path, cert, len, 0644);

	if (ret)
		fprintf(stderr, "%s: %s\n", path, strerror(-ret));
	return ret;
}

/* A revocation ID as printed, of the given category. */
static bool rid_for(const char *s, int cat, uint64_t *rid)
{
	if (!parse_rid_or_complain(s, rid))
		return false;
	if ((int)(*rid >> 56) != cat) {
		fprintf(stderr, "Invalid revocation ID `%s': its category byte %02x is not %s (%02x)\n",
			s, (unsigned int)(*rid >> 56), alts_category_name(cat), (unsigned int)cat);
		return false;
	}
	return true;
}

static int cmd_issue_master(struct opts *o)
{
	struct alts_master_params p = { 0 };
	uint8_t root[32], seed[32], pub[32], *cert = NULL;
	uint64_t rid, life = MASTER_LIFE, now = (uint64_t)time(NULL);
	size_t len;
	int cat, ret = -1, err;

	if (need(o->root_key, "root-key") || need(o->roots, "roots") || need(o->issuer, "issuer") ||
	    need(o->identity, "identity") || need(o->category, "category") ||
	    need(o->rid, "revocation-id") || need(o->key, "key") || need(o->out, "out"))
		return -1;
	cat = alts_category_from_name(o->category);
	if (cat < 0) {
		fprintf(stderr, "Category is not human, machine or workload: `%s'\n", o->category);
		return -1;
	}
	if (!rid_for(o->rid, cat, &rid))
		return -1;
	if (o->lifetime && !strcmp(o->lifetime, "none")) {
		if (cat != ALTS_CAT_MACHINE) {
			fprintf(stderr, "Invalid lifetime `none': only machine master certificates "
				"may have no expiry\n");
			return -1;
		}
		life = 0;
	} else if (o->lifetime && !parse_lifetime(o->lifetime, &life)) {
		return -1;
	}
	if (read_key_or_complain(o->root_key, "ed25519", root))
		return -1;
	if (check_issuer(o->roots, o->issuer, root))
		goto out;
	if (new_key(seed) || !alts_ed25519_public(pub, seed))
		goto out;
	p.identity = o->identity;
	p.category = cat;
	p.issuer = o->issuer;
	p.revocation_id = rid;
	p.not_before = now - ALTS_CLOCK_SKEW;
	p.not_after = life ? now + life : 0;
	p.public_key = pub;
	err = alts_master_issue(root, &p, &cert, &len);
	if (err) {
		fprintf(stderr, "Cannot issue: %s (identity or issuer not valid)\n", alts_strerror(err));
		goto out;
	}
	if (write_key_or_complain(o->key, "ed25519", seed) || write_cert(o->out, cert, len))
		goto out;
	ret = 0;
out:
	free(cert);
	OPENSSL_cleanse(root, sizeof(root));
	OPENSSL_cleanse(seed, sizeof(seed));
	return ret;
}

/* A fresh revocation ID for a handshake certificate: never 0, never the master's. */
static int new_hs_rid(int cat, uint64_t master_rid, uint64_t *rid)
{
	uint8_t r[8];

	do {
		if (RAND_bytes(r, 7) != 1)
			return -1;
		r[7] = 0;
		memcpy(rid, r, 8);
		*rid = le64toh(*rid) | (uint64_t)cat << 56;
	} while (!(*rid << 8) || *rid == master_rid);
	return 0;
}

static uint64_t default_life(int cat)
{
	return cat == ALTS_CAT_MACHINE ? 12 * 3600 : cat == ALTS_CAT_HUMAN ? 20 * 3600 : 48 * 3600;
}

/* What a handshake certificate says besides the master's part. */
struct hs_request {
	char identity[ALTS_MAX_IDENTITY + 1];
	uint8_t static_key[ALTS_X25519_LEN];
	unsigned int ciphers;
	size_t n_attrs;
	struct alts_attr attrs[ALTS_MAX_ATTRS];
};

/* Signs a certificate for req with the master key; the caller writes it. */
static int sign_hs(const struct opts *o, const struct hs_request *req, const char *rid_arg,
		   uint8_t **cert, size_t *len)
{
	struct alts_hscert_params p = { 0 };
	struct alts_cert_info m;
	uint8_t mseed[32], *mcert = NULL;
	uint64_t life, now = (uint64_t)time(NULL);
	size_t mlen;
	int ret = -1, err;

	if (read_key_or_complain(o->master_key, "ed25519", mseed))
		return -1;
	err = alts_read_file(o->master_cert, &mcert, &mlen, ALTS_MAX_CERT);
	if (err || alts_master_parse(mcert, mlen, &m)) {
		fprintf(stderr, "%s: not a master certificate\n", o->master_cert);
		goto out;
	}
	if (req->identity[0] && strcmp(req->identity, m.identity)) {
		fprintf(stderr, "The request is for `%s', but %s is for `%s'\n", req->identity,
			o->master_cert, m.identity);
		goto out;
	}
	life = default_life(m.category);
	if (o->lifetime && !parse_lifetime(o->lifetime, &life))
		goto out;
	if (life > alts_hscert_max_life(m.category)) {
		fprintf(stderr, "Invalid lifetime `%s': %s handshake certificates live at most %lluh\n",
			o->lifetime, alts_category_name(m.category),
			(unsigned long long)(alts_hscert_max_life(m.category) / 3600));
		goto out;
	}
	if (rid_arg) {
		if (!rid_for(rid_arg, m.category, &p.revocation_id))
			goto out;
		if (p.revocation_id == m.master_revocation_id) {
			fprintf(stderr, "Invalid revocation ID `%s': it is the master certificate's; "
				"a handshake certificate needs its own\n", rid_arg);
			goto out;
		}
	} else if (new_hs_rid(m.category, m.master_revocation_id, &p.revocation_id)) {
		goto out;
	}
	p.static_key = req->static_key;
	p.ciphers = req->ciphers;
	p.attrs = req->attrs;
	p.n_attrs = req->n_attrs;
	p.not_before = now - ALTS_CLOCK_SKEW;
	p.not_after = now + life;
	if (m.master_not_after && p.not_after > m.master_not_after)
		p.not_after = m.master_not_after;
	p.master_cert = mcert;
	p.master_len = mlen;
	err = alts_hscert_issue(mseed, &p, cert, len);
	if (err) {
		fprintf(stderr, "Cannot issue: %s (does the master key match the master certificate?)\n",
			alts_strerror(err));
		goto out;
	}
	ret = 0;
out:
	free(mcert);
	OPENSSL_cleanse(mseed, sizeof(mseed));
	return ret;
}

static int issue_hs(struct opts *o, const struct alts_attr *attrs, size_t n_attrs,
		    unsigned int ciphers, const char *rid_arg)
{
	struct hs_request req = { .ciphers = ciphers, .n_attrs = n_attrs };
	uint8_t priv[32], *cert = NULL;
	size_t len;
	int ret = -1;

	memcpy(req.attrs, attrs, n_attrs * sizeof(*attrs));
	if (new_key(priv) || !alts_x25519_public(req.static_key, priv))
		goto out;
	if (sign_hs(o, &req, rid_arg, &cert, &len))
		goto out;
	/* key first: a reader that sees the new cert also finds its key */
	if (write_key_or_complain(o->key, "x25519", priv) || write_cert(o->out, cert, len))
		goto out;
	ret = 0;
out:
	free(cert);
	OPENSSL_cleanse(priv, sizeof(priv));
	return ret;
}

static int parse_ciphers(const char *arg, unsigned int *ciphers)
{
	char buf[64], *tok, *save;

	*ciphers = 0;
	if (!arg) {
		*ciphers = ALTS_CIPHER_F_PFS | ALTS_CIPHER_F_STATIC;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "pfs"))
			*ciphers |= ALTS_CIPHER_F_PFS;
		else if (!strcmp(tok, "static"))
			*ciphers |= ALTS_CIPHER_F_STATIC;
		else {
			fprintf(stderr, "Cipher is not pfs or static: `%s'\n", tok);
			return -1;
		}
	}
	if (!*ciphers) {
		fprintf(stderr, "No cipher in `%s'\n", arg);
		return -1;
	}
	return 0;
}

static int cmd_issue_handshake(struct opts *o)
{
	unsigned int ciphers;

	if (need(o->master_key, "master-key") || need(o->master_cert, "master-cert") ||
	    need(o->key, "key") || need(o->out, "out") || parse_ciphers(o->ciphers, &ciphers))
		return -1;
	return issue_hs(o, o->attrs, o->n_attrs, ciphers, o->rid);
}

/*
 * A request is text, for a person to read before signing it:
 *	kalts-request v1
 *	identity ID
 *	static-key HEX
 *	ciphers pfs,static
 *	attr KEY=VALUE		(any number)
 * It carries no secret and no proof of possession (an X25519 key cannot
 * sign); a certificate for a key one does not hold is of no use, since
 * every handshake needs the private key.
 */
static int cmd_request(struct opts *o)
{
	uint8_t priv[32], pub[32];
	char *text = NULL, hex[65];
	unsigned int ciphers;
	size_t cap, n, i;
	int ret = -1, err;

	if (need(o->identity, "identity") || need(o->key, "key") || need(o->out, "out") ||
	    parse_ciphers(o->ciphers, &ciphers))
		return -1;
	if (!o->identity[0] || !alts_str_ok(o->identity, ALTS_MAX_IDENTITY)) {
		fprintf(stderr, "Identity is not valid: `%s'\n", o->identity);
		return -1;
	}
	cap = 256 + strlen(o->identity) + o->n_attrs * (ALTS_MAX_NAME + ALTS_MAX_ATTR_VALUE + 8);
	text = malloc(cap);
	if (!text || new_key(priv) || !alts_x25519_public(pub, priv))
		goto out;
	alts_hex_encode(hex, pub, sizeof(pub));
	n = (size_t)snprintf(text, cap, "%s\nidentity %s\nstatic-key %s\nciphers %s\n",
			     REQUEST_MAGIC, o->identity, hex,
			     ciphers == ALTS_CIPHER_F_PFS ? "pfs" :
			     ciphers == ALTS_CIPHER_F_STATIC ? "static" : "pfs,static");
	for (i = 0; i < o->n_attrs; i++)
		n += (size_t)snprintf(text + n, cap - n, "attr %s=%s\n", o->attrs[i].key,
				      o->attrs[i].value);
	if (write_key_or_complain(o->key, "x25519", priv))
		goto out;
	err = alts_write_file(o->out, text, n, 0644);
	if (err) {
		fprintf(stderr, "%s: %s\n", o->out, strerror(-err));
		goto out;
	}
	printf("static key %s\n", hex);
	ret = 0;
out:
	free(text);
	OPENSSL_cleanse(priv, sizeof(priv));
	return ret;
}

static int parse_request(const char *path, struct hs_request *req)
{
	struct opts tmp;
	uint8_t *buf = NULL;
	char *cur, *line, why[256] = "";
	size_t len;
	int lineno = 0, ret = -1, err;
	bool have_key = false, have_ciphers = false;

	memset(req, 0, sizeof(*req));
	memset(&tmp, 0, sizeof(tmp));
	err = alts_read_file_kind(path, ALTS_FILE_PLAIN, &buf, &len, 1 << 16, why, sizeof(why));
	if (err) {
		fprintf(stderr, "%s: %s\n", path, why[0] ? why : strerror(-err));
		return -1;
	}
	if (memchr(buf, 0, len)) {
		fprintf(stderr, "%s: not a request\n", path);
		goto out;
	}
	for (cur = (char *)buf; (line = strsep(&cur, "\n"));) {
		char *val = strchr(line, ' ');

		lineno++;
		if (!cur && !*line)
			break;		/* after the last newline */
		if (lineno == 1) {
			if (strcmp(line, REQUEST_MAGIC)) {
				fprintf(stderr, "%s:1: not a request (expected `%s')\n", path,
					REQUEST_MAGIC);
				goto out;
			}
			continue;
		}
		if (val)
			*val++ = 0;
		if (!val || !*val) {
			fprintf(stderr, "%s:%d: expected `FIELD VALUE'\n", path, lineno);
			goto out;
		}
		if (!strcmp(line, "identity") && !req->identity[0]) {
			if (strlen(val) > ALTS_MAX_IDENTITY || !alts_str_ok(val, ALTS_MAX_IDENTITY)) {
				fprintf(stderr, "%s:%d: identity is not valid\n", path, lineno);
				goto out;
			}
			strcpy(req->identity, val);
		} else if (!strcmp(line, "static-key") && !have_key) {
			if (alts_hex_decode(req->static_key, sizeof(req->static_key), val, strlen(val))) {
				fprintf(stderr, "%s:%d: static-key is not 64 hex digits\n", path, lineno);
				goto out;
			}
			have_key = true;
		} else if (!strcmp(line, "ciphers") && !have_ciphers) {
			if (parse_ciphers(val, &req->ciphers))
				goto out;
			have_ciphers = true;
		} else if (!strcmp(line, "attr")) {
			if (!parse_attr(val, &tmp))
				goto out;
		} else {
			fprintf(stderr, "%s:%d: unexpected or repeated field `%s'\n", path, lineno, line);
			goto out;
		}
	}
	if (!req->identity[0] || !have_key || !have_ciphers) {
		fprintf(stderr, "%s: incomplete request (needs identity, static-key and ciphers)\n",
			path);
		goto out;
	}
	req->n_attrs = tmp.n_attrs;
	memcpy(req->attrs, tmp.attrs, sizeof(req->attrs));
	ret = 0;
out:
	free(buf);
	return ret;
}

static int cmd_sign_request(struct opts *o)
{
	struct hs_request req;
	uint8_t *cert = NULL;
	char hex[65];
	size_t len;
	int ret;

	if (need(o->master_key, "master-key") || need(o->master_cert, "master-cert") ||
	    need(o->request, "request") || need(o->out, "out"))
		return -1;
	if (parse_request(o->request, &req) || sign_hs(o, &req, o->rid, &cert, &len))
		return -1;
	ret = write_cert(o->out, cert, len);
	free(cert);
	if (ret)
		return -1;
	alts_hex_encode(hex, req.static_key, sizeof(req.static_key));
	printf("signed static key %s for %s\n", hex, req.identity);
	return 0;
}

static int cmd_rotate(struct opts *o)
{
	struct alts_cert_info *info;
	uint8_t *cert;
	size_t len;
	int ret;

	if (need(o->master_key, "master-key") || need(o->master_cert, "master-cert") ||
	    need(o->cert, "cert") || need(o->key, "key"))
		return -1;
	info = calloc(1, sizeof(*info));
	if (!info)
		return -1;
	ret = alts_read_file(o->cert, &cert, &len, ALTS_MAX_CERT);
	if (ret || alts_cert_parse(cert, len, info)) {
		fprintf(stderr, "%s: not a handshake certificate\n", o->cert);
		if (!ret)
			free(cert);
		free(info);
		return -1;
	}
	free(cert);
	o->out = o->cert;
	/* a new key is a new certificate: it gets a revocation ID of its own */
	ret = issue_hs(o, info->attrs, info->n_attrs, info->ciphers, NULL);
	free(info);
	return ret;
}

static int cmd_resumption_key(struct opts *o)
{
	uint8_t *old = NULL, idr[ALTS_IDR_LEN], key[ALTS_RES_KEY_LEN];
	size_t old_len = 0, n, cap;
	char *text = NULL, *line, *cur, why[256] = "";
	int ret = -1, kept = 0;

	if (need(o->out, "out"))
		return -1;
	ret = alts_read_file_kind(o->out, ALTS_FILE_SECRET, &old, &old_len, 1 << 16, why,
				  sizeof(why));
	if (ret && ret != -ENOENT) {
		fprintf(stderr, "%s: %s\n", o->out, why[0] ? why : strerror(-ret));
		return -1;
	}
	ret = -1;
	cap = old_len + 128;
	text = OPENSSL_zalloc(cap);
	if (!text || RAND_bytes(idr, sizeof(idr)) != 1 || RAND_priv_bytes(key, sizeof(key)) != 1)
		goto out;
	alts_hex_encode(text, idr, sizeof(idr));
	n = strlen(text);
	text[n++] = ' ';
	alts_hex_encode(text + n, key, sizeof(key));
	n += 2 * sizeof(key);
	text[n++] = '\n';
	for (cur = (char *)old; old && (line = strsep(&cur, "\n"));) {
		if (!*line || *line == '#' || kept >= o->keep || kept + 2 > ALTS_MAX_RES_KEYS)
			continue;
		n += (size_t)snprintf(text + n, cap - n, "%s\n", line);
		kept++;
	}
	if (alts_write_file(o->out, text, n, 0600))
		goto out;
	ret = 0;
out:
	if (old)
		OPENSSL_clear_free(old, old_len + 1);
	if (text)
		OPENSSL_clear_free(text, cap);
	OPENSSL_cleanse(key, sizeof(key));
	return ret;
}

void print_time(const char *what, uint64_t t)
{
	char buf[64];
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t) {
		printf("  %-15s none\n", what);
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
	printf("  %-15s %s (%llu)\n", what, buf, (unsigned long long)t);
}

static void print_hex(const char *what, const uint8_t *p, size_t n)
{
	char hex[2 * 64 + 1];

	alts_hex_encode(hex, p, n);
	printf("  %-15s %s\n", what, hex);
}

static int cmd_show(const char *path)
{
	struct alts_cert_info *info = calloc(1, sizeof(*info));
	uint8_t *buf;
	size_t len, i;
	int ret;

	if (!info)
		return -1;
	ret = alts_read_file(path, &buf, &len, ALTS_MAX_CERT);
	if (ret) {
		fprintf(stderr, "%s: %s\n", path, strerror(-ret));
		free(info);
		return -1;
	}
	if (!alts_cert_parse(buf, len, info)) {
		printf("kalts handshake certificate\n");
		printf("  %-15s %s\n", "identity", info->identity);
		printf("  %-15s %s\n", "category", alts_category_name(info->category));
		printf("  %-15s 0x%016llx\n", "revocation id", (unsigned long long)info->revocation_id);
		print_time("not before", info->not_before);
		print_time("not after", info->not_after);
		printf("  %-15s%s%s\n", "ciphers",
		       info->ciphers & ALTS_CIPHER_F_PFS ? " " ALTS_CIPHER_PFS : "",
		       info->ciphers & ALTS_CIPHER_F_STATIC ? " " ALTS_CIPHER_STATIC : "");
		print_hex("static key", info->static_key, 32);
		for (i = 0; i < info->n_attrs; i++)
			printf("  attribute       %s=%s\n", info->attrs[i].key, info->attrs[i].value);
		printf("master certificate\n");
		printf("  %-15s %s\n", "issuer", info->issuer);
		printf("  %-15s 0x%016llx\n", "revocation id",
		       (unsigned long long)info->master_revocation_id);
		print_time("not after", info->master_not_after);
		print_hex("public key", info->master_key, 32);
	} else if (!alts_master_parse(buf, len, info)) {
		printf("kalts master certificate\n");
		printf("  %-15s %s\n", "identity", info->identity);
		printf("  %-15s %s\n", "category", alts_category_name(info->category));
		printf("  %-15s %s\n", "issuer", info->issuer);
		printf("  %-15s 0x%016llx\n", "revocation id", (unsigned long long)info->revocation_id);
		print_time("not before", info->not_before);
		print_time("not after", info->not_after);
		print_hex("public key", info->master_key, 32);
	} else {
		fprintf(stderr, "%s: not a kalts certificate\n", path);
		ret = -1;
	}
	free(buf);
	free(info);
	return ret;
}

int cert_main(int argc, char **argv)
{
	struct opts o;
	const char *cmd;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage();
		return argc < 2;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "show")) {
		if (argc != 3) {
			usage();
			return 1;
		}
		return cmd_show(argv[2]) ? 1 : 0;
	}
	if (parse_opts(argc - 1, argv + 1, &o))
		return 1;
	if (optind != argc - 1) {
		fprintf(stderr, "Unexpected argument: `%s'\n", argv[optind + 1]);
		return 1;
	}
	if (!strcmp(cmd, "create-root"))
		return cmd_create_root(&o, true) ? 1 : 0;
	if (!strcmp(cmd, "root-line"))
		return cmd_create_root(&o, false) ? 1 : 0;
	if (!strcmp(cmd, "issue-master"))
		return cmd_issue_master(&o) ? 1 : 0;
	if (!strcmp(cmd, "issue-handshake"))
		return cmd_issue_handshake(&o) ? 1 : 0;
	if (!strcmp(cmd, "request"))
		return cmd_request(&o) ? 1 : 0;
	if (!strcmp(cmd, "sign-request"))
		return cmd_sign_request(&o) ? 1 : 0;
	if (!strcmp(cmd, "rotate"))
		return cmd_rotate(&o) ? 1 : 0;
	if (!strcmp(cmd, "resumption-key"))
		return cmd_resumption_key(&o) ? 1 : 0;
	fprintf(stderr, "Invalid cert command: `%s'\n", cmd);
	usage();
	return 1;
}
