// Alerts a Suricata sensor raised on the traffic (eve.json). They come from the sensor's own
// rules, not from Vigil's indicators: high-severity ones are listed as worth a look.
import { defineModule } from "../contract.ts";
import { heuristic } from "../../core/detection.ts";
import type { AlertRecord } from "../../formats/network/records.ts";
import { hostPort } from "./lib/contact.ts";
import { EVE, passRecords } from "./lib/pass.ts";

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
        rule: "NET-SENSOR-01",
        ruleDescription: "A Suricata alert of severity 1 on the phone's traffic",
        grade: "weak",
        title: `Suricata alert: ${r.signature}`,
        why: "The sensor's own rule fired with its highest severity. Its rules are not spyware indicators and also fire on ordinary traffic: read the alert with the rest of the findings.",
        matched: r.signature,
        artifact: r.file,
        timestamp: r.timestamp,
      }),
    ];
  },
});
