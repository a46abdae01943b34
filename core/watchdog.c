/* The BMC watchdog timer, IPMI 2.0 §27. The countdown is kept as a deadline in
 * bmc_now() milliseconds and checked on every tick (250 ms in the daemon), so the
 * timer is as exact as the tick; the 100 ms units exist only on the wire. */
#include "watchdog.h"

#include <string.h>

#include "bmc/buf.h"
#include "chassis.h"
#include "sel.h"
#include "state.h"

void bmc_watchdog_init(struct bmc *bmc)
{
	/* §27: after AC power-up the timer is stopped, uninitialised, no flags set. */
	memset(&bmc->chassis.wd, 0, sizeof bmc->chassis.wd);
}

static uint8_t use_of(const struct bmc_watchdog *wd)
{
	return wd->use & WD_USE_MASK;
}

/* Logs a Watchdog 2 event (table 42-3) with offset `offset`. Event data 1 says data 2
 * holds the sensor-specific extension (bits 7:6 = 11b) and data 3 is unused; data 2 is
 * the interrupt type (7:4) and the timer use at expiration (3:0). */
static void log_event(struct bmc *bmc, uint8_t offset)
{
	struct bmc_watchdog *wd = &bmc->chassis.wd;
	struct bmc_chassis_event ev = {
		.sensor_type = SENSOR_TYPE_WATCHDOG2,
		.sensor_num = BMC_WATCHDOG_SENSOR_NUM,
		.dir_type = EVENT_TYPE_SENSOR_SPECIFIC, /* assertion */
		.d1 = (uint8_t)(0xC0 | offset),
		.d2 = (uint8_t)(((wd->actions >> 4) & 0x07) << 4 | use_of(wd)),
		.d3 = 0xFF,
	};
	if (wd->use & WD_DONT_LOG)
		return;
	wd->last_event = ev;
	wd->events++;
	if (bmc_sel_log_event(bmc, 0x0020, ev.sensor_type, ev.sensor_num, ev.dir_type, ev.d1, ev.d2, ev.d3) < 0)
		bmc_logf(bmc, BMC_LOG_WARN, "watchdog: SEL event (offset %u) not logged", offset);
}

/* Milliseconds left in the countdown. */
static uint64_t remaining(struct bmc *bmc)
{
	const struct bmc_watchdog *wd = &bmc->chassis.wd;
	if (!wd->running)
		return wd->remaining_ms;
	uint64_t now = bmc_now(bmc);
	return wd->deadline_ms > now ? wd->deadline_ms - now : 0;
}

static void start(struct bmc *bmc)
{
	struct bmc_watchdog *wd = &bmc->chassis.wd;
	wd->running = true;
	wd->pretimeout_done = false;
	wd->deadline_ms = bmc_now(bmc) + (uint64_t)wd->initial * 100u;
}

void bmc_watchdog_stop(struct bmc *bmc)
{
	struct bmc_watchdog *wd = &bmc->chassis.wd;
	if (!wd->running)
		return;
	wd->remaining_ms = (uint32_t)remaining(bmc);
	wd->running = false;
}

/* IPMI 2.0 §27.6 */
uint8_t bmc_watchdog_set(struct bmc *bmc, uint8_t use, uint8_t actions, uint8_t pretimeout_s, uint8_t clear,
			 uint16_t initial)
{
	struct bmc_watchdog *wd = &bmc->chassis.wd;
	bool keep_running = (use & WD_DONT_STOP) && wd->running;

	wd->initialised = true;
	wd->use = (uint8_t)(use & (WD_DONT_LOG | WD_USE_MASK));
	wd->actions = actions;
	wd->pretimeout_s = pretimeout_s;
	wd->expired &= (uint8_t)~clear;
	wd->initial = initial;
	if (keep_running) {
		/* "Don't stop": the new countdown takes effect at once and keeps running. */
		start(bmc);
	} else {
		wd->running = false;
		wd->pretimeout_done = false;
		wd->remaining_ms = (uint32_t)initial * 100u;
	}
	return CC_OK;
}

/* IPMI 2.0 §27.5: (re)starts the countdown from the initial value. */
uint8_t bmc_watchdog_reset(struct bmc *bmc)
{
	if (!bmc->chassis.wd.initialised)
		return CC_WD_UNINITIALISED;
	start(bmc);
	return CC_OK;
}

/* IPMI 2.0 §27.7 */
void bmc_watchdog_get(struct bmc *bmc, struct bmc_writer *rsp)
{
	const struct bmc_watchdog *wd = &bmc->chassis.wd;
	uint64_t left = (remaining(bmc) + 99u) / 100u; /* a countdown still running shows at least 1 */
	wr_u8(rsp, (uint8_t)(wd->use | (wd->running ? WD_RUNNING : 0)));
	wr_u8(rsp, wd->actions);
	wr_u8(rsp, wd->pretimeout_s);
	wr_u8(rsp, wd->expired);
	wr_u16le(rsp, wd->initial);
	wr_u16le(rsp, (uint16_t)(left > 0xFFFF ? 0xFFFF : left));
}

static void expire(struct bmc *bmc)
{
	struct bmc_watchdog *wd = &bmc->chassis.wd;
	uint8_t act = wd->actions & 0x07;
	static const enum bmc_chassis_action to_chassis[4] = {
		BMC_CHASSIS_DIAG_INTERRUPT, /* unused: no action */
		BMC_CHASSIS_HARD_RESET, BMC_CHASSIS_POWER_OFF, BMC_CHASSIS_POWER_CYCLE,
	};

	wd->running = false;
	wd->remaining_ms = 0;
	/* §27.2: the flag of the use the timer had when it expired (uses 1..5 = bits 1..5). */
	if (use_of(wd) >= 1 && use_of(wd) <= 5)
		wd->expired |= (uint8_t)(1u << use_of(wd));
	/* Table 42-3, Watchdog 2: offset 0 "timer expired, status only", 1 hard reset,
	 * 2 power down, 3 power cycle: the same numbers as the timeout action. */
	log_event(bmc, act <= WD_ACT_POWER_CYCLE ? act : 0);
	bmc_logf(bmc, BMC_LOG_WARN, "watchdog: expired (use %u, action %u)", use_of(wd), act);
	if (act >= WD_ACT_HARD_RESET && act <= WD_ACT_POWER_CYCLE) {
		int rc = bmc_chassis_action(bmc, to_chassis[act], RESTART_WATCHDOG, 0);
		if (rc != CHASSIS_OK)
			bmc_logf(bmc, BMC_LOG_WARN, "watchdog: timeout action %u failed (%d)", act, rc);
	}
}

void bmc_watchdog_tick(struct bmc *bmc)
{
	struct bmc_watchdog *wd = &bmc->chassis.wd;
	if (!wd->running)
		return;
	uint64_t left = remaining(bmc);
	uint8_t pre = (wd->actions >> 4) & 0x07;
	/* §27.1: the pre-timeout interrupt comes pretimeout_s seconds before expiry. */
	if (pre != WD_PRE_NONE && !wd->pretimeout_done && left <= (uint64_t)wd->pretimeout_s * 1000u) {
		wd->pretimeout_done = true;
		bmc->wdt_pretimeout_flag = true;
		if (bmc->backend.pretimeout_interrupt)
			bmc->backend.pretimeout_interrupt(bmc->backend.ctx, pre);
		log_event(bmc, 0x08); /* table 42-3: "timer interrupt" */
	}
	if (left == 0)
		expire(bmc);
}
