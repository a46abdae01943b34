/* The simulated server's power state. Sensors arrive with issue 4. */
#include "sim.h"

static int sim_power_get(void *ctx, bool *on)
{
	*on = ((struct sim *)ctx)->power_on;
	return 0;
}

void sim_init(struct sim *sim, struct bmc_backend *be)
{
	sim->power_on = true;
	be->ctx = sim;
	be->power_get = sim_power_get;
}
