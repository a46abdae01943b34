/* Settings of the simulated server: the [sim] and [fru] sections of bmcd.ini. The
 * sensor set itself is built in (sim_table.c); the file tunes its behaviour and names. */
#ifndef BMC_SIM_CONFIG_H
#define BMC_SIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmc/backend.h"

/* Upper bounds of the scale settings: 8 DIMMs on LUN 0 and 255 on each of LUNs 1 and
 * 3; a backplane with one temperature and one slot sensor per drive plus its own
 * temperature, on its LUNs 0, 1 and 3. */
#define SIM_MAX_DIMMS 518
#define SIM_MAX_DRIVES 382

struct sim_config {
	uint32_t seed;              /* same seed, same readings */
	uint8_t ambient_c;          /* inlet air temperature, degrees C */
	uint32_t load_period_s;     /* one rise and fall of the host's load */
	uint8_t load_min, load_max; /* percent */
	bool power_on;              /* host power at start */
	uint32_t cycle_delay_ms;    /* off time of a power cycle */
	uint32_t soft_off_delay_ms; /* how long the "OS" takes to shut down */
	/* Scale: DIMM temperature sensors in all (the first 8 on LUN 0, the rest on LUNs 1
	 * and 3), and a storage backplane controller on IPMB with a temperature and a slot
	 * sensor per drive (0 drives: no backplane). */
	uint16_t dimm_sensors;
	uint16_t backplane_drives;
	uint8_t backplane_addr;     /* its IPMB slave address */
	/* Empty strings (chassis/board/product serial, asset) are derived from the seed. */
	struct bmc_fru_info fru;
};

struct sim_config_key;
typedef int sim_config_setter(struct sim_config *c, const struct sim_config_key *k, const char *v, char *why,
			      size_t whylen);

struct sim_config_key {
	const char *section, *name;
	sim_config_setter *set;
	size_t off, cap; /* where a text field lives in struct sim_config, and its size */
};

#define SIM_CONFIG_MAX_KEYS 32
extern const struct sim_config_key sim_config_keys[];
extern const size_t sim_config_nkeys;

void sim_config_defaults(struct sim_config *c);

#endif
