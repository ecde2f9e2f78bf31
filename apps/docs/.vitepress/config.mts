import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DefaultTheme, defineConfig } from "vitepress";

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Sidebar items for pages that exist: guides other changes add appear once their page is there. */
function existing(items: DefaultTheme.SidebarItem[]): DefaultTheme.SidebarItem[] {
  return items.filter((item) => item.link === undefined || existsSync(join(docsRoot, `${item.link}.md`)));
}

/**
 * The packages of TypeDoc's API sidebar, once `npm run docs` has generated it. Only the packages:
 * the full tree (every class and function) would be shipped in every page's site data.
 */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const file = join(docsRoot, "reference", "api", "typedoc-sidebar.json");
  if (!existsSync(file)) return [];
  const packages = JSON.parse(readFileSync(file, "utf8")) as DefaultTheme.SidebarItem[];
  return packages.map(({ text, link }) => ({ text, link }));
}

const guideSidebar: DefaultTheme.SidebarItem[] = [
  {
    text: "Getting started",
    items: existing([
      { text: "Getting started", link: "/guide/getting-started" },
      { text: "Configuration", link: "/guide/configuration" },
      { text: "Coming from @langwatch/scenario", link: "/guide/migrating-from-langwatch" },
      { text: "About these docs", link: "/guide/about" },
    ]),
  },
  {
    text: "Concepts",
    items: existing([
      { text: "Scenarios", link: "/concepts/scenario" },
      { text: "Scripts", link: "/concepts/script" },
      { text: "Turns", link: "/concepts/turns" },
      { text: "The judge", link: "/concepts/judge" },
      { text: "The user simulator", link: "/concepts/user-simulator" },
    ]),
  },
  {
    text: "Agent framework adapters",
    items: existing([
      { text: "Overview", link: "/guide/adapters/index" },
      { text: "Vercel AI SDK", link: "/guide/adapters/ai-sdk" },
      { text: "OpenAI Agents SDK", link: "/guide/adapters/openai-agents" },
      { text: "LangGraph.js", link: "/guide/adapters/langgraph" },
      { text: "Mastra", link: "/guide/adapters/mastra" },
      { text: "HTTP", link: "/guide/adapters/http" },
      { text: "Writing your own adapter", link: "/guide/writing-an-adapter" },
      { text: "Conformance suite (testkit)", link: "/guide/adapters/testkit" },
    ]),
  },
  {
    text: "Voice agents",
    items: existing([
      { text: "Overview", link: "/guide/voice/index" },
      { text: "OpenAI Realtime", link: "/guide/voice/openai-realtime" },
      { text: "ElevenLabs", link: "/guide/voice/elevenlabs" },
      { text: "Gemini Live", link: "/guide/voice/gemini-live" },
      { text: "Twilio", link: "/guide/voice/twilio" },
      { text: "Pipecat", link: "/guide/voice/pipecat" },
      { text: "Open WebSocket", link: "/guide/voice/websocket" },
    ]),
  },
  {
    text: "Running in CI",
    items: existing([
      { text: "CI sharding", link: "/guide/ci-sharding" },
      { text: "CI and releases", link: "/guide/ci-and-release" },
      { text: "Record and replay", link: "/guide/record-and-replay" },
      { text: "Timeouts and retries", link: "/guide/timeouts-and-retries" },
      { text: "Cost and budgets", link: "/guide/cost-and-budgets" },
    ]),
  },
  {
    text: "Results",
    items: existing([
      { text: "Reports", link: "/guide/reports" },
      { text: "Large suites and interrupts", link: "/guide/large-suites-and-interrupts" },
      { text: "HTTP reporter and spool", link: "/guide/http-reporter-and-spool" },
      { text: "Tracing", link: "/guide/tracing" },
    ]),
  },
  {
    text: "More",
    items: existing([
      { text: "Testing against local fakes", link: "/guide/testing-against-fakes" },
      { text: "Red teaming", link: "/guide/red-teaming" },
      { text: "Benchmarks", link: "/guide/benchmarks" },
    ]),
  },
];

const referenceSidebar: DefaultTheme.SidebarItem[] = [
  { text: "CLI", items: [{ text: "scenario", link: "/reference/cli" }] },
  { text: "API", link: "/reference/api/", items: apiSidebar(), collapsed: false },
];

export default defineConfig({
  title: "Scenario",
  description:
    "Test AI agents by simulation: a user simulator talks to your agent, a judge gives the verdict.",
  base: "/scenario/",
  cleanUrls: false,
  // The page hash map goes in a chunk of its own: inlined, it would add ~60 kB to each of the
  // ~800 pages (most of them the API reference).
  metaChunk: true,
  // The build is the internal link check: a link to a page that does not exist fails it.
  ignoreDeadLinks: false,
  lastUpdated: false,
  themeConfig: {
    nav: [
      { text: "Guide", link: "/guide/getting-started" },
      { text: "Concepts", link: "/concepts/scenario" },
      { text: "CLI", link: "/reference/cli" },
      { text: "API", link: "/reference/api/" },
    ],
    sidebar: {
      "/guide/": guideSidebar,
      "/concepts/": guideSidebar,
      "/reference/": referenceSidebar,
    },
    search: { provider: "local" },
    socialLinks: [{ icon: "github", link: "https://github.com/scenario-dev/scenario" }],
    editLink: {
      pattern: "https://github.com/scenario-dev/scenario/edit/main/apps/docs/:path",
      text: "Edit this page",
    },
  },
});
