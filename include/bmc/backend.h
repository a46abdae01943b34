/* Hardware operations: what the managed system offers the BMC. backends/sim is the
 * default; hwmon, libvirt or a real board plug in here. Every op may be NULL. */
#ifndef BMC_BACKEND_H
#define BMC_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

struct bmc_backend {
	void *ctx;
	/* Chassis power state of the managed host. */
	int (*power_get)(void *ctx, bool *on);
};

#endif
