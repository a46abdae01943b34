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
/* Channel medium type, IPMI 2.0 table 6-3: IPMB (I2C). */
#define CHAN_MEDIUM_IPMB 0x01
/* The volatile access mode allows sessions / messages now (mode != disabled). */
bool bmc_channel_enabled(const struct bmc *bmc, uint8_t channel);
/* Volatile privilege limit. PRIV_NONE (0) for a channel that does not exist, so that a
 * "requested <= limit" check fails for it. */
uint8_t bmc_channel_priv_limit(const struct bmc *bmc, uint8_t channel);

/* --- added by the channels module --- */

/* Channel access modes, IPMI 2.0 §22.22 request byte 2 bits 2:0. */
enum {
	CHAN_ACCESS_DISABLED = 0,
	CHAN_ACCESS_PRE_BOOT = 1,
	CHAN_ACCESS_ALWAYS = 2,
	CHAN_ACCESS_SHARED = 3,
};

/* Session support, IPMI 2.0 §22.24 response byte 5 bits 7:6. */
enum {
	CHAN_SESSIONLESS = 0,
	CHAN_SINGLE_SESSION = 1,
	CHAN_MULTI_SESSION = 2,
	CHAN_SESSION_BASED = 3,
};

/* True when the channel exists and has channel access settings (it is not
 * session-less); Get/Set Channel Access answer 82h otherwise (§22.22, §22.23). */
bool bmc_channel_has_access(const struct bmc *bmc, uint8_t channel);
/* Get Channel Access response byte 2 (§22.23): bit 5 PEF alerting disabled, 4 per-
 * message auth disabled, 3 user-level auth disabled, 2:0 access mode. */
uint8_t bmc_channel_access_byte(const struct bmc_chan_access *a);
/* True when a is a valid access setting (mode 0..3, privilege limit 1..5). */
bool bmc_channel_access_ok(const struct bmc_chan_access *a);
/* Makes nv the channel's non-volatile access: persists it first and changes memory
 * only once the store has it. The volatile copy is not touched (it is loaded from
 * the non-volatile one at start). Returns 0, or negative (nothing changed). */
int bmc_channels_set_nv(struct bmc *bmc, uint8_t channel, const struct bmc_chan_access *nv);

#endif
