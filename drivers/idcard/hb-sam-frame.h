/* hb-sam-frame.h — the SAM frame protocol of resident ID card readers (pure, no I/O).
 *
 *   request:  AA AA AA 96 69 | LEN(2, BE) | CMD | PARA | DATA… | CHK
 *   response: AA AA AA 96 69 | LEN(2, BE) | SW1 | SW2 | SW3 | DATA… | CHK
 *   LEN counts everything after itself; CHK = XOR of LEN1 … last DATA byte.
 * Facts and captured frames: ../shared/reference/idcard-sam-protocol.md §1–§4. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HB_SAM_PREAMBLE_LEN 5
#define HB_SAM_HEADER_LEN   7          /* preamble + LEN */
/* Largest frame we accept: the biggest known response (read with fingerprint) is 2321
 * bytes; anything announcing more is corrupt. */
#define HB_SAM_FRAME_MAX    4096

extern const guint8 hb_sam_preamble[HB_SAM_PREAMBLE_LEN];

/* Commands (CMD, PARA). */
typedef enum {
  HB_SAM_CMD_RESET          = 0x10FF,
  HB_SAM_CMD_STATUS         = 0x11FF,
  HB_SAM_CMD_SAM_ID         = 0x12FF,
  HB_SAM_CMD_FIND           = 0x2001,
  HB_SAM_CMD_SELECT         = 0x2002,
  HB_SAM_CMD_READ_BASE      = 0x3001,
  HB_SAM_CMD_READ_APPENDED  = 0x3003,
  HB_SAM_CMD_READ_BASE_FP   = 0x3010,
  HB_SAM_CMD_SET_MAX_RF     = 0x61FF,
} HbSamCommand;

/* SW3 values (§4). */
#define HB_SAM_SW3_OK             0x90
#define HB_SAM_SW3_NO_ITEM        0x91
#define HB_SAM_SW3_FIND_OK        0x9F
#define HB_SAM_SW3_HOST_CHECKSUM  0x10
#define HB_SAM_SW3_HOST_LENGTH    0x11
#define HB_SAM_SW3_HOST_COMMAND   0x21
#define HB_SAM_SW3_UNAUTHORIZED   0x23
#define HB_SAM_SW3_UNRECOGNIZED   0x24
#define HB_SAM_SW3_CARD_AUTH      0x31
#define HB_SAM_SW3_SAM_AUTH       0x32
#define HB_SAM_SW3_VERIFY         0x33
#define HB_SAM_SW3_FP_VERIFY      0x37
#define HB_SAM_SW3_INFO_LENGTH    0x3F
#define HB_SAM_SW3_CARD_TYPE      0x40
#define HB_SAM_SW3_READ_FAILED    0x41
#define HB_SAM_SW3_RANDOM         0x47
#define HB_SAM_SW3_SELF_TEST      0x60
#define HB_SAM_SW3_NOT_AUTHORIZED 0x66
#define HB_SAM_SW3_NO_CARD        0x80
#define HB_SAM_SW3_SELECT_FAILED  0x81

/* Errors: what the frame or the SAM said, typed (§4 "suggested mapping"). Messages never
 * contain card data. */
#define HB_SAM_ERROR (hb_sam_error_quark ())
GQuark hb_sam_error_quark (void);
typedef enum {
  HB_SAM_ERROR_FRAME,          /* malformed frame: preamble, LEN, checksum, truncation */
  HB_SAM_ERROR_NO_CARD,        /* 80 */
  HB_SAM_ERROR_SELECT_FAILED,  /* 81 */
  HB_SAM_ERROR_READ_FAILED,    /* 41: usually the card moved; worth one retry */
  HB_SAM_ERROR_NO_ITEM,        /* 91: nothing of that kind on the card */
  HB_SAM_ERROR_INVALID_MEDIA,  /* 40 */
  HB_SAM_ERROR_AUTH_FAILED,    /* 31 32 33 37 47 */
  HB_SAM_ERROR_SAM_FAULT,      /* 60 66 23 — the module needs maintenance */
  HB_SAM_ERROR_PROTOCOL,       /* 10 11 21 24 3F — our frame was wrong or corrupted */
  HB_SAM_ERROR_CARD_STATUS,    /* SW1/SW2 not 00 00 */
  HB_SAM_ERROR_UNKNOWN,        /* any other SW3 */
  HB_SAM_ERROR_DATA,           /* the frame is fine but its DATA is not what the command returns */
} HbSamError;

/* "读居民身份证操作失败" / "read failed" — the status table's meaning of an SW3. */
const char *hb_sam_status_describe (guint8 sw3, gboolean english);

/* Build frames. Data may be NULL when len is 0. len ≤ HB_SAM_FRAME_MAX - 10 for requests,
 * HB_SAM_FRAME_MAX - 11 for responses (so that the frame fits HB_SAM_FRAME_MAX). */
GBytes   *hb_sam_request_build  (HbSamCommand command, const guint8 *data, gsize len);
GBytes   *hb_sam_response_build (guint8 sw1, guint8 sw2, guint8 sw3, const guint8 *data,
                                 gsize len);

/* A parsed response. data points into the frame it was parsed from. */
typedef struct {
  guint8        sw1, sw2, sw3;
  const guint8 *data;
  gsize         data_len;
} HbSamResponse;

/* Parse one complete response frame (exactly 7 + LEN bytes): preamble, LEN bounds,
 * checksum. Errors: HB_SAM_ERROR_FRAME with what is wrong. */
gboolean  hb_sam_response_parse (const guint8 *frame, gsize len, HbSamResponse *out,
                                 GError **error);
/* Parse one request frame (for simulators). */
gboolean  hb_sam_request_parse  (const guint8 *frame, gsize len, HbSamCommand *command,
                                 const guint8 **data, gsize *data_len, GError **error);
/* SW1 = SW2 = 0 and SW3 == expected, else the typed error for what it is. */
gboolean  hb_sam_response_check (const HbSamResponse *response, guint8 expected_sw3,
                                  GError **error);

/* Incremental receiver for byte streams (serial, USB): finds the preamble, drops garbage
 * before it one byte at a time, and hands out complete frames. Bounded: never buffers
 * more than HB_SAM_FRAME_MAX. */
typedef struct _HbSamReceiver HbSamReceiver;
HbSamReceiver *hb_sam_receiver_new   (void);
/* The same for request frames (simulators): their LEN may be 3 (CMD PARA CHK). */
HbSamReceiver *hb_sam_receiver_new_for_requests (void);
void           hb_sam_receiver_free  (HbSamReceiver *receiver);   /* wipes its buffer */
void           hb_sam_receiver_reset (HbSamReceiver *receiver);
/* Bytes still needed to complete the frame in progress (7 while hunting for a header;
 * 0 when a complete frame is queued — collect it with feed (NULL, 0)): lets a transport
 * read exactly what is missing. */
gsize          hb_sam_receiver_wanted (HbSamReceiver *receiver);
/* Feed bytes. Returns a complete frame (checksum not yet verified) as soon as one is
 * there, or NULL; unconsumed input stays queued for the next call (feed NULL, 0).
 * The queue holds HB_SAM_FRAME_MAX bytes: input that does not fit behind a complete
 * frame is dropped (and counted by hb_sam_receiver_dropped). Feeding at most
 * hb_sam_receiver_wanted() bytes at a time never loses a byte. */
GBytes        *hb_sam_receiver_feed  (HbSamReceiver *receiver, const guint8 *data, gsize len);
/* Bytes dropped while hunting for a preamble since creation/reset (diagnostics). */
gsize          hb_sam_receiver_dropped (HbSamReceiver *receiver);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HbSamReceiver, hb_sam_receiver_free)

/* A GBytes of len bytes whose buffer is wiped (explicit_bzero) when its last reference
 * goes; *data is writable until the GBytes is handed on. Every frame and DATA block the
 * SAM codec returns is one of these, since it may hold personal data. */
GBytes   *hb_sam_wiped_bytes_new (gsize len, guint8 **data);

/* Hex dump of a frame for logs: preamble, LEN, status and at most the first n DATA bytes
 * (never the text block: personal data). */
char     *hb_sam_frame_summary (const guint8 *frame, gsize len);

G_END_DECLS
