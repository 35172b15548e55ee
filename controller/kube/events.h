/* events.h: an event recorder, as client-go's: core/v1 Events about objects, with repeats of the
 * same event folded into one Event whose count and lastTimestamp grow. */
#ifndef CUTOVER_KUBE_EVENTS_H
#define CUTOVER_KUBE_EVENTS_H

#include <cjson/cJSON.h>

#include "common/clock.h"
#include "controller/kube/client.h"

typedef struct kube_recorder kube_recorder;

/* component: the source ("rollouts-controller"). The client is borrowed. */
kube_recorder *kube_recorder_new(kube_client *c, const char *component, co_clock *clock);
void kube_recorder_free(kube_recorder *r);

/* Records an event about obj (it needs apiVersion, kind and metadata name/namespace/uid).
 * type is "Normal" or "Warning". Returns 0, or -1 when the API refused it (st says why). */
int kube_event(kube_recorder *r, const cJSON *obj, const char *type, const char *reason, const char *message,
               kube_status *st);

#endif
