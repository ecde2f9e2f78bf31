import { ConfigurationError } from "@scenario/spec";

/** The sampling options every LLM participant takes. */
export interface SamplingOptions {
  /** Sampling temperature, from 0 to 2. */
  temperature?: number | undefined;
  /** The most tokens one reply may take, a positive integer. */
  maxTokens?: number | undefined;
}

/**
 * Checks a participant's `temperature` (a number from 0 to 2) and `maxTokens` (a positive integer)
 * and returns them; unset ones stay undefined.
 * @param factory The participant's factory, named in the error ("judgeAgent" gives "judgeAgent({ temperature })").
 * @throws ConfigurationError naming the option, its range and the value given.
 */
export function validateSamplingOptions(
  options: { temperature?: unknown; maxTokens?: unknown },
  factory: string,
): SamplingOptions {
  const { temperature, maxTokens } = options;
  if (
    temperature !== undefined &&
    (typeof temperature !== "number" || !Number.isFinite(temperature) || temperature < 0 || temperature > 2)
  ) {
    throw new ConfigurationError(
      `${factory}({ temperature }) must be a number from 0 to 2; got ${String(temperature)}.`,
    );
  }
  if (
    maxTokens !== undefined &&
    (typeof maxTokens !== "number" || !Number.isInteger(maxTokens) || maxTokens < 1)
  ) {
    throw new ConfigurationError(
      `${factory}({ maxTokens }) must be a positive integer; got ${String(maxTokens)}.`,
    );
  }
  return { temperature, maxTokens };
}
