// SPDX-License-Identifier: GPL-2.0
/*
 * alts-echo-server: sends back whatever each client sends, over ALTS.
 *
 *	alts-echo-server [-l LOCAL_ID] [-t CLIENT_ID]... PORT
 *
 * Accepts plain TCP connections and runs the handshake on each in its own
 * process with alts_handshake(), so a slow client does not hold up others.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>

#include "common.h"

static const char prog[] = "alts-echo-server";

static int serve(int fd, const struct alts_opts *opts)
{
	struct alts_peer peer;
	char buf[16384];
	ssize_t n;

	if (alts_handshake(fd, ALTS_ROLE_SERVER, opts) || alts_peer_info(fd, &peer)) {
		fprintf(stderr, "%s: handshake: %s\n", prog, alts_errstr(errno));
		return 1;
	}
	print_peer(prog, &peer);
	while ((n = recv(fd, buf, sizeof(buf), 0)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || send_all(fd, buf, (size_t)n)) {
			fprintf(stderr, "%s: %s\n", prog, alts_errstr(errno));
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct id_args ids;
	int opt, lfd;

	id_args_init(&ids);
	while ((opt = getopt(argc, argv, "l:t:")) != -1) {
		if (!id_args_parse(&ids, opt, optarg))
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	lfd = listen_on(prog, argv[optind]);
	if (lfd < 0)
		return 1;
	/* children are not waited for */
	signal(SIGCHLD, SIG_IGN);

	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		pid_t pid;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("accept");
			return 1;
		}
		pid = fork();
		if (!pid) {
			close(lfd);
			_exit(serve(fd, &ids.opts));
		}
		if (pid < 0)
			perror("fork");
		close(fd);
	}

usage:
	fprintf(stderr, "usage: %s [-l LOCAL_ID] [-t CLIENT_ID]... PORT\n", prog);
	return 2;
}
