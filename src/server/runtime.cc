#include "server/runtime.h"

#include "tokenizer/hf_registry.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <stdexcept>


namespace sluice::server {

const RuntimeModel* Runtime::FindModel(std::string_view name) const {
  const router::Route* route = routing->table.Find(name);
  if (!route) return nullptr;
  auto it = model_by_route.find(route);
  return it == model_by_route.end() ? nullptr : it->second;
}

std::shared_ptr<const Runtime> BuildRuntime(std::shared_ptr<const config::Config> config, unsigned workers,
                                            std::shared_ptr<telemetry::MetricsLineage> lineage) {
  auto rt = std::make_shared<Runtime>();
  rt->config = config;
  rt->providers.reserve(config->providers.size());
  for (const auto& p : config->providers) {
    rt->providers.push_back(BuildRuntimeProvider(p, *config));
    rt->providers.back().id = static_cast<uint32_t>(rt->providers.size() - 1);
  }
  boost::json::array data;
  auto created = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
  rt->load_board = std::make_unique<LoadBoard>(rt->providers.size());
  auto routing = router::BuildRouting(*config);
  if (!routing.ok()) throw std::runtime_error(routing.error().message);
  rt->routing = std::make_unique<router::RoutingTables>(std::move(routing).value());
  auto provider_named = [&](std::string_view name) -> const RuntimeProvider* {
    for (const auto& rp : rt->providers) {
      if (rp.config->name == name) return &rp;
    }
    return nullptr;
  };
  const auto& routes = rt->routing->table.routes();
  rt->models.reserve(routes.size());
  for (const router::Route& route : routes) {
    RuntimeModel rm;
    rm.id = static_cast<uint32_t>(rt->models.size());
    rm.name = route.name;
    rm.route = &route;
    rm.policy = rt->routing->Policy(route);
    if (!rm.policy) throw std::runtime_error("route " + route.name + ": no policy");
    rm.max_body_bytes = rm.policy->max_body_bytes;
    for (const router::TargetSpec& t : route.targets) {
      const RuntimeProvider* rp = provider_named(t.provider);
      if (!rp) throw std::runtime_error("route " + route.name + ": unknown provider " + t.provider);
      rm.target_providers.push_back(rp);
    }
    rm.provider = rm.target_providers.front();
    rm.upstream_model = route.targets.front().model;
    if (!config::IsModelPattern(route.name)) {  // patterns are not model ids
      boost::json::object entry;
      entry["id"] = route.name;
      entry["object"] = "model";
      entry["created"] = created;
      entry["owned_by"] = rm.provider->config->name;
      data.push_back(std::move(entry));
    }
    rt->models.push_back(std::move(rm));
  }
  for (const auto& m : rt->models) rt->model_by_route.emplace(m.route, &m);

  telemetry::MetricsSpec spec;
  for (const auto& p : rt->providers) spec.providers.push_back(p.config->name);
  for (const auto& m : rt->models) {
    spec.models.push_back(m.name);
    for (const RuntimeProvider* p : m.target_providers) spec.routes.emplace_back(m.name, p->config->name);
  }
  rt->metrics = std::make_shared<telemetry::MetricsRegistry>(spec, workers, lineage);
  rt->router_metrics =
      std::make_shared<telemetry::RouterMetrics>(rt->routing->slot_names(), spec.models, workers, std::move(lineage));

  // Config overrides of the model → tokenizer table.
  for (const auto& rule : config->tokenizer.models) {
    tokenizer::ModelRule r;
    r.prefix = rule.prefix;
    tokenizer::ParseEncodingName(rule.encoding, &r.tokenizer.encoding);
    r.tokenizer.exact = rule.estimate_factor == 0;
    r.tokenizer.factor = rule.estimate_factor == 0 ? 1.0 : rule.estimate_factor;
    r.tokenizer.family = "config:" + rule.prefix;
    if (!rule.tokenizer_file.empty()) {
      // Loaded and validated by the config loader; this is a registry hit (a changed file loads again).
      auto tok = tokenizer::LoadHfTokenizer(rule.tokenizer_file);
      if (!tok.ok()) throw std::runtime_error("tokenizer.models." + rule.prefix + ": " + tok.error().message);
      r.tokenizer.hf = std::move(tok).value();
      tokenizer::ParseChatFraming(rule.chat_framing, &r.tokenizer.framing);
      r.tokenizer.family = "hf:" + r.tokenizer.hf->name();
    }
    rt->token_models.Set(std::move(r));
  }
  for (auto& p : rt->providers) {
    p.metric_id = rt->metrics->FindProvider(p.config->name);
    p.metrics = rt->metrics.get();
  }
  for (auto& m : rt->models) m.metric_id = rt->metrics->FindModel(m.name);
  boost::json::object list;
  list["object"] = "list";
  list["data"] = std::move(data);
  rt->models_list_body = boost::json::serialize(list);
  return rt;
}

}  // namespace sluice::server
