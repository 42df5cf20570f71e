// SPDX-License-Identifier: GPL-2.0
/*
 * Primitives and key schedule. The key-schedule and authenticator vectors
 * were computed by an independent HKDF/HMAC implementation (Python's hmac
 * and hashlib) from the formulas in Documentation/handshake.rst.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "kdf.h"
#include "tests.h"
#include "testutil.h"

/* RFC 5869 A.1 */
static void hkdf_rfc5869_case1(T_STATE)
{
	uint8_t ikm[22], salt[13], info[10], prk[32], okm[42], want[42], want_prk[32];
	struct alts_iov iov = { info, sizeof(info) };

	memset(ikm, 0x0b, sizeof(ikm));
	hex2bin(salt, "000102030405060708090a0b0c");
	hex2bin(info, "f0f1f2f3f4f5f6f7f8f9");
	hex2bin(want_prk, "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
	hex2bin(want, "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
		      "34007208d5b887185865");
	assert_true(alts_hkdf_extract(prk, salt, sizeof(salt), ikm, sizeof(ikm)));
	assert_memory_equal(prk, want_prk, 32);
	assert_true(alts_hkdf_expand(okm, sizeof(okm), prk, &iov, 1));
	assert_memory_equal(okm, want, sizeof(want));
}

/* RFC 5869 A.3: empty salt and info */
static void hkdf_rfc5869_case3(T_STATE)
{
	uint8_t ikm[22], prk[32], okm[42], want[42];

	memset(ikm, 0x0b, sizeof(ikm));
	hex2bin(want, "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
		      "9d201395faa4b61a96c8");
	assert_true(alts_hkdf_extract(prk, NULL, 0, ikm, sizeof(ikm)));
	assert_true(alts_hkdf_expand(okm, sizeof(okm), prk, NULL, 0));
	assert_memory_equal(okm, want, sizeof(want));
}

/* Our split-info HKDF agrees with OpenSSL's EVP_KDF "HKDF". */
static void hkdf_matches_evp_kdf(T_STATE)
{
	uint8_t ikm[64], salt[] = "kalts-alts v1 full", info[100], a[200], b[200], prk[32];
	struct alts_iov iov[2] = { { info, 40 }, { info + 40, 60 } };
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
	OSSL_PARAM p[5], *q = p;
	size_t i;

	for (i = 0; i < sizeof(ikm); i++)
		ikm[i] = (uint8_t)(i * 7);
	for (i = 0; i < sizeof(info); i++)
		info[i] = (uint8_t)(i * 13 + 1);
	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm, sizeof(ikm));
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt, sizeof(salt) - 1);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, sizeof(info));
	*q = OSSL_PARAM_construct_end();
	assert_int_equal(EVP_KDF_derive(ctx, a, sizeof(a), p), 1);
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	assert_true(alts_hkdf_extract(prk, salt, sizeof(salt) - 1, ikm, sizeof(ikm)));
	assert_true(alts_hkdf_expand(b, sizeof(b), prk, iov, 2));
	assert_memory_equal(a, b, sizeof(a));
}

static const char th_hex[] = "7f511583a1157db9c3cbb2608b8cf7df1b457dd936748c0681d2763bc42418ce";

static void key_schedule_vectors(T_STATE)
{
	static const struct {
		bool resumed;
		const char *rp;
		size_t len;
		const char *m, *a, *r;
	} v[] = {
		{ false, ALTS_RPN_GCM_AES128_REKEY, 44,
		  "ab103bdd712d2ee3ec72ed249a33ce2edaa55c2189c5bcacad4d7b8c493282cad605b13645673f42e9402ce4",
		  "09cb97f68c87439b242f1661c1f1c04a02f41df5d141f57c286a754e3cb42a9d",
		  "d1f9de21e659edf8a440e0f126c5f0633b95a64ae02c2a00483613062d87eb61" },
		{ false, ALTS_RPN_GCM_AES128, 16, "546c269ad01fa1ad2f8f154580436260", NULL, NULL },
		{ false, ALTS_RPN_GMAC_128, 16, "f28825934f641b3e97620c776990f943", NULL, NULL },
		{ true, ALTS_RPN_GCM_AES128_REKEY, 44,
		  "4100405424c3e1a16944ed9174a25b82be5adaccdb9b1564bfc931985fe940f1d862fbbf73c240df8c531069",
		  "6d8a079833dbb91b4b388b4d1512d6d308b046422bcb9d6b5be9572366edeafc",
		  "42c5c5eed13f9c81ad1a6626f35579be10a6abc60d51bef216c3d9e23ec4b67c" },
		{ true, ALTS_RPN_GCM_AES128, 16, "c02747714c4c4a52c3860efd29c4b536", NULL, NULL },
		{ true, ALTS_RPN_GMAC_128, 16, "8208bf007223abe9aeee34a53ff8babc", NULL, NULL },
	};
	uint8_t ikm[64], th[32], want[44];
	struct alts_keys k;
	size_t i;

	for (i = 0; i < sizeof(ikm); i++)
		ikm[i] = (uint8_t)i;
	hex2bin(th, th_hex);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		/* full: IKM = ss || ee (64 bytes); resumed: IKM = R (32 bytes) */
		assert_true(alts_key_schedule(&k, v[i].resumed, ikm, v[i].resumed ? 32 : 64,
					      v[i].rp, v[i].len, th));
		assert_int_equal(k.m_len, v[i].len);
		hex2bin(want, v[i].m);
		assert_memory_equal(k.m, want, v[i].len);
		if (v[i].a) {
			hex2bin(want, v[i].a);
			assert_memory_equal(k.a, want, 32);
			hex2bin(want, v[i].r);
			assert_memory_equal(k.r, want, 32);
		}
	}
}

static void authenticator_vectors(T_STATE)
{
	uint8_t a[32], mac[32], want[32];

	hex2bin(a, "09cb97f68c87439b242f1661c1f1c04a02f41df5d141f57c286a754e3cb42a9d");
	assert_true(alts_authenticator(mac, a, ALTS_LABEL_SFIN, NULL, 0));
	hex2bin(want, "c3511613ceb684cecc6913dda199d6fdc12570262aba477ac863dc593e4b3ecf");
	assert_memory_equal(mac, want, 32);
	assert_true(alts_authenticator(mac, a, ALTS_LABEL_CFIN, (const uint8_t *)"ticket-bytes", 12));
	hex2bin(want, "f1bda91ee349650e98b9e9784ea1e270e1c87fbc70f6b8b98eab9e0650bc31e7");
	assert_memory_equal(mac, want, 32);
	hex2bin(a, "6d8a079833dbb91b4b388b4d1512d6d308b046422bcb9d6b5be9572366edeafc");
	assert_true(alts_authenticator(mac, a, ALTS_LABEL_SFIN, NULL, 0));
	hex2bin(want, "34bc01a028070b2b11c93dfcb109f04f0b8ce613a08209812a4fb4a5850b0624");
	assert_memory_equal(mac, want, 32);
}

/* RFC 7748 section 6.1, and rejection of a small-order peer key. */
static void x25519_rfc7748(T_STATE)
{
	uint8_t a[32], b[32], apub[32], bpub[32], k1[32], k2[32], want[32], zero[32] = { 0 };

	hex2bin(a, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
	hex2bin(b, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
	assert_true(alts_x25519_public(apub, a));
	hex2bin(want, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	assert_memory_equal(apub, want, 32);
	assert_true(alts_x25519_public(bpub, b));
	assert_true(alts_x25519(k1, a, bpub));
	assert_true(alts_x25519(k2, b, apub));
	hex2bin(want, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
	assert_memory_equal(k1, want, 32);
	assert_memory_equal(k2, want, 32);
	assert_false(alts_x25519(k1, a, zero));
	assert_memory_equal(k1, zero, 32);
}

static void ed25519_domain_separation(T_STATE)
{
	uint8_t seed[32], pub[32], sig[64];
	const uint8_t msg[] = "tbs";

	test_seed(seed, "ed", "sep");
	assert_true(alts_ed25519_public(pub, seed));
	assert_true(alts_ed25519_sign(sig, seed, ALTS_LABEL_MASTER, msg, 3));
	assert_true(alts_ed25519_verify(pub, sig, 64, ALTS_LABEL_MASTER, msg, 3));
	assert_false(alts_ed25519_verify(pub, sig, 64, ALTS_LABEL_HSCERT, msg, 3));
	assert_false(alts_ed25519_verify(pub, sig, 63, ALTS_LABEL_MASTER, msg, 3));
	sig[5] ^= 1;
	assert_false(alts_ed25519_verify(pub, sig, 64, ALTS_LABEL_MASTER, msg, 3));
}

static void aes256gcm_roundtrip(T_STATE)
{
	uint8_t key[32] = { 1 }, nonce[12] = { 2 }, ct[64 + 16], pt[64], out[64];

	memset(pt, 0x5a, sizeof(pt));
	assert_true(alts_aes256gcm_seal(ct, key, nonce, (const uint8_t *)"aad", 3, pt, sizeof(pt)));
	assert_true(alts_aes256gcm_open(out, key, nonce, (const uint8_t *)"aad", 3, ct, sizeof(ct)));
	assert_memory_equal(out, pt, sizeof(pt));
	assert_false(alts_aes256gcm_open(out, key, nonce, (const uint8_t *)"aae", 3, ct, sizeof(ct)));
	ct[70] ^= 1;
	assert_false(alts_aes256gcm_open(out, key, nonce, (const uint8_t *)"aad", 3, ct, sizeof(ct)));
	assert_false(alts_aes256gcm_open(out, key, nonce, NULL, 0, ct, 15));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(hkdf_rfc5869_case1),
	cmocka_unit_test(hkdf_rfc5869_case3),
	cmocka_unit_test(hkdf_matches_evp_kdf),
	cmocka_unit_test(key_schedule_vectors),
	cmocka_unit_test(authenticator_vectors),
	cmocka_unit_test(x25519_rfc7748),
	cmocka_unit_test(ed25519_domain_separation),
	cmocka_unit_test(aes256gcm_roundtrip),
};

GROUP(kdf_group, "kdf", tests);
