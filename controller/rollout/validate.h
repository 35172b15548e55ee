/* validate.h: Rollout spec validation, surfaced by the controller as the InvalidSpec condition.
 *
 * Mirrors Argo Rollouts' getRolloutValidationErrors (rollout/controller.go): the static rules of
 * pkg/apis/rollouts/validation/validation.go first, then the referenced-resource rules (Services,
 * nginx stable Ingresses). Only the first error is reported, formatted exactly like Argo's
 * condition message:
 *
 *   The Rollout "NAME" is invalid: <field path>: <Error type>[: <value>][: <detail>]
 *
 * e.g. `The Rollout "foo" is invalid: spec.strategy.blueGreen.activeService: Invalid value:
 * "active-svc": service "active-svc" not found`. Note that Argo's static strategy rules use the
 * path `spec.strategy.<field>` (no `canary.`/`blueGreen.`), while the reference rules use the full
 * path; both are reproduced as Argo writes them.
 *
 * A few checks are Cutover-specific (Argo never sees such objects or accepts them); they keep the
 * same format and are marked "Cutover-specific" in validate.c:
 *   - wrong JSON types (`replicas: "three"`, `steps: {}`), worded like the API server's schema
 *     check: `spec.replicas: Invalid value: "string": spec.replicas in body must be of type
 *     integer: "string"`;
 *   - blueGreen without activeService: `spec.strategy.blueGreen.activeService: Required value`
 *     (the CRD's own required-field message);
 *   - negative scaleDownDelayRevisionLimit;
 *   - setCanaryScale with more than one of replicas/weight/matchTrafficWeight;
 *   - analysis, experiment and plugin canary steps: `spec.strategy.canary.steps[N].analysis:
 *     Forbidden: analysis steps are not supported by Cutover yet` (until analysis lands).
 */
#ifndef CUTOVER_CONTROLLER_ROLLOUT_VALIDATE_H
#define CUTOVER_CONTROLLER_ROLLOUT_VALIDATE_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* What the controller knows about the objects a Rollout references (all in its namespace).
   Every member is optional: a NULL callback skips the checks that need it. */
typedef struct ro_refs {
    /* 1 when the Service exists, 0 when it does not (checked for active/preview, stable/canary and
       ping/pong Services, in Argo's order). */
    int (*service_exists)(void *ud, const char *name);
    /* The Service object (borrowed), or NULL when unknown. Used, when the Service exists, for
       Argo's "unmatch label" and "managed by another Rollout" rules. */
    const cJSON *(*get_service)(void *ud, const char *name);
    /* 1 when the Ingress exists, 0 when not (nginx stableIngress / stableIngresses). */
    int (*ingress_exists)(void *ud, const char *name);
    /* The Ingress object (borrowed), or NULL: used for "has no rules using service S backend". */
    const cJSON *(*get_ingress)(void *ud, const char *name);
    void *ud;
    /* Argo's rules only: without Cutover's "... steps are not supported by Cutover yet" (lint
       judges a file as Argo would; the controller refuses what it cannot run). */
    int argo_only;
} ro_refs;

/* Validates a Rollout object (the whole object: metadata.name names it in the message).
   refs may be NULL (no reference checks). Returns 0 when valid (message set to ""), else -1 with
   the InvalidSpec message in message (truncated to n-1 bytes, always NUL-terminated when n > 0).
   Never crashes on malformed input: any JSON shape is accepted, including NULL. */
int ro_validate(const cJSON *rollout, const ro_refs *refs, char *message, size_t n);

#endif
