/* The watchdog timer, IPMI 2.0 §27: exact bytes of Set/Get/Reset Watchdog Timer, the
 * countdown, the pre-timeout interrupt, the timeout action through the chassis, the
 * expiration flags and the Watchdog 2 event (table 42-3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chassis.h"
#include "dispatch.h"
#include "fake_backend.h"
#include "fake_platform.h"
#include "watchdog.h"

static struct fake_platform fp;
static struct fake_backend fb;
static struct bmc_backend be;

static struct rsp xfer(struct bmc *bmc, uint8_t netfn, uint8_t cmd, uint8_t priv, const uint8_t *data, size_t len)
{
	struct bmc_req req = {
		.netfn = netfn, .cmd = cmd, .channel = CHANNEL_LAN, .priv = priv, .data = data, .len = len,
	};
	return fake_dispatch(bmc, &req, 0);
}

static struct bmc *new_bmc(void)
{
	fake_backend_init(&fb, &be);
	return fake_bmc_new_with(&fp, NULL, &be, true);
}

static void advance(struct bmc *bmc, uint64_t ms)
{
	for (uint64_t t = 0; t < ms; t += 250) {
		fp.now_ms += ms - t < 250 ? ms - t : 250;
		bmc_tick(bmc);
	}
}

/* Set Watchdog Timer at OPERATOR: use, actions, pre-timeout (s), flags to clear,
 * countdown (100 ms). */
static uint8_t set_wd(struct bmc *bmc, uint8_t use, uint8_t actions, uint8_t pre_s, uint8_t clear, uint16_t count)
{
	const uint8_t q[6] = {use, actions, pre_s, clear, (uint8_t)count, (uint8_t)(count >> 8)};
	return xfer(bmc, NETFN_APP, CMD_SET_WATCHDOG, PRIV_OPERATOR, q, 6).cc;
}

static uint8_t reset_wd(struct bmc *bmc)
{
	return xfer(bmc, NETFN_APP, CMD_RESET_WATCHDOG, PRIV_OPERATOR, NULL, 0).cc;
}

#define GET(bmc, ...)                                                                                          \
	do {                                                                                                   \
		const uint8_t want_[] = {__VA_ARGS__};                                                         \
		struct rsp r_ = xfer(bmc, NETFN_APP, CMD_GET_WATCHDOG, PRIV_USER, NULL, 0);                    \
		assert_int_equal(r_.cc, CC_OK);                                                                \
		assert_int_equal(r_.len, sizeof want_);                                                        \
		assert_memory_equal(r_.data, want_, sizeof want_);                                             \
	} while (0)

static void expect_event(const struct bmc *bmc, uint8_t d1, uint8_t d2)
{
	const struct bmc_chassis_event *ev = &bmc->chassis.wd.last_event;
	assert_int_equal(ev->sensor_type, 0x23);
	assert_int_equal(ev->sensor_num, BMC_WATCHDOG_SENSOR_NUM);
	assert_int_equal(ev->dir_type, 0x6F);
	assert_int_equal(ev->d1, d1);
	assert_int_equal(ev->d2, d2);
	assert_int_equal(ev->d3, 0xFF);
}

static void reset_before_set(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	assert_int_equal(reset_wd(bmc), 0x80);
	GET(bmc, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_int_equal(set_wd(bmc, 0x04, 0x00, 0, 0, 50), CC_OK);
	assert_int_equal(reset_wd(bmc), CC_OK);
	free(bmc);
}

static void countdown_and_hard_reset(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	/* SMS/OS, hard reset, 10.0 s. Set leaves the timer stopped. */
	assert_int_equal(set_wd(bmc, 0x04, 0x01, 0, 0, 100), CC_OK);
	GET(bmc, 0x04, 0x01, 0x00, 0x00, 100, 0, 100, 0);
	advance(bmc, 20000);
	GET(bmc, 0x04, 0x01, 0x00, 0x00, 100, 0, 100, 0);
	assert_int_equal(fb.nactions, 0);
	assert_int_equal(reset_wd(bmc), CC_OK);
	GET(bmc, 0x44, 0x01, 0x00, 0x00, 100, 0, 100, 0);
	advance(bmc, 2500);
	GET(bmc, 0x44, 0x01, 0x00, 0x00, 100, 0, 75, 0);
	advance(bmc, 7250);
	GET(bmc, 0x44, 0x01, 0x00, 0x00, 100, 0, 3, 0);
	assert_int_equal(fb.nactions, 0);
	advance(bmc, 250);
	/* Expired: stopped at 0, the SMS/OS flag (bit 4) set, the reset done. */
	GET(bmc, 0x04, 0x01, 0x00, 0x10, 100, 0, 0, 0);
	assert_int_equal(fb.nactions, 1);
	assert_int_equal(fb.actions[0], BMC_CHASSIS_HARD_RESET);
	assert_int_equal(bmc->chassis.wd.events, 1);
	expect_event(bmc, 0xC1, 0x04); /* offset 1 hard reset; no interrupt, SMS/OS */
	struct rsp r = xfer(bmc, NETFN_CHASSIS, CMD_GET_RESTART_CAUSE, PRIV_USER, NULL, 0);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.data[0], 0x04);
	advance(bmc, 20000);
	assert_int_equal(fb.nactions, 1);
	/* Reset starts it again from the initial countdown. */
	assert_int_equal(reset_wd(bmc), CC_OK);
	GET(bmc, 0x44, 0x01, 0x00, 0x10, 100, 0, 100, 0);
	/* Resetting in time keeps the host alive. */
	for (int i = 0; i < 5; i++) {
		advance(bmc, 8000);
		assert_int_equal(reset_wd(bmc), CC_OK);
	}
	assert_int_equal(fb.nactions, 1);
	/* The flag clears on request. */
	assert_int_equal(set_wd(bmc, 0x04, 0x01, 0, 0x10, 100), CC_OK);
	GET(bmc, 0x04, 0x01, 0x00, 0x00, 100, 0, 100, 0);
	free(bmc);
}

static void pretimeout_then_power_down(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	/* OS load, NMI pre-timeout 3 s before, power down, 10.0 s. */
	assert_int_equal(set_wd(bmc, 0x03, 0x22, 3, 0, 100), CC_OK);
	assert_int_equal(reset_wd(bmc), CC_OK);
	advance(bmc, 6750);
	assert_int_equal(fb.pretimeouts, 0);
	advance(bmc, 250);
	assert_int_equal(fb.pretimeouts, 1);
	assert_int_equal(fb.last_pretimeout, WD_PRE_NMI);
	assert_int_equal(bmc->chassis.wd.events, 1);
	expect_event(bmc, 0xC8, 0x23); /* offset 8 timer interrupt; NMI, OS load */
	GET(bmc, 0x43, 0x22, 0x03, 0x00, 100, 0, 30, 0);
	advance(bmc, 2750);
	assert_int_equal(fb.pretimeouts, 1);
	assert_int_equal(fb.nactions, 0);
	advance(bmc, 250);
	assert_int_equal(fb.nactions, 1);
	assert_int_equal(fb.actions[0], BMC_CHASSIS_POWER_OFF);
	assert_false(fb.power_on);
	assert_int_equal(bmc->chassis.wd.events, 2);
	expect_event(bmc, 0xC2, 0x23);
	GET(bmc, 0x03, 0x22, 0x03, 0x08, 100, 0, 0, 0);
	struct rsp r = xfer(bmc, NETFN_CHASSIS, CMD_GET_CHASSIS_STATUS, PRIV_USER, NULL, 0);
	assert_int_equal(r.data[0] & 1, 0);
	r = xfer(bmc, NETFN_CHASSIS, CMD_GET_RESTART_CAUSE, PRIV_USER, NULL, 0);
	assert_int_equal(r.data[0], 0x04);
	/* Power cycle, SMI, BIOS FRB2: the host is powered on first. */
	const uint8_t on = 1;
	assert_int_equal(xfer(bmc, NETFN_CHASSIS, CMD_CHASSIS_CONTROL, PRIV_OPERATOR, &on, 1).cc, CC_OK);
	assert_int_equal(set_wd(bmc, 0x01, 0x13, 1, 0, 20), CC_OK);
	assert_int_equal(reset_wd(bmc), CC_OK);
	advance(bmc, 2000);
	assert_int_equal(fb.last_pretimeout, WD_PRE_SMI);
	assert_int_equal(fb.nactions, 3);
	assert_int_equal(fb.actions[2], BMC_CHASSIS_POWER_CYCLE);
	expect_event(bmc, 0xC3, 0x11);
	GET(bmc, 0x01, 0x13, 0x01, 0x0A, 20, 0, 0, 0);
	free(bmc);
}

static void no_action_and_dont_log(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	/* No action: only the flag and an "expired, status only" event. */
	assert_int_equal(set_wd(bmc, 0x02, 0x00, 0, 0, 10), CC_OK);
	assert_int_equal(reset_wd(bmc), CC_OK);
	advance(bmc, 1000);
	assert_int_equal(fb.nactions, 0);
	assert_int_equal(bmc->chassis.wd.events, 1);
	expect_event(bmc, 0xC0, 0x02);
	GET(bmc, 0x02, 0x00, 0x00, 0x04, 10, 0, 0, 0);
	/* Don't log: the action and the flag, no event. */
	assert_int_equal(set_wd(bmc, 0x85, 0x01, 0, 0, 10), CC_OK);
	GET(bmc, 0x85, 0x01, 0x00, 0x04, 10, 0, 10, 0);
	assert_int_equal(reset_wd(bmc), CC_OK);
	advance(bmc, 1000);
	assert_int_equal(fb.nactions, 1);
	assert_int_equal(bmc->chassis.wd.events, 1);
	GET(bmc, 0x85, 0x01, 0x00, 0x24, 10, 0, 0, 0);
	/* Without a pre-timeout interrupt the interval is only stored. */
	assert_int_equal(set_wd(bmc, 0x04, 0x00, 200, 0x3E, 10), CC_OK);
	assert_int_equal(reset_wd(bmc), CC_OK);
	advance(bmc, 1000);
	assert_int_equal(fb.pretimeouts, 0);
	free(bmc);
}

static void dont_stop(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	assert_int_equal(set_wd(bmc, 0x04, 0x01, 0, 0, 100), CC_OK);
	assert_int_equal(reset_wd(bmc), CC_OK);
	advance(bmc, 5000);
	/* "Don't stop" while running: the new countdown runs at once. */
	assert_int_equal(set_wd(bmc, 0x44, 0x01, 0, 0, 300), CC_OK);
	GET(bmc, 0x44, 0x01, 0x00, 0x00, 0x2C, 0x01, 0x2C, 0x01);
	advance(bmc, 10000);
	GET(bmc, 0x44, 0x01, 0x00, 0x00, 0x2C, 0x01, 200, 0);
	/* A plain Set stops it. */
	assert_int_equal(set_wd(bmc, 0x04, 0x01, 0, 0, 100), CC_OK);
	GET(bmc, 0x04, 0x01, 0x00, 0x00, 100, 0, 100, 0);
	advance(bmc, 60000);
	assert_int_equal(fb.nactions, 0);
	/* "Don't stop" on a stopped timer leaves it stopped. */
	assert_int_equal(set_wd(bmc, 0x44, 0x01, 0, 0, 50), CC_OK);
	GET(bmc, 0x04, 0x01, 0x00, 0x00, 50, 0, 50, 0);
	advance(bmc, 60000);
	assert_int_equal(fb.nactions, 0);
	free(bmc);
}

static void power_actions_stop_the_timer(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	assert_int_equal(set_wd(bmc, 0x04, 0x03, 0, 0, 100), CC_OK);
	assert_int_equal(reset_wd(bmc), CC_OK);
	advance(bmc, 4000);
	const uint8_t reset = 3;
	assert_int_equal(xfer(bmc, NETFN_CHASSIS, CMD_CHASSIS_CONTROL, PRIV_OPERATOR, &reset, 1).cc, CC_OK);
	GET(bmc, 0x04, 0x03, 0x00, 0x00, 100, 0, 60, 0);
	advance(bmc, 60000);
	assert_int_equal(fb.nactions, 1);
	assert_int_equal(bmc->chassis.wd.events, 0);
	free(bmc);
}

static void boot_flags_and_watchdog_resets(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	const uint8_t flags[6] = {0x05, 0x80, 0x04, 0x00, 0x00, 0x00}, keep[2] = {0x03, 0x0C}, get5[3] = {5, 0, 0};
	/* Parameter 3 bit 2 keeps the flags through a watchdog reset (bit 3 stops the 60 s timer). */
	assert_int_equal(xfer(bmc, NETFN_CHASSIS, CMD_SET_BOOT_OPTIONS, PRIV_OPERATOR, keep, 2).cc, CC_OK);
	assert_int_equal(xfer(bmc, NETFN_CHASSIS, CMD_SET_BOOT_OPTIONS, PRIV_OPERATOR, flags, 6).cc, CC_OK);
	assert_int_equal(set_wd(bmc, 0x04, 0x01, 0, 0, 10), CC_OK);
	assert_int_equal(reset_wd(bmc), CC_OK);
	advance(bmc, 1000);
	assert_int_equal(fb.nactions, 1);
	struct rsp r = xfer(bmc, NETFN_CHASSIS, CMD_GET_BOOT_OPTIONS, PRIV_OPERATOR, get5, 3);
	assert_int_equal(r.data[2], 0x80);
	/* Without it a watchdog reset uses them. */
	const uint8_t nokeep[2] = {0x03, 0x08};
	assert_int_equal(xfer(bmc, NETFN_CHASSIS, CMD_SET_BOOT_OPTIONS, PRIV_OPERATOR, nokeep, 2).cc, CC_OK);
	assert_int_equal(reset_wd(bmc), CC_OK);
	advance(bmc, 1000);
	assert_int_equal(fb.nactions, 2);
	r = xfer(bmc, NETFN_CHASSIS, CMD_GET_BOOT_OPTIONS, PRIV_OPERATOR, get5, 3);
	assert_int_equal(r.data[2], 0x00);
	free(bmc);
}

static void bad_fields_lengths_privileges(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	assert_int_equal(set_wd(bmc, 0x00, 0x01, 0, 0, 100), CC_INVALID_FIELD); /* use 0 reserved */
	assert_int_equal(set_wd(bmc, 0x06, 0x01, 0, 0, 100), CC_INVALID_FIELD);
	assert_int_equal(set_wd(bmc, 0x0C, 0x01, 0, 0, 100), CC_INVALID_FIELD); /* reserved bit 3 */
	assert_int_equal(set_wd(bmc, 0x04, 0x04, 0, 0, 100), CC_INVALID_FIELD); /* action 4 */
	assert_int_equal(set_wd(bmc, 0x04, 0x09, 0, 0, 100), CC_INVALID_FIELD); /* reserved bit 3 */
	assert_int_equal(set_wd(bmc, 0x04, 0x41, 0, 0, 100), CC_INVALID_FIELD); /* interrupt 4 */
	assert_int_equal(set_wd(bmc, 0x04, 0x81, 0, 0, 100), CC_INVALID_FIELD);
	assert_int_equal(set_wd(bmc, 0x04, 0x01, 0, 0x01, 100), CC_INVALID_FIELD); /* reserved flag */
	assert_int_equal(set_wd(bmc, 0x04, 0x01, 0, 0x40, 100), CC_INVALID_FIELD);
	assert_int_equal(set_wd(bmc, 0x04, 0x21, 11, 0, 100), CC_INVALID_FIELD); /* interrupt before the start */
	assert_int_equal(set_wd(bmc, 0x04, 0x21, 10, 0, 100), CC_OK);
	assert_int_equal(reset_wd(bmc), CC_OK);
	bmc_tick(bmc);
	assert_int_equal(fb.pretimeouts, 1); /* due at once */

	const uint8_t q[7] = {0x04, 0x01, 0, 0, 100, 0, 0};
	assert_int_equal(xfer(bmc, NETFN_APP, CMD_SET_WATCHDOG, PRIV_OPERATOR, q, 5).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(bmc, NETFN_APP, CMD_SET_WATCHDOG, PRIV_OPERATOR, q, 7).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(bmc, NETFN_APP, CMD_RESET_WATCHDOG, PRIV_OPERATOR, q, 1).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(bmc, NETFN_APP, CMD_GET_WATCHDOG, PRIV_USER, q, 1).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(bmc, NETFN_APP, CMD_SET_WATCHDOG, PRIV_USER, q, 6).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(xfer(bmc, NETFN_APP, CMD_RESET_WATCHDOG, PRIV_USER, NULL, 0).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(xfer(bmc, NETFN_APP, CMD_GET_WATCHDOG, PRIV_CALLBACK, NULL, 0).cc, CC_INSUFFICIENT_PRIV);
	/* The rejected requests changed nothing. */
	GET(bmc, 0x44, 0x21, 10, 0x00, 100, 0, 100, 0);
	free(bmc);
}

static void restart_forgets_the_timer(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	assert_int_equal(set_wd(bmc, 0x04, 0x01, 0, 0, 10), CC_OK);
	assert_int_equal(reset_wd(bmc), CC_OK);
	advance(bmc, 1000);
	free(bmc);
	/* A new BMC (AC power-up): uninitialised, no flags. */
	bmc = new_bmc();
	GET(bmc, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_int_equal(reset_wd(bmc), 0x80);
	free(bmc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reset_before_set),
		cmocka_unit_test(countdown_and_hard_reset),
		cmocka_unit_test(pretimeout_then_power_down),
		cmocka_unit_test(no_action_and_dont_log),
		cmocka_unit_test(dont_stop),
		cmocka_unit_test(power_actions_stop_the_timer),
		cmocka_unit_test(boot_flags_and_watchdog_resets),
		cmocka_unit_test(bad_fields_lengths_privileges),
		cmocka_unit_test(restart_forgets_the_timer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
