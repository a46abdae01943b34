/* Serial channel 2 framers, IPMI 2.0 §14.4 (Basic Mode) and §14.7 (Terminal Mode),
 * through bmc_serial_input: any chunking, escapes, bad checksums, overlong messages,
 * garbage between messages, mode pinning, privilege, the channel's access settings,
 * [SYS PWD] sessions and their inactivity timeout. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "channels.h"
#include "dispatch.h"
#include "fake_platform.h"
#include "msg.h"
#include "users.h"

struct t {
	struct fake_platform fp;
	struct bmc *bmc;
	uint8_t out[4096];
	size_t out_len;
};

static struct t *new_t(uint8_t mode, uint8_t priv)
{
	struct t *t = calloc(1, sizeof *t);
	struct bmc_config cfg;
	assert_non_null(t);
	bmc_config_defaults(&cfg);
	cfg.serial_enabled = true;
	cfg.serial_mode = mode;
	cfg.serial_priv = priv;
	cfg.serial_baud = 115200;
	t->fp.quiet = true;
	t->bmc = fake_bmc_new(&t->fp, &cfg, true);
	t->fp.quiet = true;
	return t;
}

static int setup_auto(void **state)
{
	*state = new_t(BMC_SERIAL_AUTO, PRIV_ADMIN);
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;
	free(t->bmc);
	free(t);
	return 0;
}

/* Feeds bytes in chunks of `chunk` (0: all at once) and collects every byte sent. */
static void feed(struct t *t, const void *p, size_t n, size_t chunk)
{
	const uint8_t *b = p;
	t->out_len = 0;
	while (n > 0) {
		size_t k = chunk && chunk < n ? chunk : n;
		unsigned before = t->fp.sent_count;
		bmc_serial_input(t->bmc, b, k);
		assert_true(t->fp.sent_count - before <= FAKE_MAX_SENT);
		for (unsigned i = before; i < t->fp.sent_count; i++) {
			unsigned slot = i % FAKE_MAX_SENT;
			assert_true(t->out_len + t->fp.sent_len[slot] <= sizeof t->out);
			memcpy(t->out + t->out_len, t->fp.sent[slot], t->fp.sent_len[slot]);
			t->out_len += t->fp.sent_len[slot];
		}
		b += k;
		n -= k;
	}
}

static void feed_str(struct t *t, const char *s, size_t chunk)
{
	feed(t, s, strlen(s), chunk);
}

/* ---- Basic Mode ---- */

/* An IPMB-format request from the remote console (rqAddr 81h) to the BMC (20h). */
static size_t ipmb_req(uint8_t *m, uint8_t netfn, uint8_t seq, uint8_t cmd, const uint8_t *data, size_t n)
{
	m[0] = BMC_SA;
	m[1] = (uint8_t)(netfn << 2);
	m[2] = bmc_ipmi_checksum(m, 2);
	m[3] = REMOTE_SWID;
	m[4] = (uint8_t)(seq << 2);
	m[5] = cmd;
	if (n)
		memcpy(m + 6, data, n);
	m[6 + n] = bmc_ipmi_checksum(m + 3, 3 + n);
	return 7 + n;
}

/* Frames m as a Basic Mode packet: A0h, escaped bytes, A5h. */
static size_t basic_frame(uint8_t *out, const uint8_t *m, size_t n)
{
	size_t k = 0;
	out[k++] = 0xA0;
	for (size_t i = 0; i < n; i++) {
		switch (m[i]) {
		case 0xA0:
		case 0xA5:
		case 0xA6:
		case 0xAA:
			out[k++] = 0xAA;
			out[k++] = (uint8_t)(m[i] + 0x10);
			break;
		case 0x1B:
			out[k++] = 0xAA;
			out[k++] = 0x3B;
			break;
		default:
			out[k++] = m[i];
		}
	}
	out[k++] = 0xA5;
	return k;
}

/* Unframes the first Basic Mode packet in t->out. Returns its length, 0 if none. The
 * output must end with the handshake character. */
static size_t basic_reply(struct t *t, uint8_t *m)
{
	size_t i = 0, k = 0;
	while (i < t->out_len && t->out[i] != 0xA0)
		i++;
	if (i == t->out_len)
		return 0;
	for (i++; i < t->out_len && t->out[i] != 0xA5; i++) {
		if (t->out[i] == 0xAA) {
			uint8_t e = t->out[++i];
			m[k++] = e == 0x3B ? 0x1B : (uint8_t)(e - 0x10);
		} else {
			m[k++] = t->out[i];
		}
	}
	assert_int_equal(t->out[t->out_len - 1], 0xA6);
	return k;
}

static void basic_get_device_id(struct t *t, size_t chunk)
{
	uint8_t m[16], f[40], r[BMC_MAX_MSG];
	size_t n = basic_frame(f, m, ipmb_req(m, NETFN_APP, 5, CMD_GET_DEVICE_ID, NULL, 0));
	feed(t, f, n, chunk);
	size_t rl = basic_reply(t, r);
	assert_int_equal(rl, 8 + 15);
	assert_int_equal(r[0], REMOTE_SWID);
	assert_int_equal(r[1], (NETFN_APP + 1) << 2);
	assert_int_equal(bmc_ipmi_checksum(r, 3), 0);
	assert_int_equal(r[3], BMC_SA);
	assert_int_equal(r[4], 5 << 2);
	assert_int_equal(r[5], CMD_GET_DEVICE_ID);
	assert_int_equal(r[6], CC_OK);
	assert_int_equal(r[7], 0x20); /* device id */
	assert_int_equal(bmc_ipmi_checksum(r + 3, rl - 3), 0);
}

static void test_basic_any_chunking(void **state)
{
	for (size_t chunk = 0; chunk <= 9; chunk++)
		basic_get_device_id(*state, chunk);
}

/* Every special character inside a message is escaped both ways: a request whose
 * sequence number makes the rqSeq byte A0h and whose data holds each other special
 * byte (Get LAN Configuration Parameters: the bytes are an invalid channel, so the
 * answer is CCh, with the same rqSeq). */
static void test_basic_escapes(void **state)
{
	struct t *t = *state;
	uint8_t m[32], f[80], r[BMC_MAX_MSG];
	/* seq 0x28 -> rqSeq byte A0h; the data carries A5h, A6h, AAh and 1Bh. */
	const uint8_t data[4] = {0xA5, 0xA6, 0xAA, 0x1B};
	size_t n = ipmb_req(m, NETFN_TRANSPORT, 0x28, CMD_GET_LAN_CONFIG, data, 4);
	size_t fl = basic_frame(f, m, n);
	assert_true(fl > n + 2 + 4);
	feed(t, f, fl, 1);
	size_t rl = basic_reply(t, r);
	assert_int_equal(rl, 8);
	assert_int_equal(r[4], 0xA0);         /* the escaped sequence number came back */
	assert_int_equal(r[6], CC_INVALID_FIELD); /* channel A5h does not exist */
	/* The reply's A0h was escaped on the wire. */
	assert_non_null(memchr(t->out + 1, 0xAA, t->out_len - 1));
}

static void test_basic_bad_checksum_dropped(void **state)
{
	struct t *t = *state;
	uint8_t m[16], f[40];
	struct bmc_stats st0, st1;
	size_t n = ipmb_req(m, NETFN_APP, 1, CMD_GET_DEVICE_ID, NULL, 0);
	m[n - 1] ^= 1;
	bmc_get_stats(t->bmc, &st0);
	feed(t, f, basic_frame(f, m, n), 0);
	bmc_get_stats(t->bmc, &st1);
	/* IPMB rules: no answer, only the handshake. */
	assert_int_equal(t->out_len, 1);
	assert_int_equal(t->out[0], 0xA6);
	assert_int_equal(st1.dropped_malformed, st0.dropped_malformed + 1);
	m[n - 1] ^= 1;
	m[2] ^= 1; /* header checksum */
	feed(t, f, basic_frame(f, m, n), 0);
	assert_int_equal(t->out_len, 1);
}

static void test_basic_bad_escape_and_raw_esc(void **state)
{
	struct t *t = *state;
	uint8_t m[16], f[40];
	size_t fl = basic_frame(f, m, ipmb_req(m, NETFN_APP, 1, CMD_GET_DEVICE_ID, NULL, 0));
	/* AAh followed by a byte that encodes nothing: the packet is dropped, silently. */
	uint8_t bad[] = {0xA0, 0x20, 0xAA, 0x11, 0x18, 0xA5};
	feed(t, bad, sizeof bad, 0);
	assert_int_equal(t->out_len, 0);
	/* An unescaped ESC inside a packet. */
	uint8_t esc[] = {0xA0, 0x20, 0x1B, 0x18, 0xA5};
	feed(t, esc, sizeof esc, 0);
	assert_int_equal(t->out_len, 0);
	/* The framer recovers at the next start character. */
	feed(t, f, fl, 0);
	assert_true(t->out_len > 10);
}

static void test_basic_overlong_dropped(void **state)
{
	struct t *t = *state;
	uint8_t big[BMC_SERIAL_BASIC_MAX + 10];
	memset(big, 0x11, sizeof big);
	big[0] = 0xA0;
	big[sizeof big - 1] = 0xA5;
	feed(t, big, sizeof big, 7);
	assert_int_equal(t->out_len, 0);
	basic_get_device_id(t, 3);
}

static void test_basic_garbage_between_frames(void **state)
{
	struct t *t = *state;
	uint8_t m[16], f[40], buf[200];
	size_t fl = basic_frame(f, m, ipmb_req(m, NETFN_APP, 1, CMD_GET_DEVICE_ID, NULL, 0));
	size_t k = 0;
	const uint8_t junk[] = {0x00, 0xFF, 0xA5, 0xA6, 0xAA, 0x55, '\r', '\n'};
	memcpy(buf + k, junk, sizeof junk);
	k += sizeof junk;
	/* A start character of an abandoned packet, then a real packet. */
	buf[k++] = 0xA0;
	buf[k++] = 0x20;
	memcpy(buf + k, f, fl);
	k += fl;
	memcpy(buf + k, junk, sizeof junk);
	k += sizeof junk;
	memcpy(buf + k, f, fl);
	k += fl;
	feed(t, buf, k, 5);
	/* Two replies, each followed by a handshake. */
	size_t replies = 0;
	for (size_t i = 0; i < t->out_len; i++)
		replies += t->out[i] == 0xA5;
	assert_int_equal(replies, 2);
}

static void test_basic_response_netfn_ignored(void **state)
{
	struct t *t = *state;
	uint8_t m[16], f[40];
	size_t n = ipmb_req(m, NETFN_APP | 1, 1, CMD_GET_DEVICE_ID, NULL, 0);
	feed(t, f, basic_frame(f, m, n), 0);
	assert_int_equal(t->out_len, 1); /* handshake only */
}

/* ---- Terminal Mode ---- */

/* The first "[...]" line of the output as bytes; returns the count, -1 if none. */
static int term_line(const struct t *t, size_t skip_lines, uint8_t *b, char *text, size_t cap)
{
	size_t i = 0;
	for (;;) {
		while (i < t->out_len && t->out[i] != '[')
			i++;
		if (i == t->out_len)
			return -1;
		size_t j = i;
		while (j < t->out_len && t->out[j] != ']')
			j++;
		if (j == t->out_len)
			return -1;
		if (skip_lines--) {
			i = j;
			continue;
		}
		size_t n = j - i - 1;
		if (text) {
			assert_true(n < cap);
			memcpy(text, t->out + i + 1, n);
			text[n] = 0;
		}
		int k = 0;
		for (size_t p = i + 1; p + 1 < j && b; p += 3) {
			char hx[3] = {(char)t->out[p], (char)t->out[p + 1], 0};
			b[k++] = (uint8_t)strtoul(hx, NULL, 16);
		}
		return k;
	}
}

/* Echo is on by default: the request comes back first, then the response, then the
 * handshake "[SYS]". Line 1 is the response. */
static void test_term_get_device_id(void **state)
{
	struct t *t = *state;
	uint8_t b[64];
	char text[200];
	for (size_t chunk = 0; chunk <= 5; chunk++) {
		feed_str(t, "[18 14 01]\r\n", chunk);
		int n = term_line(t, 1, b, text, sizeof text);
		assert_int_equal(n, 4 + 15);
		assert_int_equal(b[0], 0x1C);
		assert_int_equal(b[1], 0x14);
		assert_int_equal(b[2], 0x01);
		assert_int_equal(b[3], 0x00);
		assert_int_equal(b[4], 0x20);
		assert_int_equal(term_line(t, 2, NULL, text, sizeof text), 0);
		assert_string_equal(text, "SYS");
		assert_memory_equal(t->out, "[18 14 01]\r", 11); /* the echo */
	}
	/* Lower case, no spaces: what ipmitool sends. */
	feed_str(t, "[180c01]\r\n", 0);
	assert_int_equal(term_line(t, 1, b, NULL, 0), 19);
	assert_int_equal(b[1], 0x0C);
}

static void set_term_config(struct t *t, uint8_t b1, uint8_t b2)
{
	uint8_t q[4] = {CHANNEL_SERIAL, SERP_TERM_CONFIG, b1, b2};
	struct bmc_req req = {.netfn = NETFN_TRANSPORT, .cmd = CMD_SET_SERIAL_CONFIG, .channel = CHANNEL_LAN,
			      .priv = PRIV_ADMIN, .data = q, .len = 4};
	uint8_t rsp[8];
	struct bmc_writer w;
	wr_init(&w, rsp, sizeof rsp);
	assert_int_equal(bmc_dispatch(t->bmc, &req, &w), CC_OK);
}

static void test_term_quiet_config(void **state)
{
	struct t *t = *state;
	/* No echo, no handshake, line editing off; <LF> output newline, <CR> input. */
	set_term_config(t, 0x00, 0x51);
	feed_str(t, "[18 00 01]\r", 0);
	assert_int_equal(t->out[0], '[');
	assert_memory_equal(t->out, "[1C 00 01 00 20", 15);
	assert_int_equal(t->out[t->out_len - 1], '\n');
	assert_int_equal(t->out[t->out_len - 2], ']');
	/* Backspace is illegal without line editing. */
	feed_str(t, "[18 00 01\b]\r", 0);
	assert_int_equal(t->out_len, 0);
}

static void test_term_line_editing(void **state)
{
	struct t *t = *state;
	uint8_t b[64];
	/* A typo corrected with backspace, a line continuation, and a <DEL>. */
	feed_str(t, "[18 00 0X\b1\\\r]\r", 2);
	assert_int_equal(term_line(t, 1, b, NULL, 0), 19);
	assert_non_null(memmem(t->out, t->out_len, "\b \b", 3));
	/* <ESC> throws the message away. */
	feed_str(t, "[18 00 01\x1b]\r", 0);
	assert_null(memmem(t->out, t->out_len, "[1C", 3));
}

static void test_term_bad_input(void **state)
{
	struct t *t = *state;
	char big[300];
	/* Not hex, an odd digit count, too short, an illegal control character, no
	 * newline after ']', and a message longer than 122 characters: none is answered
	 * with a response (only echo and nothing else). */
	const char *bad[] = {"[18 00 0G]\r", "[18 00 0]\r", "[18 00]\r", "[18\x01 00 01]\r", "[18 00 01]x\r"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		feed_str(t, bad[i], 0);
		assert_null(memmem(t->out, t->out_len, "[1C", 3));
	}
	memset(big, '1', sizeof big);
	memcpy(big, "[18 00 01 ", 10);
	big[sizeof big - 3] = ']';
	big[sizeof big - 2] = '\r';
	big[sizeof big - 1] = 0;
	feed_str(t, big, 13);
	assert_null(memmem(t->out, t->out_len, "[1C", 3));
	/* Garbage between messages is ignored and the next message works. */
	feed_str(t, "\n\n  zz\x7f\x01[18 00 01]\r", 0);
	assert_non_null(memmem(t->out, t->out_len, "[1C 00 01 00", 12));
	/* A bridged request (bridge field 01b) is refused with CCh. */
	feed_str(t, "[18 01 01]\r", 0);
	assert_non_null(memmem(t->out, t->out_len, "[1C 01 01 CC]", 13));
}

static void test_term_text_commands(void **state)
{
	struct t *t = *state;
	char text[100];
	feed_str(t, "[SYS TMODE]\r", 0);
	term_line(t, 1, NULL, text, sizeof text);
	assert_string_equal(text, "OK TMODE");
	feed_str(t, "[SYS NOSUCH]\r", 0);
	term_line(t, 1, NULL, text, sizeof text);
	assert_string_equal(text, "ERR");
}

/* ---- modes, privilege, access ---- */

static void test_mode_pinned(void **state)
{
	(void)state;
	struct t *t = new_t(BMC_SERIAL_BASIC, PRIV_ADMIN);
	feed_str(t, "[18 00 01]\r", 0);
	assert_int_equal(t->out_len, 0);
	basic_get_device_id(t, 0);
	teardown((void **)&t);

	t = new_t(BMC_SERIAL_TERMINAL, PRIV_ADMIN);
	uint8_t m[16], f[40];
	feed(t, f, basic_frame(f, m, ipmb_req(m, NETFN_APP, 1, CMD_GET_DEVICE_ID, NULL, 0)), 0);
	assert_int_equal(t->out_len, 0);
	feed_str(t, "[18 00 01]\r", 0);
	assert_non_null(memmem(t->out, t->out_len, "[1C 00 01 00", 12));
	/* Channel 2 reports Terminal Mode as its protocol (table 6-2: 09h). */
	assert_int_equal(t->bmc->chans[CHANNEL_SERIAL].protocol, 0x09);
	teardown((void **)&t);
}

static void test_serial_off(void **state)
{
	(void)state;
	struct t *t = calloc(1, sizeof *t);
	t->fp.quiet = true;
	t->bmc = fake_bmc_new(&t->fp, NULL, true);
	feed_str(t, "[18 00 01]\r", 0);
	assert_int_equal(t->out_len, 0);
	assert_false(bmc_channel_exists(t->bmc, CHANNEL_SERIAL));
	teardown((void **)&t);
}

/* Session-less requests run at the configured privilege, capped by the channel's
 * privilege limit; a disabled channel answers nothing. */
static void test_privilege_and_access(void **state)
{
	(void)state;
	struct t *t = new_t(BMC_SERIAL_AUTO, PRIV_USER);
	/* Chassis Control (operator) is refused with D4h; Get Device ID (user) works. */
	feed_str(t, "[00 00 02 00]\r", 0);
	assert_non_null(memmem(t->out, t->out_len, "[04 00 02 D4]", 13));
	feed_str(t, "[18 00 01]\r", 0);
	assert_non_null(memmem(t->out, t->out_len, "[1C 00 01 00", 12));
	/* Privilege limit CALLBACK on the channel: Get Device ID now D4h. */
	t->bmc->chans[CHANNEL_SERIAL].vol.priv_limit = PRIV_CALLBACK;
	feed_str(t, "[18 00 01]\r", 0);
	assert_non_null(memmem(t->out, t->out_len, "[1C 00 01 D4]", 13));
	/* Access mode disabled: nothing but the echo. */
	t->bmc->chans[CHANNEL_SERIAL].vol.mode = CHAN_ACCESS_DISABLED;
	feed_str(t, "[18 00 01]\r", 0);
	assert_null(memmem(t->out, t->out_len, "[1C", 3));
	uint8_t m[16], f[40];
	feed(t, f, basic_frame(f, m, ipmb_req(m, NETFN_APP, 1, CMD_GET_DEVICE_ID, NULL, 0)), 0);
	assert_int_equal(t->out_len, 1); /* handshake only */
	teardown((void **)&t);
}

static void test_sys_pwd_session(void **state)
{
	(void)state;
	struct t *t = new_t(BMC_SERIAL_TERMINAL, PRIV_NONE);
	char text[100];
	/* Without a session only pre-session commands run. */
	feed_str(t, "[18 00 01]\r", 0);
	assert_non_null(memmem(t->out, t->out_len, "[1C 00 01 D4]", 13));
	feed_str(t, "[SYS PWD -U admin wrong]\r", 0);
	term_line(t, 1, NULL, text, sizeof text);
	assert_string_equal(text, "ERR");
	feed_str(t, "[SYS PWD -U nobody password]\r", 0);
	term_line(t, 1, NULL, text, sizeof text);
	assert_string_equal(text, "ERR");
	feed_str(t, "[SYS PWD -U admin password]\r", 0);
	term_line(t, 1, NULL, text, sizeof text);
	assert_string_equal(text, "OK");
	feed_str(t, "[18 00 01]\r", 0);
	assert_non_null(memmem(t->out, t->out_len, "[1C 00 01 00", 12));
	/* Get LAN Configuration Parameters needs operator: the admin session has it. */
	feed_str(t, "[30 04 02 01 03 00 00]\r", 0);
	assert_non_null(memmem(t->out, t->out_len, "[34 04 02 00 11 7F 00 00 01]", 28));
	/* The inactivity timeout (param 4 default: 2 x 30 s) ends the session. */
	t->fp.now_ms += 59000;
	bmc_tick(t->bmc);
	feed_str(t, "[18 00 01]\r", 0);
	assert_non_null(memmem(t->out, t->out_len, "[1C 00 01 00", 12));
	t->fp.now_ms += 61000;
	bmc_tick(t->bmc);
	feed_str(t, "[18 00 01]\r", 0);
	assert_non_null(memmem(t->out, t->out_len, "[1C 00 01 D4]", 13));
	teardown((void **)&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_basic_any_chunking, setup_auto, teardown),
		cmocka_unit_test_setup_teardown(test_basic_escapes, setup_auto, teardown),
		cmocka_unit_test_setup_teardown(test_basic_bad_checksum_dropped, setup_auto, teardown),
		cmocka_unit_test_setup_teardown(test_basic_bad_escape_and_raw_esc, setup_auto, teardown),
		cmocka_unit_test_setup_teardown(test_basic_overlong_dropped, setup_auto, teardown),
		cmocka_unit_test_setup_teardown(test_basic_garbage_between_frames, setup_auto, teardown),
		cmocka_unit_test_setup_teardown(test_basic_response_netfn_ignored, setup_auto, teardown),
		cmocka_unit_test_setup_teardown(test_term_get_device_id, setup_auto, teardown),
		cmocka_unit_test_setup_teardown(test_term_quiet_config, setup_auto, teardown),
		cmocka_unit_test_setup_teardown(test_term_line_editing, setup_auto, teardown),
		cmocka_unit_test_setup_teardown(test_term_bad_input, setup_auto, teardown),
		cmocka_unit_test_setup_teardown(test_term_text_commands, setup_auto, teardown),
		cmocka_unit_test(test_mode_pinned),
		cmocka_unit_test(test_serial_off),
		cmocka_unit_test(test_privilege_and_access),
		cmocka_unit_test(test_sys_pwd_session),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
