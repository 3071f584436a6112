/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dg-smtp-standin"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "dg-smtp-standin.h"

struct _DgSmtpStandin
{
  char *user;
  char *password;
  GSocketListener *listener;
  guint16 port;
  GCancellable *stop; /* cancels accept and every blocking read */
  GThread *accept_thread;

  GMutex lock; /* guards everything below */
  GCond cond;
  gboolean stopping;
  GPtrArray *threads;     /* GThread*, one per connection */
  GPtrArray *connections; /* GSocketConnection*, live ones */
  GPtrArray *messages;    /* DgSmtpMessage* */
  guint n_connections;
  DgSmtpFault fault;
  guint fault_count;
};

void
dg_smtp_message_free (DgSmtpMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->mail_from);
  g_strfreev (message->rcpt_to);
  g_free (message->auth_user);
  g_free (message->data);
  g_free (message);
}

static DgSmtpMessage *
message_copy (const DgSmtpMessage *m)
{
  DgSmtpMessage *copy = g_new0 (DgSmtpMessage, 1);

  copy->mail_from = g_strdup (m->mail_from);
  copy->rcpt_to = g_strdupv (m->rcpt_to);
  copy->auth_user = g_strdup (m->auth_user);
  copy->data = g_strdup (m->data);
  return copy;
}

typedef struct
{
  DgSmtpStandin *self;
  GSocketConnection *connection;
  GDataInputStream *in;
  GOutputStream *out;
  DgSmtpFault fault;
  char *auth_user;
  gboolean authenticated;
} Session;

static gboolean
say (Session *s, const char *line)
{
  g_autofree char *text = g_strconcat (line, "\r\n", NULL);

  return g_output_stream_write_all (s->out, text, strlen (text), NULL, s->self->stop, NULL);
}

/* One command line without its CRLF, or NULL when the client went away or we stop. */
static char *
hear (Session *s)
{
  return g_data_input_stream_read_line (s->in, NULL, s->self->stop, NULL);
}

/* The address inside "<...>" after a MAIL FROM: / RCPT TO: verb. */
static char *
path_argument (const char *line)
{
  const char *open = strchr (line, '<');
  const char *close = open ? strchr (open, '>') : NULL;

  if (open == NULL || close == NULL)
    return NULL;
  return g_strndup (open + 1, (gsize) (close - open - 1));
}

static char *
decode_b64_text (const char *b64)
{
  gsize len = 0;
  g_autofree guchar *raw = g_base64_decode (b64, &len);

  return g_strndup ((const char *) raw, len);
}

static void
check_login (Session *s, const char *user, const char *password)
{
  DgSmtpStandin *self = s->self;

  if (s->fault == DG_SMTP_FAULT_AUTH_FAIL ||
      (self->user != NULL &&
       (g_strcmp0 (user, self->user) != 0 || g_strcmp0 (password, self->password) != 0)))
    {
      say (s, "535 5.7.8 Authentication credentials invalid");
      return;
    }
  g_free (s->auth_user);
  s->auth_user = g_strdup (user);
  s->authenticated = TRUE;
  say (s, "235 2.7.0 Authentication successful");
}

static gboolean
handle_auth (Session *s, const char *line)
{
  g_auto (GStrv) parts = g_strsplit (line, " ", 3);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  if (parts[1] == NULL)
    return say (s, "501 5.5.4 Syntax: AUTH mechanism");
  if (g_ascii_strcasecmp (parts[1], "PLAIN") == 0)
    {
      g_autofree char *answer = NULL;
      g_autofree char *decoded = NULL;
      gsize len = 0;
      g_autofree guchar *raw = NULL;
      const char *authcid, *passwd;

      if (parts[2] != NULL)
        answer = g_strdup (parts[2]);
      else if (!say (s, "334 ") || (answer = hear (s)) == NULL)
        return FALSE;
      raw = g_base64_decode (answer, &len);
      /* authzid \0 authcid \0 passwd */
      authcid = memchr (raw, '\0', len);
      if (authcid == NULL)
        return say (s, "501 5.5.2 Cannot decode AUTH PLAIN");
      authcid++;
      passwd = memchr (authcid, '\0', len - (gsize) (authcid - (const char *) raw));
      if (passwd == NULL)
        return say (s, "501 5.5.2 Cannot decode AUTH PLAIN");
      passwd++;
      first = g_strdup (authcid);
      second = g_strndup (passwd, len - (gsize) (passwd - (const char *) raw));
      check_login (s, first, second);
      return TRUE;
    }
  if (g_ascii_strcasecmp (parts[1], "LOGIN") == 0)
    {
      g_autofree char *user_b64 = NULL;
      g_autofree char *pass_b64 = NULL;

      if (parts[2] != NULL)
        user_b64 = g_strdup (parts[2]);
      else if (!say (s, "334 VXNlcm5hbWU6") || (user_b64 = hear (s)) == NULL)
        return FALSE;
      if (!say (s, "334 UGFzc3dvcmQ6") || (pass_b64 = hear (s)) == NULL)
        return FALSE;
      first = decode_b64_text (user_b64);
      second = decode_b64_text (pass_b64);
      check_login (s, first, second);
      return TRUE;
    }
  return say (s, "504 5.5.4 Unrecognized authentication type");
}

/* Reads the message up to the lone dot; NULL when the connection ends first. */
static char *
read_data (Session *s)
{
  g_autoptr (GString) data = g_string_new (NULL);

  for (;;)
    {
      g_autofree char *line = hear (s);

      if (line == NULL)
        return NULL;
      if (strcmp (line, ".") == 0)
        break;
      g_string_append (data, line[0] == '.' ? line + 1 : line);
      g_string_append (data, "\r\n");
    }
  return g_string_free (g_steal_pointer (&data), FALSE);
}

static void
serve (Session *s)
{
  DgSmtpStandin *self = s->self;
  g_autofree char *mail_from = NULL;
  g_autoptr (GPtrArray) rcpt = g_ptr_array_new_with_free_func (g_free);

  if (s->fault == DG_SMTP_FAULT_HANG)
    {
      /* Silent until the stand-in stops; the client must give up on its own. */
      g_mutex_lock (&self->lock);
      while (!self->stopping)
        g_cond_wait (&self->cond, &self->lock);
      g_mutex_unlock (&self->lock);
      return;
    }
  if (!say (s, "220 dg-smtp-standin ESMTP ready"))
    return;

  for (;;)
    {
      g_autofree char *line = hear (s);
      g_autofree char *verb = NULL;

      if (line == NULL)
        return;
      verb = g_ascii_strup (line, strcspn (line, " "));

      if (strcmp (verb, "EHLO") == 0)
        {
          if (!say (s, "250-dg-smtp-standin greets you") || !say (s, "250-AUTH PLAIN LOGIN") ||
              !say (s, "250-8BITMIME") || !say (s, "250 SIZE 10485760"))
            return;
        }
      else if (strcmp (verb, "HELO") == 0)
        say (s, "250 dg-smtp-standin");
      else if (strcmp (verb, "AUTH") == 0)
        {
          if (!handle_auth (s, line))
            return;
        }
      else if (strcmp (verb, "MAIL") == 0)
        {
          if (self->user != NULL && !s->authenticated)
            {
              say (s, "530 5.7.0 Authentication required");
              continue;
            }
          if (s->fault == DG_SMTP_FAULT_CLOSE)
            return;
          g_free (mail_from);
          mail_from = path_argument (line);
          g_ptr_array_set_size (rcpt, 0);
          say (s, mail_from != NULL ? "250 2.1.0 Ok" : "501 5.1.7 Bad sender address syntax");
        }
      else if (strcmp (verb, "RCPT") == 0)
        {
          char *address = path_argument (line);

          if (mail_from == NULL || address == NULL)
            {
              g_free (address);
              say (s, "503 5.5.1 Error: need MAIL command");
            }
          else if (s->fault == DG_SMTP_FAULT_REJECT_RCPT)
            {
              g_free (address);
              say (s, "550 5.1.1 Recipient address rejected: User unknown");
            }
          else
            {
              g_ptr_array_add (rcpt, address);
              say (s, "250 2.1.5 Ok");
            }
        }
      else if (strcmp (verb, "DATA") == 0)
        {
          g_autofree char *data = NULL;

          if (mail_from == NULL || rcpt->len == 0)
            {
              say (s, "503 5.5.1 Error: need RCPT command");
              continue;
            }
          if (s->fault == DG_SMTP_FAULT_REJECT_DATA)
            {
              say (s, "554 5.5.1 Error: no valid recipients");
              continue;
            }
          if (!say (s, "354 End data with <CR><LF>.<CR><LF>") || (data = read_data (s)) == NULL)
            return;
          if (s->fault == DG_SMTP_FAULT_REJECT_MESSAGE)
            {
              say (s, "554 5.7.1 Message rejected as spam");
              continue;
            }
          {
            DgSmtpMessage *m = g_new0 (DgSmtpMessage, 1);

            m->mail_from = g_steal_pointer (&mail_from);
            g_ptr_array_add (rcpt, NULL);
            m->rcpt_to = (GStrv) g_ptr_array_steal (rcpt, NULL);
            g_ptr_array_unref (rcpt);
            rcpt = g_ptr_array_new_with_free_func (g_free);
            m->auth_user = g_strdup (s->auth_user);
            m->data = g_steal_pointer (&data);
            g_mutex_lock (&self->lock);
            g_ptr_array_add (self->messages, m);
            g_mutex_unlock (&self->lock);
          }
          say (s, "250 2.0.0 Ok: queued");
        }
      else if (strcmp (verb, "RSET") == 0)
        {
          g_clear_pointer (&mail_from, g_free);
          g_ptr_array_set_size (rcpt, 0);
          say (s, "250 2.0.0 Ok");
        }
      else if (strcmp (verb, "NOOP") == 0)
        say (s, "250 2.0.0 Ok");
      else if (strcmp (verb, "QUIT") == 0)
        {
          say (s, "221 2.0.0 Bye");
          return;
        }
      else
        say (s, "502 5.5.2 Error: command not recognized");
    }
}

static gpointer
connection_thread (gpointer data)
{
  Session *s = data;
  DgSmtpStandin *self = s->self;

  serve (s);
  g_io_stream_close (G_IO_STREAM (s->connection), NULL, NULL);
  g_mutex_lock (&self->lock);
  g_ptr_array_remove (self->connections, s->connection);
  g_mutex_unlock (&self->lock);
  g_object_unref (s->in);
  g_object_unref (s->connection);
  g_free (s->auth_user);
  g_free (s);
  return NULL;
}

static gpointer
accept_thread (gpointer data)
{
  DgSmtpStandin *self = data;

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      GSocketConnection *connection =
          g_socket_listener_accept (self->listener, NULL, self->stop, &error);
      Session *s;

      if (connection == NULL)
        {
          if (g_cancellable_is_cancelled (self->stop))
            return NULL;
          continue; /* a client that vanished during accept */
        }
      s = g_new0 (Session, 1);
      s->self = self;
      s->connection = connection;
      s->in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
      g_data_input_stream_set_newline_type (s->in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
      s->out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

      g_mutex_lock (&self->lock);
      self->n_connections++;
      if (self->fault_count > 0)
        {
          s->fault = self->fault;
          self->fault_count--;
        }
      g_ptr_array_add (self->connections, connection);
      g_ptr_array_add (self->threads, g_thread_new ("dg-smtp-conn", connection_thread, s));
      g_mutex_unlock (&self->lock);
    }
}

DgSmtpStandin *
dg_smtp_standin_new (const char *user, const char *password)
{
  DgSmtpStandin *self = g_new0 (DgSmtpStandin, 1);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) effective = NULL;
  g_autoptr (GError) error = NULL;

  self->user = g_strdup (user);
  self->password = g_strdup (password);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->threads = g_ptr_array_new ();
  self->connections = g_ptr_array_new ();
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) dg_smtp_message_free);
  self->stop = g_cancellable_new ();
  self->listener = g_socket_listener_new ();
  g_socket_listener_add_address (self->listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  self->accept_thread = g_thread_new ("dg-smtp-accept", accept_thread, self);
  return self;
}

void
dg_smtp_standin_free (DgSmtpStandin *self)
{
  if (self == NULL)
    return;

  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_broadcast (&self->cond);
  /* Wake every blocking read. */
  for (guint i = 0; i < self->connections->len; i++)
    g_socket_shutdown (g_socket_connection_get_socket (g_ptr_array_index (self->connections, i)),
                       TRUE, TRUE, NULL);
  g_mutex_unlock (&self->lock);
  g_cancellable_cancel (self->stop);
  g_thread_join (self->accept_thread);
  /* No new threads can appear now. */
  for (guint i = 0; i < self->threads->len; i++)
    g_thread_join (g_ptr_array_index (self->threads, i));

  g_socket_listener_close (self->listener);
  g_object_unref (self->listener);
  g_object_unref (self->stop);
  g_ptr_array_unref (self->threads);
  g_ptr_array_unref (self->connections);
  g_ptr_array_unref (self->messages);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->user);
  g_free (self->password);
  g_free (self);
}

guint16
dg_smtp_standin_get_port (DgSmtpStandin *self)
{
  return self->port;
}

void
dg_smtp_standin_inject (DgSmtpStandin *self, DgSmtpFault fault, guint count)
{
  g_mutex_lock (&self->lock);
  self->fault = fault;
  self->fault_count = count;
  g_mutex_unlock (&self->lock);
}

guint
dg_smtp_standin_connections (DgSmtpStandin *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->n_connections;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
dg_smtp_standin_n_messages (DgSmtpStandin *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->messages->len;
  g_mutex_unlock (&self->lock);
  return n;
}

DgSmtpMessage *
dg_smtp_standin_get_message (DgSmtpStandin *self, guint index)
{
  DgSmtpMessage *copy = NULL;

  g_mutex_lock (&self->lock);
  if (index < self->messages->len)
    copy = message_copy (g_ptr_array_index (self->messages, index));
  g_mutex_unlock (&self->lock);
  return copy;
}

void
dg_smtp_standin_clear (DgSmtpStandin *self)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->messages, 0);
  g_mutex_unlock (&self->lock);
}

char *
dg_smtp_message_get_header (const DgSmtpMessage *message, const char *name)
{
  g_auto (GStrv) lines = NULL;
  g_autoptr (GString) value = NULL;
  gsize name_len = strlen (name);

  lines = g_strsplit (message->data, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      if (value != NULL)
        {
          if (lines[i][0] == ' ' || lines[i][0] == '\t')
            {
              g_string_append (value, lines[i] + 1);
              continue;
            }
          break;
        }
      if (g_ascii_strncasecmp (lines[i], name, name_len) == 0 && lines[i][name_len] == ':')
        value = g_string_new (g_strchug (lines[i] + name_len + 1));
    }
  return value != NULL ? g_string_free (g_steal_pointer (&value), FALSE) : NULL;
}

char *
dg_smtp_message_get_text (const DgSmtpMessage *message)
{
  const char *body = strstr (message->data, "\r\n\r\n");
  g_autofree char *encoding = dg_smtp_message_get_header (message, "Content-Transfer-Encoding");
  g_autoptr (GString) text = g_string_new (NULL);

  if (body == NULL)
    return g_strdup ("");
  body += 4;
  if (encoding != NULL && g_ascii_strcasecmp (encoding, "base64") == 0)
    {
      gsize len = 0;
      g_autofree guchar *raw = g_base64_decode (body, &len);

      return g_strndup ((const char *) raw, len);
    }
  for (const char *p = body; *p != '\0'; p++)
    if (*p != '\r')
      g_string_append_c (text, *p);
  return g_string_free (g_steal_pointer (&text), FALSE);
}
