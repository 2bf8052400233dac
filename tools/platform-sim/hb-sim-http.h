/* hb-sim-http.h — one request as the handlers see it, and the ways to answer it. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Largest request body accepted (platform-api.md: bodies are at most 1 MiB). */
#define HB_SIM_MAX_BODY (1024u * 1024u)
#define HB_SIM_JSON_CONTENT_TYPE "application/json; charset=utf-8"
/* Idempotency keys are logged, so they are restricted to a short printable token. */
#define HB_SIM_MAX_KEY_LENGTH 128u

typedef struct {
  SoupServerMessage *msg;     /* strong ref */
  const char        *method;  /* interned by libsoup */
  char              *path;
  GBytes            *body;    /* never NULL; wiped when freed */
} HbSimRequest;

HbSimRequest *hb_sim_request_new  (SoupServerMessage *msg, const char *path, GBytes *body);
void          hb_sim_request_free (HbSimRequest *req);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbSimRequest, hb_sim_request_free)

/* Bytes that are overwritten with zeros when the last reference goes (bodies carry
 * personal data). */
GBytes       *hb_sim_bytes_new_wiped (const guint8 *data, gsize len);

/* gzip of bytes (the catalog is text that compresses ~10:1). (transfer full) */
GBytes       *hb_sim_gzip (GBytes *bytes);
/* Whether the request's Accept-Encoding allows gzip (listed, and not with q=0). */
gboolean      hb_sim_accepts_gzip (SoupServerMessage *msg);

/* Parses the body as JSON; on failure answers 400 {"error":"invalid-json"} and returns NULL. */
JsonNode     *hb_sim_request_parse_json (HbSimRequest *req);
/* The JSON body of a POST: answers 405 for any other method, 400 for a body that is not
 * JSON, and returns NULL after either. */
JsonNode     *hb_sim_request_post_json (HbSimRequest *req);

typedef enum {
  HB_SIM_KEY_MISSING,
  HB_SIM_KEY_INVALID,   /* empty, too long, or not printable ASCII */
  HB_SIM_KEY_OK,
} HbSimKeyState;
/* The Idempotency-Key header; *key is set only for HB_SIM_KEY_OK. */
HbSimKeyState hb_sim_request_key (SoupServerMessage *msg, const char **key);

/* Answers: JSON text (copied), a JSON node, or {"error":code,"message":message}. */
void hb_sim_reply_text  (SoupServerMessage *msg, guint status, const char *json, gssize len);
void hb_sim_reply_node  (SoupServerMessage *msg, guint status, JsonNode *node);
void hb_sim_reply_error (SoupServerMessage *msg, guint status, const char *code,
                         const char *message);
/* 200 with a JSON array of deep copies of the JsonNodes a /_sim/ list keeps, oldest first
 * (405 unless the method is GET). */
void hb_sim_reply_queue (SoupServerMessage *msg, const char *method, GQueue *items);
/* 405 with an Allow header. */
void hb_sim_reply_method_not_allowed (SoupServerMessage *msg, const char *allow);

/* Words added to the request's log line ("replay", "fault=status", …). Never personal data. */
void        hb_sim_note     (SoupServerMessage *msg, const char *note);
const char *hb_sim_get_note (SoupServerMessage *msg);

G_END_DECLS
