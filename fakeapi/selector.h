/* selector.h: Kubernetes label selectors (labels.Parse) and field selectors (fields.ParseSelector)
 * for list and watch requests of the fake API server. */
#ifndef CUTOVER_FAKEAPI_SELECTOR_H
#define CUTOVER_FAKEAPI_SELECTOR_H

#include "common/buf.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct labelsel labelsel;

/* Parse a label selector (already URL-decoded). "" or NULL = everything. Returns NULL on a syntax
   error with a message in err like the apiserver's (e.g. `unable to parse requirement: ...`). Caller frees. */
labelsel *labelsel_parse(const char *s, char *err, size_t errlen);
/* labels: the metadata.labels object or NULL. A NULL sel matches everything. */
bool labelsel_matches(const labelsel *sel, const cJSON *labels);
bool labelsel_empty(const labelsel *sel);
/* The string form ("app=web,tier in (a,b),!x") of a LabelSelector object (matchLabels,
 * matchExpressions), as Scale status and selectors in URLs use it. Caller frees; "" = everything;
 * NULL when the apiserver could not convert it. */
char *labelsel_string(const cJSON *label_selector);
/* Appends the selector as metav1.LabelSelectorAsSelector(sel).String() prints it (requirements
 * sorted by key); -1 (nothing appended) for a selector the apiserver cannot convert. */
int labelsel_format(co_buf *b, const cJSON *label_selector);
void labelsel_free(labelsel *sel);

typedef struct fieldsel fieldsel;

/* Parse a field selector. `allowed` is a NULL-terminated list of supported field paths for the resource
   (e.g. {"metadata.name","metadata.namespace","status.phase",NULL}); an unsupported field gives NULL and
   err = `field label not supported: <field>` (the server turns it into 400 BadRequest).
   A NULL `allowed` accepts every field. */
fieldsel *fieldsel_parse(const char *s, const char *const *allowed, char *err, size_t errlen);
/* Values are read from the object by dotted path; missing = ""; bools "true"/"false"; numbers in
   decimal; an array of scalars is joined with ","; an object compares as "". */
bool fieldsel_matches(const fieldsel *sel, const cJSON *obj);
bool fieldsel_empty(const fieldsel *sel);
/* For the fast path: if the selector is exactly one `metadata.name=X` (or ==) requirement, return X
   (owned by sel), else NULL. */
const char *fieldsel_name(const fieldsel *sel);
void fieldsel_free(fieldsel *sel);

#endif
