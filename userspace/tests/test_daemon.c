// SPDX-License-Identifier: GPL-2.0
/*
 * altshd end to end: two daemons (one holding a client workload's keys,
 * one a server's) run handshakes on the two ends of a socketpair handed to
 * them over the local interface. Covers resumption across handshake
 * processes, isolation, timeout, the concurrency bound and reloads.
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <stddef.h>
#include <fcntl.h>
#include <sched.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>

#include "altshd.h"
#include "callers.h"
#include "altshd.pb-c.h"
#include "kdf.h"
#include "tests.h"
#include "testutil.h"

#define SID	"server@kalts.test"
#define CID	"client@kalts.test"

struct daemon {
	char dir[128];
	char sock[128];
	char log[128];
	pid_t pid;
};

static struct daemon sd, cd;
static struct party sp, cp;
static char top[64];
static bool started;

static void write_conf(const char *dir, const char *name, const void *data, size_t len, int mode)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(alts_write_file(path, data, len, mode), 0);
}

static void conf_dir(struct daemon *d, const char *name, const struct party *p)
{
	char line[256], path[256];
	uint8_t seed[32], pub[32];

	snprintf(d->dir, sizeof(d->dir), "%s/%s", top, name);
	snprintf(d->sock, sizeof(d->sock), "%s/%s.sock", top, name);
	snprintf(d->log, sizeof(d->log), "%s/%s.log", top, name);
	assert_int_equal(mkdir(d->dir, 0700), 0);
	write_conf(d->dir, "hs.cert", p->hs_cert, p->hs_len, 0644);
	snprintf(path, sizeof(path), "%s/hs.key", d->dir);
	assert_int_equal(alts_write_key(path, "x25519", p->static_priv), 0);
	root_seed(seed, TEST_ROOT);
	alts_ed25519_public(pub, seed);
	strcpy(line, TEST_ROOT " ");
	bin2hex(line + strlen(line), pub, 32);
	strcat(line, "\n");
	write_conf(d->dir, "roots", line, strlen(line), 0644);
	write_conf(d->dir, "policy", "* workload *@kalts.test\n", 24, 0644);
	test_seed(seed, "daemon-res", name);
	bin2hex(line, seed, 16);
	strcat(line, " ");
	bin2hex(line + strlen(line), seed, 32);
	strcat(line, "\n");
	write_conf(d->dir, "resumption.keys", line, strlen(line), 0600);
}

/* The daemon cannot install a seccomp filter of its own under this one. */
static void deny_seccomp(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_seccomp, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_prctl, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PR_SET_SECCOMP, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		_exit(126);
}

/* @extra: further arguments, NULL-terminated */
static void start_opts(struct daemon *d, const char *jobs, const char *const *extra, bool no_seccomp)
{
	const char *bin = getenv("ALTSHD") ? getenv("ALTSHD") : "build/san/altshd";
	const char *argv[24] = { bin, "-c", d->dir, "-s", d->sock, "-j", jobs, "-t", "3000" };
	int i, n = 9;

	while (extra && *extra && n < 23)
		argv[n++] = *extra++;
	argv[n] = NULL;

	d->pid = fork();
	assert_true(d->pid >= 0);
	if (!d->pid) {
		FILE *f = freopen(d->log, "w", stderr);
		FILE *g = freopen("/dev/null", "w", stdout);

		(void)f;
		(void)g;
		/* never outlive the test run, even if it crashes */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (no_seccomp)
			deny_seccomp();
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 500; i++) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		bool up;

		strcpy(sun.sun_path, d->sock);
		up = !connect(s, (struct sockaddr *)&sun, sizeof(sun));
		close(s);
		if (up)
			break;
		usleep(10000);
	}
	assert_true(i < 500);
}

static void start(struct daemon *d, const char *jobs, const char *extra)
{
	const char *const args[] = { extra, NULL };

	start_opts(d, jobs, args, false);
}

static int log_count(const struct daemon *d, const char *what)
{
	char line[1024];
	FILE *f = fopen(d->log, "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, what))
			n++;
	fclose(f);
	return n;
}

static int loads(const struct daemon *d)
{
	return log_count(d, "credentials loaded");
}

static void wait_loads(const struct daemon *d, int want)
{
	int i;

	for (i = 0; i < 300 && loads(d) < want; i++)
		usleep(10000);
	assert_true(loads(d) >= want);
}

static int setup(void)
{
	uint64_t now = (uint64_t)time(NULL);
	struct party_opts so = { .identity = SID, .master_nb = now - 86400, .hs_nb = now - 3600,
				 .hs_na = now + 86400 };
	struct party_opts co = so;

	if (started)
		return 0;
	co.identity = CID;
	co.hs_revocation_id = (3ULL << 56) | 0x55;
	strcpy(top, "/tmp/kalts-hsd-XXXXXX");
	/* other users reach the sockets (not the configuration) */
	if (!mkdtemp(top) || chmod(top, 0711) || party_make(&sp, &so) || party_make(&cp, &co))
		return -1;
	conf_dir(&sd, "server", &sp);
	conf_dir(&cd, "client", &cp);
	start(&sd, "2", NULL);
	start(&cd, "4", "--offer-server-tickets");
	started = true;
	return 0;
}

/*
 * The daemon's stderr is its log, its children's included: a sanitizer
 * report, a handshake process killed by its seccomp filter or a non-zero
 * exit fails the run, and the log is then kept (and named) for reading;
 * KALTS_KEEP_LOGS=1 keeps every log.
 */
static bool log_clean(const struct daemon *d, int status)
{
	static const char *const bad[] = {
		"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
		"SUMMARY: ", "killed by signal 31",
	};
	bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	size_t i;

	if (!clean)
		fprintf(stderr, "altshd %d: exit status 0x%x\n", (int)d->pid, (unsigned int)status);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (log_count(d, bad[i]) != 0) {
			fprintf(stderr, "altshd %d: log has \"%s\"\n", (int)d->pid, bad[i]);
			clean = false;
		}
	}
	return clean;
}

static bool stop(struct daemon *d)
{
	char path[256];
	const char *names[] = { "hs.cert", "hs.key", "roots", "policy", "resumption.keys", "crl",
				"callers" };
	size_t i;
	int st = 0;
	bool clean;

	kill(d->pid, SIGTERM);
	if (waitpid(d->pid, &st, 0) != d->pid)
		st = -1;
	clean = log_clean(d, st);
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && d->dir[0]; i++) {
		snprintf(path, sizeof(path), "%s/%s", d->dir, names[i]);
		unlink(path);
	}
	if (d->dir[0])
		rmdir(d->dir);
	if (clean && !getenv("KALTS_KEEP_LOGS"))
		unlink(d->log);
	else
		fprintf(stderr, "altshd log kept: %s\n", d->log);
	return clean;
}

static int teardown(void **state)
{
	bool clean;

	(void)state;
	if (!started)
		return 0;
	clean = stop(&sd);
	clean &= stop(&cd);
	started = false;
	party_free(&sp);
	party_free(&cp);
	if (clean && !getenv("KALTS_KEEP_LOGS")) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
		if (system(cmd))
			return -1;
	}
	return clean ? 0 : -1;
}

struct call {
	pthread_t th;
	const struct daemon *d;
	int fd;
	struct altshd_request req;
	struct altshd_response resp;
	int ret;
	int64_t ms;
	volatile bool done;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *call_fn(void *arg)
{
	struct call *c = arg;
	int64_t t0 = mono_ms();

	c->ret = altshd_handshake(c->d->sock, c->fd, &c->req, &c->resp);
	c->ms = mono_ms() - t0;
	c->done = true;
	return NULL;
}

static const char *const target[] = { SID };

static void call_init(struct call *c, const struct daemon *d, int fd, enum alts_role role)
{
	memset(c, 0, sizeof(*c));
	c->d = d;
	c->fd = fd;
	c->req.role = role;
	c->req.return_key = true;
	if (role == ALTS_CLIENT) {
		c->req.target_identities = target;
		c->req.n_target_identities = 1;
	}
}

/* One connection: client daemon on one end, server daemon on the other. */
static void pair(struct call *c, struct call *s)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	call_init(c, &cd, sv[0], ALTS_CLIENT);
	call_init(s, &sd, sv[1], ALTS_SERVER);
	pthread_create(&s->th, NULL, call_fn, s);
	pthread_create(&c->th, NULL, call_fn, c);
	pthread_join(c->th, NULL);
	pthread_join(s->th, NULL);
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(c->ret, 0);
	assert_int_equal(s->ret, 0);
}

static void full_then_resumed(T_STATE)
{
	struct call c, s;
	int i;

	assert_int_equal(setup(), 0);
	pair(&c, &s);
	assert_int_equal(c.resp.status, 0);
	assert_int_equal(s.resp.status, 0);
	assert_false(c.resp.resumed);
	assert_true(c.resp.pfs);
	assert_int_equal(c.resp.key_len, 44);
	assert_memory_equal(c.resp.key, s.resp.key, 44);
	assert_string_equal(c.resp.peer_identity, SID);
	assert_string_equal(s.resp.peer_identity, CID);
	assert_string_equal(c.resp.local_identity, CID);
	/* the client daemon kept the ticket across handshake processes */
	for (i = 0; i < 3; i++) {
		pair(&c, &s);
		assert_int_equal(c.resp.status, 0);
		assert_int_equal(s.resp.status, 0);
		assert_true(c.resp.resumed);
		assert_true(s.resp.resumed);
		assert_memory_equal(c.resp.key, s.resp.key, 44);
	}
}

/* Server-side resumption: no client-held ticket is used (two candidate servers). */
static void server_held_tickets(T_STATE)
{
	static const char *const two[] = { "x@kalts.test", SID };
	struct call c, s;
	int sv[2], i;

	assert_int_equal(setup(), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		call_init(&c, &cd, sv[0], ALTS_CLIENT);
		call_init(&s, &sd, sv[1], ALTS_SERVER);
		c.req.target_identities = two;
		c.req.n_target_identities = 2;
		pthread_create(&s.th, NULL, call_fn, &s);
		pthread_create(&c.th, NULL, call_fn, &c);
		pthread_join(c.th, NULL);
		pthread_join(s.th, NULL);
		close(sv[0]);
		close(sv[1]);
		assert_int_equal(c.resp.status, 0);
		assert_int_equal(s.resp.status, 0);
		assert_memory_equal(c.resp.key, s.resp.key, 44);
		/* from the second on, the server holds a ticket from this client */
		if (i) {
			assert_true(c.resp.resumed);
			assert_true(s.resp.resumed);
		}
	}
}

static void keys_never_fall_back_to_plaintext(T_STATE)
{
	struct call c, s;
	int sv[2];

	assert_int_equal(setup(), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	call_init(&c, &cd, sv[0], ALTS_CLIENT);
	call_init(&s, &sd, sv[1], ALTS_SERVER);
	c.req.return_key = s.req.return_key = false;
	pthread_create(&s.th, NULL, call_fn, &s);
	pthread_create(&c.th, NULL, call_fn, &c);
	pthread_join(c.th, NULL);
	pthread_join(s.th, NULL);
	/* no ALTS record layer on a unix socket: the request fails, no key leaves */
	assert_int_equal(c.resp.status, ALTS_ERR_CONFIG);
	assert_int_equal(s.resp.status, ALTS_ERR_CONFIG);
	assert_int_equal(c.resp.key_len, 0);
	assert_false(c.resp.keys_installed);
	assert_int_not_equal(c.resp.errno_value, 0);
	close(sv[0]);
	close(sv[1]);
}

static void isolation(T_STATE)
{
	static const char garbage[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct call bad, c, s;
	int sv[2];

	assert_int_equal(setup(), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	call_init(&bad, &sd, sv[1], ALTS_SERVER);
	assert_int_equal(write(sv[0], garbage, sizeof(garbage)), sizeof(garbage));
	pthread_create(&bad.th, NULL, call_fn, &bad);
	pair(&c, &s);
	pthread_join(bad.th, NULL);
	assert_int_equal(bad.ret, 0);
	assert_int_equal(bad.resp.status, ALTS_ERR_MALFORMED);
	assert_int_equal(bad.resp.errno_value, EBADMSG);
	assert_int_equal(c.resp.status, 0);
	assert_int_equal(s.resp.status, 0);
	close(sv[0]);
	close(sv[1]);
}

/* The pid of the newest "@what handshake started" in @d's log, after @before of them. */
static pid_t started_pid(const struct daemon *d, const char *what, int before)
{
	char line[1024];
	pid_t pid = 0;
	FILE *f;
	int i;

	for (i = 0; i < 300 && log_count(d, what) <= before; i++)
		usleep(10000);
	assert_true(i < 300);
	f = fopen(d->log, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, what))
			sscanf(line, "altshd[%d]", &pid);
	fclose(f);
	assert_true(pid > 0 && pid != d->pid);
	return pid;
}

/* The value of @key in /proc/@pid/status, or "" if there is none. */
static void proc_status(pid_t pid, const char *key, char *val, size_t len)
{
	char path[64], line[512];
	size_t kl = strlen(key);
	FILE *f;

	val[0] = 0;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			snprintf(val, len, "%s", line + kl + 1 + strspn(line + kl + 1, " \t"));
			val[strcspn(val, "\n")] = 0;
		}
	}
	fclose(f);
}

/* Waits until the handshake process has installed its filter (its last step). */
static bool wait_confined(pid_t pid)
{
	char v[64];
	int i;

	for (i = 0; i < 300; i++) {
		proc_status(pid, "Seccomp", v, sizeof(v));
		if (!strcmp(v, "2"))
			return true;
		usleep(10000);
	}
	return false;
}

static bool same_ns(pid_t a, pid_t b, const char *ns)
{
	char pa[64], pb[64], la[64] = "", lb[64] = "";

	snprintf(pa, sizeof(pa), "/proc/%d/ns/%s", (int)a, ns);
	snprintf(pb, sizeof(pb), "/proc/%d/ns/%s", (int)b, ns);
	assert_true(readlink(pa, la, sizeof(la) - 1) > 0);
	assert_true(readlink(pb, lb, sizeof(lb) - 1) > 0);
	return !strcmp(la, lb);
}

/* Can an unprivileged process make user, mount and network namespaces here? */
static bool namespaces_available(void)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (!pid) {
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(1);
		_exit(unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET) ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* A handshake process: its own unprivileged user, no capabilities, own namespaces. */
static void handshake_process_confined(T_STATE)
{
	static const char *const caps[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
	struct passwd *pw = getpwnam("altshd");
	unsigned int uid = pw ? pw->pw_uid : 65534, gid = pw ? pw->pw_gid : 65534;
	char uids[128], gids[128], groups[128], cap[5][64], nnp[16], want[128];
	bool confined, ns_user = false, ns_mnt = false, ns_net = false;
	struct call w;
	int sv[2];
	size_t i;
	pid_t pid;

	assert_int_equal(setup(), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	call_init(&w, &sd, sv[1], ALTS_SERVER);
	w.req.timeout_ms = 2000;
	i = (size_t)log_count(&sd, "server handshake started");
	pthread_create(&w.th, NULL, call_fn, &w);
	pid = started_pid(&sd, "server handshake started", (int)i);
	confined = wait_confined(pid);
	proc_status(pid, "Uid", uids, sizeof(uids));
	proc_status(pid, "Gid", gids, sizeof(gids));
	proc_status(pid, "Groups", groups, sizeof(groups));
	for (i = 0; i < 5; i++)
		proc_status(pid, caps[i], cap[i], sizeof(cap[i]));
	proc_status(pid, "NoNewPrivs", nnp, sizeof(nnp));
	if (confined) {
		ns_user = !same_ns(pid, sd.pid, "user");
		ns_mnt = !same_ns(pid, sd.pid, "mnt");
		ns_net = !same_ns(pid, sd.pid, "net");
	}
	/* the peer never speaks: the handshake times out as usual */
	pthread_join(w.th, NULL);
	close(sv[0]);
	close(sv[1]);
	assert_true(confined);
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", uid, uid, uid, uid);
	assert_string_equal(uids, want);
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", gid, gid, gid, gid);
	assert_string_equal(gids, want);
	assert_string_equal(groups, "");
	for (i = 0; i < 5; i++)
		assert_string_equal(cap[i], "0000000000000000");
	assert_string_equal(nnp, "1");
	if (namespaces_available()) {
		assert_true(ns_user);
		assert_true(ns_mnt);
		assert_true(ns_net);
	} else {
		assert_true(log_count(&sd, "namespaces unavailable") >= 1);
	}
	assert_int_equal(w.ret, 0);
	assert_int_equal(w.resp.status, ALTS_ERR_TIMEOUT);
}

/* A handshake process that does not end by its deadline is killed by the daemon. */
static void deadline_enforced_by_parent(T_STATE)
{
	struct call w;
	int sv[2], i, before;
	pid_t pid;

	assert_int_equal(setup(), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	call_init(&w, &sd, sv[1], ALTS_SERVER);
	w.req.timeout_ms = 500;
	before = log_count(&sd, "server handshake started");
	pthread_create(&w.th, NULL, call_fn, &w);
	pid = started_pid(&sd, "server handshake started", before);
	assert_true(wait_confined(pid));
	/* stopped, it runs no deadline of its own */
	assert_int_equal(kill(pid, SIGSTOP), 0);
	for (i = 0; i < 1500 && !w.done; i++)
		usleep(10000);
	if (!w.done)
		kill(pid, SIGKILL);
	pthread_join(w.th, NULL);
	close(sv[0]);
	close(sv[1]);
	assert_true(i < 1500);
	assert_int_equal(w.ret, -ECONNRESET);
	for (i = 0; i < 100 && log_count(&sd, "overran its deadline") < 1; i++)
		usleep(10000);
	assert_int_equal(log_count(&sd, "overran its deadline"), 1);
}

/* A handshake process that dies (here: killed) takes nothing else down. */
static void crashed_handshake_process(T_STATE)
{
	struct call w, c, s;
	char line[1024];
	int sv[2], i, before, pid = 0;
	FILE *f;

	assert_int_equal(setup(), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	call_init(&w, &sd, sv[1], ALTS_SERVER);
	before = log_count(&sd, "server handshake started");
	pthread_create(&w.th, NULL, call_fn, &w);
	for (i = 0; i < 300 && log_count(&sd, "server handshake started") <= before; i++)
		usleep(10000);
	assert_true(i < 300);
	f = fopen(sd.log, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "server handshake started"))
			sscanf(line, "altshd[%d]", &pid);
	fclose(f);
	assert_true(pid > 0 && pid != sd.pid);
	/* the handshake process runs under its seccomp filter */
	{
		char path[64];
		bool filtered = false;

		snprintf(path, sizeof(path), "/proc/%d/status", pid);
		for (i = 0; i < 100 && !filtered; i++) {
			f = fopen(path, "r");
			assert_non_null(f);
			while (fgets(line, sizeof(line), f))
				filtered |= !strcmp(line, "Seccomp:\t2\n");
			fclose(f);
			if (!filtered)
				usleep(10000);
		}
		assert_true(filtered);
	}
	assert_int_equal(kill(pid, SIGKILL), 0);
	pthread_join(w.th, NULL);
	/* the requester learns that its handshake died; the daemon carries on */
	assert_int_equal(w.ret, -ECONNRESET);
	close(sv[0]);
	close(sv[1]);
	pair(&c, &s);
	assert_int_equal(c.resp.status, 0);
	assert_int_equal(s.resp.status, 0);
	for (i = 0; i < 100 && log_count(&sd, "killed by signal") < 1; i++)
		usleep(10000);
	assert_true(log_count(&sd, "killed by signal") >= 1);
}

/* Runs @fn(@arg) in a forked child under the sandbox; returns its wait status. */
static int sandboxed(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (!pid) {
		if (altshd_sandbox())
			_exit(10);
		fn(arg);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

struct call_args {
	long nr;
	long a[6];
};

static void make_call(void *arg)
{
	const struct call_args *c = arg;

	syscall(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
}

/* Anything a handshake process does not need kills it. */
static void sandbox_denies(T_STATE)
{
	static struct open_how how = { .flags = O_RDONLY };
	static struct io_uring_params up;
	static struct stat sb;
	const struct call_args calls[] = {
		{ __NR_openat2, { AT_FDCWD, (long)"/etc/passwd", (long)&how, sizeof(how) } },
		{ __NR_openat, { AT_FDCWD, (long)"/etc/passwd", O_RDONLY } },
		{ __NR_newfstatat, { AT_FDCWD, (long)"/etc/passwd", (long)&sb, 0 } },
		{ __NR_io_uring_setup, { 4, (long)&up } },
		{ __NR_clone, { SIGCHLD } },
#ifdef __NR_fork
		{ __NR_fork, { 0 } },
#endif
		{ __NR_mknodat, { AT_FDCWD, (long)"/tmp/kalts-sandbox-node", S_IFIFO | 0600 } },
		{ __NR_symlinkat, { (long)"/etc/passwd", AT_FDCWD, (long)"/tmp/kalts-sandbox-link" } },
		{ __NR_truncate, { (long)"/tmp/kalts-sandbox-none", 0 } },
		{ __NR_pidfd_open, { 1, 0 } },
		{ __NR_pidfd_getfd, { 0, 0, 0 } },
		{ __NR_setresuid, { 65534, 65534, 65534 } },
		{ __NR_unshare, { CLONE_NEWUSER } },
		{ __NR_execve, { (long)"/bin/true", 0, 0 } },
		{ __NR_socket, { AF_INET, SOCK_STREAM, 0 } },
		{ __NR_kill, { 1, 0 } },
		{ __NR_ptrace, { PTRACE_TRACEME } },
		{ __NR_prctl, { PR_SET_DUMPABLE, 1 } },
		{ __NR_mmap, { 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0 } },
		{ __NR_mprotect, { (long)&how & ~4095L, 4096, PROT_READ | PROT_EXEC } },
#ifdef __X32_SYSCALL_BIT
		/* the x32 ABI's numbers are the x86-64 ones with a bit set */
		{ __X32_SYSCALL_BIT | __NR_getpid, { 0 } },
		{ __X32_SYSCALL_BIT | __NR_openat, { AT_FDCWD, (long)"/etc/passwd", O_RDONLY } },
#endif
	};
	size_t i;

	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		int st = sandboxed(make_call, (void *)&calls[i]);

		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSYS)
			fprintf(stderr, "syscall %ld: status 0x%x, not killed by SIGSYS\n",
				calls[i].nr, (unsigned int)st);
		assert_true(WIFSIGNALED(st));
		assert_int_equal(WTERMSIG(st), SIGSYS);
	}
	assert_int_equal(access("/tmp/kalts-sandbox-node", F_OK), -1);
	assert_int_equal(access("/tmp/kalts-sandbox-link", F_OK), -1);
}

#if defined(__x86_64__)
/* An i386 system call (int 0x80) from a 64-bit process: a foreign architecture. */
static void call_i386(void *arg)
{
	long ret = 20;	/* i386 getpid */

	(void)arg;
	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
}

static void sandbox_foreign_arch(T_STATE)
{
	int st = sandboxed(call_i386, NULL);

	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}
#endif

struct hs_args {
	int fd;
	const struct alts_creds *creds;
};

static void client_handshake(void *arg)
{
	const struct hs_args *a = arg;
	struct alts_hs_config cfg = { .role = ALTS_CLIENT, .creds = a->creds, .pfs = ALTS_PFS_ON };
	struct alts_hs_result res;
	int err = alts_hs_run_fd(a->fd, &cfg, 5000, &res);

	alts_hs_result_wipe(&res);
	_exit(err ? 20 + err : 0);
}

/* A whole handshake runs under the sandbox (and the usual things still work). */
static void sandbox_allows_handshake(T_STATE)
{
	struct alts_hs_config cfg = { .role = ALTS_SERVER, .pfs = ALTS_PFS_ON };
	struct alts_hs_result res;
	struct hs_args a;
	int sv[2], st;
	pid_t pid;

	assert_int_equal(setup(), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	a.fd = sv[0];
	a.creds = cp.creds;
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(sv[1]);
		if (altshd_sandbox())
			_exit(10);
		client_handshake(&a);
	}
	close(sv[0]);
	cfg.creds = sp.creds;
	assert_int_equal(alts_hs_run_fd(sv[1], &cfg, 5000, &res), 0);
	assert_string_equal(res.peer.identity, CID);
	alts_hs_result_wipe(&res);
	close(sv[1]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/*
 * Another daemon with the server's configuration and @args; stop() leaves
 * that configuration alone.
 */
static void start_extra(struct daemon *xd, const char *name, const char *const *args,
			bool no_seccomp)
{
	struct daemon tmp;

	memset(&tmp, 0, sizeof(tmp));
	snprintf(tmp.sock, sizeof(tmp.sock), "%s/%s.sock", top, name);
	snprintf(tmp.log, sizeof(tmp.log), "%s/%s.log", top, name);
	strcpy(tmp.dir, sd.dir);
	start_opts(&tmp, "2", args, no_seccomp);
	*xd = tmp;
	xd->dir[0] = 0;
}

/* A daemon that cannot confine its handshake processes runs no handshake. */
static void no_sandbox_no_handshake(T_STATE)
{
	struct daemon xd;
	struct call c, s;
	int sv[2];

	assert_int_equal(setup(), 0);
	start_extra(&xd, "nosandbox", NULL, true);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	call_init(&c, &cd, sv[0], ALTS_CLIENT);
	call_init(&s, &xd, sv[1], ALTS_SERVER);
	pthread_create(&s.th, NULL, call_fn, &s);
	pthread_create(&c.th, NULL, call_fn, &c);
	pthread_join(s.th, NULL);
	/* the server end is gone: the client fails */
	close(sv[1]);
	pthread_join(c.th, NULL);
	close(sv[0]);
	assert_int_equal(s.ret, 0);
	assert_int_equal(s.resp.status, ALTS_ERR_INTERNAL);
	assert_int_equal(s.resp.key_len, 0);
	assert_int_not_equal(c.resp.status, 0);
	assert_int_equal(log_count(&xd, "refusing to run a handshake unconfined"), 1);
	assert_int_equal(log_count(&xd, "handshake with"), 0);
	assert_true(stop(&xd));
}

/*
 * Asks @d for @req from a process running as @uid/@gid, on one end of a
 * socketpair nobody answers on. The answer is in @resp; returns what
 * altshd_handshake() returned.
 */
static int request_as(const struct daemon *d, uid_t uid, gid_t gid, const struct altshd_request *req,
		      struct altshd_response *resp)
{
	struct {
		int ret;
		struct altshd_response resp;
	} out;
	int p[2], st;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		int sv[2];

		close(p[0]);
		memset(&out, 0, sizeof(out));
		if (setgroups(0, NULL) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid) ||
		    socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			_exit(1);
		out.ret = altshd_handshake(d->sock, sv[1], req, &out.resp);
		_exit(write(p[1], &out, sizeof(out)) == sizeof(out) ? 0 : 2);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &out, sizeof(out)), sizeof(out));
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	*resp = out.resp;
	return out.ret;
}

/* The request was refused by the caller policy before any handshake ran. */
static void assert_refused(int ret, const struct altshd_response *r)
{
	assert_int_equal(ret, 0);
	assert_int_equal(r->status, ALTS_ERR_POLICY);
	assert_int_equal(r->errno_value, EACCES);
	assert_int_equal(r->key_len, 0);
}

/* It was let through: with nobody on the other end, the handshake timed out. */
static void assert_ran(int ret, const struct altshd_response *r)
{
	assert_int_equal(ret, 0);
	assert_int_equal(r->status, ALTS_ERR_TIMEOUT);
	assert_int_equal(r->key_len, 0);
}

static const char *load_text(const char *text, struct callers **c, char *err, size_t len)
{
	char path[256];
	int ret;

	snprintf(path, sizeof(path), "%s/callers-unit", top);
	write_conf(top, "callers-unit", text, strlen(text), 0644);
	ret = callers_load(c, path, err, len);
	unlink(path);
	return ret ? err : NULL;
}

/* The caller policy's parser and decision, without a daemon. */
static void callers_parse_and_decide(T_STATE)
{
	static const char *const bad[] = {
		"uid:x client * * * install\n", "uid:-1 client * * * install\n",
		"pid:3 client * * * install\n", "user:no-such-user-kalts client * * * install\n",
		"* clients * * * install\n", "* client,,server * * * install\n",
		"* client * * ALTSRP_NONE install\n", "* client * * * maybe\n",
		"* client * * *\n", "* client * * * install extra\n", "* client , * * install\n",
		"* client * a,,b * install\n",
	};
	static const char *const one[] = { "a@x" }, *const two[] = { "a@x", "b@y" };
	static const enum alts_rp gcm = ALTS_RP_GCM_AES128, gmac = ALTS_RP_GMAC_128;
	struct caller_request req = { .role = ALTS_CLIENT, .local_identity = "me@x" };
	struct caller_decision dec;
	struct callers *c;
	char err[256];
	size_t i;

	assert_int_equal(setup(), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		if (!load_text(bad[i], &c, err, sizeof(err))) {
			callers_free(c);
			fail_msg("accepted: %s", bad[i]);
		}
		assert_non_null(strstr(err, ":1: "));
	}
	assert_null(load_text("# only a comment\n\n   \n", &c, err, sizeof(err)));
	callers_decide(c, 0, 0, &req, &dec);
	assert_false(dec.allowed);		/* no rule: nobody */
	callers_free(c);
	assert_null(load_text("user:nobody server me@* a@*,b@y " ALTS_RPN_GCM_AES128 " install\n"
			      "gid:7 client,server * * * return  # trailing comment\n",
			      &c, err, sizeof(err)));
	assert_int_equal(c->n_rules, 2);
	req.role = ALTS_SERVER;
	req.targets = two;
	req.n_targets = 2;
	callers_decide(c, 65534, 7, &req, &dec);	/* the uid rule comes first */
	assert_true(dec.allowed);
	assert_int_equal(dec.line, 1);
	assert_int_equal(dec.protocols, 1u << ALTS_RP_GCM_AES128);
	req.protocols = &gmac;
	req.n_protocols = 1;
	callers_decide(c, 65534, 7, &req, &dec);
	assert_false(dec.allowed);
	req.protocols = &gcm;
	req.local_identity = "other@x";
	callers_decide(c, 65534, 7, &req, &dec);
	assert_false(dec.allowed);
	req.local_identity = "me@x";
	req.n_targets = 0;			/* any peer: needs a bare '*' */
	callers_decide(c, 65534, 7, &req, &dec);
	assert_false(dec.allowed);
	callers_decide(c, 1, 7, &req, &dec);
	assert_true(dec.allowed);
	assert_int_equal(dec.line, 2);
	req.targets = one;
	req.n_targets = 1;
	req.return_key = true;
	callers_decide(c, 65534, 7, &req, &dec);
	assert_false(dec.allowed);
	callers_decide(c, 1, 7, &req, &dec);
	assert_true(dec.allowed);
	callers_decide(c, 1, 8, &req, &dec);
	assert_false(dec.allowed);
	callers_free(c);
	/* a symlink is not followed */
	{
		char link[256], real[256];

		snprintf(real, sizeof(real), "%s/callers-real", top);
		snprintf(link, sizeof(link), "%s/callers-link", top);
		write_conf(top, "callers-real", "* client * * * return\n", 22, 0644);
		assert_int_equal(symlink(real, link), 0);
		assert_int_not_equal(callers_load(&c, link, err, sizeof(err)), 0);
		unlink(link);
		unlink(real);
	}
}

/* Without a callers file: anyone may run handshakes, only root gets keys back. */
static void callers_builtin_policy(T_STATE)
{
	struct altshd_request req = { .role = ALTS_SERVER, .timeout_ms = 300 };
	struct altshd_response r;
	struct stat st;
	char path[256];
	DIR *dir;
	struct dirent *e;

	assert_int_equal(setup(), 0);
	/* the socket appears with its final mode; nothing is left of its making */
	assert_int_equal(stat(sd.sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0666);
	dir = opendir(top);
	assert_non_null(dir);
	while ((e = readdir(dir)))
		assert_null(strstr(e->d_name, ".altshd"));
	closedir(dir);
	req.return_key = true;
	assert_refused(request_as(&sd, 65534, 65534, &req, &r), &r);
	req.return_key = false;
	assert_ran(request_as(&sd, 65534, 65534, &req, &r), &r);
	req.return_key = true;
	assert_ran(request_as(&sd, 0, 0, &req, &r), &r);
	snprintf(path, sizeof(path), "%s/callers", sd.dir);
	assert_int_equal(access(path, F_OK), -1);
}

static void write_callers(const char *text, int mode, bool ok)
{
	int before = log_count(&sd, "caller policy:");
	int failed = log_count(&sd, "keeping the previous");
	char path[256];
	int i;

	snprintf(path, sizeof(path), "%s/callers", sd.dir);
	if (text) {
		char tmp[256];

		/* in place at once, with its mode (the daemon skips ".tmp." names) */
		snprintf(tmp, sizeof(tmp), "%s/callers.tmp.test", sd.dir);
		write_conf(sd.dir, "callers.tmp.test", text, strlen(text), 0600);
		assert_int_equal(chmod(tmp, (mode_t)mode), 0);
		assert_int_equal(rename(tmp, path), 0);
	} else {
		assert_int_equal(unlink(path), 0);
	}
	kill(sd.pid, SIGHUP);
	for (i = 0; i < 300; i++) {
		if (ok ? log_count(&sd, "caller policy:") > before :
			 log_count(&sd, "keeping the previous") > failed)
			break;
		usleep(10000);
	}
	assert_true(i < 300);
}

/* A callers file: per uid and gid, roles, targets, protocols, key return. */
static void callers_policy_file(T_STATE)
{
	static const char policy[] =
		"# WHO ROLES LOCAL TARGETS PROTOCOLS KEY\n"
		"uid:65534  server         " SID "  *@kalts.test,x@other  ALTSRP_GCM_AES128  install\n"
		"gid:65534  client         *        *                     *                  return\n"
		"uid:4242   client,server  nobody@* *                     *                  return\n"
		"uid:0      client,server  *        *                     *                  return\n";
	static const char *const sid[] = { SID }, *const cid[] = { CID };
	static const char *const elsewhere[] = { CID, "y@other" };
	static const enum alts_rp gmac = ALTS_RP_GMAC_128, gcm = ALTS_RP_GCM_AES128;
	struct altshd_request req = { .role = ALTS_SERVER, .timeout_ms = 300 };
	struct altshd_response r;

	assert_int_equal(setup(), 0);
	write_callers(policy, 0644, true);
	/* uid 65534: server only, named clients of kalts.test, AES-GCM, no key */
	req.role = ALTS_CLIENT;
	req.target_identities = sid;
	req.n_target_identities = 1;
	assert_refused(request_as(&sd, 65534, 65534, &req, &r), &r);
	req.role = ALTS_SERVER;
	req.n_target_identities = 0;
	assert_refused(request_as(&sd, 65534, 65534, &req, &r), &r);
	req.target_identities = elsewhere;
	req.n_target_identities = 2;
	assert_refused(request_as(&sd, 65534, 65534, &req, &r), &r);
	req.target_identities = cid;
	req.n_target_identities = 1;
	req.record_protocols = &gmac;
	req.n_record_protocols = 1;
	assert_refused(request_as(&sd, 65534, 65534, &req, &r), &r);
	req.record_protocols = &gcm;
	req.return_key = true;
	assert_refused(request_as(&sd, 65534, 65534, &req, &r), &r);
	req.return_key = false;
	assert_ran(request_as(&sd, 65534, 65534, &req, &r), &r);
	/* gid 65534 under another uid: clients, key returned */
	req.role = ALTS_CLIENT;
	req.target_identities = sid;
	req.record_protocols = NULL;
	req.n_record_protocols = 0;
	req.return_key = true;
	assert_ran(request_as(&sd, 1234, 65534, &req, &r), &r);
	/* a local identity the rule does not allow */
	assert_refused(request_as(&sd, 4242, 4242, &req, &r), &r);
	/* nobody else */
	assert_refused(request_as(&sd, 1234, 1234, &req, &r), &r);

	/* a broken or group-writable file keeps the policy in force */
	write_callers("uid:1234 client * * * sometimes\n", 0644, false);
	assert_refused(request_as(&sd, 1234, 1234, &req, &r), &r);
	write_callers("uid:1234 client * * * return\n", 0664, false);
	assert_refused(request_as(&sd, 1234, 1234, &req, &r), &r);
	write_callers(NULL, 0, true);
	req.return_key = false;
	assert_ran(request_as(&sd, 1234, 1234, &req, &r), &r);
}

/* A request cannot lower the daemon's PFS mode or protocol set, or extend its timeout. */
static void daemon_minimums(T_STATE)
{
	static const char *const args[] = { "--pfs-required", "-t", "1000", NULL };
	static const enum alts_rp gmac = ALTS_RP_GMAC_128;
	struct daemon xd;
	struct altshd_response r;
	struct call c, s, w;
	bool killed = false, clean;
	int sv[2], i;

	assert_int_equal(setup(), 0);
	start_extra(&xd, "minimums", args, false);
	/* PFS off asked of a daemon that requires it */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	call_init(&c, &cd, sv[0], ALTS_CLIENT);
	call_init(&s, &xd, sv[1], ALTS_SERVER);
	c.req.pfs = s.req.pfs = ALTS_PFS_OFF;
	pthread_create(&s.th, NULL, call_fn, &s);
	pthread_create(&c.th, NULL, call_fn, &c);
	pthread_join(c.th, NULL);
	pthread_join(s.th, NULL);
	close(sv[0]);
	close(sv[1]);
	/* integrity-only GMAC is not among the daemon's record protocols */
	{
		struct altshd_request req = { .role = ALTS_SERVER, .return_key = true,
					      .record_protocols = &gmac, .n_record_protocols = 1 };

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		i = altshd_handshake(xd.sock, sv[1], &req, &r);
		close(sv[0]);
		close(sv[1]);
	}
	/* ten minutes asked of a daemon whose limit is one second */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	call_init(&w, &xd, sv[1], ALTS_SERVER);
	w.req.timeout_ms = 600000;
	assert_int_equal(write(sv[0], "\x10", 1), 1);	/* a first byte, then silence */
	pthread_create(&w.th, NULL, call_fn, &w);
	{
		int j;

		for (j = 0; j < 1500 && !w.done; j++)
			usleep(10000);
		if (!w.done) {
			/* end it: the daemon and its handshake processes go */
			kill(xd.pid, SIGKILL);
			shutdown(sv[0], SHUT_RDWR);
			killed = true;
		}
	}
	pthread_join(w.th, NULL);
	close(sv[0]);
	close(sv[1]);
	clean = stop(&xd);
	assert_true(clean || killed);
	assert_int_equal(s.resp.status, 0);
	assert_int_equal(c.resp.status, 0);
	assert_true(s.resp.pfs);
	assert_true(c.resp.pfs);
	assert_int_equal(i, 0);
	assert_int_equal(r.status, ALTS_ERR_POLICY);
	assert_int_equal(w.ret, 0);
	assert_int_equal(w.resp.status, ALTS_ERR_TIMEOUT);
}

/* A TCP connection to @lfd from @src (127.0.0.x); the server's end in *@srv. */
static int tcp_from(int lfd, const char *src, int *srv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(c >= 0);
	assert_int_equal(inet_pton(AF_INET, src, &a.sin_addr), 1);
	assert_int_equal(bind(c, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &al), 0);
	assert_int_equal(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	*srv = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(*srv >= 0);
	return c;
}

static bool busy(const struct call *c)
{
	return c->ret == 0 && c->resp.status == ALTS_ERR_INTERNAL && c->resp.errno_value == EAGAIN;
}

/*
 * Silent peers cannot take every slot: each caller uid and each peer
 * address has a share, and a server handshake whose peer sends nothing
 * ends at the first-byte timeout.
 */
static void silent_peers_do_not_stall(T_STATE)
{
	static const char *const args[] = { "-j", "4", "--per-caller", "3", "--per-peer", "2",
					     "--first-byte-timeout", "500", NULL };
	struct sockaddr_in any = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct call hold[3], more, silent[6], c, s;
	struct altshd_response r;
	struct daemon xd;
	int hsv[3][2], msv[2], csock[6], ssock[6], lfd, cl, sr, i, before, rejected = 0;
	bool clean;

	assert_int_equal(setup(), 0);
	start_extra(&xd, "limits", args, false);
	/* one caller (root) with three client handshakes nobody answers ... */
	before = log_count(&xd, "client handshake started");
	for (i = 0; i < 3; i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, hsv[i]), 0);
		call_init(&hold[i], &xd, hsv[i][1], ALTS_CLIENT);
		hold[i].req.timeout_ms = 2500;
		pthread_create(&hold[i].th, NULL, call_fn, &hold[i]);
	}
	for (i = 0; i < 300 && log_count(&xd, "client handshake started") < before + 3; i++)
		usleep(10000);
	assert_true(i < 300);
	/* ... gets no fourth, while another uid still gets the free slot */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, msv), 0);
	call_init(&more, &xd, msv[1], ALTS_CLIENT);
	call_fn(&more);
	{
		struct altshd_request req = { .role = ALTS_SERVER, .timeout_ms = 300 };

		i = request_as(&xd, 65534, 65534, &req, &r);
	}
	for (sr = 0; sr < 3; sr++)
		pthread_join(hold[sr].th, NULL);
	for (sr = 0; sr < 3; sr++) {
		close(hsv[sr][0]);
		close(hsv[sr][1]);
	}
	close(msv[0]);
	close(msv[1]);
	assert_true(busy(&more));
	assert_ran(i, &r);
	for (i = 0; i < 3; i++)
		assert_int_equal(hold[i].resp.status, ALTS_ERR_TIMEOUT);

	/* six silent TCP peers from 127.0.0.1, and a real one from 127.0.0.2 */
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&any, sizeof(any)), 0);
	assert_int_equal(listen(lfd, 16), 0);
	for (i = 0; i < 6; i++) {
		csock[i] = tcp_from(lfd, "127.0.0.1", &ssock[i]);
		call_init(&silent[i], &xd, ssock[i], ALTS_SERVER);
		pthread_create(&silent[i].th, NULL, call_fn, &silent[i]);
	}
	cl = tcp_from(lfd, "127.0.0.2", &sr);
	call_init(&c, &cd, cl, ALTS_CLIENT);
	call_init(&s, &xd, sr, ALTS_SERVER);
	/* less than the daemon's timeout: it must not wait for the silent ones */
	c.req.timeout_ms = 2000;
	pthread_create(&s.th, NULL, call_fn, &s);
	pthread_create(&c.th, NULL, call_fn, &c);
	pthread_join(c.th, NULL);
	pthread_join(s.th, NULL);
	for (i = 0; i < 6; i++) {
		pthread_join(silent[i].th, NULL);
		close(csock[i]);
		close(ssock[i]);
	}
	close(cl);
	close(sr);
	close(lfd);
	clean = stop(&xd);
	assert_int_equal(c.resp.status, 0);
	assert_int_equal(s.resp.status, 0);
	for (i = 0; i < 6; i++) {
		rejected += busy(&silent[i]);
		assert_int_equal(silent[i].ret, 0);
		assert_true(busy(&silent[i]) || silent[i].resp.status == ALTS_ERR_TIMEOUT);
	}
	assert_true(rejected >= 1);
	assert_true(clean);
}

static void timeout_and_bound(T_STATE)
{
	struct call w[3], c, s;
	int sv[3][2], i;

	assert_int_equal(setup(), 0);
	/* the server daemon runs at most 2 handshakes at once */
	for (i = 0; i < 3; i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv[i]), 0);
		call_init(&w[i], &sd, sv[i][1], ALTS_SERVER);
		w[i].req.timeout_ms = 700;
		pthread_create(&w[i].th, NULL, call_fn, &w[i]);
		usleep(50000);
	}
	for (i = 0; i < 3; i++) {
		pthread_join(w[i].th, NULL);
		assert_int_equal(w[i].ret, 0);
		assert_int_equal(w[i].resp.status, ALTS_ERR_TIMEOUT);
		assert_int_equal(w[i].resp.errno_value, ETIMEDOUT);
		close(sv[i][0]);
		close(sv[i][1]);
	}
	/* two ran at once, the third waited for a free slot */
	{
		int64_t lo = w[0].ms, hi = w[0].ms;

		for (i = 1; i < 3; i++) {
			lo = w[i].ms < lo ? w[i].ms : lo;
			hi = w[i].ms > hi ? w[i].ms : hi;
		}
		if (!(lo >= 650 && lo < 2500 && hi >= 1200))
			fprintf(stderr, "bound: %lld %lld %lld ms\n", (long long)w[0].ms,
				(long long)w[1].ms, (long long)w[2].ms);
		assert_true(lo >= 650 && lo < 2500);
		assert_true(hi >= 1200);
	}
	/* and the daemon is still fine */
	pair(&c, &s);
	assert_int_equal(s.resp.status, 0);
}

static void bad_request(T_STATE)
{
	struct altshd_response r;
	int sv[2];

	assert_int_equal(setup(), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	{
		struct altshd_request req = { .role = ALTS_SERVER, .return_key = true };
		static const enum alts_rp bogus = (enum alts_rp)9;

		req.record_protocols = &bogus;
		req.n_record_protocols = 1;
		assert_int_equal(altshd_handshake(sd.sock, sv[1], &req, &r), 0);
		assert_int_equal(r.status, ALTS_ERR_MALFORMED);
	}
	close(sv[0]);
	close(sv[1]);
}

/* A CRL signed by the test root, as `altsctl crl' writes it. */
static void write_signed_crl(const char *dir, uint64_t serial, const uint64_t *ids, size_t n)
{
	uint64_t now = (uint64_t)time(NULL);
	struct alts_crl crl = { .serial = serial, .this_update = now - 60,
				.next_update = now + 3600, .ids = (uint64_t *)ids, .n_ids = n };
	uint8_t seed[32];
	char *text;
	size_t len;

	strcpy(crl.issuer, TEST_ROOT);
	root_seed(seed, TEST_ROOT);
	assert_int_equal(alts_crl_sign(seed, &crl, &text, &len), ALTS_OK);
	write_conf(dir, "crl", text, len, 0644);
	free(text);
}

static int count_fds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((e = readdir(dir)))
		n += e->d_name[0] != '.';
	closedir(dir);
	return n;
}

/*
 * Sends a valid server request with @n_fds descriptors attached, in one
 * SCM_RIGHTS message or (split) in one message per descriptor; returns the
 * daemon's answer status, or -1 if none came.
 */
static int raw_request(const struct daemon *d, const int *fds, size_t n_fds, bool split)
{
	Kalts__Hsd__HandshakeRequest r = KALTS__HSD__HANDSHAKE_REQUEST__INIT;
	Kalts__Hsd__HandshakeResponse *resp;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	union {
		char buf[CMSG_SPACE(8 * sizeof(int)) * 8];
		struct cmsghdr align;
	} cbuf;
	uint8_t buf[256];
	struct iovec iov = { buf, 0 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	size_t i, per = split ? 1 : n_fds;
	ssize_t n;
	int s, status = -1;

	r.role = 1;
	r.return_key = true;
	iov.iov_len = kalts__hsd__handshake_request__pack(&r, buf);
	memset(&cbuf, 0, sizeof(cbuf));
	mh.msg_control = n_fds ? cbuf.buf : NULL;
	mh.msg_controllen = n_fds ? (split ? n_fds : 1) * CMSG_SPACE(per * sizeof(int)) : 0;
	assert_true(n_fds <= 8 && mh.msg_controllen <= sizeof(cbuf.buf));
	cm = CMSG_FIRSTHDR(&mh);
	for (i = 0; i < n_fds; i += per) {
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(per * sizeof(int));
		memcpy(CMSG_DATA(cm), fds + i, per * sizeof(int));
		cm = CMSG_NXTHDR(&mh, cm);
	}
	strcpy(sun.sun_path, d->sock);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	assert_int_equal(connect(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(sendmsg(s, &mh, MSG_NOSIGNAL), (ssize_t)iov.iov_len);
	n = recv(s, buf, sizeof(buf), 0);
	resp = n > 0 ? kalts__hsd__handshake_response__unpack(NULL, (size_t)n, buf) : NULL;
	if (resp) {
		status = (int)resp->status;
		kalts__hsd__handshake_response__free_unpacked(resp, NULL);
	}
	close(s);
	return status;
}

/* Every descriptor that arrives with a request is closed; exactly one is accepted. */
static void extra_descriptors_closed(T_STATE)
{
	int sv[2], fds[4], before, after = -1, i, round;

	assert_int_equal(setup(), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	for (i = 0; i < 4; i++)
		fds[i] = sv[i & 1];
	before = count_fds(sd.pid);
	assert_true(before > 0);
	for (round = 0; round < 10; round++) {
		assert_int_equal(raw_request(&sd, fds, 2, false), ALTS_ERR_MALFORMED);
		assert_int_equal(raw_request(&sd, fds, 2, true), ALTS_ERR_MALFORMED);
		assert_int_equal(raw_request(&sd, fds, 4, false), ALTS_ERR_MALFORMED);
		assert_int_equal(raw_request(&sd, fds, 3, true), ALTS_ERR_MALFORMED);
		assert_int_equal(raw_request(&sd, fds, 0, false), ALTS_ERR_MALFORMED);
	}
	/* the daemon closes a connection just after answering on it */
	for (i = 0; i < 200; i++) {
		after = count_fds(sd.pid);
		if (after <= before)
			break;
		usleep(10000);
	}
	if (after > before)
		fprintf(stderr, "altshd descriptors: %d before, %d after\n", before, after);
	assert_true(after <= before);
	close(sv[0]);
	close(sv[1]);
}

static void reload_crl_and_inflight(T_STATE)
{
	const uint64_t revoked = (3ULL << 56) | 0x55;
	char path[256];
	struct call c, s, inflight;
	struct alts_hs_config cfg;
	struct alts_hs_result res;
	int sv[2], before, started_before, i;

	assert_int_equal(setup(), 0);
	before = loads(&sd);
	/* a server handshake is in flight when the client gets revoked */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	call_init(&inflight, &sd, sv[1], ALTS_SERVER);
	started_before = log_count(&sd, "server handshake started");
	pthread_create(&inflight.th, NULL, call_fn, &inflight);
	for (i = 0; i < 300 && log_count(&sd, "server handshake started") <= started_before; i++)
		usleep(10000);
	assert_true(i < 300);
	write_signed_crl(sd.dir, 1, &revoked, 1);
	wait_loads(&sd, before + 1);
	memset(&cfg, 0, sizeof(cfg));
	cfg.role = ALTS_CLIENT;
	cfg.creds = cp.creds;
	assert_int_equal(alts_hs_run_fd(sv[0], &cfg, 3000, &res), 0);
	pthread_join(inflight.th, NULL);
	assert_int_equal(inflight.resp.status, 0);	/* not dropped */
	alts_hs_result_wipe(&res);
	close(sv[0]);
	close(sv[1]);

	/* new handshakes see the CRL (resumption included: the ticket is checked) */
	pair(&c, &s);
	assert_int_equal(s.resp.status, ALTS_ERR_REVOKED);
	assert_int_equal(s.resp.errno_value, EKEYREVOKED);
	assert_int_equal(c.resp.status, ALTS_ERR_REVOKED);

	/* SIGHUP reloads too; an empty CRL lets the client back in */
	before = loads(&sd);
	write_signed_crl(sd.dir, 2, NULL, 0);
	wait_loads(&sd, before + 1);
	before = loads(&sd);
	kill(sd.pid, SIGHUP);
	wait_loads(&sd, before + 1);
	pair(&c, &s);
	assert_int_equal(s.resp.status, 0);
	assert_int_equal(c.resp.status, 0);

	/* once there is a CRL, taking it away is a failed reload, not "nothing revoked" */
	before = log_count(&sd, "CRL serial 2 is in force");
	snprintf(path, sizeof(path), "%s/crl", sd.dir);
	assert_int_equal(unlink(path), 0);
	for (i = 0; i < 300 && log_count(&sd, "CRL serial 2 is in force") <= before; i++)
		usleep(10000);
	assert_true(i < 300);
	write_signed_crl(sd.dir, 3, NULL, 0);
}

static void broken_reload_keeps_old(T_STATE)
{
	struct call c, s;
	char path[256];
	int i;

	assert_int_equal(setup(), 0);
	snprintf(path, sizeof(path), "%s/hs.key", sd.dir);
	assert_int_equal(chmod(path, 0644), 0);
	kill(sd.pid, SIGHUP);
	for (i = 0; i < 100; i++) {
		char line[512];
		FILE *f = fopen(sd.log, "r");
		bool seen = false;

		while (f && fgets(line, sizeof(line), f))
			seen |= strstr(line, "keeping the previous credentials") != NULL;
		if (f)
			fclose(f);
		if (seen)
			break;
		usleep(10000);
	}
	assert_true(i < 100);
	pair(&c, &s);
	assert_int_equal(s.resp.status, 0);
	assert_int_equal(chmod(path, 0600), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(full_then_resumed),
	cmocka_unit_test(server_held_tickets),
	cmocka_unit_test(keys_never_fall_back_to_plaintext),
	cmocka_unit_test(isolation),
	cmocka_unit_test(crashed_handshake_process),
	cmocka_unit_test(handshake_process_confined),
	cmocka_unit_test(deadline_enforced_by_parent),
	cmocka_unit_test(sandbox_denies),
#if defined(__x86_64__)
	cmocka_unit_test(sandbox_foreign_arch),
#endif
	cmocka_unit_test(sandbox_allows_handshake),
	cmocka_unit_test(no_sandbox_no_handshake),
	cmocka_unit_test(timeout_and_bound),
	cmocka_unit_test(callers_parse_and_decide),
	cmocka_unit_test(callers_builtin_policy),
	cmocka_unit_test(callers_policy_file),
	cmocka_unit_test(daemon_minimums),
	cmocka_unit_test(silent_peers_do_not_stall),
	cmocka_unit_test(bad_request),
	cmocka_unit_test(extra_descriptors_closed),
	cmocka_unit_test(reload_crl_and_inflight),
	cmocka_unit_test(broken_reload_keeps_old),
};

GROUP_TEARDOWN(daemon_group, "daemon", tests, teardown);
