/* The simulated managed server: the default backend. */
#ifndef BMC_SIM_H
#define BMC_SIM_H

#include "bmc/backend.h"

struct sim {
	bool power_on;
};

/* Binds backend ops to sim. */
void sim_init(struct sim *sim, struct bmc_backend *be);

#endif
