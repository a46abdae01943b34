/* The chassis device, IPMI 2.0 §28: exact bytes of each command, actions reaching the
 * backend, restart cause, identify timeout, power restore policy at start, boot
 * options and their valid bit, the POH counter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bmc/store.h"
#include "chassis.h"
#include "dispatch.h"
#include "fake_backend.h"
#include "fake_platform.h"

static struct fake_platform fp;
static struct fake_backend fb;
static struct bmc_backend be;

static struct rsp xfer(struct bmc *bmc, uint8_t cmd, uint8_t priv, const uint8_t *data, size_t len)
{
	struct bmc_req req = {
		.netfn = NETFN_CHASSIS, .cmd = cmd, .channel = CHANNEL_LAN, .priv = priv, .data = data, .len = len,
	};
	return fake_dispatch(bmc, &req, 0);
}

/* Sends cmd with the given bytes at ADMINISTRATOR and expects completion code cc. */
#define CC(bmc, want_cc, cmd, ...)                                                                             \
	do {                                                                                                   \
		const uint8_t q_[] = {0, __VA_ARGS__};                                                         \
		assert_int_equal(xfer(bmc, cmd, PRIV_ADMIN, q_ + 1, sizeof q_ - 1).cc, want_cc);               \
	} while (0)

/* The response data of a successful command must be exactly `want`. */
static void expect(struct bmc *bmc, uint8_t cmd, const uint8_t *q, size_t qlen, const uint8_t *want, size_t len)
{
	struct rsp r = xfer(bmc, cmd, PRIV_ADMIN, q, qlen);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, len);
	assert_memory_equal(r.data, want, len);
}

#define EXPECT(bmc, cmd, req, ...)                                                                             \
	do {                                                                                                   \
		const uint8_t want_[] = {__VA_ARGS__};                                                         \
		expect(bmc, cmd, (const uint8_t *)(req), sizeof(req) - 1, want_, sizeof want_);                \
	} while (0)

static struct bmc *new_bmc(void)
{
	fake_backend_init(&fb, &be);
	return fake_bmc_new_with(&fp, NULL, &be, true);
}

/* A new BMC on the same store and backend: the daemon restarting, i.e. AC returning. */
static struct bmc *restart(struct bmc *old)
{
	static struct fake_platform scratch;
	static struct bmc_platform plat;
	struct bmc_config cfg;
	free(old);
	fake_platform_init(&scratch, &plat);
	plat.ctx = &fp; /* the same ops, bound to the original store and clock */
	bmc_config_defaults(&cfg);
	struct bmc *bmc = calloc(1, bmc_size());
	assert_non_null(bmc);
	assert_int_equal(bmc_init(bmc, &plat, &be, &cfg), 0);
	fake_replay(&fp, bmc);
	assert_int_equal(bmc_start(bmc), 0);
	return bmc;
}

/* Advances the clock in daemon-sized 250 ms ticks. */
static void advance(struct bmc *bmc, uint64_t ms)
{
	for (uint64_t t = 0; t < ms; t += 250) {
		fp.now_ms += ms - t < 250 ? ms - t : 250;
		bmc_tick(bmc);
	}
}

static const struct fake_rec *find_rec(uint16_t key)
{
	return fake_find_rec(&fp, STORE_CHASSIS, key);
}

static uint8_t control(struct bmc *bmc, uint8_t action)
{
	return xfer(bmc, CMD_CHASSIS_CONTROL, PRIV_OPERATOR, &action, 1).cc;
}

/* ---- capabilities ---- */

static void capabilities(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	EXPECT(bmc, CMD_GET_CHASSIS_CAPS, "", 0x04, 0x20, 0x20, 0x20, 0x20);
	CC(bmc, CC_OK, CMD_SET_CHASSIS_CAPS, 0x03, 0x22, 0x24, 0x26, 0x28);
	EXPECT(bmc, CMD_GET_CHASSIS_CAPS, "", 0x07, 0x22, 0x24, 0x26, 0x28);
	CC(bmc, CC_OK, CMD_SET_CHASSIS_CAPS, 0x00, 0x20, 0x20, 0x20, 0x20, 0x30);
	EXPECT(bmc, CMD_GET_CHASSIS_CAPS, "", 0x04, 0x20, 0x20, 0x20, 0x20, 0x30);
	CC(bmc, CC_INVALID_FIELD, CMD_SET_CHASSIS_CAPS, 0x04, 0x20, 0x20, 0x20, 0x20); /* reserved flag */
	CC(bmc, CC_INVALID_FIELD, CMD_SET_CHASSIS_CAPS, 0x00, 0x21, 0x20, 0x20, 0x20); /* odd address */
	CC(bmc, CC_REQ_LEN_INVALID, CMD_SET_CHASSIS_CAPS, 0x00, 0x20, 0x20, 0x20);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_SET_CHASSIS_CAPS, 0x00, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_GET_CHASSIS_CAPS, 0x00);
	const uint8_t q[5] = {0, 0x20, 0x20, 0x20, 0x20};
	assert_int_equal(xfer(bmc, CMD_SET_CHASSIS_CAPS, PRIV_OPERATOR, q, 5).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(xfer(bmc, CMD_GET_CHASSIS_CAPS, PRIV_CALLBACK, NULL, 0).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(xfer(bmc, CMD_GET_CHASSIS_CAPS, PRIV_USER, NULL, 0).cc, CC_OK);
	bmc = restart(bmc);
	EXPECT(bmc, CMD_GET_CHASSIS_CAPS, "", 0x04, 0x20, 0x20, 0x20, 0x20, 0x30);
	free(bmc);
}

/* ---- status and control ---- */

static void status_bytes(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	/* Policy "previous" (01b in bits 6:5), power on; the AC "failed" before the start;
	 * identify supported and off; no front panel button can be disabled. */
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x21, 0x01, 0x40, 0x00);
	assert_int_equal(fb.nactions, 0); /* the host was already on */
	CC(bmc, CC_REQ_LEN_INVALID, CMD_GET_CHASSIS_STATUS, 0x00);
	assert_int_equal(xfer(bmc, CMD_GET_CHASSIS_STATUS, PRIV_CALLBACK, NULL, 0).cc, CC_INSUFFICIENT_PRIV);
	free(bmc);

	/* No backend at all: power unknown = off, nothing supported. */
	bmc = fake_bmc_new_with(&fp, NULL, NULL, true);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x20, 0x01, 0x00, 0x00);
	assert_int_equal(control(bmc, 1), CC_NOT_SUPPORTED_NOW);
	CC(bmc, CC_NOT_SUPPORTED_NOW, CMD_CHASSIS_IDENTIFY);
	assert_int_equal(bmc_chassis_do(bmc, BMC_CHASSIS_POWER_ON), -1);
	free(bmc);
}

static void control_reaches_backend_in_order(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	assert_int_equal(control(bmc, 0), CC_OK);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x20, 0x00, 0x40, 0x00);
	EXPECT(bmc, CMD_GET_RESTART_CAUSE, "", 0x01, CHANNEL_LAN);
	/* §28.3: a power cycle of a system that is off is refused with D5h. */
	assert_int_equal(control(bmc, 2), CC_NOT_SUPPORTED_NOW);
	assert_int_equal(control(bmc, 1), CC_OK);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x21, 0x10, 0x40, 0x00); /* on via an IPMI command */
	assert_int_equal(control(bmc, 2), CC_OK);
	assert_int_equal(control(bmc, 3), CC_OK);
	assert_int_equal(control(bmc, 4), CC_OK);
	assert_int_equal(control(bmc, 5), CC_OK);
	const int want[] = {BMC_CHASSIS_POWER_OFF, BMC_CHASSIS_POWER_ON, BMC_CHASSIS_POWER_CYCLE,
			    BMC_CHASSIS_HARD_RESET, BMC_CHASSIS_DIAG_INTERRUPT, BMC_CHASSIS_SOFT_OFF};
	assert_int_equal(fb.nactions, 6);
	assert_memory_equal(fb.actions, want, sizeof want);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x20, 0x00, 0x40, 0x00);

	/* Bad values, lengths, privilege: nothing reaches the backend. */
	assert_int_equal(control(bmc, 6), CC_INVALID_FIELD);
	assert_int_equal(control(bmc, 0x11), CC_INVALID_FIELD);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_CHASSIS_CONTROL);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_CHASSIS_CONTROL, 0x01, 0x00);
	const uint8_t on = 1;
	assert_int_equal(xfer(bmc, CMD_CHASSIS_CONTROL, PRIV_USER, &on, 1).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(fb.nactions, 6);

	/* A failing backend: FFh and the "power control fault" bit. */
	fb.fail_control = 1;
	assert_int_equal(control(bmc, 1), CC_UNSPECIFIED);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x30, 0x00, 0x40, 0x00);
	assert_int_equal(bmc_chassis_do(bmc, BMC_CHASSIS_POWER_ON), -1);
	fb.fail_control = 0;
	assert_int_equal(bmc_chassis_do(bmc, BMC_CHASSIS_POWER_ON), 0);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x21, 0x10, 0x40, 0x00);
	assert_int_equal(fb.actions[6], BMC_CHASSIS_POWER_ON);
	assert_int_equal(bmc_chassis_do(bmc, (enum bmc_chassis_action)9), -1);
	free(bmc);
}

static void restart_cause(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	/* Up after the start with "previous" and the host on: cause 7. */
	EXPECT(bmc, CMD_GET_RESTART_CAUSE, "", 0x07, 0x00);
	assert_int_equal(control(bmc, 3), CC_OK);
	EXPECT(bmc, CMD_GET_RESTART_CAUSE, "", 0x01, CHANNEL_LAN);
	assert_int_equal(bmc_chassis_do(bmc, BMC_CHASSIS_POWER_CYCLE), 0);
	EXPECT(bmc, CMD_GET_RESTART_CAUSE, "", 0x01, CHANNEL_SYSTEM);
	/* A diagnostic interrupt restarts nothing. */
	assert_int_equal(control(bmc, 4), CC_OK);
	EXPECT(bmc, CMD_GET_RESTART_CAUSE, "", 0x01, CHANNEL_SYSTEM);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_GET_RESTART_CAUSE, 0x00);
	assert_int_equal(xfer(bmc, CMD_GET_RESTART_CAUSE, PRIV_CALLBACK, NULL, 0).cc, CC_INSUFFICIENT_PRIV);
	free(bmc);
}

/* ---- identify ---- */

static void identify(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	CC(bmc, CC_OK, CMD_CHASSIS_IDENTIFY); /* default: 15 s */
	assert_int_equal(fb.identify_calls, 1);
	assert_int_equal(fb.identify_seconds, 15);
	assert_false(fb.identify_force);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x21, 0x01, 0x50, 0x00);
	advance(bmc, 14750);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x21, 0x01, 0x50, 0x00);
	advance(bmc, 250);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x21, 0x01, 0x40, 0x00);
	assert_int_equal(fb.identify_calls, 2);
	assert_int_equal(fb.identify_seconds, 0);

	CC(bmc, CC_OK, CMD_CHASSIS_IDENTIFY, 5);
	assert_int_equal(fb.identify_seconds, 5);
	advance(bmc, 5000);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x21, 0x01, 0x40, 0x00);
	assert_int_equal(fb.identify_calls, 4);

	/* Force on: indefinite, the interval ignored; then 0 turns it off. */
	CC(bmc, CC_OK, CMD_CHASSIS_IDENTIFY, 5, 0x01);
	assert_true(fb.identify_force);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x21, 0x01, 0x60, 0x00);
	advance(bmc, 3600000);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x21, 0x01, 0x60, 0x00);
	assert_int_equal(fb.identify_calls, 5);
	CC(bmc, CC_OK, CMD_CHASSIS_IDENTIFY, 0);
	assert_int_equal(fb.identify_calls, 6);
	assert_int_equal(fb.identify_seconds, 0);
	assert_false(fb.identify_force);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x21, 0x01, 0x40, 0x00);

	CC(bmc, CC_INVALID_FIELD, CMD_CHASSIS_IDENTIFY, 5, 0x02);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_CHASSIS_IDENTIFY, 5, 0x01, 0x00);
	const uint8_t q = 5;
	assert_int_equal(xfer(bmc, CMD_CHASSIS_IDENTIFY, PRIV_USER, &q, 1).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(fb.identify_calls, 6);
	free(bmc);
}

/* ---- power restore policy ---- */

static void restore_policy_command(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	EXPECT(bmc, CMD_SET_POWER_RESTORE_POLICY, "\x03", 0x07); /* no change: what is supported */
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x21, 0x01, 0x40, 0x00);
	EXPECT(bmc, CMD_SET_POWER_RESTORE_POLICY, "\x02", 0x07);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x41, 0x01, 0x40, 0x00);
	const struct fake_rec *rec = find_rec(BMC_CHASSIS_KEY_POWER);
	assert_non_null(rec);
	assert_int_equal(rec->len, 2);
	assert_int_equal(rec->value[0], 2);
	EXPECT(bmc, CMD_SET_POWER_RESTORE_POLICY, "\x00", 0x07);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x01, 0x01, 0x40, 0x00);
	CC(bmc, CC_INVALID_FIELD, CMD_SET_POWER_RESTORE_POLICY, 0x04);
	CC(bmc, CC_INVALID_FIELD, CMD_SET_POWER_RESTORE_POLICY, 0x81);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_SET_POWER_RESTORE_POLICY);
	const uint8_t q = 1;
	assert_int_equal(xfer(bmc, CMD_SET_POWER_RESTORE_POLICY, PRIV_USER, &q, 1).cc, CC_INSUFFICIENT_PRIV);
	fp.store_fail = 1;
	CC(bmc, CC_UNSPECIFIED, CMD_SET_POWER_RESTORE_POLICY, 0x02);
	fp.store_fail = 0;
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x01, 0x01, 0x40, 0x00);
	free(bmc);
}

static void restore_always_off(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	EXPECT(bmc, CMD_SET_POWER_RESTORE_POLICY, "\x00", 0x07);
	fb.nactions = 0;
	bmc = restart(bmc); /* the host comes back on with the AC: the policy turns it off */
	assert_int_equal(fb.nactions, 1);
	assert_int_equal(fb.actions[0], BMC_CHASSIS_POWER_OFF);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x00, 0x01, 0x40, 0x00);
	EXPECT(bmc, CMD_GET_RESTART_CAUSE, "", 0x00, 0x00);
	free(bmc);
}

static void restore_always_on(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	EXPECT(bmc, CMD_SET_POWER_RESTORE_POLICY, "\x02", 0x07);
	assert_int_equal(control(bmc, 0), CC_OK);
	fb.nactions = 0;
	bmc = restart(bmc);
	assert_int_equal(fb.nactions, 1);
	assert_int_equal(fb.actions[0], BMC_CHASSIS_POWER_ON);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x41, 0x01, 0x40, 0x00);
	EXPECT(bmc, CMD_GET_RESTART_CAUSE, "", 0x06, 0x00);
	free(bmc);
}

static void restore_previous(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	/* Off before the AC went: it stays off (the host reappears on: turned off). */
	assert_int_equal(control(bmc, 0), CC_OK);
	const struct fake_rec *rec = find_rec(BMC_CHASSIS_KEY_POWER);
	assert_non_null(rec);
	assert_int_equal(rec->value[0], POLICY_PREVIOUS);
	assert_int_equal(rec->value[1], 0);
	fb.power_on = true;
	fb.nactions = 0;
	bmc = restart(bmc);
	assert_int_equal(fb.nactions, 1);
	assert_int_equal(fb.actions[0], BMC_CHASSIS_POWER_OFF);
	EXPECT(bmc, CMD_GET_RESTART_CAUSE, "", 0x00, 0x00);

	/* On before the AC went (the host found off): turned on, cause 7. */
	assert_int_equal(control(bmc, 1), CC_OK);
	fb.power_on = false;
	fb.nactions = 0;
	bmc = restart(bmc);
	assert_int_equal(fb.nactions, 1);
	assert_int_equal(fb.actions[0], BMC_CHASSIS_POWER_ON);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x21, 0x01, 0x40, 0x00);
	EXPECT(bmc, CMD_GET_RESTART_CAUSE, "", 0x07, 0x00);

	/* A change the host made by itself is noticed by the tick and remembered. */
	fb.power_on = false;
	advance(bmc, 250);
	fb.power_on = true;
	fb.nactions = 0;
	bmc = restart(bmc);
	assert_int_equal(fb.nactions, 1);
	assert_int_equal(fb.actions[0], BMC_CHASSIS_POWER_OFF);
	free(bmc);
}

/* The very first start has no "previous" state: the host stays as the platform has
 * it, on or off, and nothing is switched. */
static void restore_default_is_previous_as_found(void **state)
{
	(void)state;
	for (int on = 0; on <= 1; on++) {
		fake_backend_init(&fb, &be);
		fb.power_on = on;
		struct bmc *bmc = fake_bmc_new_with(&fp, NULL, &be, true);
		assert_int_equal(fb.nactions, 0);
		assert_int_equal(fb.power_on, on);
		if (on)
			EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x21, 0x01, 0x40, 0x00);
		else
			EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x20, 0x01, 0x40, 0x00);
		free(bmc);
	}
}

/* ---- boot options ---- */

static struct rsp get_bootopt(struct bmc *bmc, uint8_t param, uint8_t set)
{
	const uint8_t q[3] = {param, set, 0};
	return xfer(bmc, CMD_GET_BOOT_OPTIONS, PRIV_OPERATOR, q, 3);
}

#define BOOT(bmc, param, ...)                                                                                  \
	do {                                                                                                   \
		const uint8_t want_[] = {__VA_ARGS__};                                                         \
		struct rsp r_ = get_bootopt(bmc, param, 0);                                                    \
		assert_int_equal(r_.cc, CC_OK);                                                                \
		assert_int_equal(r_.len, sizeof want_);                                                        \
		assert_memory_equal(r_.data, want_, sizeof want_);                                             \
	} while (0)

static void bootopt_defaults_and_bytes(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	BOOT(bmc, 0, 0x01, 0x00, 0x00);
	BOOT(bmc, 1, 0x01, 0x01, 0x00);
	BOOT(bmc, 2, 0x01, 0x02, 0x00);
	BOOT(bmc, 3, 0x01, 0x03, 0x00);
	BOOT(bmc, 4, 0x01, 0x04, 0x00, 0x00);
	BOOT(bmc, 5, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00);
	BOOT(bmc, 6, 0x01, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	struct rsp r = get_bootopt(bmc, 7, 4);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 19);
	assert_int_equal(r.data[0], 0x01);
	assert_int_equal(r.data[1], 0x07);
	assert_int_equal(r.data[2], 4);

	/* ipmitool "chassis bootdev pxe": valid, next boot only, legacy, PXE. */
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00);
	BOOT(bmc, 5, 0x01, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00);
	const struct fake_rec *rec = find_rec(BMC_CHASSIS_KEY_BOOTOPT | 5);
	assert_non_null(rec);
	const uint8_t stored[] = {0x00, 0x80, 0x04, 0x00, 0x00, 0x00};
	assert_int_equal(rec->len, sizeof stored);
	assert_memory_equal(rec->value, stored, sizeof stored);

	/* The other parameters. */
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x01, 0x42);
	BOOT(bmc, 1, 0x01, 0x01, 0x42);
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x02, 0x03);
	BOOT(bmc, 2, 0x01, 0x02, 0x03);
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x03, 0x1F);
	BOOT(bmc, 3, 0x01, 0x03, 0x1F);
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x04, 0x03, 0x01);
	BOOT(bmc, 4, 0x01, 0x04, 0x00, 0x01);
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x04, 0x01, 0x00); /* masked: only bit 0 changes */
	BOOT(bmc, 4, 0x01, 0x04, 0x00, 0x00);
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x04, 0xFF, 0xFF); /* FreeIPMI: reserved bits ignored */
	BOOT(bmc, 4, 0x01, 0x04, 0x00, 0x1F);
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x04, 0x1F, 0x00);
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x06, 0x01, 1, 2, 3, 4, 5, 6, 7, 8);
	BOOT(bmc, 6, 0x01, 0x06, 0x01, 1, 2, 3, 4, 5, 6, 7, 8);
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x07, 0x02, 0xAA, 0xBB, 0xCC);
	r = get_bootopt(bmc, 7, 2);
	assert_int_equal(r.cc, CC_OK);
	const uint8_t mb[] = {0x01, 0x07, 0x02, 0xAA, 0xBB, 0xCC, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	assert_int_equal(r.len, sizeof mb);
	assert_memory_equal(r.data, mb, sizeof mb);
	/* Byte 1 bit 7 marks a parameter invalid / locked; Get reports it. */
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x81, 0x07);
	BOOT(bmc, 1, 0x01, 0x81, 0x07);
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x01);
	BOOT(bmc, 1, 0x01, 0x01, 0x07);

	/* Everything but parameters 0 and 4 survives a restart. */
	bmc = restart(bmc);
	BOOT(bmc, 1, 0x01, 0x01, 0x07);
	BOOT(bmc, 2, 0x01, 0x02, 0x03);
	BOOT(bmc, 3, 0x01, 0x03, 0x1F);
	BOOT(bmc, 4, 0x01, 0x04, 0x00, 0x00);
	BOOT(bmc, 5, 0x01, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00);
	BOOT(bmc, 6, 0x01, 0x06, 0x01, 1, 2, 3, 4, 5, 6, 7, 8);
	r = get_bootopt(bmc, 7, 2);
	assert_memory_equal(r.data, mb, sizeof mb);
	free(bmc);
}

static void bootopt_errors(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	/* Unsupported parameters: 80h. */
	CC(bmc, 0x80, CMD_GET_BOOT_OPTIONS, 0x08, 0x00, 0x00);
	CC(bmc, 0x80, CMD_GET_BOOT_OPTIONS, 0x7F, 0x00, 0x00);
	CC(bmc, 0x80, CMD_SET_BOOT_OPTIONS, 0x08, 0x00);
	CC(bmc, 0x80, CMD_SET_BOOT_OPTIONS, 0x64, 0x00);
	/* Set in progress: 81h when already in progress. */
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x00, 0x01);
	BOOT(bmc, 0, 0x01, 0x00, 0x01);
	CC(bmc, 0x81, CMD_SET_BOOT_OPTIONS, 0x00, 0x01);
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x00, 0x02); /* commit: nothing to do */
	BOOT(bmc, 0, 0x01, 0x00, 0x01);
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x00, 0x00);
	BOOT(bmc, 0, 0x01, 0x00, 0x00);
	CC(bmc, CC_INVALID_FIELD, CMD_SET_BOOT_OPTIONS, 0x00, 0x03);
	/* Lengths. */
	CC(bmc, CC_REQ_LEN_INVALID, CMD_SET_BOOT_OPTIONS);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_SET_BOOT_OPTIONS, 0x00);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_SET_BOOT_OPTIONS, 0x05, 0x80, 0x04, 0x00, 0x00);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_SET_BOOT_OPTIONS, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00, 0x00);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_SET_BOOT_OPTIONS, 0x03, 0x00, 0x00);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_SET_BOOT_OPTIONS, 0x04, 0x01);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_SET_BOOT_OPTIONS, 0x06, 0x01, 0x02);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_GET_BOOT_OPTIONS, 0x05, 0x00);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_GET_BOOT_OPTIONS, 0x05, 0x00, 0x00, 0x00);
	/* Bad fields. */
	CC(bmc, CC_INVALID_FIELD, CMD_SET_BOOT_OPTIONS, 0x05, 0x81, 0x04, 0x00, 0x00, 0x00);
	CC(bmc, CC_INVALID_FIELD, CMD_SET_BOOT_OPTIONS, 0x05, 0x80, 0x04, 0x00, 0x10, 0x00);
	CC(bmc, CC_INVALID_FIELD, CMD_SET_BOOT_OPTIONS, 0x05, 0x80, 0x04, 0x00, 0x00, 0x20);
	CC(bmc, CC_INVALID_FIELD, CMD_SET_BOOT_OPTIONS, 0x03, 0x20);
	CC(bmc, CC_INVALID_FIELD, CMD_SET_BOOT_OPTIONS, 0x02, 0x04);
	CC(bmc, CC_INVALID_FIELD, CMD_SET_BOOT_OPTIONS, 0x06, 0x10, 1, 2, 3, 4, 5, 6, 7, 8);
	CC(bmc, CC_INVALID_FIELD, CMD_SET_BOOT_OPTIONS, 0x07, 0x05, 0x00);
	CC(bmc, CC_INVALID_FIELD, CMD_GET_BOOT_OPTIONS, 0x85, 0x00, 0x00);
	CC(bmc, CC_INVALID_FIELD, CMD_GET_BOOT_OPTIONS, 0x05, 0x01, 0x00);
	CC(bmc, CC_INVALID_FIELD, CMD_GET_BOOT_OPTIONS, 0x05, 0x00, 0x01);
	CC(bmc, CC_INVALID_FIELD, CMD_GET_BOOT_OPTIONS, 0x07, 0x05, 0x00);
	BOOT(bmc, 5, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00);
	BOOT(bmc, 6, 0x01, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	/* Privilege: both are OPERATOR commands. */
	const uint8_t q[3] = {5, 0, 0};
	assert_int_equal(xfer(bmc, CMD_GET_BOOT_OPTIONS, PRIV_USER, q, 3).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(xfer(bmc, CMD_SET_BOOT_OPTIONS, PRIV_USER, q, 2).cc, CC_INSUFFICIENT_PRIV);
	/* A store failure changes nothing. */
	fp.store_fail = 1;
	CC(bmc, CC_UNSPECIFIED, CMD_SET_BOOT_OPTIONS, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00);
	fp.store_fail = 0;
	BOOT(bmc, 5, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00);
	free(bmc);
}

static void bootflags_valid_bit_clearing(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	/* One-time flags are used by the next restart. */
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00);
	assert_int_equal(control(bmc, 2), CC_OK);
	BOOT(bmc, 5, 0x01, 0x05, 0x00, 0x04, 0x00, 0x00, 0x00);
	bmc = restart(bmc);
	BOOT(bmc, 5, 0x01, 0x05, 0x00, 0x04, 0x00, 0x00, 0x00);
	/* Powering off does not use them; the next power-on does. */
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x05, 0x80, 0x08, 0x00, 0x00, 0x00);
	assert_int_equal(control(bmc, 0), CC_OK);
	advance(bmc, 120000); /* the Chassis Control stopped the 60 s timer */
	BOOT(bmc, 5, 0x01, 0x05, 0x80, 0x08, 0x00, 0x00, 0x00);
	assert_int_equal(control(bmc, 1), CC_OK);
	BOOT(bmc, 5, 0x01, 0x05, 0x00, 0x08, 0x00, 0x00, 0x00);
	/* Persistent EFI flags stay. */
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x05, 0xE0, 0x08, 0x00, 0x00, 0x00);
	assert_int_equal(control(bmc, 3), CC_OK);
	assert_int_equal(control(bmc, 2), CC_OK);
	advance(bmc, 120000);
	BOOT(bmc, 5, 0x01, 0x05, 0xE0, 0x08, 0x00, 0x00, 0x00);
	free(bmc);
}

static void bootflags_sixty_seconds(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00);
	advance(bmc, 59750);
	BOOT(bmc, 5, 0x01, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00);
	advance(bmc, 250);
	BOOT(bmc, 5, 0x01, 0x05, 0x00, 0x04, 0x00, 0x00, 0x00);
	const struct fake_rec *rec = find_rec(BMC_CHASSIS_KEY_BOOTOPT | 5);
	assert_non_null(rec);
	assert_int_equal(rec->value[1], 0x00);
	/* Parameter 3 bit 3 turns the timeout off. */
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x03, 0x08);
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00);
	advance(bmc, 120000);
	BOOT(bmc, 5, 0x01, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00);
	/* Flags still valid at a restart get a fresh 60 s. */
	CC(bmc, CC_OK, CMD_SET_BOOT_OPTIONS, 0x03, 0x00);
	bmc = restart(bmc);
	advance(bmc, 30000);
	BOOT(bmc, 5, 0x01, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00);
	advance(bmc, 30000);
	BOOT(bmc, 5, 0x01, 0x05, 0x00, 0x04, 0x00, 0x00, 0x00);
	free(bmc);
}

/* ---- POH ---- */

static void poh_counter(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	EXPECT(bmc, CMD_GET_POH_COUNTER, "", 0x01, 0, 0, 0, 0);
	advance(bmc, 59750);
	EXPECT(bmc, CMD_GET_POH_COUNTER, "", 0x01, 0, 0, 0, 0);
	advance(bmc, 250);
	EXPECT(bmc, CMD_GET_POH_COUNTER, "", 0x01, 1, 0, 0, 0);
	/* One store write per count: three minutes, three writes. */
	uint32_t seq0 = fp.seq;
	advance(bmc, 180000);
	EXPECT(bmc, CMD_GET_POH_COUNTER, "", 0x01, 4, 0, 0, 0);
	assert_int_equal(fp.seq - seq0, 3);
	const struct fake_rec *rec = find_rec(BMC_CHASSIS_KEY_POH);
	assert_non_null(rec);
	assert_int_equal(rec->len, 4);
	assert_int_equal(rec->value[0], 4);
	/* Nothing counts while the host is off. */
	assert_int_equal(control(bmc, 0), CC_OK);
	advance(bmc, 600000);
	EXPECT(bmc, CMD_GET_POH_COUNTER, "", 0x01, 4, 0, 0, 0);
	/* A long gap between ticks counts in full, in one write. */
	assert_int_equal(control(bmc, 1), CC_OK);
	seq0 = fp.seq;
	fp.now_ms += 300 * 60000u;
	bmc_tick(bmc);
	EXPECT(bmc, CMD_GET_POH_COUNTER, "", 0x01, 0x30, 0x01, 0, 0); /* 304 */
	assert_int_equal(fp.seq - seq0, 1);
	bmc = restart(bmc);
	EXPECT(bmc, CMD_GET_POH_COUNTER, "", 0x01, 0x30, 0x01, 0, 0);
	CC(bmc, CC_REQ_LEN_INVALID, CMD_GET_POH_COUNTER, 0x00);
	assert_int_equal(xfer(bmc, CMD_GET_POH_COUNTER, PRIV_CALLBACK, NULL, 0).cc, CC_INSUFFICIENT_PRIV);
	free(bmc);
}

static void malformed_records_rejected(void **state)
{
	(void)state;
	struct bmc *bmc = new_bmc();
	const uint8_t bad_policy[2] = {3, 0}, short_poh[3] = {1, 2, 3}, bad_boot[5] = {0, 1, 2, 3, 4};
	const uint8_t bad_inv[6] = {2, 0x80, 0, 0, 0, 0};
	assert_int_equal(bmc_chassis_apply(bmc, STORE_CHASSIS, BMC_CHASSIS_KEY_POWER, bad_policy, 2), -1);
	assert_int_equal(bmc_chassis_apply(bmc, STORE_CHASSIS, BMC_CHASSIS_KEY_POH, short_poh, 3), -1);
	assert_int_equal(bmc_chassis_apply(bmc, STORE_CHASSIS, BMC_CHASSIS_KEY_BOOTOPT | 5, bad_boot, 5), -1);
	assert_int_equal(bmc_chassis_apply(bmc, STORE_CHASSIS, BMC_CHASSIS_KEY_BOOTOPT | 5, bad_inv, 6), -1);
	assert_int_equal(bmc_chassis_apply(bmc, STORE_CHASSIS, BMC_CHASSIS_KEY_BOOTOPT | 0, bad_boot, 2), -1);
	assert_int_equal(bmc_chassis_apply(bmc, STORE_CHASSIS, BMC_CHASSIS_KEY_BOOTOPT | 4, bad_boot, 3), -1);
	assert_int_equal(bmc_chassis_apply(bmc, STORE_CHASSIS, 99, bad_boot, 1), -1);
	assert_int_equal(bmc_chassis_apply(bmc, STORE_CHASSIS, BMC_CHASSIS_KEY_CAPS, bad_boot, 4), -1);
	EXPECT(bmc, CMD_GET_CHASSIS_STATUS, "", 0x21, 0x01, 0x40, 0x00);
	BOOT(bmc, 5, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00);
	free(bmc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(capabilities),
		cmocka_unit_test(status_bytes),
		cmocka_unit_test(control_reaches_backend_in_order),
		cmocka_unit_test(restart_cause),
		cmocka_unit_test(identify),
		cmocka_unit_test(restore_policy_command),
		cmocka_unit_test(restore_always_off),
		cmocka_unit_test(restore_always_on),
		cmocka_unit_test(restore_previous),
		cmocka_unit_test(restore_default_is_previous_as_found),
		cmocka_unit_test(bootopt_defaults_and_bytes),
		cmocka_unit_test(bootopt_errors),
		cmocka_unit_test(bootflags_valid_bit_clearing),
		cmocka_unit_test(bootflags_sixty_seconds),
		cmocka_unit_test(poh_counter),
		cmocka_unit_test(malformed_records_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
