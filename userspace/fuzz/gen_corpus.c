// SPDX-License-Identifier: GPL-2.0
/* Writes the seed corpus (fuzz/corpus/<harness>/) from one honest handshake. */
#include <stdio.h>
#include <sys/stat.h>

#include "alts_handshake.pb-c.h"
#include "fuzz_common.h"
#include "ticket.h"

static void put(const char *dir, const char *name, uint8_t sel, bool with_sel,
		const uint8_t *p, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	if (with_sel)
		fputc(sel, f);
	fwrite(p, 1, len, f);
	fclose(f);
}

int main(int argc, char **argv)
{
	struct fz_flights fl;
	struct alts_ticket_body b = { 0 };
	struct test_rng r;
	char d[4][256];
	const char *names[4] = { "frame", "message", "cert", "ticket" };
	uint8_t t[ALTS_MAX_TICKET];
	size_t tlen, si_len, i;

	if (argc != 2)
		return 1;
	for (i = 0; i < 4; i++) {
		snprintf(d[i], sizeof(d[i]), "%s/%s", argv[1], names[i]);
		mkdir(d[i], 0755);
	}
	fz_flights(&fl);
	si_len = get_le32(fl.f[1]) + 4;
	/* frame: selector (server, whole input) then the flights */
	put(d[0], "client-init", 0x40, true, fl.f[0], fl.len[0]);
	put(d[0], "client-init-chunked", 0x07, true, fl.f[0], fl.len[0]);
	put(d[0], "server-flight", 0xc0, true, fl.f[1], fl.len[1]);
	put(d[0], "client-finished", 0x40, true, fl.f[2], fl.len[2]);
	/* message: selector then the protobuf body */
	put(d[1], "client-init", 0, true, fl.f[0] + 8, fl.len[0] - 8);
	put(d[1], "server-init", 1, true, fl.f[1] + 8, si_len - 8);
	put(d[1], "server-finished", 2, true, fl.f[1] + si_len + 8, fl.len[1] - si_len - 8);
	put(d[1], "client-finished", 3, true, fl.f[2] + 8, fl.len[2] - 8);
	put(d[1], "alert", 4, true, (const uint8_t *)"\x08\x06", 2);
	/* cert */
	put(d[2], "handshake-cert", 0, false, fz_srv.hs_cert, fz_srv.hs_len);
	put(d[2], "master-cert", 0, false, fz_srv.master_cert, fz_srv.master_len);
	{
		/* a CRL signed by the test root, as altsctl crl writes it */
		uint64_t ids[2] = { (1ULL << 56) | 5, (3ULL << 56) | 9 };
		struct alts_crl crl = { .issuer = TEST_ROOT, .serial = 3, .this_update = TEST_NOW,
					.next_update = TEST_NOW + 86400, .ids = ids, .n_ids = 2 };
		uint8_t seed[32];
		char *text;
		size_t len;

		root_seed(seed, TEST_ROOT);
		if (alts_crl_sign(seed, &crl, &text, &len))
			return 1;
		put(d[2], "crl", 0, false, (const uint8_t *)text, len);
		free(text);
	}
	/* ticket: a real one, and a body to be sealed by the harness */
	memset(b.secret, 0x11, sizeof(b.secret));
	strcpy(b.identity, "client@kalts.test");
	strcpy(b.issuer_identity, "server@kalts.test");
	strcpy(b.record_protocol, ALTS_RPN_GCM_AES128_REKEY);
	strcpy(b.handshake_cipher, ALTS_CIPHER_PFS);
	b.expires_at = TEST_NOW + 60;
	test_rng_init(&r, "corpus");
	if (alts_ticket_seal(&fz_srv.creds->sec->res_keys[0], test_rng_fn, &r, &b, t, sizeof(t), &tlen))
		return 1;
	put(d[3], "ticket", 0, true, t, tlen);
	{
		Kalts__Hs__TicketBody tb = KALTS__HS__TICKET_BODY__INIT;
		uint8_t body[1024];

		tb.resumption_secret.data = b.secret;
		tb.resumption_secret.len = 32;
		tb.identity = b.identity;
		tb.issuer_identity = b.issuer_identity;
		tb.record_protocol = b.record_protocol;
		tb.handshake_cipher = b.handshake_cipher;
		tb.expires_at = b.expires_at;
		tb.pfs = 1;
		tb.peer_cert_hash.data = b.cert_hash;
		tb.peer_cert_hash.len = sizeof(b.cert_hash);
		put(d[3], "body", 1, true, body, kalts__hs__ticket_body__pack(&tb, body));
	}
	return 0;
}
