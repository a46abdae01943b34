/* System boot options, IPMI 2.0 §28.12 (Set), §28.13 (Get), table 28-14.
 *
 * Parameters 1, 2, 3, 5, 6 and 7 are stored (one record each: the invalid/locked flag,
 * then the data); 0 (set in progress) and 4 (boot info acknowledge) are volatile.
 * There is no BIOS to read the boot flags here, so bmcd plays its part: when the
 * system restarts the flags count as used and their valid bit clears, unless they are
 * persistent or parameter 3 keeps them for that kind of restart.
 *
 * §28.12 clears a valid bit 60 s after it was set unless a Chassis Control restart
 * comes first; bmcd stops that timer at any Chassis Control command, so "set the boot
 * device, power off, power on later" keeps the flags for that power-on. */
#include "bootopt.h"

#include <string.h>

#include "bmc/store.h"
#include "chassis.h"
#include "dispatch.h"

void bmc_bootopt_init(struct bmc *bmc)
{
	memset(&bmc->chassis.boot, 0, sizeof bmc->chassis.boot);
}

/* Where each parameter's data lives and how long it is (mailbox: per block). */
static uint8_t *param_data(struct bmc_bootopt *b, uint8_t param, size_t *len)
{
	switch (param) {
	case BOOTP_SET_IN_PROGRESS: *len = 1; return &b->set_in_progress;
	case BOOTP_SVC_PART_SEL: *len = 1; return &b->svc_part_sel;
	case BOOTP_SVC_PART_SCAN: *len = 1; return &b->svc_part_scan;
	case BOOTP_VALID_CLEAR: *len = 1; return &b->valid_clear;
	case BOOTP_INFO_ACK: *len = 1; return &b->ack;
	case BOOTP_FLAGS: *len = sizeof b->flags; return b->flags;
	case BOOTP_INITIATOR_INFO: *len = sizeof b->initiator; return b->initiator;
	case BOOTP_MAILBOX: *len = sizeof b->mbox; return &b->mbox[0][0];
	default: *len = 0; return NULL;
	}
}

static bool stored_param(uint8_t param)
{
	return param < BOOTP_COUNT && param != BOOTP_SET_IN_PROGRESS && param != BOOTP_INFO_ACK;
}

static int persist(struct bmc *bmc, uint8_t param)
{
	struct bmc_bootopt *b = &bmc->chassis.boot;
	uint8_t v[1 + sizeof b->mbox];
	size_t len;
	const uint8_t *data = param_data(b, param, &len);
	struct bmc_writer w;

	if (!stored_param(param))
		return 0;
	wr_init(&w, v, sizeof v);
	wr_u8(&w, (uint8_t)((b->invalid >> param) & 1));
	wr_bytes(&w, data, len);
	return bmc_persist(bmc, STORE_CHASSIS, (uint16_t)(BMC_CHASSIS_KEY_BOOTOPT | param), v, wr_len(&w));
}

int bmc_bootopt_apply(struct bmc *bmc, uint8_t param, const uint8_t *value, size_t len)
{
	struct bmc_bootopt *b = &bmc->chassis.boot;
	size_t plen;
	uint8_t *data = param_data(b, param, &plen);
	struct bmc_reader r;

	if (!stored_param(param) || len != 1 + plen)
		return -1;
	rd_init(&r, value, len);
	uint8_t inv = rd_u8(&r);
	if (inv > 1)
		return -1;
	rd_bytes(&r, data, plen);
	b->invalid = (uint8_t)((b->invalid & ~(1u << param)) | (unsigned)inv << param);
	return rd_done(&r) ? 0 : -1;
}

/* The 60 s timer applies to one-time flags whose valid bit is set (§28.12). */
static bool timer_applies(const struct bmc_bootopt *b)
{
	return (b->flags[0] & BOOTF_VALID) && !(b->flags[0] & BOOTF_PERSISTENT) &&
	       !(b->valid_clear & BOOTVC_NO_CLEAR_TIMEOUT);
}

void bmc_bootopt_start(struct bmc *bmc)
{
	struct bmc_bootopt *b = &bmc->chassis.boot;
	b->valid_timer = timer_applies(b);
	b->valid_since_ms = bmc_now(bmc);
}

static void clear_valid(struct bmc *bmc, const char *why)
{
	struct bmc_bootopt *b = &bmc->chassis.boot;
	b->valid_timer = false;
	if (!(b->flags[0] & BOOTF_VALID))
		return;
	b->flags[0] &= (uint8_t)~BOOTF_VALID;
	persist(bmc, BOOTP_FLAGS);
	bmc_logf(bmc, BMC_LOG_INFO, "boot options: boot flags no longer valid (%s)", why);
}

void bmc_bootopt_control_seen(struct bmc *bmc)
{
	bmc->chassis.boot.valid_timer = false;
}

void bmc_bootopt_restarted(struct bmc *bmc, uint8_t cause)
{
	struct bmc_bootopt *b = &bmc->chassis.boot;
	uint8_t keep = 0;

	if (b->flags[0] & BOOTF_PERSISTENT)
		return;
	switch (cause) {
	case RESTART_WATCHDOG: keep = BOOTVC_NO_CLEAR_WATCHDOG; break;
	case RESTART_PEF_RESET:
	case RESTART_PEF_CYCLE: keep = BOOTVC_NO_CLEAR_PEF; break;
	case RESTART_RESET_BUTTON:
	case RESTART_SOFT_RESET: keep = BOOTVC_NO_CLEAR_RESET; break;
	case RESTART_POWER_BUTTON:
	case RESTART_RTC_WAKEUP: keep = BOOTVC_NO_CLEAR_POWERUP; break;
	default: break; /* a Chassis Control restart is what the flags were set for: they are used */
	}
	if (keep && (b->valid_clear & keep))
		return;
	clear_valid(bmc, "the system restarted");
}

void bmc_bootopt_tick(struct bmc *bmc)
{
	struct bmc_bootopt *b = &bmc->chassis.boot;
	if (!b->valid_timer)
		return;
	if (!timer_applies(b)) {
		b->valid_timer = false;
		return;
	}
	if (bmc_now(bmc) - b->valid_since_ms >= BMC_BOOTOPT_VALID_TIMEOUT_MS)
		clear_valid(bmc, "no Chassis Control within 60 s");
}

/* Param 0 (§28.12, as for LAN parameters §23.2): 00b set complete, 01b set in
 * progress, 10b commit write. Writes take effect at once, so a commit has nothing to
 * do and leaves the state as it was. */
static uint8_t set_in_progress(struct bmc_bootopt *b, uint8_t v)
{
	switch (v) {
	case 0x00:
		b->set_in_progress = 0;
		return CC_OK;
	case 0x01:
		if (b->set_in_progress == 0x01)
			return CC_BOOTP_SET_IN_PROGRESS;
		b->set_in_progress = 0x01;
		return CC_OK;
	case 0x02:
		return CC_OK;
	default:
		return CC_INVALID_FIELD;
	}
}

/* IPMI 2.0 §28.12 */
uint8_t bmc_bootopt_set(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_bootopt *b = &bmc->chassis.boot;
	struct bmc_bootopt old = *b;
	struct bmc_reader r;
	uint8_t cc = CC_OK;
	(void)rsp;

	rd_init(&r, req->data, req->len);
	uint8_t sel = rd_u8(&r);
	uint8_t param = sel & 0x7F;
	size_t n = rd_left(&r);
	if (param >= BOOTP_COUNT)
		return CC_BOOTP_NOT_SUPPORTED;
	/* Byte 1 bit 7 marks the parameter invalid / locked; with no data only that mark
	 * changes. */
	if (param == BOOTP_SET_IN_PROGRESS && n == 0)
		return CC_REQ_LEN_INVALID;
	if (n > 0) {
		switch (param) {
		case BOOTP_SET_IN_PROGRESS: {
			uint8_t v = rd_u8(&r);
			if (n != 1)
				return CC_REQ_LEN_INVALID;
			if (v & 0xFC)
				return CC_INVALID_FIELD;
			cc = set_in_progress(b, v);
			if (cc != CC_OK)
				return cc;
			break;
		}
		case BOOTP_SVC_PART_SEL:
			if (n != 1)
				return CC_REQ_LEN_INVALID;
			b->svc_part_sel = rd_u8(&r);
			break;
		case BOOTP_SVC_PART_SCAN: {
			uint8_t v = rd_u8(&r);
			if (n != 1)
				return CC_REQ_LEN_INVALID;
			if (v & 0xFC)
				return CC_INVALID_FIELD;
			b->svc_part_scan = v;
			break;
		}
		case BOOTP_VALID_CLEAR: {
			uint8_t v = rd_u8(&r);
			if (n != 1)
				return CC_REQ_LEN_INVALID;
			if (v & 0xE0)
				return CC_INVALID_FIELD;
			b->valid_clear = v;
			break;
		}
		case BOOTP_INFO_ACK: {
			/* Byte 1 is a write mask for byte 2 (bits 4:0: OEM, SMS, OS/service
			 * partition, OS loader, BIOS/POST). The reserved bits 7:5 are ignored,
			 * not refused: FreeIPMI writes FFh FFh. */
			uint8_t mask = rd_u8(&r) & 0x1F, v = rd_u8(&r);
			if (n != 2)
				return CC_REQ_LEN_INVALID;
			b->ack = (uint8_t)((b->ack & ~mask) | (v & mask));
			break;
		}
		case BOOTP_FLAGS: {
			uint8_t f[5];
			rd_bytes(&r, f, sizeof f);
			if (n != sizeof f)
				return CC_REQ_LEN_INVALID;
			/* Reserved: byte 1 bits 4:0, byte 4 bits 7:4, byte 5 bits 7:5. */
			if ((f[0] & 0x1F) || (f[3] & 0xF0) || (f[4] & 0xE0))
				return CC_INVALID_FIELD;
			memcpy(b->flags, f, sizeof f);
			b->valid_timer = timer_applies(b);
			b->valid_since_ms = bmc_now(bmc);
			break;
		}
		case BOOTP_INITIATOR_INFO:
			if (n != sizeof b->initiator)
				return CC_REQ_LEN_INVALID;
			rd_bytes(&r, b->initiator, sizeof b->initiator);
			if (b->initiator[0] & 0xF0)
				goto bad_field;
			break;
		case BOOTP_MAILBOX: {
			/* A block number, then up to 16 bytes of that block. */
			uint8_t blk = rd_u8(&r);
			if (n < 2 || n > 17)
				return CC_REQ_LEN_INVALID;
			if (blk >= BMC_BOOTOPT_MBOX_BLOCKS)
				return CC_INVALID_FIELD;
			rd_bytes(&r, b->mbox[blk], n - 1);
			break;
		}
		}
	}
	if (!rd_done(&r))
		goto bad_len;
	b->invalid = (uint8_t)((b->invalid & ~(1u << param)) | (unsigned)(sel >> 7) << param);
	if (persist(bmc, param) != 0) {
		*b = old;
		return CC_UNSPECIFIED;
	}
	return CC_OK;
bad_field:
	*b = old;
	return CC_INVALID_FIELD;
bad_len:
	*b = old;
	return CC_REQ_LEN_INVALID;
}

/* IPMI 2.0 §28.13 */
uint8_t bmc_bootopt_get(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_bootopt *b = &bmc->chassis.boot;
	struct bmc_reader r;

	rd_init(&r, req->data, req->len);
	uint8_t sel = rd_u8(&r), set = rd_u8(&r), block = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if (sel & 0x80)
		return CC_INVALID_FIELD;
	if (sel >= BOOTP_COUNT)
		return CC_BOOTP_NOT_SUPPORTED;
	/* Only the mailbox has sets (its blocks); no parameter has blocks. */
	if (block != 0 || (sel != BOOTP_MAILBOX && set != 0))
		return CC_INVALID_FIELD;
	wr_u8(rsp, BMC_BOOTOPT_REVISION);
	wr_u8(rsp, (uint8_t)(sel | (((unsigned)b->invalid >> sel) & 1u) << 7));
	switch (sel) {
	case BOOTP_INFO_ACK:
		wr_u8(rsp, 0x00); /* the write mask reads as 0 */
		wr_u8(rsp, b->ack);
		break;
	case BOOTP_MAILBOX:
		if (set >= BMC_BOOTOPT_MBOX_BLOCKS)
			return CC_INVALID_FIELD;
		wr_u8(rsp, set);
		wr_bytes(rsp, b->mbox[set], 16);
		break;
	default: {
		size_t len;
		const uint8_t *data = param_data(b, sel, &len);
		wr_bytes(rsp, data, len);
		break;
	}
	}
	return CC_OK;
}
