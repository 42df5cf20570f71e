// SPDX-License-Identifier: GPL-2.0
/*
 * A handshake process needs only the descriptors it was given (the peer's
 * socket, the response connection, the ticket pipe, the log), memory,
 * time and randomness. The seccomp filter allows exactly the calls that
 * takes and kills the process on any other: a compromised handshake
 * process cannot open files, make or accept sockets, run programs, fork,
 * create namespaces, change credentials, signal or trace others, take
 * another process's descriptors (pidfd_getfd), use io_uring, or map
 * executable memory. Calls made through another ABI (i386 int 0x80, the
 * x32 numbers) are killed as well.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>
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

/* The low 32 bits of argument @i (enough for prot flags). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO(i)	(offsetof(struct seccomp_data, args) + (i) * sizeof(__u64))
#else
#define ARG_LO(i)	(offsetof(struct seccomp_data, args) + (i) * sizeof(__u64) + sizeof(__u32))
#endif

static const unsigned int allowed[] = {
	/* I/O on descriptors already held */
	__NR_read, __NR_write, __NR_readv, __NR_writev, __NR_recvfrom, __NR_sendto,
	__NR_recvmsg, __NR_sendmsg, __NR_ppoll, __NR_close,
	/* installing the keys; reading the peer's address */
	__NR_setsockopt, __NR_getsockopt, __NR_getsockname, __NR_getpeername,
	/* memory (mmap and mprotect without PROT_EXEC, below) */
	__NR_brk, __NR_munmap, __NR_mremap, __NR_madvise,
	/* the shared caches' robust mutexes */
	__NR_futex, __NR_set_robust_list, __NR_sched_yield,
	/* time, randomness, identity for logs */
	__NR_clock_gettime, __NR_clock_getres, __NR_gettimeofday, __NR_clock_nanosleep,
	__NR_nanosleep, __NR_getrandom, __NR_getpid, __NR_gettid,
	/* signals delivered to it, and leaving */
	__NR_rt_sigreturn, __NR_restart_syscall, __NR_sigaltstack, __NR_exit, __NR_exit_group,
#ifdef __NR_poll
	__NR_poll,
#endif
#ifdef __NR_time
	__NR_time,
#endif
};

#define N_ALLOWED	(sizeof(allowed) / sizeof(allowed[0]))

#define STMT(code, k)		((struct sock_filter)BPF_STMT(code, k))
#define JUMP(code, k, t, f)	((struct sock_filter)BPF_JUMP(code, k, t, f))

int altshd_sandbox(void)
{
#ifdef ARCH
	struct sock_filter f[24 + 2 * N_ALLOWED];
	struct sock_fprog prog = { .filter = f };
	static const unsigned int no_exec[] = { __NR_mmap, __NR_mprotect };
	size_t n = 0, i;

	f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#ifdef __X32_SYSCALL_BIT
	f[n++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#endif
	for (i = 0; i < 2; i++) {
		/* nr == no_exec[i]: allowed unless prot has PROT_EXEC */
		f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, no_exec[i], 0, 4);
		f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2));
		f[n++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 1, 0);
		f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	}
	for (i = 0; i < N_ALLOWED; i++) {
		f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, allowed[i], 0, 1);
		f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
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
