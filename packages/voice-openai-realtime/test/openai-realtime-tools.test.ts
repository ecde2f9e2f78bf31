import type { AddressInfo } from "node:net";
import { agent, succeed, user } from "@scenario/script";
import { syntheticSpeech } from "@scenario/testing/realtime";
import { audioFromMessage, concatPcm, pcmToBase64, transcriptOf, voiceMessage } from "@scenario/voice";
import { afterEach, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { openAIRealtimeAgent } from "../src";
import { assistantMessages, noiseAudio, runScenario, voiceRecordingOf } from "./realtime-test-helpers";

// The fake realtime server of @scenario/testing does not call functions, so this file plays a
// Realtime server that does: the first response calls `get_balance`, and the response requested
// after the function's output speaks the answer.

type ClientEvent = { type: string } & Record<string, unknown>;

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** What the first response says before it calls the function, when it says anything. */
interface Preamble {
  transcript: string;
  audio: Uint8Array;
}

async function functionCallingServer(answerAudio: Uint8Array, preamble?: Preamble) {
  const received: ClientEvent[] = [];
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  servers.push(server);
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  let responses = 0;
  server.on("connection", (socket: WebSocket) => {
    const send = (event: Record<string, unknown>) => socket.send(JSON.stringify(event));
    socket.on("message", (data) => {
      const event = JSON.parse(data.toString()) as ClientEvent;
      received.push(event);
      if (event.type === "session.update") send({ type: "session.updated", session: event.session });
      if (event.type !== "response.create") return;
      const id = `resp_${++responses}`;
      send({ type: "response.created", response: { id, status: "in_progress" } });
      if (responses === 1) {
        if (preamble !== undefined) {
          const spoken = { response_id: id, item_id: "item_preamble", output_index: 0, content_index: 0 };
          send({
            type: "response.output_item.added",
            response_id: id,
            item: { id: "item_preamble", type: "message" },
          });
          send({ type: "response.output_audio_transcript.delta", ...spoken, delta: preamble.transcript });
          send({ type: "response.output_audio.delta", ...spoken, delta: pcmToBase64(preamble.audio) });
          send({
            type: "response.output_audio_transcript.done",
            ...spoken,
            transcript: preamble.transcript,
          });
        }
        const item = {
          id: "item_call",
          type: "function_call",
          call_id: "call_42",
          name: "get_balance",
          arguments: '{"account":"main"}',
        };
        send({ type: "response.output_item.done", response_id: id, output_index: 0, item });
        send({ type: "response.done", response: { id, status: "completed", output: [item] } });
        return;
      }
      const where = { response_id: id, item_id: "item_answer", output_index: 0, content_index: 0 };
      send({
        type: "response.output_item.added",
        response_id: id,
        item: { id: "item_answer", type: "message" },
      });
      send({ type: "response.output_audio_transcript.delta", ...where, delta: "Your balance is 42 euros." });
      send({ type: "response.output_audio.delta", ...where, delta: pcmToBase64(answerAudio) });
      send({
        type: "response.output_audio_transcript.done",
        ...where,
        transcript: "Your balance is 42 euros.",
      });
      send({ type: "response.done", response: { id, status: "completed", output: [] } });
    });
  });
  const port = (server.address() as AddressInfo).port;
  return { url: `ws://127.0.0.1:${port}/v1/realtime`, received };
}

describe("openAIRealtimeAgent: tools", () => {
  it("runs the agent's function calls, hands the output back, and records the calls", async () => {
    const answerAudio = noiseAudio(400, 3);
    const server = await functionCallingServer(answerAudio);
    const inputs: unknown[] = [];
    const realtime = openAIRealtimeAgent({
      url: server.url,
      apiKey: "sk-test",
      tools: [
        {
          name: "get_balance",
          description: "The balance of an account.",
          parameters: { type: "object", properties: { account: { type: "string" } }, required: ["account"] },
          execute: (input) => {
            inputs.push(input);
            return { balance: 42, currency: "EUR" };
          },
        },
      ],
    });
    const { result, error } = await runScenario(
      [realtime],
      [
        user(voiceMessage("user", syntheticSpeech("What is my balance"), "What is my balance?")),
        agent(),
        (state) => {
          expect(state.hasToolCall("get_balance")).toBe(true);
          expect(state.lastToolCallPart("get_balance")?.input).toEqual({ account: "main" });
        },
        succeed(),
      ],
    );
    expect(error).toBeUndefined();

    // The session offered the tool.
    const session = server.received.find((event) => event.type === "session.update")?.session as Record<
      string,
      unknown
    >;
    expect(session.tools).toEqual([
      {
        type: "function",
        name: "get_balance",
        description: "The balance of an account.",
        parameters: { type: "object", properties: { account: { type: "string" } }, required: ["account"] },
      },
    ]);
    expect(session.tool_choice).toBe("auto");

    // The function ran once with the parsed arguments; its output went back before the second response.
    expect(inputs).toEqual([{ account: "main" }]);
    const types = server.received
      .map((event) => event.type)
      .filter((type) => type !== "input_audio_buffer.append");
    expect(types).toEqual([
      "session.update",
      "input_audio_buffer.commit",
      "response.create",
      "conversation.item.create",
      "response.create",
    ]);
    expect(server.received.find((event) => event.type === "conversation.item.create")?.item).toEqual({
      type: "function_call_output",
      call_id: "call_42",
      output: JSON.stringify({ balance: 42, currency: "EUR" }),
    });

    // The reply: tool call and result messages, then the spoken answer.
    const roles = result!.messages.map((message) => message.role);
    expect(roles).toEqual(["user", "assistant", "tool", "assistant"]);
    const answer = assistantMessages(result!.messages).at(-1)!;
    expect(transcriptOf(answer)).toBe("Your balance is 42 euros.");
    expect(audioFromMessage(answer)?.data).toEqual(answerAudio);

    const timeline = voiceRecordingOf(result).timeline.filter((event) => event.type.startsWith("tool-"));
    expect(timeline).toMatchObject([
      {
        type: "tool-call",
        toolName: "get_balance",
        details: { callId: "call_42", input: { account: "main" } },
      },
      {
        type: "tool-result",
        toolName: "get_balance",
        details: { callId: "call_42", output: { balance: 42, currency: "EUR" } },
      },
    ]);
  });

  it("keeps what the agent said before a function call in the reply's transcript", async () => {
    const preambleAudio = noiseAudio(300, 5);
    const answerAudio = noiseAudio(400, 3);
    const server = await functionCallingServer(answerAudio, {
      transcript: "Let me look that up.",
      audio: preambleAudio,
    });
    const realtime = openAIRealtimeAgent({
      url: server.url,
      apiKey: "sk-test",
      tools: [{ name: "get_balance", execute: () => ({ balance: 42, currency: "EUR" }) }],
    });
    const { result, error } = await runScenario(
      [realtime],
      [
        user(voiceMessage("user", syntheticSpeech("What is my balance"), "What is my balance?")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();

    const answer = assistantMessages(result!.messages).at(-1)!;
    expect(transcriptOf(answer)).toBe("Let me look that up. Your balance is 42 euros.");
    expect(audioFromMessage(answer)?.data).toEqual(concatPcm([preambleAudio, answerAudio]));
    const agentSegments = voiceRecordingOf(result).segments.filter((segment) => segment.speaker === "agent");
    expect(agentSegments.map((segment) => segment.transcript)).toEqual([
      "Let me look that up. Your balance is 42 euros.",
    ]);
  });
});
