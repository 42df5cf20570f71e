// SPDX-License-Identifier: GPL-2.0
/*
 * alts_xfer - move a file over an ALTS-protected TCP connection.
 *
 *   alts_xfer serve PORT KEYFILE OUTFILE       receive one file (server side)
 *   alts_xfer send ADDR PORT KEYFILE INFILE    send a file with sendfile()
 *   alts_xfer capture PORT RAWFILE             plain TCP: store what arrives
 *   alts_xfer inspect RAWFILE INFILE KEYFILE   check a captured stream
 *
 * KEYFILE holds the 44-byte ALTSRP_GCM_AES128_REKEY key both ends share.
 * The live demo (tools/demo) uses it inside a VM.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/alts.h>

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define FRAME_HDR 8
#define TAG_LEN 16

static int fail(const char *what)
{
	fprintf(stderr, "alts_xfer: %s: %s\n", what, strerror(errno));
	return 1;
}

static int read_key(const char *path, uint8_t *key)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, key, ALTS_GCM_AES128_REKEY_KEY_SIZE);
	close(fd);
	if (n != ALTS_GCM_AES128_REKEY_KEY_SIZE) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* TCP_ULP "alts", then both directions keyed. */
static int make_alts(int fd, const char *keyfile, int side)
{
	struct alts_crypto_info info = {
		.version = ALTS_CRYPTO_INFO_VERSION,
		.record_protocol = ALTSRP_GCM_AES128_REKEY,
		.side = side,
	};
	int ret = -1;

	if (read_key(keyfile, info.key))
		goto out;
	if (setsockopt(fd, SOL_TCP, TCP_ULP, "alts", sizeof("alts")))
		goto out;
	if (setsockopt(fd, SOL_ALTS, ALTS_TX, &info, sizeof(info)) ||
	    setsockopt(fd, SOL_ALTS, ALTS_RX, &info, sizeof(info)))
		goto out;
	ret = 0;
out:
	memset(info.key, 0, sizeof(info.key));
	return ret;
}

static int accept_one(const char *port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	int one = 1, ls, fd;

	sa.sin6_port = htons(atoi(port));
	ls = socket(AF_INET6, SOCK_STREAM, 0);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 1))
		return -1;
	fd = accept(ls, NULL, NULL);
	close(ls);
	return fd;
}

/* ADDR is numeric (IPv4 or IPv6): no resolver in a static binary. */
static int connect_to(const char *host, const char *port)
{
	struct sockaddr_storage ss = {};
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	socklen_t len;
	int tries, fd;

	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(atoi(port));
		len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(atoi(port));
		len = sizeof(*sin6);
	} else {
		errno = EINVAL;
		return -1;
	}
	/* The receiver may still be starting: retry for up to 10 s. */
	for (tries = 0; tries < 100; tries++) {
		fd = socket(ss.ss_family, SOCK_STREAM, 0);
		if (fd < 0)
			return -1;
		if (!connect(fd, (struct sockaddr *)&ss, len))
			return fd;
		close(fd);
		usleep(100000);
	}
	return -1;
}

static int copy_fd(int in, int out, long long *total)
{
	char buf[65536];
	ssize_t n;

	*total = 0;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, n) != n)
			return -1;
		*total += n;
	}
	return n < 0 ? -1 : 0;
}

static int cmd_serve(char **argv)
{
	long long total;
	int fd, out;

	fd = accept_one(argv[0]);
	if (fd < 0)
		return fail("accept");
	if (make_alts(fd, argv[1], ALTS_SIDE_SERVER))
		return fail("install keys");
	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (out < 0)
		return fail(argv[2]);
	if (copy_fd(fd, out, &total))
		return fail("receive");
	printf("received %lld bytes over ALTS (ALTSRP_GCM_AES128_REKEY)\n", total);
	close(out);
	close(fd);
	return 0;
}

static int cmd_send(char **argv)
{
	struct stat st;
	off_t off = 0;
	int fd, in;

	fd = connect_to(argv[0], argv[1]);
	if (fd < 0)
		return fail("connect");
	if (make_alts(fd, argv[2], ALTS_SIDE_CLIENT))
		return fail("install keys");
	in = open(argv[3], O_RDONLY);
	if (in < 0 || fstat(in, &st))
		return fail(argv[3]);
	while (off < st.st_size) {
		ssize_t n = sendfile(fd, in, &off, st.st_size - off);

		if (n <= 0)
			return fail("sendfile");
	}
	printf("sent %lld bytes with sendfile()\n", (long long)st.st_size);
	close(in);
	close(fd);
	return 0;
}

static int cmd_capture(char **argv)
{
	long long total;
	int fd, out;

	fd = accept_one(argv[0]);
	if (fd < 0)
		return fail("accept");
	out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (out < 0)
		return fail(argv[1]);
	if (copy_fd(fd, out, &total))
		return fail("capture");
	close(out);
	close(fd);
	return 0;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		return NULL;
	buf = malloc(st.st_size + 1);
	if (!buf || read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	*len = st.st_size;
	return buf;
}

/* A loopback connection whose accepted end is an ALTS server. */
static int keyed_pair(const char *keyfile, int *raw, int *keyed)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int ls = socket(AF_INET, SOCK_STREAM, 0);

	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&sa, &len))
		return -1;
	*keyed = -1;
	*raw = socket(AF_INET, SOCK_STREAM, 0);
	if (*raw < 0 || connect(*raw, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	*keyed = accept(ls, NULL, NULL);
	close(ls);
	if (*keyed < 0)
		return -1;
	return make_alts(*keyed, keyfile, ALTS_SIDE_SERVER);
}

/* Feed @raw to a keyed receiver; return 0 if it yields exactly @plain. */
static int replay(const char *keyfile, const uint8_t *raw, size_t raw_len,
		  const uint8_t *plain, size_t plain_len, int *err)
{
	size_t sent = 0, got = 0;
	uint8_t *buf = malloc(65536);
	int w = -1, r = -1, ret = -1;

	*err = 0;
	if (!buf || keyed_pair(keyfile, &w, &r))
		goto out;
	while (got < plain_len || sent < raw_len) {
		ssize_t n;

		if (sent < raw_len) {
			n = send(w, raw + sent, raw_len - sent > 65536 ? 65536 : raw_len - sent,
				 MSG_DONTWAIT);
			if (n > 0)
				sent += n;
			if (sent == raw_len)
				shutdown(w, SHUT_WR);
		}
		n = recv(r, buf, 65536, sent < raw_len ? MSG_DONTWAIT : 0);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n < 0) {
			*err = errno;
			goto out;
		}
		if (n == 0)
			break;
		if (got + n > plain_len || memcmp(buf, plain + got, n))
			goto out;
		got += n;
	}
	ret = got == plain_len ? 0 : -1;
out:
	free(buf);
	if (w >= 0)
		close(w);
	if (r >= 0)
		close(r);
	return ret;
}

static int cmd_inspect(char **argv)
{
	size_t raw_len, plain_len, off = 0, frames = 0, max_l = 0;
	uint8_t *raw = slurp(argv[0], &raw_len);
	uint8_t *plain = slurp(argv[1], &plain_len);
	size_t probe = 32;
	int err;

	if (!raw || !plain)
		return fail("read capture");

	while (off + FRAME_HDR <= raw_len) {
		uint32_t l = raw[off] | raw[off + 1] << 8 | raw[off + 2] << 16 |
			     (uint32_t)raw[off + 3] << 24;
		uint32_t type = raw[off + 4] | raw[off + 5] << 8 | raw[off + 6] << 16 |
				(uint32_t)raw[off + 7] << 24;

		if (type != 6 || l < 4 + TAG_LEN || off + 4 + l > raw_len)
			break;
		if (l > max_l)
			max_l = l;
		off += 4 + l;
		frames++;
	}
	printf("wire: %zu bytes in %zu frames (largest L = %zu), %s\n", raw_len, frames, max_l,
	       off == raw_len ? "every byte inside a well-formed frame" : "MALFORMED");
	if (off != raw_len || raw_len != plain_len + frames * (FRAME_HDR + TAG_LEN))
		return 1;

	if (plain_len < probe)
		probe = plain_len;
	if (memmem(raw, raw_len, plain, probe)) {
		printf("wire: plaintext visible on the wire\n");
		return 1;
	}
	printf("wire: the file's plaintext does not appear on the wire\n");

	if (replay(argv[2], raw, raw_len, plain, plain_len, &err)) {
		printf("replay: the keyed receiver did not return the file (%s)\n", strerror(err));
		return 1;
	}
	printf("replay: a keyed receiver decrypts the capture back to the file\n");

	raw[raw_len / 2] ^= 0x01;
	if (!replay(argv[2], raw, raw_len, plain, plain_len, &err) || err != EBADMSG) {
		printf("tamper: a flipped bit was not reported as EBADMSG (%s)\n", strerror(err));
		return 1;
	}
	printf("tamper: one flipped bit mid-stream -> recv() fails with EBADMSG, "
	       "nothing unauthenticated delivered\n");
	free(raw);
	free(plain);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int args;
		int (*fn)(char **argv);
	} cmds[] = {
		{ "serve", 3, cmd_serve },
		{ "send", 4, cmd_send },
		{ "capture", 2, cmd_capture },
		{ "inspect", 3, cmd_inspect },
	};
	size_t i;

	for (i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name) && argc == cmds[i].args + 2)
			return cmds[i].fn(argv + 2);
	fprintf(stderr, "usage: alts_xfer serve PORT KEYFILE OUTFILE\n"
			"       alts_xfer send ADDR PORT KEYFILE INFILE\n"
			"       alts_xfer capture PORT RAWFILE\n"
			"       alts_xfer inspect RAWFILE INFILE KEYFILE\n");
	return 2;
}
