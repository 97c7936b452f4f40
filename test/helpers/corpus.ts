// Where the shared test corpus is, for the conformance suite only (unit tests never need it).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { openSqliteFile } from "../../src/formats/sqlite.ts";

export const CORPUS = resolve(process.env.VIGIL_CORPUS ?? join(import.meta.dirname, "../../../shared/corpus"));
export const HAVE_CORPUS = existsSync(CORPUS);
export function corpus(...parts: string[]): string {
  return join(CORPUS, ...parts);
}

/** MVT's plain test backup in the corpus, and one of its payload files by file id. */
export const MVT_BACKUP = HAVE_CORPUS ? corpus("mvt-artifacts", "ios_backup") : "";
export function mvtBackupPayload(fileId: string): string {
  return join(MVT_BACKUP, fileId.slice(0, 2), fileId);
}

/** Rows of an SQL query over a private copy of one of that backup's databases (evidence stays untouched). */
export function mvtBackupSql<T>(fileId: string, query: string): T[] {
  const h = openSqliteFile(mvtBackupPayload(fileId), fileId);
  try {
    return h.db.prepare(query).all() as T[];
  } finally {
    h.close();
  }
}
