-- wrk script: POST a ~1 KB OpenAI chat completion body (non-streaming).
--   wrk -t1 -c50 -d5s -s bench/load/post_chat.lua http://127.0.0.1:PORT
-- Override the path with PATH_OVERRIDE=/v1/chat/completions (default) and add headers with MOCK_HEADERS
-- ("x-mock-chunks: 3;x-mock-delay-ms: 0"), e.g. to drive tools/mock_llm behaviours.
local words = {}
for i = 1, 150 do words[#words + 1] = "word" .. (i % 10) end
local text = table.concat(words, " ")
wrk.method = "POST"
wrk.path = os.getenv("PATH_OVERRIDE") or "/v1/chat/completions"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench-0000000000000000"
wrk.body = '{"model":"gpt-4o-mini","max_tokens":64,"temperature":0.2,"messages":[' ..
  '{"role":"system","content":"You are a terse assistant used for load testing."},' ..
  '{"role":"user","content":"' .. text .. '"}]}'
local extra = os.getenv("MOCK_HEADERS")
if extra then
  for pair in string.gmatch(extra, "[^;]+") do
    local name, value = string.match(pair, "^%s*([^:]+):%s*(.-)%s*$")
    if name then wrk.headers[name] = value end
  end
end
