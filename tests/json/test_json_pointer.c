/* test_json_pointer.c - quo_json_pointer() (src/json_access.c): RFC 6901
 * evaluation in plain and URI-fragment form, ~0/~1, percent-decoding,
 * array indices, malformed pointers, and member names holding NUL. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "quo_check.h"
#include "quo/json.h"

#define TEXT(s) s, sizeof(s) - 1

/* The RFC 6901 section 5 example document, plus a name holding \u0000,
 * a longer name sharing its prefix, and nested arrays. */
static const char rfc_doc[] =
    "{\"foo\":[\"bar\",\"baz\"],\"\":0,\"a/b\":1,\"c%d\":2,\"e^f\":3,\"g|h\":4,"
    "\"i\\\\j\":5,\"k\\\"l\":6,\" \":7,\"m~n\":8,\"n\\u0000x\":9,\"n\":10,"
    "\"deep\":{\"list\":[[0,1,2,3,4,5,6,7,8,9,10,11]]}}";

static quo_json_doc *doc;
static const cJSON *root;

static void setup(void)
{
    quo_error err;
    ck_assert_int_eq(quo_json_parse(TEXT(rfc_doc), 0, &doc, &err), QUO_OK);
    root = quo_json_root(doc);
}

static void teardown(void) { quo_json_free(doc); }

/* The number the pointer leads to, -1 for a non-number, -2 for NULL. */
static double at(const char *p, size_t len)
{
    const cJSON *n = quo_json_pointer(root, p, len, doc);
    return !n ? -2 : cJSON_IsNumber(n) ? n->valuedouble : -1;
}
#define AT(s) at(s, sizeof(s) - 1)

START_TEST(rfc6901_plain_form)
{
    ck_assert_ptr_eq(quo_json_pointer(root, TEXT(""), doc), root);
    const cJSON *foo = quo_json_pointer(root, TEXT("/foo"), doc);
    ck_assert(cJSON_IsArray(foo));
    ck_assert_str_eq(quo_json_pointer(root, TEXT("/foo/0"), doc)->valuestring, "bar");
    ck_assert_str_eq(quo_json_pointer(root, TEXT("/foo/1"), doc)->valuestring, "baz");
    ck_assert(AT("/") == 0);
    ck_assert(AT("/a~1b") == 1);
    ck_assert(AT("/c%d") == 2);
    ck_assert(AT("/e^f") == 3);
    ck_assert(AT("/g|h") == 4);
    ck_assert(AT("/i\\j") == 5);
    ck_assert(AT("/k\"l") == 6);
    ck_assert(AT("/ ") == 7);
    ck_assert(AT("/m~0n") == 8);
    ck_assert(AT("/deep/list/0/11") == 11);
    ck_assert(AT("/deep/list/0/10") == 10);
}
END_TEST

START_TEST(rfc6901_fragment_form)
{
    ck_assert_ptr_eq(quo_json_pointer(root, TEXT("#"), doc), root);
    ck_assert(cJSON_IsArray(quo_json_pointer(root, TEXT("#/foo"), doc)));
    ck_assert_str_eq(quo_json_pointer(root, TEXT("#/foo/0"), doc)->valuestring, "bar");
    ck_assert(AT("#/") == 0);
    ck_assert(AT("#/a~1b") == 1);
    ck_assert(AT("#/c%25d") == 2);
    ck_assert(AT("#/e%5Ef") == 3);
    ck_assert(AT("#/g%7Ch") == 4);
    ck_assert(AT("#/i%5Cj") == 5);
    ck_assert(AT("#/k%22l") == 6);
    ck_assert(AT("#/%20") == 7);
    ck_assert(AT("#/m~0n") == 8);
    ck_assert(AT("#/m%7E0n") == 8); /* decoding comes before ~ escapes */
    ck_assert(AT("#%2Fa~1b") == 1);
    /* the fragment form is decoded; the plain form is not */
    ck_assert(AT("/c%25d") == -2);
}
END_TEST

START_TEST(nul_safe_names)
{
    ck_assert(AT("#/n%00x") == 9);
    ck_assert(AT("#/n") == 10);
    ck_assert(at("/n\0x", 4) == 9);
    ck_assert(at("/n\0", 3) == -2);
    /* without lengths the name is a C string ("n"), never "n\0x" */
    ck_assert(at("/n\0x", 4) == 9);
    ck_assert_ptr_null(quo_json_pointer(root, "/n\0x", 4, NULL));
}
END_TEST

START_TEST(malformed_or_nowhere)
{
    ck_assert(AT("foo") == -2);       /* no leading slash */
    ck_assert(AT("#foo") == -2);      /* an anchor, not a pointer */
    ck_assert(AT("/missing") == -2);
    ck_assert(AT("/foo/2") == -2);    /* past the end */
    ck_assert(AT("/foo/-") == -2);    /* the end, never an element */
    ck_assert(AT("/foo/01") == -2);   /* leading zero */
    ck_assert(AT("/foo/+1") == -2);
    ck_assert(AT("/foo/1x") == -2);
    ck_assert(AT("/foo/") == -2);     /* empty index */
    ck_assert(AT("/foo/99999999999999999999") == -2);
    ck_assert(AT("/m~2n") == -2);     /* ~ must be ~0 or ~1 */
    ck_assert(AT("/m~") == -2);
    ck_assert(AT("#/c%2") == -2);     /* truncated escape */
    ck_assert(AT("#/c%zzd") == -2);
    ck_assert(AT("#/c%") == -2);
    ck_assert(AT("/foo/0/x") == -2);  /* into a string */
    ck_assert_ptr_null(quo_json_pointer(NULL, TEXT(""), NULL));
    ck_assert_ptr_null(quo_json_pointer(root, NULL, 1, doc));
    ck_assert_ptr_eq(quo_json_pointer(root, NULL, 0, doc), root);
}
END_TEST

START_TEST(long_pointer_and_plain_tree)
{
    /* a pointer longer than the on-stack buffer */
    size_t n = 3000;
    char *p = malloc(n + 8);
    ck_assert_ptr_nonnull(p);
    memcpy(p, "#/", 2);
    memset(p + 2, 'z', n);
    memcpy(p + 2 + n, "%41", 3);
    cJSON *t = cJSON_CreateObject();
    char *name = malloc(n + 2);
    ck_assert_ptr_nonnull(name);
    memset(name, 'z', n);
    name[n] = 'A';
    name[n + 1] = '\0';
    cJSON_AddNumberToObject(t, name, 42);
    const cJSON *hit = quo_json_pointer(t, p, n + 5, NULL);
    ck_assert_ptr_nonnull(hit);
    ck_assert(hit->valuedouble == 42);
    /* plain form, same name */
    p[0] = ' ';
    memcpy(p + 2 + n, "A", 1);
    ck_assert_ptr_eq(quo_json_pointer(t, p + 1, n + 2, NULL), hit);
    cJSON_Delete(t);
    free(name);
    free(p);
}
END_TEST

static Suite *pointer_suite(void)
{
    Suite *s = suite_create("json_pointer");
    TCase *tc = tcase_create("pointer");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, rfc6901_plain_form);
    tcase_add_test(tc, rfc6901_fragment_form);
    tcase_add_test(tc, nul_safe_names);
    tcase_add_test(tc, malformed_or_nowhere);
    tcase_add_test(tc, long_pointer_and_plain_tree);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return quo_check_run(pointer_suite()) ? 1 : 0; }
