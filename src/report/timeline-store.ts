// Timeline events of a run, kept in a private SQLite file rather than in memory, so a case with
// millions of events sorts and aggregates with flat memory.
import Database from "better-sqlite3";
import { join } from "node:path";
import type { TimelineEvent } from "../core/model.ts";
import { privateTempDir, removeTempDir } from "../core/tempdir.ts";

export class TimelineStore {
  private dir = privateTempDir("timeline");
  private db = new Database(join(this.dir, "timeline.db"));
  private insert: Database.Statement;
  private pending = 0;
  count = 0;

  constructor() {
    this.db.pragma("journal_mode = OFF");
    this.db.pragma("synchronous = OFF");
    this.db.exec("CREATE TABLE ev (ts TEXT NOT NULL, module TEXT, event TEXT, description TEXT, detected INTEGER)");
    this.insert = this.db.prepare("INSERT INTO ev VALUES (?, ?, ?, ?, ?)");
    this.db.exec("BEGIN");
  }

  add(e: TimelineEvent): void {
    this.insert.run(e.timestamp, e.module, e.event, e.description, e.detected ? 1 : 0);
    this.count++;
    if (++this.pending >= 50_000) {
      this.db.exec("COMMIT; BEGIN");
      this.pending = 0;
    }
  }

  private finish(): void {
    if (this.db.inTransaction) this.db.exec("COMMIT");
  }

  /** Events in time order (then module, event, description, for a stable diffable output). */
  *sorted(onlyDetected = false): IterableIterator<TimelineEvent> {
    this.finish();
    const q = this.db.prepare(
      `SELECT ts, module, event, description, detected FROM ev ${onlyDetected ? "WHERE detected = 1" : ""} ORDER BY ts, module, event, description`,
    );
    for (const r of q.iterate() as IterableIterator<{ ts: string; module: string; event: string; description: string; detected: number }>) {
      yield { timestamp: r.ts, module: r.module, event: r.event, description: r.description, detected: r.detected === 1 };
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
    removeTempDir(this.dir);
  }
}
