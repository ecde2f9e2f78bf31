import type { ModelMessage } from "@scenario/spec";
import { concatPcm } from "./pcm";
import type { PendingReply } from "./pending-reply";
import type { SpeechToTextProvider } from "./speech-provider";
import { voiceMessage } from "./voice-message";

/**
 * The conversation messages for a finished reply: its tool calls and results, then the voice
 * message (audio + transcript). A reply without a transcript is transcribed with `transcription`
 * when one is given, so the judge has words to read.
 */
export async function replyMessages(
  reply: PendingReply,
  transcription: SpeechToTextProvider | undefined,
): Promise<ModelMessage[]> {
  const audio = concatPcm(reply.audio);
  let transcript = reply.finalTranscript ?? reply.transcript;
  if (transcript === "" && audio.byteLength > 0 && transcription !== undefined) {
    transcript = await transcription.transcribe({ data: audio });
  }
  const messages: ModelMessage[] = [];
  if (reply.toolCalls.length > 0) messages.push({ role: "assistant", content: [...reply.toolCalls] });
  if (reply.toolResults.length > 0) messages.push({ role: "tool", content: [...reply.toolResults] });
  messages.push(voiceMessage("assistant", audio, transcript.trim()));
  return messages;
}
