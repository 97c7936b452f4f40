// For the regression tests of modules that met a damaged database page (found by npm run fuzz):
// a database whose schema reads fine but whose last page, a leaf of the table read, is zeroed,
// so SQLite fails in the middle of the module's query; and a runner that keeps the raw error.
import { moduleContext } from "../../../helpers/module-context.ts";
import Database from "better-sqlite3";
import { memoryView } from "../../../../src/acquisitions/memory.ts";
import type { ModuleDef } from "../../../../src/modules/contract.ts";
import { isBatched } from "../../../../src/modules/contract.ts";

export function damagedDb(schema: string, fill: (db: Database.Database) => void): Buffer {
  const db = new Database(":memory:");
  db.exec(schema);
  fill(db);
  const image = db.serialize();
  db.close();
  const page = image.readUInt16BE(16);
  image.fill(0, image.length - page);
  return image;
}

/** Walks the module's records on a one-file backup; resolves, or rejects with what the module threw. */
export async function walk(mod: ModuleDef<any>, file: { domain?: string; relativePath?: string; path?: string }, data: Buffer, kind: "ios_backup" | "ios_fs" = "ios_backup"): Promise<void> {
  const view = memoryView({ kind, platform: "ios", files: [{ ...file, data }] });
  const ctx = await moduleContext(mod, view);
  const src = mod.records(ctx);
  if (isBatched(src)) for await (const b of src.batches) for (const _ of b);
  else for await (const _ of src as AsyncIterable<unknown>);
}
