import {
  ConfigurationError,
  type StepRequirement,
  type VoiceCapabilities,
  VoiceUnsupportedError,
} from "@scenario/spec";

/** The prefix of the step requirements voice adapters check: `"voice.dtmf"` needs `capabilities.dtmf`. */
export const VOICE_REQUIREMENT_PREFIX = "voice.";

/** The capabilities a step can require: the yes-or-no ones. */
export type VoiceCapabilityName = {
  [Key in keyof VoiceCapabilities]-?: VoiceCapabilities[Key] extends boolean | undefined ? Key : never;
}[keyof VoiceCapabilities];

/** What each capability means, for error messages ("dtmf() needs DTMF"). */
const CAPABILITY_WORDS: Record<VoiceCapabilityName, string> = {
  serverVad: "server-side voice activity detection",
  realtimeInput: "real-time input",
  toolCalls: "tool call events",
  toolResults: "tool result events",
  dtmf: "DTMF digits",
  textInput: "text input",
  agentTranscripts: "transcripts of the agent's speech",
  userTranscripts: "transcripts of the caller's speech",
  replyEnd: "end-of-reply signals",
};

function isCapabilityName(name: string): name is VoiceCapabilityName {
  return Object.hasOwn(CAPABILITY_WORDS, name);
}

/** Throws `VoiceUnsupportedError` naming the adapter, the capability and `what` needs it. */
export function requireCapability(
  adapterName: string,
  capabilities: VoiceCapabilities,
  capability: VoiceCapabilityName,
  what: string,
): void {
  if (capabilities[capability] === true) return;
  throw new VoiceUnsupportedError(
    `${what} needs ${CAPABILITY_WORDS[capability]}, and ${adapterName} does not support it ` +
      `(capabilities.${capability} is false). Use an adapter that does (see the capability table in ` +
      "the README's Voice agents section), or drop the step.",
  );
}

/**
 * Checks a script's requirements against the capabilities, before the run starts. Requirements
 * outside the `voice.` namespace belong to other contracts and are skipped.
 */
export function assertStepRequirements(
  adapterName: string,
  capabilities: VoiceCapabilities,
  requirements: readonly StepRequirement[],
): void {
  for (const requirement of requirements) {
    if (!requirement.capability.startsWith(VOICE_REQUIREMENT_PREFIX)) continue;
    const name = requirement.capability.slice(VOICE_REQUIREMENT_PREFIX.length);
    if (!isCapabilityName(name)) {
      throw new VoiceUnsupportedError(
        `${requirement.step} needs "${requirement.capability}", which ${adapterName} does not know. ` +
          `Known voice capabilities: ${Object.keys(CAPABILITY_WORDS).join(", ")}.`,
      );
    }
    requireCapability(adapterName, capabilities, name, requirement.step);
  }
}

const DTMF_DIGITS = /^[0-9*#]+$/;

export function assertDtmfDigits(digits: string): void {
  if (typeof digits !== "string" || !DTMF_DIGITS.test(digits)) {
    throw new ConfigurationError(`Invalid DTMF digits ${JSON.stringify(digits)}: use only 0-9, * and #.`);
  }
}
