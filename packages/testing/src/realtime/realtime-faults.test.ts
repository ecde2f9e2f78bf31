import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeRealtimeServer,
  type FakeRealtimeServerOptions,
  startFakeRealtimeServer,
} from "./fake-realtime-server";
import { connectRawClient, delay, type RawRealtimeClient } from "./realtime-test-client";

const servers: FakeRealtimeServer[] = [];
const clients: RawRealtimeClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(
  options: FakeRealtimeServerOptions = {},
): Promise<{ server: FakeRealtimeServer; client: RawRealtimeClient }> {
  const server = await startFakeRealtimeServer({
    turnDetection: null,
    paceFactor: Number.POSITIVE_INFINITY,
    ...options,
  });
  servers.push(server);
  const client = await connectRawClient(server.url);
  clients.push(client);
  await client.next("session.created");
  return { server, client };
}

const responseFrames = (client: RawRealtimeClient) =>
  client.events.filter((received) => received.event.type.startsWith("response."));

describe("startFakeRealtimeServer: faults", () => {
  it("closes the socket after N deltas", async () => {
    const { server, client } = await start({ reply: "A reply long enough for several chunks of audio." });
    server.injectFault({ type: "close", afterDeltas: 2, code: 1011 });
    client.send({ type: "response.create" });
    const closed = await client.closed;
    expect(closed.code).toBe(1011);
    expect(client.ofType("response.output_audio.delta")).toHaveLength(2);
    expect(client.ofType("response.done")).toHaveLength(0);
    expect(server.responses[0]).toMatchObject({ outcome: "connection-closed", deltaCount: 2 });
    expect(server.responses[0]!.fault).toEqual({ type: "close", afterDeltas: 2, code: 1011 });
    await server.waitFor(() => server.connections[0]!.closedAtMs !== undefined);
  });

  it("drops the connection without a close frame when abrupt", async () => {
    const { client } = await start({
      reply: () => ({ transcript: "Bye.", fault: { type: "close", afterDeltas: 1, abrupt: true } }),
    });
    client.send({ type: "response.create" });
    expect((await client.closed).code).toBe(1006);
    expect(client.ofType("response.output_audio.delta")).toHaveLength(1);
  });

  it("sends an error instead of the reply, then serves the next one normally", async () => {
    const { server, client } = await start({ reply: "Fine now." });
    server.injectFault({
      type: "error",
      code: "rate_limit_exceeded",
      errorType: "rate_limit_error",
      message: "Slow down.",
    });
    client.send({ type: "response.create" });
    const error = await client.next("error");
    expect(error.event.error).toMatchObject({
      type: "rate_limit_error",
      code: "rate_limit_exceeded",
      message: "Slow down.",
    });
    await delay(100);
    expect(responseFrames(client)).toEqual([]);
    expect(server.responses[0]!.outcome).toBe("error");

    client.send({ type: "response.create" });
    const done = await client.next("response.done");
    expect(done.event.response).toMatchObject({ status: "completed" });
    expect(server.responses[1]!.fault).toBeUndefined();
  });

  it("fails a reply with an error after N deltas", async () => {
    const { server, client } = await start({
      reply: () => ({
        transcript: "This one breaks halfway through.",
        fault: { type: "error", afterDeltas: 3 },
      }),
    });
    client.send({ type: "response.create" });
    const done = await client.next("response.done");
    expect(done.event.response).toMatchObject({ status: "failed", status_details: { type: "failed" } });
    expect(client.ofType("error")[0]!.event.error).toMatchObject({
      type: "server_error",
      code: "server_error",
    });
    expect(client.ofType("response.output_audio.delta")).toHaveLength(3);
    expect(client.ofType("response.output_audio.done")).toHaveLength(0);
    expect(server.responses[0]).toMatchObject({ outcome: "failed", deltaCount: 3 });
  });

  it("stalls after response.created until cancelled", async () => {
    const { server, client } = await start();
    server.injectFault({ type: "stall" });
    client.send({ type: "response.create" });
    await client.next("response.created");
    await delay(300);
    expect(responseFrames(client).map((received) => received.event.type)).toEqual(["response.created"]);
    expect(server.responses[0]!.outcome).toBe("stalled");

    client.send({ type: "response.create" });
    expect((await client.next("error")).event.error).toMatchObject({
      code: "conversation_already_has_active_response",
    });
    client.send({ type: "response.cancel" });
    const done = await client.next("response.done");
    expect(done.event.response).toMatchObject({ status: "cancelled", output: [] });
    expect(server.responses[0]!.outcome).toBe("cancelled");
  });

  it("reports a throwing reply policy as a failed response", async () => {
    const { client } = await start({
      reply: () => {
        throw new Error("policy exploded");
      },
    });
    client.send({ type: "response.create" });
    const done = await client.next("response.done");
    expect(done.event.response).toMatchObject({ status: "failed" });
    expect(String((client.ofType("error")[0]!.event.error as { message: string }).message)).toContain(
      "policy exploded",
    );
    // The client still sees a whole response: response.created before response.done.
    const types = client.events.map((received) => received.event.type);
    expect(types.indexOf("response.created")).toBeGreaterThan(-1);
    expect(types.indexOf("response.created")).toBeLessThan(types.indexOf("response.done"));
  });
});

describe("startFakeRealtimeServer: close()", () => {
  it("terminates every client mid-reply and stops listening, promptly", async () => {
    const before = process.getActiveResourcesInfo().filter((name) => name === "Timeout").length;
    const server = await startFakeRealtimeServer({
      paceFactor: 1,
      turnDetection: null,
      reply: "A slow reply ".repeat(10),
    });
    const first = await connectRawClient(server.url);
    const second = await connectRawClient(server.url);
    first.send({ type: "response.create" });
    await first.next("response.output_audio.delta");

    const startedAt = performance.now();
    await server.close();
    expect(performance.now() - startedAt).toBeLessThan(1000);
    const [firstClosed, secondClosed] = await Promise.all([first.closed, second.closed]);
    expect(firstClosed.code).toBe(1006);
    expect(secondClosed.code).toBe(1006);
    await server.close();
    expect(server.responses[0]!.outcome).toBe("connection-closed");

    const deltas = first.ofType("response.output_audio.delta").length;
    await delay(250);
    expect(first.ofType("response.output_audio.delta")).toHaveLength(deltas);
    await expect(connectRawClient(server.url)).rejects.toThrow(/ECONNREFUSED/);
    const after = process.getActiveResourcesInfo().filter((name) => name === "Timeout").length;
    expect(after).toBeLessThanOrEqual(before);
  });
});
