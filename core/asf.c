/* See asf.h. A pong is 28 bytes for a 12-byte ping: the only pre-authentication
 * reply larger than its request, and bounded (DESIGN.md §5). */
#include "asf.h"

#include "ratelimit.h"
#include "rmcp.h"

void bmc_asf_input(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, uint8_t rmcp_seq,
		   const uint8_t *buf, size_t len)
{
	struct bmc_reader r;
	rd_init(&r, buf, len);
	uint32_t iana = rd_u32be(&r);
	uint8_t type = rd_u8(&r);
	uint8_t tag = rd_u8(&r);
	rd_skip(&r, 1);
	uint8_t dlen = rd_u8(&r);
	/* Only a ping with no data is answered; DSP0136 pings carry none. */
	if (!rd_ok(&r) || iana != ASF_IANA || type != ASF_TYPE_PING || dlen != 0) {
		bmc->stats.dropped_malformed++;
		return;
	}

	uint8_t out[28];
	struct bmc_writer w;
	wr_init(&w, out, sizeof out);
	wr_u8(&w, RMCP_VERSION);
	wr_u8(&w, 0);
	wr_u8(&w, rmcp_seq);
	wr_u8(&w, RMCP_CLASS_ASF);
	wr_u32be(&w, ASF_IANA);
	wr_u8(&w, ASF_TYPE_PONG);
	wr_u8(&w, tag);
	wr_u8(&w, 0);
	wr_u8(&w, 16);
	wr_u32be(&w, ASF_IANA); /* IANA enterprise of the OEM fields: ASF itself, none used */
	wr_u32be(&w, 0);        /* OEM defined */
	wr_u8(&w, 0x81);        /* supported entities: IPMI supported, ASF version 1.0 */
	wr_u8(&w, 0x00);        /* supported interactions: none (no RSP / DASH) */
	wr_zero(&w, 6);
	bmc_preauth_send(bmc, channel, peer, out, wr_len(&w), true);
}
