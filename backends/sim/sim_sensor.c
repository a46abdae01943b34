/* The sensor model: a slowly rising and falling load per socket drives temperatures
 * (first-order lag towards a target), fan speeds (from the hottest CPU), core voltages
 * and input power; everything follows the host's power state. Small pseudo-random
 * noise from the seeded PRNG makes readings look live while staying reproducible.
 * Overrides from the control socket sit on top of the model. */
#include <stdio.h>
#include <string.h>

#include "sim_convert.h"
#include "sim_internal.h"

#define PSU_PRESENT 0x0001
#define PSU_FAILED 0x0002
#define PSU_INPUT_LOST 0x0008

static const struct sim_spec *spec_of(const struct sim *sim, unsigned i)
{
	return &sim->spec[i];
}

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* A smooth periodic wave 0..1..0 over phase p in [0, 1): smoothstep up, then down. It
 * stands in for a sine without needing libm. */
static double wave(double p)
{
	double x = p < 0.5 ? 2 * p : 2 - 2 * p;
	return x * x * (3 - 2 * x);
}

static double base_load(const struct sim *sim, unsigned sock)
{
	uint64_t period = (uint64_t)sim->cfg.load_period_s * 1000u;
	uint64_t t = (sim->ticked ? sim->now_ms - sim->t0_ms : 0) + (sock ? period / 4 : 0);
	double p = (double)(t % period) / (double)period;
	double lo = sim->cfg.load_min / 100.0, hi = sim->cfg.load_max / 100.0;
	return lo + (hi - lo) * wave(p);
}

static double load_of(const struct sim *sim, uint8_t src)
{
	return src < 2 ? sim->load[src] : (sim->load[0] + sim->load[1]) / 2;
}

static double hottest_cpu(const struct sim *sim)
{
	double t = sim->cfg.ambient_c;
	for (unsigned i = 0; i < sim->count; i++)
		if (spec_of(sim, i)->model == M_TEMP && spec_of(sim, i)->desc.entity_id == 0x03 && sim->s[i].value > t)
			t = sim->s[i].value;
	return t;
}

static double system_power(const struct sim *sim)
{
	/* Standby draw with the host off: the BMC, fans' controllers, PSU losses. */
	return sim->power_on ? 140 + 380 * load_of(sim, 2) : 12;
}

/* Where the model value is heading now. */
static double target(const struct sim *sim, unsigned i)
{
	const struct sim_spec *sp = spec_of(sim, i);
	double amb = sim->cfg.ambient_c;

	switch (sp->model) {
	case M_TEMP:
		if (!sim->power_on) /* PSUs stay a little warm on standby power */
			return amb + (sp->desc.entity_id == 0x0A ? 3 : 0);
		return amb + sp->base + sp->gain * load_of(sim, sp->src);
	case M_FAN:
		if (!sim->power_on)
			return 0;
		return (2500 + 9000 * clamp((hottest_cpu(sim) - 40) / 45, 0, 1)) * sim->fan_factor[sp->src];
	case M_VOLT:
		if (sp->host_powered && !sim->power_on)
			return 0;
		return sp->base + sp->gain * load_of(sim, sp->src);
	case M_VIN:
		return sp->base;
	case M_SYS_POWER:
		return system_power(sim);
	case M_PSU_POWER:
		return system_power(sim) * (sp->src ? 0.49 : 0.51);
	default:
		return 0;
	}
}

static double noise_amplitude(const struct sim *sim, unsigned i, double value)
{
	switch (spec_of(sim, i)->model) {
	case M_TEMP:
		return 0.3;
	case M_FAN:
		return value * 0.01;
	case M_VIN:
		return 0.8;
	case M_PSU_POWER:
	case M_SYS_POWER:
		return value * 0.01;
	default:
		return sim_resolution(&sim->desc[i]) * 0.4;
	}
}

static uint8_t to_raw(const struct bmc_sensor_desc *d, double v)
{
	uint8_t raw;
	if (sim_eng_to_raw(d, v, &raw) == 0)
		return raw;
	/* Beyond the sensor's range: it reads its end stop. */
	return v > sim_raw_to_eng(d, 128) ? 255 : 0;
}

static void update_raw(struct sim *sim, bool with_noise)
{
	for (unsigned i = 0; i < sim->count; i++) {
		if (sim->desc[i].reading_type != 0x01)
			continue;
		double v = sim->s[i].value;
		/* Drawn for every sensor every step, so the sequence does not depend on state. */
		double n = sim_prng_unit(&sim->prng) * noise_amplitude(sim, i, v);
		sim->s[i].raw = to_raw(&sim->desc[i], with_noise ? v + n : v);
	}
}

static void update_load(struct sim *sim)
{
	for (unsigned k = 0; k < 2; k++)
		sim->load[k] = clamp(base_load(sim, k) + 0.03 * sim_prng_unit(&sim->prng), 0, 1);
}

void sim_sensors_init(struct sim *sim)
{
	sim_table_build(sim);
	for (unsigned i = 0; i < sim->count; i++) {
		sim->desc[i] = spec_of(sim, i)->desc;
		memset(&sim->s[i], 0, sizeof sim->s[i]);
	}
	for (unsigned k = 0; k < SIM_FANS; k++) /* fans differ a little from one another */
		sim->fan_factor[k] = 1 + 0.03 * sim_prng_unit(&sim->prng);
	update_load(sim);
	/* Steady state: temperatures first, since the fans follow the CPUs. */
	for (unsigned pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < sim->count; i++)
			if (sim->desc[i].reading_type == 0x01 && (pass == 0) == (spec_of(sim, i)->model == M_TEMP))
				sim->s[i].value = target(sim, i);
	update_raw(sim, false);
}

void sim_sensors_step(struct sim *sim, double dt_s)
{
	update_load(sim);
	for (unsigned i = 0; i < sim->count; i++) {
		if (sim->desc[i].reading_type != 0x01)
			continue;
		double tau = spec_of(sim, i)->tau_s, goal = target(sim, i);
		/* Implicit Euler step of dv/dt = (goal - v) / tau: stable for any dt. */
		double a = tau > 0 ? dt_s / (tau + dt_s) : 1;
		sim->s[i].value += (goal - sim->s[i].value) * a;
	}
	update_raw(sim, true);
}

int sim_sensor_find(const struct sim *sim, const char *id)
{
	for (unsigned i = 0; i < sim->count; i++)
		if (strcmp(sim->desc[i].id, id) == 0)
			return (int)i;
	return -1;
}

bool sim_sensor_is_threshold(const struct sim *sim, unsigned index)
{
	return index < sim->count && sim->desc[index].reading_type == 0x01;
}

static int find_model(const struct sim *sim, uint8_t model, uint8_t entity, uint8_t instance)
{
	for (unsigned i = 0; i < sim->count; i++)
		if (spec_of(sim, i)->model == model && sim->desc[i].entity_id == entity &&
		    sim->desc[i].entity_instance == instance)
			return (int)i;
	return -1;
}

static uint16_t discrete_states(const struct sim *sim, unsigned i);

static uint16_t effective_states(const struct sim *sim, unsigned i)
{
	return (uint16_t)((discrete_states(sim, i) | sim->s[i].force_on) & ~sim->s[i].force_off);
}

/* The model's own discrete states, before forced ones. */
static uint16_t discrete_states(const struct sim *sim, unsigned i)
{
	const struct sim_spec *sp = spec_of(sim, i);
	uint8_t raw;
	uint16_t st;

	switch (sp->model) {
	case M_PSU_STATUS:
		return PSU_PRESENT;
	case M_POWER_UNIT:
		return sim->power_on ? 0 : 0x0001; /* offset 0: power off / power down */
	case M_ACPI:
		return sim->power_on ? 0x0001 : 0x0020; /* S0/G0 working, or S5/G2 soft-off */
	case M_MEMORY:
		return 0x0040; /* offset 6: presence detected */
	case M_DRIVE_SLOT:
		return 0x0001; /* table 42-3 drive slot, offset 0: drive presence */
	case M_CPU_STATUS: {
		uint16_t s = 0x0080; /* offset 7: processor presence detected */
		int t = find_model(sim, M_TEMP, 0x03, (uint8_t)(sp->src + 1));
		/* A CPU at its critical temperature throttles itself (offset 10). */
		if (t >= 0 && sim_sensor_read(sim, (unsigned)t, &raw, &st) == 0 && raw >= sim->desc[t].thr[4])
			s |= 0x0400;
		return s;
	}
	case M_REDUNDANCY:
		for (unsigned k = 0; k < sim->count; k++) {
			if (spec_of(sim, k)->model != M_PSU_STATUS)
				continue;
			uint16_t ps = effective_states(sim, k);
			if (sim->s[k].override == SIM_FAULT || !(ps & PSU_PRESENT) || (ps & (PSU_FAILED | PSU_INPUT_LOST)))
				return 0x0002; /* redundancy lost */
		}
		return 0x0001; /* fully redundant */
	default:
		return 0;
	}
}

int sim_sensor_read(const struct sim *sim, unsigned index, uint8_t *raw, uint16_t *states)
{
	if (index >= sim->count)
		return -1;
	const struct sim_sensor *s = &sim->s[index];
	*raw = 0;
	*states = 0;
	if (s->override == SIM_FAULT)
		return -1;
	if (sim->desc[index].reading_type != 0x01) {
		*states = effective_states(sim, index);
		return 0;
	}
	if (s->override == SIM_PINNED) {
		*raw = s->pinned_raw;
		return 0;
	}
	if (spec_of(sim, index)->host_powered && !sim->power_on)
		return -1;
	*raw = s->raw;
	return 0;
}

int sim_sensor_set(struct sim *sim, unsigned index, double value, char *why, size_t whylen)
{
	const struct bmc_sensor_desc *d = &sim->desc[index];
	uint8_t raw;

	if (!sim_sensor_is_threshold(sim, index)) {
		snprintf(why, whylen, "\"%s\" is a discrete sensor: use sensor assert or deassert", d->id);
		return -1;
	}
	if (sim_eng_to_raw(d, value, &raw)) {
		int dec = sim_decimals(d);
		double lo = sim_raw_to_eng(d, 0), hi = sim_raw_to_eng(d, 255);
		snprintf(why, whylen, "value %g is outside the range of \"%s\" (%.*f..%.*f %s)", value, d->id, dec,
			 lo < hi ? lo : hi, dec, lo < hi ? hi : lo, sim_unit_name(d->unit));
		return -1;
	}
	sim->s[index].override = SIM_PINNED;
	sim->s[index].pinned_raw = raw;
	return 0;
}

int sim_sensor_force(struct sim *sim, unsigned index, unsigned offset, bool on, char *why, size_t whylen)
{
	const struct bmc_sensor_desc *d = &sim->desc[index];

	if (sim_sensor_is_threshold(sim, index)) {
		snprintf(why, whylen, "\"%s\" is a threshold sensor: use sensor set", d->id);
		return -1;
	}
	if (offset > 14 || !(d->reading_mask >> offset & 1)) {
		snprintf(why, whylen, "offset %u is not a state of \"%s\" (its states: mask 0x%04x)", offset, d->id,
			 d->reading_mask);
		return -1;
	}
	uint16_t bit = (uint16_t)(1u << offset);
	if (on) {
		sim->s[index].force_on |= bit;
		sim->s[index].force_off &= (uint16_t)~bit;
	} else {
		sim->s[index].force_off |= bit;
		sim->s[index].force_on &= (uint16_t)~bit;
	}
	return 0;
}

void sim_sensor_fault(struct sim *sim, unsigned index)
{
	if (index < sim->count)
		sim->s[index].override = SIM_FAULT;
}

void sim_sensor_auto(struct sim *sim, unsigned index)
{
	if (index >= sim->count)
		return;
	sim->s[index].override = SIM_AUTO;
	sim->s[index].force_on = 0;
	sim->s[index].force_off = 0;
}
