/* See msg.h. */
#include "msg.h"

#include "dispatch.h"

uint8_t bmc_ipmi_checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)-sum;
}

int bmc_msg_process(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, struct bmc_session *session,
		    uint8_t priv, const uint8_t *buf, size_t len, struct bmc_writer *out)
{
	struct bmc_reader r;
	if (len < BMC_MSG_MIN)
		return -1;
	/* Both checksums cover their part including the checksum byte: sum is zero. */
	if (bmc_ipmi_checksum(buf, 3) != 0 || bmc_ipmi_checksum(buf + 3, len - 3) != 0)
		return -1;

	rd_init(&r, buf, len);
	uint8_t rs_addr = rd_u8(&r);
	uint8_t netfn_lun = rd_u8(&r);
	rd_skip(&r, 1);
	uint8_t rq_addr = rd_u8(&r);
	uint8_t seq_lun = rd_u8(&r);
	uint8_t cmd = rd_u8(&r);
	const uint8_t *data = rd_ptr(&r, len - BMC_MSG_MIN);
	if (!rd_ok(&r))
		return -1;

	struct bmc_req req = {
		.netfn = (uint8_t)(netfn_lun >> 2),
		.cmd = cmd,
		.lun = (uint8_t)(netfn_lun & 3),
		.channel = channel,
		.priv = priv,
		.session = session,
		.data = data,
		.len = len - BMC_MSG_MIN,
		.peer = peer,
		.rq_addr = rq_addr,
		.rq_lun = (uint8_t)(seq_lun & 3),
	};
	if (req.netfn & 1)
		return -1; /* a response sent to us: nothing to answer */

	uint8_t *hdr = wr_reserve(out, 3);
	if (!hdr)
		return -1;
	hdr[0] = rq_addr;
	hdr[1] = (uint8_t)((req.netfn + 1) << 2 | (seq_lun & 3));
	hdr[2] = bmc_ipmi_checksum(hdr, 2);
	size_t body = wr_len(out);
	wr_u8(out, rs_addr);
	wr_u8(out, (uint8_t)((seq_lun & 0xFC) | req.lun));
	wr_u8(out, cmd);
	uint8_t *cc = wr_reserve(out, 1);
	if (!cc)
		return -1;
	/* Sensors live on LUNs 0, 1 and 3 (IPMI 2.0 §35): sensor commands reach dispatch on any LUN. */
	*cc = req.lun == 0 || req.netfn == NETFN_SENSOR ? bmc_dispatch(bmc, &req, out) : CC_INVALID_FOR_LUN;
	if (!wr_ok(out))
		return -1;
	wr_u8(out, bmc_ipmi_checksum(out->p + body, wr_len(out) - body));
	return wr_ok(out) ? 0 : -1;
}
