// iOS text formats: shutdown.log and .ips crash reports.
import { parseIps } from "../../src/formats/ips.ts";
import { parseShutdownLog } from "../../src/formats/shutdown-log.ts";
import { ipsText, shutdownLogText } from "../../test/helpers/ios-fs-builder.ts";
import { deleteRange, flipBit, insertNoise, setByte, splice, truncate } from "../engine/bytes.ts";
import { TEXT_MUTATORS } from "../engine/text.ts";
import type { Target } from "../engine/types.ts";

const TEXT = [...TEXT_MUTATORS, ...TEXT_MUTATORS, flipBit, setByte, truncate, deleteRange, insertNoise, splice];

export const iosTextTargets: Target[] = [
  {
    name: "shutdown-log",
    what: "shutdown.log: parseShutdownLog in src/formats/shutdown-log.ts",
    seeds: () => [
      Buffer.from(
        shutdownLogText([
          { at: 1700000000, notices: [{ after: 0.5, clients: [[123, "/private/var/tmp/bh"], [45, "/usr/libexec/x"]] }, { after: 3.5, clients: [[123, "/private/var/tmp/bh"]] }] },
          { at: 1700001000, notices: [] },
        ]),
      ),
      Buffer.from(shutdownLogText([{ at: 1700000000, notices: [{ after: 1, clients: [[7, "/System/Library/x"]] }] }], "ios26")),
    ],
    mutators: TEXT,
    run: (input) => parseShutdownLog(input.toString("utf8"), "shutdown.log"),
  },
  {
    name: "ips",
    what: ".ips crash reports: parseIps in src/formats/ips.ts",
    seeds: () => [
      Buffer.from(ipsText({ procName: "IMTranscoderAgent", exception: { type: "EXC_CRASH", signal: "SIGABRT" } })),
      Buffer.from(ipsText({ procName: "bh", bugType: "288", osVersion: "iPhone OS 15.1 (19B74)" })),
      Buffer.from('{"bug_type":"211","timestamp":"2024-01-02 03:04:05.00 +0000","os_version":"iPhone OS 17.0 (21A329)"}\nIncident Identifier: X\nProcess: bh [12]\n'),
    ],
    mutators: TEXT,
    run: (input) => parseIps(input, "fuzz.ips"),
  },
];
