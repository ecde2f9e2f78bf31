import { agent, sleep, succeed, user } from "@scenario/script";
import { syntheticSpeech } from "@scenario/testing/voice-websocket";
import { audioFromMessage, concatPcm, pcmDurationMs, transcriptOf, voiceMessage } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import {
  serveVoiceAgent,
  type VoiceAgentInterrupt,
  type VoiceAgentSession,
  websocketVoiceAgent,
} from "../src";
import {
  assistantMessages,
  fakeVoiceAgent,
  noiseAudio,
  noisePcm,
  runScenario,
  servedAgent,
  voiceRecordingOf,
} from "./websocket-test-helpers";

describe("serveVoiceAgent(): a voice stack in a few lines", () => {
  it("wraps an echo 'voice stack' that the adapter talks to like any agent", async () => {
    // The whole agent: collect the caller's audio, say it back when the turn ends.
    const server = await servedAgent((session) => {
      const heard: Uint8Array[] = [];
      session.on("audio", (audio) => heard.push(audio));
      session.on("inputEnd", () =>
        session.reply(concatPcm(heard.splice(0)), { transcript: "You said that." }),
      );
    });
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);

    const lines = [syntheticSpeech("Hello echo"), syntheticSpeech("Say it again")];
    const { result, error } = await runScenario(
      [websocketVoiceAgent({ url: server.url })],
      [
        user(voiceMessage("user", lines[0]!, "Hello echo")),
        agent(),
        user(voiceMessage("user", lines[1]!, "Say it again")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();
    const replies = assistantMessages(result!.messages);
    expect(replies.map((message) => audioFromMessage(message)?.data)).toEqual(lines);
    expect(replies.map(transcriptOf)).toEqual(["You said that.", "You said that."]);
    const recording = voiceRecordingOf(result);
    expect(recording.segments.map((segment) => segment.speaker)).toEqual(["user", "agent", "user", "agent"]);
    // The echo answers at once.
    expect(recording.latency.timeToFirstAudioMs.every((ms) => ms < 100)).toBe(true);
  });

  it("handles a barge-in for the stack: the reply stops, the handler hears about it, the next turn is answered", async () => {
    const interrupts: VoiceAgentInterrupt[] = [];
    const longAnswer = noisePcm(3000, 3);
    const server = await servedAgent((session) => {
      let turn = 0;
      session.on("interrupt", (interrupt) => interrupts.push(interrupt));
      session.on("inputEnd", async () => {
        turn++;
        const status = await session.reply(turn === 1 ? longAnswer : noisePcm(300, 4), {
          transcript: turn === 1 ? "A very long answer indeed." : "Okay.",
        });
        if (turn === 1) expect(status).toBe("interrupted");
      });
    });
    const stop = syntheticSpeech("Stop please");
    const { result, error } = await runScenario(
      [websocketVoiceAgent({ url: server.url, playback: "realtime" })],
      [
        user(voiceMessage("user", syntheticSpeech("Tell me everything"), "Tell me everything")),
        agent({ wait: false }),
        sleep(400),
        user(voiceMessage("user", stop, "Stop please")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();
    const recording = voiceRecordingOf(result);
    const [cut, answer] = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(cut?.transcriptTruncated).toBe(true);
    expect(cut!.audio).toEqual(longAnswer.subarray(0, cut!.audio.byteLength));
    expect(pcmDurationMs(cut!.audio)).toBeLessThan(1500);
    expect(transcriptOf(assistantMessages(result!.messages).at(-1)!)).toBe("Okay.");
    expect(answer?.transcriptTruncated).toBeUndefined();
    expect(interrupts).toHaveLength(1);
    expect(interrupts[0]?.playedMs).toBe(Math.round(pcmDurationMs(cut!.audio)));
    expect(recording.latency.interruptResponseTimesMs).toHaveLength(1);
  });

  it("turns a failing handler into a fatal agent_error the adapter reports", async () => {
    const errors: unknown[] = [];
    const server = await servedAgent(
      (session) => {
        session.on("inputEnd", () => {
          throw new Error("the speech recogniser crashed");
        });
      },
      { onError: (error) => errors.push(error) },
    );
    const outcome = await runScenario(
      [websocketVoiceAgent({ url: server.url })],
      [user(voiceMessage("user", syntheticSpeech("Hello"), "Hello")), agent(), succeed()],
    );
    expect(outcome.finished?.status).toBe("ERROR");
    expect(outcome.finished?.results.error).toContain(
      "agent_error: The agent failed: the speech recogniser crashed",
    );
    expect(errors).toHaveLength(1);
  });
});

describe("serveVoiceAgent(): options and the streaming API", () => {
  it("streams a reply with startResponse(), reports the caller's words and a tool call, in the agent's own format", async () => {
    const agentFormat = { encoding: "pcm16", sampleRateHz: 16_000, channels: 1 } as const;
    const replyAudio = noiseAudio(16 * 2 * 300, 9); // 300 ms at 16 kHz
    const server = await servedAgent(
      (session) => {
        session.on("inputEnd", () => {
          session.sendUserTranscript("what is my balance");
          const callId = session.sendToolCall("get_balance", { account: "4217" });
          session.sendToolResult(callId, "get_balance", { balance: 42 });
          const response = session.startResponse();
          response.sendAudio(replyAudio.subarray(0, 4800));
          response.sendTranscript("Forty");
          response.sendAudio(replyAudio.subarray(4800));
          response.sendTranscript("Forty two euros.", { final: true });
          response.end();
        });
      },
      { outputFormat: agentFormat, capabilities: { userTranscripts: true, toolCalls: true } },
    );
    const { result, error } = await runScenario(
      [websocketVoiceAgent({ url: server.url })],
      [
        user(voiceMessage("user", syntheticSpeech("What is my balance"), "What is my balance")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();
    const recording = voiceRecordingOf(result);
    const segment = recording.segments.find((candidate) => candidate.speaker === "agent")!;
    // The agent's 16 kHz bytes are kept as sent; the recording's audio is converted to 24 kHz.
    expect(segment.wireAudio).toEqual({ format: agentFormat, data: replyAudio });
    expect(pcmDurationMs(segment.audio)).toBeCloseTo(300, 0);
    expect(segment.transcript).toBe("Forty two euros.");
    expect(recording.timeline.find((event) => event.type === "tool-call")).toMatchObject({
      toolName: "get_balance",
    });
    expect(recording.timeline.find((event) => event.type === "user-transcript")?.details).toMatchObject({
      text: "what is my balance",
    });
  });

  it("refuses an input format the stack does not take, and a client that never starts a session", async () => {
    const server = await servedAgent(() => {}, {
      inputFormats: [{ encoding: "pcm16", sampleRateHz: 16_000, channels: 1 }],
      handshakeTimeoutMs: 200,
    });
    const refused = await rawSession(server.url);
    refused.send({ type: "session.start", protocol: "scenario-voice", versions: [1] });
    expect(await refused.next("error")).toMatchObject({ code: "unsupported_format", fatal: true });
    expect(await refused.closed).toBe(4001);
    const idle = await rawSession(server.url);
    expect(await idle.next("error")).toMatchObject({ code: "invalid_state", fatal: true });
    expect(await idle.closed).toBe(4002);
  });

  it("says which port is taken", async () => {
    const first = await servedAgent(() => {});
    await expect(serveVoiceAgent(() => {}, { port: first.port })).rejects.toThrow(
      new RegExp(`could not listen on 127\\.0\\.0\\.1:${first.port}`),
    );
  });

  it("refuses input.end while a reply is in flight, and close() ends every session with 1001", async () => {
    const server = await servedAgent((session) => {
      session.on("inputEnd", () => void session.reply(noisePcm(2000, 1)));
    });
    const client = await rawSession(server.url);
    client.send({ type: "session.start", protocol: "scenario-voice", versions: [1] });
    await client.next("session.started");
    client.send({ type: "input.end" });
    await client.next("response.started");
    client.send({ type: "input.end" });
    expect(await client.next("error")).toMatchObject({ code: "invalid_state", fatal: false });
    await server.close();
    expect(await client.next("session.ended")).toMatchObject({ reason: "server shutting down" });
    expect(await client.closed).toBe(1001);
  });
});

// The same raw protocol exchanges against the fake and against serveVoiceAgent(): the two were
// written separately from the README, so each checks the other's reading of it.

type Message = { type: string } & Record<string, unknown>;

async function rawSession(url: string) {
  const socket = new WebSocket(url);
  const messages: Message[] = [];
  const waiters = new Set<() => void>();
  socket.on("message", (data: Buffer, isBinary) => {
    if (!isBinary) messages.push(JSON.parse(data.toString()) as Message);
    for (const waiter of [...waiters]) waiter();
  });
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return {
    socket,
    messages,
    closed,
    send: (message: Message) => socket.send(JSON.stringify(message)),
    next: (type: string, count = 1) =>
      new Promise<Message>((resolve, reject) => {
        const check = (): void => {
          const found = messages.filter((message) => message.type === type)[count - 1];
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          socket.terminate();
          reject(
            new Error(`no '${type}' within 3 s; got ${messages.map((message) => message.type).join(", ")}`),
          );
        }, 3000);
        waiters.add(check);
        check();
      }),
  };
}

/** A served agent like the fake: thinks 300 ms, then says a line; no DTMF. */
function thinkingAgent(session: VoiceAgentSession): void {
  session.on("inputEnd", async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await session.reply(noisePcm(200, 1), { transcript: "Hello." });
  });
}

const implementations = [
  ["the fake", async () => (await fakeVoiceAgent({ thinkTimeMs: 300, capabilities: { dtmf: false } })).url],
  ["serveVoiceAgent()", async () => (await servedAgent(thinkingAgent)).url],
] as const;

describe.each(implementations)("protocol conformance: %s", (_name, start) => {
  const START = { type: "session.start", protocol: "scenario-voice", versions: [1] };

  it("acknowledges session.start with version, formats, turn detection and capabilities", async () => {
    const client = await rawSession(await start());
    client.send({ ...START, input: { encoding: "pcm16", sampleRateHz: 16_000, channels: 1 } });
    const started = await client.next("session.started");
    expect(started).toMatchObject({
      version: 1,
      sessionId: expect.any(String),
      input: { encoding: "pcm16", sampleRateHz: 16_000, channels: 1 },
      output: { encoding: "pcm16", sampleRateHz: 24_000, channels: 1 },
      turnDetection: "client",
    });
    expect(Object.keys(started.capabilities as object).sort()).toEqual(
      ["agentTranscripts", "dtmf", "serverVad", "textInput", "toolCalls", "userTranscripts"].sort(),
    );
    client.socket.close();
  });

  it("refuses a client without a common version: fatal unsupported_version, close 4000", async () => {
    const client = await rawSession(await start());
    client.send({ ...START, versions: [99] });
    expect(await client.next("error")).toMatchObject({
      code: "unsupported_version",
      fatal: true,
      supportedVersions: [1],
    });
    expect(await client.closed).toBe(4000);
  });

  it("refuses audio before session.start: close 4002", async () => {
    const client = await rawSession(await start());
    client.socket.send(new Uint8Array(480));
    expect(await client.next("error")).toMatchObject({ code: "invalid_state", fatal: true });
    expect(await client.closed).toBe(4002);
  });

  it("answers an interrupt of a reply still being prepared with response.done, and sends no audio for it", async () => {
    const client = await rawSession(await start());
    client.send(START);
    await client.next("session.started");
    client.send({ type: "input.end" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.send({ type: "interrupt", playedMs: 0 });
    expect(await client.next("response.done")).toMatchObject({ status: "interrupted", reason: "client" });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(client.messages.filter((message) => message.type === "response.started")).toHaveLength(0);
    client.socket.close();
  });

  it("answers unknown messages and missing capabilities with non-fatal errors, and session.end with session.ended", async () => {
    const client = await rawSession(await start());
    client.send(START);
    await client.next("session.started");
    client.send({ type: "no.such.message" });
    expect(await client.next("error")).toMatchObject({ code: "unknown_message_type", fatal: false });
    client.send({ type: "dtmf", digits: "1" });
    expect(await client.next("error", 2)).toMatchObject({ code: "unsupported", fatal: false });
    client.send({ type: "session.end" });
    await client.next("session.ended");
    expect(await client.closed).toBe(1000);
  });
});
