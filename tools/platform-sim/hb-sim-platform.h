/* hb-sim-platform.h — the HTTP side of haoban-platform-sim: listens on 127.0.0.1, bounds
 * request bodies, routes /v1 and /_sim/, applies faults, logs one line per request. */
#pragma once

#include "tools/platform-sim/hb-sim-catalog.h"
#include "tools/platform-sim/hb-sim-codes.h"
#include "tools/platform-sim/hb-sim-store.h"

G_BEGIN_DECLS

#define HB_TYPE_SIM_PLATFORM (hb_sim_platform_get_type ())
G_DECLARE_FINAL_TYPE (HbSimPlatform, hb_sim_platform, HB, SIM_PLATFORM, GObject)

#include "tools/platform-sim/hb-sim-keys.h"

HbSimPlatform *hb_sim_platform_new (HbSimCatalog *catalog, HbSimCodes *codes, HbSimStore *store,
                                    HbSimKeys *keys);

/* Listens on 127.0.0.1:port (0 picks a free port). Plain HTTP, or HTTPS after
 * hb_sim_platform_set_tls. */
gboolean     hb_sim_platform_listen   (HbSimPlatform *self, guint16 port, GError **error);
/* Serve HTTPS with cert (call before listening). client_ca (may be NULL): require a client
 * certificate issued by it (mutual TLS). */
void         hb_sim_platform_set_tls  (HbSimPlatform *self, GTlsCertificate *cert,
                                       GTlsDatabase *client_ca);
/* TRUE after hb_sim_platform_set_tls. */
gboolean     hb_sim_platform_get_tls  (HbSimPlatform *self);
/* A second HTTPS listener on 127.0.0.1:port serving the same API, records and faults with
 * another certificate (from an unrelated CA): what a terminal must refuse. */
gboolean     hb_sim_platform_listen_second   (HbSimPlatform *self, guint16 port,
                                              GTlsCertificate *cert, GTlsDatabase *client_ca,
                                              GError **error);
guint16      hb_sim_platform_get_second_port (HbSimPlatform *self);
/* The port actually listened on (after hb_sim_platform_listen). */
guint16      hb_sim_platform_get_port (HbSimPlatform *self);

G_END_DECLS
