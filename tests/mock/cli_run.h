/* cli_run.h - runs the quo-mock binary (path in env QUO_MOCK_BIN) as a
 * user would, for the CLI tests.
 *
 * Ownership: cli_result strings are malloc'd; free with cli_result_free().
 */
#ifndef QUO_TEST_CLI_RUN_H
#define QUO_TEST_CLI_RUN_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct cli_result {
    int exit_code;  /* -1: killed after the timeout, or died by a signal */
    char *out;
    char *err;
} cli_result;

/* The binary under test; fails the test when QUO_MOCK_BIN is not set. */
const char *cli_binary(void);

/* Runs quo-mock with argv (NULL-terminated, without argv[0]); kills it
 * after timeout_ms. */
cli_result cli_run(const char *const *args, int timeout_ms);
void cli_result_free(cli_result *r);

/* A started quo-mock whose first stdout line has been read. */
typedef struct cli_server {
    pid_t pid;
    int out_fd;       /* the rest of stdout */
    char *err_path;   /* stderr goes to this file */
    char first_line[256];
    unsigned port;
} cli_server;

/* Starts quo-mock with args and waits (up to 10 s) for its first line. */
bool cli_start(cli_server *s, const char *const *args);
/* Sends sig and waits up to timeout_ms; returns the exit code or -1. */
int cli_signal_and_wait(cli_server *s, int sig, int timeout_ms);
/* The server's stderr so far (malloc'd). */
char *cli_server_stderr(const cli_server *s);
void cli_server_cleanup(cli_server *s);

#endif
