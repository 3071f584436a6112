/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-json-schema"

#include "config.h"

#include "dg-json-schema-compiler.h"

/* The compiled schema graph's one global check: no reference cycle applies in place. */

/* Subschemas that apply to the same value unconditionally (or nearly so). */
static void
in_place_edges (const DgJsSchema *s, GPtrArray *out)
{
  g_ptr_array_set_size (out, 0);
  if (s->ref != NULL)
    g_ptr_array_add (out, s->ref);
  if (s->dynamic_ref != NULL)
    g_ptr_array_add (out, s->dynamic_ref);
  for (guint i = 0; i < s->n_all_of; i++)
    g_ptr_array_add (out, s->all_of[i]);
  for (guint i = 0; i < s->n_any_of; i++)
    g_ptr_array_add (out, s->any_of[i]);
  for (guint i = 0; i < s->n_one_of; i++)
    g_ptr_array_add (out, s->one_of[i]);
  if (s->not_schema != NULL)
    g_ptr_array_add (out, s->not_schema);
  if (s->if_schema != NULL)
    g_ptr_array_add (out, s->if_schema);
}

/**
 * dg_js_compiler_check_cycles:
 *
 * Fails (REF_CYCLE) when following $ref, $dynamicRef and the in-place applicators from a
 * subschema can lead back to it: validation would apply it to the same value forever.
 */
gboolean
dg_js_compiler_check_cycles (DgJsCompiler *c)
{
  /* Iterative depth-first search: 1 = on the current path, 2 = done. */
  g_autoptr (GHashTable) state = g_hash_table_new (NULL, NULL);
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (DgJsSchema *));
  g_autoptr (GArray) next = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GPtrArray) edges = g_ptr_array_new ();

  for (guint i = 0; i < c->result->schemas->len; i++)
    {
      DgJsSchema *start = g_ptr_array_index (c->result->schemas, i);
      guint zero = 0;

      if (g_hash_table_contains (state, start))
        continue;
      g_array_append_val (stack, start);
      g_array_append_val (next, zero);
      g_hash_table_insert (state, start, GUINT_TO_POINTER (1));
      while (stack->len > 0)
        {
          DgJsSchema *s = g_array_index (stack, DgJsSchema *, stack->len - 1);
          guint *n = &g_array_index (next, guint, next->len - 1);
          DgJsSchema *t;
          guint st;

          in_place_edges (s, edges);
          if (*n >= edges->len)
            {
              g_hash_table_insert (state, s, GUINT_TO_POINTER (2));
              g_array_set_size (stack, stack->len - 1);
              g_array_set_size (next, next->len - 1);
              continue;
            }
          t = g_ptr_array_index (edges, (*n)++);
          st = GPOINTER_TO_UINT (g_hash_table_lookup (state, t));
          if (st == 1)
            {
              g_autoptr (GString) path = g_string_new (NULL);
              gboolean on = FALSE;

              for (guint j = 0; j < stack->len; j++)
                {
                  DgJsSchema *p = g_array_index (stack, DgJsSchema *, j);

                  on |= p == t;
                  if (on)
                    g_string_append_printf (path, "“#%s” → ", p->location);
                }
              g_string_append_printf (path, "“#%s”", t->location);
              return dg_js_compiler_fail (c, t->location, DG_JSON_SCHEMA_ERROR_REF_CYCLE, NULL,
                                          "reference cycle: %s applies to the same value forever",
                                          path->str);
            }
          if (st == 0)
            {
              guint zero2 = 0;

              g_array_append_val (stack, t);
              g_array_append_val (next, zero2);
              g_hash_table_insert (state, t, GUINT_TO_POINTER (1));
            }
        }
    }
  return TRUE;
}
