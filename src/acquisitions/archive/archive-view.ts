// The one view over an archive, which the zip and tar views (and through them the Android,
// sysdiagnose and iOS filesystem openers) share: entries come from an EntryIndex filled at open
// (in memory, or in SQLite for dumps of millions), bytes from the EntryData the zip or tar view
// provides. Paths shown to modules are archive paths less the acquisition's root folder.
import type { Readable } from "node:stream";
import type { InputFile } from "../../core/model.ts";
import { openSqliteBuffer } from "../../formats/sqlite.ts";
import { applies } from "../spec-match.ts";
import type { ArtifactSpec, FileEntry, SqliteHandle } from "../view.ts";
import { findFast, viewBasics, type BaseView, type BaseViewOptions } from "./base-view.ts";
import { toFileEntry } from "./entry.ts";
import { SpillingEntryIndex, type EntryIndex } from "./entry-index.ts";
import type { Refusal } from "./safety.ts";
import { SqliteEntryIndex } from "./sqlite-entry-index.ts";

/** How an archive view gets an entry's bytes, by the entry's full path inside the archive. */
export interface EntryData {
  /** The bytes in memory; `shown` is the path an error names. */
  readFile(inner: string, shown: string): Promise<Buffer>;
  openStream(inner: string): Promise<Readable>;
  /** A private file on disk holding the bytes. */
  localPath(inner: string): Promise<string>;
  /** Releases the archive and removes private copies. */
  close(): void;
}

/** Entries the memory index holds before it moves them to SQLite (some 90 MB of heap). */
const MEMORY_ENTRIES = 200_000;

export function newEntryIndex(opts: BaseViewOptions): EntryIndex {
  return opts.index === "sqlite" ? new SqliteEntryIndex() : new SpillingEntryIndex(MEMORY_ENTRIES, () => new SqliteEntryIndex());
}

export function archiveView(parts: {
  opts: BaseViewOptions;
  path: string;
  index: EntryIndex;
  /** The acquisition's root folder inside the archive ("" or ending in "/"). */
  prefix: string;
  data: EntryData;
  refused: () => Refusal[];
  inputsRead: () => InputFile[];
  settled: () => Promise<void>;
}): BaseView {
  const { index, prefix, data } = parts;
  const pl = prefix.length;
  const inner = (e: FileEntry) => prefix + e.path;
  const shown = (a: { path: string }) => a.path.slice(pl);

  async function* pages(): AsyncGenerator<FileEntry[]> {
    for (const page of index.pages()) {
      const out: FileEntry[] = [];
      for (const a of page) if (!pl || a.path.startsWith(prefix)) out.push(toFileEntry(a, shown(a)));
      if (out.length) yield out;
    }
  }

  async function find(spec: ArtifactSpec): Promise<FileEntry[]> {
    if (!index.find) return findFast(view, spec);
    if (!applies(spec, view)) return [];
    const globs = (spec[view.specKey] as string[] | undefined) ?? [];
    return index.find(prefix, globs).map((a) => toFileEntry(a, shown(a)));
  }

  const view: BaseView = {
    ...viewBasics(parts.opts, parts.path),
    entryCount: index.count,
    find,
    entryPages: pages,
    async *entries() {
      for await (const page of pages()) yield* page;
    },
    async entry(p) {
      const a = index.get(prefix + p);
      return a ? toFileEntry(a, p) : undefined;
    },
    readFile: (e) => data.readFile(inner(e), e.path),
    openStream: (e) => data.openStream(inner(e)),
    async openSqlite(e): Promise<SqliteHandle> {
      const db = await data.readFile(inner(e), e.path);
      const walKey = inner(e) + "-wal";
      const wal = index.get(walKey)?.type === "file" ? await data.readFile(walKey, e.path + "-wal") : undefined;
      return openSqliteBuffer(db, e.path, wal);
    },
    localPath: (e) => data.localPath(inner(e)),
    inputsRead: parts.inputsRead,
    refused: parts.refused,
    settled: parts.settled,
    async close() {
      data.close();
      index.close();
    },
  };
  return view;
}
