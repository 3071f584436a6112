/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * DgSmtpStandin: a clear-text ESMTP server on 127.0.0.1, port 0, for mailer tests.
 * It accepts in its own thread and serves each connection in a worker thread, speaks
 * EHLO/HELO, AUTH PLAIN/LOGIN, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT, records every
 * accepted message, and injects faults into the next connections. Any thread may call
 * these functions.
 */

typedef struct _DgSmtpStandin DgSmtpStandin;

typedef enum {
  DG_SMTP_FAULT_NONE,
  DG_SMTP_FAULT_REJECT_RCPT,    /* 550 to RCPT TO */
  DG_SMTP_FAULT_REJECT_DATA,    /* 554 to the DATA command */
  DG_SMTP_FAULT_REJECT_MESSAGE, /* 554 after the message was transmitted */
  DG_SMTP_FAULT_AUTH_FAIL,      /* 535 to AUTH */
  DG_SMTP_FAULT_CLOSE,          /* close the connection after MAIL FROM, without an answer */
  DG_SMTP_FAULT_HANG,           /* accept, then never say anything (not even the greeting) */
} DgSmtpFault;

typedef struct {
  char  *mail_from;  /* the address inside MAIL FROM:<...> */
  GStrv  rcpt_to;    /* addresses inside RCPT TO:<...> */
  char  *auth_user;  /* the user that logged in, NULL without AUTH */
  char  *data;       /* the message as transmitted, dot-unstuffed, CRLF line ends */
} DgSmtpMessage;

void           dg_smtp_message_free         (DgSmtpMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgSmtpMessage, dg_smtp_message_free)

/* @user / @password (nullable): when set, AUTH must use them and MAIL needs a login first. */
DgSmtpStandin *dg_smtp_standin_new          (const char    *user,
                                             const char    *password);
void           dg_smtp_standin_free         (DgSmtpStandin *self);
guint16        dg_smtp_standin_get_port     (DgSmtpStandin *self);

/* The next @count connections get @fault. */
void           dg_smtp_standin_inject       (DgSmtpStandin *self,
                                             DgSmtpFault    fault,
                                             guint          count);
guint          dg_smtp_standin_connections  (DgSmtpStandin *self);
guint          dg_smtp_standin_n_messages   (DgSmtpStandin *self);
/* A copy of accepted message @index (0 = first), or NULL. */
DgSmtpMessage *dg_smtp_standin_get_message  (DgSmtpStandin *self,
                                             guint          index);
void           dg_smtp_standin_clear        (DgSmtpStandin *self);
/* The body of message @index decoded (7bit or base64), for content checks. */
char          *dg_smtp_message_get_text     (const DgSmtpMessage *message);
/* A header value of message @index (first match, unfolded), or NULL. */
char          *dg_smtp_message_get_header   (const DgSmtpMessage *message,
                                             const char          *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DgSmtpStandin, dg_smtp_standin_free)

G_END_DECLS
