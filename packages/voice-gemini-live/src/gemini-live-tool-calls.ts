import type { VoiceTransportEvent } from "@scenario/spec";
import { describeError, isRecord, stringField } from "./gemini-live-messages";
import type { GeminiLiveTool } from "./gemini-live-options";

/** One call of a `toolCall` message, until its response is sent or the server cancels it. */
interface PendingCall {
  id: string;
  name: string;
  cancelled: boolean;
}

/**
 * The model's function calls: runs each `toolCall`'s functions, reports the calls and results,
 * and sends one `toolResponse` with the responses of the calls the server did not cancel
 * (`toolCallCancellation`, sent when the caller interrupts while a call is running).
 */
export class GeminiLiveToolCalls {
  private readonly pending = new Map<string, PendingCall>();

  constructor(
    private readonly tools: readonly GeminiLiveTool[],
    private readonly emit: (event: VoiceTransportEvent) => void,
    private readonly send: (message: Record<string, unknown>) => void,
  ) {}

  /** Handles a `toolCall`: emits each call, runs it, then answers what is still wanted. */
  async onToolCall(toolCall: Record<string, unknown>): Promise<void> {
    const functionCalls = Array.isArray(toolCall.functionCalls)
      ? toolCall.functionCalls.filter(isRecord)
      : [];
    const calls = functionCalls.map((functionCall, index) => {
      const call: PendingCall = {
        id: stringField(functionCall, "id") ?? `call_${index}`,
        name: stringField(functionCall, "name") ?? "",
        cancelled: false,
      };
      const input = isRecord(functionCall.args) ? functionCall.args : {};
      this.pending.set(call.id, call);
      this.emit({ type: "tool-call", callId: call.id, toolName: call.name, input });
      return { call, result: this.run(call.name, input) };
    });
    const functionResponses: Record<string, unknown>[] = [];
    for (const { call, result } of calls) {
      const { output, isError } = await result;
      this.pending.delete(call.id);
      if (call.cancelled) continue;
      this.emit({ type: "tool-result", callId: call.id, toolName: call.name, output, isError });
      functionResponses.push({ id: call.id, name: call.name, response: asResponse(output) });
    }
    if (functionResponses.length > 0) this.send({ toolResponse: { functionResponses } });
  }

  /** Handles a `toolCallCancellation`: those calls' results are reported as cancelled and never sent. */
  onCancellation(cancellation: Record<string, unknown>): void {
    const ids = Array.isArray(cancellation.ids)
      ? cancellation.ids.filter((id) => typeof id === "string")
      : [];
    for (const id of ids) {
      const call = this.pending.get(id);
      if (call === undefined || call.cancelled) continue;
      call.cancelled = true;
      this.emit({
        type: "tool-result",
        callId: call.id,
        toolName: call.name,
        output: { error: "The server cancelled this call (toolCallCancellation): the caller interrupted." },
        isError: true,
      });
    }
  }

  private async run(name: string, input: unknown): Promise<{ output: unknown; isError: boolean }> {
    const tool = this.tools.find((candidate) => candidate.name === name);
    if (tool === undefined) return { output: { error: `No tool named "${name}".` }, isError: true };
    try {
      return { output: await tool.execute(input), isError: false };
    } catch (error) {
      return { output: { error: describeError(error) }, isError: true };
    }
  }
}

/** A function response must be a JSON object: anything else is wrapped as `{ result }`. */
function asResponse(output: unknown): Record<string, unknown> {
  if (isRecord(output)) return output;
  return { result: output === undefined ? null : output };
}
