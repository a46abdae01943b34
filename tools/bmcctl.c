/* bmcctl: the local control client of bmcd (docs/bmcctl.md).
 *
 *   bmcctl [--state-dir DIR | --socket PATH] [--member NAME] COMMAND ...
 *
 * --member NAME is the same as the words "member NAME" before COMMAND: a fleet bmcd
 * (docs/fleet.md) then runs COMMAND for that member.
 * Joins COMMAND's words into one line for STATE_DIR/control.sock, quoting words that
 * need it, prints the reply's lines and exits 0 on "OK", 1 on "ERR message" (message
 * on stderr), 2 on a usage or connection problem. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "bmc/bmc.h"
#include "control.h"

#define EXIT_ERR 1
#define EXIT_USAGE 2
#define REPLY_TIMEOUT_S 30

static void usage(FILE *out)
{
	fputs("usage: bmcctl [--state-dir DIR | --socket PATH] COMMAND ...\n"
	      "       bmcctl [--state-dir DIR | --socket PATH] --member NAME COMMAND ...\n"
	      "\n"
	      "Controls a running bmcd through DIR/control.sock (default DIR ./bmcd-state).\n"
	      "\n"
	      "  sensor list                       every sensor: reading, status, mode\n"
	      "  sensor get NAME                   one sensor in detail\n"
	      "  sensor set NAME VALUE             pin a threshold sensor (engineering units)\n"
	      "  sensor assert|deassert NAME OFF   force a discrete state offset on or off\n"
	      "  sensor fault NAME                 make the reading unavailable\n"
	      "  sensor auto NAME                  return the sensor to the simulation\n"
	      "  sel list | sel clear\n"
	      "  sel add HEX32                     add a raw 16-byte record\n"
	      "  sel add TYPE NUMBER EVENT DATA1 [DATA2 [DATA3]]   add a system event\n"
	      "  power status|on|off|cycle|reset|soft|diag\n"
	      "  sessions                          active sessions: handle user source privilege age\n"
	      "  session end HANDLE\n"
	      "  console history                   the host's last 64 KiB of console output, verbatim\n"
	      "  console send TEXT...              type TEXT and Enter at the host's console\n"
	      "  console break                     send a serial break to the host\n"
	      "  fleet list                        fleet mode: NAME ADDRESS:PORT MEMBER-STATE-DIR\n"
	      "  fleet add NAME ADDR[:PORT]        fleet mode: start a new member\n"
	      "  fleet remove NAME                 fleet mode: stop a member (its state stays)\n"
	      "\n"
	      "  --member NAME     fleet mode: run COMMAND for member NAME\n"
	      "  --state-dir DIR   bmcd's state directory (as given to bmcd)\n"
	      "  --socket PATH     the control socket itself\n"
	      "  --help, --version\n"
	      "\n"
	      "Quote names with spaces: bmcctl sensor set \"CPU1 Temp\" 95\n"
	      "Exit status: 0 OK, 1 the command failed, 2 usage or connection error.\n",
	      out);
}

/* Appends word to line, in double quotes with \" and \\ escaped when it holds
 * blanks, quotes or backslashes or is empty. Returns 0, or -1 when it does not fit. */
static int append_word(char *line, size_t cap, size_t *len, const char *word)
{
	bool quote = !*word || strpbrk(word, " \t\"\\") != NULL;
	size_t n = *len;

	if (n && n < cap)
		line[n++] = ' ';
	if (quote && n < cap)
		line[n++] = '"';
	for (const char *p = word; *p && n < cap; p++) {
		if (*p == '"' || *p == '\\')
			line[n++] = '\\';
		if (n < cap)
			line[n++] = *p;
	}
	if (quote && n < cap)
		line[n++] = '"';
	if (n >= cap)
		return -1;
	*len = n;
	return 0;
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* "DATA N" introduces N raw bytes (docs/bmcctl.md). Returns N, or -1 for any other line. */
static long data_line(const char *line)
{
	char *end;
	if (strncmp(line, "DATA ", 5) || line[5] < '0' || line[5] > '9')
		return -1;
	errno = 0;
	unsigned long n = strtoul(line + 5, &end, 10);
	if (errno || *end || n > CONTROL_OUT_MAX)
		return -1;
	return (long)n;
}

/* Reads the reply, printing lines as they come and raw blocks byte for byte. Returns
 * the exit status. */
static int read_reply(int fd, const char *path)
{
	static char buf[CONTROL_OUT_MAX + 2];
	size_t len = 0, raw = 0; /* raw: bytes of a DATA block still to copy */

	for (;;) {
		char *nl;
		if (raw && len) {
			size_t k = raw < len ? raw : len;
			fwrite(buf, 1, k, stdout);
			raw -= k;
			len -= k;
			memmove(buf, buf + k, len);
			continue;
		}
		if (!raw && (nl = memchr(buf, '\n', len)) != NULL) {
			*nl = '\0';
			long data = data_line(buf);
			if (data < 0 && !strcmp(buf, "OK"))
				return 0;
			if (data < 0 && !strncmp(buf, "ERR", 3) && (buf[3] == ' ' || buf[3] == '\0')) {
				fprintf(stderr, "bmcctl: %s\n", buf[3] ? buf + 4 : "command failed");
				return EXIT_ERR;
			}
			if (data >= 0)
				raw = (size_t)data;
			else
				printf("%s\n", buf);
			size_t used = (size_t)(nl - buf) + 1;
			len -= used;
			memmove(buf, nl + 1, len);
			continue;
		}
		if (len == sizeof buf - 1) {
			fprintf(stderr, "bmcctl: reply line from %s too long\n", path);
			return EXIT_USAGE;
		}
		ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			fprintf(stderr, "bmcctl: no reply from %s within %d s\n", path, REPLY_TIMEOUT_S);
			return EXIT_USAGE;
		}
		if (n <= 0) {
			fprintf(stderr, "bmcctl: %s closed the connection before the reply ended\n", path);
			return EXIT_USAGE;
		}
		len += (size_t)n;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"state-dir", required_argument, NULL, 's'}, {"socket", required_argument, NULL, 'S'},
		{"member", required_argument, NULL, 'm'},    {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *state_dir = NULL, *sock = NULL, *member = NULL;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char line[CONTROL_LINE_MAX + 1];
	size_t len = 0;
	int opt;

	opterr = 0;
	/* "+": options end at the command, so "sensor set X -5" keeps its "-5". */
	while ((opt = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			state_dir = optarg;
			break;
		case 'S':
			sock = optarg;
			break;
		case 'm':
			member = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("bmcctl %s\n", BMC_VERSION);
			return 0;
		case ':':
			fprintf(stderr, "bmcctl: %s: missing argument (try --help)\n", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "bmcctl: %s: unknown option (try --help)\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (state_dir && sock) {
		fprintf(stderr, "bmcctl: give --state-dir or --socket, not both\n");
		return EXIT_USAGE;
	}
	if (optind == argc) {
		fprintf(stderr, "bmcctl: no command given (try --help)\n");
		return EXIT_USAGE;
	}
	if (!state_dir)
		state_dir = "./bmcd-state";
	int n = sock ? snprintf(path, sizeof path, "%s", sock)
		     : snprintf(path, sizeof path, "%s/%s", state_dir, CONTROL_SOCKET_NAME);
	if (n < 0 || (size_t)n >= sizeof path) {
		fprintf(stderr, "bmcctl: socket path too long (at most %zu bytes)\n", sizeof path - 1);
		return EXIT_USAGE;
	}
	for (const char *p = member; p && *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7F) {
			fprintf(stderr, "bmcctl: --member: the name contains a control character\n");
			return EXIT_USAGE;
		}
	}
	if (member && (append_word(line, sizeof line - 1, &len, "member") ||
		       append_word(line, sizeof line - 1, &len, member))) {
		fprintf(stderr, "bmcctl: --member: name too long\n");
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		for (const char *p = argv[i]; *p; p++) {
			if ((unsigned char)*p < 0x20 || *p == 0x7F) {
				fprintf(stderr, "bmcctl: argument %d contains a control character\n", i - optind + 1);
				return EXIT_USAGE;
			}
		}
		if (append_word(line, sizeof line - 1, &len, argv[i])) {
			fprintf(stderr, "bmcctl: command longer than %d bytes\n", CONTROL_LINE_MAX);
			return EXIT_USAGE;
		}
	}
	line[len++] = '\n';

	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		int e = errno;
		if (sock)
			fprintf(stderr, "bmcctl: cannot connect to %s: %s: is bmcd running?\n", path, strerror(e));
		else
			fprintf(stderr, "bmcctl: cannot connect to %s: %s: is bmcd running with --state-dir %s?\n", path,
				strerror(e), state_dir);
		if (fd >= 0)
			close(fd);
		return EXIT_USAGE;
	}
	struct timeval tv = {.tv_sec = REPLY_TIMEOUT_S};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	int rc;
	if (send_all(fd, line, len)) {
		fprintf(stderr, "bmcctl: cannot send to %s: %s\n", path, strerror(errno));
		rc = EXIT_USAGE;
	} else {
		rc = read_reply(fd, path);
	}
	close(fd);
	if (fflush(stdout)) {
		fprintf(stderr, "bmcctl: cannot write the reply: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	return rc;
}
