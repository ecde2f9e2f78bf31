// The fake OpenAI Realtime server for voice-concurrency.bench.mjs, in its own process so its work
// never competes with the scenarios' event loop. Started with fork(): it prints its URL (and sends
// it over IPC), and exits on "close" or when its parent goes away.
//   node lib/voice-fake-server.mjs <thinkTimeMs>
import { startFakeRealtimeServer } from "@scenario/testing/realtime";

const thinkTimeMs = Number(process.argv[2] ?? 200);
const server = await startFakeRealtimeServer({
  thinkTimeMs,
  // A short reply spoken at real time, as a real agent would stream it.
  reply: ["Sure, one moment.", "Done, anything else?"],
  speech: "synthetic",
  chunkMs: 100,
});

process.on("message", async (message) => {
  if (message === "close") {
    await server.close();
    process.disconnect?.();
    process.exit(0);
  }
});
process.on("disconnect", () => {
  void server.close().finally(() => process.exit(0));
});

console.log(server.url);
process.send?.({ type: "ready", url: server.url });
