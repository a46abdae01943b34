/* See sol.h. Packet format, IPMI 2.0 §15.9 (table 15-2): byte 1 packet sequence
 * number (1-15; 0 = an acknowledgement only), byte 2 the sequence number being
 * acknowledged (0 = none), byte 3 the accepted character count, byte 4 operation
 * (console to BMC) or status (BMC to console), then the characters. */
#include "sol.h"

#include <string.h>

#include "rmcpplus.h"
#include "session.h"
#include "solparm.h"
#include "state.h"
#include "users.h"

/* Byte 4 bits, both directions. */
#define SOL_NACK 0x40
/* console -> BMC operation */
#define SOL_OP_BREAK 0x10
#define SOL_OP_FLUSH_OUTBOUND 0x01
/* BMC -> console status */
#define SOL_ST_DEACTIVATING 0x10
#define SOL_ST_OVERRUN 0x08

/* A retry interval of 0 means "back to back"; a little time still passes so that a
 * vanished console does not make the BMC spin. */
#define MIN_RETRY_MS 10

/* Activate Payload completion codes, §24.1. */
enum {
	CC_PL_ALREADY_ACTIVE = 0x80,
	CC_PL_DISABLED = 0x81,
	CC_PL_LIMIT = 0x82,
	CC_PL_NO_ENCRYPTION_POSSIBLE = 0x83,
	CC_PL_ENCRYPTION_REQUIRED = 0x84,
};

static struct bmc_session *owner(struct bmc *bmc)
{
	struct bmc_session *s = bmc_session_find(bmc, bmc->sol.session_id);
	return s && s->state == SESS_ACTIVE ? s : NULL;
}

static void send_packet(struct bmc *bmc, uint8_t seq, uint8_t ack, uint8_t accepted, uint8_t status,
			const uint8_t *chars, size_t n)
{
	struct bmc_session *s = owner(bmc);
	uint8_t p[BMC_SOL_HEADER + BMC_SOL_MAX_CHARS];
	if (!s || n > BMC_SOL_MAX_CHARS)
		return;
	p[0] = seq;
	p[1] = ack;
	p[2] = accepted;
	p[3] = status;
	if (n)
		memcpy(p + BMC_SOL_HEADER, chars, n);
	bmc_rmcpplus_send_session(bmc, s, PAYLOAD_SOL, p, BMC_SOL_HEADER + n);
}

static uint32_t retry_interval(const struct bmc *bmc)
{
	uint32_t ms = bmc_solparm_retry_interval_ms(bmc);
	return ms < MIN_RETRY_MS ? MIN_RETRY_MS : ms;
}

/* Sends pkt as a new packet: a fresh sequence number, a full set of tries. */
static void send_new(struct bmc *bmc, uint64_t now)
{
	struct bmc_sol *sol = &bmc->sol;
	uint8_t seq = (uint8_t)(sol->last_tx_seq % 15 + 1);
	sol->last_tx_seq = seq;
	sol->tx_seq = seq;
	sol->tries_left = bmc_solparm_retry_count(bmc);
	sol->retry_ms = now + retry_interval(bmc);
	sol->last_tx_ms = now;
	sol->resent = false;
	uint8_t status = sol->pending_status;
	sol->pending_status = 0;
	send_packet(bmc, seq, 0, 0, status, sol->pkt, sol->pkt_len);
}

/* Takes up to one packet of host output into pkt. */
static void take_output(struct bmc_sol *sol, uint64_t now)
{
	size_t n = sol->out_len < BMC_SOL_MAX_CHARS ? sol->out_len : BMC_SOL_MAX_CHARS;
	for (size_t i = 0; i < n; i++)
		sol->pkt[i] = sol->out[(sol->out_head + i) % BMC_SOL_OUTBUF];
	sol->pkt_len = (uint8_t)n;
	sol->out_head = (uint16_t)((sol->out_head + n) % BMC_SOL_OUTBUF);
	sol->out_len = (uint16_t)(sol->out_len - n);
	/* What is left arrived later than what went; "now" is a fair bound for it. */
	if (sol->out_len)
		sol->first_char_ms = now;
}

/* Stop-and-wait (§15.9): one packet in flight. The next goes when the console has
 * acknowledged the last and enough output has accumulated, or the oldest character has
 * waited the accumulate interval. */
static void pump(struct bmc *bmc, uint64_t now)
{
	struct bmc_sol *sol = &bmc->sol;
	/* After a packet that had to be sent again, a copy of it may still be on its way;
	 * the next packet waits one retry interval after the last copy, so that the copy
	 * cannot arrive behind it: consoles (ipmitool, ipmiconsole) recognise only a
	 * repeat of the very last packet and would print an older one again. */
	if (!sol->active || sol->tx_seq || now < sol->quiet_until)
		return;
	if (sol->pkt_len) {
		/* the unaccepted rest of a packet the console refused (NACK) */
		if (now >= sol->retry_ms)
			send_new(bmc, now);
		return;
	}
	if (!sol->out_len)
		return;
	if (sol->out_len < bmc_solparm_send_threshold(bmc) && sol->out_len < BMC_SOL_MAX_CHARS &&
	    now < sol->first_char_ms + bmc_solparm_accumulate_ms(bmc))
		return;
	take_output(sol, now);
	send_new(bmc, now);
}

size_t bmc_sol_host_output(struct bmc *bmc, const void *buf, size_t len)
{
	struct bmc_sol *sol = &bmc->sol;
	const uint8_t *p = buf;
	if (!bmc->started || !sol->active)
		return len; /* nobody is watching: the port's history keeps it */
	size_t room = BMC_SOL_OUTBUF - sol->out_len;
	size_t n = len < room ? len : room;
	uint64_t now = bmc_now(bmc);
	if (n && !sol->out_len)
		sol->first_char_ms = now;
	for (size_t i = 0; i < n; i++)
		sol->out[(sol->out_head + sol->out_len + i) % BMC_SOL_OUTBUF] = p[i];
	sol->out_len = (uint16_t)(sol->out_len + n);
	pump(bmc, now);
	return n;
}

/* The console's acknowledgement of the packet in flight. A partial acceptance leaves
 * the rest to go again as a new packet: at once after a plain ACK, after the retry
 * interval after a NACK (the console asked for a pause). */
static void acknowledged(struct bmc *bmc, uint8_t accepted, bool nack, uint64_t now)
{
	struct bmc_sol *sol = &bmc->sol;
	size_t n = accepted < sol->pkt_len ? accepted : sol->pkt_len;
	memmove(sol->pkt, sol->pkt + n, sol->pkt_len - n);
	sol->pkt_len = (uint8_t)(sol->pkt_len - n);
	sol->tx_seq = 0;
	sol->retry_ms = nack ? now + retry_interval(bmc) : now;
	if (sol->resent)
		sol->quiet_until = sol->last_tx_ms + retry_interval(bmc);
}

void bmc_sol_input(struct bmc *bmc, struct bmc_session *s, uint32_t session_seq, const uint8_t *p, size_t len)
{
	struct bmc_sol *sol = &bmc->sol;
	struct bmc_reader r;
	if (!sol->active || s->bmc_sid != sol->session_id) {
		bmc->stats.dropped_malformed++;
		return;
	}
	rd_init(&r, p, len);
	uint8_t seq = rd_u8(&r) & 0x0F, ack = rd_u8(&r) & 0x0F, accepted = rd_u8(&r), op = rd_u8(&r);
	size_t nchars = rd_left(&r);
	const uint8_t *chars = rd_ptr(&r, nchars);
	if (!rd_ok(&r) || nchars > BMC_SOL_MAX_CHARS) {
		bmc->stats.dropped_malformed++;
		return;
	}
	uint64_t now = bmc_now(bmc);
	/* SOL sequence numbers repeat every 15 packets, so a late copy of an old ACK (the
	 * console acknowledges every copy it receives, and the network may hold one back)
	 * can carry the number of the packet now in flight. The console's session sequence
	 * numbers do not repeat: an ACK counts only if it was sent after the one that
	 * completed the previous packet. */
	if (ack && ack == sol->tx_seq && (int32_t)(session_seq - sol->ack_sseq) > 0) {
		sol->ack_sseq = session_seq;
		acknowledged(bmc, accepted, op & SOL_NACK, now);
	}
	if (seq) {
		if (sol->rx_seen && seq == sol->rx_seq) {
			/* Our acknowledgement was lost and the console sent it again: the host
			 * has these characters already. */
			sol->duplicates++;
		} else {
			int took = 0;
			if (nchars)
				took = bmc->backend.console_write
					       ? bmc->backend.console_write(bmc->backend.console_ctx, chars, nchars)
					       : -1;
			if (took < 0)
				took = 0;
			if ((op & SOL_OP_BREAK) && bmc->backend.console_break)
				(void)bmc->backend.console_break(bmc->backend.console_ctx);
			sol->rx_seen = true;
			sol->rx_seq = seq;
			sol->rx_accepted = (uint8_t)took;
			sol->rx_nack = (size_t)took < nchars;
		}
		send_packet(bmc, 0, seq, sol->rx_accepted, sol->rx_nack ? SOL_NACK : 0, NULL, 0);
	}
	if (op & SOL_OP_FLUSH_OUTBOUND) {
		sol->out_len = 0;
		if (!sol->tx_seq)
			sol->pkt_len = 0;
	}
	pump(bmc, now);
}

void bmc_sol_tick(struct bmc *bmc)
{
	struct bmc_sol *sol = &bmc->sol;
	if (!sol->active)
		return;
	uint64_t now = bmc_now(bmc);
	if (sol->tx_seq && now >= sol->retry_ms) {
		if (sol->tries_left) {
			sol->tries_left--;
			sol->retransmits++;
			sol->retry_ms = now + retry_interval(bmc);
			sol->last_tx_ms = now;
			sol->resent = true;
			send_packet(bmc, sol->tx_seq, 0, 0, 0, sol->pkt, sol->pkt_len);
		} else {
			/* §15.9: after the retries the packet is given up; the next one says
			 * characters were lost. */
			sol->dropped_packets++;
			sol->tx_seq = 0;
			sol->pkt_len = 0;
			sol->pending_status |= SOL_ST_OVERRUN;
		}
	}
	pump(bmc, now);
}

uint64_t bmc_sol_deadline(const struct bmc *bmc)
{
	const struct bmc_sol *sol = &bmc->sol;
	if (!sol->active)
		return 0;
	if (sol->tx_seq)
		return sol->retry_ms;
	uint64_t due = 0;
	if (sol->pkt_len)
		due = sol->retry_ms;
	else if (sol->out_len)
		due = sol->first_char_ms + bmc_solparm_accumulate_ms(bmc);
	return due && due < sol->quiet_until ? sol->quiet_until : due;
}

uint8_t bmc_sol_activate(struct bmc *bmc, struct bmc_session *s, uint8_t aux0)
{
	struct bmc_sol *sol = &bmc->sol;
	bool want_enc = aux0 & 0x80, want_auth = aux0 & 0x40;
	bool has_enc = s->conf_alg != CONF_ALG_NONE, has_auth = s->integ_alg != INTEG_ALG_NONE;
	if (!bmc_solparm_enabled(bmc) || !bmc->backend.console_write)
		return CC_PL_DISABLED;
	if (s->priv < bmc_solparm_privilege(bmc) || !bmc_users_payload_enabled(bmc, s->user_id, s->channel, PAYLOAD_SOL))
		return CC_INSUFFICIENT_PRIV;
	if (sol->active && owner(bmc))
		return CC_PL_ALREADY_ACTIVE;
	/* SOL packets travel with the session's own protection (§24.1): bmcd neither
	 * drops encryption or authentication inside a protected session nor can add what
	 * the session's cipher suite lacks. */
	if ((want_enc && !has_enc) || (want_auth && !has_auth))
		return CC_PL_NO_ENCRYPTION_POSSIBLE;
	if ((!want_enc && (has_enc || bmc_solparm_force_encryption(bmc))) ||
	    (!want_auth && (has_auth || bmc_solparm_force_authentication(bmc))))
		return CC_PL_ENCRYPTION_REQUIRED;
	memset(sol, 0, sizeof *sol);
	sol->active = true;
	sol->session_id = s->bmc_sid;
	sol->ack_sseq = s->in_seq_top; /* ACKs come after the Activate Payload request */
	bmc_logf(bmc, BMC_LOG_INFO, "audit: SOL activated in session %u (user %u)", s->handle, s->user_id);
	return CC_OK;
}

uint8_t bmc_sol_deactivate(struct bmc *bmc, struct bmc_session *s)
{
	struct bmc_sol *sol = &bmc->sol;
	struct bmc_session *o = owner(bmc);
	if (!sol->active || !o)
		return CC_PL_ALREADY_ACTIVE; /* 80h: payload already deactivated */
	/* Another session may end it only as an administrator (the takeover of §24.2). */
	if (o != s && s->priv < PRIV_ADMIN)
		return CC_INSUFFICIENT_PRIV;
	if (o != s)
		send_packet(bmc, 0, 0, 0, SOL_ST_DEACTIVATING, NULL, 0);
	bmc_logf(bmc, BMC_LOG_INFO, "audit: SOL deactivated (session %u) by session %u", o->handle, s->handle);
	memset(sol, 0, sizeof *sol);
	return CC_OK;
}

void bmc_sol_session_gone(struct bmc *bmc, uint32_t session_id)
{
	if (bmc->sol.active && bmc->sol.session_id == session_id)
		memset(&bmc->sol, 0, sizeof bmc->sol);
}
