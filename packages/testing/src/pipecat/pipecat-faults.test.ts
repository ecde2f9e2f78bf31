import { afterEach, describe, expect, it } from "vitest";
import { delay } from "../realtime/realtime-test-client";
import {
  type FakePipecatServer,
  type FakePipecatServerOptions,
  startFakePipecatServer,
} from "./fake-pipecat-server";
import { connectRawPipecatClient, noiseAudio, type RawPipecatClient } from "./pipecat-test-client";

const servers: FakePipecatServer[] = [];
const clients: RawPipecatClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const LONG_REPLY = { transcript: "A reply of twenty frames.", audio: noiseAudio(800, 1) };

async function askWith(options: FakePipecatServerOptions = {}) {
  const server = await startFakePipecatServer({
    paceFactor: Number.POSITIVE_INFINITY,
    reply: LONG_REPLY,
    ...options,
  });
  servers.push(server);
  const client = await connectRawPipecatClient(server.url);
  clients.push(client);
  client.sendRtvi("send-text", { content: "hello" });
  return { server, client };
}

describe("startFakePipecatServer faults", () => {
  it("close: closes the socket (code 1011) after the given number of audio frames", async () => {
    const { server, client } = await askWith();
    await client.nextRtvi("bot-stopped-speaking");
    server.injectFault({ type: "close", afterFrames: 3 });
    client.sendRtvi("send-text", { content: "again" });
    const { code } = await client.closed;
    expect(code).toBe(1011);
    expect(client.audioFrames()).toHaveLength(20 + 3);
    expect(server.replies[1]).toMatchObject({ frameCount: 3, outcome: "connection-closed" });
  });

  it("close, abrupt: drops the TCP connection without a close frame", async () => {
    const { server, client } = await askWith({
      reply: [{ ...LONG_REPLY, fault: { type: "close", abrupt: true } }],
    });
    const { code } = await client.closed;
    expect(code).toBe(1006);
    expect(server.replies[0]?.frameCount).toBe(0);
  });

  it("malformed: sends bytes that are not a pipecat.Frame, logs them, and goes on", async () => {
    const { server, client } = await askWith({
      reply: [{ ...LONG_REPLY, fault: { type: "malformed", afterFrames: 2 } }],
    });
    await client.nextRtvi("bot-stopped-speaking");
    const kinds = client.frames.map((received) => received.frame?.kind ?? "(invalid)");
    const invalidAt = kinds.indexOf("(invalid)");
    expect(kinds.slice(0, invalidAt).filter((kind) => kind === "audio")).toHaveLength(2);
    expect(client.audioFrames()).toHaveLength(20);
    expect(server.sent.filter((record) => record.kind === "(invalid)")).toHaveLength(1);
  });

  it("error: sends a fatal RTVI error and no more audio", async () => {
    const { server, client } = await askWith({
      reply: [{ ...LONG_REPLY, fault: { type: "error", afterFrames: 1, message: "LLM quota exceeded" } }],
    });
    const error = await client.nextRtvi("error");
    expect(error.rtvi?.data).toEqual({ error: "LLM quota exceeded", fatal: true });
    await server.waitFor(() => server.replies[0]?.outcome === "failed");
    await delay(50);
    expect(client.audioFrames()).toHaveLength(1);
  });

  it("error, not fatal: reports it and finishes the reply", async () => {
    const { client } = await askWith({ reply: [{ ...LONG_REPLY, fault: { type: "error", fatal: false } }] });
    await client.nextRtvi("bot-stopped-speaking");
    expect(client.rtviTypes()).toContain("error");
    expect(client.audioFrames()).toHaveLength(20);
  });

  it("silence: hears the user and never answers; the next turn is answered", async () => {
    const { server, client } = await askWith();
    await client.nextRtvi("bot-stopped-speaking");
    server.injectFault({ type: "silence" });
    client.sendRtvi("send-text", { content: "anyone?" });
    await server.waitFor(() => server.replies[1]?.outcome === "silent");
    await delay(50);
    expect(client.audioFrames()).toHaveLength(20);
    client.sendRtvi("send-text", { content: "hello?" });
    await client.nextRtvi("bot-stopped-speaking", { count: 2 });
    expect(server.replies.map((reply) => reply.outcome)).toEqual(["completed", "silent", "completed"]);
  });

  it("a failing reply policy is reported as a non-fatal RTVI error", async () => {
    const { server, client } = await askWith({
      reply: () => {
        throw new Error("no idea");
      },
    });
    const error = await client.nextRtvi("error");
    expect((error.rtvi!.data as { error: string }).error).toMatch(/reply policy failed: no idea/);
    expect(server.replies[0]?.outcome).toBe("failed");
  });

  it("rejects bad options", async () => {
    await expect(startFakePipecatServer({ reply: [] })).rejects.toThrow(/empty list/);
    await expect(startFakePipecatServer({ paceFactor: 0 })).rejects.toThrow(/paceFactor/);
    await expect(startFakePipecatServer({ thinkTimeMs: -1 })).rejects.toThrow(/thinkTimeMs/);
    await expect(startFakePipecatServer({ chunkMs: 0 })).rejects.toThrow(/chunkMs/);
    await expect(startFakePipecatServer({ speech: "espeak" as "flite" })).rejects.toThrow(/Unknown `speech`/);
  });
});
