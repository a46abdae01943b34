/* Group commit in the file store (platform/posix/store_file.h, DESIGN.md §6): while
 * deferring, puts are written and visible but not synced; one commit makes every dirty
 * store durable; a failed commit cuts the unsynced records off and leaves the store
 * refusing puts. The fdatasync calls are counted (and made to fail) through the store's
 * test hook, so "not synced" is observed, not assumed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_file.h"

#define TYPE 6

static unsigned syncs;   /* calls of the data sync hook */
static int fail_errno;   /* non-zero: the hook fails with it */

static int counting_sync(int fd)
{
	syncs++;
	if (fail_errno) {
		errno = fail_errno;
		return -1;
	}
	return fdatasync(fd);
}

struct fx {
	char dir[2][256];
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	const char *t = getenv("TMPDIR");
	if (!f)
		return -1;
	for (int i = 0; i < 2; i++) {
		snprintf(f->dir[i], sizeof f->dir[i], "%s/bmcd-group-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(f->dir[i]))
			return -1;
	}
	syncs = 0;
	fail_errno = 0;
	store_file_set_sync_fn(counting_sync);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	char path[300];
	int rc = 0;
	store_file_defer(false);
	store_file_set_sync_fn(NULL);
	(void)store_file_commit_all(false); /* forget a failure a test left behind */
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/store.log", f->dir[i]);
		unlink(path);
		rc |= rmdir(f->dir[i]);
	}
	free(f);
	return rc;
}

/* What a reopen replays: the value of each of keys 0..7 (length 0: absent). */
struct seen {
	size_t len[8];
	uint8_t v[8][16];
};

static void collect(void *arg, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	struct seen *sn = arg;
	assert_int_equal(type, TYPE);
	assert_true(key < 8 && len <= 16);
	sn->len[key] = len;
	memcpy(sn->v[key], value, len);
}

static struct store_file *open_store(const char *dir, struct seen *sn)
{
	struct store_file *s = NULL;
	char err[256];
	if (sn)
		memset(sn, 0, sizeof *sn);
	assert_int_equal(store_file_open(&s, dir, sn ? collect : NULL, sn, err, sizeof err), 0);
	assert_string_equal(err, "");
	return s;
}

static void put(struct store_file *s, uint16_t key, const char *text)
{
	assert_int_equal(store_file_put(s, TYPE, key, text, strlen(text)), 0);
}

static void assert_value(const struct seen *sn, uint16_t key, const char *text)
{
	assert_int_equal(sn->len[key], strlen(text));
	assert_memory_equal(sn->v[key], text, strlen(text));
}

static void deferred_put_is_visible_and_durable_after_commit(void **state)
{
	struct fx *f = *state;
	struct seen sn;
	const uint8_t *v;
	size_t len;
	struct store_file *s = open_store(f->dir[0], NULL);

	put(s, 0, "synced");
	assert_int_equal(syncs, 1);
	assert_false(store_file_dirty(s));

	store_file_defer(true);
	assert_true(store_file_deferring());
	put(s, 1, "first");
	put(s, 2, "second");
	put(s, 1, "newer");
	assert_int_equal(syncs, 1); /* written, not synced */
	assert_true(store_file_dirty(s));
	assert_int_equal(store_file_get(s, TYPE, 1, &v, &len), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(v, "newer", 5);
	assert_int_equal(store_file_get(s, TYPE, 2, &v, &len), 0);
	assert_memory_equal(v, "second", 6);
	assert_int_equal(store_file_get(s, TYPE, 3, &v, &len), -1);

	assert_int_equal(store_file_commit_all(false), 0);
	assert_int_equal(syncs, 2); /* one sync for the three puts */
	assert_false(store_file_dirty(s));
	assert_int_equal(store_file_commit_all(false), 0);
	assert_int_equal(syncs, 2); /* nothing dirty: nothing to do */
	store_file_defer(false);
	store_file_close(s);
	assert_int_equal(syncs, 2);

	s = open_store(f->dir[0], &sn);
	assert_value(&sn, 0, "synced");
	assert_value(&sn, 1, "newer");
	assert_value(&sn, 2, "second");
	store_file_close(s);
}

static void commit_covers_every_dirty_store(void **state)
{
	struct fx *f = *state;
	struct seen sn;
	struct store_file *a = open_store(f->dir[0], NULL), *b = open_store(f->dir[1], NULL);

	store_file_defer(true);
	put(a, 0, "a0");
	put(b, 0, "b0");
	put(b, 1, "b1");
	assert_true(store_file_dirty(a) && store_file_dirty(b));
	assert_int_equal(store_file_commit_all(false), 0);
	assert_int_equal(syncs, 2); /* one per store */
	assert_false(store_file_dirty(a) || store_file_dirty(b));

	/* A fleet's start: one syncfs for both, no fdatasync at all. */
	put(a, 1, "a1");
	put(b, 2, "b2");
	assert_int_equal(store_file_commit_all(true), 0);
	assert_int_equal(syncs, 2);
	assert_false(store_file_dirty(a) || store_file_dirty(b));
	store_file_defer(false);
	store_file_close(a);
	store_file_close(b);

	a = open_store(f->dir[0], &sn);
	assert_value(&sn, 0, "a0");
	assert_value(&sn, 1, "a1");
	store_file_close(a);
	b = open_store(f->dir[1], &sn);
	assert_value(&sn, 0, "b0");
	assert_value(&sn, 1, "b1");
	assert_value(&sn, 2, "b2");
	store_file_close(b);
}

static void failed_commit_cuts_back_and_refuses_puts(void **state)
{
	struct fx *f = *state;
	struct seen sn;
	struct store_file *s = open_store(f->dir[0], NULL), *other = open_store(f->dir[1], NULL);

	put(s, 0, "acknowledged");
	store_file_defer(true);
	put(s, 1, "never acknowledged");
	put(other, 0, "fine");
	fail_errno = EIO;
	assert_int_equal(store_file_commit_all(false), -1);
	fail_errno = 0;
	/* Broken until reopened, even now that the disk "works" again. */
	assert_int_equal(store_file_put(s, TYPE, 2, "x", 1), -1);
	store_file_defer(false);
	assert_int_equal(store_file_put(s, TYPE, 2, "x", 1), -1);
	store_file_close(s);
	store_file_close(other);

	s = open_store(f->dir[0], &sn);
	assert_value(&sn, 0, "acknowledged");
	assert_int_equal(sn.len[1], 0); /* cut off: its reply was never sent */
	assert_int_equal(sn.len[2], 0);
	put(s, 2, "works again");
	store_file_close(s);
	s = open_store(f->dir[0], &sn);
	assert_value(&sn, 2, "works again");
	store_file_close(s);
}

static void close_commits_and_reports_failure(void **state)
{
	struct fx *f = *state;
	struct seen sn;
	struct store_file *s = open_store(f->dir[0], NULL);

	/* A BMC reset in the middle of a batch closes its store with records pending. */
	store_file_defer(true);
	put(s, 0, "pending");
	store_file_close(s);
	assert_int_equal(syncs, 1);
	assert_int_equal(store_file_commit_all(false), 0);

	s = open_store(f->dir[0], &sn);
	assert_value(&sn, 0, "pending");
	put(s, 1, "lost");
	fail_errno = EIO;
	store_file_close(s);
	fail_errno = 0;
	/* The batch's replies must not go out: the next commit says so, once. */
	assert_int_equal(store_file_commit_all(false), -1);
	assert_int_equal(store_file_commit_all(false), 0);
	store_file_defer(false);
	s = open_store(f->dir[0], &sn);
	assert_value(&sn, 0, "pending");
	assert_int_equal(sn.len[1], 0);
	store_file_close(s);
}

static void failed_synchronous_put_is_undone(void **state)
{
	struct fx *f = *state;
	struct seen sn;
	struct store_file *s = open_store(f->dir[0], NULL);

	put(s, 0, "kept");
	fail_errno = EIO;
	/* The sync fails, and so does the undo's sync: the store cannot vouch for its end. */
	assert_int_equal(store_file_put(s, TYPE, 1, "gone", 4), -1);
	fail_errno = 0;
	assert_int_equal(store_file_put(s, TYPE, 2, "refused", 7), -1);
	store_file_close(s);
	s = open_store(f->dir[0], &sn);
	assert_value(&sn, 0, "kept");
	assert_int_equal(sn.len[1], 0);
	store_file_close(s);
}

#define FX(t) cmocka_unit_test_setup_teardown(t, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX(deferred_put_is_visible_and_durable_after_commit),
		FX(commit_covers_every_dirty_store),
		FX(failed_commit_cuts_back_and_refuses_puts),
		FX(close_commits_and_reports_failure),
		FX(failed_synchronous_put_is_undone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
