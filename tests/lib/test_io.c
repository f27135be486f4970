/* Unit tests of io.c: bounded reads, atomic writes. */
#include <check.h>
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quo_check.h"
#include "quo/io.h"

static char dir[] = "/tmp/quo-io-test-XXXXXX";

static void setup(void)
{
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static size_t entries(const char *path)
{
    DIR *d = opendir(path);
    size_t n = 0;
    ck_assert_ptr_nonnull(d);
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

START_TEST(atomic_write_replaces_and_leaves_no_temporaries)
{
    char path[256], *buf;
    size_t len;
    quo_error err;
    snprintf(path, sizeof path, "%s/report.json", dir);
    ck_assert_int_eq(quo_io_write_atomic(path, "old", 3, &err), QUO_OK);
    ck_assert_int_eq(quo_io_write_atomic(path, "new\0x", 5, &err), QUO_OK);
    ck_assert_int_eq(quo_io_read_file(path, 100, &buf, &len, &err), QUO_OK);
    ck_assert_uint_eq(len, 5);
    ck_assert_int_eq(memcmp(buf, "new\0x", 5), 0);
    ck_assert_int_eq(buf[5], '\0');
    free(buf);
    ck_assert_uint_eq(entries(dir), 1);
    struct stat sb;
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0644);
}
END_TEST

START_TEST(failed_write_names_the_file_and_keeps_the_old_one)
{
    char path[256];
    quo_error err;
    snprintf(path, sizeof path, "%s/missing-folder/report.json", dir);
    ck_assert_int_eq(quo_io_write_atomic(path, "x", 1, &err), QUO_EIO);
    ck_assert_ptr_nonnull(strstr(err.message, "missing-folder/report.json"));
    ck_assert_uint_eq(entries(dir), 0);
}
END_TEST

START_TEST(reads_are_bounded)
{
    char path[256], *buf = (char *)1;
    size_t len;
    quo_error err;
    snprintf(path, sizeof path, "%s/big", dir);
    ck_assert_int_eq(quo_io_write_atomic(path, "0123456789", 10, &err), QUO_OK);
    ck_assert_int_eq(quo_io_read_file(path, 9, &buf, &len, &err), QUO_ELIMIT);
    ck_assert_ptr_null(buf);
    ck_assert_ptr_nonnull(strstr(err.message, "larger than 9 bytes"));
    ck_assert_int_eq(quo_io_read_file(path, 10, &buf, &len, &err), QUO_OK);
    ck_assert_uint_eq(len, 10);
    free(buf);
    ck_assert_int_eq(quo_io_read_file(dir, 10, &buf, &len, &err), QUO_EIO);
    ck_assert_ptr_nonnull(strstr(err.message, "directory"));
    ck_assert_int_eq(quo_io_read_file("/nonexistent/x", 10, &buf, &len, &err), QUO_EIO);
    ck_assert_ptr_nonnull(strstr(err.message, "No such file"));
}
END_TEST

START_TEST(streams_are_bounded)
{
    char *buf;
    size_t len;
    quo_error err;
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 10000; i++)
        fputs("0123456789", f);
    rewind(f);
    ck_assert_int_eq(quo_io_read_stream(f, "pipe", 99999, &buf, &len, &err), QUO_ELIMIT);
    rewind(f);
    ck_assert_int_eq(quo_io_read_stream(f, "pipe", 100000, &buf, &len, &err), QUO_OK);
    ck_assert_uint_eq(len, 100000);
    free(buf);
    fclose(f);
}
END_TEST

START_TEST(strerror_wrapper_is_bounded)
{
    char buf[QUO_STRERROR_MAX];
    ck_assert_str_eq(quo_strerror(ENOENT, buf, sizeof buf), "No such file or directory");
    ck_assert_str_eq(quo_errno_text(EACCES).text, "Permission denied");
    char tiny[4];
    ck_assert_ptr_eq(quo_strerror(ENOENT, tiny, sizeof tiny), tiny);
    ck_assert_uint_lt(strlen(tiny), sizeof tiny);
    ck_assert_ptr_nonnull(strstr(quo_errno_text(123456).text, "123456"));
    ck_assert_str_eq(quo_strerror(ENOENT, NULL, 0), "");
}
END_TEST

START_TEST(mkdirs_makes_every_level)
{
    char path[256];
    quo_error err;
    snprintf(path, sizeof path, "%s/a/b/c", dir);
    ck_assert_int_eq(quo_io_mkdirs(path, &err), QUO_OK);
    ck_assert_int_eq(quo_io_mkdirs(path, &err), QUO_OK);
    struct stat sb;
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert(S_ISDIR(sb.st_mode));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("io");
    TCase *tc = tcase_create("files");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, atomic_write_replaces_and_leaves_no_temporaries);
    tcase_add_test(tc, failed_write_names_the_file_and_keeps_the_old_one);
    tcase_add_test(tc, reads_are_bounded);
    tcase_add_test(tc, streams_are_bounded);
    tcase_add_test(tc, mkdirs_makes_every_level);
    tcase_add_test(tc, strerror_wrapper_is_bounded);
    suite_add_tcase(s, tc);
    int failed = quo_check_run(s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
