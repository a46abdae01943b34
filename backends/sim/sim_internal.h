/* Shared between the simulator's files; not for users of the backend. */
#ifndef BMC_SIM_INTERNAL_H
#define BMC_SIM_INTERNAL_H

#include "sim.h"

/* How a sensor's value is produced (sim_table.c describes, sim_sensor.c computes). */
enum sim_model {
	M_TEMP,      /* ambient + base + gain * load, first-order lag */
	M_FAN,       /* RPM from the hottest CPU; stops with the host */
	M_VOLT,      /* a rail at its nominal value; Vcore rises a little with load */
	M_PSU_POWER, /* half of the system's input power */
	M_SYS_POWER, /* input power of the whole system */
	M_VIN,       /* AC input voltage, always present */
	M_PSU_STATUS, M_POWER_UNIT, M_REDUNDANCY, M_CPU_STATUS, M_MEMORY, M_ACPI, M_NONE,
};

struct sim_spec {
	struct bmc_sensor_desc desc;
	uint8_t model;      /* enum sim_model */
	uint8_t src;        /* socket (0/1) whose load drives it; fan or PSU number */
	bool host_powered;  /* reading unavailable while the host is off */
	double base, gain;  /* M_TEMP: degrees above ambient idle / added at full load;
			       M_VOLT: nominal volts / volts added at full load */
	double tau_s;       /* M_TEMP, M_FAN: time constant of the lag */
};

extern const struct sim_spec sim_specs[];
extern const unsigned sim_nspecs;

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
