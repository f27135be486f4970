/* spec.c - loads the OpenAPI document and owns its compiled contract
 * (src/contract.c, the only code that walks the document); the quo_spec_*
 * accessors answer from that contract. */
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

struct quo_spec {
    quo_json_doc *doc;
    quo_contract *contract;
    size_t status_count;
    int statuses[QUO_SPEC_MAX_STATUSES]; /* exact documented statuses, ascending */
};

const char *quo_spec_default_text(size_t *len)
{
    if (len)
        *len = quo_spec_embedded_len;
    return quo_spec_embedded;
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* The exact statuses, ascending, for the quo_spec_status_* list. */
static quo_status list_statuses(quo_spec *spec, quo_error *err)
{
    const quo_contract *c = spec->contract;
    for (size_t i = 0; i < quo_contract_response_count(c); i++) {
        int st = quo_contract_response_at(c, i)->status;
        if (!st)
            continue;
        if (spec->status_count == QUO_SPEC_MAX_STATUSES)
            return quo_error_set(err, QUO_ESPEC, 0, "more than %d documented statuses",
                                 QUO_SPEC_MAX_STATUSES);
        spec->statuses[spec->status_count++] = st;
    }
    qsort(spec->statuses, spec->status_count, sizeof spec->statuses[0], cmp_int);
    return QUO_OK;
}

quo_status quo_spec_load_buffer_op(const char *json, size_t len, const char *operation,
                                   quo_spec **out, quo_error *err)
{
    *out = NULL;
    quo_spec *spec = calloc(1, sizeof *spec);
    if (!spec)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory loading the spec");
    quo_status st = quo_json_parse(json, len, 0, &spec->doc, err);
    if (st == QUO_OK)
        st = quo_contract_compile(spec->doc, operation, &spec->contract, err);
    if (st == QUO_OK && !quo_contract_body_schema(spec->contract))
        st = quo_error_set(err, QUO_ESPEC, 0, "%s: the operation has no request body",
                           quo_contract_operation_pointer(spec->contract));
    if (st == QUO_OK)
        st = list_statuses(spec, err);
    if (st != QUO_OK) {
        quo_spec_free(spec);
        return st;
    }
    *out = spec;
    return QUO_OK;
}

quo_status quo_spec_load_buffer(const char *json, size_t len, quo_spec **out, quo_error *err)
{
    return quo_spec_load_buffer_op(json, len, NULL, out, err);
}

quo_status quo_spec_load_default(quo_spec **out, quo_error *err)
{
    return quo_spec_load_buffer(quo_spec_embedded, quo_spec_embedded_len, out, err);
}

quo_status quo_spec_load_file(const char *path, quo_spec **out, quo_error *err)
{
    return quo_spec_load_file_op(path, NULL, out, err);
}

quo_status quo_spec_load_file_op(const char *path, const char *operation, quo_spec **out,
                                 quo_error *err)
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
    else if ((st = quo_spec_load_buffer_op(buf, n, operation, out, err)) != QUO_OK && err) {
        char inner[QUO_ERROR_MESSAGE_MAX];
        memcpy(inner, err->message, sizeof inner);
        quo_error_set(err, st, err->offset, "%.100s: %.400s", path, inner);
    }
    free(buf);
    return st;
}

void quo_spec_free(quo_spec *spec)
{
    if (!spec)
        return;
    quo_contract_free(spec->contract);
    quo_json_free(spec->doc);
    free(spec);
}

const quo_contract *quo_spec_contract(const quo_spec *spec) { return spec->contract; }
const quo_json_doc *quo_spec_doc(const quo_spec *spec) { return spec->doc; }
const cJSON *quo_spec_document(const quo_spec *spec) { return quo_json_root(spec->doc); }
const char *quo_spec_path(const quo_spec *spec) { return quo_contract_path(spec->contract); }
const char *quo_spec_method(const quo_spec *spec) { return quo_contract_method(spec->contract); }
size_t quo_spec_status_count(const quo_spec *spec) { return spec->status_count; }

const quo_schema *quo_spec_request_schema(const quo_spec *spec)
{
    return quo_contract_body_schema(spec->contract);
}

const cJSON *quo_spec_request_schema_json(const quo_spec *spec)
{
    return quo_contract_body_schema_json(spec->contract);
}

const char *quo_spec_request_pointer(const quo_spec *spec)
{
    return quo_contract_body_pointer(spec->contract);
}

size_t quo_spec_link_count(const quo_spec *spec)
{
    return quo_contract_link_count(spec->contract);
}

int quo_spec_status_at(const quo_spec *spec, size_t i)
{
    return i < spec->status_count ? spec->statuses[i] : -1;
}

const char *quo_spec_link_name(const quo_spec *spec, size_t i)
{
    const quo_contract_link *l = quo_contract_link_at(spec->contract, i);
    return l ? l->name : NULL;
}

const char *quo_spec_link_name_len(const quo_spec *spec, size_t i, size_t *len)
{
    const quo_contract_link *l = quo_contract_link_at(spec->contract, i);
    *len = l ? l->name_len : 0;
    return l ? l->name : NULL;
}

static const quo_contract_response *find_response(const quo_spec *spec, int status)
{
    return quo_contract_response_for(spec->contract, status);
}

const quo_schema *quo_spec_response_schema(const quo_spec *spec, int status)
{
    const quo_contract_response *r = find_response(spec, status);
    return r ? r->schema : NULL;
}

const cJSON *quo_spec_response_schema_json(const quo_spec *spec, int status)
{
    const quo_contract_response *r = find_response(spec, status);
    return r ? r->schema_json : NULL;
}

const char *quo_spec_response_media_type(const quo_spec *spec, int status)
{
    const quo_contract_response *r = find_response(spec, status);
    return r ? r->media : NULL;
}

const char *quo_spec_response_pointer(const quo_spec *spec, int status)
{
    const quo_contract_response *r = find_response(spec, status);
    return r ? r->pointer : NULL;
}

bool quo_spec_documents(const quo_spec *spec, int status)
{
    return find_response(spec, status) != NULL;
}

int quo_spec_success_status(const quo_spec *spec)
{
    return quo_contract_success_status(spec->contract);
}

/* The error constants are the consts the status's schema pins at its
 * members code, docs, title and status (this API's error shape). */
quo_status quo_spec_error_constants(const quo_spec *spec, int status,
                                    quo_spec_error_consts *out)
{
    const quo_contract_response *r = find_response(spec, status);
    if (!r || status < 400)
        return QUO_EUSAGE;
    const cJSON *code = quo_contract_response_const(r, "code");
    const cJSON *docs = quo_contract_response_const(r, "docs");
    const cJSON *title = quo_contract_response_const(r, "title");
    const cJSON *st = quo_contract_response_const(r, "status");
    if (!cJSON_IsString(code) || !cJSON_IsString(docs) || !cJSON_IsString(title) ||
        !cJSON_IsNumber(st))
        return QUO_EUSAGE;
    out->code = code->valuestring;
    out->docs = docs->valuestring;
    out->title = title->valuestring;
    out->status = st->valuedouble;
    return QUO_OK;
}
