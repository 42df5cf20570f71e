// SPDX-License-Identifier: GPL-2.0
/*
 * alts-file-server: serves the files of one directory over ALTS; the data
 * goes from the page cache to the socket with sendfile().
 *
 *	alts-file-server [-l LOCAL_ID] [-t CLIENT_ID]... PORT DIR
 *
 * One client at a time, each accepted with alts_accept().
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "common.h"
#include "file-proto.h"
#include "sha256.h"

static const char prog[] = "alts-file-server";

/* The request line, NUL-terminated without its "\n"; false if malformed. */
static bool read_name(int fd, char name[FILE_LINE_MAX])
{
	size_t len = 0;

	for (;;) {
		ssize_t n = recv(fd, name + len, 1, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		if (name[len] == '\n')
			break;
		if (++len == FILE_LINE_MAX - 1)
			return false;
	}
	name[len] = 0;
	return len && strlen(name) == len && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

static void refuse(int fd, const char *why)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "ERR %s\n", why);

	send_all(fd, line, (size_t)n);
}

/* The file's SHA-256, read through its own descriptor offset. */
static int hash_file(int file, off_t size, uint8_t digest[SHA256_LEN])
{
	struct sha256 s;
	char buf[65536];
	off_t off = 0;

	sha256_init(&s);
	while (off < size) {
		ssize_t n = pread(file, buf, sizeof(buf), off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		sha256_update(&s, buf, (size_t)n);
		off += n;
	}
	sha256_final(&s, digest);
	return 0;
}

static void serve(int fd, int dir)
{
	char name[FILE_LINE_MAX], line[64];
	uint8_t digest[SHA256_LEN];
	struct stat st;
	off_t off = 0;
	int file, n;

	if (!read_name(fd, name)) {
		refuse(fd, "bad request");
		return;
	}
	file = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (file < 0) {
		refuse(fd, strerror(errno));
		return;
	}
	if (fstat(file, &st) || !S_ISREG(st.st_mode)) {
		refuse(fd, "not a regular file");
		goto out;
	}
	if (hash_file(file, st.st_size, digest)) {
		refuse(fd, "read error");
		goto out;
	}
	n = snprintf(line, sizeof(line), "OK %" PRIu64 "\n", (uint64_t)st.st_size);
	if (send_all(fd, line, (size_t)n))
		goto err;
	while (off < st.st_size) {
		ssize_t sent = sendfile(fd, file, &off, (size_t)(st.st_size - off));

		if (sent < 0 && errno == EINTR)
			continue;
		if (sent < 0)
			goto err;
		if (!sent) {
			/* the file shrank: the client cannot get what was announced */
			fprintf(stderr, "%s: %s changed while being sent\n", prog, name);
			goto out;
		}
	}
	if (send_all(fd, digest, sizeof(digest)))
		goto err;
	fprintf(stderr, "%s: sent %s, %" PRIu64 " bytes\n", prog, name, (uint64_t)st.st_size);
	goto out;
err:
	fprintf(stderr, "%s: %s: %s\n", prog, name, alts_errstr(errno));
out:
	close(file);
}

int main(int argc, char **argv)
{
	struct alts_peer peer;
	struct id_args ids;
	int opt, lfd, dir;

	id_args_init(&ids);
	while ((opt = getopt(argc, argv, "l:t:")) != -1) {
		if (!id_args_parse(&ids, opt, optarg))
			goto usage;
	}
	if (optind != argc - 2)
		goto usage;
	dir = open(argv[optind + 1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		perror(argv[optind + 1]);
		return 1;
	}
	lfd = listen_on(prog, argv[optind]);
	if (lfd < 0)
		return 1;
	/* sendfile() to a client that went away must fail, not kill us */
	signal(SIGPIPE, SIG_IGN);

	for (;;) {
		int fd = alts_accept(lfd, &ids.opts, &peer);

		if (fd < 0) {
			/* a failed handshake ends that connection only */
			fprintf(stderr, "%s: accept: %s\n", prog, alts_errstr(errno));
			if (errno == EBADF || errno == ENOTSOCK || errno == EINVAL ||
			    errno == ENOENT || errno == ESRCH)
				return 1;
			continue;
		}
		print_peer(prog, &peer);
		serve(fd, dir);
		close(fd);
	}

usage:
	fprintf(stderr, "usage: %s [-l LOCAL_ID] [-t CLIENT_ID]... PORT DIR\n", prog);
	return 2;
}
