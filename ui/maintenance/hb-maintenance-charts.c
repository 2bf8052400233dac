/* hb-maintenance-charts.c — usage charts on the dashboard (see the header). */
#include "ui/maintenance/hb-maintenance-charts.h"
#include "kiosk/hb-chart.h"

#include <glib/gi18n.h>

#define DAYS 30

typedef enum { CHART_HOURS, CHART_DAYS, CHART_SERVICES, CHART_COMPLETION, CHART_REASONS,
               CHART_RATINGS, N_CHARTS } ChartId;

struct _HbMaintenanceCharts
{
  GtkWidget       parent_instance;
  GtkWidget      *grid;
  GtkWidget      *areas[N_CHARTS];
  HbCore         *core;
  HbUsageSummary *summary;
  GHashTable     *names;     /* service code → name, read with the summary */
  GCancellable   *loading;
};

G_DEFINE_FINAL_TYPE (HbMaintenanceCharts, hb_maintenance_charts, GTK_TYPE_WIDGET)

static const char *
chart_title (ChartId id)
{
  switch (id)
    {
    case CHART_HOURS:      return _("各时段访问量（近 30 天）");
    case CHART_DAYS:       return _("每日访问量（近 30 天）");
    case CHART_SERVICES:   return _("最常办理的事项");
    case CHART_COMPLETION: return _("办结与放弃");
    case CHART_REASONS:    return _("办不成事原因");
    case CHART_RATINGS:    return _("好差评");
    default:               return "";
    }
}

static void
draw_chart (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  HbMaintenanceCharts *self = data;
  ChartId id = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (area), "chart"));
  HbUsageSummary *s = self->summary;
  HbChartStyle style;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) values = g_array_new (FALSE, TRUE, sizeof (double));

  hb_chart_style_init (&style, HB_CHART_SCREEN);
  if (s != NULL)
    switch (id)
      {
      case CHART_HOURS:
        for (guint h = 0; h < 24; h++)
          {
            double v = s->visits_per_hour[h];
            g_ptr_array_add (labels, g_strdup_printf ("%u", h));
            g_array_append_val (values, v);
          }
        break;
      case CHART_DAYS:
        for (guint d = 0; d < s->n_days; d++)
          {
            double v = s->visits_per_day[d];
            g_autoptr(GDateTime) day = g_date_time_add_days (s->first_day, (gint) d);
            g_ptr_array_add (labels, g_date_time_format (day, "%d"));
            g_array_append_val (values, v);
          }
        break;
      case CHART_SERVICES:
      case CHART_REASONS:
        {
          HbUsageCount *counts = id == CHART_SERVICES ? s->services : s->reasons;
          guint n = id == CHART_SERVICES ? s->n_services : s->n_reasons;
          for (guint i = 0; i < n && i < 6; i++)
            {
              double v = counts[i].count;
              const char *name = id == CHART_SERVICES && self->names
                                 ? g_hash_table_lookup (self->names, counts[i].key) : NULL;
              g_ptr_array_add (labels, g_strdup (name ? name : counts[i].key));
              g_array_append_val (values, v);
            }
        }
        break;
      case CHART_COMPLETION:
        {
          double v[2] = { s->completed, s->abandoned };
          g_ptr_array_add (labels, g_strdup (_("办结")));
          g_ptr_array_add (labels, g_strdup (_("放弃")));
          g_array_append_vals (values, v, 2);
        }
        break;
      case CHART_RATINGS:
        {
          static const char *const names[] = { N_("非常不满意"), N_("不满意"), N_("基本满意"),
                                               N_("满意"), N_("非常满意") };
          for (int i = 4; i >= 0; i--)
            {
              double v = s->ratings[i];
              g_ptr_array_add (labels, g_strdup (_(names[i])));
              g_array_append_val (values, v);
            }
        }
        break;
      default:
        break;
      }
  g_ptr_array_add (labels, NULL);

  switch (id)
    {
    case CHART_HOURS:
    case CHART_DAYS:
      hb_chart_draw_bars (cr, width, height, chart_title (id),
                          (const char *const *) labels->pdata, (double *) values->data,
                          values->len, &style);
      break;
    case CHART_COMPLETION:
      hb_chart_draw_share (cr, width, height, chart_title (id),
                           (const char *const *) labels->pdata, (double *) values->data,
                           values->len, &style);
      break;
    default:
      hb_chart_draw_hbars (cr, width, height, chart_title (id),
                           (const char *const *) labels->pdata, (double *) values->data,
                           values->len, &style);
      break;
    }
}

static void
summarized (GObject *source, GAsyncResult *result, gpointer data)
{
  HbMaintenanceCharts *self = data;
  g_autoptr(GError) error = NULL;
  HbUsageSummary *summary = hb_usage_summarize_finish (HB_USAGE (source), result, &error);

  if (self->loading == NULL || g_cancellable_is_cancelled (self->loading))
    {
      g_clear_pointer (&summary, hb_usage_summary_free);
      g_object_unref (self);
      return;
    }
  g_clear_object (&self->loading);
  if (summary == NULL)
    g_message ("maintenance: usage summary failed: %s", error->message);
  else
    {
      g_clear_pointer (&self->summary, hb_usage_summary_free);
      self->summary = summary;
    }
  for (int i = 0; i < N_CHARTS; i++)
    gtk_widget_queue_draw (self->areas[i]);
  g_object_unref (self);
}

void
hb_maintenance_charts_refresh (HbMaintenanceCharts *self)
{
  HbUsage *usage = hb_core_is_started (self->core) ? hb_core_get_usage (self->core) : NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (usage == NULL || self->loading)
    return;
  /* Names instead of codes on the top-services chart: a small read of the cached list. */
  g_clear_pointer (&self->names, g_hash_table_unref);
  self->names = hb_catalog_dup_names (hb_core_get_catalog (self->core));
  self->loading = g_cancellable_new ();
  hb_usage_summarize_async (usage, now - DAYS * 24 * 3600, now + 1, self->loading, summarized,
                            g_object_ref (self));
}

static void
hb_maintenance_charts_dispose (GObject *object)
{
  HbMaintenanceCharts *self = HB_MAINTENANCE_CHARTS (object);
  if (self->loading)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_clear_pointer (&self->summary, hb_usage_summary_free);
  g_clear_pointer (&self->names, g_hash_table_unref);
  g_clear_pointer (&self->grid, gtk_widget_unparent);
  g_clear_object (&self->core);
  G_OBJECT_CLASS (hb_maintenance_charts_parent_class)->dispose (object);
}

static void
hb_maintenance_charts_class_init (HbMaintenanceChartsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hb_maintenance_charts_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static void
hb_maintenance_charts_init (HbMaintenanceCharts *self)
{
  self->grid = gtk_grid_new ();
  gtk_grid_set_column_homogeneous (GTK_GRID (self->grid), TRUE);
  gtk_grid_set_row_spacing (GTK_GRID (self->grid), 16);
  gtk_grid_set_column_spacing (GTK_GRID (self->grid), 16);
  gtk_widget_set_parent (self->grid, GTK_WIDGET (self));
  for (int i = 0; i < N_CHARTS; i++)
    {
      GtkWidget *area = gtk_drawing_area_new ();
      gboolean wide = i == CHART_DAYS;
      g_object_set_data (G_OBJECT (area), "chart", GINT_TO_POINTER (i));
      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 300);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_chart, self, NULL);
      gtk_widget_add_css_class (area, "maintenance-chart");
      /* The charts are read from the figures under them by a screen reader. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (area), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      chart_title (i), -1);
      self->areas[i] = area;
      /* Hours full width, days full width, then pairs. */
      if (i == CHART_HOURS || wide)
        gtk_grid_attach (GTK_GRID (self->grid), area, 0, i, 2, 1);
      else
        gtk_grid_attach (GTK_GRID (self->grid), area, (i - CHART_SERVICES) % 2,
                         2 + (i - CHART_SERVICES) / 2, 1, 1);
    }
}

GtkWidget *
hb_maintenance_charts_new (HbCore *core)
{
  HbMaintenanceCharts *self = g_object_new (HB_TYPE_MAINTENANCE_CHARTS, NULL);
  self->core = g_object_ref (core);
  hb_maintenance_charts_refresh (self);
  return GTK_WIDGET (self);
}
