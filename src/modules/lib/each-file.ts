// Reading every file a module's `reads` found, with one rule for files that cannot be read. Used
// by the SQLite helper (sqlite.ts) and by modules whose files are plists or logs.
import type { FileEntry } from "../../acquisitions/view.ts";
import { describeError, VigilError } from "../../core/errors.ts";
import { batched, type ModuleContext, type RecordBatches } from "../contract.ts";

/**
 * The records of every file in ctx.files, file after file, through `perFile`. The rule, the same
 * for every module:
 * - a file that cannot be read (it does not open, its schema is not the expected one, it breaks
 *   while its rows are read) is a coverage warning naming it, and the other files are still read;
 *   the records it gave before it broke are kept;
 * - when no file could be read, the module fails: with the file's reason when there is one file,
 *   else with every file's reason.
 *
 * `perFile` does its async work (opening the file) first and returns a synchronous iterable: the
 * rows are then walked without a promise per row (RecordBatches). `after` gives records that need
 * every file first (a summary across files); it runs once all files were read.
 */
export function eachFile<R>(
  ctx: ModuleContext,
  perFile: (file: FileEntry) => Promise<Iterable<R>> | Iterable<R>,
  after?: () => Iterable<R>,
): RecordBatches<R> {
  return batched(
    (async function* () {
      const failures: unknown[] = [];
      for (const file of ctx.files) {
        const onError = (e: unknown) => {
          const err = withFile(e, file.path);
          failures.push(err);
          if (ctx.files.length > 1) ctx.warn(describeError(err));
        };
        try {
          yield guarded(await perFile(file), onError);
        } catch (e) {
          onError(e);
        }
      }
      if (ctx.files.length > 0 && failures.length === ctx.files.length) throw allFailed(failures);
      if (after) yield after();
    })(),
  );
}

/** A file's rows, with an error while reading them reported to `onError` instead of thrown. */
function* guarded<R>(rows: Iterable<R>, onError: (e: unknown) => void): Generator<R> {
  try {
    yield* rows;
  } catch (e) {
    onError(e);
  }
}

/** Errors that do not say which file they concern (from SQLite, a plist parser) get its name. */
export function withFile(e: unknown, file: string | undefined): unknown {
  if (e instanceof VigilError || !file) return e;
  return new VigilError(describeError(e), { file, cause: e });
}

function allFailed(failures: unknown[]): unknown {
  if (failures.length === 1) return failures[0];
  return new VigilError(`none of the ${failures.length} files could be read: ${failures.map(describeError).join("; ")}`);
}
