/* See fleet.h and docs/fleet.md. */
#define _GNU_SOURCE /* recvmmsg(2) */
#include "fleet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bmc/crypto.h"
#include "bmc/store.h"
#include "daemon.h"
#include "log.h"

#define LAN_CHANNEL 1
#define DRAIN_BUDGET 64      /* datagrams per member per wakeup; epoll is level-triggered */
#define FLEET_FILE_MAX (1u << 20)
#define LINE_MAX_LEN 1024

/* ---- describing a fleet ------------------------------------------------------- */

bool fleet_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > FLEET_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

static int parse_count(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

int fleet_generate(unsigned n, const char *base, bool ports_each, unsigned first, struct fleet_entry *out,
		   unsigned cap, unsigned *count, char *err, size_t errlen)
{
	struct net_addr a;

	if (n == 0 || n > FLEET_MAX) {
		snprintf(err, errlen, "--fleet: the member count must be 1..%d", FLEET_MAX);
		return -1;
	}
	if (*count + n > cap) {
		snprintf(err, errlen, "fleet: more than %u members", cap);
		return -1;
	}
	if (addr_parse(base, &a) || a.ss.ss_family != AF_INET) {
		snprintf(err, errlen, "--fleet-base: '%.60s' is not an IPv4 ADDR[:PORT] (for IPv6 use a fleet file)",
			 base);
		return -1;
	}
	struct sockaddr_in *sin = (struct sockaddr_in *)&a.ss;
	uint32_t ip = ntohl(sin->sin_addr.s_addr);
	uint16_t port = ntohs(sin->sin_port);
	/* No wrap-around: member k must be base + k exactly. */
	if ((ports_each && (uint32_t)port + n - 1 > 65535u) || (!ports_each && ip > UINT32_MAX - (n - 1))) {
		snprintf(err, errlen, "--fleet-base: %u members from %.60s run past the last %s", n, base,
			 ports_each ? "port" : "address");
		return -1;
	}
	for (unsigned k = 0; k < n; k++) {
		struct fleet_entry *e = &out[*count + k];
		memset(e, 0, sizeof *e);
		snprintf(e->name, sizeof e->name, "node%04u", first + k);
		e->addr = a;
		struct sockaddr_in *s = (struct sockaddr_in *)&e->addr.ss;
		if (ports_each)
			s->sin_port = htons((uint16_t)(port + k));
		else
			s->sin_addr.s_addr = htonl(ip + k);
	}
	*count += n;
	return 0;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

int fleet_file_parse(const char *text, const char *path, struct fleet_entry *out, unsigned cap, unsigned *count,
		     char *err, size_t errlen)
{
	char line[LINE_MAX_LEN + 1], base[ADDR_TEXT_MAX + 1] = "";
	enum { NONE, FLEET, MEMBER } in = NONE;
	unsigned long gen_count = 0;
	bool ports_each = false, have_base = false, member_listen = true;
	unsigned lineno = 0, first = *count;
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		if (len > LINE_MAX_LEN) {
			snprintf(err, errlen, "%s:%u: line longer than %d bytes", path, lineno, LINE_MAX_LEN);
			return -1;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (nl ? 1 : 0);
		char *s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			size_t sl = strlen(s);
			if (s[sl - 1] != ']') {
				snprintf(err, errlen, "%s:%u: malformed section header", path, lineno);
				return -1;
			}
			s[sl - 1] = '\0';
			char *name = trim(s + 1);
			if (in == MEMBER && !member_listen) {
				snprintf(err, errlen, "%s:%u: [member %s] has no listen key", path, lineno,
					 out[*count - 1].name);
				return -1;
			}
			if (!strcmp(name, "fleet")) {
				in = FLEET;
				continue;
			}
			if (strncmp(name, "member", 6) || (name[6] != ' ' && name[6] != '\t')) {
				snprintf(err, errlen, "%s:%u: unknown section [%.40s] (known: fleet, member NAME)", path,
					 lineno, name);
				return -1;
			}
			char *mname = trim(name + 6);
			if (!fleet_name_valid(mname)) {
				snprintf(err, errlen,
					 "%s:%u: bad member name '%.40s' (1..%d of A-Z a-z 0-9 . _ -, not starting with . or -)",
					 path, lineno, mname, FLEET_NAME_MAX);
				return -1;
			}
			if (*count >= cap) {
				snprintf(err, errlen, "%s:%u: more than %u members", path, lineno, cap);
				return -1;
			}
			memset(&out[*count], 0, sizeof out[*count]);
			snprintf(out[*count].name, sizeof out[*count].name, "%s", mname);
			(*count)++;
			in = MEMBER;
			member_listen = false;
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%u: expected 'key = value' or '[section]'", path, lineno);
			return -1;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		if (in == MEMBER && !strcmp(key, "listen")) {
			if (addr_parse(value, &out[*count - 1].addr)) {
				snprintf(err, errlen, "%s:%u: listen: '%.60s' is not ADDR[:PORT]", path, lineno, value);
				return -1;
			}
			member_listen = true;
		} else if (in == FLEET && !strcmp(key, "count")) {
			if (parse_count(value, FLEET_MAX, &gen_count) || gen_count == 0) {
				snprintf(err, errlen, "%s:%u: count: expected 1..%d", path, lineno, FLEET_MAX);
				return -1;
			}
		} else if (in == FLEET && !strcmp(key, "base")) {
			if (strlen(value) > ADDR_TEXT_MAX) {
				snprintf(err, errlen, "%s:%u: base: too long", path, lineno);
				return -1;
			}
			snprintf(base, sizeof base, "%s", value);
			have_base = true;
		} else if (in == FLEET && !strcmp(key, "ports")) {
			if (strcmp(value, "address") && strcmp(value, "port")) {
				snprintf(err, errlen, "%s:%u: ports: expected 'address' (one address each) or 'port' (one port each)",
					 path, lineno);
				return -1;
			}
			ports_each = value[0] == 'p';
		} else {
			snprintf(err, errlen, "%s:%u: unknown key '%.40s'%s", path, lineno, key,
				 in == NONE ? " outside any [section]" : in == FLEET ? " in [fleet] (count, base, ports)"
										   : " in [member] (listen)");
			return -1;
		}
	}
	if (in == MEMBER && !member_listen) {
		snprintf(err, errlen, "%s: [member %s] has no listen key", path, out[*count - 1].name);
		return -1;
	}
	if (gen_count) {
		char why[300];
		/* Generated members are numbered after the named ones. */
		if (fleet_generate((unsigned)gen_count, have_base ? base : "127.0.4.1", ports_each, *count - first + 1, out,
				   cap, count, why, sizeof why)) {
			snprintf(err, errlen, "%s: [fleet]: %s", path, why);
			return -1;
		}
	} else if (have_base) {
		snprintf(err, errlen, "%s: [fleet] base without count", path);
		return -1;
	}
	if (*count == first) {
		snprintf(err, errlen, "%s: no members (add [member NAME] sections or [fleet] count)", path);
		return -1;
	}
	return 0;
}

int fleet_file_load(const char *path, struct fleet_entry *out, unsigned cap, unsigned *count, char *err,
		    size_t errlen)
{
	FILE *fp = fopen(path, "re");
	char *text = NULL;
	int rc = -1;

	if (!fp) {
		snprintf(err, errlen, "--fleet-file: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	text = malloc(FLEET_FILE_MAX + 1);
	if (!text) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	size_t n = fread(text, 1, FLEET_FILE_MAX + 1, fp);
	if (ferror(fp) || n > FLEET_FILE_MAX) {
		snprintf(err, errlen, "%s: %s", path, ferror(fp) ? "read error" : "larger than 1 MiB");
		goto out;
	}
	text[n] = '\0';
	if (memchr(text, '\0', n)) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		goto out;
	}
	rc = fleet_file_parse(text, path, out, cap, count, err, errlen);
out:
	free(text);
	fclose(fp);
	return rc;
}

static bool same_addr(const struct net_addr *a, const struct net_addr *b)
{
	return a->len == b->len && memcmp(&a->ss, &b->ss, a->len) == 0;
}

int fleet_check_unique(const struct fleet_entry *e, unsigned n, char *err, size_t errlen)
{
	/* Sorting would be O(n log n); n <= FLEET_MAX and this runs once, so a hash of
	 * names and addresses keeps it linear without a second copy of the entries. */
	enum { BUCKETS = 8192 };
	uint16_t *byname = calloc(BUCKETS, sizeof *byname), *byaddr = calloc(BUCKETS, sizeof *byaddr);
	int rc = -1;

	if (!byname || !byaddr) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		uint32_t hn = 2166136261u, ha = 2166136261u;
		for (const char *c = e[i].name; *c; c++)
			hn = (hn ^ (uint8_t)*c) * 16777619u;
		const uint8_t *b = (const uint8_t *)&e[i].addr.ss;
		for (socklen_t k = 0; k < e[i].addr.len; k++)
			ha = (ha ^ b[k]) * 16777619u;
		/* Linear probing: at most n <= 4096 entries in 8192 buckets, so a free one exists. */
		for (uint32_t h = hn % BUCKETS;; h = (h + 1) % BUCKETS) {
			if (!byname[h]) {
				byname[h] = (uint16_t)(i + 1);
				break;
			}
			if (!strcmp(e[byname[h] - 1].name, e[i].name)) {
				snprintf(err, errlen, "fleet: member name %s given twice", e[i].name);
				goto out;
			}
		}
		for (uint32_t h = ha % BUCKETS;; h = (h + 1) % BUCKETS) {
			if (!byaddr[h]) {
				byaddr[h] = (uint16_t)(i + 1);
				break;
			}
			if (same_addr(&e[byaddr[h] - 1].addr, &e[i].addr)) {
				char text[ADDR_TEXT_MAX];
				addr_format(&e[i].addr, text, sizeof text);
				snprintf(err, errlen, "fleet: members %s and %s both listen on %s", e[byaddr[h] - 1].name,
					 e[i].name, text);
				goto out;
			}
		}
	}
	rc = 0;
out:
	free(byname);
	free(byaddr);
	return rc;
}

/* ---- memory ----------------------------------------------------------------------- */

/* A member is one anonymous mapping: struct fleet_member (its simulator included), then
 * the core, about 380 KiB. Both hold tables sized for the largest configuration
 * (SIM_MAX_SENSORS sensors, a 4096-entry SEL, ...) that a member of the built-in server
 * barely uses. sim_init leaves its tables' unused entries untouched, and
 * bmc_init_zeroed clears nothing in the fresh (zero) mapping, so the pages of unused
 * entries never become resident: RSS follows what each member really uses (measured:
 * bench/README.md). No page is read before it is written either: this kernel maps no
 * shared zero page on a read fault.
 *
 * A cold BMC reset wipes the core and re-initialises it with bmc_init, which makes all
 * of it resident; the pages that hold only zeros afterwards are then given back with
 * MADV_DONTNEED (reads still see zeros). Not done at start: each call flushes TLBs on
 * every CPU, which in a VM cost more than the rest of a member's start. */
static size_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);
	return p > 0 ? (size_t)p : 4096;
}

static size_t bmc_offset(void)
{
	return (sizeof(struct fleet_member) + 63) / 64 * 64;
}

static void member_trim(struct fleet_member *m)
{
	size_t ps = page_size(), run = 0;
	/* The core only: reading the simulator's untouched pages would make them resident
	 * (this kernel maps no shared zero page on a read fault). */
	uint8_t *base = (uint8_t *)m;
	size_t from = (bmc_offset() + ps - 1) / ps * ps, end = m->map_len / ps * ps;
	/* Runs of zero pages go back in one call each: a call per page cost more than the
	 * rest of a member's start. */
	for (size_t off = from; off < end; off += ps) {
		const uint64_t *w = (const uint64_t *)(base + off);
		size_t k = 0, nw = ps / sizeof *w;
		while (k < nw && w[k] == 0)
			k++;
		if (k == nw) {
			run += ps;
			continue;
		}
		if (run)
			(void)madvise(base + off - run, run, MADV_DONTNEED);
		run = 0;
	}
	if (run)
		(void)madvise(base + end - run, run, MADV_DONTNEED);
}

static struct fleet_member *member_alloc(void)
{
	size_t ps = page_size();
	size_t len = (bmc_offset() + bmc_size() + ps - 1) / ps * ps;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	struct fleet_member *m = p; /* mmap's zero pages: nothing to clear */
	m->map_len = len;
	m->bmc = (struct bmc *)((uint8_t *)p + bmc_offset());
	m->fd = -1;
	return m;
}

static void member_free(struct fleet_member *m)
{
	if (!m)
		return;
	if (m->fd >= 0)
		close(m->fd);
	/* Passwords and session keys live in the core. */
	bmc_wipe(m->bmc, bmc_size());
	munmap(m, m->map_len);
}

/* ---- one member's platform ---------------------------------------------------------- */

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void m_send(void *ctx, uint8_t channel, const struct bmc_peer *peer, const void *buf, size_t len)
{
	struct fleet_member *m = ctx;
	struct sockaddr_storage to;
	socklen_t tolen = addr_from_peer(peer, &to);

	if (channel != LAN_CHANNEL || tolen == 0 || m->fd < 0)
		return;
	if (m->f->q.batching && outq_add(&m->f->q, m->fd, &to, tolen, buf, len) == 0)
		return;
	/* Keep the order of replies, and commit what this one may rest on first. */
	if (outq_flush(&m->f->q) != 0) {
		m->f->q.dropped_uncommitted++;
		return;
	}
	for (;;) {
		if (sendto(m->fd, buf, len, 0, (const struct sockaddr *)&to, tolen) >= 0)
			return;
		if (errno != EINTR)
			break;
	}
	/* UDP: a full socket buffer loses this reply; the client retries. */
	m->f->q.send_errors++;
}

static void m_log(void *ctx, enum bmc_log_level level, const char *msg)
{
	const struct fleet_member *m = ctx;
	char line[400];
	snprintf(line, sizeof line, "%s: %s", m->name, msg);
	log_line(level, line);
}

static int m_store_put(void *ctx, uint16_t type, uint16_t key, const void *data, size_t len)
{
	struct fleet_member *m = ctx;
	return m->store ? store_file_put(m->store, type, key, data, len) : -1;
}

static void m_reset(void *ctx, enum bmc_reset_kind kind)
{
	struct fleet_member *m = ctx;
	if (!m->reset_pending || kind == BMC_RESET_COLD)
		m->reset_kind = kind;
	m->reset_pending = true;
}

static void replay(void *arg, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	struct fleet_member *m = arg;
	bmc_store_apply(m->bmc, type, key, value, len);
}

/* The member's copy of the shared configuration: its own MAC (from its slot), its port
 * for SOL parameter 8, and no configured GUID, so every member makes and stores its own. */
static void member_config(struct fleet_member *m, const struct daemon *d)
{
	struct bmc_peer peer;
	static const uint8_t zero[6];

	m->cfg = d->cfg.bmc;
	memset(m->cfg.system_guid, 0, sizeof m->cfg.system_guid);
	if (!memcmp(m->cfg.mac, zero, 6)) {
		/* Locally administered (02h), "BM" */
		m->cfg.mac[0] = 0x02;
		m->cfg.mac[1] = 0x42;
		m->cfg.mac[2] = 0x4D;
	}
	uint32_t low = ((uint32_t)m->cfg.mac[3] << 16 | (uint32_t)m->cfg.mac[4] << 8 | m->cfg.mac[5]) + m->slot + 1;
	m->cfg.mac[3] = (uint8_t)(low >> 16);
	m->cfg.mac[4] = (uint8_t)(low >> 8);
	m->cfg.mac[5] = (uint8_t)low;
	m->cfg.serial_enabled = false; /* the serial device belongs to no member */
	if (addr_to_peer(&m->addr.ss, 0, &peer) == 0)
		m->cfg.lan_port = peer.port;
}

static void member_core_stop(struct fleet_member *m)
{
	if (m->store) {
		store_file_close(m->store);
		m->store = NULL;
	}
}

/* fresh: the core's memory is the untouched mapping (all zero). */
static int member_core_start(struct fleet_member *m, bool fresh)
{
	struct daemon *d = m->f->d;
	char err[1400];
	int rc = fresh ? bmc_init_zeroed(m->bmc, &m->platform, &m->backend, &m->cfg)
		       : bmc_init(m->bmc, &m->platform, &m->backend, &m->cfg);

	if (rc) {
		log_error("%s: core initialisation failed", m->name);
		return -1;
	}
	if (d->cfg.kg_set)
		bmc_store_apply(m->bmc, STORE_KG, LAN_CHANNEL, d->cfg.kg, sizeof d->cfg.kg);
	err[0] = '\0';
	if (store_file_open_sealed(&m->store, m->dir, &d->secrets, replay, m, err, sizeof err)) {
		log_error("%s: store: %s", m->name, err);
		return -1;
	}
	if (err[0])
		log_warn("%s: store: %s", m->name, err);
	if (bmc_start(m->bmc)) {
		log_error("%s: core start failed", m->name);
		goto fail;
	}
	if (bmc_needs_admin(m->bmc) && daemon_provision_admin(m->bmc, m->dir))
		goto fail;
	if (!fresh)
		member_trim(m);
	return 0;
fail:
	member_core_stop(m);
	return -1;
}

static int member_reset(struct fleet_member *m)
{
	m->reset_pending = false;
	if (m->reset_kind == BMC_RESET_WARM)
		return 0; /* as daemon_core_reset: sessions and settings stay */
	member_core_stop(m);
	bmc_wipe(m->bmc, bmc_size());
	if (member_core_start(m, false))
		return -1;
	log_info("%s: BMC reset: core re-initialised from the store", m->name);
	return 0;
}

static int member_start(struct fleet *f, struct fleet_member *m)
{
	struct daemon *d = f->d;
	struct sim_config sc = d->cfg.sim;

	/* Each member's simulated server follows its own load pattern. */
	sc.seed = d->cfg.sim.seed + m->slot + 1;
	sim_init(&m->sim, &sc, &m->backend);
	member_config(m, d);
	m->platform = (struct bmc_platform){
		.ctx = m,
		.now_ms = d->platform.now_ms,
		.wall_time = d->platform.wall_time,
		.random = d->platform.random,
		.send = m_send,
		.log = m_log,
		.store_put = m_store_put,
		.reset = m_reset,
	};
	if (mkdir(m->dir, 0700) && errno != EEXIST) {
		log_error("%s: cannot create %s: %s", m->name, m->dir, strerror(errno));
		return -1;
	}
	if (member_core_start(m, true))
		return -1;
	sim_tick(&m->sim, mono_ms());
	m->started = true;
	return 0;
}

/* ---- the fleet ---------------------------------------------------------------------- */

static int member_socket(struct fleet *f, const struct net_addr *a, char *err, size_t errlen)
{
	/* net_open's binding and its messages (busy port, no such address, ...), one
	 * address at a time; the socket then belongs to the member. */
	static struct net tmp;
	(void)f;
	if (net_open(&tmp, a, 1, err, errlen))
		return -1;
	int fd = tmp.fd[0];
	tmp.n = 0;
	return fd;
}

/* Raised once at start, for the largest fleet: after the system call filter is on,
 * bmcctl fleet add could not raise it (prlimit64 is not allowed). */
static int raise_nofile(unsigned members, char *err, size_t errlen)
{
	struct rlimit rl;
	/* A socket, the store's file and its directory per member, and headroom. */
	rlim_t need = (rlim_t)members * 3 + 64, want = (rlim_t)FLEET_MAX * 3 + 64;
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= want)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		snprintf(err, errlen, "fleet: %u members need %lu file descriptors; the limit is %lu (raise it: ulimit -n)",
			 members, (unsigned long)need, (unsigned long)rl.rlim_max);
		return -1;
	}
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		snprintf(err, errlen, "fleet: cannot raise the file descriptor limit to %lu: %s",
			 (unsigned long)rl.rlim_cur, strerror(errno));
		return -1;
	}
	return 0;
}

static int member_dir(const struct daemon *d, const char *name, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s/%s", d->cfg.state_dir, FLEET_DIR, name);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static struct fleet_member *member_new(struct fleet *f, unsigned slot, const char *name, const struct net_addr *a,
				       char *err, size_t errlen)
{
	struct fleet_member *m = member_alloc();
	if (!m) {
		snprintf(err, errlen, "fleet: out of memory for member %s", name);
		return NULL;
	}
	snprintf(m->name, sizeof m->name, "%s", name);
	m->addr = *a;
	m->slot = slot;
	m->f = f;
	if (member_dir(f->d, name, m->dir, sizeof m->dir)) {
		snprintf(err, errlen, "fleet: state directory path too long for %s", name);
		member_free(m);
		return NULL;
	}
	m->fd = member_socket(f, a, err, errlen);
	if (m->fd < 0) {
		member_free(m);
		return NULL;
	}
	return m;
}

int fleet_bind(struct fleet *f, struct daemon *d, const struct fleet_entry *e, unsigned n, char *err,
	       size_t errlen)
{
	f->d = d;
	f->ep = -1;
	if (raise_nofile(n, err, errlen))
		return -1;
	for (unsigned i = 0; i < n; i++) {
		f->m[i] = member_new(f, i, e[i].name, &e[i].addr, err, errlen);
		if (!f->m[i])
			return -1;
		f->hi = i + 1;
		f->count++;
	}
	return 0;
}

int fleet_any_sealed(const struct fleet *f, bool *sealed)
{
	*sealed = false;
	for (unsigned i = 0; i < f->hi && !*sealed; i++)
		if (f->m[i] && store_file_has_sealed(f->m[i]->dir, sealed))
			return -1;
	return 0;
}

static int members_dir(const struct fleet *f)
{
	char dir[CONFIG_PATH_MAX + 16];
	snprintf(dir, sizeof dir, "%s/%s", f->d->cfg.state_dir, FLEET_DIR);
	if (mkdir(dir, 0700) && errno != EEXIST) {
		log_error("cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Members started by one thread: slots first, first + step, ... */
struct starter {
	struct fleet *f;
	unsigned first, step;
	int rc;
};

static void *start_some(void *arg)
{
	struct starter *s = arg;
	for (unsigned i = s->first; i < s->f->hi; i += s->step) {
		if (s->f->m[i] && member_start(s->f, s->f->m[i])) {
			s->rc = -1;
			break;
		}
	}
	return NULL;
}

int fleet_start(struct fleet *f)
{
	struct starter st[FLEET_START_THREADS];
	pthread_t th[FLEET_START_THREADS];
	bool running[FLEET_START_THREADS] = {false};
	unsigned n = f->hi < FLEET_START_THREADS ? f->hi : FLEET_START_THREADS;
	int rc = 0;

	/* Satellite controllers hang off a BMC's IPMB; a member has none (docs/fleet.md). */
	if (f->d->cfg.sim.backplane_drives) {
		log_error("fleet mode runs no satellite controllers: remove [sim] backplane_drives");
		return -1;
	}
	if (members_dir(f))
		return -1;
	/* A member's start writes its store's records: the start-up sensor events in the
	 * SEL, and on a first start its GUID and admin user. One fdatasync each made that
	 * 8,000 syncs for 1,000 members. Nothing is answered before the fleet is ready, so
	 * DESIGN.md §6 is kept by deferring them and syncing the file system once at the
	 * end (store_file_commit_all); the initial password files keep their own fsyncs,
	 * which order each before its store record (lifecycle.c). Members share nothing
	 * they write, so several start at once and their remaining I/O (first start:
	 * creating files) overlaps. The threads end here, before the system call filter
	 * (which allows no clone, nor syncfs) is installed; members added later by bmcctl
	 * start with synchronous puts. */
	store_file_defer(true);
	for (unsigned t = 0; t < n; t++) {
		st[t] = (struct starter){.f = f, .first = t, .step = n, .rc = 0};
		running[t] = pthread_create(&th[t], NULL, start_some, &st[t]) == 0;
		if (!running[t])
			start_some(&st[t]); /* no thread: this one does its share */
	}
	for (unsigned t = 0; t < n; t++) {
		if (running[t])
			pthread_join(th[t], NULL);
		if (st[t].rc)
			rc = -1;
	}
	store_file_defer(false);
	if (store_file_commit_all(true)) {
		log_error("fleet: the members' stores could not be made durable; not starting");
		rc = -1;
	}
	if (rc)
		return -1;
	log_info("fleet: %u members started", f->count);
	return 0;
}

static int epoll_add(struct fleet *f, struct fleet_member *m)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = f->tag_base + m->slot};
	return epoll_ctl(f->ep, EPOLL_CTL_ADD, m->fd, &ev);
}

int fleet_attach(struct fleet *f, int ep, uint64_t tag_base)
{
	f->ep = ep;
	f->tag_base = tag_base;
	for (unsigned i = 0; i < f->hi; i++)
		if (f->m[i] && epoll_add(f, f->m[i]))
			return -1;
	return 0;
}

bool fleet_owns(const struct fleet *f, uint64_t tag)
{
	return tag >= f->tag_base && tag < f->tag_base + FLEET_MAX;
}

static int member_datagram(void *arg, const struct bmc_peer *peer, const uint8_t *buf, size_t len)
{
	struct fleet_member *m = arg;
	bmc_input(m->bmc, LAN_CHANNEL, peer, buf, len);
	/* The reply is queued, so a reset may happen now: closing the store commits it,
	 * and a failure there drops the queued replies. */
	return m->reset_pending && member_reset(m) ? -1 : 0;
}

/* The members' receive path is the LAN sockets' (net_drain_fd), with one shared set of
 * buffers. Filtering that net.c applies to datagrams (source allow-lists, per-source
 * limits) must be applied here too when it exists. */
int fleet_event(struct fleet *f, uint64_t tag)
{
	struct fleet_member *m = f->m[tag - f->tag_base];
	int stop;

	if (!m) /* removed earlier in this round */
		return 0;
	net_drain_fd(m->fd, 0, f->bufs, &f->q, &f->dropped_oversize, DRAIN_BUDGET, member_datagram, m, &stop);
	return stop ? -1 : 0;
}

int fleet_tick(struct fleet *f, uint64_t now_ms)
{
	for (unsigned i = 0; i < f->hi; i++) {
		struct fleet_member *m = f->m[i];
		if (!m || !m->started)
			continue;
		sim_tick(&m->sim, now_ms);
		bmc_tick(m->bmc);
		if (m->reset_pending && member_reset(m))
			return -1;
	}
	return 0;
}

static void member_stop(struct fleet *f, struct fleet_member *m)
{
	if (f->ep >= 0 && m->fd >= 0)
		epoll_ctl(f->ep, EPOLL_CTL_DEL, m->fd, NULL);
	member_core_stop(m);
	f->m[m->slot] = NULL;
	f->count--;
	member_free(m);
}

void fleet_stop(struct fleet *f)
{
	for (unsigned i = 0; i < f->hi; i++)
		if (f->m[i])
			member_stop(f, f->m[i]);
	f->hi = 0;
}

struct fleet_member *fleet_find(struct fleet *f, const char *name)
{
	for (unsigned i = 0; i < f->hi; i++)
		if (f->m[i] && !strcmp(f->m[i]->name, name))
			return f->m[i];
	return NULL;
}

int fleet_add(struct fleet *f, const char *name, const char *addr, char *err, size_t errlen)
{
	struct net_addr a;
	unsigned slot = 0;

	if (!fleet_name_valid(name)) {
		snprintf(err, errlen, "bad member name \"%.40s\" (1..%d of A-Z a-z 0-9 . _ -)", name, FLEET_NAME_MAX);
		return -1;
	}
	if (addr_parse(addr, &a)) {
		snprintf(err, errlen, "bad address \"%.60s\" (expected ADDR[:PORT])", addr);
		return -1;
	}
	if (fleet_find(f, name)) {
		snprintf(err, errlen, "member %s exists", name);
		return -1;
	}
	for (unsigned i = 0; i < f->hi; i++) {
		if (f->m[i] && same_addr(&f->m[i]->addr, &a)) {
			snprintf(err, errlen, "member %s already listens on %.60s", f->m[i]->name, addr);
			return -1;
		}
	}
	while (slot < FLEET_MAX && f->m[slot])
		slot++;
	if (slot == FLEET_MAX) {
		snprintf(err, errlen, "the fleet is full (%d members)", FLEET_MAX);
		return -1;
	}
	struct fleet_member *m = member_new(f, slot, name, &a, err, errlen);
	if (!m)
		return -1;
	f->m[slot] = m;
	if (slot >= f->hi)
		f->hi = slot + 1;
	f->count++;
	if (member_start(f, m) || (f->ep >= 0 && epoll_add(f, m))) {
		snprintf(err, errlen, "member %s could not be started (see bmcd's log)", name);
		member_stop(f, m);
		return -1;
	}
	log_info("fleet: member %s added", name);
	return 0;
}

int fleet_remove(struct fleet *f, const char *name, char *err, size_t errlen)
{
	struct fleet_member *m = fleet_find(f, name);
	if (!m) {
		snprintf(err, errlen, "no member %.40s (fleet list shows the names)", name);
		return -1;
	}
	member_stop(f, m);
	while (f->hi && !f->m[f->hi - 1])
		f->hi--;
	log_info("fleet: member %s removed (its state directory stays)", name);
	return 0;
}
