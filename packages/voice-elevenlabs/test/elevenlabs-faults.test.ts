import type { AddressInfo } from "node:net";
import { agent, succeed, user } from "@scenario/script";
import {
  AgentCallError,
  ConfigurationError,
  VoiceFirstAudioTimeoutError,
  VoiceServerError,
  VoiceStreamEndedError,
} from "@scenario/spec";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { elevenLabsAgent } from "../src";
import { fakeElevenLabs, noisePcm16, runScenario, syntheticTts } from "./elevenlabs-test-helpers";

const ASK = [user("Hello there"), agent(), succeed()];
const API_KEY = "xi-test-secret-4242";

const silentServers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of silentServers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

function causeOf(error: unknown): unknown {
  expect(error).toBeInstanceOf(AgentCallError);
  return (error as AgentCallError).cause;
}

describe("elevenLabsAgent: faults give typed errors", () => {
  it("VoiceStreamEndedError when the agent closes mid-reply", async () => {
    const server = await fakeElevenLabs({ reply: { transcript: "cut", audio: noisePcm16(1000, 4) } });
    server.injectFault({ type: "close", afterChunks: 3 });
    const { error } = await runScenario(
      [elevenLabsAgent({ agentId: "agent_test", url: server.url, speech: syntheticTts })],
      ASK,
    );
    expect(causeOf(error)).toBeInstanceOf(VoiceStreamEndedError);
    expect(String((error as Error).message)).toMatch(/code 1011/);
  });

  it("VoiceStreamEndedError when the connection drops without a close frame", async () => {
    const server = await fakeElevenLabs({ reply: { transcript: "cut", audio: noisePcm16(1000, 14) } });
    server.injectFault({ type: "close", afterChunks: 3, abrupt: true });
    const { error } = await runScenario(
      [elevenLabsAgent({ agentId: "agent_test", url: server.url, speech: syntheticTts })],
      ASK,
    );
    expect(causeOf(error)).toBeInstanceOf(VoiceStreamEndedError);
    expect(String((error as Error).message)).toMatch(/code 1006/);
  });

  it("VoiceServerError when the agent sends a malformed frame", async () => {
    const server = await fakeElevenLabs({ reply: { transcript: "broken", audio: noisePcm16(1000, 5) } });
    server.injectFault({ type: "malformed", afterChunks: 2 });
    const { error } = await runScenario(
      [elevenLabsAgent({ agentId: "agent_test", url: server.url, speech: syntheticTts })],
      ASK,
    );
    expect(causeOf(error)).toBeInstanceOf(VoiceServerError);
    expect(String((error as Error).message)).toContain("a frame that is not JSON");
  });

  it("VoiceFirstAudioTimeoutError when the agent never answers", async () => {
    const server = await fakeElevenLabs();
    server.injectFault({ type: "silence" });
    const { error } = await runScenario(
      [
        elevenLabsAgent({
          agentId: "agent_test",
          url: server.url,
          speech: syntheticTts,
          firstAudioTimeoutMs: 1500,
        }),
      ],
      ASK,
    );
    expect(causeOf(error)).toBeInstanceOf(VoiceFirstAudioTimeoutError);
  });

  it("a refused API key fails with what to check, and the key appears nowhere", async () => {
    const server = await fakeElevenLabs({ apiKey: "the-right-key" });
    const { error, events } = await runScenario(
      [elevenLabsAgent({ agentId: "agent_test", apiKey: API_KEY, url: server.url, speech: syntheticTts })],
      ASK,
    );
    expect(error).toBeDefined();
    const everything = `${String(error)} ${String((error as Error).stack)} ${JSON.stringify(events)}`;
    expect(everything).toMatch(/code 1008: Authentication failed/);
    expect(everything).toContain("ELEVENLABS_API_KEY");
    expect(everything).not.toContain(API_KEY);
    expect(server.connections[0]!.headers["xi-api-key"]).toBe("[redacted]");
  });

  it("VoiceServerError when the conversation never starts (no metadata)", async () => {
    const silent = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    silentServers.push(silent);
    await new Promise<void>((resolve) => silent.once("listening", () => resolve()));
    const url = `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/v1/convai/conversation`;
    const { error, events } = await runScenario(
      [elevenLabsAgent({ agentId: "agent_test", url, speech: syntheticTts, connectTimeoutMs: 300 })],
      ASK,
    );
    expect(error).toBeDefined();
    expect(JSON.stringify(events)).toMatch(
      /no conversation_initiation_metadata from ws:\/\/127\.0\.0\.1:\d+\/v1\/convai\/conversation within 300 ms/,
    );
  });

  it("VoiceServerError when nothing listens at the URL", async () => {
    const server = await fakeElevenLabs();
    const { error, events } = await runScenario(
      [
        elevenLabsAgent({
          agentId: "agent_test",
          url: server.url.replace(/:\d+\//, ":1/"),
          speech: syntheticTts,
        }),
      ],
      ASK,
    );
    expect(error).toBeDefined();
    expect(JSON.stringify(events)).toMatch(
      /ElevenLabsAgent could not connect to ws:\/\/127\.0\.0\.1:1\/v1\/convai\/conversation/,
    );
  });

  it("rejects options that cannot make a conversation", () => {
    expect(() => elevenLabsAgent({})).toThrow(ConfigurationError);
    expect(() => elevenLabsAgent({})).toThrow(/needs `agentId`.*or `signedUrl`/);
    expect(() => elevenLabsAgent({ agentId: "a", signedUrl: "wss://x" })).toThrow(/not both/);
    expect(() => elevenLabsAgent({ signedUrl: "https://api.elevenlabs.io" })).toThrow(/signedUrl/);
    expect(() => elevenLabsAgent({ agentId: "a", url: "http://localhost" })).toThrow(/ws:\/\/ or wss:\/\//);
    expect(() => elevenLabsAgent({ agentId: "a", clientTools: { lookup: "nope" as never } })).toThrow(
      /clientTools\.lookup must be a function/,
    );
  });
});
