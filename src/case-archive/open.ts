// Opens the case archive a command names: `--archive postgres://...` (or postgresql://) for a
// team's PostgreSQL server, `--archive PATH` for an SQLite file, and by default cases.sqlite in
// Vigil's home folder ($VIGIL_HOME).
import { join, resolve } from "node:path";
import { vigilHome } from "../indicators/cache.ts";
import { PostgresArchive } from "./postgres.ts";
import { SqliteArchive } from "./sqlite.ts";
import type { CaseArchive } from "./store.ts";

export const ARCHIVE_ENV = "VIGIL_ARCHIVE";

/** The archive in use: the option, else $VIGIL_ARCHIVE, else the SQLite file in Vigil's home folder. */
export function archiveLocation(given?: string): string {
  return given?.trim() || process.env[ARCHIVE_ENV]?.trim() || join(vigilHome(), "cases.sqlite");
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export async function openArchive(given?: string): Promise<CaseArchive> {
  const loc = archiveLocation(given);
  return isPostgresUrl(loc) ? PostgresArchive.open(loc) : new SqliteArchive(resolve(loc));
}
