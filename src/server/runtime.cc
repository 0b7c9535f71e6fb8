#include "server/runtime.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <stdexcept>


namespace sluice::server {

const RuntimeModel* Runtime::FindModel(std::string_view name) const {
  auto it = model_by_name.find(std::string(name));
  return it == model_by_name.end() ? nullptr : it->second;
}

std::shared_ptr<const Runtime> BuildRuntime(std::shared_ptr<const config::Config> config, unsigned workers) {
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
  rt->models.reserve(config->models.size());
  for (const auto& m : config->models) {
    RuntimeModel rm;
    rm.id = static_cast<uint32_t>(rt->models.size());
    rm.name = m.name;
    rm.upstream_model = m.model.empty() ? m.name : m.model;
    rm.max_body_bytes = m.max_body_bytes;
    for (const auto& rp : rt->providers) {
      if (rp.config->name == m.provider) rm.provider = &rp;
    }
    if (!rm.provider) throw std::runtime_error("model " + m.name + ": unknown provider " + m.provider);
    rm.targets.push_back(RuntimeTarget{rm.provider, rm.upstream_model});
    boost::json::object entry;
    entry["id"] = m.name;
    entry["object"] = "model";
    entry["created"] = created;
    entry["owned_by"] = m.provider;
    data.push_back(std::move(entry));
    rt->models.push_back(std::move(rm));
  }
  for (const auto& m : rt->models) rt->model_by_name.emplace(m.name, &m);

  telemetry::MetricsSpec spec;
  for (const auto& p : rt->providers) spec.providers.push_back(p.config->name);
  for (const auto& m : rt->models) {
    spec.models.push_back(m.name);
    spec.routes.emplace_back(m.name, m.provider->config->name);
  }
  rt->metrics = std::make_shared<telemetry::MetricsRegistry>(spec, workers);

  // Config overrides of the model → tokenizer table.
  for (const auto& rule : config->tokenizer.models) {
    tokenizer::ModelRule r;
    r.prefix = rule.prefix;
    tokenizer::ParseEncodingName(rule.encoding, &r.tokenizer.encoding);
    r.tokenizer.exact = rule.estimate_factor == 0;
    r.tokenizer.factor = rule.estimate_factor == 0 ? 1.0 : rule.estimate_factor;
    r.tokenizer.family = "config:" + rule.prefix;
    rt->token_models.Set(std::move(r));
  }
  for (auto& p : rt->providers) p.metric_id = rt->metrics->FindProvider(p.config->name);
  for (auto& m : rt->models) m.metric_id = rt->metrics->FindModel(m.name);
  boost::json::object list;
  list["object"] = "list";
  list["data"] = std::move(data);
  rt->models_list_body = boost::json::serialize(list);
  return rt;
}

}  // namespace sluice::server
