// SPDX-License-Identifier: GPL-2.0
/*
 * The "alts" TCP upper layer protocol: registration, the per-family proto
 * and proto_ops tables, SOL_ALTS socket options and the socket's life cycle.
 */
#include <linux/module.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <linux/sockptr.h>
#include <net/genetlink.h>
#include <net/inet_connection_sock.h>
#include <net/tcp.h>

#include "alts.h"

enum { ALTS_V4, ALTS_V6, ALTS_NUM_FAMILIES };

/**
 * struct alts_family_tables - what ALTS sockets of one family use
 * @prot: TCP's proto with the ALTS overrides
 * @ops: the family's stream proto_ops with the ALTS overrides
 * @base_ops: the family's own proto_ops, for the operations ALTS wraps
 * @base: the proto @prot was built from
 * @users: sockets using @prot and @ops
 *
 * Built on first use from the socket's own tables (inet6_stream_ops is not
 * exported); @base and @users are under alts_tables_mutex.
 */
static struct alts_family_tables {
	struct proto prot;
	struct proto_ops ops;		/* not const: filled at run time */
	struct proto_ops base_ops;	/* not const: a copy of the family's */
	const struct proto *base;
	unsigned int users;
} alts_tables[ALTS_NUM_FAMILIES];
static DEFINE_MUTEX(alts_tables_mutex);

static int alts_family(const struct sock *sk)
{
	return sk->sk_family == AF_INET6 ? ALTS_V6 : ALTS_V4;
}

static void alts_tables_put(struct sock *sk)
{
	mutex_lock(&alts_tables_mutex);
	alts_tables[alts_family(sk)].users--;
	mutex_unlock(&alts_tables_mutex);
}

static int alts_validate(const struct alts_crypto_info *info)
{
	u32 key_len = alts_key_len(info->record_protocol);
	u32 i;

	if (info->version != ALTS_CRYPTO_INFO_VERSION || !key_len)
		return -EINVAL;
	if (info->side != ALTS_SIDE_CLIENT && info->side != ALTS_SIDE_SERVER)
		return -EINVAL;
	if (memchr_inv(info->reserved0, 0, sizeof(info->reserved0)) || info->reserved1 ||
	    memchr_inv(info->reserved2, 0, sizeof(info->reserved2)))
		return -EINVAL;
	for (i = key_len; i < ALTS_KEY_MAX_SIZE; i++)
		if (info->key[i])
			return -EINVAL;
	if (info->max_frame_len &&
	    (info->max_frame_len < ALTS_FRAME_LEN_MIN || info->max_frame_len > ALTS_FRAME_LEN_MAX))
		return -EINVAL;
	/* The counter must fit the bytes that count (40 bits without rekey). */
	if (info->record_protocol != ALTSRP_GCM_AES128_REKEY &&
	    info->counter >= BIT_ULL(8 * ALTS_COUNTER_OVERFLOW_LEN))
		return -EINVAL;
	return 0;
}

/* ALTS_TX / ALTS_RX. The key is copied to the stack and wiped on every
 * path; the crypto transforms keep their own (wiped on free) copies.
 */
static int alts_set_crypto_info(struct sock *sk, struct alts_ctx *ctx, sockptr_t optval,
				unsigned int optlen, bool tx)
{
	struct alts_crypto_info info;
	int err;

	if (optlen != sizeof(info))
		return -EINVAL;
	if (copy_from_sockptr(&info, optval, sizeof(info))) {
		err = -EFAULT;
		goto out;
	}
	err = alts_validate(&info);
	if (err)
		goto out;

	/* A send that started on the plain socket finishes first, so no
	 * byte of a later send reaches the wire unsealed.
	 */
	if (tx) {
		err = mutex_lock_interruptible(&ctx->tx_lock);
		if (err)
			goto out;
	}
	lock_sock(sk);
	/* While a handshake runs only its agent installs keys. */
	err = alts_hs_gate(ctx);
	if (err)
		goto out_unlock;
	if (tx ? ctx->tx_conf : ctx->rx_conf) {
		err = -EBUSY;
		goto out_unlock;
	}
	if ((ctx->tx_conf || ctx->rx_conf) &&
	    (ctx->protocol != info.record_protocol || ctx->side != info.side)) {
		err = -EINVAL;
		goto out_unlock;
	}
	if (tx)
		err = alts_tx_install(sk, ctx, &info);
	else
		err = alts_rx_install(sk, ctx, &info);
	if (err)
		goto out_unlock;
	ctx->protocol = info.record_protocol;
	ctx->side = info.side;
	alts_stat_inc(ctx->net, tx ? ALTS_STAT_CURR_TX : ALTS_STAT_CURR_RX);
	alts_stat_inc(ctx->net, tx ? ALTS_STAT_TOTAL_TX : ALTS_STAT_TOTAL_RX);
out_unlock:
	release_sock(sk);
	if (tx)
		mutex_unlock(&ctx->tx_lock);
out:
	memzero_explicit(&info, sizeof(info));
	return err;
}

static int alts_setsockopt(struct sock *sk, int level, int optname, sockptr_t optval,
			   unsigned int optlen)
{
	struct alts_ctx *ctx = alts_get_ctx(sk);

	if (level != SOL_ALTS)
		return ctx->sk_proto->setsockopt(sk, level, optname, optval, optlen);

	switch (optname) {
	case ALTS_TX:
	case ALTS_RX:
		return alts_set_crypto_info(sk, ctx, optval, optlen, optname == ALTS_TX);
	case ALTS_HANDSHAKE:
		return alts_hs_request(sk, ctx, optval, optlen);
	case ALTS_HANDSHAKE_CLAIM:
		return alts_hs_claim(ctx, optval, optlen);
	default:
		return -ENOPROTOOPT;
	}
}

/* Report a direction's configuration. Key bytes never leave the kernel. */
static int alts_get_crypto_info(struct sock *sk, struct alts_ctx *ctx, char __user *optval,
				int __user *optlen, bool tx)
{
	struct alts_crypto_info info = {};
	int len, err = 0;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < (int)sizeof(info))
		return -EINVAL;

	lock_sock(sk);
	if (!(tx ? ctx->tx_conf : ctx->rx_conf)) {
		err = -ENOKEY;
	} else {
		info.version = ALTS_CRYPTO_INFO_VERSION;
		info.record_protocol = ctx->protocol;
		info.side = ctx->side;
		info.max_frame_len = tx ? ctx->tx.max_frame_len : ctx->rx.max_frame_len;
		info.counter = tx ? ctx->tx.crypt.frame : ctx->rx.crypt.frame;
	}
	release_sock(sk);
	if (err)
		return err;

	if (put_user((int)sizeof(info), optlen) || copy_to_user(optval, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static int alts_getsockopt(struct sock *sk, int level, int optname, char __user *optval,
			   int __user *optlen)
{
	struct alts_ctx *ctx = alts_get_ctx(sk);
	int err;

	/* TCP_ZEROCOPY_RECEIVE would hand raw frames to the application (its
	 * copy fallback reads the receive queue directly).
	 */
	if (level == SOL_TCP && optname == TCP_ZEROCOPY_RECEIVE) {
		if (alts_rx_ready(ctx))
			return -EOPNOTSUPP;
		err = alts_hs_gate(ctx);
		if (err)
			return err;
	}
	if (level != SOL_ALTS)
		return ctx->sk_proto->getsockopt(sk, level, optname, optval, optlen);

	switch (optname) {
	case ALTS_TX:
	case ALTS_RX:
		return alts_get_crypto_info(sk, ctx, optval, optlen, optname == ALTS_TX);
	case ALTS_HANDSHAKE:
		return alts_hs_get_status(ctx, optval, optlen);
	case ALTS_PEER_INFO:
		return alts_hs_get_peer_info(ctx, optval, optlen);
	default:
		return -ENOPROTOOPT;
	}
}

static int alts_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	struct alts_ctx *ctx = alts_get_ctx(sk);
	int answ;

	if (cmd != SIOCINQ || !alts_rx_ready(ctx))
		return ctx->sk_proto->ioctl(sk, cmd, arg);

	lock_sock(sk);
	answ = alts_rx_inq(sk, ctx);
	release_sock(sk);
	return put_user(answ, (int __user *)arg);
}

/*
 * Data path entry points: while a handshake runs, only its agent may move
 * bytes, so the application's never interleave with the handshake's. The
 * transmit side checks under tx_lock (tx.c). A plain read can sleep in TCP
 * for as long as it likes, so readers without RX keys announce themselves
 * and a handshake request finding one fails with EBUSY; each side orders
 * its announcement before looking at the other's (alts_hs_submit()).
 */
static int alts_plain_read_begin(struct alts_ctx *ctx)
{
	int err;

	atomic_inc(&ctx->plain_readers);
	/* Pairs with the barrier in alts_hs_submit(). */
	smp_mb__after_atomic();
	err = alts_hs_gate(ctx);
	if (err)
		atomic_dec(&ctx->plain_readers);
	return err;
}

static int alts_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags,
			int *addr_len)
{
	struct alts_ctx *ctx = alts_get_ctx(sk);
	int ret;

	if (alts_rx_ready(ctx))
		return alts_rx_recvmsg(sk, msg, len, flags, addr_len);
	ret = alts_plain_read_begin(ctx);
	if (ret)
		return ret;
	ret = alts_rx_recvmsg(sk, msg, len, flags, addr_len);
	atomic_dec(&ctx->plain_readers);
	return ret;
}

static ssize_t alts_splice_read(struct socket *sock, loff_t *ppos,
				struct pipe_inode_info *pipe, size_t len, unsigned int flags)
{
	struct alts_ctx *ctx = alts_get_ctx(sock->sk);
	ssize_t ret;

	if (alts_rx_ready(ctx))
		return alts_rx_splice_read(sock, ppos, pipe, len, flags);
	ret = alts_plain_read_begin(ctx);
	if (ret)
		return ret;
	ret = alts_rx_splice_read(sock, ppos, pipe, len, flags);
	atomic_dec(&ctx->plain_readers);
	return ret;
}

static int alts_shutdown(struct socket *sock, int how)
{
	int err = alts_hs_gate(alts_get_ctx(sock->sk));

	return err ?: alts_tx_shutdown(sock, how);
}

/* Neither readable nor writable for the application during a handshake;
 * in error after a failed one.
 */
static __poll_t alts_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	__poll_t mask = alts_rx_poll(file, sock, wait);
	int err = alts_hs_gate(alts_get_ctx(sock->sk));

	if (err == -EBUSY)
		mask &= ~(EPOLLIN | EPOLLRDNORM | EPOLLRDBAND | EPOLLOUT | EPOLLWRNORM |
			  EPOLLWRBAND);
	else if (err)
		mask |= EPOLLERR;
	return mask;
}

/* connect(AF_UNSPEC) would let the socket be reused, even to listen, with
 * this context still attached (cf. CVE-2023-0461 in kTLS).
 */
static int alts_disconnect(struct sock *sk, int flags)
{
	return -EOPNOTSUPP;
}

/* In-kernel readers and writers would bypass the record layer. */
static int alts_no_read_sock(struct sock *sk, read_descriptor_t *desc,
			     sk_read_actor_t recv_actor)
{
	return -EOPNOTSUPP;
}

static int alts_no_sendpage_locked(struct sock *sk, struct page *page, int offset,
				   size_t size, int flags)
{
	return -EOPNOTSUPP;
}

static void alts_ctx_free_rcu(struct rcu_head *head)
{
	struct alts_ctx *ctx = container_of(head, struct alts_ctx, rcu);

	kfree_sensitive(ctx);
}

static void alts_close(struct sock *sk, long timeout)
{
	struct alts_ctx *ctx = alts_get_ctx(sk);
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct proto *base = ctx->sk_proto;
	struct net *net = ctx->net;

	/* A request still waiting for the agent dies with the socket (one
	 * the agent accepted keeps the socket open until it is done).
	 */
	alts_hs_cancel(ctx);

	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	if (ctx->tx_conf)
		alts_tx_flush_on_close(sk, ctx);

	/* From here on no callback of ours runs and no work is queued:
	 * callbacks are restored under the socket lock, which softirq
	 * callers of data_ready and write_space also respect.
	 */
	set_bit(ALTS_CTX_CLOSING, &ctx->flags);
	write_lock_bh(&sk->sk_callback_lock);
	if (ctx->rx_conf)
		sk->sk_data_ready = ctx->saved_data_ready;
	if (ctx->tx_conf)
		sk->sk_write_space = ctx->saved_write_space;
	rcu_assign_pointer(icsk->icsk_ulp_data, NULL);
	WRITE_ONCE(sk->sk_prot, base);
	write_unlock_bh(&sk->sk_callback_lock);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
	alts_tables_put(sk);

	cancel_work_sync(&ctx->tx_work);
	cancel_work_sync(&ctx->rx_work);

	if (ctx->tx_conf) {
		alts_tx_release(ctx);
		alts_stat_dec(net, ALTS_STAT_CURR_TX);
	}
	if (ctx->rx_conf) {
		alts_rx_release(ctx);
		alts_stat_dec(net, ALTS_STAT_CURR_RX);
	}
	alts_hs_release(ctx);
	mutex_destroy(&ctx->tx_lock);
	call_rcu(&ctx->rcu, alts_ctx_free_rcu);
	alts_stat_dec(net, ALTS_STAT_CURR_CTX);

	base->close(sk, timeout);
}

/**
 * alts_base_shutdown() - the family's own shutdown operation
 * @sock: socket
 * @how: SHUT_RD, SHUT_WR or SHUT_RDWR
 *
 * Return: its result.
 */
int alts_base_shutdown(struct socket *sock, int how)
{
	return alts_tables[alts_family(sock->sk)].base_ops.shutdown(sock, how);
}

/**
 * alts_sk_ctx() - the ALTS context of any socket
 * @sk: a socket whose file the caller holds
 *
 * Return: the context if @sk uses the "alts" ULP, else NULL.
 */
struct alts_ctx *alts_sk_ctx(struct sock *sk)
{
	if (!sk || READ_ONCE(sk->sk_prot)->close != alts_close)
		return NULL;
	return alts_get_ctx(sk);
}

static void alts_build_tables(struct alts_family_tables *t, struct sock *sk)
{
	struct proto *prot = &t->prot;

	*prot = *sk->sk_prot;
	prot->close = alts_close;
	prot->disconnect = alts_disconnect;
	prot->setsockopt = alts_setsockopt;
	prot->getsockopt = alts_getsockopt;
	prot->ioctl = alts_ioctl;
	prot->sendmsg = alts_tx_sendmsg;
	prot->sendpage = alts_tx_sendpage;
	prot->splice_eof = alts_tx_splice_eof;
	prot->recvmsg = alts_recvmsg;
	prot->sock_is_readable = alts_rx_is_readable;

	t->base_ops = *sk->sk_socket->ops;
	t->ops = t->base_ops;
	t->ops.poll = alts_poll;
	t->ops.shutdown = alts_shutdown;
	t->ops.splice_read = alts_splice_read;
	t->ops.mmap = sock_no_mmap;
	t->ops.read_sock = alts_no_read_sock;
	t->ops.read_skb = NULL;
	t->ops.sendpage_locked = alts_no_sendpage_locked;
	t->ops.sendmsg_locked = sock_no_sendmsg_locked;
	t->base = sk->sk_prot;
}

/*
 * Take a reference to the tables of @sk's family, building them from the
 * socket's own proto. Sockets read their tables without locks, so tables in
 * use are never rewritten: a socket whose proto is not the one they were
 * built from (another layer replaced it) is refused while they are in use.
 */
static struct alts_family_tables *alts_tables_get(struct sock *sk)
{
	struct alts_family_tables *t = &alts_tables[alts_family(sk)];

	mutex_lock(&alts_tables_mutex);
	if (t->base != sk->sk_prot) {
		if (t->users) {
			t = NULL;
			goto out;
		}
		alts_build_tables(t, sk);
	}
	t->users++;
out:
	mutex_unlock(&alts_tables_mutex);
	return t;
}

static int alts_ulp_init(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct alts_family_tables *t;
	struct alts_ctx *ctx;

	/* Only an established connection has a peer to agree keys with, and
	 * a listener's children would share this context.
	 */
	if (sk->sk_state != TCP_ESTABLISHED)
		return -ENOTCONN;
	if (!sk->sk_socket)
		return -EINVAL;
	/* Another layer (a sockmap, say) owns the socket's callbacks. */
	if (rcu_access_pointer(__sk_user_data(sk)))
		return -EBUSY;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	t = alts_tables_get(sk);
	if (!t) {
		kfree(ctx);
		return -EOPNOTSUPP;
	}
	ctx->sk = sk;
	ctx->net = sock_net(sk);
	ctx->sk_proto = READ_ONCE(sk->sk_prot);
	mutex_init(&ctx->tx_lock);
	INIT_WORK(&ctx->tx_work, alts_tx_work);
	INIT_WORK(&ctx->rx_work, alts_rx_work);
	INIT_LIST_HEAD(&ctx->rx.plain);

	/* Publish the context before the tables that use it. */
	rcu_assign_pointer(icsk->icsk_ulp_data, ctx);
	WRITE_ONCE(sk->sk_prot, &t->prot);
	WRITE_ONCE(sk->sk_socket->ops, &t->ops);

	alts_stat_inc(ctx->net, ALTS_STAT_CURR_CTX);
	alts_stat_inc(ctx->net, ALTS_STAT_TOTAL_CTX);
	return 0;
}

static struct tcp_ulp_ops alts_ulp_ops __read_mostly = {
	.name = "alts",
	.owner = THIS_MODULE,
	.init = alts_ulp_init,
};

static int __init alts_init(void)
{
	int err;

	err = alts_selftest_run();
	if (err)
		return err;
	err = alts_proc_init();
	if (err)
		return err;
	err = alts_hs_init();
	if (err)
		goto err_proc;
	err = alts_nl_init();
	if (err)
		goto err_hs;
	err = tcp_register_ulp(&alts_ulp_ops);
	if (err)
		goto err_nl;
	return 0;

err_nl:
	alts_nl_exit();
err_hs:
	alts_hs_exit();
err_proc:
	alts_proc_exit();
	return err;
}

static void __exit alts_exit(void)
{
	tcp_unregister_ulp(&alts_ulp_ops);
	alts_nl_exit();
	alts_hs_exit();
	alts_proc_exit();
	/* Contexts are freed through RCU. */
	rcu_barrier();
}

module_init(alts_init);
module_exit(alts_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ALTS record layer (gRPC-compatible) as a TCP upper layer protocol");
MODULE_ALIAS_TCP_ULP("alts");
MODULE_ALIAS_GENL_FAMILY(ALTS_GENL_NAME);
