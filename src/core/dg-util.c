/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-util"

#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/random.h>

#include "dg-util.h"

gint64
dg_now_ms (void)
{
  return g_get_real_time () / 1000;
}

/**
 * dg_iso_timestamp:
 * @unix_ms: milliseconds since the epoch
 *
 * Formats a time the way JavaScript's Date.toISOString() does (UTC, three
 * fractional digits, trailing Z), which every record shared with the
 * earlier implementation uses.
 */
char *
dg_iso_timestamp (gint64 unix_ms)
{
  g_autoptr (GDateTime) dt = NULL;
  gint64 secs = unix_ms / 1000;
  int ms = (int) (unix_ms % 1000);

  if (ms < 0)
    {
      ms += 1000;
      secs -= 1;
    }
  dt = g_date_time_new_from_unix_utc (secs);
  if (dt == NULL)
    return g_strdup ("1970-01-01T00:00:00.000Z");
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", g_date_time_get_year (dt),
                          g_date_time_get_month (dt), g_date_time_get_day_of_month (dt),
                          g_date_time_get_hour (dt), g_date_time_get_minute (dt),
                          g_date_time_get_second (dt), ms);
}

char *
dg_iso_now (void)
{
  return dg_iso_timestamp (dg_now_ms ());
}

/**
 * dg_iso_parse_ms:
 * @iso: an ISO 8601 timestamp with a time zone
 *
 * Returns: milliseconds since the epoch, or -1 when @iso cannot be parsed.
 */
gint64
dg_iso_parse_ms (const char *iso)
{
  g_autoptr (GDateTime) dt = NULL;

  if (iso == NULL)
    return -1;
  dt = g_date_time_new_from_iso8601 (iso, NULL);
  if (dt == NULL)
    return -1;
  return g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;
}

/**
 * dg_random_bytes:
 *
 * Fills @buffer from the kernel's CSPRNG. Ids, salts and secrets all come
 * from here, never from g_random.
 */
void
dg_random_bytes (guint8 *buffer, gsize length)
{
  gsize filled = 0;

  while (filled < length)
    {
      gssize n = getrandom (buffer + filled, length - filled, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("getrandom() failed: %s", g_strerror (errno));
        }
      filled += (gsize) n;
    }
}

char *
dg_random_hex (gsize n_bytes)
{
  static const char digits[] = "0123456789abcdef";
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  char *hex = g_malloc (n_bytes * 2 + 1);

  dg_random_bytes (bytes, n_bytes);
  for (gsize i = 0; i < n_bytes; i++)
    {
      hex[2 * i] = digits[bytes[i] >> 4];
      hex[2 * i + 1] = digits[bytes[i] & 0xf];
    }
  hex[n_bytes * 2] = '\0';
  /* The hex is often a secret (a pepper, a session secret): leave no raw copy behind. */
  explicit_bzero (bytes, n_bytes);
  return hex;
}

gboolean
dg_ensure_parent_dir (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot create folder %s: %s",
                   dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

void
dg_curl_global_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&done, 1);
    }
}
