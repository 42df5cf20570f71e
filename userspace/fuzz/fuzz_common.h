/* SPDX-License-Identifier: GPL-2.0 */
/* Shared, deterministic fixtures for the libFuzzer harnesses. */
#ifndef KALTS_FUZZ_COMMON_H
#define KALTS_FUZZ_COMMON_H

#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static struct party fz_srv, fz_cli;

static void fz_init(void)
{
	static int done;
	struct party_opts s = { .identity = "server@kalts.test" }, c = { .identity = "client@kalts.test" };

	if (done)
		return;
	if (party_make(&fz_srv, &s) || party_make(&fz_cli, &c))
		abort();
	done = 1;
}

/* A complete honest handshake's three flights, for harnesses that need a state. */
struct fz_flights {
	uint8_t *f[3];
	size_t len[3];
};

static void __attribute__((unused)) fz_flights(struct fz_flights *fl)
{
	struct test_rng cr, sr;
	struct alts_hs_config c, s;
	struct pump pm;
	int i;

	fz_init();
	test_rng_init(&cr, "fuzz-client");
	test_rng_init(&sr, "fuzz-server");
	test_config(&c, ALTS_CLIENT, &fz_cli, &cr);
	test_config(&s, ALTS_SERVER, &fz_srv, &sr);
	pump_run(&pm, &c, &s, NULL);
	if (pm.cerr || pm.serr || pm.n_flights != 3)
		abort();
	for (i = 0; i < 3; i++) {
		fl->f[i] = malloc(pm.flight_len[i]);
		memcpy(fl->f[i], pm.flight[i], pm.flight_len[i]);
		fl->len[i] = pm.flight_len[i];
	}
	pump_free(&pm);
}

#endif
