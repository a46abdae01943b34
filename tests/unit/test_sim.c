/* The simulated server (backends/sim): its sensor descriptions, determinism, power
 * behaviour, overrides and reading conversions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sim_convert.h"

static struct sim *new_sim(uint32_t seed, struct bmc_backend *be)
{
	struct sim_config cfg;
	struct sim *sim = malloc(sizeof *sim);
	assert_non_null(sim);
	sim_config_defaults(&cfg);
	cfg.seed = seed;
	sim_init(sim, &cfg, be);
	return sim;
}

static int idx(const struct sim *sim, const char *id)
{
	int i = sim_sensor_find(sim, id);
	assert_true(i >= 0);
	return i;
}

static double eng(const struct sim *sim, const char *id)
{
	uint8_t raw;
	uint16_t st;
	int i = idx(sim, id);
	assert_int_equal(sim_sensor_read(sim, (unsigned)i, &raw, &st), 0);
	return sim_raw_to_eng(&sim->desc[i], raw);
}

static void run_for(struct sim *sim, uint64_t *now, uint64_t ms)
{
	for (uint64_t end = *now + ms; *now < end;) {
		*now += 250;
		sim_tick(sim, *now);
	}
}

static void descriptions(void **state)
{
	struct bmc_backend be;
	struct sim *sim = new_sim(1, &be);
	unsigned n = be.sensor_count(be.ctx);
	unsigned fans = 0, temps = 0, volts = 0;
	(void)state;

	assert_true(n >= 40);
	for (unsigned i = 0; i < n; i++) {
		struct bmc_sensor_desc d;
		assert_int_equal(be.sensor_describe(be.ctx, i, &d), 0);
		size_t len = strnlen(d.id, sizeof d.id);
		assert_true(len > 0 && len <= 16);
		assert_int_equal(d.owner, 0x20);
		assert_int_equal(d.lun, 0);
		assert_true(d.number <= 254);
		assert_true(d.type >= 0x01 && d.type <= 0x2C);
		for (unsigned j = 0; j < i; j++) {
			struct bmc_sensor_desc e;
			be.sensor_describe(be.ctx, j, &e);
			assert_string_not_equal(d.id, e.id);
			assert_false(d.owner == e.owner && d.lun == e.lun && d.number == e.number);
		}
		if (d.reading_type == 0x01) {
			assert_int_equal(d.record_type, 0x01); /* full SDR */
			assert_true(d.m != 0);
			assert_int_equal(d.thr_settable & ~d.thr_readable, 0);
			assert_true(d.assert_mask != 0 && (d.assert_mask & 0xF000) == 0);
			/* LNR <= LC <= LNC <= UNC <= UC <= UNR over the readable ones, in
			 * engineering units so the sign of M is accounted for. */
			static const int order[6] = {2, 1, 0, 3, 4, 5};
			double prev = -1e9;
			for (int k = 0; k < 6; k++) {
				int t = order[k];
				if (!(d.thr_readable >> t & 1))
					continue;
				double v = sim_raw_to_eng(&d, d.thr[t]);
				assert_true(v >= prev);
				prev = v;
			}
			temps += d.type == 0x01;
			fans += d.type == 0x04;
			volts += d.type == 0x02;
		} else {
			assert_true(d.record_type == 0x02 || d.record_type == 0x03);
			assert_true(d.assert_mask != 0 && (d.assert_mask & 0x8000) == 0);
		}
	}
	assert_true(temps >= 10);
	assert_true(fans >= 6);
	assert_true(volts >= 6);
	static const char *const must[] = {"CPU1 Temp", "CPU2 Temp", "Inlet Temp", "Exhaust Temp", "PSU1 Temp",
					   "PSU2 Temp", "FAN1", "FAN6", "12V", "5V", "3.3V", "VBAT", "CPU1 Vcore",
					   "CPU2 Vcore", "PSU1 Status", "Intrusion", "Watchdog", "System Event"};
	for (size_t k = 0; k < sizeof must / sizeof must[0]; k++)
		idx(sim, must[k]);
	free(sim);
}

static void deterministic(void **state)
{
	struct bmc_backend ba, bb, bc;
	struct sim *a = new_sim(7, &ba), *b = new_sim(7, &bb), *c = new_sim(8, &bc);
	uint64_t ta = 1000, tb = 5000000, tc = 1000; /* only elapsed time matters */
	bool differ = false;
	(void)state;

	sim_tick(a, ta);
	sim_tick(b, tb);
	sim_tick(c, tc);
	for (int step = 0; step < 400; step++) {
		ta += 250;
		tb += 250;
		tc += 250;
		sim_tick(a, ta);
		sim_tick(b, tb);
		sim_tick(c, tc);
		for (unsigned i = 0; i < a->count; i++) {
			uint8_t ra, rb, rc;
			uint16_t sa, sb, sc;
			int ea = sim_sensor_read(a, i, &ra, &sa), eb = sim_sensor_read(b, i, &rb, &sb);
			assert_int_equal(ea, eb);
			assert_int_equal(ra, rb);
			assert_int_equal(sa, sb);
			if (sim_sensor_read(c, i, &rc, &sc) == 0 && rc != ra)
				differ = true;
		}
	}
	assert_true(differ); /* another seed, other noise */
	free(a);
	free(b);
	free(c);
}

static void readings_move_and_stay_sane(void **state)
{
	struct bmc_backend be;
	struct sim *sim = new_sim(1, &be);
	uint64_t now = 0;
	double lo = 1e9, hi = -1e9;
	(void)state;

	sim_tick(sim, now);
	for (int k = 0; k < 40; k++) { /* 40 x 30 s: two load periods */
		run_for(sim, &now, 30000);
		double t = eng(sim, "CPU1 Temp");
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
		assert_true(t > 20 && t < 85);
		assert_true(eng(sim, "FAN1") > 1000);
		double v = eng(sim, "12V");
		assert_true(v > 11.4 && v < 12.6);
	}
	assert_true(hi - lo >= 5); /* the load pattern shows */
	free(sim);
}

static void power_follows(void **state)
{
	struct bmc_backend be;
	struct sim *sim = new_sim(1, &be);
	uint64_t now = 100;
	uint8_t raw;
	uint16_t st;
	bool on;
	(void)state;

	sim_tick(sim, now);
	run_for(sim, &now, 5000);
	double cpu_on = eng(sim, "CPU1 Temp");
	assert_int_equal(be.power_get(be.ctx, &on), 0);
	assert_true(on);
	assert_int_equal(be.chassis_control(be.ctx, BMC_CHASSIS_POWER_OFF), 0);
	be.power_get(be.ctx, &on);
	assert_false(on);
	/* Host-powered sensors are unavailable at once; the fans spin down. */
	assert_int_equal(be.sensor_read(be.ctx, (unsigned)idx(sim, "FAN1"), &raw, &st), -1);
	assert_int_equal(be.sensor_read(be.ctx, (unsigned)idx(sim, "12V"), &raw, &st), -1);
	assert_int_equal(be.sensor_read(be.ctx, (unsigned)idx(sim, "VBAT"), &raw, &st), 0);
	run_for(sim, &now, 300000);
	assert_true(sim->s[idx(sim, "FAN1")].value < 1);
	double cpu_off = eng(sim, "CPU1 Temp");
	assert_true(cpu_off < cpu_on - 10);
	assert_true(cpu_off <= sim->cfg.ambient_c + 1.5);
	be.sensor_read(be.ctx, (unsigned)idx(sim, "Power Unit"), &raw, &st);
	assert_int_equal(st & 1, 1); /* power off / down */
	assert_true(eng(sim, "Total Power") < 40);
	/* Cycling needs the host on; soft off takes its delay. */
	assert_int_equal(be.chassis_control(be.ctx, BMC_CHASSIS_POWER_CYCLE), -1);
	assert_int_equal(be.chassis_control(be.ctx, BMC_CHASSIS_POWER_ON), 0);
	run_for(sim, &now, 120000);
	assert_true(eng(sim, "FAN1") > 1000);
	assert_true(eng(sim, "CPU1 Temp") > cpu_off + 10);
	assert_int_equal(be.chassis_control(be.ctx, BMC_CHASSIS_POWER_CYCLE), 0);
	be.power_get(be.ctx, &on);
	assert_false(on);
	run_for(sim, &now, 1500);
	be.power_get(be.ctx, &on);
	assert_true(on);
	uint32_t boots = sim->boots;
	assert_int_equal(be.chassis_control(be.ctx, BMC_CHASSIS_HARD_RESET), 0);
	assert_int_equal(sim->boots, boots + 1);
	be.power_get(be.ctx, &on);
	assert_true(on);
	assert_int_equal(be.chassis_control(be.ctx, BMC_CHASSIS_SOFT_OFF), 0);
	be.power_get(be.ctx, &on);
	assert_true(on);
	run_for(sim, &now, 3500);
	be.power_get(be.ctx, &on);
	assert_false(on);
	assert_int_equal(be.chassis_control(be.ctx, BMC_CHASSIS_DIAG_INTERRUPT), -1);
	assert_int_equal(be.identify(be.ctx, 2, false), 0);
	assert_true(sim->identify_on);
	run_for(sim, &now, 2500);
	assert_false(sim->identify_on);
	assert_int_equal(be.pretimeout_interrupt(be.ctx, 2), 0);
	assert_int_equal(sim->last_pretimeout, 2);
	free(sim);
}

static void overrides(void **state)
{
	struct bmc_backend be;
	struct sim *sim = new_sim(1, &be);
	uint64_t now = 0;
	char why[200];
	uint8_t raw;
	uint16_t st;
	(void)state;

	sim_tick(sim, now);
	unsigned cpu = (unsigned)idx(sim, "CPU1 Temp");
	assert_int_equal(sim_sensor_set(sim, cpu, 95, why, sizeof why), 0);
	run_for(sim, &now, 10000);
	assert_true(eng(sim, "CPU1 Temp") == 95);
	/* The CPU throttles at its critical temperature. */
	sim_sensor_read(sim, (unsigned)idx(sim, "CPU1 Status"), &raw, &st);
	assert_int_equal(st & 0x0480, 0x0480);
	assert_int_equal(sim_sensor_set(sim, cpu, 400, why, sizeof why), -1);
	assert_non_null(strstr(why, "CPU1 Temp"));
	sim_sensor_fault(sim, cpu);
	assert_int_equal(be.sensor_read(be.ctx, cpu, &raw, &st), -1);
	sim_sensor_auto(sim, cpu);
	assert_int_equal(be.sensor_read(be.ctx, cpu, &raw, &st), 0);
	assert_true(raw < 90);

	unsigned psu = (unsigned)idx(sim, "PSU2 Status"), red = (unsigned)idx(sim, "PS Redundancy");
	assert_int_equal(sim_sensor_set(sim, psu, 1, why, sizeof why), -1);
	assert_int_equal(sim_sensor_force(sim, psu, 1, true, why, sizeof why), 0);
	sim_sensor_read(sim, psu, &raw, &st);
	assert_int_equal(st, 0x0003);
	sim_sensor_read(sim, red, &raw, &st);
	assert_int_equal(st, 0x0002); /* redundancy lost */
	assert_int_equal(sim_sensor_force(sim, psu, 0, false, why, sizeof why), 0);
	sim_sensor_read(sim, psu, &raw, &st);
	assert_int_equal(st, 0x0002);
	assert_int_equal(sim_sensor_force(sim, psu, 9, true, why, sizeof why), -1);
	assert_int_equal(sim_sensor_force(sim, cpu, 0, true, why, sizeof why), -1);
	sim_sensor_auto(sim, psu);
	sim_sensor_read(sim, psu, &raw, &st);
	assert_int_equal(st, 0x0001);
	sim_sensor_read(sim, red, &raw, &st);
	assert_int_equal(st, 0x0001);
	free(sim);
}

static void conversions(void **state)
{
	struct bmc_backend be;
	struct sim *sim = new_sim(1, &be);
	(void)state;

	for (unsigned i = 0; i < sim->count; i++) {
		const struct bmc_sensor_desc *d = &sim->desc[i];
		if (d->reading_type != 0x01)
			continue;
		double res = sim_resolution(d);
		for (unsigned r = 0; r < 256; r++) {
			uint8_t back;
			assert_int_equal(sim_eng_to_raw(d, sim_raw_to_eng(d, (uint8_t)r), &back), 0);
			assert_int_equal(back, r);
			/* Any value in range comes back within one count. */
			double v = sim_raw_to_eng(d, (uint8_t)r) + res * 0.37;
			if (r < 255) {
				assert_int_equal(sim_eng_to_raw(d, v, &back), 0);
				double diff = sim_raw_to_eng(d, back) - v;
				assert_true(diff <= res && diff >= -res);
			}
		}
	}
	/* Signed formats and an offset: y = (-2 x + 10 * 10^1) * 10^-1. */
	struct bmc_sensor_desc d = {.analog_format = 2, .m = -2, .b = 10, .b_exp = 1, .r_exp = -1};
	for (int x = -128; x < 128; x++) {
		uint8_t back;
		assert_int_equal(sim_eng_to_raw(&d, sim_raw_to_eng(&d, (uint8_t)x), &back), 0);
		assert_int_equal(back, (uint8_t)x);
	}
	d.analog_format = 1;
	for (int x = -127; x < 128; x++) {
		uint8_t raw = (uint8_t)(x < 0 ? ~(uint8_t)(-x) : x), back;
		assert_int_equal(sim_eng_to_raw(&d, sim_raw_to_eng(&d, raw), &back), 0);
		assert_int_equal(back, raw);
	}
	uint8_t back;
	assert_int_equal(sim_eng_to_raw(&sim->desc[idx(sim, "12V")], 20.0, &back), -1);
	assert_int_equal(sim_eng_to_raw(&sim->desc[idx(sim, "12V")], -1.0, &back), -1);
	free(sim);
}

static void fru(void **state)
{
	struct bmc_backend ba, bb;
	struct sim *a = new_sim(1, &ba), *b = new_sim(2, &bb);
	struct bmc_fru_info fa, fb;
	(void)state;

	assert_int_equal(ba.fru_info(ba.ctx, &fa), 0);
	assert_int_equal(bb.fru_info(bb.ctx, &fb), 0);
	assert_int_equal(fa.chassis_type, 0x17);
	/* unconfigured serial numbers are left to the core, which derives them from the
	 * system GUID (tests/unit/test_fru.c, tests/interop/test_fru.py) */
	assert_string_equal(fa.board_serial, "");
	assert_string_equal(fa.product_serial, "");
	assert_string_equal(fa.product_name, "bmcd Simulated Server");
	assert_string_equal(fa.product_name, fb.product_name);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(descriptions), cmocka_unit_test(deterministic), cmocka_unit_test(readings_move_and_stay_sane),
		cmocka_unit_test(power_follows), cmocka_unit_test(overrides),   cmocka_unit_test(conversions),
		cmocka_unit_test(fru),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
