import {
  type ScenarioEvent,
  ScenarioEventType,
  type ScenarioMessageSnapshotEvent,
  type ScenarioRunFinishedEvent,
  type ScenarioRunStartedEvent,
  type SnapshotMessage,
} from "@scenario/spec";
import { z } from "zod";

const nonEmptyString = z.string().min(1);
const tokenCount = z.number().int().nonnegative();

const costUsd = z.number().finite().nonnegative();

const usageCountsSchema = z.object({
  inputTokens: tokenCount,
  outputTokens: tokenCount,
  totalTokens: tokenCount,
  cachedInputTokens: tokenCount.optional(),
  costUsd: costUsd.optional(),
});

const usageSchema = z.looseObject({
  inputTokens: tokenCount,
  outputTokens: tokenCount,
  totalTokens: tokenCount,
  cachedInputTokens: tokenCount.optional(),
  costUsd: costUsd.optional(),
  byRole: z.object({
    User: usageCountsSchema.optional(),
    Agent: usageCountsSchema.optional(),
    Judge: usageCountsSchema.optional(),
  }),
});

const criterionVerdictSchema = z.object({
  criterion: z.string(),
  verdict: z.enum(["met", "unmet", "inconclusive"]),
  reasoning: z.string(),
});

// Loose objects: a newer producer may add fields, and reporters must not drop them or refuse the event.
const eventBaseShape = {
  timestamp: z.number().finite().nonnegative(),
  batchRunId: nonEmptyString,
  scenarioRunId: nonEmptyString,
  scenarioId: nonEmptyString,
  scenarioSetId: nonEmptyString,
  eventId: nonEmptyString.optional(),
};

/** A tool call of an assistant snapshot message (AG-UI shape). */
export const snapshotToolCallSchema = z.object({
  id: z.string(),
  type: z.literal("function"),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

/** One message of a snapshot, in the AG-UI shape the LangWatch collector reads. */
export const snapshotMessageSchema: z.ZodType<SnapshotMessage> = z.discriminatedUnion("role", [
  z.object({ id: z.string(), role: z.literal("user"), content: z.string() }),
  z.object({
    id: z.string(),
    role: z.literal("assistant"),
    content: z.string().optional(),
    toolCalls: z.array(snapshotToolCallSchema).optional(),
  }),
  z.object({ id: z.string(), role: z.literal("system"), content: z.string() }),
  z.object({ id: z.string(), role: z.literal("tool"), content: z.string(), toolCallId: z.string() }),
]);

/** `SCENARIO_RUN_STARTED`. */
export const runStartedEventSchema: z.ZodType<ScenarioRunStartedEvent> = z.looseObject({
  ...eventBaseShape,
  type: z.literal(ScenarioEventType.RUN_STARTED),
  metadata: z.looseObject({ name: z.string(), description: z.string() }),
});

/** `SCENARIO_MESSAGE_SNAPSHOT`. */
export const messageSnapshotEventSchema: z.ZodType<ScenarioMessageSnapshotEvent> = z.looseObject({
  ...eventBaseShape,
  type: z.literal(ScenarioEventType.MESSAGE_SNAPSHOT),
  messages: z.array(snapshotMessageSchema),
  turn: z.number().int().nonnegative().optional(),
});

/** `SCENARIO_RUN_FINISHED`. */
export const runFinishedEventSchema: z.ZodType<ScenarioRunFinishedEvent> = z.looseObject({
  ...eventBaseShape,
  type: z.literal(ScenarioEventType.RUN_FINISHED),
  status: z.enum(["SUCCESS", "FAILED", "ERROR", "CANCELLED"]),
  results: z.looseObject({
    verdict: z.enum(["success", "failure", "inconclusive"]),
    reasoning: z.string().optional(),
    metCriteria: z.array(z.string()),
    unmetCriteria: z.array(z.string()),
    error: z.string().optional(),
    criteria: z.array(criterionVerdictSchema).optional(),
  }),
  name: z.string().optional(),
  totalTimeMs: z.number().finite().nonnegative().optional(),
  agentTimeMs: z.number().finite().nonnegative().optional(),
  usage: usageSchema.optional(),
});

const eventSchemasByType: Record<ScenarioEvent["type"], z.ZodType<ScenarioEvent>> = {
  [ScenarioEventType.RUN_STARTED]: runStartedEventSchema,
  [ScenarioEventType.MESSAGE_SNAPSHOT]: messageSnapshotEventSchema,
  [ScenarioEventType.RUN_FINISHED]: runFinishedEventSchema,
};

/** Any event a run emits, discriminated by `type`. */
export const scenarioEventSchema: z.ZodType<ScenarioEvent> = z.union([
  runStartedEventSchema,
  messageSnapshotEventSchema,
  runFinishedEventSchema,
]);

/** The outcome of `validateScenarioEvent()`. */
export type ScenarioEventValidation =
  | {
      /** The value is a valid event. */
      success: true;
      /** The event, as given (extra fields kept). */
      event: ScenarioEvent;
    }
  | {
      /** The value is not a valid event. */
      success: false;
      /**
       * What is wrong, as `path: problem` pairs. Names fields, never quotes their values, so it is
       * safe to log.
       */
      error: string;
    };

const MAX_ISSUES_SHOWN = 3;

/**
 * Checks that a value is a Scenario event. Reporters call it on what they receive; the bus and the
 * HTTP reporter drop what fails it.
 */
export function validateScenarioEvent(value: unknown): ScenarioEventValidation {
  const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
  const schema = typeof type === "string" ? eventSchemasByType[type as ScenarioEvent["type"]] : undefined;
  if (schema === undefined) {
    const known = Object.values(ScenarioEventType).join(", ");
    return {
      success: false,
      error: `type: expected one of ${known}, got ${typeof type === "string" ? JSON.stringify(type.slice(0, 60)) : typeof type}`,
    };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { success: true, event: value as ScenarioEvent };
  const issues = parsed.error.issues.slice(0, MAX_ISSUES_SHOWN).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join(".") : "(event)";
    return `${path}: ${issue.message}`;
  });
  const more = parsed.error.issues.length - issues.length;
  return { success: false, error: issues.join("; ") + (more > 0 ? ` (and ${more} more)` : "") };
}
