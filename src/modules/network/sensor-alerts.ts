// Alerts a Suricata sensor raised on the traffic (eve.json). They come from the sensor's own
// rules, not from Vigil's indicators: high-severity ones are listed as worth a look.
import { defineModule } from "../contract.ts";
import { codeRule, heuristic } from "../../core/detection.ts";
import { msg } from "../../core/i18n/index.ts";
import type { AlertRecord } from "../../formats/network/records.ts";
import { hostPort } from "./lib/contact.ts";
import { EVE, passRecords } from "./lib/pass.ts";

export const SENSOR_RULE = codeRule("NET-SENSOR-01");

export default defineModule<AlertRecord>({
  name: "sensor_alerts",
  title: "Sensor alerts (Suricata)",
  platform: "network",
  description: "Alerts in Suricata's eve.json. Severity 1 alerts (the sensor's highest) are flagged as worth a look (NET-SENSOR-01); the connections themselves are checked by the other network modules.",
  reads: { network: EVE },
  records: (ctx) => passRecords<AlertRecord>(ctx, "alert"),
  events(r) {
    return [{ timestamp: r.timestamp, event: "sensor_alert", description: `Suricata alert: ${r.signature} (${hostPort(r.client_ip, r.client_port)} → ${hostPort(r.server_ip, r.server_port)})` }];
  },
  check(r) {
    if (r.severity !== 1) return [];
    return [
      heuristic({
        rule: SENSOR_RULE.id,
        ruleDescription: SENSOR_RULE.description,
        grade: "weak",
        title: msg("det.net.sensor.alert", { value: r.signature }),
        why: msg("det.net.sensor.alert.why"),
        matched: r.signature,
        artifact: r.file,
        timestamp: r.timestamp,
      }),
    ];
  },
});
