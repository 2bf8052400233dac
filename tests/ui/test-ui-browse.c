/* UI: browsing the catalog three ways — 最常用 (most used first, the default), 按人生事件 (a
 * grid of life events → the services of one) and 按部门 (departments → the services of one)
 * — and from a browsed list into a service's guide. Asserts what is listed and in which
 * order. PNGs in build/test-output/test-ui-browse/. */
#include "ui-fixture.h"

/* The catalog page's buttons that carry `key` data ("code": services, "facet": life
 * events and departments), in screen order; their accessible names. (transfer full) */
static void
collect (GtkWidget *w, const char *key, GPtrArray *names)
{
  if (!gtk_widget_get_mapped (w))
    return;
  if (GTK_IS_BUTTON (w) && g_object_get_data (G_OBJECT (w), key))
    {
      g_ptr_array_add (names, g_strdup (g_object_get_data (G_OBJECT (w), "hb-a11y-label")));
      return;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    collect (c, key, names);
}

static GPtrArray *
listed (Ui *ui, const char *key)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  collect (GTK_WIDGET (hb_window_get_page (ui->window, HB_PAGE_CATALOG)), key, names);
  return names;
}

static GPtrArray *
listed_codes (Ui *ui)
{
  GPtrArray *codes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  g_ptr_array_add (stack, hb_window_get_page (ui->window, HB_PAGE_CATALOG));
  /* Depth first, in order: the same walk as collect, keeping the codes. */
  while (stack->len > 0)
    {
      GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);
      if (!gtk_widget_get_mapped (w))
        continue;
      if (GTK_IS_BUTTON (w) && g_object_get_data (G_OBJECT (w), "code"))
        {
          g_ptr_array_add (codes, g_strdup (g_object_get_data (G_OBJECT (w), "code")));
          continue;
        }
      for (GtkWidget *c = gtk_widget_get_last_child (w); c; c = gtk_widget_get_prev_sibling (c))
        g_ptr_array_add (stack, c);
    }
  return codes;
}

typedef struct { Ui *ui; const char *key; guint want; } CountWait;

static gboolean
count_reached (gpointer data)
{
  CountWait *w = data;
  g_autoptr(GPtrArray) names = listed (w->ui, w->key);
  return names->len == w->want;
}

/* Wait until the page lists exactly want buttons of this kind (they come a few a frame). */
static GPtrArray *
wait_listed (Ui *ui, const char *key, guint want)
{
  CountWait w = { ui, key, want };
  if (!hb_test_wait_until (count_reached, &w, 15000))
    {
      g_autoptr(GPtrArray) names = listed (ui, key);
      g_error ("expected %u \"%s\" buttons, the page lists %u", want, key, names->len);
    }
  return listed (ui, key);
}

static guint
index_of (GPtrArray *names, const char *name)
{
  guint i;
  g_assert_true (g_ptr_array_find_with_equal_func (names, name, g_str_equal, &i));
  return i;
}

static HbService *
service (Ui *ui, const char *code)
{
  HbService *s = hb_core_get_service (hb_application_get_core (ui->app), code, NULL);
  g_assert_nonnull (s);
  return s;
}

/* Most used first: the services listed come in popularity order (a fresh terminal has no
 * uses of its own yet), after a life event's 一件事 bundles, which lead. */
static void
assert_most_used_first (Ui *ui)
{
  g_autoptr(GPtrArray) codes = listed_codes (ui);
  guint first = 0;
  while (first < codes->len)
    {
      g_autoptr(HbService) s = service (ui, codes->pdata[first]);
      if (hb_service_get_kind (s) != HB_SERVICE_KIND_BUNDLE)
        break;
      first++;
    }
  for (guint i = first + 1; i < codes->len; i++)
    {
      g_autoptr(HbService) a = service (ui, codes->pdata[i - 1]);
      g_autoptr(HbService) b = service (ui, codes->pdata[i]);
      g_assert_cmpint (hb_service_get_popularity (a), >=, hb_service_get_popularity (b));
    }
}

static gboolean
is_current_tab (Ui *ui, const char *name)
{
  return gtk_widget_has_css_class (ui_wait_for (ui, name), "tab-current");
}

static void
test_browse_by_life_event_and_department (Ui *ui, gconstpointer data)
{
  ui->prefix = "browse-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);

  /* 最常用, the default: the 48 most used of a resident's services, most used first. */
  {
    g_autoptr(GPtrArray) names = wait_listed (ui, "code", 48);
    g_assert_true (is_current_tab (ui, "最常用"));
    g_assert_false (is_current_tab (ui, "按人生事件"));
    g_assert_cmpstr (names->pdata[0], ==, "社会保险个人权益记录打印");
    g_assert_cmpstr (names->pdata[1], ==, "个人所得税综合所得年度汇算");
    g_assert_cmpstr (names->pdata[2], ==, "交通违法处理（非现场）");
    g_assert_false (g_ptr_array_find_with_equal_func (names, "单位参保缴费证明打印",
                                                      g_str_equal, NULL));
    g_assert_null (ui_find (ui, "返回"));
    assert_most_used_first (ui);
  }
  ui_snapshot (ui, "catalog-most-used");

  /* 按人生事件: a grid of a resident's life events, the fullest first; none of a business's. */
  ui_press (ui, "按人生事件");
  ui_wait_for (ui, "出生");
  {
    g_autoptr(GPtrArray) events = listed (ui, "facet");
    g_assert_true (is_current_tab (ui, "按人生事件"));
    g_assert_cmpuint (events->len, >=, 12);
    g_assert_cmpstr (events->pdata[0], ==, "就业");
    g_assert_cmpstr (events->pdata[1], ==, "住房");
    g_assert_true (g_ptr_array_find_with_equal_func (events, "婚育", g_str_equal, NULL));
    g_assert_false (g_ptr_array_find_with_equal_func (events, "用工", g_str_equal, NULL));
    g_assert_false (g_ptr_array_find_with_equal_func (events, "经营许可", g_str_equal, NULL));
    g_assert_null (ui_find (ui, "社会保险个人权益记录打印"));   /* the grid replaced the list */
  }
  ui_snapshot (ui, "life-events");

  /* 出生: its 12 services, most used first, under a title and a way back. */
  ui_press (ui, "出生");
  ui_wait_for (ui, "返回");
  g_assert_cmpstr (ui_label_text (ui, "浏览标题"), ==, "出生");
  {
    g_autoptr(GPtrArray) names = wait_listed (ui, "code", 12);
    g_autoptr(GPtrArray) codes = listed_codes (ui);
    g_assert_cmpstr (ui_label_text (ui, "浏览事项数"), ==, "12 项，最常用的在前");
    /* The event's 一件事 first: it does the others in one go. */
    g_assert_cmpstr (names->pdata[0], ==, "新生儿出生一件事");
    g_assert_cmpstr (names->pdata[1], ==, "社会保障卡申领");
    g_assert_cmpstr (names->pdata[2], ==, "城乡居民基本医疗保险参保登记");
    g_assert_cmpstr (names->pdata[3], ==, "幼儿园入园登记");
    g_assert_cmpuint (index_of (names, "生育登记"), <, index_of (names, "出生登记（新生儿落户）"));
    g_assert_cmpuint (index_of (names, "出生登记（新生儿落户）"), <, index_of (names, "出生医学证明补发"));
    for (guint i = 0; i < codes->len; i++)
      {
        g_autoptr(HbService) s = service (ui, codes->pdata[i]);
        g_assert_true (g_strv_contains (hb_service_get_life_events (s), "birth"));
      }
    assert_most_used_first (ui);
  }
  ui_snapshot (ui, "life-event-birth");

  /* A service from the browsed list opens its guide. */
  ui_press (ui, "出生登记（新生儿落户）");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_snapshot (ui, "birth-registration-guide");
  /* Back from the guide: the list the resident came from, then back to the grid. */
  ui_press (ui, "返回事项列表");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  g_assert_cmpstr (ui_label_text (ui, "浏览标题"), ==, "出生");
  g_autoptr(GPtrArray) again = wait_listed (ui, "code", 12);
  ui_press (ui, "返回");
  ui_wait_for (ui, "婚育");
  g_assert_null (ui_find (ui, "返回"));
  g_assert_true (is_current_tab (ui, "按人生事件"));

  /* 按部门: one per row, the resident's departments only, the fullest first. */
  ui_press (ui, "按部门");
  ui_wait_for (ui, "上海市公安局");
  {
    g_autoptr(GPtrArray) depts = listed (ui, "facet");
    g_assert_true (is_current_tab (ui, "按部门"));
    g_assert_cmpstr (depts->pdata[0], ==, "上海市人力资源和社会保障局");
    g_assert_cmpstr (depts->pdata[1], ==, "上海市民政局");
    g_assert_cmpstr (depts->pdata[2], ==, "上海市公安局");
    g_assert_false (g_ptr_array_find_with_equal_func (depts, "上海市药品监督管理局",
                                                      g_str_equal, NULL));
    g_assert_null (ui_find (ui, "出生"));
  }
  ui_snapshot (ui, "departments");

  ui_press (ui, "上海市公安局");
  ui_wait_for (ui, "返回");
  g_assert_cmpstr (ui_label_text (ui, "浏览标题"), ==, "上海市公安局");
  {
    g_autoptr(GPtrArray) names = wait_listed (ui, "code", 14);
    g_autoptr(GPtrArray) codes = listed_codes (ui);
    g_assert_cmpstr (ui_label_text (ui, "浏览事项数"), ==, "14 项，最常用的在前");
    g_assert_cmpstr (names->pdata[0], ==, "居住证签注");
    g_assert_cmpstr (names->pdata[1], ==, "居民身份证换领、补领");
    for (guint i = 0; i < codes->len; i++)
      {
        g_autoptr(HbService) s = service (ui, codes->pdata[i]);
        g_assert_cmpstr (hb_service_get_department (s)->zh, ==, "上海市公安局");
      }
    assert_most_used_first (ui);
  }
  ui_snapshot (ui, "department-police");

  ui_press (ui, "居住证签注");
  ui_wait_page (ui, HB_PAGE_GUIDE);
  ui_press (ui, "开始填写");
  ui_wait_page (ui, HB_PAGE_FORM);
}

/* Back to 最常用 from a sub-list, and the tabs keep working. */
static void
test_most_used_tab_returns_from_a_sub_list (Ui *ui, gconstpointer data)
{
  ui->prefix = "popular-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  g_autoptr(GPtrArray) first = wait_listed (ui, "code", 48);
  ui_press (ui, "按人生事件");
  ui_press (ui, "退休");
  ui_wait_for (ui, "返回");
  g_assert_cmpstr (ui_label_text (ui, "浏览标题"), ==, "退休");
  g_autoptr(GPtrArray) retirement = wait_listed (ui, "code", 7);
  ui_press (ui, "最常用");
  g_autoptr(GPtrArray) again = wait_listed (ui, "code", 48);
  g_assert_null (ui_find (ui, "返回"));
  for (guint i = 0; i < first->len; i++)
    g_assert_cmpstr (again->pdata[i], ==, first->pdata[i]);
}

/* A business (法人码) browses its own life events and departments, none of a resident's. */
static void
test_a_business_browses_business_events (Ui *ui, gconstpointer data)
{
  ui->prefix = "business-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_press (ui, "扫法人码");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  ui_press (ui, "按人生事件");
  ui_wait_for (ui, "经营许可");
  {
    g_autoptr(GPtrArray) events = listed (ui, "facet");
    g_assert_cmpstr (events->pdata[0], ==, "经营许可");
    g_assert_true (g_ptr_array_find_with_equal_func (events, "用工", g_str_equal, NULL));
    g_assert_true (g_ptr_array_find_with_equal_func (events, "开办企业", g_str_equal, NULL));
    g_assert_false (g_ptr_array_find_with_equal_func (events, "出生", g_str_equal, NULL));
    g_assert_false (g_ptr_array_find_with_equal_func (events, "就医", g_str_equal, NULL));
  }
  ui_snapshot (ui, "life-events");
  ui_press (ui, "用工");
  ui_wait_for (ui, "返回");
  {
    g_autoptr(GPtrArray) names = wait_listed (ui, "code", 25);
    g_autoptr(GPtrArray) codes = listed_codes (ui);
    for (guint i = 0; i < codes->len; i++)
      {
        g_autoptr(HbService) s = service (ui, codes->pdata[i]);
        g_assert_true (hb_service_get_audience (s) & HB_SERVICE_FOR_ENTERPRISE);
        g_assert_true (g_strv_contains (hb_service_get_life_events (s), "hiring"));
      }
    assert_most_used_first (ui);
  }
  ui_press (ui, "按部门");
  ui_wait_for (ui, "上海市市场监督管理局");
  g_assert_null (ui_find (ui, "上海市公安局出入境管理局"));
  ui_snapshot (ui, "departments");
}

/* In English: the tabs, the life events and the services all read in English. */
static void
test_browsing_in_english (Ui *ui, gconstpointer data)
{
  ui->prefix = "english-";
  ui_wait_page (ui, HB_PAGE_ATTRACT);
  ui_press (ui, "开始办理");
  ui_wait_page (ui, HB_PAGE_IDENTIFY);
  ui_press (ui, "放身份证 1");
  ui_wait_page (ui, HB_PAGE_CATALOG);
  ui_press (ui, "Switch to English");
  ui_press (ui, "By life event");
  ui_wait_for (ui, "Household and residence");
  ui_snapshot (ui, "life-events");
  ui_press (ui, "Birth");
  ui_wait_for (ui, "Back");
  g_assert_cmpstr (ui_label_text (ui, "Browsing"), ==, "Birth");
  g_autoptr(GPtrArray) names = wait_listed (ui, "code", 12);
  g_assert_cmpstr (ui_label_text (ui, "Number of services"), ==, "12 services, most used first");
  g_autoptr(HbService) first = service (ui, "310000-RS-SBK-0111");
  g_assert_cmpstr (names->pdata[1], ==, hb_service_get_name (first)->en);
  ui_snapshot (ui, "life-event-birth");
  /* Departments by their English names, in the list and the sub-list's header. */
  ui_press (ui, "By department");
  ui_press (ui, "Shanghai Public Security Bureau");
  ui_wait_for (ui, "Back");
  g_assert_cmpstr (ui_label_text (ui, "Browsing"), ==, "Shanghai Public Security Bureau");
  ui_snapshot (ui, "department-police");
  ui_press (ui, "切换到中文");
  ui_wait_for (ui, "按人生事件");
  hb_i18n_set_language ("zh_CN");
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add ("/ui/browse/by-life-event-and-department", Ui, NULL, ui_setup,
              test_browse_by_life_event_and_department, ui_teardown);
  g_test_add ("/ui/browse/most-used-tab-returns-from-a-sub-list", Ui, NULL, ui_setup,
              test_most_used_tab_returns_from_a_sub_list, ui_teardown);
  g_test_add ("/ui/browse/a-business-browses-business-events", Ui, NULL, ui_setup,
              test_a_business_browses_business_events, ui_teardown);
  g_test_add ("/ui/browse/browsing-in-english", Ui, NULL, ui_setup,
              test_browsing_in_english, ui_teardown);
  return g_test_run ();
}
