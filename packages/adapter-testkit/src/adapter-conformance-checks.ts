import {
  AGENT_SPECIFICATION_VERSION,
  type AgentAdapter,
  AgentCallError,
  AgentRole,
  type ModelMessage,
} from "@scenario/spec";
import { AdapterConformanceError } from "./adapter-conformance-error";
import type {
  AdapterConformanceCheck,
  AdapterConformanceOptions,
  AdapterFactory,
} from "./adapter-conformance-options";
import { createAgentInput, type TestAgentInput } from "./create-agent-input";
import { executorChecks } from "./executor-checks";
import { findSecret, incomingMessage, withLifecycle } from "./lifecycle";
import { normalizeReturn } from "./normalize-return";
import { checkStream } from "./stream-checks";

let markerCounter = 0;

/** A text no model would produce by chance, so a check can look for it in what the agent received. */
export function uniqueMarker(label: string): string {
  return `conformance-${label}-${Date.now().toString(36)}-${++markerCounter}`;
}

/**
 * The checks every adapter must pass, as plain functions: `describeAdapterConformance()` turns
 * them into vitest tests; call them directly to run them elsewhere. Each check creates its own
 * adapter with `createAdapter`.
 */
export function adapterConformanceChecks(
  createAdapter: AdapterFactory,
  options: AdapterConformanceOptions = {},
): AdapterConformanceCheck[] {
  const role = options.role ?? AgentRole.AGENT;
  const noFailing =
    "no `failing` adapter given: pass `failing: () => adapterWhoseCallFails` to check how errors surface";
  const checks: AdapterConformanceCheck[] = [
    {
      name: "declares its role, name and specification version",
      run: async () => checkDeclarations(await createAdapter(), role, options.name),
    },
    {
      name: "returns a valid AgentReturn for a new message",
      run: async () => {
        const adapter = await createAdapter();
        const messages = await callOnce(adapter, role, [incomingMessage(role, uniqueMarker("hello"))]);
        if (role !== AgentRole.JUDGE && messages.length === 0) {
          fail(adapter, "call() added no message for a new message; an agent under test must answer.");
        }
      },
    },
    ...(options.returnShapes ?? []).map(
      (shape): AdapterConformanceCheck => ({
        name: `normalises the framework's answer: ${shape.name}`,
        run: async () => {
          const adapter = await (shape.create ?? createAdapter)();
          const messages = await callOnce(adapter, role, [incomingMessage(role, uniqueMarker("shape"))]);
          await shape.expect?.(messages);
        },
      }),
    ),
    {
      name: "takes the messages added since its last call from newMessages",
      run: () => checkNewMessages(createAdapter, role, options.received),
    },
    {
      name: "is connected and disconnected once each, after a failed call too",
      run: async () => {
        const adapter = await createAdapter();
        await callOnce(adapter, role, [incomingMessage(role, uniqueMarker("lifecycle"))]);
        if (!options.failing) return;
        const failing = await options.failing();
        const input = createAgentInput({
          messages: [incomingMessage(role, uniqueMarker("failing"))],
          requestedRole: role,
        });
        // The call's own error is expected; only a broken lifecycle (a conformance error) fails the check.
        await withLifecycle(failing, async () => {
          await failing.call(input);
          fail(failing, "the `failing` adapter's call() resolved; it must fail for this check.");
        }).catch((error: unknown) => {
          if (error instanceof AdapterConformanceError) throw error;
        });
      },
    },
    {
      name: "stops its reply on interrupt(), when it declares one",
      run: () => checkInterrupt(createAdapter, role, options.interruptSettleMs ?? 10_000),
    },
    {
      name: "streams the reply's text and messages through stream(), when it declares one",
      run: async () => checkStream(await createAdapter(), role, uniqueMarker("stream")),
    },
    {
      name: "reports token usage through recordUsage",
      ...(options.reportsUsage
        ? {}
        : { skip: "the adapter does not declare `reportsUsage: true` in the conformance options" }),
      run: () => checkUsage(createAdapter, role),
    },
    {
      name: "surfaces a failed call as an AgentCallError with its name",
      ...(options.failing ? {} : { skip: noFailing }),
      run: async () => {
        if (!options.failing) return;
        const failing = await options.failing();
        await checkFailure(failing, role, options.secrets ?? []);
      },
    },
  ];
  return [...checks, ...executorChecks(createAdapter, options, role, noFailing)];
}

function fail(adapter: AgentAdapter, message: string, cause?: unknown): never {
  throw new AdapterConformanceError(
    `[${adapter.name ?? "unnamed adapter"}] ${message}`,
    cause === undefined ? {} : { cause },
  );
}

function checkDeclarations(adapter: AgentAdapter, role: AgentRole, expectedName: string | undefined): void {
  if (adapter.specificationVersion !== AGENT_SPECIFICATION_VERSION) {
    fail(
      adapter,
      `specificationVersion is ${JSON.stringify(adapter.specificationVersion)}; declare ` +
        `\`specificationVersion: "${AGENT_SPECIFICATION_VERSION}"\` so core knows which contract the adapter speaks.`,
    );
  }
  if (adapter.role !== role) {
    fail(adapter, `role is ${JSON.stringify(adapter.role)}, expected ${JSON.stringify(role)}.`);
  }
  if (typeof adapter.name !== "string" || adapter.name.trim() === "") {
    fail(adapter, "declares no name; set `name` so errors and reports can say which adapter failed.");
  }
  if (expectedName !== undefined && adapter.name !== expectedName) {
    fail(adapter, `name is ${JSON.stringify(adapter.name)}, expected ${JSON.stringify(expectedName)}.`);
  }
  if (typeof adapter.call !== "function") fail(adapter, "has no call() function.");
}

/** Connects, calls once with `incoming` as the whole conversation, disconnects; returns the messages. */
async function callOnce(
  adapter: AgentAdapter,
  role: AgentRole,
  incoming: ModelMessage[],
): Promise<ModelMessage[]> {
  return withLifecycle(adapter, ({ threadId }) =>
    callWith(adapter, role, createAgentInput({ messages: incoming, requestedRole: role, threadId })),
  );
}

async function callWith(
  adapter: AgentAdapter,
  role: AgentRole,
  input: TestAgentInput,
): Promise<ModelMessage[]> {
  let returned: unknown;
  try {
    returned = await adapter.call(input);
  } catch (error) {
    fail(
      adapter,
      `call() failed on a plain conversation: ${String((error as Error)?.message ?? error)}`,
      error,
    );
  }
  const normalized = normalizeReturn(returned, role, adapter.name ?? "adapter");
  if (normalized.kind === "verdict") {
    if (role === AgentRole.JUDGE) return [];
    fail(adapter, "call() returned a judge result, but only a judge may end the run with a verdict.");
  }
  const allowed = role === AgentRole.USER ? ["user"] : ["assistant", "tool"];
  const stray = normalized.messages.find((message) => !allowed.includes(message.role));
  if (stray) {
    fail(
      adapter,
      `call() returned a ${stray.role} message; as ${role} it may only add ${allowed.join(" and ")} messages.`,
    );
  }
  return normalized.messages;
}

async function checkNewMessages(
  createAdapter: AdapterFactory,
  role: AgentRole,
  received: (() => string) | undefined,
): Promise<void> {
  const adapter = await createAdapter();
  const first = incomingMessage(role, uniqueMarker("first"));
  const second = incomingMessage(role, uniqueMarker("second"));
  await withLifecycle(adapter, async (context) => {
    const threadId = context.threadId;
    const firstReply = await callWith(
      adapter,
      role,
      createAgentInput({ messages: [first], newMessages: [first], requestedRole: role, threadId }),
    );
    const conversation = [first, ...firstReply, second];
    await callWith(
      adapter,
      role,
      createAgentInput({ messages: conversation, newMessages: [second], requestedRole: role, threadId }),
    );
  });
  if (received) {
    const seen = received();
    for (const message of [first, second]) {
      if (!seen.includes(String(message.content))) {
        fail(
          adapter,
          `the agent never received ${JSON.stringify(message.content)}; an adapter must pass on ` +
            "every message of `newMessages` (or the whole `messages`) to the agent.",
        );
      }
    }
  }
}

async function checkInterrupt(
  createAdapter: AdapterFactory,
  role: AgentRole,
  settleMs: number,
): Promise<void> {
  const adapter = await createAdapter();
  if (typeof adapter.interrupt !== "function") return;
  await withLifecycle(adapter, async () => {
    try {
      await adapter.interrupt?.();
    } catch (error) {
      fail(adapter, "interrupt() threw with no reply in flight; it must do nothing then.", error);
    }
    const input = createAgentInput({
      messages: [incomingMessage(role, uniqueMarker("interrupt"))],
      requestedRole: role,
    });
    const pending = Promise.resolve()
      .then(() => adapter.call(input))
      .then(
        (returned) => ({ returned }),
        (error: unknown) => ({ error }),
      );
    await new Promise((resolve) => setImmediate(resolve));
    await adapter.interrupt?.();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<"unsettled">((resolve) => {
      timer = setTimeout(() => resolve("unsettled"), settleMs);
    });
    const outcome = await Promise.race([pending, bound]).finally(() => clearTimeout(timer));
    if (outcome === "unsettled") {
      fail(
        adapter,
        `call() had not settled ${settleMs} ms after interrupt(); it must return what it has promptly.`,
      );
    }
    if ("error" in outcome) {
      if (!AgentCallError.isInstance(outcome.error)) {
        fail(
          adapter,
          "call() rejected after interrupt() with something that is not an AgentCallError.",
          outcome.error,
        );
      }
      return;
    }
    normalizeReturn(outcome.returned, role, adapter.name ?? "adapter");
  });
}

async function checkUsage(createAdapter: AdapterFactory, role: AgentRole): Promise<void> {
  const adapter = await createAdapter();
  const input = createAgentInput({
    messages: [incomingMessage(role, uniqueMarker("usage"))],
    requestedRole: role,
  });
  await withLifecycle(adapter, async () => callWith(adapter, role, input));
  const counted = input.recordedUsage.filter(
    (usage) =>
      [usage.inputTokens, usage.outputTokens, usage.totalTokens].some(
        (tokens) => typeof tokens === "number" && tokens > 0,
      ) &&
      [usage.inputTokens, usage.outputTokens, usage.totalTokens].every(
        (tokens) => tokens === undefined || (Number.isFinite(tokens) && tokens >= 0),
      ),
  );
  if (counted.length === 0) {
    fail(
      adapter,
      `declares usage but recorded ${JSON.stringify(input.recordedUsage)}; call input.recordUsage() ` +
        "with the model's token counts (inputTokens, outputTokens) after each model call.",
    );
  }
}

async function checkFailure(failing: AgentAdapter, role: AgentRole, secrets: string[]): Promise<void> {
  const name = failing.name ?? "";
  const error = await withLifecycle(failing, async () => {
    const input = createAgentInput({
      messages: [incomingMessage(role, uniqueMarker("failure"))],
      requestedRole: role,
    });
    return Promise.resolve()
      .then(() => failing.call(input))
      .then(
        () => fail(failing, "the `failing` adapter's call() resolved; it must fail for this check."),
        (thrown: unknown) => thrown,
      );
  });
  if (!AgentCallError.isInstance(error)) {
    fail(
      failing,
      `call() threw ${String((error as Error)?.name ?? typeof error)} instead of an AgentCallError; wrap ` +
        "failures as `new AgentCallError(name, message, { cause })` from @scenario/spec.",
      error,
    );
  }
  if (error.agentName !== name || !error.message.startsWith(`[${name}]`)) {
    fail(failing, `the AgentCallError names ${JSON.stringify(error.agentName)}, not the adapter's name.`);
  }
  if (error.cause === undefined) fail(failing, "the AgentCallError has no `cause`; keep the original error.");
  const leaked = findSecret(error, secrets);
  if (leaked) fail(failing, `the error shows a secret (in its ${leaked}); redact credentials from errors.`);
}
