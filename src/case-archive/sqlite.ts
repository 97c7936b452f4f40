// The case archive in an embedded SQLite database (better-sqlite3): one file, no server, the
// default. Writes run in transactions; WAL lets a hunt read while a case is being archived.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { VigilError } from "../core/errors.ts";
import { CASE_ACQ, CASE_LISTING_SQL, caseListing, iso, ms, schemaStatements } from "./schema.ts";
import { BATCH, hostOfArchived, reverseHost, SCHEMA_VERSION, type ArchivedAcquisition, type ArchivedCase, type ArchivedDetection, type CaseArchive, type CaseListing, type Hit, type Seen, type Sighting, type ValueRow } from "./store.ts";
import { huntKeys } from "./hunt-keys.ts";

export class SqliteArchive implements CaseArchive {
  readonly location: string;
  private readonly db: Database.Database;

  constructor(path: string) {
    this.location = path;
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path);
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("foreign_keys = ON");
      // The value and sighting indexes take random inserts: a page cache of SQLite's default
      // 2 MB made archiving a case mostly page reads.
      this.db.pragma("cache_size = -65536");
      this.db.transaction(() => {
        for (const s of schemaStatements("sqlite")) this.db.exec(s);
        const v = this.db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get() as string | undefined;
        if (v === undefined) this.db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
        else if (Number(v) > SCHEMA_VERSION) throw new VigilError(`case archive made by a newer Vigil (schema ${v}); update Vigil`, { file: path, code: "archive" });
      })();
    } catch (e) {
      if (e instanceof VigilError) throw e;
      throw new VigilError(`cannot open the case archive (${(e as Error).message})`, { file: path, code: "archive", cause: e });
    }
  }

  private acqKey(caseId: string, acq: string): number | undefined {
    return this.db.prepare("SELECT k FROM acquisitions WHERE case_id = ? AND acq = ?").pluck().get(caseId, acq) as number | undefined;
  }

  async putCase(c: ArchivedCase): Promise<void> {
    this.db
      .prepare("INSERT INTO cases (id, name, folder, created, updated) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, folder = excluded.folder, updated = excluded.updated")
      .run(c.id, c.name, c.folder, c.created, c.updated);
  }

  async putAcquisition(a: ArchivedAcquisition, detections: ArchivedDetection[]): Promise<void> {
    this.db.transaction(() => {
      const old = this.acqKey(a.case_id, a.acq);
      if (old !== undefined) {
        for (const t of ["sightings", "detections", "hits"]) this.db.prepare(`DELETE FROM ${t} WHERE acq_k = ?`).run(old);
        this.db.prepare("UPDATE acquisitions SET kind = ?, input = ?, added = ? WHERE k = ?").run(a.kind, a.input, a.added, old);
      } else {
        this.db.prepare("INSERT INTO acquisitions (case_id, acq, kind, input, added) VALUES (?, ?, ?, ?, ?)").run(a.case_id, a.acq, a.kind, a.input, a.added);
      }
      this.insertDetections(this.acqKey(a.case_id, a.acq)!, detections);
    })();
  }

  private insertDetections(k: number, ds: ArchivedDetection[]): void {
    const ins = this.db.prepare("INSERT INTO detections (acq_k, source, module, grade, kind, title, matched, indicator_value, indicator_type, ioc_set, rule_id, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const d of ds) ins.run(k, d.source, d.module, d.grade, d.kind, d.title, d.matched, d.indicator_value ?? null, d.indicator_type ?? null, d.ioc_set ?? null, d.rule_id ?? null, d.timestamp ?? null);
  }

  async putCorrelations(caseId: string, detections: ArchivedDetection[]): Promise<void> {
    this.db.transaction(() => {
      let k = this.acqKey(caseId, CASE_ACQ);
      if (k === undefined) {
        this.db.prepare("INSERT INTO acquisitions (case_id, acq, kind, input, added) VALUES (?, ?, 'case', '', ?)").run(caseId, CASE_ACQ, new Date().toISOString());
        k = this.acqKey(caseId, CASE_ACQ)!;
      }
      this.db.prepare("DELETE FROM detections WHERE acq_k = ?").run(k);
      this.insertDetections(k, detections);
    })();
  }

  async hasAcquisition(caseId: string, acq: string): Promise<boolean> {
    return this.acqKey(caseId, acq) !== undefined;
  }

  async addSightings(caseId: string, acq: string, batch: Sighting[]): Promise<void> {
    const k = this.acqKey(caseId, acq);
    if (k === undefined) throw new Error(`acquisition ${caseId}/${acq} is not archived`);
    const find = this.db.prepare("SELECT id FROM vals WHERE kind = ? AND value = ?").pluck();
    const add = this.db.prepare("INSERT INTO vals (kind, value, rhost) VALUES (?, ?, ?)");
    const upsert = this.db.prepare(`INSERT INTO sightings (value_id, acq_k, module, field, first_seen, last_seen, n) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (value_id, acq_k, module, field) DO UPDATE SET
        first_seen = CASE WHEN first_seen IS NULL THEN excluded.first_seen WHEN excluded.first_seen IS NULL THEN first_seen ELSE min(first_seen, excluded.first_seen) END,
        last_seen = CASE WHEN last_seen IS NULL THEN excluded.last_seen WHEN excluded.last_seen IS NULL THEN last_seen ELSE max(last_seen, excluded.last_seen) END,
        n = n + excluded.n`);
    this.db.transaction(() => {
      for (const s of batch) {
        let id = find.get(s.kind, s.value) as number | undefined;
        if (id === undefined) {
          const host = hostOfArchived(s.kind, s.value);
          id = Number(add.run(s.kind, s.value, host ? reverseHost(host) : null).lastInsertRowid);
        }
        upsert.run(id, k, s.module, s.field, ms(s.first_seen), ms(s.last_seen), s.count);
      }
    })();
  }

  async cases(): Promise<CaseListing[]> {
    return (this.db.prepare(CASE_LISTING_SQL).all() as Record<string, unknown>[]).map(caseListing);
  }


  async hunt(values: string[]): Promise<Seen[]> {
    const ids = new Set<number>();
    const exact = this.db.prepare("SELECT id FROM vals WHERE value = ?").pluck();
    const range = this.db.prepare("SELECT id FROM vals WHERE rhost = ? OR (rhost >= ? AND rhost < ?)").pluck();
    for (const q of values) {
      const keys = huntKeys(q);
      for (const v of keys.exact) for (const id of exact.all(v) as number[]) ids.add(id);
      for (const h of keys.hosts) {
        const r = reverseHost(h);
        for (const id of range.all(r, `${r}.`, `${r}/`) as number[]) ids.add(id);
      }
    }
    return this.sightingsOf([...ids]);
  }

  async eachValue(fn: (batch: ValueRow[]) => void, only?: { caseId: string; acq: string }): Promise<void> {
    let rows: Iterable<unknown[]>;
    if (only) {
      const k = this.acqKey(only.caseId, only.acq);
      if (k === undefined) return;
      rows = this.db.prepare("SELECT DISTINCT v.id, v.kind, v.value FROM sightings s JOIN vals v ON v.id = s.value_id WHERE s.acq_k = ?").raw(true).iterate(k) as Iterable<unknown[]>;
    } else {
      rows = this.db.prepare("SELECT id, kind, value FROM vals").raw(true).iterate() as Iterable<unknown[]>;
    }
    let batch: ValueRow[] = [];
    for (const r of rows) {
      batch.push({ id: r[0] as number, kind: r[1] as string, value: r[2] as string });
      if (batch.length === BATCH) {
        fn(batch);
        batch = [];
      }
    }
    if (batch.length) fn(batch);
  }

  async sightingsOf(valueIds: number[], only?: { caseId: string; acq: string }): Promise<Seen[]> {
    const out: Seen[] = [];
    if (!valueIds.length) return out;
    const onlyK = only ? this.acqKey(only.caseId, only.acq) : undefined;
    if (only && onlyK === undefined) return out;
    // Sightings are read without joins and completed from the few acquisitions and values
    // involved: joining cases and acquisitions on every row cost most of a hunt for a value seen
    // in every case.
    const acqOf = this.db.prepare("SELECT a.k, c.id, c.name, c.folder, a.acq, a.kind FROM acquisitions a JOIN cases c ON c.id = a.case_id WHERE a.k IN (SELECT value FROM json_each(?))").raw(true);
    const byValue = this.db.prepare("SELECT id, kind, value FROM vals WHERE id IN (SELECT value FROM json_each(?))").raw(true);
    const rowsOf = this.db.prepare(`SELECT value_id, acq_k, module, field, first_seen, last_seen, n FROM sightings WHERE value_id IN (SELECT value FROM json_each(?))${only ? " AND acq_k = ?" : ""}`).raw(true);
    for (let i = 0; i < valueIds.length; i += BATCH) {
      const ids = JSON.stringify(valueIds.slice(i, i + BATCH));
      const rows = (only ? rowsOf.all(ids, onlyK) : rowsOf.all(ids)) as unknown[][];
      const vals = new Map<number, unknown[]>();
      for (const v of byValue.all(ids) as unknown[][]) vals.set(v[0] as number, v);
      const acqs = new Map<number, unknown[]>();
      for (const a of acqOf.all(JSON.stringify([...new Set(rows.map((r) => r[1]))])) as unknown[][]) acqs.set(a[0] as number, a);
      for (const r of rows) {
        const a = acqs.get(r[1] as number)!;
        const v = vals.get(r[0] as number)!;
        out.push({
          value_id: r[0] as number,
          kind: v[1] as string,
          value: v[2] as string,
          case_id: a[1] as string,
          case_name: a[2] as string,
          folder: a[3] as string,
          acq: a[4] as string,
          acq_kind: a[5] as string,
          module: r[2] as string,
          field: r[3] as string,
          first_seen: iso(r[4]),
          last_seen: iso(r[5]),
          count: r[6] as number,
        });
      }
    }
    return out;
  }

  async recordHits(hits: Hit[]): Promise<Hit[]> {
    const fresh: Hit[] = [];
    const key = this.db.prepare("SELECT k FROM acquisitions WHERE case_id = ? AND acq = ?").pluck();
    const ins = this.db.prepare(
      "INSERT INTO hits (acq_k, value_id, module, field, indicator_type, indicator_value, ioc_sha256, ioc_set, ioc_source, grade, found) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.db.transaction(() => {
      for (const h of hits) {
        const k = key.get(h.case_id, h.acq) as number | undefined;
        if (k === undefined) continue;
        if (ins.run(k, h.value_id, h.module, h.field, h.indicator_type, h.indicator_value, h.ioc_sha256, h.ioc_set, h.ioc_source, h.grade, h.found).changes === 1) fresh.push(h);
      }
    })();
    return fresh;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
