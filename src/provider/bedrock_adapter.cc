// BedrockAdapter's request plumbing shared by Converse and InvokeModel: model paths, SigV4 (or
// API-key) authentication, and scrubbing credentials out of upstream text. Thread rule: the adapter
// is immutable.
#include <utility>

#include "provider/aws_sigv4.h"
#include "provider/bedrock.h"

namespace sluice::provider {

BedrockAdapter::BedrockAdapter(BedrockOptions options) : options_(std::move(options)) {
  if (options_.host.empty())
    options_.host = "bedrock-runtime." + options_.region + ".amazonaws.com";
}

core::Result<std::string> BedrockAdapter::ModelPath(std::string_view path_prefix,
                                                    std::string_view model,
                                                    std::string_view operation) {
  if (model.empty() || model == "." || model == "..")
    return core::Error{core::ErrorCode::kInvalidRequest,
                       "'" + std::string(model) + "' is not a Bedrock model id.", 0, "model"};
  std::string path;
  path.reserve(path_prefix.size() + model.size() + 32);
  path.append(path_prefix).append("/model/");
  path.append(aws_sigv4::UriEncode(model, /*encode_slash=*/true));  // ':' → %3A, ARN '/' → %2F
  path.append("/").append(operation);
  return path;
}

void BedrockAdapter::Sign(UpstreamRequest& request, const Target& target) const {
  std::string content_type;
  for (const Header& h : request.headers)
    if (h.name == "content-type") content_type = h.value;
  request.headers.push_back({"host", options_.host});
  if (!options_.access_key_id.empty()) {
    SigV4Input in;
    in.method = request.method;
    in.path = request.path;
    // content-type and host are signed; accept is not, so a transport that normalises it cannot
    // break the signature.
    in.headers = {{"content-type", std::move(content_type)}, {"host", options_.host}};
    in.payload = request.body;
    in.region = options_.region;
    in.service = "bedrock";  // the signing name, although the host is bedrock-runtime
    in.now = target.now;
    SigV4Output signed_headers =
        SignV4(in, {options_.access_key_id, options_.secret_access_key, options_.session_token});
    for (Header& h : signed_headers.headers) request.headers.push_back(std::move(h));
  } else if (!target.api_key.empty()) {
    request.headers.push_back({"authorization", "Bearer " + std::string(target.api_key)});
  }
}

std::string BedrockAdapter::Scrub(std::string text) const {
  for (const std::string* secret :
       {&options_.secret_access_key, &options_.session_token, &options_.access_key_id}) {
    if (secret->empty()) continue;
    for (size_t pos = text.find(*secret); pos != std::string::npos; pos = text.find(*secret, pos))
      text.replace(pos, secret->size(), "[redacted]");
  }
  return text;
}

std::unique_ptr<StreamDecoder> BedrockAdapter::NewStreamDecoder() const {
  std::vector<std::string> secrets;
  for (const std::string* s :
       {&options_.secret_access_key, &options_.session_token, &options_.access_key_id})
    if (!s->empty()) secrets.push_back(*s);
  return std::make_unique<BedrockStreamDecoder>(std::move(secrets));
}

}  // namespace sluice::provider
