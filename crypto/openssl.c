/* STUB: to be written. */
#include <string.h>

#include "bmc/crypto.h"

size_t bmc_hash_len(enum bmc_hash h)
{
	return h == BMC_HASH_SHA256 ? 32 : h == BMC_HASH_SHA1 ? 20 : 16;
}
int bmc_hmacv(enum bmc_hash h, const void *key, size_t keylen, const struct bmc_iov *iov, size_t n,
	      uint8_t out[BMC_HASH_MAX])
{
	(void)h; (void)key; (void)keylen; (void)iov; (void)n;
	memset(out, 0, BMC_HASH_MAX);
	return -1;
}
int bmc_hmac(enum bmc_hash h, const void *key, size_t keylen, const void *data, size_t len,
	     uint8_t out[BMC_HASH_MAX])
{
	struct bmc_iov v = {data, len};
	return bmc_hmacv(h, key, keylen, &v, 1, out);
}
int bmc_digestv(enum bmc_hash h, const struct bmc_iov *iov, size_t n, uint8_t out[BMC_HASH_MAX])
{
	(void)h; (void)iov; (void)n;
	memset(out, 0, BMC_HASH_MAX);
	return -1;
}
int bmc_aes128_cbc(bool encrypt, const uint8_t key[16], const uint8_t iv[16], const void *in, size_t len,
		   void *out)
{
	(void)encrypt; (void)key; (void)iv; (void)in; (void)len; (void)out;
	return -1;
}
bool bmc_ct_equal(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char d = 0;
	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(x[i] ^ y[i]);
	return d == 0;
}
void bmc_wipe(void *p, size_t n)
{
	volatile unsigned char *q = p;
	while (n--)
		*q++ = 0;
}
