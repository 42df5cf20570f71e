// SPDX-License-Identifier: GPL-2.0
/*
 * Certificate parsing and the full verification chain (design 5.11 steps
 * 1-5), and the parsers of the signed CRL, revocation IDs and policy lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alts_cert_info info;

	fz_init();
	alts_cert_verify(fz_srv.creds, data, size, TEST_NOW, true, &info);
	alts_cert_verify(fz_srv.creds, data, size, TEST_NOW, false, &info);
	alts_master_parse(data, size, &info);
	/* the same bytes as the trust files' text: a CRL, a revocation ID, a policy line */
	{
		struct alts_policy_rule rule;
		struct alts_crl crl;
		char err[256], *text;
		uint64_t id;

		if (!alts_crl_parse("fuzz", (const char *)data, size, fz_srv.creds, &crl, err,
				    sizeof(err)))
			alts_crl_free(&crl);
		text = malloc(size + 1);
		if (!text)
			return 0;
		memcpy(text, data, size);
		text[size] = 0;
		alts_rid_parse(text, &id);
		alts_policy_parse_line(text, &rule);
		free(text);
	}
	return 0;
}
