/* See satellite.h. */
#include "satellite.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bmc/crypto.h"
#include "daemon.h"
#include "log.h"

static void sat_send(void *ctx, uint8_t channel, const struct bmc_peer *peer, const void *buf, size_t len)
{
	/* A satellite has no LAN or serial interface: only IPMB. */
	(void)ctx;
	(void)channel;
	(void)peer;
	(void)buf;
	(void)len;
}

static void sat_log(void *ctx, enum bmc_log_level level, const char *msg)
{
	const struct satellite *s = ctx;
	char line[320];
	snprintf(line, sizeof line, "mc %02Xh: %s", s->addr, msg);
	log_line(level, line);
}

static int sat_store_put(void *ctx, uint16_t type, uint16_t key, const void *data, size_t len)
{
	struct satellite *s = ctx;
	return s->store ? store_file_put(s->store, type, key, data, len) : -1;
}

static int sat_ipmb_send(void *ctx, uint8_t channel, const void *frame, size_t len)
{
	struct satellite *s = ctx;
	(void)channel;
	return ipmb_bus_send(&s->d->bus, frame, len);
}

static void replay(void *arg, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	struct satellite *s = arg;
	bmc_store_apply(s->bmc, type, key, value, len);
}

static int start_one(struct satellite *s, struct daemon *d, uint8_t addr)
{
	char dir[PATH_MAX], err[1400];
	struct bmc_config cfg;

	memset(s, 0, sizeof *s);
	s->addr = addr;
	s->d = d;
	s->bmc = aligned_alloc(64, (bmc_size() + 63) / 64 * 64);
	if (!s->bmc) {
		log_error("mc %02Xh: out of memory", addr);
		return -1;
	}
	sim_view_init(&s->view, &d->sim, addr, &s->backend);
	s->platform = d->platform;
	s->platform.ctx = s;
	s->platform.send = sat_send;
	s->platform.log = sat_log;
	s->platform.store_put = sat_store_put;
	s->platform.reset = NULL;
	s->platform.ipmb_send = sat_ipmb_send;
	bmc_config_defaults(&cfg);
	cfg.slave_addr = addr;
	cfg.device_id = addr;
	cfg.product_id = 0x0002;
	cfg.manufacturer_id = d->cfg.bmc.manufacturer_id;
	cfg.sel_capacity = 16; /* it logs nothing itself: events go to the BMC */
	/* The BMC is the event receiver, unless events are off altogether. */
	cfg.event_receiver = d->cfg.bmc.event_receiver == 0xFF ? 0xFF : 0x20;
	if (bmc_init(s->bmc, &s->platform, &s->backend, &cfg)) {
		log_error("mc %02Xh: core initialisation failed", addr);
		return -1;
	}
	snprintf(dir, sizeof dir, "%s/mc-%02x", d->cfg.state_dir, addr);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		log_error("mc %02Xh: cannot create %s: %s", addr, dir, strerror(errno));
		return -1;
	}
	err[0] = '\0';
	if (store_file_open_sealed(&s->store, dir, &d->secrets, replay, s, err, sizeof err)) {
		log_error("mc %02Xh: store: %s", addr, err);
		return -1;
	}
	if (err[0])
		log_warn("mc %02Xh: store: %s", addr, err);
	if (ipmb_bus_attach(&d->bus, addr, s->bmc)) {
		log_error("mc %02Xh: IPMB address taken", addr);
		return -1;
	}
	if (bmc_start(s->bmc)) {
		log_error("mc %02Xh: core start failed", addr);
		return -1;
	}
	log_info("satellite controller at IPMB %02Xh with %u sensors", addr, s->view.count);
	return 0;
}

int satellites_start(struct daemon *d)
{
	uint8_t addrs[SATELLITES_MAX];
	unsigned n = sim_satellites(&d->sim, addrs, SATELLITES_MAX);
	for (unsigned i = 0; i < n; i++) {
		if (start_one(&d->sats[i], d, addrs[i]))
			return -1;
		d->nsats = i + 1;
	}
	return 0;
}

void satellites_tick(struct daemon *d)
{
	for (unsigned i = 0; i < d->nsats; i++)
		bmc_tick(d->sats[i].bmc);
}

void satellites_refresh(struct daemon *d)
{
	for (unsigned i = 0; i < d->nsats; i++)
		bmc_sensor_refresh(d->sats[i].bmc, -1);
}

void satellites_stop(struct daemon *d)
{
	for (unsigned i = 0; i < SATELLITES_MAX; i++) {
		struct satellite *s = &d->sats[i];
		if (s->store)
			store_file_close(s->store);
		if (s->bmc) {
			bmc_wipe(s->bmc, bmc_size());
			free(s->bmc);
		}
		memset(s, 0, sizeof *s);
	}
	d->nsats = 0;
}
