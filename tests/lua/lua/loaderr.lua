-- loaderr.lua: the main chunk fails.
local x = nil
local y = x.field
