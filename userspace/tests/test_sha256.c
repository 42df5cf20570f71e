// SPDX-License-Identifier: GPL-2.0
/* examples/sha256.c: FIPS 180-2 appendix B vectors, then OpenSSL as oracle. */
#include <string.h>
#include <openssl/sha.h>

#include "sha256.h"
#include "tests.h"
#include "testutil.h"

static void digest_hex(char hex[65], const void *data, size_t len, size_t step)
{
	const unsigned char *p = data;
	uint8_t d[SHA256_LEN];
	struct sha256 s;
	size_t off;

	sha256_init(&s);
	for (off = 0; off < len; off += step)
		sha256_update(&s, p + off, len - off < step ? len - off : step);
	sha256_final(&s, d);
	bin2hex(hex, d, sizeof(d));
}

static void test_sha256_vectors(T_STATE)
{
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static char million[1000000];
	char hex[65];

	digest_hex(hex, "", 0, 1);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	digest_hex(hex, "abc", 3, 3);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	digest_hex(hex, two_blocks, strlen(two_blocks), 7);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', sizeof(million));
	digest_hex(hex, million, sizeof(million), 4096);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Every length around the padding boundaries, fed in uneven pieces. */
static void test_sha256_against_openssl(T_STATE)
{
	unsigned char data[300], want[SHA256_LEN];
	char hex[65], want_hex[65];
	size_t len, step;

	for (len = 0; len < sizeof(data); len++)
		data[len] = (unsigned char)(len * 131 + 7);
	for (len = 0; len < sizeof(data); len++) {
		SHA256(data, len, want);
		bin2hex(want_hex, want, sizeof(want));
		for (step = 1; step <= 65; step += 16) {
			digest_hex(hex, data, len, step);
			assert_string_equal(hex, want_hex);
		}
	}
}

static const struct CMUnitTest sha256_tests[] = {
	cmocka_unit_test(test_sha256_vectors),
	cmocka_unit_test(test_sha256_against_openssl),
};

GROUP(sha256_group, "examples_sha256", sha256_tests);
