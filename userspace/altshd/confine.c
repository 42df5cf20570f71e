// SPDX-License-Identifier: GPL-2.0
/*
 * What a handshake process gives up before it reads a byte from the peer:
 * the daemon's user (it becomes an unprivileged one, with no
 * supplementary groups), every capability (permitted, effective,
 * inheritable, ambient and the bounding set), and, where the kernel allows
 * it, the daemon's user, mount and network namespaces. The descriptors it
 * was given keep working: a socket belongs to the namespace it was created
 * in, not to its holder's. The seccomp filter (sandbox.c) comes last.
 *
 * Making a network namespace costs more than a handshake, so a root
 * daemon makes one network and one mount namespace at start, and each
 * handshake process joins them (while still root) and then makes only its
 * own user namespace, which is cheap. They hold nothing: no interface but
 * a down loopback, and mounts that no longer propagate either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include "hsd.h"

#include <sys/mount.h>

int hsd_user_lookup(const char *name, struct hsd_user *u, char *err, size_t len)
{
	struct passwd *pw;

	memset(u, 0, sizeof(*u));
	u->switch_ids = geteuid() == 0;
	pw = getpwnam(name ? name : HSD_DEFAULT_USER);
	if (pw) {
		u->uid = pw->pw_uid;
		u->gid = pw->pw_gid;
		snprintf(u->name, sizeof(u->name), "%s", pw->pw_name);
	} else if (!name) {
		u->uid = u->gid = HSD_NOBODY;
		snprintf(u->name, sizeof(u->name), "nobody (%u)", HSD_NOBODY);
	} else {
		snprintf(err, len, "no user \"%s\"", name);
		return -ENOENT;
	}
	if (u->switch_ids && (u->uid == 0 || u->gid == 0)) {
		snprintf(err, len, "handshake user \"%s\" is root", u->name);
		return -EINVAL;
	}
	return 0;
}

static int drop_bounding_set(void)
{
	int cap;

	for (cap = 0; cap <= 63; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		if (errno == EINVAL)	/* past the last capability this kernel has */
			break;
		return -errno;
	}
	return 0;
}

static int clear_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d))
		return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return -errno;
	return 0;
}

/* In a handshake process: leave the shared namespaces' descriptors behind. */
static int join_shared(const struct hsd_ns *ns, char *err, size_t len)
{
	int ret = 0;

	if (ns->net >= 0 && setns(ns->net, CLONE_NEWNET))
		ret = -errno;
	if (!ret && ns->mnt >= 0 && setns(ns->mnt, CLONE_NEWNS))
		ret = -errno;
	if (ret)
		snprintf(err, len, "joining the handshake namespaces: %s", strerror(-ret));
	if (ns->net >= 0)
		close(ns->net);
	if (ns->mnt >= 0)
		close(ns->mnt);
	return ret;
}

int hsd_confine(const struct hsd_user *u, const struct hsd_ns *ns, bool *entered,
		char *err, size_t len)
{
	int ret, flags = CLONE_NEWUSER;

	*entered = false;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return snprintf(err, len, "no_new_privs: %s", strerror(errno)), -errno;
	if (ns->enabled && ns->net >= 0) {
		ret = join_shared(ns, err, len);
		if (ret)
			return ret;
	} else {
		flags |= CLONE_NEWNS | CLONE_NEWNET;
	}
	if (u->switch_ids) {
		/* while we still may (CAP_SETPCAP) */
		ret = drop_bounding_set();
		if (ret)
			return snprintf(err, len, "bounding set: %s", strerror(-ret)), ret;
		if (setgroups(0, NULL) || setresgid(u->gid, u->gid, u->gid) ||
		    setresuid(u->uid, u->uid, u->uid))
			return snprintf(err, len, "switching to %s: %s", u->name, strerror(errno)), -errno;
		if (getuid() != u->uid || geteuid() != u->uid || getgid() != u->gid)
			return snprintf(err, len, "still not %s", u->name), -EPERM;
	}
	if (ns->enabled && unshare(flags)) {
		snprintf(err, len, "namespaces unavailable: %s", strerror(errno));
	} else if (ns->enabled) {
		/* the new user namespace grants a full set over itself: give it back */
		ret = drop_bounding_set();
		if (ret)
			return snprintf(err, len, "bounding set: %s", strerror(-ret)), ret;
		*entered = true;
	}
	ret = clear_caps();
	if (ret)
		return snprintf(err, len, "capabilities: %s", strerror(-ret)), ret;
	/* a credential change clears both; the daemon dying ends its handshakes */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	return 0;
}

/* A root daemon: one network and one mount namespace for every handshake process. */
static int make_shared(struct hsd_ns *ns, char *err, size_t len)
{
	int ready[2], ret = 0;
	char path[64], c;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		if (unshare(CLONE_NEWNET | CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		pause();	/* until the daemon holds both namespaces */
		_exit(0);
	}
	close(ready[1]);
	if (pid < 0) {
		close(ready[0]);
		return -errno;
	}
	if (read(ready[0], &c, 1) != 1) {
		ret = -EPERM;
		snprintf(err, len, "namespaces unavailable: cannot make a network namespace");
	} else {
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		ns->net = open(path, O_RDONLY | O_CLOEXEC);
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
		ns->mnt = open(path, O_RDONLY | O_CLOEXEC);
		if (ns->net < 0 || ns->mnt < 0) {
			ret = -errno;
			snprintf(err, len, "namespaces unavailable: %s", strerror(errno));
		}
	}
	close(ready[0]);
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return ret;
}

void hsd_ns_release(struct hsd_ns *ns)
{
	if (ns->net >= 0)
		close(ns->net);
	if (ns->mnt >= 0)
		close(ns->mnt);
	ns->net = ns->mnt = -1;
	ns->enabled = false;
}

/* Runs a handshake process's confinement in a throwaway child: does it get its namespaces? */
static bool probe(const struct hsd_user *u, const struct hsd_ns *ns, char *err, size_t len)
{
	int pipefd[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return snprintf(err, len, "pipe: %s", strerror(errno)), false;
	pid = fork();
	if (pid == 0) {
		char m[128] = "";
		bool entered;
		int e;

		close(pipefd[0]);
		e = hsd_confine(u, ns, &entered, m, sizeof(m));
		if (write(pipefd[1], m, strlen(m)) < 0)
			e = -EIO;
		_exit(e || !entered ? 1 : 0);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return snprintf(err, len, "fork: %s", strerror(errno)), false;
	}
	n = read(pipefd[0], err, len - 1);
	err[n > 0 ? n : 0] = 0;
	close(pipefd[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

void hsd_ns_prepare(const struct hsd_user *u, struct hsd_ns *ns, char *err, size_t len)
{
	ns->net = ns->mnt = -1;
	ns->enabled = true;
	err[0] = 0;
	if (u->switch_ids && make_shared(ns, err, len)) {
		hsd_ns_release(ns);
		return;
	}
	if (!probe(u, ns, err, len)) {
		hsd_ns_release(ns);
		if (!err[0])
			snprintf(err, len, "namespaces unavailable");
	}
}
