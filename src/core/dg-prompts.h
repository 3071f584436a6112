/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Our own prompts (intents of upstream 5.10): schema drafting and record generation, normal
 * and dataset mode. Unlike upstream, the job description reaches the model, and record
 * prompts carry the record index and the job seed to ask for variety.
 * Any change to the text bumps PROMPTS_VERSION (meson.build), which the job runner records.
 */

/* PROMPTS_VERSION of this build. */
const char *dg_prompts_version                 (void);

/* Messages for a schema draft: system prompt (dataset variant) + the user's request. */
JsonArray  *dg_prompts_draft_messages          (const char *title,
                                                const char *description,
                                                const char *instructions,
                                                gboolean    dataset_mode);
/* Request defaults for drafting: {"temperature":0.2,"max_tokens":1200} (user parameters override). */
JsonObject *dg_prompts_draft_parameters        (void);
/* The response_format schema for drafts: the JSON Schema meta-schema object of upstream 5.3. */
JsonNode   *dg_prompts_draft_response_schema   (void);

/* Prepared record prompt: everything that is the same for every record of a job is built
 * once; dg_record_prompt_messages() only adds the per-record line. Immutable, thread-safe. */
typedef struct _DgRecordPrompt DgRecordPrompt;

DgRecordPrompt *dg_record_prompt_new           (const char     *description,
                                                const char     *instructions,
                                                JsonNode       *schema,
                                                gboolean        dataset_mode);
DgRecordPrompt *dg_record_prompt_ref           (DgRecordPrompt *self);
void            dg_record_prompt_unref         (DgRecordPrompt *self);
/* [system, user: description + instructions, user: schema + "record #index, seed"] */
JsonArray      *dg_record_prompt_messages      (DgRecordPrompt *self,
                                                gint64          index,
                                                guint64         seed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgRecordPrompt, dg_record_prompt_unref)

G_END_DECLS
