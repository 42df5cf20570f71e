// SPDX-License-Identifier: GPL-2.0
/*
 * Tickets: selector 0 opens the input as a ticket; selector 1 seals the
 * input as a ticket body under a configured key first, so that the body
 * parser behind the AEAD sees attacker-shaped plaintext too.
 */
#include <stdint.h>

#include <openssl/crypto.h>

#include "fuzz_common.h"
#include "kdf.h"
#include "ticket.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct alts_secrets *sec;
	struct alts_ticket_body b;
	uint8_t t[ALTS_MAX_TICKET];
	uint8_t aad[ALTS_IDR_LEN + 1 + sizeof(ALTS_LABEL_TICKET) - 1];

	fz_init();
	sec = fz_srv.creds->sec;
	if (size < 1)
		return 0;
	if (!(data[0] & 1)) {
		alts_ticket_open(sec, data + 1, size - 1, &b);
		return 0;
	}
	size--;
	data++;
	if (ALTS_TICKET_HEADER_LEN + size + ALTS_TICKET_TAG_LEN > sizeof(t))
		return 0;
	memcpy(t, sec->res_keys[0].idr, ALTS_IDR_LEN);
	t[ALTS_IDR_LEN] = ALTS_TICKET_VERSION;
	memset(t + ALTS_IDR_LEN + 1, 7, ALTS_TICKET_NONCE_LEN);
	memcpy(aad, t, ALTS_IDR_LEN + 1);
	memcpy(aad + ALTS_IDR_LEN + 1, ALTS_LABEL_TICKET, sizeof(ALTS_LABEL_TICKET) - 1);
	if (!alts_aes256gcm_seal(t + ALTS_TICKET_HEADER_LEN, sec->res_keys[0].key,
				 t + ALTS_IDR_LEN + 1, aad, sizeof(aad), data, size))
		abort();
	alts_ticket_open(sec, t, ALTS_TICKET_HEADER_LEN + size + ALTS_TICKET_TAG_LEN, &b);
	OPENSSL_cleanse(&b, sizeof(b));
	return 0;
}
