// Observability for tests: counters (GET /mock/stats), the last received request (GET /mock/last_request),
// both cleared by POST /mock/reset.
// Thread rule: counters are relaxed atomics and the last request sits behind a mutex, so any number of
// worker threads may record into one Stats.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::mock_llm {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
  std::string body;
};

class Stats {
 public:
  std::atomic<uint64_t> connections_total{0};
  std::atomic<int64_t> connections_active{0};
  std::atomic<uint64_t> requests_total{0};        // every request except /mock/*
  std::atomic<uint64_t> chat_requests{0};
  std::atomic<uint64_t> embeddings_requests{0};
  std::atomic<uint64_t> messages_requests{0};      // Anthropic POST /v1/messages
  std::atomic<uint64_t> count_tokens_requests{0};  // Anthropic POST /v1/messages/count_tokens
  std::atomic<uint64_t> bad_requests{0};           // 400 and 404 answered by the mock itself
  std::atomic<uint64_t> errors_injected{0};        // x-mock-error-status answers
  std::atomic<int64_t> active_streams{0};
  std::atomic<uint64_t> streams_started{0};
  std::atomic<uint64_t> streams_completed{0};      // [DONE] written
  std::atomic<uint64_t> streams_cancelled{0};      // client went away mid-stream
  std::atomic<uint64_t> streams_error_injected{0}; // x-mock-error-after-chunks fired
  std::atomic<uint64_t> streams_aborted{0};        // x-mock-abort-after-chunks fired
  std::atomic<uint64_t> client_disconnects{0};     // any request whose client left before the answer ended
  std::atomic<uint64_t> gemini_requests{0};        // Gemini generate/stream/countTokens/embed (both hosts)
  std::atomic<uint64_t> bedrock_requests{0};       // Bedrock converse/converse-stream/invoke/count-tokens
  std::atomic<uint64_t> azure_requests{0};         // Azure OpenAI deployment and v1 routes
  std::atomic<uint64_t> auth_failures{0};          // 401/403 answered for missing or wrong credentials
  std::atomic<uint64_t> metrics_scrapes{0};        // GET /metrics (not in requests_total, not recorded)
  // Live chat calls of every dialect (stream or not), from decode to the last byte: vLLM's running gauge.
  std::atomic<int64_t> chat_active{0};
  std::atomic<uint64_t> prompt_tokens_total{0};     // usage the mock reported (vllm:prompt_tokens_total)
  std::atomic<uint64_t> generation_tokens_total{0};

  void RecordRequest(RecordedRequest request);
  // {"requests_total":…, …}
  std::string CountersJson() const;
  // {"method","target","headers":{lower-case name: value (repeats joined by ", ")},"body": parsed JSON or
  //  the raw string when it is not JSON,"body_raw": the body bytes as a string,"body_bytes"}; {} before the
  //  first request.
  std::string LastRequestJson() const;
  void Reset();

 private:
  mutable std::mutex mu_;
  bool has_last_ = false;
  RecordedRequest last_;
};

// Counts an in-flight value up for the lifetime of the guard.
class ActiveGuard {
 public:
  explicit ActiveGuard(std::atomic<int64_t>& counter) : counter_(counter) { counter_.fetch_add(1); }
  ~ActiveGuard() { counter_.fetch_sub(1); }
  ActiveGuard(const ActiveGuard&) = delete;
  ActiveGuard& operator=(const ActiveGuard&) = delete;

 private:
  std::atomic<int64_t>& counter_;
};

}  // namespace sluice::mock_llm
