// The public index of mvt-indicators (`indicators.yaml`): which indicator files exist, who
// published them, and where to download them.

export const DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/indicators.yaml";

export interface IndexEntry {
  name: string;
  sources: string[];
  references: string[];
  /** Where to download the file. */
  url: string;
  /** Path of the file inside a snapshot folder (repository folder + path). */
  localPath: string;
  /** owner/repo for GitHub entries. */
  repo?: string;
  license?: string;
}

/** Licences of the repositories the public index points to, as their LICENSE files say. */
const KNOWN_LICENSES: Record<string, string> = {
  "amnestytech/investigations": "CC-BY-2.0",
  "mvt-project/mvt-indicators": "MIT",
  "assoechap/stalkerware-indicators": "CC-BY-4.0",
};
/** Folder names of the bundled snapshot for the repositories it holds. */
const REPO_DIRS: Record<string, string> = {
  "amnestytech/investigations": "amnesty",
  "mvt-project/mvt-indicators": "mvt-indicators",
  "assoechap/stalkerware-indicators": "echap-stalkerware",
};

export function repoDir(repo: string): string {
  return REPO_DIRS[repo.toLowerCase()] ?? repo.replace(/[^A-Za-z0-9._-]+/g, "_");
}
export function repoLicense(repo: string): string | undefined {
  return KNOWN_LICENSES[repo.toLowerCase()];
}

const SAFE_SEGMENT = /^[A-Za-z0-9._ ()+-]+$/;
/** A repository path safe to join under a snapshot folder (no "..", no absolute paths). */
function safeRelative(path: string): string | null {
  const parts = path.split("/").filter((p) => p !== "");
  if (parts.length === 0 || parts.some((p) => p === "." || p === ".." || !SAFE_SEGMENT.test(p))) return null;
  return parts.join("/");
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];
}

/** Entries of a parsed index, and a reason for each entry that cannot be used. */
export function parseIndex(doc: unknown): { entries: IndexEntry[]; problems: { id: string; reason: string }[] } {
  const entries: IndexEntry[] = [];
  const problems: { id: string; reason: string }[] = [];
  const list = (doc as { indicators?: unknown } | null)?.indicators;
  if (!Array.isArray(list)) {
    problems.push({ id: "indicators", reason: "not an mvt-indicators index (no `indicators` list)" });
    return { entries, problems };
  }
  list.forEach((raw, i) => {
    const id = `entry ${i + 1}`;
    if (!raw || typeof raw !== "object") {
      problems.push({ id, reason: "empty entry" });
      return;
    }
    const e = raw as Record<string, unknown>;
    const name = typeof e.name === "string" && e.name.trim() ? e.name.trim() : id;
    const base = { name, sources: strings(e.sources ?? e.source), references: strings(e.references) };
    const type = typeof e.type === "string" ? e.type : "github";
    if (type === "github") {
      const g = e.github as Record<string, unknown> | undefined;
      const owner = typeof g?.owner === "string" ? g.owner : "";
      const repo = typeof g?.repo === "string" ? g.repo : "";
      const branch = typeof g?.branch === "string" ? g.branch : "main";
      const path = typeof g?.path === "string" ? safeRelative(g.path) : null;
      if (!owner || !repo || !path || !SAFE_SEGMENT.test(owner) || !SAFE_SEGMENT.test(repo) || !SAFE_SEGMENT.test(branch)) {
        problems.push({ id: `${id} (${name})`, reason: "github entry without a valid owner, repo and path" });
        return;
      }
      const full = `${owner}/${repo}`;
      entries.push({
        ...base,
        url: `https://raw.githubusercontent.com/${owner}/${repo}/${branch}/${path}`,
        localPath: `${repoDir(full)}/${path}`,
        repo: full,
        license: repoLicense(full),
      });
    } else if (typeof e.download_url === "string") {
      // MVT downloads any entry that is not "github" from its download_url.
      const url = typeof e.download_url === "string" ? e.download_url : "";
      let file: string | null = null;
      try {
        const u = new URL(url);
        if (u.protocol === "https:" || u.protocol === "http:") file = safeRelative(u.pathname.split("/").pop() ?? "");
      } catch {
        file = null;
      }
      if (!file) {
        problems.push({ id: `${id} (${name})`, reason: "download entry without a valid download_url" });
        return;
      }
      entries.push({ ...base, url, localPath: `downloads/${file}` });
    } else {
      problems.push({ id: `${id} (${name})`, reason: `entry type ${JSON.stringify(type)} is not read` });
    }
  });
  return { entries, problems };
}
