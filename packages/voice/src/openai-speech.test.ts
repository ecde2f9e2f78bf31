import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createOpenAI } from "@ai-sdk/openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAISpeech, openAITranscription, pcmDurationMs, pcmToSamples, wavInfo } from "./index";
import { sineTone } from "./test-signals";

// The OpenAI providers' plumbing against a real local HTTP server speaking OpenAI's audio API.

interface RecordedRequest {
  path: string;
  contentType: string;
  authorization: string;
  body: Buffer;
}

const requests: RecordedRequest[] = [];
const speechPcm = sineTone(440, 500);
let server: Server;
let baseURL: string;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = await readBody(request);
    requests.push({
      path: request.url ?? "",
      contentType: request.headers["content-type"] ?? "",
      authorization: request.headers.authorization ?? "",
      body,
    });
    if (request.url === "/v1/audio/speech") {
      response.writeHead(200, { "content-type": "audio/pcm" });
      response.end(Buffer.from(speechPcm));
    } else if (request.url === "/v1/audio/transcriptions") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ text: " I would like to check my balance. " }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("openAISpeech", () => {
  it("asks for raw PCM with voice and style as instructions, and returns 24 kHz PCM16", async () => {
    const openai = createOpenAI({ baseURL, apiKey: "sk-test-key" });
    const speech = openAISpeech({ model: openai.speech("gpt-4o-mini-tts"), voice: "coral" });
    expect(speech.id).toBe("openai:gpt-4o-mini-tts");
    const audio = await speech.synthesize("Check my balance", { style: "hurried" });
    expect(audio.transcript).toBe("Check my balance");
    expect(pcmDurationMs(audio.data)).toBe(500);
    expect(Array.from(pcmToSamples(audio.data).subarray(0, 20))).toEqual(
      Array.from(pcmToSamples(speechPcm).subarray(0, 20)),
    );

    const request = requests.find((recorded) => recorded.path === "/v1/audio/speech");
    expect(request?.authorization).toBe("Bearer sk-test-key");
    expect(JSON.parse(request?.body.toString("utf8") ?? "{}")).toMatchObject({
      model: "gpt-4o-mini-tts",
      input: "Check my balance",
      voice: "coral",
      response_format: "pcm",
      instructions: "hurried",
    });
  });

  it("explains a missing model", () => {
    expect(() => openAISpeech({} as never)).toThrow(/openAISpeech\(\) needs `model`/);
  });
});

describe("openAITranscription", () => {
  it("uploads the audio as a 24 kHz WAV and returns the trimmed text", async () => {
    const openai = createOpenAI({ baseURL, apiKey: "sk-test-key" });
    const stt = openAITranscription({ model: openai.transcription("gpt-4o-mini-transcribe") });
    const text = await stt.transcribe({ data: sineTone(300, 250) }, { phrases: ["check my balance"] });
    expect(text).toBe("I would like to check my balance.");

    const request = requests.find((recorded) => recorded.path === "/v1/audio/transcriptions");
    expect(request?.contentType).toMatch(/^multipart\/form-data/);
    const form = await new Response(new Uint8Array(request?.body ?? Buffer.alloc(0)), {
      headers: { "content-type": request?.contentType ?? "" },
    }).formData();
    expect(form.get("model")).toBe("gpt-4o-mini-transcribe");
    expect(form.get("prompt")).toContain("check my balance");
    const file = form.get("file") as File;
    expect(wavInfo(new Uint8Array(await file.arrayBuffer()))).toEqual({
      sampleRate: 24_000,
      channels: 1,
      durationMs: 250,
    });
  });
});
