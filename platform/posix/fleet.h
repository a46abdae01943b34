/* Fleet mode (docs/fleet.md): one bmcd process serves N independent BMCs ("members")
 * from one event loop. Each member is the portable core (struct bmc) with its own
 * simulated server, store and initial admin password under STATE_DIR/members/NAME/,
 * its own UDP socket (one address or one port each), and platform ops whose ctx is the
 * member, as a satellite controller is (satellite.c). What members share: the
 * configuration (device ID, product, [sim], [fru], LAN policy), the secrets key, the
 * control socket and the receive buffers.
 *
 * Members come from a fleet file (INI: [member NAME] sections with listen = ADDR[:PORT],
 * and/or a [fleet] section with count and base) or from --fleet N --fleet-base ADDR,
 * and can be added and removed while running (bmcctl fleet add / remove). */
#ifndef BMCD_FLEET_H
#define BMCD_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "bmc/bmc.h"
#include "config.h"
#include "net.h"
#include "outq.h"
#include "sim.h"
#include "store_file.h"

#define FLEET_MAX 4096      /* members in one process */
#define FLEET_NAME_MAX 32   /* [A-Za-z0-9._-], not starting with '.' or '-' */
#define FLEET_DIR "members" /* STATE_DIR/members/NAME/ */
#define FLEET_START_THREADS 16 /* members started at once (their fdatasyncs overlap) */

struct fleet_entry {
	char name[FLEET_NAME_MAX + 1];
	struct net_addr addr;
};

/* ---- describing a fleet (no side effects; tests/unit/test_fleet.c) ------------- */

/* True when name may name a member (and a directory). */
bool fleet_name_valid(const char *name);
/* Appends n members node0001.. (numbered from first) to out[*count..cap): consecutive
 * IPv4 addresses from base ("ADDR[:PORT]", port 623 by default) on one port, or with
 * ports_each, base's address and consecutive ports. Returns 0, or -1 with err. */
int fleet_generate(unsigned n, const char *base, bool ports_each, unsigned first, struct fleet_entry *out,
		   unsigned cap, unsigned *count, char *err, size_t errlen);
/* Parses a fleet file's text (path only names it in messages) into out[*count..cap):
 *   [fleet]          count = N, base = ADDR[:PORT], ports = address|port (generated)
 *   [member NAME]    listen = ADDR[:PORT]
 * Strict like config.c: unknown sections or keys fail with "PATH:LINE: reason". */
int fleet_file_parse(const char *text, const char *path, struct fleet_entry *out, unsigned cap, unsigned *count,
		     char *err, size_t errlen);
/* Reads the file at path and parses it. */
int fleet_file_load(const char *path, struct fleet_entry *out, unsigned cap, unsigned *count, char *err,
		    size_t errlen);
/* Names and addresses must be unique. Returns 0, or -1 naming the duplicate. */
int fleet_check_unique(const struct fleet_entry *e, unsigned n, char *err, size_t errlen);

/* ---- running a fleet ----------------------------------------------------------- */

struct daemon;

struct fleet_member {
	char name[FLEET_NAME_MAX + 1];
	char dir[CONFIG_PATH_MAX + FLEET_NAME_MAX + 16];
	struct net_addr addr;
	unsigned slot; /* index in struct fleet; the epoll tag and the MAC derive from it */
	int fd;        /* the member's UDP socket */
	struct fleet *f;
	struct bmc *bmc; /* inside this member's mapping, after the struct */
	size_t map_len;
	struct store_file *store;
	struct bmc_config cfg;
	struct bmc_backend backend;
	struct bmc_platform platform;
	bool reset_pending;
	enum bmc_reset_kind reset_kind;
	bool started;
	struct sim sim; /* last: its large tables are mostly zero pages (fleet_trim) */
};

struct fleet {
	struct daemon *d;
	struct fleet_member *m[FLEET_MAX]; /* by slot; NULL = free */
	unsigned hi;                       /* slots 0..hi-1 may be in use */
	unsigned count;                    /* members */
	int ep;                            /* -1 until fleet_attach */
	uint64_t tag_base;
	uint64_t dropped_oversize;
	uint8_t bufs[NET_BATCH][NET_DGRAM_MAX]; /* shared: one member is read at a time */
	/* Replies to a member's recvmmsg batch, sent after one group commit (outq.h; q.hooks
	 * set by the loop), as on the LAN sockets. */
	struct outq q;
};

/* Allocates the members and binds their sockets (before privileges are dropped).
 * Returns 0, or -1 with one line in err naming the address. */
int fleet_bind(struct fleet *f, struct daemon *d, const struct fleet_entry *e, unsigned n, char *err,
	       size_t errlen);
/* Whether any member's store holds sealed secrets (then the key must exist). */
int fleet_any_sealed(const struct fleet *f, bool *sealed);
/* Creates STATE_DIR/members and brings every member's core up, FLEET_START_THREADS at a
 * time in threads that have ended on return: call it before the system call filter is
 * installed. The members' store puts are deferred and made durable together (one
 * syncfs) before it returns. Returns 0 or -1 (logged). */
int fleet_start(struct fleet *f);
/* Adds every member's socket to ep with tags tag_base + slot. */
int fleet_attach(struct fleet *f, int ep, uint64_t tag_base);
bool fleet_owns(const struct fleet *f, uint64_t tag);
/* Reads datagrams for the member behind tag. Returns 0, or -1 when a BMC reset failed. */
int fleet_event(struct fleet *f, uint64_t tag);
/* Timers of every member. Returns 0, or -1 when a BMC reset failed. */
int fleet_tick(struct fleet *f, uint64_t now_ms);
/* Stops every member and frees them. */
void fleet_stop(struct fleet *f);

struct fleet_member *fleet_find(struct fleet *f, const char *name);
/* While running: binds, creates and starts one member / stops and frees one (its state
 * directory stays). Return 0, or -1 with a reason in err. */
int fleet_add(struct fleet *f, const char *name, const char *addr, char *err, size_t errlen);
int fleet_remove(struct fleet *f, const char *name, char *err, size_t errlen);

#endif
