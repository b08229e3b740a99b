-- sandbox.lua: every way out, attempted; each result is recorded.
local function try(f)
  local ok, err = pcall(f)
  if ok then return "allowed" end
  return tostring(err)
end

function on_site(site)
  local r = {}
  r.io = try(function() return io.open("/etc/passwd") end)
  r.execute = try(function() return os.execute("true") end)
  r.remove = try(function() return os.remove("x") end)
  r.getenv = try(function() return os.getenv("HOME") end)
  r.exit = try(function() return os.exit(1) end)
  r.dofile = try(function() return dofile("x.lua") end)
  r.loadfile = try(function() return loadfile("x.lua") end)
  r.debug = try(function() return debug.getinfo(1) end)
  r.package = try(function() return package.loadlib("x", "y") end)
  r.dump = try(function() return string.dump(try) end)
  r.dump_method = try(function() return ("x"):dump() end)
  r.collectgarbage = try(function() return collectgarbage("count") end)
  r.load_noenv = try(function() return load("return 1") end)
  r.load_binary = try(function() return load("return 1", "x", "b", {}) end)
  local f, msg = load("\27Lua", "bin", "t", {})
  r.load_binary_text = tostring(msg)
  local g = load("return 1 + 1", "x", "t", {})
  r.load_ok = g()
  r.require_dotdot = try(function() return require("..secret") end)
  r.require_slash = try(function() return require("/etc/passwd") end)
  r.require_long = try(function() return require(string.rep("a", 201)) end)
  r.require_missing = try(function() return require("nosuch") end)
  r.require_ok = require("util.strings").shout("hi")
  r.require_same = tostring(require("util.strings") == require("util.strings"))
  r.require_planpress = tostring(require("planpress") == planpress)
  r.gc = try(function() return setmetatable({}, { __gc = function() end }) end)
  r.randomseed = try(function() return math.randomseed() end)
  r.random = math.random(1000000)
  r.getmetatable_env = tostring(getmetatable(_G))
  r.global_leak = tostring(on_page)
  site.sandbox = r
end

leaked_from_sandbox = true
