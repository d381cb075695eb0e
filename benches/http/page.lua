-- A staff page (PAGE, e.g. "/" or "/solicitudes") read with one session cookie (COOKIE).
local page = os.getenv("PAGE") or "/"
local cookie = os.getenv("COOKIE")
request = function()
  return wrk.format("GET", page, { ["Cookie"] = cookie })
end
