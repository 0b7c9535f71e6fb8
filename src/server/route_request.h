// What the router needs to know about one request, computed only as far as its route asks: an input-token
// estimate, the output budget, tools and images (exactly, from the IR, when a target of the route cannot
// take them), the sticky key, and for `rules` routes the request's attributes (consumer, team, headers,
// metadata, prompt matches). Routes that use none of these pay for none of them.
// Thread rule: one request, one worker.
#pragma once

#include <list>
#include <string>
#include <string_view>
#include <vector>

#include "router/route_config.h"
#include "router/strategies.h"
#include "server/proxy_call.h"
#include "server/request_pipeline.h"

namespace sluice::server {

// Storage the traits' views point into; lives as long as the request.
struct RouteRequest {
  router::RequestTraits traits;
  std::vector<router::RequestAttribute> attributes;
  // Lower-cased header names, metadata values; a list: stable addresses, and no allocation when unused.
  std::list<std::string> owned;
  std::string_view consumer;  // views into the request, which outlives the routing decision
  std::string_view team;
};

// Fills `out` for `call` on `route`. May decode the call's IR (EnsureChatIr) when the route needs it.
void DescribeRequest(const router::RoutingTables& routing, const router::Route& route,
                     const router::RoutePolicy& policy, const Request& request, ClientCall& call,
                     RouteRequest& out);

}  // namespace sluice::server
