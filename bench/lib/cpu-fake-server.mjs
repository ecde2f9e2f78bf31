// The fake OpenAI server for the "-j 50" rows, in its own process so its work is not counted as
// ours. Started with IPC: sends `{ baseURL }`, answers "count" with the requests served since the
// last "reset", and closes when the parent disconnects.
import { startFakeOpenAIServer } from "@scenario/testing";
import { fakeServerReply } from "./cpu-replies.mjs";

const server = await startFakeOpenAIServer({
  reply: fakeServerReply,
  latencyMs: Number(process.env.CPU_BENCH_LATENCY_MS ?? 200),
  keepProcessAlive: true,
});
process.on("message", (message) => {
  if (message === "count") process.send({ count: server.requests.length });
  if (message === "reset") {
    server.reset();
    process.send({ reset: true });
  }
});
process.on("disconnect", () => void server.close().then(() => process.exit(0)));
process.send({ baseURL: server.baseURL });
