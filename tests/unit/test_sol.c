/* Serial over LAN, IPMI 2.0 §15 and §24: payload activation rules and the SOL data
 * path (accumulation, sequence numbers, retries, partial ACK, NACK, duplicates, break,
 * flow control), driven through a real RMCP+ session of the test console. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_backend.h"
#include "fake_platform.h"
#include "lanplus_client.h"
#include "sol.h"
#include "solparm.h"
#include "state.h"

static struct fake_platform fp;
static struct fake_backend fb;
static struct bmc_backend be;
static struct bmc *bmc;
static struct lc con;

static uint8_t cmd(struct lc *c, uint8_t command, const uint8_t *data, size_t len, uint8_t *rsp, size_t *rl)
{
	uint8_t cc = 0xFF, buf[64];
	size_t n;
	assert_int_equal(lc_cmd(c, NETFN_APP, command, data, len, &cc, rsp ? rsp : buf, rl ? rl : &n), 0);
	return cc;
}

static uint8_t activate(struct lc *c, uint8_t aux0)
{
	const uint8_t req[6] = {0x01, 0x01, aux0, 0, 0, 0};
	uint8_t rsp[32];
	size_t rl;
	uint8_t cc = cmd(c, 0x48, req, sizeof req, rsp, &rl);
	if (cc == 0) {
		assert_int_equal(rl, 12);
		assert_int_equal(rsp[4] | rsp[5] << 8, BMC_SOL_HEADER + BMC_SOL_MAX_CHARS);
		assert_int_equal(rsp[8] | rsp[9] << 8, 623);
		assert_int_equal(rsp[10] | rsp[11] << 8, 0xFFFF);
	}
	return cc;
}

static int setup(void **state)
{
	(void)state;
	fake_backend_init(&fb, &be);
	bmc = fake_bmc_new_with(&fp, NULL, &be, true);
	lc_init(&con, bmc, &fp, 17, "admin", "password");
	assert_int_equal(lc_login(&con, PRIV_ADMIN), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(bmc);
	return 0;
}

/* The newest packet the BMC sent, decrypted: SOL header + characters. */
static size_t last_sol(uint8_t *out)
{
	size_t n, ml;
	const uint8_t *p = fake_last_sent(&fp, &n);
	assert_non_null(p);
	assert_int_equal(p[5] & 0x3F, PAYLOAD_SOL);
	assert_int_equal(lc_unwrap(&con, p, n, out, &ml), 0);
	return ml;
}

/* Sends a SOL packet from the console. */
static void console_packet(uint8_t seq, uint8_t ack, uint8_t accepted, uint8_t op, const char *chars)
{
	uint8_t p[BMC_SOL_HEADER + BMC_SOL_MAX_CHARS], pkt[512];
	size_t n = strlen(chars), rl;
	p[0] = seq;
	p[1] = ack;
	p[2] = accepted;
	p[3] = op;
	memcpy(p + BMC_SOL_HEADER, chars, n);
	size_t len = lc_wrap_payload(&con, PAYLOAD_SOL, p, BMC_SOL_HEADER + n, pkt, sizeof pkt);
	lc_xfer(&con, pkt, len, &rl);
}

static void advance(uint64_t ms)
{
	fp.now_ms += ms;
	bmc_tick(bmc);
}

static void test_activation_rules(void **state)
{
	(void)state;
	uint8_t rsp[16];
	size_t rl;
	/* SOL travels with the session's protection: asking for less is refused. */
	assert_int_equal(activate(&con, 0x40), 0x84);
	assert_int_equal(activate(&con, 0x00), 0x84);
	assert_int_equal(activate(&con, 0xC0), 0);
	/* Status: capacity 1, instance 1 active; instance info names our session. */
	assert_int_equal(cmd(&con, 0x4A, (const uint8_t[]){0x01}, 1, rsp, &rl), 0);
	assert_int_equal(rsp[0], 1);
	assert_int_equal(rsp[1], 1);
	assert_int_equal(cmd(&con, 0x4B, (const uint8_t[]){0x01, 0x01}, 2, rsp, &rl), 0);
	assert_int_equal(rl, 12);
	assert_int_equal((uint32_t)rsp[0] | (uint32_t)rsp[1] << 8 | (uint32_t)rsp[2] << 16 | (uint32_t)rsp[3] << 24, con.bsid);
	/* Only SOL instance 1 exists. */
	assert_int_equal(cmd(&con, 0x48, (const uint8_t[]){0x01, 0x02, 0xC0, 0, 0, 0}, 6, NULL, NULL), CC_INVALID_FIELD);
	assert_int_equal(cmd(&con, 0x48, (const uint8_t[]){0x02, 0x01, 0xC0, 0, 0, 0}, 6, NULL, NULL), CC_INVALID_FIELD);

	/* A second console: "already active"; as a USER it may not end ours. */
	struct lc other;
	lc_init(&other, bmc, &fp, 17, "admin", "password");
	other.peer.port = (uint16_t)(con.peer.port + 1);
	assert_int_equal(lc_login(&other, PRIV_USER), 0);
	assert_int_equal(activate(&other, 0xC0), 0x80);
	const uint8_t deact[6] = {0x01, 0x01, 0, 0, 0, 0};
	assert_int_equal(cmd(&other, 0x49, deact, 6, NULL, NULL), CC_INSUFFICIENT_PRIV);
	/* Suspending encryption is refused while it is forced; resuming is a no-op. */
	assert_int_equal(cmd(&con, 0x55, (const uint8_t[]){0x01, 0x01, 0x00}, 3, NULL, NULL), 0x81);
	assert_int_equal(cmd(&con, 0x55, (const uint8_t[]){0x01, 0x01, 0x01}, 3, NULL, NULL), 0);
	assert_int_equal(cmd(&other, 0x55, (const uint8_t[]){0x01, 0x01, 0x01}, 3, NULL, NULL), 0x83);
	/* The owner ends it; a second deactivation says "already deactivated". */
	assert_int_equal(cmd(&con, 0x49, deact, 6, NULL, NULL), 0);
	assert_int_equal(cmd(&con, 0x49, deact, 6, NULL, NULL), 0x80);
	assert_int_equal(activate(&other, 0xC0), 0);
	/* Closing the session frees the instance. */
	uint8_t sid[4] = {(uint8_t)other.bsid, (uint8_t)(other.bsid >> 8), (uint8_t)(other.bsid >> 16),
			  (uint8_t)(other.bsid >> 24)};
	assert_int_equal(cmd(&other, 0x3C, sid, 4, NULL, NULL), 0);
	assert_int_equal(cmd(&con, 0x4A, (const uint8_t[]){0x01}, 1, rsp, &rl), 0);
	assert_int_equal(rsp[1], 0);
}

static void test_disabled_and_privilege(void **state)
{
	(void)state;
	/* SOL parameter 1 (enable) off: "payload type disabled". */
	assert_int_equal(bmc_solparm_set(bmc, 1, (const uint8_t[]){0x00}, 1), 0);
	assert_int_equal(activate(&con, 0xC0), 0x81);
	assert_int_equal(bmc_solparm_set(bmc, 1, (const uint8_t[]){0x01}, 1), 0);
	/* Parameter 2: ADMINISTRATOR needed; an OPERATOR session may not. */
	assert_int_equal(bmc_solparm_set(bmc, 2, (const uint8_t[]){0xC4}, 1), 0);
	struct lc op;
	lc_init(&op, bmc, &fp, 17, "admin", "password");
	op.peer.port = (uint16_t)(con.peer.port + 2);
	assert_int_equal(lc_login(&op, PRIV_OPERATOR), 0);
	assert_int_equal(activate(&op, 0xC0), CC_INSUFFICIENT_PRIV);
	assert_int_equal(activate(&con, 0xC0), 0);
	/* Without a console there is nothing to activate. */
	assert_int_equal(cmd(&con, 0x49, (const uint8_t[]){1, 1, 0, 0, 0, 0}, 6, NULL, NULL), 0);
	bmc->backend.console_write = NULL;
	assert_int_equal(activate(&con, 0xC0), 0x81);
}

static void test_output_accumulates_retries_and_gives_up(void **state)
{
	(void)state;
	uint8_t p[256];
	/* Nobody watching: output is taken and dropped. */
	assert_int_equal(bmc_sol_host_output(bmc, "zz", 2), 2);
	assert_int_equal(activate(&con, 0xC0), 0);
	unsigned sent = fp.sent_count;
	assert_int_equal(bmc_sol_host_output(bmc, "abc", 3), 3);
	/* Below the send threshold (96): held for the accumulate interval (60 ms). */
	assert_int_equal(fp.sent_count, sent);
	assert_int_equal(bmc_next_deadline(bmc), fp.now_ms + 60);
	advance(59);
	assert_int_equal(fp.sent_count, sent);
	advance(1);
	assert_int_equal(fp.sent_count, sent + 1);
	size_t n = last_sol(p);
	assert_int_equal(n, 7);
	uint8_t seq = p[0];
	assert_true(seq >= 1 && seq <= 15);
	assert_memory_equal(p + 4, "abc", 3);
	/* No ACK: the same packet again every 100 ms, 7 times, then given up. */
	for (int i = 0; i < 7; i++) {
		advance(100);
		n = last_sol(p);
		assert_int_equal(p[0], seq);
		assert_memory_equal(p + 4, "abc", 3);
	}
	sent = fp.sent_count;
	advance(100);
	assert_int_equal(fp.sent_count, sent);
	assert_int_equal(bmc->sol.dropped_packets, 1);
	/* The next packet says characters were lost (overrun). */
	bmc_sol_host_output(bmc, "d", 1);
	advance(60);
	n = last_sol(p);
	assert_int_not_equal(p[0], seq);
	assert_int_equal(p[3] & 0x08, 0x08);
}

static void test_ack_partial_ack_and_nack(void **state)
{
	(void)state;
	uint8_t p[256];
	char big[150];
	memset(big, 'x', sizeof big);
	assert_int_equal(activate(&con, 0xC0), 0);
	/* At the threshold a packet goes at once. */
	assert_int_equal(bmc_sol_host_output(bmc, big, sizeof big), sizeof big);
	size_t n = last_sol(p);
	assert_int_equal(n, 4 + sizeof big);
	uint8_t seq = p[0];
	/* The console took 100 of 150: the other 50 go at once as a new packet. */
	unsigned sent = fp.sent_count;
	console_packet(0, seq, 100, 0, "");
	assert_int_equal(fp.sent_count, sent + 1);
	n = last_sol(p);
	assert_int_equal(n, 4 + 50);
	assert_int_not_equal(p[0], seq);
	seq = p[0];
	/* A NACK with nothing accepted: the console wants a pause; the rest waits for the
	 * retry interval. */
	sent = fp.sent_count;
	console_packet(0, seq, 0, 0x40, "");
	assert_int_equal(fp.sent_count, sent);
	advance(100);
	assert_int_equal(fp.sent_count, sent + 1);
	n = last_sol(p);
	assert_int_equal(n, 4 + 50);
	/* A full ACK ends it: nothing more goes out. */
	console_packet(0, p[0], 50, 0, "");
	sent = fp.sent_count;
	advance(1000);
	assert_int_equal(fp.sent_count, sent);
	assert_int_equal(bmc_next_deadline(bmc), 0);
}

static void test_quiet_after_retransmission(void **state)
{
	(void)state;
	uint8_t p[256];
	char big[100];
	memset(big, 'q', sizeof big);
	assert_int_equal(activate(&con, 0xC0), 0);
	bmc_sol_host_output(bmc, big, sizeof big);
	last_sol(p);
	uint8_t seq = p[0];
	advance(100); /* no ACK yet: sent again at t+100 */
	last_sol(p);
	assert_int_equal(p[0], seq);
	/* The ACK (of the first copy) comes 10 ms after the second copy left. New output
	 * waits until one retry interval after that copy, then goes. */
	advance(10);
	console_packet(0, seq, sizeof big, 0, "");
	unsigned sent = fp.sent_count;
	bmc_sol_host_output(bmc, big, sizeof big);
	assert_int_equal(fp.sent_count, sent);
	assert_int_equal(bmc_next_deadline(bmc), fp.now_ms + 90);
	advance(89);
	assert_int_equal(fp.sent_count, sent);
	advance(1);
	assert_int_equal(fp.sent_count, sent + 1);
	last_sol(p);
	assert_int_not_equal(p[0], seq);
}

static void test_console_input_duplicates_and_break(void **state)
{
	(void)state;
	uint8_t p[256];
	assert_int_equal(activate(&con, 0xC0), 0);
	console_packet(1, 0, 0, 0, "ls\r");
	assert_int_equal(fb.console_len, 3);
	assert_memory_equal(fb.console, "ls\r", 3);
	size_t n = last_sol(p);
	assert_int_equal(n, 4);
	assert_int_equal(p[0], 0); /* an acknowledgement only */
	assert_int_equal(p[1], 1);
	assert_int_equal(p[2], 3);
	assert_int_equal(p[3], 0);
	/* The same packet again (our ACK was lost): acknowledged, not typed twice. */
	console_packet(1, 0, 0, 0, "ls\r");
	assert_int_equal(fb.console_len, 3);
	last_sol(p);
	assert_int_equal(p[1], 1);
	assert_int_equal(p[2], 3);
	/* The host takes one character: ACK of 1 with NACK. */
	fb.console_take = 1;
	console_packet(2, 0, 0, 0, "pq");
	assert_int_equal(fb.console_len, 4);
	last_sol(p);
	assert_int_equal(p[1], 2);
	assert_int_equal(p[2], 1);
	assert_int_equal(p[3] & 0x40, 0x40);
	/* Break: generate BREAK operation. */
	console_packet(3, 0, 0, 0x10, "");
	assert_int_equal(fb.breaks, 1);
	/* A SOL packet from a session without the payload is dropped. */
	struct lc other;
	lc_init(&other, bmc, &fp, 17, "admin", "password");
	other.peer.port = (uint16_t)(con.peer.port + 3);
	assert_int_equal(lc_login(&other, PRIV_ADMIN), 0);
	uint8_t raw[8] = {4, 0, 0, 0, 'x'}, pkt[512];
	size_t rl, len = lc_wrap_payload(&other, PAYLOAD_SOL, raw, 5, pkt, sizeof pkt);
	assert_null(lc_xfer(&other, pkt, len, &rl));
	assert_int_equal(fb.console_len, 4);
}

static void test_flow_control(void **state)
{
	(void)state;
	static uint8_t lots[BMC_SOL_OUTBUF + 500];
	memset(lots, 'y', sizeof lots);
	assert_int_equal(activate(&con, 0xC0), 0);
	/* The buffer takes BMC_SOL_OUTBUF; a packet's worth of it leaves at once, which
	 * makes room for that much more, and then the port has to wait. */
	assert_int_equal(bmc_sol_host_output(bmc, lots, sizeof lots), BMC_SOL_OUTBUF);
	assert_int_equal(bmc_sol_host_output(bmc, lots, sizeof lots), BMC_SOL_MAX_CHARS);
	assert_int_equal(bmc_sol_host_output(bmc, lots, 10), 0);
	/* Each ACK sends the next packet and so makes room for a packet's worth. */
	uint8_t p[256];
	last_sol(p);
	console_packet(0, p[0], BMC_SOL_MAX_CHARS, 0, "");
	assert_int_equal(bmc_sol_host_output(bmc, lots, sizeof lots), BMC_SOL_MAX_CHARS);
	assert_int_equal(bmc_sol_host_output(bmc, lots, 10), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_activation_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled_and_privilege, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_accumulates_retries_and_gives_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_partial_ack_and_nack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quiet_after_retransmission, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_input_duplicates_and_break, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_control, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
