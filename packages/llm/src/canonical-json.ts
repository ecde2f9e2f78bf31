/** The tag `encodeRecorded` marks bytes, dates and URLs with in recordings and keys. */
export const TYPE_TAG = "__scenarioType";

/**
 * Canonical JSON of a call's identity: keys sorted, bytes as tagged base64, dates and URLs
 * tagged, abort signals, functions, symbols and undefined left out (null in arrays). The text is
 * character for character what `JSON.stringify` with a sorting replacer gives, the text recordings
 * have always been keyed by; it is written out here because a replacer costs a call into
 * JavaScript for every value of a prompt, and keying is on every replayed call's path.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, "") ?? "";
}

// undefined: nothing to write (an object leaves the property out, an array writes null).
function serialize(input: unknown, key: string): string | undefined {
  let value = input;
  if (value !== null && typeof value === "object") {
    if (value instanceof Uint8Array) return taggedBytes(value);
    if (value instanceof ArrayBuffer) return taggedBytes(new Uint8Array(value));
    if (value instanceof Date) {
      // An invalid date's toJSON gives null, as JSON.stringify writes it.
      return Number.isNaN(value.getTime()) ? "null" : tagged("date", "iso", value.toISOString());
    }
    if (value instanceof URL) return tagged("url", "href", value.href);
    if (typeof AbortSignal !== "undefined" && value instanceof AbortSignal) return undefined;
  }
  if (value !== null && (typeof value === "object" || typeof value === "bigint")) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") value = toJSON.call(value, key);
  }
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    case "bigint":
      // JSON.stringify's own error, so a key fails as it did.
      return JSON.stringify(value);
  }
  if (value === null) return "null";
  if (Array.isArray(value)) {
    let text = "[";
    for (let index = 0; index < value.length; index++) {
      if (index > 0) text += ",";
      text += serialize(value[index], String(index)) ?? "null";
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (!isSorted(keys)) keys.sort();
  let text = "{";
  let first = true;
  for (const name of keys) {
    const item = serialize(record[name], name);
    if (item === undefined) continue;
    text += `${first ? "" : ","}${JSON.stringify(name)}:${item}`;
    first = false;
  }
  return `${text}}`;
}

function isSorted(keys: string[]): boolean {
  for (let index = 1; index < keys.length; index++) if (keys[index - 1]! > keys[index]!) return false;
  return true;
}

function taggedBytes(bytes: Uint8Array): string {
  return tagged(
    "bytes",
    "base64",
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64"),
  );
}

// The tag sorts before "base64", "href" and "iso", so this is the sorted form.
function tagged(type: string, field: string, text: string): string {
  return `{"${TYPE_TAG}":"${type}","${field}":${JSON.stringify(text)}}`;
}
