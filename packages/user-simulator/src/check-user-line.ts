/** A usable user line, or what is wrong with the reply. */
export type UserLineCheck = { ok: true; line: string } | { ok: false; problem: string };

// "User:", "**User:**" and "**User**:" alike.
const SPEAKER_PREFIX = /^\s*\**\s*(?:user|customer|me|human)\s*(?::\s*\**|\**\s*:)\s*/i;
const ASSISTANT_PREFIX = /^\s*\**\s*(?:assistant|agent|ai|bot|chatbot|support)\s*(?::|\**\s*:)/i;
const ASSISTANT_VOICE = [
  /^\s*as an ai\b/i,
  /^\s*as a (?:large )?language model\b/i,
  /^\s*i(?:'m| am) (?:an ai|a virtual assistant|an assistant)\b/i,
  /\bhow (?:can|may|could) i (?:help|assist) you\b/i,
  /\bis there anything else i can (?:help|do for) you\b/i,
];
const REASONING_LEAK = [
  /<\/?\s*(?:thinking|think|reasoning|scratchpad)\s*>/i,
  /^\s*[([]\s*(?:as|playing|i am playing|i'm playing) (?:the )?user\b/i,
  /^\s*as the (?:simulated )?user,? i\b/i,
  /^\s*(?:thought|reasoning|internal note)s?\s*:/i,
];

/**
 * Checks a simulator reply before it becomes the user's line. A speaker prefix ("User:") and
 * quotation marks around the whole line are stripped. A reply that is empty, that slips into the
 * assistant's part ("Assistant: …", "As an AI…", "How can I help you?") or that leaks the
 * simulator's own reasoning ("<thinking>", "(As the user, I…") is rejected with the reason.
 */
export function checkUserLine(reply: string): UserLineCheck {
  let line = reply.trim();
  for (const pattern of REASONING_LEAK) {
    if (pattern.test(line))
      return { ok: false, problem: "it contained your reasoning instead of the user's message" };
  }
  if (ASSISTANT_PREFIX.test(line))
    return { ok: false, problem: "it was written as the assistant, not as the user" };
  line = line.replace(SPEAKER_PREFIX, "").trim();
  const quoted = /^["“]([^"“”]*)["”]$/.exec(line);
  if (quoted) line = (quoted[1] ?? "").trim();
  if (line === "") return { ok: false, problem: "it was empty" };
  for (const pattern of ASSISTANT_VOICE) {
    if (pattern.test(line)) return { ok: false, problem: "it sounded like the assistant, not like the user" };
  }
  return { ok: true, line };
}
