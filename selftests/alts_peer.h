/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alts_peer.h - a userspace ALTS peer for the selftests: the record codec
 * (userspace/record) with the test key, over a plain TCP socket.
 */
#ifndef ALTS_PEER_H
#define ALTS_PEER_H

#include "alts_common.h"
#include "alts_record.h"

/* The peer of @side, whose frames carry the other direction bit. */
static inline uint8_t alts_other_side(uint8_t side)
{
	return side == ALTS_SIDE_CLIENT ? ALTS_SIDE_SERVER : ALTS_SIDE_CLIENT;
}

/* A codec crypter with the test key; NULL on failure. */
static inline struct alts_crypter *peer_crypter(uint16_t proto, uint8_t side,
						bool seal, uint64_t counter)
{
	uint8_t key[ALTS_KEY_MAX_SIZE];
	struct alts_crypter *c;

	alts_test_key(key);
	if (alts_crypter_new(&c, proto, side, seal, key,
			     alts_proto_key_len(proto), counter))
		return NULL;
	return c;
}

/* Seal @len bytes into a new buffer (free() it); NULL on failure. */
static inline uint8_t *peer_seal(struct alts_crypter *c, const void *payload,
				 size_t len, size_t *flen)
{
	uint8_t *f = malloc(alts_frame_size(len));
	ssize_t n;

	if (!f)
		return NULL;
	n = alts_frame_seal(c, payload, len, f, alts_frame_size(len));
	if (n < 0) {
		free(f);
		return NULL;
	}
	*flen = n;
	return f;
}

/* Seal one frame at frame number @frame as sent by @sender. */
static inline uint8_t *peer_seal_at(uint16_t proto, uint8_t sender,
				    uint64_t frame, const void *payload,
				    size_t len, size_t *flen)
{
	uint8_t key[ALTS_KEY_MAX_SIZE], ctr[ALTS_COUNTER_SIZE];
	uint8_t *f = malloc(alts_frame_size(len));
	ssize_t n;

	if (!f)
		return NULL;
	alts_test_key(key);
	alts_counter_init(ctr, frame, sender);
	n = alts_frame_seal_at(proto, key, alts_proto_key_len(proto), ctr,
			       payload, len, f, alts_frame_size(len));
	if (n < 0) {
		free(f);
		return NULL;
	}
	*flen = n;
	return f;
}

/* Seal and write one frame; false on any failure. */
static inline bool peer_send(int fd, struct alts_crypter *c,
			     const void *payload, size_t len)
{
	size_t flen;
	uint8_t *f = peer_seal(c, payload, len, &flen);
	bool ok;

	if (!f)
		return false;
	ok = write_all(fd, f, flen);
	free(f);
	return ok;
}

/* recv() as one value: bytes, or -errno. */
static inline long recv_ret(int fd, void *buf, size_t len, int flags)
{
	ssize_t n = recv(fd, buf, len, flags);

	return n < 0 ? -errno : n;
}

/*
 * What a raw socket received from a kernel ALTS sender, frame by frame.
 * Every frame is opened with @open, sealed again by the independent
 * @reseal at the same counter, and must match byte for byte.
 */
struct capture {
	size_t frames;
	size_t payload;		/* bytes of payload opened */
	uint32_t max_l;		/* largest L seen */
	uint32_t l[64];		/* L of the first 64 frames */
	int err;		/* first codec error, or -ETIMEDOUT / -EILSEQ */
};

/*
 * Read frames from @fd until @want payload bytes have been opened, storing
 * the payload at @out. Stops at the first problem, recorded in cap->err.
 */
static inline void capture_frames(int fd, struct alts_crypter *open,
				  struct alts_crypter *reseal, uint8_t *out,
				  size_t want, struct capture *cap)
{
	uint8_t hdr[ALTS_HEADER_SIZE];
	uint8_t *frame = NULL, *again = NULL;

	memset(cap, 0, sizeof(*cap));
	while (cap->payload < want) {
		size_t fsize;
		uint32_t l;
		ssize_t n;
		int ret;

		if (read_full(fd, hdr, sizeof(hdr), 2000) != sizeof(hdr)) {
			cap->err = -ETIMEDOUT;
			break;
		}
		ret = alts_frame_parse(hdr, sizeof(hdr), ALTS_FRAME_LEN_MAX,
				       &fsize);
		if (ret < 0) {
			cap->err = ret;
			break;
		}
		l = fsize - ALTS_LEN_FIELD_SIZE;
		frame = realloc(frame, fsize);
		again = realloc(again, fsize);
		if (!frame || !again) {
			cap->err = -ENOMEM;
			break;
		}
		memcpy(frame, hdr, sizeof(hdr));
		if (read_full(fd, frame + sizeof(hdr), fsize - sizeof(hdr),
			      2000) != fsize - sizeof(hdr)) {
			cap->err = -ETIMEDOUT;
			break;
		}
		if (fsize - ALTS_FRAME_OVERHEAD > want - cap->payload) {
			cap->err = -EILSEQ;	/* more than was sent */
			break;
		}
		n = alts_frame_open(open, frame, fsize, out + cap->payload,
				    want - cap->payload);
		if (n < 0) {
			cap->err = n;
			break;
		}
		if (alts_frame_seal(reseal, out + cap->payload, n, again,
				    fsize) != (ssize_t)fsize ||
		    memcmp(again, frame, fsize)) {
			cap->err = -EILSEQ;
			break;
		}
		if (cap->frames < 64)
			cap->l[cap->frames] = l;
		if (l > cap->max_l)
			cap->max_l = l;
		cap->frames++;
		cap->payload += n;
	}
	free(frame);
	free(again);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

#endif /* ALTS_PEER_H */
