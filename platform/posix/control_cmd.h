/* The commands of the control socket (docs/bmcctl.md). */
#ifndef BMCD_CONTROL_CMD_H
#define BMCD_CONTROL_CMD_H

#include "control.h"

/* control_exec_fn for a struct daemon *: runs one command line into out. */
void control_cmd_exec(void *daemon, char *line, struct ctl_out *out);

#endif
