// SPDX-License-Identifier: GPL-2.0
/*
 * test_record.c - check the ALTS record codec against every vector of
 * vectors.md, parsed from that file at run time.
 *
 * usage: test_record [path/to/vectors.md]   (default ../shared/spec/vectors.md)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alts_record.h"

#define DEFAULT_VECTORS "../shared/spec/vectors.md"
#define MAX_VECS 64
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct bytes {
	uint8_t *p;
	size_t len;
	bool wild;		/* "..." in the text: p = prefix || suffix */
	size_t prefix;		/* bytes before the "..." */
};

static int parse_errors;

struct vec {
	char name[16];
	struct bytes key, nonce, aad, pt, ct, tag, frame;
	bool has_frame;
};

struct rollover {
	char desc[96];
	struct bytes start;
};

static struct vec avecs[MAX_VECS], rvecs[MAX_VECS], cvecs[MAX_VECS];
static int n_a, n_r, n_c;
static struct bytes inc_from[MAX_VECS], inc_to[MAX_VECS];
static int n_inc;
static struct rollover rolls[MAX_VECS];
static int n_roll;
static char framing_names[MAX_VECS][48];
static int n_framing;
static struct bytes framing_key, framing_rekey_key;
static struct bytes r_frame_text;	/* "R2 as the first client frame" */
static char r_frame_name[16];

/*
 * The output is TAP: one test case per vector or behaviour, each holding
 * the individual checks as an indented subtest. "N passed, N failed" counts
 * test cases; a case with a failed check, or with no check at all, fails.
 */
static int n_pass, n_fail;		/* test cases */
static int n_checks;			/* checks, across all cases */
static char case_name[160];
static int case_checks, case_failed;
static bool in_case;

static void case_begin(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(case_name, sizeof(case_name), fmt, ap);
	va_end(ap);
	case_checks = case_failed = 0;
	in_case = true;
	printf("# Subtest: %s\n", case_name);
}

static void case_end(void)
{
	bool ok = case_checks > 0 && !case_failed;

	in_case = false;
	if (ok)
		n_pass++;
	else
		n_fail++;
	printf("    1..%d\n", case_checks);
	if (ok)
		printf("ok %d - %s (%d checks)\n", n_pass + n_fail, case_name,
		       case_checks);
	else if (!case_checks)
		printf("not ok %d - %s (no check ran)\n", n_pass + n_fail,
		       case_name);
	else
		printf("not ok %d - %s (%d of %d checks failed)\n",
		       n_pass + n_fail, case_name, case_failed, case_checks);
}

/* One check inside the current case. */
static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (!in_case) {
		fprintf(stderr, "test_record: a check outside a test case\n");
		exit(2);
	}
	case_checks++;
	n_checks++;
	if (!ok)
		case_failed++;
	printf("    %s %d - ", ok ? "ok" : "not ok", case_checks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* A case made of one check. */
#define check_case(ok, ...)			\
	do {					\
		case_begin(__VA_ARGS__);	\
		check(ok, __VA_ARGS__);		\
		case_end();			\
	} while (0)

static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		perror("malloc");
		exit(2);
	}
	return p;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parse hex text (spaces allowed, "(empty)" is empty, "..." marks elided
 * bytes). Returns false on anything else.
 */
static bool parse_hex(const char *s, size_t n, struct bytes *b)
{
	size_t i = 0, out = 0;
	int hi = -1;

	memset(b, 0, sizeof(*b));
	b->p = xmalloc(n / 2 + 1);
	if (n == 7 && !strncmp(s, "(empty)", 7))
		return true;
	while (i < n) {
		int v;

		if (s[i] == ' ') {
			i++;
			continue;
		}
		if (n - i >= 3 && !strncmp(s + i, "...", 3) && hi < 0 &&
		    !b->wild) {
			b->wild = true;
			b->prefix = out;
			i += 3;
			continue;
		}
		v = hexval(s[i++]);
		if (v < 0)
			return false;
		if (hi < 0) {
			hi = v;
		} else {
			b->p[out++] = hi << 4 | v;
			hi = -1;
		}
	}
	b->len = out;
	return hi < 0;
}

/* The first `...` span at or after @from; false if none. */
static bool backtick(const char *from, const char **start, size_t *len)
{
	const char *a = strchr(from, '`'), *e;

	if (!a)
		return false;
	e = strchr(a + 1, '`');
	if (!e)
		return false;
	*start = a + 1;
	*len = e - a - 1;
	return true;
}

static bool parse_field(const char *line, struct bytes *b)
{
	const char *s;
	size_t n;

	return backtick(line, &s, &n) && parse_hex(s, n, b);
}

/*
 * Parse the backticked value after @from on this line. Returns false if
 * the line has none (the value is on the next line).
 */
static bool take_field(const char *from, struct bytes *b)
{
	const char *s;
	size_t n;

	if (!backtick(from, &s, &n))
		return false;
	if (!parse_hex(s, n, b))
		parse_errors++;
	return true;
}

static struct vec *find_vec(struct vec *v, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

static void parse_bad(int lineno, const char *what)
{
	diag("vectors: line %d: cannot parse %s", lineno, what);
	parse_errors++;
}

/* "**R1 — ...**" or "**C12 — ...**" */
static bool vec_heading(const char *line, char letter, char *name)
{
	int num, len;

	if (line[0] != '*' || line[1] != '*' || line[2] != letter)
		return false;
	if (sscanf(line + 3, "%d%n", &num, &len) != 1)
		return false;
	snprintf(name, 16, "%c%d", letter, num);
	return true;
}

static void parse_kv(struct vec *v, const char *line, int lineno)
{
	static const struct {
		const char *tag;
		size_t off;
	} fields[] = {
		{ "* key:", offsetof(struct vec, key) },
		{ "* nonce:", offsetof(struct vec, nonce) },
		{ "* aad:", offsetof(struct vec, aad) },
		{ "* plaintext:", offsetof(struct vec, pt) },
		{ "* ciphertext||tag:", offsetof(struct vec, ct) },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		if (strncmp(line, fields[i].tag, strlen(fields[i].tag)))
			continue;
		if (!parse_field(line, (struct bytes *)((char *)v +
							fields[i].off)))
			parse_bad(lineno, fields[i].tag);
		return;
	}
}

/* Split a table row into backticked cells. */
static int row_cells(const char *line, struct bytes *cells, int max,
		     bool *first_plain)
{
	const char *p = line + 1, *bar;
	int n = 0;

	*first_plain = false;
	while ((bar = strchr(p, '|')) && n < max) {
		const char *s;
		size_t len;
		char cell[512];
		size_t cl = bar - p;

		if (cl >= sizeof(cell))
			cl = sizeof(cell) - 1;
		memcpy(cell, p, cl);
		cell[cl] = 0;
		if (backtick(cell, &s, &len)) {
			if (!parse_hex(s, len, &cells[n]))
				return -1;
			n++;
		} else if (n == 0) {
			*first_plain = true;
		}
		p = bar + 1;
	}
	return n;
}

static int load_vectors(const char *path)
{
	struct bytes *pending = NULL;
	char line[4096];
	struct vec *cur = NULL;
	int section = 0, lineno = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		diag("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char name[16];
		const char *s;
		size_t n;

		lineno++;
		line[strcspn(line, "\n")] = 0;
		if (pending) {
			/* the value of the previous line's sentence */
			if (!parse_field(line, pending))
				parse_bad(lineno, "continued value");
			pending = NULL;
			continue;
		}
		if (!strncmp(line, "## ", 3)) {
			section = atoi(line + 3);
			cur = NULL;
			continue;
		}
		switch (section) {
		case 1:
			if (!strncmp(line, "| A", 3)) {
				struct bytes cells[5];
				bool plain;
				struct vec *v;

				if (n_a >= MAX_VECS ||
				    row_cells(line, cells, 5, &plain) != 5) {
					parse_bad(lineno, "A row");
					break;
				}
				v = &avecs[n_a++];
				if (sscanf(line + 2, "%15s", v->name) != 1)
					parse_bad(lineno, "A name");
				v->key = cells[0];
				v->nonce = cells[1];
				v->pt = cells[2];
				v->ct = cells[3];
				v->tag = cells[4];
			} else if (!strncmp(line, "* A", 3) &&
				   sscanf(line + 2, "%15[A0-9]", name) == 1) {
				struct vec *v = find_vec(avecs, n_a, name);

				if (!v || !parse_field(line, &v->frame)) {
					parse_bad(lineno, "A frame");
					break;
				}
				v->has_frame = true;
			}
			break;
		case 2:
		case 5: {
			char letter = section == 2 ? 'R' : 'C';
			struct vec *arr = section == 2 ? rvecs : cvecs;
			int *cnt = section == 2 ? &n_r : &n_c;

			if (vec_heading(line, letter, name)) {
				if (*cnt >= MAX_VECS) {
					parse_bad(lineno, "too many vectors");
					break;
				}
				cur = &arr[(*cnt)++];
				strcpy(cur->name, name);
			} else if (cur && !strncmp(line, "* ", 2)) {
				parse_kv(cur, line, lineno);
			} else if (section == 2 &&
				   strstr(line, " as the first client frame")) {
				const char *d;

				s = strstr(line, " as the first client frame");
				d = s;

				while (d > line && d[-1] >= '0' && d[-1] <= '9')
					d--;
				if (d == line || d[-1] != 'R' || d == s) {
					parse_bad(lineno, "R frame name");
					break;
				}
				snprintf(r_frame_name, sizeof(r_frame_name),
					 "R%.*s", (int)(s - d), d);
				if (!take_field(s, &r_frame_text))
					pending = &r_frame_text;
			}
			break;
		}
		case 3:
			if (line[0] == '|' && strchr(line, '`')) {
				struct bytes cells[2];
				bool plain;
				int k = row_cells(line, cells, 2, &plain);

				if (k == 2 && !plain && n_inc < MAX_VECS) {
					inc_from[n_inc] = cells[0];
					inc_to[n_inc++] = cells[1];
				} else if (k == 1 && plain && n_roll < MAX_VECS) {
					const char *b = line + 1;

					while (*b == ' ')
						b++;
					snprintf(rolls[n_roll].desc,
						 sizeof(rolls[n_roll].desc),
						 "%.*s", (int)strcspn(b, "|"),
						 b);
					rolls[n_roll++].start = cells[0];
				} else {
					parse_bad(lineno, "counter row");
				}
			}
			break;
		case 4:
			if (!strncmp(line, "* Test", 6) && n_framing < MAX_VECS) {
				if (sscanf(line + 2, "%47[A-Za-z]",
					   framing_names[n_framing++]) != 1)
					parse_bad(lineno, "behaviour name");
			} else if (strstr(line, "with key `") &&
				   backtick(strstr(line, "with key"), &s, &n)) {
				if (!parse_hex(s, n, &framing_key))
					parse_bad(lineno, "framing key");
			} else if (strstr(line, "44-byte key")) {
				s = strstr(line, "44-byte key");
				if (!take_field(s, &framing_rekey_key))
					pending = &framing_rekey_key;
			}
			break;
		default:
			break;
		}
	}
	fclose(f);
	return 0;
}

static bool eq(const void *a, size_t alen, const void *b, size_t blen)
{
	return alen == blen && (!alen || !memcmp(a, b, alen));
}

static bool eq_bytes(const uint8_t *p, size_t len, const struct bytes *b)
{
	if (!b->wild)
		return eq(p, len, b->p, b->len);
	return len >= b->len && !memcmp(p, b->p, b->prefix) &&
	       !memcmp(p + len - (b->len - b->prefix), b->p + b->prefix,
		       b->len - b->prefix);
}

static enum alts_side counter_side(const uint8_t *ctr)
{
	return ctr[11] & 0x80 ? ALTS_SIDE_SERVER : ALTS_SIDE_CLIENT;
}

static enum alts_side peer_of(enum alts_side s)
{
	return s == ALTS_SIDE_CLIENT ? ALTS_SIDE_SERVER : ALTS_SIDE_CLIENT;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* Build LE32(L) || 06000000 || body || tag. */
static uint8_t *expected_frame(const uint8_t *body, size_t blen,
			       const uint8_t *tag, size_t tlen, size_t *flen)
{
	uint8_t *f = xmalloc(8 + blen + tlen);

	put_le32(f, 4 + blen + tlen);
	put_le32(f + 4, 6);
	if (blen)
		memcpy(f + 8, body, blen);
	if (tlen)
		memcpy(f + 8 + blen, tag, tlen);
	*flen = 8 + blen + tlen;
	return f;
}

/*
 * Seal @pt as one frame at counter @ctr, compare with @want, open it again
 * with the peer's crypter, and check that tampering with any byte of the
 * body, or using the wrong direction, fails authentication.
 */
static void frame_roundtrip(const char *name, enum alts_record_protocol proto,
			    const struct bytes *key, const uint8_t *ctr,
			    const struct bytes *pt, const uint8_t *want,
			    size_t want_len)
{
	struct alts_crypter *s = NULL, *o = NULL;
	enum alts_side sender = counter_side(ctr);
	size_t flen = alts_frame_size(pt->len), i;
	uint8_t *frame = xmalloc(flen), *out = xmalloc(pt->len + 1);
	uint8_t bad_ctr[ALTS_COUNTER_SIZE];
	bool all_bad = true;
	ssize_t n;
	int ret;

	ret = alts_crypter_new(&s, proto, sender, true, key->p, key->len, 0);
	ret = ret ?: alts_crypter_new(&o, proto, peer_of(sender), false,
				      key->p, key->len, 0);
	check(!ret, "%s: crypters created", name);
	if (ret)
		goto out;
	alts_crypter_set_counter(s, ctr);
	alts_crypter_set_counter(o, ctr);

	n = alts_frame_seal(s, pt->p, pt->len, frame, flen);
	check(n == (ssize_t)flen && eq(frame, flen, want, want_len),
	      "%s: sealed frame matches (%zu bytes)", name, want_len);
	n = alts_frame_open(o, frame, flen, out, pt->len);
	check(n == (ssize_t)pt->len && eq(out, n, pt->p, pt->len),
	      "%s: frame opens to the plaintext", name);
	n = alts_frame_open(o, frame, flen, out, pt->len);
	check(n == -EBADMSG, "%s: replayed frame fails with EBADMSG", name);

	for (i = 8; i < flen; i++) {
		alts_crypter_set_counter(o, ctr);
		frame[i] ^= 0x01 << (i % 8);
		n = alts_frame_open(o, frame, flen, out, pt->len);
		frame[i] ^= 0x01 << (i % 8);
		if (n != -EBADMSG)
			all_bad = false;
	}
	check(all_bad, "%s: every body/tag bit flip fails with EBADMSG", name);

	memcpy(bad_ctr, ctr, sizeof(bad_ctr));
	bad_ctr[11] ^= 0x80;
	alts_crypter_set_counter(o, bad_ctr);
	n = alts_frame_open(o, frame, flen, out, pt->len);
	check(n == -EBADMSG, "%s: wrong direction bit fails with EBADMSG",
	      name);
out:
	alts_crypter_free(s);
	alts_crypter_free(o);
	free(frame);
	free(out);
}

/* Raw AEAD seal/open/tamper for a vector carrying ciphertext||tag. */
static void raw_checks(const struct vec *v, enum alts_record_protocol proto)
{
	size_t clen = v->pt.len + ALTS_TAG_SIZE;
	uint8_t *ct = xmalloc(clen), *pt = xmalloc(v->pt.len + 1);
	ssize_t n;

	n = alts_aead_seal_raw(proto, v->key.p, v->key.len, v->nonce.p,
			       v->aad.p, v->aad.len, v->pt.p, v->pt.len, ct,
			       clen);
	check(n == (ssize_t)clen && eq(ct, clen, v->ct.p, v->ct.len),
	      "%s: raw seal matches ciphertext||tag", v->name);
	n = alts_aead_open_raw(proto, v->key.p, v->key.len, v->nonce.p,
			       v->aad.p, v->aad.len, v->ct.p, v->ct.len, pt,
			       v->pt.len);
	check(n == (ssize_t)v->pt.len && eq(pt, n, v->pt.p, v->pt.len),
	      "%s: raw open gives the plaintext", v->name);
	memcpy(ct, v->ct.p, clen);
	ct[clen - 1] ^= 0x80;
	n = alts_aead_open_raw(proto, v->key.p, v->key.len, v->nonce.p,
			       v->aad.p, v->aad.len, ct, clen, pt, v->pt.len);
	check(n == -EBADMSG, "%s: raw open of a flipped tag fails", v->name);
	if (v->aad.len) {
		v->aad.p[0] ^= 1;
		n = alts_aead_open_raw(proto, v->key.p, v->key.len,
				       v->nonce.p, v->aad.p, v->aad.len,
				       v->ct.p, v->ct.len, pt, v->pt.len);
		v->aad.p[0] ^= 1;
		check(n == -EBADMSG, "%s: raw open with flipped AAD fails",
		      v->name);
	}
	free(ct);
	free(pt);
}

static bool vec_shape_ok(const struct vec *v, size_t key_len1,
			 size_t key_len2)
{
	return (v->key.len == key_len1 || v->key.len == key_len2) &&
	       v->nonce.len == ALTS_COUNTER_SIZE &&
	       v->ct.len == v->pt.len + ALTS_TAG_SIZE;
}

static void test_section1(void)
{
	int i;

	for (i = 0; i < n_a; i++) {
		struct vec *v = &avecs[i];
		struct bytes ct;
		uint8_t *want;
		size_t wlen;
		bool shape;

		shape = v->key.len == 16 && v->nonce.len == 12 &&
			v->ct.len == v->pt.len && v->tag.len == 16;
		case_begin("section 1, %s", v->name);
		check(shape, "%s: vector well formed", v->name);
		if (!shape) {
			case_end();
			continue;
		}
		want = expected_frame(v->ct.p, v->ct.len, v->tag.p,
				      v->tag.len, &wlen);
		if (v->has_frame)
			check(eq_bytes(want, wlen, &v->frame),
			      "%s: listed frame is header || ciphertext || tag",
			      v->name);
		frame_roundtrip(v->name, ALTSRP_GCM_AES128, &v->key,
				v->nonce.p, &v->pt, want, wlen);

		ct.p = xmalloc(wlen);
		memcpy(ct.p, v->ct.p, v->ct.len);
		memcpy(ct.p + v->ct.len, v->tag.p, 16);
		ct.len = v->ct.len + 16;
		free(v->ct.p);
		v->ct = ct;
		v->aad.len = 0;
		raw_checks(v, ALTSRP_GCM_AES128);
		free(want);
		case_end();
	}
}

static void test_section2(void)
{
	bool r_frame_checked = false;
	int i;

	for (i = 0; i < n_r; i++) {
		struct vec *v = &rvecs[i];
		uint8_t *want;
		size_t wlen;

		case_begin("section 2, %s", v->name);
		check(vec_shape_ok(v, 44, 44), "%s: vector well formed",
		      v->name);
		if (!vec_shape_ok(v, 44, 44)) {
			case_end();
			continue;
		}
		raw_checks(v, ALTSRP_GCM_AES128_REKEY);
		if (v->aad.len) {
			case_end();
			continue;
		}
		want = expected_frame(v->ct.p, v->ct.len, NULL, 0, &wlen);
		frame_roundtrip(v->name, ALTSRP_GCM_AES128_REKEY, &v->key,
				v->nonce.p, &v->pt, want, wlen);
		if (!strcmp(v->name, r_frame_name)) {
			uint8_t zero[ALTS_COUNTER_SIZE] = { 0 };

			check(!memcmp(v->nonce.p, zero, sizeof(zero)) &&
			      eq_bytes(want, wlen, &r_frame_text),
			      "%s: listed first client frame matches",
			      v->name);
			r_frame_checked = true;
		}
		free(want);
		case_end();
	}
	if (r_frame_name[0])
		check_case(r_frame_checked,
			   "%s: listed first client frame found and checked",
			   r_frame_name);
}

static void test_section3(void)
{
	static const uint8_t key16[16] = {
		0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
		0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f,
	};
	uint8_t key44[44];
	uint8_t ctr[12], frame[64], out[8];
	int i;

	for (i = 0; i < 44; i++)
		key44[i] = 0x5a ^ (i * 29);

	case_begin("section 3, counter increments");
	for (i = 0; i < n_inc; i++) {
		bool ok = inc_from[i].len == 12 && inc_to[i].len == 12;

		if (ok) {
			memcpy(ctr, inc_from[i].p, 12);
			ok = alts_counter_inc(ctr, ALTS_OVERFLOW_LEN) == 0 &&
			     !memcmp(ctr, inc_to[i].p, 12);
		}
		check(ok, "counter inc %d: LE increment over 5 bytes", i + 1);
	}
	case_end();

	for (i = 0; i < n_roll; i++) {
		struct alts_crypter *s = NULL, *o = NULL;
		bool ok = rolls[i].start.len == 12;
		const uint8_t *start = rolls[i].start.p;
		ssize_t n;

		case_begin("section 3, rollover %d", i + 1);
		check(ok, "rollover %d: well formed", i + 1);
		if (!ok) {
			case_end();
			continue;
		}
		/* as the grpc-go test: overflow length 5 for all four */
		memcpy(ctr, start, 12);
		ok = alts_counter_inc(ctr, 5) == 0 &&
		     alts_counter_inc(ctr, 5) == -EKEYEXPIRED;
		check(ok, "rollover %d (%s): first inc valid, second overflows",
		      i + 1, rolls[i].desc);

		/* a crypter refuses the last counter value */
		alts_crypter_new(&s, ALTSRP_GCM_AES128, counter_side(start),
				 true, key16, 16, 0);
		alts_crypter_new(&o, ALTSRP_GCM_AES128,
				 peer_of(counter_side(start)), false, key16,
				 16, 0);
		alts_crypter_set_counter(s, start);
		alts_crypter_set_counter(o, start);
		n = alts_frame_seal(s, "x", 1, frame, sizeof(frame));
		ok = n == 25 && alts_frame_open(o, frame, n, out, 8) == 1;
		ok = ok && alts_frame_seal(s, "x", 1, frame, sizeof(frame)) ==
				   -EKEYEXPIRED &&
		     alts_frame_seal(s, "x", 1, frame, sizeof(frame)) ==
			     -EKEYEXPIRED;
		alts_crypter_get_counter(o, ctr);
		n = alts_frame_seal_at(ALTSRP_GCM_AES128, key16, 16, ctr, "y",
				       1, frame, sizeof(frame));
		ok = ok && n == 25 &&
		     alts_frame_open(o, frame, n, out, 8) == -EKEYEXPIRED;
		check(ok, "rollover %d: GCM crypter seals/opens one frame, then EKEYEXPIRED",
		      i + 1);
		alts_crypter_free(s);
		alts_crypter_free(o);

		/* with the REKEY overflow length 8 */
		memcpy(ctr, start, 12);
		ok = alts_counter_inc(ctr, 8) == 0 && ctr[0] == 0xff &&
		     !memcmp(ctr + 1, start + 1, 11);
		if (!memcmp(start + 5, "\xff\xff\xff", 3)) {
			ok = ok && alts_counter_inc(ctr, 8) == -EKEYEXPIRED;
			alts_crypter_new(&s, ALTSRP_GCM_AES128_REKEY,
					 counter_side(start), true, key44, 44,
					 0);
			alts_crypter_set_counter(s, start);
			ok = ok && alts_frame_seal(s, "x", 1, frame,
						   sizeof(frame)) == 25 &&
			     alts_frame_seal(s, "x", 1, frame,
					     sizeof(frame)) == -EKEYEXPIRED;
			alts_crypter_free(s);
		}
		check(ok, "rollover %d: with overflow length 8 as spec'd", i + 1);
		case_end();
	}

	/* frame-number API: GCM 2^40-2, REKEY 2^64-2 */
	{
		struct alts_crypter *s = NULL;
		bool ok;

		case_begin("section 3, last counter value of each protocol");
		ok = alts_crypter_new(&s, ALTSRP_GCM_AES128, ALTS_SIDE_CLIENT,
				      true, key16, 16, (1ULL << 40)) == -EINVAL;
		check(ok, "GCM counter 2^40 refused at creation");
		ok = !alts_crypter_new(&s, ALTSRP_GCM_AES128, ALTS_SIDE_SERVER,
				       true, key16, 16, (1ULL << 40) - 2) &&
		     alts_frame_seal(s, "a", 1, frame, sizeof(frame)) == 25 &&
		     alts_crypter_frame_number(s) == (1ULL << 40) - 1 &&
		     alts_frame_seal(s, "a", 1, frame, sizeof(frame)) ==
			     -EKEYEXPIRED;
		check(ok, "GCM from 2^40-2: one frame, then EKEYEXPIRED");
		alts_crypter_free(s);
		ok = !alts_crypter_new(&s, ALTSRP_GMAC_128, ALTS_SIDE_CLIENT,
				       true, key16, 16, (1ULL << 40) - 2) &&
		     alts_frame_seal(s, "a", 1, frame, sizeof(frame)) == 25 &&
		     alts_frame_seal(s, "a", 1, frame, sizeof(frame)) ==
			     -EKEYEXPIRED;
		check(ok, "GMAC from 2^40-2: one frame, then EKEYEXPIRED");
		alts_crypter_free(s);
		ok = !alts_crypter_new(&s, ALTSRP_GCM_AES128_REKEY,
				       ALTS_SIDE_CLIENT, true, key44, 44,
				       UINT64_MAX - 1) &&
		     alts_frame_seal(s, "a", 1, frame, sizeof(frame)) == 25 &&
		     alts_frame_seal(s, "a", 1, frame, sizeof(frame)) ==
			     -EKEYEXPIRED;
		check(ok, "REKEY from 2^64-2: one frame, then EKEYEXPIRED");
		alts_crypter_free(s);
		case_end();
	}

	/* TestCounterSides */
	{
		struct alts_crypter *cs, *cr, *ss, *sr;
		bool ok = true;

		alts_crypter_new(&cs, ALTSRP_GCM_AES128, ALTS_SIDE_CLIENT,
				 true, key16, 16, 0);
		alts_crypter_new(&cr, ALTSRP_GCM_AES128, ALTS_SIDE_CLIENT,
				 false, key16, 16, 0);
		alts_crypter_new(&ss, ALTSRP_GCM_AES128, ALTS_SIDE_SERVER,
				 true, key16, 16, 0);
		alts_crypter_new(&sr, ALTSRP_GCM_AES128, ALTS_SIDE_SERVER,
				 false, key16, 16, 0);
		for (i = 0; i < 1024 && ok; i++) {
			uint8_t c1[12], c2[12], c3[12], c4[12];
			ssize_t n1, n2;

			n1 = alts_frame_seal(cs, "c", 1, frame, sizeof(frame));
			ok = n1 > 0 && alts_frame_open(sr, frame, n1, out, 8) == 1;
			n2 = alts_frame_seal(ss, "s", 1, frame, sizeof(frame));
			ok = ok && n2 > 0 &&
			     alts_frame_open(cr, frame, n2, out, 8) == 1;
			alts_crypter_get_counter(cs, c1);
			alts_crypter_get_counter(cr, c2);
			alts_crypter_get_counter(ss, c3);
			alts_crypter_get_counter(sr, c4);
			ok = ok && c1[11] == 0 && c2[11] == 0x80 &&
			     c3[11] == 0x80 && c4[11] == 0 &&
			     alts_crypter_frame_number(cs) == (uint64_t)i + 1;
		}
		check_case(ok, "section 3, counter sides over 1024 frames each way");
		alts_crypter_free(cs);
		alts_crypter_free(cr);
		alts_crypter_free(ss);
		alts_crypter_free(sr);
	}
}

/* A reader over a byte stream, like a conn.Read with a plaintext buffer. */
struct reader {
	struct alts_crypter *c;
	const uint8_t *in;
	size_t in_len, in_off;
	uint8_t *plain;
	size_t plain_len, plain_off;
	size_t avail;		/* bytes of @in that have "arrived" */
};

/* Returns bytes read, 0 if more input is needed, or -errno. */
static ssize_t reader_read(struct reader *r, void *buf, size_t len)
{
	size_t fsize;
	ssize_t n;
	int ret;

	while (r->plain_off == r->plain_len) {
		ret = alts_frame_parse(r->in + r->in_off,
				       r->avail - r->in_off,
				       alts_crypter_max_frame_len(r->c),
				       &fsize);
		if (ret <= 0)
			return ret;
		free(r->plain);
		r->plain = xmalloc(fsize);
		n = alts_frame_open(r->c, r->in + r->in_off, fsize, r->plain,
				    fsize);
		if (n < 0)
			return n;
		r->in_off += fsize;
		r->plain_len = n;
		r->plain_off = 0;
	}
	n = r->plain_len - r->plain_off;
	if ((size_t)n > len)
		n = len;
	memcpy(buf, r->plain + r->plain_off, n);
	r->plain_off += n;
	return n;
}

/* Seal @len bytes as frames of at most @max_payload bytes. */
static size_t seal_stream(struct alts_crypter *c, const uint8_t *data,
			  size_t len, size_t max_payload, uint8_t *out,
			  size_t *frames)
{
	size_t off = 0, wire = 0;

	*frames = 0;
	do {
		size_t chunk = len - off < max_payload ? len - off :
							 max_payload;
		ssize_t n = alts_frame_seal(c, data + off, chunk, out + wire,
					    alts_frame_size(chunk));

		if (n < 0)
			return 0;
		wire += n;
		off += chunk;
		(*frames)++;
	} while (off < len);
	return wire;
}

static void make_pair(enum alts_record_protocol proto, const struct bytes *k,
		      enum alts_side sender, struct alts_crypter **s,
		      struct alts_crypter **o)
{
	*s = *o = NULL;
	if (alts_crypter_new(s, proto, sender, true, k->p, k->len, 0) ||
	    alts_crypter_new(o, proto, peer_of(sender), false, k->p, k->len,
			     0)) {
		diag("cannot create crypters");
		exit(2);
	}
}

static void framing_pingpong(const struct bytes *k)
{
	static const char cmsg[] = "Client Message", smsg[] = "Server Message";
	struct alts_crypter *cs, *so, *ss, *co;
	uint8_t frame[128], out[64];
	ssize_t n;
	bool ok;

	make_pair(ALTSRP_GCM_AES128, k, ALTS_SIDE_CLIENT, &cs, &so);
	make_pair(ALTSRP_GCM_AES128, k, ALTS_SIDE_SERVER, &ss, &co);
	n = alts_frame_seal(cs, cmsg, 14, frame, sizeof(frame));
	ok = n == 38 && alts_frame_open(so, frame, n, out, sizeof(out)) == 14 &&
	     !memcmp(out, cmsg, 14);
	n = alts_frame_seal(ss, smsg, 14, frame, sizeof(frame));
	ok = ok && n == 38 &&
	     alts_frame_open(co, frame, n, out, sizeof(out)) == 14 &&
	     !memcmp(out, smsg, 14);
	/* a client cannot open its own frame (other counter space) */
	n = alts_frame_seal(cs, cmsg, 14, frame, sizeof(frame));
	ok = ok && alts_frame_open(co, frame, n, out, sizeof(out)) == -EBADMSG;
	check(ok, "TestPingPong: client->server and server->client");
	alts_crypter_free(cs);
	alts_crypter_free(so);
	alts_crypter_free(ss);
	alts_crypter_free(co);
}

static void framing_small_read(const struct bytes *k)
{
	static const char msg[] = "0123456789abcdefghijkl";	/* 22 bytes */
	struct alts_crypter *s, *o;
	struct reader r = { 0 };
	uint8_t frame[64], buf[22];
	ssize_t n, a, b;

	make_pair(ALTSRP_GCM_AES128, k, ALTS_SIDE_CLIENT, &s, &o);
	n = alts_frame_seal(s, msg, 22, frame, sizeof(frame));
	r.c = o;
	r.in = frame;
	r.in_len = r.avail = n;
	a = reader_read(&r, buf, 2);
	b = reader_read(&r, buf + 2, 20);
	check(n == 46 && a == 2 && b == 20 && !memcmp(buf, msg, 22),
	      "TestSmallReadBuffer: 22 bytes read as 2 + 20");
	free(r.plain);
	alts_crypter_free(s);
	alts_crypter_free(o);
}

static void framing_large_msg(const struct bytes *k)
{
	const size_t len = 4077, max_payload = 4072;
	struct alts_crypter *s, *o;
	uint8_t *data = xmalloc(len), *wire = xmalloc(2 * 4096);
	uint8_t *back = xmalloc(len);
	struct reader r = { 0 };
	size_t frames, wlen, got = 0, i;
	ssize_t n;

	for (i = 0; i < len; i++)
		data[i] = i * 7 + 3;
	make_pair(ALTSRP_GCM_AES128, k, ALTS_SIDE_CLIENT, &s, &o);
	wlen = seal_stream(s, data, len, max_payload, wire, &frames);
	check(frames == 2 && wlen == 4096 + 29 && wire[0] == 0xfc &&
	      wire[1] == 0x0f && wire[4096] == 25,
	      "TestLargeMsg: 4077 bytes split as 4072 + 5 (frames of 4096 and 29 bytes)");
	r.c = o;
	r.in = wire;
	r.in_len = r.avail = wlen;
	while (got < len && (n = reader_read(&r, back + got, len - got)) > 0)
		got += n;
	check(got == len && !memcmp(back, data, len),
	      "TestLargeMsg: reassembled");
	free(r.plain);
	free(data);
	free(wire);
	free(back);
	alts_crypter_free(s);
	alts_crypter_free(o);
}

static void framing_bad_type(const struct bytes *k)
{
	static const uint8_t go_frame[8] = { 4, 0, 0, 0, 0x22, 0, 0, 0 };
	struct alts_crypter *s, *o;
	uint8_t frame[64], out[32];
	size_t fs;
	ssize_t n;
	bool ok;

	make_pair(ALTSRP_GCM_AES128, k, ALTS_SIDE_CLIENT, &s, &o);
	ok = alts_frame_parse(go_frame, 8, ALTS_FRAME_LEN_MAX, &fs) ==
		     -EPROTO &&
	     alts_frame_open(o, go_frame, 8, out, sizeof(out)) == -EPROTO;
	check(ok, "TestIncorrectMsgType: 04000000 22000000 is EPROTO");

	/* a well-sized frame whose type is 0x22, and Go's lenient 0x106 */
	n = alts_frame_seal(s, "abc", 3, frame, sizeof(frame));
	frame[4] = 0x22;
	ok = alts_frame_parse(frame, 8, ALTS_FRAME_LEN_MAX, &fs) == -EPROTO &&
	     alts_frame_open(o, frame, n, out, sizeof(out)) == -EPROTO;
	frame[4] = 0x06;
	frame[5] = 0x01;
	ok = ok && alts_frame_parse(frame, n, ALTS_FRAME_LEN_MAX, &fs) ==
			   -EPROTO &&
	     alts_frame_open(o, frame, n, out, sizeof(out)) == -EPROTO;
	frame[5] = 0;
	/* the counter did not move: the intact frame still opens */
	ok = ok && alts_frame_open(o, frame, n, out, sizeof(out)) == 3;
	check(ok, "type 0x22 and 0x106 are EPROTO; the counter stays");
	alts_crypter_free(s);
	alts_crypter_free(o);
}

static void framing_too_large(const struct bytes *k)
{
	uint8_t hdr[8] = { 0x01, 0x00, 0x10, 0x00, 6, 0, 0, 0 };
	struct alts_crypter *s, *o;
	uint8_t *big, *out;
	size_t fs;
	ssize_t n;
	bool ok;

	ok = alts_frame_parse(hdr, 4, ALTS_FRAME_LEN_MAX, &fs) == -EMSGSIZE;
	hdr[0] = 0;
	ok = ok && alts_frame_parse(hdr, 8, ALTS_FRAME_LEN_MAX, &fs) == 0 &&
	     fs == 4 + 1048576;
	check(ok, "TestFrameTooLarge: L = 1048577 is EMSGSIZE from 4 bytes; 1048576 is accepted");

	make_pair(ALTSRP_GCM_AES128, k, ALTS_SIDE_CLIENT, &s, &o);
	big = xmalloc(alts_frame_size(1048556) + 1);
	out = xmalloc(1048557);
	memset(out, 0x3c, 1048557);
	n = alts_frame_seal(s, out, 1048557, big, alts_frame_size(1048557));
	ok = n == -EMSGSIZE;
	n = alts_frame_seal(s, out, 1048556, big, alts_frame_size(1048556));
	ok = ok && n == 1048580 &&
	     alts_frame_open(o, big, n, out, 1048556) == 1048556;
	alts_crypter_set_max_frame_len(o, 16384);
	n = alts_frame_seal(s, out, 16365, big, alts_frame_size(16365));
	ok = ok && alts_frame_open(o, big, n, out, 1048556) == -EMSGSIZE;
	check(ok, "1 MiB frame (payload 1048556) round trip; larger refused; RX limit enforced");
	free(big);
	free(out);
	alts_crypter_free(s);
	alts_crypter_free(o);
}

static void framing_write_large(const struct bytes *k)
{
	const size_t len = 626688, max_payload = 4072;
	struct alts_crypter *s, *o;
	uint8_t *data = xmalloc(len), *back = xmalloc(len);
	uint8_t *wire = xmalloc(len + 200 * ALTS_FRAME_OVERHEAD);
	struct reader r = { 0 };
	size_t frames, wlen, got = 0, i, step = 1;
	bool ok = true;
	ssize_t n;

	for (i = 0; i < len; i++)
		data[i] = (i >> 3) ^ i;
	make_pair(ALTSRP_GCM_AES128, k, ALTS_SIDE_CLIENT, &s, &o);
	wlen = seal_stream(s, data, len, max_payload, wire, &frames);
	check(frames == (len + max_payload - 1) / max_payload &&
	      wlen == len + frames * ALTS_FRAME_OVERHEAD,
	      "TestWriteLargeData: 626688 bytes as %zu frames of <= 4072", frames);
	r.c = o;
	r.in = wire;
	r.in_len = wlen;
	/* bytes arrive in uneven pieces; reads use uneven buffers */
	while (got < len && ok) {
		n = reader_read(&r, back + got, (got % 5000) + 1);
		if (n < 0) {
			ok = false;
		} else if (n == 0) {
			if (r.avail == r.in_len)
				ok = false;
			r.avail += step;
			if (r.avail > r.in_len)
				r.avail = r.in_len;
			step = step * 3 % 9001 + 1;
		}
		got += n > 0 ? n : 0;
	}
	check(ok && got == len && !memcmp(back, data, len) &&
	      alts_crypter_frame_number(o) == frames,
	      "TestWriteLargeData: read back through the streaming parser");
	free(r.plain);
	free(data);
	free(back);
	free(wire);
	alts_crypter_free(s);
	alts_crypter_free(o);
}

static void framing_protected_buffer(const struct bytes *k)
{
	struct alts_crypter *s, *o;
	uint8_t wire[256], out[64];
	struct reader r = { 0 };
	ssize_t a, b, n1, n2;
	size_t fs;
	bool ok;

	make_pair(ALTSRP_GCM_AES128, k, ALTS_SIDE_SERVER, &s, &o);
	n1 = alts_frame_seal(s, "protected", 9, wire, sizeof(wire));
	n2 = alts_frame_seal(s, "later", 5, wire + n1, sizeof(wire) - n1);
	/* the "handshake" read the first frame and 3 bytes of the next */
	ok = alts_frame_parse(wire, n1 + 3, ALTS_FRAME_LEN_MAX, &fs) == 1 &&
	     fs == (size_t)n1 &&
	     alts_frame_parse(wire + n1, 3, ALTS_FRAME_LEN_MAX, &fs) == 0 &&
	     fs == 4 &&
	     alts_frame_parse(wire + n1, 5, ALTS_FRAME_LEN_MAX, &fs) == 0 &&
	     fs == (size_t)n2;
	r.c = o;
	r.in = wire;
	r.in_len = n1 + n2;
	r.avail = n1 + 3;
	a = reader_read(&r, out, sizeof(out));
	ok = ok && a == 9 && !memcmp(out, "protected", 9) &&
	     reader_read(&r, out, sizeof(out)) == 0;
	r.avail = r.in_len;
	b = reader_read(&r, out, sizeof(out));
	check(ok && b == 5 && !memcmp(out, "later", 5),
	      "TestProtectedBuffer: leftover bytes decode as the first frame");
	free(r.plain);
	alts_crypter_free(s);
	alts_crypter_free(o);
}

/* REKEY with the handshaker key across an epoch boundary, both ways. */
static void framing_rekey_boundary(const struct bytes *k)
{
	struct alts_crypter *s[2], *o[2];
	uint8_t frame[64], out[64], ctr[12], ref[64];
	bool ok = true;
	int d, i;

	for (d = 0; d < 2; d++) {
		enum alts_side sender = d ? ALTS_SIDE_SERVER : ALTS_SIDE_CLIENT;

		alts_crypter_new(&s[d], ALTSRP_GCM_AES128_REKEY, sender, true,
				 k->p, k->len, 65536 - 3);
		alts_crypter_new(&o[d], ALTSRP_GCM_AES128_REKEY,
				 peer_of(sender), false, k->p, k->len,
				 65536 - 3);
		for (i = 0; i < 10 && ok; i++) {
			ssize_t n, m;

			alts_crypter_get_counter(s[d], ctr);
			n = alts_frame_seal(s[d], "rekey me", 8, frame,
					    sizeof(frame));
			m = alts_aead_seal_raw(ALTSRP_GCM_AES128_REKEY, k->p,
					       k->len, ctr, NULL, 0,
					       "rekey me", 8, ref,
					       sizeof(ref));
			ok = n == 32 && m == 24 && !memcmp(frame + 8, ref, 24) &&
			     alts_frame_open(o[d], frame, n, out,
					     sizeof(out)) == 8 &&
			     !memcmp(out, "rekey me", 8);
		}
		ok = ok && alts_crypter_frame_number(s[d]) == 65536 + 7;
	}
	check(ok, "REKEY handshaker key: 10 frames each way across frame 65536");
	/* the two epochs' keys differ */
	{
		uint8_t c0[12] = { 0 }, c1[12] = { 0 }, k0[16], k1[16];

		c0[0] = 0xff;
		c0[1] = 0xff;
		c1[2] = 1;
		alts_rekey_derive(k->p, c0, k0);
		alts_rekey_derive(k->p, c1, k1);
		c0[11] = 0x80;
		alts_rekey_derive(k->p, c0, ref);
		check(memcmp(k0, k1, 16) && !memcmp(k0, ref, 16),
		      "REKEY: epoch 1 key differs; direction bit not in the KDF");
	}
	for (d = 0; d < 2; d++) {
		alts_crypter_free(s[d]);
		alts_crypter_free(o[d]);
	}
}

static void test_section4(void)
{
	static const struct {
		const char *name;
		void (*fn)(const struct bytes *k);
	} handlers[] = {
		{ "TestPingPong", framing_pingpong },
		{ "TestSmallReadBuffer", framing_small_read },
		{ "TestLargeMsg", framing_large_msg },
		{ "TestIncorrectMsgType", framing_bad_type },
		{ "TestFrameTooLarge", framing_too_large },
		{ "TestWriteLargeData", framing_write_large },
		{ "TestProtectedBuffer", framing_protected_buffer },
	};
	int i;
	size_t h;

	check_case(framing_key.len == 16,
		   "section 4, framing key parsed (16 bytes)");
	if (framing_key.len != 16)
		return;
	for (i = 0; i < n_framing; i++) {
		bool found = false;

		case_begin("section 4, %s", framing_names[i]);
		for (h = 0; h < ARRAY_SIZE(handlers); h++) {
			if (strcmp(handlers[h].name, framing_names[i]))
				continue;
			handlers[h].fn(&framing_key);
			found = true;
		}
		if (!found)
			check(false, "%s: no check for this behaviour",
			      framing_names[i]);
		case_end();
	}
	case_begin("section 4, REKEY across frame 65536 with the handshaker key");
	check(framing_rekey_key.len == 44, "handshaker REKEY key parsed (44 bytes)");
	if (framing_rekey_key.len == 44)
		framing_rekey_boundary(&framing_rekey_key);
	case_end();
}

static void test_section5(void)
{
	int i;

	for (i = 0; i < n_c; i++) {
		struct vec *v = &cvecs[i];
		uint8_t *want;
		size_t wlen;

		case_begin("section 5, %s", v->name);
		check(vec_shape_ok(v, 16, 32), "%s: vector well formed",
		      v->name);
		if (!vec_shape_ok(v, 16, 32)) {
			case_end();
			continue;
		}
		raw_checks(v, ALTSRP_GCM_AES128);
		if (v->key.len != 16) {
			case_end();
			continue;
		}
		if (!v->pt.len) {
			/* integrity-only frame: payload = AAD in clear */
			want = expected_frame(v->aad.p, v->aad.len, v->ct.p,
					      v->ct.len, &wlen);
			frame_roundtrip(v->name, ALTSRP_GMAC_128, &v->key,
					v->nonce.p, &v->aad, want, wlen);
			free(want);
		}
		if (!v->aad.len) {
			want = expected_frame(v->ct.p, v->ct.len, NULL, 0,
					      &wlen);
			frame_roundtrip(v->name, ALTSRP_GCM_AES128, &v->key,
					v->nonce.p, &v->pt, want, wlen);
			free(want);
		}
		case_end();
	}
}

static void free_bytes(struct bytes *b)
{
	free(b->p);
	b->p = NULL;
}

static void free_vec(struct vec *v)
{
	free_bytes(&v->key);
	free_bytes(&v->nonce);
	free_bytes(&v->aad);
	free_bytes(&v->pt);
	free_bytes(&v->ct);
	free_bytes(&v->tag);
	free_bytes(&v->frame);
}

/* Codec behaviours not tied to a vector. */
static void test_codec(void)
{
	static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
					 12, 13, 14, 15, 16 };
	struct alts_crypter *s, *o;
	uint8_t frame[128], out[64];
	size_t fs;
	ssize_t n;
	bool ok;
	uint32_t l;

	ok = alts_crypter_new(&s, ALTSRP_UNSPEC, 0, true, key, 16, 0) ==
		     -EINVAL &&
	     alts_crypter_new(&s, ALTSRP_GCM_AES128, 0, true, key, 44, 0) ==
		     -EINVAL &&
	     alts_crypter_new(&s, ALTSRP_GCM_AES128_REKEY, 0, true, key, 16,
			      0) == -EINVAL &&
	     alts_crypter_new(&s, ALTSRP_GCM_AES128, 2, true, key, 16, 0) ==
		     -EINVAL;
	check_case(ok, "codec: bad protocol, key length or side refused");

	/* every L class through the parser */
	ok = true;
	for (l = 0; l < 20 && ok; l++) {
		put_le32(frame, l);
		ok = alts_frame_parse(frame, 4, ALTS_FRAME_LEN_MAX, &fs) ==
		     -EPROTO;
	}
	put_le32(frame, 0xffffffff);
	ok = ok && alts_frame_parse(frame, 4, ALTS_FRAME_LEN_MAX, &fs) ==
			   -EMSGSIZE;
	put_le32(frame, 20);
	put_le32(frame + 4, 6);
	ok = ok && alts_frame_parse(frame, 3, 1024, &fs) == 0 && fs == 4 &&
	     alts_frame_parse(frame, 8, 1024, &fs) == 0 && fs == 24 &&
	     alts_frame_parse(frame, 24, 1024, &fs) == 1 &&
	     alts_frame_parse(frame, 100, 1024, &fs) == 1 && fs == 24;
	check_case(ok, "codec: parser classes L<20, 20, 0xffffffff, partial headers");

	make_pair(ALTSRP_GCM_AES128, &(struct bytes){ .p = (uint8_t *)key, .len = 16 },
		  ALTS_SIDE_CLIENT, &s, &o);
	n = alts_frame_seal(s, NULL, 0, frame, sizeof(frame));
	ok = n == 24 && frame[0] == 20 &&
	     alts_frame_open(o, frame, n, out, 0) == 0;
	check_case(ok, "codec: empty payload frame (L = 20) round trip");
	n = alts_frame_seal(s, "abcdef", 6, frame, sizeof(frame));
	ok = alts_frame_open(o, frame, n - 1, out, sizeof(out)) == -EPROTO &&
	     alts_frame_open(o, frame, n, out, 5) == -ENOSPC &&
	     alts_frame_seal(s, "abc", 3, frame, 26) == -ENOSPC &&
	     alts_frame_open(s, frame, n, out, sizeof(out)) == -EINVAL &&
	     alts_frame_seal(o, "abc", 3, frame, sizeof(frame)) == -EINVAL &&
	     alts_frame_open(o, frame, n, out, sizeof(out)) == 6 &&
	     !memcmp(out, "abcdef", 6);
	check_case(ok, "codec: truncated frame, short buffers and wrong direction of use");
	memset(out, 0x77, sizeof(out));
	n = alts_frame_seal(s, "secret", 6, frame, sizeof(frame));
	frame[8] ^= 1;
	ok = alts_frame_open(o, frame, n, out, sizeof(out)) == -EBADMSG &&
	     !memcmp(out, "\0\0\0\0\0\0", 6);
	check_case(ok, "codec: failed open releases no plaintext");
	alts_crypter_free(s);
	alts_crypter_free(o);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : DEFAULT_VECTORS;
	int i;

	if (load_vectors(path))
		return 2;
	printf("TAP version 13\n");
	diag("vectors from %s", path);
	diag("section 1: %d A vectors, section 2: %d R vectors, section 3: %d increments + %d rollovers, section 4: %d behaviours, section 5: %d C vectors",
	     n_a, n_r, n_inc, n_roll, n_framing, n_c);
	case_begin("vectors file parsed, every section present");
	check(!parse_errors, "vectors file parsed without errors");
	check(n_a > 0, "section 1 has vectors");
	check(n_r > 0, "section 2 has vectors");
	check(n_inc > 0 && n_roll > 0, "section 3 has vectors");
	check(n_framing > 0, "section 4 has behaviours");
	check(n_c > 0, "section 5 has vectors");
	case_end();

	test_section1();
	test_section2();
	test_section3();
	test_section4();
	test_section5();
	test_codec();

	for (i = 0; i < n_a; i++)
		free_vec(&avecs[i]);
	for (i = 0; i < n_r; i++)
		free_vec(&rvecs[i]);
	for (i = 0; i < n_c; i++)
		free_vec(&cvecs[i]);
	for (i = 0; i < n_inc; i++) {
		free_bytes(&inc_from[i]);
		free_bytes(&inc_to[i]);
	}
	for (i = 0; i < n_roll; i++)
		free_bytes(&rolls[i].start);
	free_bytes(&framing_key);
	free_bytes(&framing_rekey_key);
	free_bytes(&r_frame_text);

	printf("1..%d\n", n_pass + n_fail);
	diag("%d checks in %d test cases", n_checks, n_pass + n_fail);
	printf("%d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
