/* table.h: server-side printing. What a request's Accept header asks the answer to be (the
 * object itself, a meta.k8s.io Table, or PartialObjectMetadata), and the Tables themselves: the
 * kube-apiserver's printers for built-in kinds, a CRD version's additionalPrinterColumns for
 * custom resources, and the default Name / Created At convertor for the rest. */
#ifndef CUTOVER_FAKEAPI_TABLE_H
#define CUTOVER_FAKEAPI_TABLE_H

#include "fakeapi/internal.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    FA_AS_OBJECT,       /* the resource itself, as JSON (also for protobuf, YAML and wildcards) */
    FA_AS_TABLE,        /* meta.k8s.io Table */
    FA_AS_PARTIAL,      /* meta.k8s.io PartialObjectMetadata */
    FA_AS_PARTIAL_LIST, /* meta.k8s.io PartialObjectMetadataList */
} fa_as;

/* What goes in each Table row's "object" (the includeObject parameter). */
typedef enum { FA_INCLUDE_METADATA, FA_INCLUDE_NONE, FA_INCLUDE_OBJECT } fa_include;

typedef struct {
    fa_as as;
    char version[8];    /* meta.k8s.io version of a conversion: "v1" or "v1beta1" */
    fa_include include; /* Tables only */
} fa_output;

/* Negotiates an Accept header as the apiserver does: clauses by quality, the first acceptable one
 * wins; as=Table (JSON or YAML only) and as=PartialObjectMetadata[List] in meta.k8s.io v1 or
 * v1beta1 are conversions, anything else asking for one is skipped. NULL or "" means the object.
 * Returns 0, or -1 when no clause is acceptable and some clause asked for a conversion (a 406;
 * a header naming only media types this server does not know still gets the object as JSON). */
int fa_output_accept(const char *accept, fa_output *out);

/* The request's Accept header negotiated (fa_output_accept); -1 with the 406 queued in *ret. */
int fa_output_negotiate(fa_req *r, fa_output *out, enum MHD_Result *ret);

/* What the response body is, given the negotiated output: */
typedef enum { FA_SHAPE_OBJECT, FA_SHAPE_LIST, FA_SHAPE_SCALE } fa_shape;

/* Renders doc (an object, a list with items, or the Scale of an object) as o asks, with the
 * request's includeObject. Returns JSON text (caller frees), or NULL with the error response (400
 * for a bad includeObject, 406 for a PartialObjectMetadata[List] of the wrong shape) queued in *ret. */
char *fa_output_render(fa_req *r, const fa_output *o, const cJSON *doc, fa_shape shape, enum MHD_Result *ret);

/* Reads the request's includeObject into o (Tables only): 0, or -1 with the 400 queued. */
int fa_output_options(fa_req *r, fa_output *o, enum MHD_Result *ret);

/* One watch event's object as o asks (o->as != FA_AS_OBJECT): the Table of the one object (column
 * definitions only when headers), or its PartialObjectMetadata. NULL when the object should go
 * out as it is (a Status, unparsable JSON, or a PartialObjectMetadataList watch, as the apiserver
 * falls back). Caller frees. */
char *fa_output_event(const fa_resource *res, const fa_output *o, const char *json, int64_t now_ms, bool headers);

/* The Table of obj (one object, or a list when list is true) for resource res at time now_ms.
 * Caller frees (cJSON_Delete). */
cJSON *fa_table(const fa_resource *res, const cJSON *obj, bool list, const fa_output *o, int64_t now_ms,
                bool headers);


#endif
