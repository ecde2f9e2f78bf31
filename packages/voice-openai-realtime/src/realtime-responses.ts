import { VoiceServerError, type VoiceTransportEvent } from "@scenario/spec";
import { base64ToPcm } from "@scenario/voice";
import type { OpenAIRealtimeTool } from "./openai-realtime-options";
import {
  type ActiveResponse,
  describeError,
  isRecord,
  newActiveResponse,
  type ServerEvent,
  type SpokenTranscript,
  spokenSoFar,
  stringField,
} from "./realtime-response";

/**
 * The responses of a Realtime session, one at a time: asks for them, follows their events
 * (audio, transcripts, function calls) into transport events, runs the agent's tools and asks for
 * the rest of a reply after its function calls, and waits for a response to end before the next.
 */
export class RealtimeResponses {
  /** The response in flight, until its `response.done`. */
  active: ActiveResponse | undefined;
  /** The audio item of the last finished response, for truncating a reply that was fully delivered. */
  lastAudioItemId: string | undefined;
  private idleWaiters: Array<() => void> = [];
  private readonly send: (event: Record<string, unknown>) => void;
  private readonly emit: (event: VoiceTransportEvent) => void;
  private readonly tools: readonly OpenAIRealtimeTool[];
  private readonly interruptTimeoutMs: number;

  constructor(options: {
    send: (event: Record<string, unknown>) => void;
    emit: (event: VoiceTransportEvent) => void;
    tools: readonly OpenAIRealtimeTool[];
    interruptTimeoutMs: number;
  }) {
    this.send = options.send;
    this.emit = options.emit;
    this.tools = options.tools;
    this.interruptTimeoutMs = options.interruptTimeoutMs;
  }

  /** Asks for a response; `earlier` is what the reply said before, when it goes on after a function call. */
  request(earlier?: SpokenTranscript): void {
    this.active = newActiveResponse(undefined, earlier);
    this.send({ type: "response.create" });
  }

  /**
   * Never two responses at once: a reply the adapter finished early (a silence tail) or cancelled
   * may still be winding down on the server.
   */
  async waitUntilIdle(): Promise<void> {
    const timeoutMs = this.interruptTimeoutMs;
    if (this.active === undefined) return;
    await this.idleWithin(timeoutMs);
    if (this.active === undefined) return;
    const active = this.active;
    if (!active.cancelRequested) {
      active.cancelRequested = true;
      this.send({ type: "response.cancel" });
    }
    await this.idleWithin(timeoutMs);
    if (this.active !== undefined) {
      throw new VoiceServerError(
        `The previous response is still active ${2 * timeoutMs} ms after it was cancelled; the server is not responding to response.cancel.`,
      );
    }
  }

  private idleWithin(timeoutMs: number): Promise<void> {
    if (this.active === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.push(done);
    });
  }

  releaseIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** The events of a response this client cancelled are ignored until its `response.done`. */
  isCancelled(event: ServerEvent): boolean {
    const active = this.active;
    if (active === undefined) return false;
    const responseId = stringField(event, "response_id");
    return (
      active.cancelRequested &&
      (responseId === undefined || active.id === undefined || responseId === active.id)
    );
  }

  onResponseCreated(event: ServerEvent): void {
    const id = stringField(event.response, "id");
    if (this.active === undefined) {
      // A response the server started by itself (server VAD).
      this.active = newActiveResponse(id);
      return;
    }
    this.active.id ??= id;
  }

  onOutputItemAdded(event: ServerEvent): void {
    const item = event.item;
    if (this.active !== undefined && stringField(item, "type") === "message") {
      this.active.audioItemId ??= stringField(item, "id");
    }
  }

  onAudioDelta(event: ServerEvent): void {
    if (this.isCancelled(event)) return;
    const delta = stringField(event, "delta");
    if (delta === undefined) return;
    if (this.active !== undefined) this.active.audioItemId ??= stringField(event, "item_id");
    this.emit({ type: "agent-audio", data: base64ToPcm(delta) });
  }

  onTranscriptDelta(event: ServerEvent): void {
    if (this.isCancelled(event)) return;
    const delta = stringField(event, "delta");
    if (delta === undefined) return;
    if (this.active !== undefined) this.active.transcriptDeltas += delta;
    this.emit({ type: "transcript", speaker: "agent", text: delta, isFinal: false });
  }

  onTranscriptDone(event: ServerEvent): void {
    if (this.isCancelled(event) || this.active === undefined) return;
    const transcript = stringField(event, "transcript");
    if (transcript !== undefined) this.active.transcript = (this.active.transcript ?? "") + transcript;
  }

  onOutputItemDone(event: ServerEvent): void {
    const item = event.item;
    const active = this.active;
    if (active === undefined || this.isCancelled(event) || stringField(item, "type") !== "function_call")
      return;
    const callId =
      stringField(item, "call_id") ?? stringField(item, "id") ?? `call_${active.functionCalls.length}`;
    const name = stringField(item, "name") ?? "";
    const rawArguments = stringField(item, "arguments") ?? "{}";
    let input: unknown;
    try {
      input = JSON.parse(rawArguments);
    } catch {
      input = rawArguments;
    }
    this.emit({ type: "tool-call", callId, toolName: name, input });
    const tool = this.tools.find((candidate) => candidate.name === name);
    const result = (async () => {
      if (tool === undefined) return { output: { error: `No tool named "${name}".` }, isError: true };
      try {
        return { output: await tool.execute(input), isError: false };
      } catch (error) {
        return { output: { error: describeError(error) }, isError: true };
      }
    })();
    active.functionCalls.push({ callId, name, result });
  }

  async onResponseDone(event: ServerEvent): Promise<void> {
    const active = this.active;
    const response = isRecord(event.response) ? event.response : {};
    const status = stringField(response, "status");
    this.active = undefined;
    if (active?.audioItemId !== undefined) this.lastAudioItemId = active.audioItemId;
    if (active?.cancelRequested) {
      this.emit({ type: "reply-end" });
      this.releaseIdleWaiters();
      return;
    }
    if (status === "failed") {
      if (!active?.errorReported) {
        const details = isRecord(response.status_details) ? response.status_details : {};
        const message =
          stringField(details.error, "message") ?? stringField(details, "reason") ?? "no details";
        const error = new VoiceServerError(`The OpenAI Realtime response failed: ${message}`);
        this.emit({ type: "error", message: error.message, cause: error });
      }
      this.releaseIdleWaiters();
      return;
    }
    if (active !== undefined && status === "completed" && active.functionCalls.length > 0) {
      // The reply goes on: hand the results back and ask for the rest of the answer.
      for (const call of active.functionCalls) {
        const { output, isError } = await call.result;
        this.emit({ type: "tool-result", callId: call.callId, toolName: call.name, output, isError });
        this.send({
          type: "conversation.item.create",
          item: {
            type: "function_call_output",
            call_id: call.callId,
            output: JSON.stringify(output ?? null),
          },
        });
      }
      if (this.active === undefined) this.request(spokenSoFar(active));
      return;
    }
    const spoken = active === undefined ? undefined : spokenSoFar(active);
    // Only a final transcript replaces the deltas the driver collected for the whole reply.
    if (spoken?.final) this.emit({ type: "transcript", speaker: "agent", text: spoken.text, isFinal: true });
    this.emit({ type: "reply-end" });
    this.releaseIdleWaiters();
  }
}
