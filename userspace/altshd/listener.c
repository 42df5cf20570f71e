// SPDX-License-Identifier: GPL-2.0
/*
 * The local interface's socket. It is bound inside a fresh 0700 directory
 * next to its final path, given its final mode there, and only then
 * renamed into place: at no moment can anyone reach it with the mode
 * bind(2) gave it, and the rename atomically replaces a stale socket.
 * Who may do what through it is the caller policy's business (callers.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hsd.h"

int hsd_listen(const char *path, mode_t mode, int *out)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char stage[sizeof(sun.sun_path)];
	const char *slash = strrchr(path, '/');
	int fd, ret = 0;

	*out = -1;
	if (!*path || (slash && !slash[1]))
		return -EINVAL;
	if (!slash)
		snprintf(stage, sizeof(stage), ".altshd.XXXXXX");
	else if ((size_t)(slash - path) + sizeof("/.altshd.XXXXXX") > sizeof(stage))
		return -ENAMETOOLONG;
	else
		snprintf(stage, sizeof(stage), "%.*s/.altshd.XXXXXX", (int)(slash - path), path);
	if (strlen(path) >= sizeof(sun.sun_path) ||
	    (size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/s", stage) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	if (!mkdtemp(stage))		/* mode 0700; the name keeps its length */
		return -errno;
	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/s", stage) >= sizeof(sun.sun_path)) {
		rmdir(stage);
		return -ENAMETOOLONG;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		ret = -errno;
		rmdir(stage);
		return ret;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || chmod(sun.sun_path, mode) ||
	    listen(fd, 128) || rename(sun.sun_path, path))
		ret = -errno;
	if (ret) {
		unlink(sun.sun_path);
		close(fd);
	} else {
		*out = fd;
	}
	rmdir(stage);
	return ret;
}
