/* cu_json.h: test helpers for JSON fixtures: objects kept until the end of a test case
 * (cu_keep, cu_drop), and YAML files of the source tree (cu_load_yaml). */
#ifndef CUTOVER_TESTS_CU_JSON_H
#define CUTOVER_TESTS_CU_JSON_H

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file.h"
#include "common/yaml.h"
#include "cu.h"

static cJSON *cu_made[256];
static int cu_nmade;

/* Keeps o (never NULL: that fails the test) until cu_drop(); returns it. */
static inline cJSON *cu_keep(cJSON *o)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_FATAL(cu_nmade < (int)(sizeof cu_made / sizeof cu_made[0]));
    cu_made[cu_nmade++] = o;
    return o;
}

/* Frees everything kept: at the end of each test case. */
static inline void cu_drop(void)
{
    for (int i = 0; i < cu_nmade; i++)
        cJSON_Delete(cu_made[i]);
    cu_nmade = 0;
}

/* One YAML document of a file of the source tree (rel: from its root, e.g.
   "deploy/crds/rollout-crd.yaml"); NULL after a message on stderr. Caller frees. */
static inline cJSON *cu_load_yaml(const char *rel)
{
    char path[1024];
    const char *here = __FILE__, *slash = strrchr(here, '/'); /* .../tests/unit/cu_json.h */
    snprintf(path, sizeof path, "%.*s/../../%s", slash ? (int)(slash - here) : 1, slash ? here : ".", rel);
    size_t len;
    char *text = co_read_file(path, 0, &len), err[256] = "";
    cJSON *doc = text ? yaml_parse_one(text, len, err, sizeof err) : NULL;
    if (!doc)
        fprintf(stderr, "%s: %s\n", path, text ? err : strerror(errno));
    free(text);
    return doc;
}

#endif
