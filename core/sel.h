/* The System Event Log, IPMI 2.0 §31: records, reservations, durable storage.
 *
 * Memory: a fixed array of BMC_SEL_MAX 16-byte records indexed by "slot" (the record's
 * place in the store, see sel.c), the slots in insertion order (order[]), and an
 * open-addressing hash from record id to slot, so that Get SEL Entry is O(1) and a
 * client reading the whole SEL costs O(n), not O(n^2). Nothing is allocated. */
#ifndef BMC_CORE_SEL_H
#define BMC_CORE_SEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmc/bmc.h"

struct bmc;

/* Compile-time cap on entries; the configuration (sel_capacity) may choose fewer. A
 * port for a small microcontroller lowers it. At most 8192 (the hash below is 2x). */
#ifndef BMC_SEL_MAX
#define BMC_SEL_MAX BMC_SEL_CAPACITY_MAX
#endif
#define BMC_SEL_REC 16
#define BMC_SEL_HASH (2 * BMC_SEL_MAX) /* a power of two, load factor <= 1/2 */

/* Record ids 0000h and FFFFh are "first" and "last" in requests: never a record's. */
#define SEL_ID_FIRST 0x0000u
#define SEL_ID_LAST 0xFFFFu
/* Time stamps: "unspecified" (no addition / erase ever, IPMI 2.0 §31.2). */
#define SEL_TS_NONE 0xFFFFFFFFu
/* Get/Set SEL Time UTC Offset: "unspecified", IPMI 2.0 §31.11a. */
#define SEL_UTC_UNSPECIFIED 0x07FF

struct bmc_sel {
	uint8_t rec[BMC_SEL_MAX][BMC_SEL_REC]; /* by slot; record id 0 = a free slot */
	uint16_t pos[BMC_SEL_MAX];             /* slot -> index into order[] */
	uint16_t order[BMC_SEL_MAX];           /* slots, oldest first */
	uint16_t hash[BMC_SEL_HASH];           /* record id -> slot + 1; 0 = empty bucket */
	uint16_t count;
	uint16_t capacity;     /* from the configuration, 1..BMC_SEL_MAX */
	uint16_t free_hint;    /* every slot below it is in use */
	uint16_t next_id;      /* the id the next addition receives (unless in use) */
	uint16_t reservation;  /* the current reservation id; 0 = none */
	uint16_t last_reservation;
	bool overflow;         /* events were dropped for lack of space */
	bool full_logged;      /* "SEL full" was logged for this overflow */
	uint32_t last_add;     /* SEL time of the most recent addition, or SEL_TS_NONE */
	uint32_t last_erase;   /* ... of the most recent delete / clear, or SEL_TS_NONE */
	int64_t time_offset;   /* Set SEL Time: SEL time = wall clock + offset (RAM only) */
	int16_t utc_offset;    /* minutes, or SEL_UTC_UNSPECIFIED */
};

void bmc_sel_init(struct bmc *bmc);
int bmc_sel_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len);
/* Logs a system event record (type 02h, time stamped), IPMI 2.0 §32.1: generator id
 * (0x0020 for the BMC), sensor type and number, event dir|type byte, 3 data bytes.
 * Durable on return; returns the record id or negative. Honours the "SEL logging"
 * global enable. */
int bmc_sel_log_event(struct bmc *bmc, uint16_t generator, uint8_t sensor_type, uint8_t sensor_num,
		      uint8_t dir_type, uint8_t d1, uint8_t d2, uint8_t d3);

/* For core/cmd_sel.c. Functions returning uint8_t return a completion code. */

/* The SEL's clock (IPMI 2.0 §31.10): seconds, wall clock plus the Set SEL Time offset. */
uint32_t bmc_sel_time(struct bmc *bmc);
void bmc_sel_set_time(struct bmc *bmc, uint32_t t);
/* Adds rec (its record id is ignored; the time stamp is filled for types 02h and
 * C0h-DFh). Durable before CC_OK; *id gets the new record id. */
uint8_t bmc_sel_add(struct bmc *bmc, const uint8_t rec[BMC_SEL_REC], uint16_t *id);
/* The index (0 = oldest) of record id, or of the first / last record for 0000h /
 * FFFFh; -1 when there is no such record. */
int bmc_sel_index(const struct bmc *bmc, uint16_t id);
/* The record at index i (< count). */
const uint8_t *bmc_sel_at(const struct bmc *bmc, unsigned i);
/* Deletes record id (0000h / FFFFh: first / last), durably; *deleted gets its id. */
uint8_t bmc_sel_delete(struct bmc *bmc, uint16_t id, uint16_t *deleted);
/* Erases every record with one durable write. */
uint8_t bmc_sel_clear(struct bmc *bmc);
/* A new reservation id (cancelling the previous one), IPMI 2.0 §31.4. */
uint16_t bmc_sel_reserve(struct bmc *bmc);
bool bmc_sel_reserved(const struct bmc *bmc, uint16_t reservation);
uint8_t bmc_sel_set_utc_offset(struct bmc *bmc, int16_t minutes);

#endif
