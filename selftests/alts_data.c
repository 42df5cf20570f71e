// SPDX-License-Identifier: GPL-2.0
/*
 * alts_data - data path of an ALTS socket pair: send and receive shapes,
 * peek, splice, sendfile, poll, blocking and shutdown, for IPv4 and IPv6
 * and each record protocol. The counterpart of the kTLS selftest "tls"
 * fixture: TX keys on the client, RX keys on the server. Many processes
 * on one socket are in alts_multiproc.
 */
#include <pthread.h>
#include <sys/sendfile.h>
#include <sys/uio.h>

#include "alts_fixture.h"

#define PAYLOAD_MAX	ALTS_PAYLOAD_MAX	/* one full frame */
#define BIG		16384			/* spans two frames */

/* A temporary file of @size pattern bytes, or -1. */
static int pattern_file(size_t size, uint8_t seed)
{
	char name[] = "/tmp/alts_data.XXXXXX";
	char buf[4096];
	size_t off = 0;
	int fd = mkstemp(name);

	if (fd < 0)
		return -1;
	unlink(name);
	while (off < size) {
		size_t n = size - off < sizeof(buf) ? size - off : sizeof(buf);

		fill_pattern(buf, n, off, seed);
		if (write(fd, buf, n) != (ssize_t)n) {
			close(fd);
			return -1;
		}
		off += n;
	}
	return fd;
}

TEST_F(alts, sendfile)
{
	const size_t size = 65536;
	uint8_t *buf = malloc(size);
	int filefd = pattern_file(size, 3);
	off_t off = 0;

	ASSERT_GE(filefd, 0);
	ASSERT_NE(buf, NULL);
	EXPECT_EQ(sendfile(self->fd, filefd, &off, size), (ssize_t)size);
	EXPECT_EQ(recv(self->cfd, buf, size, MSG_WAITALL), (ssize_t)size);
	EXPECT_TRUE(check_pattern(buf, size, 0, 3));
	close(filefd);
	free(buf);
}

TEST_F(alts, send_then_sendfile)
{
	const char *test_str = "test_send";
	const size_t size = 200000;
	int to_send = strlen(test_str) + 1;
	char recv_buf[10];
	uint8_t *buf = malloc(size);
	int filefd = pattern_file(size, 9);
	off_t off = 0;

	ASSERT_GE(filefd, 0);
	ASSERT_NE(buf, NULL);
	EXPECT_EQ(send(self->fd, test_str, to_send, 0), to_send);
	EXPECT_EQ(recv(self->cfd, recv_buf, to_send, MSG_WAITALL), to_send);
	EXPECT_EQ(memcmp(test_str, recv_buf, to_send), 0);

	EXPECT_EQ(sendfile(self->fd, filefd, &off, size), (ssize_t)size);
	EXPECT_EQ(recv(self->cfd, buf, size, MSG_WAITALL), (ssize_t)size);
	EXPECT_TRUE(check_pattern(buf, size, 0, 9));
	close(filefd);
	free(buf);
}

static void chunked_sendfile(struct __test_metadata *_metadata,
			     FIXTURE_DATA(alts) *self, size_t chunk_size,
			     size_t extra_payload_size)
{
	size_t size = chunk_size + extra_payload_size;
	uint8_t buf[BIG];
	int fd = pattern_file(size, (uint8_t)chunk_size);
	off_t offset = 0;
	size_t left = size;

	ASSERT_GE(fd, 0);
	ASSERT_GE(sizeof(buf), size);
	while (left > 0) {
		ssize_t ret = sendfile(self->fd, fd, &offset, chunk_size);

		ASSERT_GT(ret, 0);
		left -= ret;
	}
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(recv(self->cfd, buf, size, MSG_WAITALL), (ssize_t)size);
	EXPECT_TRUE(check_pattern(buf, size, 0, (uint8_t)chunk_size));
	close(fd);
}

TEST_F(alts, multi_chunk_sendfile)
{
	chunked_sendfile(_metadata, self, 4096, 4096);
	chunked_sendfile(_metadata, self, 4096, 0);
	chunked_sendfile(_metadata, self, 4096, 1);
	chunked_sendfile(_metadata, self, 4096, 2048);
	chunked_sendfile(_metadata, self, 8192, 2048);
	chunked_sendfile(_metadata, self, 4096, 8192);
	chunked_sendfile(_metadata, self, 8192, 4096);
	chunked_sendfile(_metadata, self, 12288, 1024);
	chunked_sendfile(_metadata, self, 12288, 2000);
	chunked_sendfile(_metadata, self, 15360, 100);
	chunked_sendfile(_metadata, self, 15360, 300);
	chunked_sendfile(_metadata, self, 1, 4096);
	chunked_sendfile(_metadata, self, 2048, 4096);
	chunked_sendfile(_metadata, self, 2048, 8192);
	chunked_sendfile(_metadata, self, 4096, 8192);
	chunked_sendfile(_metadata, self, 1024, 12288);
	chunked_sendfile(_metadata, self, 2000, 12288);
	chunked_sendfile(_metadata, self, 100, 15360);
	chunked_sendfile(_metadata, self, 300, 15360);
	chunked_sendfile(_metadata, self, PAYLOAD_MAX, 20);
	chunked_sendfile(_metadata, self, PAYLOAD_MAX - 1, 2);
}

TEST_F(alts, sendfile_empty)
{
	int fd = pattern_file(0, 0);
	char c;

	ASSERT_GE(fd, 0);
	EXPECT_EQ(sendfile(self->fd, fd, NULL, 4096), 0);
	EXPECT_EQ(send(self->fd, "z", 1, 0), 1);
	EXPECT_EQ(recv(self->cfd, &c, 1, 0), 1);
	EXPECT_EQ(c, 'z');
	close(fd);
}

TEST_F(alts, recv_max)
{
	unsigned int send_len = PAYLOAD_MAX;
	char recv_mem[PAYLOAD_MAX];
	char buf[PAYLOAD_MAX];

	memrnd(buf, sizeof(buf));
	EXPECT_EQ(send(self->fd, buf, send_len, 0), send_len);
	EXPECT_EQ(recv(self->cfd, recv_mem, send_len, 0), send_len);
	EXPECT_EQ(memcmp(buf, recv_mem, send_len), 0);
}

TEST_F(alts, recv_two_frames)
{
	char recv_mem[BIG];
	char buf[BIG];

	memrnd(buf, sizeof(buf));
	EXPECT_EQ(send(self->fd, buf, BIG, 0), BIG);
	EXPECT_EQ(recv(self->cfd, recv_mem, BIG, MSG_WAITALL), BIG);
	EXPECT_EQ(memcmp(buf, recv_mem, BIG), 0);
}

TEST_F(alts, recv_small)
{
	char const *test_str = "test_read";
	int send_len = 10;
	char buf[10];

	send_len = strlen(test_str) + 1;
	EXPECT_EQ(send(self->fd, test_str, send_len, 0), send_len);
	EXPECT_EQ(recv(self->cfd, buf, send_len, 0), send_len);
	EXPECT_EQ(memcmp(buf, test_str, send_len), 0);
}

TEST_F(alts, msg_more)
{
	char const *test_str = "test_read";
	int send_len = 10;
	char buf[10 * 2];

	EXPECT_EQ(send(self->fd, test_str, send_len, MSG_MORE), send_len);
	EXPECT_EQ(recv(self->cfd, buf, send_len, MSG_DONTWAIT), -1);
	EXPECT_EQ(errno, EAGAIN);
	EXPECT_EQ(send(self->fd, test_str, send_len, 0), send_len);
	EXPECT_EQ(recv(self->cfd, buf, send_len * 2, MSG_WAITALL),
		  send_len * 2);
	EXPECT_EQ(memcmp(buf, test_str, send_len), 0);
	EXPECT_EQ(memcmp(buf + send_len, test_str, send_len), 0);
}

TEST_F(alts, msg_more_unsent)
{
	char const *test_str = "test_read";
	int send_len = 10;
	char buf[10];

	EXPECT_EQ(send(self->fd, test_str, send_len, MSG_MORE), send_len);
	usleep(50000);
	EXPECT_EQ(recv(self->cfd, buf, send_len, MSG_DONTWAIT), -1);
	EXPECT_EQ(errno, EAGAIN);
}

/* MSG_MORE data beyond one frame: full frames go out, the rest waits. */
TEST_F(alts, msg_more_full_frame)
{
	static char buf[PAYLOAD_MAX + 100], got[PAYLOAD_MAX + 100];

	memrnd(buf, sizeof(buf));
	EXPECT_EQ(send(self->fd, buf, sizeof(buf), MSG_MORE),
		  (ssize_t)sizeof(buf));
	EXPECT_EQ(recv(self->cfd, got, PAYLOAD_MAX, MSG_WAITALL), PAYLOAD_MAX);
	EXPECT_EQ(memcmp(buf, got, PAYLOAD_MAX), 0);
	usleep(50000);
	EXPECT_EQ(recv(self->cfd, got, 100, MSG_DONTWAIT), -1);
	EXPECT_EQ(errno, EAGAIN);
	EXPECT_EQ(send(self->fd, "!", 1, 0), 1);
	EXPECT_EQ(recv(self->cfd, got, 101, MSG_WAITALL), 101);
	EXPECT_EQ(memcmp(buf + PAYLOAD_MAX, got, 100), 0);
	EXPECT_EQ(got[100], '!');
}

TEST_F(alts, sendmsg_single)
{
	struct msghdr msg;
	char const *test_str = "test_sendmsg";
	size_t send_len = 13;
	struct iovec vec;
	char buf[13];

	vec.iov_base = (char *)test_str;
	vec.iov_len = send_len;
	memset(&msg, 0, sizeof(struct msghdr));
	msg.msg_iov = &vec;
	msg.msg_iovlen = 1;
	EXPECT_EQ(sendmsg(self->fd, &msg, 0), (ssize_t)send_len);
	EXPECT_EQ(recv(self->cfd, buf, send_len, MSG_WAITALL),
		  (ssize_t)send_len);
	EXPECT_EQ(memcmp(buf, test_str, send_len), 0);
}

#define MAX_FRAGS	64
#define SEND_LEN	13
TEST_F(alts, sendmsg_fragmented)
{
	char const *test_str = "test_sendmsg";
	char buf[SEND_LEN * MAX_FRAGS];
	struct iovec vec[MAX_FRAGS];
	struct msghdr msg;
	int i, frags;

	for (frags = 1; frags <= MAX_FRAGS; frags++) {
		for (i = 0; i < frags; i++) {
			vec[i].iov_base = (char *)test_str;
			vec[i].iov_len = SEND_LEN;
		}

		memset(&msg, 0, sizeof(struct msghdr));
		msg.msg_iov = vec;
		msg.msg_iovlen = frags;

		EXPECT_EQ(sendmsg(self->fd, &msg, 0), SEND_LEN * frags);
		EXPECT_EQ(recv(self->cfd, buf, SEND_LEN * frags, MSG_WAITALL),
			  SEND_LEN * frags);

		for (i = 0; i < frags; i++)
			EXPECT_EQ(memcmp(buf + SEND_LEN * i,
					 test_str, SEND_LEN), 0);
	}
}
#undef MAX_FRAGS
#undef SEND_LEN

TEST_F(alts, sendmsg_large)
{
	const size_t send_len = BIG, sends = 128;
	uint8_t *mem = malloc(send_len);
	uint8_t *got = malloc(send_len * sends);
	pid_t pid;
	size_t i;

	ASSERT_NE(mem, NULL);
	ASSERT_NE(got, NULL);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct msghdr msg = {};
		bool ok = true;

		for (i = 0; i < sends && ok; i++) {
			struct iovec vec = { mem, send_len };

			fill_pattern(mem, send_len, i * send_len, 1);
			msg.msg_iov = &vec;
			msg.msg_iovlen = 1;
			ok = sendmsg(self->fd, &msg, 0) == (ssize_t)send_len;
		}
		_exit(ok ? 0 : 1);
	}
	EXPECT_EQ(recv(self->cfd, got, send_len * sends, MSG_WAITALL),
		  (ssize_t)(send_len * sends));
	EXPECT_TRUE(check_pattern(got, send_len * sends, 0, 1));
	{
		int status;

		EXPECT_EQ(waitpid(pid, &status, 0), pid);
		EXPECT_EQ(status, 0);
	}
	free(mem);
	free(got);
}

TEST_F(alts, sendmsg_multiple)
{
	char const *test_str = "test_sendmsg_multiple";
	struct iovec vec[5];
	char *test_strs[5];
	struct msghdr msg;
	int total_len = 0;
	int len_cmp = 0;
	int iov_len = 5;
	char *buf;
	int i;

	memset(&msg, 0, sizeof(struct msghdr));
	for (i = 0; i < iov_len; i++) {
		test_strs[i] = (char *)malloc(strlen(test_str) + 1);
		snprintf(test_strs[i], strlen(test_str) + 1, "%s", test_str);
		vec[i].iov_base = (void *)test_strs[i];
		vec[i].iov_len = strlen(test_strs[i]) + 1;
		total_len += vec[i].iov_len;
	}
	msg.msg_iov = vec;
	msg.msg_iovlen = iov_len;

	EXPECT_EQ(sendmsg(self->fd, &msg, 0), total_len);
	buf = malloc(total_len);
	EXPECT_EQ(recv(self->cfd, buf, total_len, MSG_WAITALL), total_len);
	for (i = 0; i < iov_len; i++) {
		EXPECT_EQ(memcmp(test_strs[i], buf + len_cmp,
				 strlen(test_strs[i])),
			  0);
		len_cmp += strlen(buf + len_cmp) + 1;
	}
	for (i = 0; i < iov_len; i++)
		free(test_strs[i]);
	free(buf);
}

TEST_F(alts, sendmsg_multiple_stress)
{
	char const *test_str = "abcdefghijklmno";
	struct iovec vec[1024];
	char *test_strs[1024];
	int iov_len = 1024;
	int total_len = 0;
	char buf[1 << 14];
	struct msghdr msg;
	int i;

	memset(&msg, 0, sizeof(struct msghdr));
	for (i = 0; i < iov_len; i++) {
		test_strs[i] = (char *)malloc(strlen(test_str) + 1);
		snprintf(test_strs[i], strlen(test_str) + 1, "%s", test_str);
		vec[i].iov_base = (void *)test_strs[i];
		vec[i].iov_len = strlen(test_strs[i]) + 1;
		total_len += vec[i].iov_len;
	}
	msg.msg_iov = vec;
	msg.msg_iovlen = iov_len;

	EXPECT_EQ(sendmsg(self->fd, &msg, 0), total_len);
	EXPECT_EQ(recv(self->cfd, buf, total_len, MSG_WAITALL), total_len);
	for (i = 0; i < iov_len; i++)
		EXPECT_EQ(strcmp(buf + 16 * i, test_str), 0);

	for (i = 0; i < iov_len; i++)
		free(test_strs[i]);
}

TEST_F(alts, splice_from_pipe)
{
	int send_len = PAYLOAD_MAX;
	char mem_send[PAYLOAD_MAX];
	char mem_recv[PAYLOAD_MAX];
	int p[2];

	memrnd(mem_send, sizeof(mem_send));
	ASSERT_GE(pipe(p), 0);
	EXPECT_EQ(write(p[1], mem_send, send_len), send_len);
	EXPECT_EQ(splice(p[0], NULL, self->fd, NULL, send_len, 0), send_len);
	EXPECT_EQ(recv(self->cfd, mem_recv, send_len, MSG_WAITALL), send_len);
	EXPECT_EQ(memcmp(mem_send, mem_recv, send_len), 0);
}

TEST_F(alts, splice_from_pipe2)
{
	int send_len = 16000;
	char mem_send[16000];
	char mem_recv[16000];
	int p2[2];
	int p[2];

	memrnd(mem_send, sizeof(mem_send));

	ASSERT_GE(pipe(p), 0);
	ASSERT_GE(pipe(p2), 0);
	EXPECT_EQ(write(p[1], mem_send, 8000), 8000);
	EXPECT_EQ(splice(p[0], NULL, self->fd, NULL, 8000, 0), 8000);
	EXPECT_EQ(write(p2[1], mem_send + 8000, 8000), 8000);
	EXPECT_EQ(splice(p2[0], NULL, self->fd, NULL, 8000, 0), 8000);
	EXPECT_EQ(recv(self->cfd, mem_recv, send_len, MSG_WAITALL), send_len);
	EXPECT_EQ(memcmp(mem_send, mem_recv, send_len), 0);
}

TEST_F(alts, send_and_splice)
{
	int send_len = PAYLOAD_MAX;
	char mem_send[PAYLOAD_MAX];
	char mem_recv[PAYLOAD_MAX];
	char const *test_str = "test_read";
	int send_len2 = 10;
	char buf[10];
	int p[2];

	memrnd(mem_send, sizeof(mem_send));
	ASSERT_GE(pipe(p), 0);
	EXPECT_EQ(send(self->fd, test_str, send_len2, 0), send_len2);
	EXPECT_EQ(recv(self->cfd, buf, send_len2, MSG_WAITALL), send_len2);
	EXPECT_EQ(memcmp(test_str, buf, send_len2), 0);

	EXPECT_EQ(write(p[1], mem_send, send_len), send_len);
	EXPECT_EQ(splice(p[0], NULL, self->fd, NULL, send_len, 0), send_len);

	EXPECT_EQ(recv(self->cfd, mem_recv, send_len, MSG_WAITALL), send_len);
	EXPECT_EQ(memcmp(mem_send, mem_recv, send_len), 0);
}

/* A pipe that ends before the requested length, and a 0-byte splice. */
TEST_F(alts, splice_short_and_empty)
{
	char mem[100], got[100];
	int p[2];

	memrnd(mem, sizeof(mem));
	ASSERT_GE(pipe(p), 0);
	EXPECT_EQ(splice(p[0], NULL, self->fd, NULL, 0, 0), 0);
	EXPECT_EQ(write(p[1], mem, sizeof(mem)), (ssize_t)sizeof(mem));
	close(p[1]);
	EXPECT_EQ(splice(p[0], NULL, self->fd, NULL, 4096, 0),
		  (ssize_t)sizeof(mem));
	EXPECT_EQ(splice(p[0], NULL, self->fd, NULL, 4096, 0), 0);
	EXPECT_EQ(recv(self->cfd, got, sizeof(got), MSG_WAITALL),
		  (ssize_t)sizeof(got));
	EXPECT_EQ(memcmp(mem, got, sizeof(mem)), 0);
	close(p[0]);
}

TEST_F(alts, splice_to_pipe)
{
	int send_len = PAYLOAD_MAX;
	char mem_send[PAYLOAD_MAX];
	char mem_recv[PAYLOAD_MAX];
	int p[2];

	memrnd(mem_send, sizeof(mem_send));

	ASSERT_GE(pipe(p), 0);
	EXPECT_EQ(send(self->fd, mem_send, send_len, 0), send_len);
	EXPECT_EQ(splice(self->cfd, NULL, p[1], NULL, send_len, 0), send_len);
	EXPECT_EQ(read(p[0], mem_recv, send_len), send_len);
	EXPECT_EQ(memcmp(mem_send, mem_recv, send_len), 0);
}

TEST_F(alts, recv_and_splice)
{
	int send_len = PAYLOAD_MAX;
	char mem_send[PAYLOAD_MAX];
	char mem_recv[PAYLOAD_MAX];
	int half = send_len / 2;
	int p[2];

	memrnd(mem_send, sizeof(mem_send));
	ASSERT_GE(pipe(p), 0);
	EXPECT_EQ(send(self->fd, mem_send, send_len, 0), send_len);
	/* recv half of the frame, splice the other half */
	EXPECT_EQ(recv(self->cfd, mem_recv, half, MSG_WAITALL), half);
	EXPECT_EQ(splice(self->cfd, NULL, p[1], NULL, half, SPLICE_F_NONBLOCK),
		  half);
	EXPECT_EQ(read(p[0], &mem_recv[half], half), half);
	EXPECT_EQ(memcmp(mem_send, mem_recv, send_len), 0);
}

TEST_F(alts, peek_and_splice)
{
	int send_len = PAYLOAD_MAX;
	char mem_send[PAYLOAD_MAX];
	char mem_recv[PAYLOAD_MAX];
	int chunk = PAYLOAD_MAX / 4;
	int n, i, p[2];

	memrnd(mem_send, sizeof(mem_send));

	ASSERT_GE(pipe(p), 0);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(send(self->fd, &mem_send[chunk * i], chunk, 0),
			  chunk);

	EXPECT_EQ(recv(self->cfd, mem_recv, chunk * 5 / 2,
		       MSG_WAITALL | MSG_PEEK),
		  chunk * 5 / 2);
	EXPECT_EQ(memcmp(mem_send, mem_recv, chunk * 5 / 2), 0);

	n = 0;
	while (n < send_len) {
		i = splice(self->cfd, NULL, p[1], NULL, send_len - n, 0);
		ASSERT_GT(i, 0);
		n += i;
	}
	EXPECT_EQ(n, send_len);
	EXPECT_EQ(read(p[0], mem_recv, send_len), send_len);
	EXPECT_EQ(memcmp(mem_send, mem_recv, send_len), 0);
}

TEST_F(alts, recvmsg_single)
{
	char const *test_str = "test_recvmsg_single";
	int send_len = strlen(test_str) + 1;
	char buf[20];
	struct msghdr hdr;
	struct iovec vec;

	memset(&hdr, 0, sizeof(hdr));
	EXPECT_EQ(send(self->fd, test_str, send_len, 0), send_len);
	vec.iov_base = (char *)buf;
	vec.iov_len = send_len;
	hdr.msg_iovlen = 1;
	hdr.msg_iov = &vec;
	EXPECT_EQ(recvmsg(self->cfd, &hdr, 0), send_len);
	EXPECT_EQ(memcmp(test_str, buf, send_len), 0);
}

TEST_F(alts, recvmsg_single_max)
{
	int send_len = PAYLOAD_MAX;
	char send_mem[PAYLOAD_MAX];
	char recv_mem[PAYLOAD_MAX];
	struct iovec vec;
	struct msghdr hdr;

	memrnd(send_mem, sizeof(send_mem));

	EXPECT_EQ(send(self->fd, send_mem, send_len, 0), send_len);
	vec.iov_base = (char *)recv_mem;
	vec.iov_len = PAYLOAD_MAX;

	memset(&hdr, 0, sizeof(hdr));
	hdr.msg_iovlen = 1;
	hdr.msg_iov = &vec;
	EXPECT_EQ(recvmsg(self->cfd, &hdr, MSG_WAITALL), send_len);
	EXPECT_EQ(memcmp(send_mem, recv_mem, send_len), 0);
}

TEST_F(alts, recvmsg_multiple)
{
	unsigned int msg_iovlen = 1024;
	struct iovec vec[1024];
	char *iov_base[1024];
	unsigned int iov_len = 16;
	int send_len = 1 << 14;
	char buf[1 << 14];
	struct msghdr hdr;
	unsigned int i;

	memrnd(buf, sizeof(buf));

	EXPECT_EQ(send(self->fd, buf, send_len, 0), send_len);
	for (i = 0; i < msg_iovlen; i++) {
		iov_base[i] = (char *)malloc(iov_len);
		vec[i].iov_base = iov_base[i];
		vec[i].iov_len = iov_len;
	}

	memset(&hdr, 0, sizeof(hdr));
	hdr.msg_iovlen = msg_iovlen;
	hdr.msg_iov = vec;
	EXPECT_EQ(recvmsg(self->cfd, &hdr, MSG_WAITALL), send_len);
	for (i = 0; i < msg_iovlen; i++)
		EXPECT_EQ(memcmp(iov_base[i], buf + i * iov_len, iov_len), 0);

	for (i = 0; i < msg_iovlen; i++)
		free(iov_base[i]);
}

TEST_F(alts, single_send_multiple_recv)
{
	unsigned int total_len = PAYLOAD_MAX * 2;
	unsigned int send_len = PAYLOAD_MAX;
	char send_mem[PAYLOAD_MAX * 2];
	char recv_mem[PAYLOAD_MAX * 2];

	memrnd(send_mem, sizeof(send_mem));

	EXPECT_EQ(send(self->fd, send_mem, total_len, 0), total_len);
	memset(recv_mem, 0, total_len);

	EXPECT_EQ(recv(self->cfd, recv_mem, send_len, MSG_WAITALL), send_len);
	EXPECT_EQ(recv(self->cfd, recv_mem + send_len, send_len, MSG_WAITALL),
		  send_len);
	EXPECT_EQ(memcmp(send_mem, recv_mem, total_len), 0);
}

TEST_F(alts, multiple_send_single_recv)
{
	unsigned int total_len = 2 * 10;
	unsigned int send_len = 10;
	char recv_mem[2 * 10];
	char send_mem[10];

	memrnd(send_mem, sizeof(send_mem));

	EXPECT_EQ(send(self->fd, send_mem, send_len, 0), send_len);
	EXPECT_EQ(send(self->fd, send_mem, send_len, 0), send_len);
	memset(recv_mem, 0, total_len);
	EXPECT_EQ(recv(self->cfd, recv_mem, total_len, MSG_WAITALL), total_len);

	EXPECT_EQ(memcmp(send_mem, recv_mem, send_len), 0);
	EXPECT_EQ(memcmp(send_mem, recv_mem + send_len, send_len), 0);
}

TEST_F(alts, single_send_multiple_recv_non_align)
{
	const unsigned int total_len = 15;
	const unsigned int recv_len = 10;
	char recv_mem[recv_len * 2];
	char send_mem[total_len];

	memrnd(send_mem, sizeof(send_mem));

	EXPECT_EQ(send(self->fd, send_mem, total_len, 0), total_len);
	memset(recv_mem, 0, total_len);

	EXPECT_EQ(recv(self->cfd, recv_mem, recv_len, 0), recv_len);
	EXPECT_EQ(recv(self->cfd, recv_mem + recv_len, recv_len, 0), 5);
	EXPECT_EQ(memcmp(send_mem, recv_mem, total_len), 0);
}

TEST_F(alts, recv_partial)
{
	char const *test_str = "test_read_partial";
	char const *test_str_first = "test_read";
	char const *test_str_second = "_partial";
	int send_len = strlen(test_str) + 1;
	char recv_mem[18];

	memset(recv_mem, 0, sizeof(recv_mem));
	EXPECT_EQ(send(self->fd, test_str, send_len, 0), send_len);
	EXPECT_EQ(recv(self->cfd, recv_mem, strlen(test_str_first),
		       MSG_WAITALL), (ssize_t)strlen(test_str_first));
	EXPECT_EQ(memcmp(test_str_first, recv_mem, strlen(test_str_first)), 0);
	memset(recv_mem, 0, sizeof(recv_mem));
	EXPECT_EQ(recv(self->cfd, recv_mem, strlen(test_str_second),
		       MSG_WAITALL), (ssize_t)strlen(test_str_second));
	EXPECT_EQ(memcmp(test_str_second, recv_mem, strlen(test_str_second)),
		  0);
}

TEST_F(alts, recv_nonblock)
{
	char buf[4096];

	EXPECT_EQ(recv(self->cfd, buf, sizeof(buf), MSG_DONTWAIT), -1);
	EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK);
}

TEST_F(alts, recv_peek)
{
	char const *test_str = "test_read_peek";
	int send_len = strlen(test_str) + 1;
	char buf[15];

	EXPECT_EQ(send(self->fd, test_str, send_len, 0), send_len);
	EXPECT_EQ(recv(self->cfd, buf, send_len, MSG_PEEK), send_len);
	EXPECT_EQ(memcmp(test_str, buf, send_len), 0);
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(recv(self->cfd, buf, send_len, 0), send_len);
	EXPECT_EQ(memcmp(test_str, buf, send_len), 0);
}

TEST_F(alts, recv_peek_multiple)
{
	char const *test_str = "test_read_peek";
	int send_len = strlen(test_str) + 1;
	unsigned int num_peeks = 100;
	char buf[15];
	unsigned int i;

	EXPECT_EQ(send(self->fd, test_str, send_len, 0), send_len);
	for (i = 0; i < num_peeks; i++) {
		EXPECT_EQ(recv(self->cfd, buf, send_len, MSG_PEEK), send_len);
		EXPECT_EQ(memcmp(test_str, buf, send_len), 0);
		memset(buf, 0, sizeof(buf));
	}
	EXPECT_EQ(recv(self->cfd, buf, send_len, 0), send_len);
	EXPECT_EQ(memcmp(test_str, buf, send_len), 0);
}

TEST_F(alts, recv_peek_multiple_records)
{
	char const *test_str = "test_read_peek_mult_recs";
	char const *test_str_first = "test_read_peek";
	char const *test_str_second = "_mult_recs";
	int len;
	char buf[64];

	len = strlen(test_str_first);
	EXPECT_EQ(send(self->fd, test_str_first, len, 0), len);

	len = strlen(test_str_second) + 1;
	EXPECT_EQ(send(self->fd, test_str_second, len, 0), len);

	len = strlen(test_str_first);
	memset(buf, 0, len);
	EXPECT_EQ(recv(self->cfd, buf, len, MSG_PEEK | MSG_WAITALL), len);
	EXPECT_EQ(memcmp(test_str_first, buf, len), 0);

	/* a real read spans both frames */
	len = strlen(test_str) + 1;
	memset(buf, 0, len);
	EXPECT_EQ(recv(self->cfd, buf, len, MSG_WAITALL), len);
	EXPECT_EQ(memcmp(test_str, buf, len), 0);

	/* MSG_MORE holds the frame open, so a later peek sees everything */
	len = strlen(test_str_first);
	EXPECT_EQ(send(self->fd, test_str_first, len, MSG_MORE), len);

	len = strlen(test_str_second) + 1;
	EXPECT_EQ(send(self->fd, test_str_second, len, 0), len);

	len = strlen(test_str) + 1;
	memset(buf, 0, len);
	EXPECT_EQ(recv(self->cfd, buf, len, MSG_PEEK | MSG_WAITALL), len);
	EXPECT_EQ(memcmp(test_str, buf, len), 0);
}

TEST_F(alts, recv_peek_large_buf_mult_recs)
{
	char const *test_str = "test_read_peek_mult_recs";
	char const *test_str_first = "test_read_peek";
	char const *test_str_second = "_mult_recs";
	int len;
	char buf[64];

	len = strlen(test_str_first);
	EXPECT_EQ(send(self->fd, test_str_first, len, 0), len);

	len = strlen(test_str_second) + 1;
	EXPECT_EQ(send(self->fd, test_str_second, len, 0), len);

	len = strlen(test_str) + 1;
	memset(buf, 0, len);
	EXPECT_EQ(recv(self->cfd, buf, len, MSG_PEEK | MSG_WAITALL), len);
	EXPECT_EQ(memcmp(test_str, buf, len), 0);
	/* peeking consumed nothing */
	memset(buf, 0, len);
	EXPECT_EQ(recv(self->cfd, buf, len, MSG_WAITALL), len);
	EXPECT_EQ(memcmp(test_str, buf, len), 0);
}

TEST_F(alts, recv_lowat)
{
	char send_mem[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	char recv_mem[20];
	int lowat = 8;

	EXPECT_EQ(send(self->fd, send_mem, 10, 0), 10);
	EXPECT_EQ(send(self->fd, send_mem, 5, 0), 5);

	memset(recv_mem, 0, 20);
	EXPECT_EQ(setsockopt(self->cfd, SOL_SOCKET, SO_RCVLOWAT,
			     &lowat, sizeof(lowat)), 0);
	EXPECT_EQ(recv(self->cfd, recv_mem, 1, MSG_WAITALL), 1);
	EXPECT_EQ(recv(self->cfd, recv_mem + 1, 6, MSG_WAITALL), 6);
	EXPECT_EQ(recv(self->cfd, recv_mem + 7, 10, 0), 8);

	EXPECT_EQ(memcmp(send_mem, recv_mem, 10), 0);
	EXPECT_EQ(memcmp(send_mem, recv_mem + 10, 5), 0);
}

TEST_F(alts, recv_efault)
{
	char *rec1 = "1111111111";
	char *rec2 = "2222222222";
	struct msghdr hdr = {};
	struct iovec iov[2];
	char recv_mem[12];
	int ret;

	EXPECT_EQ(send(self->fd, rec1, 10, 0), 10);
	EXPECT_EQ(send(self->fd, rec2, 10, 0), 10);

	iov[0].iov_base = recv_mem;
	iov[0].iov_len = sizeof(recv_mem);
	iov[1].iov_base = NULL;	/* a bad second iovec */
	iov[1].iov_len = 1;

	hdr.msg_iovlen = 2;
	hdr.msg_iov = iov;

	EXPECT_EQ(recv(self->cfd, recv_mem, 1, 0), 1);
	EXPECT_EQ(recv_mem[0], rec1[0]);

	ret = recvmsg(self->cfd, &hdr, 0);
	EXPECT_LE(ret, (int)sizeof(recv_mem));
	EXPECT_GE(ret, 9);
	EXPECT_EQ(memcmp(rec1, recv_mem, 9), 0);
	if (ret > 9)
		EXPECT_EQ(memcmp(rec2, recv_mem + 9, ret - 9), 0);
}

TEST_F(alts, bidir)
{
	char const *test_str = "test_read";
	int send_len = 10;
	char buf[10];

	ASSERT_EQ(alts_install(self->fd, ALTS_RX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	ASSERT_EQ(alts_install(self->cfd, ALTS_TX, variant->proto,
			       ALTS_SIDE_SERVER, 0, 0), 0);

	EXPECT_EQ(send(self->fd, test_str, send_len, 0), send_len);
	EXPECT_EQ(recv(self->cfd, buf, send_len, 0), send_len);
	EXPECT_EQ(memcmp(buf, test_str, send_len), 0);

	memset(buf, 0, sizeof(buf));

	EXPECT_EQ(send(self->cfd, test_str, send_len, 0), send_len);
	EXPECT_EQ(recv(self->fd, buf, send_len, 0), send_len);
	EXPECT_EQ(memcmp(buf, test_str, send_len), 0);
}

/* Both directions at once with more data than the socket buffers hold. */
TEST_F(alts, bidir_concurrent)
{
	const size_t total = 1 << 20;
	uint8_t *buf = malloc(65536);
	size_t got = 0;
	pid_t pid;
	int status;

	ASSERT_NE(buf, NULL);
	ASSERT_EQ(alts_install(self->fd, ALTS_RX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	ASSERT_EQ(alts_install(self->cfd, ALTS_TX, variant->proto,
			       ALTS_SIDE_SERVER, 0, 0), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		size_t off = 0, rgot = 0;
		bool ok = true;

		/* child: server side echoes its own pattern while reading */
		while (ok && (off < total || rgot < total)) {
			if (off < total) {
				size_t n = total - off < 30000 ? total - off : 30000;

				fill_pattern(buf, n, off, 2);
				ok = write_all(self->cfd, buf, n);
				off += n;
			}
			if (rgot < total) {
				ssize_t n = recv(self->cfd, buf + 32768, 32768,
						 MSG_DONTWAIT);

				if (n > 0) {
					ok = check_pattern(buf + 32768, n, rgot, 1);
					rgot += n;
				} else if (n == 0 ||
					   (errno != EAGAIN && errno != EINTR)) {
					ok = false;
				}
			}
		}
		_exit(ok ? 0 : 1);
	}
	{
		size_t off = 0;
		bool ok = true;

		while (ok && (off < total || got < total)) {
			if (off < total) {
				size_t n = total - off < 20000 ? total - off : 20000;

				fill_pattern(buf, n, off, 1);
				ok = write_all(self->fd, buf, n);
				off += n;
			}
			if (got < total) {
				ssize_t n = recv(self->fd, buf + 32768, 32768,
						 MSG_DONTWAIT);

				if (n > 0) {
					ok = check_pattern(buf + 32768, n, got, 2);
					got += n;
				} else if (n == 0 ||
					   (errno != EAGAIN && errno != EINTR)) {
					ok = false;
				}
			}
		}
		EXPECT_TRUE(ok);
	}
	EXPECT_EQ(got, total);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	free(buf);
}

TEST_F(alts, pollin)
{
	char const *test_str = "test_poll";
	struct pollfd fd = { 0, 0, 0 };
	char buf[10];
	int send_len = 10;

	EXPECT_EQ(send(self->fd, test_str, send_len, 0), send_len);
	fd.fd = self->cfd;
	fd.events = POLLIN;

	EXPECT_EQ(poll(&fd, 1, 1000), 1);
	EXPECT_EQ(fd.revents & POLLIN, POLLIN);
	EXPECT_EQ(recv(self->cfd, buf, send_len, MSG_WAITALL), send_len);
	/* drained: poll times out */
	EXPECT_EQ(poll(&fd, 1, 20), 0);
}

TEST_F(alts, poll_wait)
{
	char const *test_str = "test_poll_wait";
	int send_len = strlen(test_str) + 1;
	struct pollfd fd = { 0, 0, 0 };
	char recv_mem[15];

	fd.fd = self->cfd;
	fd.events = POLLIN;
	EXPECT_EQ(send(self->fd, test_str, send_len, 0), send_len);
	EXPECT_EQ(poll(&fd, 1, -1), 1);
	EXPECT_EQ(fd.revents & POLLIN, POLLIN);
	EXPECT_EQ(recv(self->cfd, recv_mem, send_len, MSG_WAITALL), send_len);
}

/* poll() sleeping before the frame is sent must be woken by it. */
TEST_F(alts, poll_wait_sleeping)
{
	struct pollfd fd = { .fd = self->cfd, .events = POLLIN };
	char buf[5];
	pid_t pid = fork();
	int status;

	ASSERT_GE(pid, 0);
	if (!pid) {
		usleep(100000);
		_exit(send(self->fd, "later", 5, 0) == 5 ? 0 : 1);
	}
	EXPECT_EQ(poll(&fd, 1, 5000), 1);
	EXPECT_EQ(fd.revents & POLLIN, POLLIN);
	EXPECT_EQ(recv(self->cfd, buf, 5, MSG_DONTWAIT), 5);
	EXPECT_EQ(memcmp(buf, "later", 5), 0);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
}

TEST_F(alts, poll_wait_split)
{
	struct pollfd fd = { 0, 0, 0 };
	char send_mem[20] = {};
	char recv_mem[15];

	fd.fd = self->cfd;
	fd.events = POLLIN;
	EXPECT_EQ(send(self->fd, send_mem, sizeof(send_mem), 0),
		  (ssize_t)sizeof(send_mem));
	EXPECT_EQ(poll(&fd, 1, -1), 1);
	EXPECT_EQ(fd.revents & POLLIN, POLLIN);
	EXPECT_EQ(recv(self->cfd, recv_mem, sizeof(recv_mem), MSG_WAITALL),
		  (ssize_t)sizeof(recv_mem));

	/* the remaining 5 bytes of the frame are held by the ULP */
	fd.fd = self->cfd;
	fd.events = POLLIN;
	EXPECT_EQ(poll(&fd, 1, 1000), 1);
	EXPECT_EQ(fd.revents & POLLIN, POLLIN);
	EXPECT_EQ(recv(self->cfd, recv_mem, sizeof(recv_mem), 0),
		  (ssize_t)(sizeof(send_mem) - sizeof(recv_mem)));
}

TEST_F(alts, blocking)
{
	size_t data = 100000;
	int res = fork();

	ASSERT_NE(res, -1);

	if (res) {
		size_t left = data;
		char buf[16384];
		int status;
		int pid2;

		fill_pattern(buf, sizeof(buf), 0, 5);
		while (left) {
			int res = send(self->fd, buf,
				       left > 16384 ? 16384 : left, 0);

			ASSERT_GT(res, 0);
			left -= res;
		}

		pid2 = wait(&status);
		EXPECT_EQ(status, 0);
		EXPECT_EQ(res, pid2);
	} else {
		size_t left = data;
		char buf[16384];

		while (left) {
			int res = recv(self->cfd, buf,
				       left > 16384 ? 16384 : left, 0);

			if (res <= 0)
				_exit(1);
			left -= res;
		}
		_exit(0);
	}
}

TEST_F(alts, nonblocking)
{
	size_t data = 100000;
	int sendbuf = 100;
	int flags;
	int res;

	flags = fcntl(self->fd, F_GETFL, 0);
	fcntl(self->fd, F_SETFL, flags | O_NONBLOCK);
	fcntl(self->cfd, F_SETFL, flags | O_NONBLOCK);

	/* a small send buffer makes the sender run out of room */
	EXPECT_EQ(setsockopt(self->fd, SOL_SOCKET, SO_SNDBUF,
			     &sendbuf, sizeof(sendbuf)), 0);

	res = fork();
	ASSERT_NE(res, -1);

	if (res) {
		bool eagain = false;
		size_t left = data;
		char buf[16384];
		int status;
		int pid2;

		memset(buf, 0x5a, sizeof(buf));
		while (left) {
			int res = send(self->fd, buf,
				       left > 16384 ? 16384 : left, 0);

			if (res == -1 && errno == EAGAIN) {
				eagain = true;
				usleep(10000);
				continue;
			}
			ASSERT_GT(res, 0);
			left -= res;
		}

		EXPECT_TRUE(eagain);
		pid2 = wait(&status);

		EXPECT_EQ(status, 0);
		EXPECT_EQ(res, pid2);
	} else {
		bool eagain = false, ok = true;
		size_t left = data;
		char buf[16384];

		while (left && ok) {
			int res = recv(self->cfd, buf,
				       left > 16384 ? 16384 : left, 0);

			if (res == -1 && errno == EAGAIN) {
				eagain = true;
				usleep(10000);
				continue;
			}
			ok = res > 0;
			if (ok) {
				for (int i = 0; i < res; i++)
					ok = ok && buf[i] == 0x5a;
				left -= res;
			}
		}
		_exit(ok && eagain ? 0 : 1);
	}
}

TEST_F(alts, shutdown)
{
	char const *test_str = "test_read";
	int send_len = 10;
	char buf[10];

	ASSERT_EQ(strlen(test_str) + 1, (size_t)send_len);

	EXPECT_EQ(send(self->fd, test_str, send_len, 0), send_len);
	EXPECT_EQ(recv(self->cfd, buf, send_len, 0), send_len);
	EXPECT_EQ(memcmp(buf, test_str, send_len), 0);

	EXPECT_EQ(shutdown(self->fd, SHUT_RDWR), 0);
	EXPECT_EQ(shutdown(self->cfd, SHUT_RDWR), 0);
	/* the receiver sees a clean end of stream */
	EXPECT_EQ(recv(self->cfd, buf, send_len, 0), 0);
}

/*
 * Read from @fd until end of stream, an error or @max bytes; the bytes must
 * follow the pattern from offset 0 with @seed. Returns the bytes read and
 * stores in *end 0 for a clean end of stream or -errno.
 */
static size_t drain_pattern(int fd, size_t max, uint8_t seed, int *end,
			    bool *content_ok)
{
	static char buf[65536];
	size_t got = 0;

	*content_ok = true;
	for (;;) {
		size_t want = max - got < sizeof(buf) ? max - got : sizeof(buf);
		ssize_t n;

		if (!want)
			want = 1;	/* anything past @max is an error */
		n = recv(fd, buf, want, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*end = n < 0 ? -errno : 0;
			return got;
		}
		if (got + n > max || !check_pattern(buf, n, got, seed))
			*content_ok = false;
		got += n;
	}
}

/* shutdown(SHUT_RDWR) seals and sends an open MSG_MORE frame first. */
TEST_F(alts, shutdown_unsent)
{
	char buf[16];

	EXPECT_EQ(send(self->fd, "test_read", 10, MSG_MORE), 10);

	EXPECT_EQ(shutdown(self->fd, SHUT_RDWR), 0);
	EXPECT_EQ(recv(self->cfd, buf, sizeof(buf), MSG_WAITALL), 10);
	EXPECT_EQ(memcmp(buf, "test_read", 10), 0);
	EXPECT_EQ(recv(self->cfd, buf, sizeof(buf), 0), 0);
	EXPECT_EQ(shutdown(self->cfd, SHUT_RDWR), 0);
}

/* So does shutdown(SHUT_WR), and the socket still receives. */
TEST_F(alts, shutdown_wr_unsent)
{
	char buf[PAYLOAD_MAX + 100];

	fill_pattern(buf, sizeof(buf), 0, 11);
	EXPECT_EQ(send(self->fd, buf, PAYLOAD_MAX, MSG_MORE), PAYLOAD_MAX);
	EXPECT_EQ(send(self->fd, buf + PAYLOAD_MAX, 100, MSG_MORE), 100);
	EXPECT_EQ(shutdown(self->fd, SHUT_WR), 0);

	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(recv(self->cfd, buf, sizeof(buf), MSG_WAITALL),
		  (ssize_t)sizeof(buf));
	EXPECT_TRUE(check_pattern(buf, sizeof(buf), 0, 11));
	EXPECT_EQ(recv(self->cfd, buf, sizeof(buf), 0), 0);
	/* the other direction (plain in this fixture) is still open */
	EXPECT_EQ(send(self->cfd, "back", 4, 0), 4);
	EXPECT_EQ(recv(self->fd, buf, 4, MSG_WAITALL), 4);
	EXPECT_EQ(memcmp(buf, "back", 4), 0);
}

/* After SHUT_WR, sending fails with EPIPE and the peer reads what was sent. */
TEST_F(alts, shutdown_wr)
{
	char buf[16];

	signal(SIGPIPE, SIG_IGN);
	EXPECT_EQ(send(self->fd, "before", 6, 0), 6);
	EXPECT_EQ(shutdown(self->fd, SHUT_WR), 0);
	EXPECT_EQ(send(self->fd, "after", 5, 0), -1);
	EXPECT_EQ(errno, EPIPE);
	EXPECT_EQ(recv(self->cfd, buf, sizeof(buf), MSG_WAITALL), 6);
	EXPECT_EQ(memcmp(buf, "before", 6), 0);
	EXPECT_EQ(recv(self->cfd, buf, sizeof(buf), 0), 0);
}

TEST_F(alts, shutdown_reuse)
{
	struct sockaddr_storage ss;
	socklen_t len = alts_loopback(variant->family, &ss);
	int ret;

	shutdown(self->fd, SHUT_RDWR);
	shutdown(self->cfd, SHUT_RDWR);
	close(self->cfd);
	self->cfd = -1;

	bind(self->fd, (struct sockaddr *)&ss, len);
	ret = listen(self->fd, 10);
	EXPECT_EQ(ret, -1);
	EXPECT_EQ(errno, EINVAL);

	ret = connect(self->fd, (struct sockaddr *)&ss, len);
	EXPECT_EQ(ret, -1);
	EXPECT_EQ(errno, EISCONN);
}

/* connect(AF_UNSPEC) must not turn the socket back into a fresh one. */
TEST_F(alts, disconnect)
{
	struct sockaddr sa = { .sa_family = AF_UNSPEC };

	EXPECT_EQ(connect(self->fd, &sa, sizeof(sa)), -1);
	EXPECT_EQ(listen(self->fd, 10), -1);
}

TEST_F(alts, getsockopt)
{
	struct alts_crypto_info get;
	socklen_t len;
	size_t i;

	len = sizeof(get);
	memrnd(&get, sizeof(get));
	EXPECT_EQ(getsockopt(self->fd, SOL_ALTS, ALTS_TX, &get, &len), 0);
	EXPECT_EQ(len, sizeof(get));
	EXPECT_EQ(get.version, ALTS_CRYPTO_INFO_VERSION);
	EXPECT_EQ(get.record_protocol, variant->proto);
	EXPECT_EQ(get.side, ALTS_SIDE_CLIENT);
	EXPECT_EQ(get.counter, 0);
	for (i = 0; i < sizeof(get.key); i++)
		EXPECT_EQ(get.key[i], 0);

	len = sizeof(get);
	EXPECT_EQ(getsockopt(self->cfd, SOL_ALTS, ALTS_RX, &get, &len), 0);
	EXPECT_EQ(get.record_protocol, variant->proto);
	EXPECT_EQ(get.side, ALTS_SIDE_SERVER);

	/* short gets fail */
	len = sizeof(get) - 1;
	EXPECT_EQ(getsockopt(self->fd, SOL_ALTS, ALTS_TX, &get, &len), -1);
	EXPECT_EQ(errno, EINVAL);
	len = 4;
	EXPECT_EQ(getsockopt(self->fd, SOL_ALTS, ALTS_TX, &get, &len), -1);
	EXPECT_EQ(errno, EINVAL);
}

TEST_F(alts, timeo)
{
	struct timeval tv = { .tv_usec = 10000, };
	char buf[128];
	int ret;

	ret = setsockopt(self->cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ASSERT_EQ(ret, 0);

	ret = fork();
	ASSERT_GE(ret, 0);

	if (ret) {
		int status;

		usleep(1000);
		EXPECT_EQ(recv(self->cfd, buf, sizeof(buf), 0), -1);
		EXPECT_EQ(errno, EAGAIN);

		EXPECT_EQ(recv(self->cfd, buf, sizeof(buf), 0), -1);
		EXPECT_EQ(errno, EAGAIN);

		EXPECT_EQ(wait(&status), ret);
		EXPECT_EQ(status, 0);
	} else {
		errno = 0;
		_exit(recv(self->cfd, buf, sizeof(buf), 0) == -1 &&
		      errno == EAGAIN ? 0 : 1);
	}
}

/* Frame boundaries do not limit reads: many small frames, one read. */
TEST_F(alts, many_small_frames)
{
	char buf[1000], got[1000];
	int i;

	memrnd(buf, sizeof(buf));
	for (i = 0; i < 1000; i += 10)
		ASSERT_EQ(send(self->fd, buf + i, 10, 0), 10);
	EXPECT_EQ(recv(self->cfd, got, sizeof(got), MSG_WAITALL),
		  (ssize_t)sizeof(got));
	EXPECT_EQ(memcmp(buf, got, sizeof(buf)), 0);
}

TEST_F(alts, msg_oob)
{
	EXPECT_EQ(send(self->fd, "x", 1, MSG_OOB), -1);
	EXPECT_EQ(errno, EOPNOTSUPP);
}

/* Closing with unread frames on the receiver and an open MSG_MORE frame
 * on the sender is clean (the counters are checked after the test).
 */
TEST_F(alts, close_with_unread)
{
	char buf[PAYLOAD_MAX];

	memrnd(buf, sizeof(buf));
	EXPECT_EQ(send(self->fd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	EXPECT_EQ(send(self->fd, buf, 100, MSG_MORE), 100);
	EXPECT_EQ(recv(self->cfd, buf, 10, 0), 10);
	EXPECT_EQ(close(self->cfd), 0);
	EXPECT_EQ(close(self->fd), 0);
	self->fd = self->cfd = -1;
}

/* close() seals and sends an open MSG_MORE frame: the peer reads every
 * byte, then a clean end of stream.
 */
TEST_F(alts, close_with_data)
{
	size_t len = PAYLOAD_MAX + 100;
	char buf[PAYLOAD_MAX + 100];
	bool content_ok;
	int end = 1;

	fill_pattern(buf, len, 0, 12);
	EXPECT_EQ(send(self->fd, buf, PAYLOAD_MAX, 0), PAYLOAD_MAX);
	EXPECT_EQ(send(self->fd, buf + PAYLOAD_MAX, 100, MSG_MORE), 100);
	EXPECT_EQ(close(self->fd), 0);
	self->fd = -1;

	EXPECT_EQ(drain_pattern(self->cfd, len, 12, &end, &content_ok), len);
	EXPECT_TRUE(content_ok);
	EXPECT_EQ(end, 0);
}

/*
 * Fill the path from @fd (non-blocking while filling) to a peer that does
 * not read, until a send takes nothing: the last frame is then only partly
 * in TCP's queue. Returns the bytes the sends took (pattern, @seed).
 */
static size_t fill_until_blocked(int fd, uint8_t seed)
{
	static char buf[PAYLOAD_MAX];
	size_t sent = 0;

	for (;;) {
		ssize_t n;

		fill_pattern(buf, sizeof(buf), sent, seed);
		n = send(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN ? sent : 0;
		sent += n;
	}
}

static void small_buffers(int fd, int cfd)
{
	int size = 8192;

	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(cfd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static void *close_thread(void *arg)
{
	int *fd = arg;

	*fd = close(*fd) ? -errno : 0;
	return NULL;
}

/* close() waits for buffer space as a blocking send does: a peer that
 * starts reading only later still receives every byte and a clean end.
 * (A thread closes, so that the descriptor has one reference only.)
 */
TEST_F(alts, close_waits_for_room)
{
	bool content_ok;
	size_t sent, got;
	int end = 1, closed;
	pthread_t t;

	small_buffers(self->fd, self->cfd);
	sent = fill_until_blocked(self->fd, 13);
	ASSERT_GT(sent, 0);

	closed = self->fd;
	self->fd = -1;
	ASSERT_EQ(pthread_create(&t, NULL, close_thread, &closed), 0);
	usleep(200 * 1000);	/* let close() start waiting */
	got = drain_pattern(self->cfd, sent, 13, &end, &content_ok);
	EXPECT_EQ(pthread_join(t, NULL), 0);
	EXPECT_EQ(closed, 0);
	EXPECT_EQ(got, sent);
	EXPECT_TRUE(content_ok);
	EXPECT_EQ(end, 0);
}

/* The wait of close() is bounded by SO_SNDTIMEO: close() returns while the
 * peer still reads nothing, and the frame it could not send is lost; what
 * the peer reads before the end is what was sent, in order.
 */
TEST_F(alts, close_sndtimeo)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 300 * 1000 };
	bool content_ok;
	size_t sent, got;
	int end = 1;

	small_buffers(self->fd, self->cfd);
	ASSERT_EQ(setsockopt(self->fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
			     sizeof(tv)), 0);
	sent = fill_until_blocked(self->fd, 14);
	ASSERT_GT(sent, 0);

	/* a close() that ignored SO_SNDTIMEO would wait for the peer for
	 * ever, and the test would end by its timeout
	 */
	EXPECT_EQ(close(self->fd), 0);
	self->fd = -1;

	got = drain_pattern(self->cfd, sent, 14, &end, &content_ok);
	EXPECT_LT(got, sent);
	EXPECT_TRUE(content_ok);
}

TEST_HARNESS_MAIN
