// SPDX-License-Identifier: GPL-2.0
/*
 * alts-file-client: fetches a file from alts-file-server over ALTS and
 * checks its SHA-256 against the one the server sends after the data.
 *
 *	alts-file-client [-l LOCAL_ID] (-t SERVER_ID... | -a) [-o OUT] HOST PORT NAME
 *
 * Writes the file to OUT (default: standard output); exits 1 if anything,
 * the digest included, does not match, and then removes OUT.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "common.h"
#include "file-proto.h"
#include "sha256.h"

static const char prog[] = "alts-file-client";

/* The server's status line, NUL-terminated without its "\n". */
static bool read_line(int fd, char *line, size_t size)
{
	size_t len = 0;

	while (len < size - 1) {
		ssize_t n = recv(fd, line + len, 1, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		if (line[len] == '\n') {
			line[len] = 0;
			return true;
		}
		len++;
	}
	return false;
}

static int write_out(int out, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(out, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void print_digest(const char *what, const uint8_t d[SHA256_LEN])
{
	int i;

	fprintf(stderr, "%s: %s ", prog, what);
	for (i = 0; i < SHA256_LEN; i++)
		fprintf(stderr, "%02x", d[i]);
	fputc('\n', stderr);
}

static int fetch(int fd, const char *name, int out)
{
	uint8_t mine[SHA256_LEN], theirs[SHA256_LEN];
	char line[FILE_LINE_MAX + 8], buf[65536], *end;
	uint64_t size, got = 0;
	struct sha256 s;

	snprintf(line, sizeof(line), "%s\n", name);
	if (send_all(fd, line, strlen(line)))
		goto io_err;
	if (!read_line(fd, line, sizeof(line))) {
		fprintf(stderr, "%s: no answer from the server\n", prog);
		return 1;
	}
	if (strncmp(line, "OK ", 3)) {
		fprintf(stderr, "%s: server: %s\n", prog, line);
		return 1;
	}
	errno = 0;
	size = strtoull(line + 3, &end, 10);
	if (errno || end == line + 3 || *end) {
		fprintf(stderr, "%s: bad answer \"%s\"\n", prog, line);
		return 1;
	}

	sha256_init(&s);
	while (got < size) {
		size_t want = size - got < sizeof(buf) ? (size_t)(size - got) : sizeof(buf);
		ssize_t n = recv(fd, buf, want, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto io_err;
		if (!n) {
			fprintf(stderr, "%s: connection closed after %" PRIu64 " of %" PRIu64
				" bytes\n", prog, got, size);
			return 1;
		}
		sha256_update(&s, buf, (size_t)n);
		if (write_out(out, buf, (size_t)n)) {
			perror("output");
			return 1;
		}
		got += (uint64_t)n;
	}
	sha256_final(&s, mine);
	if (read_full(fd, theirs, sizeof(theirs)) != (ssize_t)sizeof(theirs)) {
		fprintf(stderr, "%s: no digest after the data\n", prog);
		return 1;
	}
	if (memcmp(mine, theirs, sizeof(mine))) {
		print_digest("MISMATCH: received", mine);
		print_digest("MISMATCH: server sent", theirs);
		return 1;
	}
	fprintf(stderr, "%s: %s: %" PRIu64 " bytes\n", prog, name, size);
	print_digest("sha256 verified", mine);
	return 0;

io_err:
	fprintf(stderr, "%s: %s\n", prog, alts_errstr(errno));
	return 1;
}

int main(int argc, char **argv)
{
	const char *out_path = NULL;
	struct alts_peer peer;
	struct id_args ids;
	int opt, fd, out = STDOUT_FILENO, ret;

	id_args_init(&ids);
	while ((opt = getopt(argc, argv, ID_OPTSTRING "o:")) != -1) {
		if (opt == 'o')
			out_path = optarg;
		else if (!id_args_parse(&ids, opt, optarg))
			goto usage;
	}
	if (optind != argc - 3 || (!ids.n_targets && !ids.opts.any_peer))
		goto usage;
	if (strlen(argv[optind + 2]) > FILE_NAME_MAX || strchr(argv[optind + 2], '/')) {
		fprintf(stderr, "%s: NAME is a file name in the server's directory\n", prog);
		return 2;
	}

	fd = alts_connect(argv[optind], argv[optind + 1], &ids.opts, &peer);
	if (fd < 0) {
		fprintf(stderr, "%s: %s port %s: %s\n", prog, argv[optind], argv[optind + 1],
			alts_errstr(errno));
		return 1;
	}
	print_peer(prog, &peer);
	if (out_path) {
		out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out < 0) {
			perror(out_path);
			close(fd);
			return 1;
		}
	}
	ret = fetch(fd, argv[optind + 2], out);
	close(fd);
	if (out_path && close(out)) {
		perror(out_path);
		ret = 1;
	}
	/* no partial or unverified file is left behind */
	if (out_path && ret)
		unlink(out_path);
	return ret;

usage:
	fprintf(stderr, "usage: %s [-l LOCAL_ID] (-t SERVER_ID... | -a) [-o OUT] HOST PORT NAME\n",
		prog);
	return 2;
}
