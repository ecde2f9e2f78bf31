// The state of a Realtime response as the transport follows it, and small parsing helpers.

/** A server event: a `type` and its fields. */
export interface ServerEvent {
  type: string;
  [field: string]: unknown;
}

/** A function call the model made in a response, with its result once the tool ran. */
export interface FunctionCall {
  callId: string;
  name: string;
  result: Promise<{ output: unknown; isError: boolean }>;
}

/** What a reply said so far, and whether any of it came as a final transcript (not only deltas). */
export interface SpokenTranscript {
  text: string;
  final: boolean;
}

/** A response this client asked for (or the server started), until its `response.done`. */
export interface ActiveResponse {
  id: string | undefined;
  cancelRequested: boolean;
  audioItemId: string | undefined;
  /** This response's final transcript (`output_audio_transcript.done`), once one arrived. */
  transcript: string | undefined;
  /** This response's transcript deltas, for when no final transcript comes. */
  transcriptDeltas: string;
  /**
   * What the reply's earlier responses said: a reply that calls a function goes on in a new
   * response, and its transcript must keep the words spoken before the call.
   */
  earlier: SpokenTranscript;
  errorReported: boolean;
  functionCalls: FunctionCall[];
}

export function newActiveResponse(
  id: string | undefined,
  earlier: SpokenTranscript = { text: "", final: false },
): ActiveResponse {
  return {
    id,
    cancelRequested: false,
    audioItemId: undefined,
    transcript: undefined,
    transcriptDeltas: "",
    earlier,
    errorReported: false,
    functionCalls: [],
  };
}

/** Two stretches of speech, one after the other: separate responses, so a space between them. */
function joinTranscripts(first: string, second: string): string {
  if (first.trim() === "") return second;
  if (second.trim() === "") return first;
  return `${first.trimEnd()} ${second.trimStart()}`;
}

/** The reply's transcript up to the end of `active`: its earlier responses', then its own. */
export function spokenSoFar(active: ActiveResponse): SpokenTranscript {
  return {
    text: joinTranscripts(active.earlier.text, active.transcript ?? active.transcriptDeltas),
    final: active.earlier.final || active.transcript !== undefined,
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stringField(record: unknown, field: string): string | undefined {
  if (!isRecord(record)) return undefined;
  const value = record[field];
  return typeof value === "string" ? value : undefined;
}

/** The URL without its query (which may carry credentials), for error messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
