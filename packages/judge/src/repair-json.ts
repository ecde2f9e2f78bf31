/**
 * Reads JSON that a model wrote with the usual slips: markdown code fences, text before or after
 * the object, or the whole object wrapped in a JSON string. Returns `undefined` when nothing
 * readable is found.
 */
export function repairJson(text: string): unknown {
  const direct = tryParse(text);
  if (direct.ok) return unwrapStrings(direct.value);
  const unfenced = text.replace(/```(?:json)?/gi, "");
  const extracted = firstBalancedJson(unfenced);
  if (extracted === undefined) return undefined;
  const parsed = tryParse(extracted);
  return parsed.ok ? unwrapStrings(parsed.value) : undefined;
}

// `"{\"a\":1}"` is an object the model stringified once more; up to two levels are unwrapped.
function unwrapStrings(value: unknown): unknown {
  let current = value;
  for (let depth = 0; depth < 2 && typeof current === "string"; depth++) {
    const trimmed = current.trim();
    if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) break;
    const parsed = tryParse(trimmed);
    if (!parsed.ok) {
      const extracted = firstBalancedJson(trimmed);
      const retried = extracted === undefined ? undefined : tryParse(extracted);
      if (!retried?.ok) break;
      current = retried.value;
    } else {
      current = parsed.value;
    }
  }
  return current;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The first `{…}` or `[…]` whose brackets balance, strings and escapes respected. */
function firstBalancedJson(text: string): string | undefined {
  const start = text.search(/[{[]/);
  if (start === -1) return undefined;
  const stack: string[] = [];
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === "\\") index++;
      else if (character === '"') inString = false;
      continue;
    }
    if (character === '"') inString = true;
    else if (character === "{" || character === "[") stack.push(character === "{" ? "}" : "]");
    else if (character === "}" || character === "]") {
      if (stack.pop() !== character) return undefined;
      if (stack.length === 0) return text.slice(start, index + 1);
    }
  }
  return undefined;
}
