/* The store on a POSIX file system (platform/posix/store_file.h, DESIGN.md §6).
 *
 * DIR/store.log is the append-only log of include/bmc/store.h records. In memory we keep
 * an index (open addressing, linear probing, keyed by type << 16 | key) holding the
 * newest value and sequence number of every live (type, key); it is what replay and
 * compaction read, so neither has to scan the file again.
 *
 * Crash safety rests on three rules:
 *  - a put is one pwrite() at the tracked end followed by fdatasync() (or, deferring,
 *    by one fdatasync for a group of puts: see "group commit" below): after a crash
 *    the file ends with whole records, possibly followed by a torn one, which the loader
 *    cuts off;
 *  - the loader accepts only a prefix of CRC-valid records whose sequence numbers go up
 *    by exactly one, and cuts the file at the first record that is not: see load();
 *  - compaction writes a complete new file, fsyncs it, and only then renames it over
 *    the log and fsyncs the directory, so the name always points at a complete file.
 *
 * Secrets (STORE_USER, STORE_KG) are sealed when the store is opened with a key
 * (store_file_open_sealed): on disk such a record has type | STORE_SEALED and the value
 * nonce | AES-256-GCM ciphertext | tag (platform/posix/secrets.h), with the record's
 * type and key authenticated. The core never sees this: it puts and replays clear
 * values, and the index keeps them clear, so compaction seals every secret afresh.
 * A sealed record that does not open (wrong key, altered bytes with a fixed-up CRC)
 * fails the open; nothing is dropped. A store with only clear secrets (written by a
 * version before sealing) is rewritten sealed at open; one that mixes clear and sealed
 * secrets has been tampered with and is refused.
 *
 * Group commit: one fdatasync costs milliseconds on a real disk, so a BMC that synced
 * every SEL entry alone managed a few hundred adds per second. While deferring (the LAN
 * loop turns it on for one recvmmsg batch, a fleet for its start-up), a put writes and
 * indexes its record and only marks the store dirty; store_file_commit_all makes every
 * dirty store durable at once before any reply of the batch is sent. If that fails, the
 * records' fate is unknown (Linux marks the pages clean after a failed writeback, so a
 * second fdatasync would "succeed" without writing them): the replies are dropped, the
 * file is cut back to its last durable end if that works, and the store breaks: it
 * refuses every later put until reopened, logged once as an error naming the file. We
 * do not roll the index back: the core has already applied the records to its memory
 * (a SEL entry is in its table), and only a restart, reading the file, makes memory and
 * disk agree again. Refusing puts is what keeps "nothing acknowledged is lost": no later
 * command can be acknowledged on top of state that may vanish. */
#define _GNU_SOURCE /* syncfs(2) */
#include "store_file.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bmc/crypto.h"
#include "bmc/store.h"
#include "log.h"
#include "secrets.h"

#define LOG_NAME "store.log"
#define TMP_NAME "store.log.tmp"
#define REC_MAX (BMC_STORE_HDR + BMC_STORE_MAX_VALUE + BMC_STORE_TRAILER)
/* Compact when the file exceeds max(COMPACT_MIN, 2 x live bytes): amortised, every byte
 * of the log is rewritten at most about once, and a small store never bothers. */
#define COMPACT_MIN (64u * 1024u)
#define COMPACT_CHUNK (64u * 1024u)
#define INDEX_MIN 64u
/* On-disk type flag of a sealed record. Types are small (include/bmc/store.h). */
#define STORE_SEALED 0x8000u
/* File systems one store_file_commit_all(true) syncs with syncfs; stores on more than
 * this many (never, in one bmcd) are synced one by one instead. */
#define COMMIT_FS_MAX 8

struct slot {
	uint32_t id;    /* type << 16 | key */
	uint32_t seq;   /* of the record that wrote the value */
	uint32_t len;   /* 0: empty slot (a live value is never empty: that is a deletion) */
	uint8_t *value; /* owned copy */
};

struct store_file {
	int dirfd;
	int fd;
	uint64_t end;           /* bytes of good records: where the next record goes */
	uint32_t next_seq;      /* restarts at count + 1 at every compaction, so it cannot
				 * approach 2^32 before the file would be compacted */
	uint64_t live_bytes;    /* encoded size of the live records: a compacted file's size */
	uint64_t compact_retry; /* after a failed compaction, wait until end reaches this */
	uint64_t synced_end;    /* bytes known durable; end - synced_end await a commit */
	bool dir_dirty;         /* a rename is not yet known durable: fsync DIR first */
	bool broken;            /* a failed put could not be undone, or a commit failed:
				 * refuse further puts */
	bool dirty;             /* on the list of dirty stores (group.dirty) */
	struct store_file *next_dirty;
	dev_t dev;              /* the file system, for syncfs */
	char *dir;              /* for messages */
	struct slot *slots;
	size_t cap;             /* a power of two (or 0) */
	size_t count;           /* live entries, at most cap * 3 / 4 */
	const struct secrets *sec; /* NULL: secrets are stored as given (tests, tools) */
	size_t n_clear, n_sealed; /* secret records of each kind seen by load() */
};

/* The process-wide state of group commit (store_file.h). The lock matters only while
 * a fleet starts, when threads put to their own stores and join the dirty list. */
static struct {
	pthread_mutex_t lock;
	bool defer;
	bool close_failed; /* a dirty store's close could not make it durable */
	struct store_file *dirty;
} group = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int (*sync_data)(int fd) = fdatasync;

/* The record types whose values are secrets (passwords, Kg: DESIGN.md §5). */
static bool secret_type(uint32_t type)
{
	return type == STORE_USER || type == STORE_KG;
}

/* Frees a value, wiping it first when it may hold a password or Kg. */
static void free_value(const struct slot *e)
{
	if (e->value && secret_type(e->id >> 16))
		bmc_wipe(e->value, e->len);
	free(e->value);
}

static void seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static uint64_t rec_size(size_t len)
{
	return BMC_STORE_HDR + (uint64_t)len + BMC_STORE_TRAILER;
}

/* ---- the index ---------------------------------------------------------------- */

/* A full-avalanche mix (lowbias32): ids are small and dense (user 1..15, channel
 * 1..15, SEL record ids), so the low bits of the raw id would cluster. */
static size_t slot_home(uint32_t id, size_t cap)
{
	uint32_t h = id;
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return (size_t)h & (cap - 1);
}

/* The slot holding id, or the empty slot where it would go. cap must be non-zero. */
static size_t slot_find(const struct store_file *s, uint32_t id)
{
	size_t i = slot_home(id, s->cap);
	while (s->slots[i].len != 0 && s->slots[i].id != id)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static const struct slot *idx_get(const struct store_file *s, uint32_t id)
{
	if (s->cap == 0)
		return NULL;
	const struct slot *e = &s->slots[slot_find(s, id)];
	return e->len ? e : NULL;
}

/* Makes room for one more entry, so that idx_set after a durable write cannot fail. */
static int idx_reserve(struct store_file *s)
{
	if ((s->count + 1) * 4 <= s->cap * 3)
		return 0;
	size_t ncap = s->cap ? s->cap * 2 : INDEX_MIN;
	struct slot *old = s->slots;
	size_t ocap = s->cap;
	struct slot *fresh = calloc(ncap, sizeof *fresh);
	if (!fresh)
		return -1;
	s->slots = fresh;
	s->cap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (old[i].len)
			s->slots[slot_find(s, old[i].id)] = old[i];
	}
	free(old);
	return 0;
}

/* Stores value (taking ownership) as the newest for id. Needs idx_reserve first. */
static void idx_set(struct store_file *s, uint32_t id, uint32_t seq, uint8_t *value, uint32_t len)
{
	struct slot *e = &s->slots[slot_find(s, id)];
	if (e->len) {
		s->live_bytes -= rec_size(e->len);
		free_value(e);
	} else {
		s->count++;
	}
	*e = (struct slot){.id = id, .seq = seq, .len = len, .value = value};
	s->live_bytes += rec_size(len);
}

/* True when slot j's home position is not cyclically inside (i, j]: then the entry at
 * j may move back to the hole at i without becoming unreachable. */
static bool may_fill_hole(size_t home, size_t i, size_t j)
{
	if (i <= j)
		return home <= i || home > j;
	return home <= i && home > j;
}

/* Removes id; backward-shift deletion keeps probe chains intact without tombstones, so
 * a SEL that is cleared and refilled does not slowly fill the table with dead slots. */
static void idx_del(struct store_file *s, uint32_t id)
{
	if (s->cap == 0)
		return;
	size_t mask = s->cap - 1;
	size_t i = slot_find(s, id);
	if (s->slots[i].len == 0)
		return;
	s->live_bytes -= rec_size(s->slots[i].len);
	free_value(&s->slots[i]);
	s->count--;
	for (size_t j = (i + 1) & mask; s->slots[j].len != 0; j = (j + 1) & mask) {
		if (may_fill_hole(slot_home(s->slots[j].id, s->cap), i, j)) {
			s->slots[i] = s->slots[j];
			i = j;
		}
	}
	s->slots[i] = (struct slot){0};
}

static int by_seq(const void *a, const void *b)
{
	uint32_t x = (*(const struct slot *const *)a)->seq;
	uint32_t y = (*(const struct slot *const *)b)->seq;
	return (x > y) - (x < y);
}

/* The live entries, oldest first: the order replay and compaction need. *out is NULL
 * (and the return 0) only when the store is empty; -1 when out of memory. */
static int idx_sorted(const struct store_file *s, struct slot ***out)
{
	*out = NULL;
	if (s->count == 0)
		return 0;
	struct slot **v = malloc(s->count * sizeof *v);
	if (!v)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < s->cap; i++) {
		if (s->slots[i].len)
			v[n++] = &s->slots[i];
	}
	qsort(v, n, sizeof *v, by_seq);
	*out = v;
	return 0;
}

/* Applies one decoded record to the index (at load). */
static int idx_apply(struct store_file *s, const struct bmc_store_rec *rec)
{
	uint32_t id = (uint32_t)rec->type << 16 | rec->key;
	if (rec->len == 0) {
		idx_del(s, id);
		return 0;
	}
	uint8_t *copy = malloc(rec->len);
	if (!copy || idx_reserve(s) != 0) {
		free(copy);
		return -1;
	}
	memcpy(copy, rec->value, rec->len);
	idx_set(s, id, rec->seq, copy, rec->len);
	return 0;
}

/* ---- files -------------------------------------------------------------------- */

/* Secrets (passwords, Kg) live in the store: DESIGN.md §5 wants mode 0600, also for a
 * file some older version or an administrator created with other bits. */
static int check_file(int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	if ((st.st_mode & 07777) != 0600 && fchmod(fd, 0600) != 0)
		return -1;
	return 0;
}

static int read_all(int fd, uint8_t **out, size_t *outlen)
{
	struct stat st;
	*out = NULL;
	*outlen = 0;
	if (fstat(fd, &st) != 0)
		return -1;
	if (st.st_size < 0 || (uint64_t)st.st_size > SIZE_MAX - 1) {
		errno = EFBIG;
		return -1;
	}
	size_t size = (size_t)st.st_size, got = 0;
	uint8_t *buf = malloc(size + 1);
	if (!buf)
		return -1;
	while (got < size) {
		ssize_t n = pread(fd, buf + got, size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	*out = buf;
	*outlen = got;
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int sync_dir(struct store_file *s)
{
	if (fsync(s->dirfd) != 0)
		return -1;
	s->dir_dirty = false;
	return 0;
}

/* Reads records from the start of buf into the index and sets end and next_seq.
 * *why is NULL when every byte was a good record, else "torn" or "corrupt" and the
 * file must be cut at s->end.
 *
 * A corrupt record in the middle is a cut point too: everything after it is dropped.
 * Once a record fails its CRC its length field cannot be trusted, so the following
 * records cannot be found reliably, and scanning ahead for something that looks valid
 * could resurrect stale bytes (e.g. the remains of a longer record that an undone put
 * overwrote) and replay them out of order. A prefix of the log is a state the BMC
 * really was in; a prefix plus guessed fragments is not. The same holds for a record
 * whose sequence number is not the previous one plus one. The cut is reported. */
/* A CRC-valid record of a secret type: opened when sealed, counted either way.
 * Returns 0 with *rec describing the clear value (in plain), or -1 when a sealed value
 * does not open. */
static int unseal_rec(struct store_file *s, struct bmc_store_rec *rec, uint8_t *plain)
{
	if (rec->type & STORE_SEALED) {
		uint16_t type = (uint16_t)(rec->type & ~STORE_SEALED);
		if (!secret_type(type) || rec->len < SECRETS_OVERHEAD ||
		    secrets_unseal(s->sec, rec->type, rec->key, rec->value, rec->len, plain) != 0)
			return -1;
		rec->type = type;
		rec->value = plain;
		rec->len -= SECRETS_OVERHEAD;
		s->n_sealed++;
	} else if (secret_type(rec->type) && rec->len) {
		s->n_clear++;
	}
	return 0;
}

/* Returns 0, -1 when out of memory, or -2 when a sealed record does not open (*bad
 * then holds it). */
static int load(struct store_file *s, const uint8_t *buf, size_t size, const char **why,
		struct bmc_store_rec *bad)
{
	uint8_t plain[BMC_STORE_MAX_VALUE];
	size_t off = 0;
	bool first = true;
	uint32_t prev = 0;
	int rc = 0;

	*why = NULL;
	while (off < size) {
		struct bmc_store_rec rec;
		long n = bmc_store_decode(buf + off, size - off, &rec);
		if (n == 0) {
			*why = "torn";
			break;
		}
		if (n < 0 || (!first && rec.seq != prev + 1)) {
			*why = "corrupt";
			break;
		}
		if (s->sec && unseal_rec(s, &rec, plain) != 0) {
			*bad = rec;
			rc = -2;
			goto out;
		}
		if (idx_apply(s, &rec) != 0) {
			rc = -1;
			goto out;
		}
		prev = rec.seq;
		first = false;
		off += (size_t)n;
	}
	s->end = off;
	/* A record a killed process wrote but never synced may be read back from the page
	 * cache: it was never acknowledged, and the next sync covers it as well. */
	s->synced_end = off;
	s->next_seq = first ? 1 : prev + 1;
out:
	bmc_wipe(plain, sizeof plain);
	return rc;
}

static int replay_all(const struct store_file *s, store_replay_fn *replay, void *arg)
{
	struct slot **order;
	if (idx_sorted(s, &order) != 0)
		return -1;
	for (size_t i = 0; i < s->count && replay; i++)
		replay(arg, (uint16_t)(order[i]->id >> 16), (uint16_t)order[i]->id, order[i]->value, order[i]->len);
	free(order);
	return 0;
}

/* ---- compaction --------------------------------------------------------------- */

static bool compact_due(const struct store_file *s)
{
	uint64_t limit = 2 * s->live_bytes;
	if (limit < COMPACT_MIN)
		limit = COMPACT_MIN;
	return s->end > limit && s->end >= s->compact_retry;
}

/* Encodes one record as it goes to disk: a secret sealed when the store has a key. */
static size_t encode_rec(const struct store_file *s, uint8_t *out, size_t cap, uint16_t type, uint16_t key,
			 uint32_t seq, const void *value, size_t len)
{
	uint8_t sealed[BMC_STORE_MAX_VALUE];
	size_t n;

	if (!s->sec || !len || !secret_type(type))
		return bmc_store_encode(out, cap, type, key, seq, value, len);
	if (len > BMC_STORE_MAX_VALUE - SECRETS_OVERHEAD)
		return 0;
	uint16_t dtype = (uint16_t)(type | STORE_SEALED);
	n = secrets_seal(s->sec, dtype, key, value, len, sealed) == 0
		    ? bmc_store_encode(out, cap, dtype, key, seq, sealed, len + SECRETS_OVERHEAD)
		    : 0;
	bmc_wipe(sealed, len + SECRETS_OVERHEAD);
	return n;
}

/* Writes every live record, oldest first, renumbered from 1, to fd. *size gets the
 * file's length. */
static int write_live(const struct store_file *s, int fd, struct slot **order, size_t n, uint64_t *size)
{
	uint8_t *buf = malloc(COMPACT_CHUNK);
	size_t used = 0;
	int rc = -1;

	*size = 0;
	if (!buf)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (COMPACT_CHUNK - used < REC_MAX) {
			if (write_all(fd, buf, used) != 0)
				goto out;
			*size += used;
			used = 0;
		}
		struct slot *e = order[i];
		size_t k = encode_rec(s, buf + used, COMPACT_CHUNK - used, (uint16_t)(e->id >> 16), (uint16_t)e->id,
				      (uint32_t)(i + 1), e->value, e->len);
		if (k == 0)
			goto out;
		used += k;
	}
	if (write_all(fd, buf, used) != 0)
		goto out;
	*size += used;
	rc = 0;
out:
	free(buf);
	return rc;
}

/* DESIGN.md §6: write the new file, fsync it, rename it over the old one, fsync the
 * directory. A crash before the rename leaves the old log (and a .tmp that open
 * deletes); after it, the new log, complete because it was fsynced first. */
static int compact(struct store_file *s)
{
	struct slot **order = NULL;
	uint64_t size = 0;
	int tfd = -1, rc = -1;

	if (idx_sorted(s, &order) != 0)
		goto out;
	tfd = openat(s->dirfd, TMP_NAME, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (tfd < 0 || check_file(tfd) != 0)
		goto out;
	if (write_live(s, tfd, order, s->count, &size) != 0 || fsync(tfd) != 0)
		goto out;
	if (renameat(s->dirfd, TMP_NAME, s->dirfd, LOG_NAME) != 0)
		goto out;
	/* The "reopen": the descriptor of the file just renamed is the new store.log.
	 * Keeping it cannot fail and cannot pick up some other file by that name. */
	close(s->fd);
	s->fd = tfd;
	tfd = -1;
	for (size_t i = 0; i < s->count; i++)
		order[i]->seq = (uint32_t)(i + 1);
	s->end = size;
	s->synced_end = size; /* the new file was fsynced before the rename */
	s->next_seq = (uint32_t)s->count + 1;
	/* Until the directory is synced the rename may be lost in a crash, and with it
	 * every record appended to the new file: the next put retries and fails if the
	 * sync keeps failing, so nothing is acknowledged that could vanish. */
	s->dir_dirty = true;
	(void)sync_dir(s);
	rc = 0;
out:
	if (tfd >= 0) {
		close(tfd);
		(void)unlinkat(s->dirfd, TMP_NAME, 0);
	}
	free(order);
	return rc;
}

/* Compaction failing is not a put failing: the record is already durable. Back off so
 * that a persistent failure (disk full) does not rewrite the file on every put. */
static void maybe_compact(struct store_file *s)
{
	if (compact_due(s) && compact(s) != 0)
		s->compact_retry = s->end + COMPACT_MIN;
}

/* ---- the API ------------------------------------------------------------------ */

static int open_files(struct store_file *s, const char *dir, char *err, size_t errlen)
{
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0) {
		seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	/* A compaction that crashed before its rename: the old log is complete. */
	if (unlinkat(s->dirfd, TMP_NAME, 0) != 0 && errno != ENOENT) {
		seterr(err, errlen, "%s/" TMP_NAME ": %s", dir, strerror(errno));
		return -1;
	}
	s->fd = openat(s->dirfd, LOG_NAME, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (s->fd < 0 || check_file(s->fd) != 0) {
		seterr(err, errlen, "%s/" LOG_NAME ": %s", dir, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(s->fd, &st) != 0) {
		seterr(err, errlen, "%s/" LOG_NAME ": %s", dir, strerror(errno));
		return -1;
	}
	s->dev = st.st_dev;
	return 0;
}

/* Cuts the file at s->end, durably: a cut that is not on disk could let a later put
 * of the same size line up with, and so revive, the stale records behind it. */
static int cut_tail(struct store_file *s, const char *dir, size_t size, const char *why, char *err, size_t errlen)
{
	if (ftruncate(s->fd, (off_t)s->end) != 0 || fsync(s->fd) != 0) {
		seterr(err, errlen, "%s/" LOG_NAME ": cannot cut %s tail: %s", dir, why, strerror(errno));
		return -1;
	}
	seterr(err, errlen, LOG_NAME ": cut %zu bytes of %s tail at offset %llu", size - (size_t)s->end, why,
	       (unsigned long long)s->end);
	return 0;
}

/* After load: a store with clear secrets only is from a version before sealing and is
 * rewritten sealed now, all of it at once (compaction), so that the file never mixes the
 * two; one that already mixes them was altered. */
static int seal_clear_secrets(struct store_file *s, const char *dir, char *err, size_t errlen)
{
	if (!s->sec || s->n_clear == 0)
		return 0;
	if (s->n_sealed) {
		seterr(err, errlen,
		       "%s/" LOG_NAME ": holds clear-text passwords next to sealed ones: refusing it as tampered with "
		       "(restore a backup)",
		       dir);
		return -1;
	}
	if (compact(s) != 0) {
		seterr(err, errlen, "%s/" LOG_NAME ": cannot rewrite it with sealed secrets: %s", dir, strerror(errno));
		return -1;
	}
	return 1;
}

int store_file_open(struct store_file **out, const char *dir, store_replay_fn *replay, void *arg, char *err,
		    size_t errlen)
{
	return store_file_open_sealed(out, dir, NULL, replay, arg, err, errlen);
}

int store_file_open_sealed(struct store_file **out, const char *dir, const struct secrets *sec,
			   store_replay_fn *replay, void *arg, char *err, size_t errlen)
{
	struct bmc_store_rec bad;
	char warn[400] = "";
	int lrc, mrc;
	struct store_file *s = calloc(1, sizeof *s);
	uint8_t *buf = NULL;
	size_t size = 0;
	const char *why = NULL;
	int rc = -1;

	*out = NULL;
	seterr(err, errlen, "%s", "");
	if (!s) {
		seterr(err, errlen, "%s", "store: out of memory");
		goto out;
	}
	s->dirfd = s->fd = -1;
	s->sec = sec;
	s->dir = strdup(dir);
	if (!s->dir) {
		seterr(err, errlen, "%s", "store: out of memory");
		goto out;
	}
	if (open_files(s, dir, err, errlen) != 0)
		goto out;
	if (read_all(s->fd, &buf, &size) != 0) {
		seterr(err, errlen, "%s/" LOG_NAME ": %s", dir, strerror(errno));
		goto out;
	}
	lrc = load(s, buf, size, &why, &bad);
	if (lrc == -2) {
		seterr(err, errlen,
		       "%s/" LOG_NAME ": a sealed secret (record type %u key %u) does not open with the key in %s: "
		       "wrong key file, or the store was altered",
		       dir, (unsigned)(bad.type & ~STORE_SEALED), (unsigned)bad.key, sec->path);
		goto out;
	}
	if (lrc != 0) {
		seterr(err, errlen, "%s/" LOG_NAME ": out of memory", dir);
		goto out;
	}
	if (why && cut_tail(s, dir, size, why, warn, sizeof warn) != 0) {
		seterr(err, errlen, "%s", warn);
		goto out;
	}
	mrc = seal_clear_secrets(s, dir, err, errlen);
	if (mrc < 0)
		goto out;
	if (mrc > 0)
		seterr(err, errlen, "%s%ssealed %zu clear-text secret records from an older version with the key in %s",
		       warn, warn[0] ? "; " : "", s->n_clear, sec->path);
	else
		seterr(err, errlen, "%s", warn);
	if (replay_all(s, replay, arg) != 0) {
		seterr(err, errlen, "%s", "store: out of memory");
		goto out;
	}
	maybe_compact(s);
	*out = s;
	s = NULL;
	rc = 0;
out:
	free(buf);
	store_file_close(s);
	return rc;
}

/* ---- group commit --------------------------------------------------------------- */

/* Logs once per store: a store that broke stays broken until it is reopened. */
static void mark_broken(struct store_file *s, const char *what, int e)
{
	if (!s->broken)
		log_error("%s/" LOG_NAME ": %s: %s; it refuses every change until bmcd restarts", s->dir, what,
			  strerror(e));
	s->broken = true;
}

static void mark_dirty(struct store_file *s)
{
	pthread_mutex_lock(&group.lock);
	if (!s->dirty) {
		s->dirty = true;
		s->next_dirty = group.dirty;
		group.dirty = s;
	}
	pthread_mutex_unlock(&group.lock);
}

static void unlist(struct store_file *s)
{
	pthread_mutex_lock(&group.lock);
	for (struct store_file **p = &group.dirty; *p; p = &(*p)->next_dirty) {
		if (*p == s) {
			*p = s->next_dirty;
			break;
		}
	}
	s->dirty = false;
	s->next_dirty = NULL;
	pthread_mutex_unlock(&group.lock);
}

/* The records past synced_end may or may not be on disk. Cutting them off makes the
 * file say what the clients were told (nothing: their replies are dropped); if even the
 * cut fails, a restart may show some of them, which is no worse than a request whose
 * reply was lost. */
static void commit_failed(struct store_file *s, int e)
{
	mark_broken(s, "making its latest records durable failed (they are dropped, unacknowledged)", e);
	if (ftruncate(s->fd, (off_t)s->synced_end) == 0 && sync_data(s->fd) == 0)
		s->end = s->synced_end;
}

/* A compaction's rename must be durable too: records appended to the new file would
 * vanish with it. */
static int commit_one(struct store_file *s)
{
	if (s->dir_dirty && sync_dir(s) != 0) {
		commit_failed(s, errno);
		return -1;
	}
	if (s->synced_end != s->end && sync_data(s->fd) != 0) {
		commit_failed(s, errno);
		return -1;
	}
	s->synced_end = s->end;
	return 0;
}

/* One syncfs per file system for the stores on list; each store gets its file
 * system's result. Returns 0 or -1. */
static int commit_by_fs(struct store_file *list)
{
	dev_t dev[COMMIT_FS_MAX];
	int res[COMMIT_FS_MAX], err[COMMIT_FS_MAX];
	unsigned nfs = 0;
	int rc = 0;

	for (struct store_file *s = list; s; s = s->next_dirty) {
		unsigned k = 0;
		while (k < nfs && dev[k] != s->dev)
			k++;
		if (k == nfs && nfs == COMMIT_FS_MAX) {
			rc |= commit_one(s);
			continue;
		}
		if (k == nfs) {
			/* syncfs reports writeback errors since Linux 5.8 (Debian 12: 6.1). */
			dev[k] = s->dev;
			res[k] = syncfs(s->dirfd);
			err[k] = errno;
			nfs++;
		}
		if (res[k] != 0) {
			commit_failed(s, err[k]);
			rc = -1;
			continue;
		}
		s->dir_dirty = false;
		s->synced_end = s->end;
	}
	return rc;
}

void store_file_defer(bool on)
{
	pthread_mutex_lock(&group.lock);
	group.defer = on;
	pthread_mutex_unlock(&group.lock);
}

bool store_file_deferring(void)
{
	pthread_mutex_lock(&group.lock);
	bool on = group.defer;
	pthread_mutex_unlock(&group.lock);
	return on;
}

int store_file_commit_all(bool whole_fs)
{
	pthread_mutex_lock(&group.lock);
	struct store_file *list = group.dirty;
	int rc = group.close_failed ? -1 : 0;
	group.dirty = NULL;
	group.close_failed = false;
	pthread_mutex_unlock(&group.lock);

	if (whole_fs)
		rc |= commit_by_fs(list);
	for (struct store_file *s = list, *next; s; s = next) {
		next = s->next_dirty;
		s->next_dirty = NULL;
		s->dirty = false;
		if (!whole_fs)
			rc |= commit_one(s);
	}
	return rc ? -1 : 0;
}

bool store_file_dirty(const struct store_file *s)
{
	return s->dirty || s->synced_end != s->end;
}

void store_file_set_sync_fn(int (*fn)(int fd))
{
	sync_data = fn ? fn : fdatasync;
}

/* ---- puts ----------------------------------------------------------------------- */

/* Durable before return (DESIGN.md §6), or, deferring, once the group is committed. */
int store_file_put(struct store_file *s, uint16_t type, uint16_t key, const void *value, size_t len)
{
	uint8_t rec[REC_MAX];
	uint8_t *copy = NULL;
	uint32_t id = (uint32_t)type << 16 | key;
	bool defer = store_file_deferring();
	int rc = -1;

	if (!s || s->broken || len > BMC_STORE_MAX_VALUE || (len && !value))
		return -1;
	if (len == 0 && !idx_get(s, id))
		return 0; /* nothing to delete: the log already says so */
	if (s->dir_dirty && sync_dir(s) != 0)
		return -1;
	/* Allocate before writing, so that once the record is durable the index update
	 * cannot fail and memory always matches the file. */
	if (len) {
		copy = malloc(len);
		if (!copy || idx_reserve(s) != 0)
			goto out;
		memcpy(copy, value, len);
	}
	size_t n = encode_rec(s, rec, sizeof rec, type, key, s->next_seq, value, len);
	if (n == 0)
		goto out;
	ssize_t w = pwrite(s->fd, rec, n, (off_t)s->end);
	if (w != (ssize_t)n || (!defer && sync_data(s->fd) != 0)) {
		/* Undo a short write, or a record whose durability is unknown, so the next
		 * put starts on a clean end. If even that fails, stop accepting puts. The
		 * sync also covers this round's deferred records before the cut end. */
		int e = errno;
		if (ftruncate(s->fd, (off_t)s->end) != 0 || sync_data(s->fd) != 0)
			mark_broken(s, "a failed write could not be undone", w < 0 ? e : errno);
		else
			s->synced_end = s->end;
		goto out;
	}
	if (len) {
		idx_set(s, id, s->next_seq, copy, (uint32_t)len);
		copy = NULL;
	} else {
		idx_del(s, id);
	}
	s->end += n;
	s->next_seq++;
	if (defer)
		mark_dirty(s);
	else
		s->synced_end = s->end;
	maybe_compact(s);
	rc = 0;
out:
	if (secret_type(type))
		bmc_wipe(rec, sizeof rec);
	free(copy);
	return rc;
}

int store_file_get(const struct store_file *s, uint16_t type, uint16_t key, const uint8_t **value, size_t *len)
{
	const struct slot *e = idx_get(s, (uint32_t)type << 16 | key);
	if (!e)
		return -1;
	*value = e->value;
	*len = e->len;
	return 0;
}

int store_file_has_sealed(const char *dir, bool *out)
{
	char path[4200];
	uint8_t *buf = NULL;
	size_t size = 0, off = 0;
	int fd, rc = -1;

	*out = false;
	if ((size_t)snprintf(path, sizeof path, "%s/" LOG_NAME, dir) >= sizeof path)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (read_all(fd, &buf, &size) != 0)
		goto out;
	while (off < size) {
		struct bmc_store_rec rec;
		long n = bmc_store_decode(buf + off, size - off, &rec);
		if (n <= 0)
			break;
		if (rec.type & STORE_SEALED) {
			*out = true;
			break;
		}
		off += (size_t)n;
	}
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

void store_file_close(struct store_file *s)
{
	if (!s)
		return;
	if (s->dirty)
		unlist(s);
	if (!s->broken && (s->dir_dirty || s->synced_end != s->end) && commit_one(s) != 0) {
		pthread_mutex_lock(&group.lock);
		group.close_failed = true;
		pthread_mutex_unlock(&group.lock);
	}
	for (size_t i = 0; i < s->cap; i++)
		free_value(&s->slots[i]);
	free(s->slots);
	if (s->fd >= 0)
		close(s->fd);
	if (s->dirfd >= 0)
		close(s->dirfd);
	free(s->dir);
	free(s);
}
