/* The host's power state machine, IPMI 2.0 §28.3 (Chassis Control) as the managed
 * server sees it:
 *   power off      on -> off at once (hard off)
 *   power on       off -> on at once
 *   power cycle    on -> off, then on after cycle_delay_ms of model time;
 *                  refused while off (§28.3: no effect when the host is off)
 *   hard reset     stays on, the host reboots (boot counter, uptime restart);
 *                  refused while off
 *   soft off       on -> off after soft_off_delay_ms (the OS shutting down); no-op when off
 *   diag interrupt logged (an NMI to the host); refused while off
 * Delayed steps happen in sim_tick, so they follow the caller's clock. */
#include "log.h"
#include "sim_internal.h"

static void hook(struct sim *sim, enum sim_power_event ev)
{
	if (sim->power_hook)
		sim->power_hook(sim->power_hook_ctx, ev);
}

static void set_power(struct sim *sim, bool on)
{
	bool was = sim->power_on;
	if (on && !sim->power_on) {
		sim->boots++;
		sim->boot_ms = sim->now_ms;
	}
	sim->power_on = on;
	log_info("sim: host power %s", on ? "on" : "off");
	if (was != on)
		hook(sim, on ? SIM_POWER_EV_ON : SIM_POWER_EV_OFF);
}

void sim_set_power_hook(struct sim *sim, sim_power_hook_fn *fn, void *ctx)
{
	sim->power_hook = fn;
	sim->power_hook_ctx = ctx;
}

void sim_power_init(struct sim *sim)
{
	sim->power_on = sim->cfg.power_on;
	sim->pending = SIM_PENDING_NONE;
	sim->boots = sim->power_on ? 1 : 0;
}

void sim_power_step(struct sim *sim)
{
	if (sim->pending != SIM_PENDING_NONE && sim->now_ms >= sim->pending_due_ms) {
		enum sim_pending p = sim->pending;
		sim->pending = SIM_PENDING_NONE;
		set_power(sim, p == SIM_PENDING_ON);
	}
	if (sim->identify_on && !sim->identify_force && sim->now_ms >= sim->identify_until_ms) {
		sim->identify_on = false;
		log_info("sim: identify light off (timed out)");
	}
}

bool sim_power_is_on(const struct sim *sim)
{
	return sim->power_on;
}

int sim_chassis_control(struct sim *sim, enum bmc_chassis_action action)
{
	switch (action) {
	case BMC_CHASSIS_POWER_OFF:
		sim->pending = SIM_PENDING_NONE;
		if (sim->power_on)
			set_power(sim, false);
		return 0;
	case BMC_CHASSIS_POWER_ON:
		sim->pending = SIM_PENDING_NONE;
		if (!sim->power_on)
			set_power(sim, true);
		return 0;
	case BMC_CHASSIS_POWER_CYCLE:
		if (!sim->power_on)
			return -1;
		set_power(sim, false);
		sim->pending = SIM_PENDING_ON;
		sim->pending_due_ms = sim->now_ms + sim->cfg.cycle_delay_ms;
		return 0;
	case BMC_CHASSIS_HARD_RESET:
		if (!sim->power_on)
			return -1;
		sim->pending = SIM_PENDING_NONE;
		sim->boots++;
		sim->boot_ms = sim->now_ms;
		log_info("sim: host hard reset");
		hook(sim, SIM_POWER_EV_RESET);
		return 0;
	case BMC_CHASSIS_SOFT_OFF:
		if (!sim->power_on || sim->pending == SIM_PENDING_OFF)
			return 0;
		sim->pending = SIM_PENDING_OFF;
		sim->pending_due_ms = sim->now_ms + sim->cfg.soft_off_delay_ms;
		log_info("sim: soft off requested; the host shuts down in %u ms", (unsigned)sim->cfg.soft_off_delay_ms);
		return 0;
	case BMC_CHASSIS_DIAG_INTERRUPT:
		if (!sim->power_on)
			return -1;
		sim->diag_interrupts++;
		log_info("sim: diagnostic interrupt (NMI) delivered to the host");
		return 0;
	}
	return -1;
}

int sim_identify(struct sim *sim, uint8_t seconds, bool force)
{
	sim->identify_force = force;
	sim->identify_on = force || seconds > 0;
	sim->identify_until_ms = sim->now_ms + (uint64_t)seconds * 1000u;
	if (force)
		log_info("sim: identify light on until turned off");
	else if (seconds)
		log_info("sim: identify light on for %u s", seconds);
	else
		log_info("sim: identify light off");
	return 0;
}

int sim_pretimeout(struct sim *sim, uint8_t kind)
{
	static const char *const names[] = {"none", "SMI", "NMI / diagnostic interrupt", "messaging interrupt"};
	if (kind > 3)
		return -1;
	sim->pretimeouts++;
	sim->last_pretimeout = kind;
	log_info("sim: watchdog pre-timeout interrupt to the host: %s", names[kind]);
	return 0;
}
