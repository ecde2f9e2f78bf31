import delayedOrder from "../scenarios/delayed-order.scenario";
import refund from "../scenarios/refund.scenario";
import refundWindow from "../scenarios/refund-window.scenario";
import { byVoice } from "./voice-support-agent";

// The support scenarios of examples/scenarios as phone calls: the text support agent behind
// composableAgent() (pocketsphinx -> the agent -> flite), the same scripts, simulated customer and
// judge. Offline, examples/offline's fake model server plays the agent's model, customer and judge.
export default [byVoice(refund), byVoice(delayedOrder), byVoice(refundWindow)];
