/* The chassis device, IPMI 2.0 §28: power state and actions, power restore policy,
 * restart cause, identify, POH counter; the time base of the watchdog (§27) and the
 * boot-flag timer (§28.12). */
#include "chassis.h"

#include <string.h>

#include "bmc/buf.h"
#include "bmc/store.h"
#include "state.h"

void bmc_chassis_init(struct bmc *bmc)
{
	struct bmc_chassis *c = &bmc->chassis;
	memset(c, 0, sizeof *c);
	/* A simulated server is expected to come up running, as it did when it was last
	 * seen: "previous", with "on" as the state before the very first start. */
	c->restore_policy = POLICY_PREVIOUS;
	c->last_on = true;
	/* §28.1: every management function lives in the BMC itself (slave address 20h). */
	c->caps[0] = 0x04; /* diagnostic interrupt (FP NMI); no interlock, lockout or intrusion */
	c->caps[1] = c->caps[2] = c->caps[3] = c->caps[4] = 0x20;
	bmc_bootopt_init(bmc);
	bmc_watchdog_init(bmc);
}

static int persist_power(struct bmc *bmc)
{
	const uint8_t v[2] = {bmc->chassis.restore_policy, bmc->chassis.last_on ? 1 : 0};
	return bmc_persist(bmc, STORE_CHASSIS, BMC_CHASSIS_KEY_POWER, v, sizeof v);
}

int bmc_chassis_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	struct bmc_chassis *c = &bmc->chassis;
	struct bmc_reader r;

	if (type != STORE_CHASSIS)
		return -1;
	rd_init(&r, value, len);
	if (key == BMC_CHASSIS_KEY_POWER) {
		uint8_t policy = rd_u8(&r), on = rd_u8(&r);
		if (!rd_done(&r) || policy > POLICY_ALWAYS_ON || on > 1)
			return -1;
		c->restore_policy = policy;
		c->last_on = on != 0;
		c->last_known = true;
		return 0;
	}
	if (key == BMC_CHASSIS_KEY_POH) {
		uint32_t poh = rd_u32le(&r);
		if (!rd_done(&r))
			return -1;
		c->poh = poh;
		return 0;
	}
	if (key == BMC_CHASSIS_KEY_CAPS) {
		if (len != 5 && len != 6)
			return -1;
		rd_bytes(&r, c->caps, 5);
		c->has_bridge = len == 6;
		c->bridge = rd_u8(&r);
		if (!rd_done(&r))
			return -1;
		return 0;
	}
	if ((key & 0xFF00) == BMC_CHASSIS_KEY_BOOTOPT)
		return bmc_bootopt_apply(bmc, (uint8_t)(key & 0xFF), value, len);
	return -1;
}

bool bmc_chassis_power(struct bmc *bmc)
{
	bool on = bmc->chassis.power_on;
	/* Without power_get the BMC knows only what its own actions did. */
	if (bmc->backend.power_get && bmc->backend.power_get(bmc->backend.ctx, &on) == 0)
		bmc->chassis.power_on = on;
	return bmc->chassis.power_on;
}

/* Keeps the persisted "previous" power state in step with the host. */
static void note_power(struct bmc *bmc)
{
	struct bmc_chassis *c = &bmc->chassis;
	if (c->power_on != c->last_on) {
		c->last_on = c->power_on;
		persist_power(bmc);
	}
}

int bmc_chassis_action(struct bmc *bmc, enum bmc_chassis_action action, uint8_t cause, uint8_t channel)
{
	struct bmc_chassis *c = &bmc->chassis;
	bool was_on = bmc_chassis_power(bmc);

	if (!bmc->backend.chassis_control)
		return CHASSIS_ENOBACKEND;
	/* §28.3: a power cycle of a system that is off should do nothing and say D5h; a
	 * reset or diagnostic interrupt of a host that is off cannot happen either. */
	if (!was_on && (action == BMC_CHASSIS_POWER_CYCLE || action == BMC_CHASSIS_HARD_RESET ||
			action == BMC_CHASSIS_DIAG_INTERRUPT))
		return CHASSIS_ENOTNOW;
	if (cause == RESTART_CHASSIS_CONTROL)
		bmc_bootopt_control_seen(bmc);
	if (bmc->backend.chassis_control(bmc->backend.ctx, action) != 0) {
		c->control_fault = true;
		bmc_logf(bmc, BMC_LOG_WARN, "chassis: the backend failed action %d", (int)action);
		return CHASSIS_EFAILED;
	}
	c->control_fault = false;

	/* What the action did to power, for a backend that cannot tell (power_get NULL). */
	switch (action) {
	case BMC_CHASSIS_POWER_OFF:
	case BMC_CHASSIS_SOFT_OFF:
		c->power_on = false;
		break;
	case BMC_CHASSIS_POWER_ON:
	case BMC_CHASSIS_POWER_CYCLE:
	case BMC_CHASSIS_HARD_RESET:
		c->power_on = true;
		break;
	case BMC_CHASSIS_DIAG_INTERRUPT:
		break;
	}
	bool on = bmc_chassis_power(bmc);

	if (action != BMC_CHASSIS_DIAG_INTERRUPT) {
		/* §28.11 asks for the cause of the latest restart; bmcd records the cause of
		 * the latest power transition, so a watchdog power-down shows up too. */
		c->restart_cause = cause;
		c->restart_chan = channel;
	}
	/* §28.2 byte 2 bit 4: "power is on" was last entered through an IPMI command. */
	if (on && !was_on)
		c->last_event = cause == RESTART_CHASSIS_CONTROL ? 0x10 : 0x00;
	else if (!on && was_on)
		c->last_event = 0x00;
	else if (on && cause == RESTART_CHASSIS_CONTROL &&
		 (action == BMC_CHASSIS_POWER_ON || action == BMC_CHASSIS_POWER_CYCLE))
		c->last_event = 0x10;

	if (action == BMC_CHASSIS_POWER_OFF || action == BMC_CHASSIS_POWER_CYCLE ||
	    action == BMC_CHASSIS_HARD_RESET)
		bmc_watchdog_stop(bmc);
	/* A cycle restarts the host even when the backend is still in its "off" part of
	 * the cycle at this moment (the simulated server waits a second). */
	if ((on && action == BMC_CHASSIS_POWER_ON) || action == BMC_CHASSIS_POWER_CYCLE ||
	    action == BMC_CHASSIS_HARD_RESET)
		bmc_bootopt_restarted(bmc, cause);
	note_power(bmc);
	bmc_logf(bmc, BMC_LOG_INFO, "chassis: action %d done (cause %u), power %s", (int)action, cause,
		 on ? "on" : "off");
	return CHASSIS_OK;
}

int bmc_chassis_do(struct bmc *bmc, enum bmc_chassis_action action)
{
	if ((unsigned)action > BMC_CHASSIS_SOFT_OFF)
		return -1;
	/* The control socket is local to the managed system's BMC, as the system interface
	 * is: its requests carry channel 0Fh. */
	return bmc_chassis_action(bmc, action, RESTART_CHASSIS_CONTROL, CHANNEL_SYSTEM) == CHASSIS_OK ? 0 : -1;
}

int bmc_chassis_start(struct bmc *bmc)
{
	struct bmc_chassis *c = &bmc->chassis;
	bool on = bmc_chassis_power(bmc);
	/* "Previous" with no previous state (the very first start) leaves the host as the
	 * platform has it: a simulated host configured to start off stays off. */
	bool previous = c->last_known ? c->last_on : on;
	bool want = c->restore_policy == POLICY_ALWAYS_ON || (c->restore_policy == POLICY_PREVIOUS && previous);

	/* The daemon's start stands for AC power returning (§28.8); the power went away
	 * with the AC (§28.2 byte 2 bit 0). */
	c->last_event = 0x01;
	c->restart_cause = RESTART_UNKNOWN;
	c->restart_chan = 0;
	if (want != on) {
		if (!bmc->backend.chassis_control ||
		    bmc->backend.chassis_control(bmc->backend.ctx,
						 want ? BMC_CHASSIS_POWER_ON : BMC_CHASSIS_POWER_OFF) != 0) {
			bmc_logf(bmc, BMC_LOG_WARN, "chassis: cannot apply the power restore policy (power %s)",
				 want ? "on" : "off");
		} else {
			c->power_on = want;
			on = bmc_chassis_power(bmc);
		}
	}
	if (on && want)
		c->restart_cause = c->restore_policy == POLICY_ALWAYS_ON ? RESTART_AC_ALWAYS_ON : RESTART_AC_PREVIOUS;
	bmc_logf(bmc, BMC_LOG_INFO, "chassis: power restore policy %u, power %s", c->restore_policy,
		 on ? "on" : "off");
	note_power(bmc);
	c->last_tick_ms = bmc_now(bmc);
	bmc_bootopt_start(bmc);
	return 0;
}

/* §28.14: the counter advances while the host is powered; each new count is stored
 * (at most one write a minute, as a count is a minute). */
static void poh_tick(struct bmc *bmc, uint64_t now, bool on)
{
	struct bmc_chassis *c = &bmc->chassis;
	uint64_t dt = now > c->last_tick_ms ? now - c->last_tick_ms : 0;
	c->last_tick_ms = now;
	if (!on)
		return;
	uint64_t total = c->poh_ms + dt;
	uint64_t counts = total / POH_MS_PER_COUNT;
	c->poh_ms = (uint32_t)(total % POH_MS_PER_COUNT);
	if (counts == 0)
		return;
	c->poh = counts > UINT32_MAX - c->poh ? UINT32_MAX : c->poh + (uint32_t)counts;
	uint8_t v[4];
	struct bmc_writer w;
	wr_init(&w, v, sizeof v);
	wr_u32le(&w, c->poh);
	bmc_persist(bmc, STORE_CHASSIS, BMC_CHASSIS_KEY_POH, v, sizeof v);
}

void bmc_chassis_tick(struct bmc *bmc)
{
	struct bmc_chassis *c = &bmc->chassis;
	uint64_t now = bmc_now(bmc);
	bool on = bmc_chassis_power(bmc);

	note_power(bmc); /* the host may change state by itself (soft off, the OS halting) */
	poh_tick(bmc, now, on);
	if (c->identify == IDENTIFY_TIMED && now >= c->identify_until_ms) {
		c->identify = IDENTIFY_OFF;
		if (bmc->backend.identify)
			bmc->backend.identify(bmc->backend.ctx, 0, false);
	}
	bmc_bootopt_tick(bmc);
	bmc_watchdog_tick(bmc);
}
