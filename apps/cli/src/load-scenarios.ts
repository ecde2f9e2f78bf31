import { relative, sep } from "node:path";
import { scenarioIdOf } from "@scenario/core";
import { type DefinedScenario, isScenarioDefinition } from "@scenario/kit";
import { ConfigurationError, DEFAULT_SCENARIO_SET_ID } from "@scenario/spec";
import type { ModuleLoader } from "./module-loader";
import type { SelectableScenario } from "./select-scenarios";

/** A scenario found in a scenario file. */
export interface DiscoveredScenario extends SelectableScenario {
  /** The file's absolute path. */
  absoluteFile: string;
  /** The definition as exported. */
  definition: DefinedScenario;
}

function definitionsIn(module: Record<string, unknown>): DefinedScenario[] {
  const found: DefinedScenario[] = [];
  const take = (value: unknown) => {
    if (isScenarioDefinition(value)) found.push(value);
    else if (Array.isArray(value)) for (const item of value) if (isScenarioDefinition(item)) found.push(item);
  };
  if (isScenarioDefinition(module)) return [module];
  // The default export first, then named exports in declaration order.
  take(module.default);
  for (const [key, value] of Object.entries(module)) if (key !== "default") take(value);
  return [...new Set(found)];
}

/**
 * Imports scenario files and collects the scenarios they export (`defineScenario()` results, as
 * the default export, named exports or arrays). Throws a `ConfigurationError` for a file that
 * fails to load or declares nothing, and for two scenarios with the same id.
 */
export async function loadScenarios(options: {
  files: readonly string[];
  rootDir: string;
  load: ModuleLoader;
}): Promise<DiscoveredScenario[]> {
  const scenarios: DiscoveredScenario[] = [];
  for (const absoluteFile of options.files) {
    const file = relative(options.rootDir, absoluteFile).split(sep).join("/");
    let module: Record<string, unknown>;
    try {
      module = await options.load(absoluteFile);
    } catch (error) {
      throw new ConfigurationError(
        `Could not load scenario file ${file}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    const definitions = definitionsIn(module);
    if (definitions.length === 0) {
      throw new ConfigurationError(
        `${file} declares no scenario. Export one: \`export default defineScenario({ name, description, agents: () => [...] })\` (from @scenario/kit).`,
      );
    }
    for (const definition of definitions) {
      scenarios.push({
        file,
        absoluteFile,
        id: scenarioIdOf(definition),
        name: definition.name,
        setId: definition.setId ?? DEFAULT_SCENARIO_SET_ID,
        definition,
      });
    }
  }
  const byId = new Map<string, DiscoveredScenario>();
  for (const scenario of scenarios) {
    const previous = byId.get(scenario.id);
    if (previous) {
      throw new ConfigurationError(
        `Two scenarios have the id "${scenario.id}" (${previous.file}: "${previous.name}" and ${scenario.file}: "${scenario.name}"). ` +
          "Give one of them a distinct `id` or `name`: reports and flaky detection group runs by id.",
      );
    }
    byId.set(scenario.id, scenario);
  }
  return scenarios;
}
