// info.json with MVT's fields (target_path, date, ioc_files, hashes) beside Vigil's own, so
// scripts reading MVT's info.json find what they look for. MVT's `mvt_version` is not written:
// Vigil is not MVT, and `tool` and `version` say which tool and version wrote the folder.
import { isAbsolute, join } from "node:path";
import type { RunInfo } from "../core/model.ts";
import { toMvtTimestamp } from "../core/time.ts";

export function withMvtInfoFields(info: RunInfo): RunInfo {
  const ioc_files = [...new Set(info.iocs.sets.map((s) => s.source))];
  return {
    ...info,
    target_path: info.acquisition.path,
    date: toMvtTimestamp(info.started),
    ioc_files,
    // MVT names each file by its full path; Vigil's inputs are relative to the acquisition.
    hashes: info.inputs.filter((i) => i.sha256).map((i) => ({ file_path: isAbsolute(i.path) ? i.path : join(info.acquisition.path, i.path), sha256: i.sha256 })),
  };
}
