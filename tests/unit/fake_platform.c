#include "fake_platform.h"

#include "state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t f_now(void *ctx)
{
	return ((struct fake_platform *)ctx)->now_ms;
}

static int64_t f_wall(void *ctx)
{
	return 1700000000 + (int64_t)(((struct fake_platform *)ctx)->now_ms / 1000);
}

static int f_random(void *ctx, void *buf, size_t len)
{
	struct fake_platform *fp = ctx;
	uint8_t *p = buf;
	for (size_t i = 0; i < len; i++) {
		fp->rng_state = fp->rng_state * 1103515245u + 12345u;
		p[i] = (uint8_t)(fp->rng_state >> 16);
	}
	return 0;
}

static void f_send(void *ctx, uint8_t channel, const struct bmc_peer *peer, const void *buf, size_t len)
{
	struct fake_platform *fp = ctx;
	(void)channel;
	(void)peer;
	unsigned slot = fp->sent_count % FAKE_MAX_SENT;
	if (len > sizeof fp->sent[0])
		len = sizeof fp->sent[0];
	memcpy(fp->sent[slot], buf, len);
	fp->sent_len[slot] = len;
	fp->sent_count++;
}

static void f_log(void *ctx, enum bmc_log_level level, const char *msg)
{
	struct fake_platform *fp = ctx;
	if (!fp->quiet && level <= BMC_LOG_WARN)
		fprintf(stderr, "[bmc %d] %s\n", (int)level, msg);
}

/* Record values live in a static arena: tests create many platforms and free none of
 * them explicitly. 64 MiB of zero pages cost nothing until touched. */
static uint8_t *arena_alloc(size_t n)
{
	static uint8_t arena[64u << 20];
	static size_t used;
	if (n > sizeof arena - used)
		return NULL;
	uint8_t *p = arena + used;
	used += (n + 15) & ~(size_t)15;
	return p;
}

static int f_store_put(void *ctx, uint16_t type, uint16_t key, const void *data, size_t len)
{
	struct fake_platform *fp = ctx;
	if (fp->store_fail)
		return -1;
	struct fake_rec *free_slot = NULL;
	for (unsigned i = 0; i < FAKE_MAX_RECS; i++) {
		struct fake_rec *r = &fp->recs[i];
		if (r->used && r->type == type && r->key == key) {
			free_slot = r;
			break;
		}
		if (!r->used && !free_slot)
			free_slot = r;
	}
	if (!free_slot)
		return -1;
	if (len == 0) {
		free_slot->used = false;
		return 0;
	}
	if (free_slot->cap < len) {
		free_slot->value = arena_alloc(len);
		free_slot->cap = free_slot->value ? len : 0;
		if (!free_slot->value)
			return -1;
	}
	free_slot->used = true;
	free_slot->type = type;
	free_slot->key = key;
	memcpy(free_slot->value, data, len);
	free_slot->len = len;
	free_slot->seq = ++fp->seq;
	return 0;
}

static void f_reset(void *ctx, enum bmc_reset_kind kind)
{
	(void)kind;
	((struct fake_platform *)ctx)->resets++;
}

void fake_platform_init(struct fake_platform *fp, struct bmc_platform *plat)
{
	memset(fp, 0, sizeof *fp);
	fp->now_ms = 1000;
	fp->rng_state = 42;
	fp->quiet = getenv("BMC_TEST_VERBOSE") == NULL;
	memset(plat, 0, sizeof *plat);
	plat->ctx = fp;
	plat->now_ms = f_now;
	plat->wall_time = f_wall;
	plat->random = f_random;
	plat->send = f_send;
	plat->log = f_log;
	plat->store_put = f_store_put;
	plat->reset = f_reset;
}

const uint8_t *fake_last_sent(const struct fake_platform *fp, size_t *len)
{
	if (!fp->sent_count)
		return NULL;
	unsigned slot = (fp->sent_count - 1) % FAKE_MAX_SENT;
	*len = fp->sent_len[slot];
	return fp->sent[slot];
}

static int by_seq(const void *a, const void *b)
{
	const struct fake_rec *x = *(const struct fake_rec *const *)a, *y = *(const struct fake_rec *const *)b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void fake_replay(const struct fake_platform *fp, struct bmc *bmc)
{
	static const struct fake_rec *order[FAKE_MAX_RECS];
	unsigned n = 0;
	for (unsigned i = 0; i < FAKE_MAX_RECS; i++)
		if (fp->recs[i].used)
			order[n++] = &fp->recs[i];
	qsort(order, n, sizeof order[0], by_seq);
	for (unsigned i = 0; i < n; i++)
		bmc_store_apply(bmc, order[i]->type, order[i]->key, order[i]->value, order[i]->len);
}

struct bmc *fake_bmc_new(struct fake_platform *fp, const struct bmc_config *cfg, bool provision)
{
	return fake_bmc_new_with(fp, cfg, NULL, provision);
}

static int f_ipmb_send(void *ctx, uint8_t channel, const void *frame, size_t len)
{
	struct fake_platform *fp = ctx;
	(void)channel;
	if (fp->ipmb_rc)
		return fp->ipmb_rc;
	unsigned slot = fp->ipmb_count++ % FAKE_MAX_SENT;
	size_t n = len < sizeof fp->ipmb[0] ? len : sizeof fp->ipmb[0];
	memcpy(fp->ipmb[slot], frame, n);
	fp->ipmb_len[slot] = n;
	return 0;
}

const uint8_t *fake_last_ipmb(const struct fake_platform *fp, size_t *len)
{
	if (!fp->ipmb_count)
		return NULL;
	unsigned slot = (fp->ipmb_count - 1) % FAKE_MAX_SENT;
	*len = fp->ipmb_len[slot];
	return fp->ipmb[slot];
}

static struct bmc *new_bmc(struct fake_platform *fp, const struct bmc_config *cfg, const struct bmc_backend *backend,
			   bool provision, bool ipmb)
{
	struct bmc_platform pl; /* bmc_init copies it */
	struct bmc_platform *plat = &pl;
	struct bmc_config def;
	fake_platform_init(fp, plat);
	if (ipmb)
		plat->ipmb_send = f_ipmb_send;
	if (!cfg) {
		bmc_config_defaults(&def);
		cfg = &def;
	}
	struct bmc *bmc = calloc(1, bmc_size());
	if (!bmc)
		abort();
	struct bmc_backend none = {0};
	if (bmc_init(bmc, plat, backend ? backend : &none, cfg) != 0 || bmc_start(bmc) != 0)
		abort();
	if (provision && bmc_provision_admin(bmc, "admin", "password") != 0)
		abort();
	return bmc;
}

struct bmc *fake_bmc_new_with(struct fake_platform *fp, const struct bmc_config *cfg,
			      const struct bmc_backend *backend, bool provision)
{
	return new_bmc(fp, cfg, backend, provision, false);
}

struct bmc *fake_bmc_new_ipmb(struct fake_platform *fp, const struct bmc_config *cfg,
			      const struct bmc_backend *backend, bool provision)
{
	return new_bmc(fp, cfg, backend, provision, true);
}

const struct fake_rec *fake_find_rec(const struct fake_platform *fp, uint16_t type, uint16_t key)
{
	for (unsigned i = 0; i < FAKE_MAX_RECS; i++)
		if (fp->recs[i].used && fp->recs[i].type == type && fp->recs[i].key == key)
			return &fp->recs[i];
	return NULL;
}

struct bmc *fake_restart(const struct fake_platform *fp, struct bmc *old)
{
	struct bmc *nb = calloc(1, bmc_size());
	if (!nb)
		abort();
	struct bmc_platform plat = old->plat;
	struct bmc_backend be = old->backend;
	struct bmc_config cfg = old->cfg;
	if (bmc_init(nb, &plat, &be, &cfg) != 0)
		abort();
	fake_replay(fp, nb);
	if (bmc_start(nb) != 0)
		abort();
	free(old);
	return nb;
}

struct rsp fake_dispatch(struct bmc *bmc, const struct bmc_req *req, size_t cap)
{
	struct bmc_writer w;
	struct rsp r;
	memset(&r, 0, sizeof r);
	wr_init(&w, r.data, cap && cap < sizeof r.data ? cap : sizeof r.data);
	r.cc = bmc_dispatch(bmc, req, &w);
	r.len = wr_len(&w);
	return r;
}
