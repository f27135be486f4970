/* replay_main.c - main() for the fuzz targets when libFuzzer is not linked
 * (gcc builds, the ASan build, coverage builds).
 *
 *   fuzz_json [-libfuzzer-flags...] FILE|DIR...
 *
 * Feeds every file (directories are walked recursively, entries in name
 * order, hidden files skipped) to LLVMFuzzerTestOneInput, each in a buffer
 * of exactly its size so AddressSanitizer sees any overread. Arguments that
 * start with '-' are libFuzzer flags and are ignored, so the same command
 * line (e.g. `fuzz_json -runs=0 corpus/fuzz_json`) replays a corpus with
 * either build. A property violation aborts; the file being replayed is
 * named on stderr first.
 *
 * Exit status: 0 every input ran; 1 no input was found (an empty or
 * missing corpus must not pass silently); 2 an I/O error.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quo/io.h"
#include "fuzz_common.h"

/* Provided by a target only when it needs set-up (weak: may be absent). */
#pragma weak LLVMFuzzerInitialize

/* Sanitizer runtimes call this before they exit on an error (weak: only
 * present in sanitizer builds). */
void __sanitizer_set_death_callback(void (*callback)(void));
#pragma weak __sanitizer_set_death_callback

static const char *current_input;

/* Names the input that failed; async-signal-safe (write(2) only). */
static void name_current_input(void)
{
    static const char pre[] = "replay: failing input: ";
    if (!current_input)
        return;
    if (write(STDERR_FILENO, pre, sizeof pre - 1) < 0 ||
        write(STDERR_FILENO, current_input, strlen(current_input)) < 0 ||
        write(STDERR_FILENO, "\n", 1) < 0)
        return;
}

static void on_fatal_signal(int sig)
{
    name_current_input();
    signal(sig, SIG_DFL);
    raise(sig);
}

typedef struct replay_stats {
    size_t inputs;
    size_t bytes;
} replay_stats;

/* Reads a whole file into a malloc'd buffer of exactly its size (at least
 * one byte allocated so an empty input still has a valid pointer). */
static int read_file(const char *path, unsigned char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s: %s\n", path, quo_errno_text(errno).text);
        return -1;
    }
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            unsigned char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int failed = !buf || ferror(f);
    fclose(f);
    if (failed) {
        fprintf(stderr, "replay: cannot read %s: %s\n", path,
                buf ? quo_errno_text(errno).text : "out of memory");
        free(buf);
        return -1;
    }
    /* An exact-size copy: the fuzz targets must not read past `size`. */
    unsigned char *exact = malloc(n ? n : 1);
    if (!exact) {
        fprintf(stderr, "replay: out of memory for %s\n", path);
        free(buf);
        return -1;
    }
    memcpy(exact, buf, n);
    free(buf);
    *out = exact;
    *len = n;
    return 0;
}

static int replay_file(const char *path, replay_stats *stats)
{
    unsigned char *data;
    size_t len;
    if (read_file(path, &data, &len) != 0)
        return -1;
    current_input = path;
    if (getenv("QUO_REPLAY_VERBOSE"))
        fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
    LLVMFuzzerTestOneInput(data, len);
    current_input = NULL;
    free(data);
    stats->inputs++;
    stats->bytes += len;
    return 0;
}

static int replay_path(const char *path, replay_stats *stats);

static int not_hidden(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

static int replay_dir(const char *dir, replay_stats *stats)
{
    struct dirent **names;
    int n = scandir(dir, &names, not_hidden, alphasort);
    if (n < 0) {
        fprintf(stderr, "replay: cannot list %s: %s\n", dir, quo_errno_text(errno).text);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
        char *child = malloc(len);
        if (!child) {
            fprintf(stderr, "replay: out of memory\n");
            rc = -1;
        } else {
            snprintf(child, len, "%s/%s", dir, names[i]->d_name);
            if (rc == 0)
                rc = replay_path(child, stats);
            free(child);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static int replay_path(const char *path, replay_stats *stats)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: cannot access %s: %s\n", path, quo_errno_text(errno).text);
        return -1;
    }
    if (S_ISDIR(st.st_mode))
        return replay_dir(path, stats);
    return replay_file(path, stats);
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(name_current_input);
    signal(SIGABRT, on_fatal_signal);
    signal(SIGSEGV, on_fatal_signal);
    signal(SIGBUS, on_fatal_signal);
    signal(SIGFPE, on_fatal_signal);

    replay_stats stats = {0, 0};
    size_t paths = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            continue; /* a libFuzzer flag */
        paths++;
        if (replay_path(argv[i], &stats) != 0)
            return 2;
    }
    if (paths == 0) {
        fprintf(stderr, "usage: %s [-flags ignored] FILE|DIR...\n"
                        "replays each file through the fuzz target (no fuzzing: "
                        "build with -DQUO_FUZZ=ON and clang for libFuzzer)\n", argv[0]);
        return 2;
    }
    if (stats.inputs == 0) {
        fprintf(stderr, "replay: no input files found\n");
        return 1;
    }
    printf("replayed %zu inputs (%zu bytes): all properties held\n", stats.inputs,
           stats.bytes);
    return 0;
}
