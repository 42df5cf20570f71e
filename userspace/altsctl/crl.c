// SPDX-License-Identifier: GPL-2.0
/*
 * altsctl crl: the signed certificate revocation list. Every change is
 * signed by the root named in the CRL and raises its serial; the daemon
 * refuses a CRL that is unsigned, stale or older than the one it holds.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "altsctl.h"
#include "cert.h"

#define DEFAULT_NEXT	(7 * 86400ULL)
#define MAX_NEXT	(90 * 86400ULL)

struct crl_opts {
	const char *root_key, *roots, *issuer, *crl, *next;
};

static void usage(void)
{
	fprintf(stderr,
		"Usage: %s crl <command> [options]\n"
		"  create --root-key ROOT.key --roots ROOTS --issuer NAME --crl CRL\n"
		"      [--next-update DURATION]\n"
		"      a new, empty CRL (serial 1) signed by root NAME\n"
		"  add --root-key ROOT.key --roots ROOTS --crl CRL [--next-update DURATION] ID...\n"
		"      revokes the IDs; the serial goes up by one\n"
		"  renew --root-key ROOT.key --roots ROOTS --crl CRL [--next-update DURATION]\n"
		"      the same list with a new next-update time and the next serial\n"
		"  list --roots ROOTS --crl CRL\n"
		"      checks the signature and prints the CRL\n"
		"ID is a revocation ID as printed (0x and 16 hex digits). DURATION (default\n"
		"7d, at most 90d) is how long daemons accept this CRL: renew it before then.\n",
		prog);
}

static int parse_opts(int argc, char **argv, struct crl_opts *o)
{
	static const struct option lo[] = {
		{ "root-key", 1, 0, 'R' }, { "roots", 1, 0, 'T' }, { "issuer", 1, 0, 'I' },
		{ "crl", 1, 0, 'c' }, { "next-update", 1, 0, 'n' }, { "help", 0, 0, 'h' }, { 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case 'R': o->root_key = optarg; break;
		case 'T': o->roots = optarg; break;
		case 'I': o->issuer = optarg; break;
		case 'c': o->crl = optarg; break;
		case 'n': o->next = optarg; break;
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

/* The CRL at path, its signature checked against the roots file. */
static int read_crl(const char *path, const char *roots_path, struct alts_crl *crl)
{
	struct alts_creds *roots = load_roots_or_complain(roots_path);
	char err[512] = "", *text;
	uint8_t *buf;
	size_t len;
	int ret;

	if (!roots)
		return -1;
	ret = alts_read_file_kind(path, ALTS_FILE_TRUST, &buf, &len, 1 << 20, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", path, err[0] ? err : strerror(-ret));
		alts_creds_free(roots);
		return -1;
	}
	text = (char *)buf;
	ret = alts_crl_parse(path, text, len, roots, crl, err, sizeof(err));
	if (ret)
		fprintf(stderr, "%s\n", err);
	free(buf);
	alts_creds_free(roots);
	return ret ? -1 : 0;
}

static int sign_and_write(const char *root_key, const char *roots, struct alts_crl *crl,
			  const char *next, const char *path, bool create)
{
	uint64_t now = (uint64_t)time(NULL), life = DEFAULT_NEXT;
	uint8_t seed[32];
	char *text = NULL;
	size_t len;
	int ret = -1, err;

	if (next && !parse_lifetime(next, &life))
		return -1;
	if (life > MAX_NEXT) {
		fprintf(stderr, "Invalid next-update `%s': at most 90d\n", next);
		return -1;
	}
	if (read_key_or_complain(root_key, "ed25519", seed))
		return -1;
	if (check_issuer(roots, crl->issuer, seed))
		goto out;
	crl->this_update = now;
	crl->next_update = now + life;
	err = alts_crl_sign(seed, crl, &text, &len);
	if (err) {
		fprintf(stderr, "Cannot sign: %s\n", alts_strerror(err));
		goto out;
	}
	err = create ? alts_write_new_file(path, text, len, 0644) : alts_write_file(path, text, len, 0644);
	if (err == -EEXIST)
		fprintf(stderr, "%s: exists; change it with `%s crl add' or `%s crl renew'\n", path,
			prog, prog);
	else if (err)
		fprintf(stderr, "%s: %s\n", path, strerror(-err));
	else
		ret = 0;
out:
	free(text);
	OPENSSL_cleanse(seed, sizeof(seed));
	return ret;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmd_add(const struct crl_opts *o, int n, char **ids)
{
	struct alts_crl crl;
	uint64_t *all, id;
	size_t k, i;
	int j, ret = -1;

	if (!n) {
		fprintf(stderr, "No revocation ID to add\n");
		return -1;
	}
	/* every argument first: one bad ID and nothing is written */
	for (j = 0; j < n; j++)
		if (!parse_rid_or_complain(ids[j], &id))
			return -1;
	if (read_crl(o->crl, o->roots, &crl))
		return -1;
	all = realloc(crl.ids, (crl.n_ids + (size_t)n) * sizeof(*all));
	if (!all)
		goto out;
	crl.ids = all;
	for (j = 0; j < n; j++) {
		alts_rid_parse(ids[j], &id);
		for (i = 0; i < crl.n_ids && crl.ids[i] != id; i++)
			;
		if (i < crl.n_ids) {
			fprintf(stderr, "%s is already revoked\n", ids[j]);
			continue;
		}
		crl.ids[crl.n_ids++] = id;
	}
	qsort(crl.ids, crl.n_ids, sizeof(*crl.ids), cmp_u64);
	for (i = k = 0; i < crl.n_ids; i++)
		if (!k || crl.ids[i] != crl.ids[k - 1])
			crl.ids[k++] = crl.ids[i];
	crl.n_ids = k;
	crl.serial++;
	ret = sign_and_write(o->root_key, o->roots, &crl, o->next, o->crl, false);
	if (!ret)
		printf("serial %llu, %zu revoked\n", (unsigned long long)crl.serial, crl.n_ids);
out:
	alts_crl_free(&crl);
	return ret;
}

static int cmd_renew(const struct crl_opts *o)
{
	struct alts_crl crl;
	int ret;

	if (read_crl(o->crl, o->roots, &crl))
		return -1;
	crl.serial++;
	ret = sign_and_write(o->root_key, o->roots, &crl, o->next, o->crl, false);
	if (!ret)
		printf("serial %llu, %zu revoked\n", (unsigned long long)crl.serial, crl.n_ids);
	alts_crl_free(&crl);
	return ret;
}

static int cmd_create(const struct crl_opts *o)
{
	struct alts_crl crl = { .serial = 1 };

	if (strlen(o->issuer) > ALTS_MAX_NAME) {
		fprintf(stderr, "Issuer is not a root name: `%s'\n", o->issuer);
		return -1;
	}
	strcpy(crl.issuer, o->issuer);
	return sign_and_write(o->root_key, o->roots, &crl, o->next, o->crl, true);
}

static int cmd_list(const struct crl_opts *o)
{
	struct alts_crl crl;
	char rid[ALTS_RID_STR_LEN];
	size_t i;

	if (read_crl(o->crl, o->roots, &crl))
		return -1;
	printf("kalts CRL signed by root `%s' (signature checked)\n", crl.issuer);
	printf("  %-15s %llu\n", "serial", (unsigned long long)crl.serial);
	print_time("this update", crl.this_update);
	print_time("next update", crl.next_update);
	if ((uint64_t)time(NULL) >= crl.next_update)
		printf("  %-15s daemons refuse it: renew it\n", "STALE");
	for (i = 0; i < crl.n_ids; i++) {
		alts_rid_format(rid, crl.ids[i]);
		printf("  %-15s %s\n", "revoked", rid);
	}
	alts_crl_free(&crl);
	return 0;
}

int crl_main(int argc, char **argv)
{
	struct crl_opts o;
	const char *cmd;
	int rest;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage();
		return argc < 2;
	}
	cmd = argv[1];
	if (parse_opts(argc - 1, argv + 1, &o))
		return 1;
	rest = argc - 1 - optind;
	if (strcmp(cmd, "add") && rest) {
		fprintf(stderr, "Unexpected argument: `%s'\n", argv[optind + 1]);
		return 1;
	}
	if (!strcmp(cmd, "list"))
		return need(o.roots, "roots") || need(o.crl, "crl") || cmd_list(&o) ? 1 : 0;
	if (need(o.root_key, "root-key") || need(o.roots, "roots") || need(o.crl, "crl"))
		return 1;
	if (!strcmp(cmd, "create"))
		return need(o.issuer, "issuer") || cmd_create(&o) ? 1 : 0;
	if (o.issuer) {
		fprintf(stderr, "--issuer is only for create: the CRL names its issuer\n");
		return 1;
	}
	if (!strcmp(cmd, "add"))
		return cmd_add(&o, rest, argv + 1 + optind) ? 1 : 0;
	if (!strcmp(cmd, "renew"))
		return cmd_renew(&o) ? 1 : 0;
	fprintf(stderr, "Invalid crl command: `%s'\n", cmd);
	usage();
	return 1;
}
