/* Life cycle of one BMC: init, store replay, start, input, timers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bmc/store.h"
#include "chassis.h"
#include "fru.h"
#include "sel.h"
#include "sensor.h"
#include "channels.h"
#include "ipmb.h"
#include "lanparm.h"
#include "solparm.h"
#include "session.h"
#include "ratelimit.h"
#include "rmcp.h"
#include "users.h"
#include "serial.h"

size_t bmc_size(void)
{
	return sizeof(struct bmc);
}

void bmc_config_defaults(struct bmc_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->device_id = 0x20;
	cfg->device_rev = 0x01;
	cfg->fw_major = 0;
	cfg->fw_minor = 0x10; /* BCD 0.10 */
	/* IANA "reserved for documentation" would be ideal; 0 means unspecified. */
	cfg->manufacturer_id = 0;
	cfg->product_id = 0x0001;
	cfg->cipher_suites = 1u << 17;
	cfg->session_timeout_s = 60;
	cfg->max_sessions = BMC_MAX_SESSIONS;
	/* A locally administered unicast MAC: the port should set the real one. */
	const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
	memcpy(cfg->mac, mac, 6);
	const uint8_t ip[4] = {127, 0, 0, 1}, mask[4] = {255, 0, 0, 0};
	memcpy(cfg->ip, ip, 4);
	memcpy(cfg->netmask, mask, 4);
	cfg->sel_capacity = BMC_SEL_MAX;
	cfg->event_receiver = BMC_SA;
	cfg->slave_addr = BMC_SA;
	cfg->lan_port = 623;
}

void bmc_logf(struct bmc *bmc, enum bmc_log_level level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!bmc->plat.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	bmc->plat.log(bmc->plat.ctx, level, msg);
}

int bmc_persist(struct bmc *bmc, uint16_t type, uint16_t key, const void *value, size_t len)
{
	if (!bmc->plat.store_put)
		return 0; /* a port without persistence keeps state in RAM only */
	int rc = bmc->plat.store_put(bmc->plat.ctx, type, key, value, len);
	if (rc != 0)
		bmc_logf(bmc, BMC_LOG_ERROR, "store: could not write record %u/%u", type, key);
	return rc;
}

uint64_t bmc_now(struct bmc *bmc)
{
	return bmc->plat.now_ms(bmc->plat.ctx);
}

int bmc_random(struct bmc *bmc, void *buf, size_t len)
{
	return bmc->plat.random(bmc->plat.ctx, buf, len);
}

static int init(struct bmc *bmc, const struct bmc_platform *platform, const struct bmc_backend *backend,
		const struct bmc_config *cfg, bool zeroed);

int bmc_init(struct bmc *bmc, const struct bmc_platform *platform, const struct bmc_backend *backend,
	     const struct bmc_config *cfg)
{
	return init(bmc, platform, backend, cfg, false);
}

int bmc_init_zeroed(struct bmc *bmc, const struct bmc_platform *platform, const struct bmc_backend *backend,
		    const struct bmc_config *cfg)
{
	return init(bmc, platform, backend, cfg, true);
}

static int init(struct bmc *bmc, const struct bmc_platform *platform, const struct bmc_backend *backend,
		const struct bmc_config *cfg, bool zeroed)
{
	/* Clearing memory that is already zero would make every page of the tables
	 * resident (the SEL's 4096 slots, 1152 sensor slots): 160 KiB per BMC, which a port
	 * running a thousand BMCs in one process (bmcd's fleet mode) cannot afford. */
	if (!zeroed)
		memset(bmc, 0, sizeof *bmc);
	bmc->init_zeroed = zeroed;
	bmc->plat = *platform;
	if (backend)
		bmc->backend = *backend;
	bmc->cfg = *cfg;
	if (!platform->now_ms || !platform->random || !platform->send) {
		bmc_logf(bmc, BMC_LOG_ERROR, "platform lacks now_ms, random or send");
		return -1;
	}
	if (cfg->max_sessions == 0 || cfg->max_sessions > BMC_MAX_SESSIONS) {
		bmc_logf(bmc, BMC_LOG_ERROR, "max_sessions must be 1..%d", BMC_MAX_SESSIONS);
		return -1;
	}
	/* §5.4: a slave address is even; 00h and FFh are not controllers. */
	if ((cfg->slave_addr & 1) || cfg->slave_addr == 0) {
		bmc_logf(bmc, BMC_LOG_ERROR, "slave address %02Xh is not a controller address", cfg->slave_addr);
		return -1;
	}
	if (cfg->session_timeout_s == 0) {
		bmc_logf(bmc, BMC_LOG_ERROR, "session timeout must be at least 1 s");
		return -1;
	}
	if (cfg->serial_mode > BMC_SERIAL_TERMINAL || cfg->serial_priv > PRIV_ADMIN) {
		bmc_logf(bmc, BMC_LOG_ERROR, "serial mode or privilege out of range");
		return -1;
	}
	if (bmc_random(bmc, bmc->boot_secret, sizeof bmc->boot_secret) != 0) {
		bmc_logf(bmc, BMC_LOG_ERROR, "no randomness");
		return -1;
	}
	memcpy(bmc->system_guid, cfg->system_guid, 16);
	static const uint8_t no_kg[20];
	if (memcmp(cfg->kg, no_kg, 20)) {
		memcpy(bmc->kg, cfg->kg, 20);
		bmc->kg_set = true;
	}
	bmc->global_enables = 0x0C; /* event message buffer + SEL logging, IPMI 2.0 §22.2 */
	bmc_users_defaults(bmc);
	bmc_channels_defaults(bmc);
	bmc_lanparm_defaults(bmc);
	bmc_serial_defaults(bmc);
	bmc_solparm_defaults(bmc);
	bmc_sel_init(bmc);
	bmc_sensors_init(bmc);
	bmc_fru_init(bmc);
	bmc_chassis_init(bmc);
	bmc->next_handle = 1;
	bmc->init_zeroed = false;
	return 0;
}

void bmc_store_apply(struct bmc *bmc, uint16_t type, uint16_t key, const void *value, size_t len)
{
	int rc = 0;
	switch (type) {
	case STORE_IDENTITY:
		if (key == 0 && len == 16) {
			static const uint8_t zero[16];
			/* The configuration wins over the stored identity. */
			if (!memcmp(bmc->cfg.system_guid, zero, 16))
				memcpy(bmc->system_guid, value, 16);
		} else {
			rc = -1;
		}
		break;
	case STORE_USER:
		rc = bmc_users_apply(bmc, key, value, len);
		break;
	case STORE_CHANNEL_ACCESS:
		rc = bmc_channels_apply(bmc, key, value, len);
		break;
	case STORE_LANPARM:
		rc = bmc_lanparm_apply(bmc, key, value, len);
		break;
	case STORE_SOLPARM:
		rc = bmc_solparm_apply(bmc, key, value, len);
		break;
	case STORE_KG:
		if (key == CHANNEL_LAN && len == 20) {
			memcpy(bmc->kg, value, 20);
			bmc->kg_set = true;
		} else {
			rc = -1;
		}
		break;
	case STORE_SEL:
	case STORE_SEL_META:
		rc = bmc_sel_apply(bmc, type, key, value, len);
		break;
	case STORE_SENSOR:
		rc = bmc_sensors_apply(bmc, type, key, value, len);
		break;
	case STORE_FRU:
		rc = bmc_fru_apply(bmc, type, key, value, len);
		break;
	case STORE_CHASSIS:
		rc = bmc_chassis_apply(bmc, type, key, value, len);
		break;
	case STORE_SERIALPARM:
		rc = bmc->cfg.serial_enabled ? bmc_serialparm_apply(bmc, key, value, len) : 0;
		break;
	default:
		rc = -1;
		break;
	}
	if (rc != 0)
		bmc_logf(bmc, BMC_LOG_WARN, "store: ignored malformed record %u/%u (%zu bytes)", type, key, len);
}

int bmc_start(struct bmc *bmc)
{
	static const uint8_t zero[16];
	if (!memcmp(bmc->system_guid, zero, 16)) {
		if (bmc_random(bmc, bmc->system_guid, 16) != 0)
			return -1;
		/* A version 4 (random) UUID in the order of IPMI 2.0 §20.8: the whole UUID
		 * least significant byte first (node, clock_seq, time_hi_and_version, time_mid,
		 * time_low). The version nibble is then the top of byte 9, the variant the
		 * top of byte 7. ipmitool's "mc guid" checks exactly this. */
		bmc->system_guid[9] = (uint8_t)((bmc->system_guid[9] & 0x0F) | 0x40);
		bmc->system_guid[7] = (uint8_t)((bmc->system_guid[7] & 0x3F) | 0x80);
		if (bmc_persist(bmc, STORE_IDENTITY, 0, bmc->system_guid, 16) != 0)
			return -1;
	}
	if (bmc_sensors_start(bmc) != 0 || bmc_fru_start(bmc) != 0 || bmc_chassis_start(bmc) != 0)
		return -1;
	bmc->started = true;
	return 0;
}

bool bmc_needs_admin(const struct bmc *bmc)
{
	for (uint8_t uid = 1; uid <= BMC_MAX_USERS; uid++) {
		const struct bmc_user *u = &bmc->users[uid];
		if (u->enabled && u->has_password && u->name[0])
			return false;
	}
	return true;
}

int bmc_provision_admin(struct bmc *bmc, const char *name, const char *password)
{
	size_t nlen = strlen(name), plen = strlen(password);
	if (nlen == 0 || nlen > 16 || plen == 0 || plen > 20)
		return -1;
	struct bmc_user *u = &bmc->users[2];
	memset(u, 0, sizeof *u);
	memcpy(u->name, name, nlen);
	memcpy(u->password, password, plen);
	u->has_password = true;
	u->pw20 = plen > 16;
	u->enabled = true;
	for (unsigned ch = 0; ch < BMC_NUM_CHANNELS; ch++) {
		u->chan[ch].priv = bmc_channel_exists(bmc, (uint8_t)ch) ? PRIV_ADMIN : PRIV_NO_ACCESS;
		u->chan[ch].callin = true;
		u->chan[ch].link_auth = true;
		u->chan[ch].ipmi_msg = true;
		u->payload_std[ch] = 0x02; /* SOL, IPMI 2.0 §24.6 */
	}
	return bmc_users_persist(bmc, 2);
}

void bmc_input(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const void *buf, size_t len)
{
	if (!bmc->started)
		return;
	bmc->stats.rx++;
	if (bmc_channel_exists(bmc, channel) && bmc->chans[channel].medium == CHAN_MEDIUM_IPMB) {
		bmc_ipmb_input(bmc, channel, buf, len);
		return;
	}
	/* Before anything else (docs/security.md, "Network segmentation"): a source
	 * outside [lan] allow is not answered at all, and neither is anyone while the
	 * channel's access mode is "disabled" — IPMI 2.0 §22.22: disabled means no IPMI
	 * messaging on the channel; bmcd drops the RMCP presence ping too, so that a
	 * disabled LAN channel is silent. Both leave no state behind. */
	if (!bmc_allow_match(bmc->cfg.lan_allow, bmc->cfg.lan_allow_count, peer) || !bmc_channel_enabled(bmc, channel)) {
		bmc->stats.dropped_denied++;
		return;
	}
	bmc->sources.rx_len = len;
	bmc_rmcp_input(bmc, channel, peer, buf, len);
	bmc->sources.rx_len = 0;
}

void bmc_tick(struct bmc *bmc)
{
	if (!bmc->started)
		return;
	bmc_sessions_tick(bmc);
	bmc_ipmb_tick(bmc);
	bmc_sol_tick(bmc);
	bmc_serial_tick(bmc);
	bmc_sensors_tick(bmc);
	bmc_chassis_tick(bmc);
}

void bmc_get_stats(const struct bmc *bmc, struct bmc_stats *out)
{
	*out = bmc->stats;
}

uint64_t bmc_next_deadline(const struct bmc *bmc)
{
	return bmc->started ? bmc_sol_deadline(bmc) : 0;
}
