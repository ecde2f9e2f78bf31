import { AgentRole } from "@scenario/spec";

/** The order in which roles act within a turn, as in `@langwatch/scenario`. */
const ROLE_ORDER: readonly AgentRole[] = [AgentRole.USER, AgentRole.AGENT, AgentRole.JUDGE];

/** An agent the automatic loop may call next. */
export interface TurnActor {
  /** The agent's index in `config.agents`. */
  index: number;
  /** The role it plays. */
  role: AgentRole;
}

/**
 * Decides who acts in which turn, with the reference executor's rule: within a turn the roles act
 * in the order user → agent → judge, each agent once. A script step for a role whose place in the
 * turn has passed (the user after the agent answered), or whose agents all acted, starts a new
 * turn; the automatic loop (`proceed()`) calls the next agent that may still act, and starts the
 * next turn when none is left. The turn counter itself lives in the state.
 */
export class TurnMachine {
  private pendingAgents: Set<number>;
  /**
   * The position in ROLE_ORDER of the first role that may still act this turn; earlier roles' places
   * have passed. A step leaves it on its own role, so a second agent of that role may still act.
   */
  private roleSlot = 0;
  /** Roles that spoke this turn through scripted messages, having no agent of their own. */
  private readonly scriptedRoles = new Set<AgentRole>();

  /**
   * @param agentRoles The role of each agent, index for index with `config.agents`.
   * @param advanceTurn Advances the state's turn counter.
   */
  constructor(
    private readonly agentRoles: readonly AgentRole[],
    private readonly advanceTurn: () => void,
  ) {
    this.pendingAgents = new Set(agentRoles.keys());
  }

  /** Starts the next turn: every role and every agent may act again. */
  startNewTurn(): void {
    this.advanceTurn();
    this.pendingAgents = new Set(this.agentRoles.keys());
    this.roleSlot = 0;
    this.scriptedRoles.clear();
  }

  /**
   * The agent the automatic loop calls next in this turn, or undefined when none is left. Roles
   * none of whose agents may still act are passed over for good, as the reference drops them.
   */
  peekAutomaticActor(): TurnActor | undefined {
    while (this.roleSlot < ROLE_ORDER.length) {
      const role = ROLE_ORDER[this.roleSlot]!;
      const index = this.agentRoles.findIndex(
        (candidateRole, candidate) => candidateRole === role && this.pendingAgents.has(candidate),
      );
      if (index !== -1) return { index, role };
      this.roleSlot += 1;
    }
    return undefined;
  }

  /** Records that an agent acted in this turn (the automatic loop calls it for the actor it peeked). */
  markActed(index: number): void {
    this.pendingAgents.delete(index);
  }

  /**
   * Takes the place of the next agent of `role` for a script step (`user()`, `agent()`, `judge()`, a
   * scripted message), starting a new turn when the role's place in this turn has passed or all its
   * agents acted. Returns the agent's index, or undefined (and changes nothing) when no agent has
   * the role.
   */
  claimAgentSlot(role: AgentRole): number | undefined {
    const candidates = [...this.agentRoles.keys()].filter((index) => this.agentRoles[index] === role);
    if (candidates.length === 0) return undefined;
    const slot = ROLE_ORDER.indexOf(role);
    let index =
      this.roleSlot <= slot ? candidates.find((candidate) => this.pendingAgents.has(candidate)) : undefined;
    if (index === undefined) {
      this.startNewTurn();
      index = candidates[0]!;
    }
    this.roleSlot = slot;
    this.pendingAgents.delete(index);
    return index;
  }

  /**
   * Takes `role`'s place for a scripted message when no agent has the role (`user("hi")` without a
   * user simulator): the message counts as the role's move, so the turn rule is the same as with an
   * agent.
   */
  claimAgentlessSlot(role: AgentRole): void {
    const slot = ROLE_ORDER.indexOf(role);
    if (this.roleSlot > slot || this.scriptedRoles.has(role)) this.startNewTurn();
    this.scriptedRoles.add(role);
    this.roleSlot = slot;
  }
}
