// SPDX-License-Identifier: GPL-2.0
/*
 * Message parsers and checks: the input (after a selector byte) is the
 * protobuf body of one message, delivered in the state where that message
 * is expected: ClientInit to a fresh server, ServerInit to a client that
 * sent a real ClientInit, ServerFinished after a real ServerInit,
 * ClientFinished after a real ClientInit, or an Alert.
 */
#include <stdint.h>

#include "fuzz_common.h"

static struct fz_flights fl;

static void deliver(struct alts_hs *hs, const uint8_t *buf, size_t len, struct alts_buf *out)
{
	size_t used;

	alts_hs_next(hs, buf, len, &used, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct alts_hs_config cfg;
	struct alts_buf out = { 0 };
	struct test_rng r;
	struct alts_hs *hs;
	uint8_t *frame;
	unsigned int sel;
	bool server;

	if (!ready) {
		fz_flights(&fl);
		ready = 1;
	}
	if (size < 1 || size > ALTS_FRAME_MAX - 8)
		return 0;
	sel = data[0] % 5;
	server = sel == 0 || sel == 3;
	frame = malloc(size - 1 + 8);
	put_le32(frame, (uint32_t)(size - 1 + 4));
	put_le32(frame + 4, sel == 0 ? ALTS_FRAME_CLIENT_INIT : sel == 1 ? ALTS_FRAME_SERVER_INIT :
			    sel == 2 ? ALTS_FRAME_SERVER_FINISHED : sel == 3 ? ALTS_FRAME_CLIENT_FINISHED :
			    ALTS_FRAME_ALERT);
	memcpy(frame + 8, data + 1, size - 1);

	/* the honest runs used these RNG labels, so the states match the flights */
	test_rng_init(&r, server ? "fuzz-server" : "fuzz-client");
	test_config(&cfg, server ? ALTS_SERVER : ALTS_CLIENT, server ? &fz_srv : &fz_cli, &r);
	if (alts_hs_new(&hs, &cfg))
		abort();
	alts_hs_start(hs, &out);
	out.len = 0;
	if (sel == 3)
		deliver(hs, fl.f[0], fl.len[0], &out);
	if (sel == 2)	/* ServerInit only: the first frame of flight 1 */
		deliver(hs, fl.f[1], get_le32(fl.f[1]) + 4, &out);
	deliver(hs, frame, size - 1 + 8, &out);
	if (alts_hs_done(hs)) {
		struct alts_hs_result res;

		alts_hs_result(hs, &res);
		alts_hs_result_wipe(&res);
	}
	alts_hs_free(hs);
	alts_buf_free(&out);
	free(frame);
	return 0;
}
