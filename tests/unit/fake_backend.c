#include "fake_backend.h"

#include <stdio.h>
#include <string.h>

static struct fake_backend *fbk(void *ctx)
{
	return ctx;
}

static int f_power_get(void *ctx, bool *on)
{
	*on = fbk(ctx)->power_on;
	return 0;
}

static int f_control(void *ctx, enum bmc_chassis_action a)
{
	struct fake_backend *fb = fbk(ctx);
	if (fb->fail_control)
		return -1;
	if (fb->nactions < 16)
		fb->actions[fb->nactions++] = (int)a;
	if (a == BMC_CHASSIS_POWER_OFF || a == BMC_CHASSIS_SOFT_OFF)
		fb->power_on = false;
	else if (a == BMC_CHASSIS_POWER_ON || a == BMC_CHASSIS_POWER_CYCLE || a == BMC_CHASSIS_HARD_RESET)
		fb->power_on = true;
	return 0;
}

static int f_identify(void *ctx, uint8_t seconds, bool force)
{
	struct fake_backend *fb = fbk(ctx);
	fb->identify_seconds = seconds;
	fb->identify_force = force;
	fb->identify_calls++;
	return 0;
}

static int f_pretimeout(void *ctx, uint8_t kind)
{
	struct fake_backend *fb = fbk(ctx);
	fb->last_pretimeout = kind;
	fb->pretimeouts++;
	return 0;
}

static unsigned f_count(void *ctx)
{
	return fbk(ctx)->nsensors;
}

static int f_describe(void *ctx, unsigned i, struct bmc_sensor_desc *out)
{
	struct fake_backend *fb = fbk(ctx);
	if (i >= fb->nsensors)
		return -1;
	*out = fb->desc[i];
	return 0;
}

static int f_read(void *ctx, unsigned i, uint8_t *raw, uint16_t *states)
{
	struct fake_backend *fb = fbk(ctx);
	if (i >= fb->nsensors || fb->unavailable[i])
		return -1;
	*raw = fb->raw[i];
	*states = fb->states[i];
	return 0;
}

static int f_fru(void *ctx, struct bmc_fru_info *out)
{
	*out = fbk(ctx)->fru;
	return 0;
}

static int f_console_write(void *ctx, const uint8_t *buf, size_t len)
{
	struct fake_backend *fb = ctx;
	size_t n = fb->console_take && fb->console_take < len ? fb->console_take : len;
	if (n > sizeof fb->console - fb->console_len)
		n = sizeof fb->console - fb->console_len;
	memcpy(fb->console + fb->console_len, buf, n);
	fb->console_len += n;
	return (int)n;
}

static int f_console_break(void *ctx)
{
	struct fake_backend *fb = ctx;
	fb->breaks++;
	return 0;
}

void fake_backend_init(struct fake_backend *fb, struct bmc_backend *be)
{
	memset(fb, 0, sizeof *fb);
	fb->power_on = true;
	fb->fru.chassis_type = 0x17;
	snprintf(fb->fru.chassis_serial, sizeof fb->fru.chassis_serial, "CH-0001");
	snprintf(fb->fru.board_mfr, sizeof fb->fru.board_mfr, "bmcd");
	snprintf(fb->fru.board_product, sizeof fb->fru.board_product, "Test Board");
	snprintf(fb->fru.board_serial, sizeof fb->fru.board_serial, "BRD-42");
	snprintf(fb->fru.product_mfr, sizeof fb->fru.product_mfr, "bmcd");
	snprintf(fb->fru.product_name, sizeof fb->fru.product_name, "Test Server");
	snprintf(fb->fru.product_serial, sizeof fb->fru.product_serial, "SN-0001");
	fb->fru.size = 1024;
	memset(be, 0, sizeof *be);
	be->ctx = fb;
	be->power_get = f_power_get;
	be->chassis_control = f_control;
	be->identify = f_identify;
	be->pretimeout_interrupt = f_pretimeout;
	be->sensor_count = f_count;
	be->sensor_describe = f_describe;
	be->sensor_read = f_read;
	be->fru_info = f_fru;
	be->console_ctx = fb;
	be->console_write = f_console_write;
	be->console_break = f_console_break;
}

unsigned fake_add_temp(struct fake_backend *fb, const char *id, uint8_t number, uint8_t raw)
{
	unsigned i = fb->nsensors++;
	struct bmc_sensor_desc *d = &fb->desc[i];
	memset(d, 0, sizeof *d);
	snprintf(d->id, sizeof d->id, "%s", id);
	d->owner = 0x20;
	d->number = number;
	d->entity_id = 0x03;
	d->entity_instance = 1;
	d->type = 0x01;
	d->reading_type = 0x01;
	d->record_type = 0x01;
	d->unit = 0x01;
	d->m = 1;
	d->nominal = 40;
	d->normal_max = 80;
	d->sensor_max = 255;
	d->thr_readable = 0x3F;
	d->thr_settable = 0x3F;
	const uint8_t thr[6] = {5, 0, 0, 80, 90, 100};
	memcpy(d->thr, thr, 6);
	d->hyst_pos = 2;
	d->hyst_neg = 2;
	d->assert_mask = 0x0A95;   /* going-high UNC/UC/UNR, going-low LNC/LC */
	d->deassert_mask = 0x0A95;
	d->events_enabled = true;
	fb->raw[i] = raw;
	return i;
}

unsigned fake_add_discrete(struct fake_backend *fb, const char *id, uint8_t number, uint8_t type,
			   uint16_t assert_mask)
{
	unsigned i = fb->nsensors++;
	struct bmc_sensor_desc *d = &fb->desc[i];
	memset(d, 0, sizeof *d);
	snprintf(d->id, sizeof d->id, "%s", id);
	d->owner = 0x20;
	d->number = number;
	d->entity_id = 0x17;
	d->entity_instance = 1;
	d->type = type;
	d->reading_type = 0x6F;
	d->record_type = 0x02;
	d->assert_mask = assert_mask;
	d->deassert_mask = assert_mask;
	d->reading_mask = assert_mask;
	d->events_enabled = true;
	return i;
}
