/* json.c: cJSON helpers shared by every module. */
#include "common/json.h"

#include <string.h>

cJSON *cj_get(const cJSON *o, const char *dotted)
{
    const char *p = dotted;
    char key[256];
    while (o && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof key || !cJSON_IsObject(o))
            return NULL;
        memcpy(key, p, n);
        key[n] = 0;
        o = cJSON_GetObjectItemCaseSensitive(o, key);
        p += n + (dot ? 1 : 0);
    }
    return (cJSON *)o;
}

const char *cj_str(const cJSON *o, const char *dotted)
{
    cJSON *v = cj_get(o, dotted);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *cj_str0(const cJSON *o, const char *dotted)
{
    const char *v = cj_str(o, dotted);
    return v ? v : "";
}

cJSON *cj_obj(cJSON *o, const char *key)
{
    cJSON *c = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_IsObject(c))
        return c;
    c = cJSON_CreateObject();
    cj_set(o, key, c);
    return c;
}

void cj_set(cJSON *o, const char *key, cJSON *v)
{
    if (cJSON_GetObjectItemCaseSensitive(o, key))
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
    else
        cJSON_AddItemToObject(o, key, v);
}

void cj_set_str(cJSON *o, const char *key, const char *v) { cj_set(o, key, cJSON_CreateString(v)); }
void cj_set_num(cJSON *o, const char *key, double v) { cj_set(o, key, cJSON_CreateNumber(v)); }

bool cj_equal(const cJSON *a, const cJSON *b) { return (!a && !b) || cJSON_Compare(a, b, 1); }

cJSON *cj_parse(const char *text, size_t len)
{
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!v)
        return NULL;
    while (end < text + len && (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
        end++;
    if (end != text + len) {
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

void cj_set_first(cJSON *o, const char *key, cJSON *v)
{
    cJSON_DeleteItemFromObjectCaseSensitive(o, key);
    cJSON_AddItemToObject(o, key, v); /* sets the member name */
    if (o->child != v) /* cJSON_InsertItemInArray cannot insert into an empty container (1.7.15) */
        cJSON_InsertItemInArray(o, 0, cJSON_DetachItemViaPointer(o, v));
}

int cj_int(const cJSON *o, const char *dotted, int def)
{
    const cJSON *v = cj_get(o, dotted);
    return cJSON_IsNumber(v) ? (int)v->valuedouble : def;
}

bool cj_streq(const char *a, const char *b) { return a && b && !strcmp(a, b); }

char *cj_merge_diff_text(const cJSON *from, const cJSON *to)
{
    cJSON *patch = cj_merge_diff(from, to);
    char *text = patch ? cJSON_PrintUnformatted(patch) : NULL;
    cJSON_Delete(patch);
    return text;
}

cJSON *cj_merge_diff(const cJSON *from, const cJSON *to)
{
    cJSON *patch = cJSON_CreateObject();
    const cJSON *m;
    cJSON_ArrayForEach(m, from)
    {
        if (!cJSON_GetObjectItemCaseSensitive(to, m->string))
            cJSON_AddItemToObject(patch, m->string, cJSON_CreateNull());
    }
    cJSON_ArrayForEach(m, to)
    {
        const cJSON *was = cJSON_GetObjectItemCaseSensitive(from, m->string);
        if (was && cj_equal(was, m))
            continue;
        cJSON *sub = NULL;
        if (was && cJSON_IsObject(was) && cJSON_IsObject(m))
            sub = cj_merge_diff(was, m);
        else
            sub = cJSON_Duplicate(m, 1);
        if (sub)
            cJSON_AddItemToObject(patch, m->string, sub);
    }
    if (!patch->child) {
        cJSON_Delete(patch);
        return NULL;
    }
    return patch;
}

const char *cj_go_type(const cJSON *v)
{
    return cJSON_IsString(v) ? "string" : cJSON_IsNumber(v) ? "number" : cJSON_IsBool(v) ? "bool"
         : cJSON_IsArray(v)  ? "array" : cJSON_IsObject(v) ? "object" : "null";
}
