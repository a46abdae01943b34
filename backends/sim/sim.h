/* The simulated managed server, the default backend: a two-socket rack server with
 * temperature, fan, voltage, power and discrete sensors whose readings follow a load
 * pattern and the host's power state, a power state machine, identify and FRU data.
 *
 * Deterministic: readings depend only on the seed and the sequence of sim_tick times,
 * so tests can replay them. Time comes from the caller (sim_tick); nothing here reads
 * a clock. Overrides (the control socket's "sensor set/auto/fault/assert/deassert")
 * pin a sensor to a value, a fault or forced discrete states until "auto". */
#ifndef BMC_SIM_H
#define BMC_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmc/backend.h"
#include "sim_config.h"

/* The built-in server (53), the most DIMMs and the largest backplane: 1,339. */
#define SIM_MAX_SENSORS 1344
#define SIM_FANS 6

enum sim_override { SIM_AUTO = 0, SIM_PINNED = 1, SIM_FAULT = 2 };

struct sim_sensor {
	double value;         /* model value, engineering units (threshold sensors) */
	uint8_t raw;          /* latest simulated raw reading, noise included */
	uint8_t override;     /* enum sim_override */
	uint8_t pinned_raw;   /* the reading while SIM_PINNED */
	uint16_t force_on;    /* discrete: offsets asserted by hand */
	uint16_t force_off;   /* discrete: offsets deasserted by hand */
};

enum sim_pending { SIM_PENDING_NONE, SIM_PENDING_ON, SIM_PENDING_OFF };

/* How a sensor's value is produced (sim_table.c describes, sim_sensor.c computes). */
enum sim_model {
	M_TEMP,      /* ambient + base + gain * load, first-order lag */
	M_FAN,       /* RPM from the hottest CPU; stops with the host */
	M_VOLT,      /* a rail at its nominal value; Vcore rises a little with load */
	M_PSU_POWER, /* half of the system's input power */
	M_SYS_POWER, /* input power of the whole system */
	M_VIN,       /* AC input voltage, always present */
	M_PSU_STATUS, M_POWER_UNIT, M_REDUNDANCY, M_CPU_STATUS, M_MEMORY, M_ACPI, M_DRIVE_SLOT, M_NONE,
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
/* What the host's power did, for whoever simulates the host's software (the console,
 * backends/sim/host_console.c). Reported when it happens, delayed steps included. */
enum sim_power_event { SIM_POWER_EV_OFF, SIM_POWER_EV_ON, SIM_POWER_EV_RESET };
typedef void sim_power_hook_fn(void *ctx, enum sim_power_event ev);

struct sim {
	struct sim_config cfg;
	unsigned count;
	uint64_t prng;
	bool ticked;             /* time origin set by the first sim_tick */
	uint64_t t0_ms, now_ms;  /* caller's clock; model time is now_ms - t0_ms */
	double load[2];          /* per-socket load, 0..1 */
	double fan_factor[SIM_FANS];
	/* power state machine */
	bool power_on;
	enum sim_pending pending;
	uint64_t pending_due_ms;
	uint32_t boots;          /* power-ons and resets since start */
	uint64_t boot_ms;        /* when the host last started (model time) */
	/* chassis identify */
	bool identify_on, identify_force;
	uint64_t identify_until_ms;
	uint32_t diag_interrupts, pretimeouts;
	uint8_t last_pretimeout;
	sim_power_hook_fn *power_hook; /* may be NULL */
	void *power_hook_ctx;
	/* The sensor tables come last and only entries below count are ever written or
	 * read (sim_init clears what comes before them), so the pages of unused entries are
	 * never touched: 53 sensors use 12 KiB of the 216 KiB, which matters for a fleet of
	 * a thousand simulated servers in one process (docs/fleet.md). */
	struct sim_spec spec[SIM_MAX_SENSORS];
	struct bmc_sensor_desc desc[SIM_MAX_SENSORS];
	struct sim_sensor s[SIM_MAX_SENSORS];
};

/* Builds the server from cfg and binds the backend ops in be to it. Readings start in
 * their steady state for model time 0. */
void sim_init(struct sim *sim, const struct sim_config *cfg, struct bmc_backend *be);
/* Advances the model to now_ms (the caller's monotonic clock; the first call sets the
 * origin) and runs due power transitions. Call a few times a second. */
void sim_tick(struct sim *sim, uint64_t now_ms);

/* The sensors one other controller of the simulated chassis owns (a satellite on
 * IPMB, such as the storage backplane), as a backend of their own for the core that
 * plays that controller. Readings and overrides are the simulator's, shared with the
 * BMC's view. */
struct sim_view {
	struct sim *sim;
	unsigned count;
	uint16_t map[SIM_MAX_SENSORS]; /* view index -> simulator index */
};
void sim_view_init(struct sim_view *v, struct sim *sim, uint8_t owner, struct bmc_backend *be);
/* The IPMB addresses of the satellite controllers the configuration asks for. */
unsigned sim_satellites(const struct sim *sim, uint8_t *addrs, unsigned max);

/* Sensors by SDR ID string: the index (the backend's index too), or -1. */
int sim_sensor_find(const struct sim *sim, const char *id);
/* The reading as the backend reports it: 0, or -1 when unavailable. */
int sim_sensor_read(const struct sim *sim, unsigned index, uint8_t *raw, uint16_t *states);
bool sim_sensor_is_threshold(const struct sim *sim, unsigned index);
/* Pins a threshold sensor to value (engineering units). Returns 0, or -1 with why
 * (discrete sensor, value outside the sensor's range). */
int sim_sensor_set(struct sim *sim, unsigned index, double value, char *why, size_t whylen);
/* Asserts (on) or deasserts a discrete sensor's state offset. Returns 0, or -1 with why. */
int sim_sensor_force(struct sim *sim, unsigned index, unsigned offset, bool on, char *why, size_t whylen);
/* Reading unavailable until sim_sensor_auto. */
void sim_sensor_fault(struct sim *sim, unsigned index);
/* Back to the simulation: drops every override of the sensor. */
void sim_sensor_auto(struct sim *sim, unsigned index);

/* Calls fn(ctx, event) at every power off, power on and hard reset of the host from now
 * on (after sim_init, which clears it). */
void sim_set_power_hook(struct sim *sim, sim_power_hook_fn *fn, void *ctx);

/* Power: the backend ops, callable directly. */
bool sim_power_is_on(const struct sim *sim);
int sim_chassis_control(struct sim *sim, enum bmc_chassis_action action);

#endif
