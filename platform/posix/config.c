/* Strict INI parsing for bmcd. A typo in a BMC's configuration must stop it from
 * starting, not silently leave a default in place: every key is known, every value is
 * range-checked, every error names the file, the line and the key. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bmc/crypto.h"
#include "log.h"
#include "ratelimit.h" /* the defaults of [lan] setup_limit / reply_limit */
#include "secrets.h"
#include "serial.h"

#define LINE_MAX_LEN 1024

/* The cipher suites core/suites.c implements; 3 and 17 are the strong ones. */
static const uint8_t known_suites[] = {0, 1, 2, 3, 15, 16, 17};
#define STRONG_SUITES ((1u << 3) | (1u << 17))

void config_defaults(struct daemon_config *c)
{
	memset(c, 0, sizeof *c);
	bmc_config_defaults(&c->bmc);
	c->log_level = BMC_LOG_INFO;
	snprintf(c->state_dir, sizeof c->state_dir, "%s", "./bmcd-state");
	sim_config_defaults(&c->sim);
	c->bmc.serial_baud = 115200;
	snprintf(c->sol_console, sizeof c->sol_console, "%s", "sim");
}

void config_wipe(struct daemon_config *c)
{
	bmc_wipe(c->kg, sizeof c->kg);
	c->kg_set = false;
}

/* ---- value parsers: return 0, or -1 with a reason in why ---- */

static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out, char *why,
		      size_t whylen)
{
	char *end;
	unsigned long v;
	int base = 10;

	/* strtoul alone accepts "-1", " 7" and "08"-style surprises; allow digits or 0x only. */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)s[0]) || (base == 10 && !isdigit((unsigned char)s[0]))) {
		snprintf(why, whylen, "expected a number");
		return -1;
	}
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end) {
		snprintf(why, whylen, "expected a number");
		return -1;
	}
	if (v < min || v > max) {
		snprintf(why, whylen, "must be %lu..%lu", min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_bool(const char *s, bool *out, char *why, size_t whylen)
{
	static const char *const yes[] = {"on", "yes", "true", "1"}, *const no[] = {"off", "no", "false", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	snprintf(why, whylen, "expected on or off");
	return -1;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Exactly n bytes of hex; characters in skip (e.g. "-" or ":") are ignored. */
static int parse_hex(const char *s, const char *skip, uint8_t *out, size_t n)
{
	size_t got = 0;
	int hi = -1;

	for (; *s; s++) {
		if (strchr(skip, *s))
			continue;
		int v = hexval(*s);
		if (v < 0 || got == n)
			return -1;
		if (hi < 0) {
			hi = v;
		} else {
			out[got++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return got == n && hi < 0 ? 0 : -1;
}

static int parse_ipv4(const char *s, uint8_t out[4], char *why, size_t whylen)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1) {
		snprintf(why, whylen, "expected an IPv4 address like 192.0.2.10");
		return -1;
	}
	memcpy(out, &a, 4);
	return 0;
}

/* ---- key handlers ---- */

typedef int setter(struct daemon_config *c, const char *v, char *why, size_t whylen);

static int set_device_id(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	unsigned long n;
	if (parse_uint(v, 0, 255, &n, why, whylen))
		return -1;
	c->bmc.device_id = (uint8_t)n;
	return 0;
}

static int set_device_revision(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	unsigned long n;
	if (parse_uint(v, 0, 15, &n, why, whylen)) /* 4 bits, IPMI 2.0 §20.1 */
		return -1;
	c->bmc.device_rev = (uint8_t)n;
	return 0;
}

static int set_manufacturer_id(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	unsigned long n;
	if (parse_uint(v, 0, 0xFFFFF, &n, why, whylen)) /* 20-bit IANA enterprise number */
		return -1;
	c->bmc.manufacturer_id = (uint32_t)n;
	return 0;
}

static int set_product_id(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	unsigned long n;
	if (parse_uint(v, 0, 0xFFFF, &n, why, whylen))
		return -1;
	c->bmc.product_id = (uint16_t)n;
	return 0;
}

/* "MAJOR.MINOR": major 0..127 (7 bits), minor two decimal digits sent as BCD, IPMI 2.0
 * §20.1. Two digits exactly, because clients print the minor as two digits: "1.5" would
 * be ambiguous between 1.05 and 1.50. */
static int set_firmware_version(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	char major[8], *dot = strchr(v, '.');
	unsigned long ma, mi;
	size_t mlen = dot ? (size_t)(dot - v) : 0;

	if (!dot || mlen == 0 || mlen >= sizeof major || strlen(dot + 1) != 2) {
		snprintf(why, whylen, "expected MAJOR.MINOR with two minor digits, e.g. 1.05");
		return -1;
	}
	memcpy(major, v, mlen);
	major[mlen] = '\0';
	if (parse_uint(major, 0, 127, &ma, why, whylen) || parse_uint(dot + 1, 0, 99, &mi, why, whylen)) {
		snprintf(why, whylen, "expected MAJOR.MINOR with MAJOR 0..127 and MINOR 00..99");
		return -1;
	}
	c->bmc.fw_major = (uint8_t)ma;
	c->bmc.fw_minor = (uint8_t)(mi / 10 << 4 | mi % 10);
	return 0;
}

static int set_aux_firmware(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	if (parse_hex(v, "", c->bmc.aux_fw, 4)) {
		snprintf(why, whylen, "expected 8 hex digits");
		return -1;
	}
	return 0;
}

static int set_guid(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	if (parse_hex(v, "-", c->bmc.system_guid, 16)) {
		snprintf(why, whylen, "expected 32 hex digits, dashes allowed (e.g. 8-4-4-4-12 form)");
		return -1;
	}
	return 0;
}

static int set_listen(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	return config_add_listen(c, v, why, whylen);
}

static int set_cipher_suites(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	uint32_t mask = 0;
	const char *p = v;

	for (;;) {
		char item[8];
		size_t n = strcspn(p, ",");
		unsigned long id;
		/* trim spaces around each id */
		while (n && isspace((unsigned char)*p)) {
			p++;
			n--;
		}
		while (n && isspace((unsigned char)p[n - 1]))
			n--;
		if (n == 0 || n >= sizeof item) {
			snprintf(why, whylen, "expected a comma-separated list of suite ids, e.g. 3,17");
			return -1;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		if (parse_uint(item, 0, 31, &id, why, whylen) || !memchr(known_suites, (int)id, sizeof known_suites)) {
			snprintf(why, whylen, "unsupported cipher suite '%s' (bmcd implements 0,1,2,3,15,16,17)", item);
			return -1;
		}
		mask |= 1u << id;
		p += strcspn(p, ",");
		if (*p == '\0')
			break;
		p++;
	}
	c->bmc.cipher_suites = mask;
	return 0;
}

static int set_ipmi15(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	return parse_bool(v, &c->bmc.ipmi15_enabled, why, whylen);
}

static int set_anonymous(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	return parse_bool(v, &c->bmc.anonymous_enabled, why, whylen);
}

static int set_session_timeout(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	unsigned long n;
	if (parse_uint(v, 1, 86400, &n, why, whylen))
		return -1;
	c->bmc.session_timeout_s = (uint32_t)n;
	return 0;
}

static int set_max_sessions(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	struct bmc_config d;
	unsigned long n;

	bmc_config_defaults(&d); /* the default is the core's table size, the maximum */
	if (parse_uint(v, 1, d.max_sessions, &n, why, whylen))
		return -1;
	c->bmc.max_sessions = (uint8_t)n;
	return 0;
}

int config_parse_cidr(const char *text, struct bmc_cidr *out)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t hlen = slash ? (size_t)(slash - text) : strlen(text);
	unsigned long prefix = 0;

	memset(out, 0, sizeof *out);
	if (hlen == 0 || hlen >= sizeof host)
		return -1;
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, out->addr) == 1)
		out->family = 4;
	else if (inet_pton(AF_INET6, host, out->addr) == 1)
		out->family = 6;
	else
		return -1;
	unsigned max = out->family == 4 ? 32u : 128u;
	if (slash) {
		char *end;
		const char *d = slash + 1;
		if (!isdigit((unsigned char)*d))
			return -1;
		errno = 0;
		prefix = strtoul(d, &end, 10);
		if (errno || *end || prefix > max)
			return -1;
	} else {
		prefix = max; /* a bare address is one host */
	}
	out->prefix = (uint8_t)prefix;
	/* Bits past the prefix must be zero: "10.1.2.3/8" is more likely a mistake than
	 * a way of writing 10.0.0.0/8. */
	for (unsigned bit = (unsigned)prefix; bit < max; bit++)
		if (out->addr[bit / 8] & (0x80u >> (bit % 8)))
			return -1;
	return 0;
}

static int set_allow(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	const char *p = v;
	for (unsigned guard = 0; guard <= BMC_MAX_ALLOW; guard++) {
		char item[INET6_ADDRSTRLEN + 8];
		size_t n = strcspn(p, ",");
		const char *s = p, *e = p + n;
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if ((size_t)(e - s) >= sizeof item || e == s) {
			snprintf(why, whylen, "expected ADDRESS[/PREFIX], comma separated, e.g. 10.0.0.0/8, ::1/128");
			return -1;
		}
		memcpy(item, s, (size_t)(e - s));
		item[e - s] = '\0';
		if (c->bmc.lan_allow_count >= BMC_MAX_ALLOW) {
			snprintf(why, whylen, "at most %d allowed prefixes", BMC_MAX_ALLOW);
			return -1;
		}
		if (config_parse_cidr(item, &c->bmc.lan_allow[c->bmc.lan_allow_count])) {
			snprintf(why, whylen, "bad prefix '%.48s' (expected ADDRESS[/PREFIX] with no bits set past the prefix, "
				 "e.g. 10.0.0.0/8 or ::1/128)", item);
			return -1;
		}
		c->bmc.lan_allow_count++;
		if (!p[n])
			return 0;
		p += n + 1;
	}
	snprintf(why, whylen, "at most %d allowed prefixes", BMC_MAX_ALLOW);
	return -1;
}

/* 1..1000 per second, or "off": no limit (for benchmarks; warned as weakened). */
#define RATE_OFF BMC_RATE_UNLIMITED

static int parse_rate(const char *v, uint16_t *out, char *why, size_t whylen)
{
	unsigned long n;
	if (!strcmp(v, "off")) {
		*out = RATE_OFF;
		return 0;
	}
	if (parse_uint(v, 1, 1000, &n, why, whylen)) {
		snprintf(why, whylen, "expected 1..1000 (per second) or off");
		return -1;
	}
	*out = (uint16_t)n;
	return 0;
}

static int set_setup_limit(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	return parse_rate(v, &c->bmc.setup_limit, why, whylen);
}

static int set_reply_limit(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	return parse_rate(v, &c->bmc.reply_limit, why, whylen);
}

static int set_setup_limit_total(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	return parse_rate(v, &c->bmc.setup_limit_total, why, whylen);
}

static int set_sel_capacity(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	unsigned long n;
	if (parse_uint(v, 1, BMC_SEL_CAPACITY_MAX, &n, why, whylen))
		return -1;
	c->bmc.sel_capacity = (uint16_t)n;
	return 0;
}

static int set_event_receiver(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	unsigned long n;
	if (!strcmp(v, "off")) {
		c->bmc.event_receiver = 0xFF;
		return 0;
	}
	if (parse_uint(v, 0, 0xFF, &n, why, whylen))
		return -1;
	if ((n & 1) && n != 0xFF) {
		snprintf(why, whylen, "expected an even slave address such as 0x20, or off");
		return -1;
	}
	c->bmc.event_receiver = (uint8_t)n;
	return 0;
}

static int set_mac(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	if (strlen(v) != 17 || parse_hex(v, ":-", c->bmc.mac, 6)) {
		snprintf(why, whylen, "expected a MAC address like 02:00:00:00:00:01");
		return -1;
	}
	return 0;
}

static int set_ip(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	return parse_ipv4(v, c->bmc.ip, why, whylen);
}

static int set_netmask(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	uint8_t m[4];
	if (parse_ipv4(v, m, why, whylen))
		return -1;
	uint32_t bits = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	/* A subnet mask is contiguous ones then zeros: ~bits + 1 is then a power of two. */
	uint32_t inv = ~bits;
	if (inv & (inv + 1)) {
		snprintf(why, whylen, "not a contiguous subnet mask");
		return -1;
	}
	memcpy(c->bmc.netmask, m, 4);
	return 0;
}

static int set_gateway(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	return parse_ipv4(v, c->bmc.gateway, why, whylen);
}

/* Kg, IPMI 2.0 §22.25: 40 hex digits, or text of at most 20 bytes padded with zeros.
 * The reason strings never echo the value. */
static int set_kg(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	size_t n = strlen(v);

	memset(c->kg, 0, sizeof c->kg);
	if (n == 40) {
		if (parse_hex(v, "", c->kg, 20)) {
			snprintf(why, whylen, "40 characters must be hex digits (or give text of at most 20)");
			return -1;
		}
	} else if (n >= 1 && n <= 20) {
		memcpy(c->kg, v, n);
	} else {
		snprintf(why, whylen, "expected 40 hex digits or text of 1..20 characters");
		return -1;
	}
	static const uint8_t zero[20];
	/* An all-zero Kg means "no BMC key" to clients (§13.31); treat it as unset. */
	c->kg_set = !bmc_ct_equal(c->kg, zero, sizeof zero);
	return 0;
}

static int set_log_level(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	if (log_level_parse(v, &c->log_level)) {
		snprintf(why, whylen, "expected error, warn, info or debug");
		return -1;
	}
	return 0;
}

int config_set_text(char *dst, size_t cap, const char *v)
{
	if (!*v || strlen(v) >= cap)
		return -1;
	snprintf(dst, cap, "%s", v);
	return 0;
}

static int set_state_dir(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	if (config_set_text(c->state_dir, sizeof c->state_dir, v)) {
		snprintf(why, whylen, "expected a path shorter than %zu characters", sizeof c->state_dir);
		return -1;
	}
	return 0;
}

static int set_user(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	if (config_set_text(c->user, sizeof c->user, v)) {
		snprintf(why, whylen, "expected a user name shorter than %zu characters", sizeof c->user);
		return -1;
	}
	return 0;
}

static int set_secrets_key(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	if (config_set_text(c->secrets_key, sizeof c->secrets_key, v)) {
		snprintf(why, whylen, "expected a path shorter than %zu characters", sizeof c->secrets_key);
		return -1;
	}
	return 0;
}

static const char *const seccomp_names[] = {"kill", "errno", "off"};

static int config_set_seccomp(struct daemon_config *c, const char *v)
{
	for (size_t i = 0; i < 3; i++) {
		if (!strcmp(v, seccomp_names[i])) {
			c->seccomp = (enum config_seccomp)i;
			return 0;
		}
	}
	return -1;
}

static int set_seccomp(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	if (config_set_seccomp(c, v)) {
		snprintf(why, whylen, "expected kill, errno or off");
		return -1;
	}
	return 0;
}

static int set_serial_device(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	if (config_set_text(c->serial_device, sizeof c->serial_device, v)) {
		snprintf(why, whylen, "expected a device path shorter than %zu characters", sizeof c->serial_device);
		return -1;
	}
	return 0;
}

/* [sol] console: "sim", or the absolute path of the host's console device. */
static int set_sol_console(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	if (strcmp(v, "sim") != 0 && v[0] != '/') {
		snprintf(why, whylen, "expected sim or an absolute device path such as /dev/pts/3");
		return -1;
	}
	if (config_set_text(c->sol_console, sizeof c->sol_console, v)) {
		snprintf(why, whylen, "expected a path shorter than %zu characters", sizeof c->sol_console);
		return -1;
	}
	return 0;
}

static int set_serial_mode(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	static const char *const names[] = {"auto", "basic", "terminal"};
	for (size_t i = 0; i < 3; i++) {
		if (!strcmp(v, names[i])) {
			c->bmc.serial_mode = (uint8_t)i;
			return 0;
		}
	}
	snprintf(why, whylen, "expected auto, basic or terminal");
	return -1;
}

static int set_serial_baud(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	unsigned long n;
	if (parse_uint(v, 0, 0xFFFFFFFFul, &n, why, whylen) || !serial_baud_ok((uint32_t)n)) {
		snprintf(why, whylen, "expected 9600, 19200, 38400, 57600 or 115200");
		return -1;
	}
	c->bmc.serial_baud = (uint32_t)n;
	return 0;
}

/* Privilege of serial requests outside a session: none means a login is required. */
static int set_serial_privilege(struct daemon_config *c, const char *v, char *why, size_t whylen)
{
	static const char *const names[] = {"none", "callback", "user", "operator", "administrator"};
	for (size_t i = 0; i < 5; i++) {
		if (!strcmp(v, names[i])) {
			c->bmc.serial_priv = (uint8_t)i; /* PRIV_NONE .. PRIV_ADMIN */
			return 0;
		}
	}
	snprintf(why, whylen, "expected none, callback, user, operator or administrator");
	return -1;
}

struct key {
	const char *section, *name;
	setter *set;
	bool repeatable;
};

static const struct key keys[] = {
	{"bmc", "device_id", set_device_id, false},
	{"bmc", "device_revision", set_device_revision, false},
	{"bmc", "firmware_version", set_firmware_version, false},
	{"bmc", "aux_firmware", set_aux_firmware, false},
	{"bmc", "manufacturer_id", set_manufacturer_id, false},
	{"bmc", "product_id", set_product_id, false},
	{"bmc", "guid", set_guid, false},
	{"bmc", "sel_capacity", set_sel_capacity, false},
	{"bmc", "event_receiver", set_event_receiver, false},
	{"lan", "listen", set_listen, true},
	{"lan", "cipher_suites", set_cipher_suites, false},
	{"lan", "ipmi15", set_ipmi15, false},
	{"lan", "anonymous", set_anonymous, false},
	{"lan", "session_timeout", set_session_timeout, false},
	{"lan", "max_sessions", set_max_sessions, false},
	{"lan", "mac", set_mac, false},
	{"lan", "ip", set_ip, false},
	{"lan", "netmask", set_netmask, false},
	{"lan", "gateway", set_gateway, false},
	{"lan", "kg", set_kg, false},
	{"lan", "allow", set_allow, true},
	{"lan", "setup_limit", set_setup_limit, false},
	{"lan", "reply_limit", set_reply_limit, false},
	{"lan", "setup_limit_total", set_setup_limit_total, false},
	{"log", "level", set_log_level, false},
	{"daemon", "state_dir", set_state_dir, false},
	{"daemon", "user", set_user, false},
	{"daemon", "secrets_key", set_secrets_key, false},
	{"daemon", "seccomp", set_seccomp, false},
	{"serial", "device", set_serial_device, false},
	{"serial", "mode", set_serial_mode, false},
	{"serial", "baud", set_serial_baud, false},
	{"serial", "privilege", set_serial_privilege, false},
	{"sol", "console", set_sol_console, false},
};
#define NKEYS (sizeof keys / sizeof keys[0])

int config_add_listen(struct daemon_config *c, const char *text, char *err, size_t errlen)
{
	if (c->nlisten >= CONFIG_MAX_LISTEN) {
		snprintf(err, errlen, "at most %d listen addresses", CONFIG_MAX_LISTEN);
		return -1;
	}
	if (addr_parse(text, &c->listen[c->nlisten])) {
		snprintf(err, errlen, "bad address '%.64s' (expected a numeric ADDR[:PORT], e.g. 127.0.0.1:623 or [::1]:623)",
			 text);
		return -1;
	}
	c->nlisten++;
	return 0;
}

static char *trim(char *s)
{
	char *e;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int section_known(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, name) == 0)
			return 1;
	for (size_t i = 0; i < sim_config_nkeys; i++)
		if (strcmp(sim_config_keys[i].section, name) == 0)
			return 1;
	return 0;
}

/* [sim] and [fru] keys belong to the simulator (backends/sim/sim_config.c); their
 * "seen" slots follow the daemon's own in seen_line. */
static int apply_sim_key(struct daemon_config *c, const char *section, const char *name, const char *value,
			 unsigned *seen_line, unsigned lineno, char *why, size_t whylen)
{
	for (size_t i = 0; i < sim_config_nkeys; i++) {
		const struct sim_config_key *k = &sim_config_keys[i];
		if (strcmp(k->section, section) || strcmp(k->name, name))
			continue;
		if (seen_line[NKEYS + i]) {
			snprintf(why, whylen, "key '%s' already set on line %u", name, seen_line[NKEYS + i]);
			return -1;
		}
		seen_line[NKEYS + i] = lineno;
		char reason[160];
		if (k->set(&c->sim, k, value, reason, sizeof reason)) {
			snprintf(why, whylen, "key '%s': %s", name, reason);
			return -1;
		}
		return 0;
	}
	snprintf(why, whylen, "unknown key '%.40s' in section [%s]", name, section);
	return -1;
}

/* One "key = value" line within section. seen_line[i] records where key i was set. */
static int apply_line(struct daemon_config *c, const char *section, char *line, unsigned *seen_line,
		      unsigned lineno, char *why, size_t whylen)
{
	char *eq = strchr(line, '=');
	if (!eq) {
		snprintf(why, whylen, "expected 'key = value' or '[section]'");
		return -1;
	}
	*eq = '\0';
	char *name = trim(line), *value = trim(eq + 1);
	if (!section[0]) {
		snprintf(why, whylen, "key '%.40s' outside any [section]", name);
		return -1;
	}
	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].section, section) || strcmp(keys[i].name, name))
			continue;
		if (seen_line[i] && !keys[i].repeatable) {
			snprintf(why, whylen, "key '%s' already set on line %u", name, seen_line[i]);
			return -1;
		}
		/* Listen addresses from the file replace the built-in default, not add to it. */
		if (!seen_line[i] && keys[i].set == set_listen)
			c->nlisten = 0;
		seen_line[i] = lineno;
		char reason[160];
		if (keys[i].set(c, value, reason, sizeof reason)) {
			snprintf(why, whylen, "key '%s': %s", name, reason);
			return -1;
		}
		return 0;
	}
	return apply_sim_key(c, section, name, value, seen_line, lineno, why, whylen);
}

static void warn_if_kg_readable(FILE *f, const char *path)
{
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
		log_warn("%s holds the BMC key kg but is readable by group or others: chmod 600 it", path);
}

int config_load(struct daemon_config *c, const char *path, char *err, size_t errlen)
{
	char line[LINE_MAX_LEN + 2], section[16] = "", why[256];
	unsigned seen_line[NKEYS + SIM_CONFIG_MAX_KEYS] = {0}, lineno = 0;
	int rc = -1;
	FILE *f = fopen(path, "re");

	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		lineno++;
		size_t n = strlen(line);
		if (n == sizeof line - 1 && line[n - 1] != '\n') {
			snprintf(err, errlen, "%s:%u: line longer than %d characters", path, lineno, LINE_MAX_LEN);
			goto out;
		}
		char *s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			size_t len = strlen(s);
			if (s[len - 1] != ']' || len - 2 >= sizeof section) {
				snprintf(err, errlen, "%s:%u: malformed section header", path, lineno);
				goto out;
			}
			s[len - 1] = '\0';
			char *name = trim(s + 1);
			if (!section_known(name)) {
				snprintf(err, errlen,
					 "%s:%u: unknown section [%.40s] (known: bmc, lan, serial, sol, log, daemon, sim, fru)", path,
					 lineno, name);
				goto out;
			}
			snprintf(section, sizeof section, "%s", name);
			continue;
		}
		if (apply_line(c, section, s, seen_line, lineno, why, sizeof why)) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	if (c->kg_set)
		warn_if_kg_readable(f, path);
	rc = 0;
out:
	bmc_wipe(line, sizeof line); /* it may have held kg */
	fclose(f);
	return rc;
}

static bool addr_is_loopback(const struct net_addr *a)
{
	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&a->ss;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&a->ss;
		return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	return false;
}

/* printf into a line and hand it to fn. */
static void weak(config_weak_fn *fn, void *arg, unsigned *n, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void weak(config_weak_fn *fn, void *arg, unsigned *n, const char *fmt, ...)
{
	char line[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fn(arg, line);
	(*n)++;
}

unsigned config_weak_each(const struct daemon_config *c, config_weak_fn *fn, void *arg)
{
	static const struct {
		uint8_t id;
		const char *why;
	} suites[] = {
		{0, "no authentication, integrity or encryption: anyone who knows a user name gets its access"},
		{1, "no integrity or encryption: sessions can be hijacked and read"},
		{2, "no encryption: session traffic, including passwords being set, is readable"},
		{3, "HMAC-SHA1 authentication and HMAC-SHA1-96 integrity, weaker than suite 17's SHA-256"},
		{15, "no integrity or encryption: sessions can be hijacked and read"},
		{16, "no encryption: session traffic, including passwords being set, is readable"},
	};
	unsigned n = 0;

	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		if (c->bmc.cipher_suites & (1u << suites[i].id))
			weak(fn, arg, &n, "cipher suite %u is enabled (%s); the secure default is cipher_suites = 17",
			     suites[i].id, suites[i].why);
	if (c->bmc.ipmi15_enabled)
		weak(fn, arg, &n,
		     "IPMI 1.5 sessions are enabled (MD5 or clear-text authentication, no encryption); "
		     "the secure default is ipmi15 = off");
	if (c->bmc.anonymous_enabled)
		weak(fn, arg, &n, "anonymous (null user) logins are enabled; the secure default is anonymous = off");
	if (c->serial_device[0] && c->bmc.serial_priv != 0) {
		static const char *const names[] = {"none", "callback", "user", "operator", "administrator"};
		weak(fn, arg, &n,
		     "serial requests without a login run at %s privilege (anyone on %s has it); "
		     "the secure default is privilege = none",
		     names[c->bmc.serial_priv < 5 ? c->bmc.serial_priv : 0], c->serial_device);
	}
	if (!(c->bmc.cipher_suites & STRONG_SUITES))
		weak(fn, arg, &n, "neither cipher suite 3 nor 17 is enabled");
	/* A BMC answers anyone who can reach it (docs/security.md): a non-loopback
	 * address is a choice to expose it, so it is named at every start, unless a source
	 * allow-list ([lan] allow) narrows who may talk to it. */
	for (unsigned i = 0; i < c->nlisten && !c->bmc.lan_allow_count; i++) {
		if (!addr_is_loopback(&c->listen[i])) {
			char text[ADDR_TEXT_MAX];
			addr_format(&c->listen[i], text, sizeof text);
			weak(fn, arg, &n,
			     "listening on %s, which is not a loopback address: every host that can reach it may try "
			     "to log in; the secure default is 127.0.0.1",
			     text);
		}
	}
	if (c->bmc.setup_limit == RATE_OFF)
		weak(fn, arg, &n, "setup_limit = off: one source may start unlimited logins; the secure default is 20");
	if (c->bmc.reply_limit == RATE_OFF)
		weak(fn, arg, &n, "reply_limit = off: one source may draw unlimited pre-session replies; the secure default is 50");
	if (c->bmc.setup_limit_total == RATE_OFF)
		weak(fn, arg, &n,
		     "setup_limit_total = off: many sources together may start unlimited logins; the secure default is 1000");
	if (c->seccomp == CONFIG_SECCOMP_OFF)
		weak(fn, arg, &n,
		     "the system call filter is off (seccomp = off): a bug exploited in bmcd may use any system call; "
		     "the secure default is seccomp = kill");
	return n;
}

static void warn_line(void *arg, const char *msg)
{
	(void)arg;
	log_warn("WARNING: %s", msg);
}

void config_warn_weak(const struct daemon_config *c)
{
	(void)config_weak_each(c, warn_line, NULL);
}

int config_secrets_key(const struct daemon_config *c, char *out, size_t cap)
{
	if (c->secrets_key[0])
		return config_set_text(out, cap, c->secrets_key);
	return secrets_default_path(c->state_dir, out, cap);
}

static const char *onoff(bool b)
{
	return b ? "on" : "off";
}

void config_print(const struct daemon_config *c, FILE *out)
{
	static const char *const serial_modes[] = {"auto", "basic", "terminal"};
	static const char *const privs[] = {"none", "callback", "user", "operator", "administrator"};
	static const char *const levels[] = {"error", "warn", "info", "debug"};
	const struct bmc_config *b = &c->bmc;
	char key[CONFIG_PATH_MAX + 8];

	fprintf(out, "bmc.device_id 0x%02x\n", b->device_id);
	fprintf(out, "bmc.device_revision %u\n", b->device_rev);
	fprintf(out, "bmc.firmware_version %u.%02x\n", b->fw_major, b->fw_minor);
	fprintf(out, "bmc.aux_firmware %02x%02x%02x%02x\n", b->aux_fw[0], b->aux_fw[1], b->aux_fw[2], b->aux_fw[3]);
	fprintf(out, "bmc.manufacturer_id %u\n", (unsigned)b->manufacturer_id);
	fprintf(out, "bmc.product_id 0x%04x\n", b->product_id);
	fprintf(out, "bmc.guid ");
	for (size_t i = 0; i < sizeof b->system_guid; i++)
		fprintf(out, "%02x", b->system_guid[i]);
	fprintf(out, "\n");
	fprintf(out, "bmc.sel_capacity %u\n", b->sel_capacity);
	if (b->event_receiver == 0xFF)
		fprintf(out, "bmc.event_receiver off\n");
	else
		fprintf(out, "bmc.event_receiver 0x%02x\n", b->event_receiver);
	for (unsigned i = 0; i < c->nlisten; i++) {
		char text[ADDR_TEXT_MAX];
		addr_format(&c->listen[i], text, sizeof text);
		fprintf(out, "lan.listen %s\n", text);
	}
	fprintf(out, "lan.cipher_suites ");
	const char *sep = "";
	for (unsigned id = 0; id < 32; id++) {
		if (b->cipher_suites & (1u << id)) {
			fprintf(out, "%s%u", sep, id);
			sep = ",";
		}
	}
	fprintf(out, "\n");
	fprintf(out, "lan.ipmi15 %s\n", onoff(b->ipmi15_enabled));
	fprintf(out, "lan.anonymous %s\n", onoff(b->anonymous_enabled));
	fprintf(out, "lan.session_timeout %u\n", (unsigned)b->session_timeout_s);
	fprintf(out, "lan.max_sessions %u\n", b->max_sessions);
	fprintf(out, "lan.mac %02x:%02x:%02x:%02x:%02x:%02x\n", b->mac[0], b->mac[1], b->mac[2], b->mac[3], b->mac[4],
		b->mac[5]);
	fprintf(out, "lan.ip %u.%u.%u.%u\n", b->ip[0], b->ip[1], b->ip[2], b->ip[3]);
	fprintf(out, "lan.netmask %u.%u.%u.%u\n", b->netmask[0], b->netmask[1], b->netmask[2], b->netmask[3]);
	fprintf(out, "lan.gateway %u.%u.%u.%u\n", b->gateway[0], b->gateway[1], b->gateway[2], b->gateway[3]);
	fprintf(out, "lan.kg %s\n", c->kg_set ? "(set, not shown)" : "(unset)"); /* a secret: never printed */
	if (!b->lan_allow_count)
		fprintf(out, "lan.allow (any)\n");
	for (unsigned i = 0; i < b->lan_allow_count; i++) {
		char text[INET6_ADDRSTRLEN];
		const struct bmc_cidr *a = &b->lan_allow[i];
		if (inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->addr, text, sizeof text))
			fprintf(out, "lan.allow %s/%u\n", text, a->prefix);
	}
	/* 0 means the core's default; print what is in force. */
	if (b->setup_limit == RATE_OFF)
		fprintf(out, "lan.setup_limit off\n");
	else
		fprintf(out, "lan.setup_limit %u\n", b->setup_limit ? b->setup_limit : BMC_SETUP_RATE_DEFAULT);
	if (b->reply_limit == RATE_OFF)
		fprintf(out, "lan.reply_limit off\n");
	else
		fprintf(out, "lan.reply_limit %u\n", b->reply_limit ? b->reply_limit : BMC_REPLY_RATE_DEFAULT);
	if (b->setup_limit_total == RATE_OFF)
		fprintf(out, "lan.setup_limit_total off\n");
	else
		fprintf(out, "lan.setup_limit_total %u\n",
			b->setup_limit_total ? b->setup_limit_total : BMC_SETUP_TOTAL_DEFAULT);
	fprintf(out, "serial.device %s\n", c->serial_device[0] ? c->serial_device : "(none)");
	fprintf(out, "serial.mode %s\n", serial_modes[b->serial_mode < 3 ? b->serial_mode : 0]);
	fprintf(out, "serial.baud %u\n", (unsigned)b->serial_baud);
	fprintf(out, "serial.privilege %s\n", privs[b->serial_priv < 5 ? b->serial_priv : 0]);
	fprintf(out, "sol.console %s\n", c->sol_console);
	fprintf(out, "log.level %s\n", levels[(unsigned)c->log_level < 4 ? (unsigned)c->log_level : 2]);
	fprintf(out, "daemon.state_dir %s\n", c->state_dir);
	fprintf(out, "daemon.user %s\n", c->user[0] ? c->user : "(none)");
	fprintf(out, "daemon.secrets_key %s\n", config_secrets_key(c, key, sizeof key) ? "(invalid)" : key);
	fprintf(out, "daemon.seccomp %s\n", seccomp_names[c->seccomp]);
}
