/* hb-maintenance-devices.h — 设备配置 (technician only): a row of big choice buttons per
 * device setting (设备模式, 小票, the two serial ports, 摄像头, A4 打印队列) with the current
 * value preselected, the ports, cameras and CUPS queues found on a worker thread; 保存
 * writes the config file in use through hb_maintenance_configure_devices_async (audited)
 * and asks for 重启程序. */
#pragma once

#include <gtk/gtk.h>
#include "kiosk/hb-maintenance.h"

G_BEGIN_DECLS

#define HB_TYPE_MAINTENANCE_DEVICES (hb_maintenance_devices_get_type ())
G_DECLARE_FINAL_TYPE (HbMaintenanceDevices, hb_maintenance_devices, HB, MAINTENANCE_DEVICES,
                      GtkWidget)

GtkWidget *hb_maintenance_devices_new (HbCore *core);

/* Accessible names: each choice is "<setting title> <choice label>" (e.g. "小票 热敏卷",
 * "身份证阅读器串口 不使用"); the buttons "保存设备配置", "重启程序 使配置生效",
 * "返回仪表盘"; the message label "设备配置结果". The choices appear once the worker has
 * looked (the label "设备配置结果" says "正在检测设备…" until then). */

/* Signal "back" (): 返回 was pressed. */

G_END_DECLS
