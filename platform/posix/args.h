/* The command line, DESIGN.md §7. Options override the configuration file. */
#ifndef BMCD_ARGS_H
#define BMCD_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

struct args {
	const char *config_path; /* NULL: built-in defaults only */
	const char *state_dir;
	const char *listen[CONFIG_MAX_LISTEN];
	unsigned nlisten;
	const char *log_level;
	const char *user;
	const char *serial; /* --serial DEVICE */
	const char *secrets_key; /* --secrets-key FILE */
	/* fleet mode (docs/fleet.md): --fleet N [--fleet-base ADDR[:PORT]] [--fleet-ports],
	 * or --fleet-file FILE */
	const char *fleet_count, *fleet_base, *fleet_file;
	bool fleet_ports;
	bool help, version, check_config;
};

/* Returns 0, or -1 with a message naming the option in err. */
int args_parse(int argc, char **argv, struct args *a, char *err, size_t errlen);
/* Applies the options to c (after the file was read). Returns 0, or -1 with a message. */
int args_apply(const struct args *a, struct daemon_config *c, char *err, size_t errlen);
void args_usage(FILE *out);

#endif
