/* STUB: being written. */
#include "rmcp.h"

void bmc_rmcp_input(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *buf,
		    size_t len)
{
	(void)bmc; (void)channel; (void)peer; (void)buf; (void)len;
}
void bmc_rmcp_send(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *buf,
		   size_t len)
{
	bmc->stats.tx++;
	bmc->plat.send(bmc->plat.ctx, channel, peer, buf, len);
}
