/* RMCP framing, DMTF DSP0114 §3.2 / IPMI 2.0 §13.1.3: version 06h, reserved, sequence,
 * class. ASF goes to asf.c; IPMI goes to RMCP+ (auth type 06h) or IPMI 1.5 framing. */
#include "rmcp.h"

#include "asf.h"
#include "lan15.h"
#include "rmcpplus.h"

void bmc_rmcp_input(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *buf,
		    size_t len)
{
	struct bmc_reader r;
	rd_init(&r, buf, len);
	uint8_t version = rd_u8(&r);
	rd_skip(&r, 1);
	uint8_t seq = rd_u8(&r);
	uint8_t class = rd_u8(&r);
	uint8_t authtype = rd_u8(&r);

	/* Too short, another version, or an RMCP ACK (class bit 7): nothing to answer. */
	if (!rd_ok(&r) || version != RMCP_VERSION || (class & 0x80))
		goto drop;
	switch (class & 0x1F) {
	case RMCP_CLASS_ASF:
		bmc_asf_input(bmc, channel, peer, seq, buf + 4, len - 4);
		return;
	case RMCP_CLASS_IPMI:
		if (authtype == AUTHTYPE_RMCPP)
			bmc_rmcpplus_input(bmc, channel, peer, buf + 4, len - 4);
		else
			bmc_lan15_input(bmc, channel, peer, buf + 4, len - 4);
		return;
	default:
		break;
	}
drop:
	bmc->stats.dropped_malformed++;
}

void bmc_rmcp_send(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *buf,
		   size_t len)
{
	bmc->stats.tx++;
	bmc->plat.send(bmc->plat.ctx, channel, peer, buf, len);
}

void bmc_rmcp_header(struct bmc_writer *w, uint8_t class)
{
	wr_u8(w, RMCP_VERSION);
	wr_u8(w, 0);
	wr_u8(w, RMCP_SEQ_NO_ACK); /* IPMI messages are never RMCP-ACKed, §13.1.3 */
	wr_u8(w, class);
}
