/* hb-business-page.c — 企业登录: the resident types the business's 统一社会信用代码 on a pad
 * of the characters GB 32100 uses (0-9, A-Z without I O S V Z), sees it grouped as the
 * standard structures it (2 + 6 + 9 + 1), gets told on the spot what to fix, and logs in
 * (hb_core_login_enterprise_async). The visit then continues for the business: the
 * catalog shows business services. A kiosk has no keyboard, and a pad without the five
 * letters cannot produce them by mistake. */
#include "ui/pages/hb-pages.h"
#include "ui/hb-ui-util.h"
#include "kiosk/hb-enterprise-login.h"

#include <glib/gi18n.h>
#include <string.h>

#define USCC_LEN  18
#define PAD_COLS  8

static const char uscc_keys[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

struct _HbBusinessPage
{
  HbPage     parent_instance;
  GtkLabel  *code_label;
  GtkLabel  *count_label;
  GtkLabel  *error_label;
  GtkLabel  *status_label;
  GtkGrid   *pad;
  GtkWidget *login_button;
  GtkWidget *back_button;
  GPtrArray *char_keys;      /* the 31 character keys (borrowed from the grid) */
  GString   *code;           /* what was typed (an enterprise code, not personal data) */
  GCancellable *logging_in;
};

G_DEFINE_FINAL_TYPE (HbBusinessPage, hb_business_page, HB_TYPE_PAGE)

/* "91310104MA1HB0AB09" → "91 310104 MA1HB0AB0 9": 登记管理部门和机构类别, 行政区划, 主体标识,
 * 校验码; the rest as underscores so the resident sees how much is left. */
static char *
grouped (const char *code)
{
  static const guint group_ends[] = { 2, 8, 17, 18 };
  GString *s = g_string_new (NULL);
  gsize n = strlen (code);
  guint g = 0;

  for (guint i = 0; i < USCC_LEN; i++)
    {
      if (i == group_ends[g])
        {
          g_string_append_c (s, ' ');
          g++;
        }
      g_string_append_c (s, i < n ? code[i] : '_');
    }
  return g_string_free (s, FALSE);
}

static void
show_error (HbBusinessPage *self, const char *message)
{
  if (message)
    hb_ui_set_error_text (self->error_label, message);
  else
    gtk_label_set_text (self->error_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message)
    hb_page_speak (HB_PAGE (self), message);
  if (message)
    gtk_widget_add_css_class (GTK_WIDGET (self->code_label), "uscc-wrong");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->code_label), "uscc-wrong");
}

static void
show_status (HbBusinessPage *self, const char *message)
{
  gtk_label_set_text (self->status_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), message != NULL);
}

static void
update (HbBusinessPage *self)
{
  g_autofree char *shown = grouped (self->code->str);
  g_autofree char *count = g_strdup_printf (_("已输入 %u / 18 位"), (guint) self->code->len);
  gboolean busy = self->logging_in != NULL;

  gtk_label_set_text (self->code_label, shown);
  gtk_label_set_text (self->count_label, count);
  for (guint i = 0; i < self->char_keys->len; i++)
    gtk_widget_set_sensitive (self->char_keys->pdata[i], !busy && self->code->len < USCC_LEN);
  gtk_widget_set_sensitive (self->login_button, !busy && self->code->len == USCC_LEN);
  gtk_widget_set_sensitive (self->back_button, !busy);
}

/* The last character typed: a wrong code is said at once, not only after 登录. */
static void
check_complete (HbBusinessPage *self)
{
  g_autofree char *problem = NULL;
  if (self->code->len < USCC_LEN)
    return;
  problem = hb_uscc_describe_problem (self->code->str);
  show_error (self, problem);
}

static void
on_key (GtkButton *button, HbBusinessPage *self)
{
  const char *key = g_object_get_data (G_OBJECT (button), "key");

  if (self->logging_in)
    return;
  show_status (self, NULL);
  if (g_str_equal (key, "delete"))
    {
      if (self->code->len > 0)
        g_string_truncate (self->code, self->code->len - 1);
      show_error (self, NULL);
    }
  else if (g_str_equal (key, "clear"))
    {
      g_string_truncate (self->code, 0);
      show_error (self, NULL);
    }
  else if (self->code->len < USCC_LEN)
    {
      g_string_append (self->code, key);
      check_complete (self);
    }
  update (self);
}

static GtkWidget *
key_button (HbBusinessPage *self, const char *key, const char *label, const char *name)
{
  GtkWidget *b = hb_ui_button (label, "uscc-key");
  hb_ui_set_accessible_label (b, name);
  g_object_set_data_full (G_OBJECT (b), "key", g_strdup (key), g_free);
  g_signal_connect (b, "clicked", G_CALLBACK (on_key), self);
  return b;
}

static void
build_pad (HbBusinessPage *self)
{
  guint i;

  for (i = 0; uscc_keys[i]; i++)
    {
      char key[2] = { uscc_keys[i], '\0' };
      GtkWidget *b = key_button (self, key, key, key);
      gtk_grid_attach (self->pad, b, (int) (i % PAD_COLS), (int) (i / PAD_COLS), 1, 1);
      g_ptr_array_add (self->char_keys, b);
    }
  /* Below the characters, wide: delete (the key used most after them) and clear. */
  gtk_grid_attach (self->pad, key_button (self, "delete", _("删除一位"), _("删除一位")),
                   0, (int) ((i + PAD_COLS - 1) / PAD_COLS), PAD_COLS / 2, 1);
  gtk_grid_attach (self->pad, key_button (self, "clear", _("清空"), _("清空代码")),
                   PAD_COLS / 2, (int) ((i + PAD_COLS - 1) / PAD_COLS), PAD_COLS / 2, 1);
}

static const char *
login_error_message (const GError *error)
{
  if (g_error_matches (error, HB_ENTERPRISE_LOGIN_ERROR, HB_ENTERPRISE_LOGIN_ERROR_INVALID_USCC))
    return _("平台核对后认为此代码无效。请对照营业执照逐位核对后重新输入。");
  if (g_error_matches (error, HB_ENTERPRISE_LOGIN_ERROR, HB_ENTERPRISE_LOGIN_ERROR_UNKNOWN))
    return _("没有查到使用此代码登记的企业。请核对代码；在外省市登记的企业请到人工窗口办理。");
  if (g_error_matches (error, HB_ENTERPRISE_LOGIN_ERROR, HB_ENTERPRISE_LOGIN_ERROR_NOT_AUTHORISED))
    return _("您不是该企业的法定代表人或授权经办人，不能以企业身份办理。请由法定代表人办理，或先在“一网通办”企业空间为您授权。");
  if (error->domain == G_IO_ERROR)
    return _("网络暂不可用，企业登录需要联网。请稍后再试，或返回继续办理个人事项。");
  return _("暂时无法登录企业，请稍后再试或联系工作人员。");
}

static void
logged_in (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(HbBusinessPage) self = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = hb_core_login_enterprise_finish (HB_CORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->logging_in);
  update (self);
  if (!ok)
    {
      g_message ("business page: login failed: %s", error->message);
      show_status (self, NULL);
      show_error (self, login_error_message (error));
      return;
    }
  show_status (self, NULL);
  /* The same visit, now the business's: its services. */
  hb_page_show (HB_PAGE (self), HB_PAGE_CATALOG);
}

static void
on_login_clicked (HbBusinessPage *self)
{
  g_autofree char *problem = hb_uscc_describe_problem (self->code->str);

  if (self->logging_in)
    return;
  if (problem)
    {
      show_error (self, problem);
      return;
    }
  show_error (self, NULL);
  show_status (self, _("正在向平台核实企业信息，请稍候……"));
  self->logging_in = g_cancellable_new ();
  update (self);
  hb_core_login_enterprise_async (hb_page_get_core (HB_PAGE (self)), self->code->str,
                                  self->logging_in, logged_in, g_object_ref (self));
}

static void
on_back_clicked (HbBusinessPage *self)
{
  hb_page_show (HB_PAGE (self), HB_PAGE_CATALOG);
}

static void
hb_business_page_switch_to (HbPage *page)
{
  HbBusinessPage *self = HB_BUSINESS_PAGE (page);

  if (self->logging_in == NULL)
    {
      g_string_truncate (self->code, 0);
      show_error (self, NULL);
      show_status (self, NULL);
    }
  update (self);
}

static void
hb_business_page_switch_from (HbPage *page)
{
  HbBusinessPage *self = HB_BUSINESS_PAGE (page);
  /* Left while the platform answered: no login behind the resident's back. */
  if (self->logging_in)
    g_cancellable_cancel (self->logging_in);
  g_clear_object (&self->logging_in);
}

static void
hb_business_page_dispose (GObject *object)
{
  HbBusinessPage *self = HB_BUSINESS_PAGE (object);
  if (self->logging_in)
    g_cancellable_cancel (self->logging_in);
  g_clear_object (&self->logging_in);
  gtk_widget_dispose_template (GTK_WIDGET (object), HB_TYPE_BUSINESS_PAGE);
  G_OBJECT_CLASS (hb_business_page_parent_class)->dispose (object);
}

static void
hb_business_page_finalize (GObject *object)
{
  HbBusinessPage *self = HB_BUSINESS_PAGE (object);
  g_ptr_array_unref (self->char_keys);
  g_string_free (self->code, TRUE);
  G_OBJECT_CLASS (hb_business_page_parent_class)->finalize (object);
}

static void
hb_business_page_class_init (HbBusinessPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  HB_PAGE_CLASS (klass)->switch_to = hb_business_page_switch_to;
  HB_PAGE_CLASS (klass)->switch_from = hb_business_page_switch_from;
  G_OBJECT_CLASS (klass)->dispose = hb_business_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = hb_business_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/gov/sh/haoban/ui/pages/hb-business-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HbBusinessPage, code_label);
  gtk_widget_class_bind_template_child (widget_class, HbBusinessPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, HbBusinessPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, HbBusinessPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, HbBusinessPage, pad);
  gtk_widget_class_bind_template_child (widget_class, HbBusinessPage, login_button);
  gtk_widget_class_bind_template_child (widget_class, HbBusinessPage, back_button);
  gtk_widget_class_bind_template_callback (widget_class, on_login_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
}

static void
hb_business_page_init (HbBusinessPage *self)
{
  self->char_keys = g_ptr_array_new ();
  self->code = g_string_new (NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  build_pad (self);
  hb_ui_set_accessible_label (GTK_WIDGET (self->code_label), _("已输入的统一社会信用代码"));
  hb_ui_set_accessible_label (GTK_WIDGET (self->error_label), _("代码错误提示"));
  hb_ui_set_accessible_label (GTK_WIDGET (self->status_label), _("企业登录状态"));
  update (self);
}
