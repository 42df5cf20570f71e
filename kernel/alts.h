/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of the ALTS record layer, grouped by the file that
 * implements them.
 */
#ifndef _ALTS_H
#define _ALTS_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sockptr.h>
#include <linux/workqueue.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <uapi/linux/alts.h>

#include "frame.h"

struct aead_request;
struct crypto_aead;
struct crypto_shash;
struct scatterlist;

/**
 * struct alts_pbuf - a frame's bytes in order-0 pages
 * @list: RX: position in the queue of decrypted payloads
 * @size: capacity in bytes
 * @len: bytes of valid data
 * @off: TX: bytes already handed to TCP; RX: payload bytes already read
 * @nr_pages: entries in @pages
 * @sg: scatterlist of @nr_pages + 1 entries, rebuilt for each crypto call
 * @pages: backing pages, allocated on demand (NULL until first used)
 *
 * Pages are never reused once TCP or a pipe holds a reference to them, so
 * a frame handed to TCP stays intact until it is acknowledged.
 */
struct alts_pbuf {
	struct list_head list;
	u32 size;
	u32 len;
	u32 off;
	u32 nr_pages;
	struct scatterlist *sg;
	struct page *pages[];
};

/**
 * struct alts_crypter - the AEAD state of one direction
 * @aead: gcm(aes) transform
 * @kdf: hmac(sha256) keyed with the KDF key (ALTSRP_GCM_AES128_REKEY only)
 * @req: request reused for every frame; calls are serialised by the caller
 * @frame: number of the next frame to seal or open
 * @frame_limit: first frame number that must not be used (the counter's
 *	last value: gRPC refuses it, see record-protocol.md §4)
 * @kdf_counter: counter bytes 2..7 the current AES key was derived from
 * @kdf_valid: @kdf_counter holds a derived epoch
 * @nonce_mask: XORed into every nonce (REKEY), else zero
 * @protocol: enum alts_record_protocol
 * @dir: counter byte 11 of the frames this crypter handles
 */
struct alts_crypter {
	struct crypto_aead *aead;
	struct crypto_shash *kdf;
	struct aead_request *req;
	u64 frame;
	u64 frame_limit;
	u8 kdf_counter[ALTS_KDF_COUNTER_LEN];
	bool kdf_valid;
	u8 nonce_mask[ALTS_COUNTER_LEN];
	u8 protocol;
	u8 dir;
};

/**
 * struct alts_tx - transmit state, protected by ctx->tx_lock and the
 * socket lock
 * @crypt: sealing state
 * @max_payload: largest payload per frame
 * @max_frame_len: largest L, as configured
 * @open: frame being filled (MSG_MORE or a send still in progress)
 * @pending: sealed frame not yet completely handed to TCP
 */
struct alts_tx {
	struct alts_crypter crypt;
	u32 max_payload;
	u32 max_frame_len;
	struct alts_pbuf *open;
	struct alts_pbuf *pending;
};

/**
 * struct alts_rx - receive state, protected by the socket lock
 * @crypt: opening state
 * @max_frame_len: largest L accepted
 * @frame_len: wire length (4 + L) of the frame at the head of the stream,
 *	0 until its header has been parsed
 * @pulled: bytes of that frame already moved out of TCP into @partial
 * @partial: body of the head frame while it is being pulled
 * @frame_ready: the head frame is complete (in TCP's queue and @partial)
 * @err: sticky error (negative errno); the stream cannot resynchronise
 * @plain: decrypted payloads not yet read, oldest first
 * @plain_bytes: unread bytes in @plain
 */
struct alts_rx {
	struct alts_crypter crypt;
	u32 max_frame_len;
	u32 frame_len;
	u32 pulled;
	struct alts_pbuf *partial;
	bool frame_ready;
	int err;
	struct list_head plain;
	u32 plain_bytes;
};

/**
 * struct alts_hs_req - a handshake asked for with ALTS_HANDSHAKE
 * @list: position in its namespace's pending or running list
 * @ref: references (see handshake.c)
 * @timeout: ends the request at its deadline
 * @ctx: the socket's context
 * @net: the socket's namespace (held)
 * @handle: names the request in ACCEPT and DONE
 * @cookie: lets the agent's handshake process claim the socket's I/O
 * @uid: effective uid of the asker
 * @gid: effective gid of the asker
 * @pid: thread group of the asker
 * @cgroup_id: cgroup of the socket (0 without cgroup support)
 * @deadline: in jiffies
 * @agent_portid: netlink port that accepted the request
 * @agent_sk: netlink socket that accepted the request (compared only)
 * @state: enum alts_hs_state, under the namespace's lock
 * @nonblock: the asker does not wait; the outcome goes to SO_ERROR
 * @peer: filled in by a successful DONE, then handed to the socket
 * @params: the application's request, validated
 */
struct alts_hs_req {
	struct list_head list;
	struct kref ref;
	struct delayed_work timeout;
	struct alts_ctx *ctx;
	struct net *net;
	u64 handle;
	u64 cookie;
	kuid_t uid;
	kgid_t gid;
	struct pid *pid;
	u64 cgroup_id;
	unsigned long deadline;
	u32 agent_portid;
	const struct sock *agent_sk;
	u8 state;
	bool nonblock;
	struct alts_peer_info *peer;
	struct alts_handshake_req params;
};

enum alts_ctx_flags {
	ALTS_CTX_CLOSING,	/* no deferred work may be queued any more */
	ALTS_CTX_TX_SCHEDULED,
	ALTS_CTX_RX_SCHEDULED,
};

/**
 * struct alts_ctx - per-socket ULP state (icsk_ulp_data)
 * @sk: the socket
 * @net: its namespace, for statistics
 * @sk_proto: TCP's proto, used for everything ALTS does not handle
 * @tx_lock: serialises senders; held across waits for send buffer space,
 *	which drop the socket lock, so frames never interleave
 * @tx_conf: ALTS_TX installed (written under tx_lock and the socket lock,
 *	read with acquire semantics)
 * @rx_conf: ALTS_RX installed (likewise)
 * @protocol: record protocol of the installed direction(s)
 * @side: enum alts_side of the installed direction(s)
 * @flags: enum alts_ctx_flags
 * @tx: transmit state
 * @rx: receive state
 * @tx_work: pushes a sealed frame once TCP has room again
 * @rx_work: pulls a frame out of TCP when TCP cannot buffer all of it
 * @plain_readers: readers inside a receive without RX keys
 * @hs_state: enum alts_hs_state (written under the namespace's hs lock)
 * @hs_err: positive errno of a failed handshake
 * @hs: the active handshake request, under the namespace's hs lock
 * @hs_io: thread group doing the running handshake's I/O (compared only)
 * @peer: what a successful handshake established, set before @hs_state
 *	becomes ALTS_HS_DONE and kept until close
 * @saved_write_space: TCP's sk_write_space
 * @saved_data_ready: TCP's sk_data_ready
 * @rcu: freeing
 */
struct alts_ctx {
	struct sock *sk;
	struct net *net;
	struct proto *sk_proto;
	struct mutex tx_lock;	/* see above */
	bool tx_conf;
	bool rx_conf;
	u8 protocol;
	u8 side;
	unsigned long flags;
	struct alts_tx tx;
	struct alts_rx rx;
	struct work_struct tx_work;
	struct work_struct rx_work;
	atomic_t plain_readers;
	u8 hs_state;
	int hs_err;
	struct alts_hs_req *hs;
	struct pid *hs_io;
	struct alts_peer_info *peer;
	void (*saved_write_space)(struct sock *sk);
	void (*saved_data_ready)(struct sock *sk);
	struct rcu_head rcu;
};

static inline struct alts_ctx *alts_get_ctx(const struct sock *sk)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);

	/* The context lives until close; callers run under the socket lock,
	 * the socket's callback lock or on a file reference that keeps the
	 * socket open, so a plain dereference is enough (as kTLS does).
	 */
	return (__force struct alts_ctx *)icsk->icsk_ulp_data;
}

static inline bool alts_tx_ready(struct alts_ctx *ctx)
{
	/* Pairs with the release in alts_tx_install(): a direction seen
	 * as configured has all of its state initialised.
	 */
	return smp_load_acquire(&ctx->tx_conf);
}

static inline bool alts_rx_ready(struct alts_ctx *ctx)
{
	/* Pairs with the release in alts_rx_install(). */
	return smp_load_acquire(&ctx->rx_conf);
}

/* main.c */
int alts_base_shutdown(struct socket *sock, int how);
struct alts_ctx *alts_sk_ctx(struct sock *sk);

/* handshake.c */
int alts_hs_request(struct sock *sk, struct alts_ctx *ctx, sockptr_t optval,
		    unsigned int optlen);
int alts_hs_claim(struct alts_ctx *ctx, sockptr_t optval, unsigned int optlen);
bool alts_hs_cancel(struct alts_ctx *ctx);
int alts_hs_gate_slow(struct alts_ctx *ctx, u8 state);
int alts_hs_get_status(struct alts_ctx *ctx, char __user *optval, int __user *optlen);
int alts_hs_get_peer_info(struct alts_ctx *ctx, char __user *optval, int __user *optlen);
void alts_hs_release(struct alts_ctx *ctx);
struct alts_hs_req *alts_hs_accept_next(struct net *net, u32 portid, const struct sock *nlsk,
					struct file **filep);
void alts_hs_accept_undo(struct alts_hs_req *req);
/**
 * struct alts_hs_outcome - what DONE reports
 * @status: 0 or a positive errno
 * @peer_identity: success: the authenticated peer, non-empty
 * @local_identity: success: the identity presented, may be empty
 * @app_protocol: success: may be empty
 * @record_protocol: 0, or the protocol the agent says it installed
 * @max_frame_len: 0, or the TX limit the agent says it installed
 * @resumed: the session was resumed
 * @pfs: ephemeral keys were used
 */
struct alts_hs_outcome {
	u32 status;
	char peer_identity[ALTS_IDENTITY_SIZE];
	char local_identity[ALTS_IDENTITY_SIZE];
	char app_protocol[ALTS_APP_PROTOCOL_SIZE];
	u32 record_protocol;
	u32 max_frame_len;
	bool resumed;
	bool pfs;
};

int alts_hs_done(struct sock *sk, u64 handle, u32 portid, const struct sock *nlsk,
		 const struct alts_hs_outcome *out, struct netlink_ext_ack *extack);
void alts_hs_agent_gone(struct net *net, u32 portid);
void alts_hs_req_put(struct alts_hs_req *req);
int alts_hs_init(void);
void alts_hs_exit(void);

/* netlink.c */
bool alts_nl_has_agent(struct net *net);
int alts_nl_notify_ready(struct net *net);
int alts_nl_init(void);
void alts_nl_exit(void);

static inline u8 alts_hs_state(struct alts_ctx *ctx)
{
	/* Pairs with the release in alts_hs_complete(): a final state comes
	 * with its error or peer information.
	 */
	return smp_load_acquire(&ctx->hs_state);
}

/**
 * alts_hs_gate() - may the caller use the socket's data path now?
 * @ctx: the socket's context
 *
 * Return: 0, or the error to fail the call with while a handshake runs
 * (-EBUSY) or after it failed (its error).
 */
static inline int alts_hs_gate(struct alts_ctx *ctx)
{
	u8 state = alts_hs_state(ctx);

	if (likely(state == ALTS_HS_NONE || state == ALTS_HS_DONE))
		return 0;
	return alts_hs_gate_slow(ctx, state);
}

/* crypto.c */
u32 alts_key_len(u16 protocol);
int alts_crypter_init(struct alts_crypter *c, const struct alts_crypto_info *info, bool tx);
void alts_crypter_free(struct alts_crypter *c);
int alts_crypter_seal(struct alts_crypter *c, struct scatterlist *sg, u32 payload_len);
int alts_crypter_open(struct alts_crypter *c, struct scatterlist *sg, u32 body_len);
int alts_crypter_run(struct alts_crypter *c, const u8 *counter, struct scatterlist *sg,
		     u32 assoclen, u32 cryptlen, bool encrypt);
void alts_counter_build(u8 *counter, u64 frame, u8 dir);

/* pbuf.c */
struct alts_pbuf *alts_pbuf_alloc(struct net *net, u32 size, bool populate);
void alts_pbuf_free(struct net *net, struct alts_pbuf *buf);
int alts_pbuf_reserve(struct alts_pbuf *buf, u32 len);
struct scatterlist *alts_pbuf_sg(struct alts_pbuf *buf, u32 off, u32 len);
size_t alts_pbuf_copy_from_iter(struct alts_pbuf *buf, u32 off, size_t len, struct iov_iter *from);
size_t alts_pbuf_copy_to_iter(struct alts_pbuf *buf, u32 off, size_t len, struct iov_iter *to);
int alts_pbuf_copy_from_skb(struct alts_pbuf *buf, u32 off, const struct sk_buff *skb,
			    u32 skb_off, u32 len);
void alts_pbuf_write(struct alts_pbuf *buf, u32 off, const void *src, u32 len);

/* tx.c */
int alts_tx_sendmsg(struct sock *sk, struct msghdr *msg, size_t size);
int alts_tx_sendpage(struct sock *sk, struct page *page, int offset, size_t size, int flags);
void alts_tx_splice_eof(struct socket *sock);
int alts_tx_shutdown(struct socket *sock, int how);
int alts_tx_install(struct sock *sk, struct alts_ctx *ctx, const struct alts_crypto_info *info);
void alts_tx_flush_on_close(struct sock *sk, struct alts_ctx *ctx);
void alts_tx_release(struct alts_ctx *ctx);
void alts_tx_work(struct work_struct *work);

/* rx.c */
int alts_rx_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags, int *addr_len);
ssize_t alts_rx_splice_read(struct socket *sock, loff_t *ppos, struct pipe_inode_info *pipe,
			    size_t len, unsigned int flags);
__poll_t alts_rx_poll(struct file *file, struct socket *sock, poll_table *wait);
bool alts_rx_is_readable(struct sock *sk);
int alts_rx_inq(struct sock *sk, struct alts_ctx *ctx);
int alts_rx_install(struct sock *sk, struct alts_ctx *ctx, const struct alts_crypto_info *info);
void alts_rx_release(struct alts_ctx *ctx);
void alts_rx_work(struct work_struct *work);

/* proc.c */
enum alts_stat {
	ALTS_STAT_CURR_CTX,
	ALTS_STAT_CURR_TX,
	ALTS_STAT_CURR_RX,
	ALTS_STAT_CURR_BUFS,
	ALTS_STAT_TOTAL_CTX,
	ALTS_STAT_TOTAL_TX,
	ALTS_STAT_TOTAL_RX,
	ALTS_STAT_TX_FRAMES,
	ALTS_STAT_RX_FRAMES,
	ALTS_STAT_RX_AUTH_ERRORS,
	ALTS_STAT_RX_FRAME_ERRORS,
	ALTS_STAT_COPY_MODE_PULLS,
	ALTS_STAT_CURR_HS_PENDING,
	ALTS_STAT_HS_REQUESTED,
	ALTS_STAT_HS_ACCEPTED,
	ALTS_STAT_HS_COMPLETED,
	ALTS_STAT_HS_FAILED,
	ALTS_STAT_HS_TIMED_OUT,
	ALTS_STAT_HS_CANCELLED,
	ALTS_STAT_NUM
};

void alts_stat_add(struct net *net, enum alts_stat stat, long delta);
static inline void alts_stat_inc(struct net *net, enum alts_stat stat)
{
	alts_stat_add(net, stat, 1);
}

static inline void alts_stat_dec(struct net *net, enum alts_stat stat)
{
	alts_stat_add(net, stat, -1);
}

int alts_proc_init(void);
void alts_proc_exit(void);

/* selftest.c */
int __init alts_selftest_run(void);

#endif /* _ALTS_H */
