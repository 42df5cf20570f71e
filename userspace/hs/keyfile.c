// SPDX-License-Identifier: GPL-2.0
/*
 * Files: certificates and lists are read as they are; private keys and
 * resumption keys only from regular files that neither group nor others
 * can access (cf. wg(8)). Key files hold one line, "TYPE HEX".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cert.h"

static int read_fd(int fd, bool secret, uint8_t **out, size_t *len, size_t max)
{
	struct stat st;
	uint8_t *buf;
	size_t n = 0;
	ssize_t r;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (secret && (st.st_mode & 077))
		return -EPERM;
	if ((size_t)st.st_size > max)
		return -EFBIG;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (n < (size_t)st.st_size) {
		r = read(fd, buf + n, (size_t)st.st_size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			OPENSSL_clear_free(buf, (size_t)st.st_size + 1);
			return r < 0 ? -errno : -EIO;
		}
		n += (size_t)r;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

static int read_path(const char *path, bool secret, uint8_t **out, size_t *len, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (secret ? O_NOFOLLOW : 0));
	int ret;

	if (fd < 0)
		return -errno;
	ret = read_fd(fd, secret, out, len, max);
	close(fd);
	return ret;
}

int alts_read_file(const char *path, uint8_t **out, size_t *len, size_t max)
{
	return read_path(path, false, out, len, max);
}

int alts_read_secret_file(const char *path, uint8_t **out, size_t *len, size_t max)
{
	return read_path(path, true, out, len, max);
}

/* Written to a temporary name and renamed, so readers never see half a file. */
int alts_write_file(const char *path, const void *data, size_t len, int mode)
{
	char tmp[4096];
	size_t n = 0;
	ssize_t r;
	int fd, ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, mode))
		ret = -errno;
	while (!ret && n < len) {
		r = write(fd, (const uint8_t *)data + n, len - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			ret = -errno;
		else
			n += (size_t)r;
	}
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

int alts_hex_decode(uint8_t *out, size_t out_len, const char *hex, size_t hex_len)
{
	size_t i;

	if (hex_len != 2 * out_len)
		return -EINVAL;
	for (i = 0; i < hex_len; i++) {
		char ch = hex[i];
		int v;

		if (ch >= '0' && ch <= '9')
			v = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			v = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			v = ch - 'A' + 10;
		else
			return -EINVAL;
		if (i & 1)
			out[i / 2] |= (uint8_t)v;
		else
			out[i / 2] = (uint8_t)(v << 4);
	}
	return 0;
}

void alts_hex_encode(char *out, const uint8_t *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = 0;
}

int alts_read_key(const char *path, const char *type, uint8_t key[32])
{
	uint8_t *buf;
	size_t len, tl = strlen(type);
	char *p, *end;
	int ret;

	ret = alts_read_secret_file(path, &buf, &len, 256);
	if (ret)
		return ret;
	p = (char *)buf;
	ret = -EINVAL;
	if (len < tl + 1 || memcmp(p, type, tl) || p[tl] != ' ')
		goto out;
	p += tl + 1;
	end = p;
	while (*end && *end != '\n' && *end != '\r')
		end++;
	if (*end && end[1] && !(end[0] == '\r' && end[1] == '\n' && !end[2]))
		goto out;
	ret = alts_hex_decode(key, 32, p, (size_t)(end - p));
out:
	OPENSSL_clear_free(buf, len + 1);
	return ret;
}

int alts_write_key(const char *path, const char *type, const uint8_t key[32])
{
	char line[128];
	int n, ret;

	n = snprintf(line, sizeof(line), "%s ", type);
	alts_hex_encode(line + n, key, 32);
	n += 64;
	line[n++] = '\n';
	ret = alts_write_file(path, line, (size_t)n, 0600);
	OPENSSL_cleanse(line, sizeof(line));
	return ret;
}
