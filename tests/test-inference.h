/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-inference.h"
#include "dg-model-standin.h"

G_BEGIN_DECLS

/* Helpers shared by test-inference.c and test-inference-faults.c. */

#define TEST_WAIT_MS 15000

/* An engine with short timeouts and millisecond backoff, so fault tests stay fast. */
DgInference         *test_inference_new      (guint               concurrency,
                                              guint               max_attempts,
                                              guint               timeout_ms);
/* An endpoint on the stand-in, local addresses allowed. */
DgInferenceEndpoint *test_endpoint_new       (DgModelStandin     *standin,
                                              DgInferenceBackend  backend);
/* {"name": string, "age": integer 0..120}, both required, no other keys. */
JsonNode            *test_person_schema      (void);
/* The validation hook used by the tests (a tiny check of the person schema). */
char                *test_validate_person    (JsonNode           *output,
                                              gpointer            user_data);
DgInferenceRequest  *test_record_request     (DgInferenceEndpoint *endpoint,
                                              gint64              index);

/* Submits @requests to @queue and waits (bounded) for every result; results in completion order. */
GPtrArray           *test_run                (DgInference        *inference,
                                              DgInferenceQueue   *queue,
                                              DgInferenceRequest **requests,
                                              guint               n_requests);
/* test_run() of @n_requests record requests (indexes 0 … @n_requests - 1) on @endpoint. */
GPtrArray           *test_run_records        (DgInference        *inference,
                                              DgInferenceQueue   *queue,
                                              DgInferenceEndpoint *endpoint,
                                              guint               n_requests);
/* Asserts that every result in @results (from test_run) is OK. */
void                 test_assert_all_ok      (GPtrArray          *results);
/* A DgInferenceCallback that appends a reference to @result to the GPtrArray @user_data. */
void                 test_collect_cb         (DgInferenceResult  *result,
                                              gpointer            user_data);
/* Outcomes of @result's attempts as "server-error,ok". */
char                *test_outcomes           (DgInferenceResult  *result);

void                 test_inference_add_flow_tests  (void);
void                 test_inference_add_fault_tests (void);

G_END_DECLS
