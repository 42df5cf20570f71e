// SPDX-License-Identifier: GPL-2.0
/*
 * alts_multiproc - many processes reading and writing one ALTS socket pair
 * at once, with send() and with sendfile(): frames must never interleave
 * and no byte may be lost, duplicated or reordered (the kTLS "mutliproc"
 * tests, with every byte's position checked), for
 * IPv4 and IPv6 and each record protocol. Each writer sends 2 MB, divided
 * by ALTS_TEST_SCALE if set (the debug kernel's runs use a smaller volume:
 * the paths exercised are the same, KASAN and lockdep make bytes slow).
 */
#include <sys/mman.h>
#include <sys/sendfile.h>

#include "alts_fixture.h"

static unsigned int test_scale(void)
{
	const char *env = getenv("ALTS_TEST_SCALE");
	unsigned int scale = env ? strtoul(env, NULL, 10) : 1;

	return scale >= 1 && scale <= 100 ? scale : 1;
}

/*
 * Every writer sends its own stream of 64-bit words: word i of writer w is
 * word_of(w, i), a bijection of (w, i), so any 8 aligned bytes say which
 * writer and which position they are. Writers send in units (a send() call,
 * or one page of sendfile) of a multiple of 8 bytes, and one unit is never
 * split by another writer's bytes, so the stream read is the writers'
 * units back to back, word-aligned.
 *
 * Readers read until the end of the stream; each full word they receive
 * is marked in a shared bitmap (a word received twice fails), and the
 * pieces of words cut by the end of a recv() are kept for the parent,
 * which puts them back together. Every word of every writer must be
 * received exactly once, in order within its unit, and nothing else.
 */
#define WORD_MUL	0x9e3779b97f4a7c15ULL
#define MAX_PIECES	(1 << 16)

struct piece {
	int w;			/* writer, or -1 if not known */
	size_t off;		/* byte offset in the writer's stream */
	unsigned int len;
	uint8_t bytes[16];
};

struct shared {
	unsigned int n_pieces;
	unsigned int dups, bad;	/* words received twice; corrupt bytes */
	size_t received;
	struct piece pieces[MAX_PIECES];
};

struct mp {
	unsigned int n_writers;
	size_t per_writer, unit;
	uint64_t inv;		/* WORD_MUL^-1 mod 2^64 */
	uint64_t *bitmap;	/* one bit per word of every writer */
	struct shared *sh;
};

static uint64_t word_of(unsigned int w, uint64_t i)
{
	return (((uint64_t)w << 40) | i) * WORD_MUL;
}

static uint8_t stream_byte(unsigned int w, size_t off)
{
	uint64_t v = word_of(w, off / 8);

	return v >> (8 * (off % 8));
}

/* (w, i) of 8 bytes read, if they are a word of some writer. */
static bool word_decode(const struct mp *m, const uint8_t *p, unsigned int *w,
			uint64_t *i)
{
	uint64_t v = 0, x;
	int b;

	for (b = 7; b >= 0; b--)
		v = v << 8 | p[b];
	x = v * m->inv;
	*w = x >> 40;
	*i = x & ((1ULL << 40) - 1);
	return *w < m->n_writers && *i < m->per_writer / 8;
}

/* Word @i starts one of its writer's units (or is past its stream). */
static bool unit_start(const struct mp *m, uint64_t i)
{
	return (i * 8) % m->unit == 0 || i * 8 >= m->per_writer;
}

static void add_piece(struct mp *m, int w, size_t off, const uint8_t *p,
		      unsigned int len)
{
	unsigned int n = __atomic_fetch_add(&m->sh->n_pieces, 1,
					    __ATOMIC_RELAXED);

	if (n >= MAX_PIECES) {
		__atomic_fetch_add(&m->sh->bad, 1, __ATOMIC_RELAXED);
		return;
	}
	m->sh->pieces[n].w = w;
	m->sh->pieces[n].off = off;
	m->sh->pieces[n].len = len;
	memcpy(m->sh->pieces[n].bytes, p, len);
}

static void mark_word(struct mp *m, unsigned int w, uint64_t i)
{
	uint64_t bit = (uint64_t)w * (m->per_writer / 8) + i;
	uint64_t mask = 1ULL << (bit % 64);

	if (__atomic_fetch_or(&m->bitmap[bit / 64], mask, __ATOMIC_RELAXED) &
	    mask)
		__atomic_fetch_add(&m->sh->dups, 1, __ATOMIC_RELAXED);
}

/* Account for one recv()'s bytes. */
static void reader_segment(struct mp *m, const uint8_t *p, size_t n)
{
	unsigned int w = 0, w2;
	uint64_t i = 0, i2;
	size_t a, pos;

	for (a = 0; a < 8 && a + 8 <= n; a++)
		if (word_decode(m, p + a, &w, &i))
			break;
	if (a == 8 || a + 8 > n) {
		/* no whole word: a piece of at most 15 bytes */
		if (n >= 16) {
			__atomic_fetch_add(&m->sh->bad, 1, __ATOMIC_RELAXED);
			return;
		}
		add_piece(m, -1, 0, p, n);
		return;
	}
	if (a)	/* the end of the word before */
		add_piece(m, unit_start(m, i) ? -1 : (int)w, i * 8 - a, p, a);
	mark_word(m, w, i);
	for (pos = a + 8; pos + 8 <= n; pos += 8) {
		/* the next word of the same unit, or a unit of another
		 * writer, or this writer's next unit
		 */
		if (!word_decode(m, p + pos, &w2, &i2) ||
		    (w2 == w && i2 != i + 1) ||
		    (w2 != w && (!unit_start(m, i + 1) ||
				 !unit_start(m, i2)))) {
			__atomic_fetch_add(&m->sh->bad, 1, __ATOMIC_RELAXED);
			return;
		}
		w = w2;
		i = i2;
		mark_word(m, w, i);
	}
	if (pos < n)	/* the start of the next word */
		add_piece(m, unit_start(m, i + 1) ? -1 : (int)w, (i + 1) * 8,
			  p + pos, n - pos);
}

/* Bytes of partly received words: mask of the bytes held, per word. */
struct partial {
	unsigned int w;
	uint64_t i;
	uint8_t have;
};

/* The partly received word (w, i); @pa is sorted by (w, i). */
static struct partial *find_partial(struct partial *pa, size_t n_pa,
				    unsigned int w, uint64_t i)
{
	size_t lo = 0, hi = n_pa;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (pa[mid].w == w && pa[mid].i == i)
			return &pa[mid];
		if (pa[mid].w < w || (pa[mid].w == w && pa[mid].i < i))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* @pc's bytes are writer @w's at @off, and not yet received. */
static bool piece_fits(const struct mp *m, const struct piece *pc,
		       unsigned int w, size_t off, struct partial *pa,
		       size_t n_pa)
{
	unsigned int k;

	if (off + pc->len > m->per_writer)
		return false;
	for (k = 0; k < pc->len; k++) {
		size_t o = off + k;
		struct partial *q = find_partial(pa, n_pa, w, o / 8);

		if (pc->bytes[k] != stream_byte(w, o) || !q ||
		    (q->have & (1 << (o % 8))))
			return false;
	}
	return true;
}

static void piece_place(const struct piece *pc, unsigned int w, size_t off,
			struct partial *pa, size_t n_pa)
{
	unsigned int k;

	for (k = 0; k < pc->len; k++)
		find_partial(pa, n_pa, w, (off + k) / 8)->have |=
			1 << ((off + k) % 8);
}

/* Every word of every writer received exactly once: 0, or what is wrong. */
static const char *check_stream(struct mp *m)
{
	const size_t words = m->per_writer / 8;
	struct partial *pa = NULL;
	size_t n_pa = 0, j;
	unsigned int w, p, pass;
	uint64_t i;

	if (m->sh->n_pieces > MAX_PIECES)
		return "too many pieces";
	/* the words no reader received whole */
	for (w = 0; w < m->n_writers; w++)
		for (i = 0; i < words; i++) {
			uint64_t bit = (uint64_t)w * words + i;

			if (m->bitmap[bit / 64] & (1ULL << (bit % 64)))
				continue;
			pa = realloc(pa, (n_pa + 1) * sizeof(*pa));
			if (!pa)
				return "out of memory";
			pa[n_pa++] = (struct partial){ .w = w, .i = i };
		}
	/* pieces whose place is known, then the others wherever they fit */
	for (p = 0; p < m->sh->n_pieces; p++) {
		struct piece *pc = &m->sh->pieces[p];

		if (pc->w < 0)
			continue;
		if (!piece_fits(m, pc, pc->w, pc->off, pa, n_pa)) {
			free(pa);
			return "a piece of a word does not fit where it belongs";
		}
		piece_place(pc, pc->w, pc->off, pa, n_pa);
	}
	/*
	 * A piece cut at a unit boundary does not know its writer: first
	 * those that complete a word exactly (pieces of equal content are
	 * interchangeable, so the first fit is right), then the rest (a
	 * recv() too short to hold a whole word) wherever they fit.
	 */
	for (pass = 0; pass < 2; pass++) {
		for (p = 0; p < m->sh->n_pieces; p++) {
			struct piece *pc = &m->sh->pieces[p];
			bool placed = false;

			if (pc->w != -1)
				continue;
			for (j = 0; j < n_pa && !placed; j++) {
				unsigned int b;

				for (b = 0; b < 8 && !placed; b++) {
					size_t off = pa[j].i * 8 + b;
					unsigned int mask;

					if (pc->len > 8 - b)
						mask = 0;
					else
						mask = ((1U << pc->len) - 1) << b;
					if (!pass && (mask | pa[j].have) != 0xff)
						continue;
					if (piece_fits(m, pc, pa[j].w, off, pa,
						       n_pa)) {
						piece_place(pc, pa[j].w, off,
							    pa, n_pa);
						placed = true;
						pc->w = -2;	/* placed */
					}
				}
			}
			if (!placed && pass) {
				free(pa);
				return "a received piece matches no missing bytes";
			}
		}
	}
	for (j = 0; j < n_pa; j++)
		if (pa[j].have != 0xff) {
			free(pa);
			return "bytes were never received";
		}
	free(pa);
	return NULL;
}

/* The writer's stream from @off, @len bytes, into @buf. */
static void fill_stream(uint8_t *buf, unsigned int w, size_t off, size_t len)
{
	size_t k;

	for (k = 0; k < len; k++)
		buf[k] = stream_byte(w, off + k);
}

static void test_multiproc(struct __test_metadata *_metadata,
			   FIXTURE_DATA(alts) *self, bool sendpg,
			   unsigned int n_readers, unsigned int n_writers)
{
	const unsigned int n_children = n_readers + n_writers;
	/* a multiple of 8: words never straddle a writer's last unit */
	const size_t per_writer = 2 * 1000 * 1000 / test_scale() / 8 * 8;
	const size_t send_unit = 20000;
	size_t bitmap_sz, total = per_writer * n_writers;
	struct mp m = { .n_writers = n_writers, .per_writer = per_writer };
	pid_t pids[32];
	unsigned int i, child_id;
	const char *why;
	int status;

	ASSERT_LE(n_children, 32);
	m.unit = sendpg ? 4096 : send_unit;
	m.inv = WORD_MUL;	/* Newton: x = x * (2 - a * x), 5 rounds */
	for (i = 0; i < 5; i++)
		m.inv *= 2 - WORD_MUL * m.inv;
	ASSERT_EQ(WORD_MUL * m.inv, 1);
	bitmap_sz = (total / 8 + 63) / 64 * 8;
	m.bitmap = mmap(NULL, bitmap_sz, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	m.sh = mmap(NULL, sizeof(*m.sh), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(m.bitmap, MAP_FAILED);
	ASSERT_NE(m.sh, MAP_FAILED);

	for (child_id = 0; child_id < n_children; child_id++) {
		pids[child_id] = fork();
		ASSERT_NE(pids[child_id], -1);
		if (!pids[child_id])
			break;
	}

	if (child_id == n_children) {
		/* writers first; then the end of the stream for the readers */
		for (i = n_readers; i < n_children; i++) {
			EXPECT_EQ(waitpid(pids[i], &status, 0), pids[i]);
			EXPECT_EQ(status, 0) TH_LOG("writer %u", i - n_readers);
		}
		close(self->fd);
		self->fd = -1;
		for (i = 0; i < n_readers; i++) {
			EXPECT_EQ(waitpid(pids[i], &status, 0), pids[i]);
			EXPECT_EQ(status, 0) TH_LOG("reader %u", i);
		}
		EXPECT_EQ(m.sh->received, total);
		EXPECT_EQ(m.sh->dups, 0);
		EXPECT_EQ(m.sh->bad, 0);
		why = check_stream(&m);
		EXPECT_EQ(why, NULL) TH_LOG("%s", why);
		munmap(m.bitmap, bitmap_sz);
		munmap(m.sh, sizeof(*m.sh));
		return;
	}

	if (child_id < n_readers) {
		static uint8_t rb[8001];

		close(self->fd);	/* the parent's close ends the stream */
		for (;;) {
			ssize_t res = recv(self->cfd, rb, sizeof(rb), 0);

			if (res < 0 && errno == EINTR)
				continue;
			if (res < 0)
				_exit(1);
			if (!res)
				break;
			__atomic_fetch_add(&m.sh->received, res,
					   __ATOMIC_RELAXED);
			reader_segment(&m, rb, res);
		}
	} else {
		unsigned int w = child_id - n_readers;
		size_t off = 0;
		uint8_t *buf = NULL;
		int fd = -1;

		close(self->cfd);
		if (sendpg) {
			/* the writer's whole stream in its own file */
			fd = open("/tmp/", O_TMPFILE | O_RDWR, 0600);
			buf = malloc(per_writer);
			if (fd < 0 || !buf)
				_exit(3);
			fill_stream(buf, w, 0, per_writer);
			if (write(fd, buf, per_writer) != (ssize_t)per_writer)
				_exit(3);
		} else {
			buf = malloc(send_unit);
			if (!buf)
				_exit(3);
		}
		while (off < per_writer) {
			size_t len = per_writer - off;
			ssize_t res;

			if (sendpg) {
				off_t o = off;

				res = sendfile(self->fd, fd, &o,
					       len > 16384 ? 16384 : len);
			} else {
				len = len > send_unit ? send_unit : len;
				fill_stream(buf, w, off, len);
				res = send(self->fd, buf, len, 0);
				/* a blocking send takes it all */
				if (res > 0 && (size_t)res != len)
					_exit(5);
			}
			if (res <= 0 || res % 8)
				_exit(4);
			off += res;
		}
	}
	_exit(0);
}

TEST_F_TIMEOUT(alts, multiproc_even, 300)
{
	test_multiproc(_metadata, self, false, 6, 6);
}

TEST_F_TIMEOUT(alts, multiproc_readers, 300)
{
	test_multiproc(_metadata, self, false, 4, 12);
}

TEST_F_TIMEOUT(alts, multiproc_writers, 300)
{
	test_multiproc(_metadata, self, false, 10, 2);
}

TEST_F_TIMEOUT(alts, multiproc_sendpage_even, 300)
{
	test_multiproc(_metadata, self, true, 6, 6);
}

TEST_F_TIMEOUT(alts, multiproc_sendpage_readers, 300)
{
	test_multiproc(_metadata, self, true, 4, 12);
}

TEST_F_TIMEOUT(alts, multiproc_sendpage_writers, 300)
{
	test_multiproc(_metadata, self, true, 10, 2);
}

TEST_HARNESS_MAIN
