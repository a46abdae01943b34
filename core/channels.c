/* STUB: to be written. */
#include "channels.h"

void bmc_channels_defaults(struct bmc *bmc)
{
	struct bmc_channel *c = &bmc->chans[CHANNEL_LAN];
	c->present = true;
	c->medium = 4;
	c->protocol = 1;
	c->session_support = 3;
	c->nv.mode = c->vol.mode = 2;
	c->nv.priv_limit = c->vol.priv_limit = PRIV_ADMIN;
}
int bmc_channels_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len)
{
	(void)bmc; (void)key; (void)value; (void)len;
	return -1;
}
bool bmc_channel_exists(const struct bmc *bmc, uint8_t channel)
{
	return channel < BMC_NUM_CHANNELS && bmc->chans[channel].present;
}
bool bmc_channel_enabled(const struct bmc *bmc, uint8_t channel)
{
	return bmc_channel_exists(bmc, channel) && bmc->chans[channel].vol.mode != 0;
}
uint8_t bmc_channel_priv_limit(const struct bmc *bmc, uint8_t channel)
{
	return bmc->chans[channel].vol.priv_limit;
}
