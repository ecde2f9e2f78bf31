import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import type { ScenarioEvent } from "@scenario/spec";

const READ_CHUNK_BYTES = 64 * 1024;
const COPY_CHUNK_BYTES = 1024 * 1024;

/** One spooled event handed out for sending, with where its line sits in its file. */
export interface SpoolEntry {
  /** The event, `eventId` set. */
  readonly event: ScenarioEvent;
  readonly source: SpoolSource;
  /** The line's byte range in its file (moved when the file is compacted). */
  start: number;
  end: number;
}

/** A spool file being read (and, for this process's own file, appended to). */
export interface SpoolSource {
  /** The file's name while this process holds it (with the claim marker). */
  path: string;
  /** The name it is given back under when this process lets go of it. */
  readonly releasedPath: string;
  readonly own: boolean;
  descriptor: number | undefined;
  /** Bytes of whole lines in the file. */
  size: number;
  /** Where the first event line starts (after the header). */
  dataStart: number;
  /** The next byte not yet handed out. */
  readOffset: number;
  /** Handed out and neither acknowledged nor refused yet. */
  readonly outstanding: Set<SpoolEntry>;
  /** Lines settled after the first outstanding one: dropped when the file is compacted. */
  settledRanges: Array<[start: number, end: number]>;
  /** Own file only: lines appended and lines settled, so the backlog is counted without a read. */
  appended: number;
  settled: number;
  readBuffer: Buffer;
  readBufferStart: number;
}

/** A source at the start of its events, nothing read or settled yet. */
export function newSource(path: string, releasedPath: string, own: boolean, dataStart: number): SpoolSource {
  return {
    path,
    releasedPath,
    own,
    descriptor: undefined,
    size: dataStart,
    dataStart,
    readOffset: dataStart,
    outstanding: new Set(),
    settledRanges: [],
    appended: 0,
    settled: 0,
    readBuffer: Buffer.alloc(0),
    readBufferStart: 0,
  };
}

/** The header line of a spool file, or undefined when it has none (empty, unreadable). */
export function readFirstLine(path: string): { text: string; end: number } | undefined {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(path, "r");
    const buffer = Buffer.alloc(4096);
    const length = readSync(descriptor, buffer, 0, buffer.length, 0);
    const newline = buffer.subarray(0, length).indexOf(10);
    if (newline < 0) return undefined;
    return { text: buffer.toString("utf8", 0, newline), end: newline + 1 };
  } catch {
    return undefined;
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/** Reads the line at `readOffset` through a read-ahead buffer that grows for a long line. */
export function readLine(source: SpoolSource): { text: string; end: number } | undefined {
  let chunk = READ_CHUNK_BYTES;
  for (;;) {
    const offsetInBuffer = source.readOffset - source.readBufferStart;
    if (offsetInBuffer >= 0 && offsetInBuffer < source.readBuffer.length) {
      const newline = source.readBuffer.indexOf(10, offsetInBuffer);
      if (newline >= 0) {
        return {
          text: source.readBuffer.toString("utf8", offsetInBuffer, newline),
          end: source.readBufferStart + newline + 1,
        };
      }
    }
    const available = source.size - source.readOffset;
    if (available <= 0) return undefined;
    if (offsetInBuffer >= 0 && source.readBuffer.length - offsetInBuffer >= available) return undefined;
    const length = Math.min(Math.max(chunk, READ_CHUNK_BYTES), available);
    const buffer = Buffer.alloc(length);
    const read = readSync(source.descriptor as number, buffer, 0, length, source.readOffset);
    source.readBuffer = buffer.subarray(0, read);
    source.readBufferStart = source.readOffset;
    if (read === 0) return undefined;
    chunk *= 2;
  }
}

/** Where the first line not yet settled starts: everything before it is acknowledged. */
export function firstUnsettled(source: SpoolSource): number {
  let first = source.readOffset;
  for (const entry of source.outstanding) first = Math.min(first, entry.start);
  return first;
}

/** Closes the source's file descriptor, if open. */
export function closeDescriptor(source: SpoolSource): void {
  if (source.descriptor === undefined) return;
  closeSync(source.descriptor);
  source.descriptor = undefined;
}

// Copies the file's unsettled lines into a temporary file and renames it over the original, so a
// crash at any moment leaves either the old file or the new one, never neither. Returns the number
// of lines kept.
function rewrite(source: SpoolSource, headerLine: string, from: number): number {
  const temporary = `${source.path}.tmp`;
  const output = openSync(temporary, "w");
  let kept = 0;
  try {
    writeSync(output, headerLine);
    const skipped = [...source.settledRanges].sort(([left], [right]) => left - right);
    let position = from;
    const buffer = Buffer.alloc(COPY_CHUNK_BYTES);
    const copyUntil = (stop: number) => {
      while (position < stop) {
        const read = readSync(
          source.descriptor as number,
          buffer,
          0,
          Math.min(buffer.length, stop - position),
          position,
        );
        if (read === 0) break;
        writeSync(output, buffer, 0, read);
        for (let index = 0; index < read; index += 1) if (buffer[index] === 10) kept += 1;
        position += read;
      }
    };
    for (const [start, end] of skipped) {
      if (end <= position) continue;
      copyUntil(start);
      position = Math.max(position, end);
    }
    copyUntil(source.size);
    fsyncSync(output);
  } finally {
    closeSync(output);
  }
  renameSync(temporary, source.path);
  return kept;
}

/** Cuts the acknowledged prefix off this process's own file while it is still appended to. */
export function compactOwnPrefix(source: SpoolSource, headerLine: string): void {
  const watermark = firstUnsettled(source);
  const removed = watermark - source.dataStart;
  const settledBefore = source.settledRanges;
  // Only the prefix goes; lines settled after it stay until the file is released.
  source.settledRanges = [];
  rewrite(source, headerLine, watermark);
  source.settledRanges = settledBefore.map(([start, end]) => [start - removed, end - removed]);
  closeDescriptor(source);
  source.descriptor = openSync(source.path, "a+");
  source.size -= removed;
  source.readOffset -= removed;
  source.readBuffer = Buffer.alloc(0);
  for (const entry of source.outstanding) {
    entry.start -= removed;
    entry.end -= removed;
  }
}

/**
 * Rewrites the file without its settled lines and gives it back under its released name (or
 * deletes it when nothing is left). Returns the number of events kept.
 */
export function release(source: SpoolSource, headerLine: string): number {
  if (source.descriptor === undefined) source.descriptor = openSync(source.path, "r");
  const watermark = firstUnsettled(source);
  const untouched = watermark === source.dataStart && source.settledRanges.length === 0;
  let kept: number;
  if (source.own && source.appended === source.settled) {
    kept = 0;
  } else if (untouched && source.own) {
    kept = source.appended - source.settled;
  } else {
    kept = rewrite(source, headerLine, watermark);
  }
  closeDescriptor(source);
  if (kept === 0) {
    rmSync(source.path, { force: true });
    return 0;
  }
  renameSync(source.path, source.releasedPath);
  return kept;
}

/** `JSON.parse`, undefined for text that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
