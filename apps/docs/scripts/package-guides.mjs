// The guide pages generated from package READMEs, apart from the generator so that a test can
// read the list without writing the pages.

/** Guide page (under guide/) → the package folder whose README it shows, and its title. */
export const PACKAGE_GUIDES = [
  { page: "adapters/ai-sdk.md", packageDir: "adapter-ai-sdk", title: "Vercel AI SDK" },
  { page: "adapters/openai-agents.md", packageDir: "adapter-openai-agents", title: "OpenAI Agents SDK" },
  { page: "adapters/langgraph.md", packageDir: "adapter-langgraph", title: "LangGraph.js" },
  { page: "adapters/mastra.md", packageDir: "adapter-mastra", title: "Mastra" },
  { page: "adapters/http.md", packageDir: "adapter-http", title: "An agent behind HTTP" },
  { page: "adapters/testkit.md", packageDir: "adapter-testkit", title: "The adapter conformance suite" },
  { page: "voice/openai-realtime.md", packageDir: "voice-openai-realtime", title: "OpenAI Realtime" },
  { page: "voice/elevenlabs.md", packageDir: "voice-elevenlabs", title: "ElevenLabs" },
  { page: "voice/gemini-live.md", packageDir: "voice-gemini-live", title: "Gemini Live" },
  { page: "voice/twilio.md", packageDir: "voice-twilio", title: "Twilio Media Streams" },
  { page: "voice/pipecat.md", packageDir: "voice-pipecat", title: "Pipecat" },
  { page: "voice/websocket.md", packageDir: "voice-websocket", title: "Open WebSocket protocol" },
];
