/* The simulated server's entry points: set-up, the clock, and the struct bmc_backend
 * glue that the core calls. */
#include <stddef.h>
#include <string.h>

#include "sim_internal.h"

static int be_power_get(void *ctx, bool *on)
{
	*on = sim_power_is_on(ctx);
	return 0;
}

static int be_chassis_control(void *ctx, enum bmc_chassis_action action)
{
	return sim_chassis_control(ctx, action);
}

static int be_identify(void *ctx, uint8_t seconds, bool force)
{
	return sim_identify(ctx, seconds, force);
}

static int be_pretimeout(void *ctx, uint8_t kind)
{
	return sim_pretimeout(ctx, kind);
}

static unsigned be_sensor_count(void *ctx)
{
	return ((const struct sim *)ctx)->count;
}

static int be_sensor_describe(void *ctx, unsigned index, struct bmc_sensor_desc *out)
{
	const struct sim *sim = ctx;
	if (index >= sim->count)
		return -1;
	*out = sim->desc[index];
	return 0;
}

static int be_sensor_read(void *ctx, unsigned index, uint8_t *raw, uint16_t *states)
{
	return sim_sensor_read(ctx, index, raw, states);
}

static int be_fru_info(void *ctx, struct bmc_fru_info *out)
{
	sim_fru_fill(ctx, out);
	return 0;
}

void sim_init(struct sim *sim, const struct sim_config *cfg, struct bmc_backend *be)
{
	/* Not the tables: sim_table_build writes every entry it uses in full. */
	memset(sim, 0, offsetof(struct sim, spec));
	sim->cfg = *cfg;
	sim->prng = 0x5EED0000ull ^ (uint64_t)cfg->seed << 20;
	sim_power_init(sim);
	sim_sensors_init(sim);
	*be = (struct bmc_backend){
		.ctx = sim,
		.power_get = be_power_get,
		.chassis_control = be_chassis_control,
		.identify = be_identify,
		.pretimeout_interrupt = be_pretimeout,
		.sensor_count = be_sensor_count,
		.sensor_describe = be_sensor_describe,
		.sensor_read = be_sensor_read,
		.fru_info = be_fru_info,
	};
}

void sim_tick(struct sim *sim, uint64_t now_ms)
{
	if (!sim->ticked) {
		/* The first tick fixes the origin; the state from sim_init is for time 0. */
		sim->ticked = true;
		sim->t0_ms = now_ms;
		sim->now_ms = now_ms;
		sim->boot_ms = now_ms;
		return;
	}
	if (now_ms <= sim->now_ms)
		return;
	double dt = (double)(now_ms - sim->now_ms) / 1000.0;
	sim->now_ms = now_ms;
	sim_power_step(sim);
	sim_sensors_step(sim, dt);
}

static unsigned view_count(void *ctx)
{
	return ((const struct sim_view *)ctx)->count;
}

static int view_describe(void *ctx, unsigned index, struct bmc_sensor_desc *out)
{
	const struct sim_view *v = ctx;
	return index < v->count ? be_sensor_describe(v->sim, v->map[index], out) : -1;
}

static int view_read(void *ctx, unsigned index, uint8_t *raw, uint16_t *states)
{
	const struct sim_view *v = ctx;
	return index < v->count ? sim_sensor_read(v->sim, v->map[index], raw, states) : -1;
}

void sim_view_init(struct sim_view *v, struct sim *sim, uint8_t owner, struct bmc_backend *be)
{
	memset(v, 0, sizeof *v);
	v->sim = sim;
	for (unsigned i = 0; i < sim->count; i++)
		if (sim->desc[i].owner == owner)
			v->map[v->count++] = (uint16_t)i;
	*be = (struct bmc_backend){
		.ctx = v,
		.sensor_count = view_count,
		.sensor_describe = view_describe,
		.sensor_read = view_read,
	};
}

unsigned sim_satellites(const struct sim *sim, uint8_t *addrs, unsigned max)
{
	unsigned n = 0;
	if (sim->cfg.backplane_drives && n < max)
		addrs[n++] = sim->cfg.backplane_addr;
	return n;
}
