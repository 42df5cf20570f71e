// SPDX-License-Identifier: GPL-2.0
/*
 * alts-echo-client: sends standard input to an echo server over ALTS and
 * writes what comes back to standard output.
 *
 *	alts-echo-client [-l LOCAL_ID] (-t SERVER_ID... | -a) HOST PORT
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/socket.h>

#include "common.h"

static const char prog[] = "alts-echo-client";

int main(int argc, char **argv)
{
	struct alts_peer peer;
	struct id_args ids;
	char buf[16384];
	int opt, fd;
	ssize_t n;

	id_args_init(&ids);
	while ((opt = getopt(argc, argv, ID_OPTSTRING)) != -1) {
		if (!id_args_parse(&ids, opt, optarg))
			goto usage;
	}
	if (optind != argc - 2 || (!ids.n_targets && !ids.opts.any_peer))
		goto usage;

	fd = alts_connect(argv[optind], argv[optind + 1], &ids.opts, &peer);
	if (fd < 0) {
		fprintf(stderr, "%s: %s port %s: %s\n", prog, argv[optind], argv[optind + 1],
			alts_errstr(errno));
		return 1;
	}
	print_peer(prog, &peer);

	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		ssize_t back;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("stdin");
			return 1;
		}
		if (send_all(fd, buf, (size_t)n))
			goto err;
		back = read_full(fd, buf, (size_t)n);
		if (back < 0)
			goto err;
		if (back < n) {
			fprintf(stderr, "%s: the server closed the connection\n", prog);
			return 1;
		}
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n || fflush(stdout)) {
			perror("stdout");
			return 1;
		}
	}
	close(fd);
	return 0;

err:
	fprintf(stderr, "%s: %s\n", prog, alts_errstr(errno));
	return 1;

usage:
	fprintf(stderr, "usage: %s [-l LOCAL_ID] (-t SERVER_ID... | -a) HOST PORT\n", prog);
	return 2;
}
