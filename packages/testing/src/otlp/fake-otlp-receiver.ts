import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { gunzipSync } from "node:zlib";
import { ConfigurationError } from "@scenario/spec";
import { redactHeaders } from "../shared/redact-headers";

/** An attribute value as the receiver decodes it from OTLP/JSON. */
export type OtlpAttributeValue = string | number | boolean | OtlpAttributeValue[] | null;

/** One span the receiver got, decoded from OTLP/JSON. */
export interface ReceivedSpan {
  /** The trace id (32 hex digits). */
  traceId: string;
  /** The span id (16 hex digits). */
  spanId: string;
  /** The parent's span id; undefined for a root span. */
  parentSpanId: string | undefined;
  /** The span's name. */
  name: string;
  /** Its attributes, decoded to plain values (64-bit integers as numbers). */
  attributes: Record<string, OtlpAttributeValue>;
  /** The status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  /** The status message, when one was sent. */
  statusMessage: string | undefined;
  /** The instrumentation scope's name (the tracer's name). */
  scopeName: string | undefined;
  /** The resource's attributes (`service.name`…). */
  resource: Record<string, OtlpAttributeValue>;
}

/** One export request, with credential headers redacted. */
export interface ReceivedOtlpRequest {
  /** The request path, e.g. `/v1/traces`. */
  path: string;
  /** Its headers, credentials replaced by `[redacted]`. */
  headers: Record<string, string>;
  /** How many spans it carried. */
  spanCount: number;
}

/** Options of `startFakeOtlpReceiver()`. */
export interface FakeOtlpReceiverOptions {
  /** The port to listen on. @default 0 (a free port) */
  port?: number;
}

/** A running fake OTLP/HTTP receiver. */
export interface FakeOtlpReceiver {
  /** The receiver's origin (`http://127.0.0.1:PORT`): pass it as the OTLP endpoint. */
  readonly url: string;
  /** `url` + `/v1/traces`, the traces path. */
  readonly tracesUrl: string;
  /** Every span received, in arrival order (live). */
  readonly spans: readonly ReceivedSpan[];
  /** Every export request received (live). */
  readonly requests: readonly ReceivedOtlpRequest[];
  /**
   * Resolves once at least `count` spans arrived; rejects after `timeoutMs` naming how many did.
   * @param timeoutMs @default 5000
   */
  waitForSpans(count: number, timeoutMs?: number): Promise<readonly ReceivedSpan[]>;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Starts a fake OpenTelemetry collector on 127.0.0.1 that accepts OTLP/HTTP trace exports in the
 * JSON encoding (`POST /v1/traces`, `application/json`, gzip or not), as
 * `@opentelemetry/exporter-trace-otlp-http` sends them, and keeps the decoded spans. A protobuf
 * export is refused with 415 and a message saying to use the JSON exporter.
 */
export async function startFakeOtlpReceiver(
  options: FakeOtlpReceiverOptions = {},
): Promise<FakeOtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: ReceivedOtlpRequest[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();

  const server = createServer((request, response) => {
    void receive(request, response).catch((error: unknown) => {
      respond(response, 400, { error: error instanceof Error ? error.message : String(error) });
    });
  });

  async function receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    if (request.method !== "POST" || path !== "/v1/traces") {
      respond(response, 404, {
        error: `The fake OTLP receiver takes POST /v1/traces, not ${request.method} ${path}.`,
      });
      return;
    }
    const contentType = String(request.headers["content-type"] ?? "");
    if (!contentType.includes("json")) {
      respond(response, 415, {
        error: `The fake OTLP receiver reads OTLP/JSON only, got ${contentType || "no content type"}. Use @opentelemetry/exporter-trace-otlp-http (JSON).`,
      });
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body = Buffer.concat(chunks);
    if (request.headers["content-encoding"] === "gzip") body = gunzipSync(body);
    const received = decodeExport(JSON.parse(body.toString("utf8")) as OtlpJsonExport | null);
    spans.push(...received);
    requests.push({
      path,
      headers: redactHeaders(request.headers, { marker: "[redacted]" }),
      spanCount: received.length,
    });
    for (const wake of [...waiters]) wake();
    respond(response, 200, { partialSuccess: {} });
  }

  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.unref();
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  server.unref();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    tracesUrl: `${url}/v1/traces`,
    spans,
    requests,
    waitForSpans(count, timeoutMs = 5000) {
      if (!Number.isInteger(count) || count < 1) {
        throw new ConfigurationError(
          `waitForSpans(${String(count)}): count must be a whole number of 1 or more.`,
        );
      }
      return new Promise((resolve, reject) => {
        const check = () => {
          if (spans.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(spans);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `The fake OTLP receiver got ${spans.length} span(s) within ${timeoutMs} ms, not ${count}.`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      return new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

function respond(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

interface OtlpJsonKeyValue {
  key: string;
  value?: OtlpJsonAnyValue;
}
interface OtlpJsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: OtlpJsonAnyValue[] };
}

function decodeValue(value: OtlpJsonAnyValue | undefined): OtlpAttributeValue {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(decodeValue);
  return null;
}

function decodeAttributes(attributes: OtlpJsonKeyValue[] | undefined): Record<string, OtlpAttributeValue> {
  const decoded: Record<string, OtlpAttributeValue> = {};
  for (const attribute of attributes ?? []) decoded[attribute.key] = decodeValue(attribute.value);
  return decoded;
}

/** The parts of an OTLP/JSON ExportTraceServiceRequest the receiver reads. */
interface OtlpJsonExport {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpJsonKeyValue[] };
    scopeSpans?: Array<{
      scope?: { name?: string };
      spans?: Array<{
        traceId?: string;
        spanId?: string;
        parentSpanId?: string;
        name?: string;
        attributes?: OtlpJsonKeyValue[];
        status?: { code?: number; message?: string };
      }>;
    }>;
  }>;
}

/** Decodes an ExportTraceServiceRequest in the OTLP/JSON encoding (ids as hex strings). */
function decodeExport(payload: OtlpJsonExport | null): ReceivedSpan[] {
  const decoded: ReceivedSpan[] = [];
  for (const resourceSpan of payload?.resourceSpans ?? []) {
    const resource = decodeAttributes(resourceSpan.resource?.attributes);
    for (const scopeSpan of resourceSpan.scopeSpans ?? []) {
      for (const span of scopeSpan.spans ?? []) {
        decoded.push({
          traceId: String(span.traceId),
          spanId: String(span.spanId),
          parentSpanId: span.parentSpanId ? span.parentSpanId : undefined,
          name: String(span.name),
          attributes: decodeAttributes(span.attributes),
          statusCode: Number(span.status?.code ?? 0),
          statusMessage: span.status?.message || undefined,
          scopeName: scopeSpan.scope?.name,
          resource,
        });
      }
    }
  }
  return decoded;
}
