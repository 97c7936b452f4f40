// A zip as an acquisition view: the central directory is indexed at open; entries are read
// straight from the zip, and extracted to a private temp folder only when a file on disk is
// asked for (localPath).
import type { InputFile } from "../../core/model.ts";
import { privateTempDir, removeTempDir } from "../../core/tempdir.ts";
import { hashedInput } from "../hash.ts";
import { archiveView, newEntryIndex, type EntryData } from "./archive-view.ts";
import type { BaseView, BaseViewOptions } from "./base-view.ts";
import { RootFinder } from "./root-prefix.ts";
import { ZipArchive } from "./zip.ts";

export async function openZipView(path: string, opts: BaseViewOptions): Promise<BaseView> {
  const display = opts.display ?? path;
  const zip = await ZipArchive.open(path, opts);
  const index = newEntryIndex(opts);
  const root = new RootFinder(opts.prefix);
  try {
    for (const a of zip.list()) {
      index.add(a);
      root.see(a.path);
    }
    index.finish();
  } catch (e) {
    index.close();
    zip.close();
    throw e;
  }
  let archiveHash: InputFile | undefined;
  const hashing = hashedInput(path, display).then((h) => (archiveHash = h));
  let tmp: string | undefined;
  const extracted = new Map<string, Promise<string>>();
  const data: EntryData = {
    readFile: (inner) => zip.readFile(inner),
    openStream: (inner) => zip.openStream(inner),
    localPath(inner) {
      let p = extracted.get(inner);
      if (!p) {
        tmp ??= privateTempDir("zip");
        p = zip.extractTo(inner, tmp);
        extracted.set(inner, p);
        p.catch(() => extracted.delete(inner));
      }
      return p;
    },
    close() {
      zip.close();
      if (tmp) removeTempDir(tmp);
      tmp = undefined;
    },
  };
  return archiveView({
    opts,
    path,
    index,
    prefix: root.result(),
    data,
    refused: () => zip.refused,
    inputsRead: () => (archiveHash ? [archiveHash] : []),
    async settled() {
      await hashing;
    },
  });
}
