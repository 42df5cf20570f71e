// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common.h"

void id_args_init(struct id_args *a)
{
	memset(a, 0, sizeof(*a));
	a->opts.target_identities = a->targets;
}

bool id_args_parse(struct id_args *a, int opt, const char *arg)
{
	switch (opt) {
	case 'l':
		a->opts.local_identity = arg;
		return true;
	case 'a':
		a->opts.any_peer = true;
		return true;
	case 't':
		if (a->n_targets == ALTS_HS_MAX_TARGETS) {
			fprintf(stderr, "at most %d -t identities\n", ALTS_HS_MAX_TARGETS);
			return false;
		}
		a->targets[a->n_targets++] = arg;
		return true;
	default:
		return false;
	}
}

int listen_on(const char *prog, const char *port)
{
	const struct addrinfo hints = {
		.ai_family = AF_INET6,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_PASSIVE,
	};
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct addrinfo *ai;
	int fd, one = 1, zero = 0, err;

	err = getaddrinfo(NULL, port, &hints, &ai);
	if (err) {
		fprintf(stderr, "port %s: %s\n", port, gai_strerror(err));
		return -1;
	}
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	} else if (errno == EAFNOSUPPORT) {
		/* no IPv6 in this kernel: the same port on IPv4 */
		struct sockaddr_in *sin = (struct sockaddr_in *)ai->ai_addr;
		in_port_t p = ((struct sockaddr_in6 *)ai->ai_addr)->sin6_port;

		memset(sin, 0, sizeof(*sin));
		sin->sin_family = AF_INET;
		sin->sin_port = p;
		ai->ai_addrlen = sizeof(*sin);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	}
	if (fd < 0) {
		perror("socket");
		goto out;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len)) {
		fprintf(stderr, "port %s: %s\n", port, strerror(errno));
		close(fd);
		fd = -1;
		goto out;
	}
	/* sin_port and sin6_port are at the same place */
	fprintf(stderr, "%s: listening on port %u\n", prog,
		ntohs(((struct sockaddr_in *)&ss)->sin_port));
out:
	freeaddrinfo(ai);
	return fd;
}

void print_peer(const char *prog, const struct alts_peer *peer)
{
	const char *rp = alts_record_protocol_name(peer->record_protocol);

	fprintf(stderr, "%s: peer \"%s\" verified; local \"%s\"; %s (%s)%s%s%s%s\n", prog,
		peer->peer_identity, peer->local_identity, rp ? rp : "unknown record protocol",
		peer->security_level == ALTS_SECURITY_INTEGRITY_ONLY ? "integrity only" :
		"integrity and privacy",
		peer->pfs ? ", forward secrecy" : "", peer->resumed ? ", resumed" : "",
		peer->app_protocol[0] ? ", application protocol " : "", peer->app_protocol);
}

int send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}
