import { createHash, randomUUID } from "node:crypto";
import { type FileHandle, mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type CassetteEntry, encodeRecorded, readCassetteEntry } from "./cassette-codec";

/** What a cassette knows of one call: the entry, or why the recording it has cannot be used. */
export interface CassetteLookup {
  /** The recorded call. */
  found?: CassetteEntry;
  /** True when the entry came from the old one-file-per-call layout. */
  fromLegacy?: boolean;
  /** Why a recording of this call exists but cannot be replayed. */
  unreadable?: string;
}

interface FileState {
  ino: number;
  size: number;
  mtimeMs: number;
}

// Rewriting the cassette drops superseded and corrupt lines; below this many it is not worth it.
const COMPACT_AFTER_DEAD_LINES = 16;
// Enough for every scenario a concurrent run has in flight; an evicted cassette is read again.
const MAX_OPEN_CASSETTES = 256;

const cassettes = new Map<string, ScenarioCassette>();

/**
 * The cassette of one scenario under `dir`, shared by every call in this process (the judge, the
 * simulator and the agent of concurrent runs of the same scenario read one copy).
 */
export function cassetteFor(dir: string, cacheKey: string, fileStem: string): ScenarioCassette {
  const file = join(dir, `${fileStem}.jsonl`);
  let cassette = cassettes.get(file);
  if (cassette) {
    cassettes.delete(file);
  } else {
    cassette = new ScenarioCassette(file, join(dir, fileStem), cacheKey);
    if (cassettes.size >= MAX_OPEN_CASSETTES) cassettes.delete(cassettes.keys().next().value as string);
  }
  cassettes.set(file, cassette);
  return cassette;
}

const stems = new Map<string, string>();

/** The file name (without extension) of a scenario's recordings: a readable slug and a digest. */
export function cassetteStem(cacheKey: string): string {
  // Participants wrap their model once per call; the digest is worth computing once per scenario.
  let stem = stems.get(cacheKey);
  if (stem === undefined) {
    if (stems.size >= MAX_OPEN_CASSETTES) stems.clear();
    stem = computeStem(cacheKey);
    stems.set(cacheKey, stem);
  }
  return stem;
}

function computeStem(cacheKey: string): string {
  const slug = cacheKey
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-.]+|-+$/g, "")
    .slice(0, 60);
  const digest = createHash("sha256").update(cacheKey).digest("hex").slice(0, 8);
  return slug ? `${slug}-${digest}` : digest;
}

/**
 * One scenario's recordings: a JSON-lines file, one call per line, appended to and never edited in
 * place. It is read once and kept in memory, and read again only when a `stat` shows it changed:
 * before each lookup when the caller asks (recording modes, where other processes write), else
 * only when a call is not in memory (replay, where a syscall per call would cost more than the
 * replay itself). Each line is checked when it is loaded, not when it is replayed. A line that
 * does not parse or check out is a miss for its call, and for no other. When several lines record
 * the same call, the last one counts.
 *
 * Concurrent writers: a line is appended with one `write()` on a file opened with O_APPEND, so
 * lines from several processes (vitest forks, CLI workers) land whole, one after another, and no
 * process's recording is lost. A reader parses only what is there; a half-written line left by a
 * crash is a miss and is dropped at the next rewrite. The file is rewritten (temporary file and
 * rename, so readers see the old file or the new one) only to drop dead lines, and only when the
 * file is still as this process last read it.
 */
export class ScenarioCassette {
  private entries = new Map<string, CassetteEntry>();
  private unreadable = new Map<string, string>();
  // Recorded in memory, not yet on disk: kept across a reload that started before the write ended.
  private pending = new Map<string, CassetteEntry>();
  // undefined: not looked at yet (or must be read again); null: there is no file.
  private known: FileState | null | undefined;
  private deadLines = 0;
  private corruptLines = 0;
  private endsMidLine = false;
  private refreshing: Promise<void> | undefined;
  private writing: Promise<unknown> = Promise.resolve();
  private legacyDirectoryExists: Promise<boolean> | undefined;

  constructor(
    /** The cassette file. */
    readonly file: string,
    /** The folder of the same scenario's recordings in the old one-file-per-call layout. */
    readonly legacyDirectory: string,
    private readonly cacheKey: string,
  ) {}

  /**
   * The recording of the call with this key, if there is one that can be replayed. With
   * `checkFile`, the file is first checked for changes (a `stat`); without it, a cassette already
   * in memory is trusted, and the file is checked only when the call is not there.
   */
  async lookup(key: string, checkFile: boolean): Promise<CassetteLookup> {
    if (checkFile || this.known === undefined) await this.refresh();
    let found = this.entries.get(key);
    if (!found && !checkFile) {
      // Another process may have recorded it since this one read the file.
      await this.refresh();
      found = this.entries.get(key);
    }
    if (found) return { found };
    const legacy = await this.readLegacy(key);
    if (legacy.found) return { found: legacy.found, fromLegacy: true };
    const unreadable =
      this.unreadable.get(key) ??
      legacy.unreadable ??
      (this.corruptLines > 0 ? `the cassette has ${this.corruptLines} unreadable line(s)` : undefined);
    return unreadable === undefined ? {} : { unreadable };
  }

  /**
   * Records a call: at once in memory (later lookups in this process see it), then appended to the
   * file. Appends from this process go one at a time.
   */
  record(entry: CassetteEntry): Promise<void> {
    this.remember(entry);
    this.pending.set(entry.key, entry);
    const written = this.writing.then(() => this.persist(entry));
    this.writing = written.catch(() => undefined);
    return written;
  }

  private remember(entry: CassetteEntry): void {
    if (this.entries.has(entry.key)) this.deadLines += 1;
    this.entries.set(entry.key, entry);
    this.unreadable.delete(entry.key);
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.readIfChanged().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async readIfChanged(): Promise<void> {
    if (this.known === undefined) {
      await this.readWhole();
      return;
    }
    const current = await statOf(this.file);
    if (sameFile(current, this.known)) return;
    if (current === null) this.load("", null);
    else await this.readWhole();
  }

  // The state comes from the open file, so it describes the text read (a path stat could describe
  // a file renamed over it in between), and a first read costs no separate stat.
  private async readWhole(): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await open(this.file, "r");
    } catch {
      this.load("", null);
      return;
    }
    try {
      const state = stateOf(await handle.stat());
      this.load(await handle.readFile("utf8"), state);
    } catch {
      this.load("", null);
    } finally {
      await handle.close();
    }
  }

  private load(text: string, state: FileState | null): void {
    const entries = new Map<string, CassetteEntry>();
    const unreadable = new Map<string, string>();
    let superseded = 0;
    let corrupt = 0;
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        corrupt += 1;
        continue;
      }
      const read = readCassetteEntry(parsed, this.cacheKey);
      if ("entry" in read) {
        if (entries.has(read.entry.key)) superseded += 1;
        entries.set(read.entry.key, read.entry);
      } else {
        corrupt += 1;
        if (read.key !== undefined) unreadable.set(read.key, read.reason);
      }
    }
    for (const key of entries.keys()) unreadable.delete(key);
    this.entries = entries;
    this.unreadable = unreadable;
    this.deadLines = superseded + corrupt;
    this.corruptLines = corrupt;
    this.endsMidLine = text.length > 0 && !text.endsWith("\n");
    this.known = state;
    for (const entry of this.pending.values()) this.remember(entry);
  }

  private async persist(entry: CassetteEntry): Promise<void> {
    try {
      // Know the file as it is now: the dead-line count decides a rewrite, the size checks the append.
      await this.refresh();
      if (this.shouldCompact() && (await this.compact())) return;
      await this.append(`${JSON.stringify(encodeRecorded(entry))}\n`);
    } finally {
      if (this.pending.get(entry.key) === entry) this.pending.delete(entry.key);
    }
  }

  private shouldCompact(): boolean {
    if (!this.known) return false;
    return this.corruptLines > 0 || this.deadLines > Math.max(COMPACT_AFTER_DEAD_LINES, this.entries.size);
  }

  private async append(line: string): Promise<void> {
    // A line a crash left unfinished must not swallow the next one.
    const data = Buffer.from(this.endsMidLine ? `\n${line}` : line, "utf8");
    const before = this.known;
    await mkdir(dirname(this.file), { recursive: true });
    const handle = await open(this.file, "a");
    try {
      let offset = 0;
      while (offset < data.length) offset += (await handle.write(data, offset)).bytesWritten;
      const after = stateOf(await handle.stat());
      const onlyOurs =
        before !== undefined &&
        after.size === (before?.size ?? 0) + data.length &&
        (before === null || before.ino === after.ino);
      // Otherwise another writer changed the file as well: the next lookup reads it again.
      this.known = onlyOurs ? after : undefined;
      if (onlyOurs) this.endsMidLine = false;
    } finally {
      await handle.close();
    }
  }

  private async compact(): Promise<boolean> {
    const before = this.known;
    const lines = [...this.entries.values()].map((entry) => JSON.stringify(encodeRecorded(entry)));
    const temporary = `${this.file}.${process.pid}.${randomUUID()}.tmp`;
    try {
      await writeFile(temporary, `${lines.join("\n")}\n`, "utf8");
      // A line another process appended since this one read the file would be lost: append instead.
      if (!sameFile(await statOf(this.file), before ?? null)) {
        await rm(temporary, { force: true });
        return false;
      }
      await rename(temporary, this.file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    this.deadLines = 0;
    this.corruptLines = 0;
    this.endsMidLine = false;
    this.unreadable.clear();
    // Read it back at the next lookup rather than trust that nobody wrote since the rename.
    this.known = undefined;
    return true;
  }

  private async readLegacy(key: string): Promise<{ found?: CassetteEntry; unreadable?: string }> {
    this.legacyDirectoryExists ??= stat(this.legacyDirectory).then(
      (stats) => stats.isDirectory(),
      () => false,
    );
    if (!(await this.legacyDirectoryExists)) return {};
    let text: string;
    try {
      text = await readFile(join(this.legacyDirectory, `${key}.json`), "utf8");
    } catch {
      return {};
    }
    try {
      const read = readCassetteEntry({ ...JSON.parse(text), key }, this.cacheKey);
      return "entry" in read ? { found: read.entry } : { unreadable: read.reason };
    } catch (error) {
      return { unreadable: error instanceof Error ? error.message : "invalid JSON" };
    }
  }
}

async function statOf(file: string): Promise<FileState | null> {
  try {
    return stateOf(await stat(file));
  } catch {
    return null;
  }
}

function stateOf(stats: { ino: number; size: number; mtimeMs: number }): FileState {
  return { ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs };
}

function sameFile(left: FileState | null, right: FileState | null): boolean {
  if (left === null || right === null) return left === right;
  return left.ino === right.ino && left.size === right.size && left.mtimeMs === right.mtimeMs;
}
