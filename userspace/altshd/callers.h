/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who may ask altshd for a handshake, and for what: the caller policy.
 * Callers are identified by uid and gid (SO_PEERCRED on the local
 * interface); the decision does not depend on how the request arrived.
 *
 * File (CONFDIR/callers), one rule per line, '#' starts a comment:
 *
 *	WHO  ROLES  LOCAL  TARGETS  PROTOCOLS  KEY
 *
 * WHO        "*", "uid:N", "gid:N", "user:NAME" or "group:NAME"
 * ROLES      "client", "server", "client,server" or "none"
 * LOCAL      fnmatch(3) patterns, comma separated, for the local identity
 * TARGETS    patterns every requested target identity must match; a request
 *            naming none (any peer) needs a "*" pattern
 * PROTOCOLS  record protocol names (ALTSRP_GCM_AES128, ...) or "*"
 * KEY        "return" (the caller may ask for the session key) or
 *            "install" (keys only ever go to the kernel)
 *
 * The first rule whose WHO matches decides; a caller no rule names is
 * refused. Without a file the policy is
 *
 *	uid:0  client,server  *  *  *  return
 *	*      client,server  *  *  *  install
 */
#ifndef KALTS_ALTSHD_CALLERS_H
#define KALTS_ALTSHD_CALLERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alts_hs.h"

#define CALLERS_MAX_RULES	256
#define CALLERS_MAX_FILE	(256 * 1024)

struct caller_rule {
	enum { CALLER_ANY, CALLER_UID, CALLER_GID } who;
	uint32_t id;
	unsigned int roles;		/* bit (1 << enum alts_role) */
	char *local;			/* comma-separated patterns */
	char *targets;
	unsigned int protocols;		/* bit (1 << enum alts_rp) */
	bool key_return;
	unsigned int line;
};

struct callers {
	size_t n_rules;
	struct caller_rule rules[];
};

/* What a caller asks for. */
struct caller_request {
	enum alts_role role;
	const char *local_identity;
	const char *const *targets;
	size_t n_targets;
	const enum alts_rp *protocols;	/* none: whatever the rule allows */
	size_t n_protocols;
	bool return_key;
};

struct caller_decision {
	bool allowed;
	unsigned int protocols;		/* those the caller may use (bit (1 << rp)) */
	unsigned int line;		/* of the deciding rule; 0 for the built-in policy */
	char why[160];			/* when refused */
};

/*
 * Loads @path; a missing file gives the built-in policy above. The file
 * must be a regular file (not a symlink) that neither group nor others
 * can write. 0, or -errno with the reason (and line) in @err.
 */
int callers_load(struct callers **out, const char *path, char *err, size_t len);
struct callers *callers_builtin(void);
void callers_free(struct callers *c);

/* Decides a request from (@uid, @gid); never fails open. */
void callers_decide(const struct callers *c, uint32_t uid, uint32_t gid,
		    const struct caller_request *req, struct caller_decision *out);

#endif /* KALTS_ALTSHD_CALLERS_H */
