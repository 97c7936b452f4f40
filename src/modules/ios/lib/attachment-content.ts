// Received attachments (iMessage/SMS, WhatsApp media) compared with what their name, MIME type
// and UTI say they are, from the file's own bytes (head and tail only). Zero-click exploits hid
// behind such mismatches: FORCEDENTRY (2021) sent PDF and PSD files carrying JBIG2 streams named
// ".gif"; BLASTPASS (2023) sent PassKit bundles with crafted WebP images; LANDFALL (2024-2025)
// appended a ZIP archive to DNG images named like WhatsApp photos.
import type { AcquisitionView, ArtifactSpec, FileEntry } from "../../../acquisitions/view.ts";
import { codeRule, heuristic } from "../../../core/detection.ts";
import { msg } from "../../../core/i18n/index.ts";
import type { ContactFlag, DetectionInput, Message } from "../../../core/model.ts";
import { describeError } from "../../../core/errors.ts";
import { readHeadTail, readHeadTailAt, sniff, zipAtEnd, type ContentType } from "../../../formats/file-magic.ts";
import type { ModuleContext } from "../../contract.ts";
import { own } from "../../../core/own.ts";

export interface AttachmentContent {
  /** The file inside the acquisition. */
  file: string;
  /** Bytes read end to end; with no tail read, at least this many. */
  size: number;
  content_type: ContentType;
  /** What the name, MIME type and UTI say, in the same vocabulary ("dng" and "pkpass" added). */
  declared_types: string[];
  /** Whether the content is one of the declared types (null when nothing was declared). */
  matches_declared: boolean | null;
  /** A ZIP archive that ends the file after other data (its start offset and entry names). */
  appended_archive: { offset: number; entry_count: number; entries: string[] } | null;
  /** Entry names of a file that is itself a ZIP archive (a PassKit bundle), when readable. */
  archive_entries: string[] | null;
}

const EXT: Record<string, string> = {
  gif: "gif", png: "png", jpg: "jpeg", jpeg: "jpeg", jpe: "jpeg", heic: "heic", heif: "heic", avif: "avif", webp: "webp",
  tif: "tiff", tiff: "tiff", dng: "dng", pdf: "pdf", psd: "psd", pkpass: "pkpass", pkpasses: "pkpass", zip: "zip",
  mp4: "mp4", m4v: "mp4", mov: "mov", "3gp": "3gp", m4a: "m4a", mp3: "mp3", opus: "ogg", ogg: "ogg", amr: "amr", caf: "caf", wav: "wav", vcf: "vcard",
};
const MIME: Record<string, string> = {
  "image/gif": "gif", "image/png": "png", "image/jpeg": "jpeg", "image/jpg": "jpeg", "image/heic": "heic", "image/heif": "heic", "image/avif": "avif",
  "image/webp": "webp", "image/tiff": "tiff", "image/x-adobe-dng": "dng", "image/dng": "dng", "application/pdf": "pdf", "image/vnd.adobe.photoshop": "psd",
  "application/vnd.apple.pkpass": "pkpass", "application/vnd.apple.pkpasses": "pkpass", "application/zip": "zip",
  "video/mp4": "mp4", "video/quicktime": "mov", "video/3gpp": "3gp", "audio/mp4": "m4a", "audio/x-m4a": "m4a", "audio/mpeg": "mp3", "audio/ogg": "ogg", "audio/amr": "amr", "audio/x-caf": "caf", "text/vcard": "vcard", "text/x-vcard": "vcard",
};
const UTI: Record<string, string> = {
  "com.compuserve.gif": "gif", "public.png": "png", "public.jpeg": "jpeg", "public.heic": "heic", "public.heif": "heic", "public.avif": "avif",
  "org.webmproject.webp": "webp", "public.webp": "webp", "public.tiff": "tiff", "com.adobe.raw-image": "dng", "com.adobe.pdf": "pdf",
  "com.adobe.photoshop-image": "psd", "com.apple.pkpass": "pkpass", "com.apple.pkpasses": "pkpass", "public.zip-archive": "zip", "com.pkware.zip-archive": "zip",
  "public.mpeg-4": "mp4", "com.apple.quicktime-movie": "mov", "public.3gpp": "3gp", "com.apple.m4a-audio": "m4a", "public.mp3": "mp3", "com.apple.coreaudio-format": "caf", "public.vcard": "vcard",
};
const IMAGES = new Set(["gif", "png", "jpeg", "heic", "avif", "webp", "tiff", "dng"]);
/** Declared types a content type satisfies: DNG is TIFF, a PassKit bundle a ZIP, ISO media one family. */
const SATISFIES: Partial<Record<ContentType, string[]>> = {
  tiff: ["tiff", "dng"],
  zip: ["zip", "pkpass"],
  mp4: ["mp4", "mov", "m4a", "3gp"],
  mov: ["mov", "mp4"],
  "3gp": ["3gp", "mp4"],
  m4a: ["m4a", "mp4"],
  heic: ["heic", "avif"],
  avif: ["avif", "heic"],
};

/** What a name, MIME type and UTI say a file is. */
export function declaredTypes(name: string | null | undefined, mime: string | null | undefined, uti: string | null | undefined): string[] {
  const out = new Set<string>();
  // Own keys only: a sender names the file, and "x.constructor" must not find Object's.
  const add = (table: Record<string, string>, key: string | undefined) => {
    const type = key ? own(table, key) : undefined;
    if (type) out.add(type);
  };
  add(EXT, name && name.includes(".") ? name.slice(name.lastIndexOf(".") + 1).toLowerCase() : "");
  add(MIME, mime?.toLowerCase().split(";")[0].trim());
  add(UTI, uti?.toLowerCase().trim());
  return [...out];
}

/**
 * Reads the head of an attachment and, for the types whose trick sits at the end (images that
 * may carry an appended archive, ZIP bundles), its tail.
 */
export async function inspectAttachment(view: AcquisitionView, entry: FileEntry, declared: string[]): Promise<AttachmentContent> {
  const wantsTail = (head: Buffer) => {
    const t = sniff(head);
    return t === "jpeg" || t === "tiff" || t === "zip" || declared.some((d) => d === "jpeg" || d === "tiff" || d === "dng" || d === "pkpass");
  };
  // A file on disk (a folder dump, a plain backup) is read at its two ends only.
  const path = await view.inPlacePath?.(entry);
  const { head, tail, size } = path ? await readHeadTailAt(path, wantsTail) : await readHeadTail(await view.openStream(entry), wantsTail);
  const type = sniff(head);
  const zip = tail ? zipAtEnd(tail, size) : undefined;
  const fits = SATISFIES[type] ?? [type];
  return {
    file: entry.path,
    size,
    content_type: type,
    declared_types: declared,
    matches_declared: declared.length === 0 || type === "unknown" ? null : declared.some((d) => fits.includes(d)),
    appended_archive: zip && zip.archiveStart > 0 ? { offset: zip.archiveStart, entry_count: zip.entryCount, entries: zip.entries } : null,
    archive_entries: zip && zip.archiveStart === 0 ? zip.entries : null,
  };
}

/**
 * The files under one folder of the acquisition, keyed by their path after `marker` (the same
 * key the messaging database writes), listed once so that each attachment costs no search.
 */
export async function fileIndex(ctx: ModuleContext, spec: ArtifactSpec, marker: string): Promise<Map<string, FileEntry>> {
  const index = new Map<string, FileEntry>();
  let files: FileEntry[] = [];
  try {
    files = await ctx.view.find(spec);
  } catch (e) {
    ctx.warn(`attachment files not searchable: ${describeError(e)}`);
  }
  for (const f of files) {
    if (f.type && f.type !== "file") continue;
    const p = f.relativePath ?? f.path;
    const at = p.indexOf(marker);
    index.set(at >= 0 ? p.slice(at + marker.length) : p, f);
  }
  return index;
}

export const DISGUISED_DOCUMENT_RULE = codeRule("attachment-document-disguised-as-image");
export const APPENDED_ARCHIVE_RULE = codeRule("attachment-image-with-appended-archive");
export const PASSKIT_WEBP_RULE = codeRule("attachment-passkit-webp");
export const PASSKIT_STRANGER_RULE = codeRule("attachment-passkit-from-stranger");
export const WEBP_DISGUISED_RULE = codeRule("attachment-webp-disguised");

export interface AttachmentContext {
  /** "iMessage", "SMS", "WhatsApp"... */
  service: string;
  name: string | null;
  sender: string | null;
  sender_is_contact: ContactFlag | null;
  timestamp?: string;
  record?: unknown;
}

/** " from <sender>", saying whether the sender is a contact when that is known. */
function fromWhom(a: AttachmentContext): Message | "" {
  if (!a.sender) return "";
  return msg(a.sender_is_contact === false ? "det.attachment.from_stranger" : a.sender_is_contact === true ? "det.attachment.from_contact" : "det.attachment.from", { who: a.sender });
}

/** The delivery heuristics for one received attachment's content. */
export function contentFindings(c: AttachmentContent, a: AttachmentContext): DetectionInput[] {
  const out: DetectionInput[] = [];
  const declared = new Set(c.declared_types);
  const name = a.name ?? c.file.split("/").pop() ?? c.file;
  const claimsImage = [...declared].some((d) => IMAGES.has(d));
  const common = { timestamp: a.timestamp, artifact: c.file, record: a.record };
  if ((c.content_type === "pdf" || c.content_type === "jbig2" || c.content_type === "psd") && claimsImage && !declared.has(c.content_type)) {
    out.push(
      heuristic({
        rule: DISGUISED_DOCUMENT_RULE.id,
        ruleDescription: DISGUISED_DOCUMENT_RULE.description,
        grade: "medium",
        title: msg("det.attachment.disguised_document", { service: a.service, name, from: fromWhom(a), type: c.content_type.toUpperCase(), declared: [...declared].join(", ") }),
        why: msg("det.attachment.disguised_document.why"),
        matched: `${name}: ${c.content_type}`,
        ...common,
      }),
    );
  }
  const imageLike = c.content_type === "jpeg" || c.content_type === "tiff" || declared.has("jpeg") || declared.has("tiff") || declared.has("dng");
  if (c.appended_archive && imageLike) {
    const entries = c.appended_archive.entries.slice(0, 10);
    out.push(
      heuristic({
        rule: APPENDED_ARCHIVE_RULE.id,
        ruleDescription: APPENDED_ARCHIVE_RULE.description,
        grade: "medium",
        title: msg("det.attachment.appended_archive", {
          service: a.service,
          name,
          from: fromWhom(a),
          n: c.appended_archive.entry_count,
          offset: c.appended_archive.offset,
          entries: entries.length ? msg("det.attachment.entries", { list: entries.join(", ") }) : "",
        }),
        why: msg("det.attachment.appended_archive.why"),
        matched: `${name}: zip at ${c.appended_archive.offset}`,
        ...common,
      }),
    );
  }
  const isPass = declared.has("pkpass") || (c.content_type === "zip" && (c.archive_entries ?? []).includes("pass.json"));
  if (isPass) {
    const webp = (c.archive_entries ?? []).filter((e) => /\.webp$/i.test(e));
    if (webp.length) {
      out.push(
        heuristic({
          rule: PASSKIT_WEBP_RULE.id,
          ruleDescription: PASSKIT_WEBP_RULE.description,
          grade: "medium",
          title: msg("det.attachment.passkit_webp", { service: a.service, name, from: fromWhom(a), list: webp.slice(0, 10).join(", ") }),
          why: msg("det.attachment.passkit_webp.why"),
          matched: `${name}: ${webp[0]}`,
          ...common,
        }),
      );
    }
    if (a.sender_is_contact === false) {
      out.push(
        heuristic({
          rule: PASSKIT_STRANGER_RULE.id,
          ruleDescription: PASSKIT_STRANGER_RULE.description,
          grade: "weak",
          title: msg("det.attachment.passkit_stranger", { service: a.service, name, from: fromWhom(a) }),
          why: msg("det.attachment.passkit_stranger.why"),
          matched: name,
          ...common,
        }),
      );
    }
  }
  if (c.content_type === "webp" && !declared.has("webp") && (claimsImage || declared.has("pkpass"))) {
    out.push(
      heuristic({
        rule: WEBP_DISGUISED_RULE.id,
        ruleDescription: WEBP_DISGUISED_RULE.description,
        grade: "weak",
        title: msg("det.attachment.webp_disguised", { service: a.service, name, from: fromWhom(a), declared: [...declared].join(", ") }),
        why: msg("det.attachment.webp_disguised.why"),
        matched: `${name}: webp`,
        ...common,
      }),
    );
  }
  return out;
}
