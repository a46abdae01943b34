/* IPMB bridging (IPMI 2.0 §6.12, §22.3-22.8): a BMC and a satellite controller (both
 * the core) joined by hand-carried frames. Send Message with tracking from a LAN
 * session, the response coming back as the embedded request's response, the
 * privilege rule for bridged commands, busy/NAK/bad-frame answers, expiry, Get Message
 * for untracked requests, and a satellite's sensor event reaching the BMC's SEL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dispatch.h"
#include "fake_backend.h"
#include "fake_platform.h"
#include "lanplus_client.h"
#include "sdr.h"
#include "state.h"

#define SAT 0x2C

static struct fake_platform fp_bmc, fp_sat;
static struct fake_backend fb_bmc, fb_sat;
static struct bmc_backend be_bmc, be_sat;
static struct bmc *bmc, *sat;

static uint8_t csum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return (uint8_t)-s;
}

/* An IPMB request as a console embeds it: rsSA netFn/LUN chk rqSA rqSeq/LUN cmd data chk. */
static size_t ipmb_req(uint8_t *out, uint8_t rs, uint8_t netfn, uint8_t lun, uint8_t rq, uint8_t seq, uint8_t cmd,
		       const uint8_t *data, size_t len)
{
	out[0] = rs;
	out[1] = (uint8_t)(netfn << 2 | lun);
	out[2] = csum(out, 2);
	out[3] = rq;
	out[4] = (uint8_t)(seq << 2);
	out[5] = cmd;
	if (len)
		memcpy(out + 6, data, len);
	out[6 + len] = csum(out + 3, 3 + len);
	return 7 + len;
}

static int setup(void **state)
{
	(void)state;
	struct bmc_config cfg;
	fake_backend_init(&fb_bmc, &be_bmc);
	fake_add_temp(&fb_bmc, "Local Temp", 1, 30);
	/* The satellite's sensor, known to the BMC for its SDR repository. */
	unsigned k = fake_add_temp(&fb_bmc, "Sat Temp", 5, 40);
	fb_bmc.desc[k].owner = SAT;
	bmc_config_defaults(&cfg);
	bmc = fake_bmc_new_ipmb(&fp_bmc, &cfg, &be_bmc, true);

	fake_backend_init(&fb_sat, &be_sat);
	k = fake_add_temp(&fb_sat, "Sat Temp", 5, 40);
	fb_sat.desc[k].owner = SAT;
	bmc_config_defaults(&cfg);
	cfg.slave_addr = SAT;
	sat = fake_bmc_new_ipmb(&fp_sat, &cfg, &be_sat, false);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(bmc);
	free(sat);
	return 0;
}

/* Moves the newest frame fp sent to `to` (channel 0). */
static void carry(struct fake_platform *from, struct bmc *to)
{
	size_t n;
	const uint8_t *f = fake_last_ipmb(from, &n);
	assert_non_null(f);
	uint8_t copy[64];
	memcpy(copy, f, n);
	struct bmc_peer none = {0};
	bmc_input(to, 0, &none, copy, n);
}

static void login(struct lc *c, uint8_t priv)
{
	lc_init(c, bmc, &fp_bmc, 17, "admin", "password");
	assert_int_equal(lc_login(c, priv), 0);
}

static void test_channel_zero_is_ipmb(void **state)
{
	(void)state;
	struct lc c;
	uint8_t cc, rsp[16], ch = 0;
	size_t rl;
	login(&c, PRIV_ADMIN);
	/* Get Channel Info, §22.24: medium 01h IPMB, protocol 01h, session-less. */
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x42, &ch, 1, &cc, rsp, &rl), 0);
	assert_int_equal(cc, 0);
	assert_int_equal(rsp[0], 0);
	assert_int_equal(rsp[1] & 0x7F, 0x01);
	assert_int_equal(rsp[2] & 0x1F, 0x01);
}

static void test_tracked_bridge_round_trip(void **state)
{
	(void)state;
	struct lc c;
	uint8_t req[80], cc, rsp[64], num = 5;
	size_t rl;
	login(&c, PRIV_USER);
	req[0] = 0x40; /* track request, channel 0 */
	size_t n = ipmb_req(req + 1, SAT, NETFN_SENSOR, 0, 0x81, 0x17, 0x2D, &num, 1);
	unsigned sent_before = fp_bmc.ipmb_count;
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x34, req, 1 + n, &cc, rsp, &rl), 0);
	assert_int_equal(cc, 0);
	assert_int_equal(rl, 0); /* nothing embedded: the answer comes on its own */

	/* On the bus the request carries the BMC's address and a sequence of its own. */
	assert_int_equal(fp_bmc.ipmb_count, sent_before + 1);
	size_t fl;
	const uint8_t *f = fake_last_ipmb(&fp_bmc, &fl);
	assert_int_equal(f[0], SAT);
	assert_int_equal(f[3], 0x20);
	assert_int_equal(f[5], 0x2D);

	carry(&fp_bmc, sat); /* the satellite answers on the bus */
	f = fake_last_ipmb(&fp_sat, &fl);
	assert_non_null(f);
	assert_int_equal(f[0], 0x20);
	assert_int_equal(f[6], 0x00);
	assert_int_equal(f[7], 40); /* its reading */

	unsigned lan_before = fp_bmc.sent_count;
	carry(&fp_sat, bmc);
	assert_int_equal(fp_bmc.sent_count, lan_before + 1);
	size_t pl;
	const uint8_t *pkt = fake_last_sent(&fp_bmc, &pl);
	uint8_t msg[512];
	size_t ml;
	assert_int_equal(lc_unwrap(&c, pkt, pl, msg, &ml), 0);
	/* The embedded request's addressing comes back: rqAddr 81h, rqSeq 17h, S/E
	 * response netfn, the responder's address, Get Sensor Reading, its data. */
	assert_int_equal(msg[0], 0x81);
	assert_int_equal(msg[1] >> 2, NETFN_SENSOR + 1);
	assert_int_equal(msg[3], SAT);
	assert_int_equal(msg[4] >> 2, 0x17);
	assert_int_equal(msg[5], 0x2D);
	assert_int_equal(msg[6], 0x00);
	assert_int_equal(msg[7], 40);
	assert_int_equal(csum(msg, 3), 0);
	assert_int_equal(csum(msg + 3, ml - 3), 0);

	/* A second copy of the same response matches nothing: it is not sent again. */
	lan_before = fp_bmc.sent_count;
	carry(&fp_sat, bmc);
	assert_int_equal(fp_bmc.sent_count, lan_before);
}

static void test_bridged_privilege(void **state)
{
	(void)state;
	struct lc c;
	uint8_t req[80], cc, rsp[64];
	uint8_t thr[7] = {5, 0x10, 0, 0, 0, 0, 70};
	size_t rl;
	login(&c, PRIV_USER);
	/* Set Sensor Thresholds needs OPERATOR here, so it needs it through the bridge. */
	req[0] = 0x40;
	size_t n = ipmb_req(req + 1, SAT, NETFN_SENSOR, 0, 0x81, 1, 0x26, thr, sizeof thr);
	unsigned before = fp_bmc.ipmb_count;
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x34, req, 1 + n, &cc, rsp, &rl), 0);
	assert_int_equal(cc, CC_INSUFFICIENT_PRIV);
	/* An OEM command bmcd does not know needs ADMINISTRATOR. */
	n = ipmb_req(req + 1, SAT, NETFN_OEM, 0, 0x81, 2, 0x01, NULL, 0);
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x34, req, 1 + n, &cc, rsp, &rl), 0);
	assert_int_equal(cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(fp_bmc.ipmb_count, before);
}

static void test_bad_requests(void **state)
{
	(void)state;
	struct lc c;
	uint8_t req[80], cc, rsp[64], num = 5;
	size_t rl;
	login(&c, PRIV_ADMIN);
	size_t n = ipmb_req(req + 1, SAT, NETFN_SENSOR, 0, 0x81, 3, 0x2D, &num, 1);
	/* Channel 1 (LAN) is not a bridge target; tracking 10b/11b are invalid. */
	req[0] = 0x41;
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x34, req, 1 + n, &cc, rsp, &rl), 0);
	assert_int_equal(cc, CC_INVALID_FIELD);
	req[0] = 0x80;
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x34, req, 1 + n, &cc, rsp, &rl), 0);
	assert_int_equal(cc, CC_INVALID_FIELD);
	/* A bad embedded checksum. */
	req[0] = 0x40;
	req[n] ^= 1;
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x34, req, 1 + n, &cc, rsp, &rl), 0);
	assert_int_equal(cc, CC_INVALID_FIELD);
	req[n] ^= 1;
	/* Nobody at the address: NAK on write, 83h. */
	fp_bmc.ipmb_rc = -1;
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x34, req, 1 + n, &cc, rsp, &rl), 0);
	assert_int_equal(cc, 0x83);
	fp_bmc.ipmb_rc = -2;
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x34, req, 1 + n, &cc, rsp, &rl), 0);
	assert_int_equal(cc, 0x82);
	fp_bmc.ipmb_rc = 0;
	/* Too short to be an IPMB message: the length check. */
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x34, req, 4, &cc, rsp, &rl), 0);
	assert_int_equal(cc, CC_REQ_LEN_INVALID);
}

static void test_pending_limit_and_expiry(void **state)
{
	(void)state;
	struct lc c;
	uint8_t req[80], cc, rsp[64], num = 5;
	size_t rl;
	login(&c, PRIV_USER);
	req[0] = 0x40;
	size_t n = ipmb_req(req + 1, SAT, NETFN_SENSOR, 0, 0x81, 4, 0x2D, &num, 1);
	for (unsigned i = 0; i < BMC_IPMB_PENDING_PER_SESSION; i++) {
		assert_int_equal(lc_cmd(&c, NETFN_APP, 0x34, req, 1 + n, &cc, rsp, &rl), 0);
		assert_int_equal(cc, 0);
	}
	/* One console cannot hold more: node busy. */
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x34, req, 1 + n, &cc, rsp, &rl), 0);
	assert_int_equal(cc, CC_NODE_BUSY);
	/* After the 5 s expiry the slots are free again, and a late answer goes nowhere. */
	fp_bmc.now_ms += BMC_IPMB_EXPIRY_MS;
	bmc_tick(bmc);
	unsigned lan = fp_bmc.sent_count;
	carry(&fp_bmc, sat);
	carry(&fp_sat, bmc);
	assert_int_equal(fp_bmc.sent_count, lan);
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x34, req, 1 + n, &cc, rsp, &rl), 0);
	assert_int_equal(cc, 0);
}

static void test_untracked_response_in_get_message(void **state)
{
	(void)state;
	struct lc c;
	uint8_t req[80], cc, rsp[80];
	size_t rl;
	login(&c, PRIV_ADMIN);
	/* Get Message with an empty queue: 80h. Get Message Flags: nothing waiting. */
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x33, NULL, 0, &cc, rsp, &rl), 0);
	assert_int_equal(cc, 0x80);
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x31, NULL, 0, &cc, rsp, &rl), 0);
	assert_int_equal(rsp[0] & 1, 0);
	/* No tracking: the request goes out as built (requester 20h), so its answer comes
	 * back to the BMC as an untracked response. */
	req[0] = 0x00;
	size_t n = ipmb_req(req + 1, SAT, NETFN_APP, 0, 0x20, 9, 0x01, NULL, 0);
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x34, req, 1 + n, &cc, rsp, &rl), 0);
	assert_int_equal(cc, 0);
	carry(&fp_bmc, sat);
	carry(&fp_sat, bmc);
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x31, NULL, 0, &cc, rsp, &rl), 0);
	assert_int_equal(rsp[0] & 1, 1);
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x33, NULL, 0, &cc, rsp, &rl), 0);
	assert_int_equal(cc, 0);
	assert_int_equal(rsp[0], 0x00);              /* channel 0 */
	assert_int_equal(rsp[1] >> 2, NETFN_APP + 1); /* netFn/LUN first: our address left out */
	assert_int_equal(rsp[3], SAT);               /* the responder */
	assert_int_equal(rsp[4] >> 2, 9);
	assert_int_equal(rsp[5], 0x01);
	assert_int_equal(rsp[6], 0x00);
	assert_int_equal(rsp[7], 0x20);              /* Get Device ID: its device id (default 20h) */
	assert_int_equal(lc_cmd(&c, NETFN_APP, 0x33, NULL, 0, &cc, rsp, &rl), 0);
	assert_int_equal(cc, 0x80);
}

static void test_frames_for_others_and_bad_checksums_dropped(void **state)
{
	(void)state;
	uint8_t f[16];
	struct bmc_peer none = {0};
	size_t n = ipmb_req(f, 0x30, NETFN_APP, 0, 0x20, 1, 0x01, NULL, 0);
	unsigned before = fp_sat.ipmb_count;
	bmc_input(sat, 0, &none, f, n); /* not the satellite's address */
	n = ipmb_req(f, SAT, NETFN_APP, 0, 0x20, 1, 0x01, NULL, 0);
	f[n - 1] ^= 0xFF;
	bmc_input(sat, 0, &none, f, n);
	bmc_input(sat, 0, &none, f, 3);
	assert_int_equal(fp_sat.ipmb_count, before);
	f[n - 1] ^= 0xFF;
	bmc_input(sat, 0, &none, f, n);
	assert_int_equal(fp_sat.ipmb_count, before + 1);
}

static void test_satellite_event_reaches_bmc_sel(void **state)
{
	(void)state;
	/* The satellite's event receiver is the BMC (20h, the configuration default). */
	unsigned before = bmc_sel_entries(bmc);
	fb_sat.raw[0] = 95; /* past its upper critical threshold (90) */
	bmc_sensor_refresh(sat, -1);
	/* Several events (UNC, UC going high) may be queued; carry each. */
	for (unsigned i = 0; i < fp_sat.ipmb_count && i < FAKE_MAX_SENT; i++) {
		struct bmc_peer none = {0};
		bmc_input(bmc, 0, &none, fp_sat.ipmb[i], fp_sat.ipmb_len[i]);
	}
	assert_true(bmc_sel_entries(bmc) > before);
	uint8_t rec[16];
	assert_int_equal(bmc_sel_entry(bmc, bmc_sel_entries(bmc) - 1, rec), 0);
	assert_int_equal(rec[2], 0x02);  /* system event record */
	assert_int_equal(rec[7], SAT);   /* generator: the satellite's slave address */
	assert_int_equal(rec[9], 0x04);  /* EvM rev */
	assert_int_equal(rec[10], 0x01); /* temperature */
	assert_int_equal(rec[11], 5);    /* its sensor number */
}

static void test_sdr_has_remote_sensor_and_locator(void **state)
{
	(void)state;
	uint8_t rec[SDR_MAX_RECORD];
	uint16_t n = bmc_sdr_count(bmc);
	assert_int_equal(n, 2 + 2 + 1); /* two sensors, FRU + own MC locator, the satellite's */
	int len = bmc_sdr_encode(bmc, 2, rec, sizeof rec);
	assert_true(len > 8);
	assert_int_equal(rec[5], SAT); /* owner of "Sat Temp" */
	len = bmc_sdr_encode(bmc, n, rec, sizeof rec);
	assert_true(len > 8);
	assert_int_equal(rec[3], 0x12); /* MC locator */
	assert_int_equal(rec[5], SAT);
	/* The BMC itself does not answer for a sensor it does not own. */
	assert_int_equal(bmc_sensor_find(bmc, SAT, 0, 5), -1);
	assert_int_equal(bmc_sensor_find(sat, SAT, 0, 5), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_channel_zero_is_ipmb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tracked_bridge_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bridged_privilege, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_limit_and_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_untracked_response_in_get_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frames_for_others_and_bad_checksums_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_satellite_event_reaches_bmc_sel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sdr_has_remote_sensor_and_locator, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
