/* The serial device of channel 2 (IPMI 2.0 §14): a tty or a pty in raw mode, 8N1, no
 * flow control, non-blocking. Bytes read go to bmc_serial_input; the core's replies
 * come back through serial_write. */
#ifndef BMCD_SERIAL_H
#define BMCD_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct serial_port {
	int fd; /* -1 when closed */
	char path[CONFIG_PATH_MAX];
	uint32_t baud;
	bool hung_up; /* the other end went away: the device is out of the event loop */
	uint64_t write_errors;
};

/* Bit rates a device can be set to (the ones Serial/Modem parameter 7 can name). */
bool serial_baud_ok(uint32_t baud);
/* Opens path and sets it to raw mode at baud. Returns 0, or -1 with one line in err. */
int serial_open(struct serial_port *sp, const char *path, uint32_t baud, char *err, size_t errlen);
/* Changes the bit rate of the open device. Returns 0 or -1 (logged). */
int serial_set_baud(struct serial_port *sp, uint32_t baud);
void serial_close(struct serial_port *sp);
/* Reads what is pending into buf. Returns the byte count, 0 when nothing is pending,
 * or -1 when the device hung up (hangup: the event loop saw EPOLLHUP; the caller then
 * takes the device out of the loop). */
long serial_read(struct serial_port *sp, uint8_t *buf, size_t cap, bool hangup);
/* Writes all of buf, waiting at most a little while for room; drops it otherwise. */
void serial_write(struct serial_port *sp, const void *buf, size_t len);
/* Reopens a device that hung up. Returns 0 when it is open again. */
int serial_reopen(struct serial_port *sp);

#endif
