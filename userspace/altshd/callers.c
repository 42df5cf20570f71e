// SPDX-License-Identifier: GPL-2.0
/* The caller policy: parsing CONFDIR/callers and deciding requests (callers.h). */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "callers.h"

#define ALL_PROTOCOLS	((1u << ALTS_RP_GCM_AES128) | (1u << ALTS_RP_GCM_AES128_REKEY) | \
			 (1u << ALTS_RP_GMAC_128))
#define BOTH_ROLES	((1u << ALTS_CLIENT) | (1u << ALTS_SERVER))

void callers_free(struct callers *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n_rules; i++) {
		free(c->rules[i].local);
		free(c->rules[i].targets);
	}
	free(c);
}

static struct callers *callers_new(size_t n)
{
	return calloc(1, sizeof(struct callers) + n * sizeof(struct caller_rule));
}

static bool add_rule(struct callers *c, const struct caller_rule *r, const char *local,
		     const char *targets)
{
	struct caller_rule *n = &c->rules[c->n_rules];

	*n = *r;
	n->local = strdup(local);
	n->targets = strdup(targets);
	if (!n->local || !n->targets) {
		free(n->local);
		free(n->targets);
		return false;
	}
	c->n_rules++;
	return true;
}

struct callers *callers_builtin(void)
{
	struct caller_rule root = { .who = CALLER_UID, .id = 0, .roles = BOTH_ROLES,
				    .protocols = ALL_PROTOCOLS, .key_return = true };
	struct caller_rule others = { .who = CALLER_ANY, .roles = BOTH_ROLES,
				      .protocols = ALL_PROTOCOLS };
	struct callers *c = callers_new(2);

	if (!c || !add_rule(c, &root, "*", "*") || !add_rule(c, &others, "*", "*")) {
		callers_free(c);
		return NULL;
	}
	return c;
}

static bool parse_id(const char *s, uint32_t *id)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT32_MAX - 1)
		return false;
	*id = (uint32_t)v;
	return true;
}

static const char *parse_who(struct caller_rule *r, const char *s)
{
	if (!strcmp(s, "*")) {
		r->who = CALLER_ANY;
	} else if (!strncmp(s, "uid:", 4)) {
		r->who = CALLER_UID;
		if (!parse_id(s + 4, &r->id))
			return "bad uid";
	} else if (!strncmp(s, "gid:", 4)) {
		r->who = CALLER_GID;
		if (!parse_id(s + 4, &r->id))
			return "bad gid";
	} else if (!strncmp(s, "user:", 5)) {
		struct passwd *pw = getpwnam(s + 5);

		if (!pw)
			return "no such user";
		r->who = CALLER_UID;
		r->id = pw->pw_uid;
	} else if (!strncmp(s, "group:", 6)) {
		struct group *gr = getgrnam(s + 6);

		if (!gr)
			return "no such group";
		r->who = CALLER_GID;
		r->id = gr->gr_gid;
	} else {
		return "WHO must be *, uid:N, gid:N, user:NAME or group:NAME";
	}
	return NULL;
}

/* A comma-separated list without empty elements (strtok would skip them). */
static bool list_ok(const char *s)
{
	size_t l = strlen(s);

	return l && s[0] != ',' && s[l - 1] != ',' && !strstr(s, ",,");
}

static const char *parse_roles(struct caller_rule *r, char *s)
{
	char *save, *t;

	r->roles = 0;
	if (!strcmp(s, "none"))
		return NULL;
	if (!list_ok(s))
		return "empty role";
	for (t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "client"))
			r->roles |= 1u << ALTS_CLIENT;
		else if (!strcmp(t, "server"))
			r->roles |= 1u << ALTS_SERVER;
		else
			return "ROLES must be client, server, both (comma separated) or none";
	}
	return r->roles ? NULL : "no role";
}

static const char *parse_protocols(struct caller_rule *r, char *s)
{
	char *save, *t;

	r->protocols = 0;
	if (!strcmp(s, "*")) {
		r->protocols = ALL_PROTOCOLS;
		return NULL;
	}
	if (!list_ok(s))
		return "empty record protocol";
	for (t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		enum alts_rp rp = alts_rp_from_name(t);

		if (rp == ALTS_RP_UNSPEC)
			return "unknown record protocol";
		r->protocols |= 1u << rp;
	}
	return r->protocols ? NULL : "no record protocol";
}

static const char *parse_patterns(const char *s)
{
	size_t n = 0;
	const char *p;

	if (!list_ok(s))
		return "empty identity pattern";
	for (p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "control character in a pattern";
		if (*p == ',')
			n = 0;
		else if (++n > ALTS_MAX_IDENTITY)
			return "identity pattern too long";
	}
	return NULL;
}

static const char *parse_line(struct callers *c, char *line, unsigned int lineno)
{
	char *f[7], *save = NULL;
	struct caller_rule r = { .line = lineno };
	const char *e;
	size_t n;

	line[strcspn(line, "#")] = 0;
	for (n = 0; n < 7; n++) {
		f[n] = strtok_r(n ? NULL : line, " \t\r", &save);
		if (!f[n])
			break;
	}
	if (n == 0)
		return NULL;
	if (n != 6)
		return "want WHO ROLES LOCAL TARGETS PROTOCOLS KEY";
	if (c->n_rules == CALLERS_MAX_RULES)
		return "too many rules";
	if ((e = parse_who(&r, f[0])) || (e = parse_roles(&r, f[1])) ||
	    (e = parse_patterns(f[2])) || (e = parse_patterns(f[3])) ||
	    (e = parse_protocols(&r, f[4])))
		return e;
	if (!strcmp(f[5], "return"))
		r.key_return = true;
	else if (strcmp(f[5], "install"))
		return "KEY must be return or install";
	return add_rule(c, &r, f[2], f[3]) ? NULL : "out of memory";
}

/* Reads a trust file: a regular file, not a symlink, nobody but its owner may write. */
static int read_policy_file(const char *path, char **out, char *err, size_t len)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd, ret = 0;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (st.st_mode & (S_IWGRP | S_IWOTH)) ||
	    st.st_size > CALLERS_MAX_FILE) {
		snprintf(err, len, "%s: must be a regular file of at most %d bytes that only its "
			 "owner can write", path, CALLERS_MAX_FILE);
		close(fd);
		return -EPERM;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, buf, (size_t)st.st_size);
	if (n != st.st_size || memchr(buf, 0, (size_t)n)) {
		snprintf(err, len, "%s: short read or NUL byte", path);
		free(buf);
		ret = -EIO;
	} else {
		buf[n] = 0;
		*out = buf;
	}
	close(fd);
	return ret;
}

int callers_load(struct callers **out, const char *path, char *err, size_t len)
{
	struct callers *c;
	char *buf, *line, *next;
	unsigned int lineno = 0;
	int ret;

	*out = NULL;
	ret = read_policy_file(path, &buf, err, len);
	if (ret == -ENOENT) {
		*out = callers_builtin();
		return *out ? 0 : -ENOMEM;
	}
	if (ret)
		return ret;
	c = callers_new(CALLERS_MAX_RULES);
	if (!c) {
		free(buf);
		return -ENOMEM;
	}
	for (line = buf; line; line = next) {
		const char *e;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		e = parse_line(c, line, lineno);
		if (e) {
			snprintf(err, len, "%s:%u: %s", path, lineno, e);
			callers_free(c);
			free(buf);
			return -EINVAL;
		}
	}
	free(buf);
	*out = c;
	return 0;
}

static bool who_matches(const struct caller_rule *r, uint32_t uid, uint32_t gid)
{
	switch (r->who) {
	case CALLER_ANY:
		return true;
	case CALLER_UID:
		return r->id == uid;
	case CALLER_GID:
		return r->id == gid;
	}
	return false;
}

/* Whether @name matches one of the comma-separated @patterns. */
static bool pattern_matches(const char *patterns, const char *name)
{
	char one[ALTS_MAX_IDENTITY + 1];
	const char *p = patterns;

	while (*p) {
		size_t l = strcspn(p, ",");

		if (l < sizeof(one)) {
			memcpy(one, p, l);
			one[l] = 0;
			if (!fnmatch(one, name, 0))
				return true;
		}
		p += l + (p[l] == ',');
	}
	return false;
}

/* A request naming no target accepts any peer: only a bare "*" pattern allows that. */
static bool allows_any_peer(const char *patterns)
{
	const char *p = patterns;

	while (*p) {
		size_t l = strcspn(p, ",");

		if (l == 1 && *p == '*')
			return true;
		p += l + (p[l] == ',');
	}
	return false;
}

/* NULL if @r allows @req, else why not. */
static const char *check_rule(const struct caller_rule *r, const struct caller_request *req)
{
	size_t i;

	if ((unsigned int)req->role > ALTS_SERVER || !(r->roles & (1u << req->role)))
		return "role not allowed";
	if (!req->local_identity || !pattern_matches(r->local, req->local_identity))
		return "local identity not allowed";
	if (!req->n_targets && !allows_any_peer(r->targets))
		return "must name its target identities";
	for (i = 0; i < req->n_targets; i++)
		if (!pattern_matches(r->targets, req->targets[i]))
			return "target identity not allowed";
	for (i = 0; i < req->n_protocols; i++)
		if ((unsigned int)req->protocols[i] > 31 ||
		    !(r->protocols & (1u << req->protocols[i])))
			return "record protocol not allowed";
	if (req->return_key && !r->key_return)
		return "may not have the session key returned";
	return NULL;
}

void callers_decide(const struct callers *c, uint32_t uid, uint32_t gid,
		    const struct caller_request *req, struct caller_decision *out)
{
	const struct caller_rule *r = NULL;
	const char *why = "no rule for this caller";
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; c && i < c->n_rules && !r; i++)
		if (who_matches(&c->rules[i], uid, gid))
			r = &c->rules[i];
	if (r) {
		out->line = r->line;
		why = check_rule(r, req);
	}
	if (why) {
		snprintf(out->why, sizeof(out->why), "%s", why);
		return;
	}
	out->allowed = true;
	out->protocols = r->protocols;
}
