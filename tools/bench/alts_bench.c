// SPDX-License-Identifier: GPL-2.0
/*
 * alts_bench - throughput of plain TCP, kTLS and kalts in one run.
 *
 *   alts_bench [MEGABYTES]
 *
 * Each case moves the same number of bytes over a loopback TCP connection
 * (one sending process, one receiving process) and reports MB/s and CPU
 * time per MB of both processes together; the last columns are ratios to
 * plain TCP and to kTLS measured in the same run. kTLS uses TLS 1.3
 * AES-128-GCM, kalts ALTSRP_GCM_AES128_REKEY: the same cipher. Absolute
 * numbers mean little under emulation; the ratios are the result.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/tls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/alts.h>

#ifndef TCP_ULP
#define TCP_ULP 31
#endif
#ifndef SOL_TLS
#define SOL_TLS 282
#endif

enum layer { PLAIN, KTLS, KALTS };
static const char *const layer_names[] = { "tcp", "ktls", "kalts" };

struct result {
	double mbps;
	double cpu_per_mb;	/* ms of CPU (both ends) per MB */
};

static void die(const char *what)
{
	fprintf(stderr, "alts_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void tcp_pair(int *a, int *b)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int ls = socket(AF_INET, SOCK_STREAM, 0);

	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&sa, &len))
		die("listen");
	*a = socket(AF_INET, SOCK_STREAM, 0);
	if (*a < 0 || connect(*a, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	*b = accept(ls, NULL, NULL);
	if (*b < 0)
		die("accept");
	close(ls);
}

static void ktls_key(int fd, int dir)
{
	struct tls12_crypto_info_aes_gcm_128 ci = {
		.info.version = TLS_1_3_VERSION,
		.info.cipher_type = TLS_CIPHER_AES_GCM_128,
	};

	memset(ci.key, 0x42, sizeof(ci.key));
	memset(ci.iv, 0x17, sizeof(ci.iv));
	memset(ci.salt, 0x23, sizeof(ci.salt));
	if (setsockopt(fd, SOL_TLS, dir, &ci, sizeof(ci)))
		die("kTLS keys");
}

static void kalts_key(int fd, int dir, int side)
{
	struct alts_crypto_info ci = {
		.version = ALTS_CRYPTO_INFO_VERSION,
		.record_protocol = ALTSRP_GCM_AES128_REKEY,
		.side = side,
	};

	memset(ci.key, 0x42, ALTS_GCM_AES128_REKEY_KEY_SIZE);
	if (setsockopt(fd, SOL_ALTS, dir, &ci, sizeof(ci)))
		die("kalts keys");
}

static void setup(enum layer layer, int tx, int rx)
{
	if (layer == PLAIN)
		return;
	if (setsockopt(tx, SOL_TCP, TCP_ULP, layer == KTLS ? "tls" : "alts", 5) ||
	    setsockopt(rx, SOL_TCP, TCP_ULP, layer == KTLS ? "tls" : "alts", 5))
		die("TCP_ULP");
	if (layer == KTLS) {
		ktls_key(tx, TLS_TX);
		ktls_key(rx, TLS_RX);
	} else {
		kalts_key(tx, ALTS_TX, ALTS_SIDE_CLIENT);
		kalts_key(rx, ALTS_RX, ALTS_SIDE_SERVER);
	}
}

static double cpu_ms(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The sender: write() in @msg-sized calls, or sendfile() from @file_fd. */
static void send_all(int fd, size_t total, size_t msg, int file_fd)
{
	char *buf = malloc(msg);
	size_t done = 0;

	if (!buf)
		die("malloc");
	memset(buf, 0x5a, msg);
	while (done < total) {
		size_t n = total - done < msg ? total - done : msg;
		ssize_t r;

		if (file_fd >= 0) {
			off_t off = 0;

			r = sendfile(fd, file_fd, &off, n);
		} else {
			r = send(fd, buf, n, 0);
		}
		if (r <= 0)
			die("send");
		done += r;
	}
	free(buf);
}

static struct result run_case(enum layer layer, size_t total, size_t msg, int file_fd)
{
	double t0, t1, cpu0, cpu1;
	size_t got = 0;
	struct result res;
	char *buf;
	pid_t pid;
	int tx, rx;

	tcp_pair(&tx, &rx);
	setup(layer, tx, rx);
	buf = malloc(1 << 20);
	if (!buf)
		die("malloc");

	cpu0 = cpu_ms(RUSAGE_SELF) + cpu_ms(RUSAGE_CHILDREN);
	t0 = now_s();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(rx);
		send_all(tx, total, msg, file_fd);
		close(tx);
		_exit(0);
	}
	close(tx);
	while (got < total) {
		ssize_t r = recv(rx, buf, 1 << 20, 0);

		if (r <= 0)
			die("recv");
		got += r;
	}
	waitpid(pid, NULL, 0);
	t1 = now_s();
	cpu1 = cpu_ms(RUSAGE_SELF) + cpu_ms(RUSAGE_CHILDREN);
	close(rx);
	free(buf);

	res.mbps = total / 1e6 / (t1 - t0);
	res.cpu_per_mb = (cpu1 - cpu0) / (total / 1e6);
	return res;
}

static int make_file(size_t size)
{
	char path[] = "/tmp/alts_bench.XXXXXX";
	char block[65536];
	int fd = mkstemp(path);
	size_t done;

	if (fd < 0)
		die("mkstemp");
	unlink(path);
	memset(block, 0xa5, sizeof(block));
	for (done = 0; done < size; done += sizeof(block))
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block))
			die("write");
	return fd;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 1024, 16384, 1 << 20 };
	size_t total = (argc > 1 ? strtoul(argv[1], NULL, 10) : 32) << 20;
	struct result r[3];
	unsigned int i, l;
	int file_fd;

	printf("# %zu MB per case over loopback, 1 sender + 1 receiver process\n", total >> 20);
	printf("# %-12s %-6s %10s %12s %10s %10s\n", "case", "layer", "MB/s", "CPU ms/MB",
	       "vs tcp", "vs ktls");
	for (i = 0; i <= sizeof(sizes) / sizeof(sizes[0]); i++) {
		bool sendfile_case = i == sizeof(sizes) / sizeof(sizes[0]);
		size_t msg = sendfile_case ? 1 << 20 : sizes[i];
		char name[32];

		file_fd = sendfile_case ? make_file(msg) : -1;
		if (sendfile_case)
			snprintf(name, sizeof(name), "sendfile 1M");
		else
			snprintf(name, sizeof(name), "send %zuK", msg >> 10);
		for (l = PLAIN; l <= KALTS; l++)
			r[l] = run_case(l, total, msg, file_fd);
		for (l = PLAIN; l <= KALTS; l++)
			printf("# %-12s %-6s %10.1f %12.2f %10.2f %10.2f\n", name, layer_names[l],
			       r[l].mbps, r[l].cpu_per_mb, r[l].mbps / r[PLAIN].mbps,
			       r[l].mbps / r[KTLS].mbps);
		if (file_fd >= 0)
			close(file_fd);
	}
	return 0;
}
