/* struct bmc_platform for the POSIX daemon: clocks, getrandom, UDP, stderr, file store. */
#include <time.h>

#include "daemon.h"
#include "log.h"
#include "random.h"

static uint64_t p_now_ms(void *ctx)
{
	struct timespec ts;
	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int64_t p_wall_time(void *ctx)
{
	struct timespec ts;
	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

static int p_random(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	return random_fill_pooled(buf, len);
}

static void p_send(void *ctx, uint8_t channel, const struct bmc_peer *peer, const void *buf, size_t len)
{
	struct daemon *d = ctx;
	if (channel == 2) /* the serial channel */
		serial_write(&d->serial, buf, len);
	else
		net_send(&d->net, peer, buf, len);
}

static int p_ipmb_send(void *ctx, uint8_t channel, const void *frame, size_t len)
{
	struct daemon *d = ctx;
	(void)channel; /* one bus: the primary IPMB */
	return ipmb_bus_send(&d->bus, frame, len);
}

static void p_log(void *ctx, enum bmc_log_level level, const char *msg)
{
	(void)ctx;
	log_line(level, msg);
}

static int p_store_put(void *ctx, uint16_t type, uint16_t key, const void *data, size_t len)
{
	struct daemon *d = ctx;
	if (!d->store)
		return -1;
	return store_file_put(d->store, type, key, data, len);
}

static void p_reset(void *ctx, enum bmc_reset_kind kind)
{
	struct daemon *d = ctx;
	log_info("BMC %s reset requested", kind == BMC_RESET_COLD ? "cold" : "warm");
	if (!d->reset_pending || kind == BMC_RESET_COLD)
		d->reset_kind = kind;
	d->reset_pending = true;
}

void daemon_platform_init(struct daemon *d)
{
	d->platform = (struct bmc_platform){
		.ctx = d,
		.now_ms = p_now_ms,
		.wall_time = p_wall_time,
		.random = p_random,
		.send = p_send,
		.log = p_log,
		.store_put = p_store_put,
		.reset = p_reset,
	};
	/* The BMC has an IPMB when the simulated chassis has other controllers on it. */
	uint8_t addrs[SATELLITES_MAX];
	if (sim_satellites(&d->sim, addrs, SATELLITES_MAX))
		d->platform.ipmb_send = p_ipmb_send;
}
