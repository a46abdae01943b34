/* See ipmb.h. */
#include "ipmb.h"

#include <string.h>

#include "channels.h"
#include "dispatch.h"
#include "lan15.h"
#include "msg.h"
#include "rmcpplus.h"
#include "session.h"
#include "state.h"

bool bmc_ipmb_present(const struct bmc *bmc)
{
	return bmc->plat.ipmb_send != NULL;
}

static bool checksums_ok(const uint8_t *f, size_t len)
{
	return bmc_ipmi_checksum(f, 3) == 0 && bmc_ipmi_checksum(f + 3, len - 3) == 0;
}

static int bus_send(struct bmc *bmc, uint8_t channel, const uint8_t *frame, size_t len)
{
	if (!bmc->plat.ipmb_send)
		return -2;
	bmc->stats.tx++;
	return bmc->plat.ipmb_send(bmc->plat.ctx, channel, frame, len);
}

/* Writes an IPMB frame: header, checksum, second part, checksum. */
static size_t build_frame(uint8_t *out, size_t cap, uint8_t dst, uint8_t netfn_lun, uint8_t src, uint8_t seq_lun,
			  uint8_t cmd, const uint8_t *data, size_t len)
{
	struct bmc_writer w;
	wr_init(&w, out, cap);
	wr_u8(&w, dst);
	wr_u8(&w, netfn_lun);
	wr_u8(&w, bmc_ipmi_checksum(out, 2));
	wr_u8(&w, src);
	wr_u8(&w, seq_lun);
	wr_u8(&w, cmd);
	wr_bytes(&w, data, len);
	if (!wr_ok(&w))
		return 0;
	wr_u8(&w, bmc_ipmi_checksum(out + 3, wr_len(&w) - 3));
	return wr_ok(&w) ? wr_len(&w) : 0;
}

static uint8_t next_seq(struct bmc *bmc)
{
	uint8_t s = bmc->ipmb.next_seq;
	bmc->ipmb.next_seq = (uint8_t)((s + 1) & 0x3F);
	return s;
}

int bmc_ipmb_request(struct bmc *bmc, uint8_t channel, uint8_t rs_addr, uint8_t netfn, uint8_t rs_lun,
		     uint8_t rq_lun, uint8_t cmd, const uint8_t *data, size_t len)
{
	uint8_t f[BMC_IPMB_MAX_FRAME];
	size_t n = build_frame(f, sizeof f, rs_addr, (uint8_t)(netfn << 2 | (rs_lun & 3)), bmc->cfg.slave_addr,
			       (uint8_t)(next_seq(bmc) << 2 | (rq_lun & 3)), cmd, data, len);
	if (!n)
		return -1;
	return bus_send(bmc, channel, f, n) == 0 ? 0 : -1;
}

static void rx_push(struct bmc *bmc, uint8_t channel_byte, const uint8_t *data, size_t len)
{
	struct bmc_ipmb *ib = &bmc->ipmb;
	if (ib->rx_count == BMC_IPMB_RXQ || len > BMC_IPMB_MAX_FRAME) {
		ib->dropped++;
		return;
	}
	struct bmc_ipmb_rxmsg *m = &ib->rxq[(ib->rx_head + ib->rx_count) % BMC_IPMB_RXQ];
	m->channel = channel_byte;
	m->len = (uint8_t)len;
	memcpy(m->data, data, len);
	ib->rx_count++;
}

bool bmc_ipmb_rx_waiting(const struct bmc *bmc)
{
	return bmc->ipmb.rx_count != 0;
}

size_t bmc_ipmb_rx_pop(struct bmc *bmc, uint8_t *channel_byte, uint8_t *out, size_t cap)
{
	struct bmc_ipmb *ib = &bmc->ipmb;
	if (!ib->rx_count)
		return 0;
	const struct bmc_ipmb_rxmsg *m = &ib->rxq[ib->rx_head];
	size_t n = m->len <= cap ? m->len : cap;
	*channel_byte = m->channel;
	memcpy(out, m->data, n);
	ib->rx_head = (uint8_t)((ib->rx_head + 1) % BMC_IPMB_RXQ);
	ib->rx_count--;
	return n;
}

/* A tracked response goes back to the console as the response to the request it
 * embedded (§6.12.3): its requester address and sequence number restored, the
 * responder's address and LUN kept. Only a session that is still the one that asked
 * gets it. */
static void deliver(struct bmc *bmc, const struct bmc_ipmb_pending *p, const uint8_t *f, size_t len)
{
	struct bmc_session *s = bmc_session_find(bmc, p->session_id);
	if (!s || s->state != SESS_ACTIVE) {
		bmc->ipmb.dropped++;
		return;
	}
	uint8_t msg[BMC_IPMB_MAX_FRAME];
	size_t n = build_frame(msg, sizeof msg, p->orig_rq_addr, (uint8_t)((f[1] & 0xFC) | (p->orig_seq_lun & 3)), f[3],
			       (uint8_t)((p->orig_seq_lun & 0xFC) | (f[4] & 3)), f[5], f + 6, len - 7);
	if (!n)
		return;
	if (s->v15)
		bmc_lan15_send_session(bmc, s, msg, n);
	else
		bmc_rmcpplus_send_session(bmc, s, PAYLOAD_IPMI, msg, n);
}

static void response_in(struct bmc *bmc, uint8_t channel, const uint8_t *f, size_t len)
{
	struct bmc_ipmb *ib = &bmc->ipmb;
	uint8_t netfn = (uint8_t)((f[1] >> 2) - 1), seq = (uint8_t)(f[4] >> 2);
	for (unsigned i = 0; i < BMC_IPMB_PENDING; i++) {
		struct bmc_ipmb_pending *p = &ib->pend[i];
		if (!p->used || p->channel != channel || p->rs_addr != f[3] || p->seq != seq || p->netfn != netfn ||
		    p->cmd != f[5])
			continue;
		p->used = false;
		deliver(bmc, p, f, len);
		return;
	}
	/* The receiver's answer to an event this controller sent: nothing waits for it. */
	if (netfn == NETFN_SENSOR && f[5] == 0x02)
		return;
	/* Not a tracked request of ours: a response to a message sent without tracking,
	 * for whoever reads the Receive Message Queue. The slave address byte (ours) is
	 * left out, as Get Message expects (§22.6). */
	rx_push(bmc, (uint8_t)(channel & 0x0F), f + 1, len - 1);
}

/* A request for this controller: the same dispatch as every channel, at the IPMB
 * channel's privilege limit (the bus has no sessions, §6.12), answered on the bus. */
static void request_in(struct bmc *bmc, uint8_t channel, const uint8_t *f, size_t len)
{
	uint8_t rsp[BMC_IPMB_MAX_FRAME + 16];
	struct bmc_writer w;
	struct bmc_peer none;
	memset(&none, 0, sizeof none);
	wr_init(&w, rsp, sizeof rsp);
	if (bmc_msg_process(bmc, channel, &none, NULL, bmc_channel_priv_limit(bmc, channel), f, len, &w) != 0) {
		bmc->ipmb.dropped++;
		return;
	}
	/* An answer longer than the bus carries is replaced by "can't return that many
	 * bytes" (§5.2, CAh) rather than truncated. */
	if (wr_len(&w) > BMC_IPMB_MAX_FRAME) {
		uint8_t cc = CC_CANT_RETURN_BYTES, short_rsp[BMC_MSG_MIN + 1];
		size_t n = build_frame(short_rsp, sizeof short_rsp, f[3], (uint8_t)((((f[1] >> 2) + 1) << 2) | (f[4] & 3)),
				       f[0], (uint8_t)((f[4] & 0xFC) | (f[1] & 3)), f[5], &cc, 1);
		if (n)
			(void)bus_send(bmc, channel, short_rsp, n);
		return;
	}
	(void)bus_send(bmc, channel, rsp, wr_len(&w));
}

void bmc_ipmb_input(struct bmc *bmc, uint8_t channel, const uint8_t *frame, size_t len)
{
	/* Misaddressed, out of size or with a bad checksum: IPMB v1.0 §4 says drop. */
	if (len < BMC_IPMB_MIN_FRAME || len > BMC_IPMB_MAX_FRAME || frame[0] != bmc->cfg.slave_addr ||
	    !checksums_ok(frame, len) || !bmc_channel_enabled(bmc, channel)) {
		bmc->ipmb.dropped++;
		bmc->stats.dropped_malformed++;
		return;
	}
	if ((frame[1] >> 2) & 1)
		response_in(bmc, channel, frame, len);
	else
		request_in(bmc, channel, frame, len);
}

void bmc_ipmb_tick(struct bmc *bmc)
{
	uint64_t now = bmc_now(bmc);
	for (unsigned i = 0; i < BMC_IPMB_PENDING; i++)
		if (bmc->ipmb.pend[i].used && now >= bmc->ipmb.pend[i].expires_ms)
			bmc->ipmb.pend[i].used = false;
}

void bmc_ipmb_session_gone(struct bmc *bmc, uint32_t session_id)
{
	for (unsigned i = 0; i < BMC_IPMB_PENDING; i++)
		if (bmc->ipmb.pend[i].session_id == session_id)
			bmc->ipmb.pend[i].used = false;
}

/* The privilege the embedded command needs: what this BMC's own table says for a
 * standard command, ADMINISTRATOR for anything it does not know (OEM, group
 * extensions). Deviation (README): the spec lets Send Message at USER carry any
 * command, which would let a USER session set thresholds or reset a satellite
 * controller that trusts the bus. */
static uint8_t bridged_priv(uint8_t netfn, uint8_t cmd)
{
	const struct bmc_cmd *c = bmc_dispatch_find(netfn, cmd);
	return c ? (c->min_priv > PRIV_USER ? c->min_priv : PRIV_USER) : PRIV_ADMIN;
}

uint8_t bmc_ipmb_bridge(struct bmc *bmc, const struct bmc_req *req, uint8_t channel, bool track, const uint8_t *msg,
			size_t len)
{
	struct bmc_ipmb *ib = &bmc->ipmb;
	if (len < BMC_IPMB_MIN_FRAME || len > BMC_IPMB_MAX_FRAME || !checksums_ok(msg, len))
		return CC_INVALID_FIELD;
	uint8_t netfn = (uint8_t)(msg[1] >> 2), cmd = msg[5];
	if (netfn & 1)
		return CC_INVALID_FIELD; /* bridging responses onto the bus is not offered */
	if (req->priv < bridged_priv(netfn, cmd))
		return CC_INSUFFICIENT_PRIV;
	if (!track) {
		/* No tracking (§22.7): the frame goes out exactly as built; its response, if
		 * addressed to us, lands in the Receive Message Queue. */
		int rc = bus_send(bmc, channel, msg, len);
		return rc == 0 ? CC_OK : rc == -1 ? 0x83 : 0x82;
	}
	if (!req->session)
		return CC_INVALID_FIELD; /* tracking needs somewhere to send the answer */
	unsigned mine = 0, slot = BMC_IPMB_PENDING;
	uint64_t now = bmc_now(bmc);
	for (unsigned i = 0; i < BMC_IPMB_PENDING; i++) {
		struct bmc_ipmb_pending *p = &ib->pend[i];
		if (p->used && now >= p->expires_ms)
			p->used = false;
		if (p->used && p->session_id == req->session->bmc_sid)
			mine++;
		else if (!p->used && slot == BMC_IPMB_PENDING)
			slot = i;
	}
	if (slot == BMC_IPMB_PENDING || mine >= BMC_IPMB_PENDING_PER_SESSION)
		return CC_NODE_BUSY;

	uint8_t f[BMC_IPMB_MAX_FRAME];
	uint8_t seq = next_seq(bmc);
	size_t n = build_frame(f, sizeof f, msg[0], msg[1], bmc->cfg.slave_addr, (uint8_t)(seq << 2 | (msg[4] & 3)),
			       cmd, msg + 6, len - 7);
	if (!n)
		return CC_INVALID_FIELD;
	struct bmc_ipmb_pending *p = &ib->pend[slot];
	*p = (struct bmc_ipmb_pending){
		.used = true,
		.channel = channel,
		.rs_addr = msg[0],
		.netfn = netfn,
		.cmd = cmd,
		.seq = seq,
		.session_id = req->session->bmc_sid,
		.orig_rq_addr = msg[3],
		.orig_seq_lun = msg[4],
		.expires_ms = now + BMC_IPMB_EXPIRY_MS,
	};
	int rc = bus_send(bmc, channel, f, n);
	if (rc != 0) {
		p->used = false;
		/* §22.7 completion codes: 82h bus error, 83h NAK on write. */
		return rc == -1 ? 0x83 : 0x82;
	}
	return CC_OK;
}
