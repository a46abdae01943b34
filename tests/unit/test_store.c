/* The store: the record codec (core/store_codec.c) and the POSIX file store
 * (platform/posix/store_file.c) in a temporary directory, checked against a model
 * of what replay must produce. DESIGN.md §6. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bmc/store.h"
#include "store_file.h"

/* ---- fixtures ------------------------------------------------------------------ */

struct fx {
	char dir[256];
	char log[300];
	char tmp[300];
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	const char *t = getenv("TMPDIR");
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/bmcd-store-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->log, sizeof f->log, "%s/store.log", f->dir);
	snprintf(f->tmp, sizeof f->tmp, "%s/store.log.tmp", f->dir);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	unlink(f->log);
	unlink(f->tmp);
	int rc = rmdir(f->dir);
	free(f);
	return rc;
}

/* What replay delivered, or what it should deliver: records in order. */
struct rec {
	uint16_t type, key;
	size_t len;
	uint8_t *v;
};

struct recs {
	struct rec *r;
	size_t n, cap;
};

static void recs_free(struct recs *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->r[i].v);
	free(g->r);
	*g = (struct recs){0};
}

static void recs_append(struct recs *g, uint16_t type, uint16_t key, const void *v, size_t len)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->r = realloc(g->r, g->cap * sizeof *g->r);
		assert_non_null(g->r);
	}
	uint8_t *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	if (len)
		memcpy(copy, v, len);
	g->r[g->n++] = (struct rec){type, key, len, copy};
}

static void collect(void *arg, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	recs_append(arg, type, key, value, len);
}

/* The model: replay order is the order of each live key's last write. */
static void model_put(struct recs *m, uint16_t type, uint16_t key, const void *v, size_t len)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->r[i].type == type && m->r[i].key == key) {
			free(m->r[i].v);
			memmove(&m->r[i], &m->r[i + 1], (m->n - i - 1) * sizeof *m->r);
			m->n--;
			break;
		}
	}
	if (len)
		recs_append(m, type, key, v, len);
}

static void assert_recs_equal(const struct recs *got, const struct recs *want)
{
	assert_int_equal(got->n, want->n);
	for (size_t i = 0; i < want->n; i++) {
		assert_int_equal(got->r[i].type, want->r[i].type);
		assert_int_equal(got->r[i].key, want->r[i].key);
		assert_int_equal(got->r[i].len, want->r[i].len);
		assert_memory_equal(got->r[i].v, want->r[i].v, want->r[i].len);
	}
}

static void pattern(uint8_t *v, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len; i++)
		v[i] = (uint8_t)(seed * 31u + i * 7u + (seed >> 8));
}

/* Opens f's store, collecting the replay into got (cleared first); err gets the warning. */
static struct store_file *open_ok(const struct fx *f, struct recs *got, char *err, size_t errlen)
{
	struct store_file *s = NULL;
	recs_free(got);
	int rc = store_file_open(&s, f->dir, collect, got, err, errlen);
	if (rc != 0)
		print_message("open: %s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(s);
	return s;
}

/* Reopens and checks replay equals the model and that nothing was cut. */
static void assert_reopen_equals(const struct fx *f, const struct recs *model)
{
	struct recs got = {0};
	char err[256];
	struct store_file *s = open_ok(f, &got, err, sizeof err);
	assert_string_equal(err, "");
	assert_recs_equal(&got, model);
	store_file_close(s);
	recs_free(&got);
}

static void put_both(struct store_file *s, struct recs *m, uint16_t type, uint16_t key, const void *v, size_t len)
{
	assert_int_equal(store_file_put(s, type, key, v, len), 0);
	model_put(m, type, key, v, len);
}

static size_t file_bytes(const char *path, uint8_t **out)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	*out = malloc(1 << 20);
	assert_non_null(*out);
	size_t n = fread(*out, 1, 1 << 20, fp);
	fclose(fp);
	return n;
}

static void write_bytes(const char *path, const uint8_t *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static off_t file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* ---- codec --------------------------------------------------------------------- */

static void crc32_check_value(void **state)
{
	(void)state;
	assert_int_equal(bmc_crc32("123456789", 9), 0xCBF43926u);
	assert_int_equal(bmc_crc32("", 0), 0);
}

static void codec_round_trip_and_layout(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct bmc_store_rec r;
	size_t n = bmc_store_encode(buf, sizeof buf, 0x0102, 0x0304, 0x05060708, "abc", 3);
	assert_int_equal(n, BMC_STORE_HDR + 3 + BMC_STORE_TRAILER);
	const uint8_t hdr[] = {3, 0, 0, 0, 0x02, 0x01, 0x04, 0x03, 0x08, 0x07, 0x06, 0x05, 'a', 'b', 'c'};
	assert_memory_equal(buf, hdr, sizeof hdr);
	uint32_t crc = bmc_crc32(buf, 15);
	assert_int_equal((uint32_t)buf[15] | (uint32_t)buf[16] << 8 | (uint32_t)buf[17] << 16 | (uint32_t)buf[18] << 24, crc);
	assert_int_equal(bmc_store_decode(buf, sizeof buf, &r), (long)n);
	assert_int_equal(r.type, 0x0102);
	assert_int_equal(r.key, 0x0304);
	assert_int_equal(r.seq, 0x05060708);
	assert_int_equal(r.len, 3);
	assert_memory_equal(r.value, "abc", 3);
	/* every prefix is a torn record, not corruption */
	for (size_t cut = 0; cut < n; cut++)
		assert_int_equal(bmc_store_decode(buf, cut, &r), 0);
	/* too small a buffer, too big a value */
	assert_int_equal(bmc_store_encode(buf, n - 1, 1, 1, 1, "abc", 3), 0);
	static uint8_t big[BMC_STORE_MAX_VALUE + 64], val[BMC_STORE_MAX_VALUE + 1];
	assert_int_equal(bmc_store_encode(big, sizeof big, 1, 1, 1, val, BMC_STORE_MAX_VALUE + 1), 0);
	assert_int_equal(bmc_store_encode(big, sizeof big, 1, 1, 1, val, BMC_STORE_MAX_VALUE),
			 BMC_STORE_HDR + BMC_STORE_MAX_VALUE + BMC_STORE_TRAILER);
	/* an empty value (a deletion) */
	n = bmc_store_encode(buf, sizeof buf, 2, 9, 1, NULL, 0);
	assert_int_equal(n, 16);
	assert_int_equal(bmc_store_decode(buf, n, &r), 16);
	assert_int_equal(r.len, 0);
}

static void codec_rejects_corruption(void **state)
{
	(void)state;
	uint8_t buf[32];
	struct bmc_store_rec r;
	size_t n = bmc_store_encode(buf, sizeof buf, 2, 7, 1, "hello", 5);
	for (size_t i = 0; i < n * 8; i++) {
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
		long d = bmc_store_decode(buf, n, &r);
		/* a longer length field looks torn (it ends past the buffer); all else is corrupt */
		assert_true(d == -1 || (d == 0 && i < 32));
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	/* a length no record can have is corrupt as soon as it is readable */
	const uint8_t huge[4] = {0x01, 0x10, 0, 0}; /* 4097 */
	assert_int_equal(bmc_store_decode(huge, 4, &r), -1);
	const uint8_t max[4] = {0x00, 0x10, 0, 0}; /* 4096: fine, just torn */
	assert_int_equal(bmc_store_decode(max, 4, &r), 0);
}

/* ---- the file store ------------------------------------------------------------ */

static void round_trip_many_across_reopen(void **state)
{
	struct fx *f = *state;
	struct recs model = {0}, got = {0};
	char err[256];
	uint8_t v[BMC_STORE_MAX_VALUE];
	struct store_file *s = open_ok(f, &got, err, sizeof err);
	assert_int_equal(got.n, 0);
	assert_string_equal(err, "");
	for (uint32_t i = 0; i < 400; i++) {
		size_t len = 1 + (i * 37u) % 300u;
		pattern(v, len, i);
		put_both(s, &model, (uint16_t)(2 + i % 4), (uint16_t)i, v, len);
	}
	store_file_close(s);
	assert_reopen_equals(f, &model);
	/* more writes after a reopen continue the log */
	s = open_ok(f, &got, err, sizeof err);
	for (uint32_t i = 0; i < 50; i++) {
		pattern(v, 20, i + 1000);
		put_both(s, &model, 9, (uint16_t)i, v, 20);
	}
	store_file_close(s);
	assert_reopen_equals(f, &model);
	recs_free(&model);
	recs_free(&got);
}

static void newest_wins_and_replay_order(void **state)
{
	struct fx *f = *state;
	struct recs model = {0}, got = {0};
	char err[256];
	struct store_file *s = open_ok(f, &got, err, sizeof err);
	put_both(s, &model, STORE_USER, 1, "first", 5);
	put_both(s, &model, STORE_USER, 2, "two", 3);
	put_both(s, &model, STORE_KG, 1, "kg", 2);
	put_both(s, &model, STORE_USER, 1, "second", 6);
	put_both(s, &model, STORE_USER, 3, "three", 5);
	put_both(s, &model, STORE_KG, 1, "kg2", 3);
	store_file_close(s);
	/* order of last writes: user 2, user 1 ("second"), user 3, kg 1 ("kg2") */
	assert_int_equal(model.n, 4);
	assert_int_equal(model.r[0].key, 2);
	assert_memory_equal(model.r[1].v, "second", 6);
	assert_int_equal(model.r[3].type, STORE_KG);
	assert_reopen_equals(f, &model);
	recs_free(&model);
}

static void delete_removes_key(void **state)
{
	struct fx *f = *state;
	struct recs model = {0}, got = {0};
	char err[256];
	struct store_file *s = open_ok(f, &got, err, sizeof err);
	put_both(s, &model, STORE_USER, 1, "a", 1);
	put_both(s, &model, STORE_USER, 2, "b", 1);
	put_both(s, &model, STORE_USER, 1, NULL, 0);
	/* deleting what is not there succeeds without writing */
	off_t before = file_size(f->log);
	put_both(s, &model, STORE_USER, 77, NULL, 0);
	assert_int_equal(file_size(f->log), before);
	store_file_close(s);
	assert_int_equal(model.n, 1);
	assert_reopen_equals(f, &model);
	/* and a deleted key can come back */
	s = open_ok(f, &got, err, sizeof err);
	put_both(s, &model, STORE_USER, 1, "again", 5);
	store_file_close(s);
	assert_reopen_equals(f, &model);
	recs_free(&model);
	recs_free(&got);
}

/* Many keys, interleaved puts and deletes: exercises index growth and deletion with
 * backward shifting, checked against the model across a reopen. A fixed-seed LCG keeps
 * it reproducible. */
static void index_stress_against_model(void **state)
{
	struct fx *f = *state;
	struct recs model = {0}, got = {0};
	char err[256];
	uint8_t v[64];
	uint32_t seed = 12345u, x = seed;
	print_message("seed %u\n", seed);
	struct store_file *s = open_ok(f, &got, err, sizeof err);
	for (uint32_t i = 0; i < 1500; i++) {
		x = x * 1103515245u + 12345u;
		uint16_t type = (uint16_t)(1 + (x >> 8) % 3u);
		uint16_t key = (uint16_t)((x >> 12) % 500u);
		size_t len = (x >> 24) % 4u == 0 ? 0 : 1 + (x >> 16) % 64u;
		pattern(v, len, i);
		put_both(s, &model, type, key, v, len);
	}
	store_file_close(s);
	assert_true(model.n > 100);
	assert_reopen_equals(f, &model);
	recs_free(&model);
	recs_free(&got);
}

/* Writes A, B, C; returns the file's bytes and the offsets of B and C. */
static size_t three_records(const struct fx *f, struct recs *model, uint8_t **bytes, size_t *off_b, size_t *off_c)
{
	struct recs got = {0};
	char err[256];
	struct store_file *s = open_ok(f, &got, err, sizeof err);
	put_both(s, model, STORE_USER, 1, "record A", 8);
	*off_b = (size_t)file_size(f->log);
	put_both(s, model, STORE_USER, 2, "record B, the middle one", 24);
	*off_c = (size_t)file_size(f->log);
	uint8_t c[40];
	pattern(c, sizeof c, 3);
	put_both(s, model, STORE_LANPARM, 0x0103, c, sizeof c);
	store_file_close(s);
	recs_free(&got);
	return file_bytes(f->log, bytes);
}

static void torn_tail_every_length(void **state)
{
	struct fx *f = *state;
	struct recs model = {0}, got = {0};
	uint8_t *bytes;
	size_t off_b, off_c;
	size_t size = three_records(f, &model, &bytes, &off_b, &off_c);
	assert_int_equal(size, off_c + BMC_STORE_HDR + 40 + BMC_STORE_TRAILER);
	model_put(&model, STORE_LANPARM, 0x0103, NULL, 0); /* C is what gets torn */

	for (size_t cut = off_c; cut < size; cut++) {
		char err[256], want[128];
		struct recs m = {0};
		for (size_t i = 0; i < model.n; i++)
			recs_append(&m, model.r[i].type, model.r[i].key, model.r[i].v, model.r[i].len);
		write_bytes(f->log, bytes, cut);
		struct store_file *s = open_ok(f, &got, err, sizeof err);
		if (cut == off_c) {
			assert_string_equal(err, "");
		} else {
			snprintf(want, sizeof want, "store.log: cut %zu bytes of torn tail at offset %zu", cut - off_c,
				 off_c);
			assert_string_equal(err, want);
		}
		assert_recs_equal(&got, &m);
		assert_int_equal(file_size(f->log), (off_t)off_c);
		/* the log goes on cleanly after the cut */
		put_both(s, &m, STORE_USER, 9, "after the cut", 13);
		store_file_close(s);
		assert_reopen_equals(f, &m);
		recs_free(&m);
	}
	free(bytes);
	recs_free(&model);
	recs_free(&got);
}

static void flipped_bit_in_middle_record_cuts_there(void **state)
{
	struct fx *f = *state;
	struct recs model = {0}, got = {0}, only_a = {0};
	uint8_t *bytes;
	size_t off_b, off_c;
	size_t size = three_records(f, &model, &bytes, &off_b, &off_c);
	recs_append(&only_a, model.r[0].type, model.r[0].key, model.r[0].v, model.r[0].len);

	for (size_t i = off_b; i < off_c; i++) {
		char err[256], want[128];
		bytes[i] ^= (uint8_t)(1u << (i % 8));
		write_bytes(f->log, bytes, size);
		bytes[i] ^= (uint8_t)(1u << (i % 8));
		struct store_file *s = open_ok(f, &got, err, sizeof err);
		/* a flipped length bit that reaches past the end reads as torn */
		const char *why = strstr(err, "torn") ? "torn" : "corrupt";
		snprintf(want, sizeof want, "store.log: cut %zu bytes of %s tail at offset %zu", size - off_b, why, off_b);
		assert_string_equal(err, want);
		assert_recs_equal(&got, &only_a);
		assert_int_equal(file_size(f->log), (off_t)off_b);
		store_file_close(s);
	}
	free(bytes);
	recs_free(&model);
	recs_free(&got);
	recs_free(&only_a);
}

/* A record out of sequence (here: B written twice, as if appended to a stale copy)
 * is a cut point too. */
static void out_of_sequence_record_cuts_there(void **state)
{
	struct fx *f = *state;
	struct recs model = {0}, got = {0};
	uint8_t *bytes;
	size_t off_b, off_c;
	size_t size = three_records(f, &model, &bytes, &off_b, &off_c);
	uint8_t *twice = malloc(size + (off_c - off_b));
	assert_non_null(twice);
	memcpy(twice, bytes, off_c);
	memcpy(twice + off_c, bytes + off_b, off_c - off_b);
	write_bytes(f->log, twice, off_c + (off_c - off_b));
	char err[256], want[128];
	struct store_file *s = open_ok(f, &got, err, sizeof err);
	snprintf(want, sizeof want, "store.log: cut %zu bytes of corrupt tail at offset %zu", off_c - off_b, off_c);
	assert_string_equal(err, want);
	assert_int_equal(got.n, 2);
	store_file_close(s);
	free(twice);
	free(bytes);
	recs_free(&model);
	recs_free(&got);
}

static void file_mode_is_0600(void **state)
{
	struct fx *f = *state;
	struct recs got = {0};
	char err[256];
	struct stat st;
	mode_t old = umask(0);
	struct store_file *s = open_ok(f, &got, err, sizeof err);
	umask(old);
	assert_int_equal(stat(f->log, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	store_file_close(s);
	/* a pre-existing file with looser bits is tightened */
	assert_int_equal(chmod(f->log, 0644), 0);
	s = open_ok(f, &got, err, sizeof err);
	assert_int_equal(stat(f->log, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	store_file_close(s);
	/* and a symbolic link is refused (O_NOFOLLOW) */
	assert_int_equal(unlink(f->log), 0);
	assert_int_equal(symlink("/dev/null", f->log), 0);
	struct store_file *bad = NULL;
	assert_int_equal(store_file_open(&bad, f->dir, collect, &got, err, sizeof err), -1);
	assert_null(bad);
	assert_non_null(strstr(err, "store.log"));
	recs_free(&got);
}

static void compaction_keeps_state(void **state)
{
	struct fx *f = *state;
	struct recs model = {0}, got = {0};
	char err[256];
	uint8_t v[300];
	uint64_t written = 0;
	struct store_file *s = open_ok(f, &got, err, sizeof err);
	for (uint32_t i = 0; i < 2000; i++) {
		uint16_t key = (uint16_t)(i * 7u % 23u);
		size_t len = (i % 11u == 5u) ? 0 : 100 + i % 200u;
		pattern(v, len, i);
		put_both(s, &model, STORE_LANPARM, key, v, len);
		written += BMC_STORE_HDR + len + BMC_STORE_TRAILER;
		/* the file never grows far past the compaction threshold */
		assert_true(file_size(f->log) <= 64 * 1024 + 400);
	}
	assert_true(written > 4 * 64 * 1024); /* so compaction ran several times */
	assert_int_equal(access(f->tmp, F_OK), -1);
	store_file_close(s);
	assert_reopen_equals(f, &model);
	/* writing on after compactions and a reopen */
	s = open_ok(f, &got, err, sizeof err);
	put_both(s, &model, STORE_USER, 5, "post", 4);
	store_file_close(s);
	assert_reopen_equals(f, &model);
	recs_free(&model);
	recs_free(&got);
}

/* A log of mostly dead records (as an older version, or a crash right before a
 * compaction, may leave) is compacted at open, and replays the same afterwards. */
static void compaction_at_open(void **state)
{
	struct fx *f = *state;
	struct recs model = {0};
	enum { N = 70, LEN = 1000, REC = BMC_STORE_HDR + LEN + BMC_STORE_TRAILER };
	uint8_t *log = malloc((size_t)N * REC), v[LEN];
	assert_non_null(log);
	for (uint32_t i = 0; i < N; i++) {
		pattern(v, sizeof v, i);
		assert_int_equal(bmc_store_encode(log + i * REC, REC, STORE_USER, (uint16_t)(i % 2), i + 1, v, LEN), REC);
		model_put(&model, STORE_USER, (uint16_t)(i % 2), v, LEN);
	}
	write_bytes(f->log, log, (size_t)N * REC);
	assert_reopen_equals(f, &model);
	assert_int_equal(file_size(f->log), 2 * REC);
	assert_reopen_equals(f, &model);
	free(log);
	recs_free(&model);
}

static void leftover_tmp_is_removed(void **state)
{
	struct fx *f = *state;
	struct recs model = {0}, got = {0};
	char err[256];
	struct store_file *s = open_ok(f, &got, err, sizeof err);
	put_both(s, &model, STORE_USER, 1, "kept", 4);
	store_file_close(s);
	/* a compaction that died before its rename: half a file of something else */
	uint8_t junk[100];
	pattern(junk, sizeof junk, 42);
	write_bytes(f->tmp, junk, sizeof junk);
	assert_reopen_equals(f, &model);
	assert_int_equal(access(f->tmp, F_OK), -1);
	assert_int_equal(errno, ENOENT);
	recs_free(&model);
}

static void oversized_value_rejected(void **state)
{
	struct fx *f = *state;
	struct recs model = {0}, got = {0};
	char err[256];
	static uint8_t v[BMC_STORE_MAX_VALUE + 1];
	pattern(v, sizeof v, 7);
	struct store_file *s = open_ok(f, &got, err, sizeof err);
	off_t before = file_size(f->log);
	assert_int_equal(store_file_put(s, STORE_USER, 1, v, sizeof v), -1);
	assert_int_equal(store_file_put(s, STORE_USER, 1, NULL, 5), -1);
	assert_int_equal(file_size(f->log), before);
	put_both(s, &model, STORE_USER, 1, v, BMC_STORE_MAX_VALUE);
	store_file_close(s);
	assert_reopen_equals(f, &model);
	recs_free(&model);
}

static void missing_dir_is_an_error(void **state)
{
	struct fx *f = *state;
	char dir[320], err[256];
	struct store_file *s = NULL;
	snprintf(dir, sizeof dir, "%s/nope", f->dir);
	assert_int_equal(store_file_open(&s, dir, NULL, NULL, err, sizeof err), -1);
	assert_null(s);
	assert_non_null(strstr(err, "nope"));
}

#define FX(t) cmocka_unit_test_setup_teardown(t, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc32_check_value),
		cmocka_unit_test(codec_round_trip_and_layout),
		cmocka_unit_test(codec_rejects_corruption),
		FX(round_trip_many_across_reopen),
		FX(newest_wins_and_replay_order),
		FX(delete_removes_key),
		FX(index_stress_against_model),
		FX(torn_tail_every_length),
		FX(flipped_bit_in_middle_record_cuts_there),
		FX(out_of_sequence_record_cuts_there),
		FX(file_mode_is_0600),
		FX(compaction_keeps_state),
		FX(compaction_at_open),
		FX(leftover_tmp_is_removed),
		FX(oversized_value_rejected),
		FX(missing_dir_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
