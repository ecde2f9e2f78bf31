export {
  type FakeOtlpReceiver,
  type FakeOtlpReceiverOptions,
  type OtlpAttributeValue,
  type ReceivedOtlpRequest,
  type ReceivedSpan,
  startFakeOtlpReceiver,
} from "./fake-otlp-receiver";
