/* clients.c - telling clients apart and summing up each one. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients.h"
#include "text.h"

static const char *header(const quo_mock_request *req, const char *name)
{
    for (size_t i = 0; i < req->header_count; i++) {
        const quo_mock_header *h = &req->headers[i];
        if (h->name && h->value && mock_text_ieq(h->name, strlen(h->name), name))
            return h->value;
    }
    return NULL;
}

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* "key-" and the fingerprint in 8 hex digits; by hand, as this runs for
 * every request of a client without a name. */
static void key_id(char *id, size_t idsz, uint32_t h)
{
    static const char hex[] = "0123456789abcdef";
    char t[13] = "key-";
    for (int i = 0; i < 8; i++)
        t[4 + i] = hex[(h >> (28 - 4 * i)) & 15u];
    t[12] = '\0';
    if (idsz == 0)
        return;
    size_t n = idsz - 1 < sizeof t - 1 ? idsz - 1 : sizeof t - 1;
    memcpy(id, t, n);
    id[n] = '\0';
}

void mock_client_identify(const quo_mock_request *req, char *id, size_t idsz,
                          const char **source)
{
    const char *v = header(req, "Quo-Client");
    *source = "Quo-Client";
    if (!v || !*v) {
        v = header(req, "User-Agent");
        *source = "User-Agent";
    }
    if (v && *v) {
        mock_text_excerpt(id, idsz, v, strlen(v), MOCK_CLIENT_ID_MAX);
        return;
    }
    const char *key = header(req, "Authorization");
    if (key) {
        /* The same key with and without surrounding blanks is one client. */
        while (*key == ' ' || *key == '\t')
            key++;
        size_t n = strlen(key);
        while (n && (key[n - 1] == ' ' || key[n - 1] == '\t'))
            n--;
        key_id(id, idsz, fnv1a(key, n));
        *source = "key";
        return;
    }
    snprintf(id, idsz, "anonymous");
    *source = "none";
}

mock_client *mock_clients_get(mock_clients *t, const char *id, const char *source,
                              int64_t now_ms)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->items[i].id, id) == 0)
            return &t->items[i];
    if (t->count == MOCK_CLIENTS_MAX)
        return &t->items[t->count - 1];
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        mock_client *p = realloc(t->items, cap * sizeof *p);
        if (!p)
            return NULL;
        t->items = p;
        t->cap = cap;
    }
    mock_client *c = &t->items[t->count];
    memset(c, 0, sizeof *c);
    /* The last slot stands for every client past the limit. */
    c->id = strdup(t->count + 1 == MOCK_CLIENTS_MAX ? "(other clients)" : id);
    if (!c->id)
        return NULL;
    c->source = t->count + 1 == MOCK_CLIENTS_MAX ? "none" : source;
    c->first_ms = now_ms;
    t->count++;
    return c;
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static char *dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

void mock_client_problem(mock_client *c, const mock_finding *it, int64_t now_ms,
                         uint64_t request)
{
    for (size_t i = 0; i < c->n_problems; i++) {
        mock_problem *p = &c->problems[i];
        if (strcmp(p->rule, it->rule) == 0 && strcmp(p->path, it->path) == 0 &&
            (it->hint ? same(p->hint, it->hint) : !p->hint && same(p->message, it->message))) {
            p->count++;
            p->last_ms = now_ms;
            return;
        }
    }
    if (c->n_problems == MOCK_PROBLEMS_MAX) {
        c->problems_dropped++;
        return;
    }
    if (c->n_problems == c->problems_cap) {
        size_t cap = c->problems_cap ? c->problems_cap * 2 : 4;
        mock_problem *p = realloc(c->problems, cap * sizeof *p);
        if (!p) {
            c->problems_dropped++;
            return;
        }
        c->problems = p;
        c->problems_cap = cap;
    }
    mock_problem p = {dup(it->rule), dup(it->path), dup(it->message), dup(it->hint),
                      dup(it->value), 1, now_ms, now_ms, request};
    if (!p.rule || !p.path || !p.message || (it->hint && !p.hint) || (it->value && !p.value)) {
        free(p.rule), free(p.path), free(p.message), free(p.hint), free(p.value);
        c->problems_dropped++;
        return;
    }
    c->problems[c->n_problems++] = p;
}

void mock_clients_clear(mock_clients *t)
{
    for (size_t i = 0; i < t->count; i++) {
        mock_client *c = &t->items[i];
        for (size_t k = 0; k < c->n_problems; k++) {
            mock_problem *p = &c->problems[k];
            free(p->rule), free(p->path), free(p->message), free(p->hint), free(p->value);
        }
        free(c->problems);
        free(c->id);
    }
    free(t->items);
    memset(t, 0, sizeof *t);
}
