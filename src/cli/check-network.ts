// `vigil check-network PATH...`: packet captures and sensor logs of a phone's traffic (a folder,
// a zip, or loose files), checked offline against the same indicators.
import type { Command } from "commander";
import { openNetwork } from "../acquisitions/network/open.ts";
import { runCheck, type CheckOptions } from "../pipeline/check.ts";
import { action, addCheckOptions } from "./check-common.ts";

export function register(program: Command): void {
  addCheckOptions(
    program
      .command("check-network")
      .description("check a phone's traffic: pcap/pcapng captures (tcpdump, PCAPdroid), Zeek logs, Suricata eve.json, PCAPdroid CSV, the iPhone App Privacy Report")
      .argument("<paths...>", "a folder or zip of captures and logs taken as one acquisition, or one or more files"),
  ).action(
    action(async (paths: string[], opts: CheckOptions) => {
      const outcome = await runCheck("network", paths[0]!, () => openNetwork(paths), opts);
      return outcome.exitCode;
    }),
  );
}
