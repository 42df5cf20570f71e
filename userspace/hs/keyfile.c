// SPDX-License-Identifier: GPL-2.0
/*
 * Files: certificates are read as they are. Trust files (roots, policy,
 * CRL) and secret files (private keys, resumption keys) are opened without
 * following symbolic links, through their directory, and only if both the
 * file and the directory belong to root or to the user we run as and
 * nobody else can write them; secret files must also be unreadable by
 * group and others (cf. wg(8)). Key files hold one line, "TYPE HEX".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cert.h"

static void say(char *why, size_t why_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !why_len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
}

/* Root or the user this process runs as: nobody else may own trust or secret files. */
static bool owner_ok(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/*
 * The directory a trust or secret file lives in: not a symbolic link, owned
 * by root or us, writable by nobody else (or they could swap the file).
 */
static int open_dir_checked(const char *path, char *why, size_t why_len)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	struct stat st;
	int fd;

	if (!slash)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else if ((size_t)(slash - path) >= sizeof(dir))
		return -ENAMETOOLONG;
	else {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = 0;
	}
	fd = open(dir, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int ret = -errno;

		say(why, why_len, "directory %s: %s", dir, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	if (S_ISLNK(st.st_mode)) {
		say(why, why_len, "directory %s is a symbolic link", dir);
		close(fd);
		return -ELOOP;
	}
	if (!S_ISDIR(st.st_mode)) {
		say(why, why_len, "%s is not a directory", dir);
		close(fd);
		return -ENOTDIR;
	}
	if (!owner_ok(st.st_uid)) {
		say(why, why_len, "directory %s is owned by uid %u, not root or uid %u",
		    dir, (unsigned int)st.st_uid, (unsigned int)geteuid());
		close(fd);
		return -EPERM;
	}
	if (st.st_mode & 022) {
		say(why, why_len, "directory %s is writable by group or others (mode %04o)",
		    dir, (unsigned int)(st.st_mode & 07777));
		close(fd);
		return -EPERM;
	}
	return fd;
}

static int open_checked(const char *path, enum alts_file_kind kind, char *why, size_t why_len)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	struct stat st;
	int dfd, fd;

	if (kind == ALTS_FILE_PLAIN) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0) {
			int ret = -errno;

			say(why, why_len, "%s", strerror(-ret));
			return ret;
		}
		return fd;
	}
	if (!*base) {
		say(why, why_len, "not a file name");
		return -EISDIR;
	}
	dfd = open_dir_checked(path, why, why_len);
	if (dfd < 0)
		return dfd;
	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	close(dfd);
	if (fd < 0) {
		int ret = -errno;

		if (ret == -ELOOP)
			say(why, why_len, "is a symbolic link");
		else
			say(why, why_len, "%s", strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		say(why, why_len, "not a regular file");
		close(fd);
		return -EINVAL;
	}
	if (!owner_ok(st.st_uid)) {
		say(why, why_len, "owned by uid %u, not root or uid %u",
		    (unsigned int)st.st_uid, (unsigned int)geteuid());
		close(fd);
		return -EPERM;
	}
	if (kind == ALTS_FILE_SECRET && (st.st_mode & 077)) {
		say(why, why_len, "must not be accessible by group or others (mode %04o)",
		    (unsigned int)(st.st_mode & 07777));
		close(fd);
		return -EPERM;
	}
	if (st.st_mode & 022) {
		say(why, why_len, "writable by group or others (mode %04o)",
		    (unsigned int)(st.st_mode & 07777));
		close(fd);
		return -EPERM;
	}
	return fd;
}

static int read_fd(int fd, uint8_t **out, size_t *len, size_t max, char *why, size_t why_len)
{
	struct stat st;
	uint8_t *buf;
	size_t n = 0;
	ssize_t r;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode)) {
		say(why, why_len, "not a regular file");
		return -EINVAL;
	}
	if ((size_t)st.st_size > max) {
		say(why, why_len, "larger than %zu bytes", max);
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (n < (size_t)st.st_size) {
		r = read(fd, buf + n, (size_t)st.st_size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int ret = r < 0 ? -errno : -EIO;

			OPENSSL_clear_free(buf, (size_t)st.st_size + 1);
			say(why, why_len, "%s", r < 0 ? strerror(-ret) : "changed while read");
			return ret;
		}
		n += (size_t)r;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

int alts_read_file_kind(const char *path, enum alts_file_kind kind, uint8_t **out, size_t *len,
			size_t max, char *why, size_t why_len)
{
	int fd = open_checked(path, kind, why, why_len);
	int ret;

	if (fd < 0)
		return fd;
	ret = read_fd(fd, out, len, max, why, why_len);
	close(fd);
	return ret;
}

int alts_read_file(const char *path, uint8_t **out, size_t *len, size_t max)
{
	return alts_read_file_kind(path, ALTS_FILE_PLAIN, out, len, max, NULL, 0);
}

int alts_read_secret_file(const char *path, uint8_t **out, size_t *len, size_t max)
{
	return alts_read_file_kind(path, ALTS_FILE_SECRET, out, len, max, NULL, 0);
}

/*
 * Written to a temporary name and renamed, so readers never see half a
 * file; with replace false an existing file is left alone (-EEXIST).
 */
static int write_file(const char *path, const void *data, size_t len, int mode, bool replace)
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
	if (!ret && renameat2(AT_FDCWD, tmp, AT_FDCWD, path, replace ? 0 : RENAME_NOREPLACE))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

int alts_write_file(const char *path, const void *data, size_t len, int mode)
{
	return write_file(path, data, len, mode, true);
}

int alts_write_new_file(const char *path, const void *data, size_t len, int mode)
{
	return write_file(path, data, len, mode, false);
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

int alts_read_key_why(const char *path, const char *type, uint8_t key[32], char *why,
		      size_t why_len)
{
	uint8_t *buf;
	size_t len, tl = strlen(type);
	char *p, *end;
	int ret;

	ret = alts_read_file_kind(path, ALTS_FILE_SECRET, &buf, &len, 256, why, why_len);
	if (ret)
		return ret;
	p = (char *)buf;
	ret = -EINVAL;
	say(why, why_len, "not a%s %s key file", type[0] == 'e' ? "n" : "", type);
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

int alts_read_key(const char *path, const char *type, uint8_t key[32])
{
	return alts_read_key_why(path, type, key, NULL, 0);
}

int alts_write_key_mode(const char *path, const char *type, const uint8_t key[32], bool replace)
{
	char line[128];
	int n, ret;

	n = snprintf(line, sizeof(line), "%s ", type);
	alts_hex_encode(line + n, key, 32);
	n += 64;
	line[n++] = '\n';
	ret = write_file(path, line, (size_t)n, 0600, replace);
	OPENSSL_cleanse(line, sizeof(line));
	return ret;
}

int alts_write_key(const char *path, const char *type, const uint8_t key[32])
{
	return alts_write_key_mode(path, type, key, true);
}
