/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-test"

#include "config.h"

#include <string.h>

#include "dg-inference.h"
#include "dg-json-repair.h"

/* Extracts from @text and compares with @expected (compact JSON); checks @flags are set. */
static void
assert_extract (const char *text, const char *expected, DgJsonRepairFlags flags)
{
  g_autoptr (GError) error = NULL;
  DgJsonRepairFlags repairs = 0;
  g_autoptr (JsonNode) node = dg_json_repair_extract (text, -1, &repairs, &error);
  g_autofree char *got = NULL;

  if (node == NULL)
    g_error ("Extracting %s failed: %s", text, error->message);
  got = json_to_string (node, FALSE);
  if (g_strcmp0 (got, expected) != 0)
    g_error ("Extracting %s gave %s, expected %s", text, got, expected);
  if ((repairs & flags) != flags)
    g_error ("Extracting %s reported repairs 0x%x, expected at least 0x%x", text, repairs, flags);
}

static void
assert_unparsable (const char *text, gssize length)
{
  g_autoptr (GError) error = NULL;
  DgJsonRepairFlags repairs = 123;
  g_autoptr (JsonNode) node = dg_json_repair_extract (text, length, &repairs, &error);

  if (node != NULL)
    {
      g_autofree char *got = json_to_string (node, FALSE);
      g_error ("Extracting %s should fail, gave %s", text, got);
    }
  g_assert_error (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_UNPARSABLE);
  g_assert_cmpstr (error->message, ==, "Failed to parse inference response as JSON");
  g_assert_cmpuint (repairs, ==, 0);
}

static void
test_plain (void)
{
  assert_extract ("{\"a\":1,\"b\":[true,false,null],\"c\":\"x\"}",
                  "{\"a\":1,\"b\":[true,false,null],\"c\":\"x\"}", 0);
  assert_extract ("  \n[1, 2.5, -3e2]\n ", "[1,2.5,-300.0]", 0);
  assert_extract ("42", "42", 0);
  assert_extract ("\"just text\"", "\"just text\"", 0);
  assert_extract ("{\"k\":1,\"k\":2}", "{\"k\":2}", 0);
  assert_extract ("{\"big\":12345678901234567890}", "{\"big\":1.2345678901234567e+19}", 0);
  assert_extract ("\xEF\xBB\xBF{\"bom\":true}", "{\"bom\":true}", DG_JSON_REPAIR_BOM);
  assert_extract ("{\"u\":\"\\u00e9\\ud83d\\ude00\"}", "{\"u\":\"é😀\"}", 0);
}

static void
test_fences (void)
{
  assert_extract ("```json\n{\"a\":1}\n```", "{\"a\":1}", DG_JSON_REPAIR_FENCE);
  assert_extract ("```\n{\"a\":1}\n```", "{\"a\":1}", DG_JSON_REPAIR_FENCE);
  assert_extract ("Here you go:\n```JSON\n{\"a\": [1, 2,],}\n```\nEnjoy!", "{\"a\":[1,2]}",
                  DG_JSON_REPAIR_FENCE | DG_JSON_REPAIR_TRAILING_COMMA);
  /* An unclosed fence: the answer was cut. */
  assert_extract ("```json\n{\"a\":1,\"b\":\"tw", "{\"a\":1,\"b\":\"tw\"}",
                  DG_JSON_REPAIR_FENCE | DG_JSON_REPAIR_CLOSED_STRING);
  /* The first fence holds no JSON, the second does. */
  assert_extract ("```text\nno json here\n```\nthen\n```json\n{\"b\":2}\n```", "{\"b\":2}",
                  DG_JSON_REPAIR_FENCE);
  /* A truncated fenced object before its closing fence. */
  assert_extract ("```json\n{\"a\":1,\n```", "{\"a\":1}", DG_JSON_REPAIR_FENCE);
}

static void
test_prose (void)
{
  assert_extract ("Sure! Here is your record: {\"id\":\"a\"} Let me know.", "{\"id\":\"a\"}",
                  DG_JSON_REPAIR_EXTRACTED);
  /* Upstream's own example (5.6). */
  assert_extract ("Sure! {\"id\":\"b\",\"score\":2", "{\"id\":\"b\",\"score\":2}",
                  DG_JSON_REPAIR_EXTRACTED | DG_JSON_REPAIR_CLOSED_BRACKETS);
  /* Braces and brackets in prose that are not JSON are skipped. */
  assert_extract ("Use the {name} field [see notes]: {\"name\":\"x\"}", "{\"name\":\"x\"}",
                  DG_JSON_REPAIR_EXTRACTED);
  /* Quotes in prose do not confuse the scan. */
  assert_extract ("Here's the \"record\" you wanted: {\"q\":\"it's\"}", "{\"q\":\"it's\"}",
                  DG_JSON_REPAIR_EXTRACTED);
  assert_extract ("The list: [1,2,3].", "[1,2,3]", DG_JSON_REPAIR_EXTRACTED);
}

static void
test_trailing_commas (void)
{
  assert_extract ("{\"a\":1,}", "{\"a\":1}", DG_JSON_REPAIR_TRAILING_COMMA);
  assert_extract ("[1,2,]", "[1,2]", DG_JSON_REPAIR_TRAILING_COMMA);
  assert_extract ("{\"a\":{\"b\":[1,{\"c\":2,},],},}", "{\"a\":{\"b\":[1,{\"c\":2}]}}",
                  DG_JSON_REPAIR_TRAILING_COMMA);
  /* Commas and brackets inside strings are text, never touched (upstream rewrote them). */
  assert_extract ("{\"t\":\"a, }\",\"u\":\"x ,]\",}", "{\"t\":\"a, }\",\"u\":\"x ,]\"}",
                  DG_JSON_REPAIR_TRAILING_COMMA);
}

static void
test_fractions (void)
{
  assert_extract ("{\"ratio\": 3/4}", "{\"ratio\":\"3/4\"}", DG_JSON_REPAIR_FRACTION);
  assert_extract ("{\"r\": [1/2, -0.5/2]}", "{\"r\":[\"1/2\",\"-0.5/2\"]}",
                  DG_JSON_REPAIR_FRACTION);
  /* Upstream bug 6: the same pattern inside a string must stay as it is. */
  assert_extract ("{\"note\":\"mix: 1/2 cup\"}", "{\"note\":\"mix: 1/2 cup\"}", 0);
}

static void
test_truncation (void)
{
  assert_extract ("{\"a\":[1,2", "{\"a\":[1,2]}", DG_JSON_REPAIR_CLOSED_BRACKETS);
  assert_extract ("{\"name\":\"Jo", "{\"name\":\"Jo\"}", DG_JSON_REPAIR_CLOSED_STRING);
  assert_extract ("{\"a\":\"x\\", "{\"a\":\"x\"}", DG_JSON_REPAIR_CLOSED_STRING);
  assert_extract ("{\"a\":\"x\\u00", "{\"a\":\"x\"}", DG_JSON_REPAIR_CLOSED_STRING);
  /* A member without its value is dropped, never filled in. */
  assert_extract ("{\"a\":1,\"b\"", "{\"a\":1}", DG_JSON_REPAIR_DROPPED_PARTIAL);
  assert_extract ("{\"a\":1,\"b\":", "{\"a\":1}", DG_JSON_REPAIR_DROPPED_PARTIAL);
  assert_extract ("{\"a\":1,", "{\"a\":1}", DG_JSON_REPAIR_DROPPED_PARTIAL);
  assert_extract ("{\"a\":1,\"bc", "{\"a\":1}", DG_JSON_REPAIR_DROPPED_PARTIAL);
  assert_extract ("{\"a\":tru", "{}", DG_JSON_REPAIR_DROPPED_PARTIAL);
  assert_extract ("{\"a\":-", "{}", DG_JSON_REPAIR_DROPPED_PARTIAL);
  assert_extract ("[1,2,", "[1,2]", DG_JSON_REPAIR_DROPPED_PARTIAL);
  assert_extract ("{\"a\":{\"b\":{\"c\":[1,{\"d\":\"deep",
                  "{\"a\":{\"b\":{\"c\":[1,{\"d\":\"deep\"}]}}}",
                  DG_JSON_REPAIR_CLOSED_STRING | DG_JSON_REPAIR_CLOSED_BRACKETS);
  assert_extract ("{\"a\":{\"b\":", "{\"a\":{}}", DG_JSON_REPAIR_DROPPED_PARTIAL);
}

static void
test_double_encoded (void)
{
  assert_extract ("\"{\\\"a\\\":1}\"", "{\"a\":1}", DG_JSON_REPAIR_DOUBLE_ENCODED);
  assert_extract ("\"[1,2]\"", "[1,2]", DG_JSON_REPAIR_DOUBLE_ENCODED);
  assert_extract ("```json\n\"{\\\"a\\\":\\\"b\\\"}\"\n```", "{\"a\":\"b\"}",
                  DG_JSON_REPAIR_FENCE | DG_JSON_REPAIR_DOUBLE_ENCODED);
  /* A string that is not JSON stays a string. */
  assert_extract ("\"{not json\"", "\"{not json\"", 0);
}

static void
test_strings (void)
{
  /* Raw newlines and tabs inside strings (common in long texts) mean the escaped characters. */
  assert_extract ("{\"t\":\"line1\nline2\tend\"}", "{\"t\":\"line1\\nline2\\tend\"}",
                  DG_JSON_REPAIR_CONTROL_CHARS);
  /* "\d" is not a JSON escape: the backslash is kept as text. */
  assert_extract ("{\"p\":\"C:\\dir\"}", "{\"p\":\"C:\\\\dir\"}", DG_JSON_REPAIR_BAD_ESCAPE);
}

static void
test_not_json (void)
{
  assert_unparsable ("Hello there, I cannot help with that.", -1);
  assert_unparsable ("", -1);
  assert_unparsable ("   \n ", -1);
  assert_unparsable ("I am 42 years old", -1);
  assert_unparsable ("{name: 'x'}", -1);
  assert_unparsable ("{\"a\":}", -1);
  assert_unparsable ("\xff\xfe{\"a\":1}", -1);
  assert_unparsable ("{\"a\":\"\\u0000\"}", -1);
}

static void
test_deep_nesting (void)
{
  g_autoptr (GString) deep = g_string_new (NULL);

  for (guint i = 0; i < 2000; i++)
    g_string_append_c (deep, '[');
  /* Too deep: refused cleanly, no stack overflow. */
  assert_unparsable (deep->str, (gssize) deep->len);
}

static void
assert_strict_fails (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = dg_json_repair_parse_strict (text, -1, &error);

  if (node != NULL)
    g_error ("Strict parse of %s should fail", text);
  g_assert_error (error, DG_INFERENCE_ERROR, DG_INFERENCE_ERROR_BAD_RESPONSE);
}

static void
test_strict (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = dg_json_repair_parse_strict (" {\"a\":[1,\"x\",{}]} \n", -1, &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  text = json_to_string (node, FALSE);
  g_assert_cmpstr (text, ==, "{\"a\":[1,\"x\",{}]}");

  assert_strict_fails ("");
  assert_strict_fails ("{\"a\":1,}");
  assert_strict_fails ("{'a':1}");
  assert_strict_fails ("{\"a\":1 /* c */}");
  assert_strict_fails ("{\"a\":1}{\"b\":2}");
  assert_strict_fails ("{\"a\":1} trailing");
  assert_strict_fails ("{\"a\":01}");
  assert_strict_fails ("{\"a\":NaN}");
  assert_strict_fails ("{\"a\":\"\\x\"}");
  assert_strict_fails ("{\"a\":\"\\ud800\"}");
  assert_strict_fails ("{\"a\":1e400}");
  assert_strict_fails ("{\"a\":\"x\ny\"}");
  assert_strict_fails ("{\"a\":[1,2");
  assert_strict_fails ("{\"a\": 3/4}");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/json-repair/plain", test_plain);
  g_test_add_func ("/core/json-repair/fences", test_fences);
  g_test_add_func ("/core/json-repair/prose", test_prose);
  g_test_add_func ("/core/json-repair/trailing-commas", test_trailing_commas);
  g_test_add_func ("/core/json-repair/fractions", test_fractions);
  g_test_add_func ("/core/json-repair/truncation", test_truncation);
  g_test_add_func ("/core/json-repair/double-encoded", test_double_encoded);
  g_test_add_func ("/core/json-repair/strings", test_strings);
  g_test_add_func ("/core/json-repair/not-json", test_not_json);
  g_test_add_func ("/core/json-repair/deep-nesting", test_deep_nesting);
  g_test_add_func ("/core/json-repair/strict", test_strict);

  return g_test_run ();
}
