// SPDX-License-Identifier: GPL-2.0
/*
 * alts_multiproc - many processes reading and writing one ALTS socket pair
 * at once, with send() and with sendfile(): frames must never interleave
 * and no byte may be lost or duplicated (the kTLS "mutliproc" tests), for
 * IPv4 and IPv6 and each record protocol. Each writer sends 2 MB, divided
 * by ALTS_TEST_SCALE if set (the debug kernel's runs use a smaller volume:
 * the paths exercised are the same, KASAN and lockdep make bytes slow).
 */
#include <sys/sendfile.h>

#include "alts_fixture.h"

static unsigned int test_scale(void)
{
	const char *env = getenv("ALTS_TEST_SCALE");
	unsigned int scale = env ? strtoul(env, NULL, 10) : 1;

	return scale >= 1 && scale <= 100 ? scale : 1;
}

static void test_multiproc(struct __test_metadata *_metadata,
			   FIXTURE_DATA(alts) *self, bool sendpg,
			   unsigned int n_readers, unsigned int n_writers)
{
	const unsigned int n_children = n_readers + n_writers;
	const size_t per_writer = 2 * 1000 * 1000 / test_scale();
	const size_t file_sz = per_writer / 100;
	const size_t per_reader = per_writer * n_writers / n_readers;
	unsigned int i, child_id;
	char buf[file_sz];
	pid_t pid = 0;
	int fd;

	ASSERT_EQ(per_reader * n_readers, per_writer * n_writers);

	fd = open("/tmp/", O_TMPFILE | O_RDWR, 0600);
	ASSERT_GE(fd, 0);

	memset(buf, 0xac, file_sz);
	ASSERT_EQ(write(fd, buf, file_sz), (ssize_t)file_sz);

	for (child_id = 0; child_id < n_children; child_id++) {
		pid = fork();
		ASSERT_NE(pid, -1);
		if (!pid)
			break;
	}

	if (pid) {
		for (i = 0; i < n_children; i++) {
			int status;

			wait(&status);
			EXPECT_EQ(status, 0);
		}
		close(fd);
		return;
	}

	if (child_id < n_readers) {
		size_t left = per_reader;
		char rb[8001];

		while (left) {
			int res, j;

			res = recv(self->cfd, rb,
				   left > sizeof(rb) ? sizeof(rb) : left, 0);
			if (res <= 0)
				_exit(1);
			for (j = 0; j < res; j++)
				if ((uint8_t)rb[j] != 0xac)
					_exit(2);
			left -= res;
		}
	} else {
		size_t left = per_writer;

		while (left) {
			off_t off = 0;	/* the file offset is shared: not used */
			int res;

			if (sendpg)
				res = sendfile(self->fd, fd, &off,
					       left > file_sz ? file_sz : left);
			else
				res = send(self->fd, buf,
					   left > file_sz ? file_sz : left, 0);
			if (res <= 0)
				_exit(4);
			left -= res;
		}
	}
	_exit(0);
}

TEST_F_TIMEOUT(alts, multiproc_even, 300)
{
	test_multiproc(_metadata, self, false, 6, 6);
}

TEST_F_TIMEOUT(alts, multiproc_readers, 300)
{
	test_multiproc(_metadata, self, false, 4, 12);
}

TEST_F_TIMEOUT(alts, multiproc_writers, 300)
{
	test_multiproc(_metadata, self, false, 10, 2);
}

TEST_F_TIMEOUT(alts, multiproc_sendpage_even, 300)
{
	test_multiproc(_metadata, self, true, 6, 6);
}

TEST_F_TIMEOUT(alts, multiproc_sendpage_readers, 300)
{
	test_multiproc(_metadata, self, true, 4, 12);
}

TEST_F_TIMEOUT(alts, multiproc_sendpage_writers, 300)
{
	test_multiproc(_metadata, self, true, 10, 2);
}

TEST_HARNESS_MAIN
