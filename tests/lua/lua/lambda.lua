-- lambda.lua: template lambdas, explicit and plain.
local calls = 0
function on_site(site)
  site.upper = planpress.lambda(function(text)
    calls = calls + 1
    return text and text:upper() or "VAR"
  end)
  site.twice = function(text) return (text or "") .. (text or "") end
  site.calls = function() return tostring(calls) end
  site.fail = function() error("lambda broke") end
  site.bad = function() return {} end
  site.spin = function() while true do end end
  site.strict = function() planpress.error("not in a lambda") end
end
