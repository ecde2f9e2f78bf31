/** A short, readable description of any value, for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "function") return `a function (${value.name || "anonymous"})`;
  if (typeof value === "string") return `the string ${truncate(JSON.stringify(value))}`;
  if (typeof value !== "object" || value === null) return String(value);
  let serialised: string;
  try {
    serialised = JSON.stringify(value) ?? String(value);
  } catch {
    serialised = Object.prototype.toString.call(value);
  }
  return `${Array.isArray(value) ? "the array" : "the object"} ${truncate(serialised)}`;
}

function truncate(text: string, maxLength = 200): string {
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}
