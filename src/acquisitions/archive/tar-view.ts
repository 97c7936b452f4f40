// A tar or tar.gz as an acquisition view. A tar can only be read from the start, so the view
// indexes it in one pass at open, extracting on the way the entries `opts.prefetch` selects
// into a private temp folder; entries asked for later are extracted together in one further
// pass per batch. Hard links read their target's bytes.
import { createReadStream, promises as fsp } from "node:fs";
import type { InputFile } from "../../core/model.ts";
import { VigilError } from "../../core/errors.ts";
import { privateTempDir, removeTempDir } from "../../core/tempdir.ts";
import { hashedInput } from "../hash.ts";
import { archiveView, newEntryIndex, type EntryData } from "./archive-view.ts";
import type { BaseView, BaseViewOptions } from "./base-view.ts";
import type { EntryIndex } from "./entry-index.ts";
import { prefetchTest, RootFinder } from "./root-prefix.ts";
import { limitError, limitsOf, refusal } from "./safety.ts";
import { extractTar, type TarSource, type TarWalkOptions } from "./tar.ts";

export async function openTarView(source: TarSource, opts: BaseViewOptions): Promise<BaseView> {
  const path = typeof source === "string" ? source : (opts.inputPath ?? "<tar stream>");
  const display = opts.display ?? path;
  const wopts: TarWalkOptions = { ...opts, display };
  const index = newEntryIndex(opts);
  const root = new RootFinder(opts.prefix);
  const tmp = privateTempDir("tar");
  const files = new Map<string, string>();
  // Members that cannot be restored exactly (sparse formats Vigil does not read), with why.
  const unrestorable = new Map<string, string>();
  let first;
  let duplicates: string[];
  try {
    first = await extractTar(source, prefetchTest(opts.prefetch, root), tmp, {
      ...wopts,
      into: files,
      onEntry: (a) => {
        index.add(a);
        root.see(a.path);
        if (a.unrestorable) unrestorable.set(a.path, a.unrestorable);
      },
    });
    duplicates = index.finish();
  } catch (e) {
    index.close();
    removeTempDir(tmp);
    throw e;
  }
  let archiveHash: InputFile | undefined = first.walk.input ? { ...first.walk.input, path: display } : undefined;
  let hashing: Promise<unknown> = Promise.resolve();
  if (!archiveHash && opts.inputPath) {
    hashing = hashedInput(opts.inputPath, display).then((h) => (archiveHash = h));
  }
  // The first member of a name is the one listed and read; later ones are reported.
  const refused = [...first.walk.refused, ...duplicates.map((p) => refusal(p, "duplicate"))];
  return archiveView({
    opts,
    path,
    index,
    prefix: root.result(),
    data: extractedData(source, wopts, index, tmp, files, unrestorable),
    refused: () => refused,
    inputsRead: () => (archiveHash ? [archiveHash] : []),
    async settled() {
      await hashing;
    },
  });
}

/** Bytes from files extracted below tmp: those the first pass prefetched, the rest in batched passes. */
function extractedData(source: TarSource, wopts: TarWalkOptions, index: EntryIndex, tmp: string, files: Map<string, string>, unrestorable: Map<string, string>): EntryData {
  const display = wopts.display!;
  const lim = limitsOf(wopts);
  let pending = new Set<string>();
  let pass: Promise<void> | undefined;
  const missing = new Set<string>();
  const runPass = async () => {
    // Requests made in the same turn share the pass.
    await new Promise((r) => setImmediate(r));
    const batch = pending;
    pending = new Set();
    await extractTar(source, (x) => batch.has(x.path), tmp, {
      ...wopts,
      onUnsafe: "skip",
      into: files,
      stopWhen: () => {
        for (const k of batch) if (!files.has(k)) return false;
        return true;
      },
    });
    for (const k of batch) if (!files.has(k)) missing.add(k);
  };
  const resolveLink = (p: string): string => {
    let cur = p;
    for (let i = 0; i < 32; i++) {
      const a = index.get(cur);
      if (!a?.hardlinkTo) return cur;
      cur = a.hardlinkTo;
    }
    return cur;
  };
  const ensure = async (inner: string): Promise<string> => {
    const key = resolveLink(inner);
    const a = index.get(key);
    if (!a) throw new VigilError(`no entry ${JSON.stringify(inner)} in the archive`, { file: display, code: "archive" });
    if (a.type !== "file") throw new VigilError(`entry ${JSON.stringify(inner)} is a ${a.type}, not a file`, { file: display, code: "archive" });
    // Without this, a pass over the whole archive looked for it, then blamed a changed archive.
    if (a.hardlinkTo) throw new VigilError(`entry ${JSON.stringify(inner)} is a hard link that leads to no file (a loop, or a chain of more than 32)`, { file: display, code: "archive" });
    const why = unrestorable.get(key);
    if (why) throw new VigilError(`entry ${JSON.stringify(inner)} cannot be read: ${why}`, { file: display, code: "archive" });
    while (!files.has(key)) {
      if (missing.has(key)) throw new VigilError(`entry ${JSON.stringify(inner)} was not found on a second read (archive changed?)`, { file: display, code: "archive" });
      pending.add(key);
      pass ??= runPass().finally(() => (pass = undefined));
      await pass;
    }
    return files.get(key)!;
  };
  return {
    async readFile(inner, shown) {
      const f = await ensure(inner);
      const st = await fsp.stat(f);
      if (st.size > lim.maxReadFile) throw limitError(display, shown, `too large to load into memory (${st.size} bytes)`);
      return fsp.readFile(f);
    },
    async openStream(inner) {
      return createReadStream(await ensure(inner));
    },
    localPath: ensure,
    close() {
      removeTempDir(tmp);
    },
  };
}
