/* violation.c - the list every verdict is reported in. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/buf.h"
#include "quo/violation.h"
#include "quo/utf8.h"

void quo_violations_init(quo_violations *list)
{
    list->items = NULL;
    list->count = 0;
    list->cap = 0;
}

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

#if defined(__GNUC__)
__attribute__((format(printf, 7, 0)))
#endif
static quo_status add(quo_violations *list, const quo_json_doc *doc, const char *path,
                      const cJSON *value, const char *keyword, const char *schema_type,
                      const char *fmt, va_list ap)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 4;
        quo_violation *items = realloc(list->items, cap * sizeof *items);
        if (!items)
            return QUO_ENOMEM;
        list->items = items;
        list->cap = cap;
    }
    quo_violation v = {0};
    /* Most messages come precomputed: skip printf for the plain "%s". */
    if (strcmp(fmt, "%s") == 0)
        v.message = dup_string(va_arg(ap, const char *));
    else
        v.message = quo_vformat(fmt, ap);
    v.path = dup_string(path ? path : "");
    v.keyword = keyword ? keyword : "";
    v.schema_type = schema_type ? schema_type : "any";
    if (!v.message || !v.path || quo_json_copy(doc, value, &v.value) != QUO_OK) {
        free(v.message);
        free(v.path);
        return QUO_ENOMEM;
    }
    quo_utf8_scrub(v.message);
    list->items[list->count++] = v;
    return QUO_OK;
}

quo_status quo_violations_add(quo_violations *list, const char *path,
                              const cJSON *value, const char *keyword,
                              const char *schema_type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    quo_status st = add(list, NULL, path, value, keyword, schema_type, fmt, ap);
    va_end(ap);
    return st;
}

quo_status quo_violations_add_doc(quo_violations *list, const quo_json_doc *doc,
                                  const char *path, const cJSON *value,
                                  const char *keyword, const char *schema_type,
                                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    quo_status st = add(list, doc, path, value, keyword, schema_type, fmt, ap);
    va_end(ap);
    return st;
}

void quo_violations_clear(quo_violations *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].path);
        free(list->items[i].message);
        quo_json_delete(list->items[i].value); /* any depth: no recursion */
    }
    list->count = 0;
}

void quo_violations_free(quo_violations *list)
{
    quo_violations_clear(list);
    free(list->items);
    quo_violations_init(list);
}

/* One errors[] item: {path, message, value?, schema: {type}}. */
static cJSON *violation_to_json(const quo_violation *v)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *schema = cJSON_CreateObject();
    if (!o || !schema)
        goto fail;
    if (!cJSON_AddStringToObject(o, "path", v->path) ||
        !cJSON_AddStringToObject(o, "message", v->message))
        goto fail;
    if (v->value) {
        cJSON *val = NULL; /* copied without recursion: values may nest deeply */
        if (quo_json_copy(NULL, v->value, &val) != QUO_OK || !val ||
            !cJSON_AddItemToObject(o, "value", val)) {
            quo_json_delete(val);
            goto fail;
        }
    }
    if (!cJSON_AddStringToObject(schema, "type", v->schema_type) ||
        !cJSON_AddItemToObject(o, "schema", schema))
        goto fail;
    return o;
fail:
    quo_json_delete(schema);
    quo_json_delete(o);
    return NULL;
}

cJSON *quo_violations_to_json(const quo_violations *list)
{
    cJSON *arr = cJSON_CreateArray();
    if (!arr)
        return NULL;
    for (size_t i = 0; i < list->count; i++) {
        cJSON *item = violation_to_json(&list->items[i]);
        if (!item || !cJSON_AddItemToArray(arr, item)) {
            quo_json_delete(item);
            quo_json_delete(arr);
            return NULL;
        }
    }
    return arr;
}

