// Registers the installed `ai`'s own message type with @scenario/spec (see ScenarioTypeRegistry),
// so every `ModelMessage` in Scenario's API is exactly the user's AI SDK 6 or 7 type.
import type { ModelMessage as AiModelMessage } from "ai";

declare module "@scenario/spec" {
  interface ScenarioTypeRegistry {
    modelMessage: AiModelMessage;
  }
}
