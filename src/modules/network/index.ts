// Every network module, in the order they run. Add one import and one array entry per module.
import type { ModuleDef } from "../contract.ts";
import dns from "./dns.ts";
import tls from "./tls.ts";
import quic from "./quic.ts";
import http from "./http.ts";
import certificates from "./certificates.ts";
import flows from "./flows.ts";
import sensorAlerts from "./sensor-alerts.ts";
import appPrivacyReport from "./app-privacy-report.ts";

export const networkModules: ModuleDef<any>[] = [dns, tls, quic, http, certificates, flows, sensorAlerts, appPrivacyReport];
