import type { FakeMessage, FakeReplyFunction } from "@scenario/testing";

// The offline stand-in for the user simulator. The simulator sends the scenario's description in
// its system prompt and the conversation with roles flipped (its own earlier lines are
// `assistant`), so the customer follows the storyline of the order the description names and
// reacts to what the agent said last.

interface Storyline {
  opening: string;
  /** The next line, given what the agent just said. */
  next(agentSaid: string, linesSoFar: number): string;
}

const STORYLINES: Record<string, Storyline> = {
  "2077": {
    opening: "hey, where is my standing desk?? order 2077. it's been over a week",
    next: (agentSaid, lines) => {
      if (/order number/i.test(agentSaid)) return "it's order 2077";
      if (lines === 1) return "ugh. can I just get a refund instead?";
      return "ok fine, I'll wait for it. thanks";
    },
  },
  "1042": {
    opening: "Hi, my wireless headphones from order #1042 arrived broken. Can I get a refund?",
    next: (agentSaid) => (/order number/i.test(agentSaid) ? "It's #1042" : "Great, thank you so much!"),
  },
  "3001": {
    opening: "I'd like a refund for my espresso machine, order 3001. It stopped heating.",
    next: (agentSaid, lines) => {
      if (/warranty/i.test(agentSaid) && lines === 1) return "Yes please, connect me with the warranty team.";
      return "Okay, thanks anyway.";
    },
  },
};

const FALLBACK: Storyline = {
  opening: "Hi, I have a question about my order.",
  next: () => "Thanks, that's all!",
};

function descriptionOf(messages: FakeMessage[]): string {
  const system = messages.find((message) => message.role === "system");
  return /<scenario>([\s\S]*?)<\/scenario>/.exec(system?.content ?? "")?.[1] ?? system?.content ?? "";
}

/** The simulated customer's offline model. */
export const customerBrain: FakeReplyFunction = (request) => {
  const description = descriptionOf(request.messages);
  const order = /\b(\d{4})\b/.exec(description)?.[1];
  const storyline = (order && STORYLINES[order]) || FALLBACK;
  const ownLines = request.messages.filter((message) => message.role === "assistant").length;
  if (ownLines === 0) return { text: storyline.opening };
  const agentSaid = [...request.messages].reverse().find((message) => message.role === "user")?.content ?? "";
  return { text: storyline.next(agentSaid, ownLines) };
};
