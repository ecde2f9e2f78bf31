const SECRET_VARIABLE = /(API_KEY|_TOKEN|_SECRET)$/;
const KEY_LIKE = /\b(sk|rk|pk)-[A-Za-z0-9_-]{12,}/g;

/**
 * Removes API keys from text that may reach a user (an error message): the values of environment
 * variables that hold keys, and anything shaped like an OpenAI-style key.
 */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let redacted = text;
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= 8 && SECRET_VARIABLE.test(name)) {
      redacted = redacted.split(value).join("[redacted]");
    }
  }
  return redacted.replace(KEY_LIKE, "[redacted]");
}
