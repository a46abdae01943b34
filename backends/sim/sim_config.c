/* Parsing of the [sim] and [fru] keys. platform/posix/config.c owns the file syntax,
 * duplicate detection and error positions; this file owns the meaning and range of
 * each value, so the simulator's settings live next to the simulator. */
#include "sim_config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sim_config_defaults(struct sim_config *c)
{
	memset(c, 0, sizeof *c);
	c->seed = 1;
	c->ambient_c = 22;
	c->load_period_s = 600;
	c->load_min = 20;
	c->load_max = 70;
	c->power_on = true;
	c->cycle_delay_ms = 1000;
	c->soft_off_delay_ms = 3000;
	c->dimm_sensors = 8;
	c->backplane_drives = 0;
	c->backplane_addr = 0x2C;
	c->fru.chassis_type = 0x17; /* SMBIOS "rack mount chassis" */
	snprintf(c->fru.chassis_part, sizeof c->fru.chassis_part, "%s", "BMCD-2U-CH");
	snprintf(c->fru.board_mfr, sizeof c->fru.board_mfr, "%s", "bmcd project");
	snprintf(c->fru.board_product, sizeof c->fru.board_product, "%s", "Simulated 2S Board");
	snprintf(c->fru.board_part, sizeof c->fru.board_part, "%s", "BMCD-SIM-MB-01");
	c->fru.board_mfg_minutes = 14726880; /* 2024-01-01 00:00 */
	snprintf(c->fru.product_mfr, sizeof c->fru.product_mfr, "%s", "bmcd project");
	snprintf(c->fru.product_name, sizeof c->fru.product_name, "%s", "bmcd Simulated Server");
	snprintf(c->fru.product_part, sizeof c->fru.product_part, "%s", "BMCD-SIM-2S");
	snprintf(c->fru.product_version, sizeof c->fru.product_version, "%s", "1.0");
	c->fru.size = 1024;
}

/* Digits or 0x-hex only: strtoul alone would take "-1" or " 7". */
static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out, char *why,
		      size_t whylen)
{
	char *end;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (base == 10 ? !isdigit((unsigned char)s[0]) : !isxdigit((unsigned char)s[0])) {
		snprintf(why, whylen, "expected a number");
		return -1;
	}
	errno = 0;
	unsigned long v = strtoul(s, &end, base);
	if (errno || *end) {
		snprintf(why, whylen, "expected a number");
		return -1;
	}
	if (v < min || v > max) {
		snprintf(why, whylen, "must be %lu..%lu", min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int set_seed(struct sim_config *c, const struct sim_config_key *k, const char *v, char *why, size_t wl)
{
	unsigned long n;
	(void)k;
	if (parse_uint(v, 0, 0xFFFFFFFFul, &n, why, wl))
		return -1;
	c->seed = (uint32_t)n;
	return 0;
}

static int set_dimms(struct sim_config *c, const struct sim_config_key *k, const char *v, char *why, size_t wl)
{
	unsigned long n;
	(void)k;
	if (parse_uint(v, 0, SIM_MAX_DIMMS, &n, why, wl))
		return -1;
	c->dimm_sensors = (uint16_t)n;
	return 0;
}

static int set_drives(struct sim_config *c, const struct sim_config_key *k, const char *v, char *why, size_t wl)
{
	unsigned long n;
	(void)k;
	if (parse_uint(v, 0, SIM_MAX_DRIVES, &n, why, wl))
		return -1;
	c->backplane_drives = (uint16_t)n;
	return 0;
}

static int set_bp_addr(struct sim_config *c, const struct sim_config_key *k, const char *v, char *why, size_t wl)
{
	unsigned long n;
	(void)k;
	/* An even IPMB slave address that is not the BMC's (20h) nor reserved (00h-0Fh,
	 * F0h-FFh, IPMB v1.0 table 1). */
	if (parse_uint(v, 0x10, 0xEE, &n, why, wl))
		return -1;
	if ((n & 1) || n == 0x20) {
		snprintf(why, wl, "must be an even slave address other than 0x20");
		return -1;
	}
	c->backplane_addr = (uint8_t)n;
	return 0;
}

static int set_ambient(struct sim_config *c, const struct sim_config_key *k, const char *v, char *why, size_t wl)
{
	unsigned long n;
	(void)k;
	/* Above 35 C the inlet itself would sit at its own warning threshold. */
	if (parse_uint(v, 5, 35, &n, why, wl))
		return -1;
	c->ambient_c = (uint8_t)n;
	return 0;
}

static int set_period(struct sim_config *c, const struct sim_config_key *k, const char *v, char *why, size_t wl)
{
	unsigned long n;
	(void)k;
	if (parse_uint(v, 10, 86400, &n, why, wl))
		return -1;
	c->load_period_s = (uint32_t)n;
	return 0;
}

static int set_load_min(struct sim_config *c, const struct sim_config_key *k, const char *v, char *why, size_t wl)
{
	unsigned long n;
	(void)k;
	if (parse_uint(v, 0, 100, &n, why, wl))
		return -1;
	c->load_min = (uint8_t)n;
	return 0;
}

static int set_load_max(struct sim_config *c, const struct sim_config_key *k, const char *v, char *why, size_t wl)
{
	unsigned long n;
	(void)k;
	if (parse_uint(v, 0, 100, &n, why, wl))
		return -1;
	if (n < c->load_min) {
		snprintf(why, wl, "must not be below load_min (%u)", c->load_min);
		return -1;
	}
	c->load_max = (uint8_t)n;
	return 0;
}

static int set_power_on(struct sim_config *c, const struct sim_config_key *k, const char *v, char *why, size_t wl)
{
	(void)k;
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1")) {
		c->power_on = true;
	} else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0")) {
		c->power_on = false;
	} else {
		snprintf(why, wl, "expected on or off");
		return -1;
	}
	return 0;
}

static int set_ms(struct sim_config *c, const struct sim_config_key *k, const char *v, char *why, size_t wl)
{
	unsigned long n;
	if (parse_uint(v, 0, 600000, &n, why, wl))
		return -1;
	*(uint32_t *)(void *)((char *)c + k->off) = (uint32_t)n;
	return 0;
}

static int set_chassis_type(struct sim_config *c, const struct sim_config_key *k, const char *v, char *why,
			    size_t wl)
{
	unsigned long n;
	(void)k;
	if (parse_uint(v, 1, 0x7F, &n, why, wl)) /* SMBIOS chassis types fit in 7 bits */
		return -1;
	c->fru.chassis_type = (uint8_t)n;
	return 0;
}

static int set_fru_size(struct sim_config *c, const struct sim_config_key *k, const char *v, char *why, size_t wl)
{
	unsigned long n;
	(void)k;
	if (parse_uint(v, 256, 4096, &n, why, wl))
		return -1;
	c->fru.size = (uint16_t)n;
	return 0;
}

/* FRU strings are 8-bit ASCII fields (FRU spec §13); keep them printable so they can
 * be shown and logged as they are. */
static int set_text(struct sim_config *c, const struct sim_config_key *k, const char *v, char *why, size_t wl)
{
	size_t n = strlen(v);
	if (n == 0 || n >= k->cap) {
		snprintf(why, wl, "expected 1..%zu characters", k->cap - 1);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] < 0x20 || v[i] > 0x7E) {
			snprintf(why, wl, "only printable ASCII characters are allowed");
			return -1;
		}
	}
	snprintf((char *)c + k->off, k->cap, "%s", v);
	return 0;
}

static int is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* YYYY-MM-DD to minutes since 1996-01-01 00:00, the FRU board area's epoch (FRU spec
 * §11). The field holds 24 bits of minutes: until 2027-11. */
static int set_mfg_date(struct sim_config *c, const struct sim_config_key *k, const char *v, char *why, size_t wl)
{
	static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	char ys[5], ms[3], ds[3];
	unsigned long y, m, d;
	(void)k;

	if (strlen(v) != 10 || v[4] != '-' || v[7] != '-') {
		snprintf(why, wl, "expected a date YYYY-MM-DD");
		return -1;
	}
	memcpy(ys, v, 4);
	ys[4] = '\0';
	memcpy(ms, v + 5, 2);
	ms[2] = '\0';
	memcpy(ds, v + 8, 2);
	ds[2] = '\0';
	if (parse_uint(ys, 1996, 2027, &y, why, wl) || parse_uint(ms, 1, 12, &m, why, wl) ||
	    parse_uint(ds, 1, 31, &d, why, wl) || d > mdays[m - 1] + (m == 2 && is_leap((long)y))) {
		snprintf(why, wl, "expected a date YYYY-MM-DD from 1996-01-01 to 2027-12-31");
		return -1;
	}
	unsigned long days = d - 1;
	for (unsigned long yy = 1996; yy < y; yy++)
		days += is_leap((long)yy) ? 366 : 365;
	for (unsigned long mm = 1; mm < m; mm++)
		days += mdays[mm - 1] + (mm == 2 && is_leap((long)y));
	unsigned long minutes = days * 1440;
	if (minutes > 0xFFFFFF) {
		snprintf(why, wl, "too late for the 24-bit FRU date (last: 2027-11-24)");
		return -1;
	}
	c->fru.board_mfg_minutes = (uint32_t)minutes;
	return 0;
}

#define TEXT(section, name, field) \
	{section, name, set_text, offsetof(struct sim_config, field), sizeof(((struct sim_config *)0)->field)}

const struct sim_config_key sim_config_keys[] = {
	{"sim", "seed", set_seed, 0, 0},
	{"sim", "ambient", set_ambient, 0, 0},
	{"sim", "load_period", set_period, 0, 0},
	{"sim", "load_min", set_load_min, 0, 0},
	{"sim", "load_max", set_load_max, 0, 0},
	{"sim", "power_on", set_power_on, 0, 0},
	{"sim", "cycle_delay_ms", set_ms, offsetof(struct sim_config, cycle_delay_ms), 0},
	{"sim", "soft_off_delay_ms", set_ms, offsetof(struct sim_config, soft_off_delay_ms), 0},
	{"sim", "dimm_sensors", set_dimms, 0, 0},
	{"sim", "backplane_drives", set_drives, 0, 0},
	{"sim", "backplane_address", set_bp_addr, 0, 0},
	{"fru", "chassis_type", set_chassis_type, 0, 0},
	TEXT("fru", "chassis_part", fru.chassis_part),
	TEXT("fru", "chassis_serial", fru.chassis_serial),
	TEXT("fru", "board_manufacturer", fru.board_mfr),
	TEXT("fru", "board_product", fru.board_product),
	TEXT("fru", "board_serial", fru.board_serial),
	TEXT("fru", "board_part", fru.board_part),
	{"fru", "board_mfg_date", set_mfg_date, 0, 0},
	TEXT("fru", "product_manufacturer", fru.product_mfr),
	TEXT("fru", "product_name", fru.product_name),
	TEXT("fru", "product_part", fru.product_part),
	TEXT("fru", "product_version", fru.product_version),
	TEXT("fru", "product_serial", fru.product_serial),
	TEXT("fru", "asset_tag", fru.product_asset),
	{"fru", "size", set_fru_size, 0, 0},
};
const size_t sim_config_nkeys = sizeof sim_config_keys / sizeof sim_config_keys[0];
_Static_assert(sizeof sim_config_keys / sizeof sim_config_keys[0] <= SIM_CONFIG_MAX_KEYS, "raise SIM_CONFIG_MAX_KEYS");
