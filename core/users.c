/* STUB: to be written. */
#include <string.h>

#include "users.h"

void bmc_users_defaults(struct bmc *bmc)
{
	memset(bmc->users, 0, sizeof bmc->users);
}
int bmc_users_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len)
{
	(void)bmc; (void)key; (void)value; (void)len;
	return -1;
}
int bmc_users_persist(struct bmc *bmc, uint8_t uid)
{
	(void)bmc; (void)uid;
	return 0;
}
uint8_t bmc_users_lookup(const struct bmc *bmc, const char *name, size_t len)
{
	for (uint8_t uid = 1; uid <= BMC_MAX_USERS; uid++) {
		const struct bmc_user *u = &bmc->users[uid];
		if (u->enabled && strlen(u->name) == len && !memcmp(u->name, name, len))
			return uid;
	}
	return 0;
}
uint8_t bmc_users_priv(const struct bmc *bmc, uint8_t uid, uint8_t channel)
{
	return bmc->users[uid].chan[channel].priv;
}
void bmc_users_key(const struct bmc *bmc, uint8_t uid, uint8_t key[20])
{
	memcpy(key, bmc->users[uid].password, 20);
}
uint8_t bmc_users_enabled_count(const struct bmc *bmc)
{
	(void)bmc;
	return 0;
}
