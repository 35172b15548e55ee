/* match.h: the scenario format's matching rules (SCENARIOS.md "Matching"): partial matches of an
 * expected object against an actual one, the field-by-field difference shown on failure, and
 * durations. */
#ifndef CUTOVER_SCENARIO_MATCH_H
#define CUTOVER_SCENARIO_MATCH_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"

/* Does actual match expected? Maps: every expected key exists in actual and matches; lists:
 * every expected element matches a distinct actual element, in any order; scalars: equal, with
 * no type coercion ("10" is not 10); expected null: the key is absent or null. */
bool sc_match(const cJSON *expected, const cJSON *actual);

/* How close actual comes to expected: the number of expected leaves that match (to pick the
 * closest of several actual objects for a failure report). */
int sc_match_score(const cJSON *expected, const cJSON *actual);

/* Appends one line per mismatch to out, as "  <path>: expected <json>, got <json>" (or "got
 * nothing" when absent; lists: "no element matches <json>"), paths like
 * status.conditions[type=Paused].status or spec.template.spec.containers[0].image. Returns the
 * number of mismatches (0 when sc_match holds). */
int sc_diff(const cJSON *expected, const cJSON *actual, co_buf *out);

/* Parses a duration: a number (seconds) or a string "30", "30s", "1m", "1h", "500ms", "1m30s",
 * "1.5s". Returns 0 with *ms, or -1 with a message. */
int sc_parse_duration(const cJSON *v, int64_t *ms, char *err, size_t errlen);

#endif
