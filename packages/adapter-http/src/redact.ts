/** Replaces every secret in a text with `[REDACTED]`. */
export type Redact = (text: string) => string;

/**
 * A `Redact` for these secrets. Values shorter than 4 characters are left alone: replacing them
 * would garble ordinary words without protecting anything.
 */
export function redactor(secrets: readonly string[]): Redact {
  const wanted = [...new Set(secrets.filter((secret) => secret.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
  if (wanted.length === 0) return (text) => text;
  return (text) => wanted.reduce((result, secret) => result.split(secret).join("[REDACTED]"), text);
}
