// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit path: bytes from sendmsg, sendpage (sendfile, splice) are packed
 * into the open frame; a full frame, or the end of a send without MSG_MORE,
 * seals it in place and hands its pages to TCP by reference.
 *
 * At most two frames are held outside TCP: the open one and one sealed
 * frame that TCP had no room for yet ("pending"). A send first finishes the
 * pending frame, so bytes reach the wire in order. When a non-blocking send
 * leaves a pending frame behind, TCP's write_space callback queues tx_work
 * to finish it, so the peer is never left waiting for the rest of a frame
 * the application believes sent.
 *
 * Zero-copy transmit fits here without a change of structure: the payload
 * scatterlist handed to the AEAD can point at pinned user pages or the
 * page-cache pages of sendpage while the destination stays the frame's own
 * pages (see Documentation/alts-record-layer.rst).
 */
#include <linux/bvec.h>
#include <linux/scatterlist.h>
#include <linux/uio.h>
#include <net/tcp.h>

#include "alts.h"

#define ALTS_SENDMSG_FLAGS (MSG_MORE | MSG_DONTWAIT | MSG_NOSIGNAL | MSG_EOR | MSG_CMSG_COMPAT)

/* Hand the pending frame to TCP. Returns 0 once all of it is queued. */
static int alts_tx_push(struct sock *sk, struct alts_ctx *ctx, int flags, bool more)
{
	struct alts_pbuf *frame = ctx->tx.pending;

	flags &= MSG_DONTWAIT | MSG_NOSIGNAL;
	while (frame->off < frame->len) {
		u32 poff = offset_in_page(frame->off);
		u32 chunk = min_t(u32, PAGE_SIZE - poff, frame->len - frame->off);
		int pflags = flags;
		ssize_t sent;

		if (frame->off + chunk < frame->len)
			pflags |= MSG_SENDPAGE_NOTLAST;
		else if (more)
			pflags |= MSG_MORE;
		tcp_rate_check_app_limited(sk);
		sent = do_tcp_sendpages(sk, frame->pages[frame->off >> PAGE_SHIFT], poff, chunk,
					pflags);
		if (sent <= 0)
			return sent ? sent : -EAGAIN;
		frame->off += sent;
	}

	ctx->tx.pending = NULL;
	alts_pbuf_free(ctx->net, frame);
	return 0;
}

/* Seal the open frame in place and make it the pending frame. */
static int alts_tx_seal_open_frame(struct alts_ctx *ctx)
{
	struct alts_pbuf *frame = ctx->tx.open;
	u32 payload = frame->len - ALTS_FRAME_HDR_LEN;
	__le32 hdr[2];
	int err;

	err = alts_pbuf_reserve(frame, frame->len + ALTS_TAG_LEN);
	if (err)
		return err;
	err = alts_crypter_seal(&ctx->tx.crypt,
				alts_pbuf_sg(frame, ALTS_FRAME_HDR_LEN, payload + ALTS_TAG_LEN),
				payload);
	if (err)
		return err;

	hdr[0] = cpu_to_le32(ALTS_FRAME_TYPE_FIELD + payload + ALTS_TAG_LEN);
	hdr[1] = cpu_to_le32(ALTS_FRAME_TYPE);
	alts_pbuf_write(frame, 0, hdr, sizeof(hdr));
	frame->len += ALTS_TAG_LEN;
	frame->off = 0;

	ctx->tx.open = NULL;
	ctx->tx.pending = frame;
	alts_stat_inc(ctx->net, ALTS_STAT_TX_FRAMES);
	return 0;
}

static int alts_tx_new_frame(struct alts_ctx *ctx)
{
	struct alts_tx *tx = &ctx->tx;

	/* Refuse before taking any byte that could never be sealed. */
	if (tx->crypt.frame >= tx->crypt.frame_limit)
		return -EKEYEXPIRED;
	tx->open = alts_pbuf_alloc(ctx->net, ALTS_FRAME_HDR_LEN + tx->max_payload + ALTS_TAG_LEN,
				   false);
	if (!tx->open)
		return -ENOMEM;
	tx->open->len = ALTS_FRAME_HDR_LEN;
	return 0;
}

static int alts_tx_check_sock(struct sock *sk)
{
	if (sk->sk_err)
		return -sk->sk_err;
	if (sk->sk_shutdown & SEND_SHUTDOWN)
		return -EPIPE;
	return 0;
}

/* Seal and push the open frame, if any; a push that could not finish
 * leaves the frame pending, which is not an error for the bytes in it.
 */
static int alts_tx_flush(struct sock *sk, struct alts_ctx *ctx, int flags)
{
	int err;

	if (ctx->tx.pending) {
		err = alts_tx_push(sk, ctx, flags, !!ctx->tx.open);
		if (err)
			return err;
	}
	if (!ctx->tx.open)
		return 0;
	err = alts_tx_seal_open_frame(ctx);
	if (err)
		return err;
	return alts_tx_push(sk, ctx, flags, false);
}

/**
 * alts_tx_send_iter() - frame, seal and queue the bytes of @from
 * @sk: socket, locked, with ctx->tx_lock held
 * @ctx: its context, TX installed
 * @from: bytes to send
 * @flags: MSG_* flags of the call
 *
 * Return: bytes taken (sealed or in the open frame), or a negative errno
 * if none were.
 */
static int alts_tx_send_iter(struct sock *sk, struct alts_ctx *ctx, struct iov_iter *from,
			     int flags)
{
	bool more = flags & (MSG_MORE | MSG_SENDPAGE_NOTLAST);
	struct alts_tx *tx = &ctx->tx;
	size_t copied = 0;
	int err = 0;

	while (iov_iter_count(from)) {
		size_t room, got;

		err = alts_tx_check_sock(sk);
		if (err)
			break;
		if (tx->pending) {
			err = alts_tx_push(sk, ctx, flags, true);
			if (err)
				break;
		}
		if (!tx->open) {
			err = alts_tx_new_frame(ctx);
			if (err)
				break;
		}

		room = ALTS_FRAME_HDR_LEN + tx->max_payload - tx->open->len;
		room = min(room, iov_iter_count(from));
		err = alts_pbuf_reserve(tx->open, tx->open->len + room);
		if (err)
			break;
		got = alts_pbuf_copy_from_iter(tx->open, tx->open->len, room, from);
		tx->open->len += got;
		copied += got;
		if (got < room) {
			err = -EFAULT;
			break;
		}

		if (tx->open->len == ALTS_FRAME_HDR_LEN + tx->max_payload ||
		    (!more && !iov_iter_count(from))) {
			err = alts_tx_seal_open_frame(ctx);
			if (err)
				break;
			err = alts_tx_push(sk, ctx, flags, iov_iter_count(from) || more);
			/* The frame is committed; what is left goes out later. */
			if (err == -EAGAIN)
				err = 0;
			if (err)
				break;
		}
	}

	/* A send of zero bytes without MSG_MORE closes the open frame. */
	if (!err && !copied && !more && tx->open)
		err = alts_tx_flush(sk, ctx, flags);

	if (copied)
		return copied;
	if (err == -EPIPE)
		return sk_stream_error(sk, flags, err);
	return err;
}

static void alts_tx_unlock(struct sock *sk, struct alts_ctx *ctx)
{
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
}

/*
 * Frame @from for a keyed socket; called with tx_lock held, which it drops.
 *
 * Sends before ALTS_TX go to TCP as they are (the handshake runs over the
 * plain socket). They hold tx_lock too, as does the key install, so a send
 * is either wholly plain and before the first frame, or framed.
 */
static int alts_tx_send_framed(struct sock *sk, struct alts_ctx *ctx, struct iov_iter *from,
			       int flags, int allowed)
{
	int ret;

	if (flags & ~allowed) {
		mutex_unlock(&ctx->tx_lock);
		return -EOPNOTSUPP;
	}
	lock_sock(sk);
	ret = alts_tx_send_iter(sk, ctx, from, flags);
	alts_tx_unlock(sk, ctx);
	return ret;
}

/**
 * alts_tx_sendmsg() - proto.sendmsg of ALTS sockets
 * @sk: socket
 * @msg: message
 * @size: bytes in @msg
 *
 * Without TX keys the socket is plain TCP (the handshake runs over it).
 *
 * Return: bytes sent or a negative errno.
 */
int alts_tx_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct alts_ctx *ctx = alts_get_ctx(sk);
	int ret;

	ret = mutex_lock_interruptible(&ctx->tx_lock);
	if (ret)
		return ret;
	/* Under tx_lock, which a handshake request takes to start. */
	ret = alts_hs_gate(ctx);
	if (ret || !ctx->tx_conf) {
		ret = ret ?: ctx->sk_proto->sendmsg(sk, msg, size);
		mutex_unlock(&ctx->tx_lock);
		return ret;
	}
	return alts_tx_send_framed(sk, ctx, &msg->msg_iter, msg->msg_flags, ALTS_SENDMSG_FLAGS);
}

/**
 * alts_tx_sendpage() - proto.sendpage: sendfile and splice into the socket
 * @sk: socket
 * @page: page with the bytes
 * @offset: offset in @page
 * @size: bytes
 * @flags: MSG_* flags; MSG_SENDPAGE_NOTLAST keeps the frame open
 *
 * The page is read once, by the copy into the frame; the frame is sealed in
 * place. The page is never handed to TCP, so a file changing under a
 * retransmission cannot corrupt a sealed frame.
 *
 * Return: bytes sent or a negative errno.
 */
int alts_tx_sendpage(struct sock *sk, struct page *page, int offset, size_t size, int flags)
{
	struct alts_ctx *ctx = alts_get_ctx(sk);
	struct bio_vec bvec;
	struct iov_iter it;
	int ret;

	ret = mutex_lock_interruptible(&ctx->tx_lock);
	if (ret)
		return ret;
	ret = alts_hs_gate(ctx);
	if (ret || !ctx->tx_conf) {
		ret = ret ?: ctx->sk_proto->sendpage(sk, page, offset, size, flags);
		mutex_unlock(&ctx->tx_lock);
		return ret;
	}

	bvec.bv_page = page;
	bvec.bv_offset = offset;
	bvec.bv_len = size;
	iov_iter_bvec(&it, ITER_SOURCE, &bvec, 1, size);
	return alts_tx_send_framed(sk, ctx, &it, flags,
				   ALTS_SENDMSG_FLAGS | MSG_SENDPAGE_NOTLAST);
}

/**
 * alts_tx_splice_eof() - proto.splice_eof: a splice ended while announcing
 *	more data, so close the open frame now
 * @sock: socket
 */
void alts_tx_splice_eof(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct alts_ctx *ctx = alts_get_ctx(sk);

	if (!alts_tx_ready(ctx) || !READ_ONCE(ctx->tx.open))
		return;
	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	alts_tx_flush(sk, ctx, MSG_DONTWAIT | MSG_NOSIGNAL);
	alts_tx_unlock(sk, ctx);
}

/**
 * alts_tx_shutdown() - proto_ops.shutdown: flush the open frame before
 *	SHUT_WR stops the sending side
 * @sock: socket
 * @how: SHUT_RD, SHUT_WR or SHUT_RDWR
 *
 * inet_shutdown() marks the socket shut down before calling into the
 * protocol, so the flush has to happen here, before it.
 *
 * Return: the result of inet_shutdown().
 */
int alts_tx_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	struct alts_ctx *ctx = alts_get_ctx(sk);
	int ret;

	if ((how != SHUT_WR && how != SHUT_RDWR) || !alts_tx_ready(ctx))
		return alts_base_shutdown(sock, how);

	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	if (ctx->tx.open || ctx->tx.pending)
		alts_tx_flush(sk, ctx, 0);
	release_sock(sk);
	ret = alts_base_shutdown(sock, how);
	mutex_unlock(&ctx->tx_lock);
	return ret;
}

/**
 * alts_tx_work() - finish a pending frame once TCP has room
 * @work: ctx->tx_work
 */
void alts_tx_work(struct work_struct *work)
{
	struct alts_ctx *ctx = container_of(work, struct alts_ctx, tx_work);
	struct sock *sk = ctx->sk;

	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	clear_bit(ALTS_CTX_TX_SCHEDULED, &ctx->flags);
	if (!test_bit(ALTS_CTX_CLOSING, &ctx->flags) && ctx->tx.pending)
		alts_tx_push(sk, ctx, MSG_DONTWAIT | MSG_NOSIGNAL, false);
	alts_tx_unlock(sk, ctx);
}

/* sk_write_space: runs in softirq or under the socket owner. Close sets
 * ALTS_CTX_CLOSING and restores TCP's callback under the socket lock, so no
 * work can be queued after close cancels it.
 */
static void alts_tx_write_space(struct sock *sk)
{
	struct alts_ctx *ctx = alts_get_ctx(sk);

	if (READ_ONCE(ctx->tx.pending) && !test_bit(ALTS_CTX_CLOSING, &ctx->flags) &&
	    !test_and_set_bit(ALTS_CTX_TX_SCHEDULED, &ctx->flags))
		schedule_work(&ctx->tx_work);
	ctx->saved_write_space(sk);
}

/**
 * alts_tx_install() - ALTS_TX: set up sealing
 * @sk: socket, locked, with ctx->tx_lock held
 * @ctx: context without TX
 * @info: validated configuration
 *
 * Return: 0 or a negative errno.
 */
int alts_tx_install(struct sock *sk, struct alts_ctx *ctx, const struct alts_crypto_info *info)
{
	struct alts_tx *tx = &ctx->tx;
	int err;

	err = alts_crypter_init(&tx->crypt, info, true);
	if (err)
		return err;
	tx->max_frame_len = info->max_frame_len ?: ALTS_FRAME_LEN_DEFAULT_TX;
	tx->max_payload = tx->max_frame_len - ALTS_FRAME_L_MIN;

	write_lock_bh(&sk->sk_callback_lock);
	ctx->saved_write_space = sk->sk_write_space;
	sk->sk_write_space = alts_tx_write_space;
	write_unlock_bh(&sk->sk_callback_lock);

	/* Publish: pairs with alts_tx_ready(). */
	smp_store_release(&ctx->tx_conf, true);
	return 0;
}

/**
 * alts_tx_flush_on_close() - send what the application wrote before close
 * @sk: socket, locked, with ctx->tx_lock held
 * @ctx: context with TX installed
 *
 * Waits for send buffer space as a blocking send would, bounded by
 * SO_SNDTIMEO and by signals (a dying task does not wait). A frame that
 * still cannot be handed to TCP is lost; the peer then sees the stream end
 * inside a frame, which it reports as an error, never as a clean end.
 */
void alts_tx_flush_on_close(struct sock *sk, struct alts_ctx *ctx)
{
	if (ctx->tx.open || ctx->tx.pending)
		alts_tx_flush(sk, ctx, MSG_NOSIGNAL);
}

/**
 * alts_tx_release() - free TX state at close
 * @ctx: context; callbacks restored and tx_work cancelled
 */
void alts_tx_release(struct alts_ctx *ctx)
{
	alts_pbuf_free(ctx->net, ctx->tx.open);
	alts_pbuf_free(ctx->net, ctx->tx.pending);
	ctx->tx.open = NULL;
	ctx->tx.pending = NULL;
	alts_crypter_free(&ctx->tx.crypt);
}
