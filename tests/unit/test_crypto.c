/* crypto/openssl.c against published known answers: RFC 2202 (HMAC-SHA1, HMAC-MD5),
 * RFC 4231 (HMAC-SHA256), NIST SP 800-38A F.2.1/F.2.2 (AES-128-CBC); and its table of
 * keyed contexts against an HMAC built from the plain digest (RFC 2104), with more keys
 * than the table holds, in orders that make them evict one another. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bmc/crypto.h"

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (; hex[0] && hex[1] && n < cap; hex += 2) {
		unsigned v = 0;
		for (int i = 0; i < 2; i++) {
			char c = hex[i];
			v = v << 4 | (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
		}
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* A key or message: hex when given, else fill repeated len times, else text. */
struct blob {
	const char *hex;
	uint8_t fill;
	size_t len;
	const char *text;
};

static size_t make(const struct blob *b, uint8_t *out, size_t cap)
{
	if (b->hex)
		return unhex(b->hex, out, cap);
	if (b->text) {
		size_t n = strlen(b->text);
		assert_true(n <= cap);
		memcpy(out, b->text, n);
		return n;
	}
	assert_true(b->len <= cap);
	memset(out, b->fill, b->len);
	return b->len;
}

struct hmac_vec {
	const char *name;
	enum bmc_hash h;
	struct blob key, data;
	const char *mac; /* hex; may be a truncated prefix (RFC 4231 case 5) */
};

#define FILL(b, n) {NULL, b, n, NULL}
#define TEXT(s) {NULL, 0, 0, s}
#define HEX(s) {s, 0, 0, NULL}
#define KEY25 HEX("0102030405060708090a0b0c0d0e0f10111213141516171819")
#define LARGE_KEY_TEXT "Test Using Larger Than Block-Size Key - Hash Key First"
#define LARGE_BOTH_TEXT "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"

static const struct hmac_vec hmac_vecs[] = {
	/* RFC 2202 §3: HMAC-SHA1 */
	{"2202-sha1-1", BMC_HASH_SHA1, FILL(0x0b, 20), TEXT("Hi There"), "b617318655057264e28bc0b6fb378c8ef146be00"},
	{"2202-sha1-2", BMC_HASH_SHA1, TEXT("Jefe"), TEXT("what do ya want for nothing?"),
	 "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
	{"2202-sha1-3", BMC_HASH_SHA1, FILL(0xaa, 20), FILL(0xdd, 50), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
	{"2202-sha1-4", BMC_HASH_SHA1, KEY25, FILL(0xcd, 50), "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
	{"2202-sha1-5", BMC_HASH_SHA1, FILL(0x0c, 20), TEXT("Test With Truncation"),
	 "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
	{"2202-sha1-6", BMC_HASH_SHA1, FILL(0xaa, 80), TEXT(LARGE_KEY_TEXT), "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
	{"2202-sha1-7", BMC_HASH_SHA1, FILL(0xaa, 80), TEXT(LARGE_BOTH_TEXT), "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
	/* RFC 2202 §2: HMAC-MD5 */
	{"2202-md5-1", BMC_HASH_MD5, FILL(0x0b, 16), TEXT("Hi There"), "9294727a3638bb1c13f48ef8158bfc9d"},
	{"2202-md5-2", BMC_HASH_MD5, TEXT("Jefe"), TEXT("what do ya want for nothing?"), "750c783e6ab0b503eaa86e310a5db738"},
	{"2202-md5-3", BMC_HASH_MD5, FILL(0xaa, 16), FILL(0xdd, 50), "56be34521d144c88dbb8c733f0e8b3f6"},
	{"2202-md5-4", BMC_HASH_MD5, KEY25, FILL(0xcd, 50), "697eaf0aca3a3aea3a75164746ffaa79"},
	{"2202-md5-5", BMC_HASH_MD5, FILL(0x0c, 16), TEXT("Test With Truncation"), "56461ef2342edc00f9bab995690efd4c"},
	{"2202-md5-6", BMC_HASH_MD5, FILL(0xaa, 80), TEXT(LARGE_KEY_TEXT), "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"},
	{"2202-md5-7", BMC_HASH_MD5, FILL(0xaa, 80), TEXT(LARGE_BOTH_TEXT), "6f630fad67cda0ee1fb1f562db3aa53e"},
	/* RFC 4231 §4: HMAC-SHA256 */
	{"4231-1", BMC_HASH_SHA256, FILL(0x0b, 20), TEXT("Hi There"),
	 "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
	{"4231-2", BMC_HASH_SHA256, TEXT("Jefe"), TEXT("what do ya want for nothing?"),
	 "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
	{"4231-3", BMC_HASH_SHA256, FILL(0xaa, 20), FILL(0xdd, 50),
	 "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
	{"4231-4", BMC_HASH_SHA256, KEY25, FILL(0xcd, 50),
	 "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
	{"4231-5", BMC_HASH_SHA256, FILL(0x0c, 20), TEXT("Test With Truncation"), "a3b6167473100ee06e0c796c2955552b"},
	{"4231-6", BMC_HASH_SHA256, FILL(0xaa, 131), TEXT(LARGE_KEY_TEXT),
	 "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
	{"4231-7", BMC_HASH_SHA256, FILL(0xaa, 131),
	 TEXT("This is a test using a larger than block-size key and a larger than block-size data. The key needs "
	      "to be hashed before being used by the HMAC algorithm."),
	 "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
	/* An empty key (a user without a password) must work too; values from Python's hmac. */
	{"empty-sha1", BMC_HASH_SHA1, TEXT(""), TEXT(""), "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d"},
	{"empty-sha256", BMC_HASH_SHA256, TEXT(""), TEXT(""),
	 "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"},
	{"empty-md5", BMC_HASH_MD5, TEXT(""), TEXT(""), "74e6f7298a9c2d168935f58c001bad88"},
};

static void hmac_known_answers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof hmac_vecs / sizeof hmac_vecs[0]; i++) {
		const struct hmac_vec *v = &hmac_vecs[i];
		uint8_t key[256], data[256], want[BMC_HASH_MAX], got[BMC_HASH_MAX];
		size_t klen = make(&v->key, key, sizeof key);
		size_t dlen = make(&v->data, data, sizeof data);
		size_t wlen = unhex(v->mac, want, sizeof want);
		print_message("%s\n", v->name);
		assert_int_equal(bmc_hmac(v->h, key, klen, data, dlen, got), 0);
		assert_memory_equal(got, want, wlen);
		/* the whole output buffer beyond the digest is zero */
		for (size_t j = bmc_hash_len(v->h); j < BMC_HASH_MAX; j++)
			assert_int_equal(got[j], 0);
	}
}

/* Every split of the message over three iovecs (including empty pieces) gives the
 * one-buffer answer: RMCP+ integrity runs over header, payload and trailer pieces. */
static void hmac_iov_equals_single_buffer(void **state)
{
	(void)state;
	const char *msg = "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data";
	size_t len = strlen(msg);
	uint8_t key[131];
	memset(key, 0xaa, sizeof key);
	const enum bmc_hash hs[] = {BMC_HASH_SHA1, BMC_HASH_SHA256, BMC_HASH_MD5};
	for (size_t h = 0; h < 3; h++) {
		uint8_t one[BMC_HASH_MAX], many[BMC_HASH_MAX];
		assert_int_equal(bmc_hmac(hs[h], key, sizeof key, msg, len, one), 0);
		for (size_t a = 0; a <= len; a += 7) {
			for (size_t b = a; b <= len; b += 5) {
				struct bmc_iov iov[3] = {{msg, a}, {msg + a, b - a}, {msg + b, len - b}};
				assert_int_equal(bmc_hmacv(hs[h], key, sizeof key, iov, 3, many), 0);
				assert_memory_equal(one, many, BMC_HASH_MAX);
			}
		}
	}
}

static void digest_known_answers(void **state)
{
	(void)state;
	static const struct {
		enum bmc_hash h;
		const char *hex;
	} v[] = {
		{BMC_HASH_MD5, "900150983cd24fb0d6963f7d28e17f72"},
		{BMC_HASH_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{BMC_HASH_SHA256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	};
	for (size_t i = 0; i < 3; i++) {
		uint8_t want[BMC_HASH_MAX], got[BMC_HASH_MAX];
		size_t n = unhex(v[i].hex, want, sizeof want);
		assert_int_equal(n, bmc_hash_len(v[i].h));
		struct bmc_iov iov[3] = {{"a", 1}, {NULL, 0}, {"bc", 2}};
		assert_int_equal(bmc_digestv(v[i].h, iov, 3, got), 0);
		assert_memory_equal(got, want, n);
	}
}

/* NIST SP 800-38A F.2.1 (encrypt) and F.2.2 (decrypt), CBC-AES128. */
static const char *const aes_key = "2b7e151628aed2a6abf7158809cf4f3c";
static const char *const aes_iv = "000102030405060708090a0b0c0d0e0f";
static const char *const aes_pt = "6bc1bee22e409f96e93d7e117393172a"
				  "ae2d8a571e03ac9c9eb76fac45af8e51"
				  "30c81c46a35ce411e5fbc1191a0a52ef"
				  "f69f2445df4f9b17ad2b417be66c3710";
static const char *const aes_ct = "7649abac8119b246cee98e9b12e9197d"
				  "5086cb9b507219ee95db113a917678b2"
				  "73bed6b8e3c1743b7116e69e22229516"
				  "3ff1caa1681fac09120eca307586e1a7";

static void aes_cbc_nist_vectors(void **state)
{
	(void)state;
	uint8_t key[16], iv[16], pt[64], ct[64], out[64];
	unhex(aes_key, key, 16);
	unhex(aes_iv, iv, 16);
	assert_int_equal(unhex(aes_pt, pt, 64), 64);
	assert_int_equal(unhex(aes_ct, ct, 64), 64);

	assert_int_equal(bmc_aes128_cbc(true, key, iv, pt, 64, out), 0);
	assert_memory_equal(out, ct, 64);
	assert_int_equal(bmc_aes128_cbc(false, key, iv, ct, 64, out), 0);
	assert_memory_equal(out, pt, 64);

	/* in place, both ways */
	memcpy(out, pt, 64);
	assert_int_equal(bmc_aes128_cbc(true, key, iv, out, 64, out), 0);
	assert_memory_equal(out, ct, 64);
	assert_int_equal(bmc_aes128_cbc(false, key, iv, out, 64, out), 0);
	assert_memory_equal(out, pt, 64);

	/* a prefix of whole blocks gives the prefix of the answer (CBC chains forward) */
	assert_int_equal(bmc_aes128_cbc(true, key, iv, pt, 32, out), 0);
	assert_memory_equal(out, ct, 32);
}

static void aes_cbc_rejects_partial_blocks(void **state)
{
	(void)state;
	uint8_t key[16] = {0}, iv[16] = {0}, buf[48] = {0}, out[48];
	const size_t bad[] = {1, 15, 17, 31, 47};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(out, 0x5a, sizeof out);
		assert_int_equal(bmc_aes128_cbc(true, key, iv, buf, bad[i], out), -1);
		assert_int_equal(bmc_aes128_cbc(false, key, iv, buf, bad[i], out), -1);
		assert_int_equal(out[0], 0x5a); /* nothing written */
	}
}

static void ct_equal_and_wipe(void **state)
{
	(void)state;
	uint8_t a[32], b[32];
	memset(a, 0x11, sizeof a);
	memset(b, 0x11, sizeof b);
	assert_true(bmc_ct_equal(a, b, sizeof a));
	assert_true(bmc_ct_equal(a, b, 0));
	for (size_t i = 0; i < sizeof a; i++) {
		b[i] ^= 0x80;
		assert_false(bmc_ct_equal(a, b, sizeof a));
		b[i] ^= 0x80;
	}
	/* only the first n bytes count */
	b[31] = 0;
	assert_true(bmc_ct_equal(a, b, 31));
	bmc_wipe(a, sizeof a);
	for (size_t i = 0; i < sizeof a; i++)
		assert_int_equal(a[i], 0);
	bmc_wipe(NULL, 0);
}

/* RFC 2104 from bmc_digestv, which uses no keyed context: the oracle for the table. */
static void reference_hmac(enum bmc_hash h, const uint8_t *key, size_t keylen, const uint8_t *msg, size_t len,
			   uint8_t out[BMC_HASH_MAX])
{
	uint8_t k[64] = {0}, pad[64], inner[BMC_HASH_MAX];
	size_t hl = bmc_hash_len(h);
	if (keylen > 64) {
		struct bmc_iov v = {key, keylen};
		assert_int_equal(bmc_digestv(h, &v, 1, k), 0);
	} else if (keylen) {
		memcpy(k, key, keylen);
	}
	for (int i = 0; i < 64; i++)
		pad[i] = (uint8_t)(k[i] ^ 0x36);
	struct bmc_iov in[2] = {{pad, 64}, {msg, len}};
	assert_int_equal(bmc_digestv(h, in, 2, inner), 0);
	for (int i = 0; i < 64; i++)
		pad[i] = (uint8_t)(k[i] ^ 0x5c);
	struct bmc_iov outer[2] = {{pad, 64}, {inner, hl}};
	assert_int_equal(bmc_digestv(h, outer, 2, out), 0);
}

#define MANY 300 /* more keys than the table's 128 slots */

static void key_for(unsigned i, uint8_t *key, size_t *len, enum bmc_hash *h)
{
	static const size_t lens[] = {20, 32, 16, 0, 64, 65, 100, 1};
	*len = lens[i % 8];
	*h = (enum bmc_hash)(i % 3);
	for (size_t j = 0; j < *len; j++)
		key[j] = (uint8_t)(i * 31 + j * 7 + 1);
	if (*len >= 2) { /* some keys share their first bytes, so they meet in one set */
		key[0] = (uint8_t)(i % 4);
		key[1] = 0xA5;
	}
}

static void check_mac(unsigned i, const uint8_t *msg, size_t mlen)
{
	uint8_t key[100] = {0}, got[BMC_HASH_MAX], want[BMC_HASH_MAX];
	size_t klen;
	enum bmc_hash h;
	key_for(i, key, &klen, &h);
	reference_hmac(h, key, klen, msg, mlen, want);
	assert_int_equal(bmc_hmac(h, klen ? key : NULL, klen, msg, mlen, got), 0);
	assert_memory_equal(got, want, bmc_hash_len(h));
}

static void keyed_hmac_matches_reference_under_eviction(void **state)
{
	(void)state;
	uint8_t msg[80];
	for (size_t j = 0; j < sizeof msg; j++)
		msg[j] = (uint8_t)(j * 13);
	struct bmc_crypto_stats s0, s1;
	bmc_crypto_stats(&s0);
	for (unsigned i = 0; i < MANY; i++) /* fill, and evict */
		check_mac(i, msg, (i * 7) % sizeof msg);
	for (unsigned i = MANY; i-- > 0;) /* again, newest first */
		check_mac(i, msg, (i * 11) % sizeof msg);
	for (unsigned i = 0; i < MANY; i++) { /* two keys alternating, each used twice */
		check_mac(i, msg, 40);
		check_mac(MANY - 1 - i, msg, 41);
		check_mac(i, msg, 42);
		check_mac(MANY - 1 - i, msg, 43);
	}
	bmc_crypto_stats(&s1);
	/* the same key again soon after is a hit: the table does keep contexts */
	assert_true(s1.hits - s0.hits >= MANY);
	assert_true(s1.misses - s0.misses >= MANY);
	assert_true(s1.uncached > s0.uncached); /* keys of 65 and 100 bytes */
}

static void forget_drops_the_keyed_context(void **state)
{
	(void)state;
	uint8_t key[20], out[BMC_HASH_MAX], want[BMC_HASH_MAX];
	struct bmc_crypto_stats a, b, c;
	memset(key, 0x3c, sizeof key);
	reference_hmac(BMC_HASH_SHA1, key, sizeof key, key, 8, want);
	assert_int_equal(bmc_hmac(BMC_HASH_SHA1, key, sizeof key, key, 8, out), 0);
	bmc_crypto_stats(&a);
	assert_int_equal(bmc_hmac(BMC_HASH_SHA1, key, sizeof key, key, 8, out), 0);
	bmc_crypto_stats(&b);
	assert_int_equal(b.hits, a.hits + 1);
	bmc_crypto_forget(key, sizeof key);
	assert_int_equal(bmc_hmac(BMC_HASH_SHA1, key, sizeof key, key, 8, out), 0);
	bmc_crypto_stats(&c);
	assert_int_equal(c.misses, b.misses + 1);
	assert_int_equal(c.hits, b.hits);
	assert_memory_equal(out, want, 20);
	bmc_crypto_forget(NULL, 0); /* harmless */
}

static void keyed_aes_right_key_iv_and_direction(void **state)
{
	(void)state;
	enum { KEYS = 200, LEN = 48 };
	static uint8_t ct[KEYS][LEN];
	uint8_t key[16], iv[16], pt[LEN], out[LEN];
	for (size_t j = 0; j < LEN; j++)
		pt[j] = (uint8_t)(j + 1);
	for (unsigned i = 0; i < KEYS; i++) {
		memset(key, (int)(i % 5), sizeof key); /* shared first bytes: set collisions */
		key[15] = (uint8_t)i;
		memset(iv, (int)i, sizeof iv);
		assert_int_equal(bmc_aes128_cbc(true, key, iv, pt, LEN, ct[i]), 0);
		assert_memory_not_equal(ct[i], pt, LEN);
		if (i)
			assert_memory_not_equal(ct[i], ct[i - 1], LEN);
	}
	for (unsigned i = KEYS; i-- > 0;) {
		memset(key, (int)(i % 5), sizeof key);
		key[15] = (uint8_t)i;
		memset(iv, (int)i, sizeof iv);
		/* decrypt right after encrypting under the same key: the other direction */
		assert_int_equal(bmc_aes128_cbc(true, key, iv, pt, LEN, out), 0);
		assert_memory_equal(out, ct[i], LEN);
		assert_int_equal(bmc_aes128_cbc(false, key, iv, ct[i], LEN, out), 0);
		assert_memory_equal(out, pt, LEN);
		/* a new IV on the kept key schedule changes the first block */
		iv[0] ^= 1;
		assert_int_equal(bmc_aes128_cbc(true, key, iv, pt, LEN, out), 0);
		assert_memory_not_equal(out, ct[i], 16);
	}
	aes_cbc_nist_vectors(state); /* and the published answers still hold after the churn */
}

static void hash_lengths(void **state)
{
	(void)state;
	assert_int_equal(bmc_hash_len(BMC_HASH_SHA1), 20);
	assert_int_equal(bmc_hash_len(BMC_HASH_SHA256), 32);
	assert_int_equal(bmc_hash_len(BMC_HASH_MD5), 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hmac_known_answers),
		cmocka_unit_test(hmac_iov_equals_single_buffer),
		cmocka_unit_test(digest_known_answers),
		cmocka_unit_test(aes_cbc_nist_vectors),
		cmocka_unit_test(aes_cbc_rejects_partial_blocks),
		cmocka_unit_test(ct_equal_and_wipe),
		cmocka_unit_test(hash_lengths),
		cmocka_unit_test(keyed_hmac_matches_reference_under_eviction),
		cmocka_unit_test(forget_drops_the_keyed_context),
		cmocka_unit_test(keyed_aes_right_key_iv_and_direction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
