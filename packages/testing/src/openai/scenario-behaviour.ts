import { ConfigurationError } from "@scenario/spec";
import type { FakeModelRequest, FakeReplyFunction, FakeReplyInput } from "./fake-openai-types";
import { judgeBehaviour } from "./judge-behaviour";

/** How one participant answers: a reply function, or one fixed reply. */
export type FakeBehaviour = FakeReplyFunction | FakeReplyInput;

/** The behaviour of each Scenario participant, for `scenarioBehaviour()`. */
export interface ScenarioBehaviourOptions {
  /** Answers requests without an `X-Scenario-Role` header: the agent under test. */
  agent?: FakeBehaviour;
  /** Answers `X-Scenario-Role: user-simulator` requests, e.g. `userSimulatorPersona([...])`. */
  userSimulator?: FakeBehaviour;
  /** Answers `X-Scenario-Role: judge` requests. @default judgeBehaviour() */
  judge?: FakeBehaviour;
}

function run(behaviour: FakeBehaviour, request: FakeModelRequest) {
  return typeof behaviour === "function" ? behaviour(request) : behaviour;
}

/**
 * Routes each request to a participant's behaviour by its `X-Scenario-Role` header: `judge`,
 * `user-simulator`, or none for the agent under test. Pass the result as the server's `reply`.
 * A request for a participant without a behaviour fails (HTTP 500) naming it.
 */
export function scenarioBehaviour(options: ScenarioBehaviourOptions): FakeReplyFunction {
  const judge = options.judge ?? judgeBehaviour();
  return (request) => {
    switch (request.role) {
      case "judge":
        return run(judge, request);
      case "user-simulator":
        if (options.userSimulator === undefined) {
          throw new ConfigurationError(
            "scenarioBehaviour: a user-simulator request arrived but no `userSimulator` behaviour was given.",
          );
        }
        return run(options.userSimulator, request);
      case "agent":
        if (options.agent === undefined) {
          throw new ConfigurationError(
            "scenarioBehaviour: an agent request (no X-Scenario-Role header) arrived but no `agent` behaviour was given.",
          );
        }
        return run(options.agent, request);
      default:
        throw new ConfigurationError(
          `scenarioBehaviour: unknown X-Scenario-Role ${JSON.stringify(request.role)}; expected "judge", "user-simulator" or no header.`,
        );
    }
  };
}
