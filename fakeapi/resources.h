/* resources.h: the resource registry: built-in kinds from one table, plus kinds that
 * CustomResourceDefinitions register at run time; and API discovery documents built from it. */
#ifndef CUTOVER_FAKEAPI_RESOURCES_H
#define CUTOVER_FAKEAPI_RESOURCES_H

#include <cjson/cJSON.h>
#include <stdbool.h>

typedef struct fa_resource {
    char *group;   /* "" for the core group */
    char *version; /* "v1" */
    char *plural;  /* "pods" */
    char *singular;
    char *kind;
    char *list_kind;
    char *key; /* storage key: "pods", "replicasets.apps", "rollouts.argoproj.io" */
    bool namespaced;
    bool builtin;          /* compiled-in kind: strategic merge patch, unconditional PUT */
    bool has_status;       /* status subresource */
    bool has_scale;        /* scale subresource */
    char *scale_spec;      /* ".spec.replicas" */
    char *scale_status;    /* ".status.replicas" */
    char *scale_selector;  /* ".status.selector" or NULL */
    bool annotations_bump_generation; /* Deployment */
    bool has_generation;   /* metadata.generation is maintained (spec-bearing kinds, all CRs) */
    char **short_names;    /* NULL-terminated */
    char **categories;     /* NULL-terminated */
    const char *const *fields; /* supported field selectors, NULL-terminated */
    cJSON *printer_columns;    /* CRD additionalPrinterColumns, or NULL */
    char *crd_name;            /* set for CRD-registered kinds */
    cJSON *schema;             /* the version's schema.openAPIV3Schema (a copy), or NULL: no validation */
    bool preserve_unknown;     /* the CRD's spec.preserveUnknownFields: nothing is pruned */
} fa_resource;

typedef struct fa_registry fa_registry;

/* "group/version" ("v1" for the core group) into buf. */
void fa_gv(const fa_resource *res, char *buf, size_t n);

fa_registry *fa_registry_new(void);
void fa_registry_free(fa_registry *r);

/* Lookups return registry-owned entries (valid until the kind is unregistered). */
const fa_resource *fa_registry_find(const fa_registry *r, const char *group, const char *version,
                                    const char *plural);
const fa_resource *fa_registry_find_kind(const fa_registry *r, const char *api_version, const char *kind);
const fa_resource *fa_registry_find_key(const fa_registry *r, const char *key);

/* Registers (or re-registers) the kinds a CRD object declares; returns 0, or -1 with a message
 * naming the field that is wrong. */
int fa_registry_add_crd(fa_registry *r, const cJSON *crd, char *err, size_t errlen);
void fa_registry_remove_crd(fa_registry *r, const char *crd_name);

/* Discovery documents; caller frees. */
cJSON *fa_discovery_api(const char *server_addr);
cJSON *fa_discovery_apis(const fa_registry *r);
cJSON *fa_discovery_group(const fa_registry *r, const char *group); /* NULL if unknown */
cJSON *fa_discovery_resources(const fa_registry *r, const char *group, const char *version); /* NULL if unknown */
cJSON *fa_openapi_root(const fa_registry *r);
cJSON *fa_openapi_gv(const fa_registry *r, const char *group, const char *version); /* NULL if unknown */

#endif
