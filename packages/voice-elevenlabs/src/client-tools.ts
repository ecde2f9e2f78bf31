import type { ElevenLabsClientTool } from "./elevenlabs-options";

/**
 * Runs the client tool the agent called. A tool that is not defined, or that throws, gives an
 * error result the agent can speak about instead of a conversation that hangs.
 */
export async function runClientTool(
  tools: Record<string, ElevenLabsClientTool>,
  toolName: string,
  parameters: Record<string, unknown>,
): Promise<{ output: unknown; isError: boolean }> {
  const tool = Object.hasOwn(tools, toolName) ? tools[toolName] : undefined;
  if (typeof tool !== "function") {
    return {
      output: `No client tool named "${toolName}": add it to elevenLabsAgent({ clientTools }).`,
      isError: true,
    };
  }
  try {
    return { output: await tool(parameters), isError: false };
  } catch (error) {
    return { output: error instanceof Error ? error.message : String(error), isError: true };
  }
}
