// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path.
 *
 * Framing happens in sk_data_ready, which runs in softirq or under the
 * socket owner and only looks at TCP's receive queue: it parses the 8-byte
 * header of the frame at the head of the stream (rejecting L > limit,
 * L < 20 and message types other than 6 as soon as the bytes that show
 * it have arrived) and marks the frame ready
 * when all of it is queued. Readers are woken only then, so poll and epoll
 * report EPOLLIN for whole frames, never for a partial one.
 *
 * Opening happens in recvmsg and splice_read, in process context: the
 * frame body is pulled out of TCP into fresh pages, authenticated and
 * decrypted in place, and queued on rx.plain until read. No byte of a frame
 * is released before its tag has been checked.
 *
 * A frame normally waits in TCP's queue until it is complete. When TCP
 * cannot hold all of it (receive buffer pressure or a closed window: a
 * frame may be 1 MiB), rx_work pulls what has arrived into the frame's
 * pages, which opens the window again ("copy mode").
 */
#include <net/tcp.h>
#include <linux/pipe_fs_i.h>
#include <linux/splice.h>

#include "alts.h"

/* Fail the receive direction for good: gRPC cannot resynchronise a stream
 * after a bad frame either. sk_err makes poll report EPOLLERR and lets
 * SO_ERROR and the sending side see it.
 */
static void alts_rx_abort(struct sock *sk, struct alts_ctx *ctx, int err)
{
	if (ctx->rx.err)
		return;
	WRITE_ONCE(ctx->rx.err, err);
	alts_stat_inc(ctx->net, err == -EBADMSG ? ALTS_STAT_RX_AUTH_ERRORS :
			ALTS_STAT_RX_FRAME_ERRORS);
	WRITE_ONCE(sk->sk_err, -err);
	sk_error_report(sk);
}

/* Copy @len bytes from the head of TCP's receive queue without consuming. */
static int alts_rx_peek_queue(struct sock *sk, u8 *buf, u32 len)
{
	struct sk_buff *skb;
	u32 off;

	skb = tcp_recv_skb(sk, tcp_sk(sk)->copied_seq, &off);
	while (skb && len) {
		if (off < skb->len) {
			u32 chunk = min(skb->len - off, len);

			if (skb_copy_bits(skb, off, buf, chunk))
				return -EFAULT;
			buf += chunk;
			len -= chunk;
		}
		off = 0;
		skb = skb_peek_next(skb, &sk->sk_receive_queue);
	}
	return len ? -EAGAIN : 0;
}

/**
 * alts_rx_check_header() - judge the head frame's header as far as it is
 *	queued
 * @sk: socket, owned or bh-locked
 * @rx: receive state
 * @inq: bytes TCP holds
 *
 * A header is rejected as soon as its queued bytes prove it bad (L as soon
 * as its four bytes are there, the type byte by byte), so a stream that
 * ends inside a bad header reports the bad header, not a truncated frame.
 *
 * Return: the frame's wire length (4 + L), 0 while the header is not
 * complete, or -EMSGSIZE / -EPROTO.
 */
static int alts_rx_check_header(struct sock *sk, struct alts_rx *rx, u32 inq)
{
	static const u8 type[ALTS_FRAME_TYPE_FIELD] = { ALTS_FRAME_TYPE };
	u32 have = min_t(u32, inq, ALTS_FRAME_HDR_LEN);
	u8 hdr[ALTS_FRAME_HDR_LEN];
	u32 len;

	if (have < ALTS_FRAME_LEN_FIELD || alts_rx_peek_queue(sk, hdr, have))
		return 0;
	len = get_unaligned_le32(hdr);
	if (len > rx->max_frame_len)
		return -EMSGSIZE;
	if (len < ALTS_FRAME_L_MIN ||
	    memcmp(hdr + ALTS_FRAME_LEN_FIELD, type, have - ALTS_FRAME_LEN_FIELD))
		return -EPROTO;
	if (have < ALTS_FRAME_HDR_LEN)
		return 0;
	return ALTS_FRAME_LEN_FIELD + len;
}

/**
 * alts_rx_parse() - advance the framer over what TCP holds
 * @sk: socket, owned or bh-locked
 * @ctx: context with RX installed
 *
 * Return: true when the head frame is complete.
 */
static bool alts_rx_parse(struct sock *sk, struct alts_ctx *ctx)
{
	struct alts_rx *rx = &ctx->rx;
	u32 inq;
	int ret;

	if (rx->err)
		return false;
	if (rx->frame_ready)
		return true;

	inq = tcp_inq(sk);
	if (!rx->frame_len) {
		ret = alts_rx_check_header(sk, rx, inq);
		if (ret < 0)
			alts_rx_abort(sk, ctx, ret);
		if (ret <= 0)
			return false;
		rx->frame_len = ret;
	}

	if (rx->pulled + inq < rx->frame_len)
		return false;
	WRITE_ONCE(rx->frame_ready, true);
	return true;
}

struct alts_rx_pull_state {
	struct alts_rx *rx;
	int err;
};

/* tcp_read_sock actor: drop the header, copy the body into rx.partial. */
static int alts_rx_pull_actor(read_descriptor_t *desc, struct sk_buff *skb,
			      unsigned int offset, size_t len)
{
	struct alts_rx_pull_state *st = desc->arg.data;
	struct alts_rx *rx = st->rx;
	u32 want = min_t(size_t, len, desc->count);
	u32 used = 0;

	if (rx->pulled < ALTS_FRAME_HDR_LEN) {
		used = min_t(u32, ALTS_FRAME_HDR_LEN - rx->pulled, want);
		rx->pulled += used;
	}
	if (want > used) {
		u32 body = want - used;
		int err;

		err = alts_pbuf_copy_from_skb(rx->partial, rx->pulled - ALTS_FRAME_HDR_LEN, skb,
					      offset + used, body);
		if (err) {
			st->err = err;
			desc->count = 0;
			return used ?: err;
		}
		rx->pulled += body;
		used += body;
	}
	desc->count -= used;
	return used;
}

/* Move the rest of the head frame (as much as TCP holds) into rx.partial. */
static int alts_rx_pull(struct sock *sk, struct alts_ctx *ctx)
{
	struct alts_rx *rx = &ctx->rx;
	struct alts_rx_pull_state st = { .rx = rx };
	read_descriptor_t desc = {};

	if (!rx->partial) {
		rx->partial = alts_pbuf_alloc(ctx->net, rx->frame_len - ALTS_FRAME_HDR_LEN, true);
		if (!rx->partial)
			return -ENOMEM;
	}
	desc.arg.data = &st;
	desc.count = rx->frame_len - rx->pulled;
	tcp_read_sock(sk, &desc, alts_rx_pull_actor);
	return st.err;
}

/*
 * Would the rest of the head frame stall in front of a full receive buffer?
 * TCP advertises a zero window once its free space drops below one MSS
 * (__tcp_select_window), and no further data_ready comes then, so decide
 * now: pull when the missing bytes plus an MSS do not fit in the free
 * space, or when the window has already collapsed (as kTLS checks).
 */
static bool alts_rx_must_pull(struct sock *sk, struct alts_ctx *ctx)
{
	struct alts_rx *rx = &ctx->rx;
	u32 missing;

	if (!rx->frame_len || rx->frame_ready || rx->err)
		return false;
	if (rx->pulled || tcp_epollin_ready(sk, INT_MAX))
		return true;
	missing = rx->frame_len - tcp_inq(sk);
	return tcp_space(sk) < (int)(missing + inet_csk(sk)->icsk_ack.rcv_mss);
}

/* Process context: frame what TCP holds and, if the rest of the head frame
 * could stall, pull what has arrived so TCP reopens its window.
 */
static void alts_rx_advance(struct sock *sk, struct alts_ctx *ctx)
{
	int err;

	if (alts_rx_parse(sk, ctx) || !alts_rx_must_pull(sk, ctx))
		return;
	err = alts_rx_pull(sk, ctx);
	if (err) {
		alts_rx_abort(sk, ctx, err);
		return;
	}
	alts_stat_inc(ctx->net, ALTS_STAT_COPY_MODE_PULLS);
	alts_rx_parse(sk, ctx);
}

/* Open the complete head frame and queue its payload on rx.plain. */
static int alts_rx_open_frame(struct sock *sk, struct alts_ctx *ctx)
{
	struct alts_rx *rx = &ctx->rx;
	struct alts_pbuf *frame;
	u32 body;
	int err;

	err = alts_rx_pull(sk, ctx);
	if (!err && rx->pulled != rx->frame_len)
		err = -EPROTO;	/* urgent data inside a frame */
	if (err) {
		alts_rx_abort(sk, ctx, err);
		return err;
	}

	frame = rx->partial;
	body = rx->frame_len - ALTS_FRAME_HDR_LEN;
	rx->partial = NULL;
	rx->pulled = 0;
	rx->frame_len = 0;
	WRITE_ONCE(rx->frame_ready, false);

	err = alts_crypter_open(&rx->crypt, alts_pbuf_sg(frame, 0, body), body);
	if (err) {
		alts_pbuf_free(ctx->net, frame);
		alts_rx_abort(sk, ctx, err);
		return err;
	}
	alts_stat_inc(ctx->net, ALTS_STAT_RX_FRAMES);

	frame->len = body - ALTS_TAG_LEN;
	if (frame->len) {
		list_add_tail(&frame->list, &rx->plain);
		WRITE_ONCE(rx->plain_bytes, rx->plain_bytes + frame->len);
	} else {
		alts_pbuf_free(ctx->net, frame);
	}
	alts_rx_advance(sk, ctx);
	return 0;
}

static void alts_rx_consume(struct alts_ctx *ctx, struct alts_pbuf *frame, u32 n)
{
	frame->off += n;
	WRITE_ONCE(ctx->rx.plain_bytes, ctx->rx.plain_bytes - n);
	if (frame->off == frame->len) {
		list_del(&frame->list);
		alts_pbuf_free(ctx->net, frame);
	}
}

/* Something a reader that has seen @skip decrypted bytes should look at. */
static bool alts_rx_wakeup_cond(struct sock *sk, struct alts_ctx *ctx, size_t skip)
{
	return READ_ONCE(ctx->rx.frame_ready) || READ_ONCE(ctx->rx.plain_bytes) > skip ||
	       READ_ONCE(ctx->rx.err) || READ_ONCE(sk->sk_err) ||
	       (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN);
}

/**
 * alts_rx_wait() - sleep until there is something new to look at
 * @sk: socket, locked (dropped while sleeping)
 * @ctx: context with RX installed
 * @timeo: remaining timeout, updated
 * @have_data: the caller already has bytes to return; a socket error is
 *	then left for the next call, as tcp_recvmsg() does
 * @skip: decrypted bytes the caller has already seen (a peek)
 *
 * Other readers run while the lock is dropped, so the caller looks at the
 * queue again after every wakeup rather than trusting what it saw before.
 *
 * Return: 1 to look again, 0 at a clean end of stream, or a negative errno
 * (the sticky RX error, a socket error, -EAGAIN, a signal).
 */
static int alts_rx_wait(struct sock *sk, struct alts_ctx *ctx, long *timeo, bool have_data,
			size_t skip)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	if (ctx->rx.err)
		return ctx->rx.err;
	if (sk->sk_err)
		return have_data ? -EAGAIN : sock_error(sk);
	if (sk->sk_shutdown & RCV_SHUTDOWN) {
		/* The stream ended: cleanly only between frames. */
		if (ctx->rx.frame_len || tcp_inq(sk)) {
			alts_rx_abort(sk, ctx, -ECONNRESET);
			return -ECONNRESET;
		}
		return 0;
	}
	if (!*timeo)
		return -EAGAIN;
	if (signal_pending(current))
		return sock_intr_errno(*timeo);

	add_wait_queue(sk_sleep(sk), &wait);
	sk_set_bit(SOCKWQ_ASYNC_WAITDATA, sk);
	sk_wait_event(sk, timeo, alts_rx_wakeup_cond(sk, ctx, skip), &wait);
	sk_clear_bit(SOCKWQ_ASYNC_WAITDATA, sk);
	remove_wait_queue(sk_sleep(sk), &wait);
	return 1;
}

/* The payload holding the unread byte @skip bytes past the oldest one. */
static struct alts_pbuf *alts_rx_find(struct alts_ctx *ctx, size_t skip, u32 *off)
{
	struct alts_pbuf *frame;

	list_for_each_entry(frame, &ctx->rx.plain, list) {
		u32 avail = frame->len - frame->off;

		if (skip < avail) {
			*off = frame->off + skip;
			return frame;
		}
		skip -= avail;
	}
	return NULL;
}

/**
 * alts_rx_get() - the decrypted payload holding unread byte @skip
 * @sk: socket, locked
 * @ctx: context with RX installed
 * @skip: bytes to pass over (what a peek has already copied), else 0
 * @off: set to the byte's offset in the payload
 * @timeo: remaining timeout; 0 means only what is ready now
 * @have_data: the caller already has bytes to return
 *
 * Opens frames as needed; a peek opens no more than the receive buffer
 * would hold.
 *
 * Return: a payload, NULL at the end of the stream (or when a peek has
 * opened enough), or an ERR_PTR.
 */
static struct alts_pbuf *alts_rx_get(struct sock *sk, struct alts_ctx *ctx, size_t skip,
				     u32 *off, long *timeo, bool have_data)
{
	struct alts_pbuf *frame;
	int ret;

	for (;;) {
		frame = alts_rx_find(ctx, skip, off);
		if (frame)
			return frame;
		if (ctx->rx.frame_ready) {
			if (skip && ctx->rx.plain_bytes >= READ_ONCE(sk->sk_rcvbuf))
				return NULL;
			ret = alts_rx_open_frame(sk, ctx);
			if (ret)
				return ERR_PTR(ret);
			continue;
		}
		ret = alts_rx_wait(sk, ctx, timeo, have_data, skip);
		if (ret <= 0)
			return ret ? ERR_PTR(ret) : NULL;
	}
}

static int alts_rx_recv_locked(struct sock *sk, struct alts_ctx *ctx, struct msghdr *msg,
			       size_t len, int flags)
{
	bool peek = flags & MSG_PEEK;
	long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	int target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	size_t copied = 0;
	int err = 0;

	while (copied < len) {
		/* Past the low-water mark, take only what is ready. */
		long now = 0, *wait = copied >= target ? &now : &timeo;
		struct alts_pbuf *frame;
		size_t n, done;
		u32 off;

		frame = alts_rx_get(sk, ctx, peek ? copied : 0, &off, wait, copied);
		if (IS_ERR_OR_NULL(frame)) {
			/* Having read something, report an error next time. */
			if (!copied)
				err = PTR_ERR_OR_ZERO(frame);
			break;
		}

		n = min_t(size_t, len - copied, frame->len - off);
		done = alts_pbuf_copy_to_iter(frame, off, n, &msg->msg_iter);
		copied += done;
		if (!peek)
			alts_rx_consume(ctx, frame, done);
		if (done < n) {
			if (!copied)
				err = -EFAULT;
			break;
		}
	}
	return copied ?: err;
}

/**
 * alts_rx_recvmsg() - proto.recvmsg of ALTS sockets
 * @sk: socket
 * @msg: destination
 * @len: bytes wanted
 * @flags: MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT, MSG_TRUNC is not supported
 * @addr_len: unused (stream socket)
 *
 * One call may span frames; a partly read frame keeps its rest for the next
 * call. SO_RCVLOWAT and MSG_WAITALL count decrypted bytes.
 *
 * Return: bytes read, 0 at a clean end of stream, or a negative errno.
 */
int alts_rx_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags, int *addr_len)
{
	struct alts_ctx *ctx = alts_get_ctx(sk);
	int ret;

	if (!alts_rx_ready(ctx) || (flags & MSG_ERRQUEUE))
		return ctx->sk_proto->recvmsg(sk, msg, len, flags, addr_len);
	if (flags & (MSG_OOB | MSG_TRUNC))
		return -EOPNOTSUPP;

	lock_sock(sk);
	ret = alts_rx_recv_locked(sk, ctx, msg, len, flags);
	release_sock(sk);
	return ret;
}

static void alts_rx_spd_release(struct splice_pipe_desc *spd, unsigned int i)
{
	put_page(spd->pages[i]);
}

/* Give the pipe references to the payload pages of [off, off + len). */
static ssize_t alts_rx_splice_frame(struct pipe_inode_info *pipe, struct alts_pbuf *frame,
				    u32 off, size_t len)
{
	struct partial_page partial[PIPE_DEF_BUFFERS];
	struct page *pages[PIPE_DEF_BUFFERS];
	struct splice_pipe_desc spd = {
		.pages = pages,
		.partial = partial,
		.nr_pages_max = PIPE_DEF_BUFFERS,
		.ops = &nosteal_pipe_buf_ops,
		.spd_release = alts_rx_spd_release,
	};

	while (len && spd.nr_pages < PIPE_DEF_BUFFERS) {
		u32 poff = offset_in_page(off);
		u32 chunk = min_t(size_t, PAGE_SIZE - poff, len);

		pages[spd.nr_pages] = frame->pages[off >> PAGE_SHIFT];
		get_page(pages[spd.nr_pages]);
		partial[spd.nr_pages].offset = poff;
		partial[spd.nr_pages].len = chunk;
		partial[spd.nr_pages].private = 0;
		spd.nr_pages++;
		off += chunk;
		len -= chunk;
	}
	return splice_to_pipe(pipe, &spd);
}

/**
 * alts_rx_splice_read() - proto_ops.splice_read: decrypted bytes to a pipe
 * @sock: socket
 * @ppos: unused
 * @pipe: destination
 * @len: bytes wanted
 * @flags: SPLICE_F_NONBLOCK
 *
 * The pipe takes references to the pages the frame was opened in; they
 * are never written again.
 *
 * Return: bytes spliced, 0 at a clean end of stream, or a negative errno.
 */
ssize_t alts_rx_splice_read(struct socket *sock, loff_t *ppos, struct pipe_inode_info *pipe,
			    size_t len, unsigned int flags)
{
	struct sock *sk = sock->sk;
	struct alts_ctx *ctx = alts_get_ctx(sk);
	struct alts_pbuf *frame;
	bool nonblock;
	ssize_t ret;
	long timeo;
	u32 off;

	if (!alts_rx_ready(ctx))
		return tcp_splice_read(sock, ppos, pipe, len, flags);

	lock_sock(sk);
	nonblock = (sock->file->f_flags & O_NONBLOCK) || (flags & SPLICE_F_NONBLOCK);
	timeo = sock_rcvtimeo(sk, nonblock);
	frame = alts_rx_get(sk, ctx, 0, &off, &timeo, false);
	if (IS_ERR_OR_NULL(frame)) {
		ret = PTR_ERR_OR_ZERO(frame);
		goto out;
	}
	ret = alts_rx_splice_frame(pipe, frame, off, min_t(size_t, len, frame->len - off));
	if (ret > 0)
		alts_rx_consume(ctx, frame, ret);
out:
	release_sock(sk);
	return ret;
}

/**
 * alts_rx_is_readable() - proto.sock_is_readable
 * @sk: socket
 *
 * Return: true if a decrypted payload or a complete frame is waiting.
 */
bool alts_rx_is_readable(struct sock *sk)
{
	struct alts_ctx *ctx = alts_get_ctx(sk);

	if (!alts_rx_ready(ctx))
		return false;
	return READ_ONCE(ctx->rx.plain_bytes) || READ_ONCE(ctx->rx.frame_ready) ||
	       READ_ONCE(ctx->rx.err);
}

/**
 * alts_rx_poll() - proto_ops.poll
 * @file: file
 * @sock: socket
 * @wait: poll table
 *
 * tcp_poll() reports EPOLLIN as soon as any byte is queued; with RX keys
 * that is only true once a whole frame (or decrypted rest) is there.
 *
 * Return: the poll mask.
 */
__poll_t alts_rx_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct alts_ctx *ctx = alts_get_ctx(sk);
	__poll_t mask = tcp_poll(file, sock, wait);

	if (!alts_rx_ready(ctx))
		return mask;

	if (READ_ONCE(ctx->rx.err))
		mask |= EPOLLERR;
	if (alts_rx_is_readable(sk) || (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN))
		mask |= EPOLLIN | EPOLLRDNORM;
	else
		mask &= ~(EPOLLIN | EPOLLRDNORM);
	return mask;
}

/**
 * alts_rx_inq() - SIOCINQ: decrypted bytes readable without blocking
 * @sk: socket, locked
 * @ctx: context with RX installed
 *
 * Return: unread payload bytes, including the complete head frame's.
 */
int alts_rx_inq(struct sock *sk, struct alts_ctx *ctx)
{
	u32 n = ctx->rx.plain_bytes;

	if (ctx->rx.frame_ready)
		n += ctx->rx.frame_len - ALTS_FRAME_OVERHEAD;
	return min_t(u32, n, INT_MAX);
}

/**
 * alts_rx_work() - copy mode: pull a frame TCP cannot hold in full
 * @work: ctx->rx_work
 */
void alts_rx_work(struct work_struct *work)
{
	struct alts_ctx *ctx = container_of(work, struct alts_ctx, rx_work);
	struct sock *sk = ctx->sk;
	struct alts_rx *rx = &ctx->rx;
	int err;

	lock_sock(sk);
	clear_bit(ALTS_CTX_RX_SCHEDULED, &ctx->flags);
	if (test_bit(ALTS_CTX_CLOSING, &ctx->flags) || rx->err || !rx->frame_len ||
	    rx->frame_ready)
		goto out;

	err = alts_rx_pull(sk, ctx);
	if (err)
		alts_rx_abort(sk, ctx, err);
	else
		alts_stat_inc(ctx->net, ALTS_STAT_COPY_MODE_PULLS);
	if (alts_rx_parse(sk, ctx) || rx->err)
		ctx->saved_data_ready(sk);
out:
	release_sock(sk);
}

/* sk_data_ready: softirq or socket owner. Close restores TCP's callback and
 * sets ALTS_CTX_CLOSING under the socket lock before cancelling rx_work.
 */
static void alts_rx_data_ready(struct sock *sk)
{
	struct alts_ctx *ctx = alts_get_ctx(sk);
	struct alts_rx *rx = &ctx->rx;

	if (alts_rx_parse(sk, ctx) || rx->err) {
		ctx->saved_data_ready(sk);
		return;
	}
	if (alts_rx_must_pull(sk, ctx) && !test_bit(ALTS_CTX_CLOSING, &ctx->flags) &&
	    !test_and_set_bit(ALTS_CTX_RX_SCHEDULED, &ctx->flags))
		schedule_work(&ctx->rx_work);
}

/**
 * alts_rx_install() - ALTS_RX: set up opening and frame what is queued
 * @sk: socket, locked
 * @ctx: context without RX
 * @info: validated configuration
 *
 * Bytes the peer sent right after the handshake may already be queued;
 * they are frames and are parsed now.
 *
 * Return: 0 or a negative errno.
 */
int alts_rx_install(struct sock *sk, struct alts_ctx *ctx, const struct alts_crypto_info *info)
{
	struct alts_rx *rx = &ctx->rx;
	int err;

	err = alts_crypter_init(&rx->crypt, info, false);
	if (err)
		return err;
	rx->max_frame_len = info->max_frame_len ?: ALTS_FRAME_LEN_MAX;
	INIT_LIST_HEAD(&rx->plain);

	write_lock_bh(&sk->sk_callback_lock);
	ctx->saved_data_ready = sk->sk_data_ready;
	sk->sk_data_ready = alts_rx_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);

	/* Publish: pairs with alts_rx_ready(). */
	smp_store_release(&ctx->rx_conf, true);
	alts_rx_data_ready(sk);
	return 0;
}

/**
 * alts_rx_release() - free RX state at close
 * @ctx: context; callbacks restored and rx_work cancelled
 */
void alts_rx_release(struct alts_ctx *ctx)
{
	struct alts_pbuf *frame, *tmp;

	list_for_each_entry_safe(frame, tmp, &ctx->rx.plain, list) {
		list_del(&frame->list);
		alts_pbuf_free(ctx->net, frame);
	}
	alts_pbuf_free(ctx->net, ctx->rx.partial);
	ctx->rx.partial = NULL;
	alts_crypter_free(&ctx->rx.crypt);
}
