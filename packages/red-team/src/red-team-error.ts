import { ScenarioError, type ScenarioErrorOptions } from "@scenario/spec";

/** The attacker or the scorer gave no usable answer (code `RED_TEAM_FAILED`). */
export class RedTeamError extends ScenarioError {
  static override readonly errorName = "RedTeamError";

  constructor(message: string, options?: ScenarioErrorOptions) {
    super("RED_TEAM_FAILED", message, options);
  }
}
