/* include/bmc/crypto.h implemented with OpenSSL 3 libcrypto, using only the
 * non-deprecated EVP interfaces (EVP_MAC for HMAC, EVP_MD for digests, EVP_CIPHER for
 * AES), so that the build stays free of deprecation warnings under -Werror.
 *
 * Algorithms are fetched once, and contexts stay keyed across calls ("Keyed contexts"
 * below). */
#include "bmc/crypto.h"

#include <limits.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

size_t bmc_hash_len(enum bmc_hash h)
{
	switch (h) {
	case BMC_HASH_SHA1:
		return 20;
	case BMC_HASH_SHA256:
		return 32;
	case BMC_HASH_MD5:
		return 16;
	}
	return 0;
}

/* OpenSSL's name for h, as EVP_MAC's "digest" parameter wants it. */
static const char *hash_name(enum bmc_hash h)
{
	switch (h) {
	case BMC_HASH_SHA1:
		return "SHA1";
	case BMC_HASH_SHA256:
		return "SHA256";
	case BMC_HASH_MD5:
		return "MD5";
	}
	return NULL;
}

static const EVP_MD *hash_md(enum bmc_hash h)
{
	switch (h) {
	case BMC_HASH_SHA1:
		return EVP_sha1();
	case BMC_HASH_SHA256:
		return EVP_sha256();
	case BMC_HASH_MD5:
		return EVP_md5();
	}
	return NULL;
}

/* Keyed contexts, reused (issue 7: "crypto contexts reused per session").
 *
 * A session MACs and encrypts every packet under the same K1 and K2, and every set-up of
 * a user MACs under the same password. Keying an HMAC costs two extra compressions plus
 * libcrypto's parameter parsing and allocations, and an AES key schedule is most of the
 * cost of a two-block CBC pass; both were most of a request's user-space instructions
 * (bench/README.md, "Profile"). So contexts stay keyed: a small 2-way set-associative
 * table, looked up by the key itself, hands back a context already keyed with it, and a
 * packet only resets it (HMAC: the inner midstate copied back; AES: a new IV on the same
 * key schedule). The API stays stateless, so the core keeps no crypto handles: a port
 * with no such cache (a microcontroller) computes the same bytes.
 *
 * A miss re-keys the set's older slot, which is what every call cost before. Keys are
 * compared in full (constant time), so a collision can only cost speed, never a wrong
 * MAC. The table holds copies of session keys; bmc_crypto_forget wipes them when the
 * core closes a session or changes a password. bmcd runs one event loop per process, so
 * plain statics serve; a threaded port would make them thread-local. */
#define KEYED_SETS 64 /* power of two; 2 slots each */
#define KEYED_KEY_MAX 64 /* one HMAC block: IPMI keys are 16-32 bytes */

struct keyed {
	uint8_t kind; /* 0: empty; 1 + enum bmc_hash: HMAC; KIND_AES: AES-128 */
	uint8_t keylen;
	uint8_t key[KEYED_KEY_MAX];
	EVP_MAC_CTX *mac;
	EVP_CIPHER_CTX *aes[2]; /* [0] decrypt, [1] encrypt: CBC's two key schedules differ */
};
#define KIND_AES 0x10

static struct {
	EVP_MAC *hmac;
	EVP_CIPHER *aes128cbc;
	EVP_MD_CTX *md;
	struct keyed slot[KEYED_SETS][2];
	uint8_t older[KEYED_SETS]; /* which slot of the set to replace next */
	struct bmc_crypto_stats stats;
} cache;

static unsigned set_of(uint8_t kind, const uint8_t *key, size_t len)
{
	/* Session keys are HMAC outputs, random already: their first bytes choose the set.
	 * Passwords are not, but mixing their first 8 bytes with the length still spreads
	 * them; a collision only costs a re-key. */
	uint64_t x = 0;
	if (len)
		memcpy(&x, key, len < sizeof x ? len : sizeof x);
	x = (x ^ ((uint64_t)kind << 56 | len)) * 0x9E3779B97F4A7C15u;
	return (unsigned)(x >> 40) & (KEYED_SETS - 1);
}

static bool same_key(const struct keyed *k, uint8_t kind, const uint8_t *key, size_t len)
{
	return k->kind == kind && k->keylen == len && CRYPTO_memcmp(k->key, key, len) == 0;
}

static void keyed_clear(struct keyed *k)
{
	EVP_MAC_CTX_free(k->mac);
	EVP_CIPHER_CTX_free(k->aes[0]);
	EVP_CIPHER_CTX_free(k->aes[1]);
	OPENSSL_cleanse(k, sizeof *k);
}

/* The slot holding (kind, key), and whether it is already keyed with it; on a miss, the
 * set's older slot, emptied of its previous key. len is at most KEYED_KEY_MAX. */
static struct keyed *keyed_find(uint8_t kind, const void *key, size_t len, bool *hit)
{
	*hit = false;
	unsigned set = set_of(kind, key, len);
	struct keyed *s = cache.slot[set];
	for (unsigned w = 0; w < 2; w++) {
		if (same_key(&s[w], kind, key, len)) {
			cache.older[set] = (uint8_t)(w ^ 1);
			*hit = true;
			cache.stats.hits++;
			return &s[w];
		}
	}
	unsigned w = cache.older[set];
	cache.older[set] = (uint8_t)(w ^ 1);
	cache.stats.misses++;
	struct keyed *k = &s[w];
	if (k->kind != kind) { /* a context of the wrong type: start afresh */
		keyed_clear(k);
	} else {
		OPENSSL_cleanse(k->key, sizeof k->key);
		k->kind = 0; /* until keyed below */
	}
	return k;
}

static void keyed_mark(struct keyed *k, uint8_t kind, const void *key, size_t len)
{
	if (len)
		memcpy(k->key, key, len);
	k->keylen = (uint8_t)len;
	k->kind = kind;
}

/* Keys ctx with key for HMAC under h. */
static bool mac_key(EVP_MAC_CTX *ctx, enum bmc_hash h, const void *key, size_t keylen)
{
	/* An empty key is legal in IPMI (a user without password, no Kg). EVP_MAC_init
	 * treats a NULL key as "keep the previous key", so pass a valid empty buffer. */
	static const uint8_t empty_key[1];
	OSSL_PARAM params[2];
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)hash_name(h), 0);
	params[1] = OSSL_PARAM_construct_end();
	return EVP_MAC_init(ctx, keylen ? key : empty_key, keylen, params) == 1;
}

/* An HMAC context keyed with key (at most KEYED_KEY_MAX bytes), ready for updates. */
static EVP_MAC_CTX *mac_ctx(enum bmc_hash h, const void *key, size_t keylen)
{
	uint8_t kind = (uint8_t)(1 + h);
	bool hit;
	struct keyed *slot = keyed_find(kind, key, keylen, &hit);
	if (hit) /* same key, fresh message: the inner midstate is copied back */
		return EVP_MAC_init(slot->mac, NULL, 0, NULL) ? slot->mac : NULL;
	if (!slot->mac && !(slot->mac = EVP_MAC_CTX_new(cache.hmac)))
		return NULL;
	if (!mac_key(slot->mac, h, key, keylen))
		return NULL;
	keyed_mark(slot, kind, key, keylen);
	return slot->mac;
}

static int mac_run(EVP_MAC_CTX *ctx, enum bmc_hash h, const struct bmc_iov *iov, size_t n,
		   uint8_t out[BMC_HASH_MAX])
{
	size_t outlen = 0;
	for (size_t i = 0; i < n; i++) {
		if (iov[i].len && !EVP_MAC_update(ctx, iov[i].p, iov[i].len))
			return -1;
	}
	if (!EVP_MAC_final(ctx, out, &outlen, BMC_HASH_MAX) || outlen != bmc_hash_len(h))
		return -1;
	return 0;
}

/* HMAC with a key longer than the table keeps (no IPMI key is): its own context. */
static int mac_once(enum bmc_hash h, const void *key, size_t keylen, const struct bmc_iov *iov, size_t n,
		    uint8_t out[BMC_HASH_MAX])
{
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(cache.hmac);
	int rc = ctx && mac_key(ctx, h, key, keylen) ? mac_run(ctx, h, iov, n, out) : -1;
	EVP_MAC_CTX_free(ctx);
	return rc;
}

int bmc_hmacv(enum bmc_hash h, const void *key, size_t keylen, const struct bmc_iov *iov, size_t n,
	      uint8_t out[BMC_HASH_MAX])
{
	int rc = -1;

	memset(out, 0, BMC_HASH_MAX);
	if (!hash_name(h) || (!key && keylen))
		goto out;
	if (!cache.hmac && !(cache.hmac = EVP_MAC_fetch(NULL, "HMAC", NULL)))
		goto out;
	if (keylen > KEYED_KEY_MAX) {
		cache.stats.uncached++;
		rc = mac_once(h, key, keylen, iov, n, out);
	} else {
		EVP_MAC_CTX *ctx = mac_ctx(h, key, keylen);
		rc = ctx ? mac_run(ctx, h, iov, n, out) : -1;
	}
out:
	if (rc != 0)
		memset(out, 0, BMC_HASH_MAX);
	return rc;
}

int bmc_hmac(enum bmc_hash h, const void *key, size_t keylen, const void *data, size_t len,
	     uint8_t out[BMC_HASH_MAX])
{
	struct bmc_iov v = {data, len};
	return bmc_hmacv(h, key, keylen, &v, 1, out);
}

int bmc_digestv(enum bmc_hash h, const struct bmc_iov *iov, size_t n, uint8_t out[BMC_HASH_MAX])
{
	const EVP_MD *md = hash_md(h);
	unsigned outlen = 0;
	int rc = -1;

	memset(out, 0, BMC_HASH_MAX);
	if (!cache.md)
		cache.md = EVP_MD_CTX_new();
	if (!md || !cache.md || !EVP_DigestInit_ex2(cache.md, md, NULL))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (iov[i].len && !EVP_DigestUpdate(cache.md, iov[i].p, iov[i].len))
			goto out;
	}
	if (!EVP_DigestFinal_ex(cache.md, out, &outlen) || outlen != bmc_hash_len(h))
		goto out;
	rc = 0;
out:
	if (rc != 0)
		memset(out, 0, BMC_HASH_MAX);
	return rc;
}

/* An AES-128-CBC context in direction enc, keyed with key and set to iv. */
static EVP_CIPHER_CTX *aes_ctx(bool encrypt, const uint8_t key[16], const uint8_t iv[16])
{
	bool hit;
	unsigned dir = encrypt ? 1 : 0;

	if (!cache.aes128cbc && !(cache.aes128cbc = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL)))
		return NULL;
	struct keyed *slot = keyed_find(KIND_AES, key, 16, &hit);
	if (hit && slot->aes[dir]) /* same key schedule, new IV; -1 keeps the direction */
		return EVP_CipherInit_ex2(slot->aes[dir], NULL, NULL, iv, -1, NULL) ? slot->aes[dir] : NULL;
	if (!hit) { /* the slot's other direction, if any, belongs to an older key */
		EVP_CIPHER_CTX_free(slot->aes[dir ^ 1]);
		slot->aes[dir ^ 1] = NULL;
	}
	if (!slot->aes[dir] && !(slot->aes[dir] = EVP_CIPHER_CTX_new()))
		return NULL;
	EVP_CIPHER_CTX *ctx = slot->aes[dir];
	if (!EVP_CipherInit_ex2(ctx, cache.aes128cbc, key, iv, encrypt ? 1 : 0, NULL))
		return NULL;
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	keyed_mark(slot, KIND_AES, key, 16);
	return ctx;
}

/* IPMI 2.0 §13.29: AES-CBC-128 with the confidentiality trailer's own padding, so the
 * cipher itself runs without padding and every length is a whole number of blocks. */
int bmc_aes128_cbc(bool encrypt, const uint8_t key[16], const uint8_t iv[16], const void *in, size_t len,
		   void *out)
{
	int outl = 0, finl = 0;

	if (len % 16 != 0 || len > INT_MAX - 16)
		return -1;
	if (len == 0)
		return 0;
	EVP_CIPHER_CTX *ctx = aes_ctx(encrypt, key, iv);
	if (!ctx)
		return -1;
	/* EVP allows in == out exactly (not partial overlap), which is what "may alias" means. */
	if (!EVP_CipherUpdate(ctx, out, &outl, in, (int)len))
		return -1;
	if (!EVP_CipherFinal_ex(ctx, (uint8_t *)out + outl, &finl))
		return -1;
	return (size_t)outl + (size_t)finl == len ? 0 : -1;
}

void bmc_crypto_forget(const void *key, size_t len)
{
	static const uint8_t kinds[] = {1 + BMC_HASH_SHA1, 1 + BMC_HASH_SHA256, 1 + BMC_HASH_MD5, KIND_AES};
	if (!key || len > KEYED_KEY_MAX)
		return;
	for (size_t i = 0; i < sizeof kinds; i++) {
		struct keyed *s = cache.slot[set_of(kinds[i], key, len)];
		for (unsigned w = 0; w < 2; w++)
			if (same_key(&s[w], kinds[i], key, len))
				keyed_clear(&s[w]);
	}
}

void bmc_crypto_stats(struct bmc_crypto_stats *out)
{
	*out = cache.stats;
}

/* One pass of GCM in either direction; for decryption the tag is set before Final,
 * which is where EVP checks it. */
static int gcm(bool encrypt, const uint8_t *key, const uint8_t *nonce, const void *aad, size_t aadlen,
	       const void *in, size_t len, void *out, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx = NULL;
	uint8_t fin[16];
	int outl = 0, finl = 0, rc = -1;

	if (len > INT_MAX - 16 || aadlen > INT_MAX)
		return -1;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx || !EVP_CipherInit_ex2(ctx, EVP_aes_256_gcm(), key, nonce, encrypt ? 1 : 0, NULL))
		goto out;
	if (aadlen && !EVP_CipherUpdate(ctx, NULL, &outl, aad, (int)aadlen))
		goto out;
	if (len && !EVP_CipherUpdate(ctx, out, &outl, in, (int)len))
		goto out;
	if (!encrypt && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, BMC_GCM_TAG, tag))
		goto out;
	/* GCM is a stream mode: Final produces no bytes, only the tag check. */
	if (!EVP_CipherFinal_ex(ctx, fin, &finl) || finl != 0)
		goto out;
	if (encrypt && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, BMC_GCM_TAG, tag))
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int bmc_aes256_gcm_seal(const uint8_t key[BMC_GCM_KEY], const uint8_t nonce[BMC_GCM_NONCE], const void *aad,
			size_t aadlen, const void *in, size_t len, void *out, uint8_t tag[BMC_GCM_TAG])
{
	int rc = gcm(true, key, nonce, aad, aadlen, in, len, out, tag);
	if (rc) {
		bmc_wipe(out, len);
		memset(tag, 0, BMC_GCM_TAG);
	}
	return rc;
}

int bmc_aes256_gcm_open(const uint8_t key[BMC_GCM_KEY], const uint8_t nonce[BMC_GCM_NONCE], const void *aad,
			size_t aadlen, const void *in, size_t len, const uint8_t tag[BMC_GCM_TAG], void *out)
{
	uint8_t t[BMC_GCM_TAG];
	memcpy(t, tag, sizeof t); /* EVP wants a writable tag buffer */
	int rc = gcm(false, key, nonce, aad, aadlen, in, len, out, t);
	if (rc)
		bmc_wipe(out, len); /* never hand out unauthenticated plaintext */
	return rc;
}

bool bmc_ct_equal(const void *a, const void *b, size_t n)
{
	return n == 0 || CRYPTO_memcmp(a, b, n) == 0;
}

void bmc_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}
