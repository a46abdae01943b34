/* The daemon's configuration: built-in defaults, then the INI file, then the command
 * line (args.h). docs/configuration.md lists every key. */
#ifndef BMCD_CONFIG_H
#define BMCD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "bmc/bmc.h"
#include "sim_config.h"

#define CONFIG_MAX_LISTEN 8
#define CONFIG_PATH_MAX 1024
#define CONFIG_USER_MAX 64

struct daemon_config {
	struct bmc_config bmc;
	struct net_addr listen[CONFIG_MAX_LISTEN];
	unsigned nlisten; /* 0: the default, 127.0.0.1:623 */
	enum bmc_log_level log_level;
	char state_dir[CONFIG_PATH_MAX];
	char user[CONFIG_USER_MAX]; /* empty: do not change user */
	uint8_t kg[20];             /* BMC key Kg, IPMI 2.0 §13.31; secret */
	bool kg_set;
	struct sim_config sim;       /* [sim] and [fru]: the simulated server */
	char serial_device[CONFIG_PATH_MAX]; /* [serial] device / --serial; empty: no serial channel */
	char sol_console[CONFIG_PATH_MAX]; /* [sol] console: "sim" or a device path */
};

void config_defaults(struct daemon_config *c);
/* Reads the INI file at path over c. Strict: an unknown section or key, a malformed
 * line or an out-of-range value fails with "PATH:LINE: reason" in err. Returns 0 or -1. */
int config_load(struct daemon_config *c, const char *path, char *err, size_t errlen);
/* Adds one listen address (text "ADDR[:PORT]"). Returns 0, or -1 with a reason in err. */
int config_add_listen(struct daemon_config *c, const char *text, char *err, size_t errlen);
/* Parses "ADDRESS[/PREFIX]" (IPv4 or IPv6; no prefix = one host) for [lan] allow.
 * Bits past the prefix must be zero. Returns 0, or -1 when malformed. */
int config_parse_cidr(const char *text, struct bmc_cidr *out);
/* Copies a non-empty path or name v into dst (cap bytes). Returns 0, or -1 when v is
 * empty or too long. */
int config_set_text(char *dst, size_t cap, const char *v);
/* Logs a warning for every setting that weakens the default security policy
 * (DESIGN.md §5). Called at every start. */
void config_warn_weak(const struct daemon_config *c);
/* Wipes secrets held in c. */
void config_wipe(struct daemon_config *c);

#endif
