// `vigil decrypt-backup PATH --dest DIR`: writes a plaintext copy of an encrypted iPhone backup
// (same layout; Manifest.db decrypted; Manifest.plist marked unencrypted) that opens as a plain
// backup in Vigil, MVT and other tools.
import type { Command } from "commander";
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openIosBackup } from "../acquisitions/ios-backup/open.ts";
import { describeError, VigilError } from "../core/errors.ts";
import { writeBplist, type BValue } from "../formats/bplist-writer.ts";
import { isInside } from "../core/real-path.ts";
import { makeOutputDir } from "../pipeline/output-dir.ts";
import { requireKeyFile } from "./check-backup.ts";
import { action } from "./check-common.ts";
import { PASSWORD_ENV, secretChain } from "./password.ts";

interface Options {
  dest: string;
  password?: string;
  keyFile?: string;
  quiet?: boolean;
}

export function checkDest(dest: string, source: string): void {
  if (isInside(dest, source)) throw new VigilError("the destination must not be inside the backup (evidence is never written to)", { file: dest, code: "usage" });
  if (isInside(source, dest)) throw new VigilError("the destination must not contain the backup", { file: dest, code: "usage" });
  if (existsSync(dest) && readdirSync(dest).length > 0) throw new VigilError("the destination folder is not empty", { file: dest, code: "usage" });
}

export async function decryptBackup(path: string, opts: Options, log: (line: string, transient?: boolean) => void = () => {}): Promise<{ written: number; failed: string[]; withoutPayload: number; dest: string }> {
  // Both the folder given and the backup found in it are evidence; check before asking for a password.
  checkDest(opts.dest, path);
  requireKeyFile(opts);
  const view = await openIosBackup(path, { keyFile: opts.keyFile, getPassword: secretChain(opts.password, PASSWORD_ENV, "Backup password: ") });
  try {
    if (!view.encrypted) throw new VigilError("this backup is not encrypted; it can be checked as it is", { file: view.backupDir, code: "usage" });
    checkDest(opts.dest, view.backupDir);
    makeOutputDir(opts.dest, { mode: 0o700 });
    for (const name of ["Info.plist", "Status.plist"]) {
      if (existsSync(join(view.backupDir, name))) copyFileSync(join(view.backupDir, name), join(opts.dest, name));
    }
    const mp: Record<string, unknown> = { ...view.manifestPlist!, IsEncrypted: false };
    delete mp["ManifestKey"];
    // Binary, as iOS writes it; the values as they were read, also a date that is no valid time
    // (a damaged Manifest.plist), which the XML builder refused with a RangeError.
    writeFileSync(join(opts.dest, "Manifest.plist"), writeBplist(mp as BValue));
    copyFileSync(view.manifestDbPath, join(opts.dest, "Manifest.db"));

    // Two passes (count, then export) so a million-file backup is never listed into memory.
    let total = 0;
    for (const _ of view.payloadRows()) total++;
    const listed = view.counts().files;
    const failed: string[] = [];
    let written = 0;
    const made = new Set<string>();
    for (const r of view.payloadRows()) {
      if (r.refused !== undefined) {
        failed.push(`${r.domain}/${r.relativePath}: ${r.refused}`);
        continue;
      }
      const sub = r.fileId.slice(0, 2);
      if (!made.has(sub)) {
        mkdirSync(join(opts.dest, sub), { recursive: true, mode: 0o700 });
        made.add(sub);
      }
      try {
        await view.exportPayload({ path: `${r.domain}/${r.relativePath}`, domain: r.domain, relativePath: r.relativePath, fileId: r.fileId }, join(opts.dest, r.path));
        written++;
      } catch (e) {
        failed.push(describeError(e));
      }
      if ((written + failed.length) % 64 === 0 || written + failed.length === total) {
        const done = written + failed.length;
        const width = 30;
        const filled = Math.round((done / Math.max(total, 1)) * width);
        log(`decrypting [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} files`, true);
      }
    }
    return { written, failed, withoutPayload: listed - total, dest: opts.dest };
  } finally {
    await view.close();
  }
}

export function register(program: Command): void {
  program
    .command("decrypt-backup")
    .description("write a decrypted copy of an encrypted iPhone backup")
    .argument("<path>", "encrypted backup folder, or a folder above it")
    .requiredOption("-d, --dest <dir>", "empty folder for the decrypted backup (not inside the original)")
    .option("-p, --password <password>", "backup password (else $VIGIL_BACKUP_PASSWORD, else asked for on a terminal)")
    .option("-k, --key-file <file>", "file with the derived key in hex (as written by extract-key)")
    .option("-q, --quiet", "no progress on stderr")
    .option("--json", "print the outcome as JSON on stdout")
    .action(
      action(async (path: string, opts: Options & { json?: boolean }) => {
        const tty = process.stderr.isTTY;
        let transient = false;
        const log = (line: string, isTransient?: boolean) => {
          if (opts.quiet) return;
          if (isTransient) {
            if (!tty) return;
            process.stderr.write(`\r\x1b[K${line}`);
            transient = true;
            return;
          }
          if (transient) process.stderr.write("\r\x1b[K");
          transient = false;
          process.stderr.write(line + "\n");
        };
        const t0 = Date.now();
        const r = await decryptBackup(path, opts, log);
        log(`decrypted ${r.written} files to ${r.dest} in ${((Date.now() - t0) / 1000).toFixed(1)} s` + (r.withoutPayload > 0 ? ` (${r.withoutPayload} files listed in Manifest.db have no payload in the backup and were skipped)` : ""));
        if (opts.json) process.stdout.write(JSON.stringify({ dest: r.dest, written: r.written, failed: r.failed, without_payload: r.withoutPayload }) + "\n");
        for (const f of r.failed.slice(0, 10)) log(`could not decrypt: ${f}`);
        if (r.failed.length > 10) log(`... and ${r.failed.length - 10} more`);
        return r.failed.length ? 1 : 0;
      }),
    );
}
