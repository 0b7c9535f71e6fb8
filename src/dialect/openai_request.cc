#include "dialect/openai_request.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <vector>

#include "dialect/json_members.h"
#include "dialect/json_validate.h"

namespace sluice::dialect {
namespace {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;

Error Invalid(std::string message, std::string param = {}) {
  return Error{ErrorCode::kInvalidRequest, std::move(message), 0, std::move(param)};
}

// What the `messages` check found: an array, its length, and whether every element is an object with a
// `role`.
struct MessagesShape {
  bool is_array = false;
  size_t count = 0;
  bool every_role = true;
};

// Walks the `messages` array at body[i] (a validated body) once: each element object is scanned for its
// `role` while it is skipped. Returns one past the value, as SkipJsonValue would.
size_t WalkMessages(std::string_view s, size_t i, MessagesShape& shape) {
  shape = MessagesShape{};
  const size_t start = i;
  if (i >= s.size() || s[i] != '[') return SkipJsonValue(s, start);
  i = SkipJsonWhitespace(s, i + 1);
  if (i < s.size() && s[i] == ']') {
    shape.is_array = true;
    return i + 1;
  }
  while (i < s.size()) {
    ++shape.count;
    size_t end = std::string_view::npos;
    if (s[i] == '{') {
      bool has_role = false;
      end = ForEachMemberAt(s, i, [&has_role](const JsonMember& f) { has_role = has_role || KeyEquals(f, "role"); });
      if (end == std::string_view::npos) shape.every_role = false;
      else shape.every_role = shape.every_role && has_role;
    }
    if (end == std::string_view::npos) {
      shape.every_role = false;
      end = SkipJsonValue(s, i);
    }
    i = SkipJsonWhitespace(s, end);
    if (i < s.size() && s[i] == ',') {
      i = SkipJsonWhitespace(s, i + 1);
      continue;
    }
    if (i < s.size() && s[i] == ']') {
      shape.is_array = true;
      return i + 1;
    }
    break;
  }
  shape = MessagesShape{};  // not an array after all: as ScanArrayElements, no elements count
  return SkipJsonValue(s, start);
}

}  // namespace

core::Result<OpenAiRequest> DecodeOpenAiRequest(std::string_view body, OpenAiEndpoint endpoint) {
  // Validate the whole text once without a DOM, then read fields through the member scanner: the body is
  // forwarded byte for byte, so nothing needs to be materialised.
  if (!IsValidJson(body)) {
    return Invalid("We could not parse the JSON body of your request. (HINT: This likely means you aren't "
                   "using your HTTP library correctly. The OpenAI API expects a JSON payload.)");
  }
  OpenAiRequest req;
  req.endpoint = endpoint;
  req.members.reserve(16);
  // One walk over the body: the members are recorded and, for chat, every `messages` value is checked as
  // it is skipped (the last one counts, as for every member).
  const bool chat = endpoint == OpenAiEndpoint::kChatCompletions;
  MessagesShape shape;
  auto skip = [&](const JsonMember& m, size_t i) {
    if (chat && KeyEquals(m, "messages")) return WalkMessages(body, i, shape);
    return SkipJsonValue(body, i);
  };
  const size_t end = ForEachMemberAt(body, 0, [&](const JsonMember& m) { req.members.push_back(m); }, skip);
  if (end == std::string_view::npos) return Invalid("The request body must be a JSON object.");

  std::string_view model, stream, stream_options, input;
  bool has_model = false, has_messages = false, has_stream = false, has_stream_options = false, has_input = false;
  for (const auto& m : req.members) {
    std::string_view value = body.substr(m.value_begin, m.value_end - m.value_begin);
    // Later duplicates win, as in most JSON parsers (and in the upstreams).
    if (KeyEquals(m, "model")) {
      model = value;
      has_model = true;
    } else if (KeyEquals(m, "messages")) {
      has_messages = true;  // its shape was checked during the walk
    } else if (KeyEquals(m, "stream")) {
      stream = value;
      has_stream = true;
    } else if (KeyEquals(m, "stream_options")) {
      stream_options = value;
      has_stream_options = true;
    } else if (KeyEquals(m, "input")) {
      input = value;
      has_input = true;
    }
  }

  if (!has_model) return Invalid("you must provide a model parameter", "model");
  if (!DecodeJsonString(model, req.model)) return Invalid("Invalid type for 'model': expected a string.", "model");
  if (req.model.empty()) return Invalid("you must provide a model parameter", "model");

  if (endpoint == OpenAiEndpoint::kChatCompletions) {
    if (!has_messages) return Invalid("Missing required parameter: 'messages'.", "messages");
    if (!shape.is_array) return Invalid("Invalid type for 'messages': expected an array of objects.", "messages");
    if (shape.count == 0)
      return Invalid("Invalid 'messages': empty array. Expected an array with minimum length 1.", "messages");
    if (!shape.every_role)
      return Invalid("Invalid 'messages': each message must be an object with a 'role'.", "messages");
    if (has_stream && stream != "null") {
      if (stream == "true") {
        req.stream = true;
      } else if (stream != "false") {
        return Invalid("Invalid type for 'stream': expected a boolean.", "stream");
      }
    }
    if (has_stream_options && stream_options != "null") {
      std::vector<JsonMember> options;
      if (!ScanTopLevelMembers(stream_options, options))
        return Invalid("Invalid type for 'stream_options': expected an object.", "stream_options");
      if (!req.stream)
        return Invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options");
      req.has_stream_options = true;
      for (const auto& o : options) {
        if (!KeyEquals(o, "include_usage")) continue;
        std::string_view v = stream_options.substr(o.value_begin, o.value_end - o.value_begin);
        if (v != "true" && v != "false")
          return Invalid("Invalid type for 'stream_options.include_usage': expected a boolean.",
                         "stream_options.include_usage");
        req.client_wants_usage = v == "true";
      }
    }
  } else {
    if (!has_input) return Invalid("Missing required parameter: 'input'.", "input");
    bool ok = false;
    if (!input.empty() && input.front() == '"') {
      if (input == "\"\"") return Invalid("'$.input' is invalid. Please check the API reference.", "input");
      ok = true;
    } else if (!input.empty() && input.front() == '[') {
      std::vector<std::pair<size_t, size_t>> items;
      ok = ScanArrayElements(input, items) && !items.empty();
    }
    if (!ok) return Invalid("Invalid 'input': expected a string or a non-empty array.", "input");
  }
  return req;
}

namespace {

// 62^9 fits in 64 bits; the hash is reduced to it so each of the 9 digits is uniform enough.
constexpr uint64_t kBase62Pow9 = 13'537'086'546'263'552ULL;
constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

bool IsAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

size_t KeyBegin(std::string_view body, const JsonMember& m) {
  return static_cast<size_t>(m.key.data() - body.data()) - 1;  // the opening quote
}
size_t KeyEnd(std::string_view body, const JsonMember& m) { return KeyBegin(body, m) + m.key.size() + 2; }

// Edits removing the members flagged in `remove` with their commas. Runs of adjacent removed members
// are removed as one span so that no two edits claim the same comma.
void RemoveMembers(std::string_view body, const std::vector<JsonMember>& members, const std::vector<bool>& remove,
                   std::vector<JsonEdit>& edits) {
  const size_t n = members.size();
  for (size_t i = 0; i < n; ++i) {
    if (!remove[i]) continue;
    size_t j = i;
    while (j + 1 < n && remove[j + 1]) ++j;
    if (j + 1 < n) {
      edits.push_back({KeyBegin(body, members[i]), KeyBegin(body, members[j + 1]), {}});
    } else if (i > 0) {
      edits.push_back({members[i - 1].value_end, members[j].value_end, {}});
    } else {
      edits.push_back({KeyBegin(body, members[i]), members[j].value_end, {}});
    }
    i = j;
  }
}

// Rewrites the JSON string at body[begin, end) when the id it holds does not fit `rule`.
void RemapIdAt(std::string_view body, size_t begin, size_t end, ToolCallIdRule rule, std::vector<JsonEdit>& edits,
               ToolCallIdMap* remapped) {
  std::string id;
  if (!DecodeJsonString(body.substr(begin, end - begin), id) || ToolCallIdFits(id, rule)) return;
  std::string upstream = UpstreamToolCallId(id, rule);
  std::string quoted;
  AppendJsonString(quoted, upstream);
  edits.push_back({begin, end, std::move(quoted)});
  if (remapped) remapped->Add(std::move(upstream), std::move(id));
}

// messages[].tool_call_id and messages[].tool_calls[].id, edited in place inside the `messages` span.
void RemapMessageToolCallIds(std::string_view body, const JsonMember& messages, ToolCallIdRule rule,
                             std::vector<JsonEdit>& edits, ToolCallIdMap* remapped) {
  std::string_view array = body.substr(messages.value_begin, messages.value_end - messages.value_begin);
  std::vector<std::pair<size_t, size_t>> elements, calls;
  std::vector<JsonMember> fields, call_fields;
  if (!ScanArrayElements(array, elements)) return;
  for (const auto& [eb, ee] : elements) {
    const size_t base = messages.value_begin + eb;
    std::string_view message = body.substr(base, ee - eb);
    if (!ScanTopLevelMembers(message, fields)) continue;
    for (const JsonMember& f : fields) {
      if (KeyEquals(f, "tool_call_id")) {
        RemapIdAt(body, base + f.value_begin, base + f.value_end, rule, edits, remapped);
      } else if (KeyEquals(f, "tool_calls")) {
        std::string_view list = message.substr(f.value_begin, f.value_end - f.value_begin);
        if (!ScanArrayElements(list, calls)) continue;
        for (const auto& [cb, ce] : calls) {
          const size_t call_base = base + f.value_begin + cb;
          if (!ScanTopLevelMembers(body.substr(call_base, ce - cb), call_fields)) continue;
          for (const JsonMember& c : call_fields)
            if (KeyEquals(c, "id"))
              RemapIdAt(body, call_base + c.value_begin, call_base + c.value_end, rule, edits, remapped);
        }
      }
    }
  }
}

}  // namespace

bool ToolCallIdFits(std::string_view id, ToolCallIdRule rule) {
  switch (rule) {
    case ToolCallIdRule::kAny:
      return true;
    case ToolCallIdRule::kNineAlnum:
      if (id.size() != 9) return false;
      for (char c : id)
        if (!IsAlnum(c)) return false;
      return true;
  }
  return true;
}

std::string UpstreamToolCallId(std::string_view id, ToolCallIdRule rule) {
  if (ToolCallIdFits(id, rule)) return std::string(id);
  uint64_t h = 14695981039346656037ULL;  // FNV-1a 64: stable across builds and processes
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h %= kBase62Pow9;
  std::string out(9, '0');
  for (size_t i = 9; i-- > 0;) {
    out[i] = kBase62[h % 62];
    h /= 62;
  }
  return out;
}

std::string EncodeOpenAiUpstreamBody(std::string_view body, const OpenAiRequest& request,
                                     std::string_view upstream_model) {
  return EncodeOpenAiUpstreamBody(body, request, upstream_model, OpenAiUpstreamOptions{});
}

std::string EncodeOpenAiUpstreamBody(std::string_view body, const OpenAiRequest& request,
                                     std::string_view upstream_model, const OpenAiUpstreamOptions& options,
                                     ToolCallIdMap* remapped) {
  const std::vector<JsonMember>& members = request.members;
  std::vector<JsonEdit> edits;
  std::vector<bool> remove;  // sized on the first removal: the common request removes nothing
  bool any_removed = false;
  auto mark_removed = [&](size_t i) {
    if (remove.empty()) remove.assign(members.size(), false);
    remove[i] = any_removed = true;
  };
  std::string quoted_model;
  AppendJsonString(quoted_model, upstream_model);
  const bool chat = request.endpoint == OpenAiEndpoint::kChatCompletions;
  // A renamed member gives way to a member the client already sent under the server's name.
  auto has_key = [&](std::string_view name) {
    for (const auto& m : members)
      if (KeyEquals(m, name)) return true;
    return false;
  };
  auto rename = [&](size_t i, std::string_view to) {
    if (has_key(to)) {
      mark_removed(i);
      return;
    }
    std::string key;
    AppendJsonString(key, to);
    edits.push_back({KeyBegin(body, members[i]), KeyEnd(body, members[i]), std::move(key)});
  };
  bool saw_stream_options = false;
  // The usual request changes only the model: that one edit is applied without the edit list (no vector,
  // no sort). Any further edit joins the list.
  const JsonMember* model_member = nullptr;
  for (size_t i = 0; i < members.size(); ++i) {
    const JsonMember& m = members[i];
    if (KeyEquals(m, "model")) {
      if (!model_member) model_member = &m;
      else edits.push_back({m.value_begin, m.value_end, quoted_model});
    } else if (chat && KeyEquals(m, "stream_options")) {
      if (!options.stream_usage) {
        mark_removed(i);  // the server rejects it, and reports usage unasked
        continue;
      }
      if (!request.stream) continue;
      saw_stream_options = true;
      if (request.client_wants_usage) continue;
      // Keep the client's other stream options, force include_usage on.
      std::string_view raw = body.substr(m.value_begin, m.value_end - m.value_begin);
      boost::system::error_code ec;
      json::value v = json::parse(raw, ec);
      if (ec || !v.is_object()) v = json::object();
      v.get_object()["include_usage"] = true;
      edits.push_back({m.value_begin, m.value_end, json::serialize(v)});
    } else if (chat && !options.max_tokens_field.empty() && KeyEquals(m, "max_completion_tokens") &&
               options.max_tokens_field != "max_completion_tokens") {
      rename(i, options.max_tokens_field);
    } else if (chat && !options.seed_field.empty() && KeyEquals(m, "seed") && options.seed_field != "seed") {
      rename(i, options.seed_field);
    } else if (chat && !options.parallel_tool_calls && KeyEquals(m, "parallel_tool_calls")) {
      mark_removed(i);
    } else if (chat && options.tool_call_ids != ToolCallIdRule::kAny && KeyEquals(m, "messages")) {
      RemapMessageToolCallIds(body, m, options.tool_call_ids, edits, remapped);
    }
  }
  if (any_removed) RemoveMembers(body, members, remove, edits);
  const bool insert_usage = chat && request.stream && options.stream_usage && !saw_stream_options;
  constexpr std::string_view kUsageOption = "\"stream_options\":{\"include_usage\":true}";
  std::string out;
  if (edits.empty()) {
    out.reserve(body.size() + quoted_model.size() + (insert_usage ? kUsageOption.size() + 1 : 0));
    if (model_member) {
      out.append(body.substr(0, model_member->value_begin));
      out.append(quoted_model);
      out.append(body.substr(model_member->value_end));
    } else {
      out.append(body);
    }
  } else {
    if (model_member) edits.push_back({model_member->value_begin, model_member->value_end, quoted_model});
    out = ApplyEdits(body, std::move(edits));
  }
  if (insert_usage) {
    // Insert right after the opening brace: no comma bookkeeping at the end of the object. Done after the
    // other edits, which all lie behind the brace, so an edit starting there cannot be reordered with it.
    size_t brace = out.find('{');
    out.insert(brace + 1, kUsageOption);
    if (!members.empty()) out.insert(brace + 1 + kUsageOption.size(), 1, ',');
  }
  return out;
}

}  // namespace sluice::dialect
