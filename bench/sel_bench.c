/* Durable SEL additions per second through the real file store (fdatasync per record),
 * a clear of a full SEL, and the replay of a full SEL at start-up. Not a test.
 *
 *   cmake --preset default && cmake --build build/default --target bench_sel_bench
 *   ./build/default/bench_sel_bench [DIR]   # DIR: where store.log goes (default: a new
 *                                          # directory in /tmp)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bmc/bmc.h"
#include "store_file.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t p_now(void *ctx)
{
	(void)ctx;
	return (uint64_t)(now_s() * 1000.0);
}

static int64_t p_wall(void *ctx)
{
	(void)ctx;
	return (int64_t)time(NULL);
}

static int p_random(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0x5A, len); /* a bench, not a BMC: nothing here needs secrecy */
	return 0;
}

static void p_send(void *ctx, uint8_t ch, const struct bmc_peer *peer, const void *buf, size_t len)
{
	(void)ctx, (void)ch, (void)peer, (void)buf, (void)len;
}

/* ctx points at the store pointer: bmc_init needs the platform before the store is
 * opened (its replay goes into the initialised bmc). */
static int p_put(void *ctx, uint16_t type, uint16_t key, const void *data, size_t len)
{
	return store_file_put(*(struct store_file **)ctx, type, key, data, len);
}

static void replay(void *arg, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	bmc_store_apply(arg, type, key, value, len);
}

static struct bmc *open_bmc(const char *dir, struct store_file **sf)
{
	struct bmc_platform plat = {
		.ctx = sf, .now_ms = p_now, .wall_time = p_wall, .random = p_random, .send = p_send, .store_put = p_put,
	};
	struct bmc_config cfg;
	char err[256];
	struct bmc *bmc = calloc(1, bmc_size());
	bmc_config_defaults(&cfg);
	if (!bmc || bmc_init(bmc, &plat, NULL, &cfg) != 0 || store_file_open(sf, dir, replay, bmc, err, sizeof err) != 0) {
		fprintf(stderr, "open %s failed\n", dir);
		exit(1);
	}
	return bmc;
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/sel_bench.XXXXXX";
	const char *dir = argc > 1 ? argv[1] : mkdtemp(tmpl);
	struct store_file *sf;
	uint8_t rec[16] = {0, 0, 0x02, 0, 0, 0, 0, 0x20, 0x00, 0x04, 0x01, 0x30, 0x01, 0x57, 0x5A, 0x50};

	if (!dir)
		return 1;
	struct bmc *bmc = open_bmc(dir, &sf);
	(void)bmc_sel_clear_all(bmc);
	unsigned n = 4096 - bmc_sel_entries(bmc);
	double t = now_s();
	for (unsigned i = 0; i < n; i++)
		if (bmc_sel_add_record(bmc, rec) < 0)
			return 1;
	t = now_s() - t;
	printf("%u durable adds in %.3f s: %.0f adds/s (%s)\n", n, t, n / t, dir);

	store_file_close(sf);
	free(bmc);
	t = now_s();
	bmc = open_bmc(dir, &sf);
	t = now_s() - t;
	printf("restart with %u entries: %.3f s\n", bmc_sel_entries(bmc), t);

	t = now_s();
	if (bmc_sel_clear_all(bmc) != 0)
		return 1;
	printf("clear of a full SEL: %.3f ms\n", (now_s() - t) * 1e3);
	store_file_close(sf);
	free(bmc);
	return 0;
}
