/* Channels: the fixed set bmcd offers and their access settings. IPMI 2.0 §6.3,
 * §22.22-22.24.
 *
 * Stored record (STORE_CHANNEL_ACCESS, key = channel number), the non-volatile copy
 * only, 3 bytes:
 *   0  version (CHAN_REC_VERSION)
 *   1  bit 5 PEF alerting disabled, bit 4 per-message auth disabled, bit 3 user-level
 *      auth disabled, bits 2:0 access mode (0..3); bits 7:6 zero
 *      (the layout of Get Channel Access response byte 2, so it reads like the spec)
 *   2  privilege limit, 1..5
 */
#include <string.h>

#include "bmc/store.h"
#include "channels.h"

#define CHAN_REC_VERSION 1
#define CHAN_REC_LEN 3

/* Medium and protocol numbers, IPMI 2.0 tables 6-3 and 6-2. */
enum {
	MEDIUM_LAN_802_3 = 0x04,
	MEDIUM_SYSTEM_IF = 0x0C,
	MEDIUM_SERIAL = 0x05, /* asynchronous serial/modem (RS-232) */
	PROTOCOL_IPMB = 0x01,
	PROTOCOL_TMODE = 0x09, /* Terminal Mode */
	PROTOCOL_KCS = 0x05,
};

static void access_defaults(struct bmc_chan_access *a)
{
	a->mode = CHAN_ACCESS_ALWAYS;
	a->user_auth_disabled = false;
	a->per_msg_auth_disabled = false;
	/* bmcd has no PEF yet: nothing could be alerted, so say so. */
	a->alerting_disabled = true;
	a->priv_limit = PRIV_ADMIN;
}

static void channel_init(struct bmc_channel *c, uint8_t medium, uint8_t protocol, uint8_t sessions)
{
	memset(c, 0, sizeof *c);
	c->present = true;
	c->medium = medium;
	c->protocol = protocol;
	c->session_support = sessions;
	access_defaults(&c->nv);
	c->vol = c->nv;
}

void bmc_channels_defaults(struct bmc *bmc)
{
	memset(bmc->chans, 0, sizeof bmc->chans);
	/* LAN channels carry IPMB-format messages (table 6-2 note), hence protocol 01h. */
	channel_init(&bmc->chans[CHANNEL_LAN], MEDIUM_LAN_802_3, PROTOCOL_IPMB, CHAN_MULTI_SESSION);
	channel_init(&bmc->chans[CHANNEL_SYSTEM], MEDIUM_SYSTEM_IF, PROTOCOL_KCS, CHAN_SESSIONLESS);
	/* The primary IPMB exists when the port has a bus (platform.ipmb_send). */
	if (bmc->plat.ipmb_send)
		channel_init(&bmc->chans[CHANNEL_PRIMARY_IPMB], CHAN_MEDIUM_IPMB, PROTOCOL_IPMB, CHAN_SESSIONLESS);
	/* Serial channel 2 only when the port has a device for it. Basic Mode carries
	 * IPMB-format messages (table 6-2 note); a port pinned to Terminal Mode says so.
	 * A serial channel holds one session (§14, table 6-4: single-session). */
	if (bmc->cfg.serial_enabled)
		channel_init(&bmc->chans[CHANNEL_SERIAL], MEDIUM_SERIAL,
			     bmc->cfg.serial_mode == BMC_SERIAL_TERMINAL ? PROTOCOL_TMODE : PROTOCOL_IPMB,
			     CHAN_SINGLE_SESSION);
}

bool bmc_channel_access_ok(const struct bmc_chan_access *a)
{
	return a->mode <= CHAN_ACCESS_SHARED && a->priv_limit >= PRIV_CALLBACK && a->priv_limit <= PRIV_OEM;
}

uint8_t bmc_channel_access_byte(const struct bmc_chan_access *a)
{
	return (uint8_t)((a->alerting_disabled ? 0x20 : 0) | (a->per_msg_auth_disabled ? 0x10 : 0) |
			 (a->user_auth_disabled ? 0x08 : 0) | (a->mode & 0x07));
}

static size_t encode(const struct bmc_chan_access *a, uint8_t *out, size_t cap)
{
	struct bmc_writer w;
	wr_init(&w, out, cap);
	wr_u8(&w, CHAN_REC_VERSION);
	wr_u8(&w, bmc_channel_access_byte(a));
	wr_u8(&w, a->priv_limit);
	return wr_ok(&w) ? wr_len(&w) : 0;
}

static int decode(const uint8_t *value, size_t len, struct bmc_chan_access *a)
{
	struct bmc_reader r;
	rd_init(&r, value, len);
	uint8_t version = rd_u8(&r);
	uint8_t flags = rd_u8(&r);
	uint8_t priv = rd_u8(&r);
	if (!rd_done(&r) || version != CHAN_REC_VERSION || (flags & 0xC0))
		return -1;
	a->alerting_disabled = flags & 0x20;
	a->per_msg_auth_disabled = flags & 0x10;
	a->user_auth_disabled = flags & 0x08;
	a->mode = flags & 0x07;
	a->priv_limit = priv;
	return bmc_channel_access_ok(a) ? 0 : -1;
}

int bmc_channels_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len)
{
	struct bmc_chan_access a;
	if (key >= BMC_NUM_CHANNELS || !bmc_channel_has_access(bmc, (uint8_t)key))
		return -1;
	if (decode(value, len, &a) != 0)
		return -1;
	/* Replay happens before start: the volatile copy starts as the non-volatile one
	 * (IPMI 2.0 §22.22). */
	bmc->chans[key].nv = a;
	bmc->chans[key].vol = a;
	return 0;
}

int bmc_channels_set_nv(struct bmc *bmc, uint8_t channel, const struct bmc_chan_access *nv)
{
	uint8_t rec[CHAN_REC_LEN];
	if (!bmc_channel_has_access(bmc, channel) || !bmc_channel_access_ok(nv))
		return -1;
	size_t n = encode(nv, rec, sizeof rec);
	if (n == 0 || bmc_persist(bmc, STORE_CHANNEL_ACCESS, channel, rec, n) != 0)
		return -1;
	bmc->chans[channel].nv = *nv;
	return 0;
}

bool bmc_channel_exists(const struct bmc *bmc, uint8_t channel)
{
	return channel < BMC_NUM_CHANNELS && bmc->chans[channel].present;
}

bool bmc_channel_has_access(const struct bmc *bmc, uint8_t channel)
{
	return bmc_channel_exists(bmc, channel) && bmc->chans[channel].session_support != CHAN_SESSIONLESS;
}

bool bmc_channel_enabled(const struct bmc *bmc, uint8_t channel)
{
	return bmc_channel_exists(bmc, channel) && bmc->chans[channel].vol.mode != CHAN_ACCESS_DISABLED;
}

uint8_t bmc_channel_priv_limit(const struct bmc *bmc, uint8_t channel)
{
	return bmc_channel_exists(bmc, channel) ? bmc->chans[channel].vol.priv_limit : PRIV_NONE;
}
