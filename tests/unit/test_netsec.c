/* Network-facing security (issue 6): bad-password lock-out (LAN parameter 26) and its
 * audit, per-source rate limits, the amplification bound, the source allow-list, a
 * disabled LAN channel, Open Session status codes, sequence numbers and RAKP order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "fake_backend.h"
#include "lanplus_client.h"
#include "ratelimit.h"
#include "rmcpplus.h"
#include "session.h"
#include "state.h"
#include "users.h"
#include "channels.h"

#define AUDIT_SENSOR 0x5F

struct fixture {
	struct fake_platform fp;
	struct fake_backend fb;
	struct bmc *bmc;
	struct lc c;
};

static struct fixture *fx_new(const struct bmc_config *cfg)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct bmc_backend be;
	fake_backend_init(&f->fb, &be);
	fake_add_discrete(&f->fb, "Session Audit", AUDIT_SENSOR, 0x2A, 0x000F);
	f->bmc = fake_bmc_new_with(&f->fp, cfg, &be, true);
	f->fp.quiet = true;
	lc_init(&f->c, f->bmc, &f->fp, 17, "admin", "password");
	return f;
}

static void fx_free(struct fixture *f)
{
	free(f->bmc);
	free(f);
}

/* Parameter 26: audit bit, threshold, reset and lock-out intervals (tens of s). */
static void set_param26(struct fixture *f, uint8_t audit, uint8_t thr, uint16_t reset, uint16_t lock)
{
	uint8_t v[6] = {audit, thr, (uint8_t)reset, (uint8_t)(reset >> 8), (uint8_t)lock, (uint8_t)(lock >> 8)};
	memcpy(f->bmc->lan.bad_pw, v, 6);
}

/* A full login attempt with the given password; 0 when it succeeded. The client stops
 * after RAKP 2 when the HMAC does not match and sends RAKP 3 anyway (as ipmitool
 * does, with its own idea of the code), so the BMC sees a failed RAKP 3. */
static int attempt(struct fixture *f, const char *user, const char *pw)
{
	lc_init(&f->c, f->bmc, &f->fp, 17, user, pw);
	if (lc_open_session(&f->c, PRIV_ADMIN))
		return -2;
	int r1 = lc_rakp1(&f->c, 0x14);
	int r3 = lc_rakp3(&f->c);
	return r1 == 0 && r3 == 0 ? 0 : -1;
}

static unsigned audit_events(struct fixture *f, uint8_t offset)
{
	unsigned n = 0;
	for (unsigned i = 0; i < bmc_sel_entries(f->bmc); i++) {
		uint8_t rec[16];
		bmc_sel_entry(f->bmc, i, rec);
		if (rec[10] == 0x2A && rec[11] == AUDIT_SENSOR && (rec[13] & 0x0F) == offset)
			n++;
	}
	return n;
}

static void lockout_after_threshold_and_release_after_interval(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	set_param26(f, 1, 3, 6, 1); /* 3 bad passwords within 60 s lock for 10 s */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(attempt(f, "admin", "wrong"), -1);
		f->fp.now_ms += 1000; /* keep within the set-up rate */
	}
	assert_int_equal(f->bmc->stats.lockouts, 1);
	/* Locked: the right password fails exactly like a wrong one. */
	assert_int_equal(attempt(f, "admin", "password"), -1);
	assert_int_equal(f->c.last_status, RMCPP_INVALID_ICV);
	/* SEL: three "invalid username or password" (02h) and one lock-out (03h), with
	 * the user id in data 2 and the channel in data 3. */
	assert_int_equal(audit_events(f, 0x02) >= 3, 1);
	assert_int_equal(audit_events(f, 0x03), 1);
	for (unsigned i = 0; i < bmc_sel_entries(f->bmc); i++) {
		uint8_t rec[16];
		bmc_sel_entry(f->bmc, i, rec);
		if (rec[10] == 0x2A && (rec[13] & 0x0F) == 0x03) {
			assert_int_equal(rec[13], 0xF3);
			assert_int_equal(rec[14], 2);
			assert_int_equal(rec[15] & 0x0F, 1);
		}
	}
	/* The lock-out interval passes: the right password works again, and the attempts
	 * made while locked did not extend it. */
	f->fp.now_ms += 10000;
	assert_int_equal(attempt(f, "admin", "password"), 0);
	fx_free(f);
}

static void lockout_counts_reset_after_interval(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	set_param26(f, 0, 3, 1, 1); /* counted over 10 s */
	for (int round = 0; round < 3; round++) {
		assert_int_equal(attempt(f, "admin", "wrong"), -1);
		f->fp.now_ms += 1000;
		assert_int_equal(attempt(f, "admin", "wrong"), -1);
		f->fp.now_ms += 10000;
	}
	assert_int_equal(f->bmc->stats.lockouts, 0);
	assert_int_equal(attempt(f, "admin", "password"), 0);
	/* no audit bit: no SEL events */
	assert_int_equal(audit_events(f, 0x02), 0);
	fx_free(f);
}

static void lockout_until_reenabled_and_success_resets(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	set_param26(f, 0, 2, 0, 0); /* interval 0: locked until re-enabled */
	assert_int_equal(attempt(f, "admin", "wrong"), -1);
	assert_int_equal(attempt(f, "admin", "password"), 0); /* success: count restarts */
	assert_int_equal(attempt(f, "admin", "wrong"), -1);
	f->fp.now_ms += 2000;
	assert_int_equal(f->bmc->stats.lockouts, 0);
	assert_int_equal(attempt(f, "admin", "wrong"), -1);
	assert_int_equal(f->bmc->stats.lockouts, 1);
	f->fp.now_ms += 3600000;
	assert_int_equal(attempt(f, "admin", "password"), -1);
	/* an administrator enables the user again (Set User Password, enable) */
	struct bmc_user u = f->bmc->users[2];
	assert_int_equal(bmc_users_commit(f->bmc, 2, &u), 0);
	f->fp.now_ms += 2000;
	assert_int_equal(attempt(f, "admin", "password"), 0);
	fx_free(f);
}

/* RAKP 2 for an unknown, a disabled and a locked-out user: status, size and timing
 * path are those of a wrong password (the HMAC is under a per-boot decoy key). */
static void rakp2_alike_for_unknown_disabled_locked(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	struct bmc_user u = f->bmc->users[2];
	memcpy(u.name, "carol", 6);
	u.enabled = false;
	assert_int_equal(bmc_users_commit(f->bmc, 3, &u), 0);
	set_param26(f, 0, 1, 0, 100);
	assert_int_equal(attempt(f, "admin", "wrong"), -1); /* admin now locked */
	const char *names[] = {"admin", "nosuchuser", "carol"};
	size_t len[3];
	for (int i = 0; i < 3; i++) {
		f->fp.now_ms += 1000;
		lc_init(&f->c, f->bmc, &f->fp, 17, names[i], "password");
		assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), 0);
		assert_int_equal(lc_rakp1(&f->c, 0x14), -1); /* HMAC does not verify */
		assert_int_equal(f->c.last_status, 0);
		fake_last_sent(&f->fp, &len[i]);
		assert_int_equal(lc_rakp3(&f->c), -1);
		assert_int_equal(f->c.last_status, RMCPP_INVALID_ICV);
	}
	assert_int_equal(len[0], len[1]);
	assert_int_equal(len[1], len[2]);
	fx_free(f);
}

static void setup_requests_rate_limited_per_source(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	unsigned answered = 0;
	for (int i = 0; i < 200; i++) {
		f->c.csid = 0x100u + (unsigned)i;
		answered += lc_open_session(&f->c, PRIV_ADMIN) == 0;
	}
	/* the burst: twice the default rate */
	assert_int_equal(answered, 2 * BMC_SETUP_RATE_DEFAULT);
	assert_true(f->bmc->stats.dropped_ratelimit >= 200 - 2 * BMC_SETUP_RATE_DEFAULT);
	/* another source is not affected */
	struct lc other;
	lc_init(&other, f->bmc, &f->fp, 17, "admin", "password");
	other.peer.addr[3] = 2;
	assert_int_equal(lc_login(&other, PRIV_ADMIN), 0);
	/* one second later the first source has its rate again */
	f->fp.now_ms += 1000;
	assert_int_equal(attempt(f, "admin", "password"), 0);
	fx_free(f);
}

static void replies_rate_limited_per_source(void **state)
{
	(void)state;
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	cfg.reply_limit = 5;
	struct fixture *f = fx_new(&cfg);
	static const uint8_t ping[12] = {6, 0, 0xFF, 6, 0, 0, 0x11, 0xBE, 0x80, 0x21, 0, 0};
	unsigned answered = 0;
	for (int i = 0; i < 50; i++) {
		size_t n;
		answered += lc_xfer(&f->c, ping, sizeof ping, &n) != NULL;
	}
	assert_int_equal(answered, 10);
	f->fp.now_ms += 400;
	size_t n;
	assert_non_null(lc_xfer(&f->c, ping, sizeof ping, &n));
	fx_free(f);
}

/* Every reply bmcd gives before authentication is at most twice its request (the
 * 28-byte pong to a 12-byte ping excepted): bmcd is no amplifier. */
static void preauth_replies_at_most_twice_the_request(void **state)
{
	(void)state;
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	cfg.ipmi15_enabled = true;
	cfg.setup_limit = 1000;
	cfg.reply_limit = 1000;
	struct fixture *f = fx_new(&cfg);
	uint8_t pkt[128], msg[64];
	size_t rlen;
	unsigned checked = 0;
	/* ASF ping */
	static const uint8_t ping[12] = {6, 0, 0xFF, 6, 0, 0, 0x11, 0xBE, 0x80, 0x21, 0, 0};
	const uint8_t *r = lc_xfer(&f->c, ping, sizeof ping, &rlen);
	assert_non_null(r);
	assert_true(rlen <= BMC_PONG_LEN);
	/* sessionless IPMI 1.5 and RMCP+ requests of every pre-session command */
	/* command, data[3], data length: Get Channel Auth Cap (v2 and v1.5), Get
	 * Channel Cipher Suites (by algorithm and by suite), Get System GUID, Get Device
	 * ID (refused: needs a session), Get Session Challenge */
	const uint8_t reqs[][4] = {{0x38, 0x8E, 0x04, 0}, {0x38, 0x0E, 0x04, 0}, {0x54, 0x0E, 0x00, 0x00},
				   {0x54, 0x0E, 0x00, 0x80}, {0x37, 0, 0, 0}, {0x01, 0, 0, 0}, {0x39, 0x02, 0, 0}};
	const size_t rlens[] = {2, 2, 3, 3, 0, 0, 17};
	for (size_t i = 0; i < sizeof rlens / sizeof rlens[0]; i++) {
		uint8_t data[17] = {0};
		memcpy(data, reqs[i] + 1, 3);
		if (reqs[i][0] == 0x39)
			memcpy(data + 1, "admin", 5);
		/* IPMI 1.5, session id 0 */
		size_t mlen = lc_msg(&f->c, NETFN_APP, reqs[i][0], data, rlens[i], msg);
		memset(pkt, 0, 14);
		pkt[0] = 6; pkt[2] = 0xFF; pkt[3] = 7;
		pkt[13] = (uint8_t)mlen;
		memcpy(pkt + 14, msg, mlen);
		r = lc_xfer(&f->c, pkt, 14 + mlen, &rlen);
		if (r) {
			assert_true(rlen <= 2 * (14 + mlen));
			checked++;
		}
		/* RMCP+, session id 0 */
		const uint8_t h[] = {6, 0, 0xFF, 7, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, (uint8_t)mlen, 0};
		memcpy(pkt, h, sizeof h);
		memcpy(pkt + 16, msg, mlen);
		r = lc_xfer(&f->c, pkt, 16 + mlen, &rlen);
		if (r) {
			assert_true(rlen <= 2 * (16 + mlen));
			checked++;
		}
	}
	assert_true(checked >= 8);
	/* Open Session, RAKP 1 with the shortest name (the largest ratio) and RAKP 3 */
	lc_init(&f->c, f->bmc, &f->fp, 17, "", "password");
	assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), 0);
	r = fake_last_sent(&f->fp, &rlen);
	assert_true(rlen <= 2 * f->c.last_len);
	lc_rakp1(&f->c, 0x14);
	r = fake_last_sent(&f->fp, &rlen);
	assert_int_equal(f->c.last_len, 44);
	assert_true(rlen <= 2 * f->c.last_len);
	lc_rakp3(&f->c);
	r = fake_last_sent(&f->fp, &rlen);
	assert_true(rlen <= 2 * f->c.last_len);
	assert_int_equal(f->bmc->stats.dropped_amplification, 0);
	fx_free(f);
}

static struct bmc_cidr cidr(const char *text)
{
	struct bmc_cidr c;
	assert_int_equal(config_parse_cidr(text, &c), 0);
	return c;
}

static void allow_list_parse_and_match(void **state)
{
	(void)state;
	struct bmc_cidr c;
	assert_int_equal(config_parse_cidr("10.1.2.3/8", &c), -1); /* host bits set */
	assert_int_equal(config_parse_cidr("10.0.0.0/33", &c), -1);
	assert_int_equal(config_parse_cidr("::1/129", &c), -1);
	assert_int_equal(config_parse_cidr("10.0.0.0/", &c), -1);
	assert_int_equal(config_parse_cidr("10.0.0.0/-1", &c), -1);
	assert_int_equal(config_parse_cidr("example.com", &c), -1);
	assert_int_equal(config_parse_cidr("", &c), -1);
	c = cidr("127.0.0.1");
	assert_int_equal(c.family, 4);
	assert_int_equal(c.prefix, 32);
	c = cidr("fe80::/10");
	assert_int_equal(c.family, 6);
	assert_int_equal(c.prefix, 10);

	struct bmc_peer p = {.family = 4, .addr = {10, 200, 3, 4}};
	assert_true(bmc_cidr_match((struct bmc_cidr[]){cidr("10.0.0.0/8")}, &p));
	assert_false(bmc_cidr_match((struct bmc_cidr[]){cidr("10.0.0.0/9")}, &p));
	assert_true(bmc_cidr_match((struct bmc_cidr[]){cidr("10.192.0.0/10")}, &p));
	assert_true(bmc_cidr_match((struct bmc_cidr[]){cidr("0.0.0.0/0")}, &p));
	assert_false(bmc_cidr_match((struct bmc_cidr[]){cidr("::/0")}, &p));
	struct bmc_peer m = {.family = 6, .addr = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 1, 1, 1}};
	assert_true(bmc_cidr_match((struct bmc_cidr[]){cidr("10.0.0.0/8")}, &m)); /* v4-mapped */
	struct bmc_peer v6 = {.family = 6, .addr = {0xFE, 0x80, [15] = 1}};
	assert_true(bmc_cidr_match((struct bmc_cidr[]){cidr("fe80::/10")}, &v6));
	assert_false(bmc_cidr_match((struct bmc_cidr[]){cidr("::1/128")}, &v6));
	assert_true(bmc_allow_match(NULL, 0, &v6)); /* empty list: allow all */

	/* [lan] allow through the config parser: comma list, repeatable */
	struct daemon_config dc;
	char err[256];
	config_defaults(&dc);
	const char *path = "netsec_test.ini";
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("[lan]\nallow = 10.0.0.0/8, 127.0.0.1/32\nallow = ::1/128\nsetup_limit = 7\n", fp);
	fclose(fp);
	assert_int_equal(config_load(&dc, path, err, sizeof err), 0);
	assert_int_equal(dc.bmc.lan_allow_count, 3);
	assert_int_equal(dc.bmc.setup_limit, 7);
	fp = fopen(path, "w");
	fputs("[lan]\nallow = 10.0.0.1/8\n", fp);
	fclose(fp);
	config_defaults(&dc);
	assert_int_equal(config_load(&dc, path, err, sizeof err), -1);
	remove(path);
}

static void allow_list_and_disabled_channel_drop_everything(void **state)
{
	(void)state;
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	assert_int_equal(config_parse_cidr("10.0.0.0/8", &cfg.lan_allow[0]), 0);
	cfg.lan_allow_count = 1;
	struct fixture *f = fx_new(&cfg);
	static const uint8_t ping[12] = {6, 0, 0xFF, 6, 0, 0, 0x11, 0xBE, 0x80, 0x21, 0, 0};
	size_t n;
	assert_null(lc_xfer(&f->c, ping, sizeof ping, &n)); /* 127.0.0.1 is not allowed */
	assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), -1);
	assert_int_equal(f->bmc->stats.dropped_denied, 2);
	f->c.peer.addr[0] = 10;
	assert_non_null(lc_xfer(&f->c, ping, sizeof ping, &n));
	assert_int_equal(lc_login(&f->c, PRIV_ADMIN), 0);

	/* Set Channel Access: LAN channel 1 disabled (volatile) from inside the session.
	 * The reply still comes back; afterwards nothing is answered, not even a ping. */
	uint8_t req[3] = {0x01, 0x80 | CHAN_ACCESS_DISABLED, 0x00}, cc, rsp[8];
	size_t rl;
	assert_int_equal(lc_cmd(&f->c, NETFN_APP, CMD_SET_CHANNEL_ACCESS, req, 3, &cc, rsp, &rl), 0);
	assert_int_equal(cc, 0);
	assert_null(lc_xfer(&f->c, ping, sizeof ping, &n));
	assert_int_equal(lc_cmd(&f->c, NETFN_APP, CMD_GET_DEVICE_ID, NULL, 0, &cc, rsp, &rl), -1);
	fx_free(f);
}

/* Open Session status codes, IPMI 2.0 table 13-15 (RMCP+ status codes). */
static void open_session_status_codes(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	const struct {
		uint8_t a, i, c, status;
	} cases[] = {
		{0, 0, 0, RMCPP_NO_CIPHER_SUITE},  /* suite 0 */
		{1, 0, 0, RMCPP_NO_CIPHER_SUITE},  /* suite 1 */
		{1, 1, 1, RMCPP_NO_CIPHER_SUITE},  /* suite 3, not enabled */
		{3, 0, 0, RMCPP_NO_CIPHER_SUITE},  /* suite 15 */
		{3, 4, 0, RMCPP_NO_CIPHER_SUITE},  /* suite 16 */
		{3, 4, 2, RMCPP_NO_CIPHER_SUITE},  /* xRC4: defined, not implemented */
		{0x30, 4, 1, RMCPP_NO_CIPHER_SUITE}, /* OEM */
		{7, 4, 1, RMCPP_INVALID_AUTH_ALG},
		{3, 9, 1, RMCPP_INVALID_INTEG_ALG},
		{3, 4, 9, RMCPP_INVALID_CONF_ALG},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		f->fp.now_ms += 100;
		f->c.suite_auth = cases[k].a;
		f->c.suite_integ = cases[k].i;
		f->c.suite_conf = cases[k].c;
		assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), -1);
		assert_int_equal(f->c.last_status, cases[k].status);
	}
	assert_int_equal(bmc_sessions_active(f->bmc), 0);
	fx_free(f);
}

static void sequence_zero_replay_and_window(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	assert_int_equal(lc_login(&f->c, PRIV_ADMIN), 0);
	uint8_t pkt[512], cc, rsp[64];
	size_t n, rl;
	struct bmc_session *s = bmc_session_find(f->bmc, f->c.bsid);
	assert_non_null(s);

	/* sequence number 0 is never accepted in a session (§13.28.3: it is not used) */
	uint32_t saved = f->c.seq;
	f->c.seq = 0xFFFFFFFFu; /* the next packet carries 0 */
	n = lc_build(&f->c, NETFN_APP, CMD_GET_DEVICE_ID, NULL, 0, pkt, sizeof pkt);
	uint64_t replays = f->bmc->stats.dropped_replay;
	assert_null(lc_xfer(&f->c, pkt, n, &rl));
	assert_int_equal(f->bmc->stats.dropped_replay, replays + 1);
	f->c.seq = saved;

	/* a captured packet replayed is dropped, and changes nothing (idle timer) */
	n = lc_build(&f->c, NETFN_APP, CMD_GET_DEVICE_ID, NULL, 0, pkt, sizeof pkt);
	assert_non_null(lc_xfer(&f->c, pkt, n, &rl));
	f->fp.now_ms += 5000;
	uint64_t last = s->last_ms;
	assert_null(lc_xfer(&f->c, pkt, n, &rl));
	assert_int_equal(s->last_ms, last);

	/* far ahead, then one more than 32 behind the newest: dropped */
	uint8_t old[512];
	size_t oldn = lc_build(&f->c, NETFN_APP, CMD_GET_DEVICE_ID, NULL, 0, old, sizeof old);
	f->c.seq += 40;
	assert_int_equal(lc_cmd(&f->c, NETFN_APP, CMD_GET_DEVICE_ID, NULL, 0, &cc, rsp, &rl), 0);
	assert_null(lc_xfer(&f->c, old, oldn, &rl));
	/* within the window and not yet seen: accepted out of order */
	f->c.seq -= 10;
	assert_int_equal(lc_cmd(&f->c, NETFN_APP, CMD_GET_DEVICE_ID, NULL, 0, &cc, rsp, &rl), 0);
	/* a tampered packet changes nothing either */
	f->c.seq += 20;
	n = lc_build(&f->c, NETFN_APP, CMD_GET_DEVICE_ID, NULL, 0, pkt, sizeof pkt);
	pkt[n - 1] ^= 1;
	uint32_t top = s->in_seq_top;
	assert_null(lc_xfer(&f->c, pkt, n, &rl));
	assert_int_equal(s->in_seq_top, top);
	fx_free(f);
}

static void rakp_order_and_binding(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	size_t rl;
	/* RAKP 3 before RAKP 1: dropped, and the set-up still works afterwards */
	assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), 0);
	unsigned sent = f->fp.sent_count;
	assert_int_equal(lc_rakp3(&f->c), -1);
	assert_int_equal(f->fp.sent_count, sent);
	assert_int_equal(lc_rakp1(&f->c, 0x14), 0);
	/* a second RAKP 1 with another name on the same set-up: dropped */
	struct lc other = f->c;
	memcpy(other.user, "root\0", 5);
	sent = f->fp.sent_count;
	lc_rakp1(&other, 0x14);
	assert_int_equal(f->fp.sent_count, sent);
	/* the same RAKP 1 again (a retransmission): the same RAKP 2 */
	size_t n1;
	const uint8_t *r = fake_last_sent(&f->fp, &n1);
	uint8_t first[128];
	memcpy(first, r, n1);
	assert_int_equal(lc_rakp1(&f->c, 0x14), 0);
	size_t n2;
	r = fake_last_sent(&f->fp, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(first, r, n1);
	/* RAKP 3 from another port of the same host, then from another host: dropped */
	other = f->c;
	other.peer.port = 40001;
	sent = f->fp.sent_count;
	assert_int_equal(lc_rakp3(&other), -1);
	other.peer.port = f->c.peer.port;
	other.peer.addr[3] = 9;
	assert_int_equal(lc_rakp3(&other), -1);
	assert_int_equal(f->fp.sent_count, sent);
	/* the real RAKP 3 works; the same RAKP 3 again is ignored */
	assert_int_equal(lc_rakp3(&f->c), 0);
	sent = f->fp.sent_count;
	assert_null(lc_xfer(&f->c, f->c.last, f->c.last_len, &rl));
	assert_int_equal(f->fp.sent_count, sent);
	assert_int_equal(bmc_sessions_active(f->bmc), 1);
	fx_free(f);
}

/* A failed-login storm: bounded Session Audit SEL events, the rest counted. */
static void audit_events_rate_limited(void **state)
{
	(void)state;
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	cfg.setup_limit = 1000;
	struct fixture *f = fx_new(&cfg);
	set_param26(f, 1, 0, 0, 0); /* audit, no lock-out */
	for (int i = 0; i < 100; i++) {
		assert_int_equal(attempt(f, "nosuchuser", "x"), -1);
		f->fp.now_ms += 100;
	}
	/* 10 s: a burst of 3 per source, no more than one more per 20 s */
	assert_int_equal(audit_events(f, 0x02), BMC_AUDIT_SRC_BURST);
	assert_true(f->bmc->stats.audit_suppressed >= 97);
	/* many sources: the global limit holds */
	for (int i = 0; i < 60; i++) {
		lc_init(&f->c, f->bmc, &f->fp, 17, "nosuchuser", "x");
		f->c.peer.addr[2] = (uint8_t)(i + 1);
		lc_open_session(&f->c, PRIV_ADMIN);
		lc_rakp1(&f->c, 0x14);
		lc_rakp3(&f->c);
	}
	assert_true(audit_events(f, 0x02) <= BMC_AUDIT_ALL_BURST + 1);
	fx_free(f);
}

/* The source table is bounded: many sources evict the least recently seen, and an
 * evicted source starts afresh (never stricter than before). */
static void source_table_bounded(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	for (unsigned i = 0; i < 3 * BMC_MAX_SOURCES; i++) {
		struct bmc_peer p = {.family = 4, .addr = {192, 0, 2, (uint8_t)i}, .port = 1};
		p.addr[1] = (uint8_t)(i >> 8);
		bmc_source_get(f->bmc, &p);
		f->fp.now_ms++;
	}
	unsigned used = 0;
	for (unsigned i = 0; i < BMC_MAX_SOURCES; i++)
		used += f->bmc->sources.tab[i].used;
	assert_int_equal(used, BMC_MAX_SOURCES);
	assert_int_equal(attempt(f, "admin", "password"), 0);
	fx_free(f);
}

/* Many sources, each within its own limit, share one budget (setup_limit_total): the
 * source table forgets hosts, so per-source limits alone would not bound the work. */
static void setup_requests_limited_in_total(void **state)
{
	(void)state;
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	cfg.setup_limit_total = 50; /* burst 100 */
	struct fixture *f = fx_new(&cfg);
	/* Counted as drops: the ones let through are answered, some with "no resources"
	 * once the half-open table is full, which is another limit. */
	uint64_t d0 = f->bmc->stats.dropped_ratelimit;
	for (unsigned i = 0; i < 300; i++) { /* 300 hosts, 3 Open Sessions each */
		f->c.peer.family = 6;
		memset(f->c.peer.addr, 0, sizeof f->c.peer.addr);
		f->c.peer.addr[0] = 0x20, f->c.peer.addr[1] = 0x01, f->c.peer.addr[2] = 0x0d, f->c.peer.addr[3] = 0xb8;
		f->c.peer.addr[14] = (uint8_t)(i >> 8), f->c.peer.addr[15] = (uint8_t)i;
		for (unsigned k = 0; k < 3; k++) {
			f->c.csid = 0x1000u + i * 4 + k;
			(void)lc_open_session(&f->c, PRIV_ADMIN);
		}
	}
	assert_int_equal(f->bmc->stats.dropped_ratelimit - d0, 900 - 100);
	/* the budget comes back with time: 50 a second */
	f->fp.now_ms += 200;
	d0 = f->bmc->stats.dropped_ratelimit;
	for (unsigned k = 0; k < 20; k++) {
		f->c.csid = 0x9000u + k;
		f->c.peer.addr[15] = (uint8_t)k;
		(void)lc_open_session(&f->c, PRIV_ADMIN);
	}
	assert_int_equal(f->bmc->stats.dropped_ratelimit - d0, 20 - 10);
	fx_free(f);
}

/* "off" lifts it; the default is BMC_SETUP_TOTAL_DEFAULT a second. */
static void setup_total_off_and_default(void **state)
{
	(void)state;
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	cfg.setup_limit_total = BMC_RATE_UNLIMITED;
	struct fixture *f = fx_new(&cfg);
	for (unsigned i = 0; i < 2400; i++) {
		f->c.peer.addr[2] = (uint8_t)(i >> 8), f->c.peer.addr[3] = (uint8_t)i;
		f->c.csid = 0x1000u + i;
		(void)lc_open_session(&f->c, PRIV_ADMIN);
	}
	assert_int_equal(f->bmc->stats.dropped_ratelimit, 0);
	fx_free(f);

	bmc_config_defaults(&cfg);
	f = fx_new(&cfg);
	for (unsigned i = 0; i < 2 * BMC_SETUP_TOTAL_DEFAULT + 100; i++) {
		f->c.peer.addr[2] = (uint8_t)(i >> 8), f->c.peer.addr[3] = (uint8_t)i;
		f->c.csid = 0x1000u + i;
		(void)lc_open_session(&f->c, PRIV_ADMIN);
	}
	assert_int_equal(f->bmc->stats.dropped_ratelimit, 100);
	fx_free(f);
}

/* A host keeps one entry wherever its address's probe starts, until it is the least
 * recently seen of a full table; then the newcomer takes exactly its entry. */
static void source_lookup_one_entry_per_host(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	struct bmc_source *first[BMC_MAX_SOURCES];
	struct bmc_peer p = {.family = 4, .addr = {198, 51, 100, 0}, .port = 1};
	for (unsigned i = 0; i < BMC_MAX_SOURCES; i++) {
		p.addr[3] = (uint8_t)i;
		first[i] = bmc_source_get(f->bmc, &p);
		for (unsigned j = 0; j < i; j++)
			assert_ptr_not_equal(first[i], first[j]);
		f->fp.now_ms++;
	}
	for (unsigned i = 1; i < BMC_MAX_SOURCES; i++) { /* everyone but host 0 seen again */
		p.addr[3] = (uint8_t)i;
		assert_ptr_equal(bmc_source_get(f->bmc, &p), first[i]);
		f->fp.now_ms++;
	}
	struct bmc_peer v6 = {.family = 6, .addr = {0x20, 0x01, 0x0d, 0xb8}, .port = 1};
	assert_ptr_equal(bmc_source_get(f->bmc, &v6), first[0]); /* host 0 was the oldest */
	for (unsigned i = 1; i < BMC_MAX_SOURCES; i++) {
		p.addr[3] = (uint8_t)i;
		assert_ptr_equal(bmc_source_get(f->bmc, &p), first[i]);
	}
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lockout_after_threshold_and_release_after_interval),
		cmocka_unit_test(source_lookup_one_entry_per_host),
		cmocka_unit_test(lockout_counts_reset_after_interval),
		cmocka_unit_test(lockout_until_reenabled_and_success_resets),
		cmocka_unit_test(rakp2_alike_for_unknown_disabled_locked),
		cmocka_unit_test(setup_requests_rate_limited_per_source),
		cmocka_unit_test(setup_requests_limited_in_total),
		cmocka_unit_test(setup_total_off_and_default),
		cmocka_unit_test(replies_rate_limited_per_source),
		cmocka_unit_test(preauth_replies_at_most_twice_the_request),
		cmocka_unit_test(allow_list_parse_and_match),
		cmocka_unit_test(allow_list_and_disabled_channel_drop_everything),
		cmocka_unit_test(open_session_status_codes),
		cmocka_unit_test(sequence_zero_replay_and_window),
		cmocka_unit_test(rakp_order_and_binding),
		cmocka_unit_test(audit_events_rate_limited),
		cmocka_unit_test(source_table_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
