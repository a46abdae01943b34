/* Users: names, passwords, per-channel access. IPMI 2.0 §6.9, §22.26-22.30. */
#ifndef BMC_CORE_USERS_H
#define BMC_CORE_USERS_H

#include "state.h"

/* Sets the table to "no users": every slot empty, disabled, NO ACCESS. */
void bmc_users_defaults(struct bmc *bmc);
/* Replays a STORE_USER record (key = user id). Returns 0, or negative when malformed. */
int bmc_users_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len);
/* Writes user uid to the store. Returns 0 or negative. */
int bmc_users_persist(struct bmc *bmc, uint8_t uid);
/* Finds the enabled user that RAKP 1 / Activate Session names: name of len bytes
 * (not NUL-terminated; len 0 = the null user). Returns the user id, or 0. A disabled
 * user, or the null user while anonymous login is off, is not found. */
uint8_t bmc_users_lookup(const struct bmc *bmc, const char *name, size_t len);
/* The highest privilege user uid may have on channel: the lower of the user's channel
 * limit and the channel's privilege limit; PRIV_NO_ACCESS when none. */
uint8_t bmc_users_priv(const struct bmc *bmc, uint8_t uid, uint8_t channel);
/* The 20-byte key Kuid: the password zero-padded. */
void bmc_users_key(const struct bmc *bmc, uint8_t uid, uint8_t key[20]);
/* Number of user ids (BMC_MAX_USERS) and of those enabled / with fixed names. */
uint8_t bmc_users_enabled_count(const struct bmc *bmc);

#endif
