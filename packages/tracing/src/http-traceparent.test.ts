import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace";
import { httpAgent } from "@scenario/adapter-http";
import { run } from "@scenario/core";
import { agent, succeed, user } from "@scenario/script";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ScenarioTracingHandle, setupScenarioTracing } from "./setup-scenario-tracing";

let server: Server;
let url: string;
const received: IncomingHttpHeaders[] = [];
let tracing: ScenarioTracingHandle | undefined;

beforeAll(async () => {
  // A real agent behind HTTP: it answers every POST and keeps the headers it got.
  server = createServer((request, response) => {
    received.push(request.headers);
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ text: "Hello from HTTP" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
  received.length = 0;
});

const scenario = () =>
  run({
    name: "http traceparent",
    description: "The user greets an agent behind HTTP.",
    agents: [httpAgent({ url, retries: 0 })],
    script: [user("hi"), agent(), succeed()],
  });

describe("httpAgent() and tracing", () => {
  it("sends a W3C traceparent naming the agent call's span, so the agent continues the run's trace", async () => {
    const exporter = new InMemorySpanExporter();
    tracing = setupScenarioTracing({ exporter });
    const result = await scenario();
    await tracing.forceFlush();

    expect(result.status).toBe("SUCCESS");
    expect(received).toHaveLength(1);
    const traceparent = String(received[0]!.traceparent);
    const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(traceparent);
    expect(match, `traceparent ${traceparent}`).not.toBeNull();
    const agentCall = exporter.getFinishedSpans().find((span) => span.name === "scenario.agent-call Agent")!;
    expect(match![1]).toBe(agentCall.spanContext().traceId);
    expect(match![2]).toBe(agentCall.spanContext().spanId);
  });

  it("sends no traceparent when tracing is not set up", async () => {
    await scenario();
    expect(received).toHaveLength(1);
    expect(received[0]!.traceparent).toBeUndefined();
  });
});
