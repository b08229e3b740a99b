-- util/strings.lua: a module for require("util.strings").
local M = {}
function M.shout(s) return s:upper() .. "!" end
return M
