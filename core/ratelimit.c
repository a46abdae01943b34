/* See ratelimit.h. */
#include <string.h>

#include "ratelimit.h"

#include "rmcp.h"
#include "session.h"
#include "state.h"

static bool addr_bits_match(const uint8_t *a, const uint8_t *prefix, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	if (full && memcmp(a, prefix, full))
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xFFu << (8 - rest));
		if ((a[full] & mask) != (prefix[full] & mask))
			return false;
	}
	return true;
}

bool bmc_cidr_match(const struct bmc_cidr *c, const struct bmc_peer *peer)
{
	static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
	if (c->family == 4 && c->prefix <= 32) {
		if (peer->family == 4)
			return addr_bits_match(peer->addr, c->addr, c->prefix);
		/* ::ffff:a.b.c.d (RFC 4291 §2.5.5.2) is the IPv4 host a.b.c.d. */
		if (peer->family == 6 && !memcmp(peer->addr, v4mapped, 12))
			return addr_bits_match(peer->addr + 12, c->addr, c->prefix);
		return false;
	}
	if (c->family == 6 && c->prefix <= 128 && peer->family == 6)
		return addr_bits_match(peer->addr, c->addr, c->prefix);
	return false;
}

bool bmc_allow_match(const struct bmc_cidr *list, unsigned n, const struct bmc_peer *peer)
{
	if (n == 0)
		return true;
	for (unsigned i = 0; i < n && i < BMC_MAX_ALLOW; i++)
		if (bmc_cidr_match(&list[i], peer))
			return true;
	return false;
}

static uint32_t rate_or(uint16_t v, uint32_t def)
{
	uint32_t r = v ? v : def;
	return r > 1000 ? 1000 : r;
}

/* Cost of one token in ms for a rate in tokens per second (1..1000). */
static uint32_t cost_of(uint32_t rate)
{
	return 1000u / rate;
}

static void refill(struct bmc_bucket *b, uint64_t elapsed, uint32_t cap)
{
	uint64_t c = b->credit_ms + elapsed;
	b->credit_ms = (uint32_t)(c > cap ? cap : c);
}

/* A bucket of all sources together: full at first use, refilled from its own clock. */
static void refill_shared(struct bmc_bucket *b, uint64_t *last_ms, bool *init, uint64_t now, uint32_t cap)
{
	if (!*init) {
		b->credit_ms = cap;
		*last_ms = now;
		*init = true;
	}
	refill(b, now >= *last_ms ? now - *last_ms : 0, cap);
	*last_ms = now;
}

bool bmc_bucket_take(struct bmc_bucket *b, uint32_t cost_ms)
{
	if (b->credit_ms < cost_ms)
		return false;
	b->credit_ms -= cost_ms;
	return true;
}

/* An unlimited rate costs nothing; the bucket then never runs dry. */
static uint32_t setup_cost(const struct bmc *bmc)
{
	if (bmc->cfg.setup_limit == BMC_RATE_UNLIMITED)
		return 0;
	return cost_of(rate_or(bmc->cfg.setup_limit, BMC_SETUP_RATE_DEFAULT));
}

static uint32_t reply_cost(const struct bmc *bmc)
{
	if (bmc->cfg.reply_limit == BMC_RATE_UNLIMITED)
		return 0;
	return cost_of(rate_or(bmc->cfg.reply_limit, BMC_REPLY_RATE_DEFAULT));
}

/* Caps: a burst of twice the per-second rate, i.e. two seconds of credit. */
static uint32_t setup_cap(const struct bmc *bmc)
{
	return 2u * rate_or(bmc->cfg.setup_limit, BMC_SETUP_RATE_DEFAULT) * setup_cost(bmc);
}

static uint32_t reply_cap(const struct bmc *bmc)
{
	return 2u * rate_or(bmc->cfg.reply_limit, BMC_REPLY_RATE_DEFAULT) * reply_cost(bmc);
}

struct bmc_source *bmc_source_get(struct bmc *bmc, const struct bmc_peer *peer)
{
	struct bmc_sources *t = &bmc->sources;
	uint64_t now = bmc_now(bmc);
	struct bmc_source *hit = NULL, *lru = NULL;
	size_t n = peer->family == 6 ? 16 : 4;

	/* Probing starts at a slot the address chooses, so a known host is found at once
	 * (the set-up profile showed a scan of the whole table per packet). Entries are never
	 * emptied, only replaced, so the first empty slot in probe order ends the search. */
	uint32_t x = 2166136261u ^ peer->family;
	for (size_t i = 0; i < n; i++)
		x = (x ^ peer->addr[i]) * 16777619u;
	for (unsigned j = 0; j < BMC_MAX_SOURCES; j++) {
		struct bmc_source *e = &t->tab[(x + j) % BMC_MAX_SOURCES];
		if (!e->used) {
			lru = e;
			break;
		}
		if (e->family == peer->family && !memcmp(e->addr, peer->addr, n)) {
			hit = e;
			break;
		}
		if (!lru || e->seen_ms < lru->seen_ms)
			lru = e;
	}
	if (!hit) {
		/* A new (or evicted and returning) host starts with full buckets. */
		hit = lru;
		memset(hit, 0, sizeof *hit);
		hit->used = true;
		hit->family = peer->family;
		memcpy(hit->addr, peer->addr, n);
		hit->seen_ms = now;
		hit->setup.credit_ms = setup_cap(bmc);
		hit->reply.credit_ms = reply_cap(bmc);
		hit->sel.credit_ms = BMC_AUDIT_SRC_BURST * BMC_AUDIT_SRC_MS;
		hit->log.credit_ms = BMC_AUDIT_LOG_BURST * BMC_AUDIT_LOG_MS;
		return hit;
	}
	uint64_t elapsed = now >= hit->seen_ms ? now - hit->seen_ms : 0;
	refill(&hit->setup, elapsed, setup_cap(bmc));
	refill(&hit->reply, elapsed, reply_cap(bmc));
	refill(&hit->sel, elapsed, BMC_AUDIT_SRC_BURST * BMC_AUDIT_SRC_MS);
	refill(&hit->log, elapsed, BMC_AUDIT_LOG_BURST * BMC_AUDIT_LOG_MS);
	hit->seen_ms = now;
	return hit;
}

/* The budget of all sources together. Per-source limits alone do not bound the work:
 * the source table forgets hosts (a new one starts with a full bucket), so enough
 * addresses (an IPv6 /64 has plenty) each stay within their own limit. */
static bool setup_total_take(struct bmc *bmc)
{
	struct bmc_sources *t = &bmc->sources;
	if (bmc->cfg.setup_limit_total == BMC_RATE_UNLIMITED)
		return true;
	uint32_t rate = rate_or(bmc->cfg.setup_limit_total, BMC_SETUP_TOTAL_DEFAULT);
	uint32_t cost = cost_of(rate), cap = 2u * rate * cost;
	refill_shared(&t->setup_all, &t->setup_all_ms, &t->setup_all_init, bmc_now(bmc), cap);
	return bmc_bucket_take(&t->setup_all, cost);
}

bool bmc_ratelimit_setup(struct bmc *bmc, const struct bmc_peer *peer)
{
	/* The source's own bucket first, so that a source over its limit does not spend
	 * everyone's budget. */
	if (bmc_bucket_take(&bmc_source_get(bmc, peer)->setup, setup_cost(bmc)) && setup_total_take(bmc))
		return true;
	bmc->stats.dropped_ratelimit++;
	return false;
}

void bmc_preauth_send(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *buf,
		      size_t len, bool pong)
{
	/* DESIGN.md §5: before authentication a reply is at most twice its request, so
	 * bmcd is useless as a reflector; the fixed-size pong is the one exception. A reply
	 * with no request being handled (rx_len 0) is not a reply at all. */
	size_t bound = pong ? BMC_PONG_LEN : 2 * bmc->sources.rx_len;
	if (len > bound) {
		bmc->stats.dropped_amplification++;
		return;
	}
	if (!bmc_bucket_take(&bmc_source_get(bmc, peer)->reply, reply_cost(bmc))) {
		bmc->stats.dropped_ratelimit++;
		return;
	}
	bmc_rmcp_send(bmc, channel, peer, buf, len);
}

bool bmc_ratelimit_sel(struct bmc *bmc, const struct bmc_peer *peer, bool per_source)
{
	struct bmc_sources *t = &bmc->sources;
	refill_shared(&t->sel_all, &t->sel_all_ms, &t->sel_all_init, bmc_now(bmc), BMC_AUDIT_ALL_BURST * BMC_AUDIT_ALL_MS);

	struct bmc_source *src = peer && peer->family ? bmc_source_get(bmc, peer) : NULL;
	/* The per-source bucket is looked at first so that a source over its own limit
	 * does not spend the global budget. */
	if (src && per_source && src->sel.credit_ms < BMC_AUDIT_SRC_MS)
		goto suppressed;
	if (!bmc_bucket_take(&t->sel_all, BMC_AUDIT_ALL_MS))
		goto suppressed;
	if (src && per_source)
		bmc_bucket_take(&src->sel, BMC_AUDIT_SRC_MS);
	return true;
suppressed:
	bmc->stats.audit_suppressed++;
	if (src)
		src->sel_suppressed++;
	return false;
}

bool bmc_ratelimit_log(struct bmc *bmc, const struct bmc_peer *peer, uint32_t *suppressed)
{
	*suppressed = 0;
	if (!peer || !peer->family)
		return true;
	struct bmc_source *src = bmc_source_get(bmc, peer);
	if (!bmc_bucket_take(&src->log, BMC_AUDIT_LOG_MS)) {
		src->log_suppressed++;
		return false;
	}
	*suppressed = src->log_suppressed;
	src->log_suppressed = 0;
	return true;
}
