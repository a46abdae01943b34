/* The simulated server's power state. Sensors arrive with issue 4. */
#include "sim.h"

static int sim_power_get(void *ctx, bool *on)
{
	*on = ((struct sim *)ctx)->power_on;
	return 0;
}

/* Minimal chassis for the chassis/watchdog interop tests (issue 4 rewrites the sim):
 * power is a flag; a cycle is off then on, a reset leaves the system on. */
static int sim_chassis_control(void *ctx, enum bmc_chassis_action action)
{
	struct sim *sim = ctx;
	switch (action) {
	case BMC_CHASSIS_POWER_OFF:
	case BMC_CHASSIS_SOFT_OFF:
		sim->power_on = false;
		return 0;
	case BMC_CHASSIS_POWER_ON:
	case BMC_CHASSIS_POWER_CYCLE:
	case BMC_CHASSIS_HARD_RESET:
		sim->power_on = true;
		return 0;
	case BMC_CHASSIS_DIAG_INTERRUPT:
		return 0;
	}
	return -1;
}

/* There is no light and no host CPU to interrupt: both succeed and do nothing. */
static int sim_identify(void *ctx, uint8_t seconds, bool force)
{
	(void)ctx; (void)seconds; (void)force;
	return 0;
}

static int sim_pretimeout(void *ctx, uint8_t kind)
{
	(void)ctx; (void)kind;
	return 0;
}

void sim_init(struct sim *sim, struct bmc_backend *be)
{
	sim->power_on = true;
	be->ctx = sim;
	be->power_get = sim_power_get;
	be->chassis_control = sim_chassis_control;
	be->identify = sim_identify;
	be->pretimeout_interrupt = sim_pretimeout;
}
