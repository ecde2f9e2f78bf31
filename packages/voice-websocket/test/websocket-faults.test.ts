import { agent, succeed, user } from "@scenario/script";
import {
  AgentCallError,
  ConfigurationError,
  VoiceFirstAudioTimeoutError,
  VoiceServerError,
  VoiceStreamEndedError,
  VoiceUnsupportedError,
} from "@scenario/spec";
import { syntheticSpeech } from "@scenario/testing/voice-websocket";
import { voiceMessage } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { websocketVoiceAgent } from "../src";
import { fakeVoiceAgent, runScenario, servedAgent, voiceRecordingOf } from "./websocket-test-helpers";

const HELLO = () => user(voiceMessage("user", syntheticSpeech("Hello"), "Hello"));
const CONNECT_CONTEXT = { scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" };

/** The typed cause of a failed run. */
function causeOf(error: unknown): unknown {
  expect(error).toBeInstanceOf(AgentCallError);
  return (error as AgentCallError).cause;
}

describe("websocketVoiceAgent: faults give typed errors, never a hang", () => {
  it("the agent closes mid-reply: VoiceStreamEndedError, and the recording keeps what arrived", async () => {
    const server = await fakeVoiceAgent({ paceFactor: Number.POSITIVE_INFINITY, chunkMs: 50 });
    server.injectFault({ type: "close", afterChunks: 3, code: 1011 });
    const voiceAgent = websocketVoiceAgent({ url: server.url });
    const outcome = await runScenario([voiceAgent], [HELLO(), agent(), succeed()]);
    expect(causeOf(outcome.error)).toBeInstanceOf(VoiceStreamEndedError);
    expect(outcome.finished?.status).toBe("ERROR");
    expect(outcome.finished?.results.error).toContain("code 1011");
    const segment = voiceAgent
      .collectArtifacts()
      .voice.segments.find((candidate) => candidate.speaker === "agent");
    expect(segment?.audio.byteLength).toBe(150 * 48);
  });

  it("the agent reports an error: VoiceServerError with its code and message", async () => {
    const server = await fakeVoiceAgent({ paceFactor: Number.POSITIVE_INFINITY });
    server.injectFault({ type: "error", code: "agent_error", message: "The speech synthesiser is down." });
    const outcome = await runScenario(
      [websocketVoiceAgent({ url: server.url })],
      [HELLO(), agent(), succeed()],
    );
    expect(causeOf(outcome.error)).toBeInstanceOf(VoiceServerError);
    expect(outcome.finished?.results.error).toContain("agent_error: The speech synthesiser is down.");
  });

  it("the agent sends a malformed frame mid-reply: VoiceServerError naming it", async () => {
    const server = await fakeVoiceAgent({ paceFactor: Number.POSITIVE_INFINITY });
    server.injectFault({ type: "malformed", afterChunks: 2 });
    const outcome = await runScenario(
      [websocketVoiceAgent({ url: server.url })],
      [HELLO(), agent(), succeed()],
    );
    expect(causeOf(outcome.error)).toBeInstanceOf(VoiceServerError);
    expect(outcome.finished?.results.error).toContain("not a protocol message");
  });

  it("the agent stays silent: VoiceFirstAudioTimeoutError after firstAudioTimeoutMs", async () => {
    const server = await fakeVoiceAgent();
    server.injectFault({ type: "silence" });
    const outcome = await runScenario(
      [websocketVoiceAgent({ url: server.url, firstAudioTimeoutMs: 300 })],
      [HELLO(), agent(), succeed()],
    );
    expect(causeOf(outcome.error)).toBeInstanceOf(VoiceFirstAudioTimeoutError);
    // The configured deadline is the one that fired.
    expect(String((causeOf(outcome.error) as Error).message)).toContain("within 300 ms");
  });

  it("a reply that starts but never speaks also times out, and is interrupted on the agent", async () => {
    const server = await fakeVoiceAgent();
    server.injectFault({ type: "stall" });
    const outcome = await runScenario(
      [websocketVoiceAgent({ url: server.url, firstAudioTimeoutMs: 300 })],
      [HELLO(), agent(), succeed()],
    );
    expect(causeOf(outcome.error)).toBeInstanceOf(VoiceFirstAudioTimeoutError);
    await server.waitFor(() => server.interrupts.length === 1);
    expect(server.responses[0]?.outcome).toBe("interrupted");
  });

  it("a faulty call does not disturb another one running beside it", async () => {
    const broken = await fakeVoiceAgent({ paceFactor: Number.POSITIVE_INFINITY });
    broken.injectFault({ type: "close", afterChunks: 1, abrupt: true });
    const healthy = await fakeVoiceAgent({ paceFactor: 4, reply: ["Hello there.", "Goodbye now."] });
    const [bad, good] = await Promise.all([
      runScenario([websocketVoiceAgent({ url: broken.url })], [HELLO(), agent(), succeed()]),
      runScenario(
        [websocketVoiceAgent({ url: healthy.url })],
        [HELLO(), agent(), user(voiceMessage("user", syntheticSpeech("Bye"), "Bye")), agent(), succeed()],
      ),
    ]);
    expect(causeOf(bad.error)).toBeInstanceOf(VoiceStreamEndedError);
    expect(good.error).toBeUndefined();
    expect(good.result?.status).toBe("SUCCESS");
    expect(voiceRecordingOf(good.result).segments.map((segment) => segment.speaker)).toEqual([
      "user",
      "agent",
      "user",
      "agent",
    ]);
  });
});

describe("websocketVoiceAgent: handshake failures", () => {
  it("no common protocol version: connect() rejects with VoiceServerError naming the code", async () => {
    const server = await fakeVoiceAgent({ versions: [2] });
    const failure = websocketVoiceAgent({ url: server.url }).connect(CONNECT_CONTEXT);
    await expect(failure).rejects.toBeInstanceOf(VoiceServerError);
    await expect(failure).rejects.toThrow(/unsupported_version/);
  });

  it("a format the agent cannot take: VoiceServerError", async () => {
    const server = await fakeVoiceAgent();
    const voiceAgent = websocketVoiceAgent({
      url: server.url,
      inputFormat: { encoding: "mulaw", sampleRateHz: 16_000, channels: 1 },
    });
    await expect(voiceAgent.connect(CONNECT_CONTEXT)).rejects.toThrow(/unsupported_format/);
  });

  it("nothing listening: VoiceServerError with the URL and without the headers", async () => {
    const server = await fakeVoiceAgent();
    const url = server.url;
    await server.close();
    const failure = websocketVoiceAgent({ url, headers: { authorization: "Bearer top-secret" } }).connect(
      CONNECT_CONTEXT,
    );
    const error = (await failure.catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(VoiceServerError);
    expect(error.message).toMatch(/could not connect to ws:\/\/127\.0\.0\.1:\d+\//);
    expect(error.message).not.toContain("top-secret");
  });

  it("an agent that declared no DTMF: the dtmf() step fails with VoiceUnsupportedError", async () => {
    const server = await fakeVoiceAgent({ capabilities: { dtmf: false } });
    const voiceAgent = websocketVoiceAgent({ url: server.url });
    await voiceAgent.connect(CONNECT_CONTEXT);
    try {
      await expect(voiceAgent.sendDtmf("1")).rejects.toBeInstanceOf(VoiceUnsupportedError);
      expect(server.dtmf).toHaveLength(0);
    } finally {
      await voiceAgent.disconnect();
    }
  });
});

describe("websocketVoiceAgent: options and hang-ups", () => {
  it("checks its options when created", () => {
    expect(() => websocketVoiceAgent({ url: "http://127.0.0.1:1/" })).toThrow(ConfigurationError);
    expect(() =>
      websocketVoiceAgent({
        url: "ws://127.0.0.1:1/",
        inputFormat: { encoding: "pcm16", sampleRateHz: 7000, channels: 1 },
      }),
    ).toThrow(/sampleRateHz/);
  });

  it("an agent that hangs up mid-call: VoiceStreamEndedError with its reason", async () => {
    const server = await servedAgent((session) => {
      session.on("inputEnd", () => session.end("the caller was rude"));
    });
    const outcome = await runScenario(
      [websocketVoiceAgent({ url: server.url })],
      [HELLO(), agent(), succeed()],
    );
    expect(causeOf(outcome.error)).toBeInstanceOf(VoiceStreamEndedError);
    expect(outcome.finished?.results.error).toContain("the agent ended the session: the caller was rude");
  });
});
