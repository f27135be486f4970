/* json_access.c - small read helpers over trees built by the JSON gate. */
#include <string.h>

#include "quo/json.h"

const cJSON *quo_json_member(const quo_json_doc *doc, const cJSON *obj, const char *name)
{
    if (!cJSON_IsObject(obj))
        return NULL;
    size_t n = strlen(name);
    for (const cJSON *m = obj->child; m; m = m->next)
        if (m->string && m->string[0] == name[0] && quo_json_keylen(doc, m) == n &&
            memcmp(m->string, name, n) == 0)
            return m;
    return NULL;
}

const char *quo_json_type_name(const cJSON *node)
{
    if (cJSON_IsObject(node)) return "object";
    if (cJSON_IsArray(node)) return "array";
    if (cJSON_IsString(node)) return "string";
    if (cJSON_IsNumber(node)) return "number";
    if (cJSON_IsBool(node)) return "boolean";
    return "null";
}
