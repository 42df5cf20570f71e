// SPDX-License-Identifier: GPL-2.0
/*
 * altsctl policy: the issuer policy file, one rule a line ("ISSUER
 * CATEGORY[,CATEGORY]|* IDENTITY-GLOB"). Rules are checked as the daemon
 * reads them before anything is written; other lines are kept as they are.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altsctl.h"
#include "cert.h"

struct policy_opts {
	const char *policy, *roots, *issuer, *categories, *identity;
};

static void usage(void)
{
	fprintf(stderr,
		"Usage: %s policy <command> [options]\n"
		"  add --policy POLICY --issuer NAME|'*' --categories CATEGORY[,CATEGORY]|'*'\n"
		"      --identity PATTERN [--roots ROOTS]\n"
		"      allows root NAME to vouch for identities matching PATTERN (fnmatch)\n"
		"      of those categories; a NAME other than * must be a root in ROOTS\n"
		"  remove --policy POLICY --issuer NAME|'*' --categories ... --identity PATTERN\n"
		"      removes exactly that rule\n"
		"  list --policy POLICY\n"
		"CATEGORY is human, machine or workload. Without any rule nothing is allowed.\n",
		prog);
}

static int parse_opts(int argc, char **argv, struct policy_opts *o)
{
	static const struct option lo[] = {
		{ "policy", 1, 0, 'p' }, { "roots", 1, 0, 'T' }, { "issuer", 1, 0, 'I' },
		{ "categories", 1, 0, 'c' }, { "identity", 1, 0, 'i' }, { "help", 0, 0, 'h' },
		{ 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case 'p': o->policy = optarg; break;
		case 'T': o->roots = optarg; break;
		case 'I': o->issuer = optarg; break;
		case 'c': o->categories = optarg; break;
		case 'i': o->identity = optarg; break;
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

static void format_cats(char *out, size_t len, unsigned int mask)
{
	int c;

	out[0] = 0;
	if (mask == ALTS_POLICY_ALL_CATS) {
		snprintf(out, len, "*");
		return;
	}
	for (c = ALTS_CAT_HUMAN; c <= ALTS_CAT_WORKLOAD; c++)
		if (mask & (1u << c))
			snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? "," : "",
				 alts_category_name(c));
}

static bool same_rule(const struct alts_policy_rule *a, const struct alts_policy_rule *b)
{
	return !strcmp(a->issuer, b->issuer) && a->categories == b->categories &&
	       !strcmp(a->pattern, b->pattern);
}

/* The rule the options describe, refused loudly if the daemon would not read it. */
static int rule_from_opts(const struct policy_opts *o, struct alts_policy_rule *r)
{
	char line[1200];
	int ret;

	if (need(o->issuer, "issuer") || need(o->categories, "categories") ||
	    need(o->identity, "identity"))
		return -1;
	if (strpbrk(o->issuer, " \t\r\n#") || strpbrk(o->categories, " \t\r\n#") ||
	    strpbrk(o->identity, " \t\r\n#")) {
		fprintf(stderr, "Issuer, categories and identity pattern may not contain blanks or `#'\n");
		return -1;
	}
	snprintf(line, sizeof(line), "%s %s %s", o->issuer, o->categories, o->identity);
	ret = alts_policy_parse_line(line, r);
	if (ret) {
		fprintf(stderr, "Not a rule: issuer `%s', categories `%s' (human, machine, workload "
			"or *), identity pattern `%s'\n", o->issuer, o->categories, o->identity);
		return -1;
	}
	return 0;
}

/* The whole file, every rule checked; a missing file is an empty policy. */
static int read_policy(const char *path, char **text, bool missing_ok)
{
	char why[256] = "", *copy, *line, *cur;
	uint8_t *buf;
	size_t len;
	int ret, lineno = 0;

	ret = alts_read_file_kind(path, ALTS_FILE_TRUST, &buf, &len, 1 << 20, why, sizeof(why));
	if (ret == -ENOENT && missing_ok) {
		*text = strdup("");
		return *text ? 0 : -1;
	}
	if (ret) {
		fprintf(stderr, "%s: %s\n", path, why[0] ? why : strerror(-ret));
		return -1;
	}
	if (memchr(buf, 0, len)) {
		fprintf(stderr, "%s: contains a NUL byte\n", path);
		free(buf);
		return -1;
	}
	copy = strdup((char *)buf);
	for (cur = copy; copy && (line = strsep(&cur, "\n"));) {
		struct alts_policy_rule r;
		char *hash = strchr(line, '#');

		lineno++;
		if (hash)
			*hash = 0;
		if (alts_policy_parse_line(line, &r) < 0) {
			fprintf(stderr, "%s:%d: expected `ISSUER CATEGORY[,CATEGORY] IDENTITY-PATTERN'\n",
				path, lineno);
			free(copy);
			free(buf);
			return -1;
		}
	}
	free(copy);
	*text = (char *)buf;
	return 0;
}

/* Calls fn for each line; a rule line comes with its parsed rule. */
static void each_line(char *text, void (*fn)(void *ctx, const char *line,
					     const struct alts_policy_rule *r), void *ctx)
{
	char *cur = text, *line;

	while ((line = strsep(&cur, "\n"))) {
		struct alts_policy_rule r;
		char parsed[1200], *hash;

		if (!cur && !*line)
			break;
		snprintf(parsed, sizeof(parsed), "%s", line);
		hash = strchr(parsed, '#');
		if (hash)
			*hash = 0;
		fn(ctx, line, alts_policy_parse_line(parsed, &r) ? NULL : &r);
	}
}

struct edit {
	const struct alts_policy_rule *rule;
	char *out;
	size_t len, cap;
	int matches, n;
	bool drop;
};

static void edit_line(void *ctx, const char *line, const struct alts_policy_rule *r)
{
	struct edit *e = ctx;
	size_t n = strlen(line);

	if (r && same_rule(r, e->rule)) {
		e->matches++;
		if (e->drop)
			return;
	}
	if (e->len + n + 2 > e->cap)
		return;
	memcpy(e->out + e->len, line, n);
	e->len += n;
	e->out[e->len++] = '\n';
}

static void list_line(void *ctx, const char *line, const struct alts_policy_rule *r)
{
	struct edit *e = ctx;
	char cats[64];

	(void)line;
	if (!r)
		return;
	format_cats(cats, sizeof(cats), r->categories);
	printf("%3d  %s %s %s\n", ++e->n, r->issuer, cats, r->pattern);
}

static int write_policy(const char *path, struct edit *e)
{
	int ret = alts_write_file(path, e->out, e->len, 0644);

	if (ret)
		fprintf(stderr, "%s: %s\n", path, strerror(-ret));
	return ret ? -1 : 0;
}

static int cmd_edit(const struct policy_opts *o, bool add)
{
	struct alts_policy_rule r;
	struct edit e = { .rule = &r, .drop = !add };
	struct alts_creds *roots;
	char *text, cats[64];
	size_t i;
	int ret = -1;

	if (rule_from_opts(o, &r))
		return -1;
	if (add && strcmp(r.issuer, "*")) {
		if (!o->roots) {
			fprintf(stderr, "Missing --roots (to check that `%s' is a root)\n", r.issuer);
			return -1;
		}
		roots = load_roots_or_complain(o->roots);
		if (!roots)
			return -1;
		for (i = 0; i < roots->n_roots && strcmp(roots->roots[i].name, r.issuer); i++)
			;
		ret = i < roots->n_roots ? 0 : -1;
		alts_creds_free(roots);
		if (ret) {
			fprintf(stderr, "Issuer `%s' is not a root in %s\n", r.issuer, o->roots);
			return -1;
		}
	}
	if (read_policy(o->policy, &text, add))
		return -1;
	e.cap = strlen(text) + sizeof(r) + 64;
	e.out = malloc(e.cap);
	if (!e.out) {
		free(text);
		return -1;
	}
	each_line(text, edit_line, &e);
	free(text);
	format_cats(cats, sizeof(cats), r.categories);
	ret = -1;
	if (add && e.matches) {
		printf("already allowed: %s %s %s\n", r.issuer, cats, r.pattern);
		ret = 0;
	} else if (!add && !e.matches) {
		fprintf(stderr, "No rule `%s %s %s' in %s\n", r.issuer, cats, r.pattern, o->policy);
	} else {
		if (add)
			e.len += (size_t)snprintf(e.out + e.len, e.cap - e.len, "%s %s %s\n",
						  r.issuer, cats, r.pattern);
		ret = write_policy(o->policy, &e);
	}
	free(e.out);
	return ret;
}

static int cmd_list(const struct policy_opts *o)
{
	struct edit e = { 0 };
	char *text;

	if (read_policy(o->policy, &text, false))
		return -1;
	each_line(text, list_line, &e);
	if (!e.n)
		printf("no rules: every peer certificate is refused\n");
	free(text);
	return 0;
}

int policy_main(int argc, char **argv)
{
	struct policy_opts o;
	const char *cmd;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage();
		return argc < 2;
	}
	cmd = argv[1];
	if (parse_opts(argc - 1, argv + 1, &o))
		return 1;
	if (optind != argc - 1) {
		fprintf(stderr, "Unexpected argument: `%s'\n", argv[optind + 1]);
		return 1;
	}
	if (need(o.policy, "policy"))
		return 1;
	if (!strcmp(cmd, "add"))
		return cmd_edit(&o, true) ? 1 : 0;
	if (!strcmp(cmd, "remove"))
		return cmd_edit(&o, false) ? 1 : 0;
	if (!strcmp(cmd, "list"))
		return cmd_list(&o) ? 1 : 0;
	fprintf(stderr, "Invalid policy command: `%s'\n", cmd);
	usage();
	return 1;
}
