/* See lan15.h. */
#include "lan15.h"

#include "msg.h"
#include "rmcp.h"

void bmc_lan15_input(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *buf,
		     size_t len)
{
	struct bmc_reader r;
	rd_init(&r, buf, len);
	uint8_t authtype = rd_u8(&r);
	rd_skip(&r, 4); /* session sequence number */
	uint32_t sid = rd_u32le(&r);
	uint8_t mlen = rd_u8(&r);
	const uint8_t *msg = rd_ptr(&r, mlen);

	/* Session-less only: auth type none, session id 0, exact length (some clients add a
	 * legacy pad byte after the message, which is allowed and ignored). */
	if (!rd_ok(&r) || rd_left(&r) > 1 || authtype != AUTHTYPE_NONE || sid != 0) {
		bmc->stats.dropped_malformed++;
		return;
	}

	uint8_t out[4 + 10 + BMC_MAX_MSG];
	struct bmc_writer w;
	wr_init(&w, out, sizeof out);
	bmc_rmcp_header(&w, RMCP_CLASS_IPMI);
	wr_u8(&w, AUTHTYPE_NONE);
	wr_u32le(&w, 0);
	wr_u32le(&w, 0);
	uint8_t *lenp = wr_reserve(&w, 1);
	size_t start = wr_len(&w);
	if (!lenp || bmc_msg_process(bmc, channel, NULL, PRIV_NONE, msg, mlen, &w) != 0 ||
	    wr_len(&w) - start > 255) {
		bmc->stats.dropped_malformed++;
		return;
	}
	*lenp = (uint8_t)(wr_len(&w) - start);
	bmc_rmcp_send(bmc, channel, peer, out, wr_len(&w));
}
