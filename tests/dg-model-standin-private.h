/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dg-model-standin.h"

G_BEGIN_DECLS

/* A record that satisfies @schema (simple subset of JSON Schema), varied by @n. */
JsonNode *dg_model_standin_make_record         (JsonNode *schema,
                                                guint64   n);
/* A record that breaks @schema: required members missing, an extra member added. */
JsonNode *dg_model_standin_make_invalid_record (JsonNode *schema,
                                                guint64   n);

#define DG_STANDIN_PROMPT_TOKENS 42
#define DG_STANDIN_COMPLETION_TOKENS 17

/* The schema a request asks for: response_format's (Ratio1 "schema", OpenAI
 * "json_schema.schema"); *@json_schema_format tells whether it was a json_schema format. */
JsonNode *dg_model_standin_request_schema      (JsonNode  *request,
                                                gboolean   openai,
                                                gboolean  *json_schema_format);
/* In json_object mode a model follows the prompt: the JSON after the last "Schema:". */
JsonNode *dg_model_standin_prompt_schema       (JsonNode  *request);
/* The message content for @fault (the record, wrapped in prose or a fence, broken, …). */
char     *dg_model_standin_content_for         (DgStandinFault fault,
                                                JsonNode  *schema,
                                                guint      arrival,
                                                gboolean  *valid);
/* An OpenAI chat.completion answer carrying @content (as text parts when @parts). */
JsonNode *dg_model_standin_chat_payload        (const char *content,
                                                guint      arrival,
                                                gboolean   parts);
/* A Ratio1 create_chat_completion answer in @shape. */
char     *dg_model_standin_ratio1_body         (const char *content,
                                                guint      arrival,
                                                DgStandinRatio1Shape shape);

G_END_DECLS
