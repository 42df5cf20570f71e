// SPDX-License-Identifier: GPL-2.0
/*
 * Frame layer: arbitrary bytes, in arbitrary chunks, into a server core
 * and into a client core that has sent its ClientInit.
 */
#include <stdint.h>

#include "fuzz_common.h"

static void feed(struct alts_hs *hs, const uint8_t *data, size_t size, size_t chunk)
{
	struct alts_buf out = { 0 };
	size_t off = 0, used;

	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;

		if (alts_hs_next(hs, data + off, n, &used, &out))
			break;
		if (used > n)
			abort();
		if (used < n && !alts_hs_done(hs))
			abort();	/* the core only stops early once it is done */
		off += used;
		if (alts_hs_done(hs))
			break;
	}
	alts_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alts_hs_config cfg;
	struct alts_buf out = { 0 };
	struct test_rng r;
	struct alts_hs *hs;
	size_t chunk;

	fz_init();
	if (size < 1)
		return 0;
	chunk = (size_t)(data[0] & 0x3f) + 1;
	if (data[0] & 0x40)
		chunk = size;
	test_rng_init(&r, "fuzz");
	test_config(&cfg, (data[0] & 0x80) ? ALTS_CLIENT : ALTS_SERVER,
		    (data[0] & 0x80) ? &fz_cli : &fz_srv, &r);
	if (alts_hs_new(&hs, &cfg))
		abort();
	alts_hs_start(hs, &out);
	feed(hs, data + 1, size - 1, chunk);
	alts_hs_free(hs);
	alts_buf_free(&out);
	return 0;
}
