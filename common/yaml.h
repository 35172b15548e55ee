/* yaml.h: YAML <-> cJSON conversion (libyaml), resolving plain scalars the way Kubernetes'
 * sigs.k8s.io/yaml (go-yaml v2) does, and emitting kubectl-style block YAML. */
#ifndef CUTOVER_COMMON_YAML_H
#define CUTOVER_COMMON_YAML_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Limits enforced by the parser (errors, never crashes): collections nested deeper than
   YAML_MAX_DEPTH, or a document that would expand (anchors/aliases/merge keys included) to more
   than YAML_MAX_NODES cJSON nodes. yaml_emit refuses values nested deeper than YAML_MAX_DEPTH. */
#define YAML_MAX_DEPTH 1000
#define YAML_MAX_NODES 1000000

/* Parse every document of a (multi-document) YAML stream into a cJSON array of documents; empty
   documents (e.g. only comments, or a trailing `---`) are skipped. JSON is valid input too.
   On error returns NULL and err gets "line L, column C: <problem>" (1-based). Caller frees. */
cJSON *yaml_parse_all(const char *text, size_t len, char *err, size_t errlen);
/* Exactly one document expected (0 docs -> error "empty document", >1 -> error). */
cJSON *yaml_parse_one(const char *text, size_t len, char *err, size_t errlen);
/* Emit one cJSON value as a block-style YAML document (kubectl-like: 2-space indent, lists of maps
   as "- key: v", strings quoted only when needed so they round-trip as strings, e.g. "10", "true",
   "", ": x", leading spaces). Returns malloc'd text; caller frees. NULL on allocation failure or
   nesting deeper than YAML_MAX_DEPTH. */
char *yaml_emit(const cJSON *doc);

#endif
