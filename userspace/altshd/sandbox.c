// SPDX-License-Identifier: GPL-2.0
/*
 * Handshake processes need only the socket they were given, the response
 * connection, memory and randomness. A seccomp filter makes the calls that
 * would let a compromised handshake process reach further (run programs,
 * open files, make sockets, trace or signal others) fail with EPERM.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "altshd.h"

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#endif

static const unsigned int denied[] = {
	__NR_execve, __NR_execveat, __NR_ptrace, __NR_process_vm_readv, __NR_process_vm_writev,
	__NR_socket, __NR_socketpair, __NR_connect, __NR_bind, __NR_listen, __NR_accept4,
	__NR_openat, __NR_unlinkat, __NR_renameat2, __NR_mkdirat, __NR_fchmodat, __NR_fchownat,
	__NR_kill, __NR_tkill, __NR_tgkill, __NR_setuid, __NR_setgid, __NR_mount, __NR_chroot,
#ifdef __NR_open
	__NR_open, __NR_creat, __NR_unlink, __NR_rename, __NR_mkdir, __NR_chmod, __NR_chown,
	__NR_fork, __NR_vfork, __NR_accept,
#endif
};

int altshd_sandbox(void)
{
#ifdef ARCH
	struct sock_filter f[5 + 2 * (sizeof(denied) / sizeof(denied[0]))];
	struct sock_fprog prog = { .filter = f };
	size_t n = 0, i;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, denied[i], 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)n;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return -errno;
	return 0;
#else
	return -EOPNOTSUPP;
#endif
}
