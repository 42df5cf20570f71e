// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the handshake core over a file descriptor. Reads exactly one frame
 * at a time - the 8-byte header, then exactly length - 4 bytes - so that
 * no byte after the peer's last handshake frame leaves the socket's
 * receive queue: it belongs to the record layer.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "alts_hs.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_fd(int fd, short ev, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int64_t left;
	int r;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return ALTS_ERR_TIMEOUT;
		r = poll(&p, 1, left > 1000 ? 1000 : (int)left);
		if (r > 0)
			return ALTS_OK;
		if (r < 0 && errno != EINTR)
			return ALTS_ERR_IO;
	}
}

static ssize_t io_read(int fd, void *buf, size_t len)
{
	ssize_t r = recv(fd, buf, len, MSG_DONTWAIT);

	if (r < 0 && errno == ENOTSOCK)
		r = read(fd, buf, len);
	return r;
}

static ssize_t io_write(int fd, const void *buf, size_t len)
{
	ssize_t r = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (r < 0 && errno == ENOTSOCK)
		r = write(fd, buf, len);
	return r;
}

static int read_exact(int fd, uint8_t *buf, size_t len, int64_t deadline)
{
	size_t n = 0;
	ssize_t r;
	int err;

	while (n < len) {
		err = wait_fd(fd, POLLIN, deadline);
		if (err)
			return err;
		r = io_read(fd, buf + n, len - n);
		if (r == 0)
			return ALTS_ERR_CLOSED;
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			return errno == ECONNRESET ? ALTS_ERR_CLOSED : ALTS_ERR_IO;
		}
		n += (size_t)r;
	}
	return ALTS_OK;
}

static int write_all(int fd, const uint8_t *buf, size_t len, int64_t deadline)
{
	size_t n = 0;
	ssize_t r;
	int err;

	while (n < len) {
		err = wait_fd(fd, POLLOUT, deadline);
		if (err)
			return err;
		r = io_write(fd, buf + n, len - n);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			return errno == EPIPE || errno == ECONNRESET ? ALTS_ERR_CLOSED : ALTS_ERR_IO;
		}
		n += (size_t)r;
	}
	return ALTS_OK;
}

/* Frames that go out together (ServerInit + ServerFinished) go in one write. */
static int flush(int fd, struct alts_buf *out, int64_t deadline)
{
	int err = out->len ? write_all(fd, out->data, out->len, deadline) : ALTS_OK;

	out->len = 0;
	return err;
}

int alts_hs_run_fd(int fd, const struct alts_hs_config *cfg, int timeout_ms,
		   struct alts_hs_result *res)
{
	struct alts_hs *hs = NULL;
	struct alts_buf out = { 0 };
	uint8_t *frame = NULL;
	int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : ALTS_HS_TIMEOUT_MS);
	uint32_t l;
	int err;

	memset(res, 0, sizeof(*res));
	err = alts_hs_new(&hs, cfg);
	if (err)
		return err;
	frame = OPENSSL_malloc(ALTS_FRAME_MAX);
	if (!frame) {
		err = ALTS_ERR_NOMEM;
		goto out;
	}
	err = alts_hs_start(hs, &out);
	if (err)
		goto out;
	err = flush(fd, &out, deadline);
	while (!err && !alts_hs_done(hs)) {
		size_t consumed;

		err = read_exact(fd, frame, ALTS_FRAME_HEADER_LEN, deadline);
		if (err)
			break;
		l = get_le32(frame);
		if (l < 4 || l > ALTS_FRAME_MAX - ALTS_FRAME_LEN_FIELD) {
			/* let the core judge the header (and answer with an Alert) */
			alts_hs_next(hs, frame, ALTS_FRAME_HEADER_LEN, &consumed, &out);
			err = ALTS_ERR_MALFORMED;
			break;
		}
		err = read_exact(fd, frame + ALTS_FRAME_HEADER_LEN,
				 l + ALTS_FRAME_LEN_FIELD - ALTS_FRAME_HEADER_LEN, deadline);
		if (err)
			break;
		err = alts_hs_next(hs, frame, l + ALTS_FRAME_LEN_FIELD, &consumed, &out);
		if (!err)
			err = flush(fd, &out, deadline);
	}
	if (!err)
		err = alts_hs_result(hs, res);
out:
	/* Best effort: tell the peer why (the core queued an Alert). */
	if (err && out.len)
		write_all(fd, out.data, out.len, now_ms() + 100);
	if (frame)
		OPENSSL_clear_free(frame, ALTS_FRAME_MAX);
	alts_buf_free(&out);
	alts_hs_free(hs);
	return err;
}
