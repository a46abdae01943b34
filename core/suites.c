/* Cipher suites bmcd implements, IPMI 2.0 §22.15.2 table 22-20. Suites 1 and 2 (no
 * confidentiality) and 0 (no authentication) exist only for explicit opt-in. */
#include "suites.h"

static const struct bmc_suite known[] = {
	{0, AUTH_ALG_NONE, INTEG_ALG_NONE, CONF_ALG_NONE},
	{1, AUTH_ALG_HMAC_SHA1, INTEG_ALG_NONE, CONF_ALG_NONE},
	{2, AUTH_ALG_HMAC_SHA1, INTEG_ALG_HMAC_SHA1_96, CONF_ALG_NONE},
	{3, AUTH_ALG_HMAC_SHA1, INTEG_ALG_HMAC_SHA1_96, CONF_ALG_AES_CBC_128},
	{15, AUTH_ALG_HMAC_SHA256, INTEG_ALG_NONE, CONF_ALG_NONE},
	{16, AUTH_ALG_HMAC_SHA256, INTEG_ALG_HMAC_SHA256_128, CONF_ALG_NONE},
	{17, AUTH_ALG_HMAC_SHA256, INTEG_ALG_HMAC_SHA256_128, CONF_ALG_AES_CBC_128},
};

const struct bmc_suite *bmc_suite_by_id(uint8_t id)
{
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (known[i].id == id)
			return &known[i];
	return NULL;
}

static bool enabled(const struct bmc *bmc, uint8_t id)
{
	return id < 32 && (bmc->cfg.cipher_suites >> id & 1u) && bmc_suite_by_id(id);
}

const struct bmc_suite *bmc_suite_match(const struct bmc *bmc, uint8_t auth, uint8_t integ, uint8_t conf)
{
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		const struct bmc_suite *s = &known[i];
		if (s->auth == auth && s->integ == integ && s->conf == conf && enabled(bmc, s->id))
			return s;
	}
	return NULL;
}

size_t bmc_suites_enabled(const struct bmc *bmc, uint8_t ids[16])
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof known / sizeof known[0] && n < 16; i++)
		if (enabled(bmc, known[i].id))
			ids[n++] = known[i].id;
	return n;
}
