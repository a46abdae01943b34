/* The cryptography the core needs. crypto/openssl.c implements it with libcrypto;
 * a microcontroller port supplies its own. */
#ifndef BMC_CRYPTO_H
#define BMC_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum bmc_hash {
	BMC_HASH_SHA1,
	BMC_HASH_SHA256,
	BMC_HASH_MD5,
};

#define BMC_HASH_MAX 32

struct bmc_iov {
	const void *p;
	size_t len;
};

/* Digest length of h in bytes (20, 32, 16). */
size_t bmc_hash_len(enum bmc_hash h);
/* HMAC over the concatenation of iov[0..n). Writes bmc_hash_len(h) bytes to out.
 * Returns 0, or a negative value on failure (out is then zeroed). */
int bmc_hmacv(enum bmc_hash h, const void *key, size_t keylen, const struct bmc_iov *iov, size_t n,
	      uint8_t out[BMC_HASH_MAX]);
int bmc_hmac(enum bmc_hash h, const void *key, size_t keylen, const void *data, size_t len,
	     uint8_t out[BMC_HASH_MAX]);
/* Plain digest over iov (MD5 for IPMI 1.5 authentication). */
int bmc_digestv(enum bmc_hash h, const struct bmc_iov *iov, size_t n, uint8_t out[BMC_HASH_MAX]);
/* AES-128-CBC without padding: len must be a multiple of 16; in and out may alias. */
int bmc_aes128_cbc(bool encrypt, const uint8_t key[16], const uint8_t iv[16], const void *in, size_t len,
		   void *out);
/* AES-256-GCM (NIST SP 800-38D) with a 96-bit nonce and a 128-bit tag, for secrets the
 * port keeps at rest. The nonce must never repeat under one key. seal writes len bytes
 * of ciphertext to out and the tag to tag; open returns 0 only when the tag verifies
 * over aad and the ciphertext, and zeroes out otherwise. in and out may alias. */
#define BMC_GCM_KEY 32
#define BMC_GCM_NONCE 12
#define BMC_GCM_TAG 16
int bmc_aes256_gcm_seal(const uint8_t key[BMC_GCM_KEY], const uint8_t nonce[BMC_GCM_NONCE], const void *aad,
			size_t aadlen, const void *in, size_t len, void *out, uint8_t tag[BMC_GCM_TAG]);
int bmc_aes256_gcm_open(const uint8_t key[BMC_GCM_KEY], const uint8_t nonce[BMC_GCM_NONCE], const void *aad,
			size_t aadlen, const void *in, size_t len, const uint8_t tag[BMC_GCM_TAG], void *out);
/* Implementations may keep contexts keyed with recently used keys (crypto/openssl.c
 * does); this wipes any copy of key they hold. The core calls it when a session's keys
 * or a password stop being used. */
void bmc_crypto_forget(const void *key, size_t len);
struct bmc_crypto_stats {
	uint64_t hits, misses, uncached; /* keyed-context lookups */
};
void bmc_crypto_stats(struct bmc_crypto_stats *out);
/* Constant-time comparison for secrets: true when equal. */
bool bmc_ct_equal(const void *a, const void *b, size_t n);
/* Overwrites a secret in a way the compiler cannot elide. */
void bmc_wipe(void *p, size_t n);

#endif
