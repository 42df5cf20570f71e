// SPDX-License-Identifier: GPL-2.0
/*
 * Page buffers holding one frame. TX seals into them and hands their pages
 * to TCP by reference (do_tcp_sendpages); RX pulls a frame body into them,
 * opens it in place and copies or splices the payload out. Pages are
 * reference counted, so a buffer can be freed while TCP or a pipe still
 * holds its pages.
 */
#include <linux/highmem.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "alts.h"

/**
 * alts_pbuf_alloc() - allocate a buffer for up to @size bytes
 * @net: namespace whose live-buffer count tracks the buffer
 * @size: capacity
 * @populate: allocate all pages now instead of on demand
 *
 * Return: the buffer or NULL.
 */
struct alts_pbuf *alts_pbuf_alloc(struct net *net, u32 size, bool populate)
{
	u32 nr_pages = DIV_ROUND_UP(size, PAGE_SIZE);
	struct alts_pbuf *buf;

	buf = kzalloc(struct_size(buf, pages, nr_pages), GFP_KERNEL);
	if (!buf)
		return NULL;
	buf->sg = kmalloc_array(nr_pages + 1, sizeof(*buf->sg), GFP_KERNEL);
	if (!buf->sg) {
		kfree(buf);
		return NULL;
	}
	INIT_LIST_HEAD(&buf->list);
	buf->size = size;
	buf->nr_pages = nr_pages;
	alts_stat_inc(net, ALTS_STAT_CURR_BUFS);

	if (populate && alts_pbuf_reserve(buf, size)) {
		alts_pbuf_free(net, buf);
		return NULL;
	}
	return buf;
}

/**
 * alts_pbuf_free() - drop the buffer's page references and free it
 * @net: namespace passed to alts_pbuf_alloc()
 * @buf: buffer, may be NULL
 */
void alts_pbuf_free(struct net *net, struct alts_pbuf *buf)
{
	u32 i;

	if (!buf)
		return;
	for (i = 0; i < buf->nr_pages; i++)
		if (buf->pages[i])
			put_page(buf->pages[i]);
	kfree(buf->sg);
	kfree(buf);
	alts_stat_dec(net, ALTS_STAT_CURR_BUFS);
}

/**
 * alts_pbuf_reserve() - make sure the first @len bytes have pages
 * @buf: buffer
 * @len: bytes needed, at most buf->size
 *
 * Return: 0 or -ENOMEM.
 */
int alts_pbuf_reserve(struct alts_pbuf *buf, u32 len)
{
	u32 i, need = DIV_ROUND_UP(len, PAGE_SIZE);

	for (i = 0; i < need; i++) {
		if (buf->pages[i])
			continue;
		buf->pages[i] = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!buf->pages[i])
			return -ENOMEM;
	}
	return 0;
}

/**
 * alts_pbuf_sg() - describe bytes [@off, @off + @len) as a scatterlist
 * @buf: buffer whose pages cover that range
 * @off: first byte
 * @len: bytes, may be 0
 *
 * Return: buf->sg, terminated after the last entry.
 */
struct scatterlist *alts_pbuf_sg(struct alts_pbuf *buf, u32 off, u32 len)
{
	u32 idx = off >> PAGE_SHIFT, poff = offset_in_page(off);
	struct scatterlist *sg = buf->sg;
	u32 n = 0;

	sg_init_table(sg, buf->nr_pages + 1);
	do {
		u32 chunk = min_t(u32, PAGE_SIZE - poff, len);

		sg_set_page(&sg[n++], buf->pages[idx++], chunk, poff);
		len -= chunk;
		poff = 0;
	} while (len);
	sg_mark_end(&sg[n - 1]);
	return sg;
}

/**
 * alts_pbuf_copy_from_iter() - fill the buffer from an iterator
 * @buf: buffer whose pages cover [@off, @off + @len)
 * @off: first byte to write
 * @len: bytes to copy
 * @from: source
 *
 * Return: bytes copied; fewer than @len means a fault.
 */
size_t alts_pbuf_copy_from_iter(struct alts_pbuf *buf, u32 off, size_t len, struct iov_iter *from)
{
	size_t done = 0;

	while (done < len) {
		u32 poff = offset_in_page(off);
		size_t chunk = min_t(size_t, PAGE_SIZE - poff, len - done);
		size_t got;

		got = copy_page_from_iter(buf->pages[off >> PAGE_SHIFT], poff, chunk, from);
		done += got;
		off += got;
		if (got < chunk)
			break;
	}
	return done;
}

/**
 * alts_pbuf_copy_to_iter() - copy bytes out of the buffer
 * @buf: buffer
 * @off: first byte to read
 * @len: bytes to copy
 * @to: destination
 *
 * Return: bytes copied; fewer than @len means a fault.
 */
size_t alts_pbuf_copy_to_iter(struct alts_pbuf *buf, u32 off, size_t len, struct iov_iter *to)
{
	size_t done = 0;

	while (done < len) {
		u32 poff = offset_in_page(off);
		size_t chunk = min_t(size_t, PAGE_SIZE - poff, len - done);
		size_t put;

		put = copy_page_to_iter(buf->pages[off >> PAGE_SHIFT], poff, chunk, to);
		done += put;
		off += put;
		if (put < chunk)
			break;
	}
	return done;
}

/**
 * alts_pbuf_copy_from_skb() - copy bytes of an skb into the buffer
 * @buf: buffer whose pages cover [@off, @off + @len)
 * @off: first byte to write
 * @skb: source
 * @skb_off: offset in @skb
 * @len: bytes
 *
 * Return: 0 or the error of skb_copy_bits().
 */
int alts_pbuf_copy_from_skb(struct alts_pbuf *buf, u32 off, const struct sk_buff *skb,
			    u32 skb_off, u32 len)
{
	while (len) {
		u32 poff = offset_in_page(off);
		u32 chunk = min_t(u32, PAGE_SIZE - poff, len);
		void *dst = kmap_local_page(buf->pages[off >> PAGE_SHIFT]);
		int err = skb_copy_bits(skb, skb_off, dst + poff, chunk);

		kunmap_local(dst);
		if (err)
			return err;
		off += chunk;
		skb_off += chunk;
		len -= chunk;
	}
	return 0;
}

/**
 * alts_pbuf_write() - copy kernel bytes into the buffer
 * @buf: buffer whose pages cover [@off, @off + @len)
 * @off: first byte to write
 * @src: source
 * @len: bytes
 */
void alts_pbuf_write(struct alts_pbuf *buf, u32 off, const void *src, u32 len)
{
	while (len) {
		u32 poff = offset_in_page(off);
		u32 chunk = min_t(u32, PAGE_SIZE - poff, len);

		memcpy_to_page(buf->pages[off >> PAGE_SHIFT], poff, src, chunk);
		off += chunk;
		src += chunk;
		len -= chunk;
	}
}
