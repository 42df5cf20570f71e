// SPDX-License-Identifier: GPL-2.0
/* Certificate parsing and the full verification chain (design 5.11 steps 1-5). */
#include <stdint.h>

#include "cert.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alts_cert_info info;

	fz_init();
	alts_cert_verify(fz_srv.creds, data, size, TEST_NOW, true, &info);
	alts_cert_verify(fz_srv.creds, data, size, TEST_NOW, false, &info);
	alts_master_parse(data, size, &info);
	return 0;
}
