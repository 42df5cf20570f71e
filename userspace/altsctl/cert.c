// SPDX-License-Identifier: GPL-2.0
/*
 * altsctl cert: roots, master and handshake certificates, rotation,
 * resumption keys, and a readable dump of any certificate.
 *
 * Private keys are only ever read from and written to files of mode 0600
 * (never argv, never printed).
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

struct opts {
	const char *name, *key, *out, *root_key, *issuer, *identity, *category;
	const char *master_key, *master_cert, *cert, *lifetime, *ciphers;
	uint64_t revocation_id;
	bool has_rid;
	int keep;
	size_t n_attrs;
	struct alts_attr attrs[ALTS_MAX_ATTRS];
};

static void usage(void)
{
	fprintf(stderr,
		"Usage: %s cert <command> [options]\n"
		"  create-root --name NAME --key ROOT.key\n"
		"      new Ed25519 root; prints its line for the roots file\n"
		"  root-line --name NAME --key ROOT.key\n"
		"      prints the roots-file line of an existing root\n"
		"  issue-master --root-key ROOT.key --issuer NAME --identity ID\n"
		"      --category human|machine|workload --revocation-id N\n"
		"      [--lifetime DURATION|none] --key MASTER.key --out MASTER.cert\n"
		"  issue-handshake --master-key MASTER.key --master-cert MASTER.cert\n"
		"      [--lifetime DURATION] [--ciphers pfs,static] [--attr KEY=VALUE]...\n"
		"      [--revocation-id N] --key HS.key --out HS.cert\n"
		"  rotate --master-key MASTER.key --master-cert MASTER.cert\n"
		"      --cert HS.cert --key HS.key [--lifetime DURATION]\n"
		"      new static key and certificate with the same attributes\n"
		"  resumption-key --out RES.keys [--keep N]\n"
		"      adds a new resumption key (and identifier) first, keeps N older\n"
		"  show FILE\n"
		"DURATION is a number with s, m, h or d. Handshake certificates default to\n"
		"12h (machine), 20h (human), 48h (workload).\n", prog);
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && *s && !*end;
}

static bool parse_duration(const char *s, uint64_t *secs)
{
	char *end;
	unsigned long long v;
	uint64_t mul;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || end[0] == 0 || end[1] != 0)
		return false;
	switch (*end) {
	case 's': mul = 1; break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = 86400; break;
	default: return false;
	}
	if (!v || v > UINT32_MAX)
		return false;
	*secs = v * mul;
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
		case 'K': o->keep = atoi(optarg); break;
		case 'r':
			if (!parse_u64(optarg, &o->revocation_id)) {
				fprintf(stderr, "Revocation ID is not a number: `%s'\n", optarg);
				return -1;
			}
			o->has_rid = true;
			break;
		case 'a': {
			const char *eq = strchr(optarg, '=');
			struct alts_attr *a;

			if (o->n_attrs >= ALTS_MAX_ATTRS || !eq || eq == optarg ||
			    (size_t)(eq - optarg) > ALTS_MAX_NAME || strlen(eq + 1) > ALTS_MAX_ATTR_VALUE) {
				fprintf(stderr, "Attribute is not KEY=VALUE or too long: `%s'\n", optarg);
				return -1;
			}
			a = &o->attrs[o->n_attrs++];
			memcpy(a->key, optarg, (size_t)(eq - optarg));
			a->key[eq - optarg] = 0;
			strcpy(a->value, eq + 1);
			break;
		}
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

static int read_key_or_complain(const char *path, const char *type, uint8_t key[32])
{
	char why[256] = "";
	int ret = alts_read_key_why(path, type, key, why, sizeof(why));

	if (ret)
		fprintf(stderr, "%s: %s\n", path, why[0] ? why : strerror(-ret));
	return ret;
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
	int ret = -1;

	if (need(o->name, "name") || need(o->key, "key"))
		return -1;
	if (!alts_str_ok(o->name, ALTS_MAX_NAME) || strchr(o->name, ' ')) {
		fprintf(stderr, "Root name is not valid: `%s'\n", o->name);
		return -1;
	}
	if (create) {
		if (new_key(seed) || write_key_or_complain(o->key, "ed25519", seed))
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

static int cmd_issue_master(struct opts *o)
{
	struct alts_master_params p = { 0 };
	uint8_t root[32], seed[32], pub[32], *cert = NULL;
	uint64_t life = 0, now = (uint64_t)time(NULL);
	size_t len;
	int cat, ret = -1, err;

	if (need(o->root_key, "root-key") || need(o->issuer, "issuer") ||
	    need(o->identity, "identity") || need(o->category, "category") ||
	    need(o->key, "key") || need(o->out, "out"))
		return -1;
	cat = alts_category_from_name(o->category);
	if (cat < 0) {
		fprintf(stderr, "Category is not human, machine or workload: `%s'\n", o->category);
		return -1;
	}
	if (!o->has_rid) {
		fprintf(stderr, "Missing --revocation-id\n");
		return -1;
	}
	/* 8-bit category || 56-bit id; a bare id gets the category prepended */
	if (o->revocation_id < (1ULL << 56))
		o->revocation_id |= (uint64_t)cat << 56;
	if (o->lifetime && strcmp(o->lifetime, "none") && !parse_duration(o->lifetime, &life)) {
		fprintf(stderr, "Lifetime is not a duration: `%s'\n", o->lifetime);
		return -1;
	}
	if (!o->lifetime && cat != ALTS_CAT_MACHINE)
		life = 365 * 86400ULL;
	if (read_key_or_complain(o->root_key, "ed25519", root))
		return -1;
	if (new_key(seed) || !alts_ed25519_public(pub, seed))
		goto out;
	p.identity = o->identity;
	p.category = cat;
	p.issuer = o->issuer;
	p.revocation_id = o->revocation_id;
	p.not_before = now - ALTS_CLOCK_SKEW;
	p.not_after = life ? now + life : 0;
	p.public_key = pub;
	err = alts_master_issue(root, &p, &cert, &len);
	if (err) {
		fprintf(stderr, "Cannot issue: %s (identity, issuer or revocation ID category)\n",
			alts_strerror(err));
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

static int issue_hs(struct opts *o, const struct alts_attr *attrs, size_t n_attrs,
		    unsigned int ciphers, uint64_t rid)
{
	struct alts_hscert_params p = { 0 };
	struct alts_cert_info m;
	uint8_t mseed[32], priv[32], pub[32], *mcert = NULL, *cert = NULL;
	uint64_t life, now = (uint64_t)time(NULL);
	size_t mlen, len;
	int ret = -1, err;

	if (read_key_or_complain(o->master_key, "ed25519", mseed))
		return -1;
	err = alts_read_file(o->master_cert, &mcert, &mlen, ALTS_MAX_CERT);
	if (err || alts_master_parse(mcert, mlen, &m)) {
		fprintf(stderr, "%s: not a master certificate\n", o->master_cert);
		goto out;
	}
	life = default_life(m.category);
	if (o->lifetime && !parse_duration(o->lifetime, &life)) {
		fprintf(stderr, "Lifetime is not a duration: `%s'\n", o->lifetime);
		goto out;
	}
	if (new_key(priv) || !alts_x25519_public(pub, priv))
		goto out;
	p.static_key = pub;
	p.ciphers = ciphers;
	p.attrs = attrs;
	p.n_attrs = n_attrs;
	p.revocation_id = rid && rid < (1ULL << 56) ? rid | (uint64_t)m.category << 56 : rid;
	if (!p.revocation_id && new_hs_rid(m.category, m.master_revocation_id, &p.revocation_id))
		goto out;
	p.not_before = now - ALTS_CLOCK_SKEW;
	p.not_after = now + life;
	if (m.master_not_after && p.not_after > m.master_not_after)
		p.not_after = m.master_not_after;
	p.master_cert = mcert;
	p.master_len = mlen;
	err = alts_hscert_issue(mseed, &p, &cert, &len);
	if (err) {
		fprintf(stderr, "Cannot issue: %s (does the master key match the master certificate?)\n",
			alts_strerror(err));
		goto out;
	}
	/* key first: a reader that sees the new cert also finds its key */
	if (write_key_or_complain(o->key, "x25519", priv) || write_cert(o->out, cert, len))
		goto out;
	ret = 0;
out:
	free(mcert);
	free(cert);
	OPENSSL_cleanse(mseed, sizeof(mseed));
	OPENSSL_cleanse(priv, sizeof(priv));
	return ret;
}

static int cmd_issue_handshake(struct opts *o)
{
	unsigned int ciphers = 0;
	char buf[64], *tok, *save;

	if (need(o->master_key, "master-key") || need(o->master_cert, "master-cert") ||
	    need(o->key, "key") || need(o->out, "out"))
		return -1;
	if (!o->ciphers)
		ciphers = ALTS_CIPHER_F_PFS | ALTS_CIPHER_F_STATIC;
	else {
		snprintf(buf, sizeof(buf), "%s", o->ciphers);
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (!strcmp(tok, "pfs"))
				ciphers |= ALTS_CIPHER_F_PFS;
			else if (!strcmp(tok, "static"))
				ciphers |= ALTS_CIPHER_F_STATIC;
			else {
				fprintf(stderr, "Cipher is not pfs or static: `%s'\n", tok);
				return -1;
			}
		}
	}
	return issue_hs(o, o->attrs, o->n_attrs, ciphers, o->has_rid ? o->revocation_id : 0);
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
	ret = issue_hs(o, info->attrs, info->n_attrs, info->ciphers, 0);
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

static void print_time(const char *what, uint64_t t)
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
	if (!strcmp(cmd, "rotate"))
		return cmd_rotate(&o) ? 1 : 0;
	if (!strcmp(cmd, "resumption-key"))
		return cmd_resumption_key(&o) ? 1 : 0;
	fprintf(stderr, "Invalid cert command: `%s'\n", cmd);
	usage();
	return 1;
}
