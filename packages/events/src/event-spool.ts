import { randomUUID } from "node:crypto";
import { mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { ScenarioEvent } from "@scenario/spec";
import { validateScenarioEvent } from "./event-schemas";
import { scenarioEventId } from "./scenario-event-id";
import {
  closeDescriptor,
  compactOwnPrefix,
  firstUnsettled,
  newSource,
  parseJson,
  readFirstLine,
  readLine,
  release,
  type SpoolEntry,
  type SpoolSource,
} from "./spool-source";

export type { SpoolEntry } from "./spool-source";

/** The first line of every spool file: which collector and project its events are for. */
export interface SpoolHeader {
  scenarioSpool: 1;
  endpoint: string;
  projectId: string | null;
}

/** What `EventSpool.close()` left on disk. */
export interface SpoolCloseResult {
  /** Events still unacknowledged, kept in the spool. */
  kept: number;
}

/** A write-ahead spool of events (see `openEventSpool()`). */
export interface EventSpool {
  /** Appends the event (with its `eventId`) to this process's spool file, synchronously. */
  append(event: ScenarioEvent): void;
  /** The next event to send, oldest first; earlier runs' backlog and this run's events alternate. */
  next(): SpoolEntry | undefined;
  /** The event was acknowledged (or refused for good): it is never sent again. */
  settle(entry: SpoolEntry): void;
  /** Claimed files of earlier runs still being resent. */
  backlogFiles(): number;
  /**
   * Synchronously rewrites every file without its settled events (temporary file, then rename),
   * and gives the files back under their released names. A later `append()` starts a new file.
   */
  close(): SpoolCloseResult;
}

const SPOOL_SUFFIX = ".jsonl";
const CLAIM_MARKER = ".claimed-";
// An acknowledged prefix this large is cut off the own file while the run goes on, so a long suite
// with a healthy collector does not keep its whole history on disk.
const COMPACT_PREFIX_BYTES = 8 * 1024 * 1024;

/**
 * Opens the spool in `dir`: claims (by renaming) the files earlier processes left for the same
 * endpoint and project, to resend them, and appends this process's events to a file of its own.
 * Nothing is held in memory but the events handed out and not yet settled.
 */
export function openEventSpool(options: {
  dir: string;
  header: SpoolHeader;
  /** The acknowledged prefix that triggers a compaction of the own file. @default 8 MiB */
  compactPrefixBytes?: number;
}): EventSpool {
  const compactPrefixBytes = options.compactPrefixBytes ?? COMPACT_PREFIX_BYTES;
  const headerLine = `${JSON.stringify(options.header)}\n`;
  const backlog: SpoolSource[] = claimBacklog(options.dir, options.header);
  let own: SpoolSource | undefined;
  let preferBacklog = true;

  const openOwn = (): SpoolSource => {
    mkdirSync(options.dir, { recursive: true });
    const releasedPath = join(
      options.dir,
      `${Date.now()}-${process.pid}-${randomUUID().slice(0, 8)}${SPOOL_SUFFIX}`,
    );
    const path = `${releasedPath}${CLAIM_MARKER}${process.pid}`;
    const descriptor = openSync(path, "a+");
    writeSync(descriptor, headerLine);
    const dataStart = Buffer.byteLength(headerLine);
    return {
      ...newSource(path, releasedPath, true, dataStart),
      descriptor,
    };
  };

  const readEntry = (source: SpoolSource): SpoolEntry | "end" => {
    for (;;) {
      if (source.readOffset >= source.size) return "end";
      source.descriptor ??= openSync(source.path, "r");
      const line = readLine(source);
      if (line === undefined) {
        // A torn last line (a crash mid-write): unusable, so it is dropped with the settled ones.
        source.settledRanges.push([source.readOffset, source.size]);
        source.readOffset = source.size;
        return "end";
      }
      const start = source.readOffset;
      source.readOffset = line.end;
      const parsed = parseEvent(line.text, source.own);
      if (parsed === undefined) {
        source.settledRanges.push([start, line.end]);
        continue;
      }
      const entry: SpoolEntry = { event: parsed, source, start, end: line.end };
      source.outstanding.add(entry);
      return entry;
    }
  };

  const nextFromBacklog = (): SpoolEntry | undefined => {
    for (const source of backlog) {
      const entry = readEntry(source);
      if (entry !== "end") return entry;
    }
    return undefined;
  };

  const nextFromOwn = (): SpoolEntry | undefined => {
    if (own === undefined) return undefined;
    const entry = readEntry(own);
    return entry === "end" ? undefined : entry;
  };

  const releaseIfDone = (source: SpoolSource) => {
    if (source.own || source.readOffset < source.size || source.outstanding.size > 0) return;
    // Every event of an earlier run's file is acknowledged: the file is done.
    closeDescriptor(source);
    rmSync(source.path, { force: true });
    backlog.splice(backlog.indexOf(source), 1);
  };

  return {
    append(event) {
      own ??= openOwn();
      const line = `${JSON.stringify({ ...event, eventId: scenarioEventId(event) })}\n`;
      // One write per line, before anything else happens to the event: this is the write-ahead.
      writeSync(own.descriptor as number, line);
      own.size += Buffer.byteLength(line);
      own.appended += 1;
    },

    next() {
      preferBacklog = !preferBacklog;
      return preferBacklog ? (nextFromBacklog() ?? nextFromOwn()) : (nextFromOwn() ?? nextFromBacklog());
    },

    settle(entry) {
      const { source } = entry;
      if (!source.outstanding.delete(entry)) return;
      source.settled += 1;
      source.settledRanges.push([entry.start, entry.end]);
      const watermark = firstUnsettled(source);
      source.settledRanges = source.settledRanges.filter(([, end]) => end > watermark);
      if (!source.own) releaseIfDone(source);
      else if (watermark - source.dataStart >= compactPrefixBytes) compactOwnPrefix(source, headerLine);
    },

    backlogFiles: () => backlog.length,

    close() {
      let kept = 0;
      for (const source of backlog.splice(0)) kept += release(source, headerLine);
      if (own !== undefined) {
        kept += release(own, headerLine);
        own = undefined;
      }
      return { kept };
    },
  };
}

function claimBacklog(dir: string, header: SpoolHeader): SpoolSource[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const sources: SpoolSource[] = [];
  // Names start with a timestamp: sorted, the oldest backlog is resent first.
  for (const name of names.sort()) {
    if (!isClaimable(name)) continue;
    const path = join(dir, name);
    const releasedPath = path.split(CLAIM_MARKER)[0] as string;
    const firstLine = readFirstLine(path);
    if (firstLine === undefined) continue;
    const found = parseJson(firstLine.text) as Partial<SpoolHeader> | undefined;
    // Events spooled for another collector or project are left for a reporter configured for it.
    if (found?.endpoint !== header.endpoint || found.projectId !== header.projectId) continue;
    const claimed = `${releasedPath}${CLAIM_MARKER}${process.pid}`;
    try {
      // Renaming claims the file, so two processes starting together do not both send it.
      renameSync(path, claimed);
    } catch {
      continue;
    }
    const source = newSource(claimed, releasedPath, false, firstLine.end);
    // Opened only when its turn comes: a long backlog must not hold one descriptor per file.
    source.size = statSync(claimed).size;
    sources.push(source);
  }
  return sources;
}

function isClaimable(name: string): boolean {
  if (name.endsWith(SPOOL_SUFFIX)) return true;
  const [, owner] = name.split(CLAIM_MARKER);
  if (owner === undefined || !name.includes(`${SPOOL_SUFFIX}${CLAIM_MARKER}`)) return false;
  const pid = Number(owner);
  if (!Number.isInteger(pid) || pid === process.pid) return false;
  // A file claimed by a process that died before it let go is taken over.
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function parseEvent(line: string, trusted: boolean): ScenarioEvent | undefined {
  const parsed = parseJson(line);
  if (parsed === undefined) return undefined;
  let event = parsed as ScenarioEvent;
  if (!trusted) {
    const validation = validateScenarioEvent(parsed);
    if (!validation.success) return undefined;
    event = validation.event;
  }
  // Files written before events had ids get them here, from their content, as every resend will.
  return event.eventId === undefined ? { ...event, eventId: scenarioEventId(event) } : event;
}
