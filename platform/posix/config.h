/* The daemon's configuration: built-in defaults, then the INI file, then the command
 * line (args.h). docs/configuration.md lists every key. */
#ifndef BMCD_CONFIG_H
#define BMCD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "bmc/bmc.h"
#include "sim_config.h"

#define CONFIG_MAX_LISTEN 8
#define CONFIG_PATH_MAX 1024
#define CONFIG_USER_MAX 64

/* [daemon] seccomp: what a system call outside the allow-list does (sandbox.h). */
enum config_seccomp {
	CONFIG_SECCOMP_KILL,  /* the process dies (SIGSYS): the default */
	CONFIG_SECCOMP_ERRNO, /* the call fails with EPERM: for finding a missing entry */
	CONFIG_SECCOMP_OFF,   /* no filter: weakens security */
};

struct daemon_config {
	struct bmc_config bmc;
	struct net_addr listen[CONFIG_MAX_LISTEN];
	unsigned nlisten; /* 0: the default, 127.0.0.1:623 */
	enum bmc_log_level log_level;
	char state_dir[CONFIG_PATH_MAX];
	char user[CONFIG_USER_MAX]; /* empty: do not change user */
	char secrets_key[CONFIG_PATH_MAX]; /* [daemon] secrets_key; empty: STATE_DIR.key */
	enum config_seccomp seccomp;
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
/* Calls fn with one sentence for every setting that weakens the default security
 * policy (DESIGN.md §5) and returns how many there were. The one list behind both the
 * start-up warnings and bmcd --check-config. */
typedef void config_weak_fn(void *arg, const char *msg);
unsigned config_weak_each(const struct daemon_config *c, config_weak_fn *fn, void *arg);
/* Logs "WARNING: ..." for each of them. Called at every start. */
void config_warn_weak(const struct daemon_config *c);
/* The key file in effect: [daemon] secrets_key, else STATE_DIR.key. Returns 0 or -1. */
int config_secrets_key(const struct daemon_config *c, char *out, size_t cap);
/* Writes the effective settings, "section.key value" one per line (secrets elided). */
void config_print(const struct daemon_config *c, FILE *out);
/* Wipes secrets held in c. */
void config_wipe(struct daemon_config *c);

#endif
