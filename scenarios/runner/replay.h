/* replay.h: `cutover replay`: reads a run recorded with `cutover run --db FILE` (the fake API
 * server's SQLite store: the events table holds every object version with its sequence number,
 * virtual time, verb and actor) and prints its timeline, the state at a point, or one object's
 * history. */
#ifndef CUTOVER_SCENARIO_REPLAY_H
#define CUTOVER_SCENARIO_REPLAY_H

#include <stdint.h>
#include <stdio.h>

typedef struct {
    int64_t at;         /* > 0: print every object as it was at this sequence number */
    const char *object; /* "KIND/NAME" or "KIND/NAMESPACE/NAME": follow one object, with diffs */
    int jsonl;          /* machine-readable output: one JSON object per line */
} sc_replay_opts;

/* Returns 0, or -1 with a message (unreadable file, not a recording, unknown object). */
int sc_replay(const char *db_path, const sc_replay_opts *o, FILE *out, char *err, size_t errlen);

#endif
