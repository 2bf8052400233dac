/* hb-doctor-private.h — the doctor's checks, split by what they look at. */
#pragma once

#include "kiosk/hb-doctor.h"

G_BEGIN_DECLS

typedef struct {
  HbConfig              *config;
  const HbDoctorOptions *opts;
  GPtrArray             *checks;
  JsonObject            *kiosk;       /* the running kiosk's status.json, or NULL */
  GCancellable          *cancellable;
} HbDoctorRun;

void hb_doctor_add (HbDoctorRun *run, const char *id, HbDoctorLevel level, const char *fix,
                    const char *what_format, ...) G_GNUC_PRINTF (5, 6);

/* hb-doctor-net.c: "platform", "clock", "tls". */
void hb_doctor_check_network (HbDoctorRun *run);
/* hb-doctor-devices.c: "device-idcard", "device-scanner", "device-printer",
 * "device-receipt-printer". */
void hb_doctor_check_devices (HbDoctorRun *run);

/* A member of status.json (outside bytes: any type may be there): the string, or def when
 * it is missing or not a string. */
const char *hb_doctor_member_string (JsonObject *o, const char *name, const char *def);
/* The integer, or def when missing or not an integer. */
gint64      hb_doctor_member_int    (JsonObject *o, const char *name, gint64 def);

/* An HTTP Date header value as unix seconds; FALSE when it is not a date. */
gboolean hb_doctor_parse_http_date (const char *value, gint64 *unix_time);

G_END_DECLS
