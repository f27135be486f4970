/* bench_validate - validations per second over a fixed corpus of 10,000
 * create-task bodies (about 70% valid, all three link shapes, with and
 * without optional members, invalid ones of many kinds), single thread:
 *   1. the strict gate alone (quo_json_check)
 *   2. gate + tree (quo_json_parse + quo_json_free)
 *   3. full request validation collecting all errors
 *   4. the floor: bare cJSON_ParseWithLength + cJSON_Delete
 * Usage: bench_validate [--rounds N] [--write-corpus DIR]
 * Prints a Markdown table; figures are the best of N rounds. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "quo/array.h"
#include "quo/io.h"
#include "quo/quo.h"

#define CORPUS_SIZE 10000

typedef struct body {
    char *text;
    size_t len;
} body;

/* xorshift64*: a fixed seed gives the same corpus on every run. */
static unsigned long long rng_state = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (unsigned)((rng_state * 2685821657736338717ull) >> 33) % n;
}

static const char *const links[] = {"phoneNumberId\":\"PN", "conversationId\":\"CN",
                                    "activityId\":\"AC"};

/* The kinds of invalid body, each a small edit of a valid one. */
static const char *const invalid_kinds[] = {
    "{\"description\":\"Discuss pricing\",\"phoneNumberId\":\"PN123\"}",
    "{\"title\":42,\"description\":\"Discuss pricing\",\"conversationId\":\"CN9\"}",
    "{\"title\":\"Call back\",\"description\":\"d\",\"phoneNumberId\":\"pn123\"}",
    "{\"title\":\"Call back\",\"description\":\"d\",\"activityId\":\"AC1\\n\"}",
    "{\"title\":\"Call back\",\"description\":\"d\"}",
    "{\"title\":\"Call back\",\"description\":\"d\",\"phoneNumberId\":\"PN1\",\"conversationId\":\"CN1\"}",
    "{\"title\":\"Call back\",\"description\":\"d\",\"phoneNumberId\":\"PN1\",\"priority\":\"high\"}",
    "{\"title\":\"Call back\",\"description\":\"d\",\"phoneNumberId\":\"PN1\",\"dueDate\":\"2026-02-30T10:00:00Z\"}",
    "{\"title\":\"Call back\",\"description\":\"d\",\"phoneNumberId\":\"PN1\",\"dueDate\":\"tomorrow\"}",
    "{\"title\":\"Call back\",\"description\":\"d\",\"phoneNumberId\":\"PN1\",\"assignedTo\":\"USER1\"}",
    "{\"title\":\"Call back\",\"title\":\"again\",\"description\":\"d\",\"phoneNumberId\":\"PN1\"}",
    "{\"title\":\"Call back\",\"description\":\"d\",\"phoneNumberId\":\"PN1\",}",
    "[\"title\",\"description\",\"phoneNumberId\"]",
    "{\"title\":null,\"description\":[],\"conversationId\":{},\"assignedTo\":true}",
};

static char *make_valid(void)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf,
                     "{\"title\":\"Follow up with customer %u\",\"description\":\"Discuss "
                     "pricing and onboarding next steps.\",\"%s%08u\"",
                     rnd(1000), links[rnd(3)], rnd(100000000));
    if (rnd(2))
        n += snprintf(buf + n, sizeof buf - (size_t)n, ",\"dueDate\":\"2026-%02u-%02uT%02u:30:00%s\"",
                      1 + rnd(12), 1 + rnd(28), rnd(24), rnd(2) ? "Z" : ".250+02:00");
    if (rnd(2))
        n += snprintf(buf + n, sizeof buf - (size_t)n, ",\"assignedTo\":\"US%05u\"", rnd(99999));
    snprintf(buf + n, sizeof buf - (size_t)n, "}");
    return strdup(buf);
}

static int make_corpus(body *c)
{
    for (size_t i = 0; i < CORPUS_SIZE; i++) {
        bool valid = rnd(100) < 70;
        c[i].text = valid ? make_valid()
                          : strdup(invalid_kinds[rnd(sizeof invalid_kinds / sizeof *invalid_kinds)]);
        if (!c[i].text)
            return -1;
        c[i].len = strlen(c[i].text);
    }
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef enum { GATE, GATE_TREE, VALIDATE, CJSON_FLOOR } kind;
static const char *const kind_names[] = {
    "strict gate alone (quo_json_check)", "gate + cJSON tree (quo_json_parse)",
    "full request validation, all errors", "bare cJSON_ParseWithLength + cJSON_Delete (floor)"};

/* One pass over the corpus; returns a checksum so nothing is optimised away. */
static size_t pass(kind k, const body *c, const quo_spec *spec, quo_violations *v)
{
    size_t sum = 0;
    for (size_t i = 0; i < CORPUS_SIZE; i++) {
        switch (k) {
        case GATE:
            sum += quo_json_check(c[i].text, c[i].len, 0, NULL) == QUO_OK;
            break;
        case GATE_TREE: {
            quo_json_doc *d = NULL;
            sum += quo_json_parse(c[i].text, c[i].len, 0, &d, NULL) == QUO_OK;
            quo_json_free(d);
            break;
        }
        case VALIDATE:
            quo_violations_clear(v);
            quo_request_validate(spec, c[i].text, c[i].len, 0, v, NULL);
            sum += v->count == 0;
            break;
        case CJSON_FLOOR: {
            cJSON *t = cJSON_ParseWithLength(c[i].text, c[i].len);
            sum += t != NULL;
            cJSON_Delete(t);
            break;
        }
        }
    }
    return sum;
}

static int write_corpus(const body *c, const char *dir)
{
    quo_error err;
    if (quo_io_mkdirs(dir, &err) != QUO_OK) {
        fprintf(stderr, "bench_validate: %s\n", err.message);
        return -1;
    }
    for (size_t i = 0; i < CORPUS_SIZE; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/body-%05zu.json", dir, i);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(c[i].text, 1, c[i].len, f) != c[i].len || fclose(f) != 0) {
            fprintf(stderr, "bench_validate: %s: %s\n", path, quo_errno_text(errno).text);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    int rounds = 5;
    const char *corpus_dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--write-corpus") == 0 && i + 1 < argc)
            corpus_dir = argv[++i];
        else {
            fprintf(stderr, "usage: bench_validate [--rounds N] [--write-corpus DIR]\n");
            return 2;
        }
    }
    if (rounds < 1)
        rounds = 1;
    static body corpus[CORPUS_SIZE];
    quo_spec *spec = NULL;
    quo_error err;
    if (make_corpus(corpus) != 0 || quo_spec_load_default(&spec, &err) != QUO_OK) {
        fprintf(stderr, "bench_validate: setup failed\n");
        return 2;
    }
    if (corpus_dir && write_corpus(corpus, corpus_dir) != 0)
        return 2;

    quo_violations v;
    quo_violations_init(&v);
    double best[4] = {0};
    size_t valid = pass(VALIDATE, corpus, spec, &v);
    for (int r = 0; r < rounds; r++)
        for (size_t k = 0; k < QUO_ARRAY_SIZE(best); k++) {
            double t0 = now();
            pass((kind)k, corpus, spec, &v);
            double rate = CORPUS_SIZE / (now() - t0);
            if (rate > best[k])
                best[k] = rate;
        }
    printf("Corpus: %d create-task bodies, %zu valid (%.0f%%), best of %d rounds, one thread.\n\n",
           CORPUS_SIZE, valid, 100.0 * (double)valid / CORPUS_SIZE, rounds);
    printf("| measurement | per second | vs cJSON floor |\n|---|---:|---:|\n");
    for (size_t k = 0; k < QUO_ARRAY_SIZE(best); k++)
        printf("| %s | %.0f | %.2fx |\n", kind_names[k], best[k], best[k] / best[CJSON_FLOOR]);
    quo_violations_free(&v);
    quo_spec_free(spec);
    for (size_t i = 0; i < CORPUS_SIZE; i++)
        free(corpus[i].text);
    return 0;
}
