/* The control commands: sensors of the simulated server, the SEL, host power and
 * sessions. Each names what it cannot accept, so bmcctl's user sees which word was
 * wrong. Sensor overrides act on the simulator and then ask the core to re-read the
 * sensor, so threshold and state events are raised at once, as on real hardware. */
#include "control_cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "daemon.h"
#include "log.h"
#include "sim_convert.h"

#define MAX_ARGS 12

/* What a command acts on: the single BMC, or one member of a fleet (fleet.h). */
struct target {
	struct bmc *bmc;
	struct sim *sim;
	struct console *console; /* NULL: no host console (fleet members) */
	struct daemon *daemon;   /* single-BMC mode (its satellites), else NULL */
	const char *who;         /* log prefix: "" or "NAME: " for a fleet member */
};

/* Splits line into words in place: blanks separate, "..." groups, a backslash takes
 * the next character literally. Returns the word count, or -1 with why. */
static int split(char *line, char **argv, int max, const char **why)
{
	char *r = line, *w = line;
	int argc = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (!*r)
			return argc;
		if (argc == max) {
			*why = "too many words";
			return -1;
		}
		argv[argc++] = w;
		bool quoted = false;
		for (; *r; r++) {
			if (*r == '"') {
				quoted = !quoted;
			} else if (*r == '\\') {
				if (!r[1]) {
					*why = "backslash at end of line";
					return -1;
				}
				*w++ = *++r;
			} else if (!quoted && (*r == ' ' || *r == '\t')) {
				break;
			} else {
				*w++ = *r;
			}
		}
		if (quoted) {
			*why = "unbalanced double quote";
			return -1;
		}
		bool more = *r != '\0';
		if (more)
			r++;
		*w++ = '\0';
		if (!more)
			return argc;
	}
}

static int parse_u(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &end, 0);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* ---- sensors ------------------------------------------------------------------- */

static const char *status_of(const struct bmc_sensor_desc *d, uint8_t raw)
{
	/* Compared in engineering units, so a negative M needs no special case. */
	double v = sim_raw_to_eng(d, raw);
	static const char *const names[6] = {"lnc", "lcr", "lnr", "unc", "ucr", "unr"};
	const char *worst = "ok";
	static const int order[6] = {2, 1, 0, 5, 4, 3}; /* most severe first, lower then upper */

	for (int k = 0; k < 6; k++) {
		int t = order[k];
		if (!(d->thr_readable >> t & 1))
			continue;
		double th = sim_raw_to_eng(d, d->thr[t]);
		if ((t < 3 && v <= th) || (t >= 3 && v >= th)) {
			worst = names[t];
			break;
		}
	}
	return worst;
}

static const char *mode_of(const struct sim *sim, unsigned i)
{
	const struct sim_sensor *s = &sim->s[i];
	if (s->override == SIM_FAULT)
		return "fault";
	if (s->override == SIM_PINNED)
		return "set";
	if (s->force_on || s->force_off)
		return "forced";
	return "auto";
}

/* "45 degrees C", "12.06 Volts", "0x0080" or "na"; status "ok", "unc", ... or "na". */
static void reading_text(const struct sim *sim, unsigned i, char *val, size_t vlen, const char **status)
{
	const struct bmc_sensor_desc *d = &sim->desc[i];
	uint8_t raw;
	uint16_t states;

	if (sim_sensor_read(sim, i, &raw, &states)) {
		snprintf(val, vlen, "na");
		*status = "na";
	} else if (d->reading_type == 0x01) {
		snprintf(val, vlen, "%.*f %s", sim_decimals(d), sim_raw_to_eng(d, raw), sim_unit_name(d->unit));
		*status = status_of(d, raw);
	} else {
		snprintf(val, vlen, "0x%04x", states);
		*status = "ok";
	}
}

static int sensor_arg(struct target *d, const char *name, struct ctl_out *o)
{
	int i = sim_sensor_find(d->sim, name);
	if (i < 0)
		ctl_err(o, "unknown sensor \"%.40s\" (sensor list shows the names)", name);
	return i;
}

static void cmd_sensor_list(struct target *d, struct ctl_out *o)
{
	for (unsigned i = 0; i < d->sim->count; i++) {
		char val[64];
		const char *st;
		reading_text(d->sim, i, val, sizeof val, &st);
		ctl_printf(o, "%-16s | %-18s | %-3s | %s", d->sim->desc[i].id, val, st, mode_of(d->sim, i));
	}
}

static void cmd_sensor_get(struct target *d, unsigned i, struct ctl_out *o)
{
	const struct bmc_sensor_desc *ds = &d->sim->desc[i];
	char val[64];
	const char *st;
	uint8_t raw;
	uint16_t states;

	reading_text(d->sim, i, val, sizeof val, &st);
	ctl_printf(o, "id: %s", ds->id);
	ctl_printf(o, "number: 0x%02x (owner 0x%02x lun %u)", ds->number, ds->owner, ds->lun);
	ctl_printf(o, "type: %s (0x%02x), reading type 0x%02x", sim_type_name(ds->type), ds->type, ds->reading_type);
	ctl_printf(o, "entity: 0x%02x.%u", ds->entity_id, ds->entity_instance);
	ctl_printf(o, "reading: %s", val);
	ctl_printf(o, "status: %s", st);
	ctl_printf(o, "mode: %s", mode_of(d->sim, i));
	if (sim_sensor_read(d->sim, i, &raw, &states) == 0 && ds->reading_type == 0x01)
		ctl_printf(o, "raw: 0x%02x", raw);
	if (ds->reading_type == 0x01) {
		static const char *const names[6] = {"lnc", "lcr", "lnr", "unc", "ucr", "unr"};
		char line[256];
		size_t len = 0;
		line[0] = '\0';
		for (int t = 0; t < 6; t++) {
			if (!(ds->thr_readable >> t & 1))
				continue;
			int n = snprintf(line + len, sizeof line - len, " %s %.*f", names[t], sim_decimals(ds),
					 sim_raw_to_eng(ds, ds->thr[t]));
			if (n > 0 && (size_t)n < sizeof line - len)
				len += (size_t)n;
		}
		ctl_printf(o, "thresholds:%s", len ? line : " none");
	} else {
		ctl_printf(o, "states supported: 0x%04x", ds->reading_mask);
	}
}

static void refresh(struct target *d, unsigned i)
{
	bmc_sensor_refresh(d->bmc, (int)i);
	if (d->daemon)
		satellites_refresh(d->daemon);
}

static void cmd_sensor(struct target *d, int argc, char **argv, struct ctl_out *o)
{
	const char *sub = argc > 1 ? argv[1] : "";
	int i;

	if (!strcmp(sub, "list") && argc == 2) {
		cmd_sensor_list(d, o);
		return;
	}
	if (!strcmp(sub, "get") || !strcmp(sub, "auto") || !strcmp(sub, "fault")) {
		if (argc != 3) {
			ctl_err(o, "usage: sensor %s NAME", sub);
			return;
		}
		if ((i = sensor_arg(d, argv[2], o)) < 0)
			return;
		if (!strcmp(sub, "get")) {
			cmd_sensor_get(d, (unsigned)i, o);
			return;
		}
		if (!strcmp(sub, "auto"))
			sim_sensor_auto(d->sim, (unsigned)i);
		else
			sim_sensor_fault(d->sim, (unsigned)i);
		log_info("%scontrol: sensor \"%s\" %s", d->who, d->sim->desc[i].id, sub);
		refresh(d, (unsigned)i);
		return;
	}
	if (!strcmp(sub, "set")) {
		char why[200], *end;
		if (argc != 4) {
			ctl_err(o, "usage: sensor set NAME VALUE");
			return;
		}
		if ((i = sensor_arg(d, argv[2], o)) < 0)
			return;
		errno = 0;
		double v = strtod(argv[3], &end);
		if (errno || end == argv[3] || *end || !(v == v)) {
			ctl_err(o, "bad value \"%.40s\" (expected a number in engineering units)", argv[3]);
			return;
		}
		if (sim_sensor_set(d->sim, (unsigned)i, v, why, sizeof why)) {
			ctl_err(o, "%s", why);
			return;
		}
		const struct bmc_sensor_desc *ds = &d->sim->desc[i];
		uint8_t raw = d->sim->s[i].pinned_raw;
		log_info("%scontrol: sensor \"%s\" set to %.*f %s", d->who, ds->id, sim_decimals(ds), sim_raw_to_eng(ds, raw),
			 sim_unit_name(ds->unit));
		ctl_printf(o, "%s set to %.*f %s (raw 0x%02x)", ds->id, sim_decimals(ds), sim_raw_to_eng(ds, raw),
			   sim_unit_name(ds->unit), raw);
		refresh(d, (unsigned)i);
		return;
	}
	if (!strcmp(sub, "assert") || !strcmp(sub, "deassert")) {
		char why[200];
		unsigned long off;
		if (argc != 4) {
			ctl_err(o, "usage: sensor %s NAME OFFSET", sub);
			return;
		}
		if ((i = sensor_arg(d, argv[2], o)) < 0)
			return;
		if (parse_u(argv[3], 14, &off)) {
			ctl_err(o, "bad offset \"%.20s\" (expected 0..14)", argv[3]);
			return;
		}
		if (sim_sensor_force(d->sim, (unsigned)i, (unsigned)off, sub[0] == 'a', why, sizeof why)) {
			ctl_err(o, "%s", why);
			return;
		}
		log_info("%scontrol: sensor \"%s\" offset %lu %sed", d->who, d->sim->desc[i].id, off, sub);
		refresh(d, (unsigned)i);
		return;
	}
	ctl_err(o, "unknown sensor command \"%.20s\" (list, get, set, auto, fault, assert, deassert)", sub);
}

/* ---- SEL ----------------------------------------------------------------------- */

static void time_text(uint32_t ts, char *out, size_t len)
{
	/* IPMI 2.0 §37: FFFFFFFFh unspecified; up to 20000000h, time since BMC init. */
	if (ts == 0xFFFFFFFFu) {
		snprintf(out, len, "unspecified");
		return;
	}
	if (ts <= 0x20000000u) {
		snprintf(out, len, "boot+%us", (unsigned)ts);
		return;
	}
	time_t t = (time_t)ts;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, len, "%u", (unsigned)ts);
}

static void cmd_sel_list(struct target *d, struct ctl_out *o)
{
	unsigned n = bmc_sel_entries(d->bmc);
	for (unsigned k = 0; k < n; k++) {
		uint8_t r[16];
		char hex[40], when[32];
		if (bmc_sel_entry(d->bmc, k, r))
			break;
		for (int j = 0; j < 16; j++)
			snprintf(hex + 2 * j, 3, "%02x", r[j]);
		unsigned id = (unsigned)(r[0] | r[1] << 8);
		if (r[2] >= 0xE0) { /* OEM, no time stamp (§32.3) */
			ctl_printf(o, "0x%04x - oem 0x%02x %s", id, r[2], hex);
			continue;
		}
		time_text((uint32_t)r[3] | (uint32_t)r[4] << 8 | (uint32_t)r[5] << 16 | (uint32_t)r[6] << 24, when,
			  sizeof when);
		if (r[2] != 0x02) {
			ctl_printf(o, "0x%04x %s oem 0x%02x %s", id, when, r[2], hex);
			continue;
		}
		/* System event record, §32.1: generator, sensor type and number, event. */
		const char *name = "";
		for (unsigned i = 0; i < d->sim->count; i++)
			if (d->sim->desc[i].number == r[11] && d->sim->desc[i].owner == r[7] && !(r[7] & 1))
				name = d->sim->desc[i].id;
		ctl_printf(o, "0x%04x %s sensor 0x%02x \"%s\" type 0x%02x (%s) %s event type 0x%02x data %02x %02x %02x",
			   id, when, r[11], name, r[10], sim_type_name(r[10]), r[12] & 0x80 ? "deassert" : "assert",
			   r[12] & 0x7F, r[13], r[14], r[15]);
	}
}

static int hex_record(const char *s, uint8_t rec[16])
{
	if (strlen(s) != 32)
		return -1;
	for (int j = 0; j < 32; j++) {
		char c = s[j];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (v < 0)
			return -1;
		rec[j / 2] = (uint8_t)(j % 2 ? rec[j / 2] | v : v << 4);
	}
	return 0;
}

static void cmd_sel(struct target *d, int argc, char **argv, struct ctl_out *o)
{
	const char *sub = argc > 1 ? argv[1] : "";
	uint8_t rec[16] = {0};

	if (!strcmp(sub, "list") && argc == 2) {
		cmd_sel_list(d, o);
		return;
	}
	if (!strcmp(sub, "clear") && argc == 2) {
		if (bmc_sel_clear_all(d->bmc)) {
			ctl_err(o, "the SEL could not be cleared");
			return;
		}
		log_info("%scontrol: SEL cleared", d->who);
		return;
	}
	if (!strcmp(sub, "add") && argc == 3) {
		if (hex_record(argv[2], rec)) {
			ctl_err(o, "bad record \"%.40s\" (expected 32 hex digits)", argv[2]);
			return;
		}
	} else if (!strcmp(sub, "add") && argc >= 6 && argc <= 8) {
		/* TYPE NUMBER EVENT DATA1 [DATA2 [DATA3]]: a system event record from the BMC
		 * (generator 0020h, IPMI 2.0 event message revision 04h), §32.1. */
		static const char *const field[] = {"sensor type", "sensor number", "event type", "data1", "data2",
						    "data3"};
		unsigned long v;
		rec[2] = 0x02;
		rec[7] = 0x20;
		rec[9] = 0x04;
		rec[14] = rec[15] = 0xFF; /* unspecified unless given */
		for (int k = 0; k < argc - 2; k++) {
			if (parse_u(argv[2 + k], 0xFF, &v)) {
				ctl_err(o, "bad %s \"%.20s\" (expected 0..255, 0x hex allowed)", field[k], argv[2 + k]);
				return;
			}
			rec[10 + k] = (uint8_t)v;
		}
	} else if (!strcmp(sub, "add")) {
		ctl_err(o, "usage: sel add HEX32 | sel add TYPE NUMBER EVENT DATA1 [DATA2 [DATA3]]");
		return;
	} else {
		ctl_err(o, "unknown sel command \"%.20s\" (list, add, clear)", sub);
		return;
	}
	int id = bmc_sel_add_record(d->bmc, rec);
	if (id < 0) {
		ctl_err(o, "the SEL did not accept the record (full, or SEL not available)");
		return;
	}
	ctl_printf(o, "added record 0x%04x", (unsigned)id);
}

/* ---- power and sessions ------------------------------------------------------- */

static void cmd_power(struct target *d, int argc, char **argv, struct ctl_out *o)
{
	static const struct {
		const char *name;
		enum bmc_chassis_action action;
	} acts[] = {
		{"off", BMC_CHASSIS_POWER_OFF}, {"on", BMC_CHASSIS_POWER_ON},      {"cycle", BMC_CHASSIS_POWER_CYCLE},
		{"reset", BMC_CHASSIS_HARD_RESET}, {"soft", BMC_CHASSIS_SOFT_OFF}, {"diag", BMC_CHASSIS_DIAG_INTERRUPT},
	};
	const char *sub = argc > 1 ? argv[1] : "";

	if (argc != 2) {
		ctl_err(o, "usage: power status|on|off|cycle|reset|soft|diag");
		return;
	}
	if (strcmp(sub, "status")) {
		size_t k = 0;
		while (k < sizeof acts / sizeof acts[0] && strcmp(acts[k].name, sub))
			k++;
		if (k == sizeof acts / sizeof acts[0]) {
			ctl_err(o, "unknown power command \"%.20s\" (status, on, off, cycle, reset, soft, diag)", sub);
			return;
		}
		log_info("%scontrol: power %s", d->who, sub);
		if (bmc_chassis_do(d->bmc, acts[k].action)) {
			ctl_err(o, "power %s failed (the host refused it in its present state, or chassis control "
				   "is unavailable)", sub);
			return;
		}
	}
	bool on = sim_power_is_on(d->sim);
	const char *pending = d->sim->pending == SIM_PENDING_ON ? " (powering on)"
			      : d->sim->pending == SIM_PENDING_OFF ? " (shutting down)" : "";
	ctl_printf(o, "power: %s%s", on ? "on" : "off", pending);
}

static const char *priv_name(uint8_t p)
{
	static const char *const n[] = {"NONE", "CALLBACK", "USER", "OPERATOR", "ADMINISTRATOR", "OEM"};
	return p < 6 ? n[p] : "?";
}

static void cmd_sessions(struct target *d, struct ctl_out *o)
{
	struct bmc_session_info s[64];
	unsigned n = bmc_session_list(d->bmc, s, 64);
	if (n > 64)
		n = 64;
	for (unsigned i = 0; i < n; i++) {
		char src[ADDR_TEXT_MAX] = "-";
		struct net_addr a;
		a.len = addr_from_peer(&s[i].peer, &a.ss);
		if (a.len)
			addr_format(&a, src, sizeof src);
		ctl_printf(o, "%u %s %s %s channel %u %s age %us idle %us", s[i].handle, s[i].user[0] ? s[i].user : "(null)",
			   src, priv_name(s[i].priv), s[i].channel, s[i].ipmi15 ? "ipmi1.5" : "ipmi2.0",
			   (unsigned)s[i].age_s, (unsigned)s[i].idle_s);
	}
}

static void cmd_session(struct target *d, int argc, char **argv, struct ctl_out *o)
{
	unsigned long h;
	if (argc != 3 || strcmp(argv[1], "end")) {
		ctl_err(o, "usage: session end HANDLE");
		return;
	}
	if (parse_u(argv[2], 255, &h) || h == 0) {
		ctl_err(o, "bad session handle \"%.20s\" (expected 1..255, see sessions)", argv[2]);
		return;
	}
	if (bmc_session_end(d->bmc, (uint8_t)h)) {
		ctl_err(o, "no active session with handle %lu", h);
		return;
	}
	log_info("%scontrol: session %lu ended", d->who, h);
}

/* ---- the host's console -------------------------------------------------------- */

/* A block of raw bytes in a reply: the line "DATA N", then exactly N bytes (anything,
 * newlines and NULs included), then the reply goes on. bmcctl copies them to its output
 * unchanged; a line protocol could not carry a console's bytes verbatim, and a console
 * line reading "OK" must not end the reply. */
static void ctl_data(struct ctl_out *o, const uint8_t *p, size_t n)
{
	ctl_printf(o, "DATA %zu", n);
	/* ctl_printf leaves room for the final line; so must the block */
	if (o->overflow || o->len + n + CONTROL_LINE_MAX > o->cap) {
		o->overflow = true;
		return;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void cmd_console(struct target *d, int argc, char **argv, struct ctl_out *o)
{
	const char *sub = argc > 1 ? argv[1] : "";
	static uint8_t hist[CONSOLE_HISTORY];

	if (!d->console) {
		ctl_err(o, "this BMC has no host console (fleet members have none: docs/fleet.md)");
		return;
	}

	if (!strcmp(sub, "history") && argc == 2) {
		ctl_data(o, hist, console_history(d->console, hist, sizeof hist));
		return;
	}
	if (!strcmp(sub, "send") && argc >= 3) {
		/* The words joined by blanks, then Enter (CR, what a terminal sends). */
		char line[CONTROL_LINE_MAX + 2];
		size_t len = 0;
		for (int i = 2; i < argc; i++) {
			int n = snprintf(line + len, sizeof line - len, "%s%s", i > 2 ? " " : "", argv[i]);
			if (n < 0 || (size_t)n >= sizeof line - len - 1) {
				ctl_err(o, "console send: line too long");
				return;
			}
			len += (size_t)n;
		}
		line[len++] = '\r';
		int took = console_write(d->console, (const uint8_t *)line, len);
		if (took < 0 || (size_t)took < len) {
			ctl_err(o, "console send: the host took %d of %zu bytes (its input is full)", took < 0 ? 0 : took, len);
			return;
		}
		log_info("%scontrol: console send (%zu bytes)", d->who, len);
		return;
	}
	if (!strcmp(sub, "break") && argc == 2) {
		if (console_break(d->console)) {
			ctl_err(o, "console break: the console device cannot send a break");
			return;
		}
		log_info("%scontrol: console break", d->who);
		return;
	}
	ctl_err(o, "usage: console history | console send TEXT... | console break");
}

static void cmd_help_lines(struct ctl_out *o)
{
	static const char *const lines[] = {
		"sensor list",
		"sensor get NAME",
		"sensor set NAME VALUE        pin a threshold sensor (engineering units)",
		"sensor assert NAME OFFSET    force a discrete state on",
		"sensor deassert NAME OFFSET  force a discrete state off",
		"sensor fault NAME            reading unavailable",
		"sensor auto NAME             back to the simulation",
		"sel list | sel clear",
		"sel add HEX32 | sel add TYPE NUMBER EVENT DATA1 [DATA2 [DATA3]]",
		"power status|on|off|cycle|reset|soft|diag",
		"sessions | session end HANDLE",
		"console history              the host's last 64 KiB of console output, verbatim",
		"console send TEXT...         type TEXT and Enter at the host's console",
		"console break                send a serial break to the host",
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		ctl_printf(o, "%s", lines[i]);
}

/* ---- fleet mode (fleet.h) ------------------------------------------------------ */

static void cmd_fleet(struct daemon *d, int argc, char **argv, struct ctl_out *o)
{
	const char *sub = argc > 1 ? argv[1] : "";
	char err[600];

	if (!d->fleet) {
		ctl_err(o, "not a fleet: bmcd was started without --fleet or --fleet-file");
		return;
	}
	if (!strcmp(sub, "list") && argc == 2) {
		/* NAME ADDRESS:PORT MEMBER-STATE-DIR, in slot order */
		for (unsigned i = 0; i < d->fleet->hi; i++) {
			const struct fleet_member *m = d->fleet->m[i];
			char addr[ADDR_TEXT_MAX];
			if (!m)
				continue;
			addr_format(&m->addr, addr, sizeof addr);
			ctl_printf(o, "%s %s %s", m->name, addr, m->dir);
		}
		return;
	}
	if (!strcmp(sub, "add") && argc == 4) {
		if (fleet_add(d->fleet, argv[2], argv[3], err, sizeof err)) {
			ctl_err(o, "fleet add: %s", err);
			return;
		}
		const struct fleet_member *m = fleet_find(d->fleet, argv[2]);
		ctl_printf(o, "%s %s %s", m->name, argv[3], m->dir);
		return;
	}
	if (!strcmp(sub, "remove") && argc == 3) {
		if (fleet_remove(d->fleet, argv[2], err, sizeof err))
			ctl_err(o, "fleet remove: %s", err);
		return;
	}
	ctl_err(o, "usage: fleet list | fleet add NAME ADDR[:PORT] | fleet remove NAME");
}

static void cmd_help(struct ctl_out *o, bool fleet)
{
	if (fleet) {
		ctl_printf(o, "fleet list                   NAME ADDRESS:PORT MEMBER-STATE-DIR per member");
		ctl_printf(o, "fleet add NAME ADDR[:PORT]   start a new member");
		ctl_printf(o, "fleet remove NAME            stop a member (its state directory stays)");
		ctl_printf(o, "member NAME COMMAND...       any command below, for that member");
	}
	cmd_help_lines(o);
}

void control_cmd_exec(void *daemon, char *line, struct ctl_out *o)
{
	struct daemon *d = daemon;
	char *words[MAX_ARGS], **argv = words;
	const char *why = "";
	int argc = split(line, words, MAX_ARGS, &why);
	struct target t = {.bmc = d->bmc, .sim = &d->sim, .console = &d->console, .daemon = d, .who = ""};
	char who[FLEET_NAME_MAX + 3];

	if (argc < 0) {
		ctl_err(o, "cannot parse the command line: %s", why);
		return;
	}
	if (argc == 0) {
		ctl_err(o, "empty command (try help)");
		return;
	}
	if (!strcmp(argv[0], "help") && argc == 1) {
		cmd_help(o, d->fleet != NULL);
		return;
	}
	if (!strcmp(argv[0], "fleet")) {
		cmd_fleet(d, argc, argv, o);
		return;
	}
	if (!strcmp(argv[0], "member")) {
		/* member NAME COMMAND...: the rest is an ordinary command for that member. */
		struct fleet_member *m = d->fleet && argc > 1 ? fleet_find(d->fleet, argv[1]) : NULL;
		if (!d->fleet) {
			ctl_err(o, "not a fleet: bmcd was started without --fleet or --fleet-file");
			return;
		}
		if (argc < 3) {
			ctl_err(o, "usage: member NAME COMMAND...");
			return;
		}
		if (!m) {
			ctl_err(o, "no member \"%.40s\" (fleet list shows the names)", argv[1]);
			return;
		}
		snprintf(who, sizeof who, "%s: ", m->name);
		t = (struct target){.bmc = m->bmc, .sim = &m->sim, .console = NULL, .daemon = NULL, .who = who};
		argv += 2;
		argc -= 2;
	} else if (d->fleet) {
		ctl_err(o, "this bmcd runs a fleet: name a member (member NAME %.20s ..., or bmcctl --member NAME)",
			argv[0]);
		return;
	}
	if (!strcmp(argv[0], "sensor"))
		cmd_sensor(&t, argc, argv, o);
	else if (!strcmp(argv[0], "sel"))
		cmd_sel(&t, argc, argv, o);
	else if (!strcmp(argv[0], "power"))
		cmd_power(&t, argc, argv, o);
	else if (!strcmp(argv[0], "sessions") && argc == 1)
		cmd_sessions(&t, o);
	else if (!strcmp(argv[0], "session"))
		cmd_session(&t, argc, argv, o);
	else if (!strcmp(argv[0], "console"))
		cmd_console(&t, argc, argv, o);
	else
		ctl_err(o, "unknown command \"%.20s\" (try help)", argv[0]);
}
