// `vigil check-network PATH...`: packet captures and sensor logs of a phone's traffic (a folder,
// a zip, or loose files), checked offline against the same indicators.
import type { Command } from "commander";
import { openNetwork } from "../acquisitions/network/open.ts";
import { runCheck, type CheckOptions, type CheckOutcome } from "../pipeline/check.ts";
import { action, addCheckOptions } from "./check-common.ts";

/** Checks captures and logs taken as one acquisition (also what `vigil check` runs for network evidence). */
export function checkNetwork(paths: string[], opts: CheckOptions): Promise<CheckOutcome> {
  return runCheck("network", paths[0]!, () => openNetwork(paths), opts);
}

export function register(program: Command): void {
  addCheckOptions(
    program
      .command("check-network")
      .description("check a phone's traffic: pcap/pcapng captures (tcpdump, PCAPdroid), Zeek logs, Suricata eve.json, PCAPdroid CSV, the iPhone App Privacy Report")
      .argument("<paths...>", "a folder or zip of captures and logs taken as one acquisition, or one or more files"),
  ).action(
    action(async (paths: string[], opts: CheckOptions) => {
      return (await checkNetwork(paths, opts)).exitCode;
    }),
  );
}
