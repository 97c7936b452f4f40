// Fixture builders shared by the iOS system-artifact module tests: real schemas, built in code.
import * as plist from "plist";

import { sqliteImage } from "./sqlite-image.ts";
export { sqliteImage };

/** An XML plist (parsePlist reads XML and binary alike). */
export function xmlPlist(value: unknown): Buffer {
  return Buffer.from(plist.build(value as plist.PlistValue));
}

/** Seconds since 2001-01-01 for an ISO date, as Core Data stores it. */
export function macTime(iso: string): number {
  return (Date.parse(iso) - Date.UTC(2001, 0, 1)) / 1000;
}

/** The DataUsage/netusage tables as iOS 14 creates them. */
export const PROCESS_USAGE_DDL = `
CREATE TABLE ZLIVEUSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND INTEGER, ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER, ZBILLCYCLEEND TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT );
CREATE TABLE ZPROCESS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR );
CREATE INDEX ZLIVEUSAGE_ZHASPROCESS_INDEX ON ZLIVEUSAGE (ZHASPROCESS);
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
`;

export interface Proc { id: number; name: string; bundle?: string | null; first: string; last?: string }
export interface Usage { id: number; proc: number | null; at: string; wwanIn?: number; wwanOut?: number; wifiIn?: number; wifiOut?: number }

export function processUsageDb(procs: Proc[], usage: Usage[], opts: { noWifi?: boolean } = {}): Buffer {
  return sqliteImage("", (db) => {
    db.exec(opts.noWifi ? PROCESS_USAGE_DDL.replace("ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ", "") : PROCESS_USAGE_DDL);
    const p = db.prepare("INSERT INTO ZPROCESS (Z_PK, Z_ENT, Z_OPT, ZFIRSTTIMESTAMP, ZTIMESTAMP, ZBUNDLENAME, ZPROCNAME) VALUES (?, 7, 1, ?, ?, ?, ?)");
    const u = opts.noWifi
      ? db.prepare("INSERT INTO ZLIVEUSAGE (Z_PK, Z_ENT, Z_OPT, ZKIND, ZHASPROCESS, ZTIMESTAMP, ZWWANIN, ZWWANOUT) VALUES (?, 5, 1, 0, ?, ?, ?, ?)")
      : db.prepare("INSERT INTO ZLIVEUSAGE (Z_PK, Z_ENT, Z_OPT, ZKIND, ZHASPROCESS, ZTIMESTAMP, ZWIFIIN, ZWIFIOUT, ZWWANIN, ZWWANOUT) VALUES (?, 5, 1, 0, ?, ?, ?, ?, ?, ?)");
    db.transaction(() => {
      for (const x of procs) p.run(x.id, macTime(x.first), macTime(x.last ?? x.first), x.bundle ?? null, x.name);
      for (const x of usage) {
        if (opts.noWifi) u.run(x.id, x.proc, macTime(x.at), x.wwanIn ?? 0, x.wwanOut ?? 0);
        else u.run(x.id, x.proc, macTime(x.at), x.wifiIn ?? 0, x.wifiOut ?? 0, x.wwanIn ?? 0, x.wwanOut ?? 0);
      }
    })();
  });
}
