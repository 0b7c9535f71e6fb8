// Lookups on a loaded Config. Thread rule: const member functions on an immutable snapshot.
#include "config/schema.h"

#include <algorithm>

namespace sluice::config {

// Linear scans: configs hold tens of entries and lookups happen when runtime objects are built, not
// per request (the runtime snapshot keeps its own hash maps).
const ProviderConfig* Config::FindProvider(const std::string& name) const {
  auto it = std::find_if(providers.begin(), providers.end(),
                         [&](const auto& p) { return p.name == name; });
  return it == providers.end() ? nullptr : &*it;
}

const ModelConfig* Config::FindModel(const std::string& name) const {
  auto it =
      std::find_if(models.begin(), models.end(), [&](const auto& m) { return m.name == name; });
  return it == models.end() ? nullptr : &*it;
}

}  // namespace sluice::config
