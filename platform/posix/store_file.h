/* The store on a POSIX file system: DIR/store.log, append-only, fdatasync per record,
 * compacted by write-new + fsync + rename + fsync(dir). Format: include/bmc/store.h. */
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
/* Durable on return 0 (written and fdatasync'ed). len 0 deletes the record. */
int store_file_put(struct store_file *s, uint16_t type, uint16_t key, const void *value, size_t len);
void store_file_close(struct store_file *s);

#endif
