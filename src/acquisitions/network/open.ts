// Network evidence as an acquisition: a folder of captures and sensor logs taken as one, a zip
// of them, or loose files. The view only lists the files; the network modules read them. A loose
// capture whose name does not say what it is (no .pcap/.pcapng) is named by its content.
import { statSync } from "node:fs";
import { basename } from "node:path";
import { VigilError } from "../../core/errors.ts";
import { readHead } from "../../formats/file-magic.ts";
import { captureMagic } from "../../formats/network/capture.ts";
import { sourceKind } from "../../formats/network/sources.ts";
import { filesView } from "../android/common.ts";
import type { BaseView } from "../archive/base-view.ts";
import { openFolderView } from "../archive/folder-view.ts";
import { openZipView } from "../archive/zip-view.ts";


const isZip = (path: string) => {
  const h = readHead(path, 4);
  return h.length === 4 && h[0] === 0x50 && h[1] === 0x4b && h[2] === 3 && h[3] === 4;
};

/** A loose file's name in the view: its own, or with ".pcap" added when its bytes are a capture. */
function looseName(file: string): string {
  const name = basename(file);
  if (sourceKind(name)) return name;
  return captureMagic(readHead(file, 4)) ? `${name}.pcap` : name;
}

export const NETWORK_INPUTS = "pcap or pcapng captures (also .gz), Zeek logs (dns, ssl, x509, http, conn, quic), Suricata eve.json, PCAPdroid's connections CSV, or an iPhone App_Privacy_Report .ndjson";

export async function openNetwork(paths: string | string[], opts: { display?: string } = {}): Promise<BaseView> {
  const list = Array.isArray(paths) ? paths : [paths];
  if (list.length === 0) throw new VigilError("no capture or log given", { code: "usage" });
  const display = opts.display ?? list.join(", ");
  const kind = "network" as const;
  for (const p of list) if (!statSync(p, { throwIfNoEntry: false })) throw new VigilError("no such file or folder", { file: p, code: "usage" });
  let view: BaseView;
  if (list.length === 1 && statSync(list[0]!).isDirectory()) view = openFolderView(list[0]!, { kind, platform: "network", display, root: display });
  else if (list.length === 1 && isZip(list[0]!)) view = await openZipView(list[0]!, { kind, platform: "network", display, root: display, prefix: "auto" });
  else {
    for (const p of list) if (!statSync(p).isFile()) throw new VigilError("give either one folder or capture and log files", { file: p, code: "usage" });
    view = filesView(list, { kind, platform: "network", root: display, name: looseName });
  }
  let any = false;
  for await (const e of view.entries()) {
    if ((e.type ?? "file") === "file" && sourceKind(e.path)) {
      any = true;
      break;
    }
  }
  if (!any) {
    await view.close();
    // Not network evidence at all: an error of the whole check (exit 1), not a list of absent modules.
    throw new VigilError(`no network capture or log found: expected ${NETWORK_INPUTS}`, { file: display, code: "format" });
  }
  return view;
}
