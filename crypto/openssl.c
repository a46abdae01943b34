/* include/bmc/crypto.h implemented with OpenSSL 3 libcrypto, using only the
 * non-deprecated EVP interfaces (EVP_MAC for HMAC, EVP_MD for digests, EVP_CIPHER for
 * AES), so that the build stays free of deprecation warnings under -Werror.
 *
 * Algorithms are fetched once and contexts reused across calls (see "cache" below).
 * A further step would be per-session contexts already keyed with K1/K2, saving the
 * HMAC key set-up and the AES key schedule per packet. */
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

/* Fetched algorithms and contexts, made once and reused by every call: creating and
 * freeing an EVP context per packet was most of the cost of a request (bench/README.md,
 * "Profile"). bmcd runs one event loop per process, so plain statics serve; a threaded
 * port would make them thread-local. A reused context keeps the last key's schedule
 * until the next call re-keys it; the keys themselves live in the session table anyway. */
static struct {
	EVP_MAC *hmac;
	EVP_MAC_CTX *mac[3]; /* per enum bmc_hash, its digest set on first use */
	EVP_MD_CTX *md;
	EVP_CIPHER *aes128cbc;
	EVP_CIPHER_CTX *cipher;
} cache;

static EVP_MAC_CTX *mac_ctx(enum bmc_hash h, const void *key, size_t keylen)
{
	/* An empty key is legal in IPMI (a user without password, no Kg). EVP_MAC_init
	 * treats a NULL key as "keep the previous key", so pass a valid empty buffer. */
	static const uint8_t empty_key[1];
	const void *k = keylen ? key : empty_key;
	if ((unsigned)h > BMC_HASH_MD5)
		return NULL;
	if (!cache.hmac && !(cache.hmac = EVP_MAC_fetch(NULL, "HMAC", NULL)))
		return NULL;
	if (!cache.mac[h]) {
		EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(cache.hmac);
		OSSL_PARAM params[2];
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)hash_name(h), 0);
		params[1] = OSSL_PARAM_construct_end();
		if (!ctx || !EVP_MAC_init(ctx, k, keylen, params)) {
			EVP_MAC_CTX_free(ctx);
			return NULL;
		}
		cache.mac[h] = ctx;
		return ctx;
	}
	return EVP_MAC_init(cache.mac[h], k, keylen, NULL) ? cache.mac[h] : NULL;
}

int bmc_hmacv(enum bmc_hash h, const void *key, size_t keylen, const struct bmc_iov *iov, size_t n,
	      uint8_t out[BMC_HASH_MAX])
{
	EVP_MAC_CTX *ctx = NULL;
	size_t outlen = 0;
	int rc = -1;

	memset(out, 0, BMC_HASH_MAX);
	if (!hash_name(h) || (!key && keylen))
		goto out;
	ctx = mac_ctx(h, key, keylen);
	if (!ctx)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (iov[i].len && !EVP_MAC_update(ctx, iov[i].p, iov[i].len))
			goto out;
	}
	if (!EVP_MAC_final(ctx, out, &outlen, BMC_HASH_MAX) || outlen != bmc_hash_len(h))
		goto out;
	rc = 0;
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
	if (!cache.aes128cbc)
		cache.aes128cbc = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);
	if (!cache.cipher)
		cache.cipher = EVP_CIPHER_CTX_new();
	EVP_CIPHER_CTX *ctx = cache.cipher;
	if (!cache.aes128cbc || !ctx || !EVP_CipherInit_ex2(ctx, cache.aes128cbc, key, iv, encrypt ? 1 : 0, NULL))
		return -1;
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	/* EVP allows in == out exactly (not partial overlap), which is what "may alias" means. */
	if (!EVP_CipherUpdate(ctx, out, &outl, in, (int)len))
		return -1;
	if (!EVP_CipherFinal_ex(ctx, (uint8_t *)out + outl, &finl))
		return -1;
	return (size_t)outl + (size_t)finl == len ? 0 : -1;
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
