// SPDX-License-Identifier: GPL-2.0
/*
 * Handshakes through the kernel: an application asks for one with
 * setsockopt(SOL_ALTS, ALTS_HANDSHAKE); the request waits in its network
 * namespace until the handshake agent (altshd) accepts it over generic
 * netlink (netlink.c), receives a descriptor for the socket, runs the
 * handshake on it, installs both directions' keys and reports DONE.
 *
 * Life of a request:
 *
 *	submit ---> PENDING --accept--> RUNNING --done--> DONE
 *	               |                   |
 *	               +--- timeout, cancel, close, failed done --> FAILED
 *
 * A request is "active" while it is PENDING or RUNNING; it is then on one
 * of its namespace's lists and ctx->hs points at it. Every transition
 * happens under the namespace's hs lock, and only an active request can
 * make one, so each request completes exactly once. The lock nests inside
 * the socket lock (submit holds both); ACCEPT, DONE and the timeout never
 * take the socket lock, so they cannot deadlock against an application
 * that holds it.
 *
 * References: the socket holds one while the request is active, the
 * timeout work one while it is queued, and the asking thread one until it
 * has told the agents (the request may complete before that). The socket itself is kept alive by
 * its file while the request is PENDING (close cancels the request first)
 * and by the agent's descriptor while it is RUNNING.
 *
 * While a request is active only the agent's I/O owner (the process that
 * accepted it, or one that claimed it with the cookie) may use the data
 * path; the application gets EBUSY (alts_hs_gate()).
 */
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <crypto/algapi.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "alts.h"

static unsigned int hs_max_pending = 1024;
module_param(hs_max_pending, uint, 0644);
MODULE_PARM_DESC(hs_max_pending,
		 "Most handshakes pending or running per network namespace (default 1024)");

/**
 * struct alts_hs_net - per-namespace handshake state
 * @lock: protects both lists, @count and every active request's state
 * @pending: requests waiting for ACCEPT, oldest first
 * @running: accepted requests waiting for DONE
 * @count: active requests
 * @next_handle: handle of the next request
 */
struct alts_hs_net {
	struct mutex lock;	/* see above */
	struct list_head pending;
	struct list_head running;
	unsigned int count;
	u64 next_handle;
};

static unsigned int alts_hs_net_id __read_mostly;
static struct workqueue_struct *alts_hs_wq;

static struct alts_hs_net *alts_hs_net(const struct net *net)
{
	return net_generic(net, alts_hs_net_id);
}

static void alts_hs_req_free(struct kref *kref)
{
	struct alts_hs_req *req = container_of(kref, struct alts_hs_req, ref);

	put_pid(req->pid);
	put_net(req->net);
	kfree(req->peer);
	kfree_sensitive(req);
}

/**
 * alts_hs_req_put() - drop a reference to a request
 * @req: the request
 */
void alts_hs_req_put(struct alts_hs_req *req)
{
	kref_put(&req->ref, alts_hs_req_free);
}

static void alts_hs_wake(struct sock *sk)
{
	struct socket_wq *wq;

	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLIN | EPOLLRDNORM | EPOLLOUT |
					   EPOLLWRNORM | EPOLLERR);
	sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
	rcu_read_unlock();
}

static void alts_hs_clear_io_owner(struct alts_ctx *ctx)
{
	struct pid *old = ctx->hs_io;

	WRITE_ONCE(ctx->hs_io, NULL);
	put_pid(old);
}

/*
 * End an active request with @err (0: success, req->peer holds the
 * result), counted as @stat. Called with the namespace lock held; the
 * caller drops the socket's reference once it has unlocked.
 */
static void alts_hs_complete(struct alts_hs_net *hn, struct alts_hs_req *req, int err,
			     enum alts_stat stat)
{
	struct alts_ctx *ctx = req->ctx;
	struct sock *sk = ctx->sk;

	lockdep_assert_held(&hn->lock);
	list_del_init(&req->list);
	hn->count--;
	alts_stat_dec(ctx->net, ALTS_STAT_CURR_HS_PENDING);
	req->state = err ? ALTS_HS_FAILED : ALTS_HS_DONE;
	ctx->hs = NULL;
	alts_hs_clear_io_owner(ctx);
	if (err) {
		ctx->hs_err = err;
	} else {
		ctx->peer = req->peer;
		req->peer = NULL;
	}
	alts_stat_inc(ctx->net, stat);
	/* Pairs with the acquire in alts_hs_state(): whoever sees the
	 * final state sees the error or the peer information.
	 */
	smp_store_release(&ctx->hs_state, req->state);

	/* The error also goes to SO_ERROR, where a non-blocking asker finds
	 * it. The socket is alive: close cancels an active request under
	 * this lock before the socket goes away.
	 */
	if (err) {
		WRITE_ONCE(sk->sk_err, err);
		/* as tcp_reset() does: the error before its report */
		smp_wmb();
		sk_error_report(sk);
	}
	alts_hs_wake(sk);
}

/* Stop the timeout of a request that is no longer active. */
static void alts_hs_stop_timer(struct alts_hs_req *req)
{
	if (cancel_delayed_work(&req->timeout))
		alts_hs_req_put(req);
}

static void alts_hs_timeout(struct work_struct *work)
{
	struct alts_hs_req *req = container_of(to_delayed_work(work), struct alts_hs_req,
					       timeout);
	struct alts_hs_net *hn = alts_hs_net(req->net);
	bool ended = false;

	mutex_lock(&hn->lock);
	if (req->state == ALTS_HS_PENDING || req->state == ALTS_HS_RUNNING) {
		alts_hs_complete(hn, req, ETIMEDOUT, ALTS_STAT_HS_TIMED_OUT);
		ended = true;
	}
	mutex_unlock(&hn->lock);
	if (ended)
		alts_hs_req_put(req);	/* the socket's */
	alts_hs_req_put(req);		/* the work's */
}

static bool alts_hs_str_ok(const char *s, size_t size, size_t max, bool may_be_empty)
{
	size_t len = strnlen(s, size);

	if (len > max)
		return false;
	if (!len)
		return may_be_empty;
	/* the rest of the field is zero, so no stale bytes travel */
	return !memchr_inv(s + len, 0, size - len);
}

static int alts_hs_validate(const struct alts_handshake_req *p)
{
	u32 rps = BIT(ALTSRP_GCM_AES128) | BIT(ALTSRP_GCM_AES128_REKEY) | BIT(ALTSRP_GMAC_128);
	unsigned int i;

	if (p->version != ALTS_HANDSHAKE_VERSION)
		return -EINVAL;
	if (p->role != ALTS_ROLE_CLIENT && p->role != ALTS_ROLE_SERVER)
		return -EINVAL;
	if (p->flags & ~ALTS_HS_F_ALL || p->record_protocols & ~rps)
		return -EINVAL;
	if (p->timeout_ms > ALTS_HS_TIMEOUT_MAX_MS)
		return -EINVAL;
	if (p->max_frame_len &&
	    (p->max_frame_len < ALTS_FRAME_LEN_MIN || p->max_frame_len > ALTS_FRAME_LEN_MAX))
		return -EINVAL;
	if (memchr_inv(p->reserved, 0, sizeof(p->reserved)))
		return -EINVAL;
	if (p->n_targets > ALTS_HS_MAX_TARGETS)
		return -EINVAL;
	/* A client names whom it wants to reach, or says "anyone". */
	if (p->role == ALTS_ROLE_CLIENT && !p->n_targets && !(p->flags & ALTS_HS_F_ANY_PEER))
		return -EINVAL;
	if (p->role == ALTS_ROLE_SERVER && (p->flags & ALTS_HS_F_ANY_PEER))
		return -EINVAL;
	if (!alts_hs_str_ok(p->local_identity, sizeof(p->local_identity), ALTS_IDENTITY_MAX,
			    true))
		return -EINVAL;
	for (i = 0; i < ALTS_HS_MAX_TARGETS; i++) {
		const char *t = p->target_identities[i];

		if (i < p->n_targets ?
		    !alts_hs_str_ok(t, ALTS_IDENTITY_SIZE, ALTS_IDENTITY_MAX, false) :
				       !!memchr_inv(t, 0, ALTS_IDENTITY_SIZE))
			return -EINVAL;
	}
	return 0;
}

static struct alts_hs_req *alts_hs_req_alloc(struct sock *sk, struct alts_ctx *ctx,
					     sockptr_t optval, unsigned int optlen)
{
	struct alts_hs_req *req;
	const struct cred *cred;
	u32 timeout;
	int err;

	if (optlen != sizeof(req->params))
		return ERR_PTR(-EINVAL);
	req = kzalloc(sizeof(*req), GFP_KERNEL_ACCOUNT);
	if (!req)
		return ERR_PTR(-ENOMEM);
	/* Kept by the socket after success: charged to the asker, here. */
	req->peer = kzalloc(sizeof(*req->peer), GFP_KERNEL_ACCOUNT);
	if (!req->peer) {
		err = -ENOMEM;
		goto err;
	}
	if (copy_from_sockptr(&req->params, optval, sizeof(req->params))) {
		err = -EFAULT;
		goto err;
	}
	err = alts_hs_validate(&req->params);
	if (err)
		goto err;

	kref_init(&req->ref);
	INIT_LIST_HEAD(&req->list);
	INIT_DELAYED_WORK(&req->timeout, alts_hs_timeout);
	req->ctx = ctx;
	/* The timeout work may outlive the socket by a little. */
	req->net = get_net(sock_net(sk));
	cred = current_cred();
	req->uid = cred->euid;
	req->gid = cred->egid;
	req->pid = get_pid(task_tgid(current));
#ifdef CONFIG_SOCK_CGROUP_DATA
	req->cgroup_id = cgroup_id(sock_cgroup_ptr(&sk->sk_cgrp_data));
#endif
	req->cookie = get_random_u64();
	timeout = req->params.timeout_ms ?: ALTS_HS_TIMEOUT_DEFAULT_MS;
	req->deadline = jiffies + msecs_to_jiffies(timeout);
	req->nonblock = sk->sk_socket && sk->sk_socket->file &&
			(sk->sk_socket->file->f_flags & O_NONBLOCK);
	return req;

err:
	kfree(req->peer);
	kfree_sensitive(req);
	return ERR_PTR(err);
}

/* Queue @req, with the socket lock and tx_lock held. */
static int alts_hs_submit(struct sock *sk, struct alts_ctx *ctx, struct alts_hs_req *req)
{
	struct alts_hs_net *hn = alts_hs_net(ctx->net);
	int err = 0;

	if (sk->sk_state != TCP_ESTABLISHED)
		return -ENOTCONN;
	if (ctx->tx_conf || ctx->rx_conf || ctx->hs_state == ALTS_HS_DONE)
		return -EISCONN;
	if (ctx->hs_state != ALTS_HS_NONE)
		return -EALREADY;
	if (!alts_nl_has_agent(ctx->net))
		return -ESRCH;

	mutex_lock(&hn->lock);
	if (hn->count >= READ_ONCE(hs_max_pending)) {
		err = -EAGAIN;
		goto out;
	}
	/* A reader already asleep in TCP would take the agent's bytes. */
	WRITE_ONCE(ctx->hs_state, ALTS_HS_PENDING);
	/* Pairs with the barrier in alts_plain_read_begin(). */
	smp_mb();
	if (atomic_read(&ctx->plain_readers)) {
		WRITE_ONCE(ctx->hs_state, ALTS_HS_NONE);
		err = -EBUSY;
		goto out;
	}
	req->handle = ++hn->next_handle;
	req->state = ALTS_HS_PENDING;
	list_add_tail(&req->list, &hn->pending);
	hn->count++;
	ctx->hs = req;
	ctx->hs_err = 0;
	alts_stat_inc(ctx->net, ALTS_STAT_CURR_HS_PENDING);
	kref_get(&req->ref);
	queue_delayed_work(alts_hs_wq, &req->timeout, req->deadline - jiffies);
out:
	mutex_unlock(&hn->lock);
	return err;
}

/*
 * Take back a request nobody was told about: no agent listens in its
 * namespace. The socket is left as if it had never asked. Returns false if
 * an agent took the request meanwhile (it polls without READY).
 */
static bool alts_hs_withdraw(struct alts_ctx *ctx, struct alts_hs_req *req)
{
	struct alts_hs_net *hn = alts_hs_net(ctx->net);
	bool withdrawn = false;

	mutex_lock(&hn->lock);
	if (req->state == ALTS_HS_PENDING) {
		list_del_init(&req->list);
		hn->count--;
		alts_stat_dec(ctx->net, ALTS_STAT_CURR_HS_PENDING);
		req->state = ALTS_HS_FAILED;
		ctx->hs = NULL;
		WRITE_ONCE(ctx->hs_state, ALTS_HS_NONE);
		withdrawn = true;
	}
	mutex_unlock(&hn->lock);
	if (withdrawn) {
		alts_hs_stop_timer(req);
		alts_hs_req_put(req);
	}
	return withdrawn;
}

/**
 * alts_hs_cancel() - end the socket's active request, if any
 * @ctx: the socket's context
 *
 * Used on close and when a waiting application is interrupted. The agent
 * learns of it when its DONE is refused or the socket fails under it.
 *
 * Return: true if a request was cancelled, false if none was active.
 */
bool alts_hs_cancel(struct alts_ctx *ctx)
{
	struct alts_hs_net *hn = alts_hs_net(ctx->net);
	struct alts_hs_req *req;

	mutex_lock(&hn->lock);
	req = ctx->hs;
	if (req)
		alts_hs_complete(hn, req, ECANCELED, ALTS_STAT_HS_CANCELLED);
	mutex_unlock(&hn->lock);
	if (!req)
		return false;
	alts_hs_stop_timer(req);
	alts_hs_req_put(req);
	return true;
}

static int alts_hs_wait(struct sock *sk, struct alts_ctx *ctx)
{
	int err;

	/* Without the socket lock: the agent reads and writes the socket
	 * meanwhile. The deadline is the request's timeout work. Suspend
	 * freezes the wait; any signal cancels the request.
	 */
	err = wait_event_freezable(*sk_sleep(sk), alts_hs_state(ctx) >= ALTS_HS_DONE);
	if (err) {
		/* Not restartable: the request is gone once cancelled. */
		if (alts_hs_cancel(ctx))
			return -EINTR;
	}
	if (alts_hs_state(ctx) == ALTS_HS_DONE)
		return 0;
	return -ctx->hs_err;
}

/**
 * alts_hs_request() - setsockopt(SOL_ALTS, ALTS_HANDSHAKE)
 * @sk: the socket
 * @ctx: its context
 * @optval: struct alts_handshake_req
 * @optlen: its size
 *
 * Return: 0 once the handshake succeeded, -EINPROGRESS for a non-blocking
 * socket, or a negative errno (see include/uapi/linux/alts.h).
 */
int alts_hs_request(struct sock *sk, struct alts_ctx *ctx, sockptr_t optval,
		    unsigned int optlen)
{
	struct alts_hs_req *req;
	bool nonblock;
	int err;

	req = alts_hs_req_alloc(sk, ctx, optval, optlen);
	if (IS_ERR(req))
		return PTR_ERR(req);
	nonblock = req->nonblock;
	/* Ours, until the agents are told: once submitted, the request can
	 * complete (time out, be refused) at any moment.
	 */
	kref_get(&req->ref);

	/* Sends already in progress finish before the agent's bytes. */
	err = mutex_lock_interruptible(&ctx->tx_lock);
	if (err)
		goto err_free;
	lock_sock(sk);
	err = alts_hs_submit(sk, ctx, req);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
	if (err)
		goto err_free;

	if (alts_nl_notify_ready(ctx->net) == -ESRCH && alts_hs_withdraw(ctx, req)) {
		alts_hs_req_put(req);
		return -ESRCH;
	}
	alts_hs_req_put(req);
	alts_stat_inc(ctx->net, ALTS_STAT_HS_REQUESTED);
	if (nonblock)
		return -EINPROGRESS;
	return alts_hs_wait(sk, ctx);

err_free:
	alts_hs_req_put(req);
	alts_hs_req_put(req);
	return err;
}

/**
 * alts_hs_accept_next() - hand the oldest pending request to an agent
 * @net: the agent's namespace
 * @portid: the agent's netlink port
 * @nlsk: the agent's netlink socket
 * @filep: set to a new reference to the request's socket file
 *
 * The caller builds its reply from the returned request, installs the file
 * in the agent and then drops the returned reference; if the reply cannot
 * be sent it calls alts_hs_accept_undo() first.
 *
 * Return: the request with a reference held, or NULL if none is pending.
 */
struct alts_hs_req *alts_hs_accept_next(struct net *net, u32 portid, const struct sock *nlsk,
					struct file **filep)
{
	struct alts_hs_net *hn = alts_hs_net(net);
	struct alts_hs_req *req, *found = NULL;

	mutex_lock(&hn->lock);
	list_for_each_entry(req, &hn->pending, list) {
		struct socket *sock = req->ctx->sk->sk_socket;

		if (!sock || !sock->file)
			continue;
		/* The file stays valid while its request is listed: its
		 * release runs alts_close(), which must take this lock to
		 * cancel the request. A file already on its way out is
		 * skipped; its close will cancel the request.
		 */
		if (!get_file_rcu(sock->file))
			continue;
		*filep = sock->file;
		found = req;
		break;
	}
	if (found) {
		struct alts_ctx *ctx = found->ctx;

		list_move_tail(&found->list, &hn->running);
		found->state = ALTS_HS_RUNNING;
		found->agent_portid = portid;
		found->agent_sk = nlsk;
		WRITE_ONCE(ctx->hs_io, get_pid(task_tgid(current)));
		WRITE_ONCE(ctx->hs_state, ALTS_HS_RUNNING);
		alts_stat_inc(ctx->net, ALTS_STAT_HS_ACCEPTED);
		kref_get(&found->ref);
	}
	mutex_unlock(&hn->lock);
	return found;
}

/**
 * alts_hs_accept_undo() - put back a request whose ACCEPT reply failed
 * @req: the request returned by alts_hs_accept_next()
 */
void alts_hs_accept_undo(struct alts_hs_req *req)
{
	struct alts_hs_net *hn = alts_hs_net(req->net);

	mutex_lock(&hn->lock);
	if (req->state == ALTS_HS_RUNNING) {
		list_move(&req->list, &hn->pending);
		req->state = ALTS_HS_PENDING;
		alts_hs_clear_io_owner(req->ctx);
		WRITE_ONCE(req->ctx->hs_state, ALTS_HS_PENDING);
	}
	mutex_unlock(&hn->lock);
}

/*
 * The error the application sees for a failed handshake: codes that would
 * read as "try again" or that the kernel keeps for itself become EIO.
 */
static int alts_hs_status_error(u32 status)
{
	switch (status) {
	case EAGAIN:
	case EINPROGRESS:
	case EALREADY:
	case EINTR:
	case EBUSY:
		return -EIO;
	default:
		return status < 512 ? -(int)status : -EIO;
	}
}

/* Does a success report hold what the application asked for? */
static const char *alts_hs_check_success(struct alts_ctx *ctx, const struct alts_hs_req *req,
					 const struct alts_hs_outcome *out)
{
	const struct alts_handshake_req *p = &req->params;
	u8 side = p->role == ALTS_ROLE_SERVER ? ALTS_SIDE_SERVER : ALTS_SIDE_CLIENT;

	if (!alts_tx_ready(ctx) || !alts_rx_ready(ctx))
		return "keys are not installed in both directions";
	if (ctx->side != side)
		return "keys were installed for the other side";
	if (p->record_protocols && !(p->record_protocols & BIT(ctx->protocol)))
		return "record protocol not among those the application allowed";
	if ((p->flags & ALTS_HS_F_REQUIRE_PFS) && !out->pfs)
		return "the application required PFS";
	if (p->max_frame_len && ctx->tx.max_frame_len != p->max_frame_len)
		return "frame limit differs from the application's";
	if (out->record_protocol && out->record_protocol != ctx->protocol)
		return "record protocol differs from the installed keys";
	if (out->max_frame_len && out->max_frame_len != ctx->tx.max_frame_len)
		return "frame limit differs from the installed keys";
	if (!out->peer_identity[0])
		return "empty peer identity";
	return NULL;
}

static void alts_hs_fill_peer(struct alts_ctx *ctx, struct alts_hs_req *req,
			      const struct alts_hs_outcome *out)
{
	struct alts_peer_info *peer = req->peer;

	peer->version = ALTS_HANDSHAKE_VERSION;
	peer->record_protocol = ctx->protocol;
	peer->security_level = ctx->protocol == ALTSRP_GMAC_128 ?
			       ALTS_SECURITY_INTEGRITY_ONLY : ALTS_SECURITY_INTEGRITY_AND_PRIVACY;
	peer->max_frame_len = ctx->tx.max_frame_len;
	peer->flags = (out->resumed ? ALTS_PEER_F_RESUMED : 0) | (out->pfs ? ALTS_PEER_F_PFS : 0);
	strscpy(peer->peer_identity, out->peer_identity, sizeof(peer->peer_identity));
	strscpy(peer->local_identity, out->local_identity, sizeof(peer->local_identity));
	strscpy(peer->app_protocol, out->app_protocol, sizeof(peer->app_protocol));
}

/**
 * alts_hs_done() - the agent reports the outcome of a running request
 * @sk: the socket named by the DONE message (its file is held)
 * @handle: the request's handle
 * @portid: the sender's netlink port
 * @nlsk: the sender's netlink socket
 * @out: the outcome
 * @extack: where to explain a refusal
 *
 * A success that does not hold what the application asked for (keys in
 * both directions, for its side, with an allowed record protocol, PFS if
 * required) is refused, and the request keeps running until a valid DONE
 * or its deadline.
 *
 * Return: 0 if the outcome was taken, else why the message was refused.
 */
int alts_hs_done(struct sock *sk, u64 handle, u32 portid, const struct sock *nlsk,
		 const struct alts_hs_outcome *out, struct netlink_ext_ack *extack)
{
	struct alts_ctx *ctx = alts_sk_ctx(sk);
	struct alts_hs_net *hn;
	struct alts_hs_req *req;
	const char *why;
	int err = 0;

	if (!ctx) {
		NL_SET_ERR_MSG(extack, "socket does not use the alts ULP");
		return -EINVAL;
	}
	hn = alts_hs_net(ctx->net);
	mutex_lock(&hn->lock);
	req = ctx->hs;
	if (!req || req->handle != handle || req->state != ALTS_HS_RUNNING) {
		NL_SET_ERR_MSG(extack, "no running handshake with this handle on this socket");
		err = -ENOENT;
		goto out;
	}
	if (req->agent_portid != portid || req->agent_sk != nlsk) {
		NL_SET_ERR_MSG(extack, "handshake was accepted by another netlink socket");
		err = -EPERM;
		goto out;
	}
	if (out->status) {
		alts_hs_complete(hn, req, -alts_hs_status_error(out->status),
				 ALTS_STAT_HS_FAILED);
		goto out;
	}
	why = alts_hs_check_success(ctx, req, out);
	if (why) {
		/* NL_SET_ERR_MSG() wants a literal; these are. */
		if (extack)
			extack->_msg = why;
		err = -EKEYREJECTED;
		goto out;
	}
	alts_hs_fill_peer(ctx, req, out);
	alts_hs_complete(hn, req, 0, ALTS_STAT_HS_COMPLETED);
out:
	mutex_unlock(&hn->lock);
	if (!err) {
		alts_hs_stop_timer(req);
		alts_hs_req_put(req);
	}
	return err;
}

/**
 * alts_hs_agent_gone() - an agent's netlink socket was released
 * @net: its namespace
 * @portid: its port
 *
 * Nobody can report the outcome of the requests it accepted any more: they
 * fail now rather than at their deadline.
 */
void alts_hs_agent_gone(struct net *net, u32 portid)
{
	struct alts_hs_net *hn = alts_hs_net(net);
	struct alts_hs_req *req, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&hn->lock);
	list_for_each_entry_safe(req, tmp, &hn->running, list) {
		if (req->agent_portid != portid)
			continue;
		alts_hs_complete(hn, req, ECONNABORTED, ALTS_STAT_HS_FAILED);
		list_add_tail(&req->list, &gone);
	}
	mutex_unlock(&hn->lock);

	list_for_each_entry_safe(req, tmp, &gone, list) {
		list_del(&req->list);
		alts_hs_stop_timer(req);
		alts_hs_req_put(req);
	}
}

/**
 * alts_hs_claim() - setsockopt(SOL_ALTS, ALTS_HANDSHAKE_CLAIM)
 * @ctx: the socket's context
 * @optval: the request's cookie (u64)
 * @optlen: its size
 *
 * Makes the caller's process the one doing the running handshake's I/O.
 *
 * Return: 0, or -EPERM if no handshake runs or the cookie is wrong.
 */
int alts_hs_claim(struct alts_ctx *ctx, sockptr_t optval, unsigned int optlen)
{
	struct alts_hs_net *hn = alts_hs_net(ctx->net);
	struct alts_hs_req *req;
	u64 cookie;
	int err = -EPERM;

	if (optlen != sizeof(cookie))
		return -EINVAL;
	if (copy_from_sockptr(&cookie, optval, sizeof(cookie)))
		return -EFAULT;

	mutex_lock(&hn->lock);
	req = ctx->hs;
	if (req && req->state == ALTS_HS_RUNNING &&
	    !crypto_memneq(&cookie, &req->cookie, sizeof(cookie))) {
		alts_hs_clear_io_owner(ctx);
		WRITE_ONCE(ctx->hs_io, get_pid(task_tgid(current)));
		err = 0;
	}
	mutex_unlock(&hn->lock);
	memzero_explicit(&cookie, sizeof(cookie));
	return err;
}

/**
 * alts_hs_gate_slow() - may the caller use the data path now?
 * @ctx: the socket's context
 * @state: its handshake state, neither NONE nor DONE
 *
 * Return: 0 for the agent's I/O owner during the handshake, -EBUSY for
 * anyone else, and the handshake's error once it failed.
 */
int alts_hs_gate_slow(struct alts_ctx *ctx, u8 state)
{
	if (state == ALTS_HS_FAILED)
		return -READ_ONCE(ctx->hs_err);
	if (state == ALTS_HS_RUNNING && READ_ONCE(ctx->hs_io) == task_tgid(current))
		return 0;
	return -EBUSY;
}

/**
 * alts_hs_get_status() - getsockopt(SOL_ALTS, ALTS_HANDSHAKE)
 * @ctx: the socket's context
 * @optval: user buffer
 * @optlen: its size, in and out
 *
 * Return: 0 or a negative errno.
 */
int alts_hs_get_status(struct alts_ctx *ctx, char __user *optval, int __user *optlen)
{
	struct alts_handshake_status st = {};
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < (int)sizeof(st))
		return -EINVAL;
	st.state = alts_hs_state(ctx);
	if (st.state == ALTS_HS_FAILED)
		st.error = READ_ONCE(ctx->hs_err);
	if (put_user((int)sizeof(st), optlen) || copy_to_user(optval, &st, sizeof(st)))
		return -EFAULT;
	return 0;
}

/**
 * alts_hs_get_peer_info() - getsockopt(SOL_ALTS, ALTS_PEER_INFO)
 * @ctx: the socket's context
 * @optval: user buffer
 * @optlen: its size, in and out
 *
 * Return: 0, -ENODATA before a handshake through the kernel succeeded, or
 * another negative errno.
 */
int alts_hs_get_peer_info(struct alts_ctx *ctx, char __user *optval, int __user *optlen)
{
	const struct alts_peer_info *peer;
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < (int)sizeof(*peer))
		return -EINVAL;
	if (alts_hs_state(ctx) != ALTS_HS_DONE)
		return -ENODATA;
	/* Set before the state became DONE and kept until close. */
	peer = ctx->peer;
	if (put_user((int)sizeof(*peer), optlen) || copy_to_user(optval, peer, sizeof(*peer)))
		return -EFAULT;
	return 0;
}

/**
 * alts_hs_release() - free what the socket kept of its handshake
 * @ctx: the socket's context, closing; no request is active any more
 */
void alts_hs_release(struct alts_ctx *ctx)
{
	kfree(ctx->peer);
	ctx->peer = NULL;
}

static int __net_init alts_hs_net_init(struct net *net)
{
	struct alts_hs_net *hn = alts_hs_net(net);

	mutex_init(&hn->lock);
	INIT_LIST_HEAD(&hn->pending);
	INIT_LIST_HEAD(&hn->running);
	return 0;
}

static void __net_exit alts_hs_net_exit(struct net *net)
{
	struct alts_hs_net *hn = alts_hs_net(net);

	/* Every request belongs to a socket, and sockets pin their
	 * namespace, so none can be left.
	 */
	WARN_ON_ONCE(hn->count);
	mutex_destroy(&hn->lock);
}

static struct pernet_operations alts_hs_net_ops = {
	.init = alts_hs_net_init,
	.exit = alts_hs_net_exit,
	.id = &alts_hs_net_id,
	.size = sizeof(struct alts_hs_net),
};

int alts_hs_init(void)
{
	int err;

	alts_hs_wq = alloc_workqueue("alts_hs", WQ_UNBOUND, 0);
	if (!alts_hs_wq)
		return -ENOMEM;
	err = register_pernet_subsys(&alts_hs_net_ops);
	if (err)
		destroy_workqueue(alts_hs_wq);
	return err;
}

void alts_hs_exit(void)
{
	/* Timeout work may still run after the last socket went away. */
	destroy_workqueue(alts_hs_wq);
	unregister_pernet_subsys(&alts_hs_net_ops);
}
