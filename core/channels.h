/* Channels: which exist, their medium and protocol, access mode and privilege limit.
 * IPMI 2.0 §6.3, §22.22-22.24. */
#ifndef BMC_CORE_CHANNELS_H
#define BMC_CORE_CHANNELS_H

#include "state.h"

/* Channel 1 = 802.3 LAN (multi-session), 0x0F = system interface; access "always
 * available", privilege limit ADMINISTRATOR. */
void bmc_channels_defaults(struct bmc *bmc);
/* Replays a STORE_CHANNEL_ACCESS record (key = channel). Returns 0 or negative. */
int bmc_channels_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len);
bool bmc_channel_exists(const struct bmc *bmc, uint8_t channel);
/* The volatile access mode allows sessions / messages now (mode != disabled). */
bool bmc_channel_enabled(const struct bmc *bmc, uint8_t channel);
/* Volatile privilege limit. */
uint8_t bmc_channel_priv_limit(const struct bmc *bmc, uint8_t channel);

#endif
