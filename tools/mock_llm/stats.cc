// Stats rendering and reset. Thread rule: see stats.h.
#include "mock_llm/stats.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::mock_llm {
namespace json = boost::json;

void Stats::RecordRequest(RecordedRequest request) {
  std::lock_guard lock(mu_);
  last_ = std::move(request);
  has_last_ = true;
}

std::string Stats::CountersJson() const {
  auto r = [](const auto& a) { return a.load(std::memory_order_relaxed); };
  json::object o;
  o["connections_total"] = r(connections_total);
  o["connections_active"] = r(connections_active);
  o["requests_total"] = r(requests_total);
  o["chat_requests"] = r(chat_requests);
  o["embeddings_requests"] = r(embeddings_requests);
  o["messages_requests"] = r(messages_requests);
  o["count_tokens_requests"] = r(count_tokens_requests);
  o["bad_requests"] = r(bad_requests);
  o["errors_injected"] = r(errors_injected);
  o["active_streams"] = r(active_streams);
  o["streams_started"] = r(streams_started);
  o["streams_completed"] = r(streams_completed);
  o["streams_cancelled"] = r(streams_cancelled);
  o["streams_error_injected"] = r(streams_error_injected);
  o["streams_aborted"] = r(streams_aborted);
  o["client_disconnects"] = r(client_disconnects);
  o["gemini_requests"] = r(gemini_requests);
  o["bedrock_requests"] = r(bedrock_requests);
  o["azure_requests"] = r(azure_requests);
  o["auth_failures"] = r(auth_failures);
  o["metrics_scrapes"] = r(metrics_scrapes);
  o["chat_active"] = r(chat_active);
  o["prompt_tokens_total"] = r(prompt_tokens_total);
  o["generation_tokens_total"] = r(generation_tokens_total);
  return json::serialize(o);
}

std::string Stats::LastRequestJson() const {
  std::lock_guard lock(mu_);
  if (!has_last_) return "{}";
  json::object headers;
  for (const auto& [name, value] : last_.headers) {
    std::string key = name;
    for (char& c : key) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (auto* existing = headers.if_contains(key)) {
      std::string joined(existing->get_string());
      joined.append(", ").append(value);
      *existing = joined;
    } else {
      headers[key] = value;
    }
  }
  json::object o;
  o["method"] = last_.method;
  o["target"] = last_.target;
  o["headers"] = std::move(headers);
  boost::system::error_code ec;
  json::value body = json::parse(last_.body, ec);
  if (ec) body = json::string(last_.body);
  o["body"] = std::move(body);
  o["body_raw"] = last_.body;  // byte-for-byte, for tests that compare what the gateway sent
  o["body_bytes"] = last_.body.size();
  return json::serialize(o);
}

void Stats::Reset() {
  for (auto* c : {&connections_total, &requests_total, &chat_requests, &embeddings_requests, &messages_requests,
                  &count_tokens_requests, &bad_requests,
                  &errors_injected, &streams_started, &streams_completed, &streams_cancelled,
                  &streams_error_injected, &streams_aborted, &client_disconnects, &gemini_requests,
                  &bedrock_requests, &azure_requests, &auth_failures, &metrics_scrapes, &prompt_tokens_total,
                  &generation_tokens_total}) {
    c->store(0, std::memory_order_relaxed);
  }
  // Active gauges describe live work, not history: a reset must not make them negative later.
  std::lock_guard lock(mu_);
  has_last_ = false;
  last_ = {};
}

}  // namespace sluice::mock_llm
