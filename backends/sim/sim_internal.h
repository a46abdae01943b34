/* Shared between the simulator's files; not for users of the backend. */
#ifndef BMC_SIM_INTERNAL_H
#define BMC_SIM_INTERNAL_H

#include "sim.h"

/* sim_table.c: fills sim->spec and sim->desc from the configuration. */
void sim_table_build(struct sim *sim);

/* A small local PRNG (splitmix64): deterministic across platforms, no libc state. */
static inline uint64_t sim_prng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Uniform in [-1, 1). */
static inline double sim_prng_unit(uint64_t *s)
{
	return (double)(sim_prng_next(s) >> 11) / 4503599627370496.0 - 1.0;
}

/* sim_sensor.c */
void sim_sensors_init(struct sim *sim);
void sim_sensors_step(struct sim *sim, double dt_s);
/* sim_power.c */
void sim_power_init(struct sim *sim);
void sim_power_step(struct sim *sim);
int sim_identify(struct sim *sim, uint8_t seconds, bool force);
int sim_pretimeout(struct sim *sim, uint8_t kind);
/* sim_fru.c */
void sim_fru_fill(const struct sim *sim, struct bmc_fru_info *out);

#endif
