// MetricsRegistry construction, id lookups, the hot-path recorders and cross-shard totals.
// Rendering lives in metrics_render.cc. Thread rule: see metrics_registry.h.
#include "telemetry/metrics_registry.h"

#include "telemetry/metrics_lineage.h"

namespace sluice::telemetry {

StatusClass ClassOfStatus(int status) {
  if (status >= 500) return StatusClass::k5xx;
  if (status >= 400) return StatusClass::k4xx;
  return StatusClass::k2xx;
}

size_t UpstreamErrorSlot(core::ErrorCode code, int http_status) {
  if (code != core::ErrorCode::kUpstreamError) return static_cast<size_t>(code);
  for (size_t i = 0; i < std::size(kUpstreamStatuses); ++i) {
    if (kUpstreamStatuses[i] == http_status) return kErrorCodeSlots + i;
  }
  size_t other = kErrorCodeSlots + std::size(kUpstreamStatuses);
  if (http_status >= 400 && http_status < 500) return other;
  if (http_status >= 500 && http_status < 600) return other + 1;
  return other + 2;
}

std::string UpstreamErrorLabel(size_t slot) {
  if (slot < kErrorCodeSlots)
    return std::string(core::Describe(static_cast<core::ErrorCode>(slot)).code);
  size_t i = slot - kErrorCodeSlots;
  if (i < std::size(kUpstreamStatuses)) return "http_" + std::to_string(kUpstreamStatuses[i]);
  static const char* const kOther[] = {"http_4xx", "http_5xx", "http_other"};
  return kOther[i - std::size(kUpstreamStatuses)];
}

WorkerMetrics::WorkerMetrics(size_t models, size_t providers, LiveGaugeShard& live)
    : models_(models),
      providers_(providers),
      pairs_(std::make_unique<PairSeries[]>(models * providers)),
      provider_(std::make_unique<ProviderSeries[]>(providers)),
      local_replies_(std::make_unique<std::atomic<uint64_t>[]>(kErrorCodeSlots)),
      overhead_(OverheadLayout()),
      live_(&live) {
  for (size_t i = 0; i < models * providers; ++i) {
    pairs_[i].duration.Init(DurationLayout());
    pairs_[i].ttft.Init(TtftLayout());
  }
  for (size_t i = 0; i < providers; ++i) {
    provider_[i].upstream_duration.Init(DurationLayout());
    provider_[i].errors = std::make_unique<std::atomic<uint64_t>[]>(kUpstreamErrorSlots);
  }
}

// Ids from another registry (an older snapshot) must not index out of bounds: they fall back to the
// bounded unknown/none series instead.
size_t WorkerMetrics::PairIndex(ModelId m, ProviderId p) const {
  size_t model = m.value < models_ ? m.value : 0;
  return model * providers_ + ProviderIndex(p);
}

void WorkerMetrics::RecordRequest(const RequestRecord& r) {
  PairSeries& s = pairs_[PairIndex(r.model, r.provider)];
  Bump(s.requests[static_cast<size_t>(ClassOfStatus(r.status))]);
  s.duration.Observe(r.total_ns);
  if (r.stream && r.ttft_ns != 0) s.ttft.Observe(r.ttft_ns);
  overhead_.Observe(r.total_ns > r.upstream_wait_ns ? r.total_ns - r.upstream_wait_ns : 0);
  const uint64_t tokens[kTokenDirections] = {r.tokens.input, r.tokens.output, r.tokens.cached_input,
                                             r.tokens.reasoning};
  for (size_t d = 0; d < kTokenDirections; ++d) {
    if (tokens[d] != 0) Bump(s.tokens[d], tokens[d]);
  }
}

void WorkerMetrics::RecordUpstream(ProviderId provider, uint64_t duration_ns) {
  provider_[ProviderIndex(provider)].upstream_duration.Observe(duration_ns);
}

void WorkerMetrics::RecordUpstreamError(ProviderId provider, core::ErrorCode code,
                                        int http_status) {
  Bump(provider_[ProviderIndex(provider)].errors[UpstreamErrorSlot(code, http_status)]);
}

void WorkerMetrics::RecordUpstreamConnection(ProviderId provider, bool reused) {
  Bump(provider_[ProviderIndex(provider)].connections[reused ? 1 : 0]);
}

void WorkerMetrics::RecordLocalReply(core::ErrorCode code) {
  Bump(local_replies_[static_cast<size_t>(code)]);
}

MetricsRegistry::MetricsRegistry(const MetricsSpec& spec, size_t shards, std::shared_ptr<MetricsLineage> lineage)
    : lineage_(std::move(lineage)),
      live_(lineage_ ? lineage_->live_gauges() : std::make_shared<LiveGauges>(shards)) {
  model_names_.emplace_back(kUnknownModelLabel);
  model_ids_.emplace(std::string(kUnknownModelLabel), 0);
  for (const std::string& m : spec.models) {
    if (model_ids_.emplace(m, static_cast<uint32_t>(model_names_.size())).second) {
      model_names_.push_back(m);
    }
  }
  provider_names_.emplace_back(kNoProviderLabel);
  provider_ids_.emplace(std::string(kNoProviderLabel), 0);
  for (const std::string& p : spec.providers) {
    if (provider_ids_.emplace(p, static_cast<uint32_t>(provider_names_.size())).second) {
      provider_names_.push_back(p);
    }
  }
  const size_t np = provider_names_.size();
  declared_pairs_.assign(model_names_.size() * np, false);
  declared_pairs_[0] = true;  // (unknown, none): every 404 for an unconfigured model lands here
  for (const auto& [model, provider] : spec.routes) {
    auto m = model_ids_.find(model);
    auto p = provider_ids_.find(provider);
    if (m != model_ids_.end() && p != provider_ids_.end())
      declared_pairs_[m->second * np + p->second] = true;
  }
  if (shards == 0) shards = 1;
  shards_.reserve(shards);
  for (size_t i = 0; i < shards; ++i) {
    shards_.emplace_back(new WorkerMetrics(model_names_.size(), np, live_->Shard(i)));
  }
  if (lineage_) lineage_->registries().Join(this);
}

MetricsRegistry::~MetricsRegistry() {
  if (lineage_) lineage_->registries().Leave(this);  // folds what it recorded while its shards still exist
}

RegistryTotals MetricsRegistry::Collect() const {
  const size_t np = provider_names_.size();
  RegistryTotals t;
  t.pairs.resize(model_names_.size() * np);
  t.providers.resize(np);
  for (const auto& shard : shards_) {
    for (size_t i = 0; i < t.pairs.size(); ++i) {
      const WorkerMetrics::PairSeries& s = shard->pairs_[i];
      RegistryTotals::Pair& sum = t.pairs[i];
      for (size_t c = 0; c < kStatusClasses; ++c) sum.requests[c] += s.requests[c].load(std::memory_order_relaxed);
      for (size_t d = 0; d < kTokenDirections; ++d) sum.tokens[d] += s.tokens[d].load(std::memory_order_relaxed);
      s.duration.AddTo(sum.duration);
      s.ttft.AddTo(sum.ttft);
    }
    for (size_t p = 1; p < np; ++p) {  // provider "none" never talks to an upstream
      const WorkerMetrics::ProviderSeries& s = shard->provider_[p];
      RegistryTotals::Provider& sum = t.providers[p];
      s.upstream_duration.AddTo(sum.upstream_duration);
      for (size_t r = 0; r < 2; ++r) sum.connections[r] += s.connections[r].load(std::memory_order_relaxed);
      for (size_t e = 0; e < kUpstreamErrorSlots; ++e) sum.errors[e] += s.errors[e].load(std::memory_order_relaxed);
    }
    shard->overhead_.AddTo(t.overhead);
    for (size_t c = 0; c < kErrorCodeSlots; ++c)
      t.local_replies[c] += shard->local_replies_[c].load(std::memory_order_relaxed);
  }
  return t;
}

ModelId MetricsRegistry::FindModel(std::string_view name) const {
  auto it = model_ids_.find(std::string(name));
  return it == model_ids_.end() ? kUnknownModel : ModelId{it->second};
}

ProviderId MetricsRegistry::FindProvider(std::string_view name) const {
  auto it = provider_ids_.find(std::string(name));
  return it == provider_ids_.end() ? kNoProvider : ProviderId{it->second};
}

uint64_t MetricsRegistry::TotalRequests(ModelId m, ProviderId p, StatusClass c) const {
  uint64_t n = 0;
  for (const auto& s : shards_) {
    n += s->pairs_[s->PairIndex(m, p)].requests[static_cast<size_t>(c)].load(
        std::memory_order_relaxed);
  }
  return n;
}

uint64_t MetricsRegistry::TotalTokens(ModelId m, ProviderId p, TokenDirection d) const {
  uint64_t n = 0;
  for (const auto& s : shards_) {
    n += s->pairs_[s->PairIndex(m, p)].tokens[static_cast<size_t>(d)].load(
        std::memory_order_relaxed);
  }
  return n;
}

int64_t MetricsRegistry::RequestsInFlight() const { return live_->RequestsInFlight(); }

}  // namespace sluice::telemetry
