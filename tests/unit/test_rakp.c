/* RMCP+ key exchange against known answers computed independently
 * (tests/vectors/gen_rakp.py, Python hmac/hashlib). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rakp.h"
#include "rakp_vectors.h"

static void key20(const char *s, uint8_t k[20])
{
	memset(k, 0, 20);
	memcpy(k, s, strlen(s));
}

static void all_vectors_match(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rakp_kats / sizeof rakp_kats[0]; i++) {
		const struct rakp_kat *k = &rakp_kats[i];
		enum bmc_hash h = k->sha256 ? BMC_HASH_SHA256 : BMC_HASH_SHA1;
		size_t n = k->sha256 ? 32 : 20, icv = k->sha256 ? 16 : 12;
		uint8_t kuid[20], kg[20], out[BMC_HASH_MAX], sik[BMC_HASH_MAX], k1[BMC_HASH_MAX], k2[BMC_HASH_MAX];
		uint8_t ulen = (uint8_t)strlen(k->user);
		key20(k->password, kuid);
		key20(k->kg ? k->kg : k->password, kg);

		bmc_rakp2_code(h, kuid, k->csid, k->bsid, kat_rm, kat_rc, kat_guid, k->role, k->user, ulen, out);
		assert_memory_equal(out, k->rakp2, n);
		bmc_rakp3_code(h, kuid, kat_rc, k->csid, k->role, k->user, ulen, out);
		assert_memory_equal(out, k->rakp3, n);
		bmc_rakp_derive(h, kg, 20, kat_rm, kat_rc, k->role, k->user, ulen, sik, k1, k2);
		assert_memory_equal(sik, k->sik, n);
		assert_memory_equal(k1, k->k1, n);
		assert_memory_equal(k2, k->k2, n);
		bmc_rakp4_icv(h, sik, kat_rm, k->bsid, kat_guid, out);
		assert_memory_equal(out, k->rakp4, icv);
	}
}

static void short_password_key_equals_padded(void **state)
{
	/* Clients key the HMAC with the password as typed or padded to 20 bytes: HMAC pads
	 * keys to the block size with zeros, so both must give the same code. */
	(void)state;
	uint8_t a[BMC_HASH_MAX], b[BMC_HASH_MAX], k[20];
	key20("pw", k);
	bmc_hmac(BMC_HASH_SHA256, k, 20, "x", 1, a);
	bmc_hmac(BMC_HASH_SHA256, "pw", 2, "x", 1, b);
	assert_memory_equal(a, b, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_vectors_match),
		cmocka_unit_test(short_password_key_equals_padded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
