/* Satellite management controllers of the simulated chassis (a storage backplane,
 * ...): each is the portable core running as a controller of its own at its IPMB
 * address, with the simulator's sensors of that owner, its own store under
 * STATE_DIR/mc-XX/, and the daemon's IPMB bus as its only interface. The BMC
 * publishes their sensors in its SDR repository; clients read them by bridging
 * (Send Message), and their events reach the BMC's SEL as Platform Event Messages. */
#ifndef BMCD_SATELLITE_H
#define BMCD_SATELLITE_H

#include <stdint.h>

#include "bmc/bmc.h"
#include "sim.h"
#include "store_file.h"

struct daemon;

struct satellite {
	uint8_t addr;
	struct daemon *d;
	struct bmc *bmc;
	struct store_file *store;
	struct sim_view view;
	struct bmc_backend backend;
	struct bmc_platform platform;
};

#define SATELLITES_MAX 4

/* Starts every satellite the simulator's configuration asks for and puts them and the
 * BMC on the bus. Returns 0 or -1 (logged). */
int satellites_start(struct daemon *d);
void satellites_tick(struct daemon *d);
/* Re-reads the satellites' sensors now (after bmcctl changed a reading). */
void satellites_refresh(struct daemon *d);
void satellites_stop(struct daemon *d);

#endif
