// BedrockByteStream: raw application/vnd.amazon.eventstream bytes → frames → StreamDecoder::Feed
// calls per the kAwsEventStream contract (adapter.h). Thread rule: one instance per stream, used by
// one thread.
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "provider/bedrock.h"
#include "provider/json_fields.h"

namespace sluice::provider {

bool BedrockByteStream::FailFraming(const core::Error& error, std::vector<ir::StreamEvent>& out) {
  failed_ = true;
  error_ = error;
  out.push_back(ProtocolErrorEvent(error_));
  return false;
}

bool BedrockByteStream::FeedBytes(std::string_view bytes, std::vector<ir::StreamEvent>& out) {
  if (failed_) return false;
  if (decoder_->finished())
    return decoder_->error().message.empty();  // trailing bytes after the end: ignored
  messages_.clear();
  bool framed = frames_.Feed(bytes, messages_);
  for (const stream::EventStreamMessage& m : messages_) {
    std::string_view message_type = m.StringHeader(":message-type");
    bool fed;
    if (message_type == "exception") {
      std::string type = "exception:";
      type += m.StringHeader(":exception-type");
      fed = decoder_->Feed(type, m.payload, out);
    } else if (message_type == "error") {
      // Unmodeled errors carry their code and message in headers; the payload means nothing.
      std::string type = "exception:";
      type += m.StringHeader(":error-code");
      boost::json::object payload;
      payload["message"] = m.StringHeader(":error-message");
      fed = decoder_->Feed(type, boost::json::serialize(payload), out);
    } else {
      fed = decoder_->Feed(m.StringHeader(":event-type"), m.payload, out);
    }
    if (!fed) return false;  // the decoder appended its error event
    if (decoder_->finished()) return true;
  }
  if (!framed) return FailFraming(frames_.error(), out);
  return true;
}

bool BedrockByteStream::Finish(std::vector<ir::StreamEvent>& out) {
  if (failed_) return false;
  // A frame cut at the very end is noise once the answer is complete (a lost metadata frame only
  // loses usage): the decoder decides whether what arrived before it is a whole answer.
  return decoder_->Finish(out);
}

}  // namespace sluice::provider
