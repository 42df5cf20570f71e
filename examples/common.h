/* SPDX-License-Identifier: GPL-2.0 */
/* What the four examples share: identity options, listening, printing, I/O. */
#ifndef EXAMPLES_COMMON_H
#define EXAMPLES_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <alts/alts.h>

/* The -l, -t and -a options, collected into an struct alts_opts. */
struct id_args {
	const char *targets[ALTS_HS_MAX_TARGETS + 1];
	unsigned int n_targets;
	struct alts_opts opts;
};

#define ID_OPTSTRING "l:t:a"

void id_args_init(struct id_args *a);
/* Handles one of -l, -t, -a; false (with a message) if it cannot. */
bool id_args_parse(struct id_args *a, int opt, const char *arg);

/* A listening TCP socket on @port (0: any free one), IPv6 and IPv4 (or
 * IPv4 only); says on stderr which port it got.
 */
int listen_on(const char *prog, const char *port);
/* "peer <identity> as <local>, <record protocol>, ..." on stderr */
void print_peer(const char *prog, const struct alts_peer *peer);

int send_all(int fd, const void *buf, size_t len);
/* Reads until @len bytes or end of stream; returns the count or -1. */
ssize_t read_full(int fd, void *buf, size_t len);

#endif
