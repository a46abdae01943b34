/* The System Event Log engine (IPMI 2.0 §31, records §32): memory, ids, reservations,
 * time, and how the SEL lives in the store.
 *
 * Storage scheme (include/bmc/store.h; both stores replay the newest value of every
 * live (type, key) in the order the values were last written, and compaction keeps
 * that order):
 *
 *   STORE_SEL, key = slot (0..BMC_SEL_MAX-1), value = the 16-byte record followed by
 *       u32le "added at" (SEL time). A slot is where the record lives in memory; it is
 *       not the record id. Adding = one write; deleting = a store deletion of the slot.
 *   STORE_SEL_META, key SEL_META_STATE or SEL_META_CLEAR, value = u16le next id,
 *       u8 flags (bit 0: overflow), u32le last addition, u32le last erase: the SEL's
 *       bookkeeping as it was when written. Replaying SEL_META_CLEAR also empties the
 *       SEL: it is the clear marker.
 *   STORE_SEL_META, key SEL_META_UTC, value = s16le UTC offset in minutes.
 *
 * Clear SEL is therefore ONE write: the clear marker. Every slot record written
 * before it replays before it and is discarded by it; records added after the clear
 * are written after it and survive. The stale slot records stay in the store until
 * their slot is reused (new records take the lowest free slot, so they are
 * overwritten first), which bounds the store's SEL records by BMC_SEL_MAX whatever
 * the traffic: record ids as keys would leave up to 65534 dead records behind.
 *
 * Every SEL write implies the next record id: a slot record its id + 1, a meta record
 * its next-id field. Replaying them in write order leaves the next id of the newest
 * write, i.e. the one the BMC had. A delete writes SEL_META_STATE (with the new erase
 * time) before it deletes the slot: otherwise deleting the newest record would let a
 * restart hand out its id again. The overflow flag is written (SEL_META_STATE) when it
 * first becomes set, and reset by the clear marker.
 *
 * Record ids count up from 1 and skip 0000h, FFFFh and ids in use; they wrap after
 * FFFEh. Insertion order, not id order, is the SEL's order (Get SEL Entry's "next"). */
#include "sel.h"

#include <string.h>

#include "bmc/store.h"
#include "state.h"

enum {
	SEL_META_STATE = 0,
	SEL_META_CLEAR = 1,
	SEL_META_UTC = 2,
};

#define SEL_VALUE_LEN (BMC_SEL_REC + 4)
#define SEL_META_LEN 11
#define SEL_META_OVERFLOW 0x01
#define GE_SEL_LOGGING 0x08 /* BMC Global Enables bit 3, IPMI 2.0 §22.1 */

/* Record types, IPMI 2.0 §32: 02h system event; C0h-DFh OEM time stamped;
 * E0h-FFh OEM without time stamp. The rest are reserved. */
#define SEL_TYPE_SYSTEM 0x02
#define SEL_TYPE_OEM_TS_FIRST 0xC0
#define SEL_TYPE_OEM_NOTS_FIRST 0xE0

#if BMC_SEL_MAX < 1 || BMC_SEL_MAX > 8192
#error "BMC_SEL_MAX must be 1..8192"
#endif

static uint16_t rec_id(const uint8_t *rec)
{
	return (uint16_t)(rec[0] | rec[1] << 8);
}

static uint16_t id_after(uint16_t id)
{
	id++;
	return (id == SEL_ID_LAST || id == SEL_ID_FIRST) ? 1 : id;
}

/* ---- the id -> slot hash --------------------------------------------------------- */

/* Ids are dense and sequential; mix them so that a run of ids does not become one long
 * probe chain. */
static size_t id_home(uint16_t id)
{
	uint32_t h = (uint32_t)id * 0x9E3779B1u;
	h ^= h >> 15;
	return (size_t)h & (BMC_SEL_HASH - 1);
}

/* The bucket holding id, or the empty bucket where it would go. Terminates: at most
 * half of the buckets are ever full. */
static size_t hash_find(const struct bmc_sel *s, uint16_t id)
{
	size_t i = id_home(id);
	while (s->hash[i] && rec_id(s->rec[s->hash[i] - 1]) != id)
		i = (i + 1) & (BMC_SEL_HASH - 1);
	return i;
}

static int slot_of(const struct bmc_sel *s, uint16_t id)
{
	uint16_t v = s->hash[hash_find(s, id)];
	return v ? v - 1 : -1;
}

/* True when the entry whose home is `home` may move back from j to the hole at i. */
static bool may_fill_hole(size_t home, size_t i, size_t j)
{
	if (i <= j)
		return home <= i || home > j;
	return home <= i && home > j;
}

/* Backward-shift deletion: no tombstones, so churn does not slow lookups down. */
static void hash_del(struct bmc_sel *s, uint16_t id)
{
	size_t mask = BMC_SEL_HASH - 1, i = hash_find(s, id);
	if (!s->hash[i])
		return;
	for (size_t j = (i + 1) & mask; s->hash[j]; j = (j + 1) & mask) {
		if (may_fill_hole(id_home(rec_id(s->rec[s->hash[j] - 1])), i, j)) {
			s->hash[i] = s->hash[j];
			i = j;
		}
	}
	s->hash[i] = 0;
}

/* ---- memory ---------------------------------------------------------------------- */

static void mem_insert(struct bmc_sel *s, uint16_t slot, const uint8_t rec[BMC_SEL_REC])
{
	memcpy(s->rec[slot], rec, BMC_SEL_REC);
	s->pos[slot] = s->count;
	s->order[s->count++] = slot;
	s->hash[hash_find(s, rec_id(rec))] = (uint16_t)(slot + 1);
	while (s->free_hint < BMC_SEL_MAX && rec_id(s->rec[s->free_hint]) != 0)
		s->free_hint++;
}

/* O(n) for the order array; deletes are rare, reads are not. */
static void mem_remove(struct bmc_sel *s, uint16_t slot)
{
	unsigned i = s->pos[slot];
	hash_del(s, rec_id(s->rec[slot]));
	memmove(&s->order[i], &s->order[i + 1], (size_t)(s->count - i - 1) * sizeof s->order[0]);
	s->count--;
	for (unsigned j = i; j < s->count; j++)
		s->pos[s->order[j]] = (uint16_t)j;
	memset(s->rec[slot], 0, BMC_SEL_REC);
	if (slot < s->free_hint)
		s->free_hint = slot;
}

static void mem_reset(struct bmc_sel *s)
{
	memset(s->rec, 0, sizeof s->rec);
	memset(s->hash, 0, sizeof s->hash);
	s->count = 0;
	s->free_hint = 0;
}

/* The id the next record gets: next_id, or the first id after it not in use. At most
 * count ids are in use, so the loop ends within count + 1 steps. */
static uint16_t fresh_id(const struct bmc_sel *s)
{
	uint16_t id = s->next_id;
	if (id == SEL_ID_FIRST || id == SEL_ID_LAST)
		id = 1;
	while (slot_of(s, id) >= 0)
		id = id_after(id);
	return id;
}

/* ---- time ------------------------------------------------------------------------ */

static int64_t wall_clock(struct bmc *bmc)
{
	if (bmc->plat.wall_time)
		return bmc->plat.wall_time(bmc->plat.ctx);
	/* No clock: seconds since start, which IPMI 2.0 §37 reads as "time since
	 * initialisation" (values up to 20000000h). */
	return (int64_t)(bmc_now(bmc) / 1000u);
}

/* IPMI 2.0 §31.10: a 32-bit count of seconds, modulo 2^32. */
uint32_t bmc_sel_time(struct bmc *bmc)
{
	return (uint32_t)(uint64_t)(wall_clock(bmc) + bmc->sel.time_offset);
}

/* The offset is kept in RAM: after a restart the SEL follows the wall clock again,
 * which on a daemon is the host's (already synchronised) clock. */
void bmc_sel_set_time(struct bmc *bmc, uint32_t t)
{
	bmc->sel.time_offset = (int64_t)t - wall_clock(bmc);
}

/* ---- the store ------------------------------------------------------------------- */

static int put_meta(struct bmc *bmc, uint16_t key, bool overflow, uint32_t last_erase)
{
	const struct bmc_sel *s = &bmc->sel;
	uint8_t v[SEL_META_LEN];
	struct bmc_writer w;
	wr_init(&w, v, sizeof v);
	wr_u16le(&w, s->next_id);
	wr_u8(&w, overflow ? SEL_META_OVERFLOW : 0);
	wr_u32le(&w, s->last_add);
	wr_u32le(&w, last_erase);
	return bmc_persist(bmc, STORE_SEL_META, key, v, wr_len(&w));
}

static int apply_meta(struct bmc_sel *s, uint16_t key, const uint8_t *value, size_t len)
{
	struct bmc_reader r;
	rd_init(&r, value, len);
	if (key == SEL_META_UTC) {
		int16_t utc = (int16_t)rd_u16le(&r);
		if (!rd_done(&r) || (utc != SEL_UTC_UNSPECIFIED && (utc < -720 || utc > 720)))
			return -1;
		s->utc_offset = utc;
		return 0;
	}
	if (key != SEL_META_STATE && key != SEL_META_CLEAR)
		return -1;
	uint16_t next = rd_u16le(&r);
	uint8_t flags = rd_u8(&r);
	uint32_t last_add = rd_u32le(&r), last_erase = rd_u32le(&r);
	if (!rd_done(&r))
		return -1;
	if (key == SEL_META_CLEAR)
		mem_reset(s);
	s->next_id = next;
	s->overflow = (flags & SEL_META_OVERFLOW) != 0;
	s->last_add = last_add;
	s->last_erase = last_erase;
	return 0;
}

static int apply_rec(struct bmc_sel *s, uint16_t slot, const uint8_t *value, size_t len)
{
	struct bmc_reader r;
	uint8_t rec[BMC_SEL_REC];
	rd_init(&r, value, len);
	rd_bytes(&r, rec, sizeof rec);
	uint32_t added = rd_u32le(&r);
	uint16_t id = rec_id(rec);
	if (!rd_done(&r) || slot >= BMC_SEL_MAX || id == SEL_ID_FIRST || id == SEL_ID_LAST)
		return -1;
	if (rec_id(s->rec[slot]) != 0)
		mem_remove(s, slot); /* cannot happen with a sane store: one value per key */
	if (slot_of(s, id) >= 0)
		return -1; /* two live records with one id: keep the first */
	mem_insert(s, slot, rec);
	s->next_id = id_after(id);
	s->last_add = added;
	return 0;
}

int bmc_sel_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	if (type == STORE_SEL)
		return apply_rec(&bmc->sel, key, value, len);
	if (type == STORE_SEL_META)
		return apply_meta(&bmc->sel, key, value, len);
	return -1;
}

/* ---- operations ------------------------------------------------------------------ */

void bmc_sel_init(struct bmc *bmc)
{
	struct bmc_sel *s = &bmc->sel;
	uint16_t cap = bmc->cfg.sel_capacity;

	if (!bmc->init_zeroed)
		memset(s, 0, sizeof *s);
	if (cap == 0 || cap > BMC_SEL_MAX) {
		if (cap)
			bmc_logf(bmc, BMC_LOG_WARN, "sel: capacity %u exceeds the maximum; using %u", cap,
				 (unsigned)BMC_SEL_MAX);
		cap = BMC_SEL_MAX;
	}
	s->capacity = cap;
	s->next_id = 1;
	s->last_add = SEL_TS_NONE;
	s->last_erase = SEL_TS_NONE;
	s->utc_offset = SEL_UTC_UNSPECIFIED;
}

/* IPMI 2.0 §31.2: when the SEL is full, new events are dropped and the overflow flag
 * is set. The flag is stored once, when it first becomes set; if that write fails it
 * is retried with the next dropped event. */
static uint8_t sel_full(struct bmc *bmc)
{
	struct bmc_sel *s = &bmc->sel;
	if (!s->overflow && put_meta(bmc, SEL_META_STATE, true, s->last_erase) == 0)
		s->overflow = true;
	if (!s->full_logged) {
		bmc_logf(bmc, BMC_LOG_WARN, "sel: full (%u entries); new events are dropped", s->count);
		s->full_logged = true;
	}
	return CC_OUT_OF_SPACE;
}

static bool type_is_timestamped(uint8_t type)
{
	return type == SEL_TYPE_SYSTEM || (type >= SEL_TYPE_OEM_TS_FIRST && type < SEL_TYPE_OEM_NOTS_FIRST);
}

uint8_t bmc_sel_add(struct bmc *bmc, const uint8_t in[BMC_SEL_REC], uint16_t *id)
{
	struct bmc_sel *s = &bmc->sel;
	uint8_t rec[BMC_SEL_REC], value[SEL_VALUE_LEN];
	struct bmc_writer w;

	if (in[2] != SEL_TYPE_SYSTEM && in[2] < SEL_TYPE_OEM_TS_FIRST)
		return CC_INVALID_FIELD;
	if (s->count >= s->capacity)
		return sel_full(bmc);
	uint16_t nid = fresh_id(s), slot = s->free_hint; /* free: count < BMC_SEL_MAX */
	uint32_t now = bmc_sel_time(bmc);
	memcpy(rec, in, sizeof rec);
	rec[0] = (uint8_t)nid;
	rec[1] = (uint8_t)(nid >> 8);
	if (type_is_timestamped(rec[2])) {
		wr_init(&w, rec + 3, 4);
		wr_u32le(&w, now);
	}
	wr_init(&w, value, sizeof value);
	wr_bytes(&w, rec, sizeof rec);
	wr_u32le(&w, now);
	/* Durable before it exists: a failed write changes nothing. */
	if (bmc_persist(bmc, STORE_SEL, slot, value, wr_len(&w)) != 0)
		return CC_UNSPECIFIED;
	mem_insert(s, slot, rec);
	s->next_id = id_after(nid);
	s->last_add = now;
	*id = nid;
	return CC_OK;
}

int bmc_sel_index(const struct bmc *bmc, uint16_t id)
{
	const struct bmc_sel *s = &bmc->sel;
	if (s->count == 0)
		return -1;
	if (id == SEL_ID_FIRST)
		return 0;
	if (id == SEL_ID_LAST)
		return s->count - 1;
	int slot = slot_of(s, id);
	return slot < 0 ? -1 : s->pos[slot];
}

const uint8_t *bmc_sel_at(const struct bmc *bmc, unsigned i)
{
	return bmc->sel.rec[bmc->sel.order[i]];
}

/* IPMI 2.0 §31.2 "most recent erase": deletes count. The state record goes first (see
 * the top of this file); if the deletion then fails, the store holds a newer erase
 * time than memory, and the record is still there: nothing a client saw is wrong. */
uint8_t bmc_sel_delete(struct bmc *bmc, uint16_t id, uint16_t *deleted)
{
	struct bmc_sel *s = &bmc->sel;
	int i = bmc_sel_index(bmc, id);
	if (i < 0)
		return CC_NOT_PRESENT;
	uint16_t slot = s->order[i];
	uint32_t now = bmc_sel_time(bmc);
	if (put_meta(bmc, SEL_META_STATE, s->overflow, now) != 0 || bmc_persist(bmc, STORE_SEL, slot, NULL, 0) != 0)
		return CC_UNSPECIFIED;
	*deleted = rec_id(s->rec[slot]);
	mem_remove(s, slot);
	s->last_erase = now;
	s->reservation = 0; /* §31.4: a change to the SEL cancels the reservation */
	return CC_OK;
}

uint8_t bmc_sel_clear(struct bmc *bmc)
{
	struct bmc_sel *s = &bmc->sel;
	uint32_t now = bmc_sel_time(bmc);
	if (put_meta(bmc, SEL_META_CLEAR, false, now) != 0)
		return CC_UNSPECIFIED;
	mem_reset(s);
	s->overflow = false;
	s->full_logged = false;
	s->last_erase = now;
	s->reservation = 0;
	return CC_OK;
}

uint16_t bmc_sel_reserve(struct bmc *bmc)
{
	struct bmc_sel *s = &bmc->sel;
	s->last_reservation = (uint16_t)(s->last_reservation + 1);
	if (s->last_reservation == 0)
		s->last_reservation = 1; /* 0000h is reserved, §31.4 */
	s->reservation = s->last_reservation;
	return s->reservation;
}

bool bmc_sel_reserved(const struct bmc *bmc, uint16_t reservation)
{
	return reservation != 0 && reservation == bmc->sel.reservation;
}

/* IPMI 2.0 §31.11b: -720..+720 minutes, or 07FFh "unspecified". Stored. */
uint8_t bmc_sel_set_utc_offset(struct bmc *bmc, int16_t minutes)
{
	if (minutes != SEL_UTC_UNSPECIFIED && (minutes < -720 || minutes > 720))
		return CC_PARAM_OUT_OF_RANGE;
	uint8_t v[2];
	struct bmc_writer w;
	wr_init(&w, v, sizeof v);
	wr_u16le(&w, (uint16_t)minutes);
	if (bmc_persist(bmc, STORE_SEL_META, SEL_META_UTC, v, sizeof v) != 0)
		return CC_UNSPECIFIED;
	bmc->sel.utc_offset = minutes;
	return CC_OK;
}

/* IPMI 2.0 §32.1 system event record, logged by the BMC itself (sensors, watchdog).
 * With SEL logging disabled (global enables bit 3) the event is not logged, quietly:
 * it is the configured behaviour, not a fault. */
int bmc_sel_log_event(struct bmc *bmc, uint16_t generator, uint8_t sensor_type, uint8_t sensor_num,
		      uint8_t dir_type, uint8_t d1, uint8_t d2, uint8_t d3)
{
	uint8_t rec[BMC_SEL_REC] = {0};
	uint16_t id = 0;

	if (!(bmc->global_enables & GE_SEL_LOGGING))
		return -1;
	rec[2] = SEL_TYPE_SYSTEM;
	rec[7] = (uint8_t)generator;
	rec[8] = (uint8_t)(generator >> 8);
	rec[9] = 0x04; /* EvM revision for IPMI 2.0 */
	rec[10] = sensor_type;
	rec[11] = sensor_num;
	rec[12] = dir_type;
	rec[13] = d1;
	rec[14] = d2;
	rec[15] = d3;
	return bmc_sel_add(bmc, rec, &id) == CC_OK ? id : -1;
}

/* ---- the control interface (include/bmc/bmc.h) ------------------------------------- */

/* Negative: minus the completion code Add SEL Entry would have answered. */
int bmc_sel_add_record(struct bmc *bmc, const uint8_t rec[16])
{
	uint16_t id = 0;
	uint8_t cc = bmc_sel_add(bmc, rec, &id);
	return cc == CC_OK ? id : -(int)cc;
}

unsigned bmc_sel_entries(const struct bmc *bmc)
{
	return bmc->sel.count;
}

int bmc_sel_entry(const struct bmc *bmc, unsigned nth, uint8_t rec[16])
{
	if (nth >= bmc->sel.count)
		return -1;
	memcpy(rec, bmc_sel_at(bmc, nth), BMC_SEL_REC);
	return 0;
}

int bmc_sel_clear_all(struct bmc *bmc)
{
	return bmc_sel_clear(bmc) == CC_OK ? 0 : -1;
}
