/* See serial.h. */
#include "serial.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "log.h"

/* How long a reply may wait for room in the device's output queue. */
#define WRITE_WAIT_MS 200

static const struct {
	uint32_t bps;
	speed_t code;
} rates[] = {
	{9600, B9600}, {19200, B19200}, {38400, B38400}, {57600, B57600}, {115200, B115200},
};

static int speed_of(uint32_t baud, speed_t *out)
{
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		if (rates[i].bps == baud) {
			*out = rates[i].code;
			return 0;
		}
	}
	return -1;
}

bool serial_baud_ok(uint32_t baud)
{
	speed_t s;
	return speed_of(baud, &s) == 0;
}

/* Raw 8N1 without flow control or line discipline: IPMI 2.0 §14 messaging is 8 bits,
 * no parity, one stop bit, and every byte value is data. */
static int configure(int fd, uint32_t baud)
{
	struct termios t;
	speed_t sp;
	if (speed_of(baud, &sp) || tcgetattr(fd, &t))
		return -1;
	cfmakeraw(&t);
	t.c_cflag &= (tcflag_t) ~(CSTOPB | PARENB | CRTSCTS);
	t.c_cflag |= CLOCAL | CREAD | CS8;
	t.c_iflag &= (tcflag_t) ~(IXON | IXOFF | IXANY);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (cfsetispeed(&t, sp) || cfsetospeed(&t, sp))
		return -1;
	return tcsetattr(fd, TCSANOW, &t);
}

static int open_dev(struct serial_port *sp, char *err, size_t errlen)
{
	int fd = open(sp->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "serial device %s: %s", sp->path, strerror(errno));
		return -1;
	}
	if (!isatty(fd)) {
		snprintf(err, errlen, "serial device %s: not a terminal (expected a tty or pty)", sp->path);
		close(fd);
		return -1;
	}
	if (configure(fd, sp->baud)) {
		snprintf(err, errlen, "serial device %s: cannot set raw mode at %u bit/s: %s", sp->path, sp->baud,
			 strerror(errno));
		close(fd);
		return -1;
	}
	sp->fd = fd;
	sp->hung_up = false;
	return 0;
}

int serial_open(struct serial_port *sp, const char *path, uint32_t baud, char *err, size_t errlen)
{
	memset(sp, 0, sizeof *sp);
	sp->fd = -1;
	if (config_set_text(sp->path, sizeof sp->path, path)) {
		snprintf(err, errlen, "serial device path empty or too long");
		return -1;
	}
	sp->baud = baud;
	return open_dev(sp, err, errlen);
}

int serial_reopen(struct serial_port *sp)
{
	char err[CONFIG_PATH_MAX + 100];
	if (sp->fd >= 0) {
		close(sp->fd);
		sp->fd = -1;
	}
	if (open_dev(sp, err, sizeof err))
		return -1;
	log_info("serial device %s is back", sp->path);
	return 0;
}

int serial_set_baud(struct serial_port *sp, uint32_t baud)
{
	if (sp->fd < 0 || baud == 0 || baud == sp->baud)
		return 0;
	if (configure(sp->fd, baud)) {
		log_warn("serial device %s: cannot set %u bit/s: %s", sp->path, baud, strerror(errno));
		return -1;
	}
	log_info("serial device %s at %u bit/s", sp->path, baud);
	sp->baud = baud;
	return 0;
}

void serial_close(struct serial_port *sp)
{
	if (sp->fd >= 0)
		close(sp->fd);
	sp->fd = -1;
}

long serial_read(struct serial_port *sp, uint8_t *buf, size_t cap, bool hangup)
{
	for (;;) {
		ssize_t n = read(sp->fd, buf, cap);
		if (n > 0)
			return (long)n;
		if (n < 0 && errno == EINTR)
			continue;
		/* Raw mode with VMIN = 0 reads 0 bytes when nothing is pending, so only the
		 * event loop's hang-up flag or EIO tells a line that went away. */
		if ((n == 0 && !hangup) || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)))
			return 0;
		if (!sp->hung_up)
			log_warn("serial device %s hung up (%s); retrying it every few seconds", sp->path,
				 n == 0 ? "end of file" : strerror(errno));
		sp->hung_up = true;
		return -1;
	}
}

void serial_write(struct serial_port *sp, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	if (sp->fd < 0 || sp->hung_up)
		return;
	while (len > 0) {
		ssize_t n = write(sp->fd, p, len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = {.fd = sp->fd, .events = POLLOUT};
			if (poll(&pfd, 1, WRITE_WAIT_MS) > 0)
				continue;
		}
		/* Nobody reads the line: like a lost datagram, the console retries. */
		sp->write_errors++;
		log_debug("serial write: %zu bytes dropped", len);
		return;
	}
}
