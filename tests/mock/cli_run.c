/* cli_run.c - see cli_run.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "cli_run.h"

const char *cli_binary(void)
{
    const char *b = getenv("QUO_MOCK_BIN");
    ck_assert_msg(b && *b, "QUO_MOCK_BIN is not set (ctest sets it)");
    return b;
}

static char *slurp_fd(int fd)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    lseek(fd, 0, SEEK_SET);
    ssize_t r;
    while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
        n += (size_t)r;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
    }
    buf[n] = '\0';
    return buf;
}

static int temp_fd(void)
{
    char path[] = "/tmp/quo-mock-cli-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    return fd;
}

static void exec_mock(const char *const *args)
{
    const char *argv[64];
    size_t n = 0;
    argv[n++] = cli_binary();
    for (size_t i = 0; args[i] && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    execv(argv[0], (char *const *)argv);
    _exit(127);
}

/* Waits for pid up to timeout_ms; kills it when still running. */
static int wait_exit(pid_t pid, int timeout_ms)
{
    int status;
    for (int waited = 0;; waited += 10) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (waited >= timeout_ms) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        struct timespec ts = {0, 10000000L};
        nanosleep(&ts, NULL);
    }
}

cli_result cli_run(const char *const *args, int timeout_ms)
{
    int out = temp_fd(), err = temp_fd();
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(out, 1);
        dup2(err, 2);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        exec_mock(args);
    }
    cli_result r;
    r.exit_code = wait_exit(pid, timeout_ms);
    r.out = slurp_fd(out);
    r.err = slurp_fd(err);
    close(out);
    close(err);
    return r;
}

void cli_result_free(cli_result *r)
{
    free(r->out);
    free(r->err);
}

bool cli_start(cli_server *s, const char *const *args)
{
    memset(s, 0, sizeof *s);
    int pipefd[2];
    ck_assert_int_eq(pipe(pipefd), 0);
    char errpath[] = "/tmp/quo-mock-cli-err-XXXXXX";
    int err = mkstemp(errpath);
    ck_assert_int_ge(err, 0);
    s->err_path = strdup(errpath);
    s->pid = fork();
    ck_assert_int_ge(s->pid, 0);
    if (s->pid == 0) {
        dup2(pipefd[1], 1);
        dup2(err, 2);
        close(pipefd[0]);
        exec_mock(args);
    }
    close(pipefd[1]);
    close(err);
    s->out_fd = pipefd[0];
    /* Read the first line byte by byte: it must come without buffering delay. */
    size_t n = 0;
    while (n + 1 < sizeof s->first_line) {
        struct pollfd p = {s->out_fd, POLLIN, 0};
        if (poll(&p, 1, 10000) <= 0)
            break;
        char c;
        if (read(s->out_fd, &c, 1) != 1)
            break;
        if (c == '\n')
            break;
        s->first_line[n++] = c;
    }
    s->first_line[n] = '\0';
    const char *colon = strrchr(s->first_line, ':');
    s->port = colon ? (unsigned)atoi(colon + 1) : 0;
    return s->port != 0;
}

int cli_signal_and_wait(cli_server *s, int sig, int timeout_ms)
{
    kill(s->pid, sig);
    int rc = wait_exit(s->pid, timeout_ms);
    s->pid = 0;
    return rc;
}

char *cli_server_stderr(const cli_server *s)
{
    int fd = open(s->err_path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    char *text = slurp_fd(fd);
    close(fd);
    return text;
}

void cli_server_cleanup(cli_server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
    }
    if (s->out_fd > 0)
        close(s->out_fd);
    if (s->err_path) {
        unlink(s->err_path);
        free(s->err_path);
    }
    memset(s, 0, sizeof *s);
}
