// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer tests of the record crypters, run at module load. Vectors
 * are the public ones of grpc-go (aes128gcm_test.go, aeadrekey_test.go) and
 * gRPC C-core (aes_gcm_test.cc), as collected in kalts's shared/spec/
 * vectors.md; the names (A1, R2, C5...) follow that file.
 */
#include <linux/kernel.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "alts.h"

struct alts_kat {
	const char *name;
	u16 protocol;
	const char *key;
	const char *counter;
	const char *aad;
	const char *plaintext;
	const char *sealed;	/* ciphertext || tag */
};

static const struct alts_kat alts_kats[] = {
	{ "A1", ALTSRP_GCM_AES128, "11754cd72aec309bf52f7687212e8957",
	  "3c819d9a9bed087615030b65", "", "", "250327c674aaf477aef2675748cf6971" },
	{ "A3", ALTSRP_GCM_AES128, "7fddb57453c241d03efbed3ac44e371c",
	  "ee283a3fc75575e33efd4887", "", "d5de42b461646c255c87bd2962d3b9a2",
	  "2ccda4a5415cb91e135c2a0f78c9b2fdb36d1df9b9d5e596f83e8b7f52971cb3" },
	{ "A4", ALTSRP_GCM_AES128, "ab72c77b97cb5fe9a382d9fe81ffdbed",
	  "54cc7dc2c37ec006bcc6d1da", "", "007c5e5b3e59df24a7c355584fc1518d",
	  "0e1bde206a07a9c2c1b65300f8c649972b4401346697138c7a4891ee59867d0c" },
	{ "R1", ALTSRP_GCM_AES128_REKEY,
	  "0000000000000000000000000000000001010101010101010101010101010101020202020202020202020202",
	  "000000000000000000000000", "", "", "85e873e002f6ebdc4060954eb8675508" },
	{ "R3", ALTSRP_GCM_AES128_REKEY,
	  "feffe9928665731c6d6a8f9467308308fffee8938764721d6c6b8e9566318209fcfdeb908467711e6f688d96",
	  "cafebabefacedbaddecaf888", "",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
	  "1018ed5a1402a86516d6576d70b2ffccca261b94df88b58f53b64dfba435d18b"
	  "2f6e3b7869f9353d4ac8cf09afb1663daa7b4017e6fc2c177c0c087c0df11621"
	  "29952213cee1bc6e9c8495dd705e1f3d" },
	/* R5-R8: the nonce crosses KDF-counter bits 15, 16, 63 and 64. */
	{ "R5", ALTSRP_GCM_AES128_REKEY,
	  "feffe9928665731c6d6a8f9467308308fffee8938764721d6c6b8e9566318209fcfdeb908467711e6f688d96",
	  "ca7ebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  "e650d3c0fb879327f2d03287fa93cd07342b136215adbca00c3bd5099ec41832"
	  "b1d18e0423ed26bb12c6cd09debb29230a94c0cee15903656f85edb6fc509b1b"
	  "28216382172ecbcc31e1e9b1" },
	{ "R6", ALTSRP_GCM_AES128_REKEY,
	  "feffe9928665731c6d6a8f9467308308fffee8938764721d6c6b8e9566318209fcfdeb908467711e6f688d96",
	  "cafebbbefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  "c0121e6c954d0767f96630c33450999791b2da2ad05c4190169ccad9ac86ff1c"
	  "721e3d82f2ad22ab463bab4a0754b7dd68ca4de7ea2531b625eda01f89312b2a"
	  "b957d5c7f8568dd95fcdcd1f" },
	{ "R7", ALTSRP_GCM_AES128_REKEY,
	  "feffe9928665731c6d6a8f9467308308fffee8938764721d6c6b8e9566318209fcfdeb908467711e6f688d96",
	  "cafebabefacedb2ddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  "8af37ea5684a4d81d4fd817261fd9743099e7e6a025eaacf8e54b124fb574314"
	  "9e05cb89f4a49467fe2e5e5965f29a19f99416b0016b54585d12553783ba59e9"
	  "f782e82e097c336bf7989f08" },
	{ "R8", ALTSRP_GCM_AES128_REKEY,
	  "feffe9928665731c6d6a8f9467308308fffee8938764721d6c6b8e9566318209fcfdeb908467711e6f688d96",
	  "cafebabefacedbaddfcaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  "fbd528448d0346bfa878634864d407a35a039de9db2f1feb8e965b3ae9356ce6"
	  "289441d77f8f0df294891f37ea438b223e3bf2bdc53d4c5a74fb680bb312a8de"
	  "c6f7252cbcd7f5799750ad78" },
	/* C5: a GMAC tag over 70 bytes of associated data. */
	{ "C5", ALTSRP_GMAC_128, "ad7a2bd03eac835a6f620fdcb506b345", "12153524c0895e81b2c28465",
	  "d609b1f056637a0d46df998d88e5222ab2c2846512153524c0895e8108000f10"
	  "1112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30"
	  "313233340001", "", "f09478a9b09007d06f46e9b6a1da25dd" },
};

/* Frame-level vectors: the crypter's own counter and direction. */
struct alts_frame_kat {
	const char *name;
	u16 protocol;
	u8 side;
	const char *key;
	const char *payload;
	const char *body;	/* what follows the 8-byte frame header */
};

static const struct alts_frame_kat alts_frame_kats[] = {
	/* R2 is the first frame a client sends with the R1 key. */
	{ "R2 frame", ALTSRP_GCM_AES128_REKEY, ALTS_SIDE_CLIENT,
	  "0000000000000000000000000000000001010101010101010101010101010101020202020202020202020202",
	  "00000000000000000000000000000000",
	  "51e9a8cb23ca2512c8256afff8e72d681aca19a1148ac115e83df4888cc00d11" },
	/* C1 is an empty integrity-only frame, client, frame 0. */
	{ "C1 frame", ALTSRP_GMAC_128, ALTS_SIDE_CLIENT, "00000000000000000000000000000000", "",
	  "58e2fccefa7e3061367f1d57a4e7455a" },
};

static int alts_hex(const char *hex, u8 *out, size_t max)
{
	size_t len = strlen(hex) / 2;

	if (len > max || hex2bin(out, hex, len))
		return -EINVAL;
	return len;
}

static int alts_kat_crypter(struct alts_crypter *c, u16 protocol, u8 side, const char *key,
			    bool tx)
{
	struct alts_crypto_info info = {
		.version = ALTS_CRYPTO_INFO_VERSION,
		.record_protocol = protocol,
		.side = side,
	};
	int err;

	memset(c, 0, sizeof(*c));
	if (alts_hex(key, info.key, sizeof(info.key)) != alts_key_len(protocol))
		return -EINVAL;
	err = alts_crypter_init(c, &info, tx);
	memzero_explicit(&info, sizeof(info));
	return err;
}

/* Seal, compare, open, and check that a flipped tag bit is refused. */
static bool alts_kat_run(const struct alts_kat *kat, u8 *buf, size_t size)
{
	u8 counter[ALTS_COUNTER_LEN], expect[128];
	int aad, pt, out, err;
	struct alts_crypter c;
	struct scatterlist sg;
	bool ok = false;

	if (alts_hex(kat->counter, counter, sizeof(counter)) != ALTS_COUNTER_LEN)
		return false;
	aad = alts_hex(kat->aad, buf, size);
	pt = aad < 0 ? -1 : alts_hex(kat->plaintext, buf + aad, size - aad - ALTS_TAG_LEN);
	out = alts_hex(kat->sealed, expect, sizeof(expect));
	if (aad < 0 || pt < 0 || out != pt + ALTS_TAG_LEN)
		return false;
	if (alts_kat_crypter(&c, kat->protocol, ALTS_SIDE_CLIENT, kat->key, true))
		return false;

	sg_init_one(&sg, buf, aad + out);
	err = alts_crypter_run(&c, counter, &sg, aad, pt, true);
	if (err || memcmp(buf + aad, expect, out))
		goto out;
	err = alts_crypter_run(&c, counter, &sg, aad, out, false);
	if (err || alts_hex(kat->plaintext, expect, sizeof(expect)) != pt ||
	    memcmp(buf + aad, expect, pt))
		goto out;
	alts_hex(kat->sealed, buf + aad, size - aad);
	buf[aad + out - 1] ^= 1;
	ok = alts_crypter_run(&c, counter, &sg, aad, out, false) == -EBADMSG;
out:
	alts_crypter_free(&c);
	return ok;
}

static bool alts_frame_kat_run(const struct alts_frame_kat *kat, u8 *buf, size_t size)
{
	u8 expect[64];
	struct alts_crypter c;
	struct scatterlist sg;
	int pt, out;
	bool ok;

	pt = alts_hex(kat->payload, buf, size - ALTS_TAG_LEN);
	out = alts_hex(kat->body, expect, sizeof(expect));
	if (pt < 0 || out != pt + ALTS_TAG_LEN)
		return false;
	if (alts_kat_crypter(&c, kat->protocol, kat->side, kat->key, true))
		return false;
	sg_init_one(&sg, buf, out);
	ok = !alts_crypter_seal(&c, &sg, pt) && !memcmp(buf, expect, out) && c.frame == 1;
	alts_crypter_free(&c);
	return ok;
}

/* The last counter value is never used: 2^40 - 1 without rekeying. */
static bool alts_exhaustion_run(u8 *buf)
{
	struct alts_crypter c;
	struct scatterlist sg;
	bool ok;

	if (alts_kat_crypter(&c, ALTSRP_GCM_AES128, ALTS_SIDE_SERVER,
			     "000102030405060708090a0b0c0d0e0f", true))
		return false;
	c.frame = BIT_ULL(40) - 2;
	sg_init_one(&sg, buf, ALTS_TAG_LEN + 1);
	ok = !alts_crypter_seal(&c, &sg, 1) &&
	     alts_crypter_seal(&c, &sg, 1) == -EKEYEXPIRED && c.frame == BIT_ULL(40) - 1;
	alts_crypter_free(&c);
	return ok;
}

/* Both sides of a rekey boundary: seal across it, open across it. */
static bool alts_rekey_boundary_run(u8 *buf)
{
	const char *key = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
			  "a0a1a2a3a4a5a6a7a8a9aaab";
	struct alts_crypter tx, rx;
	struct scatterlist sg;
	bool ok = true;
	int i;

	if (alts_kat_crypter(&tx, ALTSRP_GCM_AES128_REKEY, ALTS_SIDE_CLIENT, key, true))
		return false;
	if (alts_kat_crypter(&rx, ALTSRP_GCM_AES128_REKEY, ALTS_SIDE_SERVER, key, false)) {
		alts_crypter_free(&tx);
		return false;
	}
	tx.frame = 65534;
	rx.frame = 65534;
	sg_init_one(&sg, buf, 32 + ALTS_TAG_LEN);
	for (i = 0; i < 4 && ok; i++) {
		memset(buf, i, 32);
		ok = !alts_crypter_seal(&tx, &sg, 32) &&
		     !alts_crypter_open(&rx, &sg, 32 + ALTS_TAG_LEN) &&
		     !memchr_inv(buf, i, 32);
	}
	ok = ok && rx.frame == 65538 && rx.kdf_counter[0] == 1;
	alts_crypter_free(&tx);
	alts_crypter_free(&rx);
	return ok;
}

/**
 * alts_selftest_run() - run the known-answer tests
 *
 * Return: 0 if all pass, -ENOTRECOVERABLE otherwise.
 */
int alts_selftest_run(void)
{
	const size_t size = 256;
	bool ok = true;
	size_t i;
	u8 *buf;

	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	for (i = 0; i < ARRAY_SIZE(alts_kats); i++) {
		if (!alts_kat_run(&alts_kats[i], buf, size)) {
			pr_err("alts: self-test %s failed\n", alts_kats[i].name);
			ok = false;
		}
	}
	for (i = 0; i < ARRAY_SIZE(alts_frame_kats); i++) {
		if (!alts_frame_kat_run(&alts_frame_kats[i], buf, size)) {
			pr_err("alts: self-test %s failed\n", alts_frame_kats[i].name);
			ok = false;
		}
	}
	if (!alts_exhaustion_run(buf)) {
		pr_err("alts: self-test counter exhaustion failed\n");
		ok = false;
	}
	if (!alts_rekey_boundary_run(buf)) {
		pr_err("alts: self-test rekey boundary failed\n");
		ok = false;
	}
	kfree(buf);

	if (!ok) {
		pr_err("alts: self-tests: FAIL\n");
		return -ENOTRECOVERABLE;
	}
	pr_info("alts: self-tests: pass\n");
	return 0;
}
