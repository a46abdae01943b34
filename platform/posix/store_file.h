/* The store on a POSIX file system: DIR/store.log, append-only, fdatasync per record
 * (or one per group of records: group commit, below), compacted by write-new + fsync +
 * rename + fsync(dir). Format: include/bmc/store.h. */
#ifndef BMC_STORE_FILE_H
#define BMC_STORE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_file;
struct secrets;

typedef void store_replay_fn(void *arg, uint16_t type, uint16_t key, const uint8_t *value, size_t len);

/* Opens or creates DIR/store.log (mode 0600), calls replay for the newest value of every
 * live (type, key) in the order they were last written, and cuts off a torn or corrupt
 * tail (reporting it in err as a warning, return still 0). Returns 0, or -1 with a
 * message in err. */
int store_file_open(struct store_file **out, const char *dir, store_replay_fn *replay, void *arg, char *err,
		    size_t errlen);
/* The same, sealing passwords and Kg (STORE_USER, STORE_KG) with sec's key on disk
 * while replay and put see them clear. A store with clear secrets only is rewritten
 * sealed (reported in err, return 0); a sealed secret that does not open, or a store
 * mixing clear and sealed secrets, fails the open naming the key file. sec must stay
 * valid until close; NULL behaves as store_file_open. */
int store_file_open_sealed(struct store_file **out, const char *dir, const struct secrets *sec,
			   store_replay_fn *replay, void *arg, char *err, size_t errlen);
/* Whether DIR/store.log (if any) holds a sealed record: then a key is needed to open
 * it. Reads the file only. Returns 0, or -1 when it exists and cannot be read. */
int store_file_has_sealed(const char *dir, bool *out);
/* Durable on return 0 (written and fdatasync'ed), unless deferring (below): then
 * written, visible to store_file_get, and durable after the next commit. len 0 deletes
 * the record. Fails at once on a store whose commit failed (it is broken). */
int store_file_put(struct store_file *s, uint16_t type, uint16_t key, const void *value, size_t len);
/* The newest value of (type, key), durable or not yet: *value points into the store
 * and stays valid until the next put or close. Returns 0, or -1 when there is none. */
int store_file_get(const struct store_file *s, uint16_t type, uint16_t key, const uint8_t **value, size_t *len);
/* Makes pending records durable first (as a commit of this store would); a failure is
 * logged and reported by the next store_file_commit_all. */
void store_file_close(struct store_file *s);

/* ---- group commit (DESIGN.md §6: durable before the command is answered) ---------
 *
 * Process-wide. While deferring, a put writes its record but leaves out the fdatasync,
 * and its store joins the set of dirty stores; store_file_commit_all then makes every
 * record of every dirty store durable at once. A caller that defers must commit before
 * it answers any command made while deferring, and must answer none of them if the
 * commit fails: those records' durability is unknown. A store whose commit failed cuts
 * its file back to what was durable (when it can) and refuses every later put until it
 * is reopened: its index and the core's memory still hold the records the cut removed,
 * and a store that took further puts could acknowledge state resting on them.
 * Thread-safe: fleet members start in threads, each putting to its own stores. */
void store_file_defer(bool on);
bool store_file_deferring(void);
/* Makes the records of every dirty store durable: one fdatasync per store, or with
 * whole_fs one syncfs per file system (cheaper for hundreds of stores, as at a fleet's
 * start; it also writes back other files of that file system). Returns 0, or -1 when a
 * store could not be made durable (logged once, naming its file; that store is broken)
 * or a store closed since the last call failed to. Called with nothing dirty it costs
 * nothing. */
int store_file_commit_all(bool whole_fs);
/* Whether s has records not yet durable. */
bool store_file_dirty(const struct store_file *s);
/* For tests: the call that makes a file's data durable (fdatasync; NULL restores it),
 * so that a failing disk can be simulated. */
void store_file_set_sync_fn(int (*fn)(int fd));

#endif
