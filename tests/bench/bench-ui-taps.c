/* bench-ui-taps.c — how many taps a resident needs to complete the 10 most popular
 * services, on the real kiosk window (issue 7: "make bench adds the median taps to
 * complete the 10 most popular services").
 *
 * The real HbApplication in this process (as tests/ui do: tests/ui/ui-fixture.h, its own
 * platform-sim) on run-bench.sh's Xvfb. For each of the catalog's 10 most popular services
 * (data/catalog.json "popularity", both audiences) a scripted resident goes from the attract
 * page to the result page through the widgets, as a finger would:
 *   attract "开始办理" → card on the reader (or a business's code scanned: not a tap) →
 *   the service on the catalog page (最常用) → the guide → its situation questions → the
 *   form, one question per page → the check page → "确认提交" → the result.
 * It counts every press: buttons, options, keys of the on-screen digit pad. Text fields
 * (addresses, place names) are typed in: their characters are counted apart (the on-screen
 * keyboard with pinyin is issue 8; per character it costs at least a tap). A choice whose
 * default fits is left as it is. A resident whom pre-review turns away (an eligibility rule:
 * age, 户籍) is replaced by the next sample card; the taps of the one who completes count.
 *
 * Baseline, same run, same answers: the taps and characters the same forms would take with
 * nothing pre-filled and everything on one page per field (every asked field entered:
 * name and ID number typed, the phone keyed in…), navigation identical. The ratio is what
 * pre-fill and skipping pre-filled questions save.
 *
 * Prints one JSON object on stdout; per-service lines on stderr. No assertions on time.
 * Usage: bench-ui-taps [N]   (default 10 services) */
#include "tests/ui/ui-fixture.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const CARDS[] = { "放身份证 1", "放身份证 2", "放身份证 3", "放居住证 4" };

typedef struct {
  Ui      *ui;
  guint    taps;        /* presses */
  guint    form_taps;   /* of which on question pages (answers and their 下一步) */
  guint    chars;       /* characters typed into text fields */
  guint    base_taps;   /* the same with nothing pre-filled */
  guint    base_chars;
} Run;

static void
tap (Run *r, const char *name)
{
  ui_press (r->ui, name);
  r->taps++;
}

static HbCore *
core_of (Run *r)
{
  return hb_application_get_core (r->ui->app);
}

/* Key by key on the digit pad: one tap a digit. */
static void
key_in (Run *r, const char *label, const char *digits)
{
  ui_press_digits (r->ui, label, digits);
  r->taps += (guint) strlen (digits);
}

static char *
date_in_days (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, days);
  return g_date_time_format (then, "%Y%m%d");
}

/* What the scripted resident answers: by field id first, then by type. */
static char *
answer_for (const HbFormField *f)
{
  static const struct { const char *id, *value; } by_id[] = {
    { "dest_city", "浙江省杭州市" },
    { "vehicle_plate", "沪A12345" },
    { "email", "resident@example.cn" },
    { "bank_account", "6222021001112223334" },
    { "company_name", "上海好办示范科技有限公司" },
    { "business_scope", "软件开发" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (by_id); i++)
    if (g_str_equal (f->id, by_id[i].id))
      return g_strdup (by_id[i].value);
  switch (f->type)
    {
    case HB_FIELD_PHONE:    return g_strdup ("13812345678");
    case HB_FIELD_POSTCODE: return g_strdup ("200030");
    case HB_FIELD_NUMBER:   return g_strdup ("12");
    case HB_FIELD_DATE:     return date_in_days (g_str_has_prefix (f->id, "loss") ||
                                                 g_str_has_prefix (f->id, "start") ? -1 : 30);
    case HB_FIELD_ID_NUMBER: return g_strdup ("310104198506151237");
    case HB_FIELD_USCC:     return g_strdup ("91310104MA1HB0AB09");
    default:
      return g_strdup (g_strrstr (f->id, "address") ? "上海市徐汇区漕溪北路88号" : "张三");
    }
}

/* What one field costs to enter: presses (option, pad keys) and characters. */
static void
cost (const HbFormField *f, const char *value, guint *taps, guint *chars)
{
  switch (f->type)
    {
    case HB_FIELD_CHOICE:
      *taps += 1;
      break;
    case HB_FIELD_PHONE: case HB_FIELD_POSTCODE: case HB_FIELD_NUMBER: case HB_FIELD_DATE:
      *taps += ui_digits_in (value);
      break;
    default:
      *chars += value ? (guint) g_utf8_strlen (value, -1) : 0;
      break;
    }
}

static const char *
heading (Ui *ui)
{
  GtkWidget *page = GTK_WIDGET (hb_window_get_page (ui->window, HB_PAGE_FORM));
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  g_ptr_array_add (stack, page);
  while (stack->len)
    {
      GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);
      if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "question") && gtk_widget_get_mapped (w))
        return gtk_label_get_text (GTK_LABEL (w));
      for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }
  return NULL;
}

static gboolean
page_is (Ui *ui, HbPageId id)
{
  return hb_window_get_page_id (ui->window) == id;
}

typedef struct { Ui *ui; HbPageId a, b, c; } AnyPage;

static gboolean
on_any (gpointer data)
{
  AnyPage *w = data;
  HbPageId now = hb_window_get_page_id (w->ui->window);
  return now == w->a || now == w->b || now == w->c;
}

static HbPageId
wait_any (Ui *ui, HbPageId a, HbPageId b, HbPageId c)
{
  AnyPage w = { ui, a, b, c };
  if (!hb_test_wait_until (on_any, &w, 20000))
    g_error ("stuck on page %s", hb_page_id_to_string (hb_window_get_page_id (ui->window)));
  hb_test_spin (150);   /* the page's widgets */
  return hb_window_get_page_id (ui->window);
}

/* One question page: answer it (unless its default fits) and go on. */
static void
answer_question (Run *r)
{
  HbCore *core = core_of (r);
  g_autoptr(GPtrArray) questions = hb_core_list_questions (core);
  const char *label = heading (r->ui);
  HbQuestion *q = NULL;
  const char *now;
  g_autofree char *value = NULL;
  guint before = r->taps - r->form_taps;

  for (guint i = 0; label && i < questions->len && !q; i++)
    {
      HbQuestion *c = questions->pdata[i];
      if (hb_question_needs_page (c) && g_str_equal (hb_text_get (&c->field->label), label))
        q = c;
    }
  if (q == NULL)
    g_error ("a question page the bench cannot place: %s", label ? label : "?");
  now = hb_form_get_value (q->form, q->field->id);
  if (now == NULL || *now == '\0')
    {
      value = answer_for (q->field);
      switch (q->field->type)
        {
        case HB_FIELD_CHOICE:
          tap (r, hb_text_get (&((HbFieldOption *) q->field->options->pdata[0])->label));
          break;
        case HB_FIELD_PHONE: case HB_FIELD_POSTCODE: case HB_FIELD_NUMBER: case HB_FIELD_DATE:
          key_in (r, label, value);
          break;
        default:
          ui_set_text (r->ui, label, value);
          r->chars += (guint) g_utf8_strlen (value, -1);
          break;
        }
    }
  if (ui_find (r->ui, "下一步"))
    tap (r, "下一步");
  else
    tap (r, "下一步：核对信息");
  r->form_taps = r->taps - before;
}

/* The same visit's forms with nothing pre-filled: every asked field entered. */
static void
baseline (Run *r)
{
  g_autoptr(GPtrArray) questions = hb_core_list_questions (core_of (r));
  for (guint i = 0; i < questions->len; i++)
    {
      HbQuestion *q = questions->pdata[i];
      const char *v = hb_form_get_value (q->form, q->field->id);
      g_autofree char *typed_value = v ? NULL : answer_for (q->field);
      cost (q->field, v ? v : typed_value, &r->base_taps, &r->base_chars);
      r->base_taps++;   /* its page's 下一步 */
    }
}

static void
end_visit (Ui *ui)
{
  hb_session_wipe (hb_core_get_session (hb_application_get_core (ui->app)), HB_WIPE_CANCELLED);
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  hb_test_spin (200);
}

/* One resident through one service. FALSE when pre-review turned them away (eligibility). */
static gboolean
complete (Run *r, const char *code, const char *name, gboolean business, guint card)
{
  Ui *ui = r->ui;

  r->taps = r->form_taps = r->chars = r->base_taps = r->base_chars = 0;
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  if (business)
    ui_press (ui, "扫法人码");   /* a scan, not a tap */
  else
    {
      tap (r, "开始办理");
      ui_wait_page (ui, HB_PAGE_IDENTIFY);
      ui_press (ui, CARDS[card]);   /* the card on the reader */
    }
  ui_wait_page (ui, HB_PAGE_CATALOG);
  ui_wait_records (ui);
  tap (r, name);
  ui_wait_page (ui, HB_PAGE_GUIDE);
  if (ui_find (ui, "开始办理：先了解您的情况"))
    {
      tap (r, "开始办理：先了解您的情况");
      ui_wait_page (ui, HB_PAGE_SITUATION);
      while (wait_any (ui, HB_PAGE_SITUATION, HB_PAGE_GUIDE, HB_PAGE_GUIDE) == HB_PAGE_SITUATION)
        {
          const HbSituation *s = hb_core_next_situation (core_of (r));
          guint answered = g_hash_table_size (hb_core_get_answers (core_of (r)));
          g_assert_nonnull (s);
          tap (r, hb_text_get (&((HbFieldOption *) s->options->pdata[0])->label));
          /* The answer lands, then the next question or the guide. */
          for (guint k = 0; k < 100 && g_hash_table_size (hb_core_get_answers (core_of (r))) == answered; k++)
            hb_test_spin (50);
        }
      ui_wait_for (ui, "开始填写");
    }
  tap (r, "开始填写");
  while (wait_any (ui, HB_PAGE_FORM, HB_PAGE_CHECK, HB_PAGE_CHECK) == HB_PAGE_FORM)
    answer_question (r);
  baseline (r);
  tap (r, "确认提交");
  if (wait_any (ui, HB_PAGE_RESULT, HB_PAGE_CHECK, HB_PAGE_FORM) != HB_PAGE_RESULT)
    {
      g_autoptr(GPtrArray) problems = NULL;
      hb_test_spin (1000);
      if (page_is (ui, HB_PAGE_RESULT))
        goto done;
      problems = hb_core_check_answers (core_of (r));
      for (guint i = 0; i < problems->len; i++)
        {
          HbQuestionProblem *p = problems->pdata[i];
          if (p->field_id != NULL)
            g_error ("%s: the bench's answer to %s is refused: %s", code, p->field_id,
                     p->message);
          g_printerr ("  %s: card %u turned away (%s)\n", code, card + 1, p->message);
        }
      end_visit (ui);
      return FALSE;
    }
done:
  /* Navigation (开始办理, the service, the guide's buttons, the situations, 确认提交) is the
   * same without pre-fill; only the question pages differ. */
  r->base_taps += r->taps - r->form_taps;
  end_visit (ui);
  return TRUE;
}

static int
by_popularity (gconstpointer a, gconstpointer b)
{
  JsonObject *x = *(JsonObject **) a, *y = *(JsonObject **) b;
  gint64 px = json_object_get_int_member_with_default (x, "popularity", 0);
  gint64 py = json_object_get_int_member_with_default (y, "popularity", 0);
  return px < py ? 1 : px > py ? -1 : 0;
}

static gboolean
for_business (JsonObject *s)
{
  JsonNode *aud = json_object_get_member (s, "audience");
  if (JSON_NODE_HOLDS_ARRAY (aud))
    {
      JsonArray *a = json_node_get_array (aud);
      for (guint i = 0; i < json_array_get_length (a); i++)
        if (g_str_equal (json_array_get_string_element (a, i), "person"))
          return FALSE;
      return TRUE;
    }
  return g_strcmp0 (json_node_get_string (aud), "enterprise") == 0;
}

static int
cmp_double (gconstpointer x, gconstpointer y)
{
  double dx = *(const double *) x, dy = *(const double *) y;
  return dx < dy ? -1 : dx > dy;
}

static double
median (GArray *a)
{
  g_autoptr(GArray) s = g_array_copy (a);
  g_array_sort (s, cmp_double);
  if (s->len == 0)
    return 0;
  return s->len % 2 ? g_array_index (s, double, s->len / 2)
                    : (g_array_index (s, double, s->len / 2 - 1) +
                       g_array_index (s, double, s->len / 2)) / 2;
}

int
main (int argc, char **argv)
{
  g_setenv ("G_MESSAGES_DEBUG", "", TRUE);
  g_setenv ("GDK_BACKEND", "x11", FALSE);
  ui_test_init (&argc, &argv);
  guint n = argc > 1 ? (guint) CLAMP (atoi (argv[1]), 1, 50) : 10;
  g_autofree char *path = g_build_filename (hb_test_srcdir (), "data", "catalog.json", NULL);
  g_autofree char *text = hb_test_read_file (path, NULL);
  g_autoptr(JsonObject) root = hb_json_parse_object (text, -1, 64 << 20, 64, NULL);
  JsonArray *services = json_object_get_array_member (root, "services");
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GArray) taps = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) chars = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) base_taps = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) base_chars = g_array_new (FALSE, FALSE, sizeof (double));
  GString *rows = g_string_new (NULL);
  Ui ui = { 0 };
  Run r = { &ui };

  g_log_set_default_handler (g_log_default_handler, NULL);
  /* Services done at the terminal (a guide-only entry, kiosk.available false, sends the
   * resident to a counter: nothing to complete here). */
  for (guint i = 0; i < json_array_get_length (services); i++)
    {
      JsonObject *s = json_array_get_object_element (services, i);
      JsonObject *kiosk = json_object_get_object_member (s, "kiosk");
      if (kiosk && !json_object_get_boolean_member_with_default (kiosk, "available", TRUE))
        continue;
      g_ptr_array_add (order, s);
    }
  g_ptr_array_sort (order, by_popularity);
  ui_setup (&ui, NULL);

  for (guint i = 0; i < MIN (n, order->len); i++)
    {
      JsonObject *s = order->pdata[i];
      const char *code = json_object_get_string_member (s, "code");
      JsonNode *name_node = json_object_get_member (s, "name");
      const char *name = JSON_NODE_HOLDS_OBJECT (name_node)
        ? json_object_get_string_member (json_node_get_object (name_node), "zh")
        : json_node_get_string (name_node);
      gboolean business = for_business (s);
      gboolean done = FALSE;
      double t, c, bt, bc;

      for (guint card = 0; !done && card < (business ? 1 : G_N_ELEMENTS (CARDS)); card++)
        done = complete (&r, code, name, business, card);
      if (!done)
        g_error ("%s: no sample resident could complete it", code);
      t = r.taps; c = r.chars; bt = r.base_taps; bc = r.base_chars;
      g_array_append_val (taps, t);
      g_array_append_val (chars, c);
      g_array_append_val (base_taps, bt);
      g_array_append_val (base_chars, bc);
      g_printerr ("  %2u %-22s %s  taps %2u + typed %2u chars   (nothing pre-filled: %2u + %2u)\n",
                  i + 1, code, name, r.taps, r.chars, r.base_taps, r.base_chars);
      g_string_append_printf (rows, "%s{\"code\":\"%s\",\"taps\":%u,\"typed_chars\":%u,"
                              "\"baseline_taps\":%u,\"baseline_typed_chars\":%u}",
                              rows->len ? "," : "", code, r.taps, r.chars, r.base_taps,
                              r.base_chars);
    }
  printf ("{\"services\":%u,\"median_taps\":%.1f,\"median_typed_chars\":%.1f,"
          "\"baseline_median_taps\":%.1f,\"baseline_median_typed_chars\":%.1f,"
          "\"taps_vs_baseline\":%.2f,\"per_service\":[%s]}\n",
          taps->len, median (taps), median (chars), median (base_taps), median (base_chars),
          median (base_taps) > 0 ? median (taps) / median (base_taps) : 0.0, rows->str);
  g_string_free (rows, TRUE);
  ui_teardown (&ui, NULL);
  return 0;
}
