// Opens an archive as an acquisition view, zip or tar(.gz) told apart by content, not by name.
import { VigilError } from "../../core/errors.ts";
import type { BaseView, BaseViewOptions } from "./base-view.ts";
import { openTarView } from "./tar-view.ts";
import { isZipFile } from "./zip.ts";
import { openZipView } from "./zip-view.ts";

export async function openArchiveView(path: string, opts: BaseViewOptions): Promise<BaseView> {
  let zip: boolean;
  try {
    zip = await isZipFile(path);
  } catch (e) {
    throw new VigilError(`cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: opts.display ?? path, cause: e });
  }
  return zip ? openZipView(path, opts) : openTarView(path, opts);
}
