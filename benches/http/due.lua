-- "My due items": each connection reads /v1/due as the staff of one body, round robin
-- over the bodies' tokens (file given in TOKENS).
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do
  local code, tok = line:match("^(%S+)%s+(%S+)$")
  if code ~= "ESCR" then tokens[#tokens + 1] = tok end
end
local n = 0
local as_of = os.getenv("AS_OF") or "2026-11-23"
request = function()
  n = n + 1
  local t = tokens[(n % #tokens) + 1]
  return wrk.format("GET", "/v1/due?as_of=" .. as_of, { ["Authorization"] = "Bearer " .. t })
end
