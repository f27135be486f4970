/* Unit tests of regex.c: ECMAScript (u-mode) semantics on PCRE2, the
 * syntax the translator must reject, and the proof that the literal fast
 * path agrees with PCRE2. */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo_check.h"
#include "regex.h"
#include "quo/array.h"
#include "quo/utf8.h"

/* Searches with and without the fast path; both must agree. */
static int search_n(const char *pat, const char *s, size_t len)
{
    quo_regex *fast = NULL, *slow = NULL;
    quo_error err;
    ck_assert_msg(quo_regex_compile(pat, strlen(pat), 0, &fast, &err) == QUO_OK,
                  "/%s/ did not compile: %s", pat, err.message);
    ck_assert_int_eq(quo_regex_compile(pat, strlen(pat), QUO_REGEX_NO_FAST_PATH, &slow, &err),
                     QUO_OK);
    int a = quo_regex_search(fast, s, len, true);
    int b = quo_regex_search(slow, s, len, true);
    int c = quo_regex_search(slow, s, len, false); /* PCRE2's own UTF check */
    quo_regex_free(fast);
    quo_regex_free(slow);
    ck_assert_msg(a == b && b == c, "/%s/ on \"%s\": fast %d, pcre2 %d/%d", pat, s, a, b, c);
    ck_assert_msg(a == QUO_REGEX_MATCH || a == QUO_REGEX_NOMATCH, "/%s/: result %d", pat, a);
    return a == QUO_REGEX_MATCH;
}

static int search(const char *pat, const char *s)
{
    return search_n(pat, s, strlen(s));
}

#define MATCHES(p, s) ck_assert_msg(search(p, s), "/%s/ should match \"%s\"", p, s)
#define NO_MATCH(p, s) ck_assert_msg(!search(p, s), "/%s/ should not match \"%s\"", p, s)

static void assert_invalid(const char *pat)
{
    quo_regex *re = NULL;
    quo_error err = {QUO_OK, 0, ""};
    quo_status st = quo_regex_compile(pat, strlen(pat), 0, &re, &err);
    ck_assert_msg(st == QUO_ESCHEMA, "/%s/ should be rejected (status %d)", pat, st);
    ck_assert_ptr_null(re);
    ck_assert_msg(err.message[0] != '\0', "no message for /%s/", pat);
}

START_TEST(dot_excludes_only_line_terminators)
{
    MATCHES("^.$", "a");
    MATCHES("^.$", "\v");
    MATCHES("^.$", "\f");
    MATCHES("^.$", "\xc2\x85");         /* U+0085 NEL */
    MATCHES("^.$", "\xc3\xa9");         /* é */
    MATCHES("^.$", "\xf0\x9f\x98\x80"); /* astral: one code point in u-mode */
    MATCHES("^.$", "\t");
    NO_MATCH("^.$", "\n");
    NO_MATCH("^.$", "\r");
    NO_MATCH("^.$", "\xe2\x80\xa8"); /* U+2028 */
    NO_MATCH("^.$", "\xe2\x80\xa9"); /* U+2029 */
    ck_assert(search_n("^.$", "\0", 1));
    MATCHES("^[^]$", "\n");
    NO_MATCH("^[]", "");
    NO_MATCH("[]", "abc");
    MATCHES("^[]*$", "");
}
END_TEST

START_TEST(anchors_only_at_the_ends)
{
    NO_MATCH("^abc$", "abc\n");
    MATCHES("^abc$", "abc");
    NO_MATCH("^b", "a\nb");
    NO_MATCH("a$", "a\n");
    NO_MATCH("a$b", "a$b");
    MATCHES("b", "abc"); /* unanchored search */
    MATCHES("", "");
    MATCHES("c$", "abc");
    NO_MATCH("^(?:a|b)$", "a\n");
}
END_TEST

START_TEST(class_escapes_are_ascii)
{
    MATCHES("^\\d$", "0");
    NO_MATCH("^\\d$", "\xdf\x80");     /* NKO DIGIT ZERO */
    NO_MATCH("^\\d+$", "\xe0\xa7\xaa"); /* BENGALI DIGIT FOUR */
    MATCHES("^\\D$", "\xdf\x80");
    MATCHES("^\\w$", "_");
    NO_MATCH("^\\w$", "\xc3\xa9");
    MATCHES("^\\W$", "\xc3\xa9");
    MATCHES("a\\b", "a\xc3\xa9"); /* é is not a word character */
    NO_MATCH("a\\B", "a\xc3\xa9");
    MATCHES("^[\\d\\w]+$", "a1_");
    NO_MATCH("^[\\w]$", "\xc3\xa9");
    MATCHES("^[^\\d]$", "x");
}
END_TEST

static const char *const whitespace[] = {
    " ", "\t", "\n", "\v", "\f", "\r", "\xc2\xa0", "\xef\xbb\xbf", "\xe2\x80\xa8",
    "\xe2\x80\xa9", "\xe2\x80\x83", "\xe1\x9a\x80", "\xe3\x80\x80", "\xe2\x80\xaf",
    "\xe2\x81\x9f", "\xe2\x80\x80", "\xe2\x80\x8a",
};
static const char *const not_whitespace[] = {
    "a", "\x01", "\xc2\x85" /* NEL: White_Space but not ECMAScript \s */,
    "\xe1\xa0\x8e" /* U+180E */, "\xe2\x80\x8b" /* ZWSP */, "\xe2\x80\x93",
};

START_TEST(whitespace_is_ecmascript)
{
    for (size_t i = 0; i < QUO_ARRAY_SIZE(whitespace); i++) {
        MATCHES("^\\s$", whitespace[i]);
        NO_MATCH("^\\S$", whitespace[i]);
        MATCHES("^[\\s]$", whitespace[i]);
        NO_MATCH("^[\\S]$", whitespace[i]);
        NO_MATCH("^[^\\s]$", whitespace[i]);
        MATCHES("^[^\\S]$", whitespace[i]);
        NO_MATCH("^[a\\S]$", whitespace[i]);
        MATCHES("^[^a\\S]$", whitespace[i]);
    }
    for (size_t i = 0; i < QUO_ARRAY_SIZE(not_whitespace); i++) {
        NO_MATCH("^\\s$", not_whitespace[i]);
        MATCHES("^\\S$", not_whitespace[i]);
        MATCHES("^[\\S]$", not_whitespace[i]);
        MATCHES("^[a\\S]$", not_whitespace[i]);
        NO_MATCH("^[^a\\S]$", not_whitespace[i]);
    }
    NO_MATCH("^[^\\sa]$", "a");
    MATCHES("^[a\\S]$", "a");
    NO_MATCH("^[^a\\S]$", "a");
}
END_TEST

START_TEST(character_escapes)
{
    MATCHES("^\\t$", "\t");
    NO_MATCH("^\\t$", "\\t");
    MATCHES("^\\v$", "\v");
    NO_MATCH("^\\v$", "\n"); /* PCRE2's \v would match */
    MATCHES("^\\cC$", "\x03");
    MATCHES("^\\cc$", "\x03");
    NO_MATCH("^\\cC$", "\\cC");
    ck_assert(search_n("^\\0$", "\0", 1));
    MATCHES("^\\x41$", "A");
    MATCHES("^\\u0041$", "A");
    MATCHES("^\\u00e9$", "\xc3\xa9");
    MATCHES("^\\uD83D\\uDE00$", "\xf0\x9f\x98\x80");
    MATCHES("^\\u{1F600}$", "\xf0\x9f\x98\x80");
    MATCHES("^[\\uD83D\\uDE00]$", "\xf0\x9f\x98\x80");
    NO_MATCH("\\uD800", "\xf0\x9f\x98\x80");
    NO_MATCH("[\\uD800-\\uDFFF]", "abc\xf0\x9f\x98\x80");
    MATCHES("^[\\u0000-\\uFFFF]$", "\xef\xbf\xbf");
    MATCHES("^[\\b]$", "\b");
    MATCHES("^[\\-]$", "-");
    MATCHES("^\\/\\.\\*\\$\\^\\(\\)\\[\\]\\{\\}\\|\\?\\+\\\\$", "/.*$^()[]{}|?+\\");
    MATCHES("^a#b c$", "a#b c"); /* no extended mode: # and space are literal */
    MATCHES("^[a-c]+$", "abcab");
    MATCHES("^[-a]$", "-");
    MATCHES("^[a-]$", "-");
    MATCHES("^[--/]$", ".");
    MATCHES("^[\\^]$", "^");
}
END_TEST

START_TEST(unicode_properties)
{
    MATCHES("\\p{Letter}cole", "l'\xc3\xa9" "cole");
    NO_MATCH("\\p{Letter}cole", "L'\xc3\x89" "COLE");
    MATCHES("^\\p{L}$", "\xc3\xa9");
    MATCHES("^\\p{digit}+$", "\xe0\xa7\xaa\xe0\xa7\xa8");
    MATCHES("^\\p{Nd}+$", "42");
    NO_MATCH("^\\p{digit}+$", "-%#");
    MATCHES("^\\p{General_Category=Lu}$", "A");
    MATCHES("^\\p{gc=Uppercase_Letter}$", "A");
    NO_MATCH("^\\P{Lu}$", "A");
    MATCHES("^\\p{Script=Greek}$", "\xce\xb1");
    MATCHES("^\\p{sc=Grek}$", "\xce\xb1");
    MATCHES("^\\p{scx=Latin}$", "a");
    MATCHES("^\\p{White_Space}$", "\xc2\x85");
    MATCHES("^\\p{Any}$", "\n");
    MATCHES("^\\p{ASCII}$", "~");
    NO_MATCH("^\\p{ASCII}$", "\xc3\xa9");
    MATCHES("^\\p{Assigned}$", "a");
    NO_MATCH("^\\P{Assigned}$", "a");
    MATCHES("^[\\p{Lu}\\d]+$", "A1B2");
    MATCHES("^[^\\P{Lu}]$", "A");
    assert_invalid("\\p{letter}"); /* names are case-sensitive in ECMAScript */
    assert_invalid("\\p{Foo}");
    assert_invalid("\\p{Script=}");
    assert_invalid("\\p{Bidi_Class=L}");
    assert_invalid("\\pL");
    assert_invalid("\\p{^Lu}");
}
END_TEST

START_TEST(groups_and_backreferences)
{
    MATCHES("^(a)\\1$", "aa");
    MATCHES("^(?<n>a|b)\\k<n>$", "bb");
    NO_MATCH("^(?<n>a|b)\\k<n>$", "ab");
    MATCHES("^(a)?b\\1$", "b");    /* an unset group matches empty */
    MATCHES("^\\1(a)$", "a");       /* forward reference, empty */
    MATCHES("^(?=a)a$", "a");
    NO_MATCH("^(?!a)a$", "a");
    MATCHES("(?<=a)b", "ab");
    NO_MATCH("(?<!a)b", "ab");
    MATCHES("^a{2,3}$", "aaa");
    NO_MATCH("^a{2,3}$", "aaaa");
    MATCHES("^a{2,}$", "aaaaa");
    MATCHES("^a{2}$", "aa");
    MATCHES("^(?:ab)+?$", "abab");
    MATCHES("^a*?b$", "aab");
    MATCHES("^(a|)+$", "aa");
}
END_TEST

START_TEST(invalid_patterns_rejected)
{
    static const char *const bad[] = {
        "a{", "a{1", "}", "]", "(", ")", "a**", "a++", "a*+", "a{2}{3}", "?", "*a",
        "^*", "$+", "\\b+", "(?=a)*", "(?<=a)+", "\\a", "\\e", "\\h", "\\-", "\\Q",
        "\\z", "\\A", "\\G", "\\K", "\\R", "\\X", "\\N", "\\01", "\\1", "(a)\\2",
        "\\k<x>", "(?<x>a)\\k<y>", "\\k", "\\c", "\\c1", "\\x4", "\\u12", "\\u{110000}",
        "\\u{}", "[b-a]", "[\\d-z]", "[a-\\d]", "[\\B]", "[\\a]", "[", "[a", "[[:alpha:]]",
        "(?i)a", "(?i:a)", "(?#c)", "(?|a)", "(?>a)", "(?P<n>a)", "(*ACCEPT)", "(?R)",
        "a{2,1}", "a{70000}", "(?<=a+)b", "(?<1a>x)", "\\", "(?<a$>x)",
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(bad); i++)
        assert_invalid(bad[i]);
    assert_invalid("\xff");          /* not UTF-8 */
    quo_error err;
    quo_regex *re = NULL;
    ck_assert_int_eq(quo_regex_compile("a{", 2, 0, &re, &err), QUO_ESCHEMA);
    ck_assert_ptr_nonnull(strstr(err.message, "offset"));
}
END_TEST

START_TEST(translation_spells_out_semantics)
{
    char *out = NULL;
    quo_error err;
    ck_assert_int_eq(quo_regex_translate("^PN(.*)$", 8, &out, &err), QUO_OK);
    ck_assert_str_eq(out, "^PN([^\\x{a}\\x{d}\\x{2028}\\x{2029}]*)$");
    free(out);
    ck_assert_int_eq(quo_regex_translate("\\v\\d", 4, &out, &err), QUO_OK);
    ck_assert_str_eq(out, "\\x{b}\\d");
    free(out);
    ck_assert_int_eq(quo_regex_translate("", 0, &out, &err), QUO_OK);
    ck_assert_str_eq(out, "");
    free(out);
    ck_assert_int_eq(quo_regex_translate("a{", 2, &out, &err), QUO_ESCHEMA);
    ck_assert_ptr_null(out);
}
END_TEST

/* ------------------------------------------------------------ fast path */

static int fast_of(const char *pat)
{
    quo_regex *re = NULL;
    quo_error err;
    ck_assert_int_eq(quo_regex_compile(pat, strlen(pat), 0, &re, &err), QUO_OK);
    int f = quo_regex_is_fast(re);
    quo_regex_free(re);
    return f;
}

START_TEST(fast_path_taken_for_literal_shapes)
{
    static const char *const fast[] = {
        "^PN(.*)$", "^US(.*)$", "^TK(.*)$", "^abc", "^abc$", "^a\\.b.*", "^ab.*$",
        "^ab(.*)", "abc", "abc$", "^", "", "^\xc3\xa9t\xc3\xa9(.*)$", "^a\\/b\\$",
    };
    static const char *const slow[] = {
        "^a+", "^a|b", "^[a]", "^a(.*)b", "^ab*", "^a?", "^a{2}", "a.*$", "^\\d",
        "^a\\u0041", "^(.*)$x", "^.*a", "^a(.+)$", "^a(?:.*)$",
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(fast); i++)
        ck_assert_msg(fast_of(fast[i]), "/%s/ should take the fast path", fast[i]);
    for (size_t i = 0; i < QUO_ARRAY_SIZE(slow); i++)
        ck_assert_msg(!fast_of(slow[i]), "/%s/ should not take the fast path", slow[i]);
}
END_TEST

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

/* Pieces patterns and subjects are built from: line terminators and their
 * near misses, multi-byte characters, NUL, and the literals' own bytes. */
static const char *const lit_atoms[][2] = { /* {pattern spelling, bytes} */
    {"P", "P"}, {"N", "N"}, {"a", "a"}, {"\\.", "."}, {"\\$", "$"}, {"/", "/"},
    {"\xc3\xa9", "\xc3\xa9"}, {"\xe2\x80\xa8", "\xe2\x80\xa8"}, {"\\(", "("},
};
static const char *const subj_atoms[] = {
    "P", "N", "a", ".", "$", "/", "(", "\xc3\xa9", "\n", "\r", "\xe2\x80\xa8", "\xe2\x80\xa9",
    "\xe2\x80\xaa", "\xc2\x85", "\v", "\f", "\xf0\x9f\x98\x80", "\0", "x", "\xe2",
};
static bool utf8_valid(const char *s, size_t len)
{
    uint32_t cp;
    for (size_t i = 0, n; i < len; i += n)
        if ((n = quo_utf8_decode((const unsigned char *)s + i, len - i, &cp)) == 0)
            return false;
    return true;
}

static const char *const tails[] = {"", "$", ".*", "(.*)", ".*$", "(.*)$"};

START_TEST(fast_path_equals_pcre2)
{
    size_t compared = 0;
    for (int p = 0; p < 400; p++) {
        char pat[64] = "", lit[64] = "";
        size_t pl = 0, ll = 0;
        bool anchored = rnd(4) != 0;
        if (anchored)
            pat[pl++] = '^';
        for (unsigned k = rnd(4); k > 0; k--) {
            unsigned a = rnd(sizeof lit_atoms / sizeof *lit_atoms);
            pl += (size_t)sprintf(pat + pl, "%s", lit_atoms[a][0]);
            ll += (size_t)sprintf(lit + ll, "%s", lit_atoms[a][1]);
        }
        pl += (size_t)sprintf(pat + pl, "%s",
                              anchored ? tails[rnd(6)] : tails[rnd(2)]);

        quo_regex *fast = NULL, *slow = NULL;
        quo_error err;
        ck_assert_int_eq(quo_regex_compile(pat, pl, 0, &fast, &err), QUO_OK);
        ck_assert_int_eq(quo_regex_compile(pat, pl, QUO_REGEX_NO_FAST_PATH, &slow, &err),
                         QUO_OK);
        ck_assert_msg(quo_regex_is_fast(fast), "/%s/ should be fast", pat);
        for (int s = 0; s < 600; s++) {
            char subj[128];
            size_t sl = 0;
            unsigned form = rnd(4);
            if (form == 1 || form == 2) { /* around the literal */
                memcpy(subj, lit, ll);
                sl = ll;
            }
            for (unsigned k = rnd(6); k > 0; k--) {
                const char *a = subj_atoms[rnd(sizeof subj_atoms / sizeof *subj_atoms)];
                size_t al = a[0] ? strlen(a) : 1;
                if (form == 2 && rnd(2)) { /* prepend */
                    memmove(subj + al, subj, sl);
                    memcpy(subj, a, al);
                } else {
                    memcpy(subj + sl, a, al);
                }
                sl += al;
            }
            if (form == 3 && sl) /* a truncated subject */
                sl = rnd((unsigned)sl);
            bool valid = utf8_valid(subj, sl); /* lone \xe2, cut characters */
            int a = quo_regex_search(fast, subj, sl, false);
            int b = quo_regex_search(slow, subj, sl, false);
            ck_assert_msg(a == b, "/%s/ on %zu bytes: fast %d, pcre2 %d", pat, sl, a, b);
            if (valid) {
                a = quo_regex_search(fast, subj, sl, true);
                b = quo_regex_search(slow, subj, sl, true);
                ck_assert_msg(a == b, "/%s/ on %zu bytes: fast %d, pcre2 %d", pat, sl, a, b);
            }
            compared++;
        }
        quo_regex_free(fast);
        quo_regex_free(slow);
    }
    ck_assert_uint_eq(compared, 400 * 600);
}
END_TEST

/* ----------------------------------------------------------- threads */

typedef struct job {
    const quo_regex *re;
    int mismatches;
} job;

static void *search_many(void *arg)
{
    job *j = arg;
    for (int i = 0; i < 20000; i++) {
        char s[32];
        int n = snprintf(s, sizeof s, "k%dx%d", i, i % 7);
        int want = i % 7 == 3 ? QUO_REGEX_MATCH : QUO_REGEX_NOMATCH;
        if (quo_regex_search(j->re, s, (size_t)n, true) != want)
            j->mismatches++;
    }
    return NULL;
}

START_TEST(shared_between_threads)
{
    quo_regex *re = NULL;
    quo_error err;
    ck_assert_int_eq(quo_regex_compile("^k\\d+x3$", 8, 0, &re, &err), QUO_OK);
    ck_assert(!quo_regex_is_fast(re));
    pthread_t th[4];
    job jobs[4];
    for (size_t i = 0; i < QUO_ARRAY_SIZE(th); i++) {
        jobs[i] = (job){re, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, search_many, &jobs[i]), 0);
    }
    for (size_t i = 0; i < QUO_ARRAY_SIZE(th); i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(jobs[i].mismatches, 0);
    }
    quo_regex_free(re);
}
END_TEST

START_TEST(pathological_pattern_gives_up)
{
    quo_regex *re = NULL;
    quo_error err;
    const char *pat = "^(a+)+$";
    ck_assert_int_eq(quo_regex_compile(pat, strlen(pat), 0, &re, &err), QUO_OK);
    char s[64];
    memset(s, 'a', sizeof s);
    s[63] = 'b';
    int r = quo_regex_search(re, s, sizeof s, true);
    ck_assert(r == QUO_REGEX_NOMATCH || r == QUO_REGEX_LIMIT);
    quo_regex_free(re);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("regex");
    TCase *tc = tcase_create("semantics");
    tcase_add_test(tc, dot_excludes_only_line_terminators);
    tcase_add_test(tc, anchors_only_at_the_ends);
    tcase_add_test(tc, class_escapes_are_ascii);
    tcase_add_test(tc, whitespace_is_ecmascript);
    tcase_add_test(tc, character_escapes);
    tcase_add_test(tc, unicode_properties);
    tcase_add_test(tc, groups_and_backreferences);
    tcase_add_test(tc, invalid_patterns_rejected);
    tcase_add_test(tc, translation_spells_out_semantics);
    suite_add_tcase(s, tc);
    TCase *tf = tcase_create("fast path");
    tcase_add_test(tf, fast_path_taken_for_literal_shapes);
    tcase_add_test(tf, fast_path_equals_pcre2);
    tcase_add_test(tf, shared_between_threads);
    tcase_add_test(tf, pathological_pattern_gives_up);
    suite_add_tcase(s, tf);
    int failed = quo_check_run(s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
