-- An API read (PATH, default "/v1/due?as_of=2026-11-23"): each request as the staff of
-- one body, round robin over the bodies' tokens (file given in TOKENS). With NOAUTH set,
-- no Authorization header (for /health).
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do
  local code, tok = line:match("^(%S+)%s+(%S+)$")
  if code ~= "ESCR" then tokens[#tokens + 1] = tok end
end
local n = 0
local path = os.getenv("PATH_Q") or "/v1/due?as_of=2026-11-23"
local noauth = os.getenv("NOAUTH")
if noauth == "" then noauth = nil end
request = function()
  n = n + 1
  if noauth then return wrk.format("GET", path) end
  local t = tokens[(n % #tokens) + 1]
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. t })
end
