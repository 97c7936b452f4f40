// The case archive in PostgreSQL, for a team sharing one archive (`--archive postgres://...`),
// through the `postgres` driver (porsager/postgres: no dependencies, its own TypeScript types,
// cursors for streaming reads). Same tables as the SQLite archive; batches go as arrays
// through unnest(), one statement per batch.
import postgres from "postgres";
import { VigilError } from "../core/errors.ts";
import { huntKeys } from "./hunt-keys.ts";
import { CASE_ACQ, CASE_LISTING_SQL, caseListing, iso, ms, schemaStatements } from "./schema.ts";
import { BATCH, hostOfArchived, reverseHost, SCHEMA_VERSION, type ArchivedAcquisition, type ArchivedCase, type ArchivedDetection, type CaseArchive, type CaseListing, type Hit, type Seen, type Sighting, type ValueRow } from "./store.ts";

/** The URL with its password replaced by ***, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://***";
  }
}

/** Where values were seen: append a WHERE on s.value_id. */
const SEEN_SELECT = `SELECT v.id AS value_id, v.kind, v.value, c.id AS case_id, c.name AS case_name, c.folder, a.acq, a.kind AS acq_kind, s.module, s.field, s.first_seen, s.last_seen, s.n
  FROM sightings s JOIN vals v ON v.id = s.value_id JOIN acquisitions a ON a.k = s.acq_k JOIN cases c ON c.id = a.case_id`;

function toSeen(r: Record<string, unknown>): Seen {
  return {
    value_id: Number(r.value_id),
    kind: String(r.kind),
    value: String(r.value),
    case_id: String(r.case_id),
    case_name: String(r.case_name),
    folder: String(r.folder),
    acq: String(r.acq),
    acq_kind: String(r.acq_kind),
    module: String(r.module),
    field: String(r.field),
    first_seen: iso(r.first_seen),
    last_seen: iso(r.last_seen),
    count: Number(r.n),
  };
}

type Sql = postgres.Sql<Record<string, never>>;

export class PostgresArchive implements CaseArchive {
  readonly location: string;

  private constructor(private readonly sql: Sql, url: string) {
    this.location = redactUrl(url);
  }

  static async open(url: string): Promise<PostgresArchive> {
    const sql = postgres(url, { max: 4, onnotice: () => {}, connect_timeout: 15, idle_timeout: 30 }) as unknown as Sql;
    const a = new PostgresArchive(sql, url);
    try {
      await sql.begin(async (tx) => {
        // Two analysts opening a new archive at once: one creates the tables.
        await tx`SELECT pg_advisory_xact_lock(7466091)`;
        for (const s of schemaStatements("postgres")) await tx.unsafe(s);
        const [row] = await tx`SELECT value FROM meta WHERE key = 'schema'`;
        if (!row) await tx`INSERT INTO meta (key, value) VALUES ('schema', ${String(SCHEMA_VERSION)})`;
        else if (Number(row.value) > SCHEMA_VERSION) throw new VigilError(`case archive made by a newer Vigil (schema ${String(row.value)}); update Vigil`, { file: a.location, code: "archive" });
      });
    } catch (e) {
      await sql.end({ timeout: 1 }).catch(() => {});
      if (e instanceof VigilError) throw e;
      throw new VigilError(`cannot open the case archive (${(e as Error).message})`, { file: a.location, code: "archive", cause: e });
    }
    return a;
  }

  private async acqKey(sql: Sql | postgres.TransactionSql<Record<string, never>>, caseId: string, acq: string): Promise<number | undefined> {
    const [r] = await sql`SELECT k FROM acquisitions WHERE case_id = ${caseId} AND acq = ${acq}`;
    return r ? Number(r.k) : undefined;
  }

  async putCase(c: ArchivedCase): Promise<void> {
    await this.sql`INSERT INTO cases (id, name, folder, created, updated) VALUES (${c.id}, ${c.name}, ${c.folder}, ${c.created}, ${c.updated})
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, folder = excluded.folder, updated = excluded.updated`;
  }

  private async insertDetections(tx: postgres.TransactionSql<Record<string, never>>, k: number, ds: ArchivedDetection[]): Promise<void> {
    for (let i = 0; i < ds.length; i += BATCH) {
      const rows = ds.slice(i, i + BATCH).map((d) => ({
        acq_k: k,
        source: d.source,
        module: d.module,
        grade: d.grade,
        kind: d.kind,
        title: d.title,
        matched: d.matched,
        indicator_value: d.indicator_value ?? null,
        indicator_type: d.indicator_type ?? null,
        ioc_set: d.ioc_set ?? null,
        rule_id: d.rule_id ?? null,
        ts: d.timestamp ?? null,
      }));
      await tx`INSERT INTO detections ${tx(rows)}`;
    }
  }

  async putAcquisition(a: ArchivedAcquisition, detections: ArchivedDetection[]): Promise<void> {
    await this.sql.begin(async (tx) => {
      let k = await this.acqKey(tx, a.case_id, a.acq);
      if (k !== undefined) {
        await tx`DELETE FROM sightings WHERE acq_k = ${k}`;
        await tx`DELETE FROM detections WHERE acq_k = ${k}`;
        await tx`DELETE FROM hits WHERE acq_k = ${k}`;
        await tx`UPDATE acquisitions SET kind = ${a.kind}, input = ${a.input}, added = ${a.added} WHERE k = ${k}`;
      } else {
        const [r] = await tx`INSERT INTO acquisitions (case_id, acq, kind, input, added) VALUES (${a.case_id}, ${a.acq}, ${a.kind}, ${a.input}, ${a.added}) RETURNING k`;
        k = Number(r.k);
      }
      await this.insertDetections(tx, k, detections);
    });
  }

  async putCorrelations(caseId: string, detections: ArchivedDetection[]): Promise<void> {
    await this.sql.begin(async (tx) => {
      const [r] = await tx`INSERT INTO acquisitions (case_id, acq, kind, input, added) VALUES (${caseId}, ${CASE_ACQ}, 'case', '', ${new Date().toISOString()})
        ON CONFLICT (case_id, acq) DO UPDATE SET added = acquisitions.added RETURNING k`;
      const k = Number(r.k);
      await tx`DELETE FROM detections WHERE acq_k = ${k}`;
      await this.insertDetections(tx, k, detections);
    });
  }

  async hasAcquisition(caseId: string, acq: string): Promise<boolean> {
    return (await this.acqKey(this.sql, caseId, acq)) !== undefined;
  }

  async addSightings(caseId: string, acq: string, batch: Sighting[]): Promise<void> {
    const k = await this.acqKey(this.sql, caseId, acq);
    if (k === undefined) throw new Error(`acquisition ${caseId}/${acq} is not archived`);
    // One row per (value, module, field) in a statement: ON CONFLICT may not touch a row twice.
    const merged = new Map<string, Sighting>();
    for (const s of batch) {
      const key = `${s.kind}\0${s.value}\0${s.module}\0${s.field}`;
      const m = merged.get(key);
      if (!m) merged.set(key, { ...s });
      else {
        m.count += s.count;
        if (s.first_seen && (!m.first_seen || s.first_seen < m.first_seen)) m.first_seen = s.first_seen;
        if (s.last_seen && (!m.last_seen || s.last_seen > m.last_seen)) m.last_seen = s.last_seen;
      }
    }
    const rows = [...merged.values()];
    await this.sql.begin(async (tx) => {
      for (let i = 0; i < rows.length; i += BATCH) {
        const part = rows.slice(i, i + BATCH);
        const kinds = part.map((s) => s.kind);
        const values = part.map((s) => s.value);
        const rhosts = part.map((s) => {
          const h = hostOfArchived(s.kind, s.value);
          return h ? reverseHost(h) : null;
        });
        await tx`INSERT INTO vals (kind, value, rhost) SELECT * FROM unnest(${tx.array(kinds)}::text[], ${tx.array(values)}::text[], ${tx.array(rhosts as string[])}::text[]) ON CONFLICT (kind, value) DO NOTHING`;
        await tx`INSERT INTO sightings (value_id, acq_k, module, field, first_seen, last_seen, n)
          SELECT v.id, ${k}, u.module, u.field, u.first_seen, u.last_seen, u.n
          FROM unnest(${tx.array(kinds)}::text[], ${tx.array(values)}::text[], ${tx.array(part.map((s) => s.module))}::text[], ${tx.array(part.map((s) => s.field))}::text[],
                      ${tx.array(part.map((s) => ms(s.first_seen)) as number[])}::bigint[], ${tx.array(part.map((s) => ms(s.last_seen)) as number[])}::bigint[], ${tx.array(part.map((s) => s.count))}::bigint[])
               AS u(kind, value, module, field, first_seen, last_seen, n)
          JOIN vals v ON v.kind = u.kind AND v.value = u.value
          ON CONFLICT (value_id, acq_k, module, field) DO UPDATE SET
            first_seen = LEAST(sightings.first_seen, excluded.first_seen),
            last_seen = GREATEST(sightings.last_seen, excluded.last_seen),
            n = sightings.n + excluded.n`;
      }
    });
  }

  async cases(): Promise<CaseListing[]> {
    return (await this.sql.unsafe(CASE_LISTING_SQL)).map(caseListing);
  }


  async hunt(values: string[]): Promise<Seen[]> {
    const exact = new Set<string>();
    const ranges: string[] = [];
    for (const q of values) {
      const keys = huntKeys(q);
      for (const v of keys.exact) exact.add(v);
      for (const h of keys.hosts) ranges.push(reverseHost(h));
    }
    const ids = new Set<number>();
    for (const r of await this.sql`SELECT id FROM vals WHERE value = ANY(${this.sql.array([...exact])}::text[])`) ids.add(Number(r.id));
    for (const r of ranges) {
      for (const row of await this.sql`SELECT id FROM vals WHERE rhost = ${r} OR (rhost >= ${r + "."} AND rhost < ${r + "/"})`) ids.add(Number(row.id));
    }
    return this.sightingsOf([...ids]);
  }

  async eachValue(fn: (batch: ValueRow[]) => void, only?: { caseId: string; acq: string }): Promise<void> {
    const q = only
      ? this.sql`SELECT DISTINCT v.id, v.kind, v.value FROM sightings s JOIN vals v ON v.id = s.value_id JOIN acquisitions a ON a.k = s.acq_k WHERE a.case_id = ${only.caseId} AND a.acq = ${only.acq}`
      : this.sql`SELECT id, kind, value FROM vals`;
    for await (const rows of q.cursor(BATCH)) fn(rows.map((r) => ({ id: Number(r.id), kind: String(r.kind), value: String(r.value) })));
  }

  async sightingsOf(valueIds: number[], only?: { caseId: string; acq: string }): Promise<Seen[]> {
    const out: Seen[] = [];
    for (let i = 0; i < valueIds.length; i += BATCH) {
      const ids = valueIds.slice(i, i + BATCH);
      const rows = only
        ? await this.sql.unsafe(`${SEEN_SELECT} WHERE s.value_id = ANY($1::bigint[]) AND a.case_id = $2 AND a.acq = $3`, [ids as never, only.caseId, only.acq])
        : await this.sql.unsafe(`${SEEN_SELECT} WHERE s.value_id = ANY($1::bigint[])`, [ids as never]);
      for (const r of rows) out.push(toSeen(r));
    }
    return out;
  }

  async recordHits(hits: Hit[]): Promise<Hit[]> {
    const fresh: Hit[] = [];
    await this.sql.begin(async (tx) => {
      for (const h of hits) {
        const k = await this.acqKey(tx, h.case_id, h.acq);
        if (k === undefined) continue;
        const r = await tx`INSERT INTO hits (acq_k, value_id, module, field, indicator_type, indicator_value, ioc_sha256, ioc_set, ioc_source, grade, found)
          VALUES (${k}, ${h.value_id}, ${h.module}, ${h.field}, ${h.indicator_type}, ${h.indicator_value}, ${h.ioc_sha256}, ${h.ioc_set}, ${h.ioc_source}, ${h.grade}, ${h.found})
          ON CONFLICT DO NOTHING RETURNING acq_k`;
        if (r.length) fresh.push(h);
      }
    });
    return fresh;
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}
