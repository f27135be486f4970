/* spec.c - loads the OpenAPI document and compiles what the product needs
 * from it: the request schema, one schema per documented status, the error
 * constants and the request's link properties. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/io.h"
#include "quo/json.h"
#include "quo/spec.h"

/* Generated at build time from spec/create-task.openapi.json. */
extern const char quo_spec_embedded[];
extern const size_t quo_spec_embedded_len;

/* Upper bound for a --spec file: the real document is ~10 KiB. */
#define SPEC_MAX_BYTES (16u * 1024u * 1024u)
#define POINTER_MAX 256

typedef struct spec_response {
    int status;
    const cJSON *schema_json;
    char pointer[POINTER_MAX];
    quo_schema *schema;
    const char *media;
    bool has_consts;
    quo_spec_error_consts consts;
} spec_response;

struct quo_spec {
    quo_json_doc *doc;
    const cJSON *request_json;
    char request_pointer[POINTER_MAX];
    quo_schema *request_schema;
    size_t status_count;
    spec_response responses[QUO_SPEC_MAX_STATUSES];
    size_t link_count;
    const char *links[QUO_SPEC_MAX_LINKS];
    size_t link_lens[QUO_SPEC_MAX_LINKS];
};

const char *quo_spec_default_text(size_t *len)
{
    if (len)
        *len = quo_spec_embedded_len;
    return quo_spec_embedded;
}

static const cJSON *member(const cJSON *obj, const char *name)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;
}

/* The OpenAPI operation object of POST /v1/tasks. */
static const cJSON *find_operation(const cJSON *root, quo_error *err)
{
    const cJSON *op = member(member(member(root, "paths"), QUO_SPEC_PATH), QUO_SPEC_METHOD);
    if (!cJSON_IsObject(op))
        quo_error_set(err, QUO_ESPEC, 0,
                      "spec has no operation at paths./v1/tasks.post");
    return op;
}

/* Picks application/json from a `content` map (else its first entry), so
 * both the request and each response find their schema the same way. */
static const cJSON *pick_media(const cJSON *content, const char **media)
{
    const cJSON *m = member(content, "application/json");
    if (!m && cJSON_IsObject(content))
        m = content->child;
    *media = m ? m->string : NULL;
    return member(m, "schema");
}

/* Appends the RFC 6901 form of one reference token to buf. */
static void pointer_append(char *buf, const char *token)
{
    size_t n = strlen(buf);
    if (n + 1 < POINTER_MAX)
        buf[n++] = '/';
    for (; *token && n + 2 < POINTER_MAX; token++) {
        if (*token == '~' || *token == '/') {
            buf[n++] = '~';
            buf[n++] = *token == '~' ? '0' : '1';
        } else {
            buf[n++] = *token;
        }
    }
    buf[n] = '\0';
}

/* "/paths/~1v1~1tasks/post" followed by the given tokens. */
static void operation_pointer(char *buf, const char *const *tokens, size_t n)
{
    buf[0] = '\0';
    pointer_append(buf, "paths");
    pointer_append(buf, QUO_SPEC_PATH);
    pointer_append(buf, QUO_SPEC_METHOD);
    for (size_t i = 0; i < n; i++)
        pointer_append(buf, tokens[i]);
}

static quo_status compile_request(quo_spec *spec, const cJSON *op, quo_error *err)
{
    const char *media = NULL;
    spec->request_json = pick_media(member(member(op, "requestBody"), "content"), &media);
    if (!spec->request_json || strcmp(media, "application/json") != 0)
        return quo_error_set(err, QUO_ESPEC, 0,
                             "spec has no application/json request body schema for POST /v1/tasks");
    const char *tokens[] = {"requestBody", "content", media, "schema"};
    operation_pointer(spec->request_pointer, tokens, 4);
    return quo_schema_compile(quo_json_root(spec->doc), spec->doc,
                              spec->request_pointer, &spec->request_schema, err);
}

/* A `const` string of an error schema's property, or NULL. */
static const char *const_string(const cJSON *props, const char *name)
{
    const cJSON *c = member(member(props, name), "const");
    return cJSON_IsString(c) ? c->valuestring : NULL;
}

static void read_error_consts(spec_response *r)
{
    const cJSON *props = member(r->schema_json, "properties");
    const cJSON *status = member(member(props, "status"), "const");
    r->consts.code = const_string(props, "code");
    r->consts.docs = const_string(props, "docs");
    r->consts.title = const_string(props, "title");
    r->consts.status = cJSON_IsNumber(status) ? status->valuedouble : 0;
    r->has_consts = r->status >= 400 && r->consts.code && r->consts.docs &&
                    r->consts.title && cJSON_IsNumber(status);
}

static int parse_status(const char *key)
{
    if (!key || strlen(key) != 3)
        return -1;
    for (int i = 0; i < 3; i++)
        if (key[i] < '0' || key[i] > '9')
            return -1;
    int s = (key[0] - '0') * 100 + (key[1] - '0') * 10 + (key[2] - '0');
    return s >= 100 && s <= 599 ? s : -1;
}

static int cmp_response(const void *a, const void *b)
{
    return ((const spec_response *)a)->status - ((const spec_response *)b)->status;
}

static quo_status compile_responses(quo_spec *spec, const cJSON *op, quo_error *err)
{
    const cJSON *responses = member(op, "responses");
    if (!cJSON_IsObject(responses))
        return quo_error_set(err, QUO_ESPEC, 0, "spec has no responses for POST /v1/tasks");
    for (const cJSON *r = responses->child; r; r = r->next) {
        int status = parse_status(r->string);
        if (status < 0)
            return quo_error_set(err, QUO_ESPEC, 0,
                                 "response key \"%s\" is not a status code (ranges and default are not supported)",
                                 r->string);
        if (spec->status_count == QUO_SPEC_MAX_STATUSES)
            return quo_error_set(err, QUO_ESPEC, 0, "more than %d documented statuses",
                                 QUO_SPEC_MAX_STATUSES);
        spec_response *sr = &spec->responses[spec->status_count++];
        sr->status = status;
        sr->schema_json = pick_media(member(r, "content"), &sr->media);
        if (!sr->schema_json)
            return quo_error_set(err, QUO_ESPEC, 0, "response %d has no content schema", status);
        if (strcmp(sr->media, "application/json") != 0)
            return quo_error_set(err, QUO_ESPEC, 0,
                                 "response %d is documented as %s; only application/json is supported",
                                 status, sr->media);
        const char *tokens[] = {"responses", r->string, "content", sr->media, "schema"};
        operation_pointer(sr->pointer, tokens, 5);
        quo_status st = quo_schema_compile(quo_json_root(spec->doc), spec->doc, sr->pointer,
                                           &sr->schema, err);
        if (st != QUO_OK)
            return st;
        read_error_consts(sr);
    }
    qsort(spec->responses, spec->status_count, sizeof spec->responses[0], cmp_response);
    return QUO_OK;
}

static bool in_required(const cJSON *required, const char *name)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, required)
        if (cJSON_IsString(x) && strcmp(x->valuestring, name) == 0)
            return true;
    return false;
}

/* The link property of each anyOf branch: the one required member that no
 * other branch requires. A request schema without anyOf has no links. */
static quo_status find_links(quo_spec *spec, quo_error *err)
{
    const cJSON *any = member(spec->request_json, "anyOf");
    if (!any)
        return QUO_OK;
    int n = cJSON_GetArraySize(any);
    if (n > QUO_SPEC_MAX_LINKS)
        return quo_error_set(err, QUO_ESPEC, 0, "request anyOf has more than %d branches",
                             QUO_SPEC_MAX_LINKS);
    for (int i = 0; i < n; i++) {
        const cJSON *req = member(cJSON_GetArrayItem(any, i), "required");
        const char *link = NULL;
        const cJSON *name;
        cJSON_ArrayForEach(name, req) {
            bool shared = false;
            for (int j = 0; j < n && !shared; j++)
                shared = j != i && in_required(member(cJSON_GetArrayItem(any, j), "required"),
                                               name->valuestring);
            if (shared)
                continue;
            if (link)
                return quo_error_set(err, QUO_ESPEC, 0,
                                     "request anyOf branch %d requires both %s and %s that no other branch does",
                                     i, link, name->valuestring);
            link = name->valuestring;
        }
        if (!link)
            return quo_error_set(err, QUO_ESPEC, 0,
                                 "request anyOf branch %d has no link property of its own", i);
        spec->link_lens[spec->link_count] = strlen(link);
        spec->links[spec->link_count++] = link;
    }
    return QUO_OK;
}

quo_status quo_spec_load_buffer(const char *json, size_t len, quo_spec **out, quo_error *err)
{
    *out = NULL;
    quo_spec *spec = calloc(1, sizeof *spec);
    if (!spec)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory loading the spec");
    quo_status st = quo_json_parse(json, len, 0, &spec->doc, err);
    const cJSON *op = NULL;
    if (st == QUO_OK && !(op = find_operation(quo_json_root(spec->doc), err)))
        st = QUO_ESPEC;
    if (st == QUO_OK)
        st = compile_request(spec, op, err);
    if (st == QUO_OK)
        st = compile_responses(spec, op, err);
    if (st == QUO_OK)
        st = find_links(spec, err);
    if (st != QUO_OK) {
        quo_spec_free(spec);
        return st;
    }
    *out = spec;
    return QUO_OK;
}

quo_status quo_spec_load_default(quo_spec **out, quo_error *err)
{
    return quo_spec_load_buffer(quo_spec_embedded, quo_spec_embedded_len, out, err);
}

quo_status quo_spec_load_file(const char *path, quo_spec **out, quo_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return quo_error_set(err, QUO_EIO, 0, "%s: %s", path, quo_errno_text(errno).text);
    char *buf = malloc(SPEC_MAX_BYTES);
    if (!buf) {
        fclose(f);
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory reading %s", path);
    }
    size_t n = fread(buf, 1, SPEC_MAX_BYTES, f);
    bool bad = ferror(f) != 0, big = !bad && n == SPEC_MAX_BYTES && fgetc(f) != EOF;
    fclose(f);
    quo_status st;
    if (bad)
        st = quo_error_set(err, QUO_EIO, 0, "%s: read error", path);
    else if (big)
        st = quo_error_set(err, QUO_ELIMIT, 0, "%s: larger than %u bytes", path, SPEC_MAX_BYTES);
    else if ((st = quo_spec_load_buffer(buf, n, out, err)) != QUO_OK && err) {
        char inner[QUO_ERROR_MESSAGE_MAX];
        memcpy(inner, err->message, sizeof inner);
        quo_error_set(err, st, err->offset, "%s: %.200s", path, inner);
    }
    free(buf);
    return st;
}

void quo_spec_free(quo_spec *spec)
{
    if (!spec)
        return;
    quo_schema_free(spec->request_schema);
    for (size_t i = 0; i < spec->status_count; i++)
        quo_schema_free(spec->responses[i].schema);
    quo_json_free(spec->doc);
    free(spec);
}

const cJSON *quo_spec_document(const quo_spec *spec) { return quo_json_root(spec->doc); }
const quo_schema *quo_spec_request_schema(const quo_spec *spec) { return spec->request_schema; }
const cJSON *quo_spec_request_schema_json(const quo_spec *spec) { return spec->request_json; }
const char *quo_spec_request_pointer(const quo_spec *spec) { return spec->request_pointer; }
size_t quo_spec_status_count(const quo_spec *spec) { return spec->status_count; }
size_t quo_spec_link_count(const quo_spec *spec) { return spec->link_count; }

int quo_spec_status_at(const quo_spec *spec, size_t i)
{
    return i < spec->status_count ? spec->responses[i].status : -1;
}

const char *quo_spec_link_name(const quo_spec *spec, size_t i)
{
    return i < spec->link_count ? spec->links[i] : NULL;
}

const char *quo_spec_link_name_len(const quo_spec *spec, size_t i, size_t *len)
{
    *len = i < spec->link_count ? spec->link_lens[i] : 0;
    return quo_spec_link_name(spec, i);
}

static const spec_response *find_response(const quo_spec *spec, int status)
{
    for (size_t i = 0; i < spec->status_count; i++)
        if (spec->responses[i].status == status)
            return &spec->responses[i];
    return NULL;
}

const quo_schema *quo_spec_response_schema(const quo_spec *spec, int status)
{
    const spec_response *r = find_response(spec, status);
    return r ? r->schema : NULL;
}

const cJSON *quo_spec_response_schema_json(const quo_spec *spec, int status)
{
    const spec_response *r = find_response(spec, status);
    return r ? r->schema_json : NULL;
}

const char *quo_spec_response_media_type(const quo_spec *spec, int status)
{
    const spec_response *r = find_response(spec, status);
    return r ? r->media : NULL;
}

const char *quo_spec_response_pointer(const quo_spec *spec, int status)
{
    const spec_response *r = find_response(spec, status);
    return r ? r->pointer : NULL;
}

quo_status quo_spec_error_constants(const quo_spec *spec, int status,
                                    quo_spec_error_consts *out)
{
    const spec_response *r = find_response(spec, status);
    if (!r || !r->has_consts)
        return QUO_EUSAGE;
    *out = r->consts;
    return QUO_OK;
}
