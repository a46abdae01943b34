/* include/bmc/crypto.h implemented with OpenSSL 3 libcrypto, using only the
 * non-deprecated EVP interfaces (EVP_MAC for HMAC, EVP_MD for digests, EVP_CIPHER for
 * AES), so that the build stays free of deprecation warnings under -Werror.
 *
 * Every call builds and frees its own context. That is simple and correct, and the
 * per-call cost is small because OpenSSL 3 caches fetched algorithms internally.
 * Where caching would go when sessions want it (a later issue): a per-session
 * struct holding an EVP_MAC_CTX already keyed with the session integrity key (K1) and
 * an EVP_CIPHER_CTX keyed with K2; each packet would then EVP_MAC_CTX_dup() the keyed
 * template (or EVP_MAC_init(ctx, NULL, 0, NULL) to re-init with the same key) and
 * EVP_CipherInit_ex2(ctx, NULL, NULL, iv, enc, NULL) with a fresh IV, avoiding the
 * provider fetch and the key schedule per packet. The contexts would be freed (and so
 * wiped by OpenSSL) when the session closes. */
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

int bmc_hmacv(enum bmc_hash h, const void *key, size_t keylen, const struct bmc_iov *iov, size_t n,
	      uint8_t out[BMC_HASH_MAX])
{
	/* An empty key is legal in IPMI (a user without password, no Kg). EVP_MAC_init
	 * treats a NULL key as "keep the previous key", so pass a valid empty buffer. */
	static const uint8_t empty_key[1];
	const char *name = hash_name(h);
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t outlen = 0;
	int rc = -1;

	memset(out, 0, BMC_HASH_MAX);
	if (!name || (!key && keylen))
		goto out;
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	if (!ctx)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)name, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, keylen ? key : empty_key, keylen, params))
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
	EVP_MAC_CTX_free(ctx); /* frees (and cleanses) the keyed state */
	EVP_MAC_free(mac);
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
	EVP_MD_CTX *ctx = NULL;
	unsigned outlen = 0;
	int rc = -1;

	memset(out, 0, BMC_HASH_MAX);
	ctx = md ? EVP_MD_CTX_new() : NULL;
	if (!ctx || !EVP_DigestInit_ex2(ctx, md, NULL))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (iov[i].len && !EVP_DigestUpdate(ctx, iov[i].p, iov[i].len))
			goto out;
	}
	if (!EVP_DigestFinal_ex(ctx, out, &outlen) || outlen != bmc_hash_len(h))
		goto out;
	rc = 0;
out:
	if (rc != 0)
		memset(out, 0, BMC_HASH_MAX);
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* IPMI 2.0 §13.29: AES-CBC-128 with the confidentiality trailer's own padding, so the
 * cipher itself runs without padding and every length is a whole number of blocks. */
int bmc_aes128_cbc(bool encrypt, const uint8_t key[16], const uint8_t iv[16], const void *in, size_t len,
		   void *out)
{
	EVP_CIPHER_CTX *ctx = NULL;
	int outl = 0, finl = 0;
	int rc = -1;

	if (len % 16 != 0 || len > INT_MAX - 16)
		return -1;
	if (len == 0)
		return 0;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx || !EVP_CipherInit_ex2(ctx, EVP_aes_128_cbc(), key, iv, encrypt ? 1 : 0, NULL))
		goto out;
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	/* EVP allows in == out exactly (not partial overlap), which is what "may alias" means. */
	if (!EVP_CipherUpdate(ctx, out, &outl, in, (int)len))
		goto out;
	if (!EVP_CipherFinal_ex(ctx, (uint8_t *)out + outl, &finl))
		goto out;
	if ((size_t)outl + (size_t)finl != len)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx); /* cleanses the key schedule */
	return rc;
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
