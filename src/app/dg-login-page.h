/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef enum {
  DG_LOGIN_MODE_SIGN_IN,   /* accounts exist: sign in */
  DG_LOGIN_MODE_FIRST_RUN, /* no account yet: create the administrator */
} DgLoginMode;

GType dg_login_mode_get_type (void) G_GNUC_CONST;
#define DG_TYPE_LOGIN_MODE (dg_login_mode_get_type ())

#define DG_TYPE_LOGIN_PAGE (dg_login_page_get_type ())
G_DECLARE_FINAL_TYPE (DgLoginPage, dg_login_page, DG, LOGIN_PAGE, GtkWidget)

/*
 * DgLoginPage: the sign-in form, and on first run the form that creates the administrator.
 * It only collects and checks input; it emits ::submitted and the window talks to the
 * accounts engine, then sets busy/error back.
 */
GtkWidget   *dg_login_page_new          (void);
DgLoginMode  dg_login_page_get_mode     (DgLoginPage *self);
void         dg_login_page_set_mode     (DgLoginPage *self,
                                         DgLoginMode  mode);
gboolean     dg_login_page_get_busy     (DgLoginPage *self);
void         dg_login_page_set_busy     (DgLoginPage *self,
                                         gboolean     busy);
const char  *dg_login_page_get_error    (DgLoginPage *self);
void         dg_login_page_set_error    (DgLoginPage *self,
                                         const char  *error);
void         dg_login_page_set_username (DgLoginPage *self,
                                         const char  *username);
/* Clears the password fields (after a failed attempt or a successful sign-in). */
void         dg_login_page_clear_password (DgLoginPage *self);

G_END_DECLS
