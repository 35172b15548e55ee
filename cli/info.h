/* info.h: what `get rollout` and `list rollouts` print, computed from the objects as Argo's
 * kubectl plugin computes it (pkg/kubectl-argo-rollouts/info: rollout_info.go,
 * replicaset_info.go, pod_info.go; cmd/get/get_rollout.go, get.go; cmd/list/rollloutinfo.go),
 * and the column alignment of Go's text/tabwriter (as juju/ansiterm's, which ignores ANSI
 * colour sequences when it measures a cell). Pure: no I/O except the FILE* written to; "now" is
 * a parameter. */
#ifndef CUTOVER_CLI_INFO_H
#define CUTOVER_CLI_INFO_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- text/tabwriter ---- */

/* A Go text/tabwriter with padchar ' ' and no flags: cells are tab-TERMINATED; the text after a
   line's last tab is not part of any column (written as is, so padded cells before an empty last
   cell leave trailing spaces, exactly as Go). Tab-terminated cells in contiguous lines form a
   column block whose width is max(cell width + padding, minwidth). A cell's width is its number of
   UTF-8 code points, ANSI escape sequences (ESC [ ... final byte) not counted. */
typedef struct ci_tab ci_tab;
ci_tab *ci_tab_new(int minwidth, int padding);
void ci_tab_write(ci_tab *t, const char *text);
void ci_tab_printf(ci_tab *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Formats and writes everything buffered to out, then starts empty (Go's Flush). */
void ci_tab_flush(ci_tab *t, FILE *out);
void ci_tab_free(ci_tab *t);

/* ---- times ---- */

/* k8s.io/apimachinery duration.HumanDuration of ms: "<invalid>" below -1 s, "0s", "45s" (below 2
   minutes), "5m30s" (below 10 minutes), "45m" (below 3 hours), "3h59m" (below 8 hours), "20h",
   "6d2h" (below 8 days), "300d", "3y10d", "9y". out holds 32 bytes. */
/* The AGE column: HumanDuration(now - metadata.creationTimestamp); "<invalid>" ... like kubectl.
   A missing or unparsable timestamp is Go's zero time (long ago: "<years>y"). */
void ci_age(const cJSON *obj, int64_t now_ms, char out[32]);

/* ---- get rollout ---- */

/* The Rollout's header and tree as `kubectl argo rollouts get rollout` prints them:
   `rss`, `pods` and `ars` are arrays of the namespace's ReplicaSets, Pods and AnalysisRuns (a
   List's items; NULL = none); only the ReplicaSets and AnalysisRuns with an ownerReference to the
   rollout's uid, and the pods with one to those ReplicaSets, are shown (Experiments are not).
   color: Argo's ANSI colours (icons, tags, names); otherwise plain text. */
void ci_print_rollout(FILE *out, const cJSON *ro, const cJSON *rss, const cJSON *pods, const cJSON *ars, int64_t now_ms,
                      bool color);

/* The phase and message a client shows (Argo's GetRolloutPhase: not-yet-observed generation,
   unpausing, status.phase/message, else CalculateRolloutPhase). message holds n bytes. */
void ci_rollout_phase(const cJSON *ro, char phase[32], char *message, size_t n);

/* Pieces of the header, for tests and other commands. */
/* "<currentStepIndex>/<steps>" or "" (no index or no steps). */
void ci_rollout_step(const cJSON *ro, char out[32]);

/* ---- list rollouts ---- */

typedef struct {
    const char *ns, *name; /* borrowed from the rollout object */
    char strategy[16];     /* Canary, BlueGreen, unknown */
    char status[32];       /* the phase (GetRolloutPhase) */
    char step[32];         /* "1/3" or "-" */
    char set_weight[16];   /* "10" or "-" */
    char ready[48];        /* "<readyReplicas>/<replicas>" */
    int desired, up_to_date, available;
} ci_list_row;

void ci_list_row_of(const cJSON *ro, ci_list_row *r);
bool ci_list_row_equal(const ci_list_row *a, const ci_list_row *b);
/* Argo's list header ("NAME\tSTRATEGY\t...\n", with NAMESPACE first when all_ns, and TIMESTAMP
   before it when timestamp is non-NULL) into t. */
void ci_list_header(ci_tab *t, bool all_ns, bool timestamps);
/* One row with Argo's padded columns ("%-10s\t%-9s\t..."); timestamp NULL = no TIMESTAMP. */
void ci_list_row_write(ci_tab *t, const ci_list_row *r, bool all_ns, const char *timestamp);

#endif
